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
from reconcile.detect.tables import ConflictTables
from reconcile.trust.suggestions import rank_conflicts
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

    tables: ConflictTables
    """The conflicts ranked worst first, their sides and the claims the sides cite."""
    rules: dict[str, RuleInfo]
    configs: dict[str, RuleConfig]
    settings: dict[str, Any]
    graph: SourceGraph
    run_settings: RunSettings = field(default_factory=RunSettings)
    """The settings the enabled rules published (:func:`~reconcile.detect.rulekit.published_settings`)."""

    @property
    def conflicts(self) -> pd.DataFrame:
        """The conflicts table (one row per conflict, with its suggestion)."""
        return self.tables.conflicts


def find_conflicts(ws: Workspace, problems: Problems, claims: pd.DataFrame | None = None) -> CheckResult:
    """Run every enabled rule over ``claims`` (default: all the workspace's claims), build
    the source graph meanwhile, and rank the conflicts with it."""
    claims = ws.claims if claims is None else claims
    claim_index = ws.claim_index if claims is ws.claims else None
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
    found = run_rules(claims, ctx, rules, configs, problems, claim_index)
    graph = pending.result()
    ranked = rank_conflicts(found, claims, graph, claim_index)
    ranked.conflicts["status"] = "new"
    return CheckResult(ranked, rules, configs, settings, graph, run_settings)

