"""Truth discovery: how far to trust each source, and which value of each item to believe.

Input is a table of claims with three columns, ``source``, ``item`` and ``value`` (an item
is one question with one true answer: a claim key such as (subject, property, scope)).
Everything runs on integer codes with ``numpy.bincount``, so one iteration over a million
claims takes milliseconds.

* :func:`majority_vote` is the baseline: the value most sources state wins (ties go to the
  first value in sorted order).
* :func:`accu` implements Accu (Dong, Berti-Equille & Srivastava, "Integrating Conflicting
  Data: The Role of Source Dependence", VLDB 2009): a probabilistic model in which each source
  has an accuracy ``A`` (the probability that what it states is true); a source votes for
  its value with ``ln(n A / (1 - A))`` (``n`` false values per item), a value's probability
  is the softmax of its votes within its item, and a source's accuracy is the mean
  probability of its values, smoothed with a Beta prior (add-one by default) so that the
  many sources with one or two claims get no accuracy of exactly 0 or 1.
* :func:`pooled_investment` implements PooledInvestment (Pasternack & Roth, "Knowing What
  to Believe (when you already know something)", COLING 2010). Each source invests its
  trust equally in its claims; a value's belief is the pooled investment ``H`` raised to
  ``g`` (1.4) and normalized within its item; a source earns back from each claim its
  share of that value's belief. Trust is rescaled to a maximum of 1 after each iteration.

The product (:mod:`reconcile.trust.graph`) uses PooledInvestment; Accu is the better model of
author lists in the book benchmark (``bench/truth_benchmark.py``). Both take two refinements:

* **Value similarity** (``implications``): a value may lend part of its investment (Accu:
  of its vote count) to a
  similar value of the same item (a date at year precision partly supports the full date
  within it; near quantities support each other), as in TruthFinder (Yin, Han & Yu,
  KDD 2007): ``H*(v) = H(v) + rho * sum(w(u→v) * H(u))``.
* **Dependence** (``claim_weight``): claims of sources that copy each other count once:
  when k dependent sources state the same value, each of their claims weighs 1/k (see
  :mod:`reconcile.trust.dependence`), so a press release and its translation do not outvote a
  third source on their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reconcile.trust.model_steps import ItemStep, ModelSettings, SourceStep, drive

__all__ = [
    "Encoded",
    "encode",
    "encode_codes",
    "TruthResult",
    "majority_vote",
    "pooled_investment",
    "accu",
    "reconcile_model",
    "split_weights",
    "block_result",
]


@dataclass(frozen=True)
class Encoded:
    """Claims as integer codes: claim → source, claim → value, value → item."""

    source: np.ndarray  # per claim
    value: np.ndarray  # per claim, global value code
    value_item: np.ndarray  # per value
    sources: pd.Index
    items: pd.Index
    values: pd.DataFrame  # per value: item, value

    @property
    def n_sources(self) -> int:
        return len(self.sources)

    @property
    def n_values(self) -> int:
        return len(self.value_item)


def _sums(codes: np.ndarray, weights: np.ndarray | None, minlength: int = 0) -> np.ndarray:
    """``np.bincount`` with weights, always as floats (numpy returns integers for an empty
    ``codes``, which the in-place divisions below cannot take)."""
    return np.bincount(codes, weights=weights, minlength=minlength).astype(float, copy=False)


def encode(claims: pd.DataFrame) -> Encoded:
    """Factorize ``source``, ``item`` and (item, value) of a claims table (one pass each)."""
    src_codes, sources = pd.factorize(claims["source"], sort=True)
    item_codes, items = pd.factorize(claims["item"], sort=True)
    val_codes, val_uniques = pd.factorize(claims["value"], sort=True)
    return encode_codes(src_codes, sources, item_codes, items, val_codes, val_uniques)


def encode_codes(
    source: np.ndarray, sources: pd.Index, item: np.ndarray, items: pd.Index, value: np.ndarray, values: pd.Index
) -> Encoded:
    """The :class:`Encoded` claims from their codes: per claim, the codes of its source, item and
    value, each a position in the sorted distinct ``sources``, ``items`` and ``values``, as
    ``pandas.factorize(..., sort=True)`` gives them (what :func:`encode` does with the claims'
    columns; a caller that has the codes already skips hashing the strings again).
    """
    # A value is an (item, value) pair: combine the two codes into one integer key.
    pair = item.astype(np.int64) * (len(values) + 1) + value
    value_codes, pairs = pd.factorize(pair, sort=True)
    pairs = np.asarray(pairs)
    value_item = (pairs // (len(values) + 1)).astype(np.int64)
    value_val = (pairs % (len(values) + 1)).astype(np.int64)
    table = pd.DataFrame({"item": items[value_item], "value": np.asarray(values)[value_val]})
    return Encoded(source.astype(np.int64), value_codes.astype(np.int64), value_item, pd.Index(sources), pd.Index(items), table)


@dataclass
class TruthResult:
    """Trust per source, belief per value, and the believed value of each item."""

    trust: pd.Series  # index: source
    beliefs: pd.DataFrame  # item, value, belief, support
    winners: pd.DataFrame  # item, value, belief
    iterations: int
    accuracy: pd.Series | None = None
    """Per source: the mean belief of the values it states (an estimate of its accuracy,
    comparable across sources, unlike PooledInvestment's relative trust)."""
    winning: np.ndarray | None = None
    """Per item (in the order of :func:`encode`'s items): the code of its believed value, a
    row of ``beliefs`` (``winners`` holds these rows)."""
    trust_interval: pd.DataFrame | None = None
    """Per source, where the model gives one: ``low`` and ``high`` of its trust's interval."""


def _winners(enc: Encoded, score: np.ndarray) -> np.ndarray:
    """Index of the best-scored value of each item (ties: lowest value code)."""
    order = np.lexsort((np.arange(enc.n_values), -score, enc.value_item))
    first = np.ones(len(order), dtype=bool)
    first[1:] = enc.value_item[order][1:] != enc.value_item[order][:-1]
    return order[first]


def _result(
    enc: Encoded,
    trust: np.ndarray,
    belief: np.ndarray,
    support: np.ndarray,
    iterations: int,
    prob: np.ndarray | None = None,
) -> TruthResult:
    beliefs = enc.values.assign(belief=belief, support=support)
    win = _winners(enc, belief)
    winners = beliefs.iloc[win][["item", "value", "belief"]].reset_index(drop=True)
    counts = np.maximum(np.bincount(enc.source, minlength=enc.n_sources), 1)
    prob = belief if prob is None else prob
    accuracy = _sums(enc.source, prob[enc.value], minlength=enc.n_sources) / counts
    return TruthResult(
        pd.Series(trust, index=enc.sources, name="trust"),
        beliefs,
        winners,
        iterations,
        pd.Series(accuracy, index=enc.sources, name="accuracy"),
        win,
    )


def majority_vote(claims: pd.DataFrame, claim_weight: np.ndarray | None = None) -> TruthResult:
    """The value stated by the most sources (or the largest total ``claim_weight``) wins."""
    enc = encode(claims)
    w = np.ones(len(enc.value)) if claim_weight is None else np.asarray(claim_weight, dtype=float)
    support = _sums(enc.value, w, minlength=enc.n_values)
    total = _sums(enc.value_item, support)[enc.value_item]
    belief = np.divide(support, total, out=np.zeros_like(support), where=total > 0)
    win = _winners(enc, support)
    correct = np.zeros(enc.n_values, dtype=bool)
    correct[win] = True
    # A source's trust under voting: the share of its claims that agree with the winners.
    trust = _sums(enc.source, correct[enc.value], minlength=enc.n_sources) / np.maximum(
        np.bincount(enc.source, minlength=enc.n_sources), 1
    )
    return _result(enc, trust, belief, support, 0)


def _implication_arrays(implications: pd.DataFrame | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if implications is None or not len(implications):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
    return (
        implications["from_value"].to_numpy(dtype=np.int64),
        implications["to_value"].to_numpy(dtype=np.int64),
        implications["weight"].to_numpy(dtype=float),
    )


def pooled_investment(
    claims: pd.DataFrame | None,
    *,
    g: float = 1.4,
    iterations: int = 20,
    tol: float = 1e-6,
    claim_weight: np.ndarray | None = None,
    implications: pd.DataFrame | None = None,
    rho: float = 0.5,
    prior: str = "voted",
    encoded: Encoded | None = None,
) -> TruthResult:
    """PooledInvestment with optional value similarity and dependence weights.

    As in the paper, each iteration first pays the sources back from the previous beliefs
    (``T_i`` from ``B_{i-1}``), then pools their new investments into beliefs. The prior
    beliefs are the vote shares (``prior="voted"``) or uniform (``"uniform"``).
    ``implications`` has columns ``from_value``, ``to_value`` (row positions of
    :func:`encode`'s ``values``) and ``weight`` in [0, 1]; ``claim_weight`` (one per claim)
    scales each claim's investment. Stops early when trust changes less than ``tol``.
    ``encoded`` may give ``encode(claims)`` when the caller has it already (``claims`` is
    not read then: it may be None).
    """
    enc = encode(claims) if encoded is None else encoded
    w = None if claim_weight is None else np.asarray(claim_weight, dtype=float)
    imp_from, imp_to, imp_w = _implication_arrays(implications)
    n_items = len(enc.items)
    invest = _investor(enc, w)
    support = _sums(enc.value, w, minlength=enc.n_values)
    if prior == "voted":
        item_support = _sums(enc.value_item, support, minlength=n_items)[enc.value_item]
        belief = np.divide(support, item_support, out=np.zeros_like(support), where=item_support > 0)
    else:
        belief = np.ones(enc.n_values)
    prob = belief.copy()
    trust = np.ones(enc.n_sources)
    # what the sources invest with their current trust: the last iteration's second step
    share, invested = invest(trust)
    done = 0
    for done in range(1, iterations + 1):
        new_trust = _sums(enc.source, _earned(enc, belief, share, invested), minlength=enc.n_sources)
        top = new_trust.max() if len(new_trust) else 1.0
        new_trust = new_trust / top if top > 0 else new_trust
        share, invested = invest(new_trust)
        pooled = invested
        if len(imp_w):
            pooled = invested + rho * _sums(imp_to, imp_w * invested[imp_from], minlength=enc.n_values)
        grown = np.power(pooled, g)
        item_total = _sums(enc.value_item, grown, minlength=n_items)[enc.value_item]
        belief = np.divide(pooled * grown, item_total, out=np.zeros_like(pooled), where=item_total > 0)
        prob = np.divide(grown, item_total, out=np.zeros_like(pooled), where=item_total > 0)
        delta = np.abs(new_trust - trust).max() if len(trust) else 0.0
        trust = new_trust
        if delta < tol:
            break
    return _result(enc, trust, belief, support, done, prob)


def _earned(enc: Encoded, belief: np.ndarray, share: np.ndarray, invested: np.ndarray) -> np.ndarray:
    """What each claim earns: its proportion (``share`` of the value's ``invested`` total) of
    the belief in its value; nothing from a value with no investment."""
    stake = belief[enc.value] * share
    if (invested > 0).all():  # the rule: no value without investment, no claim to skip
        return np.divide(stake, invested[enc.value], out=stake)
    invested_in = invested[enc.value]
    return np.divide(stake, invested_in, out=np.zeros_like(share), where=invested_in > 0)


def _investor(enc: Encoded, w: np.ndarray | None) -> Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """The investment step of PooledInvestment: from the sources' trust, each claim's share
    (its source's trust spread equally over the source's claims, scaled by the claim's weight
    ``w``; ``None``: all 1) and each value's total investment."""
    # A source spreads its trust over all its claims; a down-weighted (dependent) claim
    # invests only its weight's part of that share.
    n_claims = np.maximum(np.bincount(enc.source, minlength=enc.n_sources).astype(float), 1.0)
    if w is None:
        # the same quotient for all the claims of a source: computed once per source
        def invest(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            share = (t / n_claims)[enc.source]
            return share, _sums(enc.value, share, minlength=enc.n_values)

        return invest
    claims_of_source = n_claims[enc.source]

    def invest_weighted(t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        share = t[enc.source] * w / claims_of_source
        return share, _sums(enc.value, share, minlength=enc.n_values)

    return invest_weighted


def accu(
    claims: pd.DataFrame,
    *,
    n_false: float | None = None,
    initial_accuracy: float = 0.8,
    prior: tuple[float, float] = (1.0, 1.0),
    iterations: int = 100,
    tol: float = 1e-6,
    claim_weight: np.ndarray | None = None,
    implications: pd.DataFrame | None = None,
    rho: float = 0.5,
) -> TruthResult:
    """Accu (Dong et al., VLDB 2009) with optional value similarity and dependence weights.

    Each iteration computes the vote count of every value, ``C(v) = sum ln(n A(s) / (1 - A(s)))``
    over the sources stating it (each vote scaled by its ``claim_weight``), adds the similar
    values' counts as in TruthFinder, ``C*(v) = C(v) + rho * sum(w(u→v) * C(u))``
    (``implications`` as in :func:`pooled_investment`), turns them into probabilities
    ``P(v) = exp C*(v) / sum exp C*(v')`` over the item's domain, and sets each source's
    accuracy to ``(sum P + a) / (claims + a + b)`` with ``prior = (a, b)`` (``(0, 0)`` is
    the paper's plain mean). It stops when no accuracy changes by more than ``tol``.

    ``n_false`` is the number of false values of an item (the paper assumes them equally
    likely). By default it is taken from the data, item by item: the domain is the item's
    distinct stated values plus one value that no source states (the truth may be missing),
    so ``n_false`` is the number of stated values.
    ``TruthResult.trust`` and ``.accuracy`` are the estimated accuracies; ``beliefs.belief``
    is ``P(v)``.
    """
    if n_false is not None and n_false <= 0:
        raise ValueError(f"n_false must be positive, not {n_false}")
    enc = encode(claims)
    w = np.ones(len(enc.value)) if claim_weight is None else np.asarray(claim_weight, dtype=float)
    n_items = len(enc.items)
    imp_from, imp_to, imp_w = _implication_arrays(implications)
    n_stated = np.bincount(enc.value_item, minlength=n_items)
    # An item's domain: its stated values and, by default, one value no source states (the
    # truth may be missing), so n_false = the number of stated values.
    n_item = n_stated.astype(float) if n_false is None else np.full(n_items, float(n_false))
    unstated = np.maximum(n_item + 1 - n_stated, 0)  # domain values no source states (vote count 0)
    n_claim = n_item[enc.value_item[enc.value]]
    counts = np.bincount(enc.source, minlength=enc.n_sources).astype(float)
    a, b = prior
    support = _sums(enc.value, w, minlength=enc.n_values)
    accuracy = np.full(enc.n_sources, float(initial_accuracy))
    eps = 1e-9
    done = 0
    prob = np.zeros(enc.n_values)
    for done in range(1, iterations + 1):
        acc = np.clip(accuracy, eps, 1 - eps)[enc.source]
        votes = _sums(enc.value, w * np.log(n_claim * acc / (1 - acc)), minlength=enc.n_values)
        if len(imp_w):
            votes = votes + rho * _sums(imp_to, imp_w * votes[imp_from], minlength=enc.n_values)
        # Softmax within each item, stabilized by the item's largest count (and 0, the count
        # of an unstated value).
        top = np.full(n_items, -np.inf)
        np.maximum.at(top, enc.value_item, votes)
        top = np.where(unstated > 0, np.maximum(top, 0.0), top)
        e = np.exp(votes - top[enc.value_item])
        total = _sums(enc.value_item, e, minlength=n_items) + unstated * np.exp(-top)
        prob = e / total[enc.value_item]
        new_accuracy = (_sums(enc.source, prob[enc.value], minlength=enc.n_sources) + a) / (counts + a + b)
        delta = np.abs(new_accuracy - accuracy).max() if len(accuracy) else 0.0
        accuracy = new_accuracy
        if delta < tol:
            break
    result = _result(enc, accuracy, prob, support, done, prob)
    result.accuracy = pd.Series(accuracy, index=enc.sources, name="accuracy")
    return result


# --- the default model -------------------------------------------------------------------------

#: How many claims' worth of the average accuracy a source starts with: a source with few
#: claims is trusted near the average, not at the extreme its few claims suggest.
PRIOR_STRENGTH = 4.0
#: The accuracy a source is assumed to have before its claims are seen; None (the default):
#: the average accuracy of the sources of about its size (1-3 claims, 4-15, 16-63, …),
#: re-estimated each round (empirical Bayes).
PRIOR_MEAN = None
#: How many claims' worth of its overall accuracy a source starts with on one group of items
#: (a property): it earns a group accuracy of its own only where it states many.
GROUP_STRENGTH = 8.0
#: The z of the trust interval (90 %: 1.645), and the trust reported: its lower end.
TRUST_Z = 1.645
#: Two values whose probabilities differ by less than this are a tie.
TIE = 1e-6


def split_weights(enc: Encoded) -> np.ndarray:
    """Per claim: 1/k, where k is the number of distinct values its source states for its
    item. A source that gives three dates for one founding states one answer split three
    ways, not three answers: it earns (or loses) accuracy once for the item."""
    key = enc.value_item[enc.value] * enc.n_sources + enc.source  # (item, source)
    keys, slot = np.unique(key, return_inverse=True)
    # each (item, source, value) once; values are numbered within items, so (slot, value) is one
    distinct_pairs = np.unique(slot.reshape(-1).astype(np.int64) * enc.n_values + enc.value)
    distinct = np.bincount(distinct_pairs // max(enc.n_values, 1), minlength=len(keys))
    return 1.0 / distinct[slot.reshape(-1)].astype(float)


def reconcile_model(
    claims: pd.DataFrame | None,
    *,
    prior_strength: float = PRIOR_STRENGTH,
    prior_mean: float | None = PRIOR_MEAN,  # type: ignore[assignment]
    group_strength: float = GROUP_STRENGTH,
    item_group: pd.Series | None = None,
    iterations: int = 100,
    tol: float = 1e-6,
    claim_weight: np.ndarray | None = None,
    implications: pd.DataFrame | None = None,
    rho: float = 0.5,
    encoded: Encoded | None = None,
) -> TruthResult:
    """The default model: Accu's vote with accuracies that know how much they rest on.

    Each source has an accuracy ``A(s)``, the probability that what it states is true,
    estimated as the posterior mean of a Beta prior centred on the average accuracy ``m`` of
    all claims, worth ``prior_strength`` claims (the confidence-aware idea of CATD, Li et al.,
    VLDB 2014): ``A(s) = (correct(s) + k m) / (claims(s) + k)``, where ``correct(s)`` is the
    summed probability of its values. A source with three claims stays near the average; one
    with three hundred earns its own. A value is credited with the probability of the values
    that imply it (``implications``): "2002" is right when 2002-05-14 is. With ``item_group`` (a group per item, indexed by item,
    such as its property), a source also has an accuracy per group, shrunk towards its overall one with
    ``group_strength``: good at dates, bad at member lists.

    Values are then voted as in Accu (Dong et al., VLDB 2009): a claim votes
    ``ln(n A / (1 - A))`` (``n``: the item's stated values; the domain is those plus one
    value nobody states), times its ``claim_weight`` (dependent sources count once), similar
    values lend ``rho`` of their votes (``implications``, as TruthFinder), and the
    probabilities are the softmax of the votes within each item. It starts from the vote
    shares and stops when no accuracy moves by more than ``tol``.

    ``trust`` is the lower end of each source's 90 % interval (a normal approximation of
    its Beta posterior, as wide as its evidence is thin: only claims on items another source
    also states count as evidence): what the source has shown it deserves at least;
    ``accuracy`` the posterior mean. ``beliefs.belief`` is the probability of each value.
    """
    enc = encode(claims) if encoded is None else encoded
    group_of_item, n_groups = None, 0
    if item_group is not None:
        group_of_item, groups = pd.factorize(item_group.reindex(enc.items).astype(str), sort=True)
        n_groups = len(groups)
    step = ItemStep(
        enc, claim_weight=claim_weight, implications=implications, rho=rho, group_of_item=group_of_item, n_groups=n_groups
    )
    settings = ModelSettings(prior_strength, prior_mean, group_strength, iterations, tol)
    source, done = drive(step.totals, step.credit, step.advance, settings, n_groups)
    return block_result(step, source, done, enc.sources)


def block_result(step: ItemStep, source: SourceStep, done: int, sources: pd.Index) -> TruthResult:
    """The :class:`TruthResult` of the default model on the items of one block (``step``)
    once the rounds are done: the beliefs and winners of its items, and the trust, accuracy
    and trust interval of all ``sources`` (the common sources of every block, in the order
    of the source step's arrays)."""
    enc = step.enc
    low, high = source.interval(TRUST_Z)
    beliefs = enc.values.assign(belief=step.prob, support=step.support)
    win = _winners(enc, step.prob)
    winners = beliefs.iloc[win][["item", "value", "belief"]].reset_index(drop=True)
    return TruthResult(
        pd.Series(low, index=sources, name="trust"),
        beliefs,
        winners,
        done,
        pd.Series(source.accuracy, index=sources, name="accuracy"),
        win,
        pd.DataFrame({"low": low, "high": high}, index=sources),
    )
