"""Dates with precision: ISO values, date phrases in Persian, Arabic, English and Russian.

The value
---------
A :class:`DateValue` is an interval of days, ``start`` to ``end`` inclusive, with the
precision its source gave. Its canonical text (:meth:`DateValue.iso`) keeps that precision:

==========================  ==========================================================
``1992``                    the year 1992 (1992-01-01 … 1992-12-31), precision ``year``
``1992-05``                 May 1992, precision ``month``
``1992-05-15``              one day, precision ``day``
``2015-09-14/2015-09-15``   an explicit range (``is_range``), each end at its own precision
``2016-11/2017``            November 2016 to the end of 2017; the range's ``precision``
                            is the *finer* of its two ends (``month`` here)
==========================  ==========================================================

Two dates *agree* when their intervals share a day (:meth:`DateValue.overlaps`): ``1992``
agrees with ``1992-05-15`` (same fact, told less precisely), ``2015-09-14/2015-09-15``
agrees with ``2015-09-15``, ``1992-05-15`` does not agree with ``1992-05-16``.

ISO text: :func:`parse_iso`
---------------------------
``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` (two-digit month and day) and ranges ``START/END``
whose ends are any of the three, at the same or different precisions. Persian and
Arabic-Indic digits are accepted (``۱۹۹۲-۰۵-۱۵``). Rejected with :class:`DateError`, whose
message says what was wrong and what was expected:

* ``2002-02-30`` → "2002-02-30 is not a real calendar date (February 2002 has 28 days)";
* ``2015-13`` → "2015-13: month 13 does not exist (expected 01-12)";
* ``2015-09-16/2015-09-14`` → the range ends before it starts;
* anything else → "… is not an ISO date (expected an ISO date: YYYY, YYYY-MM, …)".

Date phrases: :func:`parse_date_phrase`
---------------------------------------
The phrase is folded (:func:`reconcile.normalize.text.fold`: Arabic/Persian letter
variants, hamza forms, diacritics, tatweel, ZWNJ, case; digits in any script → ASCII), cut
into words, and read as one of these shapes (``D`` day: one or two digits; ``Y`` year: three
or four digits; ``M`` Gregorian month name; ``S`` Solar Hijri month name; ``–`` a range
word or dash):

=========================  ========================================  ====================
shape                      examples                                  result
=========================  ========================================  ====================
``Y``                      "1992", "in 2012", «في عام 2009»          ``1992`` (year)
``M Y``                    "May 1992", «ژوئن سال 2005»,              ``2005-06`` (month)
                           «منذ أبريل 2003», "в мае 2015 года"
``D M Y`` / ``M D Y``      "15 May 1992", "May 15, 1992",            ``1992-05-15`` (day)
                           «در تاریخ 15 می سال 1992», «في 15 مايو
                           1992», «۱۵ مه ۱۹۹۲», "18 сентября 2003"
``D–D M Y`` / ``M D–D Y``  «14 و 15 سپتامبر سال 2015», «14 – 15       ``2015-09-14/2015-09-15``
                           سپتامبر», "September 14-15, 2015",
                           "14-15 September 2015", «19-20 مايو 2015»
``D M – D M Y``,           "30 September – 2 October 2015",          a day range across
``M D – M D Y``,           "30 December 2015 – 2 January 2016"       months or years
``D M Y – D M Y``
``M – M Y``, ``M Y – M Y`` "September–October 2015",                 ``2015-09/2015-10``
                           "November 2016 – March 2017"
``Y – Y``                  "2016–2017", "from 2016 to 2017"          ``2016/2017``
``D S Y``                  «۲۴ شهریور ۱۳۹۴»                          ``2015-09-15`` (day)
``S Y``                    «شهریور ۱۳۹۴»                             ``2015-08-23/2015-09-22``
``Y`` + Solar marker       «۱۳۹۴ هجری شمسی», «۱۳۹۴ ش»                that year's days
``D–D S Y``, ``S – S Y``   «۱۴ و ۱۵ شهریور ۱۳۹۴», «مهر تا آبان ۱۳۹۴»   Gregorian day range
=========================  ========================================  ====================

Words and what becomes of them:

* **Gregorian month names** in every common spelling: CLDR's names through babel
  (``Locale.parse(lang).months``, format and stand-alone, wide and abbreviated) for en, fa,
  ar and ru (Russian genitive «сентября» and nominative «сентябрь»), plus what CLDR lacks
  (:data:`MONTH_VARIANTS`): Persian «می»/«مه», «آگوست»/«اوت», «ژوئیه»/«جولای», Dari
  «جنوری», «فبروری», «مارچ», «اپریل», «جون», «آگست», «سپتمبر», «اکتوبر», «نومبر», «دسمبر»;
  Arabic Levantine/Iraqi names (كانون الثاني، شباط، آذار، نيسان، أيار، حزيران، تموز، آب،
  أيلول، تشرين الأول، تشرين الثاني، كانون الأول), Egyptian/Gulf spellings (يناير … ديسمبر
  with أبريل/إبريل، يونيو/يونيه، يوليو/يوليه) and Maghrebi ones (جانفي، فيفري، أفريل، ماي،
  جوان، جويلية، أوت، غشت، شتنبر، دجنبر); English abbreviations (Sept.); Russian
  prepositional forms (в мае, в сентябре). A doubled name naming the same month, as the
  Levantine press writes it («أيار/مايو»), counts once. Arabic «آذار» (March) and Persian
  «آذر» (the ninth Solar month) fold to different keys («اذار», «اذر»), so they never mix.
* **Solar Hijri month names**: فروردین، اردیبهشت، خرداد، تیر، مرداد/امرداد، شهریور، مهر،
  آبان، آذر، دی، بهمن، اسفند, and the Dari names حمل … حوت. Converted with ``jdatetime``;
  a Solar month or year becomes the range of its Gregorian days (precision ``day``,
  ``is_range``), because its ends do not fall on Gregorian month boundaries. A *bare* year
  is read as Solar Hijri only with a marker («هجری شمسی», «شمسی», «ه.ش», «ش»): «سال ۱۳۹۴»
  alone is the Gregorian year 1394. Solar years from 1700 on are rejected as probably
  Gregorian years written with a Solar month.
* **Weekday names** (CLDR's, plus spellings with and without ZWNJ/spaces and Russian
  accusatives) are skipped: «روز دوشنبه 15 سپتامبر 2015» is 15 September 2015. «دوشنبه» is
  both Monday and the city of Dushanbe; either way it says nothing about the date.
* **Filler words** are skipped: on, in, of, the, since, from, between, early, mid, late;
  «در، تاریخ، به تاریخ، مورخ، سال، روز، ماه، از، میلادی، اوایل، اواسط، اواخر»;
  «في، عام، العام، سنة، منذ، يوم، تاريخ، بتاريخ، شهر، من، خلال، م، مطلع، أوائل، منتصف،
  أواخر»; «в, с, году, года, год, г.». "since April 2003" and "late 2015" give the period
  named (April 2003; 2015): a claim's date says *when*, the verb says the rest. Words that
  change the period (before, after, until; «قبل», «بعد») are not fillers, so such phrases
  are rejected instead of read wrongly.
* **Range words**: and, to, till, until, through, «و، تا، الی، إلى، حتى», «и, по, до», and
  dashes (``-``, ``–``, ``—``). A day list with "and" («14 و 15 سپتامبر») becomes the range
  that covers it. An Arabic «و» glued to the next word («وفبراير») counts as a range word.

Anything else — an unknown word, a number that fits no shape, a missing or two-digit year,
an impossible date, a Lunar Hijri date («۱۴۳۶ هـ», not supported) — raises
:class:`DateError` naming the text.

Vectorized: :func:`normalize_dates`
-----------------------------------
Parses a pandas Series of ISO texts and phrases (ISO first, then phrase), each distinct
value once (``pd.factorize``), and returns ``date_iso``, ``date_start``, ``date_end``
(``datetime64[s]``: second resolution covers years 1-9999, which ``[ns]`` does not),
``date_precision`` and ``date_error``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Hashable

import jdatetime
import numpy as np
import pandas as pd
from babel import Locale

from reconcile.base.fieldspec import excerpt
from .text import fold, fold_digits

__all__ = [
    "PRECISIONS",
    "DateValue",
    "DateError",
    "parse_iso",
    "parse_date_phrase",
    "parse_date",
    "normalize_dates",
]

PRECISIONS = ("year", "month", "day")
"""Precisions from coarsest to finest."""

ISO_EXPECTED = "expected an ISO date: YYYY, YYYY-MM, YYYY-MM-DD or a range START/END"
PHRASE_EXPECTED = (
    "expected a date such as 1992-05-15, '15 May 1992', 'May 1992', '1992', "
    "'14-15 September 2015', «15 می 1992» or «۲۴ شهریور ۱۳۹۴»"
)
SOLAR_YEAR_LIMIT = 1700
"""Solar Hijri years from here on are rejected (Gregorian 2321+): a Gregorian year by mistake."""


class DateError(ValueError):
    """A text that is not a valid date; the message names it and says what was expected."""


# --- the value ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DateValue:
    """An interval of days, ``start`` to ``end`` inclusive, with the precision its source gave.

    ``precision`` is the precision of the endpoints; for a range whose ends differ
    (``2016-11/2017``) it is the finer one, and ``start_precision``/``end_precision`` keep
    each end's own (they default to ``precision`` and equal it when ``is_range`` is False).
    """

    start: dt.date
    end: dt.date
    precision: str
    is_range: bool = False
    start_precision: str | None = None
    end_precision: str | None = None

    def __post_init__(self) -> None:
        for p in (self.precision, self.start_precision, self.end_precision):
            if p is not None and p not in PRECISIONS:
                raise ValueError(f"unknown precision {p!r} (expected one of {', '.join(PRECISIONS)})")
        if self.start > self.end:
            raise ValueError(f"a date interval cannot end ({self.end}) before it starts ({self.start})")
        if not self.is_range:
            object.__setattr__(self, "start_precision", self.precision)
            object.__setattr__(self, "end_precision", self.precision)
        else:
            object.__setattr__(self, "start_precision", self.start_precision or self.precision)
            object.__setattr__(self, "end_precision", self.end_precision or self.precision)

    def iso(self) -> str:
        """Canonical text: ``1992``, ``1992-05``, ``1992-05-15`` or ``START/END``."""
        if not self.is_range:
            return _fmt(self.start, self.precision)
        return f"{_fmt(self.start, self.start_precision)}/{_fmt(self.end, self.end_precision)}"

    def overlaps(self, other: DateValue) -> bool:
        """Whether some day lies in both intervals (agreement at different precisions)."""
        return self.start <= other.end and other.start <= self.end

    def contains(self, other: DateValue) -> bool:
        """Whether every day of ``other`` lies in this interval."""
        return self.start <= other.start and other.end <= self.end

    def __str__(self) -> str:
        return self.iso()


def _fmt(day: dt.date, precision: str | None) -> str:
    if precision == "year":
        return f"{day.year:04d}"
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def _finer(a: str | None, b: str | None) -> str:
    return max(a or "year", b or "year", key=PRECISIONS.index)


def _period(year: int, month: int | None = None, day: int | None = None) -> DateValue:
    """The Gregorian year, month or day as a :class:`DateValue`; checks the calendar."""
    if not 1 <= year <= 9999:
        raise DateError(f"year {year} is out of range (expected 1-9999)")
    if month is None:
        return DateValue(dt.date(year, 1, 1), dt.date(year, 12, 31), "year")
    if not 1 <= month <= 12:
        raise DateError(f"month {month:02d} does not exist (expected 01-12)")
    last = calendar.monthrange(year, month)[1]
    if day is None:
        return DateValue(dt.date(year, month, 1), dt.date(year, month, last), "month")
    if not 1 <= day <= last:
        raise DateError(
            f"{year:04d}-{month:02d}-{day:02d} is not a real calendar date "
            f"({calendar.month_name[month]} {year} has {last} days)"
        )
    d = dt.date(year, month, day)
    return DateValue(d, d, "day")


def _join(first: DateValue, last: DateValue) -> DateValue:
    """The range from the start of ``first`` to the end of ``last``."""
    if first == last:
        return first
    if first.start > last.end:
        raise DateError(f"the range {first.iso()}/{last.iso()} ends before it starts")
    return DateValue(
        first.start,
        last.end,
        _finer(first.precision, last.precision),
        True,
        first.start_precision,
        last.end_precision,
    )


# --- ISO ---------------------------------------------------------------------------------

_ISO_ONE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_ISO_LIKE = re.compile(r"[\d\s/\-]+")


def _iso_one(text: str) -> DateValue:
    s = text.strip()
    m = _ISO_ONE.fullmatch(s)
    if not m:
        raise DateError(f"{excerpt(s)} is not an ISO date ({ISO_EXPECTED})")
    y, mo, d = m.groups()
    try:
        return _period(int(y), int(mo) if mo else None, int(d) if d else None)
    except DateError as exc:
        if s in str(exc):
            raise
        raise DateError(f"{s}: {exc}") from None


def parse_iso(text: str) -> DateValue:
    """Parse ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or ``START/END`` (digits in any script).

    >>> parse_iso("2016-11/2017").iso(), parse_iso("2016-11/2017").precision
    ('2016-11/2017', 'month')
    """
    s = fold_digits(str(text)).strip()
    if s.count("/") > 1:
        raise DateError(f"{excerpt(s)} is not an ISO date ({ISO_EXPECTED})")
    if "/" in s:
        left, _, right = s.partition("/")
        first, last = _iso_one(left), _iso_one(right)
        if first.start > last.end:
            raise DateError(
                f"the range {s} ends before it starts (expected START/END with START no later than END)"
            )
        return DateValue(
            first.start, last.end, _finer(first.precision, last.precision), True, first.precision, last.precision
        )
    return _iso_one(s)


# --- vocabulary --------------------------------------------------------------------------

MONTH_VARIANTS: dict[int, tuple[str, ...]] = {
    1: ("jan", "ژانویه", "ژانویهٔ", "جنوری", "كانون الثاني", "يناير", "جانفي", "январе"),
    2: ("feb", "فوریه", "فبروری", "شباط", "فبراير", "فيفري", "феврале"),
    3: ("mar", "مارس", "مارچ", "آذار", "марте"),
    4: ("apr", "آوریل", "آپریل", "اپریل", "نيسان", "أبريل", "إبريل", "ابريل", "أفريل", "апреле"),
    5: ("may", "می", "مه", "مئی", "أيار", "مايو", "ماي", "мае"),
    6: ("jun", "ژوئن", "جون", "حزيران", "يونيو", "يونيه", "جوان", "июне"),
    7: ("jul", "ژوئیه", "جولای", "جولائی", "تموز", "يوليو", "يوليه", "جويلية", "июле"),
    8: ("aug", "اوت", "آگوست", "اگوست", "آگست", "آب", "أغسطس", "أوت", "غشت", "августе"),
    9: ("sep", "sept", "سپتامبر", "سپتمبر", "أيلول", "سبتمبر", "شتنبر", "сентябре"),
    10: ("oct", "اکتبر", "اکتوبر", "تشرين الأول", "أكتوبر", "октябре"),
    11: ("nov", "نوامبر", "نومبر", "تشرين الثاني", "نوفمبر", "نونبر", "ноябре"),
    12: ("dec", "دسامبر", "دسمبر", "كانون الأول", "ديسمبر", "دجنبر", "декабре"),
}
"""Gregorian month names CLDR lacks (Persian/Dari press, Levantine/Egyptian/Maghrebi Arabic…)."""

SOLAR_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("فروردین", "حمل"),
    2: ("اردیبهشت", "ثور"),
    3: ("خرداد", "جوزا", "جوزای"),
    4: ("تیر", "سرطان"),
    5: ("مرداد", "امرداد", "اسد"),
    6: ("شهریور", "سنبله"),
    7: ("مهر", "میزان"),
    8: ("آبان", "عقرب"),
    9: ("آذر", "قوس"),
    10: ("دی", "جدی"),
    11: ("بهمن", "دلو"),
    12: ("اسفند", "حوت"),
}
"""Solar Hijri month names, Iranian and Dari."""

WEEKDAY_VARIANTS = (
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    "یک شنبه", "سه شنبه", "پنج شنبه", "اثنين", "الإثنين", "ثلاثاء", "أربعاء", "خميس", "جمعة", "سبت", "أحد",
    "среду", "пятницу", "субботу",
)
"""Weekday spellings besides CLDR's wide names."""

