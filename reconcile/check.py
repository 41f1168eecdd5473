"""Finding contradictions in a validated workspace: rules in, conflict records out.

:func:`find_conflicts` discovers the rules (built-in and the workspace's own), reads their
configuration, runs them and returns the conflicts table (see :mod:`reconcile.conflicts`)
together with the rule metadata used. :func:`conflict_records` expands the table into the
JSON contract of DESIGN.md, with every supporting claim's source, document, quote, span,
file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from .conflicts import SEVERITY_RANK, run_rules
from .graph import SourceGraph, build_source_graph, rank_conflicts
from .problems import Problems
from .rulekit import RuleConfig, RuleContext, RuleInfo, discover_rules, load_config
from .validate import Workspace

__all__ = ["CheckResult", "find_conflicts", "conflict_records", "at_or_above"]


@dataclass
class CheckResult:
    """The conflicts of one run, with the rules and configuration that produced them."""

    conflicts: pd.DataFrame
    rules: dict[str, RuleInfo]
    configs: dict[str, RuleConfig]
    settings: dict[str, Any]
    graph: SourceGraph


def find_conflicts(ws: Workspace, problems: Problems, claims: pd.DataFrame | None = None) -> CheckResult:
    """Run every enabled rule over ``claims`` (default: all the workspace's claims)."""
    claims = ws.claims if claims is None else claims
    rules = discover_rules(ws.root, problems)
    configs, settings = load_config(ws.root, rules, problems)
    ctx = RuleContext(
        registry=ws.registry,
        sources=ws.sources,
        all_claims=claims,
        label=ws.gazetteer.label,
    )
    conflicts = run_rules(claims, ctx, rules, configs, problems)
    graph = build_source_graph(claims, ws.sources)
    conflicts = rank_conflicts(conflicts, claims, graph)
    conflicts["status"] = "new"
    return CheckResult(conflicts, rules, configs, settings, graph)


def at_or_above(conflicts: pd.DataFrame, severity: str) -> pd.DataFrame:
    """Conflicts whose severity is ``severity`` or worse."""
    return conflicts[conflicts["severity"].map(SEVERITY_RANK) <= SEVERITY_RANK[severity]]


def conflict_records(conflicts: pd.DataFrame, claims: pd.DataFrame) -> list[dict[str, Any]]:
    """The conflicts as JSON-ready dicts, claims expanded with their evidence."""
    wanted = {c for sides in conflicts["sides"] for side in sides for c in side["claims"]}
    by_id = claims[claims["claim_id"].isin(wanted)].set_index("claim_id")
    evidence = {
        cid: {
            "id": cid,
            "source": r.source,
            "document": r.document,
            "quote": r.quote,
            "span": [int(r.span_start), int(r.span_end)],
            "file": r.file,
            "line": None if pd.isna(r.line) else int(r.line),
            "language": r.language,
            "as_of": None if pd.isna(r.as_of) else r.as_of,
        }
        for cid, r in zip(by_id.index, by_id.itertuples(index=False))
    }
    records = []
    for row in conflicts.itertuples(index=False):
        records.append(
            {
                "fingerprint": row.fingerprint,
                "rule": row.rule,
                "severity": row.severity,
                "kind": row.kind,
                "subject": row.subject,
                "property": row.property,
                "scope": None if row.scope is None or (isinstance(row.scope, float) and pd.isna(row.scope)) else row.scope,
                "explanation": row.explanation,
                "suggestion": getattr(row, "suggestion", None),
                "status": row.status,
                "decision": getattr(row, "decision", None),
                "internal": bool(row.internal),
                "independent_sources": int(row.independent),
                "sources": list(row.sources),
                "sides": [
                    {
                        "value": side["value"],
                        "label": side["label"],
                        "claims": [evidence[c] for c in side["claims"] if c in evidence],
                    }
                    for side in row.sides
                ],
            }
        )
    return records
