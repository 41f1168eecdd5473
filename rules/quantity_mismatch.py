"""Differing figures: sources give incompatible numbers for the same quantity.

Applies to quantity properties. Each figure stands for a range of plausible values: an
exact figure is widened by the property's ``tolerance``; "about N" by ``about_margin``
(or the tolerance when larger); "more than N" is everything above N, "at most N"
everything up to N, and so on. Then:

* no value fits every range → a contradiction (the rule's severity);
* the ranges overlap, but the stated figures differ by more than the tolerance → a
  minor discrepancy (``warning``): the sources round or estimate differently.

Contradiction:
    source A: the force has more than 20 thousand personnel; source B: it has 1,500.

Consistent:
    source A: about 3.6 thousand personnel; source B: about 3,600 (the same figure).
    A minor discrepancy: about 3.6 thousand against about 3.5 thousand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reconcile.grouping import conflict_rows, scoped, sides_by_value
from reconcile.normalize.quantities import plausible_range
from reconcile.rulekit import RuleContext, empty_conflicts

ID = "quantity-mismatch"
NAME = "differing figures"
SEVERITY = "error"
APPLIES_TO = ("quantity",)


@dataclass(frozen=True)
class Options:
    about_margin: float = 0.1
    """How far "about N" may stray from N, as a fraction of N."""
    report_minor: bool = True
    """Report overlapping figures that differ by more than the tolerance, as warnings."""


def check(claims: pd.DataFrame, ctx: RuleContext, options: Options) -> pd.DataFrame:
    sel = scoped(claims, ctx.properties_for(ID, APPLIES_TO))
    sel = sel[sel["qty_amount"].notna()]
    if sel.empty:
        return empty_conflicts()
    sel = sel[sel.groupby("_group")["value"].transform("nunique") > 1].copy()
    if sel.empty:
        return empty_conflicts()
    sel["_low"], sel["_high"] = plausible_range(sel, options.about_margin)
    g = sel.groupby("_group")
    disjoint = g["_low"].max() > g["_high"].min()
    point = sel[sel["qty_approx"].isin(["exact", "about"])]
    pg = point.groupby("_group")["qty_amount"]
    spread = ((pg.max() - pg.min()) / pg.max().abs().replace(0, np.nan)).reindex(disjoint.index).fillna(0)
    tol = g["tolerance"].first().fillna(0)
    minor = ~disjoint & (spread > tol + 1e-12)
    kind = pd.Series(np.where(disjoint, "contradiction", np.where(minor, "minor", "")), index=disjoint.index)
    if not options.report_minor:
        kind = kind.where(kind.ne("minor"), "")
    kind = kind[kind.ne("")]
    if kind.empty:
        return empty_conflicts()
    sel = sel[sel["_group"].isin(kind.index)]
    sides = sides_by_value(sel)
    per_value = sel.groupby(["_group", "value"]).agg(
        label=("value_label", "first"), sources=("source", lambda s: ", ".join(sorted(set(s))))
    )
    figures = per_value.groupby(level="_group").apply(
        lambda grp: " against ".join(f"{lbl} ({src})" for lbl, src in zip(grp["label"], grp["sources"]))
    )
    expl = pd.Series(
        [
            (f"The figures cannot both be right: {figures[gid]}." if k == "contradiction"
             else f"The figures differ slightly: {figures[gid]}; the ranges overlap, so this may be rounding or estimation.")
            for gid, k in kind.items()
        ],
        index=kind.index,
    )
    return conflict_rows(
        sel, kind=kind, severity=kind.map({"contradiction": None, "minor": "warning"}), explanation=expl, sides=sides
    )
