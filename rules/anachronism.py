"""Anachronism: an entity acts before it was established or after it was dissolved.

Applies to relation properties that say who acts in the subject: who conducts an activity,
who takes part in an event, who signs a document. A property opts in by listing this rule
in its ``rules`` (``rules: [anachronism]`` in ``properties.yaml``), like ``conducted_by``
and ``taking_part`` of the starter registry.

The time of the act is the claim's own ``valid_from`` (or ``as_of``, when given), else the
subject's date: its ``held_on``, ``established`` or ``signed`` claims (option
``event_dates``). The actor's lifetime comes from its own ``established`` and ``dissolved``
claims (options ``established`` and ``dissolved``). Dates are read at their precision: an
act "since 2004" contradicts an establishment "in February 2009" (every day of the one is
before every day of the other), an act "in 2009" does not.

Contradiction:
    source A: the CRRF has conducted the annual "Frontier" exercises since 2004; source B
    (or A itself): the CRRF was created in February 2009.

Consistent:
    source A: the CRRF took part in the 2015 exercise in Tajikistan; source B: the CRRF was
    created in 2009.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reconcile.detect.tables import conflict_tables
from reconcile.detect.rulekit import RuleContext, empty_conflicts

ID = "anachronism"
NAME = "anachronism"
SEVERITY = "error"
APPLIES_TO = ()

#: Claim columns the rule reads.
COLUMNS = [
    "claim_id", "source", "subject", "property", "value", "value_ids", "value_label",
    "date_start", "date_end", "valid_from", "valid_from_start", "valid_from_end", "as_of_given", "as_of", "as_of_start", "as_of_end",
]


@dataclass(frozen=True)
class Options:
    event_dates: tuple[str, ...] = ("held_on", "established", "signed")
    """Date properties that date the subject of an act, when the act's claim has no date."""
    established: str = "established"
    """The date property of an actor's beginning."""
    dissolved: str = "dissolved"
    """The date property of an actor's end."""


def check(claims: pd.DataFrame, ctx: RuleContext, options: Options) -> pd.DataFrame:
    relations = ctx.properties_for(ID, APPLIES_TO)
    if not relations:
        return empty_conflicts()
    cols = [c for c in COLUMNS if c in claims]
    acts = claims.loc[claims["property"].isin(relations) & claims["value_ids"].notna(), cols]
    if acts.empty:
        return empty_conflicts()
    acts = _act_times(acts, claims, options)
    if acts.empty:
        return empty_conflicts()
    lives = claims.loc[claims["property"].isin([options.established, options.dissolved]) & claims["date_start"].notna(), cols]
    found = acts.merge(
        lives[["claim_id", "source", "subject", "property", "value", "date_start", "date_end"]].rename(
            columns={"claim_id": "life_claim", "source": "life_source", "subject": "actor", "property": "life",
                     "value": "life_value", "date_start": "life_start", "date_end": "life_end"}
        ),
        on="actor",
    )
    before = found["life"].eq(options.established) & (found["act_end"] < found["life_start"])
    after = found["life"].eq(options.dissolved) & (found["act_start"] > found["life_end"])
    found = found[before | after].assign(when=np.where(before[before | after], "before", "after"))
    if found.empty:
        return empty_conflicts()
    rows = []
    for (subject, prop, actor), g in found.groupby(["subject", "property", "actor"], sort=True):
        actor_label = str(ctx.label(actor))
        act_label = g["act_label"].iloc[0]
        act_claims = sorted(set(g["claim_id"]) | set(g["date_claim"].dropna()))
        sides = [{"value": f"{actor} acts {act_label}", "label": f"{actor_label} acts {act_label}", "claims": act_claims}]
        reasons = []
        for life, lg in g.groupby("life", sort=True):
            word = "established" if life == options.established else "dissolved"
            for value, vg in lg.groupby("life_value", sort=True):
                sides.append({"value": f"{actor} {word} {value}", "label": f"{actor_label} {word} {value}",
                              "claims": sorted(set(vg["life_claim"]))})
            values = sorted(set(lg["life_value"].astype(str)))
            reasons.append(f"{word} in {' or '.join(values)} ({', '.join(sorted(set(lg['life_source'])))})")
        rows.append(
            {
                "subject": subject,
                "property": prop,
                "scope": None,
                "kind": "anachronism",
                "severity": None,
                "explanation": (
                    f"{actor_label} acts in {ctx.label(subject)} {act_label} "
                    f"({', '.join(sorted(set(g['source']) | set(g['date_source'].dropna())))}), "
                    f"but it was {' and '.join(reasons)}: "
                    + ("before it existed." if (g["when"] == "before").all() else "when it no longer existed.")
                ),
                "sides": sides,
            }
        )
    return conflict_tables(rows)


def _act_times(acts: pd.DataFrame, claims: pd.DataFrame, options: Options) -> pd.DataFrame:
    """One row per (act claim, actor, date of the act): the act's interval of days
    (``act_start``-``act_end``), its label ("since 2004", "in 2015") and the claim that dates
    it (``date_claim``, ``date_source``; none when the act's claim dates itself)."""
    acts = acts.assign(actor=acts["value_ids"]).explode("actor", ignore_index=True)
    acts = acts[acts["actor"].notna()].reset_index(drop=True)
    given = acts["as_of_given"].fillna(False).astype(bool) if "as_of_given" in acts else False
    own = (acts["valid_from_start"].notna() | given).to_numpy(dtype=bool)
    mine = acts[own]
    has_from = mine["valid_from_start"].notna()
    dated = mine.assign(
        act_start=mine["valid_from_start"].where(has_from, mine["as_of_start"]),
        act_end=mine["valid_from_end"].where(has_from, mine["as_of_end"]),
        act_label=np.where(has_from, "from " + mine["valid_from"].astype(str), "as of " + mine["as_of"].astype(str)),
        date_claim=None,
        date_source=None,
    )
    dates = claims.loc[claims["property"].isin(options.event_dates) & claims["date_start"].notna(),
                       ["claim_id", "source", "subject", "property", "value", "date_start", "date_end"]]
    by_subject = acts[~own].merge(
        dates.rename(columns={"claim_id": "date_claim", "source": "date_source", "property": "date_property",
                              "value": "date_value", "date_start": "act_start", "date_end": "act_end"}),
        on="subject",
    )
    if len(by_subject):
        by_subject["act_label"] = np.where(
            by_subject["date_property"].eq(options.established), "from " + by_subject["date_value"].astype(str),
            "in " + by_subject["date_value"].astype(str),
        )
        by_subject = by_subject.drop(columns=["date_property", "date_value"])
    return pd.concat([d for d in (dated, by_subject) if len(d)], ignore_index=True) if len(dated) or len(by_subject) else dated


def context_properties(options: Options, registry) -> set[str]:
    """The properties of other subjects this rule reads: the actors' lifetimes (an engine
    that splits the claims by subject gives their claims to every partition)."""
    return {options.established, options.dissolved}
