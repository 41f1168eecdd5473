"""Which known conflict a conflict of this run continues: fingerprints that follow a conflict.

A conflict's fingerprint hashes its rule, subject, property and distinct values, so it
changes when a value enters or leaves the conflict (a new source gives 2009 where the
others gave 2002 and 2003). What an editor reviewed must not be lost then: the baseline
entry and the decisions follow the conflict to its new fingerprint, the way linters'
baselines follow a finding that moved.

:func:`continue_known` matches each conflict with at most one known record (a baseline
entry, a decision), and each record with at most one conflict, in three steps:

1. **fingerprint**: the record's fingerprint is the conflict's;
2. **alias**: the conflict's fingerprint is one of the record's ``aliases`` (the
   fingerprints it had before; ``reconcile baseline`` writes them);
3. **successor**: among the records left, one of the same rule, subject and property whose
   time scope overlaps the conflict's (an unscoped record only an unscoped conflict) and
   whose values share at least one with the conflict's: the one sharing most, then the one
   of the same scope label, then the smaller fingerprint. A record that does not say its
   rule, subject, property, scope and values (an old decision) is matched by the first two
   steps only.

4. **merge**: a record left that shares values with a conflict continued in step 3 (of
   the same rule, subject, property and overlapping scope) merges into it: conflicts that
   a rule now reports as one (a list wrong for several states, once a conflict per state).

What the conflict gained and lost against the record(s) is reported with it, so that
outputs can say "known; gained the value 2009".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

__all__ = ["Continuation", "continue_known", "value_key"]


def value_key(value: Any) -> str:
    """A side's value as a comparable key (JSON with sorted keys)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _scope(scope: Any) -> str | None:
    return scope if isinstance(scope, str) and scope else None


@dataclass(frozen=True)
class Continuation:
    """How a conflict continues a known record."""

    record: str
    """The record's fingerprint (its key in the baseline or the decisions)."""
    how: str
    """``fingerprint``, ``alias`` or ``successor``."""
    aliases: tuple[str, ...] = ()
    """Earlier fingerprints of the conflict: the record's own when it differs, and its aliases."""
    gained: tuple[Any, ...] = ()
    """Values the conflict has that the record did not."""
    lost: tuple[Any, ...] = ()
    """Values the record had that the conflict no longer has."""
    lost_labels: tuple[str, ...] = field(default=())
    """The record's labels of the lost values, where it has them."""
    merged: tuple[str, ...] = ()
    """Further records this conflict continues: conflicts that became one."""


