"""One declarative check of every registry entry and setting: types, finite ranges, choices.

Each field of ``properties.yaml``, ``entities.yaml`` and ``sources.yaml``, and each setting
of ``reconcile.toml`` / ``[tool.reconcile]`` (rule options included), is declared once as a
:class:`Field`: what it holds (:data:`KINDS`), whether it is required, its bounds or its
choices. :func:`check_entry` checks a whole entry against its fields and reports each bad
one as a problem that says what is wrong, where (file, line of the key) and what was
expected; the entry comes back with the bad fields left out, so that the caller uses
defaults and never meets a value of the wrong type. :func:`check_container` does the same
for the top-level keys (``sources:`` must be a list).

Values are quoted in problems by :func:`excerpt`: at most :data:`EXCERPT` characters, with
an ellipsis and the length of what was cut, so that a 50 MB cell is never echoed whole.

TOML has no line numbers in :mod:`tomllib`; :func:`toml_lines` finds the line of each key
and table in the text, so that settings' problems point at their line too.
"""

from __future__ import annotations

import math
import re
import reprlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from reconcile.base.problems import Problems

__all__ = [
    "EXCERPT",
    "Field",
    "KINDS",
    "check_container",
    "check_entry",
    "check_value",
    "excerpt",
    "key_text",
    "kind_of",
    "toml_lines",
]

#: How many characters of a value a problem quotes at most.
EXCERPT = 80
#: What a field may hold: ``text`` (a string; a whole number reads as its digits),
#: ``texts`` (a list of texts, or one text), ``bool``, ``number`` (finite, int or float),
#: ``integer`` (a whole number within 64 bits), ``date`` (text, or a year as a whole
#: number), ``mapping`` (``table`` in TOML), ``list``, ``choice`` (one of the field's
#: ``choices``).
KINDS = ("text", "texts", "bool", "number", "integer", "date", "mapping", "table", "list", "choice")
_INT64 = 2**63 - 1

_WHAT = {
    "text": "text",
    "texts": "a list of text",
    "bool": "true or false",
    "number": "a finite number",
    "integer": "a whole number",
    "date": "a date (YYYY, YYYY-MM, YYYY-MM-DD or START/END)",
    "mapping": "a mapping",
    "table": "a table",
    "list": "a list",
}


@dataclass(frozen=True)
class Field:
    """What one field of a registry entry or a setting may hold."""

    kind: str
    required: bool = False
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    expected: str | None = None
    """How to write it, for the problem (default: made from kind, bounds and choices)."""
    numbers_as_text: bool = True
    """For ``text``: whether a whole number reads as its digits (YAML's ``title: 1984``)."""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown field kind {self.kind!r}")

    def describe(self) -> str:
        """What the field must be: "a finite number from 0 to 1", "entity | date"."""
        if self.kind == "choice":
            return " | ".join(self.choices)
        text = _WHAT[self.kind]
        if self.low is not None and self.high is not None:
            text += f" from {_number_text(self.low)} to {_number_text(self.high)}"
        elif self.low is not None:
            text += f" of at least {_number_text(self.low)}"
        elif self.high is not None:
            text += f" of at most {_number_text(self.high)}"
        return text


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e16 else f"{value:g}"


