"""Dates with precision: ISO values, phrases in fa/ar/en/ru, ranges, Solar Hijri, agreement."""

from __future__ import annotations

import calendar
import datetime as dt

import jdatetime
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reconcile.normalize.dates as dates_module
from reconcile.normalize.dates import DateError, DateValue, normalize_dates, parse_date, parse_date_phrase, parse_iso
from reconcile.normalize.text import fold

D = dt.date

# --- pinned examples -----------------------------------------------------------------------

ISO = {
    "1992": ("1992", "year", False, D(1992, 1, 1), D(1992, 12, 31)),
    "1992-05": ("1992-05", "month", False, D(1992, 5, 1), D(1992, 5, 31)),
    "1992-05-15": ("1992-05-15", "day", False, D(1992, 5, 15), D(1992, 5, 15)),
    "2015-09-14/2015-09-15": ("2015-09-14/2015-09-15", "day", True, D(2015, 9, 14), D(2015, 9, 15)),
    "2016-11/2017": ("2016-11/2017", "month", True, D(2016, 11, 1), D(2017, 12, 31)),
    "2000/2001": ("2000/2001", "year", True, D(2000, 1, 1), D(2001, 12, 31)),
    "2024-02": ("2024-02", "month", False, D(2024, 2, 1), D(2024, 2, 29)),
    "۱۹۹۲-۰۵-۱۵": ("1992-05-15", "day", False, D(1992, 5, 15), D(1992, 5, 15)),
    "١٩٩٢-٠٥": ("1992-05", "month", False, D(1992, 5, 1), D(1992, 5, 31)),
    " 1992 ": ("1992", "year", False, D(1992, 1, 1), D(1992, 12, 31)),
}


@pytest.mark.parametrize("text", sorted(ISO))
def test_iso_forms(text):
    d = parse_iso(text)
    assert (d.iso(), d.precision, d.is_range, d.start, d.end) == ISO[text]
    assert parse_date(text) == d


