"""Time scopes of claims: which claims speak about the same time and may contradict.

A claim key is (subject, property) plus its time scope. The scope of a claim is an
interval of days:

* a time-independent property (a founding date, a signing place) has one scope for all
  claims of the key;
* a time-dependent property is scoped by its period ``[valid_from, valid_to]`` when given
  (a chairmanship "in 2015"; "secretary general since April 2003" runs to the claim's
  ``as_of``), otherwise by ``as_of`` (a statement about "now" is scoped to its source's
  publication date, which may itself be a range).

Claims of one key whose scope intervals overlap, directly or through a chain of
overlapping claims, form one *scope group*; only claims in the same group are compared
by the single-value and set rules. :func:`assign_scope_groups` does this for all keys at
once with a sort and a cumulative maximum (an interval sweep), no Python loop per claim.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["scope_interval", "assign_scope_groups", "scope_label"]

_MIN = pd.Timestamp("0001-01-01").as_unit("s")
_MAX = pd.Timestamp("9999-12-31").as_unit("s")


def scope_interval(claims: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Start and end day of each claim's time scope (NaT for time-independent claims)."""
    dependent = claims["time_dependent"].fillna(False).astype(bool)
    has_period = claims["valid_from_start"].notna() | claims["valid_to_end"].notna()
    start = claims["valid_from_start"].where(claims["valid_from_start"].notna(), claims["as_of_start"])
    end = claims["valid_to_end"].where(claims["valid_to_end"].notna(), claims["as_of_end"])
    # "since X" with no as_of and no valid_to: from X onwards.
    end = end.where(end.notna() | ~has_period, _MAX)
    start = start.where(start.notna() | ~has_period, _MIN)
    start = start.where(dependent)
    end = end.where(dependent)
    return start.astype("datetime64[s]"), end.astype("datetime64[s]")


def assign_scope_groups(claims: pd.DataFrame, start: pd.Series, end: pd.Series, keys: list[str]) -> pd.Series:
    """Number the groups of claims with overlapping scope within each key.

    Returns a Series aligned with ``claims``: an integer group id, unique across keys.
    Claims without a scope (time-independent) form one group per key.
    """
    if claims.empty:
        return pd.Series([], dtype="int64", index=claims.index)
    frame = claims[keys].copy()
    frame["_s"] = start.fillna(_MIN).values
    frame["_e"] = end.fillna(_MAX).values
    frame = frame.sort_values([*keys, "_s", "_e"], kind="stable")
    new_key = ~frame[keys].eq(frame[keys].shift()).all(axis=1)
    key_id = new_key.cumsum()
    # Running maximum of end within each key; a claim starting after it opens a new group.
    run_max = frame.groupby(key_id.values)["_e"].cummax()
    prev_max = run_max.groupby(key_id.values).shift()
    opens = new_key | (frame["_s"] > prev_max)
    group = opens.cumsum().astype("int64") - 1
    return group.reindex(claims.index)


def scope_label(start: pd.Series, end: pd.Series) -> pd.Series:
    """Human label of a scope: ``2015``, ``2015-06/2017-12``, or None when unscoped."""

    def one(s: pd.Timestamp, e: pd.Timestamp) -> str | None:
        if pd.isna(s) and pd.isna(e):
            return None
        s_txt = "…" if pd.isna(s) or s == _MIN else _compact(s, start=True)
        e_txt = "…" if pd.isna(e) or e == _MAX else _compact(e, start=False)
        return s_txt if s_txt == e_txt else f"{s_txt}/{e_txt}"

    return pd.Series([one(s, e) for s, e in zip(start, end)], index=start.index, dtype=object)


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

