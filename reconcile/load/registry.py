"""The workspace's registries: properties (how values are typed and compared) and entities.

``properties.yaml`` maps property ids to :class:`PropertySpec`; ``entities.yaml`` lists the
organizations, documents, bodies, events and people that claims name, each with names in
any language. Countries and cities come from the built-in gazetteer
(:mod:`reconcile.normalize.names`) and are not listed.

:func:`entity_entry` and :func:`property_entry` write the entry that registers a name or a
property the registries lack, as one line of YAML ready to paste: ``reconcile validate``
offers them as hints for unknown subjects, values and properties.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from anyascii import anyascii

from reconcile.load.cues import parse_cues
from reconcile.base.fieldspec import Field, check_container, check_entry, excerpt, key_text, kind_of
from reconcile.base.problems import Problems
from reconcile.base.yamlio import YamlLoadError, key_lines, item_line, load_yaml, plain

__all__ = [
    "VALUE_TYPES",
    "ENTITY_FIELDS",
    "ENTITIES_FILE",
    "PROPERTY_FIELDS",
    "TIMELINE_FIELDS",
    "PROPERTIES_FILE",
    "PropertySpec",
    "TimelineSpec",
    "Registry",
    "check_rule_references",
    "entity_entry",
    "load_registry",
    "property_entry",
    "slug",
    "yaml_scalar",
]

VALUE_TYPES = ("entity", "entity_set", "date", "quantity", "status", "text")
ENTITY_KINDS_BUILTIN = ("country", "city")
#: Where the registries are, relative to the workspace (what hints tell people to edit).
ENTITIES_FILE = "claims/entities.yaml"
PROPERTIES_FILE = "claims/properties.yaml"

#: The fields of a property in ``properties.yaml`` (see docs/claims.md).
PROPERTY_FIELDS: dict[str, Field] = {
    "type": Field("choice", required=True, choices=VALUE_TYPES),
    "label": Field("text"),
    "description": Field("text"),
    "entity_kinds": Field("texts"),
    "subject_kinds": Field("texts", expected="a list of entity kinds the subject of a claim may be, such as [country]"),
    "time_dependent": Field("bool"),
    "multi_valued": Field("bool"),
    "unit": Field("text"),
    "tolerance": Field(
        "number", low=0.0, high=1.0, expected="a relative difference from 0 to 1, such as 0.05 (5 %)"
    ),
    "min": Field("number", expected="the least value a figure may take, a finite number (default 0 for counts)"),
    "vocabulary": Field("texts"),
    "rules": Field("texts", expected="a list of rule ids (`reconcile rules` lists them)"),
    "counts": Field("text", expected="the id of the set-valued property whose lists this quantity counts"),
    "milestones": Field("texts", expected="the events a date of this property may be, such as [decided, signed, in_force]"),
    "cues": Field(
        "mapping",
        expected="phrases per language, such as {en: [founding members], fa: [اعضای مؤسس]} "
        "(a status property: {en: {member: [joined]}})",
    ),
    "complete_cues": Field(
        "mapping", expected="for an entity_set: phrases per language that say the list is exhaustive, such as {en: [the members are]}"
    ),
}
#: The fields of an entity in ``entities.yaml``.
ENTITY_FIELDS: dict[str, Field] = {
    "id": Field("text", required=True, expected="an id of the form kind:name, such as org:csto"),
    "kind": Field("text"),
    "label": Field("text"),
    "names": Field("texts"),
}
#: The fields of a timeline, beside ``properties:`` in ``properties.yaml``.
TIMELINE_FIELDS: dict[str, Field] = {
    "organization": Field("text", required=True, expected="the id of the organization, such as org:csto"),
    **{
        key: Field("text")
        for key in (
            "status_property",
            "members_property",
            "count_property",
            "founders_property",
            "established_property",
            "founding_subject",
            "founding_property",
        )
    },
}


@dataclass(frozen=True, slots=True)
class Cue:
    """A phrase that says a sentence states a property (``cues:`` in ``properties.yaml``):
    ``reconcile draft`` drafts a claim where it finds one."""

    lang: str
    """ISO 639-1 code of the language the phrase is in."""
    phrase: str
    """The phrase as written in the registry (matched folded, as whole words)."""
    value: str | None = None
    """For a status property: the vocabulary value the phrase states (``suspended``)."""
    complete: bool = False
    """For a set: the phrase says the list is exhaustive (``complete_cues``)."""


@dataclass(frozen=True, slots=True)
class PropertySpec:
    """How the values of one property are typed and compared."""

    id: str
    label: str
    type: str
    entity_kinds: tuple[str, ...] = ()
    time_dependent: bool = False
    multi_valued: bool = False
    unit: str | None = None
    tolerance: float = 0.0
    vocabulary: tuple[str, ...] = ()
    rules: tuple[str, ...] | None = None
    description: str = ""
    min: float | None = None
    """The least value a figure may take; None: the default of its unit (0 for a count,
    see :data:`reconcile.normalize.quantities.COUNT_UNITS`, else none)."""
    counts: str | None = None
    """For a quantity: the set-valued property whose complete lists it counts (a number of
    signatories counts ``signatories``); the count-vs-list rule compares the two."""
    milestones: tuple[str, ...] = ()
    """For a date: the distinct events of one founding or process a claim may name in its
    ``milestone`` (a decision, a signature, an entry into force): date-mismatch compares
    dates of the same milestone only."""
    cues: tuple[Cue, ...] = ()
    """Phrases that state this property, per language (``cues`` and ``complete_cues``)."""
    subject_kinds: tuple[str, ...] = ()
    """The kinds of entity a claim of this property is about (a membership status: a
    country); ``reconcile draft`` picks a draft's subject among them. Empty: not said."""


