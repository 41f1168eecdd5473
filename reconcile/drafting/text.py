"""A document as the drafter reads it: words with their offsets, sentences and paragraphs.

Every offset indexes the document's Python string, so a sentence's text is
``text[start:end]`` exactly: a draft's quote is always found in its document.

Words are runs of letters and digits, with the marks, ZWNJ and tatweel that Persian and
Arabic words carry inside them; each has a folded key (:func:`reconcile.normalize.text.fold`)
so that «ي»/«ی», case, diacritics and digit scripts compare equal.

Sentences end at ``. ! ? ؟ …`` followed by a space or the end of a line, and at every line
break; a decimal point (``3.5``) or an abbreviation followed by a digit does not end one.
Paragraphs are separated by blank lines; a document with no blank line has a paragraph per
line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..normalize.text import fold

__all__ = ["Words", "words_of", "Sentence", "sentences_of"]

_WORD = re.compile(
    r"(?:[^\W_]|[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
    r"\u200c\u200d\u200e\u200f\u061c\u00ad])+"
)
# the end of a sentence: terminal punctuation (and closing quotes or brackets) then a space
# or a line end; or a line break
_SENTENCE_END = re.compile(r"[.!?؟…]+[\"'»”’)\]]*(?=\s|$)|\n")
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")


@dataclass(frozen=True)
class Words:
    """The words of a text, in order: offsets and folded keys."""

    start: np.ndarray
    end: np.ndarray
    keys: list[str]

    def __len__(self) -> int:
        return len(self.keys)

    def between(self, start: int, end: int) -> tuple[int, int]:
        """The positions ``[i, j)`` of the words inside ``[start, end)`` of the text."""
        i = int(np.searchsorted(self.start, start, "left"))
        j = int(np.searchsorted(self.end, end, "right"))
        return i, max(i, j)


def words_of(text: str) -> Words:
    """The words of ``text`` with their folded keys (words that fold to nothing are left out)."""
    starts, ends, keys = [], [], []
    for m in _WORD.finditer(text):
        key = fold(m.group())
        if key:
            starts.append(m.start())
            ends.append(m.end())
            keys.append(key)
    return Words(np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64), keys)


@dataclass(frozen=True)
class Sentence:
    """One sentence: its span in the document and its paragraph's number."""

    start: int
    end: int
    paragraph: int


def sentences_of(text: str) -> list[Sentence]:
    """The sentences of ``text`` (spans without surrounding whitespace), in order."""
    blank = bool(_BLANK_LINE.search(text))
    breaks = [m.end() for m in (_BLANK_LINE.finditer(text) if blank else re.finditer(r"\n", text))]
    out: list[Sentence] = []
    start = 0
    paragraph = 0
    b = 0
    for m in _SENTENCE_END.finditer(text):
        _add(out, text, start, m.end(), paragraph)
        start = m.end()
        while b < len(breaks) and breaks[b] <= start:
            paragraph += 1
            b += 1
    _add(out, text, start, len(text), paragraph)
    return out


def _add(out: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    """Append the sentence ``[start, end)`` without its surrounding whitespace, if any is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and _WORD.search(text, start, end):
        out.append(Sentence(start, end, paragraph))
