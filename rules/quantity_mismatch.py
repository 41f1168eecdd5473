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

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from reconcile.detect.grouping import (
    SIDE_COLUMNS,
    as_text,
    collect_sides,
    conflict_rows,
    disagreeing,
    in_sorted,
    join_by_group,
    scoped,
)
from reconcile.normalize.quantities import plausible_range
from reconcile.detect.rulekit import RuleContext, empty_conflicts

ID = "quantity-mismatch"
NAME = "differing figures"
SEVERITY = "error"
APPLIES_TO = ("quantity",)

#: Claim columns the rule reads.
COLUMNS = ["value", "value_label", "qty_amount", "qty_approx", "tolerance", *SIDE_COLUMNS]


@dataclass(frozen=True)
class Options:
    about_margin: float = field(default=0.1, metadata={"min": 0.0, "max": 1.0})
    """How far "about N" may stray from N, as a fraction of N (from 0 to 1)."""
    report_minor: bool = True
    """Report overlapping figures that differ by more than the tolerance, as warnings."""


#: The margin of "about" is the run's setting: the source graph and the suggestions judge
#: figures with the same margin as this rule (see reconcile.detect.rulekit.RunSettings).
PUBLISHES = {"about_margin": "about_margin"}


def check(claims: pd.DataFrame, ctx: RuleContext, options: Options) -> pd.DataFrame:
    sel = scoped(claims, ctx.properties_for(ID, APPLIES_TO), columns=COLUMNS, ctx=ctx)
    rows = disagreeing(sel, among=sel["qty_amount"].notna().to_numpy())
    if not rows.any():
        return empty_conflicts()
    kind = _kinds(sel.loc[rows, ["_group", "qty_amount", "qty_approx", "tolerance"]], options)
    if kind.empty:
        return empty_conflicts()
    rows &= in_sorted(sel["_group"].to_numpy(), kind.index.to_numpy())
    sides = collect_sides(sel, rows=rows)
    table = sides.table
    figures = join_by_group(
        table["_group"], as_text(table["label"]) + " (" + table["sources"].to_numpy() + ")", " against "
    ).reindex(kind.index)
    # "cannot both be right" for two figures; for more, not every one of them can be
    n_figures = table["_group"].value_counts().reindex(kind.index).to_numpy()
    expl = pd.Series(
        np.where(
            kind.eq("contradiction"),
            np.where(n_figures > 2, "The figures cannot all be right: ", "The figures cannot both be right: ")
            + figures + ".",
            "The figures differ slightly: " + figures
            + "; the ranges overlap, so this may be rounding or estimation.",
        ),
        index=kind.index,
        dtype=object,
    )
    return conflict_rows(
        sel,
        groups=kind.index,
        kind=kind,
        severity=kind.map({"contradiction": None, "minor": "warning"}),
        explanation=expl,
        sides=sides,
    )


def _kinds(figures: pd.DataFrame, options: Options) -> pd.Series:
    """Per group of ``figures``: "contradiction" when no value fits every plausible range,
    "minor" when the ranges overlap but the figures differ beyond the tolerance (if
    reported); groups of neither kind are left out."""
    figures = figures.assign(**dict(zip(("_low", "_high"), plausible_range(figures, options.about_margin))))
    g = figures.groupby("_group")
    disjoint = g["_low"].max() > g["_high"].min()
    point = figures[figures["qty_approx"].isin(["exact", "about"])]
    pg = point.groupby("_group")["qty_amount"]
    spread = ((pg.max() - pg.min()) / pg.max().abs().replace(0, np.nan)).reindex(disjoint.index).fillna(0)
    tol = g["tolerance"].first().fillna(0)
    minor = ~disjoint & (spread > tol + 1e-12)
    kind = pd.Series(np.where(disjoint, "contradiction", np.where(minor, "minor", "")), index=disjoint.index)
    if not options.report_minor:
        kind = kind.where(kind.ne("minor"), "")
    return kind[kind.ne("")]