FILLER_WORDS = (
    "on in of the since from between dated date day year early mid late ad a.d. ce th st nd rd "
    "در تاریخ به مورخ مورخه سال روز ماه از میلادی اوایل اواسط اواخر ام "
    "في فى عام العام سنة منذ يوم تاريخ بتاريخ شهر من خلال م الموافق مطلع أوائل منتصف أواخر "
    "в во с году года год г числа"
).split()
"""Words skipped in a date phrase (see the module documentation)."""

RANGE_WORDS = "and to till until through و تا الی الى إلى حتى и по до".split()
SOLAR_MARKERS = ("هجری شمسی", "هجری خورشیدی", "شمسی", "خورشیدی", "ه.ش", "هـ.ش", "ش")
LUNAR_MARKERS = ("هجری قمری", "قمری", "هـ", "ه.ق", "هجري", "هجرية", "AH")
"""Lunar Hijri markers: such dates are rejected with a message saying so (not supported)."""
_DASH = "zzdashzz"
_ARABIC_CLITICS = ("وال", "بال", "لل", "ال", "و", "ب", "ل", "ف")

Lexicon = dict[tuple[str, ...], tuple[str, int]]


@lru_cache(maxsize=1)
def _lexicon() -> tuple[Lexicon, int]:
    """Folded word sequences → (kind, value); kinds: g(regorian month), s(olar month),
    r(ange), h (Solar marker), q (Lunar Hijri marker), skip. Also the longest sequence."""
    greg: dict[str, int] = {}
    for lang in ("en", "fa", "ar", "ru"):
        months = Locale.parse(lang).months
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for num, name in months[context][width].items():
                    greg.setdefault(fold(name), num)
    for num, names in MONTH_VARIANTS.items():
        for name in names:
            greg.setdefault(fold(name), num)
    solar = {fold(n): num for num, names in SOLAR_MONTHS.items() for n in names}
    clash = set(greg) & set(solar)
    assert not clash, f"Gregorian and Solar month names collide: {clash}"
    weekdays = {fold(w) for w in WEEKDAY_VARIANTS}
    for lang in ("en", "fa", "ar", "ru"):
        weekdays |= {fold(name) for name in Locale.parse(lang).days["format"]["wide"].values()}

    lex: Lexicon = {}

    def put(word: str, entry: tuple[str, int]) -> None:
        key = tuple(fold(word).split())
        if key:
            lex.setdefault(key, entry)

    for name, num in greg.items():
        put(name, ("g", num))
    for name, num in solar.items():
        put(name, ("s", num))
    for w in weekdays:
        put(w, ("skip", 0))
    for w in SOLAR_MARKERS:
        put(w, ("h", 0))
    for w in LUNAR_MARKERS:
        put(w, ("q", 0))
    for w in RANGE_WORDS:
        put(w, ("r", 0))
    put(_DASH, ("r", 0))
    for w in FILLER_WORDS:
        put(w, ("skip", 0))
    return lex, max(map(len, lex))


