"""Conflicts as three tidy tables: one row per conflict, per side, per side's claim.

A run's conflicts are a :class:`ConflictTables`:

``conflicts`` (:class:`ConflictModel`)
    one row per conflict, keyed by ``conflict`` (an integer): fingerprint, rule, severity,
    kind, subject, property, scope, explanation, the sources involved, whether it is
    internal to one source, and how many claims it contests. Later stages add columns
    (the suggestion, the gate's status and decision).
``sides`` (:class:`SideModel`)
    one row per side, keyed by ``side``: its ``conflict``, its ``position`` among the
    conflict's sides (most claims first), its normalized ``value`` (text, or a list of
    entity ids for sets), its ``label`` and its number of ``claims``.
``side_claims`` (:class:`SideClaimModel`)
    one row per claim a side cites: ``side``, ``claim_id`` and the claim's ``source``,
    sorted by side then claim.

The engine keeps two invariants that make every lookup an array operation: sides are
sorted by conflict then position and numbered ``0 … n-1`` in that order, and side claims
are sorted by side. A stage that reorders or filters conflicts goes through
:meth:`ConflictTables.in_order`, which renumbers all three tables.

A rule returns its conflicts through :func:`conflict_tables` (sides written out per
conflict: ``{"value", "label", "claims"}``) or :func:`rule_tables` (the three tables
given as columns, as :func:`reconcile.detect.grouping.conflict_rows` builds them); there a
conflict's id is its row position and a side's id its row position. The engine
(:func:`reconcile.detect.engine.run_rules`) orders the sides, fingerprints the conflicts
and numbers everything.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from reconcile.base.frames import object_array, ragged_ranges
from reconcile.detect.rulekit import CONFLICT_COLUMNS, SEVERITIES

__all__ = [
    "ConflictTables",
    "ConflictModel",
    "SideModel",
    "SideClaimModel",
    "SideView",
    "conflict_tables",
    "rule_tables",
    "claim_positions",
]


class ConflictModel(pa.DataFrameModel):
    """The conflicts table: one row per conflict."""

    conflict: Series[int] = pa.Field(unique=True, ge=0)
    fingerprint: Series[str] = pa.Field(unique=True, str_length={"min_value": 8})
    rule: Series[str]
    severity: Series[str] = pa.Field(isin=list(SEVERITIES))
    subject: Series[str]
    property: Series[str]
    scope: Series[str] = pa.Field(nullable=True)
    kind: Series[str]
    explanation: Series[str] = pa.Field(str_length={"min_value": 10})
    internal: Series[bool]
    contested: Series[int] = pa.Field(ge=2)

    class Config:
        strict = False
        coerce = True


class SideModel(pa.DataFrameModel):
    """The sides table: one row per side of a conflict."""

    side: Series[int] = pa.Field(unique=True, ge=0)
    conflict: Series[int] = pa.Field(ge=0)
    position: Series[int] = pa.Field(ge=0)
    value: Series[object] = pa.Field(nullable=True)
    label: Series[str] = pa.Field(nullable=True)
    claims: Series[int] = pa.Field(ge=1)

    class Config:
        strict = False
        coerce = True


class SideClaimModel(pa.DataFrameModel):
    """The side claims table: one row per claim a side cites."""

    side: Series[int] = pa.Field(ge=0)
    claim_id: Series[str]
    source: Optional[Series[str]] = pa.Field(nullable=True)

    class Config:
        strict = False
        coerce = True
        unique = ["side", "claim_id"]


def claim_positions(claims: pd.DataFrame, ids: np.ndarray, claim_index: pd.Index | None = None) -> np.ndarray:
    """Row position in ``claims`` of each claim id (-1 when unknown; the last row of a repeated id).

    Unique claim ids (the rule) are looked up in one hash table of the claims' ids:
    ``claim_index`` when given (``claims["claim_id"]`` as an Index, row for row, such as
    :attr:`~reconcile.validate.claims.Workspace.claim_index`, which may have its table built
    already), else one built here. Repeated ids are factorized together with ``ids``.
    """
    if claim_index is not None and len(claim_index) != len(claims):
        raise ValueError("claim_index must hold the claims' ids row for row")
    known = (
        claim_index
        if claim_index is not None
        else pd.Index(claims["claim_id"].to_numpy(dtype=object), dtype=object, copy=False)
    )
    if known.is_unique and not known.hasnans:
        return known.get_indexer(pd.Index(np.asarray(ids, dtype=object), dtype=object, copy=False)).astype(np.int64)
    return _last_positions(known.to_numpy(), np.asarray(ids, dtype=object))


def _last_positions(known: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """Position in ``known`` of each of ``ids``: its last occurrence (-1 when absent)."""
    codes, uniques = pd.factorize(np.concatenate([known, ids]))
    last = np.full(len(uniques) + 1, -1, dtype=np.int64)
    np.maximum.at(last, codes[: len(known)], np.arange(len(known)))
    return last[codes[len(known):]]


@dataclass(frozen=True)
class SideView:
    """The sides of some conflicts (in a given order) and the claims they cite, as arrays:
    what the suggestions and the report writers read (:meth:`ConflictTables.view`)."""

    conflict: np.ndarray
    """Per side: the position of its conflict among the conflicts viewed (sorted)."""
    values: list[Any]
    """Per side: its value."""
    labels: list[Any]
    """Per side: its label."""
    claim_side: np.ndarray
    """Per claim cited, side after side: the position of its side in this view."""
    claim_ids: np.ndarray
    """Per claim cited: its id (an object array)."""

    @property
    def n_sides(self) -> int:
        """The number of sides."""
        return len(self.conflict)


@dataclass(frozen=True)
class ConflictTables:
    """A run's conflicts as three tidy tables (see the module documentation)."""

    conflicts: pd.DataFrame
    sides: pd.DataFrame
    side_claims: pd.DataFrame

    def __len__(self) -> int:
        return len(self.conflicts)

    @classmethod
    def empty(cls) -> ConflictTables:
        """No conflict: the three tables with their columns and no row."""
        conflicts = pd.DataFrame({c: pd.Series(dtype=object) for c in [*CONFLICT_FIELDS, "rule", "fingerprint", "sources"]})
        conflicts["conflict"] = pd.Series(dtype=np.int64)
        conflicts["internal"] = pd.Series(dtype=bool)
        conflicts["contested"] = pd.Series(dtype=np.int64)
        return cls(conflicts, _empty_sides(), _empty_side_claims())

    def validate(self) -> ConflictTables:
        """Check each table against its model and the tables against each other (every
        side of a known conflict, every cited claim of a known side, at least two sides
        per conflict with distinct values); raise ``pandera`` ``SchemaError`` or
        ``ValueError`` on the first fault. (The engine builds tables that hold all this;
        this is the check for tables made or edited elsewhere.)"""
        ConflictModel.validate(self.conflicts)
        SideModel.validate(self.sides)
        SideClaimModel.validate(self.side_claims)
        conflict_ids = self.conflicts["conflict"].to_numpy(dtype=np.int64)
        if not np.isin(self.sides["conflict"].to_numpy(dtype=np.int64), conflict_ids).all():
            raise ValueError("a side belongs to no conflict of the table")
        if not np.isin(self.side_claims["side"].to_numpy(dtype=np.int64), self.sides["side"].to_numpy(dtype=np.int64)).all():
            raise ValueError("a cited claim belongs to no side of the table")
        per_conflict = self.sides.groupby("conflict").size().reindex(conflict_ids, fill_value=0)
        if (per_conflict < 2).any():
            raise ValueError(f"conflict {per_conflict.idxmin()} has fewer than two sides")
        values = self.sides["value"].map(lambda v: json.dumps(v, sort_keys=True, default=str))
        if pd.DataFrame({"conflict": self.sides["conflict"], "value": values}).duplicated().any():
            raise ValueError("a conflict has two sides of the same value")
        return self

    @classmethod
    def concat(cls, parts: list[ConflictTables]) -> ConflictTables:
        """The conflicts of several tables (partitions of one run) as one set of tables, in
        order, the ids of each part's conflicts and sides shifted past the previous part's
        (sides stay sorted by conflict, side claims by side)."""
        parts = [p for p in parts if len(p)] or parts[:1]
        if not parts:
            return cls.empty()
        conflicts, sides, side_claims = [], [], []
        next_conflict = next_side = 0
        for part in parts:
            conflict_ids = part.conflicts["conflict"].to_numpy(dtype=np.int64)
            side_ids = part.sides["side"].to_numpy(dtype=np.int64)
            conflicts.append(part.conflicts.assign(conflict=conflict_ids + next_conflict))
            sides.append(part.sides.assign(conflict=part.sides["conflict"].to_numpy(dtype=np.int64) + next_conflict,
                                           side=side_ids + next_side))
            side_claims.append(part.side_claims.assign(side=part.side_claims["side"].to_numpy(dtype=np.int64) + next_side))
            next_conflict += int(conflict_ids.max()) + 1 if len(conflict_ids) else 0
            next_side += int(side_ids.max()) + 1 if len(side_ids) else 0
        return cls(
            pd.concat(conflicts, ignore_index=True),
            pd.concat(sides, ignore_index=True),
            pd.concat(side_claims, ignore_index=True),
        )

    def positions_of(self, conflict_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For conflicts by id: the rows of their sides in ``sides`` (conflict after
        conflict, in the order of the ids) and how many each has."""
        ids = np.asarray(conflict_ids, dtype=np.int64)
        of_side = self.sides["conflict"].to_numpy(dtype=np.int64)
        starts = np.searchsorted(of_side, ids, side="left")
        counts = np.searchsorted(of_side, ids, side="right") - starts
        return ragged_ranges(starts, counts), counts

    def claim_rows_of(self, side_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For sides by row: the rows of their claims in ``side_claims`` (side after side)
        and how many each has."""
        side_ids = self.sides["side"].to_numpy(dtype=np.int64)[side_rows]
        of_claim = self.side_claims["side"].to_numpy(dtype=np.int64)
        starts = np.searchsorted(of_claim, side_ids, side="left")
        counts = np.searchsorted(of_claim, side_ids, side="right") - starts
        return ragged_ranges(starts, counts), counts

    def view(self, conflicts: pd.DataFrame | None = None) -> SideView:
        """The sides of ``conflicts`` (rows of this run's conflicts table, any subset in any
        order; default: all of them, in table order) and their claims, as arrays."""
        ids = (self.conflicts if conflicts is None else conflicts)["conflict"].to_numpy(dtype=np.int64)
        if conflicts is None or _is_whole(ids, self.conflicts):
            side_rows = np.arange(len(self.sides))
            counts = np.bincount(self.sides["conflict"].to_numpy(dtype=np.int64), minlength=len(ids)) if len(ids) else np.zeros(0, np.int64)
            claim_rows = np.arange(len(self.side_claims))
            per_side = np.bincount(self.side_claims["side"].to_numpy(dtype=np.int64), minlength=len(side_rows))
        else:
            side_rows, counts = self.positions_of(ids)
            claim_rows, per_side = self.claim_rows_of(side_rows)
        values = self.sides["value"].to_numpy(dtype=object)[side_rows].tolist()
        labels = self.sides["label"].to_numpy(dtype=object)[side_rows].tolist()
        return SideView(
            conflict=np.repeat(np.arange(len(ids)), counts),
            values=values,
            labels=labels,
            claim_side=np.repeat(np.arange(len(side_rows)), per_side),
            claim_ids=self.side_claims["claim_id"].to_numpy(dtype=object)[claim_rows],
        )

    def side_lists(self, conflicts: pd.DataFrame) -> list[list[dict[str, Any]]]:
        """Per row of ``conflicts``: its sides as ``{"value", "label"}`` dicts, in order
        (what the gate records of a conflict and compares with what it recorded)."""
        view = self.view(conflicts)
        sides = [{"value": v, "label": lbl} for v, lbl in zip(view.values, view.labels)]
        ends = np.cumsum(np.bincount(view.conflict, minlength=len(conflicts))).tolist()
        return [sides[a:b] for a, b in zip([0, *ends[:-1]], ends)]

    def in_order(self, conflicts: pd.DataFrame) -> ConflictTables:
        """The tables for ``conflicts`` (rows of this table, filtered, reordered or with
        columns added), renumbered: conflicts ``0 … n-1`` in the given order, their sides
        after them in order, the side claims of those sides."""
        ids = conflicts["conflict"].to_numpy(dtype=np.int64)
        side_rows, counts = self.positions_of(ids)
        claim_rows, per_side = self.claim_rows_of(side_rows)
        sides = self.sides.iloc[side_rows].reset_index(drop=True)
        sides["conflict"] = np.repeat(np.arange(len(ids), dtype=np.int64), counts)
        sides["side"] = np.arange(len(sides), dtype=np.int64)
        side_claims = self.side_claims.iloc[claim_rows].reset_index(drop=True)
        side_claims["side"] = np.repeat(np.arange(len(side_rows), dtype=np.int64), per_side)
        out = conflicts.reset_index(drop=True)
        out["conflict"] = np.arange(len(out), dtype=np.int64)
        return ConflictTables(out, sides, side_claims)


def _is_whole(ids: np.ndarray, table: pd.DataFrame) -> bool:
    """Whether ``ids`` are the conflicts of ``table`` numbered ``0 … n-1`` in table order."""
    return len(ids) == len(table) and bool((ids == np.arange(len(ids))).all())


#: What a rule gives per conflict (the engine adds the rule, the fingerprint, the sources).
CONFLICT_FIELDS = [c for c in CONFLICT_COLUMNS if c != "sides"]


def _empty_sides() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "side": pd.Series(dtype=np.int64),
            "conflict": pd.Series(dtype=np.int64),
            "position": pd.Series(dtype=np.int64),
            "value": pd.Series(dtype=object),
            "label": pd.Series(dtype=object),
            "claims": pd.Series(dtype=np.int64),
        }
    )


