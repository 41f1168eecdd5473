"""Dependence between sources: declared derivations and detected copying.

Two sources are *dependent* when one is declared ``derived_from`` the other (a translation,
a version of the same press release) or when they share wrong values far more often than
independent sources would: independent sources err in different ways, copiers repeat each
other's errors (Dong, Berti-Equille & Srivastava, "Integrating conflicting data: the role of
source dependence", VLDB 2009).

:func:`pair_statistics` compares every pair of sources on the items both cover (a
self-join on the item, vectorized): shared items, agreements, and *shared errors* (both
give the same value and it is not the believed one). The dependence score of a pair is
the share of the two sources' errors that they make together (a Jaccard index of their
error sets)::

    score = shared_errors / (errors_a + errors_b - shared_errors)

A pair is dependent when the score reaches ``threshold`` with at least ``min_shared_errors``
shared errors, or when it is declared. :func:`dependence_groups` joins dependent sources
into groups (connected components); :func:`claim_weights` then gives each claim the weight
``1 / k`` when k members of one group state the same value, so each group counts once.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

__all__ = ["pair_statistics", "dependence_groups", "claim_weights"]


def pair_statistics(
    claims: pd.DataFrame,
    believed: pd.Series | None = None,
    declared: list[tuple[str, str]] = (),
) -> pd.DataFrame:
    """Per pair of sources sharing items: shared, agree, disagree, shared_errors, score, declared.

    ``claims`` has source, item, value (and optionally date_start/date_end, so that dates
    at different precision agree); ``believed`` maps item → believed value (without
    it, shared errors are not counted and only declared dependence is known).
    """
    cols = ["source", "item", "value"] + [c for c in ("date_start", "date_end") if c in claims]
    base = claims[cols].sort_values(["source", "item", "value"], kind="stable").drop_duplicates(["source", "item"])
    if believed is not None:
        base = base.assign(wrong=base["value"].ne(base["item"].map(believed)) & base["item"].isin(believed.index))
    else:
        base = base.assign(wrong=False)
    pairs = base.merge(base, on="item", suffixes=("_a", "_b"))
    pairs = pairs[pairs["source_a"] < pairs["source_b"]]
    same = pairs["value_a"].eq(pairs["value_b"])
    agree = same
    if "date_start_a" in pairs:
        # dates agree when their intervals overlap (1992 agrees with 1992-05-15)
        overlap = (pairs["date_start_a"] <= pairs["date_end_b"]) & (pairs["date_start_b"] <= pairs["date_end_a"])
        agree = same | overlap.fillna(False).astype(bool)
    pairs = pairs.assign(
        agree=agree,
        shared_error=same & pairs["wrong_a"],
        err_a=pairs["wrong_a"],
        err_b=pairs["wrong_b"],
    )
    stats = pairs.groupby(["source_a", "source_b"], sort=True).agg(
        shared=("item", "size"),
        agree=("agree", "sum"),
        shared_errors=("shared_error", "sum"),
        errors_a=("err_a", "sum"),
        errors_b=("err_b", "sum"),
    )
    stats["disagree"] = stats["shared"] - stats["agree"]
    stats["agreement"] = stats["agree"] / stats["shared"]
    union = stats["errors_a"] + stats["errors_b"] - stats["shared_errors"]
    stats["score"] = np.where(union > 0, stats["shared_errors"] / union.clip(lower=1), 0.0)
    stats = stats.reset_index()
    decl = {tuple(sorted(p)) for p in declared}
    stats["declared"] = [(a, b) in decl for a, b in zip(stats["source_a"], stats["source_b"])]
    missing = [p for p in decl if p not in set(zip(stats["source_a"], stats["source_b"]))]
    if missing:
        extra = pd.DataFrame(missing, columns=["source_a", "source_b"]).assign(
            shared=0, agree=0, shared_errors=0, errors_a=0, errors_b=0, disagree=0, agreement=np.nan, score=0.0,
            declared=True,
        )
        stats = pd.concat([stats, extra], ignore_index=True)
    stats["declared"] = stats["declared"].astype(bool)
    stats["score"] = stats["score"].astype(float).where(~stats["declared"], stats["score"].astype(float).clip(lower=1.0))
    return stats


def dependent_pairs(stats: pd.DataFrame, threshold: float = 0.5, min_shared_errors: int = 3) -> pd.DataFrame:
    """The pairs judged dependent: declared, or detected by shared errors."""
    detected = (stats["score"] >= threshold) & (stats["shared_errors"] >= min_shared_errors)
    return stats[stats["declared"] | detected]


def dependence_groups(sources: list[str], stats: pd.DataFrame, threshold: float = 0.5, min_shared_errors: int = 3) -> pd.Series:
    """Group id (the group's first source id) for every source; independent sources alone."""
    g = nx.Graph()
    g.add_nodes_from(sources)
    dep = dependent_pairs(stats, threshold, min_shared_errors)
    g.add_edges_from(zip(dep["source_a"], dep["source_b"]))
    group = {}
    for component in nx.connected_components(g):
        name = min(component)
        for s in component:
            group[s] = name
    return pd.Series(group, name="group").reindex(sources)


def claim_weights(claims: pd.DataFrame, groups: pd.Series) -> np.ndarray:
    """1/k for each claim whose value is stated by k sources of its dependence group."""
    group = claims["source"].map(groups).fillna(claims["source"])
    counts = claims.assign(_g=group).groupby(["item", "value", "_g"], sort=False)["source"].transform("size")
    return (1.0 / counts).to_numpy(dtype=float)