PHRASES = {
    # English
    "15 May 1992": "1992-05-15",
    "May 15, 1992": "1992-05-15",
    "May 1992": "1992-05",
    "1992": "1992",
    "in 2012": "2012",
    "Monday, 15th of September 2015": "2015-09-15",
    "Sept. 14, 2015": "2015-09-14",
    "late 2015": "2015",
    # Persian
    "15 می سال 1992": "1992-05-15",
    "در تاریخ 15 می سال 1992": "1992-05-15",
    "02 دسامبر 2004": "2004-12-02",
    "16 آگوست سال 2006": "2006-08-16",
    "16 اوت 2006": "2006-08-16",
    "ژوئن سال 2005": "2005-06",
    "در نوامبر سال 2006": "2006-11",
    "۱۵ مه ۱۹۹۲": "1992-05-15",
    "۱۵ می ۱۹۹۲": "1992-05-15",
    "3 ژوئیه 2010": "2010-07-03",
    "3 جولای 2010": "2010-07-03",
    "ژانویه 2009": "2009-01",
    "فوریه 2009": "2009-02",
    "مارس 2009": "2009-03",
    "آوریل 2009": "2009-04",
    "سپتامبر 2009": "2009-09",
    "اکتبر 2009": "2009-10",
    "ژانویهٔ 2009": "2009-01",  # CLDR's izafe form
    "پنج‌شنبه ۱۵ مه ۱۹۹۲": "1992-05-15",
    "روز دوشنبه 15 سپتامبر 2015": "2015-09-15",
    "دوشنبه، ۱۵ سپتامبر ۲۰۱۵": "2015-09-15",
    # Arabic
    "في 15 مايو 1992": "1992-05-15",
    "2 ديسمبر 2004": "2004-12-02",
    "في عام 2009": "2009",
    "في فبراير 2009": "2009-02",
    "منذ أبريل 2003": "2003-04",
    "منذ إبريل 2003": "2003-04",
    "15 أيلول 2015": "2015-09-15",
    "3 تشرين الأول 2002": "2002-10-03",
    "1 كانون الثاني 2020": "2020-01-01",
    "شباط 2020": "2020-02",
    "15 آذار 2015": "2015-03-15",
    "نيسان 2015": "2015-04",
    "أيار 2015": "2015-05",
    "حزيران 2015": "2015-06",
    "تموز 2015": "2015-07",
    "آب 2015": "2015-08",
    "تشرين الثاني 2015": "2015-11",
    "كانون الأول 2015": "2015-12",
    "يونيه 2015": "2015-06",
    "يوليه 2015": "2015-07",
    "أغسطس 2015": "2015-08",
    "15 أيار/مايو 2015": "2015-05-15",
    "يوم الإثنين 14 سبتمبر/أيلول 2015": "2015-09-14",
    "١٥ مايو ١٩٩٢": "1992-05-15",
    "في ١٥ مـــايـو ١٩٩٢": "1992-05-15",  # tatweel
    "2009م": "2009",
    # Russian
    "18 сентября 2003 года": "2003-09-18",
    "в мае 2015 г.": "2015-05",
    "15-го сентября 2015": "2015-09-15",
    # day ranges
    "14 و 15 سپتامبر سال 2015": "2015-09-14/2015-09-15",
    "14 – 15 سپتامبر سال 2015": "2015-09-14/2015-09-15",
    "September 14-15, 2015": "2015-09-14/2015-09-15",
    "14-15 September 2015": "2015-09-14/2015-09-15",
    "19-20 May 2015": "2015-05-19/2015-05-20",
    "19-20 مايو 2015": "2015-05-19/2015-05-20",
    "с 14 по 15 сентября 2015 года": "2015-09-14/2015-09-15",
    "30 September – 2 October 2015": "2015-09-30/2015-10-02",
    "30 December 2015 – 2 January 2016": "2015-12-30/2016-01-02",
    # month and year ranges
    "September–October 2015": "2015-09/2015-10",
    "November 2016 – March 2017": "2016-11/2017-03",
    "2016–2017": "2016/2017",
    "from 2016 to 2017": "2016/2017",
    # Solar Hijri
    "۲۴ شهریور ۱۳۹۴": "2015-09-15",
    "دوشنبه ۲۴ شهریور ۱۳۹۴": "2015-09-15",
    "۲۴ شهریور ۱۳۹۴ ه.ش": "2015-09-15",
    "شهریور ۱۳۹۴": "2015-08-23/2015-09-22",
    "۱۳۹۴ هجری شمسی": "2015-03-21/2016-03-19",
    "۱۳۹۴ ش": "2015-03-21/2016-03-19",
    "۱۳۹۴": "1394",  # a bare year is Gregorian
    "سال ۱۳۹۴": "1394",
    "۱۵ آذر ۱۳۹۴": "2015-12-06",
    "۱۴ و ۱۵ شهریور ۱۳۹۴": "2015-09-05/2015-09-06",
    "مهر تا آبان ۱۳۹۴": "2015-09-23/2015-11-21",
    "۳۰ اسفند ۱۳۹۵": "2017-03-20",  # 1395 is a leap year
    "۱ امرداد ۱۳۹۴": "2015-07-23",
    "۱ مرداد ۱۳۹۴": "2015-07-23",
    "۲۴ سنبله ۱۳۹۴": "2015-09-15",  # Dari month name
}


@pytest.mark.parametrize("text", sorted(PHRASES))
def test_date_phrases(text):
    assert parse_date(text).iso() == PHRASES[text]


def test_phrase_precision_and_range_flags():
    assert parse_date_phrase("15 May 1992") == DateValue(D(1992, 5, 15), D(1992, 5, 15), "day")
    assert parse_date_phrase("May 1992") == DateValue(D(1992, 5, 1), D(1992, 5, 31), "month")
    assert parse_date_phrase("in 2012") == DateValue(D(2012, 1, 1), D(2012, 12, 31), "year")
    assert parse_date_phrase("14 و 15 سپتامبر سال 2015") == DateValue(D(2015, 9, 14), D(2015, 9, 15), "day", True)
    assert parse_date_phrase("شهریور ۱۳۹۴") == DateValue(D(2015, 8, 23), D(2015, 9, 22), "day", True)
    month_range = parse_date_phrase("November 2016 – March 2017")
    assert (month_range.precision, month_range.is_range) == ("month", True)


