"""Orthographic folding for names and phrases in Persian, Arabic, Russian and Latin scripts.

Two strings that a reader takes for the same word should fold to the same key. The folding:

* Unicode NFKC, so presentation forms (``ﻻ``) and compatibility digits become plain letters;
* Arabic and Persian letter variants: ``ي ی ى ئ`` → ``ی``, ``ك ک`` → ``ک``, ``ة`` → ``ه``,
  hamza carriers ``أ إ آ ٱ`` → ``ا``, ``ؤ`` → ``و``, lone hamza ``ء`` dropped;
* tatweel (``ـ``), harakat and other combining marks, ZWNJ/ZWJ and direction marks removed;
* Persian (``۰-۹``) and Arabic-Indic (``٠-٩``) digits → ASCII, Arabic decimal separator
  ``٫`` → ``.`` and thousands separator ``٬`` → ``,``;
* Cyrillic ``ё`` → ``е``; Latin diacritics stripped (``Chișinău`` → ``chisinau``);
* case folded, punctuation (quotes, guillemets, dashes) turned to spaces, whitespace collapsed.

``fold`` is idempotent: ``fold(fold(s)) == fold(s)`` for every string.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["fold", "fold_digits", "fold_whitespace", "strip_marks"]

_DIGITS = {ord(c): str(i) for i, c in enumerate("۰۱۲۳۴۵۶۷۸۹")}
_DIGITS.update({ord(c): str(i) for i, c in enumerate("٠١٢٣٤٥٦٧٨٩")})
_DIGITS.update({ord("٫"): ".", ord("٬"): ","})

_LETTERS = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ئ": "ی",
        "ك": "ک",
        "ة": "ه",
        "ۀ": "ه",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "ء": None,
        "ـ": None,
        "ё": "е",
        "Ё": "е",
    }
)

# Zero-width joiners/non-joiners, direction marks and embeddings, BOM, soft hyphen.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u200c\u200d\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u00ad"),
    None,
)

_PUNCT = re.compile(r"[\"'«»“”„‘’`´()\[\]{}.,;:!?؟،؛\-–—_/\\|*#+=<>~^&%$@]+")
_SPACE = re.compile(r"\s+")


def fold_digits(text: str) -> str:
    """Turn Persian and Arabic-Indic digits (and ``٫``/``٬`` separators) into ASCII."""
    return text.translate(_DIGITS)


def fold_whitespace(text: str) -> str:
    """Collapse every run of whitespace (newlines, NBSP, tabs) into one space and strip."""
    return _SPACE.sub(" ", text).strip()


def strip_marks(text: str) -> str:
    """Remove combining marks (harakat, Latin accents) after canonical decomposition."""
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", kept)


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Fold ``text`` into a comparison key (see the module documentation)."""
    s = unicodedata.normalize("NFKC", text)
    s = s.translate(_INVISIBLE)
    s = fold_digits(s)
    # Decompose before mapping letters so that e.g. U+0622 (alef with madda) and its
    # decomposed form fold alike; then drop the combining marks.
    s = strip_marks(s)
    s = s.translate(_LETTERS)
    s = s.casefold()
    s = _PUNCT.sub(" ", s)
    return fold_whitespace(s)
