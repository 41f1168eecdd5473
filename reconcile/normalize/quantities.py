"""Quantities: an amount, a unit and an approximation marker, parsed from many notations.

A :class:`Quantity` is ``amount`` (float), ``unit`` (canonical: ``person``, ``t``,
``state``… or None) and ``approx``, one of :data:`APPROX`: ``exact``, ``about``,
``more_than``, ``less_than``, ``at_least``, ``at_most``.

:func:`parse_quantity` accepts:

* numbers (``1500``, ``3600.0``) and mappings ``{amount: 3600, unit: person, approx: about}``;
* phrases in English, Persian, Arabic and Russian: digits in any script with ``.`` or
  ``٫`` decimals and ``,`` / ``٬`` / thin-space thousands separators (``3,600``,
  ``۳٫۶``); scale words (thousand, million; هزار، میلیون; ألف، آلاف، مليون; тыс.,
  тысяча, млн); number words one to twenty and the tens in en/fa/ar ("six", «شش»,
  «ستة», «سبعة بلدان» → 7); qualifiers: about / approximately / around / some / ~,
  «حدود»، «حدوداً»، «تقریباً»، «قریب به»، «حوالي»، «نحو»، «قرابة»، «تقريبا»، «около»،
  «примерно» (about); more than / over / «بیش از»، «بیشتر از»، «أكثر من»، «ما يزيد على»،
  «более»، «свыше» (more_than); less than / under / «کمتر از»، «أقل من»، «менее»
  (less_than); at least / «دست کم»، «حداقل»، «على الأقل»، «не менее» (at_least); up to /
  at most / «حداکثر»، «ما يصل إلى»، «حتى»، «до» (at_most);
* unit words mapped to canonical units: personnel words (person, personnel, troops,
  فرد، نفر، شخص، عسكري، человек) → ``person``; tonnes (ton, tonne, تن، طن، أطنان) → ``t``;
  states (state, country, کشور، دولة، بلد، государств) → ``state``; battalions → ``battalion``.

:func:`normalize_quantities` does the same over a Series, parsing each distinct value once.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .text import fold, fold_digits

__all__ = ["APPROX", "Quantity", "QuantityError", "parse_quantity", "normalize_quantities", "plausible_range", "ranges_overlap"]

APPROX = ("exact", "about", "more_than", "less_than", "at_least", "at_most")
ABOUT_MARGIN = 0.1


class QuantityError(ValueError):
    """A value that is not a quantity; the message says what was expected."""


@dataclass(frozen=True, slots=True)
class Quantity:
    amount: float
    unit: str | None = None
    approx: str = "exact"

    def interval(self, rel_tol: float = 0.0) -> tuple[float, float]:
        """Plausible ``[low, high]``: exact ± rel_tol; about ± max(rel_tol, 10 %);
        more_than/at_least open above; less_than/at_most open below."""
        a = self.amount
        width = max(rel_tol, ABOUT_MARGIN) if self.approx == "about" else rel_tol
        low, high = a - abs(a) * width, a + abs(a) * width
        if self.approx in ("more_than", "at_least"):
            return (a, math.inf)
        if self.approx in ("less_than", "at_most"):
            return (-math.inf, a)
        return (low, high)

    def label(self) -> str:
        words = {"exact": "", "about": "about ", "more_than": "more than ", "less_than": "less than ",
                 "at_least": "at least ", "at_most": "at most "}
        unit = f" {self.unit}" if self.unit else ""
        return f"{words[self.approx]}{self.amount:,.10g}{unit}"


def _words(*pairs: tuple[str, str]) -> list[tuple[str, str]]:
    return [(fold(w), v) for w, v in pairs]


_QUALIFIERS = sorted(
    _words(
        ("approximately", "about"), ("about", "about"), ("around", "about"), ("roughly", "about"),
        ("some", "about"), ("nearly", "about"), ("almost", "about"),
        ("حدود", "about"), ("حدودا", "about"), ("حدوداً", "about"), ("در حدود", "about"), ("تقریبا", "about"),
        ("تقریباً", "about"), ("قریب به", "about"), ("نزدیک به", "about"),
        ("حوالي", "about"), ("حوالى", "about"), ("نحو", "about"), ("ونحو", "about"), ("قرابة", "about"),
        ("تقريبا", "about"), ("تقريباً", "about"), ("زهاء", "about"),
        ("около", "about"), ("примерно", "about"), ("порядка", "about"), ("почти", "about"),
        ("more than", "more_than"), ("over", "more_than"), ("above", "more_than"), ("in excess of", "more_than"),
        ("بیش از", "more_than"), ("بیشتر از", "more_than"), ("افزون بر", "more_than"),
        ("أكثر من", "more_than"), ("ما يزيد على", "more_than"), ("ما يزيد عن", "more_than"), ("اكثر من", "more_than"),
        ("более", "more_than"), ("свыше", "more_than"), ("больше", "more_than"),
        ("less than", "less_than"), ("under", "less_than"), ("fewer than", "less_than"),
        ("کمتر از", "less_than"), ("أقل من", "less_than"), ("اقل من", "less_than"), ("менее", "less_than"),
        ("меньше", "less_than"),
        ("at least", "at_least"), ("no fewer than", "at_least"), ("دست کم", "at_least"), ("دستکم", "at_least"),
        ("حداقل", "at_least"), ("على الأقل", "at_least"), ("لا يقل عن", "at_least"), ("не менее", "at_least"),
        ("up to", "at_most"), ("at most", "at_most"), ("حداکثر", "at_most"), ("تا", "at_most"),
        ("ما يصل إلى", "at_most"), ("حتى", "at_most"), ("до", "at_most"), ("не более", "at_most"),
    ),
    key=lambda p: -len(p[0]),
)
_SCALES = {
    fold(w): v
    for w, v in [
        ("thousand", 1e3), ("thousands", 1e3), ("k", 1e3), ("million", 1e6), ("millions", 1e6), ("billion", 1e9),
        ("هزار", 1e3), ("میلیون", 1e6), ("میلیارد", 1e9),
        ("ألف", 1e3), ("الف", 1e3), ("آلاف", 1e3), ("الاف", 1e3), ("ألفا", 1e3), ("ألفاً", 1e3),
        ("مليون", 1e6), ("ملايين", 1e6), ("مليار", 1e9),
        ("тыс", 1e3), ("тысяча", 1e3), ("тысячи", 1e3), ("тысяч", 1e3), ("млн", 1e6), ("миллион", 1e6),
        ("миллиона", 1e6), ("миллионов", 1e6),
    ]
}
_NUMBER_WORDS = {
    fold(w): v
    for v, ws in {
        1: ["one", "یک", "واحد", "واحدة", "один"], 2: ["two", "دو", "اثنان", "اثنين", "اثنتان", "два"],
        3: ["three", "سه", "ثلاثة", "ثلاث", "три"], 4: ["four", "چهار", "أربعة", "أربع", "اربعة", "اربع", "четыре"],
        5: ["five", "پنج", "خمسة", "خمس", "пять"], 6: ["six", "شش", "ستة", "ست", "шесть"],
        7: ["seven", "هفت", "سبعة", "سبع", "семь"], 8: ["eight", "هشت", "ثمانية", "ثماني", "восемь"],
        9: ["nine", "نه", "تسعة", "تسع", "девять"], 10: ["ten", "ده", "عشرة", "عشر", "десять"],
        11: ["eleven", "یازده", "أحد عشر", "одиннадцать"], 12: ["twelve", "دوازده", "اثنا عشر", "двенадцать"],
        13: ["thirteen", "سیزده"], 14: ["fourteen", "چهارده"], 15: ["fifteen", "پانزده"], 16: ["sixteen", "شانزده"],
        17: ["seventeen", "هفده"], 18: ["eighteen", "هجده"], 19: ["nineteen", "نوزده"],
        20: ["twenty", "بیست", "عشرون", "عشرين", "двадцать"], 30: ["thirty", "سی", "ثلاثون", "ثلاثين", "тридцать"],
        40: ["forty", "چهل", "أربعون", "أربعين"], 50: ["fifty", "پنجاه", "خمسون", "خمسين"],
        60: ["sixty", "شصت"], 70: ["seventy", "هفتاد"], 80: ["eighty", "هشتاد"], 90: ["ninety", "نود"],
        100: ["hundred", "a hundred", "صد", "مائة", "مئة", "сто"],
    }.items()
    for w in ws
}
_UNITS = {
    fold(w): v
    for v, ws in {
        "person": ["person", "persons", "people", "personnel", "troops", "soldiers", "servicemen", "men", "trainees",
                   "فرد", "نفر", "شخص", "أشخاص", "اشخاص", "فردا", "عسكري", "جندي", "человек", "военнослужащих"],
        "t": ["t", "ton", "tons", "tonne", "tonnes", "تن", "طن", "طنا", "طناً", "أطنان", "اطنان", "тонн", "тонны", "тонна"],
        "state": ["state", "states", "country", "countries", "member states", "کشور", "دولت", "دولة", "دول",
                  "بلد", "بلدان", "بلدا", "государств", "государства", "страны", "стран"],
        "battalion": ["battalion", "battalions", "گردان", "كتيبة", "كتائب", "батальон", "батальона", "батальонов"],
        "year": ["year", "years", "سال", "سنة", "سنوات", "год", "лет", "года"],
        "item": ["item", "items", "pieces", "قطعة", "قطع"],
    }.items()
    for w in ws
}
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:[,\u066c\u202f\u00a0 ]\d{3})+|\d+)(?:[.]\d+)?$")


def _strip_qualifier(s: str) -> tuple[str, str]:
    for word, approx in _QUALIFIERS:
        if s == word or s.startswith(word + " "):
            return s[len(word):].strip(), approx
    return s, "exact"


def _parse_text(text: str, unit_hint: str | None) -> Quantity:
    raw = fold_digits(str(text)).strip()
    tilde = raw.startswith("~")
    raw = raw.lstrip("~").strip()
    # Keep decimal points and thousands separators: fold() would drop them.
    numbers = re.findall(r"\d[\d,\u066c\u202f\u00a0 ]*(?:\.\d+)?", raw)
    words = fold(re.sub(r"\d[\d,\u066c\u202f\u00a0 ]*(?:\.\d+)?", " zznumzz ", raw))
    words, approx = _strip_qualifier(words)
    if tilde:
        approx = "about"
    tokens = words.split()
    amount: float | None = None
    rest: list[str] = []
    num_iter = iter(numbers)
    for tok in tokens:
        if tok == "zznumzz":
            if amount is not None:
                raise QuantityError(f"{text!r} holds more than one number")
            digits = next(num_iter).strip()
            if not _NUMBER.match(digits):
                raise QuantityError(f"{text!r}: {digits!r} is not a well-formed number")
            amount = float(re.sub(r"[,\u066c\u202f\u00a0 ]", "", digits))
        elif tok in _SCALES and amount is not None:
            amount *= _SCALES[tok]
        elif tok in _SCALES and amount is None:
            amount = _SCALES[tok]
        elif tok in _NUMBER_WORDS and amount is None:
            amount = float(_NUMBER_WORDS[tok])
        else:
            rest.append(tok)
    if amount is None:
        raise QuantityError(
            f"{text!r} is not a quantity (expected a number or a phrase such as 'about 3,600' or «حوالي 3.6 ألف»)"
        )
    unit = unit_hint
    leftover = " ".join(rest)
    if leftover:
        if leftover in _UNITS:
            unit = _UNITS[leftover]
        elif rest[0] in _UNITS:
            unit = _UNITS[rest[0]]
        else:
            unit = unit_hint or leftover
    return Quantity(amount, unit, approx)


def parse_quantity(value: Any, unit: str | None = None) -> Quantity:
    """A :class:`Quantity` from a number, a mapping or a phrase (see the module doc)."""
    if isinstance(value, bool):
        raise QuantityError(f"{value!r} is not a quantity")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            raise QuantityError("missing quantity")
        return Quantity(float(value), unit, "exact")
    if isinstance(value, Mapping):
        unknown = set(value) - {"amount", "unit", "approx"}
        if unknown or "amount" not in value:
            raise QuantityError(f"{dict(value)!r}: expected keys amount, unit, approx")
        approx = str(value.get("approx") or "exact")
        if approx not in APPROX:
            raise QuantityError(f"approximation {approx!r} unknown (expected one of {', '.join(APPROX)})")
        base = parse_quantity(value["amount"], unit)
        u = value.get("unit")
        return Quantity(base.amount, _UNITS.get(fold(str(u)), str(u)) if u else unit, approx)
    return _parse_text(str(value), None)


def normalize_quantities(values: pd.Series, units: pd.Series | None = None) -> pd.DataFrame:
    """Parse a Series of quantities; each distinct value is parsed once.

    Returns a frame aligned with ``values``: ``qty_amount``, ``qty_unit`` (the unit the
    value itself names, else None), ``qty_approx``, ``qty_low``, ``qty_high`` (plausible
    range, see :meth:`Quantity.interval`), ``qty_error`` (message or None).
    """
    keys = values.map(lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False, default=str))
    first = pd.Series(values.values, index=keys.values)
    first = first[~first.index.duplicated()]
    rows = {}
    for key, value in first.items():
        try:
            q = parse_quantity(value)
            low, high = q.interval()
            rows[key] = (q.amount, q.unit, q.approx, low, high, None)
        except QuantityError as exc:
            rows[key] = (math.nan, None, None, math.nan, math.nan, str(exc))
    cols = ["qty_amount", "qty_unit", "qty_approx", "qty_low", "qty_high", "qty_error"]
    table = pd.DataFrame.from_dict(rows, orient="index", columns=cols) if rows else pd.DataFrame(columns=cols)
    out = table.reindex(keys.values)
    out.index = values.index
    for col in ("qty_unit", "qty_approx", "qty_error"):
        out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out


def plausible_range(frame: pd.DataFrame, about_margin: float = ABOUT_MARGIN) -> tuple[pd.Series, pd.Series]:
    """Low and high plausible value of each figure (vectorized over a claims frame with
    ``qty_amount``, ``qty_approx`` and ``tolerance``): see :meth:`Quantity.interval`."""
    a = frame["qty_amount"].astype(float)
    tol = frame["tolerance"].fillna(0.0).astype(float)
    width = np.where(frame["qty_approx"].eq("about"), np.maximum(tol, about_margin), tol)
    low = a - np.abs(a) * width
    high = a + np.abs(a) * width
    approx = frame["qty_approx"]
    eps = np.abs(a) * 1e-9 + 1e-12
    low = np.where(approx.isin(["more_than"]), a + eps, low)
    low = np.where(approx.isin(["at_least"]), a, low)
    high = np.where(approx.isin(["more_than", "at_least"]), np.inf, high)
    high = np.where(approx.isin(["less_than"]), a - eps, high)
    high = np.where(approx.isin(["at_most"]), a, high)
    low = np.where(approx.isin(["less_than", "at_most"]), -np.inf, low)
    return pd.Series(low, index=frame.index), pd.Series(high, index=frame.index)


def ranges_overlap(pairs: pd.DataFrame) -> pd.Series:
    """For a frame of figure pairs (columns suffixed ``_a`` and ``_b``): do their ranges overlap?"""
    def side(suffix: str) -> pd.DataFrame:
        return pd.DataFrame(
            {c: pairs[f"{c}{suffix}"] for c in ("qty_amount", "qty_approx", "tolerance")}
        )

    low_a, high_a = plausible_range(side("_a"))
    low_b, high_b = plausible_range(side("_b"))
    return (low_a <= high_b) & (low_b <= high_a)
