"""Suggestions for conflicts, and conflicts ranked worst first.

:func:`suggest` weighs the sides of each conflict on the source graph
(:func:`reconcile.trust.graph.build_source_graph`): a side's support is the set of sources
stating it (or a compatible value: an overlapping date or figure), counted by dependence
group, and weighted by trust. The best side is weighed against a side that contradicts it
(not one compatible with it) and named with its independent support, or the suggestion
says that the evidence does not decide. A suggestion is advice for an editor; nothing is
decided silently.

The conflicts' sides and claims are read from their tables as arrays
(:meth:`reconcile.detect.tables.ConflictTables.view`), with each cited claim's row in the
claims table. Python only formats one sentence per conflict and the names of the
supporting sources, which are joined with pyarrow's list kernels.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from reconcile.detect.tables import ConflictTables, SideView, claim_positions
from reconcile.trust.dependence import combine_codes, dense_ranks, pairs_within, ragged_ranges, sort_codes, sorted_unique, stable_order
from reconcile.trust.graph import SourceGraph
from reconcile.normalize.quantities import plausible_range

__all__ = ["rank_conflicts", "suggest"]


def _who_texts(owner: np.ndarray, src: np.ndarray, n_owners: int, names: np.ndarray, group_rank: np.ndarray) -> np.ndarray:
    """For each owner, its sources (``(owner, src)`` rows, unique) named by dependence group:
    ``"a, b + c (dependent, counted once)"``, groups in order of their names.

    The rows are ordered by owner, group and source with no sort when they come in that
    order already (rows by owner then source do when the groups sort like their sources)."""
    order = stable_order(combine_codes(owner, group_rank[src], src))
    owner, src = owner[order], src[order]
    grp = group_rank[src]
    new_part = np.ones(len(owner), dtype=bool)
    new_part[1:] = (owner[1:] != owner[:-1]) | (grp[1:] != grp[:-1])
    part_start = np.append(np.flatnonzero(new_part), len(owner))
    text = pa.large_string()
    members = pa.LargeListArray.from_arrays(pa.array(part_start, pa.int64()), pa.array(names, text).take(src))
    counted_once = pa.array(["", " (dependent, counted once)"], text).take((np.diff(part_start) > 1).astype(np.int8))
    parts = pc.binary_join_element_wise(pc.binary_join(members, pa.scalar(" + ", text)), counted_once, pa.scalar("", text))
    per_owner = np.bincount(owner[part_start[:-1]], minlength=n_owners)
    offsets = pa.array(np.append(0, np.cumsum(per_owner)), pa.int64())
    joined = pc.binary_join(pa.LargeListArray.from_arrays(offsets, parts), pa.scalar(", ", text))
    return joined.to_numpy(zero_copy_only=False)


#: Kinds of values whose compatibility :class:`_Ranges` knows (others: ``-1``).
_DATE, _FIGURE = 0, 1


@dataclass(frozen=True)
class _Ranges:
    """Per side: what its values allow, as one closed interval of a kind: for a date, the
    days its dated claims share (in seconds); for a figure, the values its figures' plausible
    ranges share (as the quantity-mismatch rule widens a figure:
    :func:`reconcile.normalize.quantities.plausible_range`). Kind ``-1``: neither (or both),
    nothing to compare."""

    kind: np.ndarray
    low: np.ndarray
    high: np.ndarray

    def compatible(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Whether sides ``a`` and ``b`` could both be right: values of one kind whose
        intervals overlap (dates that share a day, figures whose plausible ranges meet), as
        the date-mismatch and quantity-mismatch rules decide it."""
        kind = self.kind[a]
        return (kind >= 0) & (kind == self.kind[b]) & (self.low[a] <= self.high[b]) & (self.low[b] <= self.high[a])

    def without(self, sides: np.ndarray) -> _Ranges:
        """These ranges with ``sides`` (a boolean mask) compatible with no side."""
        return _Ranges(np.where(sides, -1, self.kind), self.low, self.high)


