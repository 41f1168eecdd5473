"""Differing dates: sources date the same thing to days that cannot be the same.

Applies to date properties. Each date covers an interval of days given by its precision
(``1992`` covers the whole year, ``1992-05`` the month, ``2015-09-14/2015-09-15`` both
days). Two dates agree when their intervals overlap, so agreement at different precision
is not a conflict. The claims of a key contradict each other exactly when no single day
lies in all their intervals (the latest start is after the earliest end).

Contradiction:
    source A: the treaty entered into force on 20 April 1994; source B: on 20 April 1995.

Consistent:
    source A: the session was held on 14-15 September 2015; source B: on 15 September 2015;
    source C: in 2015.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from reconcile.grouping import conflict_rows, scoped, sides_by_value
from reconcile.rulekit import RuleContext, empty_conflicts

ID = "date-mismatch"
NAME = "differing dates"
SEVERITY = "error"
APPLIES_TO = ("date",)


@dataclass(frozen=True)
class Options:
    min_gap_days: int = 0
    """Report only when the dates are more than this many days apart (0: any gap)."""


def check(claims: pd.DataFrame, ctx: RuleContext, options: Options) -> pd.DataFrame:
    sel = scoped(claims, ctx.properties_for(ID, APPLIES_TO))
    sel = sel[sel["date_start"].notna()]
    if sel.empty:
        return empty_conflicts()
    g = sel.groupby("_group")
    gap = (g["date_start"].transform("max") - g["date_end"].transform("min")).dt.days
    sel = sel[gap > options.min_gap_days]
    if sel.empty:
        return empty_conflicts()
    sides = sides_by_value(sel)
    per_value = sel.groupby(["_group", "value"]).agg(
        start=("date_start", "first"), sources=("source", lambda s: ", ".join(sorted(set(s))))
    )
    expl = per_value.sort_values("start").groupby(level="_group").apply(
        lambda grp: "The dates cannot all be right: no day lies within "
        + " and ".join(f"{v} ({src})" for v, src in zip(grp.index.get_level_values("value"), grp["sources"]))
        + "."
    )
    return conflict_rows(sel, kind="contradiction", severity=None, explanation=expl, sides=sides)
