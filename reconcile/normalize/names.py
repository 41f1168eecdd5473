"""A multilingual gazetteer: names of countries, cities and a workspace's entities → ids.

Ids: countries ``country:<ISO 3166-1 alpha-2>`` (``country:KG``), cities ``city:<slug>``
(``city:dushanbe``), and whatever a workspace registers (``org:csto``, ``person:…``).

Where the names come from
-------------------------
* CLDR through babel: each country's name in English, Persian, Arabic and Russian
  (``babel.Locale.parse(lang).territories``). Every two-letter code is a country except
  :data:`NOT_COUNTRIES`: groupings and pseudo-regions (EU, EZ, UN, QO, XA, XB, ZZ) and the
  ISO 3166 *exceptionally reserved* codes of places that belong to another country (AC, CP,
  CQ, DG, EA, IC, TA). XK (Kosovo, user-assigned, used by CLDR and most registries) is kept.
  Numeric codes (``001``, ``150``…) are continents and regions, never countries. babel keeps
  only the main CLDR name of each territory (its import skips ``alt="short"``/``"variant"``),
  so the useful alternates ("Ivory Coast", «جمهوری چک», США…) are copied into places.yaml.
* CLDR exemplar cities: for each city of places.yaml with a ``tz``, the exemplar city of that
  time zone in the same four languages (``babel.dates.get_timezone_location(...,
  return_city=True)``); a language for which CLDR has no exemplar (babel then echoes the zone
  id) contributes nothing.
* ``reconcile/data/places.yaml``: what CLDR lacks, commented with where each name comes from:
  official long forms, historical names and press spellings for the 38 states of the former
  USSR, Eastern Europe, the Middle East and the great powers the corpus names, CLDR
  alternates for 13 more, and the region's cities (24). Every other country is named by
  CLDR only.
* :meth:`Gazetteer.add_entity`: a workspace's organizations, people, bodies, forces, events.

How :meth:`Gazetteer.resolve` works, in order
---------------------------------------------
1. **id**: the input, stripped, is an id the gazetteer knows (``country:KG``) → returned as
   is. Only ids are accepted this way: a bare ISO code ("KG") is *not* read as a country,
   since two-letter strings collide with words and abbreviations ("US", "IN", "AM").
2. **exact**: the input is folded (:func:`reconcile.normalize.text.fold`: Arabic/Persian
   letter variants, hamza forms, diacritics, tatweel, ZWNJ, direction marks, digits, case,
   punctuation, NBSP) and looked up among the folded names.
3. **exact, without a generic prefix**: leading words from :data:`PREFIXES` ("republic of",
   "the", «جمهوری», «جمهورية», «کشور», «کشورهای», «دولت», «دولة», «بلاد», «شهر», «مدينة»,
   «город»…) are dropped one at a time, looking the rest up after each, so «کشور جمهوری
   آذربایجان» finds «آذربایجان» when the longer forms are unknown. ``matched`` then shows
   the name without its prefix. Names that CLDR or places.yaml give *with* the prefix
   («جمهوری آذربایجان», "Kyrgyz Republic") match in step 2 already.
4. **fuzzy** (unless ``fuzzy=False``): the folded input (and its prefix-stripped form) is
   scored against *every* folded name of the allowed kinds, so the whole gazetteer takes
   part as distractors. The score (:func:`fuzzy_score`) is rapidfuzz's normalized OSA
   similarity × 100: ``100 · (1 − edits / length of the longer string)``, where an edit is
   an insertion, a deletion, a substitution or a swap of two adjacent letters, which is
   what a typo is. ``fuzz.ratio`` (Indel) counts a substitution as two edits, so a name one
   *insertion* away beats a name one *substitution* away: «ارکمنستان» (Turkmenistan with
   its «ت» typed as «ا») scores 94 against «ارمنستان» (Armenia) and 89 against
   «ترکمنستان»; ``WRatio``/``partial_ratio`` reward a short name inside a longer one
   ("Oman" in "Romania", "Niger" in "Nigeria"). The best entity is accepted when

   * the folded input has at least :data:`FUZZY_MIN_LENGTH` (5) letters (spaces aside).
     Shorter strings never match fuzzily: a 4-letter string is one edit from many 5-letter
     names («اران», Arran, would become «ایران»);
   * its score is at least :data:`FUZZY_CUTOFF` (80): one edit in a name of 5+ letters, two
     in 10+, three in 15+;
   * it beats the best name of any *other* entity by at least :data:`FUZZY_MARGIN` (5)
     points; otherwise the input is ambiguous and stays unresolved. A single typo of
     «ترکمنستان» is thus Turkmenistan or nothing, never Armenia (a typo can at best come as
     close to «ارمنستان» as to «ترکمنستان», never closer; the tests try every one).

   The reported ``score`` is that score and ``matched`` the folded gazetteer name that
   matched: «قزاقزستان» → Kazakhstan, ``fuzzy``, 88.89 against «قزاقستان» (next entity:
   70.0). On random single typos of every gazetteer name this accepts ~95 % correctly and
   none wrongly (``fuzz.ratio`` with cutoff 85: ~84 %, and the Armenia mistake above).
5. **unresolved**: ``id`` None, ``score`` 0, and ``suggestions``, the three best entities by
   fuzzy score as "Label (id)", even below the cutoff ("did you mean").

``suggestions`` is also filled for fuzzy matches (the best entity first), empty for exact ones.

Transliteration suggestions
---------------------------
A name written in another script than the registered ones («پوتین», «ولادیمیر پوتین» or
«Путин» for a workspace that registers only "Vladimir Putin") is far from every registered
name by edits. For the names left unresolved, the suggestions also compare *consonant
skeletons* (:func:`skeleton`): the folded name is transliterated to ASCII (``anyascii``),
lowercased, a few digraphs that scripts spell differently are merged (``kh``→``h``,
``gh``→``g``, ``zh``/``dzh``→``j``, ``th``→``t``, ``dh``→``d``, ``ph``→``f``, ``tsh``→``ch``,
``ck``/``q``/``c``→``k``, ``x``→``ks``), the vowels and the vowel-like letters ``w v y`` are
dropped (Persian and Arabic write no short vowels and use «و» «ی» for u/o/v and i/y), and
doubled letters collapse. "Vladimir Putin", «ولادیمیر پوتین» and «Владимир Путин» all
become ``ldmr ptn``. Skeletons are scored with rapidfuzz's ``fuzz.ratio`` (Indel) against
the skeleton of every name of the entities of the allowed kinds that have *no* name in the
query's script (:func:`script_of`; an entity named in that script is the ordinary matcher's
job: countries, named by CLDR in Latin, Arabic and Cyrillic scripts, are offered only to
names in other scripts), and, for names of several words, against the last word alone when
no other entity has it (the press names people by their surname: «پوتین» → ``ptn``).
Skeletons of fewer than :data:`TRANSLIT_MIN_LENGTH` (3) letters are not compared. An
entity scoring at least :data:`TRANSLIT_CUTOFF` (80), within :data:`FUZZY_MARGIN` of the
best one, and higher than the ordinary matcher's best score, is put first among the
``suggestions`` as "Label (id; transliterated, score S)" and listed in ``transliterations``
as (id, score). A transliteration never resolves a name: it is only
ever a suggestion, since skeletons lose too much («بوتين», Putin in Arabic script, which has
no «پ», is also Bhutan's ``btn``). The skeletons of the index are built once per set of
kinds, and the unresolved keys of one batch are scored together (``process.cdist``).

When one folded name belongs to several entities, a workspace's own entities win over
countries, and countries over cities (``kinds`` narrows the choice): a workspace that
registers ``org:guam`` as "GUAM" gets the organization, not Guam. No folded CLDR name is
shared by two countries in en/fa/ar/ru, and places.yaml adds none (the tests pin both; see
:meth:`Gazetteer.ambiguous_names`).

«دوشنبه» is Dushanbe *and* the Persian word for Monday: the gazetteer always reads it as the
city. Deciding that it is a weekday inside a date phrase («دوشنبه ۱۲ مهر») is the caller's
job (:mod:`reconcile.normalize.dates` skips it before a date); :meth:`Gazetteer.find_all`
reports every «دوشنبه».

:meth:`Gazetteer.resolve_many` does the same for a Series: each distinct raw string is folded
once, each distinct folded key resolved once, the fuzzy step scored for all unresolved keys
at once (``process.cdist``), and the results mapped back onto the rows by their codes of one
factorization (a million rows naming a few thousand places cost C passes only).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from typing import Collection, Iterable, Iterator, NamedTuple

import numpy as np
import pandas as pd
from anyascii import anyascii
from babel import Locale
from babel.dates import get_timezone, get_timezone_location
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from reconcile.base.frames import map_distinct
from reconcile.base.yamlio import load_yaml, plain
from .text import fold

__all__ = [
    "FUZZY_CUTOFF",
    "FUZZY_MARGIN",
    "FUZZY_MIN_LENGTH",
    "LANGUAGES",
    "NOT_COUNTRIES",
    "PREFIXES",
    "TRANSLIT_CUTOFF",
    "FUZZY_MAX_LENGTH",
    "TRANSLIT_MIN_LENGTH",
    "Gazetteer",
    "Resolution",
    "fuzzy_score",
    "script_of",
    "skeleton",
]

#: Languages read from CLDR (and keys of the per-language lists of places.yaml).
LANGUAGES = ("en", "fa", "ar", "ru")
#: Minimum fuzzy score (:func:`fuzzy_score`, 0-100) of a fuzzy match.
FUZZY_CUTOFF = 80.0
#: Below this score a candidate is not offered as "did you mean" either: a name that
#: shares a few letters with Somalia is not a misspelling of it (observed: unrelated names
#: score 30-46 against their closest country, misspellings 55 and above).
SUGGEST_CUTOFF = 55.0
#: How many points the best entity must lead the best *other* entity by.
FUZZY_MARGIN = 5.0
#: Folded inputs shorter than this (spaces aside) never match fuzzily.
FUZZY_MIN_LENGTH = 5
#: Minimum score (``fuzz.ratio`` of consonant skeletons, 0-100) of a transliteration suggestion.
TRANSLIT_CUTOFF = 80.0
#: Skeletons shorter than this (spaces aside) are not compared by transliteration.
TRANSLIT_MIN_LENGTH = 3
#: Names (folded) longer than this are not matched fuzzily nor by transliteration, and get
#: no suggestions: no name is that long, and scoring one costs its length times the
#: gazetteer's names (minutes for a 50 MB cell).
FUZZY_MAX_LENGTH = 300
#: Two-letter CLDR territory codes that are not countries (see the module documentation).
NOT_COUNTRIES = frozenset(
    {
        "EU", "EZ", "UN",  # European Union, Eurozone, United Nations
        "QO",  # Outlying Oceania (a CLDR grouping)
        "XA", "XB",  # pseudo-locales
        "ZZ",  # unknown region
        # ISO 3166 exceptionally reserved codes for parts of other countries:
        "AC",  # Ascension Island (SH)
        "CP",  # Clipperton Island (FR)
        "CQ",  # Sark (GG)
        "DG",  # Diego Garcia (IO)
        "EA",  # Ceuta & Melilla (ES)
        "IC",  # Canary Islands (ES)
        "TA",  # Tristan da Cunha (SH)
    }
)  # fmt: skip
#: Generic leading words dropped, as a fallback, before an exact lookup.
PREFIXES: tuple[str, ...] = tuple(
    sorted(
        {
            fold(p)
            for p in (
                "the", "republic of", "the republic of", "state of", "kingdom of", "city of",
                "جمهوری", "جمهوری اسلامی", "کشور", "کشورهای", "دولت", "شهر",
                "جمهورية", "الجمهورية", "دولة", "بلاد", "مدينة",
                "республика", "государство", "город",
            )
        },
        key=len,
        reverse=True,
    )
)  # fmt: skip

_KIND_RANK = {"country": 1, "city": 2}  # lower wins; a workspace's kinds rank 0
_ID = re.compile(r"^[a-z][a-z_-]*:\S+$")
# A word of running text: letters/digits with the combining marks and invisible characters
# that fold() removes (harakat, Latin accents, tatweel, ZWNJ/ZWJ, direction marks).
_WORD = re.compile(
    r"(?:[^\W_]|[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
    r"\u200c\u200d\u200e\u200f\u061c\u00ad])+"
)
# Between the words of one mention: anything but a line break or a clause/list separator.
_BREAK = re.compile(r"[\n\r;؛:!?؟،]")
_CONJUNCTION = "و"  # Arabic/Persian "and", written joined to the next word («وروسيا»)
_CONJ_SKIP = re.compile(r"و[\u064b-\u065f\u0670\u0640\u200c\u200d]*")
_INVISIBLE = frozenset("\u200c\u200d\u200e\u200f\u061c\u00ad\u0640")
_FUZZY_CHUNK = 512  # queries scored per cdist call
_CACHE_SIZE = 100_000  # fuzzy/unresolved results kept per gazetteer
_COLUMNS = ["id", "kind", "label", "method", "score", "matched"]

Kinds = Collection[str] | None


@dataclass(frozen=True, slots=True)
class Resolution:
    """The outcome of resolving one name (see the module documentation)."""

    id: str | None  # canonical id, None when unresolved
    kind: str | None  # "country" | "city" | a workspace kind
    label: str | None  # English display label
    method: str  # "id" | "exact" | "fuzzy" | "unresolved"
    score: float  # 100.0 for id/exact; fuzzy_score for fuzzy; 0.0 when unresolved
    matched: str | None  # the (folded) gazetteer name that matched
    suggestions: tuple[str, ...] = ()  # "Label (id)" candidates, best first
    transliterations: tuple[tuple[str, float], ...] = ()  # (id, score) suggested by transliteration


class _Candidate(NamedTuple):
    """An entity's best fuzzy score for a query, and which of its names gave it."""

    score: float
    entity: int  # position in _FuzzyIndex.owners
    choice: int  # position in _FuzzyIndex.choices


