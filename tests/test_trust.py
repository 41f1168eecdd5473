"""Truth discovery and dependence on hand-made data with known answers, and properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.dependence import claim_weights, dependence_groups, pair_statistics
from reconcile.trust import majority_vote, pooled_investment


def _claims(rows):
    return pd.DataFrame(rows, columns=["source", "item", "value"])


def _winners(result):
    return result.winners.set_index("item")["value"].to_dict()


def test_a_lone_dissenter_loses_and_is_least_trusted():
    rows = [(s, f"i{i}", "x") for s in "abcd" for i in range(5)] + [("e", f"i{i}", "y") for i in range(5)]
    result = pooled_investment(_claims(rows))
    assert set(_winners(result).values()) == {"x"}
    assert result.accuracy.idxmin() == "e"


def test_a_copier_repeating_errors_is_detected_and_counted_once():
    truth = {f"i{i:02d}": "t" for i in range(20)}
    rows = []
    for i in range(20):
        rows.append(("honest1", f"i{i:02d}", "t"))
        rows.append(("honest2", f"i{i:02d}", "t" if i % 3 else "e2"))  # independent errors
        rows.append(("honest3", f"i{i:02d}", "t" if i % 4 else "e3"))
        b_value = "t" if i < 12 else f"wrong{i}"  # b errs on 8 items
        rows.append(("b", f"i{i:02d}", b_value))
        rows.append(("copier", f"i{i:02d}", b_value))  # repeats every error of b
    claims = _claims(rows)
    plain = majority_vote(claims)
    stats = pair_statistics(claims, plain.winners.set_index("item")["value"])
    pair = stats.set_index(["source_a", "source_b"]).loc[("b", "copier")]
    assert pair["shared_errors"] >= 2 and pair["score"] == 1.0
    honest = stats.set_index(["source_a", "source_b"]).loc[("honest1", "honest2")]
    assert honest["shared_errors"] == 0
    groups = dependence_groups(sorted(claims["source"].unique()), stats)
    assert groups["b"] == groups["copier"] and groups["honest1"] != groups["honest2"]
    weighted = pooled_investment(claims, claim_weight=claim_weights(claims, groups))
    assert _winners(weighted) == truth


def test_declared_dependence_needs_no_evidence():
    claims = _claims([("en", "i", "x"), ("fa", "i", "x"), ("ar", "i", "y")])
    stats = pair_statistics(claims, None, declared=[("en", "fa")])
    groups = dependence_groups(["ar", "en", "fa"], stats)
    assert groups["en"] == groups["fa"] != groups["ar"]
    w = claim_weights(claims, groups)
    assert list(w) == [0.5, 0.5, 1.0]


def test_a_tie_is_broken_deterministically_and_stays_uncertain():
    result = pooled_investment(_claims([("a", "i", "x"), ("b", "i", "y")]))
    beliefs = result.beliefs.set_index("value")["belief"]
    assert beliefs["x"] == beliefs["y"]
    assert _winners(result) == {"i": "x"}


def test_value_similarity_lends_support():
    # 1992 (year) is implied by 1992-05-15 (day): the coarse value gains, the fine one keeps.
    claims = _claims([("a", "d", "1992-05-15"), ("b", "d", "1992"), ("c", "d", "1993"), ("e", "d", "1993-01")])
    enc_values = sorted(claims["value"].unique())
    code = {v: i for i, v in enumerate(enc_values)}
    imp = pd.DataFrame(
        {"from_value": [code["1992-05-15"], code["1993-01"]], "to_value": [code["1992"], code["1993"]], "weight": [1.0, 1.0]}
    )
    plain = pooled_investment(claims)
    similar = pooled_investment(claims, implications=imp)
    b = similar.beliefs.set_index("value")["belief"]
    p = plain.beliefs.set_index("value")["belief"]
    assert b["1992"] > p["1992"]


claims_strategy = st.lists(
    st.tuples(st.sampled_from("abcdefg"), st.sampled_from(["i1", "i2", "i3", "i4", "i5"]), st.sampled_from("xyz")),
    min_size=4,
    max_size=40,
).map(lambda rows: _claims(rows).drop_duplicates(["source", "item"]).reset_index(drop=True))


@settings(max_examples=100, deadline=None)
@given(claims_strategy, st.permutations(list("abcdefg")))
def test_renaming_sources_changes_nothing(claims, names):
    mapping = {old: f"src-{new}" for old, new in zip("abcdefg", names)}
    base = pooled_investment(claims)
    renamed = pooled_investment(claims.assign(source=claims["source"].map(mapping)))
    assert _winners(base) == _winners(renamed)
    np.testing.assert_allclose(
        base.accuracy.rename(index=mapping).sort_index().to_numpy(), renamed.accuracy.sort_index().to_numpy()
    )
