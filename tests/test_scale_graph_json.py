"""The column-wise JSON of many conflicts is exactly what ``json.dumps`` writes.

:func:`reconcile.render.json_report.render_json` writes documents of more than
``INDENT_UP_TO`` conflicts column by column with pyarrow; these tests force that path on
the bundled corpus and on drawn conflicts whose texts hold quotes, backslashes, control
characters and any Unicode, and compare with ``json.dumps`` of the dict records, which in
turn must equal the records of the straightforward row-by-row code.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconcile.trust.ranked import find_conflicts

from reconcile.render.records import conflict_records
from reconcile.pipeline import load
from reconcile.base.problems import Problems
from reconcile.render import json_report
from reconcile.render.json_report import conflicts_json, render_json, report_object

from .conftest import ROOT
from .tables_view import json_of, records_of

WS, _ = load(ROOT)
BASE = find_conflicts(WS, Problems())
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _reference_records(conflicts: pd.DataFrame, claims: pd.DataFrame) -> list[dict[str, Any]]:
    """The records built row by row, a dict of evidence per cited claim."""
    wanted = {c for sides in conflicts["sides"] for side in sides for c in side["claims"]}
    by_id = claims[claims["claim_id"].isin(wanted)].set_index("claim_id")
    evidence = {
        cid: {
            "id": cid,
            "source": r.source,
            "document": r.document,
            "quote": r.quote,
            "span": [int(r.span_start), int(r.span_end)],
            "file": r.file,
            "line": None if pd.isna(r.line) else int(r.line),
            "language": r.language,
            "as_of": None if pd.isna(r.as_of) else r.as_of,
            "note": None if pd.isna(getattr(r, "note", None)) else r.note,
        }
        for cid, r in zip(by_id.index, by_id.itertuples(index=False))
    }
    return [
        {
            "fingerprint": row.fingerprint,
            "rule": row.rule,
            "severity": row.severity,
            "kind": row.kind,
            "subject": row.subject,
            "property": row.property,
            "scope": None if row.scope is None or (isinstance(row.scope, float) and pd.isna(row.scope)) else row.scope,
            "explanation": row.explanation,
            "suggestion": getattr(row, "suggestion", None),
            "suggested_side": _side_index(getattr(row, "suggested_side", None)),
            "status": row.status,
            "decision": getattr(row, "decision", None),
            "history": getattr(row, "history", None),
            "internal": bool(row.internal),
            "independent_sources": int(row.independent),
            "sources": list(row.sources),
            "sides": [
                {"value": s["value"], "label": s["label"], "claims": [evidence[c] for c in s["claims"] if c in evidence]}
                for s in row.sides
            ],
        }
        for row in conflicts.itertuples(index=False)
    ]


def _side_index(value: Any) -> int | None:
    """A conflict's suggested side as the record gives it: an index, or None."""
    return None if value is None or value != value else int(value)


TEXT = st.text(max_size=12)  # any code point but surrogates: quotes, backslashes, controls, emoji


