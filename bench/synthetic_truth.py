"""Synthetic multi-source data with known source accuracies and known copiers.

:func:`generate` draws, for ``n_items`` items with a true value each, one claim per
(source, item) covered: the true value with the source's accuracy, otherwise one of
``n_false`` wrong values (a few wrong values are more popular than others, as in real
data). Copiers repeat their original's value (errors included) on ``copy_rate`` of the
items both cover. Everything is numpy; a million claims take well under a second.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["generate"]


def generate(
    n_sources: int = 50,
    n_items: int = 2000,
    n_false: int = 5,
    coverage: float = 0.6,
    n_copiers: int = 5,
    copy_rate: float = 0.9,
    seed: int = 0,
) -> tuple[pd.DataFrame, pd.Series, pd.Series, dict[str, str]]:
    """Return ``(claims, truth, accuracy, copiers)``.

    ``claims``: source, item, value; ``truth``: item → true value; ``accuracy``: source →
    its true accuracy (for copiers, measured on their claims); ``copiers``: copier → original.
    """
    rng = np.random.default_rng(seed)
    accuracy = rng.uniform(0.3, 0.95, n_sources)
    covered = rng.random((n_sources, n_items)) < coverage
    correct = rng.random((n_sources, n_items)) < accuracy[:, None]
    # popular wrong answers: a Zipf-like choice among n_false wrong values
    p = 1.0 / np.arange(1, n_false + 1)
    p /= p.sum()
    wrong = rng.choice(np.arange(1, n_false + 1), size=(n_sources, n_items), p=p)
    value = np.where(correct, 0, wrong)
    copiers: dict[str, str] = {}
    originals = rng.choice(n_sources - n_copiers, size=n_copiers, replace=False)
    for k, orig in enumerate(originals):
        cop = n_sources - n_copiers + k
        copy_mask = covered[orig] & (rng.random(n_items) < copy_rate)
        covered[cop] |= copy_mask
        value[cop] = np.where(copy_mask, value[orig], value[cop])
        copiers[f"s{cop:03d}"] = f"s{orig:03d}"
    src_idx, item_idx = np.nonzero(covered)
    claims = pd.DataFrame(
        {
            "source": pd.Categorical.from_codes(src_idx, [f"s{i:03d}" for i in range(n_sources)]),
            "item": item_idx.astype(np.int64),
            "value": value[src_idx, item_idx].astype(np.int64),
        }
    )
    truth = pd.Series(0, index=pd.RangeIndex(n_items), name="truth")
    measured = claims.assign(ok=claims["value"].eq(0)).groupby("source", observed=True)["ok"].mean()
    return claims, truth, measured, copiers
