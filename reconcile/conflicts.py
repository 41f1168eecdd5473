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
from typing import Any

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from .problems import Problems
from .rulekit import CONFLICT_COLUMNS, SEVERITIES, RuleConfig, RuleContext, RuleInfo

__all__ = ["ConflictModel", "run_rules", "fingerprint", "SEVERITY_RANK"]

SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}


def _sides_ok(sides: Any) -> bool:
    """At least two sides, with distinct values, each backed by at least one claim."""
    if not isinstance(sides, list) or len(sides) < 2:
        return False
    values = [json.dumps(s.get("value"), sort_keys=True, ensure_ascii=False) for s in sides]
    return len(set(values)) == len(values) and all(s.get("claims") for s in sides)


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

    @pa.check("sides", element_wise=True, name="two_distinct_sides")
    def _two_distinct_sides(cls, sides: Any) -> bool:  # noqa: N805 - pandera classmethod check
        return _sides_ok(sides)

    class Config:
        strict = False
        coerce = True


def _value_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def fingerprint(rule: str, subject: str, prop: str, values: list[Any], extra: str | None = None) -> str:
    """A stable 16-hex-digit id of a conflict (see the module documentation)."""
    payload = json.dumps(
        [rule, subject, prop, sorted(_value_key(v) for v in values), extra], ensure_ascii=False, sort_keys=True
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


def run_rules(
    claims: pd.DataFrame,
    ctx: RuleContext,
    rules: dict[str, RuleInfo],
    configs: dict[str, RuleConfig],
    problems: Problems,
) -> pd.DataFrame:
    """Run each enabled rule; return all conflicts, fingerprinted, sorted worst first."""
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
        out = out.reindex(columns=CONFLICT_COLUMNS).copy()
        out["rule"] = rid
        out["severity"] = out["severity"].where(out["severity"].notna(), cfg.severity)
        frames.append(out)
    if not frames:
        return _empty()
    conflicts = pd.concat(frames, ignore_index=True)
    source_of = dict(zip(claims["claim_id"], claims["source"]))
    conflicts["sources"] = conflicts["sides"].map(
        lambda sides: sorted({source_of[c] for s in sides for c in s["claims"] if c in source_of})
    )
    conflicts["internal"] = conflicts["sources"].map(len).eq(1)
    conflicts["sides"] = conflicts["sides"].map(_sorted_sides)
    base = [
        fingerprint(r, s, p, [side["value"] for side in sides])
        for r, s, p, sides in zip(conflicts["rule"], conflicts["subject"], conflicts["property"], conflicts["sides"])
    ]
    conflicts["fingerprint"] = base
    clash = conflicts["fingerprint"].duplicated(keep=False)
    if clash.any():
        conflicts.loc[clash, "fingerprint"] = [
            fingerprint(r, s, p, [side["value"] for side in sides], extra=str(scope))
            for r, s, p, sides, scope in zip(
                conflicts.loc[clash, "rule"],
                conflicts.loc[clash, "subject"],
                conflicts.loc[clash, "property"],
                conflicts.loc[clash, "sides"],
                conflicts.loc[clash, "scope"],
            )
        ]
    conflicts["contested"] = conflicts["sides"].map(lambda sides: sum(len(s["claims"]) for s in sides))
    conflicts["_rank"] = conflicts["severity"].map(SEVERITY_RANK)
    conflicts = conflicts.sort_values(
        ["_rank", "subject", "property", "scope", "rule", "fingerprint"], kind="stable", na_position="first"
    ).drop(columns="_rank")
    conflicts = conflicts.reset_index(drop=True)
    return ConflictModel.validate(conflicts)


def _sorted_sides(sides: list[dict]) -> list[dict]:
    """Sides ordered by support (most claims first), then by value; claim ids sorted."""
    cleaned = [{**s, "claims": sorted(set(s["claims"]))} for s in sides]
    return sorted(cleaned, key=lambda s: (-len(s["claims"]), _value_key(s["value"])))


def _empty() -> pd.DataFrame:
    cols = [*CONFLICT_COLUMNS, "rule", "sources", "internal", "fingerprint", "contested"]
    return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
