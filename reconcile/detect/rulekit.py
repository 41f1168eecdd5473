"""What a rule is, how rules are found, configured and run.

A rule module (in the tool's own ``rules/`` folder, installed as the package
``reconcile.builtin_rules``, or in a workspace's rule folder) holds one kind of contradiction. It reads top to bottom as documentation, options, check::

    \"\"\"Differing lists: two sources give different members of one set.

    …user documentation…

    Contradiction:
        …
    Consistent:
        …
    \"\"\"
    ID = "set-mismatch"
    NAME = "differing lists"
    SEVERITY = "error"
    APPLIES_TO = ("entity_set",)       # value types the rule handles by default

    @dataclass(frozen=True)
    class Options:
        report_omissions: bool = False

    PUBLISHES = {}                     # run settings this rule's options give (see below)

    def check(claims: pd.DataFrame, ctx: RuleContext, options: Options) -> pd.DataFrame:
        ...  # vectorized over groups of claims; returns rows of CONFLICT_COLUMNS

The module's docstring is the rule's user documentation (``reconcile rules`` prints it).
Options are typed dataclass fields with defaults; configuration that names an unknown
rule or option, or gives a value of the wrong type, is an error.

Configuration lives in ``[tool.reconcile]`` of the workspace's ``pyproject.toml`` or in
``reconcile.toml``::

    [tool.reconcile.rules.set-mismatch]
    enabled = true
    severity = "warning"
    report_omissions = true

A workspace's own rules are the modules of its rule folder, ``rules/`` unless the setting
``rule_folder`` names another folder inside the workspace (``""``: none). Built-in and
workspace rules stay apart whatever the install or copy:

* the folder the built-in package is imported from is never read as a workspace folder
  (an editable install of this repository);
* a workspace module byte-identical to a built-in module is that built-in rule, and is not
  run twice (a copy of the tool's ``rules/`` in a workspace);
* the bundled workspace sets ``rule_folder = ""``: its ``rules/`` is the built-in package's
  source, so a non-editable install, or an exported copy of the repository, runs each rule
  once;
* any other workspace module that takes a built-in rule's id is an error.

A rule's options are its own: no other stage reads them by the rule's id. A rule whose
option is also a setting of the whole run (the margin of an "about" figure, which the source
graph and the suggestions apply as the quantity rule does) *publishes* it, mapping a run
setting (a field of :class:`RunSettings`) to one of its options::

    PUBLISHES = {"about_margin": "about_margin"}

Discovery checks the declaration (a known setting, an option of the rule of the setting's
type); :func:`published_settings` resolves the run's settings once from the enabled rules,
each setting at its documented default when no enabled rule publishes it, and two enabled
rules publishing one setting are a problem. The stages after the rules read the
:class:`RunSettings` by name (``settings.about_margin``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import importlib.util
import inspect
import sys
import tomllib
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from reconcile.base import files
from reconcile.base.fieldspec import Field, check_value, excerpt, kind_of, toml_lines
from reconcile.base.problems import Problems
from reconcile.normalize.quantities import ABOUT_MARGIN
from reconcile.load.registry import Registry, check_rule_references

__all__ = [
    "CONFLICT_COLUMNS",
    "SEVERITIES",
    "RuleContext",
    "RuleInfo",
    "RuleConfig",
    "RunSettings",
    "discover_rules",
    "published_settings",
    "load_config",
    "option_field",
    "rule_folder",
    "empty_conflicts",
    "listing",
]

SEVERITIES = ("error", "warning", "info")


def listing(items: list[str]) -> str:
    """Texts joined as a sentence lists them: "A", "A and B", "A, B and C" ("" for none)."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]

#: Columns a rule's ``check`` returns, one row per conflict.
CONFLICT_COLUMNS = [
    "subject",  # entity id
    "property",  # property id
    "scope",  # human label of the time scope, or None
    "kind",  # contradiction | omission | minor | anachronism | order …
    "severity",  # None → the rule's configured severity
    "explanation",  # one sentence a person understands
    "sides",  # list of {"value": str | list, "label": str, "claims": [claim_id, …]}
]


