"""The conflicts of a run as three Parquet files: for runs too large for JSON to be read.

``reconcile check --format parquet --output DIR`` writes the conflict tables of
:mod:`reconcile.detect.tables`, for the conflicts it reports and in its order:

``DIR/conflicts.parquet``
    one row per conflict: ``conflict`` (0 … n-1, the order of the report), ``fingerprint``,
    ``rule``, ``severity``, ``kind``, ``subject``, ``property``, ``scope``, ``explanation``,
    ``suggestion``, ``suggested_side``, ``status``, ``internal``, ``independent_sources``,
    ``sources`` (a list of source ids), and ``decision`` and ``history`` as JSON text (null
    when there is none).
``DIR/sides.parquet``
    one row per side: ``side``, ``conflict``, ``position`` (0 for the first), ``value`` (the
    normalized value as JSON text: ``"2002-05-15"``, ``["country:AM", …]``), ``label`` and
    ``claims`` (how many claims state it).
``DIR/side_claims.parquet``
    one row per claim a side cites: ``side``, ``claim_id`` and the claim's evidence
    (``source``, ``document``, ``quote``, ``span_start``, ``span_end``, ``file``, ``line``,
    ``language``).

Join them on ``conflict`` and ``side`` (pandas, DuckDB, Spark, Polars). Each file is written
whole to a temporary file and moved into place, so a reader never sees half a table.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from reconcile.base.yamlio import write_atomic
from reconcile.detect.engine import value_texts
from reconcile.detect.tables import ConflictTables, claim_positions

__all__ = ["TABLE_FILES", "write_conflict_tables"]

#: The files written, by table.
TABLE_FILES = {"conflicts": "conflicts.parquet", "sides": "sides.parquet", "side_claims": "side_claims.parquet"}

#: Conflict columns written as they are, in this order (``independent`` is written as
#: ``independent_sources``, as in the JSON).
_CONFLICT_COLUMNS = [
    "conflict", "fingerprint", "rule", "severity", "kind", "subject", "property", "scope", "explanation",
    "suggestion", "suggested_side", "status", "internal", "independent", "sources",
]
#: Evidence columns of a cited claim, read from the claims table.
_EVIDENCE = ["source", "document", "quote", "span_start", "span_end", "file", "line", "language"]


def _json_text(values: pd.Series) -> list[str | None]:
    """Each decision or history as JSON text (sorted keys, UTF-8 kept), None where there is none."""
    return [None if v is None or (isinstance(v, float) and v != v) else json.dumps(v, ensure_ascii=False, sort_keys=True)
            for v in values.tolist()]


def conflict_frames(shown: pd.DataFrame, tables: ConflictTables, claims: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The three tables written, for the conflicts ``shown`` (rows of ``tables.conflicts``,
    filtered and ordered as reported), renumbered in that order."""
    own = tables.in_order(shown)
    conflicts = own.conflicts.reindex(columns=_CONFLICT_COLUMNS)
    conflicts["scope"] = conflicts["scope"].astype(object).where(conflicts["scope"].notna(), None)
    conflicts["suggested_side"] = pd.array(
        [None if v is None or v != v else int(v) for v in conflicts["suggested_side"].tolist()], dtype="Int64"
    )
    conflicts["sources"] = [list(s) if isinstance(s, (list, tuple, np.ndarray)) else [] for s in conflicts["sources"]]
    conflicts = conflicts.rename(columns={"independent": "independent_sources"})
    conflicts["decision"] = _json_text(own.conflicts.get("decision", pd.Series(None, index=own.conflicts.index, dtype=object)))
    conflicts["history"] = _json_text(own.conflicts.get("history", pd.Series(None, index=own.conflicts.index, dtype=object)))
    sides = own.sides.assign(value=value_texts(own.sides["value"].tolist()))
    side_claims = own.side_claims.copy()
    rows = claim_positions(claims, side_claims["claim_id"].to_numpy(dtype=object))
    known = rows >= 0
    for name in _EVIDENCE:
        if name not in claims:
            side_claims[name] = None
            continue
        column = claims[name].take(np.where(known, rows, 0)).reset_index(drop=True)
        side_claims[name] = column.where(pd.Series(known), None) if not known.all() else column
    return {"conflicts": conflicts, "sides": sides, "side_claims": side_claims}


def _parquet_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as the bytes of a Parquet file (no pandas index)."""
    buffer = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), buffer)
    return buffer.getvalue()


def write_conflict_tables(folder: Path, shown: pd.DataFrame, tables: ConflictTables, claims: pd.DataFrame) -> dict[str, Any]:
    """Write the three tables of ``shown`` into ``folder`` (made if missing); return the
    number of rows of each, by file name."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, frame in conflict_frames(shown, tables, claims).items():
        path = folder / TABLE_FILES[name]
        write_atomic(path, [_parquet_bytes(frame)])
        written[TABLE_FILES[name]] = len(frame)
    return written
