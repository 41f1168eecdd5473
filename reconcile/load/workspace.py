"""Loading a workspace from disk into DataFrames (the I/O edge of the pipeline).

A workspace is a folder with this shape::

    claims/sources.yaml        sources: id, document, original, language, title, author,
                               publisher, kind, published (ISO with precision or range),
                               published_basis, derived_from; provenance: url, accessed,
                               archived_url, and which fields were given, read, guessed or
                               are missing (``provenance``)
    claims/entities.yaml       entity registry
    claims/properties.yaml     property registry
    claims/documents/          the documents (UTF-8 text)
    claims/captured/           one claim file per source: *.yaml, *.yml, *.csv, *.parquet
    rules/                     optional workspace rule modules (setting ``rule_folder``)
    reports/                   generated output, baseline and decisions

:func:`load_workspace` reads everything, never raises for bad input, and returns the raw
tables plus every problem found. Typing, resolution and quote checks happen afterwards in
:mod:`reconcile.validate.claims`.

Every file is read through :mod:`reconcile.base.files`: regular files only, of a bounded size,
inside the workspace, readable. A file or folder that cannot be read is an error, never an
empty workspace that passes. In ``claims/captured/``:

- sub-folders are read, and so are symbolic links to files and folders *inside* the
  workspace (a file or folder reached twice, through a link, is read once, with a
  warning); a link that leaves the workspace is an error and nothing is read through it;
- a folder, FIFO, socket or device named like a claim file (``*.yaml``…) is an error (a
  FIFO is never opened); other names are ignored with a warning, as files of unknown type;
- a file name that is not UTF-8 is read, and shown with its bytes escaped
  (``claims/captured/bad\\xff.yaml``).
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from reconcile.base import files
from reconcile.base.fieldspec import Field, check_container, check_entry, excerpt, key_text, kind_of
from reconcile.base.files import FileReadError, display
from reconcile.base.frames import arrow_text, is_arrow_text, map_distinct, release_arrow_memory
from reconcile.base.problems import Problems
from reconcile.load.registry import Registry, load_registry
from reconcile.base.yamlio import YamlLoadError, item_line, key_lines, load_yaml, plain

__all__ = [
    "CLAIM_FIELDS",
    "SOURCE_FIELDS",
    "SOURCE_KINDS",
    "RawWorkspace",
    "load_workspace",
    "find_root",
    "claim_file_paths",
    "read_claim_files",
    "read_documents",
    "DRAFTS_DIR",
    "REJECTED_FILE",
]

#: Where ``reconcile draft`` writes draft claims, one file per source (relative to the root).
DRAFTS_DIR = "claims/drafts"
#: The file of ``claims/drafts/`` that remembers rejected drafts: not a claim file.
REJECTED_FILE = "rejected.yaml"

CLAIM_FIELDS = (
    "id",
    "source",
    "subject",
    "property",
    "value",
    "quote",
    "occurrence",
    "complete",
    "as_of",
    "valid_from",
    "valid_to",
    "milestone",
    "confidence",
    "capture",
    "note",
    "draft",
    "because",
)
REQUIRED_CLAIM_FIELDS = ("id", "subject", "property", "value", "quote")
SOURCE_FIELDS = (
    "id",
    "document",
    "original",
    "language",
    "title",
    "author",
    "publisher",
    "kind",
    "published",
    "published_basis",
    "derived_from",
    "url",
    "accessed",
    "archived_url",
    "provenance",
)
#: The fields of a source that say where its document came from.
PROVENANCE_LINKS = ("url", "archived_url")
#: The keys of a source's ``provenance``: which fields were given on the command line, read
#: from the document, guessed, or are missing.
PROVENANCE_KEYS = ("given", "read", "guessed", "missing")
SOURCE_KINDS = ("press_release", "news", "reference", "report", "official", "social", "other")
CLAIM_SUFFIXES = (".yaml", ".yml", ".csv", ".parquet")

RAW_CLAIM_COLUMNS = [*CLAIM_FIELDS, "file", "line", "field_lines"]


@dataclass
class RawWorkspace:
    """Everything read from disk, before typing and validation."""

    root: Path
    sources: pd.DataFrame
    claims: pd.DataFrame
    registry: Registry
    documents: dict[str, str] = field(default_factory=dict)
    """Document text by source id (only documents that could be read)."""

    def rel(self, path: Path) -> str:
        """``path`` relative to the workspace root, with forward slashes."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()


