"""The vectorized graph stage gives what the straightforward per-row code gives.

Each ``_reference_*`` function below is the plain pandas / per-conflict version that the
vectorized code in :mod:`reconcile.trust.dependence` and :mod:`reconcile.trust.graph` replaced (kept
here as the specification); hypothesis draws inputs with ties, dates that overlap or not,
unknown claim ids and dependent sources, and the outputs must be equal.
"""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconcile.trust.dependence import (
    claim_weights,
    dense_ranks,
    encoded_pair_statistics,
    iter_pairs_within,
    pair_statistics,
    sorted_unique,
)
from reconcile.trust.graph import (
    SourceGraph,
    _item_table,
    _set_implications,
    build_source_graph,
)
from reconcile.detect.grouping import scoped
from reconcile.normalize.quantities import Quantity
from reconcile.detect.tables import claim_positions
from reconcile.trust.suggestions import rank_conflicts, suggest
from reconcile.pipeline import load
from reconcile.trust.model import encode, pooled_investment

from .tables_view import from_nested
from .conftest import ROOT

WS, _ = load(ROOT)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DAY = pd.Timestamp("2000-01-01")


# --- references ---------------------------------------------------------------------------


def _reference_pair_statistics(claims: pd.DataFrame, believed: pd.Series | None) -> pd.DataFrame:
    """Pair statistics by a self-join of the claims on the item."""
    cols = ["source", "item", "value"] + [c for c in ("date_start", "date_end") if c in claims]
    base = claims[cols].sort_values(["source", "item", "value"], kind="stable").drop_duplicates(["source", "item"])
    if believed is not None:
        base = base.assign(wrong=base["value"].ne(base["item"].map(believed)) & base["item"].isin(believed.index))
    else:
        base = base.assign(wrong=False)
    pairs = base.merge(base, on="item", suffixes=("_a", "_b"))
    pairs = pairs[pairs["source_a"] < pairs["source_b"]]
    same = pairs["value_a"].eq(pairs["value_b"])
    agree = same
    if "date_start_a" in pairs:
        overlap = (pairs["date_start_a"] <= pairs["date_end_b"]) & (pairs["date_start_b"] <= pairs["date_end_a"])
        agree = same | overlap.fillna(False).astype(bool)
    pairs = pairs.assign(agree=agree, shared_error=same & pairs["wrong_a"], err_a=pairs["wrong_a"], err_b=pairs["wrong_b"])
    stats = pairs.groupby(["source_a", "source_b"], sort=True).agg(
        shared=("item", "size"),
        agree=("agree", "sum"),
        shared_errors=("shared_error", "sum"),
        errors_a=("err_a", "sum"),
        errors_b=("err_b", "sum"),
    )
    stats["disagree"] = stats["shared"] - stats["agree"]
    stats["agreement"] = stats["agree"] / stats["shared"]
    union = stats["errors_a"] + stats["errors_b"] - stats["shared_errors"]
    stats["score"] = np.where(union > 0, stats["shared_errors"] / union.clip(lower=1), 0.0)
    return stats.reset_index()


def _reference_claim_weights(claims: pd.DataFrame, groups: pd.Series) -> np.ndarray:
    group = claims["source"].map(groups).fillna(claims["source"])
    counts = claims.assign(_g=group).groupby(["item", "value", "_g"], sort=False)["source"].transform("size")
    return (1.0 / counts).to_numpy(dtype=float)