@dataclass(frozen=True, slots=True)
class TimelineSpec:
    """Which properties together describe the membership of one organization over time."""

    organization: str
    status_property: str | None = None
    members_property: str | None = None
    count_property: str | None = None
    founders_property: str | None = None
    established_property: str | None = None
    founding_subject: str | None = None
    founding_property: str | None = None


@dataclass
class Registry:
    """Properties, timelines and entities of a workspace."""

    properties: dict[str, PropertySpec] = field(default_factory=dict)
    timelines: list[TimelineSpec] = field(default_factory=list)
    entities: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["id", "kind", "label", "names", "file", "line"])
    )
    property_lines: dict[str, dict[str, int]] = field(default_factory=dict)
    """Per property id: the line of its entry (key ``""``) and of each of its keys."""

    def properties_frame(self) -> pd.DataFrame:
        """One row per property: id, type, time_dependent, multi_valued, tolerance, unit."""
        rows = [
            {
                "property": p.id,
                "value_type": p.type,
                "time_dependent": p.time_dependent,
                "multi_valued": p.multi_valued,
                "tolerance": float(p.tolerance),
                "unit": p.unit,
                "property_label": p.label,
            }
            for p in self.properties.values()
        ]
        frame = pd.DataFrame(
            rows,
            columns=["property", "value_type", "time_dependent", "multi_valued", "tolerance", "unit", "property_label"],
        )
        # Text as Python objects, like the claims it is merged into (no Arrow round trips).
        return frame.astype({c: object for c in ("property", "value_type", "unit", "property_label")})


def load_registry(claims_dir: Path, rel: str, problems: Problems) -> Registry:
    """Load ``properties.yaml`` and ``entities.yaml`` from ``claims_dir``; report problems."""
    reg = Registry()
    _load_properties(claims_dir / "properties.yaml", f"{rel}/properties.yaml", reg, problems)
    _load_entities(claims_dir / "entities.yaml", f"{rel}/entities.yaml", reg, problems)
    return reg


def _read(path: Path, rel: str, problems: Problems) -> Any:
    if not path.is_file():
        problems.add(f"missing registry file {rel}", file=rel, code="missing-file")
        return None
    try:
        return load_yaml(path)
    except YamlLoadError as exc:
        problems.add(str(exc), file=rel, line=exc.line, code="yaml")
        return None


def _load_properties(path: Path, rel: str, reg: Registry, problems: Problems) -> None:
    data = _read(path, rel, problems)
    if data is None:
        return
    props = check_container(
        data, "properties", "mapping", problems, file=rel, expected="properties: {id: {type: …}}"
    )
    for pid, node in (props or {}).items():
        pid = str(pid)
        lines = {"": props.lines.get(pid), **key_lines(node)} if hasattr(props, "lines") else key_lines(node)
        reg.property_lines[pid] = lines
        _add_property(pid, node, rel, lines, reg, problems)
    _check_counts(reg, rel, problems)
    if isinstance(data, dict) and data.get("timelines") is not None:
        timelines = check_container(data, "timelines", "list", problems, file=rel, expected="timelines: [{organization, …}]")
        for i, node in enumerate(timelines or []):
            _add_timeline(node, rel, item_line(timelines, i), reg, problems)