def find_root(path: Path | str | None) -> Path:
    """The workspace folder: ``path`` (default: the current folder)."""
    return Path(path or ".").resolve()


def load_workspace(
    path: Path | str | None, problems: Problems, *, drafts: bool = False, claims: bool = True
) -> RawWorkspace:
    """Read sources, registries, documents and claim files of the workspace at ``path``.

    With ``drafts``, the draft claims of ``claims/drafts/`` (see :func:`_load_drafts`) are
    read too, each marked ``draft: true``; without, that folder is not looked at. Without
    ``claims``, no claim file is read (the claims are empty): an engine that reads them
    part by part reads them with :func:`read_claim_files`."""
    root = find_root(path)
    with files.inside(root):
        return _load(root, problems, drafts, claims)


def _load(root: Path, problems: Problems, drafts: bool = False, with_claims: bool = True) -> RawWorkspace:
    claims_dir = root / "claims"
    try:
        present = files.existing(claims_dir / "sources.yaml") is not None
    except FileReadError:
        present = True  # there, but not readable: reading it says why
    if not present:
        problems.add(
            f"{display(root)} is not a reconcile workspace: claims/sources.yaml is missing",
            file=display(root),
            expected="a folder with claims/sources.yaml, claims/documents/, claims/captured/",
            code="not-a-workspace",
        )
        empty = pd.DataFrame(columns=[*SOURCE_FIELDS, "file", "line", "document_path"])
        return RawWorkspace(root, empty, pd.DataFrame(columns=RAW_CLAIM_COLUMNS), Registry())
    registry = load_registry(claims_dir, "claims", problems)
    sources = _load_sources(root, claims_dir / "sources.yaml", problems)
    documents = _load_documents(root, sources, problems)
    if not with_claims:
        return RawWorkspace(root, sources, pd.DataFrame(columns=RAW_CLAIM_COLUMNS), registry, documents)
    claims = _load_claim_files(root, claims_dir / "captured", problems)
    if drafts:
        claims = _with_drafts(claims, _load_drafts(root, problems), problems)
    release_arrow_memory()
    return RawWorkspace(root, sources, claims, registry, documents)


# --- sources ------------------------------------------------------------------------------


#: The type of each field of a source (what each must hold is checked by
#: :func:`reconcile.validate.schemas.source_input_schema`): an entry of the wrong type is reported here
#: and the field is read as missing.
SOURCE_FIELD_TYPES: dict[str, Field] = {
    **{name: Field("text") for name in SOURCE_FIELDS},
    "published": Field("date"),
    "accessed": Field("date"),
    "provenance": Field("mapping"),
}


def _load_sources(root: Path, path: Path, problems: Problems) -> pd.DataFrame:
    rel = "claims/sources.yaml"
    columns = [*SOURCE_FIELDS, "file", "line", "field_lines", "reported"]
    try:
        data = load_yaml(path)
    except YamlLoadError as exc:
        problems.add(str(exc), file=rel, line=exc.line, expected=exc.expected, code="yaml")
        return pd.DataFrame(columns=columns)
    if hasattr(data, "get") and data.get("sources") is None and "sources" in data:
        return pd.DataFrame(columns=columns)  # `sources:` with nothing yet: a new workspace
    items = check_container(
        data, "sources", "list", problems, file=rel, expected="sources: [{id, document, language, …}] (or [] for none yet)"
    )
    if not items:  # `sources: []`: a new workspace, no document yet
        return pd.DataFrame(columns=columns)
    rows = []
    for i, node in enumerate(items):
        line = item_line(items, i)
        entry = plain(node)
        if not isinstance(entry, dict):
            problems.add(f"a source entry must be a mapping, not {kind_of(entry)} {excerpt(entry)}", file=rel, line=line)
            continue
        if entry.get("id") is None:
            problems.add(
                "source entry has no `id`", file=rel, line=line, column="id", expected="id: a unique source id, such as bbc-2012"
            )
            continue
        sid = entry["id"]
        what = f"source {key_text(sid)}" if isinstance(sid, str) else "source entry"
        lines = key_lines(node)
        good = check_entry(
            entry, SOURCE_FIELD_TYPES, problems, what=what, file=rel, line=line, lines=lines, code="invalid", unknown=False
        )
        if "id" not in good:
            continue
        unknown = sorted(set(entry) - set(SOURCE_FIELDS))
        if unknown:
            problems.add(
                f"unknown source field(s) {', '.join(key_text(k) for k in unknown)}",
                file=rel,
                line=line,
                expected="one of " + ", ".join(SOURCE_FIELDS),
            )
        row = {f: good.get(f) for f in SOURCE_FIELDS}
        row.update(file=rel, line=line, field_lines=lines, reported=tuple(f for f in SOURCE_FIELDS if f in entry and f not in good and entry[f] is not None))
        _check_provenance(row, problems)
        rows.append(row)
    # cells as Python values, None where missing (pandas would infer text with NaN)
    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    frame["line"] = pd.to_numeric(frame["line"])
    return frame