def _reference_suggest(conflicts: pd.DataFrame, claims: pd.DataFrame, sg: SourceGraph) -> list[str]:
    """One conflict at a time: sets of sources, dicts of groups, a sort of the sides."""
    source_of = dict(zip(claims["claim_id"], claims["source"]))
    dated = claims[claims["value_type"].eq("date") & claims["date_start"].notna()]
    spans = dict(
        zip(
            dated["claim_id"],
            zip(
                ["date"] * len(dated),
                dated["date_start"].to_numpy("datetime64[s]").astype("int64"),
                dated["date_end"].to_numpy("datetime64[s]").astype("int64"),
            ),
        )
    )
    figures = claims[claims["value_type"].eq("quantity") & claims["qty_amount"].notna()]
    for cid, amount, approx, tol in zip(figures["claim_id"], figures["qty_amount"], figures["qty_approx"], figures["tolerance"]):
        spans[cid] = ("quantity", *Quantity(amount, approx=approx).interval(0.0 if pd.isna(tol) else tol))

    def compatible(a, b):
        return a is not None and b is not None and a[0] == b[0] and a[1] <= b[2] and b[1] <= a[2]

    def who(srcs):
        groups: dict[str, list[str]] = {}
        for s in srcs:
            groups.setdefault(str(sg.groups.get(s, s)), []).append(s)
        return ", ".join(" + ".join(v) + (" (dependent, counted once)" if len(v) > 1 else "") for _, v in sorted(groups.items()))

    out = []
    for sides, internal in zip(conflicts["sides"], conflicts["internal"]):
        side_spans = []
        for side in sides:
            ds = [spans[c] for c in side["claims"] if c in spans]
            one_kind = len({k for k, _, _ in ds}) == 1
            side_spans.append((ds[0][0], max(s for _, s, _ in ds), min(e for _, _, e in ds)) if one_kind else None)
        pairs = [(i, j) for i in range(len(sides)) for j in range(len(sides)) if i != j]
        if all(compatible(side_spans[i], side_spans[j]) for i, j in pairs):
            side_spans = [None] * len(sides)  # nothing contradicts: the sides are weighed as stated
        has_rival = [any(not compatible(side_spans[i], side_spans[j]) for j in range(len(sides)) if j != i) for i in range(len(sides))]
        # a group stating sides that contradict each other counts on the ones it states most
        # (with the claims of the sides compatible with each), when these agree, else on none
        claims_of: dict[str, dict[int, int]] = {}
        for i, side in enumerate(sides):
            for c in side["claims"]:
                if c in source_of:
                    g = str(sg.groups.get(source_of[c], source_of[c]))
                    claims_of.setdefault(g, {}).setdefault(i, 0)
                    claims_of[g][i] += 1
        counted_at: dict[str, set[int]] = {}
        torn: set[str] = set()
        for g, per_side in claims_of.items():
            its = sorted(per_side)
            agree = lambda i, j: i == j or compatible(side_spans[i], side_spans[j])  # noqa: E731
            if all(agree(i, j) for i in its for j in its):
                counted_at[g] = set(its)
                continue
            torn.add(g)
            score = {i: sum(per_side[j] for j in its if agree(i, j)) for i in its}
            top = [i for i in its if score[i] == max(score.values())]
            counted_at[g] = set(top) if all(agree(i, j) for i in top for j in top) else set()

        def stated(i, counted_only):
            return {
                source_of[c] for c in sides[i]["claims"] if c in source_of
                and (not counted_only or i in counted_at[str(sg.groups.get(source_of[c], source_of[c]))])
            }

        support, full = [], []
        for i, side in enumerate(sides):
            srcs, all_srcs = stated(i, True), stated(i, False)
            for j, other in enumerate(sides):
                if i != j and compatible(side_spans[i], side_spans[j]):
                    srcs |= stated(j, True)
                    all_srcs |= stated(j, False)
            best_trust: dict[str, float] = {}
            for s in sorted(srcs):
                grp = sg.groups.get(s, s)
                best_trust[grp] = max(best_trust.get(grp, 0.0), float(sg.trust.get(s, 0.0)))
            support.append((len(best_trust), sum(best_trust.values()), side, sorted(srcs), sorted(best_trust), side_spans[i], has_rival[i], i))
            full.append((sorted(all_srcs), {str(sg.groups.get(s, s)) for s in all_srcs}))
        ranked = sorted(support, key=lambda t: (-t[0], -t[1], json.dumps(t[2]["value"], ensure_ascii=False)))
        # the best side that another contradicts, against the best side that contradicts it
        best = ([t for t in ranked if t[6]] or ranked)[0]
        second = ([t for t in ranked if t[7] != best[7] and not compatible(best[5], t[5])] or [best])[0]
        (n1, w1, side1, srcs1, _), (n2, w2, _, srcs2, _) = best[:5], second[:5]
        internal = internal or full[best[7]][1] == full[second[7]][1]
        if n1 > n2 and not internal:
            out.append(
                f"Better supported: {side1['label']} — {n1} independent source{'s' if n1 != 1 else ''} "
                f"({who(srcs1)}) against {f'{n2} ({who(srcs2)})' if n2 else 'none'}; "
                f"trust-weighted support {w1:.2f} against {w2:.2f}."
            )
        elif n1 == n2 and w2 > 0 and w1 >= 1.5 * w2 and not internal:
            out.append(
                f"Leaning to {side1['label']}: as many independent sources on each side ({n1}), but more trusted ones "
                f"({who(srcs1)}: {w1:.2f} against {who(srcs2)}: {w2:.2f})."
            )
        elif internal:
            everyone = sorted(set(full[best[7]][0]) | set(full[second[7]][0]))
            if len({sg.groups.get(s, s) for s in everyone}) == 1:
                out.append(
                    f"The evidence does not decide: the conflict is within {who(everyone)}, "
                    "and no independent source speaks to it."
                )
            else:
                out.append(f"The evidence does not decide: the same sources ({who(everyone)}) stand on both sides.")
        else:
            out.append(
                f"The evidence does not decide: {n1} independent source{'s' if n1 != 1 else ''} on each side "
                f"({who(srcs1)} against {who(srcs2)}), with similar trust ({w1:.2f} against {w2:.2f})."
            )
        torn_sources = sorted({source_of[c] for side in sides for c in side["claims"] if c in source_of and str(sg.groups.get(source_of[c], source_of[c])) in torn})
        if torn_sources and not internal:
            one = len(torn_sources) == 1
            out[-1] += f" {', '.join(torn_sources)} " + (
                "contradicts itself (it states more than one side) and counts once at most." if one else
                "contradict themselves (each states more than one side) and count once at most."
            )
    return out