def empty_conflicts() -> pd.DataFrame:
    """An empty conflicts table with the rule output columns."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in CONFLICT_COLUMNS})


@dataclass
class RuleContext:
    """What a rule may consult besides the claims: registries, sources, timelines."""

    registry: Registry
    sources: pd.DataFrame
    all_claims: pd.DataFrame
    label: Callable[[str], str] = str
    """Display label of an entity id (from the workspace gazetteer)."""
    _cache: dict[str, Any] = field(default_factory=dict)

    def names(self, ids: list[str]) -> str:
        """Labels of ``ids`` joined as "A, B and C"."""
        return listing([str(self.label(i)) for i in ids])

    def cached(self, name: str, build: Callable[[], Any]) -> Any:
        """Compute ``build()`` once per run and share it between rules (e.g. timelines)."""
        if name not in self._cache:
            self._cache[name] = build()
        return self._cache[name]

    def property_positions(self, claims: pd.DataFrame, properties: Iterable[str]) -> np.ndarray:
        """Per row of ``claims``: the position of its property among the sorted distinct
        ``properties``, or -1 when it is none of them.

        For the run's claims (``all_claims``, what every rule's ``check`` receives) the
        property column is encoded once per run and shared by the rules, rather than each
        rule looking up a million property names; other frames are looked up directly.
        """
        wanted = pd.Index(sorted(set(properties)), dtype=object)
        if claims is not self.all_claims:
            return wanted.get_indexer(claims["property"])
        codes, names = self.cached("property_codes", lambda: pd.factorize(claims["property"].to_numpy()))
        return np.r_[wanted.get_indexer(names), -1][codes]  # code -1 (no property) → -1

    def properties_for(self, rule_id: str, applies_to: tuple[str, ...]) -> list[str]:
        """Property ids this rule handles: listed in the property's ``rules`` or by type."""
        out = []
        for pid, spec in self.registry.properties.items():
            if spec.rules is not None:
                if rule_id in spec.rules:
                    out.append(pid)
            elif spec.type in applies_to:
                out.append(pid)
        return out


@dataclass(frozen=True)
class RuleInfo:
    """A discovered rule: metadata from its module plus its check function."""

    id: str
    name: str
    severity: str
    doc: str
    applies_to: tuple[str, ...]
    options_type: type
    check: Callable[[pd.DataFrame, RuleContext, Any], pd.DataFrame]
    origin: str  # "builtin" or the workspace path of the module
    publishes: tuple[tuple[str, str], ...] = ()
    """The run settings this rule publishes: (setting, option) pairs, from ``PUBLISHES``."""

    @property
    def summary(self) -> str:
        """The first line of the documentation."""
        return self.doc.strip().splitlines()[0] if self.doc.strip() else self.name

    def option_fields(self) -> list[dataclasses.Field]:
        return list(dataclasses.fields(self.options_type))


@dataclass(frozen=True)
class RuleConfig:
    """The effective configuration of one rule for a run."""

    enabled: bool
    severity: str
    options: Any


def _from_module(module: types.ModuleType, origin: str, problems: Problems) -> RuleInfo | None:
    where = getattr(module, "__file__", origin)
    missing = [name for name in ("ID", "NAME", "SEVERITY", "check") if not hasattr(module, name)]
    if missing:
        problems.add(
            f"rule module lacks {', '.join(missing)}",
            file=str(where),
            expected="ID, NAME, SEVERITY, Options and check() (see reconcile.detect.rulekit)",
            code="rule-module",
        )
        return None
    options_type = getattr(module, "Options", None)
    if options_type is None:

        @dataclass(frozen=True)
        class _NoOptions:
            pass

        options_type = _NoOptions
    if not dataclasses.is_dataclass(options_type):
        problems.add("rule Options must be a dataclass", file=str(where), code="rule-module")
        return None
    if module.SEVERITY not in SEVERITIES:
        problems.add(f"rule severity {module.SEVERITY!r} unknown", file=str(where), expected=" | ".join(SEVERITIES))
        return None
    publishes = _publishes(getattr(module, "PUBLISHES", {}), options_type, str(where), problems)
    if publishes is None:
        return None
    return RuleInfo(
        id=str(module.ID),
        name=str(module.NAME),
        severity=str(module.SEVERITY),
        doc=inspect.cleandoc(module.__doc__ or ""),
        applies_to=tuple(getattr(module, "APPLIES_TO", ())),
        options_type=options_type,
        check=module.check,
        origin=origin,
        publishes=publishes,
    )


