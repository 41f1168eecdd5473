"""The default truth model in two halves: an item step and a source step.

:func:`reconcile.trust.model.reconcile_model` alternates two kinds of work:

* the **item step** (:class:`ItemStep`), on claims: from each source's accuracy, the votes
  for each value, their softmax within each item, and each value's credit; then, per
  source, the sums of its claims' credit. An item's claims never leave the block that holds
  them (items are keyed by subject), so a block of items computes all of this alone;
* the **source step** (:class:`SourceStep`), on the per-source sums of every block: each
  source's accuracy, shrunk towards the average of sources of its size, and (with item
  groups) its accuracy per group.

The in-process engine runs the two on one block (:func:`drive`); the Dask engine
(:mod:`reconcile.dask_engine`) runs the item step on every partition of the claims and the
source step on the client, each round, with the same :func:`drive`. One implementation,
two drivers.

**Sums that do not depend on the blocks.** Floating-point addition is not associative: the
per-source sums of several blocks added together differ in their last bits from the sum of
one block, and a last bit can move a tie or the round at which the iteration stops. So the
per-source sums are *fixed-point*: each summand (a weight or a credit, in [0, 1]) is split
into :data:`LIMBS` integer limbs of :data:`LIMB_BITS` bits (three 21-bit fractions, a
resolution of 2**-63), and the limbs are summed per source as floats holding integers,
which is exact below 2**53 (up to 2**32 claims per source). The
sums of the limbs are therefore the same whatever the blocks and the order of their
reduction, and so is the total read from them (:func:`fixed_total`). The only rounding
left is each summand's, once, to 2**-63, far below anything the model resolves.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "LIMBS",
    "LIMB_BITS",
    "fixed_sums",
    "fixed_total",
    "BlockTotals",
    "ItemStep",
    "SourceStep",
    "ModelSettings",
    "drive",
    "total_over",
]

#: Bits per limb of a fixed-point sum, and the number of limbs: three 21-bit fractions,
#: a resolution of 2**-63.
LIMB_BITS = 21
LIMBS = 3
_SCALE = float(1 << LIMB_BITS)
#: Summands must be in [0, FIXED_MAX] (a weight, a credit or a probability is at most 1).
FIXED_MAX = 1.0


def fixed_sums(codes: np.ndarray, values: np.ndarray, minlength: int) -> np.ndarray:
    """Per code ``0 .. minlength - 1``, the sum of its ``values`` as fixed-point limbs: an
    array of shape (:data:`LIMBS`, ``minlength``) of floats holding integers (each below
    2**21 per summand, so a sum of up to 2**32 summands is exact).

    ``values`` must lie in [0, :data:`FIXED_MAX`] (not checked here: the model's weights
    are checked once, its credits are probabilities). Limbs of several blocks are added
    with ``+``, exactly, in any order; :func:`fixed_total` reads the sum.
    """
    rest = np.multiply(values, _SCALE, dtype=float)
    out = np.empty((LIMBS, minlength))
    for k in range(LIMBS):
        limb = np.rint(rest) if k == LIMBS - 1 else np.floor(rest)
        out[k] = np.bincount(codes, weights=limb, minlength=minlength)
        if k < LIMBS - 1:
            rest -= limb  # exact: the fraction
            rest *= _SCALE  # exact: a power of two
    return out


def fixed_total(limbs: np.ndarray) -> np.ndarray:
    """The sums held by fixed-point ``limbs`` (:func:`fixed_sums`), as floats: a function of
    the limbs alone, so the same whatever blocks they were summed from."""
    total = limbs[LIMBS - 1]
    for k in range(LIMBS - 2, -1, -1):
        total = limbs[k] + total / _SCALE
    return total / _SCALE


def _sums(codes: np.ndarray, weights: np.ndarray | None, minlength: int = 0) -> np.ndarray:
    """``np.bincount`` with weights, always as floats."""
    return np.bincount(codes, weights=weights, minlength=minlength).astype(float, copy=False)


@dataclass
class BlockTotals:
    """What the source step needs once, summed over blocks: per source, the weight of its
    claims, the weight of its claims on items another source also states (its evidence)
    and its number of claims; per (source, group), the weight of its claims."""

    weight: np.ndarray
    evidence: np.ndarray
    claims: np.ndarray
    group_weight: np.ndarray | None = None

    def __add__(self, other: BlockTotals) -> BlockTotals:
        return BlockTotals(
            self.weight + other.weight,
            self.evidence + other.evidence,
            self.claims + other.claims,
            None if self.group_weight is None else self.group_weight + other.group_weight,
        )


@dataclass
class Credit:
    """One round's per-source sums of credit (fixed-point limbs), and per (source, group)."""

    correct: np.ndarray
    group_correct: np.ndarray | None = None

    def __add__(self, other: Credit) -> Credit:
        return Credit(
            self.correct + other.correct,
            None if self.group_correct is None else self.group_correct + other.group_correct,
        )


