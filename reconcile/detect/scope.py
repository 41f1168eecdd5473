"""Time scopes of claims: which claims speak about the same time and may contradict.

A claim key is (subject, property) plus its time scope. The scope of a claim is an
interval of days:

* a time-independent property (a founding date, a signing place) has one scope for all
  claims of the key;
* a time-dependent property is scoped by its period ``[valid_from, valid_to]`` when given
  (a chairmanship "in 2015"; "secretary general since April 2003" runs to the claim's
  ``as_of``), otherwise by ``as_of`` (a statement about "now" is scoped to its source's
  publication date, which may itself be a range). A period without ``valid_to`` (an event:
  "suspended its membership in 2012") holds at most until the next event that any claim
  of the same subject and property dates after it (:func:`next_event_start`): an event
  does not reach across the ones that followed it, so "joined in 2006" and "suspended in
  2012", both stated in 2016, are two scopes, not one.

Claims of one key whose scope intervals overlap, directly or through a chain of
overlapping claims, form one *scope group*; only claims in the same group are compared
by the single-value and set rules. :func:`assign_scope_groups` does this for all keys at
once with a sort of integer codes and a cumulative maximum (an interval sweep), no Python
loop per claim.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["scope_interval", "assign_scope_groups", "scope_label", "key_codes", "scope_bounds", "next_event_start"]

_MIN = pd.Timestamp("0001-01-01").as_unit("s")
_MAX = pd.Timestamp("9999-12-31").as_unit("s")


def scope_interval(claims: pd.DataFrame, key: np.ndarray | None = None) -> tuple[pd.Series, pd.Series]:
    """Start and end day of each claim's time scope (NaT for time-independent claims).

    An event (a claim with ``valid_from`` and no ``valid_to``) ends, at the latest, the
    moment before the next event of its subject and property (see the module docstring).
    ``key`` may give the claims' :func:`key_codes` of subject and property.
    """
    dependent = claims["time_dependent"].fillna(False).astype(bool)
    if not dependent.any():  # no claim has a time scope
        never = pd.Series(np.full(len(claims), np.datetime64("NaT", "s")), index=claims.index)
        return never, never.copy()
    has_period = claims["valid_from_start"].notna() | claims["valid_to_end"].notna()
    start = claims["valid_from_start"].where(claims["valid_from_start"].notna(), claims["as_of_start"])
    end = claims["valid_to_end"].where(claims["valid_to_end"].notna(), claims["as_of_end"])
    # "since X" with no as_of and no valid_to: from X onwards.
    end = end.where(end.notna() | ~has_period, _MAX)
    start = start.where(start.notna() | ~has_period, _MIN)
    start = start.where(dependent).astype("datetime64[s]")
    end = end.where(dependent).astype("datetime64[s]")
    event = (dependent & claims["valid_from_start"].notna() & claims["valid_to_end"].isna()).to_numpy()
    if event.sum() > 1:
        key = key_codes(claims, ["subject", "property"]) if key is None else np.asarray(key, dtype=np.int64)
        date_end = claims["valid_from_end"] if "valid_from_end" in claims else claims["valid_from_start"]
        ev = np.flatnonzero(event)
        nxt = next_event_start(key[ev], _seconds(date_end.iloc[ev]), key[ev], _seconds(claims["valid_from_start"].iloc[ev]))
        cut = nxt != _NEVER
        if cut.any():
            e = _seconds(end)
            rows = ev[cut]
            e[rows] = np.minimum(e[rows], nxt[cut] - 1)
            end = pd.Series(e.view("datetime64[s]"), index=claims.index)
    return start, end


_NEVER = np.iinfo(np.int64).max


def next_event_start(query_key: np.ndarray, after: np.ndarray, event_key: np.ndarray, event_start: np.ndarray) -> np.ndarray:
    """Per query: the earliest ``event_start`` of an event of the same key that starts
    strictly after ``after`` (int64 seconds), or the largest int64 when there is none.

    One sort of queries and events together by (key, time), queries after events of the
    same time; a reversed running minimum then hands each query the next event's start.
    """
    n_q = len(query_key)
    key = np.concatenate([np.asarray(query_key, np.int64), np.asarray(event_key, np.int64)])
    time = np.concatenate([np.asarray(after, np.int64), np.asarray(event_start, np.int64)])
    is_query = np.concatenate([np.ones(n_q, bool), np.zeros(len(event_key), bool)])
    # at equal times a query sorts after the events: "strictly after" skips them
    order = np.lexsort((is_query, time, key))
    k, t, q = key[order], time[order], is_query[order]
    # per position, the position of the nearest event at or after it, from the end
    pos = np.where(~q, np.arange(len(order)), len(order))
    nearest = np.minimum.accumulate(pos[::-1])[::-1]
    found = nearest < len(order)
    safe = np.minimum(nearest, len(order) - 1)
    found &= k[safe] == k
    value = np.where(found, t[safe], _NEVER)
    out = np.empty(n_q, dtype=np.int64)
    out[order[q]] = value[q]
    return out


def key_codes(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """One integer per row for the tuple of ``keys``, ordered like the sorted key tuples.

    Codes compare as the key tuples do under a lexicographic sort (missing values last), so
    sorting by them orders rows as ``frame.sort_values(keys)`` would, without comparing
    strings more than once per distinct value.
    """
    combined = np.zeros(len(frame), dtype=np.int64)
    for key in keys:
        codes, uniques = pd.factorize(frame[key], sort=True)
        width = len(uniques) + 1
        codes = np.where(codes < 0, len(uniques), codes)  # missing values sort last
        combined = combined * width + codes
    return combined


def _seconds(days: pd.Series, fill: pd.Timestamp | None = None) -> np.ndarray:
    """Datetimes as int64 seconds; missing values become ``fill`` (or stay NaT's integer)."""
    values = np.asarray(days.to_numpy(dtype="datetime64[s]"))
    out = values.view("i8").copy()
    if fill is not None:
        out[np.isnat(values)] = np.datetime64(fill.to_datetime64(), "s").astype(np.int64)
    return out


def assign_scope_groups(
    claims: pd.DataFrame, start: pd.Series, end: pd.Series, keys: list[str], key: np.ndarray | None = None
) -> pd.Series:
    """Number the groups of claims with overlapping scope within each key.

    Returns a Series aligned with ``claims``: an integer group id, unique across keys.
    Claims without a scope (time-independent) form one group per key. Groups are numbered
    in the order of (key, scope start, scope end). ``key`` may give the :func:`key_codes`
    of ``keys`` when the caller has them.
    """
    if claims.empty:
        return pd.Series([], dtype="int64", index=claims.index)
    key = key_codes(claims, keys) if key is None else np.asarray(key, dtype=np.int64)
    s = _seconds(start, _MIN)
    e = _seconds(end, _MAX)
    if (s == s[0]).all() and (e == e[0]).all():
        # One scope for all claims (e.g. none is time-dependent): one group per key.
        return pd.Series(_dense_ranks(key), index=claims.index)
    order = np.lexsort((e, s, key))  # stable: ties keep the claims' order
    key, s, e = key[order], s[order], e[order]
    new_key = np.ones(len(key), dtype=bool)
    new_key[1:] = key[1:] != key[:-1]
    # Running maximum of end within each key; a claim starting after it opens a new group.
    run_max = pd.Series(e).groupby(np.cumsum(new_key)).cummax().to_numpy()
    opens = new_key.copy()
    opens[1:] |= s[1:] > run_max[:-1]
    group = np.empty(len(order), dtype=np.int64)
    group[order] = np.cumsum(opens) - 1
    return pd.Series(group, index=claims.index)


def _dense_ranks(values: np.ndarray) -> np.ndarray:
    """Per value of an integer array: the rank of its value among the distinct values
    (0 for the smallest), as ``np.unique(values, return_inverse=True)[1]``.

    Values within a span not much wider than the array (codes of keys, the common case) are
    ranked by marking which occur and counting them, without sorting.
    """
    if len(values) == 0:
        return np.zeros(0, dtype=np.int64)
    low = values.min()
    span = int(values.max()) - int(low) + 1
    if span > 4 * len(values) + 1024:
        return np.unique(values, return_inverse=True)[1].astype(np.int64).reshape(-1)
    offset = values - low
    present = np.zeros(span, dtype=bool)
    present[offset] = True
    return (np.cumsum(present) - 1)[offset]


def scope_bounds(group: np.ndarray, start: pd.Series, end: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Per group (numbered ``0..n-1``): the earliest start and the latest end of its claims'
    scopes, missing days left out (NaT when none has one), as ``groupby(group)`` ``min``
    and ``max`` would give them (in seconds, as :func:`scope_interval` gives them)."""
    n_groups = int(group.max()) + 1 if len(group) else 0
    nat, never = np.iinfo(np.int64).min, np.iinfo(np.int64).max  # NaT is the smallest int64
    s, e = _seconds(start), _seconds(end)
    earliest = np.full(n_groups, never)
    np.minimum.at(earliest, group, np.where(s == nat, never, s))
    earliest[earliest == never] = nat
    latest = np.full(n_groups, nat)
    np.maximum.at(latest, group, e)
    return pd.Series(earliest.view("datetime64[s]")), pd.Series(latest.view("datetime64[s]"))


def scope_label(start: pd.Series, end: pd.Series) -> pd.Series:
    """Human label of a scope: ``2015``, ``2015-06/2017-12``, or None when unscoped.

    Each distinct (start, end) pair is labelled once.
    """
    if start.empty:
        return pd.Series([], index=start.index, dtype=object)
    s_codes, _ = pd.factorize(_seconds(start))
    e_codes, e_uniques = pd.factorize(_seconds(end))
    codes, _ = pd.factorize(s_codes * len(e_uniques) + e_codes)
    _, first = np.unique(codes, return_index=True)
    labels = np.empty(len(first), dtype=object)
    labels[:] = [_one_label(s, e) for s, e in zip(start.iloc[first], end.iloc[first])]
    return pd.Series(labels[codes], index=start.index, dtype=object)


def _one_label(s: pd.Timestamp, e: pd.Timestamp) -> str | None:
    """The label of one scope (see :func:`scope_label`)."""
    if pd.isna(s) and pd.isna(e):
        return None
    s_txt = "…" if pd.isna(s) or s == _MIN else _compact(s, start=True)
    e_txt = "…" if pd.isna(e) or e == _MAX else _compact(e, start=False)
    return s_txt if s_txt == e_txt else f"{s_txt}/{e_txt}"


def _compact(ts: pd.Timestamp, *, start: bool) -> str:
    """The shortest ISO text for a scope boundary: a year or month when it is whole."""
    if start:
        if ts.month == 1 and ts.day == 1:
            return f"{ts.year:04d}"
        if ts.day == 1:
            return f"{ts.year:04d}-{ts.month:02d}"
    else:
        if ts.month == 12 and ts.day == 31:
            return f"{ts.year:04d}"
        if (ts + pd.Timedelta(days=1)).day == 1:
            return f"{ts.year:04d}-{ts.month:02d}"
    return ts.strftime("%Y-%m-%d")

