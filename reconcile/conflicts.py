"""Conflict records: running the rules, fingerprints, the conflicts schema.

:func:`run_rules` runs every enabled rule over the validated claims and returns one table
of conflicts (validated by :class:`ConflictModel`) with, per conflict: a stable
fingerprint, rule, severity, subject, property, scope, kind, explanation, sides (each with
its normalized value, label and supporting claim ids), the sources involved and whether the
conflict is internal to one source.

The fingerprint is a hash of the rule, subject, property and the sorted distinct values of
the sides. It does not change when claims are reordered, files reformatted or renamed,
claim ids renumbered, or a further source agrees with an existing side; it changes when a
new distinct value enters the conflict. When two conflicts of one run would share a
fingerprint (the same values contradicting each other in two different time scopes), the
scope label is added to tell them apart.
"""

from __future__ import annotations

import hashlib
import json
import operator
from json.encoder import encode_basestring as _encode_text
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from .frames import collector_paused
from .problems import Problems
from .rulekit import CONFLICT_COLUMNS, SEVERITIES, RuleConfig, RuleContext, RuleInfo

__all__ = ["ConflictModel", "run_rules", "fingerprint", "SEVERITY_RANK"]

SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}


def _sides_ok(sides: Any) -> bool:
    """At least two sides, with distinct values, each backed by at least one claim."""
    if not isinstance(sides, list) or len(sides) < 2:
        return False
    values = {_value_key(s.get("value")) for s in sides}
    return len(values) == len(sides) and all(s.get("claims") for s in sides)


class ConflictModel(pa.DataFrameModel):
    """The conflicts table every rule's output is checked against."""

    fingerprint: Series[str] = pa.Field(unique=True, str_length={"min_value": 8})
    rule: Series[str]
    severity: Series[str] = pa.Field(isin=list(SEVERITIES))
    subject: Series[str]
    property: Series[str]
    scope: Series[str] = pa.Field(nullable=True)
    kind: Series[str]
    explanation: Series[str] = pa.Field(str_length={"min_value": 10})
    sides: Series[object] = pa.Field()
    internal: Series[bool]

    @pa.check("sides", name="two_distinct_sides")
    def _two_distinct_sides(cls, sides: pd.Series) -> pd.Series:  # noqa: N805 - pandera classmethod check
        return pd.Series([_sides_ok(s) for s in sides], index=sides.index, dtype=bool)

    class Config:
        strict = False
        coerce = True


def _value_key(value: Any) -> str:
    """The canonical JSON text of a side's value (sorted keys, no ASCII escaping).

    Text, lists of text and None, the values of the built-in rules, are encoded directly (as
    ``json.dumps`` would); anything else goes through ``json.dumps``.
    """
    if isinstance(value, str):
        return _encode_text(value)
    if value is None:
        return "null"
    if isinstance(value, list):
        try:
            return "[" + ", ".join(map(_encode_text, value)) + "]"
        except TypeError:  # not all text
            pass
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def fingerprint(rule: str, subject: str, prop: str, values: list[Any], extra: str | None = None) -> str:
    """A stable 16-hex-digit id of a conflict (see the module documentation)."""
    return _fingerprint_of_keys(rule, subject, prop, [_value_key(v) for v in values], extra)


def _fingerprint_of_keys(rule: str, subject: str, prop: str, keys: list[str], extra: str | None) -> str:
    """:func:`fingerprint` from the values' canonical texts (see :func:`_value_key`)."""
    # json.dumps([rule, subject, prop, sorted(keys), extra]), item by item
    listed = "[" + ", ".join(map(_encode_text, sorted(keys))) + "]"
    payload = f"[{_value_key(rule)}, {_value_key(subject)}, {_value_key(prop)}, {listed}, {_value_key(extra)}]"
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


#: Optional column of a rule's output: per conflict, the sorted distinct sources of the
#: claims of its sides, when the rule knows them (see :func:`reconcile.grouping.conflict_rows`);
#: otherwise they are looked up from the claims (whose ids are unique).
SOURCES_HINT = "_sources"


