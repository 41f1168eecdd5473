"""Differing dates: sources date the same thing to days that cannot be the same.

Applies to date properties. Each date covers an interval of days given by its precision
(``1992`` covers the whole year, ``1992-05`` the month, ``2015-09-14/2015-09-15`` both
days). Two dates agree when their intervals overlap, so agreement at different precision
is not a conflict. The claims of a key contradict each other exactly when no single day
lies in all their intervals (the latest start is after the earliest end).

A property whose dates may be of several events of one process (the decision to found an
organization, the signature of its charter, the charter's entry into force) declares them
(``milestones: [decided, signed, in_force]``), and a claim says which its date is
(``milestone: signed``). Dates of different milestones are not compared; a date that does
not say is compared with each milestone's, and a conflict that only such a date makes is a
``warning`` whose explanation names the milestones.

The sides are the sets of dates that agree with one another: dates that share a day are
one side, shown by the finest of them ("2002-05-14, also given as 2002 and 2002-05"), so
that a source is not counted against itself for giving a date at two precisions. A date
that agrees with every side (``2009`` beside February and June 2009) contradicts nobody
and is no side.

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

from reconcile.detect.grouping import SIDE_COLUMNS, as_text, collect_sides, conflict_rows, join_by_group, scoped
from reconcile.detect.rulekit import RuleContext, empty_conflicts, listing

ID = "date-mismatch"
NAME = "differing dates"
SEVERITY = "error"
APPLIES_TO = ("date",)

#: Claim columns the rule reads.
COLUMNS = ["value", "value_label", "date_start", "date_end", "milestone", *SIDE_COLUMNS]


@dataclass(frozen=True)
class Options:
    min_gap_days: int = 0
    """Report only when the dates are more than this many days apart (0: any gap)."""


def check(claims: pd.DataFrame, ctx: RuleContext, options: Options) -> pd.DataFrame:
    sel = scoped(claims, ctx.properties_for(ID, APPLIES_TO), columns=[c for c in COLUMNS if c in claims], ctx=ctx)
    sel, milestone_of = _by_milestone(sel)
    rows = _apart(sel, options.min_gap_days)
    if not rows.any():
        return empty_conflicts()
    sel, rows = _agreeing_dates_together(sel, rows)
    if not rows.any():
        return empty_conflicts()
    sides = collect_sides(sel, rows=rows, first=("value_type", "value_ids", "date_start"))
    table = sides.table
    # Each group's dates from the earliest: "1994-04-20 (A) and 1995-04-20 (B)".
    by_start = table[["date_start"]].sort_values("date_start").index.to_numpy()
    by_start = by_start[np.argsort(table["_group"].to_numpy()[by_start], kind="stable")]
    dated = as_text(table["label"].to_numpy()[by_start]) + " (" + table["sources"].to_numpy()[by_start] + ")"
    dates = join_by_group(table["_group"].to_numpy()[by_start], dated, " and ")
    explanation = "The dates cannot all be right: no day lies within " + dates + "."
    severity = pd.Series(None, index=explanation.index, dtype=object)
    if milestone_of:
        # a milestone's group: its own dates, and dates that do not say (a lesser conflict
        # when only these make it)
        stated = sel.loc[rows, ["_group", "milestone", "value"]]
        named = stated[stated["milestone"].notna()].groupby("_group")["value"].nunique()
        for gid in explanation.index:
            milestone = milestone_of.get(int(gid))
            if milestone is None:
                continue
            explanation[gid] += f" Milestone: {milestone}; dates that do not name one are compared with it."
            if named.get(gid, 0) < 2:
                severity[gid] = "warning"
    return conflict_rows(
        sel,
        groups=sides.groups,
        kind="contradiction",
        severity=severity,
        explanation=explanation,
        sides=sides,
    )


def _by_milestone(sel: pd.DataFrame) -> tuple[pd.DataFrame, dict[int, str]]:
    """The claims of each group with dates of two milestones or more, split into one group
    per milestone: its dates, and the dates that name none (repeated in each); the others
    as they are. Returns them with the milestone of each new group."""
    if "milestone" not in sel or not sel["milestone"].notna().any():
        return sel, {}
    named = sel[sel["milestone"].notna()]
    several = named.groupby("_group")["milestone"].nunique()
    split = set(several.index[several.ge(2)])
    if not split:
        return sel, {}
    keep = sel[~sel["_group"].isin(split)]
    next_id = int(sel["_group"].max()) + 1
    parts, milestone_of = [keep], {}
    for gid in sorted(split):
        g = sel[sel["_group"].eq(gid)]
        for milestone in sorted(g["milestone"].dropna().unique()):
            part = g[g["milestone"].isna() | g["milestone"].eq(milestone)].assign(_group=next_id)
            milestone_of[next_id] = str(milestone)
            parts.append(part)
            next_id += 1
    out = pd.concat(parts)
    return out.reset_index(drop=True), milestone_of


def _agreeing_dates_together(sel: pd.DataFrame, rows: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    """The claims of ``rows`` with each date replaced by the finest date of its side (the
    dates of a group that share a day), and without the dates that agree with every side.

    Sides are a minimum cover of a group's dates by sets that share a day, found greedily
    on the intervals (the date ending first and every date starting by its end share its
    last day). Only the groups in conflict are looked at, each distinct date once.
    """
    part = sel.loc[rows, ["_group", "value", "value_label", "date_start", "date_end"]]
    dates = part.drop_duplicates(["_group", "value"]).sort_values(["_group", "date_end", "date_start"])
    side_of: dict[tuple, tuple] = {}
    neutral: set[tuple] = set()
    for gid, g in dates.groupby("_group", sort=False):
        values, starts, ends = g["value"].tolist(), g["date_start"].tolist(), g["date_end"].tolist()
        labels = g["value_label"].tolist()
        left = list(range(len(values)))
        sides: list[list[int]] = []
        while left:
            first_end = ends[left[0]]
            members = [k for k in left if starts[k] <= first_end]
            sides.append(members)
            left = [k for k in left if k not in members]
        common = [(max(starts[k] for k in m), min(ends[k] for k in m)) for m in sides]
        for members in sides:
            agreeing = [k for k in members if len(sides) == 1 or sum(starts[k] <= e and s <= ends[k] for s, e in common) < len(sides)]
            neutral.update((gid, values[k]) for k in members if k not in agreeing)
            if not agreeing:
                continue
            finest = min(agreeing, key=lambda k: (ends[k] - starts[k], str(values[k])))
            others = sorted({str(labels[k]) for k in agreeing} - {str(labels[finest])})
            label = str(labels[finest]) + (f", also given as {listing(others)}" if others else "")
            for k in agreeing:
                side_of[(gid, values[k])] = (values[finest], label, starts[finest], ends[finest])
    keys = list(zip(sel["_group"].to_numpy(), sel["value"].to_numpy()))
    rows = rows & np.array([k not in neutral for k in keys], dtype=bool)
    out = sel.copy()
    mapped = [side_of.get(k) if r else None for k, r in zip(keys, rows)]
    hit = np.array([m is not None for m in mapped], dtype=bool)
    if hit.any():
        picked = [m for m in mapped if m is not None]
        positions = np.flatnonzero(hit)
        for col, n in (("value", 0), ("value_label", 1), ("date_start", 2), ("date_end", 3)):
            column = out[col].astype(object).to_numpy().copy()
            column[positions] = [m[n] for m in picked]
            out[col] = pd.Series(column, index=out.index).astype(sel[col].dtype, errors="ignore")
    # a group left with one side is no conflict
    kept_sides = pd.Series([m[0] if m else None for m in mapped], dtype=object)[rows]
    n_sides = kept_sides.groupby(out["_group"].to_numpy()[rows]).nunique()
    rows = rows & out["_group"].map(n_sides).fillna(0).ge(2).to_numpy()
    return out, rows



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
