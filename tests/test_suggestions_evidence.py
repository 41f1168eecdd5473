"""A suggestion weighs the best side against a side that contradicts it.

A side compatible with the best one (a coarser date containing it, an approximate figure
whose range meets it) is not its rival, and whether the same sources stand on both sides,
or the conflict is within one source, is asked of the two sides that contradict each other.
"""

from __future__ import annotations

import re

from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from reconcile.trust.ranked import find_conflicts
from reconcile.trust.graph import SourceGraph
from reconcile.pipeline import load
from reconcile.base.problems import Problems
from reconcile.trust.suggestions import (
    _best_and_second,
    _claim_sources,
    _ranked,
    _rivalry,
    _side_ranges,
    _support,
    suggest,
)
from reconcile.detect.tables import ConflictTables, claim_positions

from .conftest import ROOT, add_peacekeeping_figure
from .rules.harness import conflicts_of
from .tables_view import from_nested


def _weighed(conflicts: pd.DataFrame, tables: ConflictTables, claims: pd.DataFrame, sg: SourceGraph) -> list[tuple[str, str]]:
    """Per conflict (rows of ``tables``): the labels of the best side and of the rival it is
    weighed against."""
    flat = tables.view(conflicts)
    rows = claim_positions(claims, flat.claim_ids)
    rivalry = _rivalry(flat, _side_ranges(flat, rows, claims, sg.about_margin), len(conflicts))
    support = _support(flat, _claim_sources(claims, rows, sg), rivalry)
    best, second = _best_and_second(flat, _ranked(flat, support), rivalry)
    return [(flat.labels[b], flat.labels[s]) for b, s in zip(best.tolist(), second.tolist())]



def _weighed_written(conflicts: pd.DataFrame, claims: pd.DataFrame, sg: SourceGraph) -> list[tuple[str, str]]:
    """:func:`_weighed` of conflicts written out (see :func:`tests.tables_view.from_nested`)."""
    tables = from_nested(conflicts)
    return _weighed(tables.conflicts, tables, claims, sg)


# --- the bundled workspace, and the reviewer's repro on a copy of it -----------------------


@pytest.fixture(scope="module")
def bundled():
    ws, problems = load(ROOT)
    assert not problems.errors
    return ws, find_conflicts(ws, Problems())


@pytest.fixture
def with_thawra_5000(corpus_copy: Path):
    # 5,000 contradicts both of arabic-compilation's compatible "about 3,500" and "about 3,600"
    add_peacekeeping_figure(corpus_copy, "{amount: 5000, approx: exact}")
    ws, problems = load(corpus_copy)
    assert not problems.errors, "\n".join(p.render() for p in problems.errors)
    result = find_conflicts(ws, problems)
    assert not problems.errors
    return ws, result


def _one(conflicts: pd.DataFrame, subject: str, prop: str, kind: str) -> pd.DataFrame:
    found = conflicts[conflicts["subject"].eq(subject) & conflicts["property"].eq(prop) & conflicts["kind"].eq(kind)]
    assert len(found) == 1, found[["rule", "kind", "explanation"]].to_string()
    return found


def test_a_figure_contradicting_two_compatible_ones_is_weighed_against_them(with_thawra_5000):
    ws, result = with_thawra_5000
    row = _one(result.conflicts, "force:peacekeeping", "personnel", "contradiction")
    text = row["suggestion"].iloc[0]
    assert not bool(row["internal"].iloc[0])
    assert "within arabic-compilation" not in text and "same sources" not in text
    # one source on each side; al-thawra-ar has no claim another source confirms, so its
    # trust is the low end of a wide interval and the compilation's side is leaned to
    assert re.match(
        r"Leaning to about 3,[56]00 people: as many independent sources on each side \(1\), but more trusted ones "
        r"\(arabic-compilation: 0\.\d\d against al-thawra-ar: 0\.\d\d\)",
        text,
    ), text
    ((best, rival),) = _weighed(row, result.tables, ws.claims, result.graph)
    assert best in {"about 3,500 people", "about 3,600 people"}
    assert rival == "5,000 people"


def test_three_figures_cannot_all_be_right(with_thawra_5000):
    _, result = with_thawra_5000
    row = _one(result.conflicts, "force:peacekeeping", "personnel", "contradiction")
    assert row["explanation"].iloc[0].startswith("The figures cannot all be right: ")


def test_crrf_date_compatible_with_every_side_is_not_weighed(bundled):
    ws, result = bundled
    row = _one(result.conflicts, "force:crrf", "established", "contradiction")
    text = row["suggestion"].iloc[0]
    assert "same sources" not in text
    # arabic-compilation gives both February and June: it is counted on neither side, and
    # the sentence says it contradicts itself (the year 2009 agrees with both: no side)
    assert re.fullmatch(
        r"Better supported: 2009-02 — 1 independent source \(aran-news-fa\) against none; trust-weighted support "
        r"0\.\d\d against 0\.00\. arabic-compilation contradicts itself \(it states more than one side\) and counts "
        r"once at most\.",
        text,
    ), text
    assert _weighed(row, result.tables, ws.claims, result.graph) == [("2009-02", "2009-06")]