@collector_paused()
def run_rules(
    claims: pd.DataFrame,
    ctx: RuleContext,
    rules: dict[str, RuleInfo],
    configs: dict[str, RuleConfig],
    problems: Problems,
) -> pd.DataFrame:
    """Run each enabled rule; return all conflicts, fingerprinted, sorted worst first.

    The garbage collector is paused meanwhile (:func:`reconcile.frames.collector_paused`).
    """
    frames = []
    for rid, info in rules.items():
        cfg = configs[rid]
        if not cfg.enabled:
            continue
        try:
            out = info.check(claims, ctx, cfg.options)
        except Exception as exc:  # a broken (workspace) rule must not hide the others
            problems.add(
                f"rule {rid} failed: {type(exc).__name__}: {exc}",
                file=None if info.origin == "builtin" else info.origin,
                code="rule-failed",
            )
            continue
        if out is None or out.empty:
            continue
        frames.append(_rule_output(out, rid, cfg))
    if not frames:
        return _empty()
    conflicts = pd.concat(frames, ignore_index=True)
    conflicts["sources"] = _conflict_sources(conflicts.pop(SOURCES_HINT), conflicts["sides"], claims)
    conflicts["internal"] = conflicts["sources"].map(len).eq(1)
    sides, keys = zip(*map(_sorted_sides, conflicts["sides"]))
    conflicts["sides"] = list(sides)
    conflicts["fingerprint"] = _fingerprints(conflicts, keys)
    conflicts["contested"] = [sum(len(s["claims"]) for s in ss) for ss in sides]
    conflicts["_rank"] = conflicts["severity"].map(SEVERITY_RANK)
    conflicts = conflicts.sort_values(
        ["_rank", "subject", "property", "scope", "rule", "fingerprint"], kind="stable", na_position="first"
    ).drop(columns="_rank")
    conflicts = conflicts.reset_index(drop=True)
    return ConflictModel.validate(conflicts)


def _rule_output(out: pd.DataFrame, rid: str, cfg: RuleConfig) -> pd.DataFrame:
    """A rule's conflicts with its id and effective severity (and its sources, if given)."""
    given = out[SOURCES_HINT] if SOURCES_HINT in out.columns else None
    out = out.reindex(columns=CONFLICT_COLUMNS).copy()
    out["rule"] = rid
    out["severity"] = out["severity"].where(out["severity"].notna(), cfg.severity)
    out[SOURCES_HINT] = given if given is not None else None
    return out


def _conflict_sources(given: pd.Series, sides: pd.Series, claims: pd.DataFrame) -> list[list[str]]:
    """Per conflict: the sorted distinct sources of its sides' claims.

    Rules may give them (:data:`SOURCES_HINT`); the others are looked up from ``claims``,
    for the claims of those conflicts only.
    """
    out = [g if isinstance(g, list) else None for g in given]
    missing = [i for i, g in enumerate(out) if g is None]
    if missing:
        wanted = {c for i in missing for s in sides.iat[i] for c in s["claims"]}
        found = claims[claims["claim_id"].isin(wanted)]
        source_of = dict(zip(found["claim_id"], found["source"]))
        for i in missing:
            out[i] = sorted({source_of[c] for s in sides.iat[i] for c in s["claims"] if c in source_of})
    return out


def _fingerprints(conflicts: pd.DataFrame, keys: tuple[list[str], ...]) -> list[str]:
    """Each conflict's fingerprint; conflicts that would share one get their scope added."""
    columns = [conflicts[c].tolist() for c in ("rule", "subject", "property", "scope")]
    prints = [_fingerprint_of_keys(r, s, p, k, None) for r, s, p, _, k in zip(*columns, keys)]
    clash = pd.Series(prints).duplicated(keep=False).to_numpy()
    for i in np.flatnonzero(clash).tolist():
        prints[i] = _fingerprint_of_keys(columns[0][i], columns[1][i], columns[2][i], keys[i], str(columns[3][i]))
    return prints


_support_then_value = operator.itemgetter(0, 1)


def _sorted_sides(sides: list[dict]) -> tuple[list[dict], list[str]]:
    """Sides ordered by support (most claims first), then by value; claim ids sorted.

    Returns the sides and their values' canonical texts (see :func:`_value_key`), in order.
    A side whose claim ids are already a sorted list without repeats is kept as it is.
    """
    keyed = []
    for side in sides:
        claims = sorted(set(side["claims"]))
        if type(side) is not dict or type(side["claims"]) is not list or claims != side["claims"]:
            side = {**side, "claims": claims}
        keyed.append((-len(claims), _value_key(side["value"]), side))
    keyed.sort(key=_support_then_value)
    return [t[2] for t in keyed], [t[1] for t in keyed]


def _empty() -> pd.DataFrame:
    cols = [*CONFLICT_COLUMNS, "rule", "sources", "internal", "fingerprint", "contested"]
    return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
