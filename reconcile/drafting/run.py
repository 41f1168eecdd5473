"""``reconcile draft``: draft the claims of registered documents into ``claims/drafts/``.

:func:`draft_sources` checks everything first (the source ids, their documents, the drafts
files it will edit) and writes only when nothing is wrong; a problem is a message with what
and where, and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reconcile.base.problems import Problems
from reconcile.validate.claims import Workspace
from .draft_files import (
    DRAFTS_DIR,
    DraftFileError,
    check_drafts_file,
    drafts_path,
    new_drafts,
    subject_kinds_from,
    write_drafts,
)
from .drafter import MIN_CONFIDENCE, Draft, Drafter
from .lexicon import load_lexicon

__all__ = ["DraftReport", "draft_sources", "drafter_for", "shown_path"]


@dataclass
class DraftReport:
    """What drafting one source did."""

    source: str
    path: Path
    found: int
    added: int
    captured: int
    rejected: int
    kept: int = 0
    drafts: list[Draft] = field(default_factory=list)


def drafter_for(ws: Workspace, min_confidence: float = MIN_CONFIDENCE) -> Drafter:
    """A drafter with the workspace's registries and gazetteer; subjects of properties whose
    registry entry gives no ``subject_kinds`` are of the kinds their captured claims have."""
    return Drafter(
        ws.registry, ws.gazetteer, load_lexicon(), subject_kinds_from(ws.claims, ws.gazetteer.kind), min_confidence
    )


def draft_sources(
    ws: Workspace,
    sources: list[str],
    problems: Problems,
    output: Path | None = None,
    *,
    min_confidence: float = MIN_CONFIDENCE,
) -> list[DraftReport]:
    """Draft each of ``sources`` and write the drafts (to ``output`` when given, for one
    source). Problems (unknown ids, documents that could not be read, drafts files that
    are not claim files) are added to ``problems`` and nothing is written."""
    from .review import is_rejected, rejected_keys

    known = set(ws.sources["source"])
    languages = dict(zip(ws.sources["source"], ws.sources["language"]))
    documents = dict(zip(ws.sources["source"], ws.sources["document"]))
    for sid in sources:
        if sid not in known:
            problems.add(
                f"unknown source {sid!r}", file="claims/sources.yaml", expected="one of " + ", ".join(sorted(known)[:10])
                + (", …" if len(known) > 10 else ""), code="draft",
            )
        elif sid not in ws.documents:
            problems.add(f"the document of {sid} could not be read (see `reconcile validate`)", file=str(documents.get(sid)), code="draft")
    if problems.errors:
        return []
    rejected = rejected_keys(ws.root, problems)
    if problems.errors:
        return []
    drafter = drafter_for(ws, min_confidence)
    types = {pid: spec.type for pid, spec in ws.registry.properties.items()}
    reports = []
    for sid in sources:
        found = drafter.draft(ws.documents[sid], _language(languages.get(sid)))
        fresh, n_captured, n_rejected = new_drafts(
            found, sid, ws.claims, types, lambda d, sid=sid: is_rejected(rejected, sid, d.subject, d.property, d.value, d.quote)
        )
        path = output or drafts_path(ws.root, sid)
        reports.append(DraftReport(sid, path, len(found), 0, n_captured, n_rejected, drafts=fresh))
    expected = f"a claim file written by `reconcile draft` ({DRAFTS_DIR.as_posix()}/<source>.yaml)"
    for report in reports:  # every file is checked before any is written
        try:
            check_drafts_file(report.path, ws.root, report.source)
        except DraftFileError as exc:
            problems.add(str(exc), file=shown_path(report.path, ws.root), expected=expected, code="draft")
    if problems.errors:
        return []
    for report in reports:
        document = str(documents[report.source])
        if not document.startswith("claims/"):
            document = f"claims/{document}"
        try:
            report.added = write_drafts(report.path, ws.root, report.source, report.drafts, document)
        except DraftFileError as exc:
            problems.add(str(exc), file=shown_path(report.path, ws.root), expected=expected, code="draft")
            return reports
        report.kept = len(report.drafts) - report.added
    return reports


def _language(code: object) -> str | None:
    """The source's language as a cue language (``fa-IR`` → ``fa``), or None."""
    if not isinstance(code, str) or not code:
        return None
    return code.split("-")[0].lower()


def shown_path(path: Path, root: Path) -> str:
    """``path`` as messages show it: relative to the workspace when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
