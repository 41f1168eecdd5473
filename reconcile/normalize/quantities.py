"""Quantities: an amount, a unit and an approximation marker, read from many notations.

The value
---------
A :class:`Quantity` is ``amount`` (float), ``unit`` (canonical code such as ``person``,
``t``, ``state``, or the unit words as written, or None) and ``approx``, one of
:data:`APPROX`:

=============  ====================================================================
``exact``      "1500", «1500 فرد»
``about``      about / approximately / around / roughly / some / nearly / ~ / ≈;
               «حدود، در حدود، حدوداً، تقریباً، قریب به، نزدیک به»;
               «حوالي، نحو، قرابة، تقريباً، زهاء، ما يقارب، ما يقرب من»;
               «около, примерно, приблизительно, порядка, почти»
``more_than``  more than / over / above / in excess of / >; «بیش از، بیشتر از، افزون بر،
               متجاوز از»; «أكثر من، ما يزيد على/عن، يزيد على، أزيد من، ما يفوق، فوق»;
               «более, свыше, больше»
``less_than``  less than / fewer than / under / below / <; «کمتر از، زیر»;
               «أقل من، ما يقل عن، دون»; «менее, меньше»
``at_least``   at least / no fewer than / not less than / ≥, and after the figure "or
               more" / "+"; «دست کم، حداقل، لااقل»، «و بیشتر، یا بیشتر»;
               «على الأقل، لا يقل عن، ما لا يقل عن»، «أو أكثر»; «не менее, как минимум,
               по меньшей мере»، «и более»
``at_most``    up to / at most / no more than / ≤, "or less"; «تا، حداکثر»;
               «حتى، ما يصل إلى، لا يزيد عن، على الأكثر»، «أو أقل»; «до, не более, максимум»
=============  ====================================================================

:meth:`Quantity.interval` turns a quantity into the range of values it allows.

What :func:`parse_quantity` reads
---------------------------------
* **numbers**: ``int``/``float`` (also numpy scalars, ``Decimal``); ``bool``, NaN and
  infinities are rejected;
* **mappings** ``{"amount": 3600, "unit": "person", "approx": "about"}``: ``amount`` is
  required and may itself be a number or a phrase; ``unit`` and ``approx`` are optional,
  other keys are an error. A given ``approx`` must agree with a qualifier in the phrase;
* **phrases** in English, Persian, Arabic and Russian, the shape being
  ``[qualifier] NUMBER [scale…] [qualifier] [unit words]``:

  - digits in any script (ASCII, Persian ``۰-۹``, Arabic-Indic ``٠-٩``); decimals with
    ``.`` or ``٫`` (and ``,`` or ``،`` when *not* followed by exactly three digits, as
    Russian writes "3,6 тыс."); thousands separators ``,``, ``٬``, a space, NBSP or thin
    space between groups of three ("3,600", "۳٬۶۰۰", "20 000"). ``.`` is always a decimal
    point. Amounts are computed in decimal, so «3.6 ألف» is exactly 3600.0;
  - scale words: thousand, million, billion, k; «هزار، میلیون، میلیارد»; «ألف، آلاف،
    ألفاً، مليون، ملايين، مليار» and the duals «ألفان/ألفين» (2000), «مليونان/مليونين»;
    «тыс., тысяча, тысячи, тысяч, млн, миллион…»: "3.6 thousand", «حوالي 3.6 ألف» → 3600;
  - number words: one … nineteen, the tens, hundred (en); «یک … نوزده، بیست … نود، صد،
    دویست … نهصد» (fa); «واحد … عشرة» in both genders («ستة/ست، سبعة/سبع»), «أحد عشر،
    اثنا عشر», «ثلاثة عشر»…, «عشرون … تسعون», «مائة/مئة، مائتان، ثلاثمائة…» (ar); «один …
    двенадцать, двадцать … девяносто, сто» (ru). Compounds add up ("twenty-five",
    «بیست و پنج», «خمسة وعشرون»), and a hundred or a scale multiplies ("three hundred",
    «شش هزار», «عشرين ألفاً»). A figure after a scale continues it («۲۰ هزار و ۵۰۰» →
    20500);
  - percent (``%``, percent, «درصد», «بالمئة/في المائة», «процентов») → unit ``percent``;
  - unit words after the figure: personnel words → ``person`` (person, people, personnel,
    troops, soldiers; «نفر، فرد، افراد، نیرو، سرباز، نظامی»; «فرد، أفراد، شخص، أشخاص، عسكري،
    جندي، جنود، عنصر، مقاتل»; «человек, военнослужащих, солдат»); tonnes → ``t`` (t,
    ton(ne)s; «تن»; «طن، طناً، أطنان»; «тонн»); states/countries → ``state`` («کشور،
    دولت»; «دولة، دول، بلد، بلدان»; «государств, страны»); battalions, years, items,
    treaties, decisions likewise (:data:`UNIT_WORDS`). An Arabic article or prefix and the
    accusative ending are ignored («العسكريين», «طناً»). The first three words after the
    figure are searched for a known unit word ("3,600 Russian troops" → ``person``);
    otherwise the words are kept, folded, as the unit ("12 helicopters" →
    ``"helicopters"``), and with no words the ``unit`` argument (the property's unit) is
    used.

  Persian «تن» is mapped to tonnes as specified, although Persian news also uses it as a
  counter for people («۲۰ تن از نیروها»); give such claims with «نفر» or as a mapping.

Not read, with :class:`QuantityError`: two figures ("12 and 13", "3-5", "4 of the 6
members": the claim writer decides what they mean), words before the figure that are not a
qualifier, qualifiers that disagree ("about 3,600 or more"), empty text.

Vectorized: :func:`normalize_quantities`; for claim frames, :func:`plausible_range` and
:func:`ranges_overlap` compute the same intervals as :meth:`Quantity.interval` with numpy.
"""

