"""Quantities: digits in any script, separators, scale and number words, qualifiers, units."""

from __future__ import annotations

import math
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reconcile.normalize.quantities as quantities_module
from reconcile.normalize.quantities import (
    APPROX,
    Quantity,
    QuantityError,
    normalize_quantities,
    parse_quantity,
    plausible_range,
    ranges_overlap,
)

# --- pinned examples -----------------------------------------------------------------------

PINNED = {
    # the examples of the specification
    "حوالي 3.6 ألف فرد": (3600, "about", "person"),
    "حوالي 3.5 ألف شخص": (3500, "about", "person"),
    "أكثر من 20 ألف فرد": (20000, "more_than", "person"),
    "1500 فرد": (1500, "exact", "person"),
    "about 3.6 thousand": (3600, "about", None),
    "بیش از ۲۰ هزار نفر": (20000, "more_than", "person"),
    "حوالي 245 طناً": (245, "about", "t"),
    "سبعة بلدان": (7, "exact", "state"),
    # separators and digit scripts
    "3,600": (3600, "exact", None),
    "۳٬۶۰۰": (3600, "exact", None),
    "٣٬٦٠٠": (3600, "exact", None),
    "۳٫۶ هزار": (3600, "exact", None),
    "20 000 человек": (20000, "exact", "person"),
    "3,6 тыс.": (3600, "exact", None),
    "1,5 млн": (1_500_000, "exact", None),
    "1.5 million": (1_500_000, "exact", None),
    "3,600.5": (3600.5, "exact", None),
    # scale words
    "نحو 300 ألف": (300000, "about", None),
    "قرابة 300 ألف": (300000, "about", None),
    "20 آلاف": (20000, "exact", None),
    "عشرين ألفاً": (20000, "exact", None),
    "ألفين": (2000, "exact", None),
    "ملايين": (1_000_000, "exact", None),
    "۲ میلیون": (2_000_000, "exact", None),
    "3.6k": (3600, "exact", None),
    "۲۰ هزار و ۵۰۰": (20500, "exact", None),
    # number words
    "seven": (7, "exact", None),
    "six": (6, "exact", None),
    "شش": (6, "exact", None),
    "ستة": (6, "exact", None),
    "ست": (6, "exact", None),
    "سبعة": (7, "exact", None),
    "سبع": (7, "exact", None),
    "twelve": (12, "exact", None),
    "دوازده": (12, "exact", None),
    "اثنا عشر": (12, "exact", None),
    "أحد عشر": (11, "exact", None),
    "ثلاثة عشر": (13, "exact", None),
    "twenty-five": (25, "exact", None),
    "بیست و پنج": (25, "exact", None),
    "خمسة وعشرون": (25, "exact", None),
    "three hundred": (300, "exact", None),
    "two hundred and five": (205, "exact", None),
    "سیصد و پنجاه": (350, "exact", None),
    "صد هزار": (100000, "exact", None),
    "a thousand": (1000, "exact", None),
    "six thousand troops": (6000, "exact", "person"),
    "шесть": (6, "exact", None),
    # qualifiers
    "about 3,600 personnel": (3600, "about", "person"),
    "approximately 3600": (3600, "about", None),
    "around 3600": (3600, "about", None),
    "some 3,600 troops": (3600, "about", "person"),
    "~300": (300, "about", None),
    "≈300": (300, "about", None),
    "حدود ۳۶۰۰ نفر": (3600, "about", "person"),
    "در حدود ۳۶۰۰": (3600, "about", None),
    "تقریباً ۳۶۰۰": (3600, "about", None),
    "حدوداً ۳۶۰۰": (3600, "about", None),
    "قریب به ۳۶۰۰": (3600, "about", None),
    "تقريبا 3600": (3600, "about", None),
    "3600 تقریباً": (3600, "about", None),
    "20 ألف جندي تقريباً": (20000, "about", "person"),
    "около 3600 военнослужащих": (3600, "about", "person"),
    "примерно 3600": (3600, "about", None),
    "more than 20,000": (20000, "more_than", None),
    "over 20,000": (20000, "more_than", None),
    "بیشتر از ۲۰ هزار": (20000, "more_than", None),
    "ما يزيد على 20 ألف عسكري": (20000, "more_than", "person"),
    "более 20 тыс. человек": (20000, "more_than", "person"),
    "свыше 9300": (9300, "more_than", None),
    "less than 5": (5, "less_than", None),
    "کمتر از ۵": (5, "less_than", None),
    "أقل من 5": (5, "less_than", None),
    "менее 5": (5, "less_than", None),
    "at least 12": (12, "at_least", None),
    "دست کم 12": (12, "at_least", None),
    "دست‌کم ۱۲": (12, "at_least", None),
    "حداقل ۱۲": (12, "at_least", None),
    "على الأقل 12": (12, "at_least", None),
    "12 على الأقل": (12, "at_least", None),
    "не менее 12": (12, "at_least", None),
    "20,000+": (20000, "at_least", None),
    "20,000 or more": (20000, "at_least", None),
    "20 ألفا أو أكثر": (20000, "at_least", None),
    "up to 100": (100, "at_most", None),
    "تا ۱۰۰ نفر": (100, "at_most", "person"),
    "حداکثر 100": (100, "at_most", None),
    "حتى 100": (100, "at_most", None),
    "ما يصل إلى 100": (100, "at_most", None),
    "до 100": (100, "at_most", None),
    # units
    "3,600 Russian troops": (3600, "exact", "person"),
    "30 دولة": (30, "exact", "state"),
    "أكثر من 30 دولة عضو": (30, "more_than", "state"),
    "7 member states": (7, "exact", "state"),
    "۶ کشور": (6, "exact", "state"),
    "6 государств": (6, "exact", "state"),
    "245 тонн": (245, "exact", "t"),
    "12 أطنان": (12, "exact", "t"),
    "۴۲ تن": (42, "exact", "t"),
    "3600 من العسكريين": (3600, "exact", "person"),
    "5%": (5, "exact", "percent"),
    "۵ درصد": (5, "exact", "percent"),
    "12 helicopters": (12, "exact", "helicopters"),
}