def _empty_side_claims() -> pd.DataFrame:
    return pd.DataFrame({"side": pd.Series(dtype=np.int64), "claim_id": pd.Series(dtype=object), "source": pd.Series(dtype=object)})


def rule_tables(conflicts: pd.DataFrame, side_conflict: np.ndarray, values: list[Any], labels: list[Any],
                claim_side: np.ndarray, claim_ids: np.ndarray, claim_sources: np.ndarray | None = None) -> ConflictTables:
    """A rule's conflicts from columns: ``conflicts`` has the :data:`CONFLICT_FIELDS`, one
    row per conflict; per side, the row position of its conflict (``side_conflict``), its
    value and label; per cited claim, the position of its side, its id and, when the rule
    has it at hand, its source (else the engine reads it from the claims). The engine puts
    the sides in order and numbers them."""
    n = len(side_conflict)
    sides = pd.DataFrame(
        {
            "side": np.arange(n, dtype=np.int64),
            "conflict": np.asarray(side_conflict, dtype=np.int64),
            "position": np.zeros(n, dtype=np.int64),
            "value": object_array(values),
            "label": object_array(labels),
            "claims": np.zeros(n, dtype=np.int64),
        }
    )
    side_claims = pd.DataFrame({"side": np.asarray(claim_side, dtype=np.int64), "claim_id": np.asarray(claim_ids, dtype=object)})
    if claim_sources is not None:
        side_claims["source"] = np.asarray(claim_sources, dtype=object)
    out = conflicts.reset_index(drop=True).reindex(columns=CONFLICT_FIELDS)
    out["conflict"] = np.arange(len(out), dtype=np.int64)
    return ConflictTables(out, sides, side_claims)


