"""Timeline inconsistency: membership events and lists that the timeline cannot order.

Rebuilds each organization's membership timeline from founding members and dated joins,
exits and suspensions (see :mod:`reconcile.detect.timeline`) and reports:

* **exit before join**: a state leaves (or is suspended) before it ever joined, and it is
  not a founding member;
* **anachronism**: a membership event dated before the organization was founded;
* **departed member listed**: a complete member list of a given time names a state that
  the timeline says had left by then (or had not yet joined).

Contradiction:
    source A: Georgia joined in 1993; source B: Georgia withdrew in 1991 (before the 1992
    founding and before its own join).

Consistent:
    source A: Uzbekistan, a founder, refused to renew in 1999; source B: it joined again
    on 16 August 2006; source C: it left in 2012.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from reconcile.detect.tables import conflict_tables
from reconcile.detect.rulekit import RuleContext, empty_conflicts, listing
from reconcile.detect.timeline import MEMBER, NON_MEMBER_STATUSES, timelines_of, timeline_properties

ID = "timeline-consistency"
NAME = "timeline inconsistency"
SEVERITY = "error"
APPLIES_TO = ()


@dataclass(frozen=True)
class Options:
    check_lists: bool = True
    """Check complete member lists against the timeline at their time."""


def check(claims: pd.DataFrame, ctx: RuleContext, options: Options) -> pd.DataFrame:
    rows: list[dict] = []
    for spec, tl in timelines_of(ctx):
        ev = tl.events
        if ev.empty:
            continue
        rows += _exit_before_join(ctx, spec, tl)
        rows += _anachronisms(ctx, spec, tl)
        if options.check_lists and spec.members_property:
            rows += _departed_listed(ctx, spec, tl, claims)
    if not rows:
        return empty_conflicts()
    return conflict_tables(rows)


def _exit_before_join(ctx: RuleContext, spec, tl) -> list[dict]:
    ev = tl.events
    first = ev.groupby(["country", "status"])["start"].min().unstack()
    founders = set(ev.loc[ev["kind"].eq("founding"), "country"])
    rows = []
    for country, r in first.iterrows():
        joined = r.get(MEMBER)
        exits = [r.get(s) for s in NON_MEMBER_STATUSES if pd.notna(r.get(s))]
        if country in founders or pd.isna(joined) or not exits or min(exits) >= joined:
            continue
        exit_date = min(exits)
        exit_ev = ev[(ev["country"] == country) & ev["status"].isin(NON_MEMBER_STATUSES) & (ev["start"] == exit_date)]
        join_ev = ev[(ev["country"] == country) & (ev["status"] == MEMBER) & (ev["start"] == joined)]
        rows.append(
            {
                "subject": country,
                "property": spec.status_property,
                "scope": None,
                "kind": "order",
                "severity": None,
                "explanation": f"{ctx.label(country)} is said to leave ({exit_ev['label'].iloc[0]}, "
                f"{', '.join(sorted(set(exit_ev['source'])))}) before it first joined "
                f"({join_ev['label'].iloc[0]}, {', '.join(sorted(set(join_ev['source'])))}).",
                "sides": [
                    {"value": f"left {exit_ev['label'].iloc[0]}", "label": f"left {exit_ev['label'].iloc[0]}", "claims": sorted(exit_ev["claim_id"])},
                    {"value": f"joined {join_ev['label'].iloc[0]}", "label": f"joined {join_ev['label'].iloc[0]}", "claims": sorted(join_ev["claim_id"])},
                ],
            }
        )
    return rows


def _anachronisms(ctx: RuleContext, spec, tl) -> list[dict]:
    if tl.founded is None:
        return []
    ev = tl.events
    early = ev[ev["kind"].eq("event") & (ev["end"] < tl.founded)]
    if early.empty:
        return []
    claims = ctx.all_claims
    founding = claims[
        (claims["subject"] == (spec.founding_subject or spec.organization))
        & (claims["property"] == (spec.founding_property or spec.established_property))
        & (claims["value"] == tl.founded_label)
    ]
    rows = []
    for (country, label), grp in early.groupby(["country", "label"]):
        rows.append(
            {
                "subject": country,
                "property": spec.status_property,
                "scope": str(label),
                "kind": "anachronism",
                "severity": None,
                "explanation": f"{ctx.label(country)}'s membership event of {label} ({', '.join(sorted(set(grp['source'])))}) "
                f"is dated before {ctx.label(spec.organization)} was founded ({tl.founded_label}).",
                "sides": [
                    {"value": f"event {label}", "label": f"{', '.join(sorted(set(grp['status'])))} {label}", "claims": sorted(grp["claim_id"])},
                    {"value": f"founded {tl.founded_label}", "label": f"founded {tl.founded_label}", "claims": sorted(founding["claim_id"])},
                ],
            }
        )
    return [r for r in rows if r["sides"][1]["claims"]]


def _departed_listed(ctx: RuleContext, spec, tl, claims: pd.DataFrame) -> list[dict]:
    """One conflict per complete member list that names states the timeline says were not
    members at its time: the list is one side, each state's exit (or later join) another;
    one mistaken list is one card, however many states it gets wrong."""
    lists = claims[
        (claims["subject"] == spec.organization)
        & (claims["property"] == spec.members_property)
        & claims["complete"]
        & claims["as_of_start"].notna()
    ]
    ev = tl.events
    rows = []
    for (value, as_of), grp in lists.groupby(["value", "as_of"]):
        end = grp["as_of_end"].iloc[0]
        ids = grp["value_ids"].iloc[0]
        offenders = []
        for country in ids:
            cev = ev[ev["country"] == country].sort_values("start")
            if cev.empty:
                continue
            before = cev[cev["start"] <= end]
            if before.empty:
                joined = cev[cev["status"] == MEMBER]
                if joined.empty:
                    continue
                why, evidence = f"joined only in {joined['label'].iloc[0]}", joined
            else:
                last = before.iloc[-1]
                if last["status"] == MEMBER:
                    continue
                evidence = before[before["start"] == last["start"]]
                why = f"{'left' if last['status'] == 'withdrawn' else 'suspended its participation'} in {last['label']}"
            offenders.append((country, why, evidence))
        if not offenders:
            continue
        countries = [c for c, _, _ in offenders]
        names = [str(ctx.label(c)) for c in countries]
        # "names Azerbaijan, Georgia and Uzbekistan, which left in 1999 (arabic-compilation)"
        reasons: dict[tuple[str, str], list[str]] = {}
        for (country, why, evidence), name in zip(offenders, names):
            reasons.setdefault((why, ", ".join(sorted(set(evidence["source"])))), []).append(name)
        clauses = [
            f"{listing(group)}, which {why} ({who})" for (why, who), group in reasons.items()
        ]
        rows.append(
            {
                "subject": spec.organization,
                "property": spec.members_property,
                "scope": as_of,
                "kind": "timeline",
                "severity": "warning",
                "explanation": f"The member list of {as_of} ({', '.join(sorted(set(grp['source'])))}) names "
                + "; ".join(clauses) + ".",
                "sides": [
                    {
                        "value": f"{', '.join(countries)} listed {as_of}",
                        "label": f"{listing(names)} listed as {'a member' if len(names) == 1 else 'members'}",
                        "claims": sorted(grp["claim_id"]),
                    },
                    *(
                        {"value": f"{country} {why}", "label": f"{name} {why}", "claims": sorted(evidence["claim_id"])}
                        for (country, why, evidence), name in zip(offenders, names)
                    ),
                ],
            }
        )
    return rows


def context_properties(options: Options, registry) -> set[str]:
    """The properties of other subjects this rule reads: those of the membership timelines
    (an engine that splits the claims by subject gives their claims to every partition)."""
    return timeline_properties(registry)
