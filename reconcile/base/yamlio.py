"""Safe YAML reading that remembers line numbers, and atomic writing.

Claim files are written by people, so every problem must point at a line. :func:`load_yaml`
parses with libyaml (PyYAML's C parser) into a node tree that carries each node's line,
and builds from it only plain mappings, sequences and scalars: no tag makes it build a
Python object (documents are untrusted). Each mapping remembers the line of every key
(:func:`key_lines`) and each sequence the line of every item (:func:`item_line`); lines
are 1-based.

Nesting is bounded (:data:`MAX_DEPTH`) and so is what aliases may repeat
(:data:`MAX_EXPANSION`): hostile files are errors with a line, not crashes.

Plain scalars are typed by the YAML 1.2 core schema as ruamel.yaml reads it (``yes`` and
``no`` stay text, ``1_000`` is a number), except that dates stay the text people wrote:
:mod:`reconcile.normalize.dates` parses them with their precision, and explains
impossible ones such as 2002-02-30. A test holds the typing to ruamel.yaml's, which
``reconcile decide`` still uses to edit files with their comments. With libyaml, 104,775
claims in YAML files load in 11 s, where ruamel.yaml's parser in Python took 94 s.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import re
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from reconcile.base import files
from reconcile.base.files import excerpt, not_utf8

__all__ = [
    "YamlLoadError",
    "YamlMapping",
    "YamlSequence",
    "load_yaml",
    "parse_yaml",
    "plain",
    "key_lines",
    "item_line",
    "not_utf8",
    "write_atomic",
    "write_all",
    "round_trip_text",
]


def round_trip_text(yaml: Any, data: Any) -> str:
    """``data`` dumped by ruamel.yaml's ``yaml``, checked to read back: a text the loaders
    would refuse raises :class:`YamlLoadError` (so a file is never replaced by one that
    cannot be read)."""
    from io import StringIO

    buffer = StringIO()
    yaml.dump(data, buffer)
    text = buffer.getvalue()
    parse_yaml(text)
    return text


class YamlLoadError(ValueError):
    """A file that is not valid YAML (or not UTF-8, or cannot be read at all: see
    :mod:`reconcile.base.files`); carries the 1-based line when known, and what was expected."""

    def __init__(self, message: str, line: int | None = None, expected: str | None = None):
        super().__init__(message)
        self.line = line
        self.expected = expected


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


try:
    from yaml.cyaml import CParser as _Parser  # libyaml, as PyYAML's wheels ship it
except ImportError:  # pragma: no cover - a PyYAML built without libyaml: its parser in Python
    _Parser = yaml.BaseLoader

#: The deepest nesting of lists and mappings read (a claim file nests four levels). Deeper
#: input is refused while it is read, before anything recursive could overflow the stack.
MAX_DEPTH = 100
#: Aliases may repeat what an anchor holds, but not so that the values written out come to
#: more than this many times those written in the file (plus :data:`_EXPANSION_SLACK`):
#: "billion laughs" documents are refused instead of filling the memory.
MAX_EXPANSION = 10
_EXPANSION_SLACK = 100_000


def load_yaml(path: Path, *, root: Path | None = None) -> Any:
    """Parse ``path`` as YAML 1.2; raise :class:`YamlLoadError` with a line on failure.

    The file is read through :func:`reconcile.base.files.read_text` (a regular file, inside
    ``root`` or the workspace of :func:`reconcile.base.files.inside`, readable, UTF-8): what
    stops it from being read is a ``YamlLoadError`` too. Returns None for an empty file,
    else :class:`YamlMapping`, :class:`YamlSequence` or a scalar. An alias yields the same
    object as its anchor.
    """
    try:
        text = files.read_text(path, root=root)
    except files.FileReadError as exc:
        raise YamlLoadError(str(exc), exc.line, exc.expected) from None
    return parse_yaml(text)


#: The longest part of a parser's message kept (it may quote the file's text).
_MESSAGE_AT_MOST = 120


def parse_yaml(text: str) -> Any:
    """Parse the YAML 1.2 ``text`` as :func:`load_yaml` parses a file's."""
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "invalid YAML"
        if len(what) > _MESSAGE_AT_MOST:
            what = what[: _MESSAGE_AT_MOST - 1] + "…"
        raise YamlLoadError(f"malformed YAML: {what}", mark.line + 1 if mark is not None else None) from None
    except yaml.reader.ReaderError as exc:  # a control character
        line = text.count("\n", 0, exc.position) + 1
        raise YamlLoadError(f"malformed YAML: character #x{exc.character:04x} is not allowed", line) from None
    except yaml.YAMLError as exc:  # pragma: no cover - other parser failures
        raise YamlLoadError(f"malformed YAML: {str(exc)[:_MESSAGE_AT_MOST]}") from None
    if node is None:
        return None
    builder = _Builder()
    value = builder.value(node)
    written, expanded = builder.entries, builder.sizes.get(id(node), 0)
    if expanded > MAX_EXPANSION * written + _EXPANSION_SLACK:
        raise YamlLoadError(
            f"malformed YAML: aliases repeat {written:,} entries into {expanded:,}", _line(node)
        )
    return value


