"""Group operations shared by the rules: claim keys with time scopes, and conflict sides.

Rules select the claims of their properties with :func:`scoped`, which adds a ``_group``
column (one per claim key: subject, property and overlapping time scope) and a ``scope``
label per group; they find the groups that disagree with :func:`disagreeing` and other
vectorized group-bys, and describe the distinct values of those groups with
:func:`collect_sides` (a :class:`Sides`: one row per side with its label, sources and
supporting claims, and the sources of each group), from which :func:`join_by_group`
builds the explanations and :func:`conflict_rows` the rule's conflict tables
(:mod:`reconcile.detect.tables`), taking the sides and their claims as columns.

Everything here works on integer codes and sorted arrays (factorize, lexsort, cumulative
sums, ``reduceat``), so the cost grows with the number of claims, not with per-group Python
calls; Python touches only the sides of groups in conflict, once each, to build their
output. Rules copy only the columns they read (``scoped(..., columns=...)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from reconcile.detect.engine import order_within_runs
from reconcile.detect.tables import ConflictTables, conflict_tables, rule_tables
from reconcile.base.frames import as_text, join_runs
from reconcile.detect.rulekit import RuleContext
from reconcile.detect.scope import assign_scope_groups, scope_bounds, scope_interval, scope_label

__all__ = [
    "scoped",
    "disagreeing",
    "sides_by_value",
    "sides_from_table",
    "join_by_group",
    "side_value",
    "conflict_rows",
    "as_text",
    "distinct",
    "Sides",
    "collect_sides",
    "in_sorted",
]

KEY = ["subject", "property"]
#: Columns :func:`scope_interval` reads.
SCOPE_COLUMNS = ["time_dependent", "valid_from_start", "valid_from_end", "valid_to_end", "as_of_start", "as_of_end"]
#: Columns :func:`collect_sides` reads besides the value and label.
SIDE_COLUMNS = ["claim_id", "source", "value_type", "value_ids"]


def scoped(
    claims: pd.DataFrame,
    properties: list[str],
    columns: Sequence[str] | None = None,
    ctx: RuleContext | None = None,
) -> pd.DataFrame:
    """Claims of ``properties`` with ``_group`` (claim key + overlapping scope) and ``scope``.

    ``columns`` limits the copy to the columns a rule reads (the key and scope columns are
    always kept); by default every column is kept. With the rule's ``ctx``, the claims'
    properties are encoded once per run for all rules (see
    :meth:`~reconcile.detect.rulekit.RuleContext.property_positions`).
    """
    n_wanted = np.int64(len(set(properties)))
    if ctx is None:
        property_code = pd.Index(sorted(set(properties)), dtype=object).get_indexer(claims["property"])
    else:
        property_code = ctx.property_positions(claims, properties)  # in property order; -1: not wanted
    mask = property_code >= 0
    if columns is None:
        sel = claims[mask]
    else:
        sel = claims.loc[mask, list(dict.fromkeys([*KEY, *SCOPE_COLUMNS, *columns]))]
    if sel.empty:
        sel = sel.copy()
        sel["_group"] = pd.Series(dtype="int64")
        sel["scope"] = pd.Series(dtype=object)
        return sel
    subject_code, subjects = pd.factorize(sel["subject"], sort=True)
    key = np.where(subject_code < 0, len(subjects), subject_code) * n_wanted + property_code[mask]
    start, end = scope_interval(sel, key)
    group = assign_scope_groups(sel, start, end, KEY, key=key)
    labels = scope_label(*scope_bounds(group.to_numpy(), start, end))
    sel = sel.assign(_scope_start=start, _scope_end=end, _group=group)
    # Groups are numbered 0..n-1, so a group's label is found by position (text, or None
    # when no group has a scope: the column's type is inferred as ``Series.map`` would).
    sel["scope"] = pd.Series(labels.to_numpy()[group.to_numpy()], index=sel.index)
    return sel


def disagreeing(frame: pd.DataFrame, value: str = "value", among: np.ndarray | None = None) -> np.ndarray:
    """Which rows of ``frame`` (of those ``among``, default all) are in a ``_group`` whose
    rows ``among`` hold more than one distinct ``value`` (a boolean mask).

    Missing values do not count as a value (as with ``nunique``). Each value is compared
    with the first value of its group: no hashing of values.
    """
    values = frame[value].to_numpy()
    among = pd.notna(values) if among is None else among & pd.notna(values)
    if not among.any():
        return among
    group = frame["_group"].to_numpy()
    rows = np.flatnonzero(among)
    first = np.full(group.max() + 1, len(values))
    np.minimum.at(first, group[rows], rows)
    differs = np.zeros(group.max() + 1, dtype=bool)
    differs[group[rows[values[rows] != values[first[group[rows]]]]]] = True
    return among & differs[group]


def distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values of an integer array, sorted (``np.unique``).

    Values within a span not much wider than the array (keys of a code and a few hundred
    sources, the common case) are found by marking which occur, without sorting.
    """
    if len(values) == 0:
        return np.sort(values)
    low = values.min()
    span = int(values.max()) - int(low) + 1
    if span <= 8 * len(values) + 1024:
        present = np.zeros(span, dtype=bool)
        present[values - low] = True
        return (np.flatnonzero(present) + low).astype(values.dtype, copy=False)
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]]


