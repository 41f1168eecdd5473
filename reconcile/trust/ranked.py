"""Conflicts found and ranked: the rules and the source graph over a validated workspace.

:func:`find_conflicts` discovers the rules (built-in and the workspace's own), reads their
configuration, runs them (:func:`reconcile.detect.engine.run_rules`) while the source graph
is built on a second core, and ranks the conflicts with the graph's suggestions; it returns
them in a :class:`CheckResult` together with the rule metadata used. The graph and the
suggestions read the settings the rules publish (:class:`~reconcile.detect.rulekit.RunSettings`),
never a rule's options.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from reconcile.detect.engine import run_rules
from reconcile.trust.graph import SourceGraph, build_source_graph
from reconcile.trust.suggestions import RankedSides, rank_conflicts_with_sides
from reconcile.base.problems import Problems
from reconcile.detect.rulekit import (
    RuleConfig,
    RuleContext,
    RuleInfo,
    RunSettings,
    discover_rules,
    load_config,
    published_settings,
)
from reconcile.base.threads import in_background, worth_a_thread
from reconcile.validate.claims import Workspace

__all__ = ["CheckResult", "find_conflicts"]

@dataclass
class CheckResult:
    """The conflicts of one run, with the rules and configuration that produced them."""

    conflicts: pd.DataFrame
    rules: dict[str, RuleInfo]
    configs: dict[str, RuleConfig]
    settings: dict[str, Any]
    graph: SourceGraph
    sides: RankedSides | None = None
    """The conflicts' sides as the graph stage flattened them, with their claims' rows, for
    the report to reuse (see :func:`record_columns`); ``None`` to compute them afresh."""
    run_settings: RunSettings = field(default_factory=RunSettings)
    """The settings the enabled rules published (:func:`~reconcile.detect.rulekit.published_settings`)."""


def find_conflicts(ws: Workspace, problems: Problems, claims: pd.DataFrame | None = None) -> CheckResult:
    """Run every enabled rule over ``claims`` (default: all the workspace's claims)."""
    claims = ws.claims if claims is None else claims
    rules = discover_rules(ws.root, problems)
    configs, settings = load_config(ws.root, rules, problems)
    run_settings = published_settings(rules, configs, problems)
    ctx = RuleContext(
        registry=ws.registry,
        sources=ws.sources,
        all_claims=claims,
        label=ws.gazetteer.label,
    )
    # the source graph reads the claims only: it is built on a second core while the rules run
    pending = in_background(
        build_source_graph, claims, ws.sources, run_settings.about_margin, wanted=worth_a_thread(len(claims))
    )
    conflicts = run_rules(claims, ctx, rules, configs, problems)
    graph = pending.result()
    ranked = rank_conflicts_with_sides(conflicts, claims, graph, ws.claim_index if claims is ws.claims else None)
    conflicts = ranked.conflicts
    conflicts["status"] = "new"
    return CheckResult(conflicts, rules, configs, settings, graph, ranked.sides, run_settings)