def _side_ranges(flat: SideView, rows: np.ndarray, claims: pd.DataFrame, about_margin: float) -> _Ranges:
    """The interval each side's dated claims, or figures, share (``rows``: each claim's
    position in ``claims``; ``about_margin``: the width of an "about" figure, as the
    quantity rule and the source graph take it)."""
    ref = np.flatnonzero(rows >= 0)
    at = rows[ref]
    value_type = claims["value_type"].to_numpy()[at]
    start = claims["date_start"].to_numpy("datetime64[s]")[at]
    dated = (value_type == "date") & ~np.isnat(start)
    figure = (value_type == "quantity") & claims["qty_amount"].notna().to_numpy()[at]
    typed = dated | figure
    low, high = np.zeros(len(at)), np.zeros(len(at))
    low[dated] = start[dated].astype("int64")
    high[dated] = claims["date_end"].to_numpy("datetime64[s]")[at[dated]].astype("int64")
    if figure.any():
        low[figure], high[figure] = (
            r.to_numpy(dtype=float)
            for r in plausible_range(claims[["qty_amount", "qty_approx", "tolerance"]].take(at[figure]), about_margin)
        )
    kind = np.where(dated, _DATE, _FIGURE)[typed]
    low, high = low[typed], high[typed]
    sides, first = np.unique(flat.claim_side[ref[typed]], return_index=True)  # refs are in side order
    n = flat.n_sides
    ranges = _Ranges(np.full(n, -1, dtype=np.int64), np.zeros(n), np.zeros(n))
    if len(kind):
        one_kind = np.minimum.reduceat(kind, first) == np.maximum.reduceat(kind, first)
        ranges.kind[sides] = np.where(one_kind, kind[first], -1)
        ranges.low[sides] = np.maximum.reduceat(low, first)
        ranges.high[sides] = np.minimum.reduceat(high, first)
    return ranges


@dataclass(frozen=True)
class _Rivalry:
    """Which sides of the conflicts could both be right, and which contradict another side."""

    ranges: _Ranges
    """The sides' intervals; in a conflict where no two sides contradict each other (a minor
    discrepancy between figures that could all be right), no side is compatible with another:
    there, the sides are weighed as stated."""
    compatible_from: np.ndarray
    compatible_to: np.ndarray
    """Every ordered pair ``(i, j)`` of sides of one conflict that could both be right."""
    has_rival: np.ndarray
    """Per side: whether another side of its conflict contradicts it."""


def _rivalry(flat: SideView, ranges: _Ranges, n_conflicts: int) -> _Rivalry:
    """:class:`_Rivalry` of the sides, from their intervals."""
    p, q = pairs_within(flat.conflict)
    ok = ranges.compatible(p, q)
    contested = np.zeros(n_conflicts, dtype=bool)
    contested[flat.conflict[p[~ok]]] = True
    uncontested = ~contested[flat.conflict]
    if uncontested.any():
        ranges = ranges.without(uncontested)
        ok &= ~uncontested[p]
    has_rival = np.zeros(flat.n_sides, dtype=bool)
    has_rival[p[~ok]] = has_rival[q[~ok]] = True
    p, q = p[ok], q[ok]
    return _Rivalry(ranges, np.concatenate([p, q]), np.concatenate([q, p]), has_rival)


@dataclass(frozen=True)
class _Support:
    """Each side's support: the sources stating it or a compatible side, counted by group."""

    side: np.ndarray
    """(side, source) rows, sorted by side then source: the side of each row."""
    src: np.ndarray
    """The source code of each row."""
    groups: np.ndarray
    """Each distinct (side, group) as ``side * n + group``, sorted (``n``: the number of sources)."""
    independent: np.ndarray
    """Per side: the number of dependence groups supporting it."""
    weight: np.ndarray
    """Per side: the sum over its groups of the group's best trust."""


