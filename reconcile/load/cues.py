"""Cue phrases of a property (``cues:`` and ``complete_cues:`` in ``properties.yaml``).

A cue is a phrase that says a sentence states a property ("founding members", «اعضای
مؤسس»); ``reconcile draft`` drafts a claim where it finds one next to a value of the
property's type. Cues are data, so a user extends drafting to a new property or a new
language by editing the registry::

    members:
      type: entity_set
      cues:                       # language (ISO 639-1) -> phrases
        en: [member states, members]
        fa: [کشورهای عضو, اعضا]
      complete_cues:              # entity_set only: the list that follows is exhaustive
        en: [the members are]
    membership_status:
      type: status
      vocabulary: [member, suspended, withdrawn]
      cues:                       # status: language -> vocabulary value -> phrases
        en:
          member: [joined, became a member]
          suspended: [suspended its membership]

:func:`parse_cues` checks that shape and turns it into :class:`reconcile.load.registry.Cue`
records. Every departure from it is a problem (exit 2) at the line of the offending entry,
naming the property and what was expected. Phrases that fold to the same text
(:func:`reconcile.normalize.text.fold`) within one language and value are kept once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from reconcile.base.fieldspec import Field, check_value, excerpt, key_text, kind_of
from reconcile.normalize.text import fold
from reconcile.base.problems import Problems
from reconcile.base.yamlio import item_line, key_lines

if TYPE_CHECKING:  # pragma: no cover - imported for type hints only
    from reconcile.load.registry import Cue

__all__ = ["CUE_KEYS", "LANGUAGE", "parse_cues"]

#: The keys of a property entry that hold cues.
CUE_KEYS = ("cues", "complete_cues")
#: A language key: an ISO 639-1 code, two lowercase letters.
LANGUAGE = re.compile(r"[a-z]{2}")
_LIST_EXPECTED = "a list of phrases per language, such as en: [founding members, founded by]"
_STATUS_EXPECTED = "per language, a mapping of vocabulary values to phrases, such as en: {member: [joined]}"


def parse_cues(
    pid: str,
    node: Mapping[str, Any],
    vtype: str,
    vocabulary: tuple[str, ...],
    problems: Problems,
    *,
    file: str,
    lines: Mapping[str, int],
) -> tuple[Cue, ...]:
    """The cues of property ``pid`` read from its entry ``node`` (as :func:`reconcile.base.yamlio.load_yaml`
    read it, so that nested entries have lines), given its type ``vtype`` and its status
    ``vocabulary``. Each malformed part is reported to ``problems`` (at its line, else at the
    line of its key in ``lines``) and left out; the rest is returned, deduplicated."""
    from reconcile.load.registry import Cue

    found: list[Cue] = []
    seen: set[tuple[str, str | None, bool, str]] = set()
    for key in CUE_KEYS:
        by_lang = node.get(key)
        if by_lang is None:
            continue
        complete = key == "complete_cues"
        where = lines.get(key)
        what = f"property {key_text(pid)}: {key}"
        if complete and vtype != "entity_set":
            problems.add(
                f"{what}: only an entity_set property has complete_cues, not a {vtype} property",
                file=file,
                line=where,
                column=key,
                expected="complete_cues on an entity_set property (cues: for the others)",
                code="registry",
            )
            continue
        status = vtype == "status" and not complete
        if not isinstance(by_lang, Mapping):
            problems.add(
                f"{what} must be a mapping of languages, not {kind_of(by_lang)} {excerpt(by_lang)}",
                file=file,
                line=where,
                column=key,
                expected=_STATUS_EXPECTED if status else _LIST_EXPECTED,
                code="registry",
            )
            continue
        lang_lines = key_lines(by_lang)
        for lang, entry in by_lang.items():
            lang = str(lang)
            at = lang_lines.get(lang, where)
            if not LANGUAGE.fullmatch(lang):
                problems.add(
                    f"{what}: {excerpt(lang)} is not a language code",
                    file=file,
                    line=at,
                    column=key,
                    expected="an ISO 639-1 code, two lowercase letters such as en, fa, ar, ru",
                    code="registry",
                )
                continue
            if status:
                groups = _status_groups(what, lang, entry, vocabulary, problems, file=file, line=at, column=key)
            else:
                groups = [(None, entry, at)]
            for value, phrases, line in groups:
                for phrase in _phrases(what, lang, value, phrases, problems, file=file, line=line, column=key, status=status):
                    mark = (lang, value, complete, fold(phrase))
                    if mark not in seen:
                        seen.add(mark)
                        found.append(Cue(lang=lang, phrase=phrase, value=value, complete=complete))
    return tuple(found)


def _status_groups(
    what: str,
    lang: str,
    entry: Any,
    vocabulary: tuple[str, ...],
    problems: Problems,
    *,
    file: str,
    line: int | None,
    column: str,
) -> list[tuple[str, Any, int | None]]:
    """The (value, phrases, line) of a status property's cues in one language; a key that
    is not in the vocabulary is reported and left out."""
    if not isinstance(entry, Mapping):
        problems.add(
            f"{what}: {lang} must map vocabulary values to phrases, not be {kind_of(entry)} {excerpt(entry)}",
            file=file,
            line=line,
            column=column,
            expected=f"{lang}: {{{', '.join(f'{v}: [phrases]' for v in vocabulary[:3]) or 'value: [phrases]'}}}"
            + " (values of the property's vocabulary)",
            code="registry",
        )
        return []
    value_lines = key_lines(entry)
    groups = []
    for value, phrases in entry.items():
        value = str(value)
        at = value_lines.get(value, line)
        if value not in vocabulary:
            problems.add(
                f"{what}: {lang}: {excerpt(value)} is not in the property's vocabulary",
                file=file,
                line=at,
                column=column,
                expected="one of " + (", ".join(vocabulary) or "the values listed in `vocabulary:`"),
                code="registry",
            )
            continue
        groups.append((value, phrases, at))
    return groups


def _phrases(
    what: str,
    lang: str,
    value: str | None,
    phrases: Any,
    problems: Problems,
    *,
    file: str,
    line: int | None,
    column: str,
    status: bool,
) -> list[str]:
    """The good phrases of one list; each bad one is reported at its own line."""
    where = f"{what}: {lang}" + (f": {value}" if value is not None else "")
    if isinstance(phrases, Mapping):
        problems.add(
            f"{where} must be a list of phrases, not a mapping {excerpt(dict(phrases))}",
            file=file,
            line=line,
            column=column,
            expected=f"{lang}: {{value: [phrases]}}" if status else _LIST_EXPECTED,
            code="registry",
        )
        return []
    items = phrases if isinstance(phrases, list) else [phrases]
    good = []
    for i, phrase in enumerate(items):
        at = item_line(phrases, i) or line
        text, wrong = check_value(phrase, Field("text"))
        if wrong is None and not fold(text):
            wrong = f"must hold words, not {excerpt(phrase)}"
        if wrong is not None:
            problems.add(
                f"{where}: a phrase {wrong}",
                file=file,
                line=at,
                column=column,
                expected="non-empty text, such as " + ("joined" if status else "founding members"),
                code="registry",
            )
            continue
        good.append(text.strip())
    return good
