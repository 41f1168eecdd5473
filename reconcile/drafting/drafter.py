"""Draft claims from one document: a cue, the values its property takes, a subject, a time.

For each sentence, every cue of the property registry found in it (:mod:`.cues`) may give a
draft claim:

* **the value** by the property's type: an ``entity_set`` takes the registered entities of
  its kinds that the sentence names (those after the cue when there are two or more, else
  all; two at least, one when the cue says the list is complete); an ``entity`` the nearest
  such entity after the cue, else before; a ``date`` the nearest date; a ``quantity`` the
  nearest figure in the property's unit; a ``status`` the vocabulary value the cue states.
* **the subject**: an entity of the property's subject kinds that the sentence names
  (nearest the cue), else the one its paragraph names most, else the one the document names
  most; ``because:`` says which. The subject kinds are the property's ``subject_kinds``
  when the registry gives them, else the kinds of the subjects its captured claims have,
  else any kind its values do not take (cities excepted).
* **the time**: for a time-dependent property, the date in the sentence (not the value)
  becomes ``valid_from`` of a status (an event: joined, suspended) or ``as_of`` of other
  values. A relative date ("the same year", "seven years later", «همان سال») is resolved
  against the nearest absolute date before it in the paragraph, at lower confidence.
* **negation and hedges**: a negation just before the cue ("did not join", «نپیوست» is not
  a cue at all) stops the draft; a hedge in the sentence ("reportedly", «گفته می‌شود»)
  lowers its confidence.
* **the quote**: the sentence, exactly as in the document (cut to the clause between ``;``
  marks that holds the cue, the value and the subject when the sentence is long).

The same subject, property, value and time drafted twice from one sentence (two cues) is
one draft whose ``because:`` names both cues.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..normalize.dates import DateValue, parse_iso
from ..normalize.names import Gazetteer
from ..normalize.quantities import Quantity, parse_quantity
from ..normalize.text import fold
from reconcile.load.registry import PropertySpec, Registry
from .cues import CueHit, CueMatcher
from .lexicon import DraftingLexicon
from .mentions import Mention, find_dates, find_entities, find_figures
from .text import Sentence, Words, sentences_of, words_of

__all__ = ["Draft", "Drafter", "draft_id"]

#: Confidence of a draft before adjustments, by what stated its value.
BASE_CONFIDENCE = 0.6
#: Drafts below this confidence are not written unless asked (``--min-confidence``).
MIN_CONFIDENCE = 0.5
LONG_QUOTE = 400
_CLAUSE = re.compile(r"[;؛]")


@dataclass
class Draft:
    """One draft claim (the fields a claim file holds) and where its quote is."""

    subject: str
    property: str
    value: Any
    quote: str
    start: int
    end: int
    confidence: float
    because: list[str]
    complete: bool | None = None
    valid_from: str | None = None
    as_of: str | None = None
    occurrence: int | None = None
    key: tuple = field(default=())

    def record(self, source: str) -> dict[str, Any]:
        """The draft as a claim entry of ``claims/drafts/<source>.yaml``."""
        out: dict[str, Any] = {
            "id": draft_id(
                source, self.subject, self.property, self.value, self.quote, self.valid_from or self.as_of, self.occurrence
            ),
            "subject": self.subject,
            "property": self.property,
            "value": self.value,
        }
        if self.complete is not None:
            out["complete"] = self.complete
        if self.valid_from:
            out["valid_from"] = self.valid_from
        if self.as_of:
            out["as_of"] = self.as_of
        out["quote"] = self.quote
        if self.occurrence:
            out["occurrence"] = self.occurrence
        out["draft"] = True
        out["confidence"] = round(self.confidence, 2)
        out["because"] = "; ".join(self.because)
        return out


def draft_id(
    source: str, subject: str, prop: str, value: Any, quote: str, when: str | None = None, occurrence: int | None = None
) -> str:
    """A draft's id: stable for the same source, subject, property, value, quote (and its
    occurrence, when the document repeats it) and time."""
    where = f"|{occurrence}" if occurrence and occurrence > 1 else ""
    digest = hashlib.sha1(f"{subject}|{prop}|{_value_key(value)}|{quote}|{when or ''}{where}".encode()).hexdigest()[:8]
    return f"draft-{source}-{digest}"


def _value_key(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ";".join(map(str, value))
    if isinstance(value, dict):
        return ";".join(f"{k}={value[k]}" for k in sorted(value))
    return str(value)


class Drafter:
    """Drafts claims from documents with one workspace's registries and gazetteer."""

    def __init__(
        self,
        registry: Registry,
        gazetteer: Gazetteer,
        lexicon: DraftingLexicon,
        subject_kinds: dict[str, frozenset[str]] | None = None,
        min_confidence: float = MIN_CONFIDENCE,
    ) -> None:
        self.registry = registry
        self.min_confidence = min_confidence
        self.gazetteer = gazetteer
        self.lexicon = lexicon
        self.matcher = CueMatcher(registry.properties.values())
        self._subject_kinds = subject_kinds or {}
        self._negations = {lang: _folded_phrases(p) for lang, p in lexicon.negations.items()}
        self._hedges = {lang: _folded_phrases(p) for lang, p in lexicon.hedges.items()}
        self._anaphors = {lang: _folded_phrases(p) for lang, p in lexicon.anaphors.items()}
        self._units: dict[str, str | None] = {}

    # --- one document ----------------------------------------------------------------------

    def draft(self, text: str, language: str | None) -> list[Draft]:
        """The drafts of one document in ``language`` (an ISO 639-1 code, or None: every
        language's cues), in the order of their quotes."""
        if not self.matcher:
            return []
        words = words_of(text)
        langs = {language} if language in self.matcher.languages else None
        hits = self.matcher.find(words, langs)
        if not hits:
            return []
        doc = _Document(text, words, sentences_of(text), self.gazetteer)
        drafts: dict[tuple, Draft] = {}
        for hit in hits:
            sentence = doc.sentence_of_word(hit.first)
            if sentence is None:
                continue
            for draft in self._draft_one(doc, sentence, hit, language):
                old = drafts.get(draft.key)
                if old is None:
                    drafts[draft.key] = draft
                elif draft.because[0] not in old.because:
                    old.because.insert(1, draft.because[0])
                    old.confidence = min(0.95, max(old.confidence, draft.confidence) + 0.05)
        kept = [d for d in drafts.values() if d.confidence >= self.min_confidence - 1e-9]
        out = sorted(kept, key=lambda d: (d.start, d.end, d.property, d.subject, _value_key(d.value)))
        for d in out:
            d.occurrence = _occurrence(text, d.quote, d.start)
        return out

    def _draft_one(self, doc: "_Document", sentence: Sentence, hit: CueHit, language: str | None) -> list[Draft]:
        """The drafts one cue gives: one per subject when the sentence names several in a
        list ("Azerbaijan, Belarus and Georgia joined"), else one, or none."""
        spec = self.registry.properties[hit.property]
        cue_start, cue_end = int(doc.words.start[hit.first]), int(doc.words.end[hit.last - 1])
        lang = hit.cue.lang
        if self._negated(doc, sentence, hit, lang):
            return []
        because = [f'cue "{hit.cue.phrase}" ({lang}, {spec.id}' + (f"={hit.cue.value})" if hit.cue.value else ")")]
        confidence = BASE_CONFIDENCE + (0.1 if len(fold(hit.cue.phrase).split()) > 1 else 0.0)
        entities = doc.in_sentence(doc.entities, sentence)
        value_kinds = set(spec.entity_kinds)
        used: list[Mention] = []
        complete: bool | None = None
        dates = doc.in_sentence(doc.dates, sentence)
        if spec.type == "entity_set":
            members = [m for m in entities if self._kind(m.value) in value_kinds]
            run = _nearest_run(doc.text, members, cue_start, cue_end, doc.words)
            ids = list(dict.fromkeys(m.value for m in run))
            if len(ids) < (1 if hit.cue.complete else 2):
                return []
            value: Any = ids
            used = run
            complete = True if hit.cue.complete else None
            because.append(f"a list of {len(ids)} ({', '.join(sorted(value_kinds)) or 'entities'}) next to the cue")
        elif spec.type == "entity":
            candidates = [m for m in entities if self._kind(m.value) in value_kinds]
            near = _nearest(candidates, cue_start, cue_end, prefer_after=True)
            if near is None or _words_apart(doc.words, near, cue_start, cue_end) > NEAR_WORDS:
                return []
            value, used = near.value, [near]
            because.append(f"{self.gazetteer.label(near.value)} named after the cue" if near.start >= cue_end else f"{self.gazetteer.label(near.value)} named before the cue")
        elif spec.type == "date":
            near = _nearest(dates, cue_start, cue_end, prefer_after=True)
            if near is None:
                relative = self._relative(doc, sentence, lang)
                if relative is None:
                    return []
                date, why = relative
                value = date.iso()
                because.append(why)
                confidence -= 0.2
            else:
                value, used = near.value.iso(), [near]
                because.append(f"date {near.value.iso()} read in the sentence")
        elif spec.type == "quantity":
            unit = self._unit(spec)
            figures = [m for m in doc.in_sentence(doc.figures, sentence) if unit is None or m.value.unit == unit]
            near = _nearest(figures, cue_start, cue_end, prefer_after=True)
            if near is None:
                return []
            q: Quantity = near.value
            value = {"amount": _number(q.amount), "approx": q.approx}
            used = [near]
            because.append(f"figure {doc.text[near.start:near.end]!r} read as {q.approx} {_number(q.amount)} {q.unit}")
        elif spec.type == "status":
            if not hit.cue.value:
                return []
            value = hit.cue.value
        else:
            return []
        subjects, why, adjust = self._subject(doc, sentence, spec, entities, used, cue_start, cue_end, lang)
        if not subjects:
            return []
        because.append(why)
        confidence += adjust
        valid_from = as_of = None
        if spec.time_dependent:
            timed = [m for m in dates if m not in used]
            near = _nearest(timed, cue_start, cue_end, prefer_after=False)
            when: DateValue | None = near.value if near else None
            if near is not None:
                because.append(f"time {when.iso()} read in the sentence")
                used = [*used, near]
            else:
                relative = self._relative(doc, sentence, lang)
                if relative is not None:
                    when, why = relative
                    because.append(why)
                    confidence -= 0.2
            if when is not None:
                if spec.type == "status":
                    valid_from = when.iso()
                else:
                    as_of = when.iso()
        if self._hedged(doc, sentence, lang):
            because.append("hedged in the sentence")
            confidence -= 0.3
        named = [m for m in entities if m.value in subjects]
        start, end = _quote_span(doc.text, sentence, [(cue_start, cue_end), *((m.start, m.end) for m in used + named)])
        quote = doc.text[start:end]
        confidence = max(0.05, min(0.95, confidence))
        return [
            Draft(
                subject, spec.id, value, quote, start, end, confidence, list(because), complete, valid_from, as_of,
                key=(subject, spec.id, _value_key(value), valid_from, as_of, start, end),
            )
            for subject in subjects
        ]

    # --- parts ------------------------------------------------------------------------------

    def _kind(self, eid: str) -> str | None:
        return self.gazetteer.kind(eid)

    def _unit(self, spec: PropertySpec) -> str | None:
        """The canonical unit of a quantity property (None: any)."""
        if spec.id not in self._units:
            unit = None
            if spec.unit:
                try:
                    unit = parse_quantity(f"1 {spec.unit}").unit
                except (ValueError, ArithmeticError):
                    unit = None
            self._units[spec.id] = unit
        return self._units[spec.id]

    def _subject_kinds_of(self, spec: PropertySpec) -> frozenset[str] | None:
        declared = getattr(spec, "subject_kinds", ())
        if declared:
            return frozenset(declared)
        return self._subject_kinds.get(spec.id)

    def _subject(
        self,
        doc: "_Document",
        sentence: Sentence,
        spec: PropertySpec,
        entities: list[Mention],
        used: list[Mention],
        cue_start: int,
        cue_end: int,
        lang: str,
    ) -> tuple[list[str], str, float]:
        """The subjects (several when the sentence names them in a list), why they were
        chosen, and what that does to the confidence. "The organization" («المنظمة») in the
        sentence stands for the entity the document names most."""
        kinds = self._subject_kinds_of(spec)
        value_kinds = set(spec.entity_kinds)

        def fits(eid: str) -> bool:
            kind = self._kind(eid)
            if kinds is not None:
                return kind in kinds
            return kind not in value_kinds and kind != "city"

        values = {m.value for m in used} if spec.type in ("entity_set", "entity") else set()
        taken = {id(m) for m in used}
        modifiers = _modifiers(doc.text, entities)
        named = [
            m for m in entities if id(m) not in taken and id(m) not in modifiers and fits(m.value) and m.value not in values
        ]
        topic = doc.topic(fits, (spec.id, "subject"))
        # "the organization" stands for what the document is about: not a country or a city
        about = doc.topic(lambda eid: self._kind(eid) not in ("country", "city"), "about")
        standing = self._anaphor_mentions(doc, sentence, lang, about if about is not None and fits(about) else None)
        if named or standing:

            def rank(m: Mention) -> tuple[int, int]:
                apart = _words_apart(doc.words, m, cue_start, cue_end)
                # a name next to the cue is its subject ("head of the Duma"); further away,
                # the document's topic is the likelier one
                return (apart - (TOPIC_BONUS if m.value == topic and apart > 1 else 0), m.start)

            near = min(named + standing, key=rank)
            if any(near is m for m in standing):
                said = doc.text[near.start : near.end]
                return [near.value], f"subject {self.gazetteer.label(near.value)}: {said!r}, what the document names most", 0.0
            run = _run_around(doc.text, named, near, doc.words)
            ids = list(dict.fromkeys(m.value for m in run))
            label = ", ".join(self.gazetteer.label(i) for i in ids)
            return ids, f"subject {label} named in the sentence", 0.1
        earlier = doc.last_before(sentence, fits)
        if earlier is not None:
            eid = earlier.value
            return [eid], f"subject {self.gazetteer.label(eid)}: named last before the sentence in its paragraph", -0.1
        if "country" in (kinds or set()):
            return [], "", 0.0  # a document names many countries: none is "the" subject
        if topic is not None:
            return [topic], f"subject {self.gazetteer.label(topic)}: what the document names most", -0.2
        return [], "", 0.0

    def _anaphor_mentions(self, doc: "_Document", sentence: Sentence, lang: str, topic: str | None) -> list[Mention]:
        """Each "the organization" of the sentence, as a mention of ``topic``."""
        if topic is None:
            return []
        i, j = doc.words.between(sentence.start, sentence.end)
        keys = doc.words.keys[i:j]
        out = []
        for phrase in self._anaphors.get(lang, ()):
            n = len(phrase)
            for k in range(len(keys) - n + 1):
                if tuple(keys[k : k + n]) == phrase or (keys[k].startswith("و") and (keys[k][1:], *keys[k + 1 : k + n]) == phrase):
                    out.append(Mention(int(doc.words.start[i + k]), int(doc.words.end[i + k + n - 1]), topic))
        return out

    def _negated(self, doc: "_Document", sentence: Sentence, hit: CueHit, lang: str) -> bool:
        """A negation among the three words before the cue (in the sentence), or within it
        when the cue itself is not negative."""
        phrases = self._negations.get(lang, ())
        if not phrases:
            return False
        first, _ = doc.words.between(sentence.start, sentence.end)
        lo = max(first, hit.first - 3)
        window = doc.words.keys[lo : hit.first]
        if not window:
            return False
        present = set(window)
        cue_words = set(fold(hit.cue.phrase).split())
        return any(p[0] in present and _contains(window, p) and not set(p) & cue_words for p in phrases)

    def _hedged(self, doc: "_Document", sentence: Sentence, lang: str) -> bool:
        """A hedge in the sentence (once per sentence and language)."""
        key = ("hedged", sentence.start, lang)
        if key not in doc.memo:
            phrases = self._hedges.get(lang, ())
            i, j = doc.words.between(sentence.start, sentence.end)
            keys = doc.words.keys[i:j]
            doc.memo[key] = any(_contains(keys, p) for p in phrases)
        return doc.memo[key]

    def _relative(self, doc: "_Document", sentence: Sentence, lang: str) -> tuple[DateValue, str] | None:
        """A relative date in the sentence resolved against the nearest absolute date before
        it in the paragraph: (the year it names, why); once per sentence and language."""
        key = ("relative", sentence.start, lang)
        if key not in doc.memo:
            doc.memo[key] = self._find_relative_date(doc, sentence, lang)
        return doc.memo[key]

    def _find_relative_date(self, doc: "_Document", sentence: Sentence, lang: str) -> tuple[DateValue, str] | None:
        i, j = doc.words.between(sentence.start, sentence.end)
        keys = doc.words.keys[i:j]
        numbers = {fold(k): v for k, v in self.lexicon.numbers.get(lang, {}).items()}
        for rel in self.lexicon.relative.get(lang, ()):
            phrase = tuple(fold(rel.phrase).split())
            if not phrase:
                continue
            found = _find_relative(keys, phrase, numbers) if rel.after_years else _span_of(keys, phrase)
            if found is None:
                continue
            at, length, n = found
            years = n if rel.after_years else rel.years
            if years is None:
                continue
            offset = int(doc.words.start[i + at])
            anchor = doc.date_before(offset, sentence.paragraph)
            if anchor is None:
                continue
            year = anchor.value.start.year + int(years)
            text = doc.text[int(doc.words.start[i + at]) : int(doc.words.end[i + at + length - 1])]
            return parse_iso(f"{year:04d}"), f"relative date {text!r} read from {anchor.value.iso()} before it in the paragraph"
        return None


