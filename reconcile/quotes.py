"""Locating quotes in their documents, vectorized for millions of claims.

A claim's ``quote`` must be the exact words of its source's document, whitespace aside:
runs of whitespace (newlines, NBSP, tabs) count as one space, and the quote's own leading
and trailing whitespace is ignored. :func:`locate_quotes` returns for each claim the span
of its quote in the document's Python string (what the reports highlight) or why it was
not found.

The work is done in pyarrow and numpy rather than per string:

* :func:`fold_text_array` folds the whitespace of many strings at once;
* :func:`document_lines` lists the lines of all documents as folded keys with their spans,
  and :func:`match_whole_lines` matches quotes to them, so the common case of a quote that
  is a whole line (machine-extracted claims) is one hash pass for all quotes;
* :func:`fold_document` folds one document, keeping for each folded character its offset
  in the original text, for the other quotes, found with ``str.find``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz

from .frames import as_text, positions, release_arrow_memory
from .normalize.text import fold_whitespace

__all__ = [
    "FoldedDocument",
    "Lines",
    "fold_document",
    "fold_text_array",
    "locate_quotes",
    "document_lines",
    "match_whole_lines",
]

_LIMIT = 0x3001  # every character for which str.isspace() holds is below U+3001
_IS_SPACE = np.array([chr(c).isspace() for c in range(_LIMIT)], dtype=bool)
_SPACES = np.flatnonzero(_IS_SPACE)
_WHITESPACE = "".join(map(chr, _SPACES))  # what str.split() and str.strip() take as space
# str.splitlines() breaks lines at these (\r\n counts twice here, which only adds an
# empty line, and empty lines are never indexed).
_BATCH_CHARS = 8_000_000  # characters of documents whose lines are indexed together
_LINE_BREAKS = np.array([0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029], dtype=np.uint32)


def _re2_class(codes: np.ndarray) -> str:
    return "[" + "".join(f"\\x{{{c:04X}}}" for c in codes) + "]"


_SPACE_CLASS = _re2_class(_SPACES)
_LINE_BREAK_CLASS = _re2_class(_LINE_BREAKS)
# Inside a stripped string, folding changes something exactly where two whitespace
# characters follow each other or where whitespace is not the plain space.
_FOLDS_INSIDE = f"{_SPACE_CLASS}{{2}}|{_re2_class(_SPACES[_SPACES != 32])}"


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _is_space(codes: np.ndarray) -> np.ndarray:
    return _IS_SPACE[np.minimum(codes, _LIMIT - 1)] & (codes < _LIMIT)


def _from_code_points(codes: np.ndarray) -> str:
    return codes.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")


def fold_text_array(texts: pa.Array) -> pa.Array:
    """:func:`~reconcile.normalize.text.fold_whitespace` of each string of an Arrow array.

    Strings are stripped by pyarrow; the regular expression that folds inner runs only
    runs on the strings that have one (few, in practice).
    """
    stripped = pc.utf8_trim(texts, characters=_WHITESPACE)
    inside = pc.fill_null(pc.match_substring_regex(stripped, _FOLDS_INSIDE), False)
    if not pc.any(inside).as_py():
        return stripped
    folded = pc.replace_substring_regex(stripped.filter(inside), f"{_SPACE_CLASS}+", " ")
    return pc.replace_with_mask(stripped, inside, folded)


@dataclass(frozen=True)
class FoldedDocument:
    """A document with whitespace runs folded to one space; ``offsets[i]`` is the index in
    the original text of folded character ``i``."""

    folded: str
    offsets: np.ndarray


def fold_document(text: str) -> FoldedDocument:
    """Fold ``text`` (see :class:`FoldedDocument`); megabytes take milliseconds."""
    if not text:
        return FoldedDocument("", np.zeros(0, dtype=np.int64))
    codes = _code_points(text)
    space = _is_space(codes)
    repeat = np.zeros(len(codes), dtype=bool)
    repeat[1:] = space[1:] & space[:-1]
    offsets = np.flatnonzero(~repeat)
    return FoldedDocument(_from_code_points(np.where(space, np.uint32(32), codes)[offsets]), offsets)


@dataclass(frozen=True)
class Lines:
    """The lines of several documents: ``keys`` are ``"<document number>\\x00<folded line>"``;
    ``first`` and ``stop`` the span of the line's first to last non-space character in its
    document's Python string (stop exclusive, equal to ``first`` for a blank line)."""

    keys: pa.Array
    first: np.ndarray
    stop: np.ndarray