from __future__ import annotations

import json
import math
import numbers
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Hashable, Mapping

import numpy as np
import pandas as pd

from reconcile.base.fieldspec import excerpt
from .text import fold, fold_digits

__all__ = [
    "APPROX",
    "ABOUT_MARGIN",
    "COUNT_UNITS",
    "counts_things",
    "Quantity",
    "QuantityError",
    "parse_quantity",
    "normalize_quantities",
    "plausible_range",
    "ranges_overlap",
]

APPROX = ("exact", "about", "more_than", "less_than", "at_least", "at_most")
ABOUT_MARGIN = 0.1
"""How far "about N" may stray from N, as a fraction of N (the quantity-mismatch rule's
``about_margin`` default, so the intervals here and the rule's agree)."""
_OPEN_EPS_REL, _OPEN_EPS_ABS = 1e-9, 1e-12
QUANTITY_EXPECTED = "expected a number or a phrase such as '1500', 'about 3,600 personnel' or «حوالي 3.6 ألف فرد»"
FINITE_EXPECTED = "figures are finite numbers up to about 1.8e308"


class QuantityError(ValueError):
    """A value that is not a quantity; the message names it and says what was expected."""


# --- the value ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Quantity:
    """An amount with an optional unit and how exactly the source stated it."""

    amount: float
    unit: str | None = None
    approx: str = "exact"

    def __post_init__(self) -> None:
        if self.approx not in APPROX:
            raise ValueError(f"approximation {self.approx!r} unknown (expected one of {', '.join(APPROX)})")
        object.__setattr__(self, "amount", float(self.amount))

    def interval(self, rel_tol: float = 0.0, about_margin: float = ABOUT_MARGIN) -> tuple[float, float]:
        """The values this quantity allows, as ``(low, high)``, both included:

        * ``exact``: ``a ± |a|·rel_tol``;
        * ``about``: ``a ± |a|·max(rel_tol, about_margin)`` (10 % by default);
        * ``at_least``: ``[a, +inf]``; ``at_most``: ``[-inf, a]``;
        * ``more_than``: ``(a, +inf]`` and ``less_than``: ``[-inf, a)``, the open end
          represented as ``a`` moved outward by ``|a|·1e-9 + 1e-12`` so that closed-interval
          comparisons are right ("more than 20,000" excludes exactly 20,000).

        ``rel_tol`` (the property's tolerance) widens exact and approximate figures only: a
        bound given by "more than" / "at most" is taken as stated.
        """
        low, high = _bounds(
            np.array([self.amount]), np.array([self.approx], dtype=object), np.array([rel_tol]), about_margin
        )
        return float(low[0]), float(high[0])

    def label(self) -> str:
        """Reader-facing text: "about 3,600 personnel", "more than 20,000", "245 t"."""
        words = {"exact": "", "about": "about ", "more_than": "more than ", "less_than": "less than ",
                 "at_least": "at least ", "at_most": "at most "}
        unit = ""
        if self.unit == "percent":
            unit = "%"
        elif self.unit:
            singular, plural = _UNIT_LABELS.get(self.unit, (self.unit, self.unit))
            unit = " " + (singular if self.amount == 1 else plural)
        return f"{words[self.approx]}{self.amount:,.12g}{unit}"


_UNIT_LABELS = {
    "person": ("person", "personnel"),
    "state": ("state", "states"),
    "battalion": ("battalion", "battalions"),
    "item": ("item", "items"),
    "year": ("year", "years"),
    "treaty": ("treaty", "treaties"),
    "decision": ("decision", "decisions"),
}


def _bounds(
    amount: np.ndarray, approx: np.ndarray, tol: np.ndarray, about_margin: float
) -> tuple[np.ndarray, np.ndarray]:
    """Vectorized :meth:`Quantity.interval` (one implementation for scalars and frames)."""
    a = amount.astype(float)
    approx = approx.astype(object)
    tol = np.nan_to_num(tol.astype(float), nan=0.0)
    width = np.where(approx == "about", np.maximum(tol, about_margin), tol)
    low, high = a - np.abs(a) * width, a + np.abs(a) * width
    eps = np.abs(a) * _OPEN_EPS_REL + _OPEN_EPS_ABS
    low = np.select([approx == "more_than", approx == "at_least", np.isin(approx, ["less_than", "at_most"])],
                    [a + eps, a, -np.inf], low)
    high = np.select([approx == "less_than", approx == "at_most", np.isin(approx, ["more_than", "at_least"])],
                     [a - eps, a, np.inf], high)
    return low, high


