"""``reconcile add``: store documents in a workspace and register them as sources.

For each file (or each file of a folder) :func:`add_documents`

1. reads it (:func:`reconcile.intake.documents.read_document`): a plain-text file is stored
   byte for byte; a web page or a PDF is stored as its text (``<id>.txt``) with the
   original file beside it (``<id>.html``, ``<id>.pdf``, named in the entry's ``original``);
2. identifies its language (:mod:`reconcile.intake.language`) unless given;
3. builds the source entry from what the command line gave, what the document's metadata
   says, and what had to be guessed, and records which is which under ``provenance``
   (``read``, ``guessed``, ``missing``);
4. writes the documents, then appends the entries to ``claims/sources.yaml`` in one atomic
   replacement that keeps the file's comments and order, under a lock, so that concurrent
   runs do not lose each other's entries.

Every check runs before anything is written: a bad input (a missing, empty or binary file, a
PDF without text, an unknown language, an id already taken) changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Any

from reconcile.base.files import locked as folder_lock
from reconcile.validate.schemas import CLAIM_ID_PATTERN
from reconcile.load.workspace import SOURCE_KINDS
from reconcile.base.yamlio import YamlLoadError, load_yaml, plain, write_atomic
from .documents import IntakeError, ReadDocument, read_document
from .language import identify

__all__ = ["AddOptions", "Added", "add_documents", "PROVENANCE_FIELDS"]

SOURCES = Path("claims") / "sources.yaml"
DOCUMENTS = Path("claims") / "documents"

#: The fields whose provenance an entry records.
PROVENANCE_FIELDS = ("title", "author", "publisher", "language", "kind", "published", "url", "accessed")

#: The kind guessed for each format when none is given.
_KIND_GUESS = {"pdf": "report", "html": "news", "text": "other"}


@dataclass(frozen=True)
class AddOptions:
    """What the command line gives; None means "read or guess it"."""

    id: str | None = None
    language: str | None = None
    published: str | None = None
    kind: str | None = None
    url: str | None = None
    accessed: str | None = None
    archived_url: str | None = None


@dataclass
class Added:
    """One document brought in: its source entry and what was stored where."""

    entry: dict[str, Any]
    stored: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def add_documents(root: Path, inputs: list[Path], options: AddOptions) -> list[Added]:
    """Bring ``inputs`` (files, or folders of files) into the workspace at ``root``.

    Raises :class:`IntakeError` before writing anything when any input cannot be added.
    """
    sources_path = root / SOURCES
    if not sources_path.is_file():
        raise IntakeError(
            f"{root}: not a workspace (no {SOURCES.as_posix()})",
            "a workspace folder (create one with `reconcile init DIR`), given with --workspace",
        )
    files = _expand(inputs)
    if options.id and len(files) > 1:
        raise IntakeError(f"--id {options.id!r} names one source, but {len(files)} files were given", "one file with --id")
    with _locked(root / "claims"):
        entries = _existing_entries(sources_path)
        taken_ids = {str(e.get("id")) for e in entries if isinstance(e, dict)}
        taken_paths = {p.name for p in (root / DOCUMENTS).glob("*")} if (root / DOCUMENTS).is_dir() else set()
        planned = []
        for path in files:
            plan = _plan(path, options, taken_ids, taken_paths)
            taken_ids.add(plan[0].entry["id"])
            taken_paths.update(name for name, _ in plan[1])
            planned.append(plan)
        written: list[Path] = []
        try:
            for added, blobs in planned:
                for name, data in blobs:
                    target = root / DOCUMENTS / name
                    write_atomic(target, data)
                    written.append(target)
                    added.stored.append(target.relative_to(root))
            _append_entries(sources_path, [added.entry for added, _ in planned])
        except BaseException:
            for target in written:
                target.unlink(missing_ok=True)
            raise
    return [added for added, _ in planned]


def _expand(inputs: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in inputs:
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
            if not inside:
                raise IntakeError(f"{path}: the folder holds no files", "a folder of saved documents")
            files.extend(inside)
        else:
            files.append(path)
    return files


def _plan(path: Path, options: AddOptions, taken_ids: set[str], taken_paths: set[str]) -> tuple[Added, list[tuple[str, bytes]]]:
    doc = read_document(path)
    sid = options.id or _slug(path.stem)
    if not re.match(CLAIM_ID_PATTERN, sid):
        raise IntakeError(f"{path}: {sid!r} cannot be a source id", "letters, digits and . : - / _ (give one with --id)")
    if sid in taken_ids:
        raise IntakeError(f"{path}: the source id {sid!r} is already taken", "another id, given with --id")
    provenance: dict[str, list[str]] = {"read": [], "guessed": [], "given": []}
    values: dict[str, str] = {}

    def take(name: str, given: str | None, read: str | None, guessed: str | None = None) -> None:
        for value, how in ((given, "given"), (read, "read"), (guessed, "guessed")):
            if value:
                values[name] = value
                provenance[how].append(name)
                return

    take("title", None, doc.fields.get("title"))
    take("author", None, doc.fields.get("author"))
    take("publisher", None, doc.fields.get("publisher"))
    detected = identify(doc.text)
    take("language", _language(options.language, path), None, detected.code if detected else None)
    if "language" not in values:
        raise IntakeError(f"{path}: the language could not be told (too little text)", "--language CODE (en, fa, ar, ru, …)")
    take("kind", _kind(options.kind), None, _KIND_GUESS[doc.format])
    take("published", _date(options.published, "--published"), doc.fields.get("published"), doc.guessed.get("published"))
    take("url", _url(options.url, "--url"), doc.fields.get("url"))
    take("accessed", _date(options.accessed, "--accessed"), doc.fields.get("accessed"))

    blobs: list[tuple[str, bytes]] = []
    if doc.format == "text":
        name = path.name if path.name not in taken_paths else f"{sid}{path.suffix or '.txt'}"
        blobs.append((name, path.read_bytes()))
        document = name
    else:
        document = f"{_file_stem(sid)}.txt"
        original = f"{_file_stem(sid)}.{doc.format}"
        blobs += [(document, doc.text.encode("utf-8")), (original, path.read_bytes())]
    for name, _ in blobs:
        if name in taken_paths:
            raise IntakeError(f"{path}: claims/documents/{name} already exists", "another id, given with --id")

    entry: dict[str, Any] = {"id": sid, "document": f"documents/{document}"}
    if doc.format != "text":
        entry["original"] = f"documents/{blobs[1][0]}"
    for name in ("language", "title", "author", "publisher", "kind", "published", "url", "accessed"):
        if name in values:
            entry[name] = values[name]
    if options.archived_url:
        entry["archived_url"] = _url(options.archived_url, "--archived-url")
    missing = [f for f in PROVENANCE_FIELDS if f not in values]
    entry["provenance"] = {k: v for k, v in (*provenance.items(), ("missing", missing)) if v}
    added = Added(entry)
    if detected and options.language and detected.code != options.language and detected.probability > 0.9:
        added.notes.append(f"the text reads as {detected.code} ({detected.probability:.2f}), not {options.language}")
    if "published" not in values:
        added.notes.append("no publication date found: set `published` in claims/sources.yaml (validation requires it)")
    return added, blobs


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not slug:
        raise IntakeError(f"no source id can be made from the file name {text!r}", "--id ID")
    return slug


def _file_stem(sid: str) -> str:
    return re.sub(r"[^\w.-]+", "-", sid)


def _language(code: str | None, path: Path) -> str | None:
    if code is None:
        return None
    from reconcile.validate.claims import LANGUAGE_EXPECTED, _language_suggestion
    from .language import _cldr_languages

    if code not in _cldr_languages():
        hint = _language_suggestion(code)
        raise IntakeError(
            f"--language {code!r} is not a language code known to CLDR" + (f"; {hint}" if hint else ""),
            LANGUAGE_EXPECTED,
        )
    return code


def _kind(kind: str | None) -> str | None:
    if kind is not None and kind not in SOURCE_KINDS:
        raise IntakeError(f"--kind {kind!r} is not a source kind", "one of " + ", ".join(SOURCE_KINDS))
    return kind


def _date(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    from ..normalize.dates import parse_iso

    try:
        parse_iso(value)
    except ValueError as exc:
        raise IntakeError(f"{option} {value!r}: {exc}", "an ISO date with precision (YYYY, YYYY-MM, YYYY-MM-DD)") from None
    return value


def _url(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    if not re.match(r"^https?://[^\s/]+", value):
        raise IntakeError(f"{option} {value!r} is not a web address", "an http:// or https:// address")
    return value


# --- sources.yaml ---------------------------------------------------------------------------


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (the claims folder) while sources.yaml is read,
    changed and replaced: concurrent ``add`` runs take turns instead of losing entries.
    The lock of :func:`reconcile.base.files.locked`, which the writes inside take again (it is
    re-entrant; a second ``flock`` of the folder would wait for this one forever)."""
    with folder_lock(folder):
        yield


