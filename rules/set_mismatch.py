"""Differing lists: sources give different members of the same set.

Applies to set-valued properties (founding members, member states, signatories). Claims
of one subject and property whose time scopes overlap are compared; each distinct list is
a side, and the explanation names what each side has that the others lack.

A list that does not claim to be complete (``complete: false``, e.g. "members such as
Armenia and Russia") only contradicts a list that is missing one of its items; a partial
list that is a subset of a complete one is an omission, not a contradiction (reported as
``info`` only with ``report_omissions``).

Contradiction:
    source A: founding members = Armenia, Kazakhstan, Kyrgyzstan, Russia, Tajikistan,
    Uzbekistan (complete); source B: founding members = the same plus Azerbaijan, Belarus,
    Georgia (complete). B has Azerbaijan, Belarus and Georgia that A lacks.

Consistent:
    source A: members in 2015 = Armenia, Belarus, Kazakhstan, Kyrgyzstan, Russia,
    Tajikistan; source B: members in 2015 include Russia and Armenia (complete: false).
    B omits some members but contradicts nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from reconcile.grouping import conflict_rows, scoped, sides_by_value
from reconcile.rulekit import RuleContext, empty_conflicts
from reconcile.timeline import describe_periods, timelines_of

ID = "set-mismatch"
NAME = "differing lists"
SEVERITY = "error"
APPLIES_TO = ("entity_set",)


@dataclass(frozen=True)
class Options:
    report_omissions: bool = False
    """Also report partial lists that omit items of a complete list (as info)."""


def check(claims: pd.DataFrame, ctx: RuleContext, options: Options) -> pd.DataFrame:
    sel = scoped(claims, ctx.properties_for(ID, APPLIES_TO))
    sel = sel[sel["value_ids"].notna()]
    if sel.empty:
        return empty_conflicts()
    sel = sel[sel.groupby("_group")["value"].transform("nunique") > 1]
    if sel.empty:
        return empty_conflicts()

    # One row per (group, distinct list); membership exploded to (group, value, item).
    lists = sel.groupby(["_group", "value"], sort=True).agg(
        items=("value_ids", "first"), complete=("complete", "any"), sources=("source", lambda s: sorted(set(s)))
    ).reset_index()
    items = lists[["_group", "value", "items"]].explode("items").rename(columns={"items": "item"})
    union = items.groupby("_group")["item"].agg(lambda s: frozenset(s))
    complete_union = (
        items.merge(lists[["_group", "value", "complete"]], on=["_group", "value"])
        .query("complete")
        .groupby("_group")["item"]
        .agg(lambda s: frozenset(s))
    )
    lists["set"] = lists["items"].map(frozenset)
    # A partial list contradicts only if it names an item absent from every complete list.
    names_outsider = pd.Series(
        [
            bool(s - complete_union.get(g, frozenset())) if g in complete_union.index else False
            for g, s in zip(lists["_group"], lists["set"])
        ],
        index=lists.index,
    )
    lists["contradicts"] = lists["complete"] | names_outsider
    n_complete = lists.groupby("_group")["complete"].transform("sum")
    group_contra = lists.groupby("_group")["contradicts"].transform("sum").ge(2) | (
        n_complete.ge(1) & lists.groupby("_group")["contradicts"].transform("any") & ~lists["complete"]
    )
    lists["kind"] = group_contra.map({True: "contradiction", False: "omission"})
    kinds = lists.groupby("_group")["kind"].first()
    if not options.report_omissions:
        kinds = kinds[kinds.eq("contradiction")]
    if kinds.empty:
        return empty_conflicts()

    sel = sel[sel["_group"].isin(kinds.index)]
    sides = sides_by_value(sel)
    label_of = _labeler(ctx, sel)
    timeline_for = {
        (spec.organization, spec.members_property): tl for spec, tl in timelines_of(ctx) if spec.members_property
    }
    meta_key = sel.groupby("_group")[["subject", "property"]].first()
    expl = lists[lists["_group"].isin(kinds.index)].groupby("_group").apply(
        lambda g: _explain(g, union[g.name], label_of)
        + _periods(g, timeline_for.get(tuple(meta_key.loc[g.name])), ctx),
        include_groups=False,
    )
    return conflict_rows(
        sel,
        kind=kinds,
        severity=kinds.map({"contradiction": None, "omission": "info"}),
        explanation=expl,
        sides=sides,
    )


def _labeler(ctx: RuleContext, sel: pd.DataFrame):
    labels = {}
    for ids, label in zip(sel["value_ids"], sel["value_label"]):
        for i, part in zip(ids, str(label).split(", ")):
            labels.setdefault(i, part)
    return lambda i: labels.get(i, i)


def _explain(group: pd.DataFrame, union: frozenset, label_of) -> str:
    parts = []
    for srcs, s, complete in zip(group["sources"], group["set"], group["complete"]):
        lacks = sorted(union - s, key=label_of)
        who = ", ".join(srcs)
        text = f"{who} list{'s' if len(srcs) == 1 else ''} {len(s)}"
        if lacks:
            text += ", without " + _join([label_of(i) for i in lacks])
        if not complete:
            text += " (a partial list)"
        parts.append(text)
    return "The lists disagree: " + "; ".join(parts) + "."


def _periods(group: pd.DataFrame, timeline, ctx: RuleContext) -> str:
    """For membership lists: the period of the corpus's timeline in which each list is right."""
    if timeline is None or timeline.segments.empty:
        return ""
    texts = []
    for s, srcs in zip(group["set"], group["sources"]):
        periods = timeline.periods_with(members=frozenset(s))
        who = ", ".join(srcs)
        if periods.empty:
            texts.append(f"the {len(s)}-state list ({who}) matches no period of the membership timeline")
        else:
            texts.append(f"the {len(s)}-state list ({who}) is right for {describe_periods(periods)}")
    return " By the corpus's timeline, " + "; ".join(texts) + "."


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
