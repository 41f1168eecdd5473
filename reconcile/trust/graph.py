"""The source-agreement graph: trust, dependence, and suggestions for conflicts.

:func:`build_source_graph` turns a validated workspace into:

* a **claims-as-items** table: every claim becomes (source, item, value) where the item is
  its claim key (subject, property and overlapping time scope, see :mod:`reconcile.detect.grouping`)
  and the value its normalized value;
* **trust** per source by the default truth model (:func:`reconcile.trust.model.reconcile_model`:
  Accu's vote with accuracies shrunk towards a prior by how many claims they rest on; trust
  is the lower end of the source's 90 % interval, so a source of five claims is not trusted
  like one of five hundred), with value similarity for dates (a date implies the coarser dates that contain it, and
  partly supports the finer dates within it), quantities (overlapping ranges) and lists
  (a partial list implies a fuller list containing it, in proportion to what it covers),
  and with dependent sources counted once;
* **dependence** between sources: declared ``derived_from`` links, and copying detected
  from shared wrong values (:mod:`reconcile.trust.dependence`);
* a **networkx graph**: a node per source (language, publisher, kind, date, claim count,
  trust, dependence group) and an edge per pair of sources sharing claim keys (shared keys,
  agreements, disagreements, agreement ratio, dependence score, declared).

:mod:`reconcile.trust.suggestions` then weighs the sides of each conflict on this graph.

Everything runs on integer codes over whole tables (factorized ids, sorts, ``bincount``,
pairs within sorted groups from :func:`reconcile.trust.dependence.pairs_within`). The strings of the claims (sources, values, item
labels) are encoded once, by pyarrow, into the codes that sort the items; both runs of
the model, the pair statistics and the claim weights share that encoding.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from itertools import chain

import networkx as nx
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from reconcile.trust.dependence import (
    claim_weights,
    combine_codes,
    dependence_groups,
    encoded_pair_statistics,
    pair_statistics,
    pairs_within,
    ragged_ranges,
    sort_codes,
    sorted_unique,
    stable_argsort,
)
from reconcile.detect.scope import assign_scope_groups, scope_interval
from reconcile.trust.blocks import GraphBlock, graph_over_blocks, in_process
from reconcile.normalize.quantities import ABOUT_MARGIN, plausible_range
from reconcile.trust.model import Encoded, TruthResult, encode, encode_codes, reconcile_model, split_weights

__all__ = [
    "SourceGraph",
    "build_source_graph",
    "source_table",
    "to_graphml",
    "to_node_link",
]


class SourceGraph:
    """Everything the graph stage computed for a workspace.

    ``items`` (one row per claim: claim id, source, item, value, value type and dates) may
    be given as a function that builds it: it is then built on first access (the check
    itself reads none of it). So may ``graph``: the networkx graph has an edge per pair of
    sources sharing claim keys, which only the exports read (`reconcile graph`, the HTML
    report); the check's source table is computed from ``pairs`` and ``nodes``.
    """

    def __init__(
        self,
        graph: nx.Graph | Callable[[], nx.Graph],
        trust: pd.Series,
        groups: pd.Series,
        pairs: pd.DataFrame,
        truth: TruthResult | None,
        items: pd.DataFrame | Callable[[], pd.DataFrame],
        about_margin: float = ABOUT_MARGIN,
        nodes: list[tuple[str, dict]] | None = None,
    ) -> None:
        self._graph = graph
        self.trust = trust
        self.groups = groups
        self.pairs = pairs
        self.truth = truth
        self._items = items
        #: The margin of an "about" figure the graph judged figures compatible with (the
        #: quantity rule's ``about_margin``); the suggestions use the same.
        self.about_margin = about_margin
        #: The graph's nodes with their attributes, sorted (None: read them from ``graph``).
        self.nodes = nodes

    @property
    def graph(self) -> nx.Graph:
        """The source-agreement graph: a node per source, an edge per row of ``pairs``."""
        if not isinstance(self._graph, nx.Graph):
            self._graph = self._graph()
        return self._graph

    @property
    def items(self) -> pd.DataFrame:
        """The claims as items: claim_id, source, item, value, value type and dates."""
        if callable(self._items):
            self._items = self._items()
        return self._items


# --- claims as items ----------------------------------------------------------------------

#: Claim columns an item row keeps besides source, item and value.
_ITEM_COLUMNS = ["claim_id", "value_type", "date_start", "date_end"]
#: Claim columns value similarity reads (from one claim of each value).
_VALUE_COLUMNS = ["value_type", "date_start", "date_end", "qty_amount", "qty_approx", "tolerance"]


@dataclass(frozen=True)
class _Sorted:
    """Values as integer codes that sort like them, and their sorted distinct values."""

    codes: np.ndarray
    """Per value: its position in ``uniques`` (``len(uniques)`` for a missing value)."""
    uniques: pd.api.extensions.ExtensionArray
    """The distinct values, sorted: a pyarrow string array when they are all valid UTF-8
    strings (factorized again in microseconds by :func:`reconcile.trust.model.encode`), else
    Python objects."""

    @property
    def complete(self) -> bool:
        """Whether no value is missing."""
        return not len(self.codes) or int(self.codes.max()) < len(self.uniques)

    def take(self, positions: np.ndarray) -> pd.api.extensions.ExtensionArray:
        """The values at ``positions`` (missing values as NaN)."""
        codes = self.codes[positions]
        if self.complete:
            return self.uniques.take(codes)
        return self.uniques.take(np.where(codes < len(self.uniques), codes, -1), allow_fill=True)


def _sorted(values: np.ndarray | pd.api.extensions.ExtensionArray) -> _Sorted:
    """:func:`~reconcile.trust.dependence.sort_codes` of ``values``, with the distinct values as
    pyarrow strings when they are all strings. Strings are encoded and sorted by pyarrow
    (UTF-8 bytes sort like code points, as Python compares text), without hashing one
    Python string; anything else goes by :func:`~reconcile.trust.dependence.sort_codes`."""
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        try:
            text = pa.array(values, pa.large_string())
            if isinstance(text, pa.ChunkedArray):  # an Arrow-backed column (empty ones too)
                text = text.combine_chunks()
            encoded = pc.dictionary_encode(text)
        except UnicodeEncodeError:  # a lone surrogate: not UTF-8, kept as Python objects
            pass
        else:
            order = pc.sort_indices(encoded.dictionary).to_numpy()
            rank = np.empty(len(order), dtype=np.int64)
            rank[order] = np.arange(len(order))
            codes = rank[encoded.indices.to_numpy()]
            return _Sorted(codes, pd.array(encoded.dictionary.take(order), dtype="str"))
    codes, uniques = sort_codes(values)
    return _Sorted(codes, _text_array(uniques))


def _text_array(uniques: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """Sorted distinct values as a pyarrow string array when they are all valid UTF-8 strings,
    else as Python objects."""
    if pd.api.types.infer_dtype(uniques, skipna=False) == "string":
        try:
            return pd.array(uniques, dtype="str")
        except UnicodeEncodeError:  # a lone surrogate: not UTF-8, kept as Python objects
            pass
    return pd.array(uniques, dtype=object)


def _first_rows(codes: np.ndarray, n_codes: int) -> np.ndarray:
    """The first position of each code ``0 .. n_codes - 1`` in ``codes``."""
    first = np.full(n_codes, len(codes), dtype=np.int64)
    np.minimum.at(first, codes, np.arange(len(codes)))
    return first


def _scope_groups(claims: pd.DataFrame) -> np.ndarray:
    """Per claim, its claim key: a group of claims with the same subject and property and
    overlapping time scopes, numbered as :func:`reconcile.detect.grouping.scoped` numbers them
    over all properties (without the scope labels and the copy of the claims it makes)."""
    subject, _ = sort_codes(claims["subject"])
    prop, properties = sort_codes(claims["property"])
    key = subject * len(properties) + prop
    start, end = scope_interval(claims, key)
    return assign_scope_groups(claims, start, end, ["subject", "property"], key=key).to_numpy()


def _item_labels(claims: pd.DataFrame) -> tuple[np.ndarray, pd.Series]:
    """The item of each claim (a position in the labels) and the labels,
    ``subject|property|scope group``."""
    group_of, groups = pd.factorize(_scope_groups(claims))
    first = _first_rows(group_of, len(groups))
    labels = (
        pd.Series(claims["subject"].to_numpy()[first], dtype="str") + "|"
        + pd.Series(claims["property"].to_numpy()[first], dtype="str") + "|"
        + pd.Series(groups).astype(str)
    )
    return group_of, labels


@dataclass(frozen=True)
class _ItemRows:
    """The claims as item rows (every claim is one), in the canonical order of
    :func:`_item_rows`, as codes."""

    rows: np.ndarray
    """Per item row: the position of its claim in ``claims``."""
    group_of: np.ndarray
    """Per claim: its item, a position in ``labels``."""
    labels: pd.api.extensions.ExtensionArray
    """Per item: its label, ``subject|property|scope group``."""
    item: _Sorted
    """The labels' sort codes (per item) and the sorted labels."""
    source: _Sorted
    """The sources' sort codes (per claim) and the sorted sources."""
    value: _Sorted
    """The values' sort codes (per claim) and the sorted values."""

    def encoded(self) -> Encoded | None:
        """The item rows encoded as :func:`reconcile.trust.model.encode` encodes them, from the
        codes that sorted them (None when a source or value is missing: such items go by
        the functions that read the strings)."""
        parts = (self.source, self.item, self.value)
        if not all(part.complete for part in parts):
            return None
        source, item, value = (pd.Index(part.uniques) for part in parts)
        item_of_row = self.item.codes[self.group_of[self.rows]]
        return encode_codes(self.source.codes[self.rows], source, item_of_row, item, self.value.codes[self.rows], value)

    def table(self, claims: pd.DataFrame) -> pd.DataFrame:
        """One row per item row: claim_id, source, item, value, value type and dates."""
        columns = {c: claims[c].take(self.rows).reset_index(drop=True) for c in _ITEM_COLUMNS}
        columns["source"] = self.source.take(self.rows)
        columns["item"] = self.labels.take(self.group_of[self.rows])
        columns["value"] = self.value.take(self.rows)
        return pd.DataFrame({c: columns[c] for c in ["claim_id", "source", "item", "value", *_ITEM_COLUMNS[1:]]})