def _reference_items(claims: pd.DataFrame) -> pd.DataFrame:
    sel = scoped(claims, sorted(claims["property"].unique()))
    item = sel["subject"] + "|" + sel["property"] + "|" + sel["_group"].astype(str)
    items = pd.DataFrame({"claim_id": sel["claim_id"], "source": sel["source"], "item": item, "value": sel["value"]})
    return items.sort_values(["item", "source", "value", "claim_id"], kind="stable").reset_index(drop=True)


# --- strategies ---------------------------------------------------------------------------

SOURCES = [f"s{i}" for i in range(6)]


@st.composite
def claim_tables(draw, with_dates: bool = True) -> pd.DataFrame:
    """Claims of a few sources on a few items with few values (and, maybe, date intervals)."""
    n = draw(st.integers(0, 40))
    rows = []
    for _ in range(n):
        row = {
            "source": draw(st.sampled_from(SOURCES)),
            "item": draw(st.sampled_from(["i0", "i1", "i2", "i3"])),
            "value": draw(st.sampled_from(["a", "b", "c"])),
        }
        if with_dates:
            start = draw(st.one_of(st.none(), st.integers(0, 6)))
            length = draw(st.integers(0, 3))
            row["date_start"] = pd.NaT if start is None else DAY + pd.Timedelta(days=start)
            row["date_end"] = pd.NaT if start is None else DAY + pd.Timedelta(days=start + length)
        rows.append(row)
    columns = ["source", "item", "value"] + (["date_start", "date_end"] if with_dates else [])
    frame = pd.DataFrame(rows, columns=columns)
    if with_dates:
        frame["date_start"] = pd.to_datetime(frame["date_start"])
        frame["date_end"] = pd.to_datetime(frame["date_end"])
    return frame


@st.composite
def source_graphs(draw) -> SourceGraph:
    """Dependence groups and dyadic trust (sums of trust are exact, whatever their order)."""
    groups = pd.Series({s: draw(st.sampled_from(SOURCES[: i + 1])) for i, s in enumerate(SOURCES)}, name="group")
    trust = pd.Series({s: draw(st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0])) for s in SOURCES}, name="trust")
    return SourceGraph(nx.Graph(), trust, groups, pd.DataFrame(), None, pd.DataFrame())


