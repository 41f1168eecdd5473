"""The JSON contract of conflicts (docs/json.md), column by column.

:func:`conflict_records` expands a conflicts table into the records of the contract, with
every supporting claim's source, document, quote, span, file and line. Both it and the JSON
writer (:mod:`reconcile.render.json_report`) read :func:`record_columns` (the sides
read from the conflict tables, and the rows of the claims they list in the claims table:
one lookup of all the claim ids at once), :func:`conflict_fields` (the other fields,
column by column) and :func:`claim_evidence` (the evidence of claims, column by column), so
nothing is looked up claim by claim; the JSON writer reads the fields and the evidence block
by block of conflicts.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from reconcile.base.frames import arrow_of, collector_paused, is_arrow_text
from reconcile.detect.tables import ConflictTables, SideView, claim_positions

__all__ = [
    "conflict_records", "conflict_record_blocks", "RECORD_BLOCK", "RecordColumns", "record_columns",
    "conflict_fields", "claim_evidence", "evidence_column", "EVIDENCE_COLUMNS", "DRAFT_FIELDS", "draft_extras",
    "RECORD_FIELDS", "EVIDENCE_FIELDS",
]

#: The keys of a conflict record before its sides, in output order.
RECORD_FIELDS = [
    "fingerprint", "rule", "severity", "kind", "subject", "property", "scope", "explanation", "suggestion",
    "suggested_side", "status", "decision", "history", "internal", "independent_sources", "sources",
]
#: The keys of a claim's evidence, in output order (``span`` is ``[span_start, span_end]``).
EVIDENCE_FIELDS = ["id", "source", "document", "quote", "span", "file", "line", "language", "as_of", "note"]
#: The keys a draft claim's evidence has after :data:`EVIDENCE_FIELDS` (``because`` only when
#: set); a claim that is not a draft has none of them.
DRAFT_FIELDS = ["draft", "confidence", "because"]


def draft_extras(claims: pd.DataFrame, rows: np.ndarray) -> dict[int, dict[str, Any]]:
    """For the claims at ``rows`` (positions in ``claims``) that are drafts: by index into
    ``rows``, the keys :data:`DRAFT_FIELDS` their evidence adds (``draft: true``, the
    ``confidence``, the ``because`` when set). Empty when none is a draft, or the claims
    table has no ``draft`` column (one not made by validation)."""
    if "draft" not in claims or not len(rows):
        return {}
    at = np.flatnonzero(claims["draft"].to_numpy(dtype=bool)[rows])
    if not len(at):
        return {}
    picked = rows[at]
    confidence = claims["confidence"].to_numpy(dtype=float)[picked].tolist()
    because = claims["because"].to_numpy(dtype=object)[picked].tolist() if "because" in claims else [None] * len(at)
    out: dict[int, dict[str, Any]] = {}
    for i, c, b in zip(at.tolist(), confidence, because):
        extra: dict[str, Any] = {"draft": True, "confidence": c}
        if isinstance(b, str) and b:
            extra["because"] = b
        out[i] = extra
    return out


@dataclass(frozen=True)
class RecordColumns:
    """The sides of the conflict records of a conflicts table and the claims they list
    (their other fields are in :func:`conflict_fields`)."""

    sides: SideView
    """The sides of the conflicts (value and label; their claim ids are in ``sides.claim_ids``)."""
    side_claims: np.ndarray
    """Per side: how many claims its record lists (claims the table does not have are left out)."""
    rows: np.ndarray
    """Per claim listed, side after side: its row position in the claims table (see
    :func:`claim_evidence`)."""


def _column(frame: pd.DataFrame, name: str) -> list[Any]:
    """A column as a list (``None`` throughout when the frame has no such column)."""
    return frame[name].tolist() if name in frame else [None] * len(frame)


def conflict_fields(conflicts: pd.DataFrame, *, arrow: bool = False) -> dict[str, list[Any] | pa.Array]:
    """The record fields of each conflict (everything but the sides), by :data:`RECORD_FIELDS`
    key (``sources``: the conflicts table's own lists, not copies).

    With ``arrow``, a column of strings that Arrow holds is given as its Arrow array when
    that has the same values (none missing, or for ``scope`` missing ones as nulls), without
    making Python strings of it; and ``internal`` and ``independent_sources`` as Arrow arrays
    of booleans and integers when the table holds them as such.
    """

    def column(name: str) -> list[Any] | pa.Array:
        strings = _arrow_strings(conflicts[name], nulls=False) if arrow and name in conflicts else None
        return _column(conflicts, name) if strings is None else strings

    fields = {name: column(name) for name in RECORD_FIELDS[:6]}
    scope = _arrow_strings(conflicts["scope"], nulls=True) if arrow else None
    fields["scope"] = _missing_as_none(conflicts["scope"]).tolist() if scope is None else scope
    for name in ("explanation", "suggestion", "status", "decision", "history"):
        fields[name] = column(name)
    fields["suggested_side"] = [None if v is None or v != v else int(v) for v in _column(conflicts, "suggested_side")]
    if arrow and _has_dtype(conflicts, "internal", "b"):
        fields["internal"] = pa.array(conflicts["internal"].to_numpy())
    else:
        fields["internal"] = [bool(v) for v in _column(conflicts, "internal")]
    if arrow and _has_dtype(conflicts, "independent", "iu"):
        fields["independent_sources"] = pa.array(conflicts["independent"].to_numpy())
    else:
        fields["independent_sources"] = [int(v) for v in _column(conflicts, "independent")]
    fields["sources"] = _column(conflicts, "sources")
    return fields


def _has_dtype(frame: pd.DataFrame, name: str, kinds: str) -> bool:
    """Whether ``frame`` has a column ``name`` held by numpy as one of the dtype ``kinds``
    (``b`` booleans, ``i`` and ``u`` integers)."""
    return name in frame and isinstance(frame[name].dtype, np.dtype) and frame[name].dtype.kind in kinds


def _arrow_strings(values: pd.Series, nulls: bool) -> pa.Array | None:
    """The Arrow array of a column of strings stored by Arrow (pandas' ``str``), if it has no
    missing value or ``nulls`` are wanted; else ``None``."""
    if not is_arrow_text(values):
        return None
    strings = arrow_of(values)
    return strings if nulls or not strings.null_count else None


def _missing_as_none(values: pd.Series) -> np.ndarray:
    """The values as an object array, ``None`` for the missing ones (None, NaN, NA)."""
    return values.to_numpy(dtype=object, na_value=None)


#: Per evidence key (``span`` as ``span_start`` and ``span_end``): the claims column it is
#: read from, and how: ``object`` values as they are, ``int`` as 64-bit integers, ``nullable``
#: values with ``None`` for a missing one (None, NaN, NA).
EVIDENCE_COLUMNS: dict[str, tuple[str, str]] = {
    "id": ("claim_id", "object"),
    "source": ("source", "object"),
    "document": ("document", "object"),
    "quote": ("quote", "object"),
    "span_start": ("span_start", "int"),
    "span_end": ("span_end", "int"),
    "file": ("file", "object"),
    "line": ("line", "nullable"),
    "language": ("language", "object"),
    "as_of": ("as_of", "nullable"),
    "note": ("note", "nullable"),
}


def claim_evidence(claims: pd.DataFrame, rows: np.ndarray) -> dict[str, np.ndarray]:
    """The evidence of the claims at ``rows`` (positions in ``claims``): per key of
    :data:`EVIDENCE_COLUMNS`, the value of each claim (object arrays with ``None`` for a
    missing line or date)."""
    return {key: evidence_column(claims, key, rows) for key in EVIDENCE_COLUMNS}


def evidence_column(
    claims: pd.DataFrame, key: str, rows: np.ndarray, *, arrow: bool = False
) -> np.ndarray | pa.Array:
    """One column of :func:`claim_evidence`. With ``arrow``, a nullable column of integers
    is given as an Arrow array (the same integers, nulls for the missing ones), without
    making Python integers of it, and a column of Arrow strings (the quotes) as its Arrow
    array, without making Python strings of it."""
    name, kind = EVIDENCE_COLUMNS[key]
    if name not in claims:  # a claims table not made by validation (no notes): all missing
        return np.full(len(rows), None, dtype=object)
    values = claims[name].take(rows)
    if arrow and kind == "nullable" and pd.api.types.is_integer_dtype(values.dtype):
        return pa.array(values, pa.int64())
    if arrow and kind == "object" and is_arrow_text(values):  # the quotes, as Arrow holds them
        return arrow_of(values)
    if kind == "int":
        return values.to_numpy(dtype=np.int64)
    return _missing_as_none(values) if kind == "nullable" else values.to_numpy(dtype=object)


def record_columns(
    conflicts: pd.DataFrame, claims: pd.DataFrame, tables: ConflictTables, claim_index: pd.Index | None = None
) -> RecordColumns:
    """The sides of the records of ``conflicts`` (rows of ``tables.conflicts``, any subset in
    any order) column by column, with the rows in ``claims`` of the claims they cite (see
    :class:`RecordColumns`): one lookup of all the claim ids at once (in ``claim_index``,
    the claims' ids row for row, when given: :attr:`~reconcile.validate.claims.Workspace.claim_index`)."""
    sides = tables.view(conflicts)
    rows = claim_positions(claims, sides.claim_ids, claim_index)
    kept = rows >= 0
    side_claims = np.bincount(sides.claim_side[kept], minlength=sides.n_sides)
    return RecordColumns(sides, side_claims, rows[kept])


def _block(cols: RecordColumns, start: int, stop: int) -> RecordColumns:
    """The record columns of conflicts ``start … stop - 1`` of ``cols`` (renumbered from 0)."""
    view = cols.sides
    s0, s1 = np.searchsorted(view.conflict, [start, stop])
    ref_ends = np.cumsum(cols.side_claims)
    r0 = int(ref_ends[s0 - 1]) if s0 else 0
    r1 = int(ref_ends[s1 - 1]) if s1 else 0
    c0 = int(np.searchsorted(view.claim_side, s0))
    c1 = int(np.searchsorted(view.claim_side, s1))
    sides = SideView(
        conflict=view.conflict[s0:s1] - start,
        values=view.values[s0:s1],
        labels=view.labels[s0:s1],
        claim_side=view.claim_side[c0:c1] - s0,
        claim_ids=view.claim_ids[c0:c1],
    )
    return RecordColumns(sides, cols.side_claims[s0:s1], cols.rows[r0:r1])


#: Conflicts turned into records at a time by :func:`conflict_record_blocks`: the memory a
#: text report takes is bounded by it, not by the number of conflicts.
RECORD_BLOCK = 4_096


def conflict_record_blocks(
    conflicts: pd.DataFrame,
    claims: pd.DataFrame,
    tables: ConflictTables,
    block: int | None = None,
    claim_index: pd.Index | None = None,
) -> Iterator[list[dict[str, Any]]]:
    """:func:`conflict_records` of ``conflicts`` in order, ``block`` conflicts (default
    :data:`RECORD_BLOCK`) at a time, each block built when it is asked for: a consumer that
    stops early builds no more. The sides and claim rows are looked up once for all."""
    if conflicts.empty:
        return
    block = block or RECORD_BLOCK
    cols = record_columns(conflicts, claims, tables, claim_index)
    for start in range(0, len(conflicts), block):
        part = conflicts.iloc[start : start + block]
        with collector_paused():
            yield _records(conflict_fields(part), _block(cols, start, start + len(part)), len(part), claims)


def conflict_records(conflicts: pd.DataFrame, claims: pd.DataFrame, tables: ConflictTables) -> list[dict[str, Any]]:
    """The conflicts (rows of ``tables.conflicts``) as JSON-ready dicts, their sides from
    ``tables``, claims expanded with their evidence from ``claims``."""
    if conflicts.empty:
        return []
    cols = record_columns(conflicts, claims, tables)
    with collector_paused():
        return _records(conflict_fields(conflicts), cols, len(conflicts), claims)


def _records(
    fields: dict[str, list[Any]], cols: RecordColumns, n_conflicts: int, claims: pd.DataFrame
) -> list[dict[str, Any]]:
    """The dicts of :func:`conflict_records` from the record columns."""
    ev = {key: values.tolist() for key, values in claim_evidence(claims, cols.rows).items()}
    evidence = [
        {"id": i, "source": s, "document": d, "quote": q, "span": [a, b], "file": f, "line": n, "language": g, "as_of": t,
         "note": o}
        for i, s, d, q, a, b, f, n, g, t, o in zip(
            ev["id"], ev["source"], ev["document"], ev["quote"], ev["span_start"], ev["span_end"],
            ev["file"], ev["line"], ev["language"], ev["as_of"], ev["note"],
        )
    ]
    for i, extra in draft_extras(claims, cols.rows).items():
        evidence[i].update(extra)
    ends = np.cumsum(cols.side_claims).tolist()
    sides = [
        {"value": v, "label": lbl, "claims": evidence[a:b]}
        for v, lbl, a, b in zip(cols.sides.values, cols.sides.labels, [0, *ends[:-1]], ends)
    ]
    side_ends = np.cumsum(np.bincount(cols.sides.conflict, minlength=n_conflicts)).tolist()
    fields = {**fields, "sources": [list(s) for s in fields["sources"]]}
    records = [dict(zip(RECORD_FIELDS, values)) for values in zip(*(fields[key] for key in RECORD_FIELDS))]
    for record, a, b in zip(records, [0, *side_ends[:-1]], side_ends):
        record["sides"] = sides[a:b]
    return records