# --- vocabulary --------------------------------------------------------------------------

QUALIFIERS: dict[str, tuple[str, ...]] = {
    "about": (
        "about", "approximately", "approx", "around", "roughly", "some", "nearly", "almost", "circa", "ca",
        "حدود", "در حدود", "حدودا", "حدوداً", "تقریبا", "تقریباً", "قریب به", "نزدیک به",
        "حوالي", "حوالى", "نحو", "قرابة", "تقريبا", "تقريباً", "زهاء", "ما يقارب", "ما يقرب من", "يقارب",
        "около", "примерно", "приблизительно", "порядка", "почти",
    ),
    "more_than": (
        "more than", "over", "above", "in excess of", "upwards of", "upward of",
        "بیش از", "بیشتر از", "افزون بر", "متجاوز از",
        "أكثر من", "ما يزيد على", "ما يزيد عن", "يزيد على", "يزيد عن", "أزيد من", "ما يفوق", "يفوق", "فوق",
        "ما يربو على", "أكثر",
        "более", "свыше", "больше",
    ),
    "less_than": (
        "less than", "fewer than", "under", "below",
        "کمتر از", "زیر",
        "أقل من", "ما يقل عن", "دون",
        "менее", "меньше",
    ),
    "at_least": (
        "at least", "no fewer than", "no less than", "not less than", "not fewer than", "a minimum of",
        "دست کم", "دستکم", "حداقل", "لااقل", "لا اقل",
        "على الأقل", "لا يقل عن", "ما لا يقل عن", "لا تقل عن",
        "не менее", "не меньше", "как минимум", "по меньшей мере", "минимум",
    ),
    "at_most": (
        "up to", "at most", "no more than", "not more than", "a maximum of",
        "تا", "حداکثر", "حداکثر تا",
        "حتى", "ما يصل إلى", "يصل إلى", "لا يزيد عن", "لا يزيد على", "على الأكثر",
        "до", "не более", "не больше", "максимум",
    ),
}
"""Qualifiers written before the figure, by approximation."""

POST_QUALIFIERS: dict[str, tuple[str, ...]] = {
    "about": ("approximately", "or so", "roughly", "تقریبا", "تقریباً", "تقريبا", "تقريباً", "примерно"),
    "at_least": (
        "or more", "and more", "at least", "plus", "و بیشتر", "یا بیشتر", "و بیش", "أو أكثر", "وأكثر",
        "و أكثر", "على الأقل", "и более", "или более", "и больше", "с лишним", "с небольшим",
    ),
    "at_most": ("or less", "or fewer", "at most", "یا کمتر", "أو أقل", "على الأكثر", "и менее", "или меньше"),
}
"""Qualifiers written after the figure (or after its scale word)."""

SCALES: dict[str, tuple[str, ...]] = {
    "1000": ("thousand", "thousands", "k", "هزار", "ألف", "آلاف", "ألفا", "ألفاً", "الف",
             "тыс", "тысяча", "тысячи", "тысяч", "тысячу"),
    "1000000": ("million", "millions", "mn", "میلیون", "مليون", "ملايين", "مليونا", "مليوناً",
                "млн", "миллион", "миллиона", "миллионов"),
    "1000000000": ("billion", "billions", "bn", "میلیارد", "مليار", "مليارات", "млрд", "миллиард", "миллиарда",
                   "миллиардов"),
}

NUMBER_WORDS: dict[int, tuple[str, ...]] = {
    1: ("one", "a single", "یک", "واحد", "واحدة", "أحد", "إحدى", "один", "одна", "одно"),
    2: ("two", "دو", "اثنان", "اثنين", "اثنتان", "اثنتين", "اثنا", "اثني", "اثنتا", "اثنتي", "два", "две"),
    3: ("three", "سه", "ثلاثة", "ثلاث", "три"),
    4: ("four", "چهار", "أربعة", "أربع", "четыре"),
    5: ("five", "پنج", "خمسة", "خمس", "пять"),
    6: ("six", "شش", "ستة", "ست", "шесть"),
    7: ("seven", "هفت", "سبعة", "سبع", "семь"),
    8: ("eight", "هشت", "ثمانية", "ثماني", "ثمان", "восемь"),
    9: ("nine", "نه", "تسعة", "تسع", "девять"),
    10: ("ten", "ده", "عشرة", "عشر", "десять"),
    11: ("eleven", "یازده", "одиннадцать"),
    12: ("twelve", "a dozen", "dozen", "دوازده", "двенадцать"),
    13: ("thirteen", "سیزده", "тринадцать"),
    14: ("fourteen", "چهارده", "четырнадцать"),
    15: ("fifteen", "پانزده", "پونزده", "пятнадцать"),
    16: ("sixteen", "شانزده", "шестнадцать"),
    17: ("seventeen", "هفده", "семнадцать"),
    18: ("eighteen", "هجده", "هیجده", "восемнадцать"),
    19: ("nineteen", "نوزده", "девятнадцать"),
    20: ("twenty", "بیست", "عشرون", "عشرين", "двадцать"),
    30: ("thirty", "سی", "ثلاثون", "ثلاثين", "тридцать"),
    40: ("forty", "چهل", "أربعون", "أربعين", "сорок"),
    50: ("fifty", "پنجاه", "خمسون", "خمسين", "пятьдесят"),
    60: ("sixty", "شصت", "ستون", "ستين", "шестьдесят"),
    70: ("seventy", "هفتاد", "سبعون", "سبعين", "семьдесят"),
    80: ("eighty", "هشتاد", "ثمانون", "ثمانين", "восемьдесят"),
    90: ("ninety", "نود", "تسعون", "تسعين", "девяносто"),
    100: ("a hundred", "hundred", "صد", "یکصد", "مائة", "مئة", "сто"),
    200: ("دویست", "مائتان", "مائتين", "مئتان", "مئتين", "двести"),
    300: ("سیصد", "ثلاثمائة", "ثلاثمئة", "триста"),
    400: ("چهارصد", "أربعمائة", "أربعمئة", "четыреста"),
    500: ("پانصد", "خمسمائة", "خمسمئة", "пятьсот"),
    600: ("ششصد", "ستمائة", "ستمئة", "шестьсот"),
    700: ("هفتصد", "سبعمائة", "سبعمئة", "семьсот"),
    800: ("هشتصد", "ثمانمائة", "ثمانمئة", "восемьсот"),
    900: ("نهصد", "تسعمائة", "تسعمئة", "девятьсот"),
    2000: ("ألفان", "ألفين", "الفين"),
    2000000: ("مليونان", "مليونين"),
}
"""Number words; 100 multiplies what precedes it ("three hundred"), other values add up."""