def _lookup_word(word: str, lex: Lexicon) -> list[tuple[str, int]] | None:
    """A single unknown word, tried without Arabic clitics: «وفبراير» → range + February."""
    if not re.match(r"[\u0600-\u06ff]", word):
        return None
    for clitic in _ARABIC_CLITICS:
        rest = word[len(clitic):]
        if word.startswith(clitic) and len(rest) >= 2 and (rest,) in lex:
            kind, value = lex[(rest,)]
            if clitic.startswith("و") and kind in ("g", "s"):
                return [("r", 0), (kind, value)]
            return [(kind, value)]
    return None


# --- phrases -----------------------------------------------------------------------------

Token = tuple[str, int]
_ORDINAL_SUFFIX = re.compile(r"(\d)\s*-\s*(?:го|е|ое|ого|м|th|st|nd|rd)\b", re.IGNORECASE)
_DASHES = re.compile(r"[\-\u2010-\u2015\u2212]")
_DIGIT_EDGE = re.compile(r"(?<=\d)(?=[^\d\s])|(?<=[^\d\s])(?=\d)")


def _tokens(text: str) -> list[Token]:
    """Typed tokens: ("d", day-like number), ("y", year-like number), ("g"/"s", month),
    ("r", 0) range, ("h", 0) Solar marker, ("q", 0) Lunar marker. Raises on an unknown word."""
    lex, longest = _lexicon()
    s = fold_digits(unicodedata.normalize("NFKC", text))
    s = _ORDINAL_SUFFIX.sub(r"\1", s)
    s = _DASHES.sub(f" {_DASH} ", s)
    s = _DIGIT_EDGE.sub(" ", s)
    words = fold(s).split()
    out: list[Token] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word.isdigit():
            if len(word) > 4:
                raise DateError(f"{excerpt(text)} is not a date: {excerpt(word)} is neither a day nor a year ({PHRASE_EXPECTED})")
            out.append(("y" if len(word) >= 3 else "d", int(word)))
            i += 1
            continue
        for n in range(min(longest, len(words) - i), 0, -1):
            entry = lex.get(tuple(words[i:i + n]))
            if entry is not None:
                out.append(entry)
                i += n
                break
        else:
            found = _lookup_word(word, lex)
            if found is None:
                raise DateError(f"{excerpt(text)} is not a date: unknown word {excerpt(word)} ({PHRASE_EXPECTED})")
            out.extend(found)
            i += 1
    return [t for t in out if t[0] != "skip"]


