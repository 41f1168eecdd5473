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

A new verdict on a conflict that has one keeps the earlier one: the entry's fields become
the new verdict's (what the gate reads), and the earlier verdict, with its side, reason,
note, by, at and the comments on their lines, is appended to the entry's ``history``
(oldest first)::

      - fingerprint: 7ed7f1083810f777
        verdict: resolved
        side: withdrawn
        at: 2026-11-24
        history:
          - verdict: accepted
            note: the sources really disagree
            at: 2026-11-23

Each verdict ``reconcile decide`` records also says what its conflict was (``conflict:``
rule, subject, property, scope, values, labels, as a baseline entry does), so a decision
follows its conflict to a new fingerprint (:mod:`reconcile.gate.succession`) with or without a
baseline; a verdict on a conflict that continues a decision under an earlier fingerprint
updates that decision, whose old fingerprint joins its ``aliases``.

Files without ``history``, ``conflict`` or ``aliases`` read as before.

Reading either file goes through :mod:`reconcile.base.files` (a regular file inside the
workspace, readable, UTF-8): a FIFO, a folder, a link that leaves the workspace or a file
that may not be read is a problem (exit 2), never a wait or a traceback. Baseline entries
are checked when read (:func:`read_baseline`). Messages quote at most a bounded excerpt of
what a file holds (:func:`reconcile.base.files.excerpt`).

Writing either file holds the lock of ``reports/`` (:func:`gate_lock`) from reading the
current file to renaming the new one into place: concurrent ``decide`` and ``baseline``
runs take turns, and none loses another's entries.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from reconcile.base import files
from reconcile.detect.tables import ConflictTables
from reconcile.gate.history import supersede
from reconcile.base.files import FileReadError, excerpt
from reconcile.base.problems import Problems
from reconcile.gate.succession import value_key
from reconcile.base.yamlio import (
    YamlLoadError,
    YamlMapping,
    YamlSequence,
    item_line,
    key_lines,
    load_yaml,
    plain,
    round_trip_text,
    write_atomic,
)

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
    "decision_record",
    "gate_lock",
    "apply_gate",
]

BASELINE_PATH = Path("reports") / "baseline.json"
DECISIONS_PATH = Path("reports") / "decisions.yaml"
VERDICTS = ("accepted", "resolved", "false-positive")
#: The fields of a verdict: the current one's, and each earlier one's in ``history``.
VERDICT_FIELDS = ("verdict", "side", "reason", "note", "by", "at")
#: What a decision records of its conflict (under ``conflict:``), as a baseline entry does:
#: what lets the decision follow its conflict to a new fingerprint.
CONFLICT_FIELDS = ("rule", "subject", "property", "scope", "values", "labels")
#: The fields of a decision in reports/decisions.yaml (``reconcile decide`` writes them).
DECISION_FIELDS = ("fingerprint", *VERDICT_FIELDS, "conflict", "aliases", "history")
BASELINE_VERSION = 1
#: A fingerprint as the baseline holds it: hexadecimal digits.
FINGERPRINT = re.compile(r"^[0-9a-f]{8,64}$")


@contextmanager
def gate_lock(root: Path) -> Iterator[Path]:
    """Hold the lock of the workspace's ``reports/`` folder (made if missing) in this
    block: wrap every read-modify-write of the baseline or the decisions in it."""
    folder = root / BASELINE_PATH.parent
    folder.mkdir(parents=True, exist_ok=True)
    with files.locked(folder):
        yield folder


# --- baseline -------------------------------------------------------------------------------


