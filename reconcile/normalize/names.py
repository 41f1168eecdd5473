"""A multilingual gazetteer: names of countries, cities and a workspace's entities → ids.

Ids: countries ``country:<ISO 3166-1 alpha-2>`` (``country:KG``), cities ``city:<slug>``
(``city:dushanbe``), and whatever a workspace registers (``org:csto``, ``person:…``).

Where the names come from:

* CLDR through babel: every country's name in English, Persian, Arabic and Russian
  (``babel.Locale.territories``; two-letter codes only, without the pseudo-regions EU, EZ,
  UN, QO, XA, XB, ZZ), and every listed city's exemplar name in the same languages
  (``babel.dates.get_timezone_location`` of its time zone);
* ``reconcile/data/places.yaml``: official long forms, historical names and spellings that
  CLDR lacks («فدراسیون روسیه», "Kyrgyz Republic", Kishinev / «کشینیف», «دوشانبي»…);
* :meth:`Gazetteer.add_entity`: a workspace's organizations, documents, people…

How :meth:`Gazetteer.resolve` works, in order:

1. an id that the gazetteer knows is returned as is (method ``id``);
2. the name is folded (:func:`reconcile.normalize.text.fold`: Arabic/Persian letter
   variants, diacritics, tatweel, ZWNJ, digits, case) and looked up exactly (``exact``);
3. the same after dropping a leading "republic of", «جمهوری», «جمهورية», «کشور»,
   «دولة»… (``exact``);
4. fuzzy matching with rapidfuzz's normalized Indel similarity (``fuzz.ratio``) against
   every name of the allowed kinds, so the whole gazetteer takes part as distractors. The
   best match is accepted (``fuzzy``, with its score) when it scores at least
   :data:`FUZZY_CUTOFF` and beats the best name of any *other* entity by at least
   :data:`FUZZY_MARGIN` points; folded names shorter than :data:`FUZZY_MIN_LENGTH` never
   match fuzzily. The typo «قزاقزستان» → Kazakhstan scores 94 against «قزاقستان».
5. otherwise unresolved, with up to three "did you mean" suggestions.

When one folded name belongs to several entities, workspace entities win over countries,
and countries over cities. Note that «دوشنبه» is also the Persian word for Monday: the
gazetteer always reads it as the city; date parsing reads it as the weekday.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Collection, Iterable

import pandas as pd
from ruamel.yaml import YAML
from babel import Locale
from babel.dates import get_timezone, get_timezone_location
from rapidfuzz import fuzz, process

from .text import fold

__all__ = ["Resolution", "Gazetteer", "FUZZY_CUTOFF", "FUZZY_MARGIN", "FUZZY_MIN_LENGTH", "LANGUAGES"]

LANGUAGES = ("en", "fa", "ar", "ru")
FUZZY_CUTOFF = 85.0
FUZZY_MARGIN = 5.0
FUZZY_MIN_LENGTH = 5
_PSEUDO_REGIONS = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}
_KIND_RANK = {"country": 1, "city": 2}
_PREFIXES = [
    fold(p)
    for p in (
        "the republic of",
        "republic of",
        "the",
        "جمهوری",
        "جمهوری اسلامی",
        "جمهورية",
        "الجمهورية",
        "کشور",
        "کشورهای",
        "دولت",
        "دولة",
        "بلاد",
        "شهر",
        "مدينة",
        "city of",
        "state of",
        "республика",
        "город",
    )
]
_PREFIXES.sort(key=len, reverse=True)
_ID = re.compile(r"^[a-z]+:[\w.\-]+$")
_TOKEN = re.compile(r"(?:[^\W_]|[\u200c\u200d\u0640\u064B-\u065F\u0670])+(?:[-'’](?:[^\W_])+)*")
_CONJUNCTION = ("و",)  # Arabic/Persian "and", written joined to the next word


@dataclass(frozen=True, slots=True)
class Resolution:
    """The outcome of resolving one name."""

    id: str | None
    kind: str | None
    label: str | None
    method: str  # "id" | "exact" | "fuzzy" | "unresolved"
    score: float
    matched: str | None
    suggestions: tuple[str, ...] = ()


class Gazetteer:
    """Names → ids for countries, cities and registered entities (see the module doc)."""

    def __init__(self) -> None:
        self._ids: dict[str, tuple[str, str]] = {}  # id → (kind, English label)
        self._names: dict[str, list[tuple[str, str]]] = {}  # id → [(lang, name)]
        self._keys: dict[str, list[str]] = {}  # folded name → ids (best first)
        self._max_tokens = 1
        self._choices: dict[tuple[str, ...] | None, tuple[list[str], list[str]]] = {}

    # --- building ------------------------------------------------------------------------

    @classmethod
    def default(cls) -> "Gazetteer":
        """The built-in gazetteer (CLDR + places.yaml), built once per process; returns a copy."""
        return _default().copy()

    def copy(self) -> "Gazetteer":
        other = Gazetteer()
        other._ids = dict(self._ids)
        other._names = {k: list(v) for k, v in self._names.items()}
        other._keys = {k: list(v) for k, v in self._keys.items()}
        other._max_tokens = self._max_tokens
        return other

    def add_entity(self, id: str, kind: str, names: Iterable[str], label: str | None = None) -> None:
        """Register ``id`` of ``kind`` under ``names`` (any language); the first name is its label."""
        names = [n for n in names if n and str(n).strip()]
        if id not in self._ids:
            self._ids[id] = (kind, label or (names[0] if names else id))
            self._names[id] = []
        for name in names:
            self._add_name(id, kind, str(name), lang=None)
        self._choices.clear()

    def _add_name(self, id: str, kind: str, name: str, lang: str | None) -> None:
        key = fold(name)
        if not key:
            return
        self._names[id].append((lang or "", name))
        ids = self._keys.setdefault(key, [])
        if id not in ids:
            ids.append(id)
            ids.sort(key=lambda i: _KIND_RANK.get(self._ids[i][0], 0))
        self._max_tokens = max(self._max_tokens, len(key.split()))

    # --- queries -------------------------------------------------------------------------

    def label(self, id: str, lang: str = "en") -> str:
        """Display label of ``id`` (English by default); the id itself when unknown."""
        if id not in self._ids:
            return id
        if lang != "en":
            for name_lang, name in self._names.get(id, []):
                if name_lang == lang:
                    return name
        return self._ids[id][1]

    def kind(self, id: str) -> str | None:
        return self._ids.get(id, (None, None))[0]

    def names_of(self, id: str, lang: str | None = None) -> list[str]:
        """Every registered name of ``id`` (in ``lang`` only, when given)."""
        return [n for l, n in self._names.get(id, []) if lang is None or l == lang]

    def _pick(self, ids: list[str], kinds: Collection[str] | None) -> str | None:
        for i in ids:
            if kinds is None or self._ids[i][0] in kinds:
                return i
        return None

    def _exact(self, key: str, kinds: Collection[str] | None) -> tuple[str | None, str | None]:
        hit = self._pick(self._keys.get(key, []), kinds)
        if hit:
            return hit, key
        for prefix in _PREFIXES:
            if key.startswith(prefix + " "):
                rest = key[len(prefix) + 1 :]
                hit = self._pick(self._keys.get(rest, []), kinds)
                if hit:
                    return hit, rest
        return None, None

    def _choice_list(self, kinds: Collection[str] | None) -> tuple[list[str], list[str]]:
        cache_key = tuple(sorted(kinds)) if kinds is not None else None
        if cache_key not in self._choices:
            keys, owners = [], []
            for key, ids in self._keys.items():
                owner = self._pick(ids, kinds)
                if owner:
                    keys.append(key)
                    owners.append(owner)
            self._choices[cache_key] = (keys, owners)
        return self._choices[cache_key]

    def _fuzzy(self, key: str, kinds: Collection[str] | None) -> tuple[Resolution | None, tuple[str, ...]]:
        keys, owners = self._choice_list(kinds)
        if not keys:
            return None, ()
        found = process.extract(key, keys, scorer=fuzz.ratio, limit=12)
        best_by_owner: dict[str, tuple[float, str]] = {}
        for choice, score, idx in found:
            owner = owners[idx]
            if owner not in best_by_owner or score > best_by_owner[owner][0]:
                best_by_owner[owner] = (score, choice)
        ranked = sorted(best_by_owner.items(), key=lambda kv: -kv[1][0])
        suggestions = tuple(f"{self.label(o)} ({o})" for o, _ in ranked[:3])
        if len(key.replace(" ", "")) < FUZZY_MIN_LENGTH or not ranked:
            return None, suggestions
        (owner, (score, choice)) = ranked[0]
        runner_up = ranked[1][1][0] if len(ranked) > 1 else 0.0
        if score >= FUZZY_CUTOFF and score - runner_up >= FUZZY_MARGIN:
            return Resolution(owner, self._ids[owner][0], self.label(owner), "fuzzy", float(score), choice, suggestions), suggestions
        return None, suggestions

    def resolve(self, name: str, kinds: Collection[str] | None = None, fuzzy: bool = True) -> Resolution:
        """Resolve one name (see the module documentation for the order of attempts)."""
        text = str(name).strip()
        if _ID.match(text) and text in self._ids and (kinds is None or self._ids[text][0] in kinds):
            return Resolution(text, self._ids[text][0], self.label(text), "id", 100.0, text)
        key = fold(text)
        hit, matched = self._exact(key, kinds)
        if hit:
            return Resolution(hit, self._ids[hit][0], self.label(hit), "exact", 100.0, matched)
        if not key:
            return Resolution(None, None, None, "unresolved", 0.0, None)
        res, suggestions = self._fuzzy(key, kinds) if fuzzy else (None, ())
        if res is not None:
            return res
        return Resolution(None, None, None, "unresolved", 0.0, None, suggestions)

    def resolve_many(self, names: pd.Series, kinds: Collection[str] | None = None) -> pd.DataFrame:
        """Resolve a Series of names; each distinct name is resolved once.

        Returns a frame aligned with ``names``: id, kind, label, method, score, matched.
        """
        cols = ["id", "kind", "label", "method", "score", "matched"]
        if names.empty:
            return pd.DataFrame(columns=cols, index=names.index)
        uniq = pd.unique(names.astype(str))
        table = pd.DataFrame(
            [[getattr(r, c) for c in cols] for r in (self.resolve(n, kinds) for n in uniq)],
            columns=cols,
            index=uniq,
        )
        out = table.reindex(names.astype(str).values)
        out.index = names.index
        return out

    def find_all(self, text: str, kinds: Collection[str] | None = None) -> list[tuple[int, int, str]]:
        """Mentions of known names in free text: ``(start, end, id)``, longest match first.

        Matching is exact on folded word sequences (no prefix stripping, no fuzzy matching
        in running text); at each position the longest name wins, so «روسيا البيضاء» is
        Belarus, not Russia. A conjunction «و» joined to a name («وروسيا») is skipped.
        """
        tokens = [(m.start(), m.end(), fold(m.group())) for m in _TOKEN.finditer(text)]
        out = []
        i = 0
        while i < len(tokens):
            match = self._longest_at(tokens, i, kinds)
            if match is None and tokens[i][2][:1] in _CONJUNCTION and len(tokens[i][2]) > 3:
                # «وروسيا»: try again without the joined conjunction.
                start, end, key = tokens[i]
                shifted = [(start + 1, end, key[1:]), *tokens[i + 1 :]]
                match = self._longest_at(shifted, 0, kinds)
                if match is not None:
                    n, hit = match
                    out.append((start + 1, shifted[n - 1][1], hit))
                    i += n
                    continue
            if match is None:
                i += 1
                continue
            n, hit = match
            out.append((tokens[i][0], tokens[i + n - 1][1], hit))
            i += n
        return out

    def _longest_at(self, tokens: list[tuple[int, int, str]], i: int, kinds: Collection[str] | None) -> tuple[int, str] | None:
        """The longest registered name starting at token ``i``: (number of tokens, id)."""
        for n in range(min(self._max_tokens, len(tokens) - i), 0, -1):
            key = " ".join(t[2] for t in tokens[i : i + n])
            hit = self._pick(self._keys.get(key, []), kinds)
            if hit:
                return n, hit
        return None


@lru_cache(maxsize=1)
def _default() -> Gazetteer:
    gaz = Gazetteer()
    data = YAML(typ="safe").load(resources.files("reconcile").joinpath("data/places.yaml").read_text(encoding="utf-8"))
    locales = {lang: Locale.parse(lang) for lang in LANGUAGES}
    english = locales["en"].territories
    for code in sorted(english):
        if len(code) != 2 or not code.isalpha() or code in _PSEUDO_REGIONS:
            continue
        cid = f"country:{code}"
        gaz._ids[cid] = ("country", english[code])
        gaz._names[cid] = []
        for lang, loc in locales.items():
            name = loc.territories.get(code)
            if name:
                gaz._add_name(cid, "country", name, lang)
    for code, aliases in (data.get("countries") or {}).items():
        cid = f"country:{code}"
        for alias in aliases:
            gaz._add_name(cid, "country", str(alias), None)
    for city in data.get("cities") or []:
        cid = city["id"]
        gaz._ids[cid] = ("city", city["label"])
        gaz._names[cid] = []
        if city.get("tz"):
            zone = get_timezone(city["tz"])
            for lang in LANGUAGES:
                gaz._add_name(cid, "city", get_timezone_location(zone, locale=lang, return_city=True), lang)
        for name in city.get("names") or []:
            gaz._add_name(cid, "city", str(name), None)
    return gaz