@dataclass(frozen=True, slots=True)
class _FuzzyIndex:
    """The folded names of the allowed kinds, grouped by the entity that owns them."""

    choices: list[str]
    starts: np.ndarray  # offset of each entity's first name in ``choices``
    owners: list[str]  # the entity of each group


@dataclass(frozen=True, slots=True)
class _SkeletonIndex:
    """Consonant skeletons of the names of the allowed kinds, grouped by entity."""

    choices: list[str]  # skeletons
    starts: np.ndarray  # offset of each entity's first skeleton in ``choices``
    owners: list[str]  # the entity of each group
    scripts: dict[str, np.ndarray]  # per script: which entities have a name written in it


def fuzzy_score(a: str, b: str) -> float:
    """The fuzzy score of two folded strings: normalized OSA similarity × 100 (see above)."""
    return OSA.normalized_similarity(a, b) * 100


# Spellings that scripts transliterate differently, merged (longest first; ``ch`` and
# ``sh`` are matched only so that their letters are not read apart).
_DIGRAPHS = re.compile(r"dzh|tsh|ch|sh|zh|kh|gh|th|dh|ph|ck|[qcx]")
_DIGRAPH_MAP = {
    "dzh": "j", "tsh": "ch", "ch": "ch", "sh": "sh", "zh": "j", "kh": "h", "gh": "g",
    "th": "t", "dh": "d", "ph": "f", "ck": "k", "q": "k", "c": "k", "x": "ks",
}  # fmt: skip
_NOT_LETTER = re.compile(r"[^a-z ]+")
_VOWEL_LIKE = re.compile(r"[aeiouwvy]+")
_DOUBLED = re.compile(r"([a-z])\1+")
_SPACES = re.compile(r" +")