def _merge_doubled_months(tokens: list[Token]) -> list[Token]:
    """«أيار/مايو»: two names of the same month in a row count once."""
    out: list[Token] = []
    for tok in tokens:
        if out and tok[0] in "gs" and out[-1] == tok:
            continue
        out.append(tok)
    return out


Builder = Callable[[list[int]], DateValue]

# Gregorian shapes; each builder gets the numbers and month numbers in phrase order
# (range words carry no value and are left out).
_GREGORIAN: dict[str, Builder] = {
    "y": lambda v: _period(v[0]),
    "yry": lambda v: _join(_period(v[0]), _period(v[1])),
    "gy": lambda v: _period(v[1], v[0]),
    "grgy": lambda v: _join(_period(v[2], v[0]), _period(v[2], v[1])),
    "gyrgy": lambda v: _join(_period(v[1], v[0]), _period(v[3], v[2])),
    "dgy": lambda v: _period(v[2], v[1], v[0]),
    "gdy": lambda v: _period(v[2], v[0], v[1]),
    "drdgy": lambda v: _join(_period(v[3], v[2], v[0]), _period(v[3], v[2], v[1])),
    "gdrdy": lambda v: _join(_period(v[3], v[0], v[1]), _period(v[3], v[0], v[2])),
    "dgrdgy": lambda v: _join(_period(v[4], v[1], v[0]), _period(v[4], v[3], v[2])),
    "gdrgdy": lambda v: _join(_period(v[4], v[0], v[1]), _period(v[4], v[2], v[3])),
    "dgyrdgy": lambda v: _join(_period(v[2], v[1], v[0]), _period(v[5], v[4], v[3])),
    "gdyrgdy": lambda v: _join(_period(v[2], v[0], v[1]), _period(v[5], v[3], v[4])),
}