UNIT_WORDS: dict[str, tuple[str, ...]] = {
    "person": (
        "person", "persons", "people", "personnel", "military personnel", "troops", "troop", "soldiers",
        "servicemen", "service members", "servicemembers", "men", "fighters", "officers", "staff", "trainees",
        "نفر", "فرد", "افراد", "نیرو", "نیروی", "نیروها", "سرباز", "سربازان", "نظامی", "نظامیان", "پرسنل",
        "شخص", "أشخاص", "أفراد", "فردا", "عسكري", "عسكريا", "عسكريين", "جندي", "جنود", "عنصر", "عناصر",
        "مقاتل", "مقاتلين", "مقاتلا", "منتسب",
        "человек", "человека", "военнослужащих", "военнослужащий", "военных", "солдат", "бойцов",
    ),
    "t": ("t", "ton", "tons", "tonne", "tonnes", "metric tons", "تن", "طن", "أطنان", "тонн", "тонны", "тонна", "т"),
    "state": (
        "state", "states", "member states", "country", "countries", "nations",
        "کشور", "کشورها", "کشورهای", "دولت", "دولة", "دول", "بلد", "بلدان", "بلاد",
        "государств", "государства", "государство", "страны", "стран", "страна",
    ),
    "battalion": ("battalion", "battalions", "گردان", "كتيبة", "كتائب", "батальон", "батальона", "батальонов"),
    "year": ("year", "years", "سال", "سنة", "سنوات", "أعوام", "عاما", "год", "года", "лет"),
    "item": ("item", "items", "pieces", "units", "قطعه", "عدد", "قطعة", "قطع", "единиц", "штук"),
    "treaty": ("treaty", "treaties", "agreements", "معاهده", "توافقنامه", "معاهدة", "اتفاقية", "اتفاقيات",
               "договор", "договоров", "соглашений"),
    "decision": ("decision", "decisions", "تصمیم", "مصوبه", "قرار", "قرارات", "решение", "решений"),
    "percent": ("percent", "per cent", "pct", "درصد", "بالمئة", "بالمائة", "في المائة", "في المئة", "процентов",
                "процента", "процент"),
}
"""Unit words → canonical unit code."""

FILLERS = ("a", "an", "the", "of", "a total of", "total", "in total", "از", "من", "مجموعا", "مجموعه", "всего", "из")
"""Words skipped around the figure ("a total of 20 thousand", «20 ألفاً من الجنود»)."""

_CONNECTORS = ("and", "و", "и")
_ARABIC_PREFIXES = ("وال", "بال", "لل", "ال", "و", "ب", "ل")
_NUM = "zznumzz"
_PERCENT = "zzpercentzz"

Lexicon = dict[tuple[str, ...], tuple[str, Any]]


@lru_cache(maxsize=1)
def _lexicon() -> tuple[Lexicon, int]:
    """Folded word sequences → (kind, value): qual, post, scale, word (number), unit,
    connector, filler. Earlier kinds win a clash. Also the longest sequence length."""
    lex: Lexicon = {}

    def put(word: str, entry: tuple[str, Any]) -> None:
        key = tuple(fold(word).split())
        if key:
            lex.setdefault(key, entry)

    for approx, words in QUALIFIERS.items():
        for w in words:
            put(w, ("qual", approx))
    for approx, words in POST_QUALIFIERS.items():
        for w in words:
            put(w, ("post", approx))
    for factor, words in SCALES.items():
        for w in words:
            put(w, ("scale", Decimal(factor)))
    for value, words in NUMBER_WORDS.items():
        for w in words:
            put(w, ("word", value))
    for unit, words in UNIT_WORDS.items():
        for w in words:
            put(w, ("unit", unit))
    put(_PERCENT, ("unit", "percent"))
    for w in _CONNECTORS:
        put(w, ("connector", None))
    for w in FILLERS:
        put(w, ("filler", None))
    return lex, max(map(len, lex))