_WEB_ADDRESS = re.compile(r"^https?://[^\s/]+\S*$")


def _check_provenance(row: dict[str, Any], problems: Problems) -> None:
    """Where a source's document came from: web addresses, the day it was read, and the
    ``provenance`` record of its fields."""
    lines = row["field_lines"] or {}

    def where(key: str) -> dict[str, Any]:
        return dict(file=row["file"], line=lines.get(key, row["line"]), column=key)

    for key in PROVENANCE_LINKS:
        value = row.get(key)
        if value is not None and not (isinstance(value, str) and _WEB_ADDRESS.match(value)):
            problems.add(
                f"source {key_text(row['id'])}: {key} {excerpt(value)} is not a web address",
                expected="an http:// or https:// address",
                **where(key),
            )
    accessed = row.get("accessed")
    if accessed is not None:
        from reconcile.normalize.dates import parse_iso

        try:
            parse_iso(str(accessed))
        except ValueError as exc:
            problems.add(
                f"source {key_text(row['id'])}: accessed {excerpt(accessed)}: {exc}",
                expected="an ISO date (YYYY-MM-DD)",
                **where("accessed"),
            )
    record = row.get("provenance")
    if record is None:
        return
    bad = not isinstance(record, dict) or any(
        key not in PROVENANCE_KEYS or not isinstance(names, list) or not set(map(str, names)) <= set(SOURCE_FIELDS)
        for key, names in (record.items() if isinstance(record, dict) else [])
    )
    if bad:
        problems.add(
            f"source {key_text(row['id'])}: provenance must map {', '.join(PROVENANCE_KEYS)} to lists of source fields",
            expected="e.g. provenance: {read: [title, published], guessed: [language], missing: [author]}",
            **where("provenance"),
        )


def read_documents(root: Path, sources: pd.DataFrame, problems: Problems) -> dict[str, str]:
    """The documents of the given rows of the workspace's raw sources table (as
    :class:`RawWorkspace` holds it), by source id, as :func:`load_workspace` reads them:
    for engines that read only the documents a part of the claims cites."""
    root = find_root(root)
    with files.inside(root):
        return _load_documents(root, sources, problems)


def _load_documents(root: Path, sources: pd.DataFrame, problems: Problems) -> dict[str, str]:
    """Read each source's document, refusing paths that leave the workspace."""
    texts: dict[str, str] = {}
    claims_dir = (root / "claims").resolve()
    resolved_root = root.resolve()
    paths: list[str | None] = []
    for sid, doc, file, fl, line in zip(
        sources["id"], sources["document"], sources["file"], sources["field_lines"], sources["line"]
    ):
        where = dict(file=file, line=(fl or {}).get("document", line), column="document")
        if not doc:
            problems.add(f"source {sid} has no document", expected="a path under claims/", **where)
            paths.append(None)
            continue
        candidate = Path(doc)
        if candidate.is_absolute():
            problems.add(
                f"document path {doc!r} of source {sid} is absolute",
                expected="a path relative to claims/ that stays inside the workspace",
                code="path-escape",
                **where,
            )
            paths.append(None)
            continue
        try:
            full = (claims_dir / candidate).resolve()
        except (OSError, ValueError) as exc:  # a NUL byte, a loop of links
            _unusable_path(doc, sid, exc, where, problems)
            paths.append(None)
            continue
        if not full.is_relative_to(resolved_root):
            problems.add(
                f"document path {doc!r} of source {sid} leaves the workspace",
                expected="a path relative to claims/ that stays inside the workspace",
                code="path-escape",
                **where,
            )
            paths.append(None)
            continue
        rel_path = full.relative_to(resolved_root).as_posix()
        paths.append(rel_path)
        try:
            texts[str(sid)] = files.read_text(full)
        except FileReadError as exc:
            if exc.code == "missing-file":
                problems.add(f"document {rel_path} of source {sid} does not exist", code="missing-file", **where)
            elif exc.code == "encoding":
                problems.add(
                    f"document {rel_path} of source {sid} is {exc}", expected=exc.expected, code="encoding", **where
                )
            else:
                problems.add(f"document {rel_path} of source {sid}: {exc}", expected=exc.expected, code=exc.code, **where)
    sources["document_path"] = paths
    return texts