@pytest.mark.parametrize("text", sorted(PINNED))
def test_pinned_quantities(text):
    q = parse_quantity(text)
    assert (q.amount, q.approx, q.unit) == PINNED[text]
    assert isinstance(q.amount, float)


REJECTED = {
    "quite a lot": "unexpected 'quite' before the figure",
    "": "empty quantity",
    "   ": "empty quantity",
    "12 and 13": "more than one figure",
    "3-5": "more than one figure",
    "۳ تا ۵": "more than one figure",
    "4 of the 6 members": "more than one figure",
    "seven six": "more than one figure",
    "about 3600 or more": "two qualifiers that disagree",
    "tons 5": "unexpected 'tons' before the figure",
    "about": "is not a quantity",
    "more than": "is not a quantity",
}


@pytest.mark.parametrize("text", sorted(REJECTED))
def test_bad_phrases_are_rejected_with_a_clear_message(text):
    with pytest.raises(QuantityError, match=REJECTED[text]) as err:
        parse_quantity(text)
    if text.strip():
        assert repr(text) in str(err.value)


@pytest.mark.parametrize(
    "value",
    [True, False, np.bool_(True), math.nan, math.inf, [1, 2], None, {"amount": 3, "approx": "roughly"}, {"amt": 3},
     {"unit": "person"}, {"amount": "about 3600", "approx": "more_than"}],
)
def test_non_quantities_are_rejected(value):
    with pytest.raises(QuantityError):
        parse_quantity(value)


def test_numbers_and_mappings():
    assert parse_quantity(1500) == Quantity(1500.0, None, "exact")
    assert parse_quantity(np.int64(1500), "person") == Quantity(1500.0, "person", "exact")
    assert parse_quantity(np.float32(3.5)) == Quantity(3.5, None, "exact")
    assert parse_quantity(Decimal("3600")) == Quantity(3600.0, None, "exact")
    assert parse_quantity({"amount": 20000, "approx": "more_than", "unit": "person"}) == Quantity(
        20000, "person", "more_than"
    )
    assert parse_quantity({"amount": 7}) == Quantity(7, None, "exact")
    assert parse_quantity({"amount": "about 3.6 thousand", "unit": "نفر"}) == Quantity(3600, "person", "about")
    assert parse_quantity({"amount": "3,600", "approx": "about"}) == Quantity(3600, None, "about")
    assert parse_quantity({"amount": "about 3600", "approx": "about"}) == Quantity(3600, None, "about")
    assert parse_quantity({"amount": 43, "unit": "treaty"}) == Quantity(43, "treaty", "exact")


