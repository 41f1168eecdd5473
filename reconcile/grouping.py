"""Group operations shared by the rules: claim keys with time scopes, and conflict sides.

Rules select the claims of their properties with :func:`scoped`, which adds a ``_group``
column (one per claim key: subject, property and overlapping time scope) and a ``scope``
label per group; they keep the groups that disagree with vectorized group-bys and turn the
claims of each group into sides with :func:`sides_by_value`.
"""

from __future__ import annotations

from typing import Any, Callable

import pandas as pd

from .scope import assign_scope_groups, scope_interval, scope_label

__all__ = ["scoped", "sides_by_value", "sources_text", "side_value", "conflict_rows"]

KEY = ["subject", "property"]


def scoped(claims: pd.DataFrame, properties: list[str]) -> pd.DataFrame:
    """Claims of ``properties`` with ``_group`` (claim key + overlapping scope) and ``scope``."""
    sel = claims[claims["property"].isin(properties)].copy()
    if sel.empty:
        sel["_group"] = pd.Series(dtype="int64")
        sel["scope"] = pd.Series(dtype=object)
        return sel
    start, end = scope_interval(sel)
    sel["_scope_start"] = start
    sel["_scope_end"] = end
    sel["_group"] = assign_scope_groups(sel, start, end, KEY)
    bounds = sel.groupby("_group").agg(s=("_scope_start", "min"), e=("_scope_end", "max"))
    labels = scope_label(bounds["s"], bounds["e"])
    sel["scope"] = sel["_group"].map(labels)
    return sel


def side_value(row_value: str, value_type: str, value_ids: Any) -> Any:
    """The JSON value of a side: a list of ids for sets, else the canonical text."""
    if value_type == "entity_set" and isinstance(value_ids, tuple):
        return list(value_ids)
    return row_value


def sides_by_value(
    frame: pd.DataFrame,
    *,
    value: str = "value",
    label: str = "value_label",
    make_value: Callable[[pd.Series], Any] | None = None,
) -> pd.Series:
    """For each ``_group``: a list of sides, one per distinct ``value``.

    Each side is ``{"value", "label", "claims"}`` with the claim ids that support it.
    """
    first = frame.groupby(["_group", value], sort=True).agg(
        label=(label, "first"),
        claims=("claim_id", lambda s: sorted(s)),
        value_type=("value_type", "first"),
        value_ids=("value_ids", "first"),
    )
    first = first.reset_index()
    if make_value is None:
        first["json_value"] = [
            side_value(v, t, ids) for v, t, ids in zip(first[value], first["value_type"], first["value_ids"])
        ]
    else:
        first["json_value"] = make_value(first)
    first["side"] = [
        {"value": v, "label": str(lbl), "claims": list(c)}
        for v, lbl, c in zip(first["json_value"], first["label"], first["claims"])
    ]
    return first.groupby("_group")["side"].agg(list)


def sources_text(frame: pd.DataFrame) -> pd.Series:
    """Per ``(_group, value)``: the sources that state it, comma-separated."""
    return frame.groupby(["_group", "value"])["source"].agg(lambda s: ", ".join(sorted(set(s))))


def conflict_rows(
    sel: pd.DataFrame, *, kind: Any, severity: Any, explanation: pd.Series, sides: pd.Series
) -> pd.DataFrame:
    """One conflict row per ``_group`` of ``sel`` (subject, property and scope from the group)."""
    from .rulekit import CONFLICT_COLUMNS

    meta = sel.groupby("_group").agg(subject=("subject", "first"), property=("property", "first"), scope=("scope", "first"))
    out = meta.assign(kind=kind, severity=severity, explanation=explanation, sides=sides)
    return out.reset_index(drop=True)[CONFLICT_COLUMNS]
