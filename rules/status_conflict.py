"""Conflicting status: a state has two different membership statuses at the same time.

Applies to the status property of each membership timeline (``membership_status``).

Time is read at the precision it is given. A claim with ``valid_from`` reports an event
(a join, an exit, a suspension) at some moment of that date (any day of 2012 for "in 2012");
the status it sets then holds until ``valid_to`` when given, else until the next event any
source reports for the same state and property. A claim without ``valid_from`` states the
status at some moment of its ``as_of`` (its source's publication date unless given).

Two claims with different statuses conflict when

* they speak of the same moment: their dates overlap, and neither can be placed apart from
  the other by a finer date of its own value (a year-only "member in 2006" is the
  admission of 16 August 2006 that another claim dates, not the application of June 2006);
* or one states the status at a moment that falls, whatever its precision, within the
  period another's event started and no later event ended (a statement of 2016 that the
  state left, against a suspension in 2012 that nothing after it lifted).

Contradiction:
    source A: in 2012 Uzbekistan suspended its participation; source B: in 2012
    Uzbekistan left the organization.

Consistent:
    source A: Uzbekistan applied in June 2006 and joined on 16 August 2006; source B:
    Uzbekistan became a member in 2006 (the year contains the admission).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from reconcile.detect.grouping import SIDE_COLUMNS, as_text, collect_sides, conflict_rows, join_by_group
from reconcile.detect.rulekit import RuleContext, empty_conflicts, listing
from reconcile.detect.scope import key_codes, next_event_start, scope_label

ID = "status-conflict"
NAME = "conflicting status"
SEVERITY = "error"
APPLIES_TO = ()

#: Claim columns the rule reads.
COLUMNS = ["subject", "property", "value", "value_label", *SIDE_COLUMNS]
COLUMNS += ["valid_from", "valid_from_start", "valid_from_end", "valid_to_start", "as_of", "as_of_start", "as_of_end"]

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
    timing = _timing(sel)
    pairs = _conflicting_pairs(sel, timing)
    if pairs.empty:
        return empty_conflicts()
    group = _components(len(sel), pairs["i"].to_numpy(), pairs["j"].to_numpy())
    rows = group >= 0
    sel = sel.assign(_group=group)[rows]
    moments = pd.DataFrame({"s": timing["i_s"], "e": timing["i_e"], "g": group})[rows]
    bounds = moments.groupby("g").agg(s=("s", "min"), e=("e", "max"))
    labels = scope_label(
        pd.Series(bounds["s"].to_numpy().astype("datetime64[s]"), index=bounds.index),
        pd.Series(bounds["e"].to_numpy().astype("datetime64[s]"), index=bounds.index),
    )
    sel["scope"] = sel["_group"].map(labels)
    sides = collect_sides(sel, first=("value_type", "value_ids", "subject"))
    table = sides.table
    # "A (from 2012) and B (as of 2016) say it left", per side: the sides of conflicts only
    who = dict(zip(sel["claim_id"], sel["source"].astype(str) + _when(sel)))
    says = [
        listing(sorted({who[c] for c in claims})) + (" says it " if len({who[c] for c in claims}) == 1 else " say it ")
        + _VERBS.get(value, str(value))
        for claims, value in zip(table["claims"], table["value"])
    ]
    statements = join_by_group(table["_group"], says, "; ")
    subjects = table["subject"].groupby(table["_group"].to_numpy()).first()
    expl = (
        "For the same time, the sources disagree on "
        + subjects.map(lambda subject: str(ctx.label(subject))).reindex(statements.index)
        + ": "
        + statements
        + "."
    )
    return conflict_rows(sel, groups=sides.groups, kind="contradiction", severity=None, explanation=expl, sides=sides)


def _timing(sel: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per claim, in int64 seconds: its moment's interval ``i_s``-``i_e`` (the event's date,
    or the as-of date), and for an event the period its status certainly holds,
    ``p_s``-``p_e`` (from the end of its date to ``valid_to``'s start, or to the earliest
    start of a later event of the same key; open-ended as far as nothing ends it)."""
    event = sel["valid_from_start"].notna().to_numpy()
    i_s = _secs(sel["valid_from_start"].where(event, sel["as_of_start"]))
    i_e = _secs(sel["valid_from_end"].where(event, sel["as_of_end"]))
    key = key_codes(sel, ["subject", "property"])
    never = np.iinfo(np.int64).max
    # the next event of the key: the earliest event start after this event's date
    ev = np.flatnonzero(event)
    next_start = np.full(len(sel), never)
    next_start[ev] = next_event_start(key[ev], i_e[ev], key[ev], i_s[ev])
    until = _secs(sel["valid_to_start"])
    p_e = np.where(until != _NAT, until, next_start)
    p_s = np.where(event, i_e, never)
    return {"event": event, "key": key, "i_s": i_s, "i_e": i_e, "p_s": p_s, "p_e": np.where(event, p_e, never)}