def _post_lexicon() -> dict[tuple[str, ...], str]:
    """Post-qualifiers only (some words are also pre-qualifiers: «تقريباً», "at least")."""
    return {tuple(fold(w).split()): approx for approx, words in POST_QUALIFIERS.items() for w in words}


_POST = _post_lexicon()


def _unit_of(word: str, lex: Lexicon) -> str | None:
    """Canonical unit of a word, also without an Arabic article/prefix or accusative alif."""
    candidates = [word]
    if re.match(r"[\u0600-\u06ff]", word):
        stems = [word[len(p):] for p in _ARABIC_PREFIXES if word.startswith(p) and len(word) - len(p) >= 2]
        candidates += stems
        candidates += [w[:-1] for w in [word, *stems] if w.endswith("ا") and len(w) > 2]
    for w in candidates:
        entry = lex.get((w,))
        if entry and entry[0] == "unit":
            return entry[1]
    return None


# --- phrases -----------------------------------------------------------------------------

_GROUP_SEP = "[,\u066c\u00a0\u202f\u2009 ]"
_NUMBER = re.compile(
    rf"(?<![\d.])(?:(?<![\w.])(?P<sign>[-\u2212]))?(?P<int>\d{{1,3}}(?P<sep>{_GROUP_SEP})\d{{3}}(?!\d)(?:(?P=sep)\d{{3}}(?!\d))*|\d+)"
    r"(?:(?P<dec>[.,\u060c])(?P<frac>\d+))?(?![\d])"
)
_SYMBOLS = [
    (re.compile(r"(?<=\d)\s*\+"), " or more "),
    (re.compile(r"[≥⩾]|>="), " at least "),
    (re.compile(r"[≤⩽]|<="), " at most "),
    (re.compile(r">"), " more than "),
    (re.compile(r"<"), " less than "),
    (re.compile(r"[~≈∼]"), " about "),
    (re.compile(r"[%٪]"), f" {_PERCENT} "),
]


def _literal(match: re.Match[str]) -> Decimal:
    """The value of one number literal (see the module doc for separators), negative after
    a minus sign (``-`` or ``−``) that follows no letter, digit or point ("-5", not the
    "-6" of "5-6" or the "-72" of "T-72")."""
    integer = re.sub(_GROUP_SEP, "", match.group("int"))
    frac = match.group("frac")
    if frac is not None and match.group("dec") != "." and match.group("sep") is None and len(frac) == 3:
        # "1234,567": a comma before three digits that the grouping pattern did not take
        integer, frac = integer + frac, None
    value = Decimal(f"{integer}.{frac}" if frac else integer)
    return -value if match.group("sign") else value


def _words_and_numbers(text: str) -> tuple[list[str], list[Decimal]]:
    """Folded words of ``text`` with each number literal replaced by a placeholder word."""
    s = fold_digits(unicodedata.normalize("NFKC", text))
    for pattern, replacement in _SYMBOLS:
        s = pattern.sub(replacement, s)
    numbers = [_literal(m) for m in _NUMBER.finditer(s)]
    s = _NUMBER.sub(f" {_NUM} ", s)
    return fold(s).split(), numbers


def _typed(words: list[str], numbers: list[Decimal]) -> list[tuple[str, Any]]:
    """Words → typed tokens by longest match; number placeholders get their values.
    Each token is ``(kind, value)``, for words ``(kind, (value, words matched))``."""
    lex, longest = _lexicon()
    literal = iter(numbers)
    out: list[tuple[str, Any]] = []
    i = 0
    while i < len(words):
        if words[i] == _NUM:
            out.append(("num", next(literal)))
            i += 1
            continue
        for n in range(min(longest, len(words) - i), 0, -1):
            entry = lex.get(tuple(words[i:i + n]))
            if entry is not None:
                out.append((entry[0], (entry[1], words[i:i + n])))
                i += n
                break
        else:
            word = words[i]
            stripped = word[1:] if word.startswith("و") and len(word) > 2 else None  # «وعشرون»
            entry = lex.get((stripped,)) if stripped else None
            if entry is not None and entry[0] == "word":
                out.append(("connector", (None, ["و"])))
                out.append((entry[0], (entry[1], [stripped])))
            else:
                out.append(("other", (None, [word])))
            i += 1
    return out