def _skeleton(key: str) -> str:
    """The consonant skeleton of a folded name (see the module documentation)."""
    text = _NOT_LETTER.sub("", anyascii(key).lower())
    text = _DIGRAPHS.sub(lambda m: _DIGRAPH_MAP[m.group()], text)
    text = _DOUBLED.sub(r"\1", _VOWEL_LIKE.sub("", text))
    return _SPACES.sub(" ", text).strip()


def skeleton(name: str) -> str:
    """The consonant skeleton of ``name`` in any script, as transliteration suggestions
    compare them: «ولادیمیر پوتین», «Владимир Путин» and "Vladimir Putin" are all
    ``ldmr ptn`` (see the module documentation)."""
    return _skeleton(fold(name))


def script_of(text: str) -> str:
    """The Unicode script of the first letter of ``text`` as the first word of its
    character name (``LATIN``, ``CYRILLIC``, ``ARABIC`` for Persian and Arabic, ``GREEK``…);
    ``""`` when ``text`` has no letter."""
    for char in text:
        if char.isalpha():
            return unicodedata.name(char, "").split(" ", 1)[0]
    return ""


def _kinds_key(kinds: Kinds) -> frozenset[str] | None:
    if kinds is None:
        return None
    return frozenset([kinds] if isinstance(kinds, str) else kinds)


