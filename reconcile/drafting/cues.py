"""Finding the registry's cue phrases in a document's words.

A cue (``cues:`` of a property in ``properties.yaml``) is matched on folded words, as whole
words, with two allowances that let a user write a phrase once for its inflections:

* a cue word of four letters or more also matches a word that extends it by up to three
  letters ("suspend" → "suspended", «پیوست» → «پیوستند», «انضم» → «انضمت», "вступил" →
  "вступила"); shorter words match exactly;
* a word with the conjunction «و» joined to it («وانضمت») matches as the word without it.

Persian writes one word with or without a space or ZWNJ («می شود», «می‌شود», «میشود»): a cue
of several words also matches with two neighbouring words written as one.

The matcher is built once per run (:class:`CueMatcher`); finding cues is one dictionary look-up
per word and a few per candidate, over each document's words once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..normalize.text import fold
from reconcile.load.registry import Cue, PropertySpec
from .text import Words

__all__ = ["CueHit", "CueMatcher"]

#: A cue word this long or longer also matches words that extend it by a few letters.
STEM_MIN = 4
#: How many letters a word may add to a cue word of :data:`STEM_MIN` letters or more.
STEM_SLACK = 3
_CONJUNCTION = "و"


@dataclass(frozen=True)
class CueHit:
    """One cue found in a document: its words ``[first, last)`` and what it states."""

    first: int
    last: int
    property: str
    cue: Cue


@dataclass(frozen=True)
class _Pattern:
    keys: tuple[str, ...]
    property: str
    cue: Cue


class CueMatcher:
    """The cues of a property registry, ready to be found in documents."""

    def __init__(self, properties: Iterable[PropertySpec]) -> None:
        self._by_first: dict[str, list[_Pattern]] = {}
        self.languages: set[str] = set()
        for spec in properties:
            for cue in spec.cues:
                self.languages.add(cue.lang)
                for keys in _variants(cue):
                    self._by_first.setdefault(keys[0], []).append(_Pattern(keys, spec.id, cue))
        # longer cues first: "suspended its membership" before "suspended"
        for patterns in self._by_first.values():
            patterns.sort(key=lambda p: (-len(p.keys), p.property, p.cue.phrase))

    def __bool__(self) -> bool:
        return bool(self._by_first)

    def find(self, words: Words, languages: set[str] | None = None) -> list[CueHit]:
        """Every cue of ``languages`` (all when None) in ``words``, in text order; at one
        word, each property's longest cue only."""
        out: list[CueHit] = []
        keys = words.keys
        for i, key in enumerate(keys):
            seen: set[str] = set()
            for candidate in _lookups(key):
                for pattern in self._by_first.get(candidate, ()):
                    if pattern.property in seen or (languages is not None and pattern.cue.lang not in languages):
                        continue
                    n = len(pattern.keys)
                    if i + n <= len(keys) and all(_matches(keys[i + k], pattern.keys[k]) for k in range(1, n)):
                        seen.add(pattern.property)
                        out.append(CueHit(i, i + n, pattern.property, pattern.cue))
        return out


def _variants(cue: Cue) -> list[tuple[str, ...]]:
    """The folded word sequences a cue matches: as written, and (for several words) with
    two neighbouring words written as one."""
    keys = tuple(fold(cue.phrase).split())
    if not keys:
        return []
    out = [keys]
    for k in range(len(keys) - 1):
        out.append(keys[:k] + (keys[k] + keys[k + 1],) + keys[k + 2 :])
    return out


def _lookups(key: str) -> list[str]:
    """The cue words a text word may stand for: itself, itself without up to
    :data:`STEM_SLACK` final letters (down to :data:`STEM_MIN`), and the same without a
    joined «و»."""
    bases = [key]
    if key.startswith(_CONJUNCTION) and len(key) > 3:
        bases.append(key[1:])
    out: list[str] = []
    for base in bases:
        out.append(base)
        for cut in range(1, STEM_SLACK + 1):
            if len(base) - cut >= STEM_MIN:
                out.append(base[:-cut])
    return out


def _matches(word: str, cue_word: str) -> bool:
    """Whether a text word matches a cue word (exactly, or extending a long cue word)."""
    if word == cue_word:
        return True
    if word.startswith(_CONJUNCTION) and word[1:] == cue_word:
        return True
    return len(cue_word) >= STEM_MIN and word.startswith(cue_word) and len(word) - len(cue_word) <= STEM_SLACK