class _Figure:
    """Accumulates a figure from literals, number words, hundreds and scales."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.total = Decimal(0)
        self.group: Decimal | None = None
        self.group_kinds: set[str] = set()
        self.last = ""  # kind of the last item: num, word, hundred, scale

    @property
    def started(self) -> bool:
        return self.last != ""

    def _two_figures(self) -> QuantityError:
        return QuantityError(f"{excerpt(self.text)} holds more than one figure ({QUANTITY_EXPECTED}); give one figure")

    def literal(self, value: Decimal) -> None:
        if self.started and self.last != "scale":
            raise self._two_figures()
        self.group, self.group_kinds, self.last = value, {"num"}, "num"

    def word(self, value: int) -> None:
        if value == 100:  # "three hundred", «صد»: multiplies what precedes it
            self.group, self.last = (self.group or Decimal(1)) * 100, "hundred"
            self.group_kinds = {"hundred"}
            return
        # 10 is a "ten" so that Arabic «ثلاثة عشر» (3 + 10) adds up like «بیست و پنج»
        kind = "ten" if value % 10 == 0 and value < 100 else "unit" if value < 100 else "big"
        if "num" in self.group_kinds or kind in self.group_kinds:
            raise self._two_figures()
        self.group = (self.group or Decimal(0)) + value
        self.group_kinds.add(kind)
        self.last = "word"

    def scale(self, factor: Decimal) -> None:
        self.total += (self.group if self.group is not None else Decimal(1)) * factor
        self.group, self.group_kinds, self.last = None, set(), "scale"

    def value(self) -> Decimal:
        return self.total + (self.group or Decimal(0))


def _parse_text(text: str, unit_hint: str | None) -> Quantity:
    words, numbers = _words_and_numbers(text)
    if not words:
        raise QuantityError(f"empty quantity ({QUANTITY_EXPECTED})")
    tokens = _typed(words, numbers)
    approx: str | None = None
    figure = _Figure(text)
    i = 0
    # before the figure: fillers and one qualifier
    while i < len(tokens) and tokens[i][0] in ("qual", "filler", "post"):
        kind, (value, ws) = tokens[i]
        if kind != "filler":
            if approx is not None:
                raise QuantityError(f"{excerpt(text)} has two qualifiers before the figure ({QUANTITY_EXPECTED})")
            approx = value if kind == "qual" else _pre_of_post(tuple(ws), text)
        i += 1
    # the figure
    while i < len(tokens):
        kind, payload = tokens[i]
        if kind == "num":
            figure.literal(payload)
        elif kind == "word":
            figure.word(payload[0])
        elif kind == "scale":
            figure.scale(payload[0])
        elif kind == "connector" and figure.started and i + 1 < len(tokens) and tokens[i + 1][0] in ("num", "word"):
            pass
        else:
            break
        i += 1
    if not figure.started:
        word = " ".join(tokens[i][1][1]) if i < len(tokens) else ""
        where = f": unexpected {excerpt(word)} before the figure" if word else ""
        raise QuantityError(f"{excerpt(text)} is not a quantity{where} ({QUANTITY_EXPECTED})")
    # after the figure: a qualifier, fillers and unit words
    tail_words: list[str] = []
    for kind, payload in tokens[i:]:
        if kind in ("num", "word"):
            raise figure._two_figures()
        post = _POST.get(tuple(payload[1])) if kind in ("post", "qual") else None
        if post is not None:
            if approx is not None and approx != post:
                raise QuantityError(f"{excerpt(text)} has two qualifiers that disagree ({approx} and {post})")
            approx = post
        elif kind != "filler":
            tail_words.extend(payload[1])
    return Quantity(_finite(float(figure.value()), text), _unit(tail_words, unit_hint), approx or "exact")


def _pre_of_post(words: tuple[str, ...], text: str) -> str:
    """A post-qualifier written first is a pre-qualifier only if it means the same there."""
    approx = _POST.get(words)
    if approx in ("about", "at_least", "at_most") and words[0] not in ("or", "and", "plus"):
        return approx
    raise QuantityError(f"{excerpt(text)}: {excerpt(' '.join(words))} belongs after the figure ({QUANTITY_EXPECTED})")


def _unit(words: list[str], hint: str | None) -> str | None:
    """Canonical unit from the words after the figure, else those words, else ``hint``."""
    if not words:
        return hint
    lex, longest = _lexicon()
    for start in range(min(3, len(words))):
        for n in range(min(longest, len(words) - start), 0, -1):
            entry = lex.get(tuple(words[start:start + n]))
            if entry is not None and entry[0] == "unit":
                return entry[1]
        found = _unit_of(words[start], lex)
        if found:
            return found
    return " ".join(words)


# --- numbers and mappings ----------------------------------------------------------------


def _number(value: Any) -> float:
    if isinstance(value, (bool, np.bool_)):
        raise QuantityError(f"{excerpt(value)} is not a quantity ({QUANTITY_EXPECTED})")
    try:
        amount = float(value)
    except (TypeError, ValueError, InvalidOperation):
        raise QuantityError(f"{excerpt(value)} is not a quantity ({QUANTITY_EXPECTED})") from None
    except OverflowError:  # a whole number beyond the range of floats
        amount = math.inf
    return _finite(amount, value)


def _finite(amount: float, written: Any) -> float:
    """``amount`` when it is a finite float; a :class:`QuantityError` quoting the value as
    ``written`` otherwise (NaN, an infinity, a figure beyond about 1.8e308)."""
    if not math.isfinite(amount):
        raise QuantityError(f"{excerpt(written)} is not a finite number ({FINITE_EXPECTED})")
    return amount


#: Canonical units that count things (people, states, battalions, items, treaties,
#: decisions): a count is never negative. Units of measure (tonnes, years, percent) and
#: unit words the vocabulary does not know may be.
COUNT_UNITS = frozenset({"person", "state", "battalion", "item", "treaty", "decision"})


def counts_things(unit: object) -> bool:
    """Whether ``unit`` (a canonical code or a unit word, such as a property's ``unit``:
    ``person``, ``people``, «نفر») is one of :data:`COUNT_UNITS`."""
    return isinstance(unit, str) and bool(unit.strip()) and _canonical_unit(unit) in COUNT_UNITS


def _canonical_unit(unit: str) -> str:
    """A unit given as data: canonical code when it is a known unit word, else as given."""
    lex, _ = _lexicon()
    entry = lex.get(tuple(fold(unit).split()))
    if entry is not None and entry[0] == "unit":
        return entry[1]
    return _unit_of(fold(unit), lex) or unit


def _from_mapping(value: Mapping[str, Any], unit_hint: str | None) -> Quantity:
    unknown = set(value) - {"amount", "unit", "approx"}
    if unknown or "amount" not in value:
        raise QuantityError(f"{excerpt(dict(value))} is not a quantity (expected keys amount and optionally unit, approx)")
    approx = value.get("approx")
    if approx is not None and approx not in APPROX:
        raise QuantityError(f"approximation {excerpt(approx)} unknown (expected one of {', '.join(APPROX)})")
    unit = _canonical_unit(str(value["unit"])) if value.get("unit") is not None else None
    base = _parse_scalar(value["amount"], unit or unit_hint)
    if approx is not None and base.approx not in ("exact", approx):
        raise QuantityError(f"{excerpt(dict(value))}: approx {excerpt(approx)} disagrees with the amount's {base.approx!r}")
    return Quantity(base.amount, unit or base.unit, approx or base.approx)


def parse_quantity(value: Any, unit: str | None = None) -> Quantity:
    """A :class:`Quantity` from a number, a mapping or a phrase (see the module doc).

    ``unit`` is the unit to assume when the value names none (typically the property's
    unit); a unit the value names wins, so callers can detect a mismatch.

    >>> parse_quantity("حوالي 3.6 ألف فرد")
    Quantity(amount=3600.0, unit='person', approx='about')
    """
    if isinstance(value, Mapping):
        return _from_mapping(value, unit)
    return _parse_scalar(value, unit)


def _parse_scalar(value: Any, unit: str | None) -> Quantity:
    """A number or a phrase (not a mapping)."""
    if isinstance(value, (numbers.Number, np.number, np.bool_)):
        return Quantity(_number(value), unit, "exact")
    if isinstance(value, str):
        return _parse_text(value, unit)
    raise QuantityError(f"{excerpt(value)} is not a quantity ({QUANTITY_EXPECTED})")


# --- vectorized --------------------------------------------------------------------------

_PLAIN_FIGURE = r"[0-9]{1,15}(?:\.[0-9]{1,6})?"
"""A figure written with ASCII digits only, which :func:`parse_quantity` reads as an exact
amount in the assumed unit (taken without the parser for speed)."""

QUANTITY_COLUMNS = ("qty_amount", "qty_unit", "qty_approx", "qty_low", "qty_high", "qty_error")


def _hashable(value: Any) -> Any:
    """A key under which equal values meet: mappings by their JSON text, booleans apart
    from 1 and 0 (which compare equal to them), everything else as is."""
    kind = type(value)
    if kind is str or kind is float or kind is int:  # the common cells, without ABC checks
        return value
    if isinstance(value, Mapping):
        try:
            return ("\0mapping", json.dumps(value, sort_keys=True, ensure_ascii=False, default=str))
        except TypeError:  # keys of mixed types cannot be sorted
            return ("\0mapping", repr(value))
    if isinstance(value, (bool, np.bool_)):
        return ("\0bool", bool(value))
    if not isinstance(value, Hashable):
        return ("\0unhashable", repr(value))
    return value


def _codes(values: pd.Series) -> np.ndarray:
    """Integer codes of ``values`` (-1 for missing); equal values share a code.

    ``pd.factorize`` straight away when it can; a per-cell pass through :func:`_hashable`
    only when cells are unhashable (mappings) or a 0/1 among the distinct values may have
    absorbed a boolean (``True == 1`` for hashing).
    """
    if values.dtype != object:
        return pd.factorize(values, use_na_sentinel=True)[0]
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError:
        pass
    else:
        if not any(isinstance(u, numbers.Number) and u in (0, 1) for u in uniques):
            return codes
    keys = pd.Series([_hashable(v) for v in values.array], dtype=object)
    return pd.factorize(keys, use_na_sentinel=True)[0]


def _first_rows(pair: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dense codes 0…k-1 for the non-negative keys of ``pair`` (-1, missing, stays -1) and
    the first row holding each code."""
    valid = pair >= 0
    codes = np.full(len(pair), -1, dtype=np.intp)
    sub_codes, _ = pd.factorize(pair[valid])
    codes[valid] = sub_codes
    _, first = np.unique(sub_codes, return_index=True)  # codes number first appearances
    return codes, np.flatnonzero(valid)[first]