def _one_side_each(flat: SideView, sources: _Sources, ranges: _Ranges) -> tuple[np.ndarray, np.ndarray]:
    """Which claim references count for their side, and per conflict the dependence groups
    that state sides contradicting each other (``conflict * n + group``, sorted).

    A dependence group that states sides of a conflict that contradict each other counts
    on the sides it states most often (a side's claims counted with those of the sides
    compatible with it), when these agree with one another, else on none: either way it
    contradicts itself, and the suggestion says so. Compatible sides it states (figures
    whose ranges overlap) all count."""
    n = sources.n
    ok = sources.of_claim >= 0
    side = flat.claim_side
    group = np.zeros(len(side), dtype=np.int64)
    group[ok] = sources.group[sources.of_claim[ok]]  # (no source known at all: nothing to look up)
    key, slot = dense_ranks(side[ok] * n + group[ok])  # (side, group), with its claim count
    count = np.bincount(slot, minlength=len(key))
    k_side, k_group = key // n, key % n
    owner = flat.conflict[k_side] * n + k_group  # (conflict, group) of each (side, group)
    owners, o_slot = dense_ranks(owner)
    n_sides = np.bincount(o_slot, minlength=len(owners))
    torn = n_sides > 1
    counts_here = np.ones(len(key), dtype=bool)
    for o in np.flatnonzero(torn).tolist():  # the few groups stating several sides
        mine = np.flatnonzero(o_slot == o)
        its = k_side[mine]
        compatible = ranges.compatible(np.repeat(its, len(its)), np.tile(its, len(its))).reshape(len(its), len(its))
        compatible |= np.eye(len(its), dtype=bool)
        if compatible.all():
            torn[o] = False
            continue
        # the sides it states most, counting the claims of the sides compatible with each
        score = compatible.astype(np.int64) @ count[mine]
        top = score == score.max()
        agree = compatible[np.ix_(top, top)].all()
        counts_here[mine] = top & agree
    keep = np.zeros(len(side), dtype=bool)
    keep[np.flatnonzero(ok)] = counts_here[slot]
    return keep, owners[torn]