def _publishes(declared: Any, options_type: type, where: str, problems: Problems) -> tuple[tuple[str, str], ...] | None:
    """The (setting, option) pairs of a module's ``PUBLISHES``, or None after reporting
    what is wrong with it: not a mapping of names, a setting :class:`RunSettings` does not
    have, an option the rule does not have, or an option whose type is not the setting's."""
    expected = 'PUBLISHES = {"<run setting>": "<option of the rule>"}, settings: ' + ", ".join(PUBLISHABLE)
    if not isinstance(declared, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in declared.items()):
        problems.add("rule PUBLISHES must map setting names to option names", file=where, expected=expected, code="rule-module")
        return None
    options = {f.name: f for f in dataclasses.fields(options_type)}
    pairs, wrong = [], False
    for setting, option in sorted(declared.items()):
        if setting not in PUBLISHABLE:
            problems.add(f"rule publishes unknown setting {excerpt(setting)}", file=where, expected=expected, code="rule-module")
            wrong = True
        elif option not in options:
            problems.add(
                f"rule publishes {setting!r} from unknown option {excerpt(option)}",
                file=where,
                expected=("one of its options: " + ", ".join(options)) if options else "an option of the rule (it has none)",
                code="rule-module",
            )
            wrong = True
        elif not _same_type(PUBLISHABLE[setting].default, options[option].default):
            problems.add(
                f"rule publishes {setting!r} from option {option!r} of another type",
                file=where,
                expected=f"an option of the setting's type, {type(PUBLISHABLE[setting].default).__name__}",
                code="rule-module",
            )
            wrong = True
        else:
            pairs.append((setting, option))
    return None if wrong else tuple(pairs)


def _builtin_folder() -> Path:
    return Path(importlib.import_module("reconcile.builtin_rules").__path__[0]).resolve()


def _builtin_modules() -> list[types.ModuleType]:
    mods = []
    for path in sorted(_builtin_folder().glob("*.py")):
        if path.name.startswith("_"):
            continue
        mods.append(importlib.import_module(f"reconcile.builtin_rules.{path.stem}"))
    return mods


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rule_folder(root: Path, problems: Problems) -> Path | None:
    """The workspace's own rule folder (``rule_folder`` setting, default ``rules``), or None
    when it has none: the setting is ``""``, the folder is absent, or it is the folder the
    built-in rules are imported from. A folder outside the workspace is a problem."""
    data, name = _read_config(root, Problems())  # load_config reports the file's problems
    setting = data.get("rule_folder", "rules")
    if not isinstance(setting, str) or not setting.strip():
        return None  # "" (none), or a wrong type load_config reports
    folder = (root / setting).resolve()
    if not folder.is_relative_to(root.resolve()):
        problems.add(
            f"rule_folder {setting!r} leaves the workspace",
            file=name,
            expected="a folder inside the workspace, or \"\" for none",
            code="config",
        )
        return None
    if "rule_folder" in data and not folder.is_dir():
        problems.add(f"rule_folder {setting!r} is not a folder", file=name, code="config")
        return None
    if not folder.is_dir() or folder == _builtin_folder():
        return None
    return folder