_NAT = np.iinfo(np.int64).min


def _secs(values: pd.Series) -> np.ndarray:
    return values.to_numpy(dtype="datetime64[s]").view("i8")


def _conflicting_pairs(sel: pd.DataFrame, t: dict[str, np.ndarray]) -> pd.DataFrame:
    """The pairs of claims (positions ``i`` < ``j``) of one key and different statuses that
    cannot both hold (see the module documentation)."""
    values = pd.factorize(sel["value"].to_numpy())[0]
    frame = pd.DataFrame({"k": t["key"], "v": values, "p": np.arange(len(sel))})
    pairs = frame.merge(frame, on="k", suffixes=("_a", "_b"))
    pairs = pairs[(pairs["p_a"] < pairs["p_b"]) & (pairs["v_a"] != pairs["v_b"])]
    if pairs.empty:
        return pd.DataFrame({"i": [], "j": []}, dtype=np.int64)
    a, b = pairs["p_a"].to_numpy(), pairs["p_b"].to_numpy()
    i_s, i_e, p_s, p_e = t["i_s"], t["i_e"], t["p_s"], t["p_e"]
    same_moment = (i_s[a] <= i_e[b]) & (i_s[b] <= i_e[a])
    if same_moment.any():
        apart = _placed_apart(frame, t, a, b) | _placed_apart(frame, t, b, a)
        same_moment &= ~apart
    # a statement at a moment wholly inside a period another's event opened
    within = (~t["event"][b] & (i_s[b] >= p_s[a]) & (i_e[b] < p_e[a])) | (
        ~t["event"][a] & (i_s[a] >= p_s[b]) & (i_e[a] < p_e[b])
    )
    keep = same_moment | within
    return pd.DataFrame({"i": a[keep], "j": b[keep]})


def _placed_apart(frame: pd.DataFrame, t: dict[str, np.ndarray], a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per pair: whether claim ``a`` can be placed at a moment apart from claim ``b``: some
    claim of ``a``'s key and status dates it more finely, inside ``a``'s date and outside
    ``b``'s."""
    i_s, i_e = t["i_s"], t["i_e"]
    pairs = pd.DataFrame({"n": np.arange(len(a)), "k": frame["k"].to_numpy()[a], "v": frame["v"].to_numpy()[a]})
    finer = pairs.merge(frame.rename(columns={"p": "d"}), on=["k", "v"])
    if finer.empty:
        return np.zeros(len(a), dtype=bool)
    n, d = finer["n"].to_numpy(), finer["d"].to_numpy()
    inside = (i_s[d] >= i_s[a[n]]) & (i_e[d] <= i_e[a[n]]) & ((i_s[d] > i_s[a[n]]) | (i_e[d] < i_e[a[n]]))
    apart = (i_e[d] < i_s[b[n]]) | (i_s[d] > i_e[b[n]])
    out = np.zeros(len(a), dtype=bool)
    out[n[inside & apart]] = True
    return out


def _components(n: int, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Per claim: the number of its group of claims linked by conflicting pairs, or -1."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_edges_from(zip(i.tolist(), j.tolist()))
    out = np.full(n, -1, dtype=np.int64)
    components = sorted(sorted(c) for c in nx.connected_components(graph))  # numbered by first claim
    for number, members in enumerate(components):
        out[members] = number
    return out



def _when(sel: pd.DataFrame) -> np.ndarray:
    """Per claim, the date it gives in words: " (from 2012)" for an event, " (as of 2016)"."""
    event = sel["valid_from"].notna().to_numpy()
    start = sel["valid_from"].astype(object).to_numpy()
    as_of = sel["as_of"].astype(object).to_numpy()
    return np.where(event, " (from " + start.astype(str) + ")", " (as of " + as_of.astype(str) + ")")
