"""Safe YAML reading that remembers line numbers, and atomic writing.

Claim files are written by people, so every problem must point at a line. :func:`load_yaml`
parses with libyaml (PyYAML's C parser) into a node tree that carries each node's line,
and builds from it only plain mappings, sequences and scalars: no tag makes it build a
Python object (documents are untrusted). Each mapping remembers the line of every key
(:func:`key_lines`) and each sequence the line of every item (:func:`item_line`); lines
are 1-based.

Plain scalars are typed by the YAML 1.2 core schema as ruamel.yaml reads it (``yes`` and
``no`` stay text, ``1_000`` is a number), except that dates stay the text people wrote:
:mod:`reconcile.normalize.dates` parses them with their precision, and explains
impossible ones such as 2002-02-30. A test holds the typing to ruamel.yaml's, which
``reconcile decide`` still uses to edit files with their comments. libyaml is some ten
times faster than a parser in Python, which matters for claim files of 10^5 entries.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

__all__ = ["YamlLoadError", "YamlMapping", "YamlSequence", "load_yaml", "plain", "key_lines", "item_line", "write_atomic"]


class YamlLoadError(ValueError):
    """A file that is not valid YAML (or not UTF-8); carries the 1-based line when known."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


class YamlMapping(dict):
    """A YAML mapping; ``lines`` holds the 1-based line of each key."""

    __slots__ = ("lines",)

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[str, int] = {}


class YamlSequence(list):
    """A YAML sequence; ``lines`` holds the 1-based line of each item."""

    __slots__ = ("lines",)

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[int] = []


_TAG = "tag:yaml.org,2002:"
#: The tag this loader gives plain (unquoted, untagged) scalars, typed by :func:`_plain_scalar`.
_PLAIN = "!reconcile/plain"


class _Resolver(yaml.resolver.BaseResolver):
    """Leaves plain scalars to :func:`_plain_scalar` (PyYAML would type them by YAML 1.1)."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode and implicit[0]:
            return _PLAIN
        return super().resolve(kind, value, implicit)


try:
    from yaml.cyaml import CParser as _Parser  # libyaml, as PyYAML's wheels ship it
except ImportError:  # pragma: no cover
    _Parser = None
if _Parser is not None:

    class _Composer(_Parser, _Resolver):  # type: ignore[misc, valid-type]
        def __init__(self, stream: str) -> None:
            _Parser.__init__(self, stream)
            _Resolver.__init__(self)

else:  # pragma: no cover - a PyYAML built without libyaml: the same tree, built in Python

    class _Composer(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer, _Resolver):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)
            _Resolver.__init__(self)


def load_yaml(path: Path) -> Any:
    """Parse ``path`` as YAML 1.2; raise :class:`YamlLoadError` with a line on failure.

    Returns None for an empty file, else :class:`YamlMapping`, :class:`YamlSequence` or a
    scalar. An alias yields the same object as its anchor.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlLoadError(f"not UTF-8 text (byte {exc.start}: {exc.reason})") from None
    composer = _Composer(text)
    try:
        node = composer.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "invalid YAML"
        raise YamlLoadError(f"malformed YAML: {what}", mark.line + 1 if mark is not None else None) from None
    except yaml.YAMLError as exc:  # pragma: no cover - other parser failures
        raise YamlLoadError(f"malformed YAML: {exc}") from None
    finally:
        composer.dispose()
    if node is None:
        return None
    try:
        return _Builder().value(node)
    except RecursionError:
        raise YamlLoadError("malformed YAML: nested too deeply", node.start_mark.line + 1) from None