def baseline_entries(conflicts: pd.DataFrame, tables: ConflictTables) -> list[dict[str, Any]]:
    """Baseline entries for ``conflicts`` (rows of ``tables.conflicts``, whose sides are in
    ``tables``): readable, sorted by fingerprint."""
    entries = [
        {
            "fingerprint": r.fingerprint,
            "rule": r.rule,
            "subject": r.subject,
            "property": r.property,
            "scope": None if not isinstance(r.scope, str) else r.scope,
            "values": [s["value"] for s in sides],
            "labels": [s["label"] for s in sides],
        }
        for r, sides in zip(conflicts.itertuples(index=False), tables.side_lists(conflicts))
    ]
    return sorted(entries, key=lambda e: e["fingerprint"])


def read_baseline(root: Path, problems: Problems) -> dict[str, dict[str, Any]] | None:
    """Baseline entries by fingerprint, or None when the workspace has no baseline.

    Each entry is checked: a mapping whose ``fingerprint`` is text of hexadecimal digits;
    ``rule``, ``subject``, ``property`` and ``scope`` text (or absent; ``scope`` may be
    null), ``values`` and ``labels`` lists (or absent). An entry that is not so is a
    problem (exit 2) naming its place in the list, and is left out.
    """
    path = root / BASELINE_PATH
    rel = BASELINE_PATH.as_posix()
    shape = '{"version": 1, "conflicts": [{"fingerprint": …}, …]}'
    try:
        if files.existing(path, root=root) is None:
            return None
        text = files.read_text(path, root=root)
    except FileReadError as exc:
        problems.add(f"unreadable baseline: {exc}", file=rel, line=exc.line, expected=exc.expected or shape, code="baseline")
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.add(f"unreadable baseline: not JSON: {exc.msg}", file=rel, line=exc.lineno, expected=shape, code="baseline")
        return None
    except RecursionError:
        problems.add("unreadable baseline: nested too deep", file=rel, expected=shape, code="baseline")
        return None
    entries = data.get("conflicts") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        what = "a mapping without a `conflicts` list" if isinstance(data, dict) else _json_kind(data)
        problems.add(f"unreadable baseline: it holds {what}", file=rel, line=1, expected=shape, code="baseline")
        return None
    out: dict[str, dict[str, Any]] = {}
    for number, entry in enumerate(entries, start=1):
        wrong = _baseline_entry_problem(entry)
        if wrong:
            problems.add(
                f"baseline entry {number} (of {len(entries)}): {wrong}; it is not used",
                file=rel,
                expected='{"fingerprint": "<hexadecimal digits>", "rule": …, "subject": …, "property": …, '
                '"scope": …, "values": […], "labels": […]}',
                code="baseline",
            )
            continue
        out[entry["fingerprint"]] = entry
    return out


def _baseline_entry_problem(entry: Any) -> str | None:
    """What is wrong with a baseline entry, or None."""
    if not isinstance(entry, dict):
        return f"{_json_kind(entry)}, not a mapping"
    fp = entry.get("fingerprint")
    if fp is None:
        return "no fingerprint"
    if not isinstance(fp, str) or not FINGERPRINT.match(fp):
        shown = _json_kind(fp) if not isinstance(fp, str) else f"the text {excerpt(fp)}"
        return f"fingerprint is {shown}, not hexadecimal digits"
    for key in ("rule", "subject", "property", "scope"):
        value = entry.get(key)
        if value is not None and not isinstance(value, str):
            return f"{key} of {fp} is {_json_kind(value)}, not text"
    for key in ("values", "labels"):
        value = entry.get(key)
        if value is not None and not isinstance(value, list):
            return f"{key} of {fp} is {_json_kind(value)}, not a list"
    return None