def _solar_days_in_month(year: int, month: int) -> int:
    days = jdatetime.j_days_in_month[month - 1]
    return days + 1 if month == 12 and jdatetime.date(year, 1, 1).isleap() else days


def _solar(year: int, month: int | None = None, day: int | None = None) -> DateValue:
    """A Solar Hijri year, month or day as its Gregorian days (a range unless one day)."""
    if not 1 <= year < SOLAR_YEAR_LIMIT:
        raise DateError(
            f"{year} is not a plausible Solar Hijri year (expected 1-{SOLAR_YEAR_LIMIT - 1}; "
            "a Gregorian year needs a Gregorian month name)"
        )
    if month is None:
        start = jdatetime.date(year, 1, 1).togregorian()
        end = jdatetime.date(year + 1, 1, 1).togregorian() - dt.timedelta(days=1)
        return DateValue(start, end, "day", True)
    last = _solar_days_in_month(year, month)
    name = SOLAR_MONTHS[month][0]
    if day is None:
        start = jdatetime.date(year, month, 1).togregorian()
        return DateValue(start, start + dt.timedelta(days=last - 1), "day", True)
    if not 1 <= day <= last:
        raise DateError(f"{day} {name} {year} is not a real Solar Hijri date ({name} {year} has {last} days)")
    d = jdatetime.date(year, month, day).togregorian()
    return DateValue(d, d, "day")


