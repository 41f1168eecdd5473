"""The source-agreement graph on the bundled corpus, suggestions, exports."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconcile.trust.ranked import find_conflicts
from reconcile.cli.commands import main
from reconcile.pipeline import load
from reconcile.base.problems import Problems

from .conftest import ROOT

WS, _ = load(ROOT)
BASE = find_conflicts(WS, Problems())


def _decision(suggestion: str) -> str | None:
    m = re.match(r"(?:Better supported|Leaning to): (.+?)(?: —|:)", suggestion)
    return m.group(1) if m else None


def test_the_two_versions_of_the_press_release_are_dependent():
    g = BASE.graph
    assert g.groups["tj-embassy-en"] == g.groups["tj-embassy-fa"]
    assert len(set(g.groups)) == 4
    edge = g.graph.edges["tj-embassy-en", "tj-embassy-fa"]
    assert edge["declared"] and edge["dependence"] >= 1.0


def test_suggestions_never_count_the_two_versions_twice():
    for text in BASE.conflicts["suggestion"]:
        if "tj-embassy-en" in text and "tj-embassy-fa" in text:
            assert "tj-embassy-en + tj-embassy-fa (dependent, counted once)" in text or (
                "tj-embassy-fa + tj-embassy-en" in text
            )


def test_founders_suggestion_names_the_better_supported_side():
    row = BASE.conflicts[BASE.conflicts["property"].eq("founding_members")].iloc[0]
    assert row["suggestion"].startswith("Better supported: Armenia, Kazakhstan, Kyrgyzstan, Russia, Tajikistan, Uzbekistan")
    assert "2 independent sources" in row["suggestion"] and "against 1 (aran-news-fa)" in row["suggestion"]


def test_internal_conflicts_are_not_decided():
    for text, internal in zip(BASE.conflicts["suggestion"], BASE.conflicts["internal"]):
        if internal:
            assert text.startswith("The evidence does not decide")


def test_check_json_carries_suggestions_and_the_source_table(runner):
    data = json.loads(runner.invoke(main, ["check", str(ROOT), "--format", "json"]).stdout)
    assert all(c["suggestion"] for c in data["conflicts"])
    by_id = {s["id"]: s for s in data["sources"]}
    assert by_id["tj-embassy-en"]["depends_on"] == ["tj-embassy-fa"]
    assert all(0 <= s["trust"] <= 1 for s in data["sources"])


def test_graph_command_table_and_exports(runner, tmp_path):
    table = runner.invoke(main, ["graph", str(ROOT)])
    assert table.exit_code == 0 and "tj-embassy-en – tj-embassy-fa" in table.stdout and "derived_from" in table.stdout
    out = tmp_path / "g.graphml"
    assert runner.invoke(main, ["graph", str(ROOT), "--format", "graphml", "--output", str(out)]).exit_code == 0
    root = ET.parse(out).getroot()
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert len(root.findall(".//g:node", ns)) == 5 and root.findall(".//g:edge", ns)
    data = json.loads(runner.invoke(main, ["graph", str(ROOT), "--format", "json"]).stdout)
    assert {n["id"] for n in data["nodes"]} == set(WS.sources["source"])
    assert all("trust" in n and "language" in n for n in data["nodes"])


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(WS.sources["source"])))
def test_adding_a_copier_never_changes_the_suggested_side(source):
    copy = WS.claims[WS.claims["source"] == source].copy()
    copy["claim_id"] = "copy-" + copy["claim_id"]
    copy["source"] = "copier"
    claims = pd.concat([WS.claims, copy], ignore_index=True)
    row = WS.sources[WS.sources["source"] == source].copy()
    row["source"] = "copier"
    row["derived_from"] = source
    sources = pd.concat([WS.sources, row], ignore_index=True)
    ws = type(WS)(WS.root, sources, claims, WS.registry, WS.documents, WS.gazetteer, WS.resolutions)
    result = find_conflicts(ws, Problems(), claims=claims)
    before = dict(zip(BASE.conflicts["fingerprint"], BASE.conflicts["suggestion"].map(_decision)))
    after = dict(zip(result.conflicts["fingerprint"], result.conflicts["suggestion"].map(_decision)))
    assert before == after