def _workspace_modules(root: Path, problems: Problems) -> list[tuple[types.ModuleType, str]]:
    folder = rule_folder(root, problems)
    if folder is None:
        return []
    builtin = {_digest(p) for p in _builtin_folder().glob("*.py")}
    mods = []
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith("_"):
            continue
        origin = path.relative_to(root.resolve()).as_posix()
        try:
            if _digest(path) in builtin:
                continue  # a copy of a built-in rule: the built-in one runs
        except OSError as exc:
            problems.add(f"cannot read the rule module: {exc.strerror}", file=origin, code="rule-module")
            continue
        name = f"reconcile_workspace_rules.{path.stem}"
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            continue
        module = importlib.util.module_from_spec(spec)
        try:
            sys.modules[name] = module
            spec.loader.exec_module(module)
        except Exception as exc:  # a broken workspace rule is reported, not raised
            problems.add(
                f"workspace rule module failed to import: {type(exc).__name__}: {exc}",
                file=origin,
                code="rule-module",
            )
            continue
        mods.append((module, origin))
    return mods


def discover_rules(root: Path | None, problems: Problems) -> dict[str, RuleInfo]:
    """The built-in rules plus the workspace's own, by id (a workspace rule may not reuse an id)."""
    rules: dict[str, RuleInfo] = {}
    for module in _builtin_modules():
        info = _from_module(module, "builtin", problems)
        if info:
            rules[info.id] = info
    for module, origin in _workspace_modules(root, problems) if root else []:
        info = _from_module(module, origin, problems)
        if info is None:
            continue
        if info.id in rules:
            problems.add(
                f"rule id {info.id!r} is already taken by a built-in rule",
                file=origin,
                expected="another ID in the module, or a rule_folder setting that leaves this folder out",
                code="rule-module",
            )
            continue
        rules[info.id] = info
    return dict(sorted(rules.items()))


# --- settings a rule publishes -------------------------------------------------------------


@dataclass(frozen=True)
class RunSettings:
    """Settings of one run that the stages after the rules read by name, each published by
    at most one enabled rule from one of its options (``PUBLISHES``) or at its default.

    Each field is a setting a rule may publish; its docstring is its documentation."""

    about_margin: float = ABOUT_MARGIN
    """How far "about N" may stray from N, as a fraction of N: the source graph's value
    similarity and the suggestions judge figures compatible with it, as the rule that
    publishes it (``quantity-mismatch``) does. Default 0.1."""
    publishers: Mapping[str, str] = field(default_factory=dict, compare=False)
    """Per published setting, the id of the rule that published it (absent: the default)."""


#: The settings a rule may publish: the fields of :class:`RunSettings` but ``publishers``.
PUBLISHABLE: dict[str, dataclasses.Field] = {f.name: f for f in dataclasses.fields(RunSettings) if f.name != "publishers"}


def published_settings(rules: dict[str, RuleInfo], configs: dict[str, RuleConfig], problems: Problems) -> RunSettings:
    """The run's settings from what its enabled rules publish (their configured options),
    the rest at their defaults. Two enabled rules publishing one setting is a problem (the
    first rule by id keeps it): a setting has one owner, and which one must not depend on
    the order rules are found in."""
    values: dict[str, Any] = {}
    owners: dict[str, str] = {}
    for rid, info in sorted(rules.items()):
        config = configs.get(rid)
        if config is None or not config.enabled:
            continue
        for setting, option in info.publishes:
            if setting in owners:
                other = rules[owners[setting]]
                where = next((r.origin for r in (info, other) if r.origin != "builtin"), None)
                problems.add(
                    f"rules {owners[setting]!r} and {rid!r} both publish the setting {setting!r}",
                    file=where,
                    expected=f"one enabled rule per setting: disable one ([rules.<id>] enabled = false) "
                    f"or remove {setting!r} from its PUBLISHES",
                    code="rule-module",
                )
                continue
            default = PUBLISHABLE[setting].default
            values[setting] = type(default)(getattr(config.options, option))
            owners[setting] = rid
    return RunSettings(**values, publishers=owners)


# --- configuration ------------------------------------------------------------------------


