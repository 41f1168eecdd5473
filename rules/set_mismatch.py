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
from itertools import chain

import numpy as np
import pandas as pd

from reconcile.detect.grouping import (
    SIDE_COLUMNS,
    as_text,
    collect_sides,
    conflict_rows,
    disagreeing,
    distinct,
    in_sorted,
    join_by_group,
    scoped,
)
from reconcile.detect.rulekit import RuleContext, empty_conflicts, listing
from reconcile.detect.timeline import Timeline, describe_periods, timelines_of, timeline_properties

ID = "set-mismatch"
NAME = "differing lists"
SEVERITY = "error"
APPLIES_TO = ("entity_set",)

#: Claim columns the rule reads.
COLUMNS = ["value", "value_label", "complete", *SIDE_COLUMNS]


@dataclass(frozen=True)
class Options:
    report_omissions: bool = False
    """Also report partial lists that omit items of a complete list (as info)."""


def check(claims: pd.DataFrame, ctx: RuleContext, options: Options) -> pd.DataFrame:
    sel = scoped(claims, ctx.properties_for(ID, APPLIES_TO), columns=COLUMNS, ctx=ctx)
    rows = disagreeing(sel, among=sel["value_ids"].notna().to_numpy())
    if not rows.any():
        return empty_conflicts()
    # One row per (group, distinct list), sorted by group then list.
    sides = collect_sides(
        sel, rows=rows, first=("value_type", "value_ids", "subject", "property"), any_of=("complete",)
    )
    lists = sides.table
    members = _Members(lists)
    kinds, contradicts = _kinds(lists, members)
    # A partial list that names no member the complete lists deny is no side of a
    # contradiction: it leaves members out, which every other list may explain.
    silent = ~contradicts & lists["_group"].map(kinds).eq("contradiction").to_numpy()
    if silent.any():
        rows &= ~sel["claim_id"].isin(list(chain.from_iterable(lists["claims"].to_numpy()[silent]))).to_numpy()
        sides = collect_sides(
            sel, rows=rows, first=("value_type", "value_ids", "subject", "property"), any_of=("complete",)
        )
        lists = sides.table
        members = _Members(lists)
        kinds, _ = _kinds(lists, members)
    if not options.report_omissions:
        kinds = kinds[kinds.eq("contradiction")]
    if kinds.empty:
        return empty_conflicts()

    shown = lists["_group"].isin(kinds.index).to_numpy()
    timeline_for = {
        (spec.organization, spec.members_property): tl for spec, tl in timelines_of(ctx) if spec.members_property
    }
    labels = {i: ctx.label(i) for i in members.items[distinct(members.item[shown[members.list]])]}
    expl = _explanations(lists, members, shown, labels, timeline_for)
    return conflict_rows(
        sel,
        kind=kinds,
        severity=kinds.map({"contradiction": None, "omission": "info"}),
        explanation=expl,
        sides=sides,
        groups=kinds.index,
    )


class _Members:
    """The items of each list of a side table (sorted by group) as integer codes."""

    def __init__(self, lists: pd.DataFrame) -> None:
        ids = lists["value_ids"].tolist()
        lengths = np.fromiter(map(len, ids), dtype=np.int64, count=len(ids))
        codes, self.items = pd.factorize(pd.Series(list(chain.from_iterable(ids)), dtype=object))
        self.n_items = np.int64(len(self.items))
        self.group = lists["_group"].to_numpy()
        #: Distinct (list, item) keys, sorted; and the list and item of each.
        self.pairs = distinct(np.repeat(np.arange(len(ids)), lengths) * self.n_items + codes)
        self.list, self.item = self.pairs // self.n_items, self.pairs % self.n_items
        #: Distinct items of each list.
        self.size = np.bincount(self.list, minlength=len(ids))

    def group_pairs(self, lists: np.ndarray | slice = slice(None)) -> np.ndarray:
        """Distinct (group, item) keys of the items of the chosen lists, sorted."""
        chosen = np.zeros(len(self.group), dtype=bool)
        chosen[lists] = True
        keep = chosen[self.list]
        return distinct(self.group[self.list[keep]] * self.n_items + self.item[keep])


