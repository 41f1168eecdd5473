"""Claim values and fields of a bad type or out of range, and huge cells: a problem on the
claim (file, line, claim id, what was expected), bounded, never a traceback (issue 18).

Each case is data: edits of the valid ``mini`` workspace (see :mod:`.mini_edits`),
optionally a Parquet claim file to add (its columns), the command, its exit code, a problem
that must be printed and texts that must not be.
"""

from __future__ import annotations

import re
import time

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from reconcile.normalize.names import Gazetteer

from .mini_edits import SECOND_FIGURE, apply, has_problem, invoke

ALPHA = "claims/captured/alpha.yaml"
A5_VALUE = (ALPHA, "    value: 1500\n", "    value: {}\n")
DIGITS_5000 = "9" * 5000
DIGITS_401 = "9" * 401


def _a5(value: str) -> list:
    """The second figure (a-5, contradicting a-4) with ``value`` (YAML) as its value."""
    return [SECOND_FIGURE, (A5_VALUE[0], A5_VALUE[1], A5_VALUE[2].format(value))]


def _parquet(**columns: list) -> dict:
    """A Parquet claim file of source alpha, one claim per row, quoting alpha's document."""
    n = len(next(iter(columns.values())))
    base = {
        "id": [f"p-{i}" for i in range(1, n + 1)],
        "source": ["alpha"] * n,
        "subject": ["treaty:cst"] * n,
        "property": ["signed_in"] * n,
        "value": ["Tashkent"] * n,
        "quote": ["signed in Tashkent"] * n,
    }
    base.update(columns)
    return base


