"""The CI gate: the committed baseline of known conflicts, and editors' decisions.

``reports/baseline.json`` lists the conflicts already known, one entry per fingerprint
(rule, subject, property, scope and the sides' values and labels), sorted by fingerprint
so that a diff reads well. With the baseline in use, ``reconcile check`` fails (exit 1)
only for conflicts whose fingerprint is not in it; baseline entries whose conflict has
disappeared are *stale* (``reconcile baseline --prune`` removes them). The baseline never
grows on its own: ``reconcile baseline`` is the explicit command that adds entries.

``reports/decisions.yaml`` records an editor's verdict per conflict::

    decisions:
      - fingerprint: 7ed7f1083810f777
        verdict: accepted          # accepted | resolved | false-positive
        note: the sources really disagree; both are quoted in the article
        by: editor name
        at: 2026-11-23
      - fingerprint: 33428fcfc39177c3
        verdict: resolved
        side: Armenia, Kazakhstan, Kyrgyzstan, Russia, Tajikistan, Uzbekistan
        note: the treaty text lists six signatories

An ``accepted`` or ``resolved`` conflict has that status and does not fail the gate; a
``false-positive`` (with a ``reason``) is silenced. A decision whose conflict no longer
exists is reported. :func:`record_decision` edits the file with ruamel.yaml's round trip,
so comments and the order of the other entries are kept; every write is atomic.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any

import pandas as pd
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from .problems import Problems
from .succession import value_key
from .yamlio import YamlLoadError, YamlMapping, YamlSequence, item_line, key_lines, load_yaml, plain, write_atomic

__all__ = [
    "BASELINE_PATH",
    "DECISIONS_PATH",
    "VERDICTS",
    "GateState",
    "baseline_entries",
    "read_baseline",
    "write_baseline",
    "read_decisions",
    "record_decision",
    "apply_gate",
]

BASELINE_PATH = Path("reports") / "baseline.json"
DECISIONS_PATH = Path("reports") / "decisions.yaml"
VERDICTS = ("accepted", "resolved", "false-positive")
#: The fields of a decision in reports/decisions.yaml (``reconcile decide`` writes them).
DECISION_FIELDS = ("fingerprint", "verdict", "side", "reason", "note", "by", "at")
BASELINE_VERSION = 1


# --- baseline -------------------------------------------------------------------------------


def baseline_entries(conflicts: pd.DataFrame) -> list[dict[str, Any]]:
    """Baseline entries for ``conflicts``: readable, sorted by fingerprint."""
    entries = [
        {
            "fingerprint": r.fingerprint,
            "rule": r.rule,
            "subject": r.subject,
            "property": r.property,
            "scope": None if not isinstance(r.scope, str) else r.scope,
            "values": [s["value"] for s in r.sides],
            "labels": [s["label"] for s in r.sides],
        }
        for r in conflicts.itertuples(index=False)
    ]
    return sorted(entries, key=lambda e: e["fingerprint"])


def read_baseline(root: Path, problems: Problems) -> dict[str, dict[str, Any]] | None:
    """Baseline entries by fingerprint, or None when the workspace has no baseline."""
    path = root / BASELINE_PATH
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["conflicts"]
        return {str(e["fingerprint"]): e for e in entries}
    except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError) as exc:
        problems.add(
            f"unreadable baseline: {type(exc).__name__}: {exc}",
            file=BASELINE_PATH.as_posix(),
            expected='{"version": 1, "conflicts": [{"fingerprint": …}, …]}',
            code="baseline",
        )
        return None


def write_baseline(root: Path, entries: list[dict[str, Any]]) -> None:
    """Write the baseline atomically (sorted entries, stable key order)."""
    text = json.dumps(
        {"version": BASELINE_VERSION, "conflicts": sorted(entries, key=lambda e: e["fingerprint"])},
        ensure_ascii=False,
        indent=2,
    )
    write_atomic(root / BASELINE_PATH, text + "\n")


# --- decisions ------------------------------------------------------------------------------


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    return yaml


def read_decisions(root: Path, problems: Problems) -> dict[str, dict[str, Any]]:
    """Decisions by fingerprint; malformed entries are problems (file and line)."""
    path = root / DECISIONS_PATH
    rel = DECISIONS_PATH.as_posix()
    if not path.is_file():
        return {}
    try:
        data = load_yaml(path)
    except YamlLoadError as exc:
        problems.add(str(exc), file=rel, line=exc.line, code="yaml")
        return {}
    if data is None:  # an empty file
        return {}
    shape = "a mapping with a `decisions` list: decisions: [{fingerprint: ..., verdict: ...}]"
    if not isinstance(data, YamlMapping):
        problems.add(
            f"the decisions file holds {_kind(data)}, not a mapping; its decisions are not read",
            file=rel,
            line=1,
            expected=shape,
            code="decision",
        )
        return {}
    lines = key_lines(data)
    for key in sorted(set(data) - {"decisions"}, key=str):
        problems.add(f"unknown key {key!r}", file=rel, line=lines.get(key), expected=shape, code="decision")
    items = data.get("decisions")
    if items is None:
        return {}
    if not isinstance(items, YamlSequence):
        problems.add(
            f"`decisions` holds {_kind(items)}, not a list", file=rel, line=lines.get("decisions"), expected=shape, code="decision"
        )
        return {}
    out: dict[str, dict[str, Any]] = {}
    for i, node in enumerate(items):
        entry = plain(node)
        line = item_line(items, i)
        if not isinstance(entry, dict) or entry.get("fingerprint") in (None, ""):
            problems.add("a decision needs a fingerprint", file=rel, line=line, code="decision")
            continue
        unknown = sorted(set(entry) - set(DECISION_FIELDS), key=str)
        if unknown:
            problems.add(
                f"decision for {entry['fingerprint']} has unknown field(s) " + ", ".join(map(repr, unknown)),
                file=rel,
                line=line,
                expected="fields " + ", ".join(DECISION_FIELDS),
                code="decision",
            )
            continue
        if entry.get("verdict") not in VERDICTS:
            problems.add(
                f"unknown verdict {entry.get('verdict')!r}", file=rel, line=line, expected=" | ".join(VERDICTS), code="decision"
            )
            continue
        if entry["verdict"] == "false-positive" and not entry.get("reason"):
            problems.add("a false-positive decision needs a reason", file=rel, line=line, code="decision")
            continue
        entry["line"] = line
        out[str(entry["fingerprint"])] = entry
    return out


def _kind(value: Any) -> str:
    """What a YAML value is, in words, for a message."""
    if isinstance(value, YamlSequence):
        return "a list"
    if isinstance(value, YamlMapping):
        return "a mapping"
    return f"the {type(value).__name__} {value!r}"[:80]


def record_decision(
    root: Path,
    fingerprint: str,
    verdict: str,
    *,
    note: str | None = None,
    side: str | None = None,
    reason: str | None = None,
    by: str | None = None,
    at: str | None = None,
) -> bool:
    """Add or replace the decision for ``fingerprint``; keep comments and order of the rest.

    Returns True when an existing decision was replaced. The file must be readable by
    :func:`read_decisions` without problems (check that first): a file this cannot read as
    a mapping raises ``ValueError`` and is left as it is, never replaced by a new one.
    """
    path = root / DECISIONS_PATH
    yaml = _yaml()
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    data = yaml.load(text) if text.strip() else None
    if data is None:
        data = CommentedMap()
    if not isinstance(data, CommentedMap):
        raise ValueError(f"{DECISIONS_PATH.as_posix()} is not a mapping with a `decisions` list")
    if data.get("decisions") is None:
        data["decisions"] = CommentedSeq()
    if not isinstance(data["decisions"], CommentedSeq):
        raise ValueError(f"`decisions` in {DECISIONS_PATH.as_posix()} is not a list")
    entry = CommentedMap()
    entry["fingerprint"] = fingerprint
    entry["verdict"] = verdict
    for key, value in (("side", side), ("reason", reason), ("note", note), ("by", by)):
        if value:
            entry[key] = value
    entry["at"] = at or dt.date.today().isoformat()
    seq = data["decisions"]
    for i, old in enumerate(seq):
        if isinstance(old, dict) and str(old.get("fingerprint")) == fingerprint:
            seq[i] = entry
            replaced = True
            break
    else:
        seq.append(entry)
        replaced = False
    buffer = StringIO()
    yaml.dump(data, buffer)
    write_atomic(path, buffer.getvalue())
    return replaced


# --- applying the gate ------------------------------------------------------------------------


@dataclass
class GateState:
    """What the gate found: statuses set on the conflicts, plus what no longer applies."""

    conflicts: pd.DataFrame
    silenced: pd.DataFrame
    stale_baseline: list[dict[str, Any]] = field(default_factory=list)
    stale_decisions: list[dict[str, Any]] = field(default_factory=list)
    baseline_used: bool = False
    known_values: dict[tuple, set[str]] = field(default_factory=dict)
    """The values of the sides of the baseline's conflicts, per rule, subject, property and
    scope (:func:`value_key` of each): what a new conflict of the same key adds is the rest."""
    baseline_of: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Per conflict fingerprint: the fingerprints of the baseline entries it continues (its
    own, or a predecessor's, then those merged into it); empty when it continues none."""