def test_the_bundled_minor_discrepancy_is_still_within_one_source(bundled):
    _, result = bundled
    row = _one(result.conflicts, "force:peacekeeping", "personnel", "minor")
    assert row["suggestion"].iloc[0] == (
        "The evidence does not decide: the conflict is within arabic-compilation, and no independent source speaks to it."
    )


# --- the rule's wording --------------------------------------------------------------------


def _personnel(*figures: tuple[str, str]) -> dict:
    return {
        "name": "figures",
        "expect": "contradiction",
        "claims": [
            {"source": s, "subject": "force:crrf", "property": "personnel", "value": v} for s, v in figures
        ],
    }


def test_two_figures_cannot_both_be_right(tmp_path):
    found = conflicts_of(tmp_path, _personnel(("A", "1500"), ("B", "more than 20 thousand")), "quantity-mismatch")
    assert found["explanation"].tolist() == [
        "The figures cannot both be right: 1,500 people (A) against more than 20,000 people (B)."
    ]


def test_more_figures_cannot_all_be_right(tmp_path):
    case = _personnel(("A", "1500"), ("B", "more than 20 thousand"), ("C", "5000"))
    found = conflicts_of(tmp_path, case, "quantity-mismatch")
    (text,) = found["explanation"].tolist()
    assert text.startswith("The figures cannot all be right: ") and "cannot both" not in text


# --- suggest() on small tables -------------------------------------------------------------

DAY = np.datetime64("2009-01-01")


def _graph(*sources: str, trust: dict[str, float] | None = None) -> SourceGraph:
    trust = pd.Series(trust or dict.fromkeys(sources, 0.5), index=list(sources), name="trust")
    groups = pd.Series(list(sources), index=list(sources), name="group")
    return SourceGraph(nx.Graph(), trust, groups, pd.DataFrame(), None, pd.DataFrame())


def _claims(rows: list[dict]) -> pd.DataFrame:
    """Claims of dates (``date``: (first day, last day)) or figures (``figure``: (amount, approx))."""
    out = []
    for r in rows:
        start, end = r.get("date", (None, None))
        amount, approx = r.get("figure", (None, None))
        out.append(
            {
                "claim_id": r["id"],
                "source": r["source"],
                "value_type": "date" if "date" in r else "quantity",
                "date_start": pd.Timestamp(start) if start else pd.NaT,
                "date_end": pd.Timestamp(end) if end else pd.NaT,
                "qty_amount": amount,
                "qty_approx": approx,
                "tolerance": 0.01 if amount is not None else None,
            }
        )
    frame = pd.DataFrame(out)
    frame["qty_amount"] = frame["qty_amount"].astype(float)
    frame["tolerance"] = frame["tolerance"].astype(float)
    return frame


def _conflict(*sides: tuple[str, list[str]], internal: bool = False) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "sides": [[{"value": label, "label": label, "claims": ids} for label, ids in sides]],
            "internal": [internal],
        }
    )


def test_a_figure_within_range_is_not_the_rival():
    claims = _claims(
        [
            {"id": "a", "source": "a", "figure": (100, "about")},
            {"id": "b", "source": "b", "figure": (100, "about")},
            {"id": "c", "source": "c", "figure": (105, "exact")},
            {"id": "d", "source": "d", "figure": (200, "exact")},
        ]
    )
    conflicts = _conflict(("about 100", ["a", "b"]), ("105", ["c"]), ("200", ["d"]))
    sg = _graph("a", "b", "c", "d")
    (text,) = suggest(from_nested(conflicts), claims, sg).tolist()
    # before: "the same sources (a, b, c) stand on both sides" (about 100 against 105)
    assert text == (
        "Better supported: 105 — 3 independent sources (a, b, c) against 1 (d); trust-weighted support 1.50 against 0.50."
    )
    assert _weighed_written(conflicts, claims, sg) == [("105", "200")]


def test_a_coarser_date_containing_the_others_is_not_the_best_side():
    claims = _claims(
        [
            {"id": "a", "source": "a", "date": ("2009-01-01", "2009-12-31")},
            {"id": "b", "source": "b", "date": ("2009-02-01", "2009-02-28")},
            {"id": "c", "source": "c", "date": ("2009-02-01", "2009-02-28")},
            {"id": "d", "source": "d", "date": ("2009-06-01", "2009-06-30")},
        ]
    )
    conflicts = _conflict(("2009", ["a"]), ("2009-02", ["b", "c"]), ("2009-06", ["d"]))
    sg = _graph("a", "b", "c", "d")
    (text,) = suggest(from_nested(conflicts), claims, sg).tolist()
    # before: "Better supported: 2009 — 4 independent sources (a, b, c, d) against 3 (a, b, c)",
    # though nothing contradicts 2009
    assert text == (
        "Better supported: 2009-02 — 3 independent sources (a, b, c) against 2 (a, d); "
        "trust-weighted support 1.50 against 1.00."
    )