def test_arabic_march_and_persian_azar_stay_apart():
    assert fold("آذار") != fold("آذر")
    assert parse_date_phrase("15 آذار 2015").iso() == "2015-03-15"  # Levantine March
    assert parse_date_phrase("15 آذر 1394").iso() == "2015-12-06"  # Solar month 9
    assert parse_date_phrase("15 مارس 2015").iso() == "2015-03-15"  # March in fa and ar


def test_weekday_never_breaks_a_parse_and_a_missing_year_is_named():
    for weekday in ("دوشنبه", "سه‌شنبه", "سه شنبه", "الاثنين", "Monday", "понедельник"):
        assert parse_date_phrase(f"{weekday} 15 سپتامبر 2015").iso() == "2015-09-15"
    with pytest.raises(DateError, match="has no year"):
        parse_date_phrase("روز دوشنبه 15 سپتامبر")


def test_lang_is_only_a_hint():
    assert parse_date_phrase("15 مايو 1992", lang="fa") == parse_date_phrase("15 مايو 1992", lang="ar")


# --- errors --------------------------------------------------------------------------------

ERRORS = {
    "2002-02-30": "2002-02-30 is not a real calendar date (February 2002 has 28 days)",
    "1999-02-29": "1999-02-29 is not a real calendar date (February 1999 has 28 days)",
    "2015-13": "2015-13: month 13 does not exist (expected 01-12)",
    "2015-00-10": "2015-00-10: month 00 does not exist (expected 01-12)",
    "2015-09-16/2015-09-14": "the range 2015-09-16/2015-09-14 ends before it starts",
    "2015-9-14": "'2015-9-14' is not an ISO date (expected an ISO date: YYYY, YYYY-MM, YYYY-MM-DD or a range START/END)",
    "2016-2017": "'2016-2017' is not an ISO date",
    "quite a lot": "'quite a lot' is not a date: unknown word 'quite'",
    "before 2015": "'before 2015' is not a date: unknown word 'before'",
    "30 فوریه 2002": "2002-02-30 is not a real calendar date (February 2002 has 28 days)",
    "31 مهر 1394": "31 مهر 1394 is not a real Solar Hijri date (مهر 1394 has 30 days)",
    "30 اسفند 1394": "(اسفند 1394 has 29 days)",
    "24 شهریور 2015": "2015 is not a plausible Solar Hijri year",
    "15 می 1394 ش": "names a Gregorian month but is marked as a Solar Hijri date",
    "1436 هـ": "Lunar Hijri date, which is not supported",
    "15 May 92": "has no year",
    "15 - 14 May 2015": "ends before it starts",
    "15 May 1992 12": "is not a date I can read",
    "": "empty date",
}


@pytest.mark.parametrize("text", sorted(ERRORS))
def test_bad_dates_are_rejected_with_a_clear_message(text):
    with pytest.raises(DateError) as err:
        parse_date(text)
    message = str(err.value)
    assert ERRORS[text] in message
    if text.strip() and "/" not in text:
        assert text in message  # the message names the text


def test_phrase_parser_alone_rejects_non_phrases():
    with pytest.raises(DateError, match="expected a date such as"):
        parse_date_phrase("the day after")


def test_date_value_checks_itself():
    with pytest.raises(ValueError):
        DateValue(D(2015, 1, 2), D(2015, 1, 1), "day")
    with pytest.raises(ValueError):
        DateValue(D(2015, 1, 1), D(2015, 1, 1), "week")
    assert DateValue(D(2015, 1, 1), D(2015, 1, 1), "day") == parse_iso("2015-01-01")
    assert str(parse_iso("2016-11/2017")) == "2016-11/2017"


def test_agreement_at_different_precision():
    year, day, other_day = parse_iso("1992"), parse_iso("1992-05-15"), parse_iso("1992-05-16")
    assert year.overlaps(day) and day.overlaps(year) and not day.overlaps(other_day)
    assert year.contains(day) and not day.contains(year)
    rng = parse_iso("2015-09-14/2015-09-15")
    assert rng.overlaps(parse_iso("2015-09-15")) and not rng.overlaps(parse_iso("2015-09-16"))
    assert rng.contains(parse_iso("2015-09-15")) and parse_iso("2015-09").contains(rng)
    assert parse_iso("2016-11/2017").overlaps(parse_iso("2017-06")) and not parse_iso("2016-11/2017").overlaps(
        parse_iso("2016-10")
    )