def _kinds(lists: pd.DataFrame, members: _Members) -> tuple[pd.Series, np.ndarray]:
    """Per group: "contradiction", or "omission" when partial lists only leave items out;
    and per list whether it contradicts another.

    A complete list contradicts the other lists; a partial list contradicts only if it names
    an item absent from every complete list of its group. A group is a contradiction when
    two of its lists contradict.
    """
    complete = lists["complete"].to_numpy()
    group = members.group
    first = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])  # each group's first list
    group_pos = np.cumsum(np.r_[False, group[1:] != group[:-1]])
    n_complete = np.bincount(group_pos, weights=complete, minlength=len(first))
    in_complete = in_sorted(group[members.list] * members.n_items + members.item, members.group_pairs(complete))
    outsider = np.bincount(members.list[~in_complete], minlength=len(lists)) > 0
    contradicts = complete | (outsider & (n_complete[group_pos] > 0))
    n_contradicting = np.bincount(group_pos, weights=contradicts, minlength=len(first))
    contradiction = n_contradicting >= 2
    kinds = pd.Series(
        np.where(contradiction, "contradiction", "omission"), index=pd.Index(group[first], name="_group"), name="kind"
    )
    return kinds, contradicts


def _explanations(
    lists: pd.DataFrame, members: _Members, shown: np.ndarray, labels: dict[str, str], timeline_for: dict
) -> pd.Series:
    """Per shown group: what each list has and lacks, then (for membership) its periods."""
    which = np.flatnonzero(shown)
    lacks = _lacks(members, which, labels)
    texts = (
        lists["sources"].to_numpy()[which]
        + np.where(lists["n_sources"].to_numpy()[which] == 1, " lists ", " list ")
        + as_text(members.size[which].tolist())
        + np.where(lacks != "", ", without " + lacks, "")
        + np.where(lists["complete"].to_numpy()[which], "", " (a partial list)")
    )
    expl = "The lists disagree: " + join_by_group(lists["_group"].to_numpy()[which], texts, "; ") + "."
    return expl + _periods(lists.iloc[which], timeline_for).reindex(expl.index, fill_value="")


def _lacks(members: _Members, which: np.ndarray, labels: dict[str, str]) -> np.ndarray:
    """Per list of ``which``: the items of its group that it lacks, by label ("A, B and C")."""
    union = members.group_pairs(which)
    union_group = union // members.n_items
    group = members.group[which]
    start = np.searchsorted(union_group, group)
    count = np.searchsorted(union_group, group, side="right") - start
    # Every (list, item of its group's union) candidate, then those the list lacks.
    owner = np.repeat(which, count)
    offset = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    item = union[np.repeat(start, count) + offset] % members.n_items
    lacking = ~in_sorted(owner * members.n_items + item, members.pairs)
    owner, item = owner[lacking], item[lacking]
    item_label = as_text([labels.get(i, i) for i in members.items])
    order = np.lexsort((item, pd.factorize(item_label, sort=True)[0][item], owner))
    names = item_label[item[order]].tolist()
    ends = np.cumsum(np.bincount(np.searchsorted(which, owner), minlength=len(which)))
    starts = np.r_[0, ends[:-1]]
    return np.array([listing(names[a:b]) for a, b in zip(starts.tolist(), ends.tolist())], dtype=object)


def _periods(lists: pd.DataFrame, timeline_for: dict) -> pd.Series:
    """Per group of a membership list with a timeline: the period in which each list is right."""
    if not timeline_for:
        return pd.Series([], dtype=object)
    keys = pd.MultiIndex.from_arrays([lists["subject"], lists["property"]])
    has = keys.isin([k for k, tl in timeline_for.items() if tl is not None])
    out = {}
    for gid, part in lists[has].groupby("_group", sort=True):
        timeline = timeline_for[(part["subject"].iloc[0], part["property"].iloc[0])]
        out[gid] = _periods_text(part, timeline)
    return pd.Series(out, dtype=object)


def _periods_text(lists: pd.DataFrame, timeline: Timeline) -> str:
    """For membership lists: the period of the corpus's timeline in which each list is right."""
    if timeline.segments.empty:
        return ""
    texts = []
    for ids, who in zip(lists["value_ids"], lists["sources"]):
        s = frozenset(ids)
        periods = timeline.periods_with(members=s)
        if periods.empty:
            texts.append(f"the {len(s)}-state list ({who}) matches no period of the membership timeline")
        else:
            texts.append(f"the {len(s)}-state list ({who}) is right for {describe_periods(periods)}")
    return " By the corpus's timeline, " + "; ".join(texts) + "."


def context_properties(options: Options, registry) -> set[str]:
    """The properties of other subjects this rule reads: those of the membership timelines
    (an engine that splits the claims by subject gives their claims to every partition)."""
    return timeline_properties(registry)