def test_one_source_with_two_compatible_figures_is_weighed_against_the_other_source():
    claims = _claims(
        [
            {"id": "a1", "source": "a", "figure": (3500, "about")},
            {"id": "a2", "source": "a", "figure": (3600, "about")},
            {"id": "b1", "source": "b", "figure": (5000, "exact")},
        ]
    )
    conflicts = _conflict(("about 3,500", ["a1"]), ("about 3,600", ["a2"]), ("5,000", ["b1"]))
    sg = _graph("a", "b", trust={"a": 0.9, "b": 0.8})
    assert _weighed_written(conflicts, claims, sg) == [("about 3,500", "5,000")]
    (text,) = suggest(from_nested(conflicts), claims, sg).tolist()
    # before: "The evidence does not decide: the conflict is within a, and no independent
    # source speaks to it." (about 3,500 against about 3,600)
    assert text == (
        "The evidence does not decide: 1 independent source on each side (a against b), "
        "with similar trust (0.90 against 0.80)."
    )


def test_a_source_on_both_contradicting_sides_counts_once_and_is_named():
    claims = _claims(
        [
            {"id": "a1", "source": "a", "figure": (3500, "about")},
            {"id": "a2", "source": "a", "figure": (3600, "about")},
            {"id": "a3", "source": "a", "figure": (5000, "exact")},
            {"id": "b1", "source": "b", "figure": (5000, "exact")},
        ]
    )
    conflicts = _conflict(("about 3,500", ["a1"]), ("about 3,600", ["a2"]), ("5,000", ["a3", "b1"]))
    sg = _graph("a", "b")
    assert _weighed_written(conflicts, claims, sg) == [("5,000", "about 3,500")]
    (text,) = suggest(from_nested(conflicts), claims, sg).tolist()
    # a states about 3,500 and about 3,600 (compatible) and 5,000: it counts once, with the
    # two figures it gives most, and the sentence says it contradicts itself
    assert text == (
        "The evidence does not decide: 1 independent source on each side (b against a), with similar trust "
        "(0.50 against 0.50). a contradicts itself (it states more than one side) and counts once at most."
    ), text


def test_figures_that_could_all_be_right_are_weighed_as_stated():
    claims = _claims(
        [
            {"id": "a", "source": "a", "figure": (3500, "about")},
            {"id": "b", "source": "b", "figure": (3600, "about")},
        ]
    )
    conflicts = _conflict(("about 3,500", ["a"]), ("about 3,600", ["b"]))
    (text,) = suggest(from_nested(conflicts), claims, _graph("a", "b")).tolist()
    # a minor discrepancy: the two figures do not lend each other their sources
    assert text == (
        "The evidence does not decide: 1 independent source on each side (a against b), "
        "with similar trust (0.50 against 0.50)."
    )


def test_the_margin_of_about_is_the_quantity_rules():
    """With the rule's `about_margin` at 1 %, "about 100" no longer covers 104 and 105: the
    two exact figures (compatible with each other) are its rivals, as the rule then says."""
    claims = _claims(
        [
            {"id": "a", "source": "a", "figure": (100, "about")},
            {"id": "b", "source": "b", "figure": (100, "about")},
            {"id": "c", "source": "c", "figure": (105, "exact")},
            {"id": "d", "source": "d", "figure": (104, "exact")},
        ]
    )
    conflicts = _conflict(("about 100", ["a", "b"]), ("105", ["c"]), ("104", ["d"]))
    wide, narrow = _graph("a", "b", "c", "d"), _graph("a", "b", "c", "d")
    narrow.about_margin = 0.01
    assert suggest(from_nested(conflicts), claims, wide).tolist() == [
        "Better supported: about 100 — 2 independent sources (a, b) against 1 (d); trust-weighted support 1.00 against 0.50."
    ]
    assert suggest(from_nested(conflicts), claims, narrow).tolist() == [
        "The evidence does not decide: 2 independent sources on each side (c, d against a, b), "
        "with similar trust (1.00 against 1.00)."
    ]


def test_check_takes_the_margin_from_the_rule_configuration(corpus_copy):
    from reconcile.trust.ranked import find_conflicts
    from reconcile.pipeline import load

    (corpus_copy / "reconcile.toml").write_text("[rules.quantity-mismatch]\nabout_margin = 0.01\n", encoding="utf-8")
    ws, problems = load(corpus_copy)
    assert find_conflicts(ws, problems).graph.about_margin == 0.01
