"""Differing values: sources give different single values for the same key.

Applies to single-valued entity, status and text properties (a signing place, a seat, an
office holder, a chairing state). Claims of one subject and property whose time scopes
overlap must agree; statements about different periods are not compared (the chair of 2014
and the chair of 2015 may differ). Properties marked ``multi_valued`` are skipped, and so
are membership status properties of a timeline (see ``status-conflict``).

Names are compared after resolution, so the same city in three spellings («کشینیف»,
«تشيسيناو», "Kishinev") is one value.

Contradiction:
    source A: the charter was signed in Chisinau; source B: it was signed in Moscow.

Consistent:
    source A: the chair in 2014 was Russia; source B: the chair in 2015 was Tajikistan
    (different periods).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from reconcile.detect.grouping import SIDE_COLUMNS, as_text, collect_sides, conflict_rows, disagreeing, join_by_group, scoped
from reconcile.detect.rulekit import RuleContext, empty_conflicts

ID = "value-mismatch"
NAME = "differing values"
SEVERITY = "error"
APPLIES_TO = ("entity", "status", "text")

#: Claim columns the rule reads.
COLUMNS = ["value", "value_label", *SIDE_COLUMNS]


@dataclass(frozen=True)
class Options:
    pass


def check(claims: pd.DataFrame, ctx: RuleContext, options: Options) -> pd.DataFrame:
    timeline_status = {t.status_property for t in ctx.registry.timelines}
    props = [
        p
        for p in ctx.properties_for(ID, APPLIES_TO)
        if not ctx.registry.properties[p].multi_valued and p not in timeline_status
    ]
    sel = scoped(claims, props, columns=COLUMNS, ctx=ctx)
    rows = disagreeing(sel)
    if not rows.any():
        return empty_conflicts()
    sides = collect_sides(sel, rows=rows)
    table = sides.table
    # "Kishinev (A, B); Moscow (C)": each value with the sources that name it.
    values = join_by_group(table["_group"], as_text(table["label"]) + " (" + table["sources"].to_numpy() + ")", "; ")
    return conflict_rows(
        sel,
        groups=sides.groups,
        kind="contradiction",
        severity=None,
        explanation="The sources name different values: " + values + ".",
        sides=sides,
    )