_SOLAR: dict[str, Builder] = {
    "sy": lambda v: _solar(v[1], v[0]),
    "srsy": lambda v: _join(_solar(v[2], v[0]), _solar(v[2], v[1])),
    "syrsy": lambda v: _join(_solar(v[1], v[0]), _solar(v[3], v[2])),
    "dsy": lambda v: _solar(v[2], v[1], v[0]),
    "drdsy": lambda v: _join(_solar(v[3], v[2], v[0]), _solar(v[3], v[2], v[1])),
    "dsrdsy": lambda v: _join(_solar(v[4], v[1], v[0]), _solar(v[4], v[3], v[2])),
    "dsyrdsy": lambda v: _join(_solar(v[2], v[1], v[0]), _solar(v[5], v[4], v[3])),
}
# A bare year (or year range) is Solar only with a marker («۱۳۹۴ هجری شمسی»).
_SOLAR_MARKED: dict[str, Builder] = {
    "y": lambda v: _solar(v[0]),
    "yry": lambda v: _join(_solar(v[0]), _solar(v[1])),
}


def parse_date_phrase(text: str, lang: str | None = None) -> DateValue:
    """Parse a date phrase in fa, ar, en or ru (see the module documentation).

    ``lang`` is accepted for symmetry with the other normalizers but does not restrict the
    vocabulary: sources mix scripts (a Persian article quoting an Arabic month name), and
    no word means one date in one language and another date in another.

    >>> parse_date_phrase("۲۴ شهریور ۱۳۹۴").iso()
    '2015-09-15'
    """
    raw = str(text)
    tokens = _merge_doubled_months(_tokens(raw))
    if any(kind == "q" for kind, _ in tokens):
        raise DateError(f"{excerpt(raw)} is a Lunar Hijri date, which is not supported ({PHRASE_EXPECTED})")
    solar_marked = any(kind == "h" for kind, _ in tokens)
    tokens = [t for t in tokens if t[0] != "h"]
    shape = "".join(kind for kind, _ in tokens)
    values = [value for kind, value in tokens if kind != "r"]
    if solar_marked and "g" in shape:
        raise DateError(f"{excerpt(raw)} names a Gregorian month but is marked as a Solar Hijri date")
    if "s" in shape:
        table = _SOLAR
    else:
        table = _SOLAR_MARKED if solar_marked else _GREGORIAN
    build = table.get(shape)
    if build is None:
        if shape and "y" not in shape:
            raise DateError(f"{excerpt(raw)} has no year (a year needs three or four digits; {PHRASE_EXPECTED})")
        raise DateError(f"{excerpt(raw)} is not a date I can read ({PHRASE_EXPECTED})")
    try:
        return build(values)
    except DateError as exc:
        raise DateError(f"{excerpt(raw)}: {exc}") from None


