"""Finding contradictions in a validated workspace: rules in, conflict records out.

:func:`find_conflicts` discovers the rules (built-in and the workspace's own), reads their
configuration, runs them and returns the conflicts table (see :mod:`reconcile.conflicts`)
together with the rule metadata used. :func:`conflict_records` expands the table into the
JSON contract of docs/json.md, with every supporting claim's source, document, quote, span,
file and line. Both it and the JSON writer (:mod:`reconcile.render.json_report`) read
:func:`record_columns`: the record fields column by column, the sides flattened, and the
evidence of the claims they list taken from the claims table column by column (one lookup
of all the claim ids at once), so nothing is looked up claim by claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .conflicts import SEVERITY_RANK, run_rules
from .frames import collector_paused
from .graph import FlatSides, SourceGraph, build_source_graph, claim_positions, flatten_sides, rank_conflicts
from .problems import Problems
from .rulekit import RuleConfig, RuleContext, RuleInfo, discover_rules, load_config
from .validate import Workspace

__all__ = ["CheckResult", "find_conflicts", "conflict_records", "at_or_above", "RecordColumns", "record_columns"]


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


#: The keys of a conflict record before its sides, in output order.
RECORD_FIELDS = [
    "fingerprint", "rule", "severity", "kind", "subject", "property", "scope", "explanation", "suggestion",
    "status", "decision", "internal", "independent_sources", "sources",
]
#: The keys of a claim's evidence, in output order (``span`` is ``[span_start, span_end]``).
EVIDENCE_FIELDS = ["id", "source", "document", "quote", "span", "file", "line", "language", "as_of"]


@dataclass(frozen=True)
class RecordColumns:
    """The conflict records of a conflicts table, column by column."""

    fields: dict[str, list[Any]]
    """Per :data:`RECORD_FIELDS` key, the value of each conflict (``sources``: the conflicts
    table's own lists, not copies)."""
    sides: FlatSides
    """The sides of all conflicts (value and label; their claim ids are in ``sides.claim_ids``)."""
    side_claims: np.ndarray
    """Per side: how many claims its record lists (claims the table does not have are left out)."""
    evidence: dict[str, np.ndarray]
    """Per :data:`EVIDENCE_FIELDS` key (``span`` as ``span_start`` and ``span_end``), the value
    of each claim listed, side after side (object arrays with ``None`` for missing values)."""


def _column(frame: pd.DataFrame, name: str) -> list[Any]:
    """A column as a list (``None`` throughout when the frame has no such column)."""
    return frame[name].tolist() if name in frame else [None] * len(frame)


def _conflict_fields(conflicts: pd.DataFrame) -> dict[str, list[Any]]:
    """The record fields of each conflict (everything but the sides), by :data:`RECORD_FIELDS` key."""
    fields = {name: _column(conflicts, name) for name in RECORD_FIELDS[:6]}
    fields["scope"] = _missing_as_none(conflicts["scope"]).tolist()
    for name in ("explanation", "suggestion", "status", "decision"):
        fields[name] = _column(conflicts, name)
    fields["internal"] = [bool(v) for v in _column(conflicts, "internal")]
    fields["independent_sources"] = [int(v) for v in _column(conflicts, "independent")]
    fields["sources"] = _column(conflicts, "sources")
    return fields


def _missing_as_none(values: pd.Series) -> np.ndarray:
    """The values as an object array, ``None`` for the missing ones (None, NaN, NA)."""
    return values.to_numpy(dtype=object, na_value=None)


def _evidence(claims: pd.DataFrame, rows: np.ndarray) -> dict[str, np.ndarray]:
    """The evidence fields of the claims at ``rows`` (positions in ``claims``)."""

    def column(name: str) -> pd.Series:
        return claims[name].take(rows)

    return {
        "id": column("claim_id").to_numpy(dtype=object),
        "source": column("source").to_numpy(dtype=object),
        "document": column("document").to_numpy(dtype=object),
        "quote": column("quote").to_numpy(dtype=object),
        "span_start": column("span_start").to_numpy(dtype=np.int64),
        "span_end": column("span_end").to_numpy(dtype=np.int64),
        "file": column("file").to_numpy(dtype=object),
        "line": _missing_as_none(column("line")),
        "language": column("language").to_numpy(dtype=object),
        "as_of": _missing_as_none(column("as_of")),
    }


def record_columns(conflicts: pd.DataFrame, claims: pd.DataFrame) -> RecordColumns:
    """The records of ``conflicts`` column by column (see :class:`RecordColumns`)."""
    with collector_paused():
        sides = flatten_sides(conflicts["sides"])
        fields = _conflict_fields(conflicts)
    rows = claim_positions(claims, sides.claim_ids)
    kept = rows >= 0
    side_claims = np.bincount(sides.claim_side[kept], minlength=sides.n_sides)
    return RecordColumns(fields, sides, side_claims, _evidence(claims, rows[kept]))


def conflict_records(conflicts: pd.DataFrame, claims: pd.DataFrame) -> list[dict[str, Any]]:
    """The conflicts as JSON-ready dicts, claims expanded with their evidence."""
    if conflicts.empty:
        return []
    cols = record_columns(conflicts, claims)
    with collector_paused():
        return _records(cols, len(conflicts))


def _records(cols: RecordColumns, n_conflicts: int) -> list[dict[str, Any]]:
    """The dicts of :func:`conflict_records` from the record columns."""
    ev = {key: values.tolist() for key, values in cols.evidence.items()}
    evidence = [
        {"id": i, "source": s, "document": d, "quote": q, "span": [a, b], "file": f, "line": n, "language": g, "as_of": t}
        for i, s, d, q, a, b, f, n, g, t in zip(
            ev["id"], ev["source"], ev["document"], ev["quote"], ev["span_start"], ev["span_end"],
            ev["file"], ev["line"], ev["language"], ev["as_of"],
        )
    ]
    ends = np.cumsum(cols.side_claims).tolist()
    sides = [
        {"value": v, "label": lbl, "claims": evidence[a:b]}
        for v, lbl, a, b in zip(cols.sides.values, cols.sides.labels, [0, *ends[:-1]], ends)
    ]
    side_ends = np.cumsum(np.bincount(cols.sides.conflict, minlength=n_conflicts)).tolist()
    fields = {**cols.fields, "sources": [list(s) for s in cols.fields["sources"]]}
    records = [dict(zip(RECORD_FIELDS, values)) for values in zip(*(fields[key] for key in RECORD_FIELDS))]
    for record, a, b in zip(records, [0, *side_ends[:-1]], side_ends):
        record["sides"] = sides[a:b]
    return records