class _Document:
    """One document's words, sentences and mentions, with look-ups by position."""

    def __init__(self, text: str, words: Words, sentences: list[Sentence], gazetteer: Gazetteer) -> None:
        self.text = text
        self.words = words
        self.sentences = sentences
        self._sentence_starts = [s.start for s in sentences]
        self.entities = find_entities(text, gazetteer)
        self.dates = find_dates(text, words)
        date_spans = [(m.start, m.end) for m in self.dates]
        self.figures = [m for m in find_figures(text, words) if not _overlaps_any(m, date_spans)]
        self._starts = {id(ms): [m.start for m in ms] for ms in (self.entities, self.dates, self.figures)}
        named: dict[str, list[int]] = {}
        for k, m in enumerate(self.entities):
            entry = named.setdefault(m.value, [0, k])
            entry[0] += 1
        self._named = {eid: (c, first) for eid, (c, first) in named.items()}
        self._topics: dict[Any, str | None] = {}
        self.memo: dict[tuple, Any] = {}
        """What the drafter found once per sentence (hedges, relative dates)."""
        self._paragraph_start: dict[int, int] = {}
        for sent in sentences:
            self._paragraph_start.setdefault(sent.paragraph, sent.start)

    def sentence_of_word(self, i: int) -> Sentence | None:
        offset = int(self.words.start[i])
        k = bisect.bisect_right(self._sentence_starts, offset) - 1
        if k < 0 or offset >= self.sentences[k].end:
            return None
        return self.sentences[k]

    def in_sentence(self, mentions: list[Mention], sentence: Sentence) -> list[Mention]:
        starts = self._starts[id(mentions)]
        lo = bisect.bisect_left(starts, sentence.start)
        hi = bisect.bisect_left(starts, sentence.end)
        return [m for m in mentions[lo:hi] if m.end <= sentence.end]

    def in_paragraph(self, mentions: list[Mention], paragraph: int) -> list[Mention]:
        spans = [s for s in self.sentences if s.paragraph == paragraph]
        if not spans:
            return []
        starts = self._starts[id(mentions)]
        lo = bisect.bisect_left(starts, spans[0].start)
        hi = bisect.bisect_left(starts, spans[-1].end)
        return mentions[lo:hi]

    def topic(self, fits: Any, key: Any = None) -> str | None:
        """The entity the document names most among those ``fits`` accepts (ties: the one
        named first); remembered under ``key`` when given."""
        if key is not None and key in self._topics:
            return self._topics[key]
        best = None
        for eid, (count, first) in self._named.items():
            if (best is None or (count, -first) > best[0]) and fits(eid):
                best = ((count, -first), eid)
        found = best[1] if best else None
        if key is not None:
            self._topics[key] = found
        return found

    def last_before(self, sentence: Sentence, fits: Any) -> Mention | None:
        """The last entity ``fits`` accepts named before ``sentence`` in its paragraph, in
        the :data:`LOOK_BACK` sentences before it."""
        starts = self._starts[id(self.entities)]
        k = bisect.bisect_left(starts, sentence.start) - 1
        at = bisect.bisect_left(self._sentence_starts, sentence.start)
        back = self.sentences[max(0, at - LOOK_BACK)].start
        first = max(self._paragraph_start.get(sentence.paragraph, sentence.start), back)
        while k >= 0 and self.entities[k].start >= first:
            m = self.entities[k]
            if m.end <= sentence.start and fits(m.value):
                return m
            k -= 1
        return None

    def date_before(self, offset: int, paragraph: int) -> Mention | None:
        """The last date that ends before ``offset`` in the same paragraph."""
        before = [m for m in self.in_paragraph(self.dates, paragraph) if m.end <= offset]
        return before[-1] if before else None


