"""Truth discovery and dependence on hand-made data with known answers, and properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.trust.dependence import claim_weights, dependence_groups, pair_statistics
from reconcile.trust.model import accu, majority_vote, pooled_investment


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


def test_accu_a_lone_dissenter_loses_and_is_least_accurate():
    rows = [(s, f"i{i}", "x") for s in "abcd" for i in range(5)] + [("e", f"i{i}", "y") for i in range(5)]
    result = accu(_claims(rows))
    assert set(_winners(result).values()) == {"x"}
    assert result.accuracy.idxmin() == "e" and result.iterations < 100
    assert result.trust.equals(result.accuracy)


def test_accu_trusts_the_source_that_is_right_elsewhere():
    # a and b agree on five items where c is wrong three times; on "q" a says x and c says y:
    # one vote each, but a's record is better, so x wins.
    rows = [(s, f"i{i}", "t") for s in "ab" for i in range(5)] + [("c", f"i{i}", "t" if i < 2 else "w") for i in range(5)]
    rows += [("a", "q", "x"), ("c", "q", "y")]
    result = accu(_claims(rows))
    assert _winners(result)["q"] == "x"
    assert result.accuracy["a"] > result.accuracy["c"]


def test_accu_a_unanimous_item_is_probable_not_certain():
    # n_false defaults to the item's distinct values minus one, at least one: one unstated
    # false value keeps the probability of a unanimous value below 1.
    result = accu(_claims([("a", "i", "x"), ("b", "i", "x")]))
    belief = result.beliefs.set_index("value")["belief"]["x"]
    assert 0.5 < belief < 1.0


def test_accu_value_similarity_lends_support():
    # "ab" and "abc" tie 1-1; the partial list "a" implies "abc" (the only implication
    # given), which breaks the tie.
    claims = _claims([("s1", "i", "ab"), ("s2", "i", "abc"), ("s3", "i", "a")])
    code = {v: k for k, v in enumerate(sorted(claims["value"].unique()))}
    imp = pd.DataFrame({"from_value": [code["a"]], "to_value": [code["abc"]], "weight": [1 / 3]})
    assert _winners(accu(claims, implications=imp)) == {"i": "abc"}
    plain = accu(claims).beliefs.set_index("value")["belief"]
    assert plain["ab"] == plain["abc"]


def test_accu_dependent_claims_count_once():
    rows = []
    for i in range(20):
        rows.append(("honest1", f"i{i:02d}", "t"))
        rows.append(("honest2", f"i{i:02d}", "t" if i % 3 else "e2"))
        b_value = "t" if i < 12 else f"wrong{i}"
        rows += [("b", f"i{i:02d}", b_value), ("copier", f"i{i:02d}", b_value)]
    claims = _claims(rows)
    groups = pd.Series({"honest1": "honest1", "honest2": "honest2", "b": "b", "copier": "b"})
    weights = claim_weights(claims, groups)
    plain, weighted = accu(claims), accu(claims, claim_weight=weights)
    # the two copies of b's errors weigh as one claim, and the honest sources gain accuracy
    wrong = plain.beliefs["value"].str.startswith("wrong")
    assert (weighted.beliefs["support"][wrong] == 1.0).all() and (plain.beliefs["support"][wrong] == 2.0).all()
    assert (weighted.beliefs["belief"][wrong] < plain.beliefs["belief"][wrong]).all()
    assert weighted.accuracy["honest1"] > plain.accuracy["honest1"]


claims_strategy = st.lists(
    st.tuples(st.sampled_from("abcdefg"), st.sampled_from(["i1", "i2", "i3", "i4", "i5"]), st.sampled_from("xyz")),
    min_size=4,
    max_size=40,
).map(lambda rows: _claims(rows).drop_duplicates(["source", "item"]).reset_index(drop=True))


@pytest.mark.parametrize("method", [pooled_investment, accu])
@settings(max_examples=100, deadline=None)
@given(claims=claims_strategy, names=st.permutations(list("abcdefg")))
def test_renaming_sources_changes_nothing(method, claims, names):
    mapping = {old: f"src-{new}" for old, new in zip("abcdefg", names)}
    base = method(claims)
    renamed = method(claims.assign(source=claims["source"].map(mapping)))
    assert _winners(base) == _winners(renamed)
    np.testing.assert_allclose(
        base.accuracy.rename(index=mapping).sort_index().to_numpy(), renamed.accuracy.sort_index().to_numpy()
    )
    if method is accu:  # Accu's beliefs are probabilities (PooledInvestment's are not bounded)
        assert base.beliefs["belief"].between(0, 1).all()


@pytest.mark.parametrize("method", [majority_vote, pooled_investment, accu])
def test_no_claims_give_no_trust_and_no_winners(method):
    empty = pd.DataFrame({c: pd.Series([], dtype=object) for c in ("source", "item", "value")})
    result = method(empty)
    assert len(result.trust) == 0 and len(result.winners) == 0