def _add_property(pid: str, node: Any, rel: str, lines: dict[str, int], reg: Registry, problems: Problems) -> None:
    """Check one entry of ``properties:`` (:data:`PROPERTY_FIELDS`) and register it."""
    line = lines.get("")
    spec = plain(node) if node is not None else {}
    if not isinstance(spec, dict):
        problems.add(
            f"property {key_text(pid)} must be a mapping, not {kind_of(spec)} {excerpt(spec)}",
            file=rel,
            line=line,
            expected="{type: …, label: …}",
            code="registry",
        )
        return
    good = check_entry(spec, PROPERTY_FIELDS, problems, what=f"property {key_text(pid)}", file=rel, line=line, lines=lines)
    vtype = good.get("type")
    if vtype is None:
        return
    reported = spec.get("vocabulary") is not None and "vocabulary" not in good  # of the wrong type
    if vtype == "status" and not good.get("vocabulary") and not reported:
        problems.add(f"property {key_text(pid)}: a status property needs a vocabulary", file=rel, line=line)
    vocabulary = good.get("vocabulary", ())
    cues = parse_cues(
        pid,
        {key: node[key] for key in ("cues", "complete_cues") if key in good},
        vtype,
        vocabulary,
        problems,
        file=rel,
        lines=lines,
    )
    reg.properties[pid] = PropertySpec(
        id=pid,
        label=str(good.get("label") or pid.replace("_", " ")),
        type=vtype,
        entity_kinds=good.get("entity_kinds", ()),
        time_dependent=good.get("time_dependent", False),
        multi_valued=good.get("multi_valued", False),
        unit=good.get("unit"),
        tolerance=float(good.get("tolerance", 0.0)),
        vocabulary=vocabulary,
        rules=good.get("rules") or None,
        description=good.get("description", ""),
        min=float(good["min"]) if "min" in good else None,
        counts=good.get("counts"),
        milestones=tuple(good.get("milestones", ())),
        cues=cues,
        subject_kinds=tuple(good.get("subject_kinds", ())),
    )


def _check_counts(reg: Registry, rel: str, problems: Problems) -> None:
    """A property that ``counts`` another must be a quantity counting a set-valued property."""
    for pid, spec in reg.properties.items():
        if spec.counts is None:
            continue
        counted = reg.properties.get(spec.counts)
        if spec.type == "quantity" and counted is not None and counted.type == "entity_set":
            continue
        lines = reg.property_lines.get(pid, {})
        problems.add(
            f"property {key_text(pid)}: counts {excerpt(spec.counts)}, which is not a set-valued property"
            if spec.type == "quantity"
            else f"property {key_text(pid)}: only a quantity can count a list",
            file=rel,
            line=lines.get("counts", lines.get("")),
            column="counts",
            expected="counts: the id of an entity_set property, on a quantity property",
            code="registry",
        )


def _add_timeline(node: Any, rel: str, line: int | None, reg: Registry, problems: Problems) -> None:
    """Check one entry of ``timelines:`` (:data:`TIMELINE_FIELDS`) and register it."""
    spec = plain(node)
    if not isinstance(spec, dict):
        problems.add(
            f"a timeline must be a mapping, not {kind_of(spec)} {excerpt(spec)}",
            file=rel,
            line=line,
            expected="{organization: …, status_property: …}",
            code="registry",
        )
        return
    good = check_entry(spec, TIMELINE_FIELDS, problems, what="timeline", file=rel, line=line, lines=key_lines(node))
    if "organization" not in good:
        return
    for key in TIMELINE_FIELDS.keys() - {"organization", "founding_subject"}:
        if good.get(key) and good[key] not in reg.properties:
            problems.add(f"timeline: {key} names unknown property {excerpt(good[key])}", file=rel, line=line)
    reg.timelines.append(TimelineSpec(**{k: good.get(k) for k in TIMELINE_FIELDS}))