def conflict_tables(rows: Iterable[Mapping[str, Any]] | pd.DataFrame) -> ConflictTables:
    """A rule's conflicts from one mapping (or DataFrame row) per conflict: the
    :data:`CONFLICT_FIELDS` (``severity`` None for the rule's configured one) and ``sides``,
    a list of ``{"value", "label", "claims": [claim id, …]}``.

    This is how a rule written conflict by conflict returns its conflicts (docs/rules.md);
    the engine orders the sides, drops repeated claim ids and fingerprints the conflicts.
    Raises ``ValueError`` when a row has no list of sides or a side is not such a mapping.
    """
    frame = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows), columns=CONFLICT_COLUMNS)
    if frame.empty:
        return rule_tables(frame.reindex(columns=CONFLICT_FIELDS), np.zeros(0, np.int64), [], [], np.zeros(0, np.int64), np.zeros(0, object))
    if "sides" not in frame:
        raise ValueError("the conflicts have no 'sides' column")
    side_conflict, values, labels, claim_side, claim_ids = [], [], [], [], []
    for position, sides in enumerate(frame["sides"].tolist()):
        if not isinstance(sides, list):
            raise ValueError(f"conflict {position}: sides are {type(sides).__name__}, not a list")
        for side in sides:
            if not isinstance(side, Mapping):
                raise ValueError(f"conflict {position}: a side is {type(side).__name__}, not a mapping")
            cited = side.get("claims")
            if not isinstance(cited, list):
                raise ValueError(f"conflict {position}: a side's claims are {type(cited).__name__}, not a list of claim ids")
            for claim in cited:
                claim_side.append(len(values))
                claim_ids.append(claim)
            side_conflict.append(position)
            values.append(side.get("value"))
            labels.append(side.get("label"))
    return rule_tables(frame.drop(columns="sides"), np.asarray(side_conflict, dtype=np.int64), values, labels,
                       np.asarray(claim_side, dtype=np.int64), np.asarray(claim_ids, dtype=object))
