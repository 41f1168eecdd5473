"""The work of one partition of the claims (every claim of its subjects), on a worker.

A partition runs every rule module, unchanged, on its claims (``RuleContext.all_claims`` is
the partition's claims), holds its block of the source graph
(:class:`reconcile.trust.blocks.GraphBlock`) while the client iterates trust over all
blocks, then ranks its conflicts with the common trust and dependence groups and hands
them back with the claims they cite.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reconcile.base.problems import Problem, Problems
from reconcile.dask_engine.pieces import WorkspaceContext, subject_partition
from reconcile.detect.engine import run_rules
from reconcile.detect.rulekit import RuleContext, published_settings
from reconcile.detect.tables import ConflictTables
from reconcile.trust.blocks import GraphBlock
from reconcile.trust.graph import SourceGraph
from reconcile.trust.suggestions import rank_conflicts

__all__ = ["PartitionWork", "RankedPart", "start_partition", "call_blocks", "claims_of", "rank_partition"]


@dataclass
class RankedPart:
    """A partition's ranked conflicts and the rows of the claims their sides cite."""

    tables: ConflictTables
    evidence: pd.DataFrame
    problems: list[Problem]


class PartitionWork:
    """One partition: its claims, the conflicts its rules found and its graph block."""

    def __init__(
        self, context: WorkspaceContext, sources: pd.DataFrame, index: int, n_partitions: int,
        owned: list[pd.DataFrame], shared: list[pd.DataFrame],
    ) -> None:
        own = _concat(owned)
        # the claims of the context properties of other partitions' subjects, which rules
        # read about the subjects they report on (a membership timeline, an actor's lifetime)
        others = _concat(shared)
        others = others[subject_partition(others["subject"], n_partitions) != index] if len(others) else others
        self.claims = _in_workspace_order(_concat([own, others]) if len(others) else own)
        problems = Problems()
        rules, configs = context.rules()
        self.about_margin = published_settings(rules, configs, problems).about_margin
        ctx = RuleContext(context.registry, sources, self.claims, context.gazetteer().label)
        found = run_rules(self.claims, ctx, rules, configs, problems)
        # a conflict is the partition's of its subject (the others find it too, from the shared claims)
        if len(found) and len(others):
            found = found.in_order(found.conflicts[subject_partition(found.conflicts["subject"], n_partitions) == index])
        self.tables = found
        self.problems = list(problems.items)
        self.block = GraphBlock(own, self.about_margin) if len(own) else None
        if self.block is not None:
            self.block.release_claims()
        self.n_claims = len(own)
        # of the claims, only those the conflicts cite are kept (ranking and the report read them)
        cited = self.tables.side_claims["claim_id"].to_numpy(dtype=object)
        self.claims = self.claims[self.claims["claim_id"].isin(pd.unique(cited))] if len(cited) else self.claims.iloc[:0]

    def rank(self, trust: pd.Series, groups: pd.Series, pairs: pd.DataFrame) -> RankedPart:
        """The partition's conflicts ranked on the common graph (``trust``, ``groups``,
        ``pairs``), with their suggestions, and the claims they cite."""
        sg = SourceGraph(lambda: None, trust, groups, pairs, None, pd.DataFrame(), self.about_margin, None)
        ranked = rank_conflicts(self.tables, self.claims, sg, None)
        ranked.conflicts["status"] = "new"
        return RankedPart(ranked, self.claims, self.problems)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The frames one after the other (the first, when all are empty)."""
    full = [f for f in frames if len(f)] or list(frames[:1])
    return pd.concat(full, ignore_index=True) if len(full) > 1 else full[0].reset_index(drop=True)


def _in_workspace_order(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims in the order validation gives the whole workspace's: by file, line and id."""
    from reconcile.base.frames import sorted_by_file_and_line

    if sorted_by_file_and_line(claims):
        return claims
    return claims.sort_values(["file", "line", "claim_id"], kind="stable").reset_index(drop=True)


def start_partition(
    context: WorkspaceContext, sources: pd.DataFrame, index: int, n_partitions: int, n_pieces: int, *parts: pd.DataFrame
) -> PartitionWork:
    """A task: gather partition ``index``'s claims from every piece (``parts``: the
    ``n_pieces`` pieces' claims of the partition, then their claims of the context
    properties) and run the rules on them."""
    return PartitionWork(context, sources, index, n_partitions, list(parts[:n_pieces]), list(parts[n_pieces:]))


def call_blocks(method: str, args: tuple, *works: PartitionWork) -> list:
    """A task: ``method`` of the graph block of each of ``works`` (partitions held by one
    worker; see :func:`reconcile.trust.blocks.graph_over_blocks`), their results in order."""
    return [getattr(work.block, method)(*args) for work in works]


def claims_of(work: PartitionWork) -> int:
    """A task: the number of claims of the partition."""
    return work.n_claims


def rank_partition(work: PartitionWork, trust: pd.Series, groups: pd.Series, pairs: pd.DataFrame) -> RankedPart:
    """A task: :meth:`PartitionWork.rank`."""
    return work.rank(trust, groups, pairs)
