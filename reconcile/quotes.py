"""Locating quotes in their documents, vectorized for millions of claims.

A claim's ``quote`` must be the exact words of its source's document, whitespace aside:
runs of whitespace (newlines, NBSP, tabs) count as one space, and the quote's own leading
and trailing whitespace is ignored. :func:`locate_quotes` returns for each claim the span
of its quote in the document's Python string (what the reports highlight) or why it was
not found.

The work is done on UTF-32 code point arrays with numpy rather than per string:

* :func:`fold_whitespace_many` folds the whitespace of many strings at once (joined with a
  NUL separator, folded, split again);
* :func:`fold_document` folds one document and keeps, for each folded character, its
  offset in the original text;
* :func:`line_index` lists the document's lines as folded keys with their folded start,
  so the common case of a quote that is a whole line (machine-extracted claims) is a
  dictionary lookup; other quotes are found with ``str.find``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz

from .normalize.text import fold_whitespace

__all__ = ["FoldedDocument", "fold_whitespace_many", "fold_document", "line_index", "locate_quotes"]

_LIMIT = 0x3001  # every character for which str.isspace() holds is below U+3001
_IS_SPACE = np.array([chr(c).isspace() for c in range(_LIMIT)], dtype=bool)
# str.splitlines() breaks lines at these (\r\n counts twice here, which only adds an
# empty line, and empty lines are never indexed).
_LINE_BREAKS = np.array([0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029], dtype=np.uint32)
_CHUNK = 200_000  # strings folded per numpy pass (bounds the temporary arrays)


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _is_space(codes: np.ndarray) -> np.ndarray:
    return _IS_SPACE[np.minimum(codes, _LIMIT - 1)] & (codes < _LIMIT)


def _from_code_points(codes: np.ndarray) -> str:
    return codes.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")


def fold_whitespace_many(texts: Sequence[str]) -> list[str]:
    """:func:`~reconcile.normalize.text.fold_whitespace` of each string, in numpy passes.

    Equal to ``[fold_whitespace(t) for t in texts]`` (tested with hypothesis); strings
    holding a NUL character, the separator used here, are folded one by one.
    """
    texts = list(texts)
    out = list(texts)
    todo = np.flatnonzero(_needs_folding(texts))
    for start in range(0, len(todo), _CHUNK):
        part = todo[start : start + _CHUNK]
        for i, folded in zip(part.tolist(), _fold_chunk([texts[i] for i in part])):
            out[i] = folded
    return out


def _re2_class(codes: np.ndarray) -> str:
    return "[" + "".join(f"\\x{{{c:04X}}}" for c in codes) + "]"


_SPACES = np.flatnonzero(_IS_SPACE)
_SPACE_CLASS = _re2_class(_SPACES)
# Folding changes a string exactly when it has whitespace at an end, two whitespace
# characters in a row, or whitespace other than the plain space.
_NEEDS_FOLDING = f"^{_SPACE_CLASS}|{_SPACE_CLASS}$|{_SPACE_CLASS}{{2}}|{_re2_class(_SPACES[_SPACES != 32])}"


def _needs_folding(texts: list[str]) -> np.ndarray:
    """Which strings :func:`fold_whitespace` would change (one pyarrow regex pass)."""
    if not texts:
        return np.zeros(0, dtype=bool)
    try:
        flags = pc.match_substring_regex(pa.array(texts, type=pa.large_string()), _NEEDS_FOLDING)
    except (pa.ArrowException, UnicodeError):  # e.g. a lone surrogate: fold everything
        return np.ones(len(texts), dtype=bool)
    return flags.to_numpy(zero_copy_only=False).astype(bool)


def _fold_chunk(texts: list[str]) -> list[str]:
    if not texts:
        return []
    joined = "\x00".join(texts)
    if not joined or joined.count("\x00") != len(texts) - 1:
        return [fold_whitespace(t) for t in texts]
    codes = _code_points(joined)
    space = _is_space(codes)
    solid = ~space & (codes != 0)  # a character that is kept as it is
    # A space survives when it starts its run, follows a solid character and the run
    # ends at a solid character (not at a separator or the end: that is stripping).
    run_start = space.copy()
    run_start[1:] &= ~space[1:] | ~space[:-1]
    run_start[1:] &= solid[:-1]
    run_start[0] = False
    nonspace = np.flatnonzero(~space)
    nxt = np.searchsorted(nonspace, np.flatnonzero(run_start))
    ends_solid = np.zeros(len(nxt), dtype=bool)
    inside = nxt < len(nonspace)
    ends_solid[inside] = solid[nonspace[nxt[inside]]]
    keep_space = np.zeros(len(codes), dtype=bool)
    keep_space[np.flatnonzero(run_start)[ends_solid]] = True
    keep = ~space | keep_space
    folded = np.where(space, np.uint32(32), codes)[keep]
    return _from_code_points(folded).split("\x00")


@dataclass(frozen=True)
class FoldedDocument:
    """A document with whitespace runs folded to one space.

    ``offsets[i]`` is the index in the original text of folded character ``i``; ``lines``
    maps each whole line (folded, stripped) that occurs once to its folded start.
    """

    folded: str
    offsets: np.ndarray
    lines: dict[str, int]


def fold_document(text: str) -> FoldedDocument:
    """Fold ``text`` (see :class:`FoldedDocument`); megabytes take milliseconds."""
    if not text:
        return FoldedDocument("", np.zeros(0, dtype=np.int64), {})
    codes = _code_points(text)
    space = _is_space(codes)
    repeat = np.zeros(len(codes), dtype=bool)
    repeat[1:] = space[1:] & space[:-1]
    offsets = np.flatnonzero(~repeat)
    folded = _from_code_points(np.where(space, np.uint32(32), codes)[offsets])
    return FoldedDocument(folded, offsets, line_index(codes, space, folded, offsets))


def line_index(codes: np.ndarray, space: np.ndarray, folded: str, offsets: np.ndarray) -> dict[str, int]:
    """Folded start of each line of a document that occurs once, keyed by the folded line.

    A line's folded form is the stretch of the folded document from its first to its last
    non-space character, so keys are slices of ``folded``; lines occurring twice are left
    out (their quotes are found by scanning, at the occurrence asked for).
    """
    line_of = np.cumsum(np.isin(codes, _LINE_BREAKS))
    solid = np.flatnonzero(~space)
    if not len(solid):
        return {}
    owner = line_of[solid]
    cut = np.flatnonzero(owner[1:] != owner[:-1]) + 1
    first = solid[np.r_[0, cut]]
    last = solid[np.r_[cut - 1, len(solid) - 1]]
    start = np.searchsorted(offsets, first)
    stop = np.searchsorted(offsets, last) + 1
    keys = pd.Series([folded[a:b] for a, b in zip(start.tolist(), stop.tolist())], dtype=object)
    once = ~keys.duplicated(keep=False).to_numpy()
    return dict(zip(keys[once].tolist(), start[once].tolist()))


def locate_quotes(documents: dict[str, str], keys: pd.DataFrame) -> pd.DataFrame:
    """Find each (source, quote, occurrence) of ``keys`` in its source's document.

    Returns a frame aligned with ``keys`` with ``span_start``, ``span_end`` (offsets into the
    document's Python string, end exclusive; the span starts and ends on the quote's first
    and last non-space characters) and ``quote_error`` (why it was not found, with the
    closest passage when one is near). A quote that is a whole line of its document
    (occurring once as a line) is located by a dictionary lookup; any other quote at its
    ``occurrence``-th match.
    """
    occurrence = keys["occurrence"].to_numpy(dtype=np.int64)
    quotes = fold_whitespace_many(keys["quote"].astype(str).tolist())
    start = np.full(len(keys), -1, dtype=np.int64)
    stop = np.full(len(keys), -1, dtype=np.int64)
    error = np.full(len(keys), None, dtype=object)
    for source, rows in pd.Series(np.arange(len(keys))).groupby(keys["source"].to_numpy(dtype=object)).indices.items():
        text = documents.get(source)
        if text is None:
            error[rows] = "its source's document could not be read"
            continue
        doc = fold_document(text)
        _locate_in(doc, [quotes[i] for i in rows], occurrence[rows], rows, start, stop, error)
    return pd.DataFrame(
        {
            "span_start": pd.array(np.where(start >= 0, start, None), dtype="Int64"),
            "span_end": pd.array(np.where(stop >= 0, stop, None), dtype="Int64"),
            "quote_error": error,
        },
        index=keys.index,
    )


def _locate_in(
    doc: FoldedDocument,
    quotes: list[str],
    occurrence: np.ndarray,
    rows: np.ndarray,
    start: np.ndarray,
    stop: np.ndarray,
    error: np.ndarray,
) -> None:
    """Fill ``start``/``stop``/``error`` at ``rows`` for the quotes of one document."""
    lines = doc.lines
    at = np.fromiter((lines.get(q, -1) for q in quotes), dtype=np.int64, count=len(quotes))
    at[occurrence != 1] = -1
    scanned: dict[tuple[str, int], int] = {}
    for k in np.flatnonzero(at < 0):  # not a whole line: scan (each distinct quote once)
        key = (quotes[k], int(occurrence[k]))
        if key not in scanned:
            scanned[key] = _scan(doc.folded, *key)
        at[k] = scanned[key]
    lengths = np.fromiter(map(len, quotes), dtype=np.int64, count=len(quotes))
    found = (at >= 0) & (lengths > 0)
    start[rows[found]] = doc.offsets[at[found]]
    stop[rows[found]] = doc.offsets[at[found] + lengths[found] - 1] + 1
    for k in np.flatnonzero(~found):
        error[rows[k]] = _why_not_found(doc.folded, quotes[k], int(occurrence[k]))


def _scan(folded: str, quote: str, occurrence: int) -> int:
    """Folded start of the ``occurrence``-th match of ``quote``, or -1."""
    if not quote:
        return -1
    at = -1
    for _ in range(occurrence):
        at = folded.find(quote, at + 1)
        if at < 0:
            return -1
    return at


def _why_not_found(folded: str, quote: str, occurrence: int) -> str:
    if not quote:
        return "empty quote"
    count = folded.count(quote)
    if count:
        return f"the quote occurs {count} time(s) in the document, not {occurrence}"
    return "quote not found in the document" + _closest_passage(quote, folded)


def _closest_passage(quote: str, folded_doc: str) -> str:
    align = fuzz.partial_ratio_alignment(quote, folded_doc, score_cutoff=60)
    if align is None:
        return ""
    passage = folded_doc[align.dest_start : align.dest_end]
    if len(passage) > 160:
        passage = passage[:157] + "…"
    return f"; closest passage ({align.score:.0f}% alike): «{passage}»"