def _unusable_path(doc: str, sid: Any, exc: Exception, where: dict[str, Any], problems: Problems) -> None:
    """Report a document path the system refuses (what it says, not a traceback)."""
    reason = getattr(exc, "strerror", None) or str(exc)
    problems.add(
        f"document path {excerpt(doc)} of source {key_text(sid)} cannot be used: {reason}",
        expected="a path relative to claims/ of a readable file",
        code="missing-file",
        **where,
    )


# --- claim files --------------------------------------------------------------------------


def _load_drafts(root: Path, problems: Problems) -> pd.DataFrame:
    """The draft claims of ``claims/drafts/`` (every claim file there but
    :data:`REJECTED_FILE`), each with ``draft`` set to True whatever its file says; no
    claims when the folder is missing. A file there with no claims left (all accepted or
    rejected) is no problem."""
    folder = root / DRAFTS_DIR
    try:
        status = files.existing(folder)
    except FileReadError as exc:
        problems.add(str(exc), file=DRAFTS_DIR, expected=exc.expected, code=exc.code)
        return pd.DataFrame(columns=RAW_CLAIM_COLUMNS)
    if status is None:
        return pd.DataFrame(columns=RAW_CLAIM_COLUMNS)
    drafts = _load_claim_files(root, folder, problems, rel=DRAFTS_DIR, skip={f"{DRAFTS_DIR}/{REJECTED_FILE}"})
    # every claim of claims/drafts/ is a draft, whatever its file says (a wrong type is
    # reported first: validation checks the cells as written)
    written = drafts["draft"]
    wrong = written.notna() & ~map_distinct(written, lambda v: isinstance(v, bool)).astype(bool)
    return drafts.assign(draft=written.where(wrong, True).astype(object))