class _Builder:
    """Plain Python values from a node tree; aliases share what their anchor built."""

    def __init__(self) -> None:
        self.built: dict[int, Any] = {}
        self.building: set[int] = set()

    def value(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return _scalar(node)
        key = id(node)
        if key in self.built:
            return self.built[key]
        if key in self.building:
            raise YamlLoadError("malformed YAML: an alias refers to the node that holds it", _line(node))
        self.building.add(key)
        out = self._sequence(node) if isinstance(node, yaml.SequenceNode) else self._mapping(node)
        self.building.discard(key)
        self.built[key] = out
        return out

    def _sequence(self, node: yaml.SequenceNode) -> YamlSequence:
        out = YamlSequence()
        for item in node.value:
            out.append(self.value(item))
            out.lines.append(_line(item))
        return out

    def _mapping(self, node: yaml.MappingNode) -> YamlMapping:
        out = YamlMapping()
        merged: list[YamlMapping] = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlLoadError("malformed YAML: a key must be a plain value, not a list or mapping", _line(key_node))
            if key_node.tag == _PLAIN and key_node.value == "<<":  # merge key: its mappings' entries, unless given here
                merged.extend(self._merged(value_node))
                continue
            key = _scalar(key_node)
            if key in out:
                raise YamlLoadError(f"malformed YAML: found duplicate key {key!r}", _line(key_node))
            out[key] = self.value(value_node)
            out.lines[str(key)] = _line(key_node)
        for source in merged:
            for key, value in source.items():
                if key not in out:
                    out[key] = value
                    out.lines[str(key)] = source.lines.get(str(key), _line(node))
        return out

    def _merged(self, node: yaml.Node) -> list[YamlMapping]:
        found = self.value(node)
        sources = found if isinstance(found, YamlSequence) else [found]
        if not all(isinstance(source, YamlMapping) for source in sources):
            raise YamlLoadError("malformed YAML: `<<` merges a mapping or a list of mappings", _line(node))
        return sources


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _scalar(node: yaml.ScalarNode) -> Any:
    """A scalar node's value: plain scalars typed by :func:`_plain_scalar`; an explicit
    core tag (``!!int "5"``) applies; any other tag leaves the text as written."""
    tag, text = node.tag, node.value
    if tag == _PLAIN:
        return _plain_scalar(text)
    try:
        if tag == _TAG + "int":
            return _int(text)
        if tag == _TAG + "float":
            return _float(text)
        if tag == _TAG + "bool":
            return {"true": True, "false": False}[text.lower()]
        if tag == _TAG + "null":
            return None
    except (KeyError, ValueError, IndexError):
        raise YamlLoadError(f"malformed YAML: {text!r} is not a {tag.removeprefix(_TAG)}", _line(node)) from None
    return text


# YAML 1.2 core schema with ruamel.yaml's extensions (underscores in numbers, 0b and 0o
# integers); timestamps are not typed (see the module docstring).
_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_FLOAT = re.compile(
    r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
    |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
    |[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)
_INT = re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?[0-9_]+|[-+]?0x[0-9a-fA-F_]+)$")
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
#: First characters of plain scalars that may be something other than text.
_TYPED_STARTS = frozenset("-+0123456789.~nNtTfF")


@functools.lru_cache(maxsize=1 << 16)
def _plain_scalar(text: str) -> Any:
    """The value of a plain scalar: null, a boolean, a number, or the text itself."""
    if text and text[0] not in _TYPED_STARTS:
        return text
    if _NULL.match(text):
        return None
    if _BOOL.match(text):
        return text.lower() == "true"
    try:
        if _FLOAT.match(text):
            return _float(text)
        if _INT.match(text):
            return _int(text)
    except (ValueError, IndexError):  # digits without a number ("-_"): text, as written
        return text
    return text


def _int(text: str) -> int:
    digits = text.replace("_", "")
    sign = -1 if digits[0] == "-" else 1
    digits = digits.lstrip("+-")
    for prefix, base in (("0b", 2), ("0x", 16), ("0o", 8)):
        if digits.startswith(prefix):
            return sign * int(digits[2:], base)
    return sign * int(digits)


def _float(text: str) -> float:
    digits = text.replace("_", "").lower()
    sign = -1.0 if digits[0] == "-" else 1.0
    digits = digits.lstrip("+-")
    if digits == ".inf":
        return sign * float("inf")
    if digits == ".nan":
        return float("nan")
    return sign * float(digits)


def plain(node: Any) -> Any:
    """``node`` as plain ``dict``, ``list`` and scalars (keys as text), recursively."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [plain(v) for v in node]
    return node


def item_line(seq: Any, index: int) -> int | None:
    """1-based line of item ``index`` of a sequence read by :func:`load_yaml`."""
    try:
        return seq.lines[index]
    except (AttributeError, IndexError, TypeError):
        return None


def key_lines(mapping: Any) -> dict[str, int]:
    """1-based line of each key of a mapping read by :func:`load_yaml`."""
    return dict(mapping.lines) if isinstance(mapping, YamlMapping) else {}


def write_atomic(path: Path, text: str | bytes | memoryview | Iterable[bytes | memoryview]) -> None:
    """Write ``text`` (or UTF-8 bytes, or an iterable of chunks of UTF-8 bytes written as
    they come) to ``path`` so that an interruption leaves the old file intact.

    The text goes to a temporary file in the same folder, is flushed and fsynced, then
    renamed over the target (an atomic operation on POSIX file systems). If writing fails,
    or the chunks' iterable raises, the temporary file is removed and ``path`` is untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        binary = not isinstance(text, str)
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="\n")) as handle:
            for chunk in [text] if isinstance(text, (str, bytes, bytearray, memoryview)) else text:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; give the usual file mode
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