@dataclass(frozen=True)
class ModelSettings:
    """The options of :func:`reconcile.trust.model.reconcile_model` that the source step reads."""

    prior_strength: float
    prior_mean: float | None
    group_strength: float
    iterations: int
    tol: float


class ItemStep:
    """The item half of the default model over one block of items: all the claims of each
    of its items (encoded by :func:`reconcile.trust.model.encode` or ``encode_codes``).

    ``source_of_code`` maps the block's source codes to positions among ``n_sources``
    sources common to all blocks (the identity for a single block); ``group_of_item``
    (with ``n_groups``) gives each item of the block a group common to all blocks.
    """

    def __init__(
        self,
        enc,
        *,
        source_of_code: np.ndarray | None = None,
        n_sources: int | None = None,
        claim_weight: np.ndarray | None = None,
        implications: pd.DataFrame | None = None,
        rho: float = 0.5,
        group_of_item: np.ndarray | None = None,
        n_groups: int = 0,
    ) -> None:
        from reconcile.trust.model import _implication_arrays

        self.enc = enc
        self.n_sources = enc.n_sources if n_sources is None else int(n_sources)
        self.src = enc.source if source_of_code is None else np.asarray(source_of_code, dtype=np.int64)[enc.source]
        self.w = np.ones(len(enc.value)) if claim_weight is None else np.asarray(claim_weight, dtype=float)
        if len(self.w) and not (self.w.min() >= 0.0 and self.w.max() <= FIXED_MAX):  # NaN fails too
            raise ValueError(f"claim weights must lie in [0, {FIXED_MAX:g}]")
        self.n_items = len(enc.items)
        self.imp_from, self.imp_to, self.imp_w = _implication_arrays(implications)
        self.rho = rho
        n_stated = np.bincount(enc.value_item, minlength=self.n_items).astype(float)
        self.n_claim = n_stated[enc.value_item[enc.value]]
        self.support = _sums(enc.value, self.w, minlength=enc.n_values)
        item_support = _sums(enc.value_item, self.support, minlength=self.n_items)[enc.value_item]
        self.prob = np.divide(self.support, item_support, out=np.zeros_like(self.support), where=item_support > 0)
        self.n_groups = int(n_groups)
        self.claim_group = None
        if group_of_item is not None:
            self.claim_group = self.src * self.n_groups + np.asarray(group_of_item, dtype=np.int64)[enc.value_item[enc.value]]

    def totals(self) -> BlockTotals:
        """The block's share of :class:`BlockTotals`."""
        enc = self.enc
        # the evidence of a claim: its item is stated by another source too
        sources_of_item = np.bincount(
            np.unique(enc.value_item[enc.value] * enc.n_sources + enc.source) // max(enc.n_sources, 1),
            minlength=self.n_items,
        )
        shared = sources_of_item[enc.value_item[enc.value]] > 1
        group_weight = None
        if self.claim_group is not None:
            group_weight = fixed_sums(self.claim_group, self.w, self.n_sources * self.n_groups)
        return BlockTotals(
            fixed_sums(self.src, self.w, self.n_sources),
            fixed_sums(self.src, self.w * shared, self.n_sources),
            np.bincount(self.src, minlength=self.n_sources),
            group_weight,
        )

    def credit(self) -> Credit:
        """Per source (and per (source, group)), the summed credit of its claims' values."""
        credit = _credit(self.prob, self.imp_from, self.imp_to, self.imp_w)
        earned = self.w * credit[self.enc.value]
        group = None
        if self.claim_group is not None:
            group = fixed_sums(self.claim_group, earned, self.n_sources * self.n_groups)
        return Credit(fixed_sums(self.src, earned, self.n_sources), group)

    def vote(self, accuracy: np.ndarray, group_accuracy: np.ndarray | None = None) -> None:
        """The values' probabilities from the sources' accuracies (per (source, group), when
        the items have groups): Accu's vote, value similarity, softmax within each item."""
        enc = self.enc
        acc = accuracy[self.src] if group_accuracy is None else group_accuracy[self.claim_group]
        acc = np.clip(acc, _EPS, 1 - _EPS)
        votes = _sums(enc.value, self.w * np.log(self.n_claim * acc / (1 - acc)), minlength=enc.n_values)
        if len(self.imp_w):
            votes = votes + self.rho * _sums(self.imp_to, self.imp_w * votes[self.imp_from], minlength=enc.n_values)
        # softmax within each item, with one unstated value of vote 0
        top = np.zeros(self.n_items)
        np.maximum.at(top, enc.value_item, votes)
        e = np.exp(votes - top[enc.value_item])
        total = _sums(enc.value_item, e, minlength=self.n_items) + np.exp(-top)
        self.prob = e / total[enc.value_item]

    def advance(self, accuracy: np.ndarray, group_accuracy: np.ndarray | None = None, last: bool = False) -> Credit | None:
        """One round on this block: :meth:`vote`, then (unless it is the ``last``)
        :meth:`credit` for the next round."""
        self.vote(accuracy, group_accuracy)
        return None if last else self.credit()