def _item_rows(claims: pd.DataFrame) -> _ItemRows:
    """The claims as item rows sorted by item (``subject|property|scope group``), source,
    value and claim id.

    The canonical order makes every later step independent of the order claims came in.
    """
    group_of, labels = _item_labels(claims)
    item = _sorted(labels.array)
    src = _sorted(claims["source"].to_numpy())
    val = _sorted(claims["value"].to_numpy())
    key = combine_codes(item.codes[group_of], src.codes, val.codes)
    order = stable_argsort(key)  # rows with equal keys are ordered below
    ordered = key[order]
    tied = np.flatnonzero(ordered[1:] == ordered[:-1])
    if len(tied):
        # a source stating one value twice in one item (rare): those claims go by claim id,
        # then by their order in ``claims``
        tied = sorted_unique(np.concatenate([order[tied], order[tied + 1]]))
        claim = np.zeros(len(key), dtype=np.int64)
        claim[tied] = sort_codes(claims["claim_id"].to_numpy()[tied])[0]
        order = np.lexsort((claim, key))
    return _ItemRows(order, group_of, labels.array, item, src, val)


def _item_table(claims: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, Encoded | None]:
    """The item rows of :func:`_item_rows` as a table (:meth:`_ItemRows.table`), per row
    the position of its claim in ``claims``, and their encoding (:meth:`_ItemRows.encoded`)."""
    item_rows = _item_rows(claims)
    return item_rows.table(claims), item_rows.rows, item_rows.encoded()


