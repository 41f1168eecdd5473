"""Reviewing drafts: ``reconcile accept`` and ``reconcile reject``, and what the drafting
engine asks of them (:func:`rejected_keys`, :func:`is_rejected`).

Drafts live in ``claims/drafts/<source>.yaml`` (claim files of the usual shape, each claim
with ``draft: true``, a ``confidence`` and a ``because``). Accepting a draft moves it to the
end of ``claims/captured/<source>.yaml`` (made with ``source:`` and ``claims:`` when
missing): it loses ``draft``, keeps its ``confidence`` and ``because`` (what matched), and
gets ``capture: extracted:reconcile-draft`` unless it says how it was captured. Rejecting a
draft drops it and remembers it in ``claims/drafts/rejected.yaml`` (source, subject,
property, value, quote, at, by, reason), so that ``reconcile draft`` does not write it
again.

Files are edited in ruamel.yaml's round trip, so their comments and order stay; a comment
between two drafts stays before the draft it precedes. Everything is checked before
anything is written (unknown ids, ids a captured claim has, files that cannot be read or
are not claim files): a problem writes nothing. The files are written together
(:func:`reconcile.base.yamlio.write_all`: the captured file first, so that an interrupted
accept leaves a claim in both files, never in neither), under the lock of the workspace's
``claims/`` folder, and each new text is read back before it is written.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.tokens import CommentToken

from reconcile.base import files
from reconcile.gate.history import _pop_trailing, _push_trailing
from reconcile.base.fieldspec import excerpt
from reconcile.base.files import FileReadError
from reconcile.base.problems import Problems
from reconcile.load.workspace import DRAFTS_DIR, REJECTED_FILE, _load_claim_files
from reconcile.base.yamlio import YamlLoadError, parse_yaml, write_all

__all__ = [
    "ACCEPTED_CAPTURE",
    "REJECTED_FIELDS",
    "Review",
    "accept_drafts",
    "reject_drafts",
    "rejected_keys",
    "is_rejected",
    "rejected_key",
]

#: The ``capture`` of an accepted draft that does not say how it was captured.
ACCEPTED_CAPTURE = "extracted:reconcile-draft"
#: The fields of an entry of ``claims/drafts/rejected.yaml``.
REJECTED_FIELDS = ("source", "subject", "property", "value", "quote", "at", "by", "reason")
_REJECTED_REL = f"{DRAFTS_DIR}/{REJECTED_FILE}"
_SUFFIXES = (".yaml", ".yml")


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    yaml.preserve_quotes = True
    return yaml


# --- rejected drafts: what the drafting engine asks ----------------------------------------


def _value_key(value: Any) -> str:
    """A value as a key: text as it is, anything else (a list of members, a number) as
    canonical JSON."""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def rejected_key(source: Any, subject: Any, prop: Any, value: Any, quote: Any) -> tuple[str, str, str, str, str]:
    """The key a rejected draft is remembered by: source, subject, property, value and quote
    (whitespace folded), as text."""
    return (str(source), str(subject), str(prop), _value_key(value), " ".join(str(quote).split()))


def rejected_keys(root: Path | str, problems: Problems | None = None) -> set[tuple[str, str, str, str, str]]:
    """The keys (:func:`rejected_key`) of the drafts rejected in the workspace at ``root``;
    empty when it has no ``claims/drafts/rejected.yaml``. A file that cannot be read, or an
    entry that is not one, is a problem added to ``problems`` (file and line; the readable
    entries still count); without ``problems`` it raises ``ValueError``."""
    own = Problems() if problems is None else problems
    rejected = _read_rejected(Path(root), own)
    if problems is None and own.errors:
        raise ValueError("; ".join(p.render_lines()[0] for p in own.errors))
    if rejected is None:
        return set()
    keys = set()
    for entry in rejected.seq:
        if isinstance(entry, dict):
            keys.add(rejected_key(*(entry.get(k) for k in ("source", "subject", "property", "value", "quote"))))
    return keys


def is_rejected(
    keys: set[tuple[str, str, str, str, str]], source: Any, subject: Any, prop: Any, value: Any, quote: Any
) -> bool:
    """Whether a draft of ``source`` saying ``subject`` ``prop`` ``value`` with ``quote`` was
    rejected (``keys``: :func:`rejected_keys` of its workspace)."""
    return rejected_key(source, subject, prop, value, quote) in keys


# --- reading ---------------------------------------------------------------------------------


@dataclass
class _File:
    """A YAML file read for a round trip: its mapping and the list under ``key``."""

    path: Path
    rel: str
    data: CommentedMap
    key: str
    existed: bool = True
    changed: bool = False

    @property
    def seq(self) -> CommentedSeq:
        if self.data.get(self.key) is None:
            self.data[self.key] = CommentedSeq()
        return self.data[self.key]

    def text(self) -> str:
        buffer = StringIO()
        _yaml().dump(self.data, buffer)
        return buffer.getvalue()


@dataclass(frozen=True)
class _Draft:
    """A draft in its file: id, source, where."""

    id: str
    source: str
    file: _File
    line: int | None


def _read(root: Path, path: Path, rel: str, key: str, problems: Problems, *, expected: str) -> _File | None:
    """``path`` read for a round trip; None, with a problem (file and line), when it cannot
    be read or is not a mapping whose ``key`` is a list (or empty). A missing file is an
    empty one (``existed`` False)."""
    try:
        status = files.existing(path, root=root)
        text = files.read_text(path, root=root) if status is not None else ""
        parse_yaml(text)  # safe, and says where it is malformed
        data = _yaml().load(text) if text.strip() else None
    except FileReadError as exc:
        problems.add(str(exc), file=rel, line=exc.line, expected=exc.expected, code=exc.code)
        return None
    except YamlLoadError as exc:
        problems.add(str(exc), file=rel, line=exc.line, expected=expected, code="yaml")
        return None
    except YAMLError as exc:  # pragma: no cover - what the safe parser accepted
        problems.add(f"malformed YAML: {excerpt(str(exc))}", file=rel, expected=expected, code="yaml")
        return None
    if data is None:
        data = CommentedMap()
    if not isinstance(data, CommentedMap):
        problems.add("is not a mapping", file=rel, line=1, expected=expected, code="invalid")
        return None
    if data.get(key) is not None and not isinstance(data[key], CommentedSeq):
        line = data.lc.key(key)[0] + 1 if key in data else None
        problems.add(f"`{key}:` is not a list", file=rel, line=line, expected=expected, code="invalid")
        return None
    return _File(path, rel, data, key, existed=status is not None)


def _read_drafts(root: Path, problems: Problems) -> list[_Draft]:
    """Every draft of ``claims/drafts/`` (its claim files but ``rejected.yaml``), in file
    order; the files that cannot be read, and entries that are not drafts with an id, are
    problems."""
    folder = root / DRAFTS_DIR
    if not folder.is_dir():
        return []
    drafts: list[_Draft] = []
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in _SUFFIXES and p.name != REJECTED_FILE):
        rel = f"{DRAFTS_DIR}/{files.display(path.name)}"
        read = _read(root, path, rel, "claims", problems, expected="a claim file: source: …, claims: [- id: …]")
        if read is None:
            continue
        file_source = read.data.get("source")
        for i, entry in enumerate(read.data.get("claims") or []):
            line = read.seq.lc.item(i)[0] + 1
            if not isinstance(entry, CommentedMap) or not isinstance(entry.get("id"), str):
                problems.add("a draft must be a mapping with an `id`", file=rel, line=line, expected="- id: draft-…", code="invalid")
                continue
            source = entry.get("source", file_source)
            if not isinstance(source, str) or not source:
                problems.add(
                    f"draft {entry['id']} has no source", file=rel, line=line, claim_id=entry["id"],
                    expected="`source:` at the top of the file, or on the draft", code="invalid",
                )
                continue
            drafts.append(_Draft(entry["id"], source, read, line))
    return drafts


def _select(
    drafts: list[_Draft], ids: Iterable[str], source: str | None, problems: Problems
) -> list[_Draft]:
    """The drafts named by ``ids``, or all of ``source``'s; unknown ids, ids found twice and
    a source without drafts are problems."""
    by_id: dict[str, list[_Draft]] = {}
    for d in drafts:
        by_id.setdefault(d.id, []).append(d)
    chosen: list[_Draft] = []
    if source is not None:
        chosen = [d for d in drafts if d.source == source]
        if not chosen:
            sources = sorted({d.source for d in drafts})
            problems.add(
                f"source {excerpt(source)} has no drafts in {DRAFTS_DIR}/",
                file=DRAFTS_DIR,
                expected="a source with drafts: " + (", ".join(sources) if sources else "(there are no drafts)"),
                code="unknown-draft",
            )
    for cid in dict.fromkeys(ids):
        found = by_id.get(cid)
        if not found:
            problems.add(
                f"no draft with id {excerpt(cid)}",
                file=DRAFTS_DIR,
                claim_id=cid,
                expected="the id of a draft in claims/drafts/ (see `reconcile check --drafts`)",
                code="unknown-draft",
            )
        elif found[0] not in chosen:
            chosen.append(found[0])
    for d in chosen:
        if len(by_id[d.id]) > 1:
            other = by_id[d.id][1]
            problems.add(
                f"draft id {d.id} is also at {other.file.rel}:{other.line}",
                file=d.file.rel, line=d.line, claim_id=d.id, expected="draft ids unique in claims/drafts/", code="duplicate-draft",
            )
    return chosen


def _remove(file: _File, cid: str) -> CommentedMap:
    """Take the draft ``cid`` out of its file's list; the comment lines after it (which
    precede the next draft) stay in the file, before that draft."""
    seq = file.seq
    i = next(k for k, e in enumerate(seq) if isinstance(e, CommentedMap) and e.get("id") == cid)
    node = seq[i]
    trailing = _pop_trailing(node)
    del seq[i]
    if trailing and i > 0:
        _push_trailing(seq[i - 1], trailing)
    elif trailing and len(seq):
        tokens = file.data.ca.items.setdefault(file.key, [None, None, None, None])
        while len(tokens) < 4:
            tokens.append(None)
        token = CommentToken(trailing, CommentMark(0), None)
        if tokens[3]:
            tokens[3].append(token)
        else:
            tokens[3] = [token]
    if not len(seq):
        _comments_after_empty(file)
    file.changed = True
    return node


def _comments_after_empty(file: _File) -> None:
    """The file's list is empty now: it becomes ``claims: []``, and the comment lines that
    stood before its first item go after that line, where YAML can hold them."""
    tokens = file.data.ca.items.get(file.key)
    before = tokens[3] if tokens and len(tokens) > 3 and tokens[3] else []
    empty = CommentedSeq()
    empty.fa.set_flow_style()
    file.data[file.key] = empty
    if not before:
        return
    text = "".join(t.value if t.value.endswith("\n") else t.value + "\n" for t in before)
    text = "".join(line.lstrip() + "\n" for line in text.splitlines())
    own = tokens[2].value.partition("\n")[0] if tokens[2] is not None else ""
    file.data.ca.items[file.key] = [None, None, CommentToken(own + "\n" + text, CommentMark(0), None), None]


# --- accept and reject ------------------------------------------------------------------------


@dataclass
class Review:
    """What an accept or a reject did: the draft ids, and the files written."""

    ids: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)


def _write(files_: list[_File], problems: Problems) -> list[str] | None:
    """Write the changed files together, each new text read back first; None (nothing
    written) when one would not read back."""
    items = []
    for f in files_:
        if not f.changed:
            continue
        text = f.text()
        try:
            parse_yaml(text)
        except YamlLoadError as exc:  # pragma: no cover - a round trip that breaks the file
            problems.add(f"the new text would not read back ({exc}); nothing is written", file=f.rel, code="yaml")
            return None
        items.append((f.path, text))
    write_all(items)
    return [f.rel for f in files_ if f.changed]


def _safe_source(source: str) -> bool:
    """Whether a source id can name a file of ``claims/captured/``."""
    return bool(source) and "/" not in source and "\\" not in source and source not in (".", "..") and "\0" not in source


def accept_drafts(
    root: Path | str, ids: Iterable[str] = (), *, source: str | None = None, problems: Problems
) -> Review | None:
    """Move the drafts ``ids`` (or every draft of ``source``) to the end of their source's
    ``claims/captured/<source>.yaml`` (see the module docstring). Returns what was done, or
    None after adding every problem to ``problems``; then nothing is written. ``OSError``
    when a file cannot be written (nothing is then replaced)."""
    root = Path(root).resolve()
    with files.inside(root), files.locked(root / "claims"):
        drafts = _read_drafts(root, problems)
        chosen = _select(drafts, ids, source, problems)
        captured_problems = Problems()
        captured = _load_claim_files(root, root / "claims" / "captured", captured_problems)
        problems.extend(p for p in captured_problems.errors if p.code not in ("empty-file",))
        taken = dict(zip(captured["id"].astype(str), zip(captured["file"], captured["line"])))
        targets: dict[str, _File] = {}
        for d in chosen:
            if d.id in taken:
                file, line = taken[d.id]
                problems.add(
                    f"draft {d.id} cannot be accepted: the captured claim at {file}:{line} has its id",
                    file=d.file.rel, line=d.line, claim_id=d.id,
                    expected="a draft id no captured claim has (edit the draft's id first)", code="draft-clash",
                )
            if d.source in targets:
                continue
            if not _safe_source(d.source):
                problems.add(
                    f"source {excerpt(d.source)} cannot name a file of claims/captured/",
                    file=d.file.rel, line=d.line, claim_id=d.id, expected="a source id without / or \\", code="invalid",
                )
                continue
            rel = f"claims/captured/{d.source}.yaml"
            target = _read(root, root / rel, rel, "claims", problems, expected="a claim file: source: …, claims: [- id: …]")
            if target is not None:
                targets[d.source] = target
        if problems.errors:
            return None
        for d in chosen:
            node = _remove(d.file, d.id)
            node.pop("draft", None)
            if node.get("source") == d.source and d.file.data.get("source") == d.source:
                node.pop("source", None)  # the captured file says it
            if node.get("capture") is None:
                node["capture"] = ACCEPTED_CAPTURE
            target = targets[d.source]
            if "source" not in target.data:
                target.data.insert(0, "source", d.source)
            target.seq.append(node)
            target.changed = True
        written = _write([*targets.values(), *{id(d.file): d.file for d in chosen}.values()], problems)
    return None if written is None else Review([d.id for d in chosen], written)


def reject_drafts(
    root: Path | str,
    ids: Iterable[str] = (),
    *,
    source: str | None = None,
    reason: str | None = None,
    by: str | None = None,
    at: str | None = None,
    problems: Problems,
) -> Review | None:
    """Drop the drafts ``ids`` (or every draft of ``source``) from their files and remember
    each in ``claims/drafts/rejected.yaml`` (:data:`REJECTED_FIELDS`; ``at`` defaults to
    today). Returns what was done, or None after adding every problem to ``problems``;
    then nothing is written."""
    root = Path(root).resolve()
    with files.inside(root), files.locked(root / "claims"):
        drafts = _read_drafts(root, problems)
        chosen = _select(drafts, ids, source, problems)
        rejected = _read_rejected(root, problems)
        if problems.errors or rejected is None:
            return None
        day = at or dt.date.today().isoformat()
        for d in chosen:
            node = _remove(d.file, d.id)
            entry = CommentedMap()
            for key, value in (
                ("source", d.source), ("subject", node.get("subject")), ("property", node.get("property")),
                ("value", node.get("value")), ("quote", node.get("quote")), ("at", day), ("by", by), ("reason", reason),
            ):
                if value is not None:
                    entry[key] = value
            rejected.seq.append(entry)
            rejected.changed = True
        written = _write([rejected, *{id(d.file): d.file for d in chosen}.values()], problems)
    return None if written is None else Review([d.id for d in chosen], written)


def _read_rejected(root: Path, problems: Problems) -> _File | None:
    """``claims/drafts/rejected.yaml`` for a round trip (empty when missing); its entries
    that are not mappings are problems."""
    read = _read(
        root, root / _REJECTED_REL, _REJECTED_REL, "rejected", problems,
        expected="rejected: [- {source, subject, property, value, quote, at, by, reason}]",
    )
    if read is None:
        return None
    for i, entry in enumerate(read.data.get("rejected") or []):
        if not isinstance(entry, CommentedMap):
            problems.add(
                "a rejected draft must be a mapping", file=_REJECTED_REL, line=read.seq.lc.item(i)[0] + 1,
                expected="- {source, subject, property, value, quote, at, by, reason}", code="invalid",
            )
    return read