def kind_of(value: Any) -> str:
    """What a value is, as a person says it: "a list", "a mapping", "a number", "text"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, (list, tuple, set, frozenset)) or type(value).__name__ == "ndarray":
        return "a list"
    return f"a {type(value).__name__}"


_REPR = reprlib.Repr()
_REPR.maxstring = EXCERPT
_REPR.maxother = EXCERPT
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 6
_REPR.maxlevel = 3


def excerpt(value: Any, limit: int = EXCERPT) -> str:
    """``value`` quoted as in Python (``'text'``, ``[1, 2]``), at most ``limit`` characters
    of it: a longer text is cut, with an ellipsis and its length (``'xxxx…' (50,000,000
    characters)``); lists and mappings show their first items; a whole number of more
    than 100 digits is said to be one."""
    if isinstance(value, str):
        if len(value) <= limit:
            return repr(value)
        return f"{value[:limit] + '…'!r} ({len(value):,} characters)"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 332:
        return f"a whole number of {len(str(abs(value))) if value.bit_length() < 14_000 else 'thousands of'} digits"
    try:
        text = _REPR.repr(value)
    except Exception:  # a repr that fails: say what it is
        return f"<{type(value).__name__}>"
    return text if len(text) <= 2 * limit else text[: 2 * limit] + "…"


def key_text(key: Any) -> str:
    """A key as a problem names it: as written when short, else an :func:`excerpt`."""
    text = str(key)
    return text if len(text) <= EXCERPT and text.isprintable() else excerpt(text)


def check_value(value: Any, field: Field) -> tuple[Any, str | None]:
    """``value`` as the field holds it and None, or None and what is wrong with it (a
    phrase: "must be text, not a list ['a']")."""
    kind = field.kind
    if kind == "text":
        if isinstance(value, str):
            return value, None
        if field.numbers_as_text and _whole(value):
            return str(value), None
    elif kind == "texts":
        if isinstance(value, str):
            return (value,), None
        if isinstance(value, list) and all(isinstance(v, str) or _whole(v) for v in value):
            return tuple(str(v) for v in value), None
    elif kind == "bool":
        if isinstance(value, bool):
            return value, None
    elif kind in ("number", "integer"):
        return _check_number(value, field)
    elif kind == "date":
        if isinstance(value, str):
            return value, None
        if _whole(value) or (isinstance(value, float) and math.isfinite(value) and value.is_integer()):
            return str(int(value)), None
    elif kind in ("mapping", "table"):
        if isinstance(value, Mapping):
            return value, None
    elif kind == "list":
        if isinstance(value, list):
            return value, None
    elif kind == "choice":
        if isinstance(value, str) and value in field.choices:
            return value, None
        return None, f"must be one of {field.describe()}, not {kind_of(value)} {excerpt(value)}"
    return None, f"must be {field.describe()}, not {kind_of(value)} {excerpt(value)}"


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_number(value: Any, field: Field) -> tuple[Any, str | None]:
    """A finite number (a whole number within 64 bits for ``integer``) within the bounds."""
    integer = field.kind == "integer"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
        return None, f"must be {field.describe()}, not {kind_of(value)} {excerpt(value)}"
    try:
        number = float(value)
    except OverflowError:
        number = math.inf if value > 0 else -math.inf
    low = field.low if field.low is not None else (-_INT64 if integer else None)
    high = field.high if field.high is not None else (_INT64 if integer else None)
    if (
        not math.isfinite(number)
        or (low is not None and value < low)
        or (high is not None and value > high)
    ):
        bounds = field if field.low is not None or field.high is not None else Field(field.kind, low=low, high=high)
        return None, f"{excerpt(value)} is not {bounds.describe()}"
    return value, None


def check_entry(
    entry: Mapping[str, Any],
    fields: Mapping[str, Field],
    problems: Problems,
    *,
    what: str,
    file: str | None,
    line: int | None,
    lines: Mapping[str, int] | None = None,
    code: str = "registry",
    unknown: bool = True,
) -> dict[str, Any]:
    """Check ``entry`` (a mapping read from a registry or a settings file) against
    ``fields``; add one problem per bad, missing or (with ``unknown``) unknown field, at the
    line of its key (``lines``, else ``line``), naming the entry (``what``: "property
    personnel"); return the good fields, as their field holds them.

    Required fields that are missing are reported here; a present field of the wrong type
    or out of range is left out of the result, so the caller falls back to its default."""
    lines = lines or {}
    out: dict[str, Any] = {}
    if unknown:
        extra = [k for k in entry if k not in fields]
        if extra:
            problems.add(
                f"{what}: unknown key(s) {', '.join(key_text(k) for k in extra[:10])}"
                + (f" and {len(extra) - 10:,} more" if len(extra) > 10 else ""),
                file=file,
                line=lines.get(str(extra[0]), line),
                expected="one of " + ", ".join(sorted(fields)),
                code=code,
            )
    for name, field in fields.items():
        if name not in entry or entry[name] is None:
            if field.required:
                problems.add(
                    f"{what}: `{name}` is missing", file=file, line=line, expected=field.expected or field.describe(), code=code
                )
            continue
        value, wrong = check_value(entry[name], field)
        if wrong is not None:
            problems.add(
                f"{what}: {name} {wrong}",
                file=file,
                line=lines.get(name, line),
                column=name,
                expected=field.expected or field.describe(),
                code=code,
            )
            continue
        out[name] = value
    return out


def check_container(
    data: Any, key: str, kind: str, problems: Problems, *, file: str, expected: str, line: int | None = 1
) -> Any:
    """The value of the top-level ``key`` of a registry file (``data``, read by
    :func:`reconcile.base.yamlio.load_yaml`) when it is a ``list`` or a ``mapping`` (``kind``);
    None, with a problem at its line, when it is missing or of another kind. An empty file
    or a file that is not a mapping is reported the same way."""
    from reconcile.base.yamlio import key_lines

    found = data.get(key) if isinstance(data, Mapping) else None
    where = key_lines(data).get(key, line) if isinstance(data, Mapping) else line
    wanted = list if kind == "list" else Mapping
    if isinstance(found, wanted):
        return found
    if not isinstance(data, Mapping) or key not in data:
        message = f"no `{key}:` {kind}"
    else:
        message = f"`{key}:` must be a {kind}, not {kind_of(found)} {excerpt(found)}"
    problems.add(message, file=file, line=where, expected=expected, code="registry")
    return None


# --- TOML lines ---------------------------------------------------------------------------

_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_DOTTED = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_HEADER = re.compile(rf"^\s*\[\[?\s*({_DOTTED})\s*\]\]?\s*(?:#.*)?$")
_ASSIGN = re.compile(rf"^\s*({_DOTTED})\s*=")
_PART = re.compile(_KEY_PART)


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(p[1:-1] if p[0] in "\"'" else p for p in _PART.findall(dotted))


def toml_lines(text: str, table: tuple[str, ...] = ()) -> Callable[[tuple[str, ...]], int | None]:
    """A function from a key path under ``table`` (``("rules", "quantity-mismatch",
    "about_margin")``) to the 1-based line of that key or table in the TOML ``text``, or of
    its nearest parent that has a line; None when neither has one. A reading of the lines
    (headers and ``key =`` at the start of a line), good for pointing at a setting."""
    found: dict[tuple[str, ...], int] = {}
    current: tuple[str, ...] = ()
    for number, raw in enumerate(text.splitlines(), start=1):
        if header := _HEADER.match(raw):
            current = _parts(header.group(1))
            path = current
        elif assign := _ASSIGN.match(raw):
            path = current + _parts(assign.group(1))
        else:
            continue
        for end in range(1, len(path) + 1):
            found.setdefault(path[:end], number)

    def line_of(path: tuple[str, ...]) -> int | None:
        full = table + tuple(path)
        for end in range(len(full), len(table), -1):
            if full[:end] in found:
                return found[full[:end]]
        return found.get(table) if table else None

    return line_of
