"""Guarded file access: the one way reconcile reads a workspace's files, and the lock and
temporary files of the ones it writes.

Reading (:func:`open_regular`, :func:`read_bytes`, :func:`read_text`). Every file of a
workspace (sources, registries, documents, claim files, settings, baseline, decisions) is
read through here, and whatever stands in the way is a :class:`FileReadError` with a
message saying what is wrong and what was expected, never a traceback:

- *what*: only regular files are opened. A folder, a FIFO (named pipe), a socket or a
  device is refused before it is opened (opening a FIFO for reading would wait for a
  writer forever); the file is opened without blocking and checked again once open;
- *how much*: at most :data:`MAX_BYTES` per file;
- *where*: a symbolic link is followed only when it leads to a file inside the workspace
  (:func:`inside`); a link that leaves it is refused and nothing is read from outside;
- *who*: a file or folder the user running reconcile may not read is a message;
- *which bytes*: :func:`read_text` wants UTF-8 and says at which byte and line it is not;
- *names*: a file name that is not UTF-8 (``bad\\xff.yaml``) is shown with its bytes
  escaped (:func:`display`), so that messages and reports can always be written.

Writing (:func:`locked`, :func:`temporary_prefix`, :func:`remove_stale_temporaries`): a
write takes an exclusive lock (``flock``) on its folder, so that concurrent runs take
turns; the temporary files it writes before renaming them into place are named
``.NAME.reconcile-XXXXXXXX.tmp``, a pattern only reconcile uses, and the next write into
the same folder removes those older than its own run (left by a run that was killed).
"""

from __future__ import annotations

import contextvars
import errno
import fcntl
import os
import re
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

__all__ = [
    "MAX_BYTES",
    "FileReadError",
    "display",
    "excerpt",
    "shorten",
    "inside",
    "kind_of",
    "existing",
    "open_regular",
    "read_bytes",
    "read_text",
    "not_utf8",
    "reason",
    "locked",
    "start_run",
    "temporary_prefix",
    "remove_stale_temporaries",
]

#: The largest file read (1 GiB): a claim file of a million claims is a few hundred MB.
MAX_BYTES = 1 << 30
#: The longest piece of a file's text a message quotes (:func:`excerpt`).
EXCERPT = 60


class FileReadError(ValueError):
    """A file that cannot be read: ``str()`` says why (without the file's name, which the
    caller reports as the problem's file); ``expected`` what would do, ``line`` where."""

    def __init__(self, message: str, *, expected: str | None = None, line: int | None = None, code: str = "unreadable"):
        super().__init__(message)
        self.expected = expected
        self.line = line
        self.code = code


# --- names and excerpts ---------------------------------------------------------------------


def excerpt(value: Any, limit: int = EXCERPT) -> str:
    """What a message may quote of a file's text (the offending token, never the file's
    whole content): :func:`reconcile.base.fieldspec.excerpt` of ``value``, under ``limit`` characters."""
    from reconcile.base.fieldspec import excerpt as quoted

    return quoted(value, limit - 1)


def display(name: str | os.PathLike[str]) -> str:
    """A file name as text that can be printed and written: bytes that are not UTF-8 (held
    by Python as lone surrogates, ``\\udcff``) become escapes (``\\xff``)."""
    text = os.fspath(name)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def shorten(text: str, limit: int = EXCERPT) -> str:
    """``text`` cut to ``limit`` characters with an ellipsis."""
    return text if len(text) <= limit else text[: max(limit - 1, 1)] + "…"


# --- the workspace's boundary -----------------------------------------------------------------

_ROOT: contextvars.ContextVar[Path | None] = contextvars.ContextVar("reconcile_workspace_root", default=None)


@contextmanager
def inside(root: Path) -> Iterator[Path]:
    """While in this block, files read through this module must stay inside ``root`` (the
    workspace folder): a symbolic link that leaves it is refused."""
    real = Path(os.path.realpath(root))
    token = _ROOT.set(real)
    try:
        yield real
    finally:
        _ROOT.reset(token)


def _check_inside(path: Path, root: Path | None) -> None:
    boundary = Path(os.path.realpath(root)) if root is not None else _ROOT.get()
    if boundary is None:
        return
    real = Path(os.path.realpath(path))
    if not real.is_relative_to(boundary):
        raise FileReadError(
            "a symbolic link on the way leaves the workspace; nothing is read from outside it",
            expected="a file inside the workspace (copy it in, or link to a file inside)",
            code="path-escape",
        )


# --- what a path is -------------------------------------------------------------------------

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISLNK, "a symbolic link"),
)


def kind_of(mode: int) -> str:
    """What a file of mode ``mode`` is, in words: "a regular file", "a folder", "a FIFO
    (named pipe)"…"""
    for test, words in _KINDS:
        if test(mode):
            return words
    return "a regular file" if stat.S_ISREG(mode) else "a special file"


def reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    text = exc.strerror or str(exc) or type(exc).__name__
    return text[:1].lower() + text[1:]


