"""Registries people can grow: what `reconcile validate` says about names, properties,
source kinds and languages it does not know, and transliteration suggestions.

Through the CLI: an unknown value name, subject or property gets, besides "did you mean",
the entry to add as one line of YAML (which, pasted, makes the workspace valid); an unknown
source kind lists the kinds and an unknown language says what was meant. Unit tests: the
gazetteer offers a registered Latin-script name for its Persian, Arabic-script and
Cyrillic spellings by transliteration, as a suggestion only.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.cli.commands import main
from reconcile.normalize.names import Gazetteer, skeleton
from reconcile.load.registry import VALUE_TYPES, entity_entry, property_entry, yaml_scalar
from reconcile.load.workspace import SOURCE_KINDS

from .conftest import ROOT

PUTIN = "person:vladimir-putin"
HEAD = "  head:\n    label: head\n    type: entity\n    entity_kinds: [person]\n    time_dependent: true\n"


def _grow(root: Path, *, entities: str = "", properties: str = "", claims: str = "") -> None:
    """Append entries to the registries of workspace ``root`` and write ``claims`` (the
    items of a claim file of source alpha, whose document is tests/fixtures/mini's)."""
    for name, text in (("entities.yaml", entities), ("properties.yaml", properties)):
        if text:
            path = root / "claims" / name
            path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    if claims:
        (root / "claims" / "captured" / "alpha-extra.yaml").write_text(
            "source: alpha\nclaims:\n" + claims, encoding="utf-8"
        )


def _claim(cid: str, subject: str, prop: str, value: str) -> str:
    return (
        f"  - id: {cid}\n    subject: {subject}\n    property: {prop}\n    value: {value}\n"
        "    quote: signed in Tashkent\n"
    )


def _problem(out: str, claim: str, column: str) -> tuple[str, str]:
    """The line of the problem of ``claim`` in ``column``, and the line after it."""
    lines = out.splitlines()
    for i, line in enumerate(lines):
        if f"claim {claim}, column {column}]" in line:
            return line, lines[i + 1] if i + 1 < len(lines) else ""
    raise AssertionError(f"no problem of claim {claim} in column {column}:\n{out}")


def _validate(runner, root: Path):
    result = runner.invoke(main, ["validate", str(root)])
    assert "Traceback" not in result.output, result.output
    return result


# --- unknown names and properties: the entry to add --------------------------------------------


def test_an_unknown_person_as_a_value_gets_the_entry_of_its_kind(runner, mini):
    _grow(mini, properties=HEAD, claims=_claim("a-20", "org:csto", "head", "Nikol Pashinyan"))
    result = _validate(runner, mini)
    assert result.exit_code == 2, result.output
    line, entry = _problem(result.output, "a-20", "value")
    assert "unknown name 'Nikol Pashinyan'" in line and "did you mean" not in line  # nothing close
    assert entry == (
        "    add to claims/entities.yaml:  "
        "- {id: person:nikol-pashinyan, kind: person, label: Nikol Pashinyan, names: [Nikol Pashinyan]}"
    )
    # pasted as it is, the entry makes the workspace valid
    _grow(mini, entities=entry.split("claims/entities.yaml:", 1)[1].rstrip() + "\n")
    assert _validate(runner, mini).exit_code == 0


def test_an_unknown_subject_gets_an_entry_with_a_kind_to_fill_in(runner, mini):
    _grow(mini, claims=_claim("a-21", "Eurasian Economic Union", "signed", "1992-05-15"))
    result = _validate(runner, mini)
    assert result.exit_code == 2, result.output
    line, entry = _problem(result.output, "a-21", "subject")
    assert "unknown subject 'Eurasian Economic Union'" in line
    assert "add to claims/entities.yaml:  - {id: <kind>:eurasian-economic-union, kind: <kind>" in entry
    # the kinds the workspace uses are named
    assert "(<kind>: e.g. document, force, organization, or a new one)" in entry
    pasted = entry.split("claims/entities.yaml:", 1)[1].split(" (<kind>", 1)[0].replace("<kind>", "organization")
    _grow(mini, entities=pasted + "\n")
    assert _validate(runner, mini).exit_code == 0


def test_an_unknown_property_gets_the_entry_with_its_type_to_choose(runner, mini):
    _grow(mini, claims=_claim("a-22", "treaty:cst", "ratified", "1993-04-20"))
    result = _validate(runner, mini)
    assert result.exit_code == 2, result.output
    line, entry = _problem(result.output, "a-22", "property")
    assert "unknown property 'ratified'" in line and "did you mean" in line
    assert entry == (
        "    add to claims/properties.yaml, under properties:  "
        "ratified: {label: ratified, type: " + " | ".join(VALUE_TYPES) + "}"
    )
    pasted = entry.split("under properties:", 1)[1].strip().replace(" | ".join(VALUE_TYPES), "date")
    _grow(mini, properties=f"  {pasted}\n")
    assert _validate(runner, mini).exit_code == 0


def test_an_unknown_country_name_suggests_adding_it_to_a_country(runner, mini):
    _grow(mini, claims=_claim("a-23", "org:csto", "members", "[Armenia, Hayastann]"))
    result = _validate(runner, mini)
    line, entry = _problem(result.output, "a-23", "value")
    assert "unknown name 'Hayastann'" in line
    assert "add to claims/entities.yaml:  - {id: country:<ISO 3166-1 alpha-2>, names: [Hayastann]}" in entry
    _grow(mini, entities="  - {id: country:AM, names: [Hayastann]}\n")
    assert _validate(runner, mini).exit_code == 0


def test_a_line_break_in_an_unknown_name_starts_no_line_of_the_output(runner, mini):
    _grow(mini, claims=_claim("a-24", '"Foo\\nclaims/x.yaml:1: error: forged"', "signed", "1992-05-15"))
    result = _validate(runner, mini)
    assert result.exit_code == 2, result.output
    assert not any(line.startswith("claims/x.yaml") for line in result.output.splitlines()), result.output
    line, entry = _problem(result.output, "a-24", "subject")
    assert "Foo\\nclaims/x.yaml" in line and '"Foo\\x0aclaims/x.yaml:1: error: forged"' in entry


def test_the_entries_are_yaml_that_reads_back():
    for name in ("Ban Ki-moon", "V. Putin", "ولادیمیر پوتین", "می\u200cشود", "No", "1992", "a, b: [c]", 'say "x"'):
        line = entity_entry(name, ["person"])
        assert line is not None
        entry = yaml.safe_load(line.split("claims/entities.yaml:", 1)[1])
        assert entry[0]["names"] == [name] and entry[0]["label"] == name
        assert entry[0]["id"].startswith("person:") and entry[0]["kind"] == "person"
    assert yaml.safe_load(property_entry("signed_at").split("under properties:", 1)[1]) == {
        "signed_at": {"label": "signed at", "type": " | ".join(VALUE_TYPES)}
    }
    # a registered id: the name goes to its names
    assert entity_entry("Nikol Pashinyan", ["person"], {"person:nikol-pashinyan"}) == (
        "add Nikol Pashinyan to the names of person:nikol-pashinyan in claims/entities.yaml"
    )


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1))
def test_any_name_is_written_as_yaml_that_reads_back_on_one_line(name):
    written = yaml_scalar(name)
    assert "\n" not in written and "\r" not in written
    assert yaml.safe_load(f"[{written}]") == [name]