@st.composite
def conflict_tables(draw) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Claims (some dated, some figures) and conflicts of 2 to 4 sides citing them (and unknown claims)."""
    n_claims = draw(st.integers(1, 20))
    claims = []
    for i in range(n_claims):
        start = draw(st.one_of(st.none(), st.integers(0, 6)))
        value_type = "date" if start is not None else draw(st.sampled_from(["date", "entity", "quantity"]))
        figure = value_type == "quantity"
        claims.append(
            {
                "claim_id": f"c{i:02d}",
                "source": draw(st.sampled_from(SOURCES)),
                "value_type": value_type,
                "date_start": pd.NaT if start is None else DAY + pd.Timedelta(days=start),
                "date_end": pd.NaT if start is None else DAY + pd.Timedelta(days=start + draw(st.integers(0, 3))),
                # figures that overlap or not: "about 100" meets 105 and 90, not 120 or 200
                "qty_amount": draw(st.sampled_from([None, 90.0, 100.0, 105.0, 120.0, 200.0])) if figure else None,
                "qty_approx": draw(st.sampled_from(["exact", "about", "more_than", "at_most"])) if figure else None,
                "tolerance": draw(st.sampled_from([None, 0.0, 0.05])) if figure else None,
            }
        )
    claims = pd.DataFrame(claims)
    claims["qty_amount"] = claims["qty_amount"].astype(float)
    claims["tolerance"] = claims["tolerance"].astype(float)
    claims["date_start"] = pd.to_datetime(claims["date_start"])
    claims["date_end"] = pd.to_datetime(claims["date_end"])
    ids = list(claims["claim_id"]) + ["unknown"]
    conflicts = []
    for k in range(draw(st.integers(1, 6))):
        n_sides = draw(st.integers(2, 4))
        values = draw(st.lists(st.sampled_from(["x", "y", "z", "w", "q"]), min_size=n_sides, max_size=n_sides, unique=True))
        sides = []
        for v in values:
            cited = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=4, unique=True))
            value = [v, "m"] if draw(st.booleans()) else v
            sides.append({"value": value, "label": f"label {v}", "claims": sorted(cited)})
        conflicts.append(
            {
                "fingerprint": f"{k:016x}",
                "rule": "r",
                "severity": draw(st.sampled_from(["error", "warning"])),
                "subject": "s",
                "property": "p",
                "scope": None,
                "sides": sides,
                "internal": draw(st.booleans()),
                "sources": sorted(set(draw(st.lists(st.sampled_from(SOURCES + ["other"]), max_size=4)))),
            }
        )
    return claims, pd.DataFrame(conflicts)


# --- properties ---------------------------------------------------------------------------


@given(st.lists(st.integers(0, 3), max_size=30).map(sorted))
def test_pairs_within_are_all_pairs_of_equal_keys(keys):
    keys = np.array(keys, dtype=np.int64)
    found = sorted((int(p), int(q)) for ps, qs in iter_pairs_within(keys) for p, q in zip(ps, qs))
    assert found == [(p, q) for p in range(len(keys)) for q in range(p + 1, len(keys)) if keys[p] == keys[q]]


@SETTINGS
@given(claim_tables(), st.dictionaries(st.sampled_from(["i0", "i1", "i2", "i9"]), st.sampled_from(["a", "b", "z"])), st.booleans())
def test_pair_statistics_equal_the_self_join(claims, believed, with_belief):
    believed = pd.Series(believed, dtype=object) if with_belief else None
    got = pair_statistics(claims, believed)
    want = _reference_pair_statistics(claims, believed)
    assert not got["declared"].any()
    cols = list(want.columns)
    pd.testing.assert_frame_equal(got[cols], want[cols], check_dtype=False, check_index_type=False)


@SETTINGS
@given(claim_tables(with_dates=False), source_graphs())
def test_claim_weights_equal_the_group_by(claims, sg):
    np.testing.assert_array_equal(claim_weights(claims, sg.groups), _reference_claim_weights(claims, sg.groups))


@SETTINGS
@given(conflict_tables(), source_graphs())
def test_suggestions_equal_the_per_conflict_reference(data, sg):
    claims, conflicts = data
    assert suggest(from_nested(conflicts), claims, sg).tolist() == _reference_suggest(conflicts, claims, sg)


@SETTINGS
@given(conflict_tables(), source_graphs())
def test_independent_sources_count_groups(data, sg):
    claims, conflicts = data
    ranked = rank_conflicts(from_nested(conflicts), claims, sg).conflicts.set_index("fingerprint")
    for fp, sources in zip(conflicts["fingerprint"], conflicts["sources"]):
        assert ranked.loc[fp, "independent"] == len({sg.groups.get(s, s) for s in sources})


def test_items_equal_the_sorted_scoped_claims():
    got, rows, _ = _item_table(WS.claims)
    want = _reference_items(WS.claims)
    pd.testing.assert_frame_equal(got[want.columns], want, check_dtype=False)
    assert (WS.claims["claim_id"].to_numpy()[rows] == got["claim_id"].to_numpy()).all()


def test_the_graph_does_not_depend_on_the_order_of_claims():
    shuffled = WS.claims.sample(frac=1.0, random_state=3).reset_index(drop=True)
    a, b = build_source_graph(WS.claims, WS.sources), build_source_graph(shuffled, WS.sources)
    pd.testing.assert_frame_equal(a.items, b.items)
    pd.testing.assert_series_equal(a.trust, b.trust, check_exact=True)
    pd.testing.assert_frame_equal(a.pairs, b.pairs, check_exact=True)


# --- shared encodings (one encoding of the items for trust, pairs and weights) -------------


def _beliefs(claims: pd.DataFrame) -> tuple[pd.Series, np.ndarray]:
    """The believed value of each item by PooledInvestment: as strings, and as value codes."""
    result = pooled_investment(claims)
    return result.winners.set_index("item")["value"], result.winning


@SETTINGS
@given(claim_tables())
def test_encoded_pair_statistics_equal_the_string_ones(claims):
    if claims.empty:
        return
    believed, winning = _beliefs(claims)
    want = pair_statistics(claims, believed, [("s0", "s5")])
    got = encoded_pair_statistics(claims, encode(claims), winning, [("s0", "s5")])
    pd.testing.assert_frame_equal(got, want)
    pd.testing.assert_frame_equal(encoded_pair_statistics(claims, encode(claims)), pair_statistics(claims))


@SETTINGS
@given(claim_tables(with_dates=False), source_graphs())
def test_encoded_claim_weights_equal_the_string_ones(claims, sg):
    got = claim_weights(claims, sg.groups, encoded=encode(claims))
    np.testing.assert_array_equal(got, claim_weights(claims, sg.groups))


@SETTINGS
@given(claim_tables(with_dates=False), st.booleans())
def test_pooled_investment_of_an_encoding_is_the_same(claims, weighted):
    if claims.empty:  # no claims, no trust (the graph stage does not run it)
        return
    weights = np.linspace(0.25, 1.0, len(claims)) if weighted else None
    a = pooled_investment(claims, claim_weight=weights)
    b = pooled_investment(claims, claim_weight=weights, encoded=encode(claims))
    pd.testing.assert_series_equal(a.trust, b.trust, check_exact=True)
    pd.testing.assert_frame_equal(a.beliefs, b.beliefs, check_exact=True)
    assert (a.winners["value"].to_numpy() == a.beliefs["value"].to_numpy()[a.winning]).all()


def test_the_item_table_encodes_as_encode_does():
    items, _, enc = _item_table(WS.claims)
    want = encode(items)
    for name in ("source", "value", "value_item"):
        np.testing.assert_array_equal(getattr(enc, name), getattr(want, name))
    pd.testing.assert_index_equal(enc.sources, want.sources)
    pd.testing.assert_index_equal(enc.items, want.items)
    pd.testing.assert_frame_equal(enc.values, want.values)


@SETTINGS
@given(st.lists(st.lists(st.sampled_from(["a", "b", "c", "", "é"]), min_size=1, max_size=4), min_size=2, max_size=8))
def test_set_implications_are_proper_subsets(lists):
    vals = pd.DataFrame({"value": [";".join(x) for x in lists]})
    a, b = (np.array(x, dtype=np.int64) for x in zip(*[(i, j) for i in range(len(lists)) for j in range(len(lists)) if i != j]))
    sets = [frozenset(x) for x in lists]
    want = [(i, j, len(sets[i]) / len(sets[j])) for i, j in zip(a, b) if sets[i] < sets[j]]
    got = _set_implications(vals, a, b)
    assert list(zip(got["from_value"], got["to_value"], got["weight"])) == want


@given(st.lists(st.sampled_from(["c0", "c1", "c2", None]), max_size=8), st.lists(st.sampled_from(["c0", "c1", "c2", "c9"]), max_size=8))
def test_claim_positions_are_the_last_row_of_each_id(known, ids):
    claims = pd.DataFrame({"claim_id": pd.Series(known, dtype=object)})
    want = [max((r for r, k in enumerate(known) if k == i), default=-1) for i in ids]
    assert claim_positions(claims, np.array(ids, dtype=object)).tolist() == want


@given(st.lists(st.integers(-3, 3), max_size=30))
def test_dense_ranks_are_numpy_unique(values):
    values = np.array(values, dtype=np.int64)
    uniques, ranks = dense_ranks(values)
    want_uniques, want_ranks = np.unique(values, return_inverse=True)
    np.testing.assert_array_equal(uniques, want_uniques)
    np.testing.assert_array_equal(ranks, want_ranks)
    np.testing.assert_array_equal(sorted_unique(values), want_uniques)
