"""Truth discovery on a plain table of claims: the models, and one row per item with its
chosen value, confidence, tie flag and support (what ``reconcile fuse`` writes).

:data:`MODELS` names every model a user can pick; :data:`DEFAULT_MODEL` is the one the source
graph, the suggestions and ``fuse`` use. Each model takes a table of ``source``, ``item`` and
``value`` and returns a :class:`reconcile.trust.model.TruthResult`; :func:`fuse_table` turns it into
the two tables ``fuse`` writes.

Ties are never broken silently: an item whose two most probable values are equally probable
(within :data:`reconcile.trust.model.TIE`) is flagged ``tie`` and its ``value`` is the first of
them in sorted order, as any choice would be, so a reader can tell.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from reconcile.trust.classic_models import pooled_investment_probability, sums, truthfinder
from reconcile.trust.model import TIE, TruthResult, accu, majority_vote, reconcile_model

__all__ = ["Model", "MODELS", "DEFAULT_MODEL", "fuse_table", "numeric_implications", "FusedTables"]


@dataclass(frozen=True)
class Model:
    """A truth-discovery model: its function and what it does, for ``fuse --model``."""

    name: str
    fit: Callable[..., TruthResult]
    summary: str


MODELS: dict[str, Model] = {
    m.name: m
    for m in (
        Model(
            "reconcile",
            reconcile_model,
            "Accu's vote with each source's accuracy shrunk towards the average of "
            "sources of its size (a prior worth 4 claims); trust is the lower end of a 90 % interval "
            "that narrows with corroborated claims",
        ),
        Model("vote", majority_vote, "majority vote: the value most sources state"),
        Model("accu", accu, "Accu (Dong et al., VLDB 2009): accuracy-weighted vote, add-one prior"),
        Model(
            "pooled-investment",
            pooled_investment_probability,
            "PooledInvestment (Pasternack & Roth, COLING 2010): sources invest trust in their claims; "
            "g 1.4, 20 iterations; confidence: the value's share of H^g",
        ),
        Model(
            "truthfinder",
            truthfinder,
            "TruthFinder (Yin, Han & Yu, KDD 2007): initial trust 0.9, gamma 0.3, rho 0.5; "
            "confidence: the value's own, not shared with the item's other values",
        ),
        Model("sums", sums, "Sums (Hubs and Authorities): trust and belief sum each other; belief rescaled to max 1"),
    )
}
DEFAULT_MODEL = "reconcile"


@dataclass(frozen=True)
class FusedTables:
    """What ``fuse`` writes: one row per item, and one per source."""

    items: pd.DataFrame
    """``item``, ``value``, ``confidence`` (the chosen value's probability), ``tie``, ``support``
    (how many claims state the chosen value)."""
    sources: pd.DataFrame
    """``source``, ``trust``, ``trust_low``, ``trust_high``, ``accuracy``, ``claims``."""


def fuse_table(
    claims: pd.DataFrame,
    model: str = DEFAULT_MODEL,
    *,
    numeric: bool = False,
    **params: object,
) -> FusedTables:
    """Run ``model`` on ``claims`` (``source``, ``item``, ``value``) and return the tables.

    With ``numeric``, values are numbers (floats) and near values of an item support each
    other (:func:`numeric_implications`).
    """
    fit = MODELS[model].fit
    if numeric and fit is not majority_vote:
        params.setdefault("implications", numeric_implications(claims))
    result = fit(claims, **params)
    return FusedTables(_items(result), _sources(result, claims))


def _items(result: TruthResult) -> pd.DataFrame:
    beliefs = result.beliefs
    order = beliefs.sort_values(["item", "belief"], ascending=[True, False], kind="stable")
    first = ~order["item"].duplicated()
    second_belief = order.groupby("item", sort=False)["belief"].nth(1)
    top = order[first].set_index("item")
    runner = pd.Series(second_belief.to_numpy(), index=order.loc[second_belief.index, "item"].to_numpy())
    tie = (top["belief"] - runner.reindex(top.index).fillna(-np.inf)).abs() <= TIE
    out = pd.DataFrame(
        {
            "item": top.index,
            "value": top["value"].to_numpy(),
            "confidence": np.round(top["belief"].to_numpy(dtype=float), 6),
            "tie": tie.to_numpy(),
            "support": top["support"].to_numpy(),
        }
    )
    # on a tie, the first of the tied values in sorted order (whatever the model's order)
    if out["tie"].any():
        tied = order.assign(_top=order["item"].map(top["belief"]))
        tied = tied[(tied["_top"] - tied["belief"]).abs() <= TIE]
        first_sorted = tied.assign(_key=tied["value"].astype(str)).sort_values(["item", "_key"]).drop_duplicates("item")
        pick = first_sorted.set_index("item")
        mask = out["tie"].to_numpy()
        out.loc[mask, "value"] = pick["value"].reindex(out.loc[mask, "item"]).to_numpy()
        out.loc[mask, "support"] = pick["support"].reindex(out.loc[mask, "item"]).to_numpy()
    return out.sort_values("item", kind="stable").reset_index(drop=True)


def _sources(result: TruthResult, claims: pd.DataFrame) -> pd.DataFrame:
    trust = result.trust
    interval = result.trust_interval
    counts = claims.groupby("source", observed=True).size()
    out = pd.DataFrame({"source": trust.index, "trust": np.round(trust.to_numpy(dtype=float), 6)})
    out["trust_low"] = np.round(interval["low"].reindex(trust.index).to_numpy(), 6) if interval is not None else np.nan
    out["trust_high"] = np.round(interval["high"].reindex(trust.index).to_numpy(), 6) if interval is not None else np.nan
    accuracy = result.accuracy if result.accuracy is not None else trust
    out["accuracy"] = np.round(accuracy.reindex(trust.index).to_numpy(dtype=float), 6)
    out["claims"] = counts.reindex(trust.index).fillna(0).astype(np.int64).to_numpy()
    return out.sort_values("source", kind="stable").reset_index(drop=True)


def numeric_implications(claims: pd.DataFrame, scale: float = 0.01, most: int = 200) -> pd.DataFrame:
    """Value similarity for numbers: within an item, value ``u`` lends weight
    ``exp(-|u - v| / (scale * spread))`` to ``v``, where ``spread`` is the larger of the
    item's median absolute value and its range (so 1,000 and 1,010 are near, 1 and 2 are
    not); weights below 0.001 are left out, and so are items of more than ``most`` distinct
    values (their pairs would outnumber the claims). Rows are positions of
    :func:`reconcile.trust.model.encode`'s values. All items at once: pairs within the sorted
    items (:func:`reconcile.trust.dependence.pairs_within`), no loop over items."""
    from reconcile.trust.dependence import pairs_within
    from reconcile.trust.model import encode

    enc = encode(claims)
    values = pd.to_numeric(enc.values["value"], errors="coerce").to_numpy(dtype=float)
    item = enc.value_item
    per_item = np.bincount(item, minlength=len(enc.items))
    rows = np.flatnonzero(np.isfinite(values) & (per_item[item] <= most))
    rows = rows[np.argsort(item[rows], kind="stable")]
    p, q = pairs_within(item[rows])
    if not len(p):
        return pd.DataFrame({"from_value": np.zeros(0, np.int64), "to_value": np.zeros(0, np.int64), "weight": np.zeros(0)})
    v = pd.Series(values[rows])
    codes = item[rows]
    groups = v.groupby(codes, sort=True)
    spread = np.maximum(np.maximum(v.abs().groupby(codes, sort=True).median(), groups.max() - groups.min()), 1e-12)
    spread_of_row = spread.to_numpy()[np.searchsorted(spread.index.to_numpy(), codes)]
    a, b = rows[p], rows[q]
    w = np.exp(-np.abs(values[a] - values[b]) / (scale * spread_of_row[p]))
    keep = w > 1e-3
    a, b, w = a[keep], b[keep], w[keep]
    return pd.DataFrame({"from_value": np.concatenate([a, b]), "to_value": np.concatenate([b, a]), "weight": np.concatenate([w, w])})
