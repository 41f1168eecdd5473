"""The source graph computed over blocks of claims: the in-process engine's one block, or
the Dask engine's partitions.

A **block** holds every claim of each of its subjects, so every item (a claim key: subject,
property, time scope) lies in one block. :class:`GraphBlock` does the per-item work of
:func:`reconcile.trust.graph.build_source_graph` on one block: the item rows and their
encoding, value similarity, split weights, the item step of the truth model
(:class:`reconcile.trust.model_steps.ItemStep`), the agreement counts per pair of sources
and the dependence weights. :func:`graph_over_blocks` does the rest, over all blocks at
once: the source step of each round, the reduction of the pair counts, the dependence
groups and the graph's nodes. It reaches the blocks through one function, ``each(method,
*args)``, that calls a method of every block and returns the results in block order: a
plain call for one block in process, tasks on the workers holding the partitions for Dask.
Every sum that crosses blocks is exact (fixed-point limbs, integer counts), so the result
does not depend on how the claims were split.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reconcile.normalize.quantities import ABOUT_MARGIN
from reconcile.trust.dependence import claim_weights, dependence_groups, pair_counts, pair_table
from reconcile.trust.model import (
    GROUP_STRENGTH,
    PRIOR_MEAN,
    PRIOR_STRENGTH,
    TRUST_Z,
    TruthResult,
    _winners,
    block_result,
    encode,
    split_weights,
)
from reconcile.trust.model_steps import BlockTotals, Credit, ItemStep, ModelSettings, SourceStep, drive, total_over

__all__ = ["GraphBlock", "GraphParts", "graph_over_blocks", "merge_pair_counts", "in_process", "MODEL_SETTINGS"]

#: The settings of the graph's truth model: :func:`reconcile.trust.model.reconcile_model`'s defaults.
MODEL_SETTINGS = ModelSettings(PRIOR_STRENGTH, PRIOR_MEAN, GROUP_STRENGTH, iterations=100, tol=1e-6)

#: ``each(method, *args)``: call ``GraphBlock.<method>(*args)`` on every block; the results in block order.
Each = Callable[..., list]


class GraphBlock:
    """The per-item work of the source graph on one block of claims (all claims of each of
    its subjects); :meth:`bind` gives it the sources common to all blocks."""

    def __init__(self, claims: pd.DataFrame, about_margin: float = ABOUT_MARGIN) -> None:
        from reconcile.trust.graph import _implications, _item_rows

        item_rows = _item_rows(claims)
        self.claims = claims
        self.item_rows = item_rows
        self.rows = item_rows.rows
        self.enc = item_rows.encoded()
        #: the item rows as a table, when a source or value is missing (the steps read its strings)
        self.table = item_rows.table(claims) if self.enc is None else None
        self.shared = encode(self.table) if self.enc is None else self.enc
        self.implications = _implications(claims, self.rows, self.shared, about_margin)
        self.split = split_weights(self.shared)  # a source's several values for one item count as one answer
        self.source_of_code = np.arange(self.shared.n_sources)
        self.n_sources = self.shared.n_sources
        self.step: ItemStep | None = None

    def release_claims(self) -> None:
        """Keep of the claims only what the block still reads (their dates, for the pair
        counts): an engine that holds many blocks at once frees the rest."""
        dates = [c for c in ("date_start", "date_end") if c in self.claims]
        self.claims = self.claims[dates].copy()
        self.item_rows = None

    # --- sources ---------------------------------------------------------------------------

    def source_names(self) -> np.ndarray:
        """The block's sources (sorted)."""
        return np.asarray(self.shared.sources, dtype=object)

    def bind(self, sources: np.ndarray) -> None:
        """Number the block's sources by their position among ``sources`` (sorted, common
        to all blocks)."""
        self.source_of_code = pd.Index(sources).get_indexer(self.shared.sources).astype(np.int64)
        self.n_sources = len(sources)

    def claims_per_source(self) -> np.ndarray:
        """The number of claims of each common source in this block."""
        return np.bincount(self.source_of_code[self.shared.source], minlength=self.n_sources)

    # --- the truth model ---------------------------------------------------------------------

    def start_model(self, groups: pd.Series | None) -> None:
        """Start a run of the truth model: without ``groups`` with the split weights only
        (the first run), with them also counting dependent sources once (the second)."""
        weight = self.split
        if groups is not None:
            weight = claim_weights(self.table, groups, encoded=self.enc) * self.split
        self.step = ItemStep(
            self.shared,
            source_of_code=self.source_of_code,
            n_sources=self.n_sources,
            claim_weight=weight,
            implications=self.implications,
        )

    def totals(self) -> BlockTotals:
        return self.step.totals()

    def credit(self) -> Credit:
        return self.step.credit()

    def advance(self, accuracy: np.ndarray, group_accuracy: np.ndarray | None, last: bool) -> Credit | None:
        return self.step.advance(accuracy, group_accuracy, last)

    def truth(self, source: SourceStep, done: int, sources: np.ndarray) -> TruthResult:
        """The model's result on this block's items (trust and accuracy: of all ``sources``)."""
        return block_result(self.step, source, done, pd.Index(sources))

    # --- agreement between sources ---------------------------------------------------------------

    def pair_counts(self) -> tuple[np.ndarray, np.ndarray]:
        """Per pair of common sources sharing items of this block (code ``a * n + b``, sorted),
        the agreement counts, judged against the values the current run believes."""
        win = _winners(self.shared, self.step.prob)
        if self.enc is not None:
            pair, totals, names = pair_counts(self.claims, self.enc, win, positions=self.rows)
        else:
            believed = self.shared.values.iloc[win].set_index("item")["value"]
            pair, totals, names = pair_counts(self.table, None, believed)
        width = max(len(names), 1)
        code = pd.Index(self.source_names()).get_indexer(names)
        common = self.source_of_code[code] if len(code) else code
        a, b = common[pair // width], common[pair % width]
        return a.astype(np.int64) * max(self.n_sources, 1) + b, totals


def merge_pair_counts(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """The pair counts of several blocks added pair by pair (exact: integers), sorted by pair."""
    pair = np.concatenate([p for p, _ in parts])
    totals = np.concatenate([t for _, t in parts])
    codes, slot = np.unique(pair, return_inverse=True)
    summed = np.column_stack([np.bincount(slot, weights=totals[:, k], minlength=len(codes)) for k in range(totals.shape[1])])
    return codes, summed.reshape(len(codes), totals.shape[1])


@dataclass
class GraphParts:
    """What the source graph holds for all blocks together."""

    sources: np.ndarray
    """The sources that have claims, sorted (the common numbering of the blocks)."""
    trust: pd.Series
    groups: pd.Series
    pairs: pd.DataFrame
    claims_per_source: pd.Series
    second: SourceStep
    """The second run's source step (accuracies, trust interval) and its number of rounds."""
    rounds: int


def graph_over_blocks(each: Each, sources: pd.DataFrame) -> GraphParts:
    """Trust, dependence and pair statistics of all blocks, reached through ``each``: two
    runs of the truth model (the second counting dependent sources once), the agreement
    counts per pair of sources after the first, and the dependence groups."""
    names = np.array(sorted(set().union(*(set(n) for n in each("source_names")))), dtype=object)
    each("bind", names)
    declared = [(s, d) for s, d in zip(sources["source"], sources["derived_from"]) if isinstance(d, str) and d]
    source_ids = sorted(sources["source"])

    def run_model(groups: pd.Series | None) -> tuple[SourceStep, int]:
        each("start_model", groups)

        def advance(accuracy: np.ndarray, group_accuracy: np.ndarray | None, last: bool) -> Credit | None:
            parts = each("advance", accuracy, group_accuracy, last)
            return None if last else total_over(parts)

        return drive(
            lambda: total_over(each("totals")), lambda: total_over(each("credit")), advance, MODEL_SETTINGS
        )

    run_model(None)
    pair, totals = merge_pair_counts(each("pair_counts"))
    pairs = pair_table(pair, totals, names, declared)
    groups = dependence_groups(source_ids, pairs)
    second, rounds = run_model(groups)
    low, _ = second.interval(TRUST_Z)
    trust = pd.Series(low, index=pd.Index(names), name="trust").reindex(source_ids).fillna(0.0)
    per = pd.Series(np.sum(each("claims_per_source"), axis=0).astype(np.int64), index=pd.Index(names))
    return GraphParts(names, trust, groups, pairs, per, second, rounds)


def in_process(block: GraphBlock) -> Each:
    """``each`` over one block, in this process."""

    def each(method: str, *args):
        return [getattr(block, method)(*args)]

    return each