def in_sorted(values: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """Which ``values`` are among ``sorted_keys`` (sorted integers): ``np.isin`` by binary
    search, for keys already sorted (e.g. by :func:`distinct`)."""
    if len(sorted_keys) == 0:
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, values), len(sorted_keys) - 1)
    return sorted_keys[at] == values


def _segments(keys: np.ndarray) -> np.ndarray:
    """Start positions of the runs of equal ``keys`` (a sorted array)."""
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])


def _first(values: pd.Series, order: np.ndarray, side: np.ndarray, first_rows: np.ndarray) -> np.ndarray:
    """First non-missing value of each side, in the frame's order (as ``groupby.first``).

    ``order`` holds the positions of the sides' claims (side ``side``), ``first_rows`` the
    first position of each side.
    """
    array = values.to_numpy()
    first = array[first_rows]
    missing = pd.isna(first)
    if not missing.any():
        return first
    if values.dtype == object:  # numpy object column (not a text or other extension type)
        # Only the sides whose first claim has no value are looked at again: their first
        # claim (in frame order) with one; a side with none gets None (as ``first`` would).
        pick = missing[side]
        rows, owner = order[pick], side[pick]
        valued = pd.notna(array[rows])
        best = np.full(len(first), len(array), dtype=np.int64)
        np.minimum.at(best, owner[valued], rows[valued])
        found = best < len(array)
        first[found] = array[best[found]]
        first[missing & ~found] = None
        return first
    by_row = np.lexsort((order, side))
    return values.iloc[order[by_row]].groupby(side[by_row], sort=False).first().to_numpy()


def _column(values: Any) -> Any:
    """``values`` as a column: text stays in an object column (Python ``str``, not Arrow)."""
    if isinstance(values, np.ndarray) and values.dtype.kind in "biufcmM":
        return values
    return pd.Series(np.asarray(values, dtype=object) if isinstance(values, pd.Index) else values, dtype=object)


def _sliced(parts: list[Any], starts: np.ndarray, ends: np.ndarray) -> list[list[Any]]:
    """Each slice ``parts[start:end]``, as a list."""
    return [parts[a:b] for a, b in zip(starts.tolist(), ends.tolist())]