def _with_drafts(claims: pd.DataFrame, drafts: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    """The captured ``claims`` followed by the ``drafts``; a draft whose id is that of a
    captured claim is a problem (reported once, with the claim it clashes with) and is
    left out, so that it is not reported again as a duplicate id."""
    if drafts.empty:
        return claims
    captured_ids = claims["id"].astype(str)
    ids = drafts["id"].astype(str)
    clash = (ids.isin(captured_ids) & drafts["id"].notna()).to_numpy()
    taken = captured_ids.isin(ids[clash]).to_numpy()
    where = dict(zip(captured_ids[taken], zip(claims["file"][taken], claims["line"][taken])))
    for (_, row), cid in zip(drafts[clash].iterrows(), ids[clash]):
        file, line = where[cid]
        problems.add(
            f"draft {key_text(cid)} has the id of the captured claim at {file}:{'' if pd.isna(line) else int(line)}",
            file=row["file"],
            line=None if pd.isna(row["line"]) else int(row["line"]),
            claim_id=cid,
            column="id",
            expected="a draft id no captured claim has (give the draft another id, or reject it)",
            code="draft-clash",
        )
    drafts = drafts[~clash]
    if claims.empty:
        return drafts.reset_index(drop=True)
    return pd.concat([claims, drafts], ignore_index=True)


def _load_claim_files(
    root: Path, folder: Path, problems: Problems, *, rel: str = "claims/captured", skip: set[str] = frozenset()
) -> pd.DataFrame:
    """The claims of every claim file under ``folder`` (shown as ``rel``), but those named
    in ``skip`` (as shown)."""
    paths = [(path, shown) for path, shown in _claim_paths(folder, rel, problems) if shown not in skip]
    return _read_claim_files(paths, problems, drafts=rel == DRAFTS_DIR)


def claim_file_paths(root: Path, problems: Problems) -> list[tuple[Path, str]]:
    """The claim files of the workspace at ``root`` (under ``claims/captured``): each file's
    path and its name as shown in problems, sorted by that name, as :func:`load_workspace`
    finds them (what cannot be read is a problem)."""
    root = find_root(root)
    with files.inside(root):
        return _claim_paths(root / "claims" / "captured", "claims/captured", problems)


def read_claim_files(
    root: Path | None, paths: list[tuple[Path, str]], problems: Problems, *, open_file: Callable[[Any], Any] | None = None
) -> pd.DataFrame:
    """The raw claims of some claim files of the workspace at ``root`` (``paths`` as
    :func:`claim_file_paths` gives them), as :func:`load_workspace` reads them: a part of
    the claims, for engines that read them file by file (:mod:`reconcile.dask_engine`).

    ``open_file`` opens a Parquet file for reading in binary (for files outside the
    workspace, such as an fsspec location; ``root`` is then None); by default files are
    opened as :mod:`reconcile.base.files` opens them, inside the workspace."""
    if open_file is not None:
        return _read_claim_files(paths, problems, open_file=open_file)
    with files.inside(find_root(root)):
        return _read_claim_files(paths, problems)


def _read_claim_files(
    paths: list[tuple[Path, str]], problems: Problems, *, drafts: bool = False, open_file: Callable[[Any], Any] | None = None
) -> pd.DataFrame:
    """The claims of the claim files at ``paths`` (path, name shown), in that order."""
    frames: list[pd.DataFrame | pa.Table] = []
    for path, shown in paths:
        suffix = path.suffix.lower()
        if suffix not in CLAIM_SUFFIXES:
            if not path.name.startswith("."):
                problems.add(
                    f"ignored file with unknown type {display(path.suffix) or '(none)'}",
                    file=shown,
                    expected="claim files ending in " + ", ".join(CLAIM_SUFFIXES),
                    severity="warning",
                    code="ignored-file",
                )
            continue
        reader = {".yaml": _read_yaml_claims, ".yml": _read_yaml_claims, ".csv": _read_csv_claims}.get(
            suffix, _read_parquet_claims
        )
        frame = reader(path, shown, problems) if open_file is None or suffix != ".parquet" else reader(path, shown, problems, open_file)
        if frame is not None and (frame.num_rows if isinstance(frame, pa.Table) else len(frame)) == 0:
            if drafts:  # a drafts file whose drafts were all accepted or rejected
                continue
            problems.add("empty claim file: it holds no claims", file=shown, line=1, code="empty-file")
        elif frame is not None:
            frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=RAW_CLAIM_COLUMNS)
    parquet = [k for k, frame in enumerate(frames) if isinstance(frame, pa.Table)]
    if parquet:
        whole, parts = _parquet_frames([frames[k] for k in parquet])
        if whole is not None and len(parquet) == len(frames):
            frames = [whole]  # every file is Parquet: the whole, not its parts concatenated again
        else:
            for k, frame in zip(parquet, parts):
                frames[k] = frame
    # One file, or Parquet files converted together: already one frame, no concatenation.
    claims = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    if list(claims.columns) != RAW_CLAIM_COLUMNS:
        claims = claims[RAW_CLAIM_COLUMNS]
    # Cells as Python values whatever the file format (pandas 3 infers Arrow strings), but
    # for quotes held as Arrow strings (see _arrow_quotes)
    return claims.astype(
        {
            c: object
            for c in claims.columns
            if c != "line" and claims[c].dtype != object and not (c == "quote" and is_arrow_text(claims[c]))
        }
    )