def _compose(text: str) -> yaml.Node | None:
    """The node tree of the one document of ``text`` (None when there is none), built from
    libyaml's events with a stack of its own, not by recursion: nesting deeper than
    :data:`MAX_DEPTH` is an error, not a crash. Plain scalars get the tag :data:`_PLAIN`."""
    parser = _Parser(text)
    try:
        parser.get_event()  # the stream starts
        if parser.check_event(yaml.StreamEndEvent):
            return None
        parser.get_event()  # the document starts
        anchors: dict[str, yaml.Node] = {}
        open_nodes: list[list[Any]] = []  # [collection, key waiting for its value]
        root: yaml.Node | None = None
        while True:
            event = parser.get_event()
            if isinstance(event, yaml.DocumentEndEvent):
                break
            if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                node = open_nodes.pop()[0]
            elif isinstance(event, yaml.AliasEvent):
                if event.anchor not in anchors:
                    raise YamlLoadError(f"malformed YAML: unknown alias {excerpt(event.anchor)}", event.start_mark.line + 1)
                node = anchors[event.anchor]
            elif isinstance(event, yaml.ScalarEvent):
                tag = event.tag if event.tag not in (None, "!") else _PLAIN if event.implicit[0] else _TAG + "str"
                node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
                if event.anchor is not None:
                    anchors[event.anchor] = node
            else:  # a sequence or a mapping starts
                kind = yaml.SequenceNode if isinstance(event, yaml.SequenceStartEvent) else yaml.MappingNode
                default = _TAG + ("seq" if kind is yaml.SequenceNode else "map")
                tag = event.tag if event.tag not in (None, "!") else default
                collection = kind(tag, [], event.start_mark, event.end_mark, flow_style=event.flow_style)
                if event.anchor is not None:
                    anchors[event.anchor] = collection
                if len(open_nodes) >= MAX_DEPTH:
                    raise YamlLoadError(
                        f"malformed YAML: nested deeper than {MAX_DEPTH} levels", event.start_mark.line + 1
                    )
                open_nodes.append([collection, None])
                continue
            if not open_nodes:
                root = node
            elif isinstance(open_nodes[-1][0], yaml.SequenceNode):
                open_nodes[-1][0].value.append(node)
            elif open_nodes[-1][1] is None:
                open_nodes[-1][1] = node  # a key: its value comes next
            else:
                open_nodes[-1][0].value.append((open_nodes[-1][1], node))
                open_nodes[-1][1] = None
        if not parser.check_event(yaml.StreamEndEvent):
            event = parser.get_event()
            raise YamlLoadError("malformed YAML: expected a single document in the stream", event.start_mark.line + 1)
        return root
    finally:
        parser.dispose()