@dataclass
class Sides:
    """The sides of the groups of a claims frame: one per distinct value of each group."""

    table: pd.DataFrame
    """One row per ``(_group, value)``, sorted by group then value (see :func:`collect_sides`)."""
    sources: pd.Series
    """Per ``_group``: the distinct sources of its claims with a value, sorted (a list)."""
    claim_side: np.ndarray | None = None
    """Per supporting claim, side after side: the row of its side in ``table`` (None for a
    table made by hand: then each side's ``claims`` list is read)."""
    claim_ids: np.ndarray | None = None
    """Per supporting claim: its id (an object array, aligned with ``claim_side``)."""
    claim_sources: np.ndarray | None = None
    """Per supporting claim: its source (aligned with ``claim_side``)."""

    @property
    def groups(self) -> np.ndarray:
        """The groups that have sides, sorted."""
        return self.sources.index.to_numpy()

    def lists(self) -> pd.Series:
        """Per ``_group``: its sides as ``{"value", "label", "claims"}`` dicts (a list)."""
        return sides_from_table(self.table)


def collect_sides(
    frame: pd.DataFrame,
    *,
    rows: np.ndarray | None = None,
    value: str = "value",
    label: str = "value_label",
    first: Sequence[str] = ("value_type", "value_ids"),
    any_of: Sequence[str] = (),
) -> Sides:
    """The sides of each ``_group`` of ``frame`` (of its ``rows``, a boolean mask, if given).

    Claims with a missing value are left out. The table has, per side: ``_group``,
    ``value``, ``label`` (the first label given), the first value of each column of
    ``first``, ``first_row`` (the position in ``frame`` of its first claim), whether any
    claim is true in each column of ``any_of``, ``claims`` (the sorted ids of the
    supporting claims), ``sources`` (the distinct sources stating the value, sorted,
    joined with ", ") and ``n_sources``.
    """
    positions = np.arange(len(frame)) if rows is None else np.flatnonzero(rows)
    codes, uniques = pd.factorize(frame[value].to_numpy()[positions])
    positions, codes = positions[codes >= 0], codes[codes >= 0]
    # Read the claims in their order, then sort positions and codes by group, value, claim id.
    claim_ids = frame["claim_id"].to_numpy(dtype=object)[positions]
    source_codes, names = pd.factorize(frame["source"].to_numpy(dtype=object)[positions], sort=True)
    group = frame["_group"].to_numpy()[positions].astype(np.int64)
    by, starts, _ = _side_order(group, codes, uniques, claim_ids)
    order, codes, group, source_codes = positions[by], codes[by], group[by], source_codes[by]
    ends = np.r_[starts[1:], len(order)].astype(np.int64)
    side = np.repeat(np.arange(len(starts)), ends - starts)
    first_rows = np.minimum.reduceat(order, starts) if len(order) else order
    table = pd.DataFrame(
        {
            "_group": group[starts],
            value: _column(uniques.take(codes[starts])),
            "label": _column(_first(frame[label], order, side, first_rows)),
        }
    )
    for column in first:
        table[column] = _column(_first(frame[column], order, side, first_rows))
    table["first_row"] = first_rows
    for column in any_of:
        truth = frame[column].fillna(False).astype(bool).to_numpy()[order]
        table[column] = np.bincount(side, weights=truth, minlength=len(starts)) > 0
    table["claims"] = _column(_sliced(claim_ids[by].tolist(), starts, ends))
    texts, table["n_sources"] = _side_sources(source_codes, names, side, len(starts))
    table["sources"] = _column(texts)
    return Sides(table, _group_sources(source_codes, names, group), side, claim_ids[by], np.asarray(names, dtype=object)[source_codes])


def _side_order(
    group: np.ndarray, codes: np.ndarray, uniques: np.ndarray, claim_ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray, bool]:
    """The permutation sorting claims by group, value (``uniques[codes]``, in sorted order)
    and claim id; the position in it of each side's first claim; and whether the claim ids
    are distinct.

    Claims are sorted by group and value code, then each group's sides are put in the order
    of their values (:func:`~reconcile.detect.engine.order_within_runs`): the values are
    compared within their group only.
    """
    key = group * np.int64(len(uniques) + 1) + codes
    if _increasing(claim_ids):  # the common case: claims in the order of their ids
        by, distinct_ids = np.argsort(key, kind="stable"), True
    else:
        by_id = np.argsort(claim_ids, kind="stable")
        by = np.lexsort((np.argsort(by_id, kind="stable"), key))
        distinct_ids = bool((claim_ids[by_id][1:] != claim_ids[by_id][:-1]).all())
    starts = _segments(key[by])
    side_group = group[by[starts]]
    per_group = np.diff(np.r_[_segments(side_group), len(starts)])
    by_value = order_within_runs(per_group, uniques[codes[by[starts]]])
    if (by_value == np.arange(len(starts))).all():
        return by, starts, distinct_ids
    lengths = np.diff(np.r_[starts, len(by)])[by_value]
    new_starts = np.cumsum(lengths) - lengths
    return by[np.repeat(starts[by_value] - new_starts, lengths) + np.arange(len(by))], new_starts, distinct_ids


