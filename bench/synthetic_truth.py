"""Synthetic multi-source data with known source accuracies and known copiers (each item's
values labelled in a random order, so that no method gains from breaking ties by value order).

:func:`generate` draws, for ``n_items`` items with a true value each, one claim per
(source, item) covered: the true value with the source's accuracy, otherwise one of
``n_false`` wrong values (a few wrong values are more popular than others, as in real
data). Copiers repeat their original's value (errors included) on ``copy_rate`` of the
items both cover. Everything is numpy; a million claims take well under a second.

:func:`generate_long_tail` draws the long tail of the web: thousands of small sources with
1-3 claims each and a few large ones, all with known accuracies.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["generate", "generate_long_tail"]


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
    # each item's values are labelled in a random order (its own generator, so the claims are
    # the same as before): breaking ties by value order gains nothing
    shift = np.random.default_rng(seed + 1_000_003).integers(0, n_false + 1, n_items)
    claims = pd.DataFrame(
        {
            "source": pd.Categorical.from_codes(src_idx, [f"s{i:03d}" for i in range(n_sources)]),
            "item": item_idx.astype(np.int64),
            "value": ((value[src_idx, item_idx] + shift[item_idx]) % (n_false + 1)).astype(np.int64),
        }
    )
    truth = pd.Series(shift, index=pd.RangeIndex(n_items), name="truth")
    ok = claims["value"].to_numpy() == shift[claims["item"].to_numpy()]
    measured = claims.assign(ok=ok).groupby("source", observed=True)["ok"].mean()
    return claims, truth, measured, copiers


def generate_long_tail(
    n_items: int = 5000,
    n_large: int = 30,
    n_small: int = 5000,
    large_claims: tuple[int, int] = (20, 1500),
    n_false: int = 5,
    seed: int = 0,
) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Return ``(claims, truth, accuracy)`` for a long-tail set.

    ``n_large`` sources state between ``large_claims`` items each (log-uniform), with
    accuracies uniform in 0.3-0.95; ``n_small`` sources state 1-3 items each with accuracies
    uniform in 0.2-1.0 (so some are perfect on their few claims by chance and luck). Wrong
    values are Zipf-like among ``n_false``. ``accuracy`` is each source's measured accuracy on
    its own claims (index: source). Each item's values are labelled in a random order (its
    true value is ``truth``), so breaking ties by value order gains nothing.
    """
    rng = np.random.default_rng(seed)
    lo, hi = np.log(large_claims[0]), np.log(large_claims[1])
    large_n = np.exp(rng.uniform(lo, hi, n_large)).astype(np.int64)
    small_n = rng.integers(1, 4, n_small)
    per_source = np.concatenate([large_n, small_n])
    acc = np.concatenate([rng.uniform(0.3, 0.95, n_large), rng.uniform(0.2, 1.0, n_small)])
    names = np.array([f"L{i:03d}" for i in range(n_large)] + [f"t{i:05d}" for i in range(n_small)])
    src = np.repeat(np.arange(len(per_source)), per_source)
    # distinct items within a source: a random offset and stride modulo n_items
    start = rng.integers(0, n_items, len(per_source))[src]
    rank = np.arange(len(src)) - np.repeat(np.cumsum(per_source) - per_source, per_source)
    item = (start + rank * 7919) % n_items
    correct = rng.random(len(src)) < acc[src]
    p = 1.0 / np.arange(1, n_false + 1)
    p /= p.sum()
    wrong = rng.choice(np.arange(1, n_false + 1), size=len(src), p=p)
    value = np.where(correct, 0, wrong)
    # each item's values are labelled in a random order, so that no method gains from
    # breaking ties by value order (the true value is not always the smallest code)
    shift = rng.integers(0, n_false + 1, n_items)
    labelled = (value + shift[item]) % (n_false + 1)
    claims = pd.DataFrame({"source": names[src], "item": item.astype(np.int64), "value": labelled.astype(np.int64)})
    claims = claims.drop_duplicates(["source", "item"]).reset_index(drop=True)
    items = np.unique(claims["item"])
    truth = pd.Series(shift[items], index=pd.Index(items), name="truth")
    measured = claims.assign(ok=claims["value"].to_numpy() == shift[claims["item"].to_numpy()]).groupby("source")["ok"].mean()
    return claims, truth, measured