@st.composite
def records_input(draw) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Claims with evidence and conflicts citing them (and claims that do not exist)."""
    n = draw(st.integers(1, 8))
    claims = pd.DataFrame(
        {
            "claim_id": [f"c{i}" for i in range(n)],
            "source": [draw(st.sampled_from(["a", "b", "ü"])) for _ in range(n)],
            "document": [draw(TEXT) for _ in range(n)],
            "quote": [draw(TEXT) for _ in range(n)],
            "span_start": [draw(st.integers(0, 50)) for _ in range(n)],
            "span_end": [draw(st.integers(50, 99)) for _ in range(n)],
            "file": [draw(TEXT) for _ in range(n)],
            "line": pd.array([draw(st.one_of(st.none(), st.integers(1, 9))) for _ in range(n)], dtype="Int64"),
            "language": [draw(st.sampled_from(["en", "fa", "ar"])) for _ in range(n)],
            "as_of": pd.Series([draw(st.one_of(st.none(), st.just(np.nan), TEXT)) for _ in range(n)], dtype=object),
        }
    )
    ids = list(claims["claim_id"]) + ["missing"]
    rows = []
    for k in range(draw(st.integers(1, 5))):
        sides = [
            {
                "value": draw(st.one_of(TEXT, st.lists(TEXT, max_size=3))),
                "label": draw(TEXT),
                "claims": draw(st.lists(st.sampled_from(ids), max_size=3, unique=True)),
            }
            for _ in range(draw(st.integers(1, 3)))
        ]
        rows.append(
            {
                "fingerprint": f"{k:016x}",
                "rule": draw(TEXT),
                "severity": "error",
                "kind": "contradiction",
                "subject": draw(TEXT),
                "property": "p",
                "scope": draw(st.one_of(st.none(), st.just(np.nan), TEXT)),
                "explanation": draw(TEXT),
                "suggestion": draw(st.one_of(st.none(), TEXT)),
                "status": "new",
                "decision": draw(st.one_of(st.none(), st.fixed_dictionaries({"verdict": TEXT, "note": TEXT}))),
                "internal": draw(st.booleans()),
                "independent": draw(st.integers(0, 3)),
                "sources": draw(st.lists(st.sampled_from(["a", "b", "ü", 'q"uote']), max_size=3)),
                "sides": sides,
            }
        )
    return claims, pd.DataFrame(rows)


@SETTINGS
@given(records_input())
def test_records_equal_the_row_by_row_reference(data):
    claims, conflicts = data
    assert records_of(conflicts, claims) == _reference_records(conflicts, claims)


@SETTINGS
@given(records_input())
def test_column_wise_json_is_json_dumps_of_the_records(data):
    claims, conflicts = data
    assert json_of(conflicts, claims) == json.dumps(records_of(conflicts, claims), ensure_ascii=False)


#: Evidence values the validated claims table does not hold but a claims table may: missing
#: or non-string sources, documents, files and languages, and non-string dates.
ODD = st.one_of(st.none(), st.just(np.nan), st.integers(-3, 3), st.booleans(), TEXT)


@SETTINGS
@given(records_input(), st.data())
def test_column_wise_json_of_evidence_held_as_objects(data, extra):
    """Evidence columns of Python objects (as the validated claims table holds them), some
    of any value: their values are read in the order of the table and the repeated ones
    encoded once per distinct value, which gives the same text."""
    claims, conflicts = data
    claims = claims.astype({name: object for name in ["claim_id", "source", "document", "quote", "file", "language"]})
    for name in extra.draw(st.sets(st.sampled_from(["source", "document", "file", "language", "as_of"]))):
        claims[name] = pd.Series([extra.draw(ODD) for _ in range(len(claims))], dtype=object)
    assert json_of(conflicts, claims) == json.dumps(records_of(conflicts, claims), ensure_ascii=False)


def test_the_corpus_written_column_by_column_is_json_dumps(monkeypatch):
    want = json.dumps(report_object(BASE, WS), ensure_ascii=False) + "\n"
    monkeypatch.setattr(json_report, "INDENT_UP_TO", 0)
    assert render_json(BASE, WS) == want


def test_a_short_report_is_indented():
    text = render_json(BASE, WS)
    assert text == json.dumps(report_object(BASE, WS), ensure_ascii=False, indent=2) + "\n"


def test_text_that_is_not_utf8_is_written_by_the_encoder():
    claims = pd.DataFrame(
        {
            "claim_id": ["c0"], "source": ["a"], "document": ["d"], "quote": pd.Series(["lone \ud800 surrogate"], dtype=object),
            "span_start": [0], "span_end": [4], "file": ["f"], "line": pd.array([1], dtype="Int64"),
            "language": ["en"], "as_of": [None],
        }
    )
    conflicts = pd.DataFrame(
        [
            {
                "fingerprint": "0" * 16, "rule": "r", "severity": "error", "kind": "contradiction", "subject": "s",
                "property": "p", "scope": None, "explanation": "e", "suggestion": None, "status": "new",
                "decision": None, "internal": True, "independent": 1, "sources": ["a"],
                "sides": [{"value": "x", "label": "x", "claims": ["c0"]}, {"value": "y", "label": "y", "claims": []}],
            }
        ]
    )
    assert json_of(conflicts, claims) == json.dumps(records_of(conflicts, claims), ensure_ascii=False)