def document_lines(texts: list[str]) -> Lines:
    """Every line of ``texts`` (document ``k`` is ``texts[k]``), all in pyarrow.

    Offsets are counted in code points, as Python strings index. Raises
    ``pa.ArrowInvalid`` for a text pyarrow cannot hold (a lone surrogate).
    """
    split = pc.split_pattern_regex(pa.array(texts, type=pa.large_string()), _LINE_BREAK_CLASS)
    lines = pc.list_flatten(split)
    doc = pc.list_parent_indices(split).to_numpy()
    length = pc.utf8_length(lines).to_numpy().astype(np.int64)
    start = np.cumsum(length + 1) - (length + 1)  # each line is followed by one break
    start -= start[np.searchsorted(doc, doc)]  # ... counted from its document's start
    first = start + length - pc.utf8_length(pc.utf8_ltrim(lines, characters=_WHITESPACE)).to_numpy()
    stop = first + pc.utf8_length(pc.utf8_trim(lines, characters=_WHITESPACE)).to_numpy()
    return Lines(_keyed(pa.array(doc, pa.int64()), fold_text_array(lines)), first, stop)


def match_whole_lines(lines: Lines, keys: pa.Array) -> np.ndarray:
    """For each key (``"<document number>\\x00<folded quote>"``), the line of ``lines``
    it equals if that line is not blank and occurs once in its document; else -1.

    One dictionary encoding of lines and keys together gives both the lines that occur
    once and the matches.
    """
    codes = pc.dictionary_encode(pa.concat_arrays([lines.keys, keys])).indices.to_numpy()
    line_codes, key_codes = codes[: len(lines.keys)], codes[len(lines.keys) :]
    once = (np.bincount(line_codes, minlength=codes.max(initial=0) + 1)[line_codes] == 1) & (lines.stop > lines.first)
    line_of = np.full(codes.max(initial=0) + 1, -1, dtype=np.int64)
    line_of[line_codes[once]] = np.flatnonzero(once)
    return line_of[key_codes]


def _keyed(doc: pa.Array, text: pa.Array) -> pa.Array:
    """``"<doc>\\x00<text>"`` for each row: one Arrow key for a (document, text) pair."""
    return pc.binary_join_element_wise(pc.cast(doc, pa.large_string()), text, pa.scalar("\x00", pa.large_string()))