def _conflict_key(rule: Any, subject: Any, prop: Any, scope: Any) -> tuple:
    return (rule, subject, prop, scope if isinstance(scope, str) and scope else None)


def anchor_claim(record: dict[str, Any], known_values: dict[tuple, set[str]]) -> dict[str, Any] | None:
    """The claim a CI annotation of a conflict record points at.

    For a new conflict, what the change most likely brought in: the first claim of the
    first side whose value no baseline conflict of the same rule, subject, property and
    scope holds; without such a conflict, the first claim of the side fewest claims state
    (the last: sides come most claims first). For the others, the first claim.
    """
    sides = [s for s in record["sides"] if s["claims"]]
    if not sides:
        return None
    if record["status"] != "new":
        return sides[0]["claims"][0]
    key = _conflict_key(record.get("rule"), record.get("subject"), record.get("property"), record.get("scope"))
    known = known_values.get(key)
    if known:
        added = [s for s in sides if value_key(s.get("value")) not in known]
        if added:
            return added[0]["claims"][0]
    return sides[-1]["claims"][0]


def apply_gate(
    conflicts: pd.DataFrame,
    baseline: dict[str, dict[str, Any]] | None,
    decisions: dict[str, dict[str, Any]],
) -> GateState:
    """Set each conflict's status (new, baseline, accepted, resolved), decision and history,
    drop false positives, and list baseline entries and decisions without a conflict.

    A baseline entry or a decision follows its conflict to a new fingerprint
    (:func:`reconcile.succession.continue_known`): by an alias the entry keeps, or as the
    conflict of the same rule, subject, property and scope that shares values with it. The
    conflict's ``history`` then says which fingerprints it had and which values it gained
    and lost (None when it is what was recorded). A conflict that gained a value is new (a
    contradiction nobody reviewed), with its earlier record and decision shown; one that
    only lost values keeps its status."""
    from .succession import continue_known

    out = conflicts.copy()
    by_baseline = continue_known(out, baseline or {})
    # a decision says what its conflict was when it was recorded, or its baseline entry does
    decided = {fp: {**(baseline or {}).get(fp, {}), **d} for fp, d in decisions.items()}
    by_decision = continue_known(out, decided)
    # A conflict with the values it was recorded with keeps the recorded fingerprint, even
    # where this run had to tell it from another of the same values by its scope.
    if len(out):
        out["fingerprint"] = [
            _recorded(fp, b, d) for fp, b, d in zip(out["fingerprint"], by_baseline, by_decision)
        ]
        by_baseline = [_same_values(b) for b in by_baseline]
        by_decision = [_same_values(d) for d in by_decision]
    # A conflict that gained a value since it was recorded holds a contradiction nobody has
    # reviewed: it is new again (the gate fails), its record and decision shown with it.
    status = pd.Series("new", index=out.index, dtype=object)
    if baseline is not None:
        status = status.where(pd.Series([c is None or bool(c.gained) for c in by_baseline], index=out.index), "baseline")
    verdict = pd.Series(
        [decisions[c.record].get("verdict") if c and not c.gained else None for c in by_decision], index=out.index, dtype=object
    )
    status = status.where(~verdict.isin(["accepted", "resolved"]), verdict)
    out["status"] = status
    out["decision"] = [_public_decision(decisions[c.record]) if c else None for c in by_decision]
    out["history"] = [
        _history(sides, b, d) for sides, b, d in zip(out["sides"] if len(out) else [], by_baseline, by_decision)
    ]
    fp_mask = verdict.eq("false-positive")
    silenced, kept = out[fp_mask], out[~fp_mask]
    # new conflicts first, then the rest in their existing order
    kept = pd.concat([kept[kept["status"].eq("new")], kept[~kept["status"].eq("new")]])
    followed_baseline = {r for c in by_baseline if c for r in (c.record, *c.merged)}
    followed_decisions = {r for c in by_decision if c for r in (c.record, *c.merged)}
    stale_baseline = [e for f, e in sorted((baseline or {}).items()) if f not in followed_baseline]
    stale_decisions = [d for f, d in sorted(decisions.items()) if f not in followed_decisions]
    known_values: dict[tuple, set[str]] = {}
    for entry in (baseline or {}).values():
        key = _conflict_key(entry.get("rule"), entry.get("subject"), entry.get("property"), entry.get("scope"))
        known_values.setdefault(key, set()).update(value_key(v) for v in entry.get("values") or [])
    return GateState(
        kept.reset_index(drop=True),
        silenced.reset_index(drop=True),
        stale_baseline,
        stale_decisions,
        baseline is not None,
        known_values,
        dict(zip(out["fingerprint"], ((c.record, *c.merged) if c else () for c in by_baseline))) if len(out) else {},
    )


