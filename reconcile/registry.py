"""The workspace's registries: properties (how values are typed and compared) and entities.

``properties.yaml`` maps property ids to :class:`PropertySpec`; ``entities.yaml`` lists the
organizations, documents, bodies, events and people that claims name, each with names in
any language. Countries and cities come from the built-in gazetteer
(:mod:`reconcile.normalize.names`) and are not listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .problems import Problems
from .yamlio import YamlLoadError, key_lines, item_line, load_yaml, plain

__all__ = [
    "VALUE_TYPES",
    "PropertySpec",
    "TimelineSpec",
    "Registry",
    "load_registry",
]

VALUE_TYPES = ("entity", "entity_set", "date", "quantity", "status", "text")
ENTITY_KINDS_BUILTIN = ("country", "city")

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
                "label": str(ent.get("label") or ent["id"]),
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
