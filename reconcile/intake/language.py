"""Offline language identification of a document's text.

The classifier is py3langid (a maintained fork of langid.py, Lui & Baldwin 2012), whose model
ships inside the package: nothing is downloaded. It is a naive Bayes model over byte n-grams,
trained on some hundred languages, and it tells Persian from Arabic by their letters and
words (پ چ ژ گ ی ک against ي ك ة, «است», «می») rather than by script alone.

The answer is a code that ``sources.yaml`` accepts (a language known to CLDR): a variety the
model knows but CLDR does not (Moroccan Arabic ``ary``, say) gives way to the next best code
that CLDR knows. Texts too short to judge (fewer than :data:`MIN_LETTERS` letters) get no
answer rather than a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = ["Identified", "identify", "MIN_LETTERS"]

#: Fewer letters than this and the language is not judged.
MIN_LETTERS = 20


@dataclass(frozen=True)
class Identified:
    """A language code and the classifier's probability for it (0-1)."""

    code: str
    probability: float


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@lru_cache(maxsize=1)
def _cldr_languages() -> frozenset[str]:
    from babel.localedata import locale_identifiers

    return frozenset(ident.split("_")[0] for ident in locale_identifiers())


def identify(text: str) -> Identified | None:
    """The language of ``text``, or None when the text has too few letters to tell."""
    if sum(ch.isalpha() for ch in text[:20_000]) < MIN_LETTERS:
        return None
    known = _cldr_languages()
    for code, probability in _identifier().rank(text[:200_000]):
        if code in known:
            return Identified(code, float(probability))
    return None  # pragma: no cover - the model's languages include CLDR's major ones
