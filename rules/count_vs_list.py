"""Count against list: a stated number differs from the lists it counts.

Applies to every quantity property that declares the list it counts (``counts:
signatories`` on ``signatory_count`` in ``properties.yaml``), and to the count and members
properties of each membership timeline: a count is compared with the complete lists of
the counted property of the same subject whose time scopes overlap (counts and lists of
different times are not compared). A count that equals the size of no list of its time is
reported. When the corpus's membership timeline knows a period in which the count was
right, the explanation says so ("seven members is right for 2006-08-16 to 2012, when
Uzbekistan was a member").

Contradiction:
    source A (2017): the organization has seven member states; source A, same text: the
    members are Armenia, Belarus, Kazakhstan, Kyrgyzstan, Russia and Tajikistan.

Consistent:
    source A (2015): "four of the six members"; source B (2015): the six members are
    Armenia, Belarus, Kazakhstan, Kyrgyzstan, Russia and Tajikistan.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from reconcile.detect.grouping import scoped
from reconcile.detect.tables import conflict_tables
from reconcile.detect.rulekit import RuleContext, empty_conflicts
from reconcile.detect.timeline import describe_periods, timelines_of, timeline_properties

ID = "count-vs-list"
NAME = "count against list"
SEVERITY = "error"
APPLIES_TO = ()


@dataclass(frozen=True)
class Options:
    pass


def check(claims: pd.DataFrame, ctx: RuleContext, options: Options) -> pd.DataFrame:
    timeline_of = {
        (spec.organization, spec.count_property): (spec, timeline)
        for spec, timeline in timelines_of(ctx)
        if spec.count_property and spec.members_property
    }
    pairs = {(pid, spec.counts) for pid, spec in ctx.registry.properties.items() if spec.counts}
    pairs |= {(spec.count_property, spec.members_property) for spec, _ in timeline_of.values()}
    rows = []
    for count_prop, list_prop in sorted(pairs):
        counts = claims[(claims["property"] == count_prop) & claims["qty_amount"].notna()]
        lists = claims[(claims["property"] == list_prop) & claims["complete"] & claims["value_ids"].notna()]
        lists = lists[lists["subject"].isin(counts["subject"])]
        if counts.empty or lists.empty:
            continue
        both = pd.concat([counts.assign(_n=counts["qty_amount"]), lists.assign(_n=lists["value_ids"].map(len))])
        both = both.assign(property="__count__")
        sel = scoped(both, ["__count__"])
        is_count = sel["qty_amount"].notna()
        list_sizes = sel[~is_count].groupby("_group")["_n"].agg(lambda s: set(s))
        for gid, grp in sel[is_count].groupby("_group"):
            sizes = list_sizes.get(gid)
            if not sizes:
                continue
            for n, cgrp in grp.groupby("_n"):
                if n in sizes:
                    continue
                lgrp = sel[(sel["_group"] == gid) & ~is_count]
                subject = cgrp["subject"].iloc[0]
                _, timeline = timeline_of.get((subject, count_prop), (None, None))
                rows.append(_conflict(ctx, count_prop, list_prop, timeline, int(n), cgrp, lgrp))
    if not rows:
        return empty_conflicts()
    return conflict_tables(rows)


def _conflict(ctx: RuleContext, count_prop: str, list_prop: str, timeline, n: int, counts: pd.DataFrame, lists: pd.DataFrame) -> dict:
    spec = ctx.registry.properties.get(list_prop)
    what = spec.label if spec is not None else list_prop.replace("_", " ")
    sides = [
        {
            "value": f"{n} {list_prop}",
            "label": f"{n} {what}",
            "claims": sorted(counts["claim_id"]),
        }
    ]
    for size, lg in lists.groupby("_n"):
        sides.append(
            {
                "value": f"{int(size)} {list_prop}",
                "label": f"{int(size)} listed: {lg['value_label'].iloc[0]}",
                "claims": sorted(lg["claim_id"]),
            }
        )
    count_src = ", ".join(sorted(set(counts["source"])))
    list_src = ", ".join(sorted(set(lists["source"])))
    sizes = " or ".join(str(int(s)) for s in sorted(set(lists["_n"])))
    text = (
        f"{count_src} count{'s' if ',' not in count_src else ''} {n} {what}, but the lists of {what} of the same "
        f"time ({list_src}) name {sizes}."
    )
    periods = timeline.periods_with(size=n) if timeline is not None else pd.DataFrame()
    if not periods.empty:
        listed = frozenset().union(*[frozenset(ids) for ids in lists["value_ids"]])
        extra = sorted(frozenset().union(*periods["members"]) - listed)
        when = describe_periods(periods)
        text += f" {n} members is right for {when}"
        if extra:
            text += ", when " + ctx.names(extra) + (" was" if len(extra) == 1 else " were") + " a member"
        text += "."
    return {
        "subject": counts["subject"].iloc[0],
        "property": count_prop,
        "scope": counts["scope"].iloc[0],
        "kind": "contradiction",
        "severity": None,
        "explanation": text,
        "sides": sides,
    }


def context_properties(options: Options, registry) -> set[str]:
    """The properties of other subjects this rule reads: those of the membership timelines
    (an engine that splits the claims by subject gives their claims to every partition)."""
    return timeline_properties(registry)