def test_unit_argument_is_the_default_and_the_value_wins():
    assert parse_quantity("about 3600", "person").unit == "person"
    assert parse_quantity("245 طن", "person").unit == "t"
    assert parse_quantity({"amount": 5}, "year").unit == "year"


def test_quantity_checks_its_approximation():
    with pytest.raises(ValueError):
        Quantity(3, None, "roughly")
    assert Quantity(3).approx == "exact" and Quantity(3).amount == 3.0


def test_intervals():
    assert Quantity(3600, None, "exact").interval() == (3600, 3600)
    assert Quantity(100, None, "exact").interval(0.05) == pytest.approx((95, 105))
    assert Quantity(3600, None, "about").interval() == pytest.approx((3240, 3960))  # 10 % margin
    assert Quantity(3600, None, "about").interval(about_margin=0.05) == pytest.approx((3420, 3780))
    assert Quantity(3600, None, "about").interval(0.2) == pytest.approx((2880, 4320))  # tolerance is larger
    low, high = Quantity(20000, None, "more_than").interval()
    assert 20000 < low < 20000.001 and high == math.inf
    assert Quantity(20000, None, "at_least").interval(0.5) == (20000, math.inf)
    low, high = Quantity(5, None, "less_than").interval()
    assert low == -math.inf and 4.999 < high < 5
    assert Quantity(100, None, "at_most").interval() == (-math.inf, 100)
    assert Quantity(-10, None, "about").interval() == pytest.approx((-11, -9))


def test_labels():
    assert parse_quantity("حوالي 3.6 ألف فرد").label() == "about 3,600 personnel"
    assert parse_quantity("أكثر من 20 ألف").label() == "more than 20,000"
    assert Quantity(1, "person", "exact").label() == "1 person"
    assert Quantity(245, "t", "about").label() == "about 245 t"
    assert Quantity(7, "state", "at_least").label() == "at least 7 states"
    assert Quantity(3.5, None, "at_most").label() == "at most 3.5"
    assert Quantity(5, "percent", "less_than").label() == "less than 5%"


# --- vectorized ----------------------------------------------------------------------------


def test_normalize_quantities_handles_mixed_values_and_aligns():
    s = pd.Series(
        ["about 3600", 1500, {"amount": 7}, "about 3600", "nonsense", None, True, 1, np.nan, {"amount": 7}],
        index=list("abcdefghij"),
    )
    units = pd.Series(["person", None, "state", "person", None, None, None, None, None, "t"], index=s.index)
    out = normalize_quantities(s, units)
    assert list(out.columns) == ["qty_amount", "qty_unit", "qty_approx", "qty_low", "qty_high", "qty_error"]
    assert list(out.index) == list(s.index)
    assert out["qty_amount"].tolist()[:4] == [3600, 1500, 7, 3600]
    assert out.loc["h", "qty_amount"] == 1 and "True" in out.loc["g", "qty_error"]  # True is not 1 here
    assert out.loc["a", "qty_unit"] == "person" and out.loc["b", "qty_unit"] is None
    assert out.loc["c", "qty_unit"] == "state" and out.loc["j", "qty_unit"] == "t"  # same value, other unit
    assert out.loc["a", "qty_approx"] == "about" and out.loc["b", "qty_approx"] == "exact"
    assert (out.loc["a", "qty_low"], out.loc["a", "qty_high"]) == pytest.approx((3240, 3960))
    assert "nonsense" in out.loc["e", "qty_error"] and out.loc["a", "qty_error"] is None
    assert out.loc["f", "qty_error"] is None and math.isnan(out.loc["f", "qty_amount"])
    assert out.loc["i", "qty_error"] is None and out.loc["i", "qty_approx"] is None
    assert out["qty_amount"].dtype == float and out["qty_low"].dtype == float


