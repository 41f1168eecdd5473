"""Quantities: digits in any script, scale words, number words, qualifiers, units."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.normalize.quantities import Quantity, QuantityError, normalize_quantities, parse_quantity

PINNED = {
    "حوالي 3.6 ألف فرد": (3600, "about", "person"),
    "حوالي 3.5 ألف شخص": (3500, "about", "person"),
    "أكثر من 20 ألف فرد": (20000, "more_than", "person"),
    "1500 فرد": (1500, "exact", "person"),
    "about 3.6 thousand": (3600, "about", None),
    "بیش از ۲۰ هزار نفر": (20000, "more_than", "person"),
    "حوالي 245 طناً": (245, "about", "t"),
    "سبعة بلدان": (7, "exact", "state"),
    "seven": (7, "exact", None),
    "شش": (6, "exact", None),
    "3,600": (3600, "exact", None),
    "۳٫۶ هزار": (3600, "exact", None),
    "نحو 300 ألف": (300000, "about", None),
    "более 20 тыс. человек": (20000, "more_than", "person"),
    "at least 12": (12, "at_least", None),
    "دست کم 12": (12, "at_least", None),
    "up to 100": (100, "at_most", None),
    "less than 5": (5, "less_than", None),
    "~300": (300, "about", None),
}


@pytest.mark.parametrize("text,expected", sorted(PINNED.items()))
def test_pinned_quantities(text, expected):
    q = parse_quantity(text)
    assert (q.amount, q.approx, q.unit) == expected


@pytest.mark.parametrize("value", ["quite a lot", "", "12 and 13", True, {"amount": 3, "approx": "roughly"}])
def test_non_quantities_are_rejected(value):
    with pytest.raises(QuantityError):
        parse_quantity(value)


def test_mapping_and_numbers():
    assert parse_quantity({"amount": 20000, "approx": "more_than", "unit": "person"}) == Quantity(20000, "person", "more_than")
    assert parse_quantity(1500) == Quantity(1500.0, None, "exact")


def test_intervals():
    assert Quantity(3600, None, "about").interval() == pytest.approx((3240, 3960))
    assert Quantity(20000, None, "more_than").interval() == (20000, math.inf)
    assert Quantity(100, None, "exact").interval(0.05) == pytest.approx((95, 105))


def test_normalize_quantities_handles_mixed_values_and_aligns():
    s = pd.Series(["about 3600", 1500, {"amount": 7}, "about 3600", "nonsense"], index=list("abcde"))
    out = normalize_quantities(s)
    assert list(out.index) == list("abcde")
    assert list(out["qty_amount"].iloc[:4]) == [3600, 1500, 7, 3600]
    assert out.loc["e", "qty_error"] and out.loc["a", "qty_error"] is None


DIGITS = {"ascii": "0123456789", "fa": "۰۱۲۳۴۵۶۷۸۹", "ar": "٠١٢٣٤٥٦٧٨٩"}
QUALIFIERS = {
    "about": {"en": "about", "fa": "حدود", "ar": "حوالي"},
    "more_than": {"en": "more than", "fa": "بیش از", "ar": "أكثر من"},
    "at_least": {"en": "at least", "fa": "حداقل", "ar": "على الأقل"},
    "exact": {"en": "", "fa": "", "ar": ""},
}
SCALES = {"en": ("thousand", 1000), "fa": ("هزار", 1000), "ar": ("ألف", 1000)}


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 99999),
    st.sampled_from(list(QUALIFIERS)),
    st.sampled_from(["en", "fa", "ar"]),
    st.sampled_from(list(DIGITS)),
    st.booleans(),
)
def test_generated_quantities_parse_back(amount, approx, lang, script, scaled):
    digits = "".join(DIGITS[script][int(c)] for c in str(amount))
    qualifier = QUALIFIERS[approx][lang]
    text = f"{qualifier} {digits}".strip()
    expected = float(amount)
    if scaled:
        word, factor = SCALES[lang]
        text += f" {word}"
        expected *= factor
    q = parse_quantity(text)
    assert (q.amount, q.approx) == (expected, approx), text
