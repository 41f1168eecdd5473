"""Properties of conflict records: order independence, stable fingerprints, sides, sources."""

from __future__ import annotations

import random
import shutil

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconcile.trust.ranked import find_conflicts
from reconcile.pipeline import load
from reconcile.base.problems import Problems
from reconcile.render.json_report import render_json

from .tables_view import side_lists
from .conftest import ROOT

WS, _PROBLEMS = load(ROOT)
BASE = find_conflicts(WS, Problems())
BASE_JSON = render_json(BASE, WS)
BASE_FPS = set(BASE.conflicts["fingerprint"])
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _run(claims):
    problems = Problems()
    result = find_conflicts(WS, problems, claims=claims)
    assert not problems.errors
    return result


@FAST
@given(st.randoms(use_true_random=False))
def test_permuting_claims_and_sources_gives_byte_identical_json(rnd):
    claims = WS.claims.sample(frac=1.0, random_state=rnd.randint(0, 2**31)).reset_index(drop=True)
    sources = WS.sources.sample(frac=1.0, random_state=rnd.randint(0, 2**31)).reset_index(drop=True)
    result = _run(claims)
    ws = type(WS)(WS.root, sources, claims, WS.registry, WS.documents, WS.gazetteer, WS.resolutions)
    assert render_json(result, ws) == BASE_JSON


@FAST
@given(st.data())
def test_a_claim_agreeing_with_a_side_adds_nothing(data):
    sides = data.draw(st.sampled_from(side_lists(BASE.tables)))
    side = data.draw(st.sampled_from(sides))
    claim_id = data.draw(st.sampled_from(side["claims"]))
    source = data.draw(st.sampled_from(sorted(WS.sources["source"])))
    row = WS.claims[WS.claims["claim_id"] == claim_id].copy()
    row["claim_id"] = "extra-1"
    row["source"] = source
    result = _run(__import__("pandas").concat([WS.claims, row], ignore_index=True))
    assert set(result.conflicts["fingerprint"]) == BASE_FPS


def test_every_conflict_has_two_distinct_values():
    for sides in side_lists(BASE.tables):
        values = [repr(s["value"]) for s in sides]
        assert len(values) >= 2 and len(set(values)) == len(values)


@pytest.mark.parametrize("source", sorted(WS.sources["source"]))
def test_one_source_alone_has_only_internal_conflicts(source):
    result = _run(WS.claims[WS.claims["source"] == source].reset_index(drop=True))
    assert result.conflicts["internal"].all()
    assert set(result.conflicts["sources"].map(tuple)) <= {(source,)}


def test_fingerprints_survive_reordering_renaming_and_renumbering(tmp_path):
    """Rewrite the claim files: shuffled claims, other file names, new ids, other YAML style."""
    root = tmp_path / "ws"
    shutil.copytree(ROOT / "claims", root / "claims")
    captured = root / "claims" / "captured"
    rnd = random.Random(7)
    for n, path in enumerate(sorted(captured.glob("*.yaml"))):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        claims = data["claims"]
        rnd.shuffle(claims)
        for i, c in enumerate(claims):
            c["id"] = f"x{n}-{i:04d}"
        path.unlink()
        (captured / f"renamed-{n}.yml").write_text(
            yaml.safe_dump(data, allow_unicode=True, default_flow_style=False, width=60, sort_keys=True), encoding="utf-8"
        )
    ws, problems = load(root)
    assert not problems.errors, [p.render() for p in problems.errors]
    result = find_conflicts(ws, problems)
    assert set(result.conflicts["fingerprint"]) == BASE_FPS


def test_a_new_distinct_value_changes_the_fingerprint():
    import pandas as pd

    uz = WS.claims[WS.claims["subject"].eq("country:UZ") & WS.claims["value"].eq("suspended")]
    row = uz.iloc[[0]].copy()  # Uzbekistan suspended in 2012
    row["claim_id"] = "extra-2"
    row["value"] = "member"
    row["value_label"] = "member"
    result = _run(pd.concat([WS.claims, row], ignore_index=True))
    uz = result.conflicts[result.conflicts["subject"].eq("country:UZ")]
    old = BASE.conflicts[BASE.conflicts["subject"].eq("country:UZ")]
    assert set(uz["fingerprint"]).isdisjoint(set(old["fingerprint"]))
    assert len(set(result.conflicts["fingerprint"]) & BASE_FPS) == len(BASE_FPS) - len(old)