def check_rule_references(reg: Registry, known: Sequence[str], problems: Problems, rel: str = PROPERTIES_FILE) -> None:
    """Report every rule id a property's ``rules`` names that is not among ``known`` (the
    ids of the rules discovered for the workspace), at the line of its ``rules`` key."""
    for pid, spec in reg.properties.items():
        unknown = [r for r in spec.rules or () if r not in known]
        if unknown:
            lines = reg.property_lines.get(pid, {})
            problems.add(
                f"property {key_text(pid)}: unknown rule {', '.join(excerpt(r) for r in unknown)}",
                file=rel,
                line=lines.get("rules", lines.get("")),
                column="rules",
                expected="rule ids among " + ", ".join(known),
                code="registry",
            )


def _load_entities(path: Path, rel: str, reg: Registry, problems: Problems) -> None:
    data = _read(path, rel, problems)
    if data is None:
        return
    items = check_container(data, "entities", "list", problems, file=rel, expected="entities: [{id, kind, label, names}]")
    if items is None:
        return
    rows = []
    for i, node in enumerate(items):
        line = item_line(items, i)
        ent = plain(node)
        if not isinstance(ent, dict):
            problems.add(
                f"an entity must be a mapping, not {kind_of(ent)} {excerpt(ent)}",
                file=rel,
                line=line,
                expected="{id: kind:name, names: […]}",
                code="registry",
            )
            continue
        eid = ent.get("id")
        what = f"entity {key_text(eid)}" if isinstance(eid, str) else "entity"
        good = check_entry(ent, ENTITY_FIELDS, problems, what=what, file=rel, line=line, lines=key_lines(node), unknown=False)
        if "id" not in good:
            continue
        if ":" not in good["id"]:
            problems.add(
                f"entity id {excerpt(good['id'])} is not of the form kind:name", file=rel, line=line, expected="e.g. org:csto"
            )
            continue
        names = good.get("names", ())
        rows.append(
            {
                "id": good["id"],
                "kind": good.get("kind") or good["id"].split(":", 1)[0],
                "label": good.get("label") or (names[0] if names else good["id"]),
                "names": names,
                "file": rel,
                "line": line,
            }
        )
    frame = pd.DataFrame(rows, columns=["id", "kind", "label", "names", "file", "line"])
    dups = frame[frame["id"].duplicated(keep="first")]
    for _, row in dups.iterrows():
        problems.add(f"duplicate entity id {excerpt(row['id'])}", file=rel, line=row["line"], code="duplicate-id")
    reg.entities = frame.drop_duplicates("id", keep="first").reset_index(drop=True)


# --- entries to add -----------------------------------------------------------------------

_ID = re.compile(r"^([a-z][a-z_-]*):(\S+)$")
_SLUG_GAPS = re.compile(r"[^a-z0-9]+")
#: Plain scalars that YAML (1.1 or 1.2) reads as something other than text.
_NOT_TEXT = frozenset({"null", "~", "true", "false", "yes", "no", "on", "off", "y", "n"})
#: Punctuation a plain scalar in a flow collection ``[…]`` or ``{…}`` may hold (beside
#: letters, digits, marks, spaces, ZWNJ and ZWJ): names such as "Ban Ki-moon", "V. Putin".
_PLAIN_PUNCTUATION = frozenset(" .-_()/&\u200c\u200d")
#: Characters a YAML stream may not hold as they are (controls but line feed, surrogates,
#: U+FFFE/U+FFFF), line breaks, tab and the byte order mark: escaped inside double quotes.
_YAML_ESCAPED = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
_SLUG_LENGTH = 60


def slug(text: str) -> str:
    """``text`` as the name part of an id: transliterated to ASCII (``anyascii``: «پوتین» →
    ``pwtyn``, «Путин» → ``putin``), lowercased, every run of other characters a ``-``, at
    most 60 characters (cut at a ``-``); ``entity`` when nothing is left."""
    out = _SLUG_GAPS.sub("-", anyascii(text).lower()).strip("-")
    if len(out) > _SLUG_LENGTH:
        out = out[:_SLUG_LENGTH].rsplit("-", 1)[0] if "-" in out[:_SLUG_LENGTH] else out[:_SLUG_LENGTH]
    return out or "entity"


