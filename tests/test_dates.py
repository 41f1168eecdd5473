"""Dates with precision: ISO values, phrases in fa/ar/en, ranges, Solar Hijri, agreement."""

from __future__ import annotations

import datetime as dt

import jdatetime
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.normalize.dates import DateError, DateValue, normalize_dates, parse_date, parse_date_phrase, parse_iso

PINNED = {
    "1992": ("1992", "year"),
    "1992-05": ("1992-05", "month"),
    "1992-05-15": ("1992-05-15", "day"),
    "2015-09-14/2015-09-15": ("2015-09-14/2015-09-15", "day"),
    "2016-11/2017": ("2016-11/2017", "month"),
    "15 May 1992": ("1992-05-15", "day"),
    "May 15, 1992": ("1992-05-15", "day"),
    "in 2012": ("2012", "year"),
    "در تاریخ 15 می سال 1992": ("1992-05-15", "day"),
    "۱۵ مه ۱۹۹۲": ("1992-05-15", "day"),
    "02 دسامبر 2004": ("2004-12-02", "day"),
    "16 آگوست سال 2006": ("2006-08-16", "day"),
    "16 اوت 2006": ("2006-08-16", "day"),
    "ژوئن سال 2005": ("2005-06", "month"),
    "در نوامبر سال 2006": ("2006-11", "month"),
    "في 15 مايو 1992": ("1992-05-15", "day"),
    "في عام 2009": ("2009", "year"),
    "منذ أبريل 2003": ("2003-04", "month"),
    "15 أيلول 2015": ("2015-09-15", "day"),
    "3 تشرين الأول 2002": ("2002-10-03", "day"),
    "14 و 15 سپتامبر سال 2015": ("2015-09-14/2015-09-15", "day"),
    "14 – 15 سپتامبر سال 2015": ("2015-09-14/2015-09-15", "day"),
    "September 14-15, 2015": ("2015-09-14/2015-09-15", "day"),
    "14-15 September 2015": ("2015-09-14/2015-09-15", "day"),
    "19-20 مايو 2015": ("2015-05-19/2015-05-20", "day"),
    "۲۴ شهریور ۱۳۹۴": ("2015-09-15", "day"),
    "شهریور ۱۳۹۴": ("2015-08-23/2015-09-22", "day"),
    "روز دوشنبه 15 سپتامبر 2015": ("2015-09-15", "day"),
    "18 сентября 2003": ("2003-09-18", "day"),
}


@pytest.mark.parametrize("text,expected", sorted(PINNED.items()))
def test_pinned_phrases(text, expected):
    d = parse_date(text)
    assert (d.iso(), d.precision) == expected


@pytest.mark.parametrize("text", ["2002-02-30", "2015-13", "1999-02-29", "2015-09-16/2015-09-14", "quite a lot"])
def test_impossible_or_unreadable_dates_are_rejected_with_the_text(text):
    with pytest.raises(DateError) as err:
        parse_date(text)
    assert text.split("/")[0] in str(err.value) or "range" in str(err.value)


def test_agreement_at_different_precision():
    year, day, other_day = parse_iso("1992"), parse_iso("1992-05-15"), parse_iso("1992-05-16")
    assert year.overlaps(day) and not day.overlaps(other_day) and year.contains(day)
    rng = parse_iso("2015-09-14/2015-09-15")
    assert rng.overlaps(parse_iso("2015-09-15")) and not rng.overlaps(parse_iso("2015-09-16"))


def test_normalize_dates_parses_each_distinct_text_once_and_aligns():
    s = pd.Series(["1992", None, "15 May 1992", "1992", "2002-02-30"], index=[5, 6, 7, 8, 9])
    out = normalize_dates(s)
    assert list(out.index) == [5, 6, 7, 8, 9]
    assert list(out["date_iso"]) == ["1992", None, "1992-05-15", "1992", None]
    assert out.loc[9, "date_error"] and out.loc[6, "date_error"] is None
    assert str(out["date_start"].dtype) == "datetime64[s]"


# --- properties ----------------------------------------------------------------------------

MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"],
    "fa": [["ژانویه"], ["فوریه"], ["مارس"], ["آوریل"], ["می", "مه"], ["ژوئن"], ["ژوئیه", "جولای"],
           ["اوت", "آگوست"], ["سپتامبر"], ["اکتبر"], ["نوامبر"], ["دسامبر"]],
    "ar": [["يناير", "كانون الثاني"], ["فبراير", "شباط"], ["مارس", "آذار"], ["أبريل", "إبريل", "نيسان"],
           ["مايو", "أيار"], ["يونيو", "يونيه", "حزيران"], ["يوليو", "تموز"], ["أغسطس", "آب"],
           ["سبتمبر", "أيلول"], ["أكتوبر", "تشرين الأول"], ["نوفمبر", "تشرين الثاني"], ["ديسمبر", "كانون الأول"]],
}
DIGITS = {"ascii": "0123456789", "fa": "۰۱۲۳۴۵۶۷۸۹", "ar": "٠١٢٣٤٥٦٧٨٩"}


def _digits(n: int, script: str, pad: int = 0) -> str:
    return "".join(DIGITS[script][int(c)] for c in str(n).zfill(pad))


@st.composite
def phrase(draw):
    day = draw(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
    lang = draw(st.sampled_from(["en", "fa", "ar"]))
    precision = draw(st.sampled_from(["day", "month", "year"]))
    script = draw(st.sampled_from(list(DIGITS)))
    names = MONTHS[lang][day.month - 1]
    month = names if isinstance(names, str) else draw(st.sampled_from(names))
    y, d = _digits(day.year, script), _digits(day.day, script, draw(st.sampled_from([0, 2])))
    filler = {"en": ["", "on ", "in "], "fa": ["", "در ", "در تاریخ "], "ar": ["", "في "]}[lang]
    year_word = {"en": "", "fa": draw(st.sampled_from(["", "سال "])), "ar": draw(st.sampled_from(["", "عام "]))}[lang]
    lead = draw(st.sampled_from(filler))
    if precision == "day":
        if lang == "en" and draw(st.booleans()):
            text = f"{lead}{month} {d}, {y}"
        else:
            text = f"{lead}{d} {month} {year_word}{y}"
        expected = day.isoformat()
    elif precision == "month":
        text = f"{lead}{month} {year_word}{y}"
        expected = f"{day.year:04d}-{day.month:02d}"
    else:
        text = f"{lead}{year_word}{y}"
        expected = f"{day.year:04d}"
    return text, expected, precision


@settings(max_examples=300, deadline=None)
@given(phrase())
def test_generated_phrases_parse_back(case):
    text, expected, precision = case
    d = parse_date_phrase(text)
    assert (d.iso(), d.precision) == (expected, precision), text


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 30)), st.integers(1, 5),
       st.sampled_from(["fa", "ar", "en"]))
def test_generated_day_ranges_parse_back(start, length, lang):
    end = start + dt.timedelta(days=length)
    if end.month != start.month:
        end = start.replace(day=28) if start.day < 28 else start
    if end <= start:
        return
    month = {"en": MONTHS["en"][start.month - 1], "fa": MONTHS["fa"][start.month - 1][0],
             "ar": MONTHS["ar"][start.month - 1][0]}[lang]
    joiner = {"en": "-", "fa": " و ", "ar": "-"}[lang]
    text = f"{start.day}{joiner}{end.day} {month} {start.year}"
    assert parse_date_phrase(text).iso() == f"{start.isoformat()}/{end.isoformat()}"


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(9999, 12, 31)),
       st.sampled_from(["year", "month", "day"]))
def test_iso_round_trip(day, precision):
    text = {"year": f"{day.year:04d}", "month": f"{day.year:04d}-{day.month:02d}", "day": day.isoformat()}[precision]
    d = parse_iso(text)
    assert d.iso() == text and parse_iso(d.iso()) == d and d.start <= day <= d.end


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1925, 1, 1), max_value=dt.date(2100, 12, 31)), st.sampled_from(list(DIGITS)))
def test_solar_hijri_dates_match_jdatetime(day, script):
    j = jdatetime.date.fromgregorian(date=day)
    month = ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"][j.month - 1]
    text = f"{_digits(j.day, script)} {month} {_digits(j.year, script)}"
    assert parse_date_phrase(text) == DateValue(day, day, "day")