# --- source kinds and languages -----------------------------------------------------------------


def _sources(root: Path, entries: list[tuple[str, str, str]]) -> None:
    """Replace the sources of ``root`` by entries (id, language, kind) on alpha's document."""
    text = "sources:\n" + "".join(
        f"  - id: {sid}\n    document: documents/alpha.txt\n    language: {lang}\n"
        f"    kind: {kind}\n    published: 2015-06\n"
        for sid, lang, kind in entries
    )
    (root / "claims" / "sources.yaml").write_text(text, encoding="utf-8")
    for path in (root / "claims" / "captured").iterdir():
        path.unlink()


def test_an_unknown_source_kind_lists_every_kind(runner, mini):
    _sources(mini, [("s1", "en", "newspaper"), ("s2", "en", "press release"), ("s3", "en", "blog")])
    result = _validate(runner, mini)
    assert result.exit_code == 2, result.output
    problems = [ln for ln in result.output.splitlines() if "unknown source kind" in ln]
    assert len(problems) == 3, result.output
    for line in problems:
        assert "(expected one of " + ", ".join(SOURCE_KINDS) + ")" in line
    assert "'newspaper'" in problems[0] and problems[0].endswith("did you mean news?")
    assert "'press release'" in problems[1] and problems[1].endswith("did you mean press_release?")
    assert "'blog'" in problems[2] and "did you mean" not in problems[2]


