"""Dates with precision, ISO parsing and date phrases in Persian, Arabic and English.

A :class:`DateValue` covers an interval of days. Its canonical text (:meth:`DateValue.iso`)
keeps the precision the source gave: ``1992`` (the year), ``1992-05`` (the month),
``1992-05-15`` (the day), or a range ``2015-09-14/2015-09-15`` (each end at its own
precision, e.g. ``2016-11/2017``). Two dates *agree* when their intervals overlap
(:meth:`DateValue.overlaps`): ``1992`` agrees with ``1992-05-15``.

:func:`parse_iso` reads the canonical forms and rejects impossible calendar dates
(``2002-02-30``). :func:`parse_date_phrase` reads dates as news text writes them:

* Gregorian month names in every common spelling: CLDR's names (through babel) in
  English, Persian, Arabic and Russian, plus variants CLDR lacks: Persian «می»/«مه»,
  «آگوست»/«اوت», «جولای»; Arabic Levantine names (كانون الثاني … كانون الأول) and
  Maghrebi ones (جانفي، فيفري، أفريل، جوان، جويلية، أوت); abbreviations (Sept., Dec.);
* forms: "15 May 1992", "May 15, 1992", "May 1992", "1992", «15 می سال 1992»,
  «در تاریخ 02 دسامبر 2004», «في 15 مايو 1992», «في عام 2009», «منذ أبريل 2003»;
* day ranges: «14 و 15 سپتامبر سال 2015», «14 – 15 سپتامبر», "September 14-15, 2015",
  "14-15 September 2015";
* Solar Hijri (Persian calendar) dates: «۲۴ شهریور ۱۳۹۴» (= 2015-09-15), «شهریور ۱۳۹۴»
  (that month's Gregorian days, as a range), «۱۳۹۴ هجری شمسی» (that year's days);
* Persian and Arabic-Indic digits; weekday names (including «دوشنبه», Monday, which is
  also the city Dushanbe) and filler words ("on", «در», «سال», «في», «عام»…) are skipped.

:func:`normalize_dates` applies both to a pandas Series, parsing each distinct text once.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

import jdatetime
import pandas as pd
from babel import Locale

from .text import fold, fold_digits

__all__ = ["DateValue", "DateError", "parse_iso", "parse_date_phrase", "parse_date", "normalize_dates"]

PRECISIONS = ("year", "month", "day")


class DateError(ValueError):
    """A text that is not a valid date; the message says what was expected."""


@dataclass(frozen=True, slots=True)
class DateValue:
    """An interval of days with the precision its source gave."""

    start: dt.date
    end: dt.date
    precision: str
    is_range: bool = False
    start_precision: str | None = None
    end_precision: str | None = None

    def iso(self) -> str:
        """Canonical text: ``1992``, ``1992-05``, ``1992-05-15`` or ``START/END``."""
        if not self.is_range:
            return _fmt(self.start, self.precision)
        return f"{_fmt(self.start, self.start_precision or self.precision)}/{_fmt(self.end, self.end_precision or self.precision)}"

    def overlaps(self, other: "DateValue") -> bool:
        """Whether some day lies in both intervals (agreement at different precision)."""
        return self.start <= other.end and other.start <= self.end

    def contains(self, other: "DateValue") -> bool:
        return self.start <= other.start and other.end <= self.end


def _fmt(day: dt.date, precision: str) -> str:
    if precision == "year":
        return f"{day.year:04d}"
    if precision == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def _span(year: int, month: int | None = None, day: int | None = None) -> tuple[dt.date, dt.date, str]:
    """First and last day of a year, month or day, with its precision; checks the calendar."""
    if not 1 <= year <= 9999:
        raise DateError(f"year {year} is out of range")
    if month is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31), "year"
    if not 1 <= month <= 12:
        raise DateError(f"month {month:02d} does not exist (expected 01-12)")
    last = calendar.monthrange(year, month)[1]
    if day is None:
        return dt.date(year, month, 1), dt.date(year, month, last), "month"
    if not 1 <= day <= last:
        name = calendar.month_name[month]
        raise DateError(
            f"{year:04d}-{month:02d}-{day:02d} is not a real calendar date ({name} {year} has {last} days)"
        )
    d = dt.date(year, month, day)
    return d, d, "day"


_ISO_ONE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
ISO_EXPECTED = "expected an ISO date: YYYY, YYYY-MM, YYYY-MM-DD or a range START/END"


def _iso_one(text: str) -> tuple[dt.date, dt.date, str]:
    m = _ISO_ONE.match(text.strip())
    if not m:
        raise DateError(f"{text.strip()!r} is not an ISO date ({ISO_EXPECTED})")
    y, mo, d = m.groups()
    try:
        return _span(int(y), int(mo) if mo else None, int(d) if d else None)
    except DateError as exc:
        if text.strip() in str(exc):
            raise
        raise DateError(f"{text.strip()}: {exc}") from None


def parse_iso(text: str) -> DateValue:
    """Parse ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or ``START/END`` (digits in any script)."""
    s = fold_digits(str(text)).strip()
    if "/" in s:
        left, _, right = s.partition("/")
        s1, _, p1 = _iso_one(left)
        _, e2, p2 = _iso_one(right)
        if s1 > e2:
            raise DateError(f"the range {s} ends before it starts")
        finer = max(p1, p2, key=PRECISIONS.index)
        return DateValue(s1, e2, finer, True, p1, p2)
    start, end, precision = _iso_one(s)
    return DateValue(start, end, precision)


# --- month names ---------------------------------------------------------------------------

_EXTRA_MONTHS = {
    1: ["jan", "janvier", "ژانویه", "ژانوبه", "ژانویهٔ", "كانون الثاني", "جانفي", "يناير", "ينایر", "январь", "янв"],
    2: ["feb", "فوریه", "فبریه", "شباط", "فيفري", "فبراير", "февраль", "фев"],
    3: ["mar", "مارس", "آذار", "اذار", "март", "мар"],
    4: ["apr", "آوریل", "آپریل", "اپریل", "نيسان", "أفريل", "أبريل", "ابريل", "إبريل", "апрель", "апр"],
    5: ["may", "می", "مه", "مئی", "أيار", "ايار", "ماي", "مايو", "май"],
    6: ["jun", "ژوئن", "ژوءن", "جون", "حزيران", "جوان", "يونيو", "يونيه", "июнь", "июн"],
    7: ["jul", "ژوئیه", "ژوییه", "جولای", "تموز", "جويلية", "يوليو", "يوليه", "июль", "июл"],
    8: ["aug", "اوت", "آگوست", "اگوست", "آب", "أوت", "اغسطس", "أغسطس", "غشت", "август", "авг"],
    9: ["sep", "sept", "سپتامبر", "اَیلول", "أيلول", "ايلول", "سبتمبر", "شتنبر", "сентябрь", "сен", "сент"],
    10: ["oct", "اکتبر", "اكتبر", "تشرين الأول", "أكتوبر", "اكتوبر", "أكتوبر", "октябрь", "окт"],
    11: ["nov", "نوامبر", "تشرين الثاني", "نوفمبر", "ноябрь", "ноя"],
    12: ["dec", "دسامبر", "كانون الأول", "ديسمبر", "دجنبر", "декабрь", "дек"],
}
_SOLAR_MONTHS = {
    1: ["فروردین"],
    2: ["اردیبهشت"],
    3: ["خرداد"],
    4: ["تیر"],
    5: ["مرداد", "امرداد"],
    6: ["شهریور"],
    7: ["مهر"],
    8: ["آبان"],
    9: ["آذر"],
    10: ["دی"],
    11: ["بهمن"],
    12: ["اسفند"],
}
_WEEKDAYS = [
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "wed", "thu", "fri", "sat", "sun",
    "شنبه", "یکشنبه", "يكشنبه", "دوشنبه", "سه شنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "پنج شنبه", "جمعه",
    "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد",
    "понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье",
]
_FILLER = {
    fold(w)
    for w in (
        "on in of the since from year day date dated a.d. ad ce th st nd rd "
        "در تاریخ سال روز از مورخ ماه میلادی مورخه به "
        "في فى عام سنة منذ يوم شهر م تاريخ بتاريخ "
        "в году год г. с числа"
    ).split()
}
_RANGE_WORDS = {fold(w) for w in ("and to till until through و تا الى إلى حتى и по до".split())}
_SOLAR_MARKERS = {fold(w) for w in ("هجری شمسی", "ه.ش", "ش", "شمسی", "هـ ش")}


@lru_cache(maxsize=1)
def _month_table() -> tuple[dict[str, int], dict[str, int], list[str]]:
    """Folded Gregorian and Solar month names → month number; multiword names, longest first."""
    greg: dict[str, int] = {}
    for lang in ("en", "fa", "ar", "ru"):
        months = Locale.parse(lang).months
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for num, name in months[context][width].items():
                    key = fold(name).rstrip(".")
                    if key and not key.isdigit():
                        greg.setdefault(key, num)
    for num, names in _EXTRA_MONTHS.items():
        for name in names:
            greg.setdefault(fold(name), num)
    solar = {fold(n): num for num, names in _SOLAR_MONTHS.items() for n in names}
    multi = sorted({k for k in [*greg, *solar, *map(fold, _WEEKDAYS), *_SOLAR_MARKERS] if " " in k}, key=len, reverse=True)
    return greg, solar, multi


_NUM = re.compile(r"^(\d+)(?:st|nd|rd|th|ом|го|е)?$")


def _tokens(text: str) -> list[tuple[str, object]]:
    """Typed tokens of a phrase: ("num", n), ("gm", m), ("sm", m), ("range", None), ("solar", None)."""
    greg, solar, multi = _month_table()
    weekdays = {fold(w) for w in _WEEKDAYS}
    s = fold(fold_digits(text).replace("-", " - ").replace("–", " - ").replace("—", " - "))
    s = re.sub(r"(\d)([^\d\s])", r"\1 \2", s)
    s = re.sub(r"([^\d\s])(\d)", r"\1 \2", s)
    placeholders: dict[str, str] = {}
    for i, phrase in enumerate(multi):
        if re.search(rf"(?<!\S){re.escape(phrase)}(?!\S)", s):
            ph = f"\x00{i}\x00"
            placeholders[ph] = phrase
            s = re.sub(rf"(?<!\S){re.escape(phrase)}(?!\S)", ph, s)
    out: list[tuple[str, object]] = []
    for raw in s.split():
        word = placeholders.get(raw, raw)
        m = _NUM.match(word)
        if m:
            out.append(("num", int(m.group(1))))
        elif word in greg:
            out.append(("gm", greg[word]))
        elif word in solar:
            out.append(("sm", solar[word]))
        elif word in _SOLAR_MARKERS:
            out.append(("solar", None))
        elif word in _RANGE_WORDS:
            out.append(("range", None))
        elif word in weekdays or word in _FILLER:
            continue
        elif word.startswith("و") and word[1:] in greg:  # «وفبراير»
            out.append(("range", None))
            out.append(("gm", greg[word[1:]]))
        else:
            raise DateError(f"{text!r} is not a date phrase: unknown word {raw!r}")
    return out


def _solar(y: int, m: int | None, d: int | None) -> DateValue:
    """A Solar Hijri year, month or day as Gregorian days."""
    try:
        if m is None:
            start = jdatetime.date(y, 1, 1).togregorian()
            end = (jdatetime.date(y + 1, 1, 1).togregorian() - dt.timedelta(days=1))
            return DateValue(start, end, "day", True, "day", "day")
        if d is None:
            start = jdatetime.date(y, m, 1).togregorian()
            nxt = jdatetime.date(y + (m == 12), m % 12 + 1, 1).togregorian()
            return DateValue(start, nxt - dt.timedelta(days=1), "day", True, "day", "day")
        day = jdatetime.date(y, m, d).togregorian()
        return DateValue(day, day, "day")
    except ValueError as exc:
        raise DateError(f"{y}/{m}/{d} is not a real Solar Hijri date ({exc})") from None


def _range(y: int, m: int, d1: int, d2: int) -> DateValue:
    s, _, _ = _span(y, m, d1)
    e, _, _ = _span(y, m, d2)
    if s > e:
        raise DateError(f"the day range {d1}-{d2} ends before it starts")
    if s == e:
        return DateValue(s, e, "day")
    return DateValue(s, e, "day", True, "day", "day")


def parse_date_phrase(text: str, lang: str | None = None) -> DateValue:
    """Parse a date phrase in fa/ar/en (see the module documentation); ``lang`` is a hint only."""
    toks = _tokens(str(text))
    kinds = "".join({"num": "n", "gm": "g", "sm": "s", "range": "r", "solar": "h"}[k] for k, _ in toks)
    kinds_clean = kinds.replace("h", "")
    solar_marked = "h" in kinds
    vals_clean = [v for (k, v) in toks if k != "solar"]

    def year(v: object) -> int:
        n = int(v)  # type: ignore[arg-type]
        if n < 100:
            raise DateError(f"{text!r}: a year needs at least three digits")
        return n

    patterns = {
        "n": lambda v: (_solar(year(v[0]), None, None) if solar_marked else DateValue(*_span(year(v[0])))),
        "gn": lambda v: DateValue(*_span(year(v[1]), v[0])),
        "ngn": lambda v: DateValue(*_span(year(v[2]), v[1], v[0])),
        "gnn": lambda v: DateValue(*_span(year(v[2]), v[0], v[1])),
        "nrngn": lambda v: _range(year(v[4]), v[3], v[0], v[2]),
        "nngn": lambda v: _range(year(v[3]), v[2], v[0], v[1]),
        "gnrnn": lambda v: _range(year(v[4]), v[0], v[1], v[3]),
        "gnnn": lambda v: _range(year(v[3]), v[0], v[1], v[2]),
        "sn": lambda v: _solar(year(v[1]), v[0], None),
        "nsn": lambda v: _solar(year(v[2]), v[1], v[0]),
    }
    build = patterns.get(kinds_clean)
    if build is None:
        raise DateError(
            f"{text!r} is not a date phrase I can read "
            "(expected e.g. '15 May 1992', 'May 1992', '14-15 September 2015', «۲۴ شهریور ۱۳۹۴»)"
        )
    return build(vals_clean)


def parse_date(text: object) -> DateValue:
    """An ISO date or, failing that, a date phrase."""
    s = str(text).strip()
    try:
        return parse_iso(s)
    except DateError as iso_error:
        if _ISO_ONE.match(fold_digits(s).split("/")[0].strip()) or re.fullmatch(r"[\d\-/]+", fold_digits(s)):
            raise iso_error
        return parse_date_phrase(s)


def normalize_dates(values: pd.Series) -> pd.DataFrame:
    """Parse a Series of dates (ISO or phrases); each distinct text is parsed once.

    Returns a frame aligned with ``values``: ``date_iso``, ``date_start`` and ``date_end``
    (``datetime64[s]``, first and last day covered), ``date_precision``, ``date_error``
    (the message, or None). Missing values give missing dates and no error.
    """
    texts = values.map(lambda v: None if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))
    uniq = [t for t in pd.unique(texts.dropna())]
    rows = {}
    for t in uniq:
        try:
            d = parse_date(t)
            rows[t] = (d.iso(), pd.Timestamp(d.start), pd.Timestamp(d.end), d.precision, None)
        except DateError as exc:
            rows[t] = (None, pd.NaT, pd.NaT, None, str(exc))
    table = pd.DataFrame.from_dict(
        rows, orient="index", columns=["date_iso", "date_start", "date_end", "date_precision", "date_error"]
    )
    if table.empty:
        table = pd.DataFrame(columns=["date_iso", "date_start", "date_end", "date_precision", "date_error"])
    out = table.reindex(texts.values)
    out.index = values.index
    out["date_start"] = pd.to_datetime(out["date_start"]).astype("datetime64[s]")
    out["date_end"] = pd.to_datetime(out["date_end"]).astype("datetime64[s]")
    for col in ("date_iso", "date_precision", "date_error"):
        out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out