def _length(key: str) -> int:
    return len(key.replace(" ", ""))


class Gazetteer:
    """Names → ids for countries, cities and registered entities (see the module doc)."""

    def __init__(self) -> None:
        self._ids: dict[str, tuple[str, str]] = {}  # id → (kind, English label)
        self._names: dict[str, list[tuple[str, str]]] = {}  # id → [(lang or "", name)]
        self._keys: dict[str, list[str]] = {}  # folded name → ids, best first
        self._max_words = 1
        self._indexes: dict[frozenset[str] | None, _FuzzyIndex] = {}
        self._skeletons: dict[frozenset[str] | None, _SkeletonIndex] = {}
        self._cache: dict[tuple[str, frozenset[str] | None, bool], Resolution] = {}
        self._prefixes: dict[str, int] | None = None  # word prefixes of names → longest name length

    # --- building ------------------------------------------------------------------------

    @classmethod
    def default(cls) -> "Gazetteer":
        """The built-in gazetteer (CLDR + places.yaml), built once per process.

        Returns a copy, so that :meth:`add_entity` on it leaves the shared one untouched.
        """
        return _default().copy()

    def copy(self) -> "Gazetteer":
        """An independent copy (cheap: only the dictionaries are copied)."""
        other = Gazetteer()
        other._ids = dict(self._ids)
        other._names = {k: list(v) for k, v in self._names.items()}
        other._keys = {k: list(v) for k, v in self._keys.items()}
        other._max_words = self._max_words
        other._indexes = dict(self._indexes)  # immutable values: safe to share
        other._skeletons = dict(self._skeletons)
        other._cache = dict(self._cache)
        other._prefixes = self._prefixes  # rebuilt, not edited, when names are added
        return other

    def add_entity(self, id: str, kind: str, names: Iterable[str], label: str | None = None) -> None:
        """Register ``id`` of ``kind`` under ``names`` (any language).

        The label is ``label``, else the first name. Adding to a known id adds names.
        """
        names = [str(n) for n in names if n is not None and str(n).strip()]
        if id not in self._ids:
            self._ids[id] = (kind, label or (names[0] if names else id))
            self._names[id] = []
        for name in names:
            self._add_name(id, name, lang="")
        self._invalidate()

    def _add_entity(self, id: str, kind: str, label: str) -> None:
        self._ids[id] = (kind, label)
        self._names.setdefault(id, [])

    def _add_name(self, id: str, name: str, lang: str) -> None:
        key = fold(name)
        if not key:
            return
        if (lang, name) not in self._names[id]:
            self._names[id].append((lang, name))
        if key not in self._keys:
            self._prefixes = None
        ids = self._keys.setdefault(key, [])
        if id not in ids:
            ids.append(id)
            ids.sort(key=lambda i: _KIND_RANK.get(self._ids[i][0], 0))
        self._max_words = max(self._max_words, key.count(" ") + 1)

    def _invalidate(self) -> None:
        self._prefixes = None
        self._indexes.clear()
        self._skeletons.clear()
        self._cache.clear()

    # --- looking up ids ------------------------------------------------------------------

    def __contains__(self, id: object) -> bool:
        return id in self._ids

    def ids(self, kind: str | None = None) -> list[str]:
        """Every known id (of ``kind`` only, when given)."""
        return [i for i, (k, _) in self._ids.items() if kind is None or k == kind]

    def kind(self, id: str) -> str | None:
        """The kind of ``id``; None when unknown."""
        return self._ids.get(id, (None, None))[0]

    def label(self, id: str, lang: str = "en") -> str:
        """Display label of ``id``: English by default, else its first name in ``lang``.

        Falls back to the English label, and to the id itself when the id is unknown.
        """
        if id not in self._ids:
            return id
        if lang != "en":
            for name_lang, name in self._names.get(id, []):
                if name_lang == lang:
                    return name
        return self._ids[id][1]

    def names_of(self, id: str, lang: str | None = None) -> list[str]:
        """Every registered name of ``id`` as written (in ``lang`` only, when given).

        CLDR names come first. Names of a workspace entity have no language (``lang=None``).
        """
        return [n for l, n in self._names.get(id, []) if lang is None or l == lang]

    def ambiguous_names(self) -> dict[str, list[str]]:
        """Folded names shared by several entities → their ids (the first one wins)."""
        return {k: list(v) for k, v in self._keys.items() if len(v) > 1}

    # --- resolving -----------------------------------------------------------------------

    def resolve(self, name: str, kinds: Kinds = None, fuzzy: bool = True) -> Resolution:
        """Resolve one name (see the module documentation for the order of attempts)."""
        if name is None or name is pd.NA or (isinstance(name, float) and name != name):
            return Resolution(None, None, None, "unresolved", 0.0, None)
        text = str(name).strip()
        kkey = _kinds_key(kinds)
        by_id = self._by_id(text, kkey)
        if by_id is not None:
            return by_id
        return self._resolve_keys([fold(text)], kkey, fuzzy)[0]

    def resolve_many(self, names: pd.Series, kinds: Kinds = None, fuzzy: bool = True) -> pd.DataFrame:
        """Resolve a Series of names; each distinct folded name is resolved once.

        Returns a frame aligned with ``names`` (same index): id, kind, label, method, score,
        matched. Missing values are unresolved. Row ``i`` is :meth:`resolve` of ``names[i]``
        (without its suggestions); the rows only cost C passes (one factorization, one take
        per column), every other step is done per distinct value.
        """
        codes, texts = _distinct_texts(names.to_numpy(dtype=object))
        return _resolution_frame(self._resolve_texts(texts, _kinds_key(kinds), fuzzy), codes, names.index)

    def _resolve_texts(self, texts: list[str], kinds: frozenset[str] | None, fuzzy: bool) -> list[Resolution]:
        """Resolve stripped texts: ids as such, the rest by folded key (each key once)."""
        by_id = {t: r for t in texts if (r := self._by_id(t, kinds)) is not None}
        keys = {t: fold(t) for t in texts if t not in by_id}
        distinct = list(dict.fromkeys(keys.values()))
        resolved = dict(zip(distinct, self._resolve_keys(distinct, kinds, fuzzy)))
        return [by_id[t] if t in by_id else resolved[keys[t]] for t in texts]

    def _by_id(self, text: str, kinds: frozenset[str] | None) -> Resolution | None:
        if not _ID.match(text) or text not in self._ids:
            return None
        kind, label = self._ids[text]
        if kinds is not None and kind not in kinds:
            return None
        return Resolution(text, kind, label, "id", 100.0, text)

    def _resolve_keys(self, keys: list[str], kinds: frozenset[str] | None, fuzzy: bool) -> list[Resolution]:
        """Resolve folded keys: cached, then exact, then (in one batch) fuzzy."""
        out: dict[str, Resolution] = {}
        pending: list[str] = []
        for key in dict.fromkeys(keys):
            cached = self._cache.get((key, kinds, fuzzy))
            if cached is not None:
                out[key] = cached
            elif not key:
                out[key] = Resolution(None, None, None, "unresolved", 0.0, None)
            elif (hit := self._exact(key, kinds)) is not None:
                out[key] = self._resolution(hit[0], "exact", 100.0, hit[1])
            else:
                pending.append(key)
        out.update(zip(pending, self._fuzzy(pending, kinds, fuzzy)))
        if len(self._cache) > _CACHE_SIZE:
            self._cache.clear()
        for key in pending:
            self._cache[(key, kinds, fuzzy)] = out[key]
        return [out[k] for k in keys]

    def _resolution(self, id: str, method: str, score: float, matched: str, suggestions: tuple[str, ...] = ()) -> Resolution:
        kind, label = self._ids[id]
        return Resolution(id, kind, label, method, score, matched, suggestions)

    def _pick(self, ids: list[str], kinds: frozenset[str] | None) -> str | None:
        for i in ids:
            if kinds is None or self._ids[i][0] in kinds:
                return i
        return None

    def _exact(self, key: str, kinds: frozenset[str] | None) -> tuple[str, str] | None:
        """(id, matched name) for ``key`` or for ``key`` without its generic prefixes."""
        for candidate in _without_prefixes(key):
            hit = self._pick(self._keys.get(candidate, []), kinds)
            if hit is not None:
                return hit, candidate
        return None

    # --- fuzzy ---------------------------------------------------------------------------

    def _index(self, kinds: frozenset[str] | None) -> _FuzzyIndex:
        if kinds not in self._indexes:
            groups: dict[str, list[str]] = {}
            for key, ids in self._keys.items():
                owner = self._pick(ids, kinds)
                if owner is not None:
                    groups.setdefault(owner, []).append(key)
            owners = list(groups)
            sizes = np.array([len(groups[o]) for o in owners], dtype=np.int64)
            starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64) if owners else np.zeros(0, np.int64)
            choices = [k for o in owners for k in groups[o]]
            self._indexes[kinds] = _FuzzyIndex(choices, starts, owners)
        return self._indexes[kinds]

    def _fuzzy(self, keys: list[str], kinds: frozenset[str] | None, accept: bool) -> list[Resolution]:
        """Fuzzy step for keys with no exact match: a match, or unresolved with suggestions.
        Keys longer than :data:`FUZZY_MAX_LENGTH` are no names: unresolved, with nothing to
        suggest and no scoring (which costs their length times the gazetteer's)."""
        if not keys:
            return []
        if any(len(k) > FUZZY_MAX_LENGTH for k in keys):
            short = [k for k in keys if len(k) <= FUZZY_MAX_LENGTH]
            scored = dict(zip(short, self._fuzzy(short, kinds, accept)))
            nothing = Resolution(None, None, None, "unresolved", 0.0, None)
            return [scored.get(k, nothing) for k in keys]
        index = self._index(kinds)
        if not index.owners:
            return [Resolution(None, None, None, "unresolved", 0.0, None) for _ in keys]
        # Score each key and its prefix-stripped form; keep the one with the better best.
        variants = [list(_without_prefixes(k))[-1] for k in keys]
        queries = list(dict.fromkeys(keys + variants))
        ranked = dict(zip(queries, _rank(queries, index)))
        out = []
        bests = []
        for key, variant in zip(keys, variants):
            best = max(ranked[key], ranked[variant], key=lambda r: r[0].score)
            out.append(self._judge(key, best, index, accept))
            bests.append(best)
        return self._with_transliterations(keys, out, bests, index, kinds)

    def _with_transliterations(
        self,
        keys: list[str],
        out: list[Resolution],
        ranked: list[list[_Candidate]],
        index: _FuzzyIndex,
        kinds: frozenset[str] | None,
    ) -> list[Resolution]:
        """Put the transliteration matches of each unresolved key that beat its ordinary
        fuzzy matches (``ranked``) first among its suggestions; three suggestions in all.
        Never resolves a key."""
        todo = [i for i, r in enumerate(out) if r.id is None]
        if not todo:
            return out
        found = self._transliterate([keys[i] for i in todo], kinds)
        for i, matches in zip(todo, found):
            better = [(e, s) for e, s in matches if s > ranked[i][0].score]
            if not better:
                continue
            shown = {e for e, _ in better}
            ordinary = [
                index.owners[c.entity]
                for c in ranked[i]
                if index.owners[c.entity] not in shown and c.score >= SUGGEST_CUTOFF
            ]
            suggestions = [f"{self.label(e)} ({e}; transliterated, score {s:g})" for e, s in better]
            suggestions += [f"{self.label(e)} ({e})" for e in ordinary]
            out[i] = replace(out[i], suggestions=tuple(suggestions[:3]), transliterations=tuple(better))
        return out

    def transliterations(self, names: Iterable[str], kinds: Kinds = None) -> list[list[tuple[str, float]]]:
        """For each name, the entities that have no name in its script and a name whose
        consonant skeleton is like its own: (id, score), best first, each scoring at least
        :data:`TRANSLIT_CUTOFF` and within :data:`FUZZY_MARGIN` of the best; empty when
        none does. Suggestions only (see the module documentation): :meth:`resolve` never
        resolves a name this way, and offers these only when the ordinary fuzzy matches
        score lower."""
        return self._transliterate([fold(str(n)) for n in names], _kinds_key(kinds))

    def _transliterate(self, keys: list[str], kinds: frozenset[str] | None) -> list[list[tuple[str, float]]]:
        """:meth:`transliterations` of folded keys, scored in chunks with ``cdist``."""
        found: list[list[tuple[str, float]]] = [[] for _ in keys]
        skeletons = [_skeleton(k) for k in keys]
        todo = [i for i, s in enumerate(skeletons) if _length(s) >= TRANSLIT_MIN_LENGTH]
        index = self._skeleton_index(kinds) if todo else None
        if index is None or not index.owners:
            return found
        for lo in range(0, len(todo), _FUZZY_CHUNK):
            chunk = todo[lo : lo + _FUZZY_CHUNK]
            scores = process.cdist(
                [skeletons[i] for i in chunk],
                index.choices,
                scorer=fuzz.ratio,
                score_cutoff=TRANSLIT_CUTOFF,
                dtype=np.float32,
            )
            per_entity = np.maximum.reduceat(scores, index.starts, axis=1)  # best skeleton of each entity
            # the entities named in a query's script are not its to suggest
            query_scripts = np.array([script_of(keys[i]) for i in chunk], dtype=object)
            for script in set(query_scripts.tolist()) & index.scripts.keys():
                rows = np.flatnonzero(query_scripts == script)
                per_entity[np.ix_(rows, np.flatnonzero(index.scripts[script]))] = 0
            top = np.argsort(-per_entity, axis=1, kind="stable")[:, :3]
            for row, i in enumerate(chunk):
                best = float(per_entity[row, top[row, 0]])
                found[i] = [
                    (index.owners[e], round(float(per_entity[row, e]), 1))
                    for e in top[row]
                    if per_entity[row, e] >= TRANSLIT_CUTOFF and per_entity[row, e] >= best - FUZZY_MARGIN
                ]
        return found

    def _skeleton_index(self, kinds: frozenset[str] | None) -> _SkeletonIndex:
        """The skeletons of every name of the allowed kinds, and of the last word of each
        name of several words that no other entity's names end with (a surname)."""
        if kinds not in self._skeletons:
            index = self._index(kinds)
            ends = np.append(index.starts[1:], len(index.choices))
            entries: list[dict[str, None]] = []
            scripts: list[set[str]] = []
            last_words: dict[str, set[int]] = {}
            for n, (start, end) in enumerate(zip(index.starts.tolist(), ends.tolist())):
                own: dict[str, None] = {}
                for key in index.choices[start:end]:
                    own[_skeleton(key)] = None
                    if " " in key:
                        last_words.setdefault(_skeleton(key.rsplit(" ", 1)[1]), set()).add(n)
                entries.append(own)
                scripts.append({script_of(key) for key in index.choices[start:end]})
            for word, owners in last_words.items():
                if len(owners) == 1:
                    entries[next(iter(owners))][word] = None
            kept_owners: list[str] = []
            kept_scripts: list[set[str]] = []
            choices: list[str] = []
            sizes: list[int] = []
            for owner, own, named in zip(index.owners, entries, scripts):
                kept = [sk for sk in own if _length(sk) >= TRANSLIT_MIN_LENGTH]
                if kept:
                    kept_owners.append(owner)
                    kept_scripts.append(named)
                    sizes.append(len(kept))
                    choices += kept
            starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64) if sizes else np.zeros(0, np.int64)
            named_in = {
                script: np.array([script in named for named in kept_scripts], dtype=bool)
                for script in set().union(*kept_scripts)
            }
            self._skeletons[kinds] = _SkeletonIndex(choices, starts, kept_owners, named_in)
        return self._skeletons[kinds]

    def _judge(self, key: str, ranked: list[_Candidate], index: _FuzzyIndex, accept: bool) -> Resolution:
        """Apply the length, cutoff and margin rules to a key's best three entities."""
        suggestions = tuple(
            f"{self.label(index.owners[c.entity])} ({index.owners[c.entity]})" for c in ranked if c.score >= SUGGEST_CUTOFF
        )
        best = ranked[0]
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        if (
            accept
            and _length(key) >= FUZZY_MIN_LENGTH
            and best.score >= FUZZY_CUTOFF
            and best.score - runner_up >= FUZZY_MARGIN
        ):
            owner = index.owners[best.entity]
            return self._resolution(owner, "fuzzy", best.score, index.choices[best.choice], suggestions)
        return Resolution(None, None, None, "unresolved", 0.0, None, suggestions)

    # --- free text -----------------------------------------------------------------------

    def find_all(self, text: str, kinds: Kinds = None) -> list[tuple[int, int, str]]:
        """Mentions of known names in free text: ``(start, end, id)``, in text order.

        Matching is exact on folded word sequences (no prefix stripping, no fuzzy matching in
        running text). At each word the longest known name wins and the scan resumes after
        it, so «روسيا البيضاء» is Belarus, not Russia, and mentions never overlap. A name's
        words may be separated by spaces or by the punctuation fold() ignores, but not by a
        line break or a clause/list separator (``،`` ``;`` ``؛`` ``:`` ``?`` ``!``). The
        conjunction «و» joined to a name («وروسيا») is skipped. Offsets index ``text``.
        """
        kkey = _kinds_key(kinds)
        words = [_Word(m.start(), m.end(), k) for m in _WORD.finditer(text) if (k := fold(m.group()))]
        out: list[tuple[int, int, str]] = []
        i = 0
        while i < len(words):
            found = self._longest_at(text, words, i, kkey)
            if found is None and words[i].key.startswith(_CONJUNCTION) and _length(words[i].key) > 3:
                found = self._longest_at(text, words, i, kkey, first=_after_conjunction(text, words[i]))
            if found is None:
                i += 1
                continue
            n, start, hit = found
            out.append(_trim(text, start, words[i + n - 1].end) + (hit,))
            i += n
        return out

    def _name_prefixes(self) -> dict[str, int]:
        """Every word prefix of a known name (``"russian"``, ``"russian federation"``), so
        that a scan of running text extends a match only while some name still fits."""
        if self._prefixes is None:
            prefixes: dict[str, int] = {}
            for key in self._keys:
                words = key.split(" ")
                for n in range(1, len(words) + 1):
                    prefixes[" ".join(words[:n])] = 1
            self._prefixes = prefixes
        return self._prefixes

    def _longest_at(
        self, text: str, words: list[_Word], i: int, kinds: frozenset[str] | None, first: _Word | None = None
    ) -> tuple[int, int, str] | None:
        """The longest name starting at word ``i`` (or at ``first`` in its place).

        Returns (number of words, start offset, id), or None. The name grows a word at a
        time while it is the beginning of some known name, so a word that begins none costs
        one look-up.
        """
        if first is None:
            first = words[i]
        elif not first.key:
            return None
        prefixes = self._name_prefixes()
        key = first.key
        best = None
        n = 1
        while key in prefixes:
            hit = self._pick(self._keys.get(key, []), kinds)
            if hit is not None:
                best = (n, first.start, hit)
            if n >= self._max_words or i + n >= len(words) or _BREAK.search(text, words[i + n - 1].end, words[i + n].start):
                break
            key = f"{key} {words[i + n].key}"
            n += 1
        return best


