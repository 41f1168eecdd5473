"""What a document names: entities, dates and figures, each with its span.

* **Entities** come from the workspace's gazetteer (countries and cities from CLDR, and the
  registered entities of ``entities.yaml``) through :meth:`Gazetteer.find_all`: exact
  matches of folded names, longest first.
* **Dates** are runs of words the date reader knows (digits, month names, fillers such as
  "in" or «سال», range words and Solar markers) around a year of three or four digits, read
  by :func:`reconcile.normalize.dates.parse_date` (ISO text, then phrases in fa, ar, en, ru).
  A run that does not read as a whole is shortened from the left, then from the right, until
  it does: "members since May 2003" gives May 2003.
* **Figures** are runs of words the quantity reader knows (digits, number words, scales such
  as "thousand" or «هزار», qualifiers such as "about" or «حوالي», units) that name a unit,
  read by :func:`reconcile.normalize.quantities.parse_quantity`. A figure without a unit (a
  bare "2012") is no figure; a year is a date.

Each finder goes once over the document's words (:class:`reconcile.drafting.text.Words`);
a run is parsed once, and shortened only when it does not parse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..normalize.dates import DateError, DateValue, parse_date
from ..normalize.dates import _lexicon as _date_lexicon
from ..normalize.names import Gazetteer
from ..normalize.quantities import UNIT_WORDS, Quantity, QuantityError, parse_quantity
from ..normalize.quantities import _lexicon as _quantity_lexicon
from .text import Words

__all__ = ["Mention", "find_entities", "find_dates", "find_figures"]

#: Words and marks that may stand between the words of one date or figure.
_GAP = re.compile(r"^[\s,.\-\u2010-\u2015\u2212/()،٫٬'\"«»“”]*$")
_ARABIC_PREFIXES = ("وال", "بال", "لل", "ال", "و", "ب", "ل", "ف")
_MAX_RUN = 12


@dataclass(frozen=True)
class Mention:
    """One thing a document names: where, and what it is."""

    start: int
    end: int
    value: Any
    """An entity id, a :class:`DateValue` or a :class:`Quantity`."""


def find_entities(text: str, gazetteer: Gazetteer) -> list[Mention]:
    """Every known name in ``text``, with its entity id."""
    return [Mention(s, e, eid) for s, e, eid in gazetteer.find_all(text)]


def _with_prefixes(words: set[str]) -> frozenset[str]:
    """``words`` and each Arabic-script word with a joined prefix («وفبراير», «بالف»)."""
    out = set(words)
    out.update(p + w for w in words if "\u0600" <= w[:1] <= "\u06ff" for p in _ARABIC_PREFIXES)
    return frozenset(out)


@lru_cache(maxsize=1)
def _date_words() -> frozenset[str]:
    lexicon, _ = _date_lexicon()
    return _with_prefixes({word for key in lexicon for word in key})


@lru_cache(maxsize=1)
def _quantity_words() -> frozenset[str]:
    lexicon, _ = _quantity_lexicon()
    return _with_prefixes({word for key in lexicon for word in key})


@lru_cache(maxsize=1)
def _number_words() -> frozenset[str]:
    """Words that are numbers or scales («هفت», "thousand"): a figure needs one, or digits."""
    lexicon, _ = _quantity_lexicon()
    return _with_prefixes({word for key, (kind, _) in lexicon.items() if kind in ("word", "scale") for word in key})


def _known(key: str, vocabulary: frozenset[str]) -> bool:
    """A word the reader knows: a number, or a word of its vocabulary (which holds the
    forms with a joined Arabic prefix, see :func:`_with_prefixes`)."""
    return key in vocabulary or key.isdigit()


def _runs(text: str, words: Words, vocabulary: frozenset[str]) -> list[tuple[int, int]]:
    """Maximal runs ``[i, j)`` of known words separated only by spaces and light punctuation."""
    out: list[tuple[int, int]] = []
    i = None
    for k, key in enumerate(words.keys):
        if _known(key, vocabulary):
            if i is not None and (k - i >= _MAX_RUN or not _GAP.match(text[words.end[k - 1] : words.start[k]])):
                out.append((i, k))
                i = None
            if i is None:
                i = k
        elif i is not None:
            out.append((i, k))
            i = None
    if i is not None:
        out.append((i, len(words)))
    return out


def _shortened(i: int, j: int) -> list[tuple[int, int]]:
    """Sub-runs of ``[i, j)``, longest first: shortened from the left, then from the right."""
    out = [(a, j) for a in range(i, j)]
    out += [(i, b) for b in range(j - 1, i, -1)]
    return out


def find_dates(text: str, words: Words) -> list[Mention]:
    """Dates in ``text``: each a :class:`DateValue`, from runs around a year (see the module
    documentation); runs without a number of three or four digits are skipped."""
    return _read_runs(text, words, _date_words(), lambda k: k.isdigit() and 3 <= len(k) <= 4, _parse_date)


def _read_runs(text: str, words: Words, vocabulary: frozenset[str], needed: Any, parse: Any) -> list[Mention]:
    """What ``parse`` reads in the runs of ``vocabulary`` words that hold a word ``needed``
    accepts; a run may hold several ("from May 2003 to June 2004" reads whole, "2,000
    troops and 30 tanks" as two)."""
    out: list[Mention] = []
    for i, j in _runs(text, words, vocabulary):
        if not any(needed(k) for k in words.keys[i:j]):
            continue
        a = i
        while a < j:
            found = _first_parse(text, words, a, j, parse)
            if found is None:
                break
            s, e, b, value = found
            out.append(Mention(s, e, value))
            a = b
    return out


def _parse_date(phrase: str) -> DateValue | None:
    try:
        value = parse_date(phrase)
    except DateError:
        return None
    return value if 1000 <= value.start.year <= 2200 else None


def find_figures(text: str, words: Words) -> list[Mention]:
    """Figures with a unit in ``text``, each a :class:`Quantity`."""
    numbers = _number_words()
    return _read_runs(text, words, _quantity_words(), lambda k: k.isdigit() or _known(k, numbers), _parse_figure)


_CONJUNCTION = re.compile(r"^(?:and\s+|и\s+|و\s*)(?=\S)", re.IGNORECASE)


_PARTITIVE = re.compile(r"^\s*(?:one|a|an|یکی|یک|واحد|واحدة|احد|إحدى|أحد|один|одна|одно)\s+(?:of|از|من|из)\b", re.IGNORECASE)


def _parse_figure(phrase: str) -> Quantity | None:
    """A figure with a known unit; a leading "and" («و», "и") is not part of it (it would
    read as "or more"), and "one of" («یکی از», «واحد من») is no figure."""
    if _PARTITIVE.match(_CONJUNCTION.sub("", phrase)):
        return None
    try:
        value = parse_quantity(_CONJUNCTION.sub("", phrase))
    except (QuantityError, ValueError, ArithmeticError):
        return None
    return value if value.unit in UNIT_WORDS else None


def _first_parse(text: str, words: Words, i: int, j: int, parse: Any) -> tuple[int, int, int, Any] | None:
    """The longest sub-run of ``[i, j)`` that ``parse`` reads, starting as early as possible:
    (start offset, end offset, the word after it, the value), or None."""
    for a in range(i, j):
        for b in range(j, a, -1):
            value = parse(text[words.start[a] : words.end[b - 1]])
            if value is not None:
                # the words around it that change nothing ("in", «در», "and") are left out
                while b - 1 > a and parse(text[words.start[a] : words.end[b - 2]]) == value:
                    b -= 1
                first = a
                while first + 1 < b and parse(text[words.start[first + 1] : words.end[b - 1]]) == value:
                    first += 1
                return int(words.start[first]), int(words.end[b - 1]), b, value
    return None
