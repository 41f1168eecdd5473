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

import numpy as np
import pandas as pd

from reconcile.grouping import SIDE_COLUMNS, as_text, collect_sides, conflict_rows, join_by_group, scoped
from reconcile.rulekit import RuleContext, empty_conflicts

ID = "date-mismatch"
NAME = "differing dates"
SEVERITY = "error"
APPLIES_TO = ("date",)

#: Claim columns the rule reads.
COLUMNS = ["value", "value_label", "date_start", "date_end", *SIDE_COLUMNS]


@dataclass(frozen=True)
class Options:
    min_gap_days: int = 0
    """Report only when the dates are more than this many days apart (0: any gap)."""


def check(claims: pd.DataFrame, ctx: RuleContext, options: Options) -> pd.DataFrame:
    sel = scoped(claims, ctx.properties_for(ID, APPLIES_TO), columns=COLUMNS, ctx=ctx)
    rows = _apart(sel, options.min_gap_days)
    if not rows.any():
        return empty_conflicts()
    sides = collect_sides(sel, rows=rows, first=("value_type", "value_ids", "date_start"))
    table = sides.table
    # Each group's dates from the earliest: "1994-04-20 (A) and 1995-04-20 (B)".
    by_start = table[["date_start"]].sort_values("date_start").index.to_numpy()
    by_start = by_start[np.argsort(table["_group"].to_numpy()[by_start], kind="stable")]
    dated = as_text(table["value"].to_numpy()[by_start]) + " (" + table["sources"].to_numpy()[by_start] + ")"
    dates = join_by_group(table["_group"].to_numpy()[by_start], dated, " and ")
    return conflict_rows(
        sel,
        groups=sides.groups,
        kind="contradiction",
        severity=None,
        explanation="The dates cannot all be right: no day lies within " + dates + ".",
        sides=sides,
    )


def _apart(sel: pd.DataFrame, min_gap_days: int) -> np.ndarray:
    """Dated claims of the groups whose latest start is more than ``min_gap_days`` after
    their earliest end (a boolean mask)."""
    dated = sel["date_start"].notna().to_numpy()
    group = sel["_group"].to_numpy()[dated]
    latest_start = sel["date_start"][dated].groupby(group).transform("max")
    earliest_end = sel["date_end"][dated].groupby(group).transform("min")
    rows = dated.copy()
    rows[dated] = ((latest_start - earliest_end).dt.days > min_gap_days).to_numpy()
    return rows
