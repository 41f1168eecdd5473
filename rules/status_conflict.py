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

from reconcile.grouping import SIDE_COLUMNS, as_text, collect_sides, conflict_rows, disagreeing, join_by_group
from reconcile.rulekit import RuleContext, empty_conflicts
from reconcile.scope import assign_scope_groups, scope_label

ID = "status-conflict"
NAME = "conflicting status"
SEVERITY = "error"
APPLIES_TO = ()

#: Claim columns the rule reads.
COLUMNS = ["subject", "property", "value", "value_label", *SIDE_COLUMNS]
COLUMNS += ["valid_from_start", "valid_from_end", "as_of_start", "as_of_end"]

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
    sel = claims.loc[ctx.property_positions(claims, props) >= 0, COLUMNS]
    if sel.empty:
        return empty_conflicts()
    event = sel["valid_from_start"].notna()
    start = sel["valid_from_start"].where(event, sel["as_of_start"])
    end = sel["valid_from_end"].where(event, sel["as_of_end"])
    sel["_group"] = assign_scope_groups(sel, start, end, ["subject", "property"])
    bounds = pd.DataFrame({"s": start, "e": end, "g": sel["_group"]}).groupby("g").agg(s=("s", "min"), e=("e", "max"))
    sel["scope"] = sel["_group"].map(scope_label(bounds["s"], bounds["e"]))
    rows = disagreeing(sel)
    if not rows.any():
        return empty_conflicts()
    sides = collect_sides(sel, rows=rows, first=("value_type", "value_ids", "subject"))
    table = sides.table
    # "A says it left; B says it suspended its participation", per group.
    says = table["sources"].to_numpy() + " says it " + as_text([_VERBS.get(v, v) for v in table["value"]])
    statements = join_by_group(table["_group"], says, "; ")
    subjects = table["subject"].groupby(table["_group"].to_numpy()).first()
    expl = (
        "For the same time, the sources disagree on "
        + subjects.map(lambda subject: str(ctx.label(subject))).reindex(statements.index)
        + ": "
        + statements
        + "."
    )
    return conflict_rows(
        sel,
        groups=sides.groups,
        kind="contradiction",
        severity=None,
        explanation=expl,
        sides=sides,
    )