def continue_known(
    conflicts: pd.DataFrame, sides: list[list[dict[str, Any]]], records: dict[str, dict[str, Any]]
) -> list[Continuation | None]:
    """Per row of ``conflicts`` (``fingerprint``, ``rule``, ``subject``, ``property``,
    ``scope``), whose sides are ``sides`` (per row, ``{"value", "label"}`` dicts, see
    :meth:`reconcile.detect.tables.ConflictTables.side_lists`): the :class:`Continuation` of
    the known record it continues, or None. ``records`` maps fingerprints to records
    (``rule``, ``subject``, ``property``, ``scope``, ``values``, ``labels``, ``aliases``,
    each optional)."""
    n = len(conflicts)
    out: list[Continuation | None] = [None] * n
    if not n or not records:
        return out
    fps = conflicts["fingerprint"].tolist()
    taken: set[str] = set()
    # 1. the same fingerprint
    for i, fp in enumerate(fps):
        if fp in records:
            out[i] = _continuation(fp, sides[i], fp, records[fp], "fingerprint")
            taken.add(fp)
    # 2. a fingerprint the record had before
    alias_of: dict[str, str] = {}
    for rec_fp, rec in records.items():
        if rec_fp in taken:
            continue
        for alias in rec.get("aliases") or []:
            alias_of.setdefault(str(alias), rec_fp)
    for i, fp in enumerate(fps):
        if out[i] is None and fp in alias_of and alias_of[fp] not in taken:
            out[i] = _continuation(fp, sides[i], alias_of[fp], records[alias_of[fp]], "alias")
            taken.add(alias_of[fp])
    # 3. a predecessor of the same rule, subject, property and scope sharing values
    left: dict[tuple, list[str]] = {}
    for rec_fp, rec in sorted(records.items()):
        if rec_fp not in taken and isinstance(rec.get("values"), list) and rec.get("rule"):
            left.setdefault((rec.get("rule"), rec.get("subject"), rec.get("property")), []).append(rec_fp)
    if not left:
        return out
    keys = list(zip(conflicts["rule"], conflicts["subject"], conflicts["property"]))
    scopes = [_scope(sc) for sc in conflicts["scope"]]
    candidates: list[tuple[int, bool, str, int]] = []  # (shared values, same scope, record, conflict)
    for i, key in enumerate(keys):
        if out[i] is not None or key not in left:
            continue
        mine = {value_key(s["value"]) for s in sides[i]}
        for rec_fp in left[key]:
            theirs = _scope(records[rec_fp].get("scope"))
            if not _overlap(scopes[i], theirs):
                continue
            shared = len(mine & {value_key(v) for v in records[rec_fp]["values"]})
            if shared:
                candidates.append((shared, scopes[i] == theirs, rec_fp, i))
    # most shared values first, then the same scope; each record and each conflict once
    ordered = sorted(candidates, key=lambda c: (-c[0], not c[1], c[2], c[3]))
    for _, _, rec_fp, i in ordered:
        if out[i] is None and rec_fp not in taken:
            out[i] = _continuation(fps[i], sides[i], rec_fp, records[rec_fp], "successor")
            taken.add(rec_fp)
    # 4. conflicts that several records became one (one mistaken list, once a card per
    # state): a record left that shares values with a continued conflict merges into it
    merged: dict[int, list[str]] = {}
    for _, _, rec_fp, i in ordered:
        if rec_fp not in taken and out[i] is not None and out[i].how == "successor":
            merged.setdefault(i, []).append(rec_fp)
            taken.add(rec_fp)
    for i, extra in merged.items():
        first = out[i]
        union = {**records[first.record]}
        union["values"] = list(records[first.record]["values"])
        union["labels"] = list(records[first.record].get("labels") or [])
        union["aliases"] = [*(records[first.record].get("aliases") or [])]
        for rec_fp in extra:
            union["values"] += records[rec_fp]["values"]
            union["labels"] += list(records[rec_fp].get("labels") or []) or [None] * len(records[rec_fp]["values"])
            union["aliases"] += [rec_fp, *(records[rec_fp].get("aliases") or [])]
        out[i] = replace(_continuation(fps[i], sides[i], first.record, union, "successor"), merged=tuple(extra))
    return out


def _overlap(a: str | None, b: str | None) -> bool:
    """Whether two scope labels (``2015``, ``2015-06/2017-12``, ``…/2015``) share a day;
    None (unscoped) overlaps only None; a label that cannot be read only itself."""
    if a is None or b is None:
        return a is b
    if a == b:
        return True
    x, y = _interval(a), _interval(b)
    if x is None or y is None:
        return False
    return x[0] <= y[1] and y[0] <= x[1]


def _interval(label: str) -> tuple[str, str] | None:
    """The first and last day of a scope label, as ISO texts that compare as dates."""
    first, _, last = label.partition("/")
    last = last or first
    if first == "…":
        first = "0001"
    if last == "…":
        last = "9999"
    start, end = _day(first, end=False), _day(last, end=True)
    return (start, end) if start and end else None


def _day(text: str, *, end: bool) -> str | None:
    parts = text.split("-")
    if not (1 <= len(parts) <= 3 and all(p.isdigit() for p in parts)):
        return None
    fill = ["12", "31"] if end else ["01", "01"]
    return "-".join([p.zfill(2) for p in parts] + fill[len(parts) - 1 :])


def _continuation(fp: str, sides: list[dict[str, Any]], rec_fp: str, rec: dict[str, Any], how: str) -> Continuation:
    """How the conflict ``fp`` with ``sides`` continues the record ``rec_fp``."""
    aliases = {str(a) for a in rec.get("aliases") or []}
    if rec_fp != fp:
        aliases.add(rec_fp)
    aliases.discard(fp)
    if rec.get("values") is None:
        return Continuation(rec_fp, how, tuple(sorted(aliases)))
    theirs = {value_key(v): v for v in rec["values"]}
    labels = {value_key(v): lab for v, lab in zip(rec["values"], rec.get("labels") or []) if lab is not None}
    mine = {value_key(s["value"]): s["value"] for s in sides}
    gained = tuple(v for k, v in mine.items() if k not in theirs)
    lost_keys = [k for k in theirs if k not in mine]
    return Continuation(
        rec_fp,
        how,
        tuple(sorted(aliases)),
        gained,
        tuple(theirs[k] for k in lost_keys),
        tuple(str(labels.get(k, theirs[k])) for k in lost_keys),
    )