# --- normalize_dates -----------------------------------------------------------------------


def test_normalize_dates_aligns_and_types_columns():
    s = pd.Series(
        ["1992", None, "15 May 1992", "1992", "2002-02-30", 1992, 1992.0, D(2015, 9, 15), np.nan, "۲۴ شهریور ۱۳۹۴"],
        index=[5, 6, 7, 8, 9, 10, 11, 12, 13, 14],
        dtype=object,
    )
    out = normalize_dates(s)
    assert list(out.columns) == ["date_iso", "date_start", "date_end", "date_precision", "date_error"]
    assert list(out.index) == list(s.index)
    assert list(out["date_iso"]) == [
        "1992", None, "1992-05-15", "1992", None, "1992", "1992", "2015-09-15", None, "2015-09-15"
    ]
    assert str(out["date_start"].dtype) == "datetime64[s]" and str(out["date_end"].dtype) == "datetime64[s]"
    assert out.loc[5, "date_start"] == pd.Timestamp("1992-01-01") and out.loc[5, "date_end"] == pd.Timestamp("1992-12-31")
    assert out.loc[5, "date_precision"] == "year" and out.loc[7, "date_precision"] == "day"
    assert "February 2002 has 28 days" in out.loc[9, "date_error"]
    assert out.loc[6, "date_error"] is None and out.loc[13, "date_error"] is None and pd.isna(out.loc[6, "date_start"])
    assert pd.isna(out.loc[9, "date_start"]) and out.loc[9, "date_iso"] is None


def test_normalize_dates_handles_string_datetime_empty_and_unhashable_series():
    out = normalize_dates(pd.Series(["2015", None], dtype="str"))
    assert list(out["date_iso"]) == ["2015", None]
    out = normalize_dates(pd.Series(pd.to_datetime(["2015-09-15", None])))
    assert list(out["date_iso"]) == ["2015-09-15", None]
    assert normalize_dates(pd.Series([], dtype=object)).empty
    out = normalize_dates(pd.Series([["2015"], "2015"], dtype=object))
    assert out["date_error"].iloc[0] and out["date_iso"].iloc[1] == "2015"
    far = normalize_dates(pd.Series(["1000-01-01", "9999-12"]))
    assert far["date_end"].iloc[1] == pd.Timestamp("9999-12-31").as_unit("s")


def test_normalize_dates_parses_each_distinct_value_once(monkeypatch):
    calls: list[object] = []
    real = dates_module.parse_date

    def counting(value):
        calls.append(value)
        return real(value)

    monkeypatch.setattr(dates_module, "parse_date", counting)
    s = pd.Series(["15 May 1992", "1992", None, "bad"] * 2500)
    out = normalize_dates(s)
    assert sorted(map(str, calls)) == ["15 May 1992", "1992", "bad"]
    assert out["date_iso"].value_counts().to_dict() == {"1992-05-15": 2500, "1992": 2500}


plain_days = st.tuples(st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32)).map(
    lambda ymd: "%04d-%02d-%02d" % ymd
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(plain_days, st.sampled_from(["1992", " 1992-05-15", "1992-5-15", "۱۹۹۲-۰۵-۱۵", "15 May 1992"])), max_size=30))
def test_plain_iso_days_are_read_as_parse_date_reads_them(values):
    # normalize_dates reads YYYY-MM-DD with numpy, the rest with parse_date: same results.
    out = normalize_dates(pd.Series(values, dtype=object))
    starts, ends = out["date_start"].to_numpy(), out["date_end"].to_numpy()
    for k, value in enumerate(values):
        try:
            d = parse_date(value)
        except DateError as exc:
            assert out["date_error"].iloc[k] == str(exc) and out["date_iso"].iloc[k] is None
            assert np.isnat(starts[k]) and np.isnat(ends[k])
        else:
            assert out["date_error"].iloc[k] is None
            assert (out["date_iso"].iloc[k], out["date_precision"].iloc[k]) == (d.iso(), d.precision)
            assert (starts[k], ends[k]) == (np.datetime64(d.start, "s"), np.datetime64(d.end, "s"))