def _claim_paths(folder: Path, rel: str, problems: Problems) -> list[tuple[Path, str]]:
    """The regular files under ``folder`` (``claims/captured``, shown as ``rel``) with
    their names as shown (:func:`reconcile.base.files.display`), sorted by that name; what
    cannot be read, or is not a file, is a problem (see the module docstring)."""
    try:
        status = files.existing(folder)
    except FileReadError as exc:
        problems.add(str(exc), file=rel, expected=exc.expected, code=exc.code)
        return []
    if status is None:
        problems.add(
            "no claim files: claims/captured/ is missing",
            file=rel,
            expected="one claim file per source in claims/captured/",
            code="missing-file",
        )
        return []
    if not stat.S_ISDIR(status.st_mode):
        problems.add(
            f"{rel}/ is {files.kind_of(status.st_mode)}, not a folder",
            file=rel,
            expected="a folder of claim files",
            code="not-a-folder",
        )
        return []
    found: list[tuple[Path, str]] = []
    home = os.path.realpath(folder)
    seen = {home}
    pending = [(folder, rel)]
    while pending:
        here, here_rel = pending.pop()
        try:
            names = sorted(entry.name for entry in os.scandir(here))
        except OSError as exc:
            problems.add(
                f"cannot read the folder: {files.reason(exc)}; its claim files are not read",
                file=here_rel,
                expected="a folder the user running reconcile may read",
                code="unreadable",
            )
            continue
        for name in names:
            path = here / name
            shown = f"{here_rel}/{display(name)}"
            claim_like = path.suffix.lower() in CLAIM_SUFFIXES
            try:
                status = files.existing(path)
            except FileReadError as exc:
                problems.add(str(exc), file=shown, expected=exc.expected, code=exc.code)
                continue
            if status is None:  # removed while read
                continue
            if stat.S_ISDIR(status.st_mode):
                if claim_like:
                    problems.add(
                        "is a folder, not a claim file; it is not read",
                        file=shown,
                        expected="a claim file (a regular file), or a folder whose name does not end in "
                        + ", ".join(CLAIM_SUFFIXES),
                        code="not-a-file",
                    )
                    continue
                real = os.path.realpath(path)
                if real in seen or _links_within(path, real, home):
                    problems.add(
                        "links to a folder already read; it is not read twice",
                        file=shown,
                        severity="warning",
                        code="ignored-file",
                    )
                    continue
                seen.add(real)
                pending.append((path, shown))
            elif stat.S_ISREG(status.st_mode):
                real = os.path.realpath(path)
                if real in seen or _links_within(path, real, home):
                    problems.add(
                        "links to a claim file already read; it is not read twice",
                        file=shown,
                        severity="warning",
                        code="ignored-file",
                    )
                    continue
                seen.add(real)
                found.append((path, shown))
            elif claim_like:
                problems.add(
                    f"is {files.kind_of(status.st_mode)}, not a regular file; it is not read",
                    file=shown,
                    expected="a claim file (a regular file)",
                    code="not-a-file",
                )
            elif not name.startswith("."):
                problems.add(
                    f"ignored: {files.kind_of(status.st_mode)}, not a claim file",
                    file=shown,
                    expected="claim files ending in " + ", ".join(CLAIM_SUFFIXES),
                    severity="warning",
                    code="ignored-file",
                )
    return sorted(found, key=lambda item: item[1])


def _links_within(path: Path, real: str, home: str) -> bool:
    """Whether ``path`` is a symbolic link to something under ``home`` (``claims/captured``),
    which is read under its own name (so links are skipped whatever the order of the walk)."""
    return path.is_symlink() and (real == home or real.startswith(home + os.sep))


def _unknown_fields(keys: set[str], rel: str, line: int | None, cid: Any, problems: Problems) -> None:
    unknown = sorted(keys - set(CLAIM_FIELDS))
    if unknown:
        problems.add(
            f"unknown claim field(s) {', '.join(key_text(k) if len(str(k)) < 40 else files.excerpt(k) for k in unknown[:10])}"
            + (f" and {len(unknown) - 10:,} more" if len(unknown) > 10 else ""),
            file=rel,
            line=line,
            claim_id=cid if isinstance(cid, str) else None,
            expected="one of " + ", ".join(CLAIM_FIELDS),
            code="unknown-field",
        )


def _read_yaml_claims(path: Path, rel: str, problems: Problems) -> pd.DataFrame | None:
    try:
        data = load_yaml(path)
    except YamlLoadError as exc:
        problems.add(str(exc), file=rel, line=exc.line, expected=exc.expected, code="yaml")
        return None
    if data is None:
        return pd.DataFrame(columns=RAW_CLAIM_COLUMNS)
    if not hasattr(data, "get"):
        problems.add("a claim file must be a mapping with `source:` and `claims:`", file=rel, line=1)
        return None
    top = key_lines(data)
    unknown_top = sorted(set(map(str, data)) - {"source", "claims"})
    if unknown_top:
        problems.add(
            f"unknown top-level key(s) {', '.join(files.excerpt(k) for k in unknown_top)}",
            file=rel,
            line=top.get(unknown_top[0]),
            expected="source, claims",
        )
    file_source = data.get("source")
    if isinstance(file_source, (dict, list)):
        problems.add(
            f"`source:` must be text, not {kind_of(file_source)} {excerpt(file_source)}",
            file=rel,
            line=top.get("source"),
            expected="the id of the source of the file's claims",
        )
        return None
    items = data.get("claims")
    if items is None:
        return pd.DataFrame(columns=RAW_CLAIM_COLUMNS)
    if not isinstance(items, list):
        problems.add(
            f"`claims:` must be a list, not {kind_of(items)} {excerpt(items)}",
            file=rel,
            line=top.get("claims"),
            expected="claims: [- id: …]",
        )
        return None
    rows = []
    for i, node in enumerate(items):
        line = item_line(items, i)
        entry = plain(node)
        if not isinstance(entry, dict):
            problems.add("a claim must be a mapping of fields", file=rel, line=line, expected="id, subject, …")
            continue
        _unknown_fields(set(entry), rel, line, entry.get("id"), problems)
        # an empty text is a missing value, as in CSV and Parquet claim files
        row = {f: None if entry.get(f) == "" else entry.get(f) for f in CLAIM_FIELDS}
        if row["source"] is None:
            row["source"] = file_source
        row.update(file=rel, line=line, field_lines=key_lines(node))
        rows.append(row)
    # cells as written: a whole number stays one beside missing cells (not 2015.0)
    frame = pd.DataFrame(rows, columns=RAW_CLAIM_COLUMNS, dtype=object)
    frame["line"] = pd.to_numeric(frame["line"])
    return frame


