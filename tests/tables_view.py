"""Conflict tables read back as one row per conflict with its sides written out: how the
tests compare the engine's tables with hand-made expectations."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from reconcile.detect.tables import ConflictTables


def nested(tables: ConflictTables) -> pd.DataFrame:
    """``tables.conflicts`` with a ``sides`` column: per conflict, its sides in order as
    ``{"value", "label", "claims": [claim id, …]}``."""
    view = tables.view()
    ends = np.cumsum(np.bincount(view.claim_side, minlength=view.n_sides)).tolist()
    ids = view.claim_ids.tolist()
    sides = [
        {"value": v, "label": lbl, "claims": ids[a:b]}
        for v, lbl, a, b in zip(view.values, view.labels, [0, *ends[:-1]], ends)
    ]
    per = np.cumsum(np.bincount(view.conflict, minlength=len(tables))).tolist()
    out = tables.conflicts.copy()
    out["sides"] = pd.Series([sides[a:b] for a, b in zip([0, *per[:-1]], per)], index=out.index, dtype=object)
    return out


def side_lists(tables: ConflictTables) -> list[list[dict[str, Any]]]:
    """Per conflict: its sides written out (see :func:`nested`)."""
    return nested(tables)["sides"].tolist()


def from_nested(frame: pd.DataFrame) -> ConflictTables:
    """Conflict tables from conflicts written out as :func:`nested` gives them (a ``sides``
    column of ``{"value", "label", "claims"}`` lists), as they are: in their order, sides
    and claims as listed, nothing fingerprinted or checked (tables for a test's own
    expectations)."""
    conflicts = frame.drop(columns="sides").reset_index(drop=True)
    conflicts["conflict"] = np.arange(len(conflicts), dtype=np.int64)
    side_rows, claim_rows = [], []
    for c, sides in enumerate(frame["sides"].tolist()):
        for position, side in enumerate(sides):
            side_rows.append((len(side_rows), c, position, side.get("value"), side.get("label"), len(side.get("claims") or [])))
            claim_rows += [(side_rows[-1][0], claim) for claim in side.get("claims") or []]
    sides = pd.DataFrame(side_rows, columns=["side", "conflict", "position", "value", "label", "claims"])
    sides["value"] = pd.Series([r[3] for r in side_rows], dtype=object)
    for column in ("side", "conflict", "position", "claims"):
        sides[column] = sides[column].astype(np.int64)
    side_claims = pd.DataFrame(claim_rows, columns=["side", "claim_id"]).astype({"side": np.int64, "claim_id": object})
    return ConflictTables(conflicts, sides, side_claims)


def records_of(frame: pd.DataFrame, claims: pd.DataFrame) -> list[dict[str, Any]]:
    """The JSON records of conflicts written out (see :func:`from_nested`)."""
    from reconcile.render.records import conflict_records

    tables = from_nested(frame)
    return conflict_records(tables.conflicts, claims, tables)


def json_of(frame: pd.DataFrame, claims: pd.DataFrame) -> str:
    """The compact JSON of conflicts written out, column by column (see :func:`from_nested`)."""
    from reconcile.render.json_report import conflicts_json

    tables = from_nested(frame)
    return conflicts_json(tables.conflicts, claims, tables)
