"""Every independent problem of a claim is reported in one run (DESIGN.md: "every problem
listed at once"), in YAML, CSV and Parquet claim files alike; a problem that only follows
from another one (a value that cannot be typed because its property is unknown, a quote
that cannot be looked for because its source is unknown) is not reported on top of it.

Each case adds one claim to the valid ``mini`` workspace (tests/fixtures/mini) with two or
more broken fields, and lists the columns that must be reported for it: exactly those.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from reconcile.cli.commands import main
from reconcile.pipeline import load

from .conftest import FIXTURES, ROOT

#: A valid claim of source ``alpha`` (its quote is in claims/documents/alpha.txt).
BASE = {
    "id": "x-1",
    "source": "alpha",
    "subject": "treaty:cst",
    "property": "signed",
    "value": "1992-05-15",
    "quote": "signed in Tashkent on 15 May 1992",
}
MEMBERS = {
    "subject": "org:csto",
    "property": "members",
    "quote": "The current members of the organization are Armenia, Belarus",
}
STATUS = {"subject": "country:UZ", "property": "membership_status", "value": "member", "quote": "signed in Tashkent"}

# name: (fields changed from BASE, the columns reported for the claim, texts that must appear)
INDEPENDENT = {
    # the reviewer's case: a set value with an unknown name and a `complete` that is no boolean
    "complete+unknown_set_member": (
        {**MEMBERS, "value": ["Xyzzystan", "Armenia"], "complete": "maybe"},
        ["complete", "value"],
        ["'maybe' is not a boolean", "unknown name 'Xyzzystan'"],
    ),
    "as_of_date+unknown_subject": (
        {"subject": "Xyzzyland", "as_of": "2015-13"},
        ["as_of", "subject"],
        ["month 13", "unknown subject 'Xyzzyland'"],
    ),
    "confidence+misquote": (
        {"confidence": "2", "quote": "signed in Paris"},
        ["confidence", "quote"],
        ["confidence '2' is out of range", "quote not found in the document"],
    ),
    "capture+unknown_value": (
        {"property": "signed_in", "value": "Atlantis", "capture": "robot", "quote": "signed in Tashkent"},
        ["capture", "value"],
        ["unknown capture 'robot'", "unknown name 'Atlantis'"],
    ),
    "unknown_source+value_date": (
        {"source": "gamma", "value": "2002-02-30"},
        ["source", "value"],
        ["unknown source 'gamma'", "2002-02-30"],
    ),
    "unknown_property+as_of_date": (
        {"property": "singed", "as_of": "2015-13"},
        ["as_of", "property"],
        ["unknown property 'singed'", "month 13"],
    ),
    "missing_value+misquote": (
        {"value": None, "quote": "signed in Paris"},
        ["quote", "value"],
        ["required field `value` is missing", "quote not found"],
    ),
    "missing_quote+value_date": (
        {"quote": None, "value": "2002-02-30"},
        ["quote", "value"],
        ["required field `quote` is missing", "2002-02-30"],
    ),
    "missing_subject+value_date": (
        {"subject": None, "value": "2002-02-30"},
        ["subject", "value"],
        ["required field `subject` is missing", "2002-02-30"],
    ),
    "occurrence+misquote": (
        {"occurrence": 0, "quote": "signed in Paris"},
        ["occurrence", "quote"],
        ["is not a positive whole number", "quote not found"],
    ),
    "id_format+unknown_subject": (
        {"id": "x 1", "subject": "Xyzzyland"},
        ["id", "subject"],
        ["id 'x 1' has spaces", "unknown subject 'Xyzzyland'"],
    ),
    "unknown_subject+wrong_kind_value": (
        {"subject": "Xyzzyland", "property": "signed_in", "value": "Armenia", "quote": "signed in Tashkent"},
        ["subject", "value"],
        ["unknown subject", "'Armenia' is a country"],
    ),
    "status+reversed_scope+misquote": (
        {**STATUS, "value": "left", "valid_from": "2012", "valid_to": "2006", "quote": "signed in Paris"},
        ["quote", "valid_to", "value"],
        ["status 'left' is not in the vocabulary", "valid_from is after valid_to", "quote not found"],
    ),
    "quantity+complete+as_of_phrase": (
        {
            "subject": "force:peacekeeping",
            "property": "personnel",
            "value": "quite a lot",
            "complete": "perhaps",
            "as_of": "yesterday-ish",
            "quote": "The peacekeeping forces number about 3,600 personnel.",
        },
        ["as_of", "complete", "value"],
        ["'quite a lot' is not a quantity", "'perhaps' is not a boolean", "'yesterday-ish' is not a date"],
    ),
    "seven_at_once": (
        {
            "subject": "Xyzzyland",
            "value": "2002-02-30",
            "complete": "maybe",
            "confidence": "7",
            "capture": "robot",
            "as_of": "2015-13",
            "quote": "signed in Paris",
        },
        ["as_of", "capture", "complete", "confidence", "quote", "subject", "value"],
        ["unknown subject", "2002-02-30", "'maybe'", "confidence '7'", "'robot'", "month 13", "quote not found"],
    ),
}

# A second problem that is a mere consequence of the first is not reported.
DEPENDENT = {
    # the value cannot be typed without its property
    "unknown_property+value": ({"property": "singed", "value": "whatever"}, ["property"]),
    # nor can the quote be looked for without its source's document
    "unknown_source+misquote": ({"source": "gamma", "quote": "signed in Paris"}, ["source"]),
    # a missing value is not also "an empty set" or "not a date"
    "missing_value": ({"value": None}, ["value"]),
    # a missing quote is not also "not found"
    "missing_quote": ({"quote": None}, ["quote"]),
    # an occurrence that is no positive number is not also "the quote occurs 1 time(s), not 0"
    "occurrence_only": ({"occurrence": 0}, ["occurrence"]),
    # a valid_from that is no date cannot be out of order
    "valid_from_date+order": ({**STATUS, "valid_from": "2012-13", "valid_to": "2006"}, ["valid_from"]),
}

FORMATS = ["yaml", "csv", "parquet"]


def _cell(value: object) -> object:
    """A field as a CSV or Parquet cell: lists as ``;``-separated names, all text."""
    if value is None:
        return None
    if isinstance(value, list):
        return ";".join(value)
    return str(value)


def _write_claim(root: Path, fields: dict, fmt: str) -> str:
    """Add the claim ``fields`` (None: not given) to the workspace at ``root`` in a claim
    file of format ``fmt``; return the file's path as problems name it."""
    given = {k: v for k, v in fields.items() if v is not None}
    rel = f"claims/captured/extra.{fmt}"
    path = root / rel
    if fmt == "yaml":
        path.write_text(yaml.safe_dump({"claims": [given]}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(given))
        writer.writeheader()
        writer.writerow({k: _cell(v) for k, v in given.items()})
        path.write_text(out.getvalue(), encoding="utf-8")
    else:
        names = list(dict.fromkeys([*BASE, *fields]))
        pq.write_table(pa.table({k: pa.array([_cell(fields.get(k))], pa.string()) for k in names}), path)
    return rel


def _claim_problems(root: Path, fields: dict, fmt: str) -> list:
    rel = _write_claim(root, fields, fmt)
    _, problems = load(root)
    claim_id = str(fields["id"])
    return [p for p in problems.sorted() if p.file == rel or p.claim_id == claim_id]


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    dest = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", dest)
    return dest


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", list(INDEPENDENT))
def test_independent_problems_of_a_claim_are_reported_together(mini, name, fmt):
    change, columns, texts = INDEPENDENT[name]
    found = _claim_problems(mini, {**BASE, **change}, fmt)
    assert all(p.severity == "error" for p in found), found
    assert sorted(p.column for p in found) == columns, "\n".join(p.render() for p in found)
    rendered = "\n".join(p.render() for p in found)
    for text in texts:
        assert text in rendered, rendered


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", list(DEPENDENT))
def test_consequences_of_a_problem_are_not_reported(mini, name, fmt):
    change, columns = DEPENDENT[name]
    found = _claim_problems(mini, {**BASE, **change}, fmt)
    assert sorted(p.column for p in found) == columns, "\n".join(p.render() for p in found)


@pytest.mark.parametrize("fmt", FORMATS)
def test_claims_with_any_problem_are_left_out_and_the_others_kept(mini, fmt):
    """Checking the rest of a rejected claim does not let it through, nor drop others."""
    _write_claim(mini, {**BASE, **MEMBERS, "value": ["Xyzzystan", "Armenia"], "complete": "maybe"}, fmt)
    ws, problems = load(mini)
    assert "x-1" not in set(ws.claims["claim_id"])
    assert len(ws.claims) == 7  # the mini workspace's own claims, all valid
    assert ws.claims["complete"].dtype == bool
    assert {p.claim_id for p in problems.errors} == {"x-1"}


def test_two_bad_claims_in_one_parquet_file_each_report_everything(mini):
    """Rows of one file: each keeps its own problems, at its own line."""
    rows = [
        {**BASE, "id": "p-1", **MEMBERS, "value": "Xyzzystan;Armenia", "complete": "maybe"},
        {**BASE, "id": "p-2"},  # valid
        {**BASE, "id": "p-3", "subject": "Xyzzyland", "confidence": "1.5", "quote": "signed in Paris"},
    ]
    names = list(dict.fromkeys(k for row in rows for k in row))
    table = pa.table({k: pa.array([_cell(row.get(k)) for row in rows], pa.string()) for k in names})
    pq.write_table(table, mini / "claims/captured/extra.parquet")
    ws, problems = load(mini)
    found = sorted((p.line, p.claim_id, p.column) for p in problems.errors)
    assert found == [
        (1, "p-1", "complete"),
        (1, "p-1", "value"),
        (3, "p-3", "confidence"),
        (3, "p-3", "quote"),
        (3, "p-3", "subject"),
    ]
    assert "p-2" in set(ws.claims["claim_id"])


def test_bundled_corpus_set_value_with_unknown_name_and_bad_complete(runner, tmp_path):
    """The reviewer's report, on the bundled corpus: both problems in one run."""
    root = tmp_path / "ws"
    shutil.copytree(ROOT / "claims", root / "claims")
    path = root / "claims/captured/arabic-compilation.yaml"
    text = path.read_text(encoding="utf-8")
    old = "    value: [أرمينيا, كازاخستان, قيرغيزستان, روسيا, طاجيكستان, أوزبكستان]\n    complete: true\n"
    assert old in text  # the founding members, as the compilation lists them
    path.write_text(text.replace(old, "    value: [xyzzy, روسيا]\n    complete: maybe\n", 1), encoding="utf-8")
    result = runner.invoke(main, ["validate", str(root)])
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.output.splitlines() if ": error [claim " in ln]
    assert len(lines) == 2, result.output
    claim = lines[0].split("[claim ")[1].split(",")[0]
    assert "column value]: unknown name 'xyzzy'" in lines[0]
    assert f"[claim {claim}, column complete]: 'maybe' is not a boolean" in lines[1]
    again = runner.invoke(main, ["validate", str(root)])
    assert again.output == result.output  # deterministic