def _read_csv_claims(path: Path, rel: str, problems: Problems) -> pd.DataFrame | None:
    try:
        text = files.read_text(path, encoding="utf-8-sig")
    except FileReadError as exc:
        problems.add(str(exc), file=rel, line=exc.line, expected=exc.expected, code=exc.code)
        return None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        return pd.DataFrame(columns=RAW_CLAIM_COLUMNS)
    header = [h.strip() for h in header]
    _unknown_fields(set(header) - {""}, rel, 1, None, problems)
    rows = []
    start = reader.line_num + 1
    try:
        for record in reader:
            if not any(cell.strip() for cell in record):
                start = reader.line_num + 1
                continue
            if len(record) != len(header):
                problems.add(
                    f"row has {len(record)} cells, the header has {len(header)}",
                    file=rel,
                    line=start,
                    expected="one cell per header column",
                )
            entry = {h: (c if c != "" else None) for h, c in zip(header, record)}
            row = {f: entry.get(f) for f in CLAIM_FIELDS}
            if row["source"] is None:
                row["source"] = display(path.stem)
            row.update(file=rel, line=start, field_lines=None)
            rows.append(row)
            start = reader.line_num + 1
    except csv.Error as exc:
        problems.add(f"malformed CSV: {exc}", file=rel, line=reader.line_num, code="csv")
        return None
    return pd.DataFrame(rows, columns=RAW_CLAIM_COLUMNS)


def _read_parquet_claims(
    path: Path, rel: str, problems: Problems, open_file: Callable[[Any], Any] | None = None
) -> pa.Table | None:
    """A Parquet claim file as an Arrow table of the raw claim columns (``file``, ``line``
    and, when the file has no ``source`` column, the file's stem added); see
    :func:`_parquet_frames` for the conversion to Python values. ``open_file``: how to open
    it (default: :func:`reconcile.base.files.open_regular`)."""
    try:
        handle = files.open_regular(path) if open_file is None else open_file(path)
    except FileReadError as exc:
        problems.add(str(exc), file=rel, expected=exc.expected, code=exc.code)
        return None
    except OSError as exc:
        problems.add(f"cannot read the file: {exc}", file=rel, expected="a readable Parquet file", code="unreadable")
        return None
    try:
        with handle:
            table = pq.read_table(handle)
    except Exception as exc:  # pyarrow raises several types for a corrupt file
        problems.add(f"unreadable Parquet file: {type(exc).__name__}: {str(exc)[:200]}", file=rel, code="parquet")
        return None
    _unknown_fields(set(map(str, table.column_names)), rel, None, None, problems)
    n = table.num_rows
    columns = {}
    for f in CLAIM_FIELDS:
        column = table[f] if f in table.column_names else pa.nulls(n)
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        if pa.types.is_binary(column.type) or pa.types.is_large_binary(column.type):
            column = _binary_as_text(column, f, rel, problems)
            if column is None:
                return None
        columns[f] = column
    if "source" not in table.column_names:
        columns["source"] = pa.repeat(display(path.stem), n)
    columns["file"] = pa.repeat(rel, n)
    columns["line"] = pa.array(np.arange(1, n + 1, dtype=np.int64))
    return pa.table(columns)


def _binary_as_text(column: pa.ChunkedArray, name: str, rel: str, problems: Problems) -> pa.ChunkedArray | None:
    """A column of bytes read as UTF-8 text (writers such as Spark store strings as bytes
    without saying they are text); ``None``, with a problem naming the first row that is
    not UTF-8, when some are not."""
    try:
        return column.cast(pa.large_string())
    except pa.ArrowInvalid:
        # bytes that are UTF-8 come back the same through a lenient decoding; others do not
        row = next(
            i
            for i, value in enumerate(column.to_pylist(), start=1)
            if value is not None and value.decode("utf-8", "replace").encode("utf-8") != value
        )
        problems.add(
            f"column {name!r} holds bytes that are not UTF-8 text",
            file=rel,
            line=row,
            column=name,
            expected="text in UTF-8",
            code="parquet",
        )
        return None