def _json_kind(value: Any) -> str:
    """What a JSON value is, in words, quoting at most a bounded excerpt of it."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "a number out of range"
    if isinstance(value, (int, float)):
        return f"the number {excerpt(value)}"
    return f"the text {excerpt(value)}"


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
    try:
        if files.existing(path, root=root) is None:
            return {}
        data = load_yaml(path, root=root)
    except FileReadError as exc:
        problems.add(str(exc), file=rel, line=exc.line, expected=exc.expected, code=exc.code)
        return {}
    except YamlLoadError as exc:
        problems.add(str(exc), file=rel, line=exc.line, expected=exc.expected, code="yaml")
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
        problems.add(f"unknown key {excerpt(key)}", file=rel, line=lines.get(key), expected=shape, code="decision")
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
                f"decision for {excerpt(entry['fingerprint'])} has unknown field(s) " + ", ".join(map(excerpt, unknown)),
                file=rel,
                line=line,
                expected="fields " + ", ".join(DECISION_FIELDS),
                code="decision",
            )
            continue
        if entry.get("verdict") not in VERDICTS:
            problems.add(
                f"unknown verdict {excerpt(entry.get('verdict'))}", file=rel, line=line, expected=" | ".join(VERDICTS), code="decision"
            )
            continue
        if entry["verdict"] == "false-positive" and not entry.get("reason"):
            problems.add("a false-positive decision needs a reason", file=rel, line=line, code="decision")
            continue
        wrong = _history_problem(entry.get("history")) or _recorded_conflict_problem(entry)
        if wrong:
            problems.add(
                f"decision for {excerpt(entry['fingerprint'])}: {wrong}",
                file=rel,
                line=line,
                expected="history: a list of earlier verdicts, each with fields " + ", ".join(VERDICT_FIELDS)
                + "; conflict: a mapping with fields " + ", ".join(CONFLICT_FIELDS)
                + "; aliases: a list of fingerprints",
                code="decision",
            )
            continue
        entry["line"] = line
        out[str(entry["fingerprint"])] = entry
    return out


def _history_problem(history: Any) -> str | None:
    """What is wrong with a decision's ``history``, or None (absent is fine)."""
    if history is None:
        return None
    if not isinstance(history, list):
        return f"`history` holds {_kind(history)}, not a list"
    for number, earlier in enumerate(history, start=1):
        if not isinstance(earlier, dict):
            return f"history item {number} holds {_kind(earlier)}, not a mapping"
        unknown = sorted(set(earlier) - set(VERDICT_FIELDS), key=str)
        if unknown:
            return f"history item {number} has unknown field(s) " + ", ".join(map(excerpt, unknown))
        if earlier.get("verdict") not in VERDICTS:
            return f"history item {number} has the unknown verdict {excerpt(earlier.get('verdict'))}"
    return None


def _recorded_conflict_problem(entry: dict[str, Any]) -> str | None:
    """What is wrong with a decision's ``conflict`` and ``aliases``, or None (absent is fine)."""
    conflict = entry.get("conflict")
    if conflict is not None:
        if not isinstance(conflict, dict):
            return f"`conflict` holds {_kind(conflict)}, not a mapping"
        unknown = sorted(set(conflict) - set(CONFLICT_FIELDS), key=str)
        if unknown:
            return "`conflict` has unknown field(s) " + ", ".join(map(excerpt, unknown))
        for key in ("rule", "subject", "property", "scope"):
            if conflict.get(key) is not None and not isinstance(conflict[key], str):
                return f"`conflict` {key} holds {_kind(conflict[key])}, not text"
        for key in ("values", "labels"):
            if conflict.get(key) is not None and not isinstance(conflict[key], list):
                return f"`conflict` {key} holds {_kind(conflict[key])}, not a list"
    aliases = entry.get("aliases")
    if aliases is not None:
        if not isinstance(aliases, list):
            return f"`aliases` holds {_kind(aliases)}, not a list"
        for alias in aliases:
            if not isinstance(alias, str) or not FINGERPRINT.match(alias):
                return f"`aliases` holds {_kind(alias)}, not a fingerprint (hexadecimal digits)"
    return None