def test_normalize_quantities_numeric_string_and_empty_series():
    out = normalize_quantities(pd.Series([1.0, 2.0, np.nan]))
    assert out["qty_amount"].tolist()[:2] == [1.0, 2.0] and out["qty_error"].isna().all()
    out = normalize_quantities(pd.Series(["۱۲", None], dtype="str"))
    assert out["qty_amount"].iloc[0] == 12 and out["qty_error"].isna().all()
    assert normalize_quantities(pd.Series([], dtype=object)).empty
    with pytest.raises(ValueError, match="aligned"):
        normalize_quantities(pd.Series([1, 2]), pd.Series(["t"]))


def test_normalize_quantities_parses_each_distinct_pair_once(monkeypatch):
    calls: list[tuple[object, object]] = []
    real = quantities_module.parse_quantity

    def counting(value, unit=None):
        calls.append((value, unit))
        return real(value, unit)

    monkeypatch.setattr(quantities_module, "parse_quantity", counting)
    s = pd.Series(["about 3600", {"amount": 7}, 1500, None] * 2000)
    units = pd.Series(["person", "state", None, None] * 2000)
    out = normalize_quantities(s, units)
    assert len(calls) == 3
    assert out["qty_amount"].notna().sum() == 6000


def test_plausible_range_matches_quantity_interval():
    frame = pd.DataFrame(
        {
            "qty_amount": [3600.0, 20000.0, 5.0, 100.0, 12.0, 7.0],
            "qty_approx": ["about", "more_than", "less_than", "exact", "at_least", "at_most"],
            "tolerance": [None, 0.1, None, 0.05, None, np.nan],
        }
    )
    low, high = plausible_range(frame)
    for i, row in frame.iterrows():
        tol = 0.0 if pd.isna(row["tolerance"]) else row["tolerance"]
        assert (low[i], high[i]) == Quantity(row["qty_amount"], None, row["qty_approx"]).interval(tol)


def test_ranges_overlap():
    pairs = pd.DataFrame(
        {
            "qty_amount_a": [20000.0, 3600.0, 20000.0],
            "qty_approx_a": ["more_than", "about", "more_than"],
            "tolerance_a": [0.0, 0.0, 0.0],
            "qty_amount_b": [1500.0, 3500.0, 20000.0],
            "qty_approx_b": ["exact", "about", "exact"],
            "tolerance_b": [0.0, 0.0, 0.0],
        }
    )
    assert ranges_overlap(pairs).tolist() == [False, True, False]


# --- properties ----------------------------------------------------------------------------

DIGITS = {"ascii": "0123456789", "fa": "۰۱۲۳۴۵۶۷۸۹", "ar": "٠١٢٣٤٥٦٧٨٩"}
DECIMAL = {"ascii": ".", "fa": "٫", "ar": "٫"}
GROUPING = {"ascii": ",", "fa": "٬", "ar": "٬"}
QUALIFIERS = {
    "exact": {"en": [""], "fa": [""], "ar": [""], "ru": [""]},
    "about": {
        "en": ["about", "approximately", "around", "some", "~"],
        "fa": ["حدود", "تقریباً", "حدوداً", "قریب به", "در حدود"],
        "ar": ["حوالي", "نحو", "قرابة", "تقريبا"],
        "ru": ["около", "примерно"],
    },
    "more_than": {
        "en": ["more than", "over"],
        "fa": ["بیش از", "بیشتر از"],
        "ar": ["أكثر من", "ما يزيد على"],
        "ru": ["более", "свыше"],
    },
    "less_than": {"en": ["less than"], "fa": ["کمتر از"], "ar": ["أقل من"], "ru": ["менее"]},
    "at_least": {
        "en": ["at least"],
        "fa": ["دست کم", "حداقل"],
        "ar": ["على الأقل"],
        "ru": ["не менее"],
    },
    "at_most": {"en": ["up to", "at most"], "fa": ["تا", "حداکثر"], "ar": ["حتى", "ما يصل إلى"], "ru": ["до"]},
}
SCALES = {
    "en": [("thousand", 1000), ("million", 1_000_000)],
    "fa": [("هزار", 1000), ("میلیون", 1_000_000)],
    "ar": [("ألف", 1000), ("آلاف", 1000), ("مليون", 1_000_000), ("ملايين", 1_000_000)],
    "ru": [("тыс.", 1000), ("тысяч", 1000), ("млн", 1_000_000)],
}
UNITS = {
    "en": [("", None), ("personnel", "person"), ("troops", "person"), ("tonnes", "t"), ("states", "state")],
    "fa": [("", None), ("نفر", "person"), ("فرد", "person"), ("تن", "t"), ("کشور", "state")],
    "ar": [("", None), ("فرد", "person"), ("شخص", "person"), ("طن", "t"), ("أطنان", "t"), ("دولة", "state"),
           ("بلدان", "state")],
    "ru": [("", None), ("человек", "person"), ("тонн", "t"), ("государств", "state")],
}


