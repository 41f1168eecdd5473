"""`reconcile validate` on broken workspaces: exit 2, every problem with file and line.

The cases are data (tests/fixtures/broken/cases.yaml): each one breaks the valid `mini`
workspace in one way and lists the problems that must be reported.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from reconcile.cli.commands import main

from .conftest import FIXTURES

CASES = yaml.safe_load((FIXTURES / "broken" / "cases.yaml").read_text(encoding="utf-8"))


def _apply(root: Path, case: dict) -> None:
    for rel, text in (case.get("write") or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    for rel, text in (case.get("write_latin1") or {}).items():
        (root / rel).write_bytes(text.encode("cp1252"))
    for rel in case.get("remove") or []:
        (root / rel).unlink()


def test_mini_workspace_is_valid(runner, mini):
    result = runner.invoke(main, ["validate", str(mini)])
    assert result.exit_code == 0, result.output
    assert "2 sources, 7 claims" in result.output


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_broken_workspace(runner, mini, case):
    _apply(mini, case)
    result = runner.invoke(main, ["validate", str(mini)])
    out = result.output
    assert result.exit_code == 2, out
    assert "Traceback" not in out and result.exception is None or isinstance(result.exception, SystemExit), out
    lines = out.splitlines()
    for exp in case["expect"]:
        where = exp["file"] + (f":{exp['line']}" if "line" in exp else "")
        matching = [
            ln
            for ln in lines
            if ln.startswith(where + ":")
            and exp["text"] in ln
            and ("claim" not in exp or f"claim {exp['claim']}" in ln)
        ]
        assert matching, f"expected a problem at {where} with {exp['text']!r}:\n{out}"
    for text in case.get("absent", []):
        assert text not in out, out


def test_every_problem_of_a_run_is_reported_at_once(runner, mini):
    """Two unrelated problems in two files both appear in one run."""
    for case in CASES:
        if case["name"] in ("impossible_date", "bad_csv_row"):
            _apply(mini, case)
    result = runner.invoke(main, ["validate", str(mini)])
    assert result.exit_code == 2
    assert "2002-02-30" in result.output and "'maybe' is not a boolean" in result.output


def test_not_a_workspace(runner, tmp_path):
    result = runner.invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 2
    assert "not a reconcile workspace" in result.output


def test_closing_line_counts_the_fuzzy_names_it_lists(runner, corpus_copy):
    """The bundled corpus has one name resolved by fuzzy matching («قزاقزستان», a typo of
    Kazakhstan): the closing line counts it beside errors and warnings."""
    result = runner.invoke(main, ["validate", str(corpus_copy)])
    assert result.exit_code == 0, result.output
    assert "«قزاقزستان» → Kazakhstan (country:KZ)" in result.stdout
    assert result.stdout.rstrip().endswith("valid: 0 errors, 0 warning(s), 1 name(s) resolved by fuzzy matching to check")


def test_a_missing_document_is_listed_before_what_it_causes(runner, corpus_copy):
    """The cause (sources.yaml names a document that is not there) comes first, then each
    of its claims whose quote could not be checked."""
    (corpus_copy / "claims" / "documents" / "004_316ae984aebcec15.txt").unlink()
    result = runner.invoke(main, ["validate", str(corpus_copy)])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith("claims/sources.yaml:") and "004_316ae984aebcec15.txt" in lines[0]
    assert "its source's document could not be read" in lines[1]


@pytest.mark.parametrize("written", ['""', "", "null"])
def test_an_empty_id_is_a_missing_id(runner, mini, written):
    """`id: ""`, `id:` and `id: null` are all a missing id: said so, with no claim id
    printed as 'nan' or '' in the location."""
    path = mini / "claims" / "captured" / "alpha.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  - id: a-1\n", f"  - id: {written}\n".replace(" \n", "\n"), 1), encoding="utf-8")
    result = runner.invoke(main, ["validate", str(mini)])
    assert result.exit_code == 2
    assert "claims/captured/alpha.yaml:4: error [column id]: required field `id` is missing" in result.stderr
    assert "claim nan" not in result.stderr and "has spaces or odd characters" not in result.stderr