def _support(flat: SideView, sources: _Sources, rivalry: _Rivalry, counted: np.ndarray | None = None) -> _Support:
    """Sources, group count and trust-weighted support of every side (see :func:`suggest`);
    ``counted``: which claim references count (default: all)."""
    n = sources.n
    ok = sources.of_claim >= 0 if counted is None else counted & (sources.of_claim >= 0)
    own = sorted_unique(flat.claim_side[ok] * n + sources.of_claim[ok])
    own_side, own_src = own // n, own % n
    # a compatible side (an overlapping date or figure) lends its sources
    i, j = rivalry.compatible_from, rivalry.compatible_to
    starts = np.searchsorted(own_side, np.arange(flat.n_sides))
    counts = np.bincount(own_side, minlength=flat.n_sides)
    lent = np.repeat(i, counts[j]) * n + own_src[ragged_ranges(starts[j], counts[j])]
    rows = sorted_unique(np.concatenate([own, lent]))
    side, src = rows // n, rows % n
    keys, slot = dense_ranks(side * n + sources.group[src])
    best = np.zeros(len(keys))
    np.maximum.at(best, slot, sources.trust[src])  # a group counts with its most trusted source
    return _Support(
        side=side,
        src=src,
        groups=keys,
        independent=np.bincount(keys // n, minlength=flat.n_sides),
        weight=np.bincount(keys // n, weights=best, minlength=flat.n_sides),
    )


def _ranked(flat: SideView, support: _Support) -> np.ndarray:
    """Sides in conflict order, each conflict's best supported first: most groups, then most
    trust, then by the value's JSON text."""
    n, w = support.independent, support.weight
    order = np.lexsort((-w, -n, flat.conflict))
    c, ns, ws = flat.conflict[order], n[order], w[order]
    same = (c[1:] == c[:-1]) & (ns[1:] == ns[:-1]) & (ws[1:] == ws[:-1])
    tied = np.zeros(len(order), dtype=bool)
    tied[1:] |= same
    tied[:-1] |= same
    text = np.zeros(flat.n_sides, dtype=np.int64)
    if tied.any():
        encode_value = json.JSONEncoder(ensure_ascii=False).encode
        tied_sides = order[tied]
        text[tied_sides] = sort_codes(np.array([encode_value(flat.values[k]) for k in tied_sides], dtype=object))[0]
    return np.lexsort((text, -w, -n, flat.conflict))


def _best_and_second(flat: SideView, ranked: np.ndarray, rivalry: _Rivalry) -> tuple[np.ndarray, np.ndarray]:
    """Per conflict: its best side that another side contradicts, and the best of the sides
    that contradict it (the rival it is weighed against).

    A side compatible with every other (a coarser date containing them all, a figure within
    the range of each) takes no part in the contradiction: it lends its sources to the sides
    it is compatible with but is not the best side itself. A conflict of one side weighs it
    against itself."""
    conflict = flat.conflict[ranked]
    first = _firsts(conflict)
    best = _first_of_each(ranked, conflict, rivalry.has_rival[ranked], ranked[first])
    against = best[conflict]
    rival = (ranked != against) & ~rivalry.ranges.compatible(against, ranked)
    return best, _first_of_each(ranked, conflict, rival, best)


def _firsts(conflict: np.ndarray) -> np.ndarray:
    """The position of the first entry of each run of equal values of ``conflict``."""
    return np.flatnonzero(np.append(True, conflict[1:] != conflict[:-1])) if len(conflict) else np.zeros(0, dtype=np.int64)


def _first_of_each(ranked: np.ndarray, conflict: np.ndarray, mask: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Per conflict: the first of its ``ranked`` sides where ``mask`` holds (``conflict``:
    each ranked side's conflict, sorted), else its entry of ``fallback``."""
    hit = np.flatnonzero(mask)
    out = fallback.copy()
    starts = _firsts(conflict[hit])
    out[conflict[hit[starts]]] = ranked[hit[starts]]
    return out


def _same_groups(support: _Support, flat: SideView, a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    """Per conflict: whether sides ``a[c]`` and ``b[c]`` are supported by the same dependence groups."""
    side_of_key = support.groups // n
    role = np.full(flat.n_sides, -1)
    role[a], role[b] = 0, 1
    conflict_key = flat.conflict[side_of_key] * n + support.groups % n
    keys_a, keys_b = conflict_key[role[side_of_key] == 0], conflict_key[role[side_of_key] == 1]
    n_conflicts = len(a)
    common = np.bincount(np.intersect1d(keys_a, keys_b, assume_unique=True) // n, minlength=n_conflicts)
    count_a = np.bincount(keys_a // n, minlength=n_conflicts)
    count_b = np.bincount(keys_b // n, minlength=n_conflicts)
    return (count_a == count_b) & (common == count_a)


def _verdicts(
    n1: list[int], w1: list[float], n2: list[int], w2: list[float], internal: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per conflict, from its best side's and its rival's independent sources (``n1``,
    ``n2``) and trust-weighted support (``w1``, ``w2``): whether the best side is *better*
    supported (more independent sources), and whether the evidence is *leaning* to it (as
    many sources, but at least 1.5 times the trust). Neither for a conflict within one
    dependence group (``internal``): then the evidence does not decide."""
    a, b, wa, wb = np.asarray(n1), np.asarray(n2), np.asarray(w1, dtype=float), np.asarray(w2, dtype=float)
    better = (a > b) & ~internal
    leaning = ~better & (a == b) & (wb > 0) & (wa >= 1.5 * wb) & ~internal
    return better, leaning


def _sentences(
    label: list[Any],
    n1: list[int],
    w1: list[float],
    who1: list[str],
    n2: list[int],
    w2: list[float],
    who2: list[str],
    internal: np.ndarray,
    everyone: list[str],
    one_group: np.ndarray,
) -> list[str]:
    """The suggestion for each conflict from its best side (label, independent sources,
    trust-weighted support, who) and its rival (one entry per conflict in each argument);
    ``everyone`` names the sources of both sides, and ``one_group`` says whether they are
    all one dependence group. The conflicts that get one kind of sentence are written together.
    """
    better, leaning = _verdicts(n1, w1, n2, w2, internal)
    undecided = ~better & ~leaning
    out = [""] * len(better)
    for i in np.flatnonzero(better).tolist():
        out[i] = (
            f"Better supported: {label[i]} — {n1[i]} independent source{'s' if n1[i] != 1 else ''} "
            f"({who1[i]}) against {f'{n2[i]} ({who2[i]})' if n2[i] else 'none'}; "
            f"trust-weighted support {w1[i]:.2f} against {w2[i]:.2f}."
        )
    for i in np.flatnonzero(leaning).tolist():
        out[i] = (
            f"Leaning to {label[i]}: as many independent sources on each side ({n1[i]}), but more trusted ones "
            f"({who1[i]}: {w1[i]:.2f} against {who2[i]}: {w2[i]:.2f})."
        )
    for i in np.flatnonzero(undecided & internal & one_group).tolist():
        out[i] = (
            f"The evidence does not decide: the conflict is within {everyone[i]}, "
            "and no independent source speaks to it."
        )
    for i in np.flatnonzero(undecided & internal & ~one_group).tolist():
        out[i] = f"The evidence does not decide: the same sources ({everyone[i]}) stand on both sides."
    for i in np.flatnonzero(undecided & ~internal).tolist():
        out[i] = (
            f"The evidence does not decide: {n1[i]} independent source{'s' if n1[i] != 1 else ''} on each side "
            f"({who1[i]} against {who2[i]}), with similar trust ({w1[i]:.2f} against {w2[i]:.2f})."
        )
    return out


@dataclass(frozen=True)
class _Sources:
    """The sources that the sides' claims come from, as codes, with their groups and trust."""

    of_claim: np.ndarray
    """Per claim reference: the source's code (-1: unknown claim, or no source)."""
    names: np.ndarray
    """Per code, sorted: the source id."""
    group: np.ndarray
    """Per code: the rank of its dependence group's name."""
    trust: np.ndarray
    """Per code: its trust."""

    @property
    def n(self) -> int:
        """A bound of the codes of sources and of groups (at least 1)."""
        return max(len(self.names), 1)


def _claim_sources(claims: pd.DataFrame, rows: np.ndarray, sg: SourceGraph) -> _Sources:
    """The source of each claim reference (``rows``: positions in ``claims``, -1 unknown)."""
    known = rows >= 0
    codes, names = pd.factorize(claims["source"].to_numpy()[rows[known]], sort=True)
    names = np.asarray(names, dtype=object)
    of_claim = np.full(len(rows), -1, dtype=np.int64)
    of_claim[known] = codes
    groups_of, trust_of = sg.groups.to_dict(), sg.trust.to_dict()
    group, _ = pd.factorize(np.array([str(groups_of.get(s, s)) for s in names], dtype=object), sort=True)
    trust = np.array([float(trust_of.get(s, 0.0)) for s in names])
    return _Sources(of_claim, names, group, trust)


def suggest(tables: ConflictTables, claims: pd.DataFrame, sg: SourceGraph) -> pd.Series:
    """A suggestion sentence per conflict (aligned with ``tables.conflicts``).

    A side's support is the set of sources stating it or a compatible side (dates that
    share a day, figures whose plausible ranges overlap, as the date-mismatch and
    quantity-mismatch rules decide), counted once per dependence group with the group's
    best trust. The sides are ranked by groups, then trust, then value; the best side that
    another side contradicts is weighed against the best of the sides that contradict it,
    and whether the same sources stand on both sides is asked of these two. (In a conflict
    where no two sides contradict each other, a minor discrepancy, no side lends its
    sources to another, and the best side is weighed against the next one.)
    """
    conflicts = tables.conflicts
    if conflicts.empty:
        return pd.Series([], index=conflicts.index, dtype=object)
    flat = tables.view()
    return _suggestions_and_sides(conflicts, flat, claim_positions(claims, flat.claim_ids), claims, sg)[0]


def _suggestions_and_sides(
    conflicts: pd.DataFrame, flat: SideView, rows: np.ndarray, claims: pd.DataFrame, sg: SourceGraph
) -> tuple[pd.Series, pd.Series]:
    """:func:`_suggestions`, and per conflict the side its suggestion names: the index of
    that side in the conflict's ``sides`` (0 for the first), or ``None`` when the evidence
    does not decide (the suggestion then favours no side)."""
    src = _claim_sources(claims, rows, sg)
    n_sources = src.n
    rivalry = _rivalry(flat, _side_ranges(flat, rows, claims, sg.about_margin), len(conflicts))
    counted, torn = _one_side_each(flat, src, rivalry.ranges)
    support = _support(flat, src, rivalry, counted)
    full = _support(flat, src, rivalry)  # every source on every side it states
    # the best side and its rival contradict each other: who stands on both is asked of them
    best, second = _best_and_second(flat, _ranked(flat, support), rivalry)
    internal = conflicts["internal"].to_numpy(dtype=bool) | _same_groups(full, flat, best, second, n_sources)
    # who supports the two sides weighed, and everyone on them (for a conflict left undecided)
    weighed = np.zeros(flat.n_sides, dtype=bool)
    weighed[best] = weighed[second] = True
    chosen = weighed[support.side]
    who = _who_texts(support.side[chosen], support.src[chosen], flat.n_sides, src.names, src.group)
    in_full = weighed[full.side]
    both = sorted_unique(flat.conflict[full.side[in_full]] * n_sources + full.src[in_full])
    conflict_of, source_of = both // n_sources, both % n_sources
    everyone = _who_texts(conflict_of, source_of, len(best), src.names, src.group)
    groups_of_everyone = sorted_unique(conflict_of * n_sources + src.group[source_of]) // n_sources
    one_group = np.bincount(groups_of_everyone, minlength=len(best)) == 1
    n, w = support.independent, support.weight
    better, leaning = _verdicts(n[best].tolist(), w[best].tolist(), n[second].tolist(), w[second].tolist(), internal)
    first_side = np.searchsorted(flat.conflict, np.arange(len(best)))
    suggested = pd.Series(
        [int(k) if ok else None for k, ok in zip((best - first_side).tolist(), (better | leaning).tolist())],
        index=conflicts.index,
        dtype=object,
    )
    out = _sentences(
        [flat.labels[b] for b in best.tolist()],
        n[best].tolist(),
        w[best].tolist(),
        who[best].tolist(),
        n[second].tolist(),
        w[second].tolist(),
        who[second].tolist(),
        internal,
        everyone.tolist(),
        one_group,
    )
    # who states sides that contradict each other is named (and counted once at most)
    if len(torn) and not internal.all():
        ok = src.of_claim >= 0
        ref_conflict = flat.conflict[flat.claim_side[ok]]
        ref_key = ref_conflict * n_sources + src.group[src.of_claim[ok]]
        hit = np.isin(ref_key, torn)
        names: dict[int, set[str]] = {}
        for c, code in zip(ref_conflict[hit].tolist(), src.of_claim[ok][hit].tolist()):
            names.setdefault(c, set()).add(str(src.names[code]))
        for c, who_torn in names.items():
            if not internal[c]:
                one = len(who_torn) == 1
                out[c] += (
                    f" {', '.join(sorted(who_torn))} "
                    + ("contradicts itself (it states more than one side) and counts once at most." if one else
                       "contradict themselves (each states more than one side) and count once at most.")
                )
    return pd.Series(out, index=conflicts.index, dtype=object), suggested


def _independent(sources: pd.Series, groups: pd.Series) -> np.ndarray:
    """Per conflict: the number of dependence groups among its sources."""
    lists = sources.tolist()
    per_conflict = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    names, uniques = pd.factorize(np.fromiter(chain.from_iterable(lists), dtype=object, count=int(per_conflict.sum())))
    group_of = pd.Series(uniques, dtype=object)
    group, labels = pd.factorize(group_of.map(groups).fillna(group_of).to_numpy(dtype=object))
    conflict = np.repeat(np.arange(len(lists)), per_conflict)
    distinct = sorted_unique(conflict * (len(labels) + 1) + group[names])
    return np.bincount(distinct // (len(labels) + 1), minlength=len(lists))


def rank_conflicts(
    tables: ConflictTables, claims: pd.DataFrame, sg: SourceGraph, claim_index: pd.Index | None = None
) -> ConflictTables:
    """The conflicts with ``suggestion``, ``suggested_side`` (the position of the side the
    suggestion names, None when the evidence does not decide) and ``independent`` (the
    number of dependence groups involved), sorted worst first: severity, then the most
    contested (most independent sources) first; the tables renumbered in that order.
    ``claim_index``: the claims' ids as an Index, row for row (see :func:`claim_positions`)."""
    if tables.conflicts.empty:
        empty = tables.conflicts.assign(
            suggestion=pd.Series(dtype=object), suggested_side=pd.Series(dtype=object), independent=pd.Series(dtype="int64")
        )
        return ConflictTables(empty, tables.sides, tables.side_claims)
    ranked = tables.in_order(_worst_first(tables.conflicts, sg))
    out = ranked.conflicts
    flat = ranked.view()
    rows = claim_positions(claims, flat.claim_ids, claim_index)
    out["suggestion"], out["suggested_side"] = _suggestions_and_sides(out, flat, rows, claims, sg)
    return ranked


def _worst_first(conflicts: pd.DataFrame, sg: SourceGraph) -> pd.DataFrame:
    """The conflicts with ``independent`` (and an empty ``suggestion`` column before it, to
    fill), sorted worst first: severity, then most independent sources, then subject,
    property, scope, rule and fingerprint (the suggestions do not enter the order)."""
    from reconcile.detect.engine import SEVERITY_RANK

    out = conflicts.copy()
    out["suggestion"] = pd.Series(None, index=out.index, dtype=object)
    out["suggested_side"] = pd.Series(None, index=out.index, dtype=object)
    out["independent"] = _independent(out["sources"], sg.groups)
    out["_rank"] = out["severity"].map(SEVERITY_RANK)
    out = out.sort_values(
        ["_rank", "independent", "subject", "property", "scope", "rule", "fingerprint"],
        ascending=[True, False, True, True, True, True, True],
        kind="stable",
        na_position="first",
    ).drop(columns="_rank")
    return out.reset_index(drop=True)