def existing(path: Path, *, root: Path | None = None) -> os.stat_result | None:
    """The status of the file at ``path`` (links followed), or None when there is none;
    :class:`FileReadError` when it cannot be known (a folder on the way that may not be
    read), when a link leaves the workspace or leads nowhere."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise FileReadError(f"cannot read the file: {reason(exc)}", expected=_READABLE) from None
    _check_inside(path, root)
    try:
        return os.stat(path)
    except FileNotFoundError:
        raise FileReadError(
            "a symbolic link that leads to no file (a broken link)", expected="a link to an existing file", code="missing-file"
        ) from None
    except OSError as exc:
        raise FileReadError(f"cannot read the file: {reason(exc)}", expected=_READABLE) from None


_READABLE = "a file the user running reconcile may read (check its permissions and its folders')"


def _refuse_kind(status: os.stat_result) -> None:
    if not stat.S_ISREG(status.st_mode):
        raise FileReadError(
            f"is {kind_of(status.st_mode)}, not a regular file; it is not read",
            expected="a regular file",
            code="not-a-file",
        )


# --- reading ----------------------------------------------------------------------------------


def open_regular(path: Path, *, root: Path | None = None, limit: int | None = None) -> IO[bytes]:
    """``path`` opened for reading bytes, after the checks of the module docstring
    (kind, size, boundary, permissions); :class:`FileReadError` otherwise. A missing file
    is a ``FileReadError`` too (code ``missing-file``)."""
    status = existing(path, root=root)
    if status is None:
        raise FileReadError("the file does not exist", expected="an existing file", code="missing-file")
    _refuse_kind(status)
    _refuse_size(status.st_size, limit)
    try:
        # O_NONBLOCK: a FIFO put in the file's place since the check is not waited on
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise FileReadError(f"cannot read the file: {reason(exc)}", expected=_READABLE) from None
    try:
        status = os.fstat(fd)
        _refuse_kind(status)
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def _refuse_size(size: int, limit: int | None) -> None:
    bound = MAX_BYTES if limit is None else limit
    if size > bound:
        raise FileReadError(
            f"the file holds {size:,} bytes, more than the {bound:,} reconcile reads",
            expected=f"a file of at most {bound:,} bytes (split it)",
            code="too-large",
        )


def read_bytes(path: Path, *, root: Path | None = None, limit: int | None = None) -> bytes:
    """The bytes of the regular file ``path`` (see :func:`open_regular`)."""
    bound = MAX_BYTES if limit is None else limit
    with open_regular(path, root=root, limit=bound) as handle:
        try:
            data = handle.read(bound + 1)
        except OSError as exc:
            raise FileReadError(f"cannot read the file: {reason(exc)}", expected=_READABLE) from None
    _refuse_size(len(data), bound)  # it grew while read
    return data


def read_text(path: Path, *, root: Path | None = None, limit: int | None = None, encoding: str = "utf-8") -> str:
    """The text of ``path``, UTF-8 (``utf-8-sig`` also drops a byte order mark); a byte
    that is not UTF-8 is a :class:`FileReadError` with its offset and line."""
    raw = read_bytes(path, root=root, limit=limit)
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        message, line = not_utf8(raw, exc)
        raise FileReadError(message, expected="UTF-8 encoded text", line=line, code="encoding") from None


def not_utf8(raw: bytes, exc: UnicodeDecodeError) -> tuple[str, int]:
    """The message and 1-based line for bytes that are not UTF-8 (``exc`` from decoding
    ``raw``): ``not UTF-8 text (invalid byte 0xe9 at byte 41, line 3)``."""
    line = raw.count(b"\n", 0, exc.start) + 1
    return f"not UTF-8 text (invalid byte 0x{raw[exc.start]:02x} at byte {exc.start}, line {line})", line


# --- writing: the folder's lock and the temporary files ------------------------------------------

_held = threading.local()


@contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (``flock`` on its descriptor) in this block, so
    that concurrent runs writing there take turns. Re-entrant within a thread: a write
    inside a read-modify-write of the same folder does not wait for itself. Where the file
    system has no locks, or the folder cannot be opened, the block runs unlocked."""
    held: dict[tuple[int, int], int] = getattr(_held, "folders", None) or {}
    _held.folders = held
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        yield
        return
    try:
        status = os.fstat(fd)
        key = (status.st_dev, status.st_ino)
        if held.get(key):
            held[key] += 1
            try:
                yield
            finally:
                held[key] -= 1
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError as exc:
            if exc.errno not in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL, errno.EBADF):
                raise
        held[key] = 1
        try:
            yield
        finally:
            held.pop(key, None)
    finally:
        os.close(fd)  # releases the lock


_run_started = time.time()


def start_run() -> None:
    """Mark the start of a run (a command): temporary files older than this are stale."""
    global _run_started
    _run_started = time.time()


#: What a temporary file of reconcile is called: ``.NAME.reconcile-XXXXXXXX.tmp``.
TEMPORARY = re.compile(r"^\..+\.reconcile-[a-z0-9_]{8}\.tmp$")


def temporary_prefix(name: str) -> str:
    """The prefix of a temporary file for ``name`` (for :func:`tempfile.mkstemp`, with the
    suffix ``.tmp``): see :data:`TEMPORARY`."""
    return f".{name}.reconcile-"


def remove_stale_temporaries(folder: Path) -> list[str]:
    """Remove from ``folder`` reconcile's own temporary files (:data:`TEMPORARY`, regular
    files, not links) older than this run, left behind by a run that was killed while
    writing; call it holding :func:`locked` on ``folder``. Returns the names removed;
    what cannot be removed stays."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not TEMPORARY.match(entry.name):
            continue
        try:
            status = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(status.st_mode) and status.st_mtime < _run_started:
                os.unlink(entry.path)
                removed.append(entry.name)
        except OSError:
            continue
    return removed