# --- properties ----------------------------------------------------------------------------

MONTH_NAMES = {
    "en": [["January", "Jan"], ["February", "Feb"], ["March", "Mar"], ["April", "Apr"], ["May"], ["June", "Jun"],
           ["July", "Jul"], ["August", "Aug"], ["September", "Sept", "Sep"], ["October", "Oct"],
           ["November", "Nov"], ["December", "Dec"]],
    "fa": [["ژانویه"], ["فوریه"], ["مارس"], ["آوریل"], ["می", "مه"], ["ژوئن"], ["ژوئیه", "جولای"],
           ["اوت", "آگوست"], ["سپتامبر"], ["اکتبر"], ["نوامبر"], ["دسامبر"]],
    "ar": [["يناير", "كانون الثاني"], ["فبراير", "شباط"], ["مارس", "آذار"], ["أبريل", "إبريل", "نيسان"],
           ["مايو", "أيار"], ["يونيو", "يونيه", "حزيران"], ["يوليو", "يوليه", "تموز"], ["أغسطس", "آب"],
           ["سبتمبر", "أيلول"], ["أكتوبر", "تشرين الأول"], ["نوفمبر", "تشرين الثاني"], ["ديسمبر", "كانون الأول"]],
    "ru": [["января", "январь"], ["февраля"], ["марта"], ["апреля"], ["мая"], ["июня"], ["июля"], ["августа"],
           ["сентября"], ["октября"], ["ноября"], ["декабря"]],
}
SOLAR_NAMES = ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"]
DIGITS = {"ascii": "0123456789", "fa": "۰۱۲۳۴۵۶۷۸۹", "ar": "٠١٢٣٤٥٦٧٨٩"}
LEADS = {
    "en": ["", "on ", "in ", "since "],
    "fa": ["", "در ", "در تاریخ ", "روز دوشنبه ", "از "],
    "ar": ["", "في ", "منذ ", "يوم الاثنين "],
    "ru": ["", "в ", "с "],
}
YEAR_WORDS = {"en": [""], "fa": ["", "سال "], "ar": ["", "عام "], "ru": [""]}
YEAR_TAILS = {"en": [""], "fa": ["", " میلادی"], "ar": ["", "م"], "ru": ["", " года", " г."]}


def _digits(n: int, script: str, pad: int = 0) -> str:
    return "".join(DIGITS[script][int(c)] for c in str(n).zfill(pad))


@st.composite
def noisy(draw, word: str) -> str:
    """Arabic-script words with tatweel, harakat or ZWNJ inserted between letters (fold drops them)."""
    if not any("\u0600" <= ch <= "\u06ff" for ch in word) or not draw(st.booleans()):
        return word
    noise = draw(st.sampled_from(["\u0640", "\u064e", "\u200c"]))
    at = draw(st.integers(1, max(1, len(word) - 1)))
    if word[at - 1] == " " or word[at:at + 1] == " ":
        return word
    return word[:at] + noise + word[at:]


@st.composite
def date_phrases(draw):
    day = draw(st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31)))
    lang = draw(st.sampled_from(sorted(MONTH_NAMES)))
    precision = draw(st.sampled_from(["day", "month", "year"]))
    script = draw(st.sampled_from(sorted(DIGITS)))
    month = draw(noisy(draw(st.sampled_from(MONTH_NAMES[lang][day.month - 1]))))
    y = _digits(day.year, script)
    d = _digits(day.day, script, draw(st.sampled_from([0, 2])))
    lead = draw(st.sampled_from(LEADS[lang]))
    year = draw(st.sampled_from(YEAR_WORDS[lang])) + y + draw(st.sampled_from(YEAR_TAILS[lang]))
    if precision == "day":
        if lang == "en" and draw(st.booleans()):
            text = f"{lead}{month} {d}, {year}"
        else:
            text = f"{lead}{d} {month} {year}"
        return text, day.isoformat(), "day"
    if precision == "month":
        return f"{lead}{month} {year}", f"{day.year:04d}-{day.month:02d}", "month"
    return f"{lead}{year}", f"{day.year:04d}", "year"


