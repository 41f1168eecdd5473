"""Dependence between sources: declared derivations and detected copying.

Two sources are *dependent* when one is declared ``derived_from`` the other (a translation,
a version of the same press release) or when they share wrong values far more often than
independent sources would: independent sources err in different ways, copiers repeat each
other's errors (Dong, Berti-Equille & Srivastava, "Integrating conflicting data: the role of
source dependence", VLDB 2009).

:func:`pair_statistics` compares every pair of sources on the items both cover: shared
items, agreements, and *shared errors* (both give the same value and it is not the believed
one). It runs on integer codes: with one row per (source, item) sorted by item, the pairs of
rows within an item are visited one distance at a time (:func:`iter_pairs_within`), so no
item self-join is ever held in memory and each batch is counted per pair of sources with
``numpy.bincount``. The dependence score of a pair is the share of the two sources' errors
that they make together (a Jaccard index of their error sets)::

    score = shared_errors / (errors_a + errors_b - shared_errors)

A pair is dependent when the score reaches ``threshold`` with at least ``min_shared_errors``
shared errors, or when it is declared. :func:`dependence_groups` joins dependent sources
into groups (connected components); :func:`claim_weights` then gives each claim the weight
``1 / k`` when k members of one group state the same value, so each group counts once.
"""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx
import numpy as np
import pandas as pd

from reconcile.base.frames import ragged_ranges, sorted_unique

from reconcile.trust.model import Encoded

__all__ = [
    "pair_statistics",
    "encoded_pair_statistics",
    "pair_counts",
    "pair_table",
    "dependence_groups",
    "claim_weights",
    "iter_pairs_within",
    "pairs_within",
    "sort_codes",
    "combine_codes",
    "stable_order",
    "stable_argsort",
    "sorted_unique",
    "dense_ranks",
    "ragged_ranges",
]

#: What :func:`pair_statistics` counts for each pair of sources, in its output order.
_COUNTS = ["shared", "agree", "shared_errors", "errors_a", "errors_b"]