def _recorded(fingerprint: str, *found: Any) -> str:
    """The fingerprint a conflict keeps: the one its record has when its values are the
    record's (see :func:`apply_gate`), else its own."""
    for c in found:
        if c is not None and c.how != "fingerprint" and not c.gained and not c.lost and not c.merged:
            return c.record
    return fingerprint


def _same_values(found: Any) -> Any:
    """A continuation of a conflict that took its record's fingerprint: nothing to tell."""
    if found is not None and found.how != "fingerprint" and not found.gained and not found.lost and not found.merged:
        return type(found)(found.record, "fingerprint")
    return found


def _history(sides: list[dict[str, Any]], *found: Any) -> dict[str, Any] | None:
    """What a conflict was when its baseline entry or decision was recorded: the
    fingerprints it had (``aliases``) and the values it ``gained`` and ``lost`` since, as
    labels; None when it is what they recorded."""
    aliases = sorted({a for c in found if c for a in c.aliases})
    changed = next((c for c in found if c and (c.gained or c.lost)), None)
    if not aliases and changed is None:
        return None
    label = {value_key(s["value"]): s["label"] for s in sides}
    return {
        "aliases": aliases,
        "gained": [label.get(value_key(v), str(v)) for v in changed.gained] if changed else [],
        "lost": list(changed.lost_labels) if changed else [],
    }


def _public_decision(decision: dict[str, Any] | None) -> dict[str, Any] | None:
    if not decision:
        return None
    return {k: decision[k] for k in ("verdict", "side", "reason", "note", "by", "at") if decision.get(k) is not None}