def _increasing(values: np.ndarray) -> bool:
    """Whether ``values`` (an object array) are strictly increasing (in order, without
    repeats): one elementwise comparison; values that do not compare are not in order."""
    try:
        return bool((values[:-1] < values[1:]).all())
    except TypeError:
        return False


def _side_sources(codes: np.ndarray, names: np.ndarray, side: np.ndarray, n_sides: int) -> tuple[list[str], np.ndarray]:
    """Per side: its distinct sources sorted and joined with ", ", and how many there are."""
    width = np.int64(len(names) + 1)
    pairs = distinct(side.astype(np.int64) * width + codes)
    counts = np.bincount(pairs // width, minlength=n_sides)
    ends = np.cumsum(counts)
    return join_runs(as_text(names)[pairs % width].tolist(), ends - counts, ends, ", "), counts


def _group_sources(codes: np.ndarray, names: np.ndarray, group: np.ndarray) -> pd.Series:
    """Per group: its distinct sources, sorted (a list)."""
    width = np.int64(len(names) + 1)
    pairs = distinct(group.astype(np.int64) * width + codes)
    pair_group = pairs // width
    starts = _segments(pair_group)
    ends = np.r_[starts[1:], len(pairs)].astype(np.int64)
    return pd.Series(
        _sliced(np.asarray(names, dtype=object)[pairs % width].tolist(), starts, ends),
        index=pd.Index(pair_group[starts], name="_group"),
        dtype=object,
    )


def side_value(row_value: str, value_type: str, value_ids: Any) -> Any:
    """The JSON value of a side: a list of ids for sets, else the canonical text."""
    if value_type == "entity_set" and isinstance(value_ids, tuple):
        return list(value_ids)
    return row_value


def sides_from_table(table: pd.DataFrame, json_values: Iterable[Any] | None = None) -> pd.Series:
    """The sides of each ``_group`` of a :attr:`Sides.table`: lists of
    ``{"value", "label", "claims"}`` (``json_values`` default to :func:`side_value`)."""
    if json_values is None:
        json_values = _json_values(table)
    sides = [
        {"value": v, "label": lbl, "claims": c}
        for v, lbl, c in zip(json_values, as_text(table["label"]).tolist(), table["claims"])
    ]
    group = table["_group"].to_numpy()
    starts = _segments(group)
    ends = np.r_[starts[1:], len(group)].astype(np.int64)
    return pd.Series(
        _sliced(sides, starts, ends), index=pd.Index(group[starts], name="_group"), name="side", dtype=object
    )


def _json_values(table: pd.DataFrame) -> list[Any]:
    """:func:`side_value` of each side of a table (sets only where the type says so)."""
    values = table["value"].to_numpy(dtype=object).copy()
    sets = np.flatnonzero(table["value_type"].to_numpy(dtype=object) == "entity_set")
    ids = table["value_ids"].to_numpy(dtype=object)[sets]
    listed = [list(i) if isinstance(i, tuple) else v for i, v in zip(ids.tolist(), values[sets].tolist())]
    values[sets] = _column(listed).to_numpy()
    return values.tolist()


def sides_by_value(
    frame: pd.DataFrame,
    *,
    value: str = "value",
    label: str = "value_label",
    make_value: Callable[[pd.DataFrame], Any] | None = None,
) -> pd.Series:
    """For each ``_group``: a list of sides, one per distinct ``value``.

    Each side is ``{"value", "label", "claims"}`` with the claim ids that support it.
    ``make_value`` turns the per-side table (columns ``value``, ``label``, ``value_type``,
    ``value_ids``) into the JSON values of the sides.
    """
    table = collect_sides(frame, value=value, label=label).table
    if make_value is not None:
        return sides_from_table(table, list(make_value(table)))
    return sides_from_table(table)


def join_by_group(group: Sequence[Any], texts: Sequence[str], sep: str) -> pd.Series:
    """``sep.join`` of the ``texts`` of each run of equal ``group`` ids (ordered by group)."""
    group = np.asarray(group)
    starts = _segments(group)
    ends = np.r_[starts[1:], len(group)].astype(np.int64)
    return pd.Series(
        join_runs(list(texts), starts, ends, sep), index=pd.Index(group[starts], name="_group"), dtype=object
    )


def conflict_rows(
    sel: pd.DataFrame,
    *,
    kind: Any,
    severity: Any,
    explanation: pd.Series,
    sides: Sides | pd.Series,
    groups: Iterable[int] | None = None,
) -> ConflictTables:
    """One conflict per ``_group`` of ``sel`` (subject, property and scope from the group),
    as a rule's conflict tables (:func:`reconcile.detect.tables.rule_tables`).

    ``groups`` limits the conflicts to those groups. ``sides`` are best the :class:`Sides`
    of :func:`collect_sides` (of whole groups), whose sides and claims are taken as columns;
    they may also be, per group, a list of ``{"value", "label", "claims"}`` dicts (e.g.
    :func:`sides_from_table` with values of one's own). ``kind``, ``severity`` and
    ``explanation`` are one value for all, or a value per group (indexed by group).
    """
    meta = _group_meta(sel, groups)
    conflicts = meta.assign(kind=kind, severity=severity, explanation=explanation)
    if not isinstance(sides, Sides):
        return conflict_tables(conflicts.assign(sides=sides.reindex(meta.index)).reset_index(drop=True))
    group_ids = meta.index.to_numpy()
    table = sides.table
    group = table["_group"].to_numpy()
    wanted = in_sorted(group, group_ids)
    if sides.claim_side is None:  # a table of one's own: its sides' claim lists
        listed = table["claims"].to_numpy(dtype=object)[wanted].tolist()
        per_side = np.fromiter(map(len, listed), dtype=np.int64, count=len(listed))
        claim_side = np.repeat(np.arange(len(listed)), per_side)
        claim_ids = np.fromiter(chain.from_iterable(listed), dtype=object, count=int(per_side.sum()))
        claim_sources = None
    else:
        renumbered = np.cumsum(wanted) - 1
        cited = wanted[sides.claim_side]
        claim_side, claim_ids = renumbered[sides.claim_side[cited]], sides.claim_ids[cited]
        claim_sources = sides.claim_sources[cited] if sides.claim_sources is not None else None
    table = table[wanted]
    return rule_tables(
        conflicts.reset_index(drop=True),
        np.searchsorted(group_ids, group[wanted]),
        _json_values(table),
        as_text(table["label"]).tolist(),
        claim_side,
        claim_ids,
        claim_sources,
    )


def _group_meta(sel: pd.DataFrame, groups: Iterable[int] | None) -> pd.DataFrame:
    """Subject, property and scope of each group (from its first claim), indexed by group."""
    group = sel["_group"].to_numpy()
    first = np.full(group.max() + 1 if len(group) else 0, len(group))
    np.minimum.at(first, group, np.arange(len(group)))
    ids = np.flatnonzero(first < len(group))
    if groups is not None:
        ids = ids[in_sorted(ids, distinct(np.fromiter(groups, dtype=np.int64)))]
    index = pd.Index(ids, name="_group")
    return pd.DataFrame({c: sel[c].iloc[first[ids]].set_axis(index) for c in [*KEY, "scope"]})