def _value_pairs(value_item: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every ordered pair (a, b), a != b, of values of one item, sorted by a then b
    (``value_item`` is sorted: :func:`reconcile.trust.model.encode` numbers values item by item)."""
    p, q = pairs_within(value_item)
    a, b = np.concatenate([p, q]), np.concatenate([q, p])
    order = np.lexsort((b, a))
    return a[order], b[order]


def _date_implications(vals: pd.DataFrame, a: np.ndarray, b: np.ndarray) -> pd.DataFrame:
    """A finer date implies the coarser one that contains it; a coarser one half-supports the finer."""
    start, end = vals["date_start"].to_numpy(), vals["date_end"].to_numpy()
    inside = (start[a] >= start[b]) & (end[a] <= end[b])
    contains = (start[a] <= start[b]) & (end[a] >= end[b])
    w = np.where(inside, 1.0, np.where(contains, 0.5, 0.0))
    return pd.DataFrame({"from_value": a, "to_value": b, "weight": w})[w > 0]


def _set_implications(vals: pd.DataFrame, a: np.ndarray, b: np.ndarray) -> pd.DataFrame:
    """A partial list implies the fuller list that contains it, as much as it covers of it.

    Lists are sets of ``;``-separated members: ``a`` is a proper subset of ``b`` when all its
    members are among ``b``'s and ``b`` has more; the weight is ``|a| / |b|``.
    """
    involved = sorted_unique(np.concatenate([a, b]))
    ia, ib = np.searchsorted(involved, a), np.searchsorted(involved, b)
    owner, member = _members(vals["value"].to_numpy(dtype=object)[involved])
    width = int(member.max(initial=-1)) + 1
    keys = sorted_unique(owner * width + member)  # each (list, member) once: sets, not lists
    size = np.bincount(keys // width, minlength=len(involved))
    starts = np.searchsorted(keys // width, np.arange(len(involved)))
    # every member of each pair's first list, looked up among the second list's members
    pair = np.repeat(np.arange(len(a)), size[ia])
    probe = ib[pair] * width + keys[ragged_ranges(starts[ia], size[ia])] % width
    found = keys[np.minimum(np.searchsorted(keys, probe), len(keys) - 1)] == probe
    common = np.bincount(pair, weights=found, minlength=len(a))
    subset = (common == size[ia]) & (size[ia] < size[ib])
    return pd.DataFrame({"from_value": a, "to_value": b, "weight": size[ia] / size[ib]})[subset]


def _members(text: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The members of ``;``-separated lists: per member, its list (a position in ``text``) and
    a code (equal members, equal codes)."""
    try:
        lists = pc.split_pattern(pa.array(text, pa.large_string()), ";")
        lengths = pc.list_value_length(lists).to_numpy()
        member = pc.dictionary_encode(lists.flatten()).indices.to_numpy().astype(np.int64)
    except UnicodeEncodeError:  # a lone surrogate: not UTF-8, split by Python
        split = [t.split(";") for t in text]
        lengths = np.fromiter(map(len, split), dtype=np.int64, count=len(split))
        member = pd.factorize(np.fromiter(chain.from_iterable(split), dtype=object, count=int(lengths.sum())))[0]
    return np.repeat(np.arange(len(text)), lengths), member


def _quantity_implications(
    vals: pd.DataFrame, a: np.ndarray, b: np.ndarray, about_margin: float = ABOUT_MARGIN
) -> pd.DataFrame:
    """Figures whose plausible ranges overlap half-support each other."""
    involved = sorted_unique(np.concatenate([a, b]))
    low, high = (s.to_numpy() for s in plausible_range(vals.iloc[involved], about_margin))
    ia, ib = np.searchsorted(involved, a), np.searchsorted(involved, b)
    overlap = (low[ia] <= high[ib]) & (low[ib] <= high[ia])
    return pd.DataFrame({"from_value": a, "to_value": b, "weight": 0.5})[overlap]


def _implications(claims: pd.DataFrame, rows: np.ndarray, enc: Encoded, about_margin: float = ABOUT_MARGIN) -> pd.DataFrame:
    """Similar values of one item lend each other support (dates nested, figures overlapping
    with ``about_margin`` for "about", lists contained): from_value, to_value (value codes of
    ``enc``, the item rows encoded as :func:`reconcile.trust.model.encode` encodes them), weight.

    ``rows`` gives the claim (a position in ``claims``) of each item row.
    """
    # every claim of a value has the same normalized fields: the first one speaks for all
    first = rows[_first_rows(enc.value, enc.n_values)]
    vals = pd.DataFrame({c: claims[c].take(first).reset_index(drop=True) for c in _VALUE_COLUMNS})
    vals.insert(0, "value", enc.values["value"].to_numpy())
    a, b = _value_pairs(enc.value_item)
    kind = vals["value_type"].to_numpy()[a]
    dated = vals["date_start"].notna().to_numpy()
    out = []
    for name, select, make in (
        ("date", dated[a] & dated[b], _date_implications),
        ("entity_set", True, _set_implications),
        ("quantity", True, partial(_quantity_implications, about_margin=about_margin)),
    ):
        mask = (kind == name) & select
        if mask.any():
            out.append(make(vals, a[mask], b[mask]))
    if not out:
        return pd.DataFrame(columns=["from_value", "to_value", "weight"])
    return pd.concat(out, ignore_index=True)


def build_source_graph(claims: pd.DataFrame, sources: pd.DataFrame, about_margin: float = ABOUT_MARGIN) -> SourceGraph:
    """Trust, dependence and the agreement graph of the given claims and sources; figures
    stated as "about" are compatible within ``about_margin`` (the quantity rule's option).

    The items are encoded once (:func:`_item_rows`); both runs of the truth model, the
    pair statistics and the claim weights share that encoding and the value implications.
    The table of items (:attr:`SourceGraph.items`) is built only when read, unless a source
    or value is missing (then the steps read its strings).
    """
    declared = [
        (s, d) for s, d in zip(sources["source"], sources["derived_from"]) if isinstance(d, str) and d
    ]
    source_ids = sorted(sources["source"])
    if not len(claims):
        item_rows = _item_rows(claims)
        pairs = pair_statistics(pd.DataFrame(columns=["source", "item", "value"]), None, declared)
        groups = dependence_groups(source_ids, pairs)
        trust = pd.Series(0.0, index=source_ids)
        nodes = _nodes(_claims_per_source(claims, item_rows.encoded()), sources, trust, groups)
        items = item_rows.table(claims)
        return SourceGraph(partial(_graph, nodes, pairs), trust, groups, pairs, None, items, about_margin, nodes)
    block = GraphBlock(claims, about_margin)
    parts = graph_over_blocks(in_process(block), sources)
    truth = block.truth(parts.second, parts.rounds, parts.sources)
    nodes = _nodes(parts.claims_per_source, sources, parts.trust, parts.groups)
    # with the encoding no step reads the table of items: it is built when read
    items = partial(block.item_rows.table, claims) if block.table is None else block.table
    # the networkx graph (an edge per pair of sources sharing keys) is built when read
    return SourceGraph(partial(_graph, nodes, parts.pairs), parts.trust, parts.groups, parts.pairs, truth, items, about_margin, nodes)


def _claims_per_source(claims: pd.DataFrame, enc: Encoded | None) -> pd.Series:
    """The number of claims of each source (counted from the encoded claims when given)."""
    if enc is None:
        return claims.groupby("source").size()
    return pd.Series(np.bincount(enc.source, minlength=enc.n_sources), index=enc.sources)


def _nodes(per: pd.Series, sources: pd.DataFrame, trust: pd.Series, groups: pd.Series) -> list[tuple[str, dict]]:
    """A node per source, sorted, with its attributes (``per``: its number of claims)."""
    per, trust, groups = per.to_dict(), trust.to_dict(), groups.to_dict()  # looked up once per source
    return [
        (
            r.source,
            {
                "language": r.language or "",
                "publisher": r.publisher or "",
                "kind": r.kind or "",
                "published": r.published or "",
                "derived_from": r.derived_from if isinstance(r.derived_from, str) else "",
                "claims": int(per.get(r.source, 0)),
                "trust": round(float(trust.get(r.source, 0.0)), 6),
                "group": str(groups.get(r.source, r.source)),
            },
        )
        for r in sources.sort_values("source").itertuples(index=False)
    ]


def _graph(nodes: list[tuple[str, dict]], pairs: pd.DataFrame) -> nx.Graph:
    """The agreement graph: the ``nodes`` of :func:`_nodes`, an edge per pair of sources
    sharing claim keys."""
    g = nx.Graph(name="source agreement")
    for node, attributes in nodes:
        g.add_node(node, **attributes)
    if len(pairs):
        # the attributes of every edge at once: Python ints, floats rounded by Python's round, bools
        rounded = partial(round, ndigits=6)
        agreement = pairs["agreement"].astype(float)
        columns = {
            "shared": pairs["shared"].astype(np.int64).tolist(),
            "agree": pairs["agree"].astype(np.int64).tolist(),
            "disagree": pairs["disagree"].astype(np.int64).tolist(),
            "agreement": list(map(rounded, agreement.fillna(0.0).tolist())),
            "shared_errors": pairs["shared_errors"].astype(np.int64).tolist(),
            "dependence": list(map(rounded, pairs["score"].astype(float).tolist())),
            "declared": pairs["declared"].astype(bool).tolist(),
        }
        names = list(columns)
        g.add_edges_from(
            (a, b, dict(zip(names, values)))
            for a, b, *values in zip(pairs["source_a"], pairs["source_b"], *columns.values())
        )
    return g


#: Columns of :func:`source_table`.
SOURCE_TABLE_COLUMNS = [
    "source", "language", "publisher", "published", "claims", "agreements", "disagreements",
    "trust", "group", "depends_on", "url", "accessed", "archived_url",
]


def source_table(sg: SourceGraph, sources: pd.DataFrame) -> pd.DataFrame:
    """One row per source: language, publisher, date, claims, agreements, disagreements,
    trust, dependence group, the sources it depends on, and where its document came from
    (url, accessed, archived_url; None when not recorded).

    Agreements and disagreements are summed over the source's edges (the rows of
    ``sg.pairs`` it is in), in one pass over the pairs: the graph is not built for it.
    """
    links = {
        str(sid): {k: (v if isinstance(v, str) else None) for k, v in zip(("url", "accessed", "archived_url"), rest)}
        for sid, *rest in zip(
            sources["source"],
            *(sources[c] if c in sources else [None] * len(sources) for c in ("url", "accessed", "archived_url")),
        )
    }
    summed = None if sg.nodes is None else _sums_over_pairs(sg.nodes, sg.pairs, sg.groups)
    if summed is None:
        nodes, summed = _sums_over_edges(sg.graph, sg.groups)
    else:
        nodes = sg.nodes
    rows = []
    for (s, n), agreements, disagreements, dependent in zip(nodes, *summed):
        rows.append(
            {
                "source": s,
                "language": n["language"],
                "publisher": n["publisher"],
                "published": n["published"],
                "claims": n["claims"],
                "agreements": agreements,
                "disagreements": disagreements,
                "trust": n["trust"],
                "group": n["group"],
                "depends_on": dependent,
                **links.get(str(s), {"url": None, "accessed": None, "archived_url": None}),
            }
        )
    return pd.DataFrame(rows, columns=SOURCE_TABLE_COLUMNS)


def _sums_over_edges(g: nx.Graph, groups: pd.Series) -> tuple[list[tuple[str, dict]], tuple[list, list, list]]:
    """The sorted nodes of ``g`` with their attributes and, per node, the sums of ``agree``
    and ``disagree`` over its edges and its neighbours in its dependence group, sorted."""
    group = groups.to_dict()
    nodes, agreements, disagreements, dependents = [], [], [], []
    for s in sorted(g.nodes):
        neighbors = g.adj[s]
        own = group.get(s)
        nodes.append((s, g.nodes[s]))
        agreements.append(sum(e["agree"] for e in neighbors.values()))
        disagreements.append(sum(e["disagree"] for e in neighbors.values()))
        dependents.append(sorted(o for o in neighbors if group.get(o) == own and o != s))
    return nodes, (agreements, disagreements, dependents)


def _sums_over_pairs(
    nodes: list[tuple[str, dict]], pairs: pd.DataFrame, groups: pd.Series
) -> tuple[list, list, list] | None:
    """What :func:`_sums_over_edges` gives for the graph of ``nodes`` and ``pairs`` (an edge
    per row; a row whose sources are equal is a loop, counted once), from the pairs' columns
    (None when a pair names a source that is not a node, or names a pair twice: the graph
    then decides)."""
    names = np.array([s for s, _ in nodes], dtype=object)
    n = len(names)
    index = pd.Index(names)
    if not index.is_unique:
        return None
    if not len(pairs):
        return [0] * n, [0] * n, [[] for _ in range(n)]
    a = index.get_indexer(pairs["source_a"].to_numpy(dtype=object))
    b = index.get_indexer(pairs["source_b"].to_numpy(dtype=object))
    if (a < 0).any() or (b < 0).any() or len(sorted_unique(np.minimum(a, b) * n + np.maximum(a, b))) != len(a):
        return None
    other = a != b  # a loop is one edge of its source
    ends = np.concatenate([a, b[other]])

    def summed(column: str) -> list[int]:
        values = pairs[column].to_numpy(dtype=np.int64)
        weights = np.concatenate([values, values[other]]).astype(float)  # exact below 2**53
        return np.bincount(ends, weights=weights, minlength=n).astype(np.int64).tolist()

    # dependent neighbours: the other end of each pair within one group (compared as
    # Python compares the groups' values where a node has none)
    group = groups.to_dict()
    own = pd.Series([group.get(s) for s in names], dtype=object)
    code, _ = pd.factorize(own)
    same = other & (code[a] == code[b]) & (code[a] >= 0)
    unknown = np.flatnonzero(other & ((code[a] < 0) | (code[b] < 0)))
    same[unknown] = [own.iat[i] == own.iat[j] for i, j in zip(a[unknown], b[unknown])]
    u, v = np.concatenate([a[same], b[same]]), np.concatenate([b[same], a[same]])
    order = np.lexsort((v, u))  # by node, then neighbour: names sorted, as the node ids are
    u, v = u[order], v[order]
    dependents: list[list] = [[] for _ in range(n)]
    if len(u):
        starts = np.flatnonzero(np.r_[True, u[1:] != u[:-1]])
        for node, part in zip(u[starts].tolist(), np.split(names[v], starts[1:])):
            dependents[node] = part.tolist()
    return summed("agree"), summed("disagree"), dependents


def to_graphml(sg: SourceGraph) -> str:
    """The graph as GraphML text (node and edge attributes typed)."""
    return "\n".join(nx.generate_graphml(sg.graph, prettyprint=True)) + "\n"


def to_node_link(sg: SourceGraph) -> str:
    """The graph as node-link JSON (networkx's node_link_data), sorted and stable."""
    data = nx.node_link_data(sg.graph, edges="edges")
    data["nodes"] = sorted(data["nodes"], key=lambda n: n["id"])
    data["edges"] = sorted(data["edges"], key=lambda e: (e["source"], e["target"]))
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