def _existing_entries(path: Path) -> list[Any]:
    try:
        data = plain(load_yaml(path))
    except YamlLoadError as exc:
        raise IntakeError(f"{SOURCES.as_posix()}, line {exc.line}: {exc}", "a sources file `reconcile validate` reads") from None
    if data is None:
        return []
    if not isinstance(data, dict) or not isinstance(data.get("sources") or [], list):
        raise IntakeError(f"{SOURCES.as_posix()} is not a mapping with a `sources` list", "sources: [...]")
    return list(data.get("sources") or [])


def _append_entries(path: Path, entries: list[dict[str, Any]]) -> None:
    """Append ``entries`` to the ``sources`` list, keeping the file's comments and order."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    yaml.preserve_quotes = True
    text = path.read_text(encoding="utf-8")
    data = yaml.load(text) if text.strip() else None
    if data is None:
        data = CommentedMap()
    seq = data.get("sources")
    if not isinstance(seq, CommentedSeq):
        seq = CommentedSeq()
        data["sources"] = seq
    seq.fa.set_block_style()
    for entry in entries:
        node = CommentedMap()
        for key, value in entry.items():
            node[key] = _yaml_value(value)
        seq.append(node)
    buffer = StringIO()
    yaml.dump(data, buffer)
    write_atomic(path, buffer.getvalue())


def _yaml_value(value: Any) -> Any:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    if isinstance(value, dict):
        out = CommentedMap()
        for k, v in value.items():
            out[k] = _yaml_value(v)
        return out
    if isinstance(value, list):
        seq = CommentedSeq(_yaml_value(v) for v in value)
        seq.fa.set_flow_style()
        return seq
    if isinstance(value, str) and re.fullmatch(r"\d{4}(-\d{2}){0,2}(/.*)?", value):
        return DoubleQuotedScalarString(value)  # a date stays text, as the loader reads it
    return value


def today() -> str:
    """Today's date, ISO (the default of ``accessed`` for documents saved now)."""
    return dt.date.today().isoformat()
