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

from .problems import Problems
from .yamlio import YamlLoadError, key_lines, item_line, load_yaml, plain

__all__ = [
    "VALUE_TYPES",
    "ENTITIES_FILE",
    "PROPERTIES_FILE",
    "PropertySpec",
    "TimelineSpec",
    "Registry",
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

_PROPERTY_KEYS = {
    "label",
    "type",
    "entity_kinds",
    "time_dependent",
    "multi_valued",
    "unit",
    "tolerance",
    "vocabulary",
    "rules",
    "description",
    "counts",
}
_TIMELINE_KEYS = {
    "organization",
    "status_property",
    "members_property",
    "count_property",
    "founders_property",
    "established_property",
    "founding_subject",
    "founding_property",
}


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
    counts: str | None = None
    """For a quantity: the set-valued property whose complete lists it counts (a number of
    signatories counts ``signatories``); the count-vs-list rule compares the two."""


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
    props = data.get("properties") if hasattr(data, "get") else None
    if not hasattr(props, "items"):
        problems.add("no `properties:` mapping", file=rel, expected="properties: {id: {type: …}}")
        return
    lines = key_lines(props)
    for pid, node in props.items():
        pid = str(pid)
        line = lines.get(pid)
        spec = plain(node) if node is not None else {}
        if not isinstance(spec, dict):
            problems.add(f"property {pid} is not a mapping", file=rel, line=line)
            continue
        unknown = sorted(set(spec) - _PROPERTY_KEYS)
        if unknown:
            problems.add(
                f"property {pid}: unknown key(s) {', '.join(unknown)}",
                file=rel,
                line=line,
                expected="one of " + ", ".join(sorted(_PROPERTY_KEYS)),
            )
        vtype = spec.get("type")
        if vtype not in VALUE_TYPES:
            problems.add(
                f"property {pid}: unknown type {vtype!r}", file=rel, line=line, expected=" | ".join(VALUE_TYPES)
            )
            continue
        if vtype == "status" and not spec.get("vocabulary"):
            problems.add(f"property {pid}: a status property needs a vocabulary", file=rel, line=line)
        try:
            tolerance = float(spec.get("tolerance") or 0.0)
        except (TypeError, ValueError):
            problems.add(f"property {pid}: tolerance must be a number", file=rel, line=line, expected="e.g. 0.05")
            tolerance = 0.0
        rules = spec.get("rules")
        reg.properties[pid] = PropertySpec(
            id=pid,
            label=str(spec.get("label") or pid.replace("_", " ")),
            type=vtype,
            entity_kinds=tuple(spec.get("entity_kinds") or (() if vtype not in ("entity", "entity_set") else ())),
            time_dependent=bool(spec.get("time_dependent", False)),
            multi_valued=bool(spec.get("multi_valued", False)),
            unit=spec.get("unit"),
            tolerance=tolerance,
            vocabulary=tuple(str(v) for v in spec.get("vocabulary") or ()),
            rules=tuple(rules) if rules else None,
            description=str(spec.get("description") or ""),
            counts=str(spec["counts"]) if spec.get("counts") else None,
        )
    for pid, spec in reg.properties.items():
        if spec.counts is None:
            continue
        counted = reg.properties.get(spec.counts)
        if spec.type != "quantity" or counted is None or counted.type != "entity_set":
            problems.add(
                f"property {pid}: counts {spec.counts!r}, which is not a set-valued property"
                if spec.type == "quantity" else f"property {pid}: only a quantity can count a list",
                file=rel,
                line=lines.get(pid),
                expected="counts: the id of an entity_set property, on a quantity property",
            )
    for i, node in enumerate(data.get("timelines") or []):
        line = item_line(data["timelines"], i)
        spec = plain(node)
        if not isinstance(spec, dict) or "organization" not in spec:
            problems.add("timeline entry needs an `organization`", file=rel, line=line)
            continue
        unknown = sorted(set(spec) - _TIMELINE_KEYS)
        if unknown:
            problems.add(
                f"timeline: unknown key(s) {', '.join(unknown)}",
                file=rel,
                line=line,
                expected="one of " + ", ".join(sorted(_TIMELINE_KEYS)),
            )
        for key in _TIMELINE_KEYS - {"organization", "founding_subject"}:
            if spec.get(key) and spec[key] not in reg.properties:
                problems.add(f"timeline: {key} names unknown property {spec[key]!r}", file=rel, line=line)
        reg.timelines.append(TimelineSpec(**{k: spec.get(k) for k in _TIMELINE_KEYS}))


def _load_entities(path: Path, rel: str, reg: Registry, problems: Problems) -> None:
    data = _read(path, rel, problems)
    if data is None:
        return
    items = data.get("entities") if hasattr(data, "get") else None
    if items is None:
        problems.add("no `entities:` list", file=rel, expected="entities: [{id, kind, label, names}]")
        return
    rows = []
    for i, node in enumerate(items):
        line = item_line(items, i)
        ent = plain(node)
        if not isinstance(ent, dict) or not ent.get("id") or ":" not in str(ent.get("id")):
            problems.add("entity needs an id of the form kind:name", file=rel, line=line, expected="e.g. org:csto")
            continue
        names = ent.get("names") or []
        if isinstance(names, str):
            names = [names]
        rows.append(
            {
                "id": str(ent["id"]),
                "kind": str(ent.get("kind") or str(ent["id"]).split(":", 1)[0]),
                "label": str(ent.get("label") or (names[0] if names else ent["id"])),
                "names": tuple(str(n) for n in names),
                "file": rel,
                "line": line,
            }
        )
    frame = pd.DataFrame(rows, columns=["id", "kind", "label", "names", "file", "line"])
    dups = frame[frame["id"].duplicated(keep="first")]
    for _, row in dups.iterrows():
        problems.add(f"duplicate entity id {row['id']}", file=rel, line=row["line"], code="duplicate-id")
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