CASES = [
    # --- quantities: finite numbers within float range --------------------------------------
    dict(
        name="quantity_5000_digit_text",
        edits=_a5(f"'{DIGITS_5000}'"),
        command="check",
        exit=2,
        where=f"{ALPHA}:29",
        fragments=["claim a-5", "column value", "not a finite number", "5,000 characters"],
        absent=["RuntimeWarning", DIGITS_5000[:200]],
    ),
    dict(
        name="quantity_401_digit_yaml_integer",
        edits=_a5(DIGITS_401),
        command="check",
        exit=2,
        where=f"{ALPHA}:29",
        fragments=["claim a-5", "not a finite number"],
        absent=[DIGITS_401],
    ),
    dict(
        name="quantity_401_digit_amount",
        edits=_a5("{amount: " + DIGITS_401 + ", approx: about}"),
        command="validate",
        exit=2,
        where=f"{ALPHA}:29",
        fragments=["claim a-5", "not a finite number"],
    ),
    dict(
        name="quantity_huge_scaled",
        edits=_a5("'" + "9" * 300 + " billion'"),
        command="validate",
        exit=2,
        where=f"{ALPHA}:29",
        fragments=["claim a-5", "not a finite number"],
    ),
    # --- counts of people, states, items… are never negative --------------------------------
    *(
        dict(
            name=f"negative_count_{label}",
            edits=_a5(value),
            command="validate",
            exit=2,
            where=f"{ALPHA}:29",
            fragments=["claim a-5", "negative", "person"],
        )
        for label, value in (
            ("phrase", "'-5 people'"),
            ("number", "-5"),
            ("mapping", "{amount: -5, approx: about}"),
            ("more_than", "'more than -20 troops'"),
        )
    ),
    dict(
        name="negative_count_below_declared_min",
        edits=[*_a5("-50"), ("claims/properties.yaml", "tolerance: 0.05", "tolerance: 0.05\n    min: -10")],
        command="validate",
        exit=2,
        where=f"{ALPHA}:29",
        fragments=["claim a-5", "below", "-10"],
    ),
    # --- id, source, subject, property, quote must be text ----------------------------------
    dict(
        name="id_list",
        edits=[(ALPHA, "id: a-1\n", "id: [a-1, x]\n")],
        command="validate",
        exit=2,
        where=f"{ALPHA}:4",
        fragments=["column id", "must be text", "a list"],
    ),
    dict(
        name="id_mapping",
        edits=[(ALPHA, "id: a-1\n", "id: {a: 1}\n")],
        command="validate",
        exit=2,
        where=f"{ALPHA}:4",
        fragments=["column id", "must be text", "a mapping"],
    ),
    dict(
        name="file_source_mapping",
        edits=[(ALPHA, "source: alpha", "source: {a: 1}")],
        command="validate",
        exit=2,
        where=f"{ALPHA}:2",
        fragments=["source", "must be text"],
    ),
    dict(
        name="claim_source_list",
        edits=[(ALPHA, "id: a-1\n", "id: a-1\n    source: [alpha]\n")],
        command="validate",
        exit=2,
        where=f"{ALPHA}:5",
        fragments=["claim a-1", "column source", "must be text"],
    ),
    dict(
        name="property_list",
        edits=[(ALPHA, "property: signed\n", "property: [signed]\n")],
        command="check",
        exit=2,
        where=f"{ALPHA}:6",
        fragments=["claim a-1", "column property", "must be text"],
    ),
    dict(
        name="subject_mapping",
        edits=[(ALPHA, "subject: treaty:cst\n", "subject: {id: treaty:cst}\n")],
        command="validate",
        exit=2,
        where=f"{ALPHA}:5",
        fragments=["claim a-1", "column subject", "must be text"],
    ),
    dict(
        name="quote_list",
        edits=[(ALPHA, "quote: signed in Tashkent\n", "quote: [signed in Tashkent]\n")],
        command="validate",
        exit=2,
        where=f"{ALPHA}:13",
        fragments=["claim a-2", "column quote", "must be text"],
    ),
    *(
        dict(
            name=f"parquet_list_column_{column}",
            edits=[],
            parquet=_parquet(**{column: [[f"x-{column}"], None]}),
            command="validate",
            exit=2,
            where="claims/captured/gamma.parquet:1",
            fragments=[f"column {column}", "must be text"],
        )
        for column in ("id", "source", "property", "subject")
    ),
    # --- dates: an unquoted year is that year; values shown as written -----------------------
    dict(
        name="valid_from_unquoted_year",
        edits=[(ALPHA, "quote: signed in Tashkent\n", "quote: signed in Tashkent\n    valid_from: 2015\n")],
        command="validate",
        exit=0,
    ),
    dict(
        name="as_of_unquoted_year",
        edits=[(ALPHA, "value: about 3,600\n", "value: about 3,600\n    as_of: 2015\n")],
        command="check",
        exit=0,
    ),
    dict(
        name="parquet_float_year",
        edits=[],
        parquet=_parquet(valid_from=[2015.0, None], as_of=[2016.0, 2017.0]),
        command="validate",
        exit=0,
    ),
    dict(
        name="bad_year_shown_as_written",
        edits=[(ALPHA, "quote: signed in Tashkent\n", "quote: signed in Tashkent\n    valid_from: 99999\n")],
        command="validate",
        exit=2,
        where=f"{ALPHA}:14",
        fragments=["claim a-2", "column valid_from", "'99999'"],
        absent=["99999.0"],
    ),
    dict(
        name="occurrence_huge",
        edits=[(ALPHA, "quote: signed in Tashkent\n", "quote: signed in Tashkent\n    occurrence: 100000000000000000000000\n")],
        command="validate",
        exit=2,
        where=f"{ALPHA}:14",
        fragments=["claim a-2", "column occurrence", "100000000000000000000000", "from 1 to"],
        absent=["-9223372036854775808"],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_bad_claim_value_or_field(mini, case):
    apply(mini, case["edits"])
    if "parquet" in case:
        pq.write_table(pa.table(case["parquet"]), mini / "claims" / "captured" / "gamma.parquet")
    code, out = invoke(mini, case["command"])
    assert code == case["exit"], out
    if "where" in case:
        assert has_problem(out, case["where"], *case["fragments"]), f"no problem at {case['where']} with {case['fragments']}:\n{out}"
    for text in case.get("absent", []):
        assert text not in out, out[:2000]


def test_huge_figure_no_longer_hides_a_conflict(mini):
    """A 5,000-digit figure was read as infinity and the conflict of a-4 and a-5 vanished
    (exit 0): now the figure is a problem and the run exits 2."""
    apply(mini, [SECOND_FIGURE])
    assert invoke(mini, "check")[0] == 1
    apply(mini, [A5_VALUE[:2] + (A5_VALUE[2].format(f"'{DIGITS_5000}'"),)])
    assert invoke(mini, "check")[0] == 2


def test_negative_figure_without_a_count_unit_is_accepted(mini):
    """A quantity whose unit counts nothing may be negative (a change, a temperature)."""
    apply(
        mini,
        [
            ("claims/properties.yaml", "  membership_status:", "  change:\n    type: quantity\n  membership_status:"),
            (ALPHA, "", "  - {id: a-6, subject: force:peacekeeping, property: change, value: -5, quote: 'about 3,600'}\n"),
        ],
    )
    code, out = invoke(mini, "validate")
    assert code == 0, out


# --- huge cells: bounded messages, no quadratic fuzzy matching ------------------------------

HUGE = 200_000
_WORDS = "Collective Security Treaty سازمان پیمان Organization Armenia of the Russia".split()


def _huge_text(n: int = HUGE) -> str:
    words = (_WORDS[i % len(_WORDS)] for i in range(n))
    return " ".join(words)[:n]


HUGE_FIELDS = [
    ("subject", (ALPHA, "subject: treaty:cst\n", "subject: '{}'\n")),
    ("property", (ALPHA, "property: signed\n", "property: '{}'\n")),
    ("entity_value", (ALPHA, "value: Tashkent\n", "value: '{}'\n")),
    ("set_value", (ALPHA, "value: [Armenia,", "value: ['{}',")),
    ("date_value", (ALPHA, "value: 1992-05-15\n", "value: '{}'\n")),
    ("quantity_value", (ALPHA, "value: about 3,600\n", "value: '3 and {}'\n")),
    ("quote", (ALPHA, "quote: signed in Tashkent\n", "quote: '{}'\n")),
    ("id", (ALPHA, "id: a-1\n", "id: '{}'\n")),
    ("claim_source", (ALPHA, "id: a-1\n", "id: a-1\n    source: '{}'\n")),
    ("unknown_field", (ALPHA, "id: a-1\n", "id: a-1\n    ? '{}'\n    : 1\n")),
    ("valid_from", (ALPHA, "quote: signed in Tashkent\n", "quote: signed in Tashkent\n    valid_from: '{}'\n")),
    ("source_language", ("claims/sources.yaml", "language: en", "language: '{}'")),
    ("source_kind", ("claims/sources.yaml", "kind: news", "kind: '{}'")),
    ("source_url", ("claims/sources.yaml", "kind: news", "kind: news\n    url: '{}'")),
    ("status_value", (ALPHA, "", "  - {{id: a-9, subject: org:csto, property: membership_status, value: '{}', quote: signed}}\n")),
]


@pytest.mark.parametrize("field,edit", HUGE_FIELDS, ids=[f for f, _ in HUGE_FIELDS])
def test_huge_cell_is_quoted_as_a_bounded_excerpt(mini, field, edit):
    """A 200,000-character cell is reported with an excerpt and its length, never echoed
    whole (a 50 MB subject was printed whole, after two minutes of fuzzy matching)."""
    text = _huge_text()
    rel, old, new = edit
    apply(mini, [(rel, old, new.format(text))])
    start = time.perf_counter()
    code, out = invoke(mini, "validate")
    elapsed = time.perf_counter() - start
    assert code == 2, out[:3000]
    assert len(out) < 20_000, out[:3000]
    if field != "quote":  # a quote not found is not quoted back
        lengths = [int(n.replace(",", "")) for n in re.findall(r"\(([\d,]+) characters\)", out)]
        assert lengths and max(lengths) > HUGE // 2, out[:3000]
    assert elapsed < 30, elapsed


def test_fuzzy_matching_skips_huge_names():
    """"Did you mean" on a name of millions of characters costs no fuzzy scoring (it was
    linear in the name times the gazetteer, minutes for 50 MB), and suggests nothing."""
    gaz = Gazetteer.default()
    name = _huge_text(4_000_000)
    start = time.perf_counter()
    resolution = gaz.resolve(name)
    many = gaz.resolve_many(pd.Series([name, "Armenia"], dtype=object))
    elapsed = time.perf_counter() - start
    assert resolution.id is None and resolution.suggestions == ()
    assert many["id"].tolist() == [None, "country:AM"]
    assert elapsed < 5, elapsed


def test_a_problem_holds_bounded_texts():
    """Whatever a check quotes, a problem holds at most an excerpt of it (the net under
    every message)."""
    from reconcile.base.problems import Problem

    long = "x" * 1_000_000
    problem = Problem(f"unknown subject {long!r}", hint=f"did you mean {long}?", expected=long)
    assert len(problem.render()) < 5_000