@settings(max_examples=200, deadline=None)
@given(date_phrases())
def test_generated_phrases_parse_back(case):
    text, expected, precision = case
    d = parse_date_phrase(text)
    assert (d.iso(), d.precision, d.is_range) == (expected, precision, False), text
    assert parse_date(text) == d


@settings(max_examples=150, deadline=None)
@given(
    st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31)),
    st.data(),
    st.sampled_from(sorted(MONTH_NAMES)),
    st.sampled_from(sorted(DIGITS)),
)
def test_generated_day_ranges_parse_back(start, data, lang, script):
    last = calendar.monthrange(start.year, start.month)[1]
    if start.day == last:
        start = start - dt.timedelta(days=1)
    end = start.replace(day=data.draw(st.integers(start.day + 1, last)))
    month = data.draw(st.sampled_from(MONTH_NAMES[lang][start.month - 1]))
    a, b, y = _digits(start.day, script), _digits(end.day, script), _digits(start.year, script)
    forms = {
        "en": [f"{a}-{b} {month} {y}", f"{month} {a}-{b}, {y}", f"{a} – {b} {month} {y}", f"{month} {a} to {b}, {y}"],
        "fa": [f"{a} و {b} {month} سال {y}", f"{a} – {b} {month} {y}", f"از {a} تا {b} {month} {y}"],
        "ar": [f"{a}-{b} {month} {y}", f"من {a} إلى {b} {month} {y}", f"{a} و{b} {month} {y}"],
        "ru": [f"с {a} по {b} {month} {y} года", f"{a}-{b} {month} {y}"],
    }[lang]
    text = data.draw(st.sampled_from(forms))
    assert parse_date_phrase(text) == DateValue(start, end, "day", True), text


@st.composite
def date_values(draw) -> DateValue:
    def one() -> DateValue:
        day = draw(st.dates(min_value=D(1000, 1, 1), max_value=D(9999, 12, 31)))
        precision = draw(st.sampled_from(["year", "month", "day"]))
        text = {"year": f"{day.year:04d}", "month": f"{day.year:04d}-{day.month:02d}", "day": day.isoformat()}
        return parse_iso(text[precision])

    first = one()
    if not draw(st.booleans()):
        return first
    first, second = sorted([first, one()], key=lambda d: (d.start, d.end))  # so START <= END
    return parse_iso(f"{first.iso()}/{second.iso()}")


@settings(max_examples=200, deadline=None)
@given(date_values())
def test_iso_round_trip(d):
    again = parse_iso(d.iso())
    assert again == d and again.iso() == d.iso()
    assert d.start <= d.end and d.contains(d) and d.overlaps(d)
    if d.is_range:
        assert d.precision == max(d.start_precision, d.end_precision, key=["year", "month", "day"].index)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 9999), st.integers(1, 12), st.integers(1, 31), st.integers(13, 99))
def test_impossible_calendar_dates_are_rejected(year, month, day, bad_month):
    last = calendar.monthrange(year, month)[1]
    text = f"{year:04d}-{month:02d}-{day:02d}"
    if day <= last:
        assert parse_iso(text).start == D(year, month, day)
    else:
        with pytest.raises(DateError, match=f"{text} is not a real calendar date .* has {last} days"):
            parse_iso(text)
    with pytest.raises(DateError, match="month .* does not exist"):
        parse_iso(f"{year:04d}-{bad_month:02d}")


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=D(1925, 1, 1), max_value=D(2100, 12, 31)), st.sampled_from(sorted(DIGITS)))
def test_solar_hijri_days_and_months_match_jdatetime(day, script):
    j = jdatetime.date.fromgregorian(date=day)
    month = SOLAR_NAMES[j.month - 1]
    text = f"{_digits(j.day, script)} {month} {_digits(j.year, script)}"
    assert parse_date_phrase(text) == DateValue(day, day, "day"), text
    first = jdatetime.date(j.year, j.month, 1).togregorian()
    following = jdatetime.date(j.year + (j.month == 12), j.month % 12 + 1, 1).togregorian()
    whole = parse_date_phrase(f"{month} {_digits(j.year, script)}")
    assert whole == DateValue(first, following - dt.timedelta(days=1), "day", True)
    assert whole.contains(parse_date_phrase(text))