class _Builder:
    """Plain Python values from a node tree; aliases share what their anchor built."""

    def __init__(self) -> None:
        self.built: dict[int, Any] = {}
        self.building: set[int] = set()
        self.sizes: dict[int, int] = {}
        """Per collection built: how many entries it holds with aliases written out."""
        self.entries = 0
        """How many entries the collections hold as written."""

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
        self._count(node, node.value)
        return out

    def _count(self, node: yaml.Node, children: list[yaml.Node]) -> None:
        self.entries += len(children)
        self.sizes[id(node)] = len(children) + sum(self.sizes.get(id(child), 0) for child in children)

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
                raise YamlLoadError(f"malformed YAML: found duplicate key {excerpt(key)}", _line(key_node))
            out[key] = self.value(value_node)
            out.lines[str(key)] = _line(key_node)
        for source in merged:
            for key, value in source.items():
                if key not in out:
                    out[key] = value
                    out.lines[str(key)] = source.lines.get(str(key), _line(node))
        self._count(node, [child for pair in node.value for child in pair])
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
        raise YamlLoadError(f"malformed YAML: {excerpt(text)} is not a {tag.removeprefix(_TAG)}", _line(node)) from None
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
    The write holds the folder's lock (:func:`reconcile.base.files.locked`), and first removes
    the temporary files of runs killed while writing there
    (:func:`reconcile.base.files.remove_stale_temporaries`).

    Where ``path`` leads is written, and nothing else is replaced:

    - a symbolic link is followed and the file it points to is replaced (the link stays;
      other hard links of that file keep the old text); a link into a folder that does not
      exist is an error, not a reason to create folders elsewhere;
    - a stream already open as standard output or error (``/dev/stdout`` redirected to a
      file, appended to or grouped with other output) is written through that stream, at
      its position;
    - a path that is not a regular file (a pipe, a terminal, ``/dev/null``), and any path
      in ``/dev`` or ``/proc``, is opened and written in place, as there is nothing to
      rename over it.

    A missing folder of a plain ``path`` is created. The file replaced keeps its
    permissions (not set-user-id or set-group-id). Errors are ``OSError``.
    """
    write_all([(Path(path), text)])


def write_all(items: list[tuple[Path, str | bytes | memoryview | Iterable[bytes | memoryview]]]) -> None:
    """Write several files as :func:`write_atomic` writes one, so that a reader never sees
    some new and some old as long as the writing can fail: every file is first written
    in full to its temporary file, and only then are they renamed into place, in the
    order given (put the file readers open first, such as a report's ``index.html``,
    last). An error before the renames leaves every file as it was. The folders' locks are
    held from the first temporary file to the last rename. Targets that are not plain
    files (streams, pipes, devices) are written in place, in order, after the others."""
    plain_targets: list[tuple[Path, os.stat_result | None, Any]] = []
    in_place: list[tuple[Path, os.stat_result, Any]] = []
    for path, text in items:
        path = Path(path)
        status = _status(path)
        stream = _open_stream(status)
        special = os.path.abspath(path).startswith(("/dev/", "/proc/"))
        if status is not None and stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a folder", str(path))
        if stream is not None or special or (status is not None and not stat.S_ISREG(status.st_mode)):
            in_place.append((path, status, text))
            continue
        real = Path(os.path.realpath(path))  # through symbolic links, to the file they name
        if real != Path(os.path.abspath(path)) and not real.parent.is_dir():
            raise FileNotFoundError(errno.ENOENT, "the link points into a folder that does not exist", str(path))
        real.parent.mkdir(parents=True, exist_ok=True)
        plain_targets.append((real, status, text))
    with contextlib.ExitStack() as stack:
        for folder in sorted({real.parent for real, _, _ in plain_targets}, key=str):
            stack.enter_context(files.locked(folder))
            files.remove_stale_temporaries(folder)
        staged: list[tuple[str, Path]] = []
        try:
            for real, status, text in plain_targets:
                staged.append((_stage(real, status, text), real))
            for tmp, real in staged:
                os.replace(tmp, real)
        except BaseException:
            for tmp, _ in staged:
                Path(tmp).unlink(missing_ok=True)
            raise
    for path, status, text in in_place:
        stream = _open_stream(status)
        if stream is not None:
            for chunk in _chunks(text):
                stream.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
            stream.flush()
            continue
        with _opened(path, binary=not isinstance(text, str)) as handle:
            for chunk in _chunks(text):
                handle.write(chunk)


def _status(path: Path) -> os.stat_result | None:
    """``path``'s status (links followed), None when there is nothing there."""
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
    except NotADirectoryError:  # a parent that is a file
        raise NotADirectoryError(errno.ENOTDIR, "a folder on the way is a file", str(path)) from None


def _stage(real: Path, status: os.stat_result | None, text: Any) -> str:
    """Write ``text`` to a new temporary file beside ``real`` (named for
    :func:`reconcile.base.files.remove_stale_temporaries`), flushed, fsynced and given the
    permissions of the file it will replace; its path. On failure it is removed."""
    fd, tmp = tempfile.mkstemp(prefix=files.temporary_prefix(real.name), suffix=".tmp", dir=real.parent)
    try:
        with _opened(fd, binary=not isinstance(text, str)) as handle:
            for chunk in _chunks(text):
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        if status is not None:
            mode = stat.S_IMODE(status.st_mode) & 0o777  # the permissions of the file replaced
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask  # mkstemp creates 0600; give the usual file mode
        os.chmod(tmp, mode)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def _open_stream(status: os.stat_result | None):
    """Standard output's or error's binary stream when ``status`` is the file it is open
    on (same device and inode), else None."""
    if status is None:
        return None
    for stream in (sys.stdout, sys.stderr):
        try:
            own = os.fstat(stream.fileno())
        except (AttributeError, OSError, ValueError):  # replaced, closed, or not a real file
            continue
        if (own.st_dev, own.st_ino) == (status.st_dev, status.st_ino):
            stream.flush()
            return stream.buffer
    return None


def _opened(file: Path | int, binary: bool):
    """``file`` (a path or a descriptor) opened for writing bytes, or UTF-8 text with ``\\n`` line ends."""
    return open(file, "wb") if binary else open(file, "w", encoding="utf-8", newline="\n")


def _chunks(text: str | bytes | memoryview | Iterable[bytes | memoryview]) -> Iterable:
    return [text] if isinstance(text, (str, bytes, bytearray, memoryview)) else text

