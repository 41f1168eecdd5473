"""Quote location: the vectorized folding and lookup agree with a plain reading of the rules.

The reference below is the definition written naively (character by character): whitespace
runs count as one space, a quote's span runs from its first to its last non-space
character; a quote that is a whole line occurring once is that line, any other quote its
``occurrence``-th match.
"""

from __future__ import annotations

import re

import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.normalize.text import fold_whitespace
from reconcile.validate.quotes import document_lines, fold_text_array, locate_quotes, match_whole_lines

CHARS = list("ab ج\t\n\r\u00a0\u3000\u2028\x1cسل.") + ["\r\n"]
texts = st.lists(st.sampled_from(CHARS), max_size=40).map("".join)


def reference_span(document: str, quote: str, occurrence: int) -> tuple[int, int] | None:
    """Naive: a quote equal to a line occurring once is that line; otherwise fold the
    document keeping offsets, find the n-th match, map back."""
    q = re.sub(r"\s+", " ", quote).strip()
    if occurrence == 1 and q:
        pos, spans = 0, []
        for line in document.splitlines(keepends=True):
            if fold_whitespace(line) == q:
                first = pos + len(line) - len(line.lstrip())
                spans.append((first, pos + len(line.rstrip())))
            pos += len(line)
        if len(spans) == 1:
            return spans[0]
    folded, offsets = [], []
    for i, ch in enumerate(document):
        if ch.isspace():
            if folded and folded[-1] == " ":
                continue
            folded.append(" ")
        else:
            folded.append(ch)
        offsets.append(i)
    flat = "".join(folded)
    if not q:
        return None
    at = -1
    for _ in range(occurrence):
        at = flat.find(q, at + 1)
        if at < 0:
            return None
    return offsets[at], offsets[at + len(q) - 1] + 1


@settings(max_examples=400, deadline=None)
@given(st.lists(texts, max_size=10))
def test_fold_text_array_equals_fold_whitespace(values):
    assert fold_text_array(pa.array(values, pa.large_string())).to_pylist() == [fold_whitespace(v) for v in values]


def test_strings_with_nul_fold_like_the_others():
    assert fold_text_array(pa.array(["a\x00  b ", "  c"])).to_pylist() == ["a\x00 b", "c"]


@settings(max_examples=300, deadline=None)
@given(st.lists(texts, min_size=1, max_size=3))
def test_whole_lines_are_the_lines_occurring_once_with_their_spans(documents):
    lines = document_lines(documents)
    at = match_whole_lines(lines, lines.doc, lines.text)
    keys = [f"{d}\x00{text}" for d, text in zip(lines.doc.tolist(), lines.text.to_pylist())]
    got = {k: (lines.first[i], lines.stop[i]) for k, i in zip(keys, at.tolist()) if i >= 0}
    expected = {}
    for k, document in enumerate(documents):
        pos, spans = 0, {}
        for line in document.splitlines(keepends=True):
            key = fold_whitespace(line)
            if key:
                first = pos + len(line) - len(line.lstrip())
                spans.setdefault(key, []).append((first, pos + len(line.rstrip())))
            pos += len(line)
        expected.update({f"{k}\x00{key}": at[0] for key, at in spans.items() if len(at) == 1})
    assert got == expected


@settings(max_examples=300, deadline=None)
@given(texts, st.lists(st.tuples(texts, st.integers(1, 3)), min_size=1, max_size=6))
def test_spans_match_the_reference(document, asked):
    # Quotes taken from the document itself (whole lines and pieces) and random ones.
    lines = document.splitlines()
    quotes = [(q, n) for q, n in asked] + [(line, 1) for line in lines] + [(document[2:9], 1)]
    keys = pd.DataFrame(
        {"source": "s", "quote": [q for q, _ in quotes], "occurrence": [n for _, n in quotes]}
    )
    got = locate_quotes({"s": document}, keys)
    for (quote, n), (_, row) in zip(quotes, got.iterrows()):
        expected = reference_span(document, quote, n)
        if expected is None:
            assert pd.isna(row["span_start"]) and row["quote_error"]
        else:
            assert (row["span_start"], row["span_end"]) == expected, (quote, n)
            assert pd.isna(row["quote_error"])


def test_a_quote_pyarrow_cannot_hold_is_searched_in_python():
    keys = pd.DataFrame({"source": ["s", "s"], "quote": pd.Series(["bad \ud800", "line two"], dtype=object), "occurrence": [1, 1]})
    got = locate_quotes({"s": "line one\nline two\n"}, keys)
    assert got["quote_error"].iloc[0].startswith("quote not found")
    assert (got["span_start"].iloc[1], got["span_end"].iloc[1]) == (9, 17)


def test_missing_document_and_empty_quote_are_explained():
    keys = pd.DataFrame({"source": ["s", "t"], "quote": ["  ", "x"], "occurrence": [1, 1]})
    got = locate_quotes({"s": "some text"}, keys)
    assert got["quote_error"].tolist() == ["empty quote", "its source's document could not be read"]


@settings(max_examples=200, deadline=None)
@given(st.lists(texts, min_size=1, max_size=4), st.integers(1, 30))
def test_spans_do_not_depend_on_how_documents_are_batched(documents, batch_chars):
    from reconcile.validate import quotes

    docs = {f"d{k}": text for k, text in enumerate(documents)}
    rows = [(name, line) for name, text in docs.items() for line in text.splitlines()]
    keys = pd.DataFrame({"source": [s for s, _ in rows] + ["d0"], "quote": [q for _, q in rows] + ["a"], "occurrence": 1})
    whole = locate_quotes(docs, keys)
    saved = quotes._BATCH_CHARS
    quotes._BATCH_CHARS = batch_chars
    try:
        batched = locate_quotes(docs, keys)
    finally:
        quotes._BATCH_CHARS = saved
    pd.testing.assert_frame_equal(batched, whole)
    for (source, quote), (_, row) in zip([*rows, ("d0", "a")], whole.iterrows()):
        expected = reference_span(docs[source], quote, 1)
        assert (None if pd.isna(row["span_start"]) else (row["span_start"], row["span_end"])) == expected
