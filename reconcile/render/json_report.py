"""The JSON contract of ``reconcile check --format json`` (see docs/json.md)."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from ..check import CheckResult, conflict_records
from ..validate import Workspace

__all__ = ["report_object", "render_json", "summary"]

FORMAT_VERSION = 1


def summary(conflicts: pd.DataFrame, ws: Workspace) -> dict[str, Any]:
    """Counts by severity, rule, kind and status, plus the size of the workspace."""

    def counts(col: str) -> dict[str, int]:
        return {str(k): int(v) for k, v in conflicts[col].value_counts().sort_index().items()} if len(conflicts) else {}

    return {
        "conflicts": int(len(conflicts)),
        "by_severity": counts("severity"),
        "by_rule": counts("rule"),
        "by_kind": counts("kind"),
        "by_status": counts("status"),
        "internal": int(conflicts["internal"].sum()) if len(conflicts) else 0,
        "sources": int(len(ws.sources)),
        "claims": int(len(ws.claims)),
    }


def source_records(ws: Workspace, result: CheckResult | None = None) -> list[dict[str, Any]]:
    per = ws.claims.groupby("source").size()
    table = None
    if result is not None:
        from ..graph import source_table

        table = source_table(result.graph, ws.sources).set_index("source")
    out = []
    for r in ws.sources.sort_values("source").itertuples(index=False):
        out.append(
            {
                "id": r.source,
                "document": r.document,
                "language": r.language,
                "title": r.title,
                "publisher": r.publisher,
                "kind": r.kind,
                "published": r.published,
                "derived_from": r.derived_from if isinstance(r.derived_from, str) else None,
                "claims": int(per.get(r.source, 0)),
            }
        )
        if table is not None and r.source in table.index:
            t = table.loc[r.source]
            out[-1].update(
                agreements=int(t["agreements"]),
                disagreements=int(t["disagreements"]),
                trust=round(float(t["trust"]), 4),
                dependence_group=str(t["group"]),
                depends_on=list(t["depends_on"]),
            )
    return out


def report_object(result: CheckResult, ws: Workspace, conflicts: pd.DataFrame | None = None, gate=None) -> dict[str, Any]:
    conflicts = result.conflicts if conflicts is None else conflicts
    obj = {
        "format": "reconcile-conflicts",
        "version": FORMAT_VERSION,
        "conflicts": conflict_records(conflicts, ws.claims),
        "sources": source_records(ws, result),
        "summary": summary(conflicts, ws),
    }
    if gate is not None:
        obj["summary"]["silenced"] = int(len(gate.silenced))
        obj["gate"] = {
            "baseline": gate.baseline_used,
            "stale_baseline": [e["fingerprint"] for e in gate.stale_baseline],
            "stale_decisions": [d["fingerprint"] for d in gate.stale_decisions],
            "silenced": sorted(gate.silenced["fingerprint"]) if len(gate.silenced) else [],
        }
    return obj


#: Up to this many conflicts the JSON is indented for reading; beyond, it is compact
#: (Python's C encoder only runs without indentation, about ten times faster).
INDENT_UP_TO = 2000


def render_json(result: CheckResult, ws: Workspace, conflicts: pd.DataFrame | None = None, gate=None) -> str:
    """Deterministic JSON text (sorted records, stable key order, UTF-8 kept as is)."""
    obj = report_object(result, ws, conflicts, gate)
    indent = 2 if len(obj["conflicts"]) <= INDENT_UP_TO else None
    return json.dumps(obj, ensure_ascii=False, indent=indent) + "\n"