_EPS = 1e-6


def _credit(prob: np.ndarray, imp_from: np.ndarray, imp_to: np.ndarray, imp_w: np.ndarray) -> np.ndarray:
    """How right each value is: its probability plus the probability of the values that
    imply it, by the implications' weights, at most 1."""
    if not len(imp_w):
        return prob
    return np.minimum(prob + _sums(imp_to, imp_w * prob[imp_from], minlength=len(prob)), 1.0)


class SourceStep:
    """The source half of the default model: accuracies from the per-source sums of all
    blocks (:class:`BlockTotals` once, :class:`Credit` each round)."""

    def __init__(self, totals: BlockTotals, settings: ModelSettings, n_groups: int = 0) -> None:
        self.settings = settings
        self.weight = fixed_total(totals.weight)
        self.evidence = fixed_total(totals.evidence)
        self.claims = totals.claims
        self.n_groups = n_groups
        self.group_weight = None if totals.group_weight is None else fixed_total(totals.group_weight)
        # sources of about the same number of claims (1-3, 4-15, 16-63, …) share a prior mean
        self.size_class = np.floor(np.log(np.maximum(self.weight, 1.0)) / np.log(4.0) + 1e-9).astype(np.int64)
        self.n_classes = int(self.size_class.max(initial=0)) + 1
        self.accuracy = np.zeros(len(self.weight))

    def update(self, credit: Credit) -> tuple[np.ndarray, np.ndarray | None, float]:
        """The new accuracies (per source, and per (source, group) when there are groups)
        from a round's credit, and the largest change of a source's accuracy."""
        s = self.settings
        correct = fixed_total(credit.correct)
        if s.prior_mean is not None:
            mean = s.prior_mean
        else:  # empirical Bayes: the average accuracy of sources of the same size
            mean = np.clip(
                _sums(self.size_class, correct, minlength=self.n_classes)
                / np.maximum(_sums(self.size_class, self.weight, minlength=self.n_classes), _EPS),
                0.05,
                0.95,
            )[self.size_class]
        new_accuracy = (correct + s.prior_strength * mean) / (self.weight + s.prior_strength)
        group_accuracy = None
        if credit.group_correct is not None:
            correct_g = fixed_total(credit.group_correct)
            of_group = np.repeat(new_accuracy, self.n_groups)
            group_accuracy = (correct_g + s.group_strength * of_group) / (self.group_weight + s.group_strength)
        delta = float(np.abs(new_accuracy - self.accuracy).max()) if len(self.accuracy) else 0.0
        self.accuracy = new_accuracy
        return new_accuracy, group_accuracy, delta

    def interval(self, z: float) -> tuple[np.ndarray, np.ndarray]:
        """The low and high ends of each source's trust interval: a normal approximation of
        its Beta posterior, as wide as its evidence is thin."""
        spread = z * np.sqrt(self.accuracy * (1 - self.accuracy) / (self.evidence + 1))
        return np.clip(self.accuracy - spread, 0.0, 1.0), np.clip(self.accuracy + spread, 0.0, 1.0)


def drive(
    totals: Callable[[], BlockTotals],
    credit: Callable[[], Credit],
    advance: Callable[[np.ndarray, np.ndarray | None, bool], Credit | None],
    settings: ModelSettings,
    n_groups: int = 0,
) -> tuple[SourceStep, int]:
    """Iterate the model: ``totals()``, ``credit()`` and ``advance(accuracy, group_accuracy,
    last)`` run the item step on every block (:meth:`ItemStep.totals`, :meth:`ItemStep.credit`,
    :meth:`ItemStep.advance`) and return its sums added over the blocks (``advance`` returns
    None on the ``last`` round). Returns the source step (holding the final accuracies) and
    the number of rounds done.

    Each round pays the sources from the last round's probabilities, then votes anew; it
    stops when no accuracy moves by more than ``settings.tol``.
    """
    source = SourceStep(totals(), settings, n_groups)
    earned = credit()
    done = 0
    for done in range(1, settings.iterations + 1):
        accuracy, group_accuracy, delta = source.update(earned)
        last = delta < settings.tol or done == settings.iterations
        earned = advance(accuracy, group_accuracy, last)
        if last:
            break
    return source, done


def total_over(parts: Sequence):
    """The sum of ``parts`` (:class:`BlockTotals` or :class:`Credit`): exact, so the order
    of the blocks does not matter."""
    out = parts[0]
    for p in parts[1:]:
        out = out + p
    return out