def _parquet_frames(tables: list[pa.Table]) -> tuple[pd.DataFrame | None, list[pd.DataFrame]]:
    """The Parquet claim tables as frames of Python values, like YAML and CSV claims: the
    whole (None when the tables could not be converted together) and one frame per table,
    in order.

    The tables are converted together when their types agree, so that each distinct string
    of all files becomes one Python object (see :func:`_parquet_cells`).
    """
    try:
        combined = pa.concat_tables(tables, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # a column of different types in two files
        return None, [_parquet_frame(table) for table in tables]
    whole = _parquet_frame(combined)
    bounds = np.cumsum([0, *(table.num_rows for table in tables)])
    return whole, [whole.iloc[a:b] for a, b in zip(bounds[:-1], bounds[1:])]


def _parquet_frame(table: pa.Table) -> pd.DataFrame:
    quotes = _arrow_quotes(table["quote"])
    columns = {
        name: np.full(table.num_rows, None, dtype=object)
        if name == "field_lines" or (name == "quote" and quotes is not None)
        else _parquet_cells(table[name])
        for name in RAW_CLAIM_COLUMNS
        if name != "line"
    }
    # Python values, as from YAML and CSV (dtype=object: no inference of Arrow strings),
    # but for the quotes (see _arrow_quotes). copy=False: each column stays its own array;
    # stacking them into one block would copy some fifteen million references (and touch
    # as many fresh pages) at a million claims.
    out = pd.DataFrame(columns, dtype=object, copy=False)
    out.insert(RAW_CLAIM_COLUMNS.index("line"), "line", table["line"].to_numpy())
    if quotes is not None:
        out["quote"] = quotes
    return out


def _is_text(column: pa.ChunkedArray) -> bool:
    """Whether an Arrow column holds text (or dictionary-encoded text)."""
    kind = column.type.value_type if pa.types.is_dictionary(column.type) else column.type
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def _arrow_quotes(column: pa.ChunkedArray) -> pd.Series | None:
    """A Parquet column of quotes as pandas' Arrow-backed text (``None`` for an empty one),
    or ``None`` when it is not text. Quotes are read by Arrow's kernels only (located in
    the documents, written to the JSON report), so they never become Python strings."""
    if not _is_text(column):
        return None
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    text = column.combine_chunks().cast(pa.large_string())
    blank = pc.equal(text, "")
    if pc.any(blank).as_py():
        text = pc.if_else(blank, pa.scalar(None, pa.large_string()), text)
    return arrow_text(text)


def _parquet_cells(column: pa.ChunkedArray) -> np.ndarray:
    """A Parquet column as Python values (None for null and for empty text), like the
    cells of a YAML or CSV claim file; empty strings are found by pyarrow, not per cell.

    Text is dictionary-encoded first, so a string repeated across rows (a subject, a
    property, a value) becomes one Python object shared by its cells (all Parquet files
    are converted together, see :func:`_parquet_frames`): memory is paid once per
    distinct string, and hashing it (which Python caches in the object) and comparing it
    (identity first) are nearly free in every later group-by.
    """
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return _shared_text(column.combine_chunks())
    cells = column.to_numpy(zero_copy_only=False)
    if cells.dtype != object:
        cells = cells.astype(object)
    missing = pd.isna(cells)
    if missing.any():
        cells[missing] = None
    return cells


def _shared_text(text: pa.Array) -> np.ndarray:
    """Text cells as Python strings, one object per distinct string; None for null or "".

    Columns whose cells are nearly all distinct (ids, quotes: judged on a sample of
    :data:`_SAMPLE` cells) have nothing to share and are converted directly.
    """
    blank = pc.fill_null(pc.equal(text, ""), True).to_numpy(zero_copy_only=False)
    sample = text.slice(0, _SAMPLE)
    if len(sample) and pc.count_distinct(sample).as_py() > 0.9 * len(sample):
        cells = text.to_numpy(zero_copy_only=False)
    else:
        encoded = pc.dictionary_encode(text)
        distinct = encoded.dictionary.to_pylist()
        codes = pc.fill_null(encoded.indices, len(distinct)).to_numpy(zero_copy_only=False)
        cells = np.array([*distinct, None], dtype=object).take(codes)
    cells[blank] = None
    return cells


_SAMPLE = 10_000