class _Word(NamedTuple):
    start: int
    end: int
    key: str  # folded


def _after_conjunction(text: str, word: _Word) -> _Word:
    """``word`` without its joined «و» (and the marks on it): «وروسيا» → «روسيا»."""
    skip = _CONJ_SKIP.match(text, word.start)
    start = skip.end() if skip else word.start
    return _Word(start, word.end, fold(text[start : word.end]) if start < word.end else "")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Span without leading/trailing invisible characters (ZWNJ, direction marks, tatweel)."""
    while start < end and text[start] in _INVISIBLE:
        start += 1
    while end > start and text[end - 1] in _INVISIBLE:
        end -= 1
    return start, end


def _rank(queries: list[str], index: _FuzzyIndex) -> Iterator[list[_Candidate]]:
    """For each query, its three best entities, best first (scored in chunks with cdist)."""
    ends = np.append(index.starts[1:], len(index.choices))
    for lo in range(0, len(queries), _FUZZY_CHUNK):
        chunk = queries[lo : lo + _FUZZY_CHUNK]
        scores = process.cdist(chunk, index.choices, scorer=OSA.normalized_similarity, dtype=np.float32) * 100
        per_entity = np.maximum.reduceat(scores, index.starts, axis=1)  # best name of each entity
        top = np.argsort(-per_entity, axis=1, kind="stable")[:, :3]
        for row, entities in enumerate(top):
            yield [
                _Candidate(
                    round(float(per_entity[row, e]), 2),
                    int(e),
                    int(index.starts[e] + np.argmax(scores[row, index.starts[e] : ends[e]])),
                )
                for e in entities
            ]


def _distinct_texts(cells: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Code of each cell (-1 when missing) and the texts ``str(v).strip()`` of the codes.

    Text cells are factorized as they are (several codes may strip to one text). Other
    values are made text first (:func:`_as_texts`): ``1``, ``1.0`` and ``True`` hash alike
    but read differently, and lists or mappings cannot be hashed.
    """
    try:
        codes, uniques = pd.factorize(cells)
    except TypeError:  # unhashable cells
        uniques = None
    if uniques is None or not all(type(u) is str for u in uniques):
        codes, uniques = pd.factorize(_as_texts(cells))
    return codes, [u.strip() for u in uniques]