#: General settings of ``[tool.reconcile]`` / ``reconcile.toml`` besides ``[rules.*]``.
SETTINGS: dict[str, Field] = {
    "baseline": Field("bool"),
    "rule_folder": Field("text", expected='a folder inside the workspace, or "" for none', numbers_as_text=False),
}
#: The ``[rules]`` table: one table of options per rule id.
RULES_SETTING = Field("table", expected="a table per rule: [rules.<rule id>] with enabled, severity and options")
#: The settings every rule has, beside its options.
RULE_SETTINGS: dict[str, Field] = {"enabled": Field("bool"), "severity": Field("choice", choices=SEVERITIES)}
#: The kind of field (:mod:`reconcile.base.fieldspec`) of a rule option, by the type of its default.
_OPTION_KINDS: dict[type, str] = {bool: "bool", int: "integer", float: "number", str: "text", tuple: "list"}


def option_field(option: dataclasses.Field) -> Field | None:
    """What a rule option may hold, from its dataclass field: the type of its default (a
    float option takes any finite number, an int option a whole number within 64 bits) and
    the bounds its metadata declares (``field(default=0.1, metadata={"min": 0.0, "max":
    1.0})``); None for an option without a default of such a type."""
    default = option.default
    if default is dataclasses.MISSING and option.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
        default = option.default_factory()  # type: ignore[misc]
    kind = _OPTION_KINDS.get(type(default))
    if kind is None:
        return None
    return Field(kind, low=option.metadata.get("min"), high=option.metadata.get("max"))


def _read_config(root: Path, problems: Problems) -> tuple[dict[str, Any], str | None]:
    """The settings of ``reconcile.toml``, or else of ``[tool.reconcile]`` in
    ``pyproject.toml``, and the name of the file they come from. Settings in both files are
    an error: one would silently hide the other (a ``baseline = true`` lost changes what
    the gate fails on)."""
    found: list[tuple[dict[str, Any], str]] = []
    for name, section in (("reconcile.toml", None), ("pyproject.toml", ("tool", "reconcile"))):
        path = root / name
        try:  # read as every workspace file is (reconcile.base.files): a FIFO, a link out, no permission are problems
            if files.existing(path, root=root) is None:
                continue
            data = tomllib.loads(files.read_text(path, root=root))
        except files.FileReadError as exc:
            problems.add(str(exc), file=name, line=exc.line, expected=exc.expected, code="config")
            return {}, name
        except tomllib.TOMLDecodeError as exc:
            problems.add(f"invalid TOML: {exc}", file=name, code="config")
            return {}, name
        if section:
            for key in section:  # a `tool` that is no table holds no settings of ours
                data = data.get(key, {}) if isinstance(data, dict) else {}
            if not isinstance(data, dict):
                problems.add(
                    f"[tool.reconcile] must be a table, not {kind_of(data)} {excerpt(data)}",
                    file=name,
                    line=toml_lines(files.read_text(path, root=root))(section),
                    expected="[tool.reconcile] with settings such as baseline = true",
                    code="config",
                )
                continue
            if not data:
                continue
        found.append((data, name))
    if len(found) > 1:
        problems.add(
            "settings in both reconcile.toml and [tool.reconcile] of pyproject.toml: reconcile would "
            "read reconcile.toml only",
            file="reconcile.toml",
            expected="the settings in one of the two files",
            code="config",
        )
    return found[0] if found else ({}, None)


def _config_lines(root: Path, name: str | None) -> Callable[[tuple[str, ...]], int | None]:
    """The line of each setting of the file ``name`` (see :func:`~reconcile.fieldspec.toml_lines`)."""
    if name is None:
        return lambda path: None
    try:
        text = files.read_text(root / name, root=root)
    except (files.FileReadError, OSError):
        return lambda path: None
    return toml_lines(text, ("tool", "reconcile") if name == "pyproject.toml" else ())