def decision_record(decision: dict[str, Any], baseline_entry: dict[str, Any] | None = None) -> dict[str, Any]:
    """What a decision says of its conflict, as :func:`reconcile.gate.succession.continue_known`
    reads a record: its ``conflict`` fields (else its baseline entry's), and the aliases of
    both."""
    base = baseline_entry or {}
    record = {**base, **(decision.get("conflict") or {}), **decision}
    aliases = [*(base.get("aliases") or []), *(decision.get("aliases") or [])]
    record["aliases"] = list(dict.fromkeys(str(a) for a in aliases))
    return record


def _kind(value: Any) -> str:
    """What a YAML value is, in words, for a message: never the value itself (a file that
    is not what it should be may hold anything, a password too)."""
    if isinstance(value, (list, YamlSequence)):
        return "a list"
    if isinstance(value, (dict, YamlMapping)):
        return "a mapping"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return f"a single text of {len(value):,} characters"
    return f"a {type(value).__name__}"


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
    conflict: dict[str, Any] | None = None,
    continues: str | None = None,
) -> bool:
    """Record ``verdict`` for ``fingerprint``; keep comments and order of the rest.

    A fingerprint that has a verdict keeps it in its ``history`` (see the module
    docstring), and True is returned. ``conflict`` (rule, subject, property, scope, values,
    labels: what :func:`baseline_entries` writes) is recorded with the verdict, so that
    the decision follows its conflict when it gains or loses a value. ``continues`` names
    the decision this conflict continues under an earlier fingerprint (what
    :attr:`GateState.decision_of` says): that entry is the one updated, its fingerprint
    becomes ``fingerprint`` and the earlier one joins its ``aliases``. Runs under :func:`gate_lock`, from reading the file
    to writing it. The file must be readable by :func:`read_decisions` without problems
    (check that first): a file this cannot read as a mapping raises ``ValueError`` and is
    left as it is, never replaced by a new one; so is a text that would not read back
    (it is checked before it is written). ``OSError`` when it cannot be written.
    """
    path = root / DECISIONS_PATH
    rel = DECISIONS_PATH.as_posix()
    yaml = _yaml()
    with gate_lock(root):
        try:
            text = files.read_text(path, root=root) if files.existing(path, root=root) is not None else ""
            data = yaml.load(text) if text.strip() else None
        except FileReadError as exc:
            raise ValueError(f"{rel}: {exc}") from None
        except YAMLError:
            raise ValueError(f"{rel} is not valid YAML (see `reconcile check`)") from None
        if data is None:
            data = CommentedMap()
        if not isinstance(data, CommentedMap):
            raise ValueError(f"{rel} is not a mapping with a `decisions` list")
        if data.get("decisions") is None:
            data["decisions"] = CommentedSeq()
        if not isinstance(data["decisions"], CommentedSeq):
            raise ValueError(f"`decisions` in {rel} is not a list")
        current = {"verdict": verdict, "side": side, "reason": reason, "note": note, "by": by}
        current["at"] = at or dt.date.today().isoformat()
        seq = data["decisions"]
        old = _entry_of(seq, fingerprint)
        if old is None and continues and continues != fingerprint:
            old = _entry_of(seq, continues)
            if old is not None:
                earlier = [continues, *(str(a) for a in old.get("aliases") or [])]
                old["fingerprint"] = fingerprint
                _set_before_history(old, "aliases", CommentedSeq(dict.fromkeys(a for a in earlier if a != fingerprint)))
        if old is None:
            entry = CommentedMap()
            entry["fingerprint"] = fingerprint
            for key, value in current.items():
                if value:
                    entry[key] = value
            seq.append(entry)
        else:
            entry = old
            supersede(old, current, VERDICT_FIELDS)
        if conflict:
            recorded = CommentedMap((k, conflict[k]) for k in CONFLICT_FIELDS if conflict.get(k) is not None)
            _set_before_history(entry, "conflict", recorded)
        try:
            out = round_trip_text(yaml, data)  # never write a file that cannot be read back
        except YamlLoadError as exc:
            raise ValueError(f"the new {rel} would not read back ({exc}); it is left as it is") from None
        write_atomic(path, out)
    return old is not None