def yaml_scalar(text: str) -> str:
    """``text`` as a YAML scalar that reads back as this text inside a flow collection:
    plain when it starts with a letter and holds only letters, digits, marks, spaces and
    ``. - _ ( ) / &`` (and is no keyword such as ``no`` or ``null``), else double-quoted,
    with backslash, quote, control characters and line breaks escaped (``\\x0a``,
    ``\\u2028``): the entry stays one line."""
    if (
        text
        and text[0].isalpha()
        and text == text.strip()
        and all(c.isalnum() or c in _PLAIN_PUNCTUATION or unicodedata.category(c)[0] == "M" for c in text)
        and text.lower() not in _NOT_TEXT
    ):
        return text
    quoted = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + _YAML_ESCAPED.sub(_yaml_escape, quoted) + '"'


def _yaml_escape(match: re.Match[str]) -> str:
    """A character as its escape inside a YAML double-quoted scalar."""
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def entity_entry(
    name: str,
    kinds: Sequence[str] = (),
    known_ids: Container[str] = (),
    *,
    kinds_in_use: Sequence[str] = (),
    alias_of: str | None = None,
) -> str | None:
    """What to add to ``claims/entities.yaml`` so that ``name`` resolves, as a hint's line:
    ``add to claims/entities.yaml:  - {id: person:nikol-pashinyan, kind: person, label:
    Nikol Pashinyan, names: [Nikol Pashinyan]}``.

    The kind is the one ``kinds`` allows (a property's ``entity_kinds``) when it allows one;
    otherwise a ``<kind>`` placeholder, followed by the kinds allowed or, when any is,
    ``kinds_in_use`` (the workspace's). The id is ``kind:`` and the :func:`slug` of the name,
    or the name itself when it is written as an id (``person:nikol-pashinyan``). A name of
    a country (the only kind allowed) is an alternative name of a known country: its id
    is ``country:<ISO 3166-1 alpha-2>``. When the id is among ``known_ids``, the name is
    to be added to that entity's names instead. With ``alias_of`` (an entity the name may
    be another spelling of, such as a transliteration), the line first says to add the
    name to that entity's names if it is that entity. None for an unknown ``country:`` id,
    as countries come from CLDR."""
    name = str(name).strip()
    as_id = _ID.match(name)
    kind = as_id.group(1) if as_id else (kinds[0] if len(kinds) == 1 else None)
    if as_id:
        if kind == "country":
            return None
        eid = name
        label = as_id.group(2).replace("-", " ").replace("_", " ")
    elif kind == "country":
        return (
            f"if it is a known country under another name, add to {ENTITIES_FILE}:  "
            f"- {{id: country:<ISO 3166-1 alpha-2>, names: [{yaml_scalar(name)}]}}"
        )
    else:
        eid = f"{kind or '<kind>'}:{slug(name)}"
        label = name
    if eid in known_ids:
        return f"add {yaml_scalar(name)} to the names of {eid} in {ENTITIES_FILE}"
    entry = (
        f"add to {ENTITIES_FILE}:  - {{id: {eid}, kind: {kind or '<kind>'}, "
        f"label: {yaml_scalar(label)}, names: [{yaml_scalar(label)}]}}"
    )
    if kind is None:
        choices = list(kinds) or list(kinds_in_use)
        if choices:
            entry += f" (<kind>: {' or '.join(choices) if kinds else 'e.g. ' + ', '.join(choices) + ', or a new one'})"
    if alias_of:
        entry = f"if it is {alias_of}, add {yaml_scalar(name)} to its names in {ENTITIES_FILE}; if not, {entry}"
    return entry


def property_entry(pid: str) -> str:
    """What to add to ``claims/properties.yaml`` (under ``properties:``) to register the
    property ``pid``, as a hint's line, its type a placeholder listing the value types:
    ``add to claims/properties.yaml, under properties:  signed_at: {label: signed at, type:
    entity | entity_set | date | quantity | status | text}``."""
    pid = str(pid).strip()
    label = pid.replace("_", " ")
    return (
        f"add to {PROPERTIES_FILE}, under properties:  "
        f"{yaml_scalar(pid)}: {{label: {yaml_scalar(label)}, type: {' | '.join(VALUE_TYPES)}}}"
    )
