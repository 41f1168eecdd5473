"""Safe YAML reading that remembers line numbers, and atomic writing.

Claim files are written by people, so every problem must point at a line. We read YAML
with ruamel.yaml's round-trip loader, which builds only plain mappings, sequences and
scalars (no arbitrary Python objects: documents are untrusted) and keeps, for each
mapping, the line of every key. Lines reported are 1-based.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

__all__ = ["YamlLoadError", "load_yaml", "plain", "key_lines", "item_line", "write_atomic"]


class YamlLoadError(ValueError):
    """A file that is not valid YAML (or not UTF-8); carries the 1-based line when known."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    # Keep dates as the text people wrote: they are parsed (with precision, and with a
    # clear message for impossible dates such as 2002-02-30) by reconcile.normalize.dates.
    constructors = yaml.constructor.yaml_constructors
    constructors["tag:yaml.org,2002:timestamp"] = constructors["tag:yaml.org,2002:str"]
    return yaml


def load_yaml(path: Path) -> Any:
    """Parse ``path`` as YAML 1.2; raise :class:`YamlLoadError` with a line on failure."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise YamlLoadError(f"not UTF-8 text (byte {exc.start}: {exc.reason})") from None
    try:
        return _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = exc.problem or exc.context or "invalid YAML"
        raise YamlLoadError(f"malformed YAML: {what}", line) from None
    except YAMLError as exc:  # pragma: no cover - other parser failures
        raise YamlLoadError(f"malformed YAML: {exc}") from None


def plain(node: Any) -> Any:
    """Convert ruamel's commented containers and scalar wrappers into plain Python values."""
    if isinstance(node, CommentedMap) or isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, CommentedSeq) or isinstance(node, list):
        return [plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    # dates, timestamps: YAML 1.2 core schema in ruamel keeps them as datetime objects
    return str(node.isoformat()) if hasattr(node, "isoformat") else str(node)


def item_line(seq: Any, index: int) -> int | None:
    """1-based line of item ``index`` of a ruamel sequence."""
    try:
        return int(seq.lc.item(index)[0]) + 1
    except (AttributeError, KeyError, IndexError, TypeError):
        return None


def key_lines(mapping: Any) -> dict[str, int]:
    """1-based line of each key of a ruamel mapping."""
    out: dict[str, int] = {}
    if not isinstance(mapping, CommentedMap):
        return out
    for key in mapping:
        try:
            out[str(key)] = int(mapping.lc.key(key)[0]) + 1
        except (KeyError, TypeError):
            continue
    return out


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
