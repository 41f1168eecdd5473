"""Many small sources: the graph stage gives what a straightforward computation gives, and
pairs of sources that share no claim key cost nothing (issue 18).

The workspace is generated (:func:`bench.generate_workspace.generate_many_sources`): a few
hundred sources stating a few claims each, some declared ``derived_from`` another (copying
its claims, errors included, or sharing nothing with it), some copying without declaring it,
with error rates high enough that such copying is detected from shared errors. The references below are plain Python over
dicts and sets: the pairs of sources from the keys each source states, PooledInvestment claim
by claim, dependence groups by union-find, the source table from the graph's edges.
"""

from __future__ import annotations

import math

import random
from collections import defaultdict
from itertools import combinations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.generate_workspace import generate_many_sources
from reconcile.trust import dependence
from reconcile.trust.dependence import _count_pairs_within, pair_statistics
from reconcile.trust.graph import (
    _implications,
    _item_rows,
    _sums_over_edges,
    _sums_over_pairs,
    build_source_graph,
    source_table,
)
from reconcile.pipeline import load

from .test_scale_graph import SETTINGS, WS, _reference_pair_statistics


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    root = tmp_path_factory.mktemp("many") / "ws"
    manifest = generate_many_sources(
        root, 240, 6, derived=40, hidden=30, sources_per_key=4.0, copy_rate=0.9, max_error_rate=0.6, seed=11
    )
    ws, problems = load(root)
    assert not problems.errors, [p.render() for p in problems.errors[:5]]
    return ws, manifest, build_source_graph(ws.claims, ws.sources)


# --- references ---------------------------------------------------------------------------


def _reference_model(claims, implications, weights=None, k=4.0, iterations=100, tol=1e-6, rho=0.5, z=1.645):
    """The default truth model (reconcile.trust.model.reconcile_model) claim by claim: per source its
    trust (the lower end of its interval), per item its believed value (ties: the first value
    in sorted order)."""
    weights = [1.0] * len(claims) if weights is None else list(weights)
    # a source's several values for one item count as one answer
    distinct = defaultdict(set)
    for s, i, v in claims:
        distinct[s, i].add(v)
    weights = [w / len(distinct[s, i]) for (s, i, v), w in zip(claims, weights)]
    sources = sorted({s for s, _, _ in claims})
    values = sorted({(i, v) for _, i, v in claims})
    stated = defaultdict(int)
    for i, v in values:
        stated[i] += 1
    support = defaultdict(float)
    for (s, i, v), w in zip(claims, weights):
        support[i, v] += w
    item_support = defaultdict(float)
    for i, v in values:
        item_support[i] += support[i, v]
    prob = {(i, v): support[i, v] / item_support[i] if item_support[i] > 0 else 0.0 for i, v in values}
    n = defaultdict(float)
    for (s, _, _), w in zip(claims, weights):
        n[s] += w
    accuracy = {s: 0.0 for s in sources}
    for _ in range(iterations):
        credit = dict(prob)
        for a, b, w in implications:
            credit[b] += w * prob[a]
        credit = {key: min(c, 1.0) for key, c in credit.items()}
        correct = defaultdict(float)
        for (s, i, v), w in zip(claims, weights):
            correct[s] += w * credit[i, v]
        # the prior mean of a source: the accuracy of the sources of about its size
        size = {s: math.floor(math.log(max(n[s], 1.0)) / math.log(4.0) + 1e-9) for s in sources}
        class_correct, class_n = defaultdict(float), defaultdict(float)
        for s in sources:
            class_correct[size[s]] += correct[s]
            class_n[size[s]] += n[s]
        m = {c: min(max(class_correct[c] / max(class_n[c], 1e-6), 0.05), 0.95) for c in class_n}
        new = {s: (correct[s] + k * m[size[s]]) / (n[s] + k) for s in sources}
        votes = defaultdict(float)
        for (s, i, v), w in zip(claims, weights):
            a = min(max(new[s], 1e-6), 1 - 1e-6)
            votes[i, v] += w * math.log(stated[i] * a / (1 - a))
        lent = dict(votes)
        for a, b, w in implications:
            lent[b] += rho * w * votes[a]
        top = defaultdict(float)
        for (i, v) in values:
            top[i] = max(top[i], lent[i, v])
        total = defaultdict(float)
        for (i, v) in values:
            total[i] += math.exp(lent[i, v] - top[i])
        prob = {(i, v): math.exp(lent[i, v] - top[i]) / (total[i] + math.exp(-top[i])) for i, v in values}
        delta = max(abs(new[s] - accuracy[s]) for s in sources)
        accuracy = new
        if delta < tol:
            break
    speakers = defaultdict(set)
    for s, i, _ in claims:
        speakers[i].add(s)
    evidence = defaultdict(float)
    for (s, i, _), w in zip(claims, weights):
        if len(speakers[i]) > 1:
            evidence[s] += w
    trust = {
        s: min(max(accuracy[s] - z * math.sqrt(accuracy[s] * (1 - accuracy[s]) / (evidence[s] + 1)), 0.0), 1.0)
        for s in sources
    }
    believed = {}
    for i in sorted({i for i, _ in values}):
        believed[i] = max((v for j, v in values if j == i), key=lambda v: (prob[i, v], -values.index((i, v))))
    return trust, believed