def normalize_quantities(values: pd.Series, units: pd.Series | None = None) -> pd.DataFrame:
    """Parse a Series of quantities (numbers, phrases, mappings); each distinct
    (value, unit) pair is parsed once and the results gathered back with ``numpy.take``.

    ``units``, aligned with ``values`` by position, gives each row's assumed unit (see
    :func:`parse_quantity`). Returns a frame with the index of ``values`` and the columns
    ``qty_amount``, ``qty_low``, ``qty_high`` (float; the interval of
    :meth:`Quantity.interval` with no tolerance), ``qty_unit`` (the unit the value names,
    else the assumed unit), ``qty_approx`` and ``qty_error`` (object, None when missing).
    Missing values (None, NaN) give missing quantities and no error.

    Mappings are unhashable, so an ``object`` Series holding some is keyed cell by cell
    first (a cheap Python pass, see :func:`_codes`); other Series go straight to
    ``pd.factorize``.
    """
    value_codes = _codes(values)
    if units is None:
        unit_codes, unit_uniques = np.zeros(len(values), dtype=np.intp), [None]
    else:
        if len(units) != len(values):
            raise ValueError(f"units has {len(units)} rows, values {len(values)}: they must be aligned")
        unit_codes, unit_uniques = pd.factorize(units.to_numpy(dtype=object), use_na_sentinel=True)
        unit_codes = unit_codes + 1  # 0 = no unit
        unit_uniques = [None, *unit_uniques]
    width = len(unit_uniques)
    pair = np.where(value_codes < 0, -1, value_codes.astype(np.int64) * width + unit_codes)
    codes, first_rows = _first_rows(pair)
    n = len(first_rows)
    amount, low, high = (np.full(n + 1, np.nan) for _ in range(3))  # slot n is what code -1 takes
    unit, approx, error = (np.full(n + 1, None, dtype=object) for _ in range(3))
    raw = values.array
    firsts = pd.Series(np.asarray(raw, dtype=object)[first_rows], dtype=object)
    # Plain figures ("85233", "3.5") need no parser: read them in one vectorized pass.
    plain = firsts.map(type).eq(str).to_numpy() & firsts.where(firsts.map(type).eq(str), "").str.fullmatch(
        _PLAIN_FIGURE
    ).to_numpy(dtype=bool)
    amount[:n][plain] = pd.to_numeric(firsts[plain]).to_numpy(dtype=float)
    approx[:n][plain] = "exact"
    unit[:n][plain] = np.asarray(unit_uniques, dtype=object)[unit_codes[first_rows[plain]]]
    for k in np.flatnonzero(~plain):
        row = first_rows[k]
        try:
            q = parse_quantity(raw[row], unit_uniques[unit_codes[row]])
        except QuantityError as exc:
            error[k] = str(exc)
            continue
        amount[k], unit[k], approx[k] = q.amount, q.unit, q.approx
    parsed = approx != None  # noqa: E711 (element-wise: the rows that parsed)
    low[parsed], high[parsed] = _bounds(amount[parsed], approx[parsed], np.zeros(int(parsed.sum())), ABOUT_MARGIN)
    idx = values.index
    return pd.DataFrame(
        {
            "qty_amount": pd.Series(amount.take(codes), index=idx),
            "qty_unit": pd.Series(unit.take(codes), index=idx, dtype=object),
            "qty_approx": pd.Series(approx.take(codes), index=idx, dtype=object),
            "qty_low": pd.Series(low.take(codes), index=idx),
            "qty_high": pd.Series(high.take(codes), index=idx),
            "qty_error": pd.Series(error.take(codes), index=idx, dtype=object),
        },
        index=idx,
    )