def _as_texts(cells: np.ndarray) -> np.ndarray:
    """``str(v)`` of each cell, None where :func:`pandas.isna`; once per distinct value."""
    present = ~pd.isna(cells)
    texts = np.full(len(cells), None, dtype=object)
    texts[present] = map_distinct(pd.Series(cells[present], dtype=object), str).to_numpy()
    return texts


def _resolution_frame(per_code: list[Resolution], codes: np.ndarray, index: pd.Index) -> pd.DataFrame:
    """The columns of ``per_code[codes]`` as a frame on ``index``; code -1 is unresolved."""
    rows = [*per_code, Resolution(None, None, None, "unresolved", 0.0, None)]  # row -1
    columns = {}
    for col in _COLUMNS:
        values = np.array([getattr(r, col) for r in rows], dtype=float if col == "score" else object)
        # Text as Python objects (pandas 3 would infer Arrow strings from object arrays).
        columns[col] = pd.Series(values.take(codes), index=index, dtype=values.dtype, copy=False)
    return pd.DataFrame(columns, index=index, copy=False)


def _without_prefixes(key: str) -> Iterator[str]:
    """``key``, then ``key`` with one, two… generic leading words (:data:`PREFIXES`) removed."""
    yield key
    for _ in range(3):
        for prefix in PREFIXES:
            if key.startswith(prefix + " "):
                key = key[len(prefix) + 1 :]
                yield key
                break
        else:
            return