def load_config(root: Path, rules: dict[str, RuleInfo], problems: Problems) -> tuple[dict[str, RuleConfig], dict[str, Any]]:
    """Effective rule configurations and the remaining general settings.

    Every setting is checked against its declaration (:data:`SETTINGS`,
    :data:`RULE_SETTINGS`, each rule's options through :func:`option_field`): unknown rule
    ids, unknown options, values of the wrong type and numbers out of range (not finite,
    outside the bounds a rule declares) are problems with the file and line; the setting
    then keeps its default.
    """
    data, name = _read_config(root, problems)
    line_of = _config_lines(root, name)

    def report(message: str, *path: str, expected: str | None = None) -> None:
        problems.add(message, file=name, line=line_of(path), expected=expected, code="config")

    general = {k: v for k, v in data.items() if k != "rules"}
    for key in sorted(set(general) - set(SETTINGS)):
        report(f"unknown setting {excerpt(key)}", key, expected="one of " + ", ".join(sorted({*SETTINGS, "rules"})))
    for key, spec in SETTINGS.items():
        if key in general:
            value, wrong = check_value(general[key], spec)
            if wrong is not None:
                report(f"setting {key!r} {wrong}", key, expected=spec.expected)
                del general[key]
    section = data.get("rules", {})
    if not isinstance(section, dict):
        report(f"setting 'rules' must be a table, not {kind_of(section)} {excerpt(section)}", "rules", expected=RULES_SETTING.expected)
        section = {}
    configs: dict[str, RuleConfig] = {}
    for rid, info in rules.items():
        configs[rid] = RuleConfig(True, info.severity, info.options_type())
    for rid, raw in section.items():
        if rid not in rules:
            report(f"configuration names unknown rule {excerpt(rid)}", "rules", rid, expected="one of " + ", ".join(rules))
            continue
        if not isinstance(raw, dict):
            report(f"rules.{rid} must be a table, not {kind_of(raw)} {excerpt(raw)}", "rules", rid, expected=RULES_SETTING.expected)
            continue
        configs[rid] = _rule_config(rid, rules[rid], raw, report)
    return configs, general


def _rule_config(rid: str, info: RuleInfo, raw: dict[str, Any], report: Callable[..., None]) -> RuleConfig:
    """The configuration of one rule from its table ``raw``; each bad setting is reported
    (``report(message, *path, expected=…)``) and keeps its default."""
    enabled, wrong = check_value(raw.get("enabled", True), RULE_SETTINGS["enabled"])
    if wrong is not None:
        report(f"rules.{rid}.enabled must be true or false", "rules", rid, "enabled")
        enabled = True
    severity = raw.get("severity", info.severity)
    if severity not in SEVERITIES:
        report(f"rules.{rid}.severity {excerpt(severity)} unknown", "rules", rid, "severity", expected=" | ".join(SEVERITIES))
        severity = info.severity
    fields = {f.name: f for f in info.option_fields()}
    values = {}
    for key, value in raw.items():
        if key in RULE_SETTINGS:
            continue
        if key not in fields:
            report(
                f"rules.{rid}: unknown option {excerpt(key)}",
                "rules",
                rid,
                key,
                expected=("one of " + ", ".join(fields)) if fields else "no options",
            )
            continue
        default = fields[key].default
        spec = option_field(fields[key])
        if default is not dataclasses.MISSING and not _same_type(default, value):
            report(
                f"rules.{rid}.{key} = {excerpt(value)} has the wrong type",
                "rules",
                rid,
                key,
                expected=spec.describe() if spec else type(default).__name__,
            )
            continue
        if spec is not None and (wrong := check_value(value, spec)[1]) is not None:
            report(f"rules.{rid}.{key} = {wrong}", "rules", rid, key, expected=spec.describe())
            continue
        values[key] = tuple(value) if isinstance(default, tuple) else value
    return RuleConfig(enabled, severity, info.options_type(**values))


def _same_type(default: Any, value: Any) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float))
    if isinstance(default, tuple):
        return isinstance(value, (list, tuple))
    return isinstance(value, type(default))


def check_registry_rules(root: Path, registry: Registry, problems: Problems) -> None:
    """Report the rule ids that properties name in ``rules`` and no rule has (the rules
    are discovered only when a property names some). Run by the pipeline after loading,
    since only this stage knows the rules."""
    if not any(spec.rules for spec in registry.properties.values()):
        return
    known = list(discover_rules(root, Problems()))  # `check` reports the rules' own problems
    check_rule_references(registry, known, problems)