# --- claim frames ------------------------------------------------------------------------


def plausible_range(frame: pd.DataFrame, about_margin: float = ABOUT_MARGIN) -> tuple[pd.Series, pd.Series]:
    """Low and high plausible value of each figure of a claims frame with ``qty_amount``,
    ``qty_approx`` and ``tolerance`` (vectorized :meth:`Quantity.interval`)."""
    low, high = _bounds(
        frame["qty_amount"].to_numpy(dtype=float),
        frame["qty_approx"].to_numpy(dtype=object),
        frame["tolerance"].to_numpy(dtype=float, na_value=np.nan),
        about_margin,
    )
    return pd.Series(low, index=frame.index), pd.Series(high, index=frame.index)


def ranges_overlap(pairs: pd.DataFrame, about_margin: float = ABOUT_MARGIN) -> pd.Series:
    """For a frame of figure pairs (columns ``qty_amount``, ``qty_approx``, ``tolerance``
    suffixed ``_a`` and ``_b``): do the two plausible ranges share a value?"""

    def side(suffix: str) -> pd.DataFrame:
        return pd.DataFrame({c: pairs[f"{c}{suffix}"] for c in ("qty_amount", "qty_approx", "tolerance")})

    low_a, high_a = plausible_range(side("_a"), about_margin)
    low_b, high_b = plausible_range(side("_b"), about_margin)
    return (low_a <= high_b) & (low_b <= high_a)