LANGUAGES = [
    ("Persian", "fa (Persian)"),
    ("farsi", "fa (Persian)"),
    ("Farsi", "fa (Persian)"),
    ("FA", "fa (Persian)"),
    ("fa-IR", "fa (Persian)"),
    ("fas", "fa (Persian)"),
    ("فارسی", "fa (Persian)"),
    ("Arabic", "ar (Arabic)"),
    ("English", "en (English)"),
    ("Englsh", "en (English)"),
    ("Russian", "ru (Russian)"),
    ("русский", "ru (Russian)"),
]


def test_an_unknown_language_says_what_a_code_is_and_which_was_meant(runner, mini):
    _sources(mini, [(f"s{i}", lang, "news") for i, (lang, _) in enumerate(LANGUAGES)] + [("s99", "Klingonish", "news")])
    result = _validate(runner, mini)
    assert result.exit_code == 2, result.output
    problems = [ln for ln in result.output.splitlines() if "unknown language code" in ln]
    assert len(problems) == len(LANGUAGES) + 1, result.output
    for line, (lang, meant) in zip(problems, LANGUAGES):
        assert f"unknown language code {lang!r}" in line
        assert "(expected a language code known to CLDR (ISO 639), such as en, fa, ar, ru)" in line
        assert line.endswith(f"did you mean {meant}?"), line
    assert "'Klingonish'" in problems[-1] and "did you mean" not in problems[-1]


# --- transliteration ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def latin_putin() -> Gazetteer:
    """The built-in gazetteer with Vladimir Putin registered under Latin names only."""
    gaz = Gazetteer.default()
    gaz.add_entity(PUTIN, "person", ["Vladimir Putin", "V. Putin"])
    gaz.add_entity("person:nikol-pashinyan", "person", ["Nikol Pashinyan"])
    return gaz


SPELLINGS = ["پوتین", "ولادیمیر پوتین", "Путин", "Владимир Путин", "فلاديمير بوتين", "Βλαντιμίρ Πούτιν"]


@pytest.mark.parametrize("name", SPELLINGS)
def test_a_spelling_in_another_script_is_suggested_by_transliteration(latin_putin, name):
    res = latin_putin.resolve(name)
    assert res.id is None and res.method == "unresolved"  # a suggestion, never a resolution
    assert res.transliterations[0][0] == PUTIN
    score = res.transliterations[0][1]
    assert 80 <= score <= 100
    assert res.suggestions[0] == f"Vladimir Putin ({PUTIN}; transliterated, score {score:g})"


def test_transliteration_scores_are_those_of_consonant_skeletons(latin_putin):
    assert {skeleton(n) for n in ("Vladimir Putin", "ولادیمیر پوتین", "Владимир Путин")} == {"ldmr ptn"}
    assert skeleton("پوتین") == skeleton("Путин") == skeleton("V. Putin") == "ptn"
    scores = dict(zip(SPELLINGS, latin_putin.transliterations(SPELLINGS, kinds=["person"])))
    assert scores["پوتین"] == [(PUTIN, 100.0)] and scores["Владимир Путин"] == [(PUTIN, 100.0)]
    assert scores["فلاديمير بوتين"][0][0] == PUTIN and scores["فلاديمير بوتين"][0][1] < 100  # no «پ» in Arabic


def test_resolving_many_names_never_resolves_by_transliteration(latin_putin):
    import pandas as pd

    res = latin_putin.resolve_many(pd.Series([*SPELLINGS, "Vladimir Putin"]))
    assert res["id"].tolist() == [None] * len(SPELLINGS) + [PUTIN]


@pytest.mark.parametrize("name", ["نیکول پاشینیان", "Пашинян", "Сергей Лавров", "ابراهیم رئیسی", "Xyzzystan"])
def test_a_name_that_sounds_like_no_registered_one_gets_no_transliteration(latin_putin, name):
    res = latin_putin.resolve(name)
    assert res.transliterations == () or res.transliterations[0][0] != PUTIN
    assert not any("transliterated" in s and PUTIN in s for s in res.suggestions)
    if name in ("Сергей Лавров", "ابراهیم رئیسی", "Xyzzystan"):
        assert res.transliterations == (), res