def parse_date(value: object) -> DateValue:
    """An ISO date or, failing that, a date phrase. Text made only of digits, ``-`` and ``/``
    is held to ISO (so "2015-9-14" is reported as bad ISO, not read as a phrase)."""
    s = _as_text(value).strip()
    if not s:
        raise DateError(f"empty date ({ISO_EXPECTED})")
    try:
        return parse_iso(s)
    except DateError:
        if _ISO_LIKE.fullmatch(fold_digits(s)):
            raise
    return parse_date_phrase(s)


@dataclass(frozen=True, slots=True)
class _Unhashable:
    """Stands for an unhashable cell (a list, a mapping), compared by its text."""

    text: str

    def __repr__(self) -> str:
        return self.text


def _as_text(value: object) -> str:
    """The text of a date value: strings as they are, dates as ISO, whole floats as integers."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_, tuple, list, set, dict, _Unhashable)):
        raise DateError(f"{excerpt(value)} is not a date ({ISO_EXPECTED})")
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


# --- vectorized --------------------------------------------------------------------------

_PLAIN_ISO_DAY = "[0-9]{4}-[0-9]{2}-[0-9]{2}"


def _plain_iso_days(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which of ``values`` are real days written ``YYYY-MM-DD`` in ASCII digits with nothing
    around (what :func:`parse_date` reads as the day itself, its own canonical text), and
    those days (``datetime64[s]``), checked and computed by numpy."""
    plain = np.fromiter((type(v) is str for v in values), dtype=bool, count=len(values))
    plain[plain] = pd.Series(values[plain], dtype=object).str.fullmatch(_PLAIN_ISO_DAY).to_numpy(dtype=bool)
    digits = np.array(values[plain].tolist(), dtype="S10").view(np.uint8).reshape(-1, 10).astype(np.int64) - ord("0")
    year = digits[:, :4] @ np.array([1000, 100, 10, 1])
    month = digits[:, 5] * 10 + digits[:, 6]
    day = digits[:, 8] * 10 + digits[:, 9]
    real_month = (year >= 1) & (month >= 1) & (month <= 12)
    first = ((year - 1970) * 12 + np.where(real_month, month, 1) - 1).astype("datetime64[M]")
    length = ((first + 1).astype("datetime64[D]") - first.astype("datetime64[D]")).astype(np.int64)
    real = real_month & (day >= 1) & (day <= length)
    plain[plain] = real
    return plain, (first[real].astype("datetime64[D]") + (day[real] - 1)).astype("datetime64[s]")