def _reference_groups(sources, pairs, threshold=0.5, min_shared_errors=3):
    """Union-find over the dependent pairs; each group is named by its first source."""
    parent = {s: s for s in sources}

    def root(s):
        while parent[s] != s:
            s = parent[s]
        return s

    for a, b, score, shared_errors, declared in zip(
        pairs["source_a"], pairs["source_b"], pairs["score"], pairs["shared_errors"], pairs["declared"]
    ):
        if declared or (score >= threshold and shared_errors >= min_shared_errors):
            ra, rb = root(a), root(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    return {s: root(s) for s in sources}


def _reference_source_table(graph: nx.Graph, groups: pd.Series) -> pd.DataFrame:
    """The source table as it was read from the graph's edges, one neighbour at a time."""
    rows = []
    for s in sorted(graph.nodes):
        edges = [graph.edges[s, o] for o in graph.neighbors(s)]
        rows.append(
            {
                "source": s,
                "agreements": sum(e["agree"] for e in edges),
                "disagreements": sum(e["disagree"] for e in edges),
                "depends_on": sorted(o for o in graph.neighbors(s) if groups.get(o) == groups.get(s) and o != s),
            }
        )
    return pd.DataFrame(rows)


def _declared(ws) -> list[tuple[str, str]]:
    return [(s, d) for s, d in zip(ws.sources["source"], ws.sources["derived_from"]) if isinstance(d, str) and d]


# --- the graph stage against the references -----------------------------------------------


def test_the_workspace_has_what_the_case_needs(many):
    ws, manifest, sg = many
    pairs = sg.pairs
    assert len(ws.sources) == 240 and len(manifest.copiers) == 40
    assert (pairs["declared"] & pairs["shared"].eq(0)).any()  # declared pairs that share nothing
    assert (pairs["declared"] & pairs["shared"].gt(0)).any()
    assert (~pairs["declared"] & (pairs["shared_errors"] >= 3) & (pairs["score"] >= 0.5)).any()  # copying detected
    # far fewer pairs than all pairs of sources: most share no key
    assert len(pairs) < 240 * 239 / 2 / 5


def test_pairs_are_the_pairs_sharing_a_key_and_the_declared_ones(many):
    ws, _, sg = many
    items = sg.items
    by_item = defaultdict(set)
    for s, i in zip(items["source"], items["item"]):
        by_item[i].add(s)
    sharing = {p for members in by_item.values() for p in combinations(sorted(members), 2)}
    declared = {tuple(sorted(p)) for p in _declared(ws)}
    pairs = sg.pairs
    got = list(zip(pairs["source_a"], pairs["source_b"]))
    assert len(got) == len(set(got)) and set(got) == sharing | declared
    counted = pairs["shared"].gt(0)
    assert {p for p, c in zip(got, counted) if c} == sharing
    # pairs sharing nothing are declared ones, last and sorted
    extra = [p for p, c in zip(got, counted) if not c]
    assert set(extra) == declared - sharing and extra == sorted(extra)
    assert not counted.iloc[len(got) - len(extra):].any()
    assert pairs["declared"].tolist() == [p in declared for p in got]


def test_dependence_and_trust_equal_the_straightforward_computation(many):
    ws, _, sg = many
    items = sg.items
    claims = list(zip(items["source"], items["item"], items["value"]))
    # value similarity, as the graph stage lends it (given, not under test here)
    item_rows = _item_rows(ws.claims)
    enc = item_rows.encoded()
    imp = _implications(ws.claims, item_rows.rows, enc)
    label = list(zip(enc.values["item"], enc.values["value"]))
    implications = [(label[a], label[b], w) for a, b, w in zip(imp["from_value"], imp["to_value"], imp["weight"])]

    _, believed = _reference_model(claims, implications)
    want = _reference_pair_statistics(items, pd.Series(believed, dtype=object))
    declared = {tuple(sorted(p)) for p in _declared(ws)}
    want["declared"] = [p in declared for p in zip(want["source_a"], want["source_b"])]
    missing = sorted(declared - set(zip(want["source_a"], want["source_b"])))
    want = pd.concat(
        [want, pd.DataFrame(missing, columns=["source_a", "source_b"]).assign(
            shared=0, agree=0, shared_errors=0, errors_a=0, errors_b=0, disagree=0, agreement=np.nan, score=0.0,
            declared=True)],
        ignore_index=True,
    )
    want.loc[want["declared"], "score"] = want.loc[want["declared"], "score"].clip(lower=1.0)
    got = sg.pairs
    pd.testing.assert_frame_equal(got[want.columns], want, check_dtype=False, rtol=1e-12)

    sources = sorted(ws.sources["source"])
    groups = _reference_groups(sources, want)
    assert sg.groups.to_dict() == groups
    size = defaultdict(int)
    for s, i, v in claims:
        size[i, v, groups[s]] += 1
    weights = [1.0 / size[i, v, groups[s]] for s, i, v in claims]
    accuracy, _ = _reference_model(claims, implications, weights)
    trust = pd.Series({s: accuracy.get(s, 0.0) for s in sources})
    np.testing.assert_allclose(sg.trust.reindex(sources).to_numpy(), trust.to_numpy(), rtol=1e-9, atol=1e-12)


def test_the_source_table_is_what_the_graph_edges_give(many):
    ws, _, _ = many
    sg = build_source_graph(ws.claims, ws.sources)
    table = source_table(sg, ws.sources)
    assert not isinstance(sg._graph, nx.Graph)  # the check's table does not build the graph  # noqa: SLF001
    want = _reference_source_table(sg.graph, sg.groups)
    pd.testing.assert_frame_equal(table[want.columns], want, check_dtype=False)
    assert table["depends_on"].map(len).sum() > 0
    nodes = dict(sg.graph.nodes(data=True))
    assert table["trust"].tolist() == [nodes[s]["trust"] for s in table["source"]]


def test_sums_over_the_pairs_are_the_sums_over_the_graph_edges(many):
    for sg in (many[2], build_source_graph(WS.claims, WS.sources)):
        nodes, sums = _sums_over_edges(sg.graph, sg.groups)
        assert nodes == sg.nodes
        assert _sums_over_pairs(sg.nodes, sg.pairs, sg.groups) == sums


def test_many_sources_never_count_pairs_by_dense_matrices(many, monkeypatch):
    ws, _, sg = many

    def refuse(*_):
        raise AssertionError("a source x source matrix for sources sharing few keys")

    monkeypatch.setattr(dependence, "_count_pairs_by_incidence", refuse)
    again = build_source_graph(ws.claims, ws.sources)
    pd.testing.assert_frame_equal(again.pairs, sg.pairs)


def test_the_order_of_declarations_does_not_matter(many):
    ws, _, sg = many
    declared = _declared(ws)
    shuffled = declared[::-1] + [(b, a) for a, b in random.Random(3).sample(declared, 10)]
    claims = sg.items[["source", "item", "value"]]
    pd.testing.assert_frame_equal(pair_statistics(claims, None, shuffled), pair_statistics(claims, None, declared))


@SETTINGS
@given(
    st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3), st.integers(0, 2), st.booleans()), max_size=40),
    st.sampled_from([6, 300]),
)
def test_pair_counts_with_and_without_a_slot_per_possible_pair(rows, n_sources):
    """Few sources: one slot per possible pair; many: the distinct pairs of each batch."""
    rows = sorted({(i, s): (i, s, v, w) for s, i, v, w in rows}.values())
    arrays = {
        "item": np.array([r[0] for r in rows], dtype=np.int64),
        "source": np.array([r[1] for r in rows], dtype=np.int64),
        "value": np.array([r[2] for r in rows], dtype=np.int64),
        "wrong": np.array([r[3] for r in rows], dtype=bool),
    }
    pair, totals = _count_pairs_within(arrays, n_sources)
    present = totals[:, 0] > 0
    got = {(int(p) // n_sources, int(p) % n_sources): tuple(t) for p, t in zip(pair[present], totals[present])}
    want = defaultdict(lambda: [0, 0, 0, 0, 0])
    for (i, a, va, wa), (j, b, vb, wb) in combinations(rows, 2):
        if i == j:
            counts = want[a, b]
            for k, x in enumerate((1, va == vb, va == vb and wa, wa, wb)):
                counts[k] += x
    assert got == {k: tuple(float(x) for x in v) for k, v in want.items()}
    assert (np.diff(pair) > 0).all()


def test_pair_statistics_of_many_sources_equal_the_self_join():
    rng = np.random.default_rng(5)
    n = 3000
    claims = pd.DataFrame(
        {
            "source": [f"s{i:04d}" for i in rng.integers(0, 1500, n)],
            "item": [f"i{i:04d}" for i in rng.integers(0, 700, n)],
            "value": rng.choice(["a", "b", "c"], n),
        }
    )
    believed = pd.Series({f"i{i:04d}": "a" for i in range(0, 700, 2)}, dtype=object)
    got = pair_statistics(claims, believed)
    want = _reference_pair_statistics(claims, believed)
    pd.testing.assert_frame_equal(got[want.columns], want, check_dtype=False, check_index_type=False)


def test_the_generator_writes_many_small_sources(many):
    ws, manifest, _ = many
    per = ws.claims.groupby("source").size()
    assert len(ws.claims) == manifest.n_claims and per.max() <= 6 and len(per) == 240
    assert dict(_declared(ws)) == manifest.copiers
    # a declared copier repeats most of its original's claims, errors included
    claims = ws.claims.set_index(["source", "subject", "property"])["value"]
    repeated = sum(
        int(claims[c].reset_index().merge(claims[o].reset_index(), on=["subject", "property"]).pipe(
            lambda m: (m["value_x"] == m["value_y"]).sum()))
        for c, o in manifest.copiers.items()
    )
    assert repeated > 0.6 * 6 * len(manifest.copiers)