# --- the built-in gazetteer -----------------------------------------------------------------


def _country_codes(english: dict[str, str]) -> list[str]:
    return sorted(c for c in english if len(c) == 2 and c.isalpha() and c not in NOT_COUNTRIES)


def _load_places() -> dict:
    """places.yaml as plain dicts and lists, parsed by libyaml (:func:`reconcile.base.yamlio.load_yaml`).

    The YAML 1.2 typing keeps codes such as ``NO`` (Norway) text. ruamel.yaml, in pure Python,
    took some ten times longer on this file; a test holds both readings equal.
    """
    with resources.as_file(resources.files("reconcile").joinpath("data/places.yaml")) as path:
        return plain(load_yaml(path)) or {}


def _curated(entry: dict) -> Iterator[tuple[str, str]]:
    """(lang, name) of a places.yaml entry's per-language lists (``other`` → lang "")."""
    for lang in (*LANGUAGES, "other"):
        for name in entry.get(lang) or []:
            yield ("" if lang == "other" else lang), str(name)


def _exemplar_cities(tz: str) -> Iterator[tuple[str, str]]:
    """(lang, CLDR exemplar city) of a time zone; languages CLDR lacks are skipped."""
    zone = get_timezone(tz)
    fallback = tz.rsplit("/", 1)[-1].replace("_", " ")
    for lang in LANGUAGES:
        name = get_timezone_location(zone, locale=lang, return_city=True)
        if name and (lang == "en" or name != fallback):
            yield lang, name


