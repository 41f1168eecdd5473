"""The multilingual gazetteer: real corpus variants, CLDR names with orthographic noise."""

from __future__ import annotations

import pandas as pd
import pytest
from babel import Locale
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.normalize.names import LANGUAGES, Gazetteer
from reconcile.normalize.text import fold

GAZ = Gazetteer.default()

CORPUS_VARIANTS = {
    "قزاقزستان": "country:KZ",  # typo in the Persian press release
    "قرقیزستان": "country:KG",
    "قيرغيزستان": "country:KG",
    "قرغيزستان": "country:KG",
    "روسيا البيضاء": "country:BY",
    "بلاروس": "country:BY",
    "فدراسیون روسیه": "country:RU",
    "الاتحاد الروسي": "country:RU",
    "Kyrgyz Republic": "country:KG",
    "کشینیف": "city:chisinau",
    "تشيسيناو": "city:chisinau",
    "كيشيناو": "city:chisinau",
    "Kishinev": "city:chisinau",
    "دوشانبي": "city:dushanbe",
    "دوشنبه": "city:dushanbe",
    "أرمينيا": "country:AM",
    "ارمنستان": "country:AM",
    "ازبکستان": "country:UZ",
    "أوزبكستان": "country:UZ",
    "جمهوری آذربایجان": "country:AZ",
    "أذربيجان": "country:AZ",
    "گرجستان": "country:GE",
    "جورجيا": "country:GE",
    "طاجيكستان": "country:TJ",
    "جمهوری تاجیکستان": "country:TJ",
    "كازاخستان": "country:KZ",
    "the Russian Federation": "country:RU",
    "جمهورية قيرغيزستان": "country:KG",
    "طشقند": "city:tashkent",
    "يريفان": "city:yerevan",
    "ایروان": "city:yerevan",
}


@pytest.mark.parametrize("name,expected", sorted(CORPUS_VARIANTS.items()))
def test_corpus_variants_resolve(name, expected):
    assert GAZ.resolve(name).id == expected


def test_the_typo_is_a_reported_fuzzy_match():
    res = GAZ.resolve("قزاقزستان")
    assert res.method == "fuzzy" and res.id == "country:KZ" and 85 <= res.score < 100
    assert res.matched == fold("قزاقستان")


def test_exact_names_are_not_fuzzy():
    assert GAZ.resolve("قزاقستان").method == "exact"


def test_unknown_names_get_suggestions():
    res = GAZ.resolve("Xyzzystan")
    assert res.id is None and res.method == "unresolved" and res.suggestions


def test_longest_match_wins_in_text():
    text = "روسيا البيضاء وروسيا"
    found = GAZ.find_all(text)
    assert [i for _, _, i in found] == ["country:BY", "country:RU"]
    assert text[found[0][0] : found[0][1]] == "روسيا البيضاء"
    assert text[found[1][0] : found[1][1]] == "روسيا"


def test_find_all_in_a_persian_list():
    text = "کشورهای ارمنستان، ازبکستان، قزاقستان، قرقیزستان، فدراسیون روسیه، جمهوری تاجیکستان"
    ids = [i for _, _, i in GAZ.find_all(text)]
    assert ids == ["country:AM", "country:UZ", "country:KZ", "country:KG", "country:RU", "country:TJ"]


def test_resolve_many_resolves_each_distinct_name_once_and_keeps_alignment():
    names = pd.Series(["Armenia", "ارمنستان", "Armenia", "Atlantis"], index=[10, 11, 12, 13])
    out = GAZ.resolve_many(names)
    assert list(out.index) == [10, 11, 12, 13]
    assert list(out["id"].iloc[:3]) == ["country:AM"] * 3 and pd.isna(out["id"].iloc[3])


def test_workspace_entities_are_added_to_a_copy():
    gaz = Gazetteer.default()
    gaz.add_entity("org:csto", "organization", ["CSTO", "ОДКБ"])
    assert gaz.resolve("ОДКБ").id == "org:csto"
    assert Gazetteer.default().resolve("ОДКБ", fuzzy=False).id is None


# --- properties ----------------------------------------------------------------------------

CLDR_NAMES = sorted(
    {
        (f"country:{code}", name)
        for lang in LANGUAGES
        for code, name in Locale.parse(lang).territories.items()
        if len(code) == 2 and code.isalpha() and code not in {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}
    }
)

_ARABIC_TO_PERSIAN = str.maketrans({"ي": "ی", "ك": "ک", "ى": "ی"})
_PERSIAN_TO_ARABIC = str.maketrans({"ی": "ي", "ک": "ك"})
_DIACRITICS = ["\u064e", "\u0650", "\u064f", "\u0651", "\u0652", "\u064b"]
_INVISIBLE = ["\u200c", "\u200f", "\u200e", "\u0640", "\u200d"]


@st.composite
def noisy(draw, name: str) -> str:
    """``name`` with random orthographic noise a real text might carry."""
    s = name
    if draw(st.booleans()):
        s = s.translate(_ARABIC_TO_PERSIAN)
    elif draw(st.booleans()):
        s = s.translate(_PERSIAN_TO_ARABIC)
    chars = list(s)
    for _ in range(draw(st.integers(0, 3))):
        pos = draw(st.integers(1, max(1, len(chars) - 1)))
        mark = draw(st.sampled_from(_DIACRITICS + _INVISIBLE))
        chars.insert(pos, mark)
    s = "".join(chars)
    if draw(st.booleans()):
        s = s.upper() if draw(st.booleans()) else s.lower()
    if draw(st.booleans()):
        s = "\u00a0" + s.replace(" ", "  ") + " "
    return s


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(CLDR_NAMES).flatmap(lambda pair: st.tuples(st.just(pair[0]), noisy(pair[1]))))
def test_every_cldr_country_name_resolves_with_orthographic_noise(pair):
    expected, text = pair
    assert GAZ.resolve(text).id == expected, text


def test_every_cldr_country_name_resolves_exactly():
    wrong = [(cid, name, GAZ.resolve(name)) for cid, name in CLDR_NAMES]
    wrong = [(cid, name, r.id, r.method) for cid, name, r in wrong if (r.id, r.method) != (cid, "exact")]
    assert len(CLDR_NAMES) > 900 and not wrong


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


TURKMENISTAN = [n for n in GAZ.names_of("country:TM")]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(TURKMENISTAN),
    st.integers(0, 30),
    st.sampled_from(["delete", "swap", "insert", "replace"]),
    st.characters(categories=["Ll", "Lo"]),
)
def test_turkmenistan_never_becomes_armenia(name, pos, op, ch):
    pos = pos % max(1, len(name))
    if op == "delete":
        typo = name[:pos] + name[pos + 1 :]
    elif op == "swap" and pos + 1 < len(name):
        typo = name[:pos] + name[pos + 1] + name[pos] + name[pos + 2 :]
    elif op == "insert":
        typo = name[:pos] + ch + name[pos:]
    else:
        typo = name[:pos] + ch + name[pos + 1 :]
    assert GAZ.resolve(typo).id in (None, "country:TM"), typo