def _folded_phrases(phrases: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(t for t in (tuple(fold(p).split()) for p in phrases) if t)


def _find(keys: Sequence[str], phrase: tuple[str, ...]) -> int | None:
    n = len(phrase)
    for k in range(len(keys) - n + 1):
        if tuple(keys[k : k + n]) == phrase:
            return k
    return None


def _contains(keys: Sequence[str], phrase: tuple[str, ...]) -> bool:
    return _find(keys, phrase) is not None


#: The placeholder of a number in a relative phrase ("N years later"), folded.
_N = "n"


def _span_of(keys: Sequence[str], phrase: tuple[str, ...]) -> tuple[int, int, None] | None:
    at = _find(keys, phrase)
    return None if at is None else (at, len(phrase), None)


def _find_relative(keys: Sequence[str], phrase: tuple[str, ...], numbers: dict[str, int]) -> tuple[int, int, int] | None:
    """Where "N years later" is in ``keys``, N any number (digits, or a word of ``numbers``):
    (position, length, N)."""
    if _N not in phrase:
        return None
    slot = phrase.index(_N)
    n = len(phrase)
    for k in range(len(keys) - n + 1):
        if all(keys[k + x] == w for x, w in enumerate(phrase) if x != slot):
            word = keys[k + slot]
            value = int(word) if word.isdigit() and len(word) <= 2 else numbers.get(word)
            if value is not None:
                return k, n, value
    return None


def _nearest(mentions: list[Mention], start: int, end: int, *, prefer_after: bool) -> Mention | None:
    """The mention closest to the span ``[start, end)``; ties go after (or before) it."""
    best, best_key = None, None
    for m in mentions:
        if m.start >= end:
            distance, side = m.start - end, 0 if prefer_after else 1
        elif m.end <= start:
            distance, side = start - m.end, 1 if prefer_after else 0
        else:
            distance, side = 0, 0
        key = (distance, side)
        if best_key is None or key < best_key:
            best, best_key = m, key
    return best


#: How many sentences back a subject is looked for when the sentence names none.
LOOK_BACK = 3
#: How many words may stand between a cue and the entity or list it names.
NEAR_WORDS = 8
#: How much nearer (in words) the document's topic counts when choosing a subject.
TOPIC_BONUS = 6
# what may stand between the names of one list: a comma, "and"/«و»/"и", and up to two
# words ("the Republic of", «جمهوری»)
_LIST_GAP = re.compile(r"^[\s,،؛]*(?:(?:and|or|as well as|и|или|و|یا|أو)\s*)?[\s,،]*$", re.IGNORECASE)
_GAP_WORD = re.compile(r"\w+")


_MODIFIER_GAP = re.compile(r"^\s*(?:of(?:\s+the)?|de|des|du)?\s*$", re.IGNORECASE)


def _modifiers(text: str, mentions: list[Mention]) -> set[int]:
    """The mentions that qualify the name just before them, not a thing of their own: in
    "the Parliamentary Assembly of the CSTO", «مجمع پارلمانی سازمان …» or «مجلس الدوما
    الروسي», only the first is what the sentence speaks about (``id()`` of each)."""
    return {id(b) for a, b in zip(mentions, mentions[1:]) if _MODIFIER_GAP.match(text[a.end : b.start])}


def _listed(text: str, a: Mention, b: Mention) -> bool:
    """Whether ``b`` follows ``a`` in one list (only separators, or a separator and up to
    two other words, between them)."""
    gap = text[a.end : b.start]
    if _MODIFIER_GAP.match(gap):
        return False  # "X of Y", «X Y»: one name qualifying the other, not a list
    if _LIST_GAP.match(gap):
        return True
    return bool(re.search(r"[,،]|\b(?:and|и)\b|(?:^|\s)و", gap)) and len(_GAP_WORD.findall(gap)) <= 3 and len(gap) < 40


def _run_around(text: str, mentions: list[Mention], m: Mention, words: Words) -> list[Mention]:
    """The list of ``mentions`` that ``m`` belongs to (``m`` alone when it is in none)."""
    at = mentions.index(m)
    lo = hi = at
    while lo > 0 and _listed(text, mentions[lo - 1], mentions[lo]):
        lo -= 1
    while hi + 1 < len(mentions) and _listed(text, mentions[hi], mentions[hi + 1]):
        hi += 1
    return mentions[lo : hi + 1]


def _nearest_run(text: str, mentions: list[Mention], start: int, end: int, words: Words) -> list[Mention]:
    """The list of ``mentions`` nearest the cue ``[start, end)``, within :data:`NEAR_WORDS`
    words of it (after it first); empty when none is that near."""
    runs: list[list[Mention]] = []
    seen: set[int] = set()
    for m in mentions:
        if id(m) in seen:
            continue
        run = _run_around(text, mentions, m, words)
        seen.update(id(x) for x in run)
        runs.append(run)
    best, best_key = [], None
    for run in runs:
        span = Mention(run[0].start, run[-1].end, None)
        apart = _words_apart(words, span, start, end)
        if apart > NEAR_WORDS:
            continue
        key = (apart, 0 if span.start >= end else 1, -len(run))
        if best_key is None or key < best_key:
            best, best_key = run, key
    return best


def _words_apart(words: Words, m: Mention, start: int, end: int) -> int:
    """How many words stand between a mention and the span ``[start, end)`` (0 if they touch)."""
    if m.start >= end:
        i, j = words.between(end, m.start)
    elif m.end <= start:
        i, j = words.between(m.end, start)
    else:
        return 0
    return j - i


def _most_named(ids: list[str]) -> str:
    """The id named most often; ties go to the one named first."""
    counts = Counter(ids)
    top = max(counts.values())
    return next(i for i in ids if counts[i] == top)


def _overlaps_any(m: Mention, spans: list[tuple[int, int]]) -> bool:
    return any(s < m.end and m.start < e for s, e in spans)


def _number(amount: float) -> int | float:
    return int(amount) if float(amount).is_integer() else float(amount)


def _quote_span(text: str, sentence: Sentence, parts: list[tuple[int, int]]) -> tuple[int, int]:
    """The sentence, or for a long one the clause between ``;`` marks that holds ``parts``."""
    start, end = sentence.start, sentence.end
    if end - start <= LONG_QUOTE:
        return start, end
    lo = min(s for s, _ in parts)
    hi = max(e for _, e in parts)
    cuts = [m.end() for m in _CLAUSE.finditer(text, start, lo)]
    if cuts:
        start = cuts[-1]
    after = _CLAUSE.search(text, hi, end)
    if after:
        end = after.start()
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _occurrence(text: str, quote: str, start: int) -> int | None:
    """Which occurrence of ``quote`` in ``text`` starts at ``start`` (None when it is the only one)."""
    if text.count(quote) <= 1:
        return None
    n, at = 0, -1
    while True:
        at = text.find(quote, at + 1)
        if at < 0 or at > start:
            break
        n += 1
    return n