DATE_COLUMNS = ("date_iso", "date_start", "date_end", "date_precision", "date_error")


def normalize_dates(values: pd.Series) -> pd.DataFrame:
    """Parse a Series of dates (ISO text or phrases, also ``datetime.date`` or integer years).

    Each distinct value is parsed once (``pd.factorize``; results are gathered back with
    ``numpy.take``), so repeated values cost nothing. Returns a frame with the index of
    ``values`` and the columns

    * ``date_iso``: canonical text (:meth:`DateValue.iso`), or None;
    * ``date_start``, ``date_end``: first and last day covered, ``datetime64[s]`` (NaT when
      missing or invalid);
    * ``date_precision``: ``year``, ``month`` or ``day``, or None;
    * ``date_error``: the :class:`DateError` message, or None.

    Missing values (None, NaN, NaT) give missing dates and no error. Text columns are
    ``object`` dtype holding None for missing, so ``.isna()``/``.notna()`` work.
    """
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError:  # unhashable cells (lists, dicts): those are compared by their text
        keyed = values.map(lambda v: v if isinstance(v, Hashable) else _Unhashable(repr(v)))
        codes, uniques = pd.factorize(keyed, use_na_sentinel=True)
    n = len(uniques)
    iso = np.full(n + 1, None, dtype=object)  # the extra last slot is what code -1 takes
    precision = np.full(n + 1, None, dtype=object)
    error = np.full(n + 1, None, dtype=object)
    start = np.full(n + 1, np.datetime64("NaT"), dtype="datetime64[s]")
    end = start.copy()
    uniques = np.asarray(uniques, dtype=object)
    plain, days = _plain_iso_days(uniques)
    iso[:n][plain], precision[:n][plain] = uniques[plain], "day"
    start[:n][plain] = end[:n][plain] = days
    for i in np.flatnonzero(~plain):
        value = uniques[i]
        try:
            d = parse_date(value)
        except DateError as exc:
            error[i] = str(exc)
            continue
        iso[i], precision[i] = d.iso(), d.precision
        start[i], end[i] = np.datetime64(d.start, "s"), np.datetime64(d.end, "s")
    return pd.DataFrame(
        {
            "date_iso": pd.Series(iso.take(codes), index=values.index, dtype=object),
            "date_start": pd.Series(start.take(codes), index=values.index),
            "date_end": pd.Series(end.take(codes), index=values.index),
            "date_precision": pd.Series(precision.take(codes), index=values.index, dtype=object),
            "date_error": pd.Series(error.take(codes), index=values.index, dtype=object),
        },
        index=values.index,
    )
