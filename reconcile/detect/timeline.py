"""Membership timelines rebuilt from the claims of all sources.

For an organization declared in ``properties.yaml`` under ``timelines``, the timeline is
built from:

* the founding members (``founders_property``), members from the founding date (the most
  supported value of ``founding_property`` of ``founding_subject``, e.g. the signing date
  of the founding treaty);
* membership events: ``status_property`` claims whose ``valid_from`` dates a join
  (``member``), an exit (``withdrawn``) or a suspension (``suspended``).

A state is a member from a ``member`` event until the next ``withdrawn`` or
``suspended`` event (a suspended state is not counted among the members). The timeline is
the corpus's consensus: events from every source are merged in date order, so it can say
"seven members is right for 2006-08-16 to 2012, when Uzbekistan was a member" even when
no single source tells the whole story.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

from reconcile.load.registry import TimelineSpec
from reconcile.detect.rulekit import RuleContext

__all__ = ["Timeline", "build_timeline", "timelines_of", "MEMBER", "NON_MEMBER_STATUSES"]

MEMBER = "member"
NON_MEMBER_STATUSES = ("withdrawn", "suspended")


@dataclass
class Timeline:
    """Membership of one organization over time."""

    organization: str
    founded: pd.Timestamp | None
    founded_label: str | None
    events: pd.DataFrame
    """country, status, start, end, label (ISO as written), claim_id, source."""
    segments: pd.DataFrame = field(default_factory=pd.DataFrame)
    """start, end, start_label, end_label, members (frozenset), size: constant membership."""

    def members_at(self, start: pd.Timestamp, end: pd.Timestamp) -> list[frozenset[str]]:
        """The distinct member sets of the segments overlapping ``[start, end]``."""
        seg = self.segments
        hit = seg[(seg["start"] <= end) & (seg["end_or_max"] >= start)]
        return list(dict.fromkeys(hit["members"]))

    def periods_with(self, size: int | None = None, members: frozenset[str] | None = None) -> pd.DataFrame:
        """Segments whose membership has ``size`` members (or exactly ``members``)."""
        seg = self.segments
        mask = pd.Series(True, index=seg.index)
        if size is not None:
            mask &= seg["size"].eq(size)
        if members is not None:
            mask &= seg["members"].map(lambda m: m == members)
        return seg[mask]

    def first_event(self, country: str, status: str) -> pd.Series | None:
        ev = self.events[(self.events["country"] == country) & (self.events["status"] == status)]
        return None if ev.empty else ev.sort_values("start").iloc[0]


def build_timeline(claims: pd.DataFrame, spec: TimelineSpec) -> Timeline:
    """Rebuild the membership timeline of ``spec.organization`` from ``claims``."""
    founded, founded_label = _founding_date(claims, spec)
    frames = []
    if spec.founders_property and founded is not None:
        fc = claims[(claims["subject"] == spec.organization) & (claims["property"] == spec.founders_property)]
        if not fc.empty:
            ex = fc[["claim_id", "source", "value_ids"]].explode("value_ids").rename(columns={"value_ids": "country"})
            ex["status"] = MEMBER
            ex["start"] = founded
            ex["end"] = founded
            ex["label"] = founded_label
            ex["kind"] = "founding"
            frames.append(ex)
    if spec.status_property:
        sc = claims[(claims["property"] == spec.status_property) & claims["valid_from_start"].notna()]
        if not sc.empty:
            frames.append(
                pd.DataFrame(
                    {
                        "claim_id": sc["claim_id"],
                        "source": sc["source"],
                        "country": sc["subject"],
                        "status": sc["value"],
                        "start": sc["valid_from_start"],
                        "end": sc["valid_from_start"].where(sc["valid_to_end"].isna(), sc["valid_to_end"]),
                        "label": sc["valid_from"],
                        "kind": "event",
                    }
                )
            )
    events = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["claim_id", "source", "country", "status", "start", "end", "label", "kind"])
    )
    events = events.sort_values(["country", "start", "status"], kind="stable").reset_index(drop=True)
    tl = Timeline(spec.organization, founded, founded_label, events)
    tl.segments = _segments(events)
    return tl


def _founding_date(claims: pd.DataFrame, spec: TimelineSpec) -> tuple[pd.Timestamp | None, str | None]:
    subject = spec.founding_subject or spec.organization
    prop = spec.founding_property or spec.established_property
    if not prop:
        return None, None
    fc = claims[(claims["subject"] == subject) & (claims["property"] == prop) & claims["date_start"].notna()]
    if fc.empty:
        return None, None
    # Most supported value; ties go to the most precise, then the earliest.
    counts = Counter(fc["value"])
    rank = fc.assign(
        support=fc["value"].map(counts),
        width=(fc["date_end"] - fc["date_start"]).dt.days,
    ).sort_values(["support", "width", "date_start"], ascending=[False, True, True])
    best = rank.iloc[0]
    return best["date_start"], best["value"]


def _segments(events: pd.DataFrame) -> pd.DataFrame:
    """Cut time at every event; each segment has a constant set of members."""
    cols = ["start", "end", "start_label", "end_label", "members", "size", "end_or_max"]
    if events.empty:
        return pd.DataFrame(columns=cols)
    # Per country, membership intervals: from a member event to the next non-member event.
    intervals = []
    for country, ev in events.groupby("country", sort=True):
        ev = ev.sort_values(["start", "status"], kind="stable")
        current = None
        for row in ev.itertuples(index=False):
            if row.status == MEMBER and current is None:
                current = (row.start, row.label)
            elif row.status in NON_MEMBER_STATUSES and current is not None:
                intervals.append((country, current[0], current[1], row.start, row.label))
                current = None
        if current is not None:
            intervals.append((country, current[0], current[1], pd.NaT, None))
    iv = pd.DataFrame(intervals, columns=["country", "start", "start_label", "end", "end_label"])
    points = sorted(set(iv["start"].dropna()) | set(iv["end"].dropna()))
    labels = {}
    for s, sl in zip(iv["start"], iv["start_label"]):
        labels.setdefault(s, sl)
    for e, el in zip(iv["end"], iv["end_label"]):
        if pd.notna(e):
            labels.setdefault(e, el)
    rows = []
    for i, p in enumerate(points):
        nxt = points[i + 1] if i + 1 < len(points) else pd.NaT
        active = iv[(iv["start"] <= p) & (iv["end"].isna() | (iv["end"] > p))]
        members = frozenset(active["country"])
        rows.append((p, nxt, labels.get(p), labels.get(nxt) if pd.notna(nxt) else None, members, len(members)))
    seg = pd.DataFrame(rows, columns=cols[:-1])
    # merge consecutive segments with identical membership
    seg = seg[seg["members"].ne(seg["members"].shift())].reset_index(drop=True)
    seg["end"] = seg["start"].shift(-1)
    seg["end_label"] = seg["start_label"].shift(-1)
    seg["start"] = seg["start"].astype("datetime64[s]")
    seg["end"] = seg["end"].astype("datetime64[s]")
    seg["end_or_max"] = seg["end"].fillna(pd.Timestamp("9999-12-31").as_unit("s"))
    return seg


def timelines_of(ctx: RuleContext) -> list[tuple[TimelineSpec, Timeline]]:
    """``(spec, timeline)`` for each timeline of the registry, built once per run."""
    return ctx.cached(
        "timelines",
        lambda: [(spec, build_timeline(ctx.all_claims, spec)) for spec in ctx.registry.timelines],
    )


def timeline_properties(registry) -> set[str]:
    """Every property a membership timeline of the registry reads, of whichever subject
    (founders, founding, statuses of the members, member lists, counts): a rule that builds
    timelines reads these claims of subjects other than the one it reports on (its
    ``context_properties``, which an engine that splits the claims by subject gives every
    partition; see :mod:`reconcile.dask_engine`)."""
    import dataclasses

    out: set[str] = set()
    for spec in registry.timelines:
        for f in dataclasses.fields(spec):
            value = getattr(spec, f.name)
            if f.name.endswith("_property") and isinstance(value, str) and value:
                out.add(value)
    return out


def describe_periods(periods: pd.DataFrame) -> str:
    """``2006-08-16 to 2012`` style text for timeline segments (joined with "and")."""
    texts = []
    for start_label, end_label in zip(periods["start_label"], periods["end_label"]):
        if end_label is None or (isinstance(end_label, float) and pd.isna(end_label)):
            texts.append(f"since {start_label}")
        else:
            texts.append(f"{start_label} to {end_label}")
    return " and ".join(texts)
