"""Cues of properties (``cues:``/``complete_cues:`` in properties.yaml) and the drafting word
lists (reconcile/data/drafting.yaml), issue 19.

Parsing: each value type's phrase lists, a status property's per-value mapping, complete
cues, deduplication of phrases that fold alike. Validation through ``reconcile validate``:
each malformed form is a problem at its line naming the property and what was expected, exit
2, no traceback. The bundled registries: every generic property has cues in en, fa, ar and
ru. The lexicon loads for the four languages.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reconcile.cli.commands import main
from reconcile.drafting.lexicon import DraftingLexicon, LexiconError, Relative, load_lexicon, parse_lexicon
from reconcile.normalize.text import fold
from reconcile.base.problems import Problems
from reconcile.load.registry import Cue, load_registry
from reconcile.base.yamlio import parse_yaml

from .conftest import ROOT

LANGS = ("en", "fa", "ar", "ru")
STARTER = ROOT / "reconcile" / "data" / "starter"

#: Properties of the starter set whose cues every workspace relies on (the generic kinds).
GENERIC = (
    "established", "dissolved", "seat", "founding_members", "members", "member_count", "signatories",
    "signatory_count", "observers", "membership_status", "head", "secretary_general", "chairman",
    "head_of_state", "head_of_government", "foreign_minister", "defence_minister", "conducted_by",
    "taking_part", "personnel", "casualties", "participants", "population",
)  # fmt: skip


def _append(root: Path, text: str) -> int:
    """Append ``text`` (entries under ``properties:``) to the registry of workspace ``root``;
    return the line number of its first line."""
    path = root / "claims" / "properties.yaml"
    old = path.read_text(encoding="utf-8")
    old += "" if old.endswith("\n") else "\n"
    path.write_text(old + text, encoding="utf-8")
    return old.count("\n") + 1


def _registry(root: Path):
    """The registry of workspace ``root`` (or of the starter set, whose files are not in claims/)."""
    problems = Problems()
    reg = load_registry(root if root == STARTER else root / "claims", "claims", problems)
    return reg, problems


# --- parsing ------------------------------------------------------------------------------------


def test_cues_of_each_value_type_are_read_per_language(mini):
    _append(
        mini,
        "  founders:\n    type: entity_set\n    entity_kinds: [country]\n"
        "    cues:\n      en: [founding states, founded by]\n      fa: [کشورهای مؤسس]\n"
        "    complete_cues:\n      en: [the founders were]\n"
        "  founded:\n    type: date\n    cues:\n      ru: [была основана]\n      ar: [تأسست]\n"
        "  staff:\n    type: quantity\n    unit: person\n    cues:\n      en: staff members\n"
        "  leader:\n    type: entity\n    entity_kinds: [person]\n    cues: {en: [led by]}\n"
        "  motto:\n    type: text\n    cues: {en: [motto]}\n",
    )
    reg, problems = _registry(mini)
    assert not problems.items, [p.render() for p in problems.items]
    assert reg.properties["founders"].cues == (
        Cue("en", "founding states"),
        Cue("en", "founded by"),
        Cue("fa", "کشورهای مؤسس"),
        Cue("en", "the founders were", complete=True),
    )
    assert reg.properties["founded"].cues == (Cue("ru", "была основана"), Cue("ar", "تأسست"))
    assert reg.properties["staff"].cues == (Cue("en", "staff members"),)  # one phrase for a list
    assert reg.properties["leader"].cues == (Cue("en", "led by"),)
    assert reg.properties["motto"].cues == (Cue("en", "motto"),)
    assert reg.properties["members"].cues == ()  # no cues: none


def test_a_status_property_maps_vocabulary_values_to_phrases(mini):
    reg_text = (mini / "claims" / "properties.yaml").read_text(encoding="utf-8")
    reg_text = reg_text.replace(
        "    vocabulary: [member, suspended, withdrawn]\n",
        "    vocabulary: [member, suspended, withdrawn]\n"
        "    cues:\n"
        "      en:\n        member: [became a member, has joined]\n        withdrawn: [pulled out of]\n"
        "      fa:\n        suspended: [عضویتش را به حالت تعلیق درآورد]\n",
    )
    (mini / "claims" / "properties.yaml").write_text(reg_text, encoding="utf-8")
    reg, problems = _registry(mini)
    assert not problems.items, [p.render() for p in problems.items]
    assert reg.properties["membership_status"].cues == (
        Cue("en", "became a member", value="member"),
        Cue("en", "has joined", value="member"),
        Cue("en", "pulled out of", value="withdrawn"),
        Cue("fa", "عضویتش را به حالت تعلیق درآورد", value="suspended"),
    )


def test_phrases_that_fold_alike_are_kept_once(mini):
    _append(
        mini,
        "  founders:\n    type: entity_set\n    cues:\n"
        "      en: [Founding States, founding  states, founding states.]\n"
        "      fa: [کشورهای مؤسس, كشورهاي مؤسس, کشورهای‌مؤسس]\n"  # Arabic kaf/yeh variants fold alike
        "    complete_cues:\n      en: [founding states]\n",  # complete: a different cue
    )
    reg, problems = _registry(mini)
    assert not problems.items
    cues = reg.properties["founders"].cues
    assert [c.phrase for c in cues if c.lang == "en" and not c.complete] == ["Founding States"]
    assert [c.phrase for c in cues if c.lang == "fa"] == ["کشورهای مؤسس", "کشورهای‌مؤسس"]
    assert Cue("en", "founding states", complete=True) in cues


# --- malformed cues: exit 2 with file, line, property and what was expected ----------------------

BAD = {
    "language key not two lowercase letters": (
        "  p1:\n    type: date\n    cues:\n      English: [founded]\n",
        3,
        "property p1: cues: 'English' is not a language code",
        "two lowercase letters",
    ),
    "upper-case language key": (
        "  p1:\n    type: date\n    cues:\n      EN: [founded]\n",
        3,
        "'EN' is not a language code",
        "ISO 639-1",
    ),
    "empty phrase": (
        "  p1:\n    type: date\n    cues:\n      en:\n        - founded\n        - ''\n",
        5,
        "property p1: cues: en: a phrase must hold words",
        "non-empty text",
    ),
    "phrase of punctuation only": (
        "  p1:\n    type: date\n    cues:\n      en: ['...']\n",
        3,
        "property p1: cues: en: a phrase must hold words",
        "non-empty text",
    ),
    "null phrase": (
        "  p1:\n    type: date\n    cues:\n      en:\n        - founded\n        -\n",
        5,
        "property p1: cues: en: a phrase must be text, not null",
        "non-empty text",
    ),
    "nested list as a phrase": (
        "  p1:\n    type: date\n    cues:\n      en: [founded, [created]]\n",
        3,
        "property p1: cues: en: a phrase must be text, not a list",
        "non-empty text",
    ),
    "cues not a mapping": (
        "  p1:\n    type: date\n    cues: [founded]\n",
        2,
        "property p1: cues must be a mapping, not a list",
        "phrases per language",
    ),
    "a mapping where a list is expected": (
        "  p1:\n    type: date\n    cues:\n      en: {member: [joined]}\n",
        3,
        "property p1: cues: en must be a list of phrases, not a mapping",
        "a list of phrases per language",
    ),
    "status cues as a list": (
        "  p2:\n    type: status\n    vocabulary: [member, withdrawn]\n    cues:\n      en: [joined]\n",
        4,
        "property p2: cues: en must map vocabulary values to phrases",
        "member: [phrases]",
    ),
    "status key outside the vocabulary": (
        "  p2:\n    type: status\n    vocabulary: [member, withdrawn]\n    cues:\n      en:\n"
        "        member: [joined]\n        expelled: [was expelled]\n",
        6,
        "property p2: cues: en: 'expelled' is not in the property's vocabulary",
        "one of member, withdrawn",
    ),
    "complete_cues on a date": (
        "  p1:\n    type: date\n    complete_cues:\n      en: [founded]\n",
        2,
        "property p1: complete_cues: only an entity_set property has complete_cues, not a date property",
        "entity_set",
    ),
    "complete_cues on a status": (
        "  p2:\n    type: status\n    vocabulary: [member]\n    complete_cues:\n      en: [joined]\n",
        3,
        "only an entity_set property has complete_cues, not a status property",
        "entity_set",
    ),
    "complete_cues as text": (
        "  p3:\n    type: entity_set\n    complete_cues: the members are\n",
        2,
        "property p3: complete_cues must be a mapping, not text",
        "exhaustive",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_malformed_cue_is_a_problem_at_its_line_with_exit_2(runner, mini, case):
    entry, offset, message, expected = BAD[case]
    first = _append(mini, entry)
    result = runner.invoke(main, ["validate", str(mini)])
    assert "Traceback" not in result.output, result.output
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.output.splitlines() if message in ln]
    assert lines, result.output
    assert lines[0].startswith(f"claims/properties.yaml:{first + offset}:"), (lines[0], first + offset)
    assert expected in lines[0], lines[0]


def test_check_also_stops_at_a_malformed_cue(runner, mini):
    _append(mini, "  p1:\n    type: date\n    cues:\n      english: [founded]\n")
    result = runner.invoke(main, ["check", str(mini)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "property p1: cues: 'english' is not a language code" in result.output


def test_good_cues_after_bad_ones_are_still_read(mini):
    _append(mini, "  p1:\n    type: date\n    cues:\n      EN: [founded]\n      en: [founded, '']\n      ru: [основан]\n")
    reg, problems = _registry(mini)
    assert len(problems.items) == 2
    assert reg.properties["p1"].cues == (Cue("en", "founded"), Cue("ru", "основан"))


# --- the bundled registries -------------------------------------------------------------------------


@pytest.mark.parametrize("where", [STARTER, ROOT], ids=["starter", "bundled"])
def test_bundled_registries_have_valid_cues_in_four_languages(where):
    reg, problems = _registry(where)
    assert not [p for p in problems.items if p.severity == "error"], [p.render() for p in problems.items]
    props = reg.properties
    for pid in GENERIC if where == STARTER else props:
        if pid not in props:
            continue
        spec = props[pid]
        langs = {c.lang for c in spec.cues}
        assert set(LANGS) <= langs, (pid, langs)
        for cue in spec.cues:
            assert cue.phrase.strip() and fold(cue.phrase)
            if spec.type == "status":
                assert cue.value in spec.vocabulary, (pid, cue)
            else:
                assert cue.value is None
            assert not cue.complete or spec.type == "entity_set"
        per_lang: dict[tuple[str, str | None, bool], int] = {}
        for cue in spec.cues:
            key = (cue.lang, cue.value, cue.complete)
            per_lang[key] = per_lang.get(key, 0) + 1
        assert max(per_lang.values()) <= 16, (pid, per_lang)  # focused lists


def test_every_starter_generic_property_is_in_the_starter_set():
    reg, _ = _registry(STARTER)
    assert set(GENERIC) <= set(reg.properties)


def test_membership_status_covers_its_vocabulary_in_each_language():
    for where in (STARTER, ROOT):
        spec = _registry(where)[0].properties["membership_status"]
        for lang in LANGS:
            assert {c.value for c in spec.cues if c.lang == lang} == set(spec.vocabulary), (where, lang)


def test_cues_are_generic_phrases_not_too_common_words():
    """A cue that is a stop word would draft claims from every sentence."""
    common = {"is", "in", "the", "of", "and", "a", "و", "در", "از", "به", "في", "من", "و", "в", "и", "на"}
    for where in (STARTER, ROOT):
        for spec in _registry(where)[0].properties.values():
            assert not [c.phrase for c in spec.cues if fold(c.phrase) in common], spec.id


def test_a_membership_cue_is_found_in_sentences_of_each_language():
    """Sentences written for this test (not from the corpus): a status cue of each language
    occurs, folded and as whole words, in a sentence that states that status."""
    spec = _registry(STARTER)[0].properties["membership_status"]
    sentences = {
        ("en", "suspended"): "In 2031 the Republic of Ruritania suspended its membership of the union.",
        ("en", "member"): "Freedonia has joined the customs union after a long negotiation.",
        ("fa", "member"): "کشور فرضی در سال ۲۰۳۰ به عضویت این اتحادیه درآمد.",
        ("fa", "withdrawn"): "این کشور در سال ۲۰۲۹ از عضویت خارج شد.",
        ("ar", "member"): "وانضمت الدولة إلى الاتحاد في عام 2030.",
        ("ar", "withdrawn"): "انسحبت الدولة من التحالف بعد خلاف طويل.",
        ("ru", "suspended"): "В 2031 году республика приостановила членство в союзе.",
        ("ru", "member"): "Страна вступила в союз в 2030 году.",
    }
    for (lang, value), sentence in sentences.items():
        words = f" {fold(sentence)} "
        found = {c.value for c in spec.cues if c.lang == lang and f" {fold(c.phrase)} " in words}
        assert value in found, (lang, value, sentence, found)


# --- the drafting lexicon -------------------------------------------------------------------------


def test_the_lexicon_loads_with_four_languages():
    lexicon = load_lexicon()
    assert isinstance(lexicon, DraftingLexicon)
    assert load_lexicon() is lexicon  # cached
    for lang in LANGS:
        assert lang in lexicon.languages
        assert lexicon.negations[lang] and lexicon.hedges[lang]
        assert {r.years for r in lexicon.relative[lang]} >= {0, 1, -1}
        assert any(r.after_years for r in lexicon.relative[lang])
        assert set(lexicon.numbers[lang].values()) == set(range(1, 21)), lang
    assert "did not" in lexicon.negations["en"] and "нет" in lexicon.negations["ru"]
    assert Relative("the following year", 1) in lexicon.relative["en"]
    assert Relative("N years later", None, True) in lexicon.relative["en"]
    assert Relative("همان سال", 0) in lexicon.relative["fa"]
    assert Relative("в том же году", 0) in lexicon.relative["ru"]
    assert Relative("العام التالي", 1) in lexicon.relative["ar"]


def test_the_lexicon_folds_its_phrases():
    folded = load_lexicon().folded("fa")
    assert "گفته میشود" in folded.hedges  # ZWNJ removed by fold
    assert "ظاهرا" in folded.hedges  # tanwin removed
    assert folded.numbers["نوزده"] == 19
    assert load_lexicon().folded("fa") is folded
    assert load_lexicon().folded("xx").negations == ()
    ar = load_lexicon().folded("ar")
    assert "لم یعد" in ar.negations  # Arabic yeh folded to Persian yeh, as text is


@pytest.mark.parametrize(
    "text, message",
    [
        ("EN: {negations: [not]}", "not a language code"),
        ("en: {negations: not}", "en: negations: expected a list"),
        ("en: {relative: [{phrase: later, years: soon}]}", "expected {phrase"),
        ("en: {relative: [{phrase: years later, after_years: true}]}", "the word N"),
        ("en: {numbers: {one: first}}", "whole numbers"),
        ("en: {negatives: [not]}", "unknown key"),
    ],
)
def test_a_malformed_lexicon_is_an_error_with_its_line(text, message):
    with pytest.raises(LexiconError, match=message) as info:
        parse_lexicon(parse_yaml("# word lists\n" + text + "\n"), "drafting.yaml")
    assert str(info.value).startswith("drafting.yaml:2")


def test_the_lexicon_ships_as_package_data():
    import tomllib

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "*.yaml" in pyproject["tool"]["setuptools"]["package-data"]["reconcile.data"]
    assert (ROOT / "reconcile" / "data" / "drafting.yaml").is_file()
