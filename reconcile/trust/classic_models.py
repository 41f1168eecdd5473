"""Classic truth-discovery models for ``reconcile fuse --model``, on the integer codes of
:func:`reconcile.trust.model.encode` with ``numpy.bincount`` (no loop over claims).

* :func:`pooled_investment_probability`: :func:`reconcile.trust.model.pooled_investment` with each
  value's belief turned into its probability within the item (``H^g / sum H^g``), so that
  ``fuse``'s confidence is in [0, 1] (PooledInvestment's own belief, ``H * H^g / sum H^g``,
  is not).
* :func:`sums`: Sums (Hubs and Authorities; Kleinberg 1999, as in Pasternack & Roth 2010):
  a value's belief is the summed trust of its sources, a source's trust the summed belief of
  its values, each rescaled to a maximum of 1 every iteration.
* :func:`truthfinder`: TruthFinder (Yin, Han & Yu, KDD 2007): a source's trustworthiness
  ``t`` is the mean confidence of its values; a value's confidence score is the sum of
  ``-ln(1 - t)`` over its sources, plus ``rho`` times similar values' scores
  (``implications``), and its confidence ``1 / (1 + exp(-gamma * score))``.

Each returns a :class:`reconcile.trust.model.TruthResult` and takes ``claim_weight`` (one weight
per claim, as ``fuse`` gives duplicate pairs).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reconcile.trust.model import TruthResult, _implication_arrays, _result, _sums, encode, pooled_investment

__all__ = ["pooled_investment_probability", "sums", "truthfinder"]


def pooled_investment_probability(claims: pd.DataFrame, *, g: float = 1.4, **params: object) -> TruthResult:
    """PooledInvestment (``g``, ``iterations``, ``rho``, ``implications``, ``claim_weight`` as
    :func:`reconcile.trust.model.pooled_investment`) whose ``beliefs.belief`` is each value's
    probability within its item. PooledInvestment's belief is ``B = H^(1+g) / sum H^g`` of the
    pooled investments ``H``, so within an item ``B^(g/(1+g))`` is proportional to ``H^g`` and
    normalising it gives the probability; the winners do not change."""
    result = pooled_investment(claims, g=g, **params)
    beliefs = result.beliefs
    scaled = np.power(np.clip(beliefs["belief"].to_numpy(dtype=float), 0.0, None), g / (1.0 + g))
    codes = pd.factorize(beliefs["item"])[0]
    total = np.bincount(codes, weights=scaled)[codes]
    prob = np.divide(scaled, total, out=np.zeros_like(scaled), where=total > 0)
    result.beliefs = beliefs.assign(belief=prob)
    winners = result.winners.copy()
    winners["belief"] = prob[result.winning] if result.winning is not None else winners["belief"]
    result.winners = winners
    return result


def sums(
    claims: pd.DataFrame,
    *,
    iterations: int = 20,
    tol: float = 1e-6,
    claim_weight: np.ndarray | None = None,
    implications: pd.DataFrame | None = None,
) -> TruthResult:
    """Sums: belief = summed trust of a value's sources, trust = summed belief of a source's
    values, both rescaled to a maximum of 1 each iteration (``implications`` is accepted and
    ignored: Sums has no value similarity). Beliefs are in [0, 1], not probabilities."""
    del implications
    enc = encode(claims)
    w = np.ones(len(enc.value)) if claim_weight is None else np.asarray(claim_weight, dtype=float)
    trust = np.ones(enc.n_sources)
    belief = np.ones(enc.n_values)
    done = 0
    for done in range(1, iterations + 1):
        belief = _sums(enc.value, w * trust[enc.source], minlength=enc.n_values)
        belief /= max(belief.max(initial=0.0), 1e-300)
        new_trust = _sums(enc.source, w * belief[enc.value], minlength=enc.n_sources)
        new_trust /= max(new_trust.max(initial=0.0), 1e-300)
        delta = np.abs(new_trust - trust).max(initial=0.0)
        trust = new_trust
        if delta < tol:
            break
    support = _sums(enc.value, w, minlength=enc.n_values)
    return _result(enc, trust, belief, support, done)


def truthfinder(
    claims: pd.DataFrame,
    *,
    initial_trust: float = 0.9,
    gamma: float = 0.3,
    rho: float = 0.5,
    iterations: int = 20,
    tol: float = 1e-6,
    claim_weight: np.ndarray | None = None,
    implications: pd.DataFrame | None = None,
) -> TruthResult:
    """TruthFinder with the paper's defaults (initial trustworthiness 0.9, dampening
    ``gamma`` 0.3, similarity weight ``rho`` 0.5). ``beliefs.belief`` is each value's
    confidence in (0, 1) (not a probability: two values of one item may both be likely)."""
    enc = encode(claims)
    w = np.ones(len(enc.value)) if claim_weight is None else np.asarray(claim_weight, dtype=float)
    imp_from, imp_to, imp_w = _implication_arrays(implications)
    weight_of_source = np.maximum(_sums(enc.source, w, minlength=enc.n_sources), 1e-12)
    trust = np.full(enc.n_sources, float(initial_trust))
    confidence = np.zeros(enc.n_values)
    done = 0
    for done in range(1, iterations + 1):
        tau = -np.log(np.clip(1.0 - trust, 1e-12, None))
        score = _sums(enc.value, w * tau[enc.source], minlength=enc.n_values)
        if len(imp_w):
            score = score + rho * _sums(imp_to, imp_w * score[imp_from], minlength=enc.n_values)
        confidence = 1.0 / (1.0 + np.exp(-gamma * score))
        new_trust = _sums(enc.source, w * confidence[enc.value], minlength=enc.n_sources) / weight_of_source
        delta = np.abs(new_trust - trust).max(initial=0.0)
        trust = new_trust
        if delta < tol:
            break
    support = _sums(enc.value, w, minlength=enc.n_values)
    return _result(enc, trust, confidence, support, done)
