"""Conflicting status: a state has two different membership statuses for the same period.

Applies to the status property of each membership timeline (``membership_status``).
A claim with ``valid_from`` reports an event (a join, an exit, a suspension) at that
date, at that date's precision; a claim without it states the status at its ``as_of``.
Two claims about the same state whose dates overlap must give the same status.

Contradiction:
    source A: in 2012 Uzbekistan suspended its participation; source B: in 2012
    Uzbekistan left the organization.

Consistent:
    source A: Uzbekistan joined on 16 August 2006; source B: Uzbekistan left in 2012
    (different dates: the timeline explains both).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from reconcile.grouping import conflict_rows, sides_by_value
from reconcile.rulekit import RuleContext, empty_conflicts
from reconcile.scope import assign_scope_groups, scope_label

ID = "status-conflict"
NAME = "conflicting status"
SEVERITY = "error"
APPLIES_TO = ()

_VERBS = {
    "member": "was a member",
    "withdrawn": "left",
    "suspended": "suspended its participation",
    "observer": "was an observer",
    "candidate": "was a candidate",
}


@dataclass(frozen=True)
class Options:
    pass


def check(claims: pd.DataFrame, ctx: RuleContext, options: Options) -> pd.DataFrame:
    props = [t.status_property for t in ctx.registry.timelines if t.status_property]
    sel = claims[claims["property"].isin(props)].copy()
    if sel.empty:
        return empty_conflicts()
    event = sel["valid_from_start"].notna()
    start = sel["valid_from_start"].where(event, sel["as_of_start"])
    end = sel["valid_from_end"].where(event, sel["as_of_end"])
    sel["_group"] = assign_scope_groups(sel, start, end, ["subject", "property"])
    bounds = pd.DataFrame({"s": start, "e": end, "g": sel["_group"]}).groupby("g").agg(s=("s", "min"), e=("e", "max"))
    sel["scope"] = sel["_group"].map(scope_label(bounds["s"], bounds["e"]))
    sel = sel[sel.groupby("_group")["value"].transform("nunique") > 1]
    if sel.empty:
        return empty_conflicts()
    sides = sides_by_value(sel)
    per_value = sel.groupby(["_group", "value"]).agg(
        sources=("source", lambda s: ", ".join(sorted(set(s)))), subject=("subject", "first")
    )
    expl = per_value.groupby(level="_group").apply(
        lambda g: f"For the same time, the sources disagree on {ctx.label(g['subject'].iloc[0])}: "
        + "; ".join(
            f"{src} says it {_VERBS.get(v, v)}" for v, src in zip(g.index.get_level_values("value"), g["sources"])
        )
        + "."
    )
    return conflict_rows(sel, kind="contradiction", severity=None, explanation=expl, sides=sides)
