"""Locating quotes in their documents, vectorized for millions of claims.

A claim's ``quote`` must be the exact words of its source's document, whitespace aside:
runs of whitespace (newlines, NBSP, tabs) count as one space, and the quote's own leading
and trailing whitespace is ignored. :func:`locate_quotes` returns for each claim the span
of its quote in the document's Python string (what the reports highlight) or why it was
not found.

The work is done in pyarrow and numpy rather than per string:

* :func:`fold_text_array` folds the whitespace of many strings at once;
* :func:`document_lines` lists the lines of all documents, folded, with their spans: the
  line breaks are found in the documents' UTF-8 bytes by numpy and the lines are Arrow
  strings over those same bytes; :func:`match_whole_lines` matches quotes to them, so the
  common case of a quote that is a whole line (machine-extracted claims) is one hash pass
  for all quotes;
* :func:`fold_document` folds one document, keeping for each folded character its offset
  in the original text, for the other quotes, found with ``str.find``.

Folding inner whitespace takes a regular expression over every string; it is skipped for
the strings of a document (or an array) whose bytes hold no two spaces in a row and no
whitespace other than the space (and, for lines, the line breaks), which a byte search of
the whole text tells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz

from reconcile.base.frames import arrow_of, as_text, is_arrow_text, positions, release_arrow_memory
from reconcile.normalize.text import fold_whitespace

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
_ASCII_BREAK = np.isin(np.arange(0x80), _LINE_BREAKS)
_WIDE_BREAKS = tuple(chr(c).encode("utf-8") for c in _LINE_BREAKS if c >= 0x80)


def _re2_class(codes: np.ndarray) -> str:
    return "[" + "".join(f"\\x{{{c:04X}}}" for c in codes) + "]"


_SPACE_CLASS = _re2_class(_SPACES)
# Inside a stripped string, folding changes something exactly where two whitespace
# characters follow each other or where whitespace is not the plain space.
_FOLDS_INSIDE = f"{_SPACE_CLASS}{{2}}|{_re2_class(_SPACES[_SPACES != 32])}"
# The UTF-8 bytes without which a stripped line, or any stripped text, has nothing to fold
# inside: two spaces, or a whitespace character other than the space (a line holds no breaks).
# Two spaces are looked for with a regular expression (which finds a literal faster than
# ``bytes.find``), the characters with ``in``.
_TWO_SPACES = re.compile(b"  ")
_LINE_FOLD_SIGNS = tuple(chr(c).encode("utf-8") for c in _SPACES if c != 32 and c not in _LINE_BREAKS)
_TEXT_FOLD_SIGNS = (*_LINE_FOLD_SIGNS, *(chr(c).encode("utf-8") for c in _LINE_BREAKS))


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _is_space(codes: np.ndarray) -> np.ndarray:
    return _IS_SPACE[np.minimum(codes, _LIMIT - 1)] & (codes < _LIMIT)


def _from_code_points(codes: np.ndarray) -> str:
    return codes.astype("<u4").tobytes().decode("utf-32-le", "surrogatepass")


def fold_text_array(texts: pa.Array) -> pa.Array:
    """:func:`~reconcile.normalize.text.fold_whitespace` of each string of an Arrow array.

    Strings are stripped by pyarrow; inner runs are folded only when the stripped strings'
    bytes show one may exist, and then only in the strings that have one (few, in practice).
    """
    stripped = pc.utf8_trim(texts, characters=_WHITESPACE)
    may_fold = _may_fold_inside(_string_bytes(stripped), _TEXT_FOLD_SIGNS)
    return _fold_inner_runs(stripped, np.full(len(stripped), may_fold))


def _may_fold_inside(data: bytes, signs: tuple[bytes, ...]) -> bool:
    """Whether UTF-8 ``data`` holds two spaces in a row or one of ``signs`` (byte searches,
    no decoding; signs of several bytes are not looked for in ASCII data)."""
    if _TWO_SPACES.search(data):
        return True
    ascii_only = data.isascii()
    return any(sign in data for sign in signs if not ascii_only or sign.isascii())


def _string_bytes(texts: pa.Array) -> bytes:
    """The UTF-8 bytes of the strings of ``texts`` (string or large_string), end to end."""
    if len(texts) == 0:
        return b""
    width = np.int64 if pa.types.is_large_string(texts.type) else np.int32
    _, offsets, data = texts.buffers()
    ends = np.frombuffer(offsets, dtype=width)[[texts.offset, texts.offset + len(texts)]]
    return data.slice(int(ends[0]), int(ends[1] - ends[0])).to_pybytes() if data is not None else b""


def _fold_inner_runs(stripped: pa.Array, may_fold: np.ndarray) -> pa.Array:
    """``stripped`` (strings with no leading or trailing whitespace) with each inner run of
    whitespace made one space; only the strings where ``may_fold`` holds are looked at."""
    looked = np.flatnonzero(may_fold)
    if not len(looked):
        return stripped
    candidates = stripped if len(looked) == len(stripped) else stripped.take(pa.array(looked))
    inside = pc.fill_null(pc.match_substring_regex(candidates, _FOLDS_INSIDE), False).to_numpy(zero_copy_only=False)
    at = looked[inside]
    if not len(at):
        return stripped
    folded = pc.replace_substring_regex(stripped.take(pa.array(at)), f"{_SPACE_CLASS}+", " ")
    mask = np.zeros(len(stripped), dtype=bool)
    mask[at] = True
    return pc.replace_with_mask(stripped, pa.array(mask), folded)


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
    """The lines of several documents: ``doc`` the document number of each line, ``text``
    the folded line (Arrow strings); ``first`` and ``stop`` the span of the line's first to
    last non-space character in its document's Python string (stop exclusive, equal to
    ``first`` for a blank line)."""

    doc: np.ndarray
    text: pa.Array
    first: np.ndarray
    stop: np.ndarray


def document_lines(texts: list[str]) -> Lines:
    """Every line of ``texts`` (document ``k`` is ``texts[k]``).

    The texts are encoded to UTF-8 once; numpy finds the line breaks in those bytes, and the
    lines (each with its break) are an Arrow string array over the same bytes, which pyarrow
    strips and measures. Offsets are counted in code points, as Python strings index.
    Raises ``UnicodeEncodeError`` for a text with a lone surrogate (not UTF-8).
    """
    encoded = [text.encode("utf-8") for text in texts]
    data = b"".join(encoded)
    doc_start = np.r_[0, np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)))]
    bounds = np.concatenate([_line_ends(data), doc_start])
    bounds.sort(kind="stable")  # two sorted runs: merged
    bounds = bounds[np.r_[True, bounds[1:] != bounds[:-1]]]  # 0, ..., len(data)
    lines = pa.LargeStringArray.from_buffers(len(bounds) - 1, pa.py_buffer(bounds), pa.py_buffer(data), null_count=0)
    doc = np.searchsorted(doc_start, bounds[:-1], side="right") - 1  # empty documents have no line
    ascii_only = data.isascii()
    length = _lengths(lines, ascii_only)  # with the line's break
    chars_before = np.r_[0, np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)))]
    start = np.cumsum(length) - length - chars_before[doc]
    left_stripped = pc.utf8_ltrim(lines, characters=_WHITESPACE)
    stripped = pc.utf8_rtrim(left_stripped, characters=_WHITESPACE)
    first = start + length - _lengths(left_stripped, ascii_only)
    stop = first + _lengths(stripped, ascii_only)
    may_fold = np.fromiter((_may_fold_inside(e, _LINE_FOLD_SIGNS) for e in encoded), dtype=bool, count=len(encoded))
    return Lines(doc, _fold_inner_runs(stripped, may_fold[doc]), first, stop)


def _line_ends(data: bytes) -> np.ndarray:
    """The offset just past each line break in UTF-8 ``data``, ascending."""
    codes = np.frombuffer(data, dtype=np.uint8)
    control = np.flatnonzero(codes < 0x20)
    ends = control[_ASCII_BREAK[codes[control]]] + 1
    if data.isascii():
        return ends
    wide = [ends]
    for sign in _WIDE_BREAKS:
        at = np.flatnonzero(codes[: len(codes) - len(sign) + 1] == sign[0])
        for k in range(1, len(sign)):
            at = at[codes[at + k] == sign[k]]
        wide.append(at + len(sign))
    return np.sort(np.concatenate(wide))


def _lengths(texts: pa.Array, ascii_only: bool) -> np.ndarray:
    """Length in code points of each string (its bytes when the text is ASCII)."""
    return (pc.binary_length(texts) if ascii_only else pc.utf8_length(texts)).to_numpy().astype(np.int64)


def match_whole_lines(lines: Lines, doc: np.ndarray, texts: pa.Array) -> np.ndarray:
    """For each folded text ``texts[i]`` of document ``doc[i]``, the line of ``lines`` it
    equals if that line is not blank and occurs once in its document; else -1.

    One dictionary encoding of the lines' and the texts' strings together numbers the
    strings; a (document, string) pair is then one integer, and one factorization of those
    gives both the lines that occur once and the matches.
    """
    codes = pc.dictionary_encode(pa.concat_arrays([lines.text, texts.cast(lines.text.type)])).indices.to_numpy()
    pair = np.r_[lines.doc, doc].astype(np.int64) * (int(codes.max(initial=0)) + 1) + codes
    pair_codes = pd.factorize(pair)[0]
    line_codes, text_codes = pair_codes[: len(lines.doc)], pair_codes[len(lines.doc) :]
    size = int(pair_codes.max(initial=-1)) + 1
    once = (np.bincount(line_codes, minlength=size)[line_codes] == 1) & (lines.stop > lines.first)
    line_of = np.full(size, -1, dtype=np.int64)
    line_of[line_codes[once]] = np.flatnonzero(once)
    return line_of[text_codes]


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
    if is_arrow_text(keys["quote"]):
        quotes, arrow_ok = arrow_of(keys["quote"]), np.ones(len(keys), dtype=bool)
        raw_quotes = None  # every quote is in ``quotes``
    else:
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
        if raw_quotes is not None:
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
        at = match_whole_lines(lines, doc[part] - first_doc, folded.take(pa.array(part)))
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