def sort_codes(values: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes that sort like ``values`` (missing values last) and the sorted distinct values."""
    codes, uniques = pd.factorize(values, sort=True)
    codes = codes.astype(np.int64, copy=False)
    np.putmask(codes, codes < 0, len(uniques))
    return codes, np.asarray(uniques, dtype=object)


def combine_codes(*codes: np.ndarray) -> np.ndarray:
    """One int64 key per row that sorts like the rows' tuples of non-negative ``codes``."""
    key = np.zeros(len(codes[0]), dtype=np.int64)
    for c in codes:
        size = int(c.max(initial=-1)) + 1
        if int(key.max(initial=0)) >= np.iinfo(np.int64).max // max(size, 1) - size:
            key = np.unique(key, return_inverse=True)[1].astype(np.int64)  # dense ranks: same order, smaller
        key = key * size + c
    return key


def dense_ranks(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values, sorted, and each value's position among them (``numpy.unique``
    with ``return_inverse``, by the stable sort of :func:`stable_argsort`)."""
    order = stable_argsort(values)
    ordered = values[order]
    new = np.ones(len(values), dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    ranks = np.empty(len(values), dtype=np.int64)
    ranks[order] = np.cumsum(new) - 1
    return ordered[new], ranks


def stable_order(key: np.ndarray) -> np.ndarray:
    """Positions that sort ``key`` (ties in input order); no sort when it is sorted already."""
    if np.all(key[1:] >= key[:-1]):
        return np.arange(len(key))
    return stable_argsort(key)


def stable_argsort(key: np.ndarray) -> np.ndarray:
    """``numpy.argsort(key, kind="stable")``; for non-negative integers, by a sort of each
    key with its position packed in the bits below it, when both fit in an int64 (numpy
    sorts integers faster than it argsorts them; its stable sort is near linear on the
    nearly sorted keys many callers pass)."""
    n = len(key)
    if not n or key.dtype.kind not in "iu":
        return np.argsort(key, kind="stable")
    bits = max(n - 1, 1).bit_length()
    if int(key.min()) < 0 or int(key.max()) >= 1 << (63 - bits):
        return np.argsort(key, kind="stable")
    return np.sort((key.astype(np.int64) << bits) | np.arange(n, dtype=np.int64), kind="stable") & ((1 << bits) - 1)


def iter_pairs_within(keys: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """All position pairs ``(p, q)``, ``p < q``, of equal ``keys``, in batches.

    ``keys`` must hold equal keys next to each other (sorted). Batch ``d`` holds the pairs
    at distance ``q - p == d`` in increasing ``p``. Memory stays linear in ``len(keys)``;
    the work is the number of pairs (``k (k - 1) / 2`` for a run of ``k`` equal keys).
    """
    n = len(keys)
    candidates = np.arange(max(n - 1, 0))
    d = 1
    while len(candidates):
        candidates = candidates[keys[candidates] == keys[candidates + d]]
        if not len(candidates):
            return
        yield candidates, candidates + d
        d += 1
        candidates = candidates[candidates + d < n]


def pairs_within(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All the pairs of :func:`iter_pairs_within` at once (for few pairs): ``(p, q)`` arrays."""
    batches = list(iter_pairs_within(keys))
    if not batches:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate([p for p, _ in batches]), np.concatenate([q for _, q in batches])


def _source_item_values(claims: pd.DataFrame, believed: pd.Series | None) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """One row per (source, item) with the source's first value in sorted order, as codes.

    Returns the rows (``item``, ``source``, ``value``, ``wrong``, and ``start``/``end`` when
    the claims have dates), sorted by item then source, and the sorted source names.
    """
    claims = claims[claims["source"].notna()]
    src, sources = sort_codes(claims["source"])
    item, items = sort_codes(claims["item"])
    val, values = sort_codes(claims["value"])
    keep = _first_of_source_items(item, src, val)
    rows = {"item": item[keep], "source": src[keep], "value": val[keep]}
    if believed is None:
        rows["wrong"] = np.zeros(len(keep), dtype=bool)
    else:
        # wrong: the item has a believed value and this is not it
        has_belief = np.append(believed.index.get_indexer(items) >= 0, False)
        believed_code = np.append(pd.Index(values).get_indexer(believed.reindex(items).to_numpy()), -1)
        rows["wrong"] = has_belief[rows["item"]] & (rows["value"] != believed_code[rows["item"]])
    _add_dates(rows, claims, keep)
    return rows, sources


def _first_of_source_items(item: np.ndarray, src: np.ndarray, val: np.ndarray) -> np.ndarray:
    """The positions of the first claim of each (item, source) in (item, source, value) order."""
    order = stable_order(combine_codes(item, src, val))
    first = np.ones(len(order), dtype=bool)
    first[1:] = (src[order][1:] != src[order][:-1]) | (item[order][1:] != item[order][:-1])
    return order[first]


def _add_dates(rows: dict[str, np.ndarray], claims: pd.DataFrame, keep: np.ndarray) -> None:
    """Add the ``start`` and ``end`` of the claims at ``keep`` to ``rows`` when the claims have dates."""
    if "date_start" in claims and "date_end" in claims:
        rows["start"] = claims["date_start"].to_numpy()[keep]
        rows["end"] = claims["date_end"].to_numpy()[keep]


def _encoded_source_item_values(
    claims: pd.DataFrame, enc: Encoded, believed: np.ndarray | None, positions: np.ndarray | None
) -> dict[str, np.ndarray]:
    """The rows of :func:`_source_item_values` from encoded claims (no source missing): the
    values are :func:`reconcile.trust.model.encode`'s value codes, which sort like the values within
    an item; ``believed`` gives each item's believed value code (-1: none); ``positions``
    the row in ``claims`` of each encoded claim (None: the same row)."""
    item = enc.value_item[enc.value]
    keep = _first_of_source_items(item, enc.source, enc.value)
    rows = {"item": item[keep], "source": enc.source[keep], "value": enc.value[keep]}
    if believed is None:
        rows["wrong"] = np.zeros(len(keep), dtype=bool)
    else:
        believed_value = np.asarray(believed, dtype=np.int64)[rows["item"]]
        rows["wrong"] = (believed_value >= 0) & (rows["value"] != believed_value)
    _add_dates(rows, claims, keep if positions is None else positions[keep])
    return rows


def _count_pairs(rows: dict[str, np.ndarray], n_sources: int) -> tuple[np.ndarray, np.ndarray]:
    """Per pair of sources sharing items (code ``a * n_sources + b``, sorted): the :data:`_COUNTS`
    (:func:`_count_pairs_by_incidence` when it pays and can, else :func:`_count_pairs_within`)."""
    if _incidence_pays(rows["item"], n_sources):
        counted = _count_pairs_by_incidence(rows, n_sources)
        if counted is not None:
            return counted
    return _count_pairs_within(rows, n_sources)


#: How many pairs of rows within items each pair of sources must stand for before
#: :func:`_count_pairs_by_incidence` (which counts every pair of sources) is used.
_ROW_PAIRS_PER_SOURCE_PAIR = 16


def _incidence_pays(item: np.ndarray, n_sources: int) -> bool:
    """Whether the products of incidence matrices, whose cost grows with the square of the
    number of sources whether they share items or not, are cheap beside the pairs of rows
    within items that :func:`_count_pairs_within` visits: few sources, each pair of them
    sharing many items on average (a few sources stating many claims each). Many sources
    sharing few items (many small sources) go by the pairs of rows, which cost nothing for
    the pairs of sources that share no item."""
    if n_sources < 2:
        return False
    per_item = np.bincount(item).astype(np.int64)
    row_pairs = int((per_item * (per_item - 1) // 2).sum())
    return n_sources * (n_sources - 1) // 2 * _ROW_PAIRS_PER_SOURCE_PAIR <= row_pairs


#: The most cells (items and values, by sources) of the incidence matrices of
#: :func:`_count_pairs_by_incidence`.
_INCIDENCE_CELLS = 1 << 23


def _count_pairs_by_incidence(rows: dict[str, np.ndarray], n_sources: int) -> tuple[np.ndarray, np.ndarray] | None:
    """:func:`_count_pairs_within` by products of incidence matrices, items by sources and
    values by sources (every pair ``a < b`` of sources, sharing items or not).

    A pair's shared items are the product of the item incidences, its equal values that of
    the value incidences, and its agreeing dates those of the values whose dates overlap
    another value's of the same item (the dates are read per value). None when the matrices
    would be large, or when the rows of one value have different dates.
    """
    item, src, wrong = rows["item"], rows["source"], rows["wrong"]
    key, n_keys = _value_keys(item, rows["value"])
    n_items = int(item.max(initial=-1)) + 1
    if (n_items + n_keys) * n_sources > _INCIDENCE_CELLS:
        return None
    spans = None
    if "start" in rows:
        spans = _value_spans(key, n_keys, rows)
        if spans is None:
            return None
    x, w = _incidence(item, src, n_items, n_sources), _incidence(item[wrong], src[wrong], n_items, n_sources)
    y, yw = _incidence(key, src, n_keys, n_sources), _incidence(key[wrong], src[wrong], n_keys, n_sources)
    same = y.T @ y
    counted = {
        "shared": x.T @ x,
        "agree": same if spans is None else same + y.T @ _overlapping_values(y, item, key, n_keys, spans),
        "shared_errors": yw.T @ y,
        "errors_a": w.T @ x,
        "errors_b": x.T @ w,
    }
    a, b = np.triu_indices(n_sources, 1)
    return a * n_sources + b, np.column_stack([counted[k][a, b].astype(float) for k in _COUNTS])


def _value_keys(item: np.ndarray, value: np.ndarray) -> tuple[np.ndarray, int]:
    """A code per distinct (item, value) of the rows (the value codes themselves when no
    value code belongs to two items) and a bound of the codes."""
    item_of = np.zeros(int(value.max(initial=-1)) + 1, dtype=np.int64)
    item_of[value] = item
    if (item_of[value] == item).all():
        return value, len(item_of)
    key, uniques = pd.factorize(combine_codes(item, value))
    return key, len(uniques)


def _value_spans(key: np.ndarray, n_keys: int, rows: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray] | None:
    """The start and end date of each value (``key``), or None when its rows differ in them
    (or the dates are not datetime64)."""
    start, end = rows["start"], rows["end"]
    if start.dtype.kind != "M" or end.dtype.kind != "M":
        return None
    first = np.zeros(n_keys, dtype=np.int64)
    first[key[::-1]] = np.arange(len(key) - 1, -1, -1)  # the first row of each value
    for dates in (start, end):
        stamps = dates.view(np.int64)  # NaT is an integer too: equal to itself
        if not (stamps[first][key] == stamps).all():
            return None
    return start[first], end[first]


def _incidence(row: np.ndarray, col: np.ndarray, n_rows: int, n_cols: int) -> np.ndarray:
    """The 0/1 matrix with ones at (``row``, ``col``), as float32 (exact counts in products
    of fewer than 2**24 rows)."""
    matrix = np.zeros(n_rows * n_cols, dtype=np.float32)
    matrix[row * n_cols + col] = 1.0  # a flat scatter: much faster than one by two index arrays
    return matrix.reshape(n_rows, n_cols)


def _overlapping_values(
    y: np.ndarray, item: np.ndarray, key: np.ndarray, n_keys: int, spans: tuple[np.ndarray, np.ndarray]
) -> np.ndarray:
    """Per value (a row of ``y``), the sources stating another value of its item whose dates
    overlap its own (NaT overlaps nothing): the sum of those values' rows of ``y``."""
    start, end = spans
    item_of = np.full(n_keys, -1, dtype=np.int64)
    item_of[key] = item
    dated = np.flatnonzero((item_of >= 0) & ~np.isnat(start) & ~np.isnat(end))
    order = dated[stable_order(item_of[dated])]
    p, q = pairs_within(item_of[order])
    u, v = order[p], order[q]
    overlap = (start[u] <= end[v]) & (start[v] <= end[u])
    u, v = u[overlap], v[overlap]
    lent = np.zeros_like(y)
    np.add.at(lent, u, y[v])
    np.add.at(lent, v, y[u])
    return lent


def _count_pairs_within(rows: dict[str, np.ndarray], n_sources: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_count_pairs` by each pair of rows of an item, in batches (:func:`iter_pairs_within`).

    With few sources every possible pair has a slot, and each batch is added to the slots'
    counts; otherwise each batch is counted per distinct pair in it, and the batches are
    summed at the end.
    """
    dense = n_sources * n_sources <= 1 << 16
    totals = np.zeros((n_sources * n_sources if dense else 0, len(_COUNTS)))
    codes, partial = [], []
    for p, q in iter_pairs_within(rows["item"]):
        same = rows["value"][p] == rows["value"][q]
        agree = same
        if "start" in rows:
            # dates agree when their intervals overlap (1992 agrees with 1992-05-15); NaT never does
            agree = same | ((rows["start"][p] <= rows["end"][q]) & (rows["start"][q] <= rows["end"][p]))
        wrong_a, wrong_b = rows["wrong"][p], rows["wrong"][q]
        code = rows["source"][p] * n_sources + rows["source"][q]
        slot, pair = (code, None) if dense else pd.factorize(code)
        counted = {
            "shared": None, "agree": agree, "shared_errors": same & wrong_a, "errors_a": wrong_a, "errors_b": wrong_b,
        }
        size = len(totals) if dense else len(pair)
        batch = np.column_stack([np.bincount(slot, weights=counted[k], minlength=size) for k in _COUNTS])
        if dense:
            totals += batch
        else:
            codes.append(pair)
            partial.append(batch)
    if dense:
        return np.arange(len(totals), dtype=np.int64), totals
    if not codes:
        return np.zeros(0, dtype=np.int64), np.zeros((0, len(_COUNTS)))
    pair, slot = np.unique(np.concatenate(codes), return_inverse=True)
    stacked = np.concatenate(partial)
    totals = np.column_stack([np.bincount(slot, weights=stacked[:, k], minlength=len(pair)) for k in range(len(_COUNTS))])
    return pair, totals


def pair_statistics(
    claims: pd.DataFrame,
    believed: pd.Series | None = None,
    declared: list[tuple[str, str]] = (),
) -> pd.DataFrame:
    """Per pair of sources sharing items: shared, agree, disagree, shared_errors, score, declared.

    ``claims`` has source, item, value (and optionally date_start/date_end, so that dates
    at different precision agree); a source stating several values of one item counts
    with the first in sorted order. ``believed`` maps item → believed value (without it,
    shared errors are not counted and only declared dependence is known). One row per pair
    (``source_a < source_b``), sorted; declared pairs that share no item come last.
    """
    rows, sources = _source_item_values(claims, believed)
    return _statistics(rows, sources, declared)


def encoded_pair_statistics(
    claims: pd.DataFrame,
    enc: Encoded,
    believed: np.ndarray | None = None,
    declared: list[tuple[str, str]] = (),
    *,
    positions: np.ndarray | None = None,
) -> pd.DataFrame:
    """:func:`pair_statistics` of claims already encoded (``enc = encode(claims)``; no source
    is missing), with ``believed`` given per item as the code of its believed value (a row of
    ``enc.values``, -1 for none), as ``TruthResult.winning`` holds it.

    ``positions`` may give the row in ``claims`` of each encoded claim, when ``enc`` encodes
    them in another order (only their dates are read from ``claims``).
    """
    rows = _encoded_source_item_values(claims, enc, believed, positions)
    return _statistics(rows, np.asarray(enc.sources, dtype=object), declared)


def _statistics(rows: dict[str, np.ndarray], sources: np.ndarray, declared: list[tuple[str, str]]) -> pd.DataFrame:
    """The table of :func:`pair_statistics` from the (source, item) rows and the sorted source names.

    Declared pairs are matched to the counted pairs by their codes in one pass (a source
    without rows has none: its declared pairs share nothing); those that share no item come
    last, sorted.
    """
    pair, totals = _count_pairs(rows, len(sources))
    return pair_table(pair, totals, sources, declared)


def pair_counts(
    claims: pd.DataFrame,
    enc: Encoded | None,
    believed: np.ndarray | pd.Series | None,
    *,
    positions: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The counts :func:`pair_statistics` (``enc`` None, ``believed`` a Series) or
    :func:`encoded_pair_statistics` (``believed`` per item code) start from: per pair of
    sources (code ``a * len(sources) + b``, sorted), the :data:`_COUNTS`, and the sorted
    source names. Counts of several blocks of items are added pair by pair (exact integers)
    and turned into the table by :func:`pair_table`."""
    if enc is None:
        rows, sources = _source_item_values(claims, believed)
    else:
        rows, sources = _encoded_source_item_values(claims, enc, believed, positions), np.asarray(enc.sources, dtype=object)
    pair, totals = _count_pairs(rows, len(sources))
    return pair, totals, sources


def pair_table(pair: np.ndarray, totals: np.ndarray, sources: np.ndarray, declared: list[tuple[str, str]]) -> pd.DataFrame:
    """The table of :func:`pair_statistics` from the per-pair counts of :func:`pair_counts`
    (pairs coded over ``sources``, sorted) and the declared derivations."""
    width = max(len(sources), 1)
    present = np.flatnonzero(totals[:, 0] > 0)  # pairs sharing items (all possible pairs may have a slot)
    pair, totals = pair[present], totals[present]
    stats = pd.DataFrame(
        {
            "source_a": pd.Series(sources[pair // width], dtype=object),
            "source_b": pd.Series(sources[pair % width], dtype=object),
            **{name: totals[:, k].astype(np.int64) for k, name in enumerate(_COUNTS)},
        }
    )
    stats["disagree"] = stats["shared"] - stats["agree"]
    stats["agreement"] = stats["agree"] / stats["shared"]
    union = stats["errors_a"] + stats["errors_b"] - stats["shared_errors"]
    stats["score"] = np.where(union > 0, stats["shared_errors"] / union.clip(lower=1), 0.0)
    decl_a, decl_b, decl_code = _declared_codes(declared, sources)
    # the counted pairs are sorted: each declared pair is looked up by a binary search
    found = np.minimum(np.searchsorted(pair, decl_code), max(len(pair) - 1, 0))
    counted = (decl_code >= 0) & (pair[found] == decl_code) if len(pair) else np.zeros(len(decl_code), dtype=bool)
    is_declared = np.zeros(len(pair), dtype=bool)
    is_declared[found[counted]] = True
    stats["declared"] = is_declared
    if not counted.all():
        extra = pd.DataFrame({"source_a": decl_a[~counted], "source_b": decl_b[~counted]}, dtype=object).assign(
            shared=0, agree=0, shared_errors=0, errors_a=0, errors_b=0, disagree=0, agreement=np.nan, score=0.0,
            declared=True,
        )
        stats = pd.concat([stats, extra], ignore_index=True)
    stats["declared"] = stats["declared"].astype(bool)
    stats["score"] = stats["score"].astype(float).where(~stats["declared"], stats["score"].astype(float).clip(lower=1.0))
    return stats


def _declared_codes(declared: list[tuple[str, str]], sources: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct declared pairs, each ordered ``a <= b`` and sorted: their names, and their
    pair codes ``a * len(sources) + b`` (-1 when a source of the pair is not among ``sources``)."""
    pairs = pd.DataFrame(list(declared), columns=["a", "b"], dtype=object)
    if not len(pairs):
        empty = np.zeros(0, dtype=object)
        return empty, empty, np.zeros(0, dtype=np.int64)
    x, y = pairs["a"].to_numpy(dtype=object), pairs["b"].to_numpy(dtype=object)
    swap = (y < x).astype(bool)
    pairs = pd.DataFrame({"a": np.where(swap, y, x), "b": np.where(swap, x, y)}, dtype=object)
    pairs = pairs.drop_duplicates().sort_values(["a", "b"], kind="stable")
    a, b = pairs["a"].to_numpy(dtype=object), pairs["b"].to_numpy(dtype=object)
    index = pd.Index(sources, dtype=object)
    ia, ib = index.get_indexer(a), index.get_indexer(b)
    code = np.where((ia >= 0) & (ib >= 0), ia.astype(np.int64) * max(len(sources), 1) + ib, -1)
    return a, b, code


def dependent_pairs(stats: pd.DataFrame, threshold: float = 0.5, min_shared_errors: int = 3) -> pd.DataFrame:
    """The pairs judged dependent: declared, or detected by shared errors."""
    detected = (stats["score"] >= threshold) & (stats["shared_errors"] >= min_shared_errors)
    return stats[stats["declared"] | detected]


def dependence_groups(sources: list[str], stats: pd.DataFrame, threshold: float = 0.5, min_shared_errors: int = 3) -> pd.Series:
    """Group id (the group's first source id) for every source; independent sources alone."""
    g = nx.Graph()
    g.add_nodes_from(sources)
    dep = dependent_pairs(stats, threshold, min_shared_errors)
    g.add_edges_from(zip(dep["source_a"], dep["source_b"]))
    group = {}
    for component in nx.connected_components(g):
        name = min(component)
        for s in component:
            group[s] = name
    return pd.Series(group, name="group").reindex(sources)


def claim_weights(claims: pd.DataFrame | None, groups: pd.Series, *, encoded: Encoded | None = None) -> np.ndarray:
    """1/k for each claim whose value is stated by k sources of its dependence group
    (NaN for a claim without item, value or source). ``encoded`` may give
    ``encode(claims)`` (no source missing) when the caller has it already; ``claims`` is
    not read then (it may be None)."""
    if encoded is not None:
        return _encoded_claim_weights(encoded, groups)
    src, sources = pd.factorize(claims["source"])
    group_of_source = pd.Series(sources).map(groups).fillna(pd.Series(sources))
    grp = np.append(pd.factorize(group_of_source)[0], -1)[src]
    item, _ = pd.factorize(claims["item"])
    val, values = pd.factorize(claims["value"])
    item_value, _ = pd.factorize(item.astype(np.int64) * (len(values) + 1) + val)
    key, _ = pd.factorize(item_value.astype(np.int64) * (len(sources) + 1) + grp)
    counts = np.bincount(key)[key].astype(float)
    counts[(item < 0) | (val < 0) | (grp < 0)] = np.nan
    return 1.0 / counts


def _encoded_claim_weights(enc: Encoded, groups: pd.Series) -> np.ndarray:
    """:func:`claim_weights` of encoded claims: k counts the claims of each (value, group)."""
    names = pd.Series(enc.sources, dtype=object)
    group_of_source, _ = pd.factorize(names.map(groups).fillna(names))
    key = enc.value * (len(enc.sources) + 1) + group_of_source[enc.source]
    slot = dense_ranks(key)[1]
    return 1.0 / np.bincount(slot)[slot].astype(float)