def _entry_of(seq: CommentedSeq, fingerprint: str) -> CommentedMap | None:
    """The decision of ``fingerprint`` in the list, or None."""
    return next((e for e in seq if isinstance(e, CommentedMap) and str(e.get("fingerprint")) == fingerprint), None)


def _set_before_history(entry: CommentedMap, key: str, value: Any) -> None:
    """Set ``entry[key]``: in place when it has the key, else before its ``history``."""
    if key in entry:
        entry[key] = value
        return
    entry.insert(list(entry).index("history") if "history" in entry else len(entry), key, value)


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
    decision_of: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Per conflict fingerprint (the silenced ones too): the fingerprints of the decisions
    it continues, as :attr:`baseline_of` gives the baseline entries."""
    own_fingerprint: dict[str, str] = field(default_factory=dict)
    """Per conflict that took its record's fingerprint (see :func:`apply_gate`): the
    fingerprint the rules gave it, which names it too (``reconcile decide``)."""
    tables: ConflictTables | None = None
    """The run's conflict tables: the sides of :attr:`conflicts` and :attr:`silenced` (rows
    of ``tables.conflicts`` by their ``conflict`` id)."""


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
    tables: ConflictTables,
    baseline: dict[str, dict[str, Any]] | None,
    decisions: dict[str, dict[str, Any]],
) -> GateState:
    """Set each conflict's status (new, baseline, accepted, resolved), decision and history,
    drop false positives, and list baseline entries and decisions without a conflict.

    A baseline entry or a decision follows its conflict to a new fingerprint
    (:func:`reconcile.gate.succession.continue_known`): by an alias the entry keeps, or as the
    conflict of the same rule, subject, property and scope that shares values with it. The
    conflict's ``history`` then says which fingerprints it had and which values it gained
    and lost (None when it is what was recorded). A conflict that gained a value is new (a
    contradiction nobody reviewed), with its earlier record and decision shown; one that
    only lost values keeps its status."""
    from reconcile.gate.succession import continue_known

    out = tables.conflicts.copy()
    sides = tables.side_lists(out)
    by_baseline = continue_known(out, sides, baseline or {})
    # a decision says what its conflict was when it was recorded, or its baseline entry does
    decided = {fp: decision_record(d, (baseline or {}).get(fp)) for fp, d in decisions.items()}
    by_decision = continue_known(out, sides, decided)
    # A conflict with the values it was recorded with keeps the recorded fingerprint, even
    # where this run had to tell it from another of the same values by its scope.
    own_fingerprint: dict[str, str] = {}
    if len(out):
        own = out["fingerprint"].tolist()
        out["fingerprint"] = [_recorded(fp, b, d) for fp, b, d in zip(own, by_baseline, by_decision)]
        own_fingerprint = {now: was for now, was in zip(out["fingerprint"], own) if now != was}
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
        _history(s, b, d) for s, b, d in zip(sides, by_baseline, by_decision)
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
        _continued(out, by_baseline),
        _continued(out, by_decision),
        own_fingerprint,
        tables,
    )


def _continued(out: pd.DataFrame, found: list[Any]) -> dict[str, tuple[str, ...]]:
    """Per conflict fingerprint: the records it continues (see :attr:`GateState.baseline_of`)."""
    if not len(out):
        return {}
    return dict(zip(out["fingerprint"], ((c.record, *c.merged) if c else () for c in found)))


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
    """A decision as the outputs show it: its verdict's fields, and its earlier verdicts
    (``history``, oldest first) when it has any."""
    if not decision:
        return None
    out = {k: decision[k] for k in VERDICT_FIELDS if decision.get(k) is not None}
    earlier = [
        {k: str(e[k]) for k in VERDICT_FIELDS if e.get(k) is not None}
        for e in decision.get("history") or []
        if isinstance(e, dict)
    ]
    if earlier:
        out["history"] = earlier
    return out
