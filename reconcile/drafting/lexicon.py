"""The word lists ``reconcile draft`` reads: negations, hedges, relative dates, number words.

They are data, in ``reconcile/data/drafting.yaml`` (shipped with the package), per language
(ISO 639-1 code)::

    en:
      negations: [not, never, did not, no longer]
      hedges: [reportedly, allegedly]
      relative:
        - {phrase: the following year, years: 1}
        - {phrase: later, years: null}
        - {phrase: N years later, after_years: true}
      numbers: {one: 1, two: 2}

:func:`load_lexicon` reads the file once per process (safe YAML loading,
:func:`reconcile.base.yamlio.load_yaml`) into a :class:`DraftingLexicon`. Phrases are kept as
written; :meth:`DraftingLexicon.folded` gives their folded forms
(:func:`reconcile.normalize.text.fold`), which is what the drafter matches on.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from ..normalize.text import fold
from reconcile.base.yamlio import item_line, key_lines, load_yaml

__all__ = [
    "AFTER_YEARS_SLOT",
    "LEXICON_FILE",
    "DraftingLexicon",
    "FoldedLexicon",
    "LexiconError",
    "Relative",
    "load_lexicon",
    "parse_lexicon",
]

#: Where the word lists are, inside the package.
LEXICON_FILE = "reconcile/data/drafting.yaml"
#: The word of an ``after_years`` phrase that stands for the number of years ("N years later").
AFTER_YEARS_SLOT = "N"
_LANGUAGE = re.compile(r"[a-z]{2}")
_KEYS = ("negations", "hedges", "relative", "numbers", "anaphors")


class LexiconError(ValueError):
    """``drafting.yaml`` is malformed: the message names the file, the line and what was expected."""


@dataclass(frozen=True, slots=True)
class Relative:
    """A relative time expression and what it means."""

    phrase: str
    """As written; an ``after_years`` phrase holds the word ``N`` where the number goes."""
    years: int | None = None
    """Years after the date it is read against (0 the same year, 1 the following, -1 the
    previous); None: later by an unknown time, or given by the number (``after_years``)."""
    after_years: bool = False
    """The phrase counts years: "N years later", N in digits or a word of ``numbers``."""


@dataclass(frozen=True, slots=True)
class FoldedLexicon:
    """The phrases of one language, folded as the drafter matches them."""

    negations: tuple[str, ...]
    hedges: tuple[str, ...]
    relative: tuple[Relative, ...]
    """Each :class:`Relative` with its phrase folded (the slot ``N`` kept as ``n``)."""
    numbers: dict[str, int]


@dataclass(frozen=True)
class DraftingLexicon:
    """Negations, hedges, relative time expressions and number words, per language."""

    negations: dict[str, tuple[str, ...]]
    hedges: dict[str, tuple[str, ...]]
    relative: dict[str, tuple[Relative, ...]]
    numbers: dict[str, dict[str, int]]
    anaphors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Words that stand for the entity a document is about ("the organization",
    «این سازمان», «المنظمة»): a draft's subject when the sentence names no other."""
    _folded: dict[str, FoldedLexicon] = field(default_factory=dict, repr=False, compare=False)

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the lists cover, sorted."""
        return tuple(sorted(set(self.negations) | set(self.hedges) | set(self.relative) | set(self.numbers)))

    def folded(self, lang: str) -> FoldedLexicon:
        """The lists of ``lang`` with every phrase folded and duplicates dropped (empty
        lists for a language the file does not cover); computed once per language."""
        if lang not in self._folded:
            self._folded[lang] = FoldedLexicon(
                negations=_unique(fold(p) for p in self.negations.get(lang, ())),
                hedges=_unique(fold(p) for p in self.hedges.get(lang, ())),
                relative=tuple(
                    dict.fromkeys(Relative(fold(r.phrase), r.years, r.after_years) for r in self.relative.get(lang, ()))
                ),
                numbers={fold(word): n for word, n in self.numbers.get(lang, {}).items()},
            )
        return self._folded[lang]


def _unique(phrases: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p for p in phrases if p))


@functools.cache
def load_lexicon() -> DraftingLexicon:
    """The bundled word lists (``reconcile/data/drafting.yaml``), read once per process.

    Raises :class:`LexiconError` (file, line, what was expected) if the file is malformed."""
    with resources.as_file(resources.files("reconcile").joinpath("data/drafting.yaml")) as path:
        return parse_lexicon(load_yaml(path))


def parse_lexicon(data: Any, file: str = LEXICON_FILE) -> DraftingLexicon:
    """A :class:`DraftingLexicon` from the YAML ``data`` of ``drafting.yaml`` (as
    :func:`reconcile.base.yamlio.load_yaml` reads it, with lines)."""
    if not isinstance(data, Mapping):
        raise LexiconError(f"{file}: expected a mapping of languages (en: {{negations: […], …}})")
    lines = key_lines(data)
    lexicon = DraftingLexicon({}, {}, {}, {})
    for lang, entry in data.items():
        lang = str(lang)
        where = f"{file}:{lines.get(lang, '?')}"
        if not _LANGUAGE.fullmatch(lang):
            raise LexiconError(f"{where}: {lang!r} is not a language code (expected two lowercase letters, such as en)")
        if not isinstance(entry, Mapping):
            raise LexiconError(f"{where}: {lang} must be a mapping (expected {', '.join(_KEYS)})")
        unknown = [str(k) for k in entry if k not in _KEYS]
        if unknown:
            raise LexiconError(f"{where}: {lang}: unknown key(s) {', '.join(unknown)} (expected {', '.join(_KEYS)})")
        sub = key_lines(entry)
        for key in ("negations", "hedges", "anaphors"):
            getattr(lexicon, key)[lang] = _texts(entry.get(key) or [], f"{file}:{sub.get(key, '?')}: {lang}: {key}")
        lexicon.relative[lang] = _relatives(entry.get("relative") or [], file, sub.get("relative"), lang)
        lexicon.numbers[lang] = _numbers(entry.get("numbers") or {}, f"{file}:{sub.get('numbers', '?')}: {lang}: numbers")
    return lexicon


def _texts(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and fold(v) for v in value):
        raise LexiconError(f"{where}: expected a list of non-empty phrases")
    return tuple(v.strip() for v in value)


def _relatives(value: Any, file: str, line: int | None, lang: str) -> tuple[Relative, ...]:
    if not isinstance(value, list):
        raise LexiconError(f"{file}:{line or '?'}: {lang}: relative: expected a list of {{phrase: …, years: N}}")
    found = []
    for i, item in enumerate(value):
        where = f"{file}:{item_line(value, i) or line or '?'}: {lang}: relative"
        expected = "{phrase: text, years: a whole number or null} or {phrase: text with N, after_years: true}"
        if not isinstance(item, Mapping) or not isinstance(item.get("phrase"), str) or not fold(item["phrase"]):
            raise LexiconError(f"{where}: expected {expected}")
        if set(item) - {"phrase", "years", "after_years"}:
            raise LexiconError(f"{where}: unknown key(s) in {dict(item)!r} (expected {expected})")
        years, after = item.get("years"), item.get("after_years", False)
        if (years is not None and (isinstance(years, bool) or not isinstance(years, int))) or not isinstance(after, bool):
            raise LexiconError(f"{where}: {item['phrase']!r}: expected {expected}")
        if after and (years is not None or AFTER_YEARS_SLOT not in item["phrase"].split()):
            raise LexiconError(
                f"{where}: {item['phrase']!r}: an after_years phrase has the word {AFTER_YEARS_SLOT} for the number, and no years"
            )
        found.append(Relative(item["phrase"].strip(), years, after))
    return tuple(found)


def _numbers(value: Any, where: str) -> dict[str, int]:
    if not isinstance(value, Mapping) or not all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in value.values()
    ):
        raise LexiconError(f"{where}: expected a mapping of number words to whole numbers, such as {{one: 1}}")
    return {str(word): n for word, n in value.items()}