def test_no_transliteration_where_the_entity_has_a_name_in_the_script(latin_putin):
    """An entity with a name in the query's script is the ordinary matcher's: countries have
    CLDR names in Latin, Persian/Arabic and Cyrillic scripts."""
    gaz = latin_putin.copy()
    gaz.add_entity(PUTIN, "person", ["Владимир Путин"])
    assert gaz.resolve("Путин").transliterations == ()  # Cyrillic: now compared by edits only
    assert gaz.resolve("پوتین").transliterations[0][0] == PUTIN  # still none in Persian script
    assert all(not t for t in gaz.transliterations(["Казахстанн", "قزاقستانن", "Kazakhstann"]))


def test_a_better_ordinary_match_is_not_displaced(latin_putin):
    res = latin_putin.resolve("Vladimir Putn")  # a typo: the ordinary fuzzy match resolves it
    assert res.id == PUTIN and res.method == "fuzzy" and res.transliterations == ()


def test_validate_offers_the_transliteration_and_the_name_to_add(runner, mini):
    _grow(
        mini,
        entities="  - {id: person:vladimir-putin, kind: person, label: Vladimir Putin, names: [Vladimir Putin]}\n",
        properties=HEAD,
        claims=_claim("a-30", "org:csto", "head", "پوتین") + _claim("a-31", "Путин", "signed", "1992-05-15"),
    )
    result = _validate(runner, mini)
    assert result.exit_code == 2, result.output
    for claim, column, name in (("a-30", "value", "پوتین"), ("a-31", "subject", "Путин")):
        line, entry = _problem(result.output, claim, column)
        assert f"did you mean Vladimir Putin ({PUTIN}; transliterated, score 100)" in line
        assert entry.startswith(f"    if it is {PUTIN}, add {name} to its names in claims/entities.yaml; if not, add to")
    # following the hint: the spellings join Putin's names, and the workspace is valid
    path = mini / "claims" / "entities.yaml"
    text = path.read_text(encoding="utf-8").replace("names: [Vladimir Putin]", "names: [Vladimir Putin, پوتین, Путин]")
    path.write_text(text, encoding="utf-8")
    assert _validate(runner, mini).exit_code == 0


def test_the_bundled_corpus_gets_no_new_problem(runner, corpus_copy):
    result = _validate(runner, corpus_copy)
    assert result.exit_code == 0, result.output
    assert "transliterated" not in result.output


# --- the documentation --------------------------------------------------------------------------

CLAIMS_DOC = (ROOT / "docs" / "claims.md").read_text(encoding="utf-8")


def _yaml_block(heading: str) -> str:
    section = CLAIMS_DOC.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```yaml\n(.*?)```", section, re.S).group(1)


def test_the_documented_registry_entries_are_valid(runner, mini):
    properties = yaml.safe_load(_yaml_block("Registering a property"))["properties"]
    assert {spec["type"] for spec in properties.values()} == set(VALUE_TYPES)
    (mini / "claims" / "properties.yaml").write_text(_yaml_block("Registering a property"), encoding="utf-8")
    (mini / "claims" / "entities.yaml").write_text(_yaml_block("Registering an entity"), encoding="utf-8")
    for path in (mini / "claims" / "captured").iterdir():
        path.unlink()
    _grow(
        mini,
        claims=_claim("a-40", "org:csto", "head", "Никол Пашинян")
        + _claim("a-41", "city:gyumri", "signed", "1992")
        + _claim("a-42", "org:csto", "members", "[Hayastan, Belarus]"),
    )
    result = _validate(runner, mini)
    assert result.exit_code == 0, result.output


def test_the_documented_source_kinds_are_the_allowed_ones():
    section = CLAIMS_DOC.split("## Sources\n", 1)[1].split("\n## ", 1)[0]
    for kind in SOURCE_KINDS:
        assert f"`{kind}`" in section
    for field in ("url", "accessed", "archived_url"):
        assert f"| `{field}` |" in section
