"""Drafting claims from documents (reconcile.drafting): what a draft understands, in each
language, with sentences of our own and cues written into a small workspace's registry."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconcile.cli.commands import main
from reconcile.drafting.drafter import Drafter
from reconcile.drafting.lexicon import load_lexicon
from reconcile.drafting.text import sentences_of, words_of
from reconcile.pipeline import load

CUES = {
    "membership_status": {
        "subject_kinds": ["country"],
        "cues": {
            "en": {"member": ["joined", "became a member"], "suspended": ["suspended its membership"], "withdrawn": ["withdrew"]},
            "fa": {"member": ["پیوست"], "suspended": ["به حالت تعلیق درآورد"], "withdrawn": ["خارج شد"]},
            "ar": {"member": ["انضمت"], "suspended": ["علقت عضويتها"], "withdrawn": ["انسحبت"]},
            "ru": {"member": ["вступила"], "suspended": ["приостановила членство"], "withdrawn": ["вышла"]},
        },
    },
    "founding_members": {
        "cues": {"en": ["founding members"], "fa": ["اعضای مؤسس"], "ar": ["الدول المؤسسة"], "ru": ["государства-основатели"]},
    },
    "members": {"cues": {"en": ["member states"]}, "complete_cues": {"en": ["the member states are"]}},
    "established": {"cues": {"en": ["was founded"], "fa": ["تأسیس شد"], "ar": ["تأسست"], "ru": ["основана"]}},
    "personnel": {"cues": {"en": ["troops"], "fa": ["نیرو"], "ar": ["قوامها"], "ru": ["численность"]}},
}

ENTITIES = (
    "entities:\n"
    "  - {id: org:pact, kind: organization, label: Pact Organization,"
    " names: [Pact Organization, the Pact, سازمان پیمان, منظمة الميثاق, Организация Пакта]}\n"
)


def _workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    assert CliRunner().invoke(main, ["init", str(root)]).exit_code == 0
    path = root / "claims" / "properties.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for pid, extra in CUES.items():
        data["properties"][pid].update(extra)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    (root / "claims" / "entities.yaml").write_text(ENTITIES, encoding="utf-8")
    return root


def _add(root: Path, sid: str, text: str, lang: str) -> None:
    (root / "claims" / "documents" / f"{sid}.txt").write_text(text, encoding="utf-8")
    sources = yaml.safe_load((root / "claims" / "sources.yaml").read_text(encoding="utf-8")) or {}
    entries = [s for s in sources.get("sources") or [] if s["id"] != sid]
    entries.append({"id": sid, "document": f"documents/{sid}.txt", "language": lang, "kind": "news", "published": "2020"})
    (root / "claims" / "sources.yaml").write_text(yaml.safe_dump({"sources": entries}, allow_unicode=True), encoding="utf-8")


@pytest.fixture(scope="module")
def drafter(tmp_path_factory) -> Drafter:
    ws, problems = load(_workspace(tmp_path_factory.mktemp("d")))
    assert not problems.errors, problems.errors
    return Drafter(ws.registry, ws.gazetteer, load_lexicon())


def _drafts(drafter: Drafter, text: str, lang: str) -> list[dict]:
    out = []
    for d in drafter.draft(text, lang):
        assert text[d.start : d.end] == d.quote  # the quote is the document's text
        out.append(d.record("s"))
    return out


def _one(drafts: list[dict], prop: str) -> dict:
    found = [d for d in drafts if d["property"] == prop]
    assert len(found) == 1, drafts
    return found[0]


def test_english_status_event_with_its_date_and_subject(drafter):
    drafts = _drafts(drafter, "Talks went on for years. In March 2009 Moldova joined the Pact Organization.", "en")
    d = _one(drafts, "membership_status")
    assert (d["subject"], d["value"], d["valid_from"]) == ("country:MD", "member", "2009-03")
    assert d["quote"] == "In March 2009 Moldova joined the Pact Organization."
    assert 'cue "joined"' in d["because"] and "named in the sentence" in d["because"]


def test_persian_list_with_persian_digits_and_the_paragraph_subject(drafter):
    text = "سازمان پیمان در سال ۱۹۹۴ تأسیس شد.\nاعضای مؤسس آن ارمنستان، قزاقستان و روسیه بودند.\n"
    drafts = _drafts(drafter, text, "fa")
    founded = _one(drafts, "established")
    assert (founded["subject"], founded["value"]) == ("org:pact", "1994")
    founders = _one(drafts, "founding_members")
    assert founders["value"] == ["country:AM", "country:KZ", "country:RU"] and founders["subject"] == "org:pact"
    assert "complete" not in founders  # no cue said the list is exhaustive


def test_arabic_figure_with_its_qualifier(drafter):
    d = _one(_drafts(drafter, "أنشأت منظمة الميثاق قوة قوامها حوالي 4 آلاف فرد في عام 2011.", "ar"), "personnel")
    assert d["value"] == {"amount": 4000, "approx": "about"} and d["subject"] == "org:pact"


def test_russian_status_verb_inflected(drafter):
    d = _one(_drafts(drafter, "В 2013 году Армения вступила в Организацию Пакта.", "ru"), "membership_status")
    assert (d["subject"], d["value"], d["valid_from"]) == ("country:AM", "member", "2013")


def test_relative_date_resolved_from_the_paragraph_at_lower_confidence(drafter):
    text = "In 2006 Moldova joined the Pact Organization. Seven years later, Moldova suspended its membership."
    drafts = [d for d in _drafts(drafter, text, "en") if d["value"] == "suspended"]
    (d,) = drafts
    assert d["valid_from"] == "2013" and "relative date" in d["because"] and "2006" in d["because"]
    joined = next(x for x in _drafts(drafter, text, "en") if x["value"] == "member")
    assert d["confidence"] < joined["confidence"]


def test_negation_stops_a_draft_and_a_hedge_lowers_it(drafter):
    assert not [d for d in _drafts(drafter, "Georgia never joined the Pact Organization.", "en") if d["property"] == "membership_status"]
    plain = _one(_drafts(drafter, "In 2015 Belarus withdrew from the Pact.", "en"), "membership_status")
    # a hedged draft falls below the confidence drafts need to be written
    assert not _drafts(drafter, "In 2015 Belarus reportedly withdrew from the Pact.", "en")
    everything = Drafter(drafter.registry, drafter.gazetteer, drafter.lexicon, min_confidence=0.0)
    hedged = _one(_drafts(everything, "In 2015 Belarus reportedly withdrew from the Pact.", "en"), "membership_status")
    assert hedged["confidence"] < plain["confidence"] and "hedged" in hedged["because"]


def test_a_complete_cue_marks_the_list_complete(drafter):
    d = _one(_drafts(drafter, "The Pact Organization met in Minsk. Today the member states are Armenia, Belarus and Kazakhstan.", "en"), "members")
    assert d["complete"] is True and d["value"] == ["country:AM", "country:BY", "country:KZ"]


def test_sentences_and_words_keep_offsets():
    text = "First, 3.5 thousand.  Second!\nThird line\n\nNew paragraph"
    spans = sentences_of(text)
    assert [text[s.start : s.end] for s in spans] == ["First, 3.5 thousand.", "Second!", "Third line", "New paragraph"]
    assert [s.paragraph for s in spans] == [0, 0, 0, 1]
    words = words_of("وروسیه‌ها")
    assert words.keys == ["وروسیهها"]


WORDS = ["Moldova", "joined", "the Pact", "in", "2009", "March", "ازبکستان", "پیوست", "۱۳۹۴", "و", "،", ".", "\n", "؟",
         "«", "»", "troops", "about", "3,500", "انضمت", "قوامها", "4", "آلاف", "did not", "Seven years later", " ", "\u200c"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(WORDS) | st.text(max_size=6), max_size=40), st.sampled_from(["en", "fa", "ar", None]))
def test_every_quote_is_text_of_its_document(drafter, parts, lang):
    text = " ".join(parts)
    for d in drafter.draft(text, lang):
        assert text[d.start : d.end] == d.quote and d.quote.strip() == d.quote and d.quote


def test_draft_command_writes_once_and_keeps_what_people_changed(tmp_path):
    root = _workspace(tmp_path)
    _add(root, "s1", "In March 2009 Moldova joined the Pact Organization.\n", "en")
    result = CliRunner().invoke(main, ["draft", "s1", "-w", str(root)])
    assert result.exit_code == 0, result.output
    path = root / "claims" / "drafts" / "s1.yaml"
    first = path.read_text(encoding="utf-8")
    assert "draft: true" in first and "country:MD" in first
    # drafting again gives the same file
    assert CliRunner().invoke(main, ["draft", "s1", "-w", str(root)]).exit_code == 0
    assert path.read_text(encoding="utf-8") == first
    # a corrected draft stays corrected
    path.write_text(first.replace("valid_from: 2009-03", "valid_from: 2009-03-15  # checked"), encoding="utf-8")
    assert CliRunner().invoke(main, ["draft", "s1", "-w", str(root)]).exit_code == 0
    assert "2009-03-15  # checked" in path.read_text(encoding="utf-8")
    # the captured claims are never touched
    assert list((root / "claims" / "captured").glob("*.yaml")) == []


def test_a_draft_already_captured_is_not_written(tmp_path):
    root = _workspace(tmp_path)
    _add(root, "s1", "In March 2009 Moldova joined the Pact Organization.\n", "en")
    claim = {"id": "c1", "subject": "country:MD", "property": "membership_status", "value": "member", "valid_from": "2009-03",
             "quote": "Moldova joined the Pact"}
    (root / "claims" / "captured" / "s1.yaml").write_text(yaml.safe_dump({"source": "s1", "claims": [claim]}), encoding="utf-8")
    result = CliRunner().invoke(main, ["draft", "s1", "-w", str(root)])
    assert result.exit_code == 0 and "1 already captured" in result.output
    assert "country:MD" not in (root / "claims" / "drafts" / "s1.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "args, message",
    [
        (["nobody"], "unknown source 'nobody'"),
        ([], "name the sources to draft"),
        (["s1", "--all"], "not both"),
    ],
)
def test_bad_input_is_exit_2_and_writes_nothing(tmp_path, args, message):
    root = _workspace(tmp_path)
    _add(root, "s1", "In 2009 Moldova joined the Pact Organization.\n", "en")
    result = CliRunner().invoke(main, ["draft", *args, "-w", str(root)])
    assert result.exit_code == 2 and message in result.output
    assert not (root / "claims" / "drafts").exists() or not list((root / "claims" / "drafts").glob("*.yaml"))


def test_a_drafts_file_that_is_not_a_claim_file_is_left_as_it_is(tmp_path):
    root = _workspace(tmp_path)
    _add(root, "s1", "In 2009 Moldova joined the Pact Organization.\n", "en")
    path = root / "claims" / "drafts" / "s1.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("- just a list\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["draft", "s1", "-w", str(root)])
    assert result.exit_code == 2 and "claims/drafts/s1.yaml" in result.output and "nothing was written" in result.output
    assert path.read_text(encoding="utf-8") == "- just a list\n"