def _write(number: str, script: str) -> str:
    return "".join(DIGITS[script][int(c)] if c.isdigit() else c for c in number)


@st.composite
def quantity_phrases(draw):
    lang = draw(st.sampled_from(sorted(SCALES)))
    approx = draw(st.sampled_from(APPROX))
    script = draw(st.sampled_from(sorted(DIGITS))) if lang != "ru" else "ascii"
    if draw(st.booleans()):  # a decimal figure with a scale word: "3.6 thousand", «۳٫۶ هزار», "3,6 тыс."
        amount = Decimal(draw(st.integers(1, 9999))) / 10
        text = f"{amount.normalize():f}".replace(".", DECIMAL[script] if lang != "ru" else ",")
        word, factor = draw(st.sampled_from(SCALES[lang]))
        number = f"{_write(text, script)} {word}"
        expected = float(amount * factor)
    else:  # a whole figure, with or without thousands separators
        n = draw(st.integers(0, 9_999_999))
        grouped = f"{n:,}".replace(",", GROUPING[script]) if draw(st.booleans()) else str(n)
        number = _write(grouped, script)
        expected = float(n)
    qualifier = draw(st.sampled_from(QUALIFIERS[approx][lang]))
    unit_word, unit = draw(st.sampled_from(UNITS[lang]))
    text = " ".join(part for part in (qualifier, number, unit_word) if part)
    return text, expected, approx, unit


@settings(max_examples=200, deadline=None)
@given(quantity_phrases())
def test_generated_quantities_parse_back(case):
    text, amount, approx, unit = case
    q = parse_quantity(text)
    assert (q.amount, q.approx, q.unit) == (amount, approx, unit), text


NUMBER_WORDS = {
    "en": ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"],
    "fa": ["یک", "دو", "سه", "چهار", "پنج", "شش", "هفت", "هشت", "نه", "ده", "یازده", "دوازده"],
    "ar": [["واحد"], ["اثنان", "اثنين"], ["ثلاثة", "ثلاث"], ["أربعة", "أربع"], ["خمسة", "خمس"], ["ستة", "ست"],
           ["سبعة", "سبع"], ["ثمانية", "ثماني"], ["تسعة", "تسع"], ["عشرة", "عشر"], ["أحد عشر"], ["اثنا عشر", "اثني عشر"]],
}
TENS = {
    "en": ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"],
    "fa": ["بیست", "سی", "چهل", "پنجاه", "شصت", "هفتاد", "هشتاد", "نود"],
    "ar": ["عشرون", "ثلاثون", "أربعون", "خمسون", "ستون", "سبعون", "ثمانون", "تسعون"],
}


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(sorted(NUMBER_WORDS)), st.integers(1, 12), st.integers(0, 8), st.data())
def test_number_words_parse_back(lang, units_value, tens_index, data):
    word = NUMBER_WORDS[lang][units_value - 1]
    word = word if isinstance(word, str) else data.draw(st.sampled_from(word))
    assert parse_quantity(word).amount == units_value
    if tens_index < 8:
        tens = TENS[lang][tens_index]
        assert parse_quantity(tens).amount == 20 + 10 * tens_index
        if units_value < 10:
            compound = {"en": f"{tens}-{word}", "fa": f"{tens} و {word}", "ar": f"{word} و{tens}"}[lang]
            assert parse_quantity(compound).amount == 20 + 10 * tens_index + units_value, compound
