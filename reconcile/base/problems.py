"""Problems found in a workspace: collected as data, reported together.

Every check appends :class:`Problem` records instead of raising, so that one run of
``reconcile validate`` lists everything that is wrong. A problem says *what* is wrong,
*where* (file, line, claim id, column) and *what was expected*, and may carry a "did you
mean" hint, and on a second line of the hint the entry to add to a registry (a line of
YAML to paste). ``severity`` is ``error`` (the workspace is invalid: exit 2), ``warning``
(suspicious but usable, e.g. a fuzzy name resolution) or ``info``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Iterator

import pandas as pd

__all__ = ["HINT_BREAK", "Problem", "Problems", "WorkspaceError", "hint_lines"]

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (or worth a look) in a workspace."""

    message: str
    file: str | None = None
    line: int | None = None
    claim_id: str | None = None
    column: str | None = None
    expected: str | None = None
    hint: str | None = None
    """What may help: "did you mean …?"; a line feed may part it from a second line, the
    entry to add to a registry (:data:`HINT_BREAK`)."""
    severity: str = "error"
    code: str = "invalid"

    def __post_init__(self) -> None:
        # A problem quotes what people wrote: whatever a check quotes, a problem holds at
        # most MAX_TEXT characters of each text (a 50 MB cell is never echoed whole).
        for name in ("message", "hint", "expected", "claim_id", "column", "file"):
            text = getattr(self, name)
            if isinstance(text, str) and len(text) > MAX_TEXT:
                object.__setattr__(self, name, f"{text[:MAX_TEXT]}… ({len(text):,} characters)")

    def location(self) -> str:
        """``file:line`` (or what of it is known)."""
        if self.file and self.line:
            return f"{self.file}:{self.line}"
        return self.file or "<workspace>"

    def render(self) -> str:
        """One or two lines a person reads: where, what, what was expected, the hint (the
        lines of :meth:`render_lines`)."""
        return "\n".join(self.render_lines())

    def render_lines(self) -> list[str]:
        """The problem as a person reads it: where, what, what was expected and the hint's
        first line on one line; each further line of the hint (the entry to add to a
        registry) on a line of its own, indented. Callers escape each line on its own
        (:func:`reconcile.render.controls.printable`)."""
        where = self.location()
        parts = [f"{where}: {self.severity}"]
        if self.claim_id:
            parts.append(f"claim {self.claim_id}")
        if self.column:
            parts.append(f"column {self.column}")
        head = " ".join(parts[:1]) + (" [" + ", ".join(parts[1:]) + "]" if len(parts) > 1 else "")
        text = f"{head}: {self.message}"
        if self.expected:
            text += f" (expected {self.expected})"
        first, *more = self.hint.split(HINT_BREAK) if self.hint else [""]
        if first:
            text += f"; {first}"
        return [text, *(HINT_INDENT + line for line in more if line)]

    def sort_key(self) -> tuple:
        """Errors first, then warnings, then infos; within each, the workspace's own files
        (sources.yaml, registries, documents, settings) before the claim files, so that a
        cause (a document that cannot be read) comes before what it causes (each of its
        claims' quotes not found); then by file, line, claim id, column and message."""
        return (
            SEVERITIES.index(self.severity),
            (self.file or "").startswith(CLAIM_FILES),
            self.file or "",
            self.line or 0,
            self.claim_id or "",
            self.column or "",
            self.message,
        )


#: The most characters of each text of a problem (message, hint, expected, claim id…);
#: checks quote values as excerpts far shorter (:func:`reconcile.base.fieldspec.excerpt`).
MAX_TEXT = 1_500
#: What parts the lines of a hint: the first goes on the problem's line, each other on its own.
HINT_BREAK = "\n"
#: The indentation of a hint's further lines.
HINT_INDENT = "    "
_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x85\u2028\u2029]")


def hint_lines(*lines: str | None) -> str | None:
    """A hint of several lines: "did you mean …?" (None: no such line; the next lines still
    print on lines of their own), then the entry to add to a registry (the empty and None
    ones left out; None when no line is left). A line break *inside* a line
    (a name read from a workspace may hold one) is written as its escape (``\\x0a``), so
    that only :data:`HINT_BREAK` parts the lines."""
    first, *more = lines or (None,)
    rest = [_LINE_BREAKS.sub(_escape_break, line) for line in more if line]
    if not first and not rest:
        return None
    # the first line stays first even when empty: an entry to add keeps a line of its own
    return HINT_BREAK.join([_LINE_BREAKS.sub(_escape_break, first or ""), *rest])


def _escape_break(match: re.Match[str]) -> str:
    """A line break as its Python escape (``\\x0a``, ``\\u2028``)."""
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


#: Where claim files are (``reconcile.load.workspace``); problems in them sort after the others.
CLAIM_FILES = "claims/captured/"


@dataclass
class Problems:
    """An ordered collection of problems with helpers for checks that work on DataFrames."""

    items: list[Problem] = field(default_factory=list)

    def add(self, message: str, **where: object) -> None:
        self.items.append(Problem(message, **where))  # type: ignore[arg-type]

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    def add_rows(
        self,
        rows: pd.DataFrame,
        message: str | pd.Series,
        *,
        column: str | None = None,
        expected: str | None = None,
        hint: pd.Series | str | None = None,
        severity: str = "error",
        code: str = "invalid",
    ) -> None:
        """Add one problem per row of ``rows`` (claims with ``file``, ``line``, ``claim_id``).

        ``message`` and ``hint`` may be Series aligned with ``rows`` for per-row text.
        """
        if rows.empty:
            return
        msgs = message if isinstance(message, pd.Series) else pd.Series(message, index=rows.index)
        hints = hint if isinstance(hint, pd.Series) else pd.Series(hint, index=rows.index, dtype=object)
        lines = _field_lines(rows, column)
        for file, line, cid, msg, h in zip(
            rows["file"], lines, rows["claim_id"], msgs.reindex(rows.index), hints.reindex(rows.index)
        ):
            self.items.append(
                Problem(
                    str(msg),
                    file=None if pd.isna(file) else str(file),
                    line=None if pd.isna(line) else int(line),
                    claim_id=None if pd.isna(cid) else str(cid),
                    column=column,
                    expected=expected,
                    hint=None if h is None or (isinstance(h, float) and pd.isna(h)) else str(h),
                    severity=severity,
                    code=code,
                )
            )

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=Problem.sort_key)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def to_frame(self) -> pd.DataFrame:
        """The problems as a tidy table (one row each), like pandera's failure cases."""
        cols = ["severity", "code", "file", "line", "claim_id", "column", "message", "expected", "hint"]
        return pd.DataFrame([{c: getattr(p, c) for c in cols} for p in self.sorted()], columns=cols)


def _field_lines(rows: pd.DataFrame, column: str | None) -> pd.Series:
    """The line of ``column`` in each claim's file when known, else the claim's own line."""
    base = rows["line"] if "line" in rows else pd.Series(pd.NA, index=rows.index)
    if column and "field_lines" in rows:
        own = rows["field_lines"].map(lambda d: d.get(column) if isinstance(d, dict) else None)
        return own.where(own.notna(), base)
    return base


class WorkspaceError(Exception):
    """Raised at an edge (CLI, API) when a workspace cannot be used; carries the problems."""

    def __init__(self, problems: Problems):
        self.problems = problems
        super().__init__(f"{len(problems.errors)} problem(s) in the workspace")