def locate_quotes(documents: dict[str, str], keys: pd.DataFrame) -> pd.DataFrame:
    """Find each (source, quote, occurrence) of ``keys`` in its source's document.

    Returns a frame aligned with ``keys`` with ``span_start``, ``span_end`` (offsets into the
    document's Python string, end exclusive; the span starts and ends on the quote's first
    and last non-space characters) and ``quote_error`` (why it was not found, with the
    closest passage when one is near). A quote that is a whole line of its document
    (occurring once as a line) is found by one pyarrow hash lookup over all documents'
    lines; any other quote is searched at its ``occurrence``-th match in its folded document.
    """
    occurrence = keys["occurrence"].to_numpy(dtype=np.int64)
    names = list(documents)
    doc = positions(names, keys["source"])
    raw_quotes = as_text(keys["quote"].to_numpy(dtype=object))
    quotes, arrow_ok = _arrow_quotes(raw_quotes)
    folded = fold_text_array(quotes)
    start = np.full(len(keys), -1, dtype=np.int64)
    stop = np.full(len(keys), -1, dtype=np.int64)
    error = np.full(len(keys), None, dtype=object)
    error[doc < 0] = "its source's document could not be read"
    lookup = (doc >= 0) & (occurrence == 1) & arrow_ok
    _match_lines(documents, names, doc, np.flatnonzero(lookup), folded, start, stop)
    release_arrow_memory()
    rest = np.flatnonzero((doc >= 0) & (start < 0))
    if len(rest):
        texts = np.asarray(folded.take(pa.array(rest)).to_pylist(), dtype=object)
        texts[~arrow_ok[rest]] = [fold_whitespace(q) for q in raw_quotes[rest[~arrow_ok[rest]]]]
        for d, part in pd.Series(np.arange(len(rest))).groupby(doc[rest]).indices.items():
            found = fold_document(documents[names[d]])
            _search_in(found, texts[part].tolist(), occurrence[rest[part]], rest[part], start, stop, error)
    missing = start < 0
    return pd.DataFrame(
        {
            "span_start": pd.arrays.IntegerArray(np.where(missing, 0, start), missing),
            "span_end": pd.arrays.IntegerArray(np.where(missing, 0, stop), missing),
            "quote_error": error,
        },
        index=keys.index,
    )


def _match_lines(
    documents: dict[str, str],
    names: list[str],
    doc: np.ndarray,
    rows: np.ndarray,
    folded: pa.Array,
    start: np.ndarray,
    stop: np.ndarray,
) -> None:
    """Fill ``start``/``stop`` at the ``rows`` whose folded quote is a whole line of their
    document (number ``doc[row]`` in ``names``). Documents are taken in batches of about
    :data:`_BATCH_CHARS` characters, which bounds the memory of the line tables."""
    rows = rows[np.argsort(doc[rows], kind="stable")]
    sizes = np.fromiter((len(documents[name]) for name in names), dtype=np.int64, count=len(names))
    batch_of = np.cumsum(sizes) // _BATCH_CHARS
    for first_doc, end_doc in zip(*_runs(batch_of)):
        part = rows[np.searchsorted(doc[rows], first_doc) : np.searchsorted(doc[rows], end_doc)]
        if not len(part):
            continue
        lines = document_lines([documents[name] for name in names[first_doc:end_doc]])
        at = match_whole_lines(lines, _keyed(pa.array(doc[part] - first_doc, pa.int64()), folded.take(pa.array(part))))
        part, at = part[at >= 0], at[at >= 0]
        start[part], stop[part] = lines.first[at], lines.stop[at]


def _runs(labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) positions of the runs of equal values in ``labels``."""
    cut = np.flatnonzero(labels[1:] != labels[:-1]) + 1
    return np.r_[0, cut], np.r_[cut, len(labels)]


def _arrow_quotes(quotes: np.ndarray) -> tuple[pa.Array, np.ndarray]:
    """Quotes as an Arrow array, and which of them it holds: a quote with a lone surrogate
    (which YAML escapes allow) becomes empty there and is searched in Python."""
    try:
        return pa.array(quotes, type=pa.large_string()), np.ones(len(quotes), dtype=bool)
    except (pa.ArrowException, UnicodeError):
        ok = np.array([_is_utf8(q) for q in quotes], dtype=bool)
        return pa.array([q if k else "" for q, k in zip(quotes, ok)], type=pa.large_string()), ok


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _search_in(
    doc: FoldedDocument,
    quotes: list[str],
    occurrence: np.ndarray,
    rows: np.ndarray,
    start: np.ndarray,
    stop: np.ndarray,
    error: np.ndarray,
) -> None:
    """Fill ``start``/``stop``/``error`` at ``rows`` for quotes of one document that are not
    whole lines: each distinct (quote, occurrence) is searched once."""
    scanned: dict[tuple[str, int], int] = {}
    at = np.empty(len(quotes), dtype=np.int64)
    for k, key in enumerate(zip(quotes, occurrence.tolist())):
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