def _territories(lang: str) -> dict[str, str]:
    """CLDR's territory names in ``lang``, by code, as the installed babel has them."""
    return dict(Locale.parse(lang).territories)


@lru_cache(maxsize=1)
def _default() -> Gazetteer:
    gaz = Gazetteer()
    data = _load_places()
    territories = {lang: _territories(lang) for lang in LANGUAGES}
    for code in _country_codes(territories["en"]):
        cid = f"country:{code}"
        gaz._add_entity(cid, "country", territories["en"][code])
        for lang in LANGUAGES:
            if name := territories[lang].get(code):
                gaz._add_name(cid, name, lang)
    for code, entry in (data.get("countries") or {}).items():
        cid = f"country:{code}"
        if cid not in gaz:
            raise ValueError(f"places.yaml: {code} is not a CLDR country")
        for lang, name in _curated(entry):
            gaz._add_name(cid, name, lang)
    for city in data.get("cities") or []:
        cid = city["id"]
        exemplars = list(_exemplar_cities(city["tz"])) if city.get("tz") else []
        gaz._add_entity(cid, "city", city.get("label") or (exemplars[0][1] if exemplars else cid))
        for lang, name in [*exemplars, *_curated(city)]:
            gaz._add_name(cid, name, lang)
    return gaz
