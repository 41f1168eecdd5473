"""The command line's standard streams and text arguments.

A traceback exits 1, which a CI gate reads as "new contradictions", so output problems are
messages: :func:`guard_streams` makes standard output and error escape the characters their
encoding lacks (``\\u2014`` on a Latin-1 terminal) instead of failing; :func:`echo` and
:func:`flush_stdout` turn a standard output that cannot be written (a full disk) into a
message on standard error and exit 2, and a reader that has gone (``| head``) into silence.
:class:`Text` refuses text options that are not valid text (bytes of another encoding,
passed on by the shell), so that nothing is written that cannot be read back.
"""

from __future__ import annotations

import os
import sys

import click

from reconcile.base import files

__all__ = ["TEXT", "Text", "echo", "flush_stdout", "guard_streams", "repaired", "stdout_failed", "stdout_gone"]


class Text(click.ParamType):
    """Text given on the command line, refused when it is not valid Unicode: bytes that
    are not UTF-8 reach Python as lone surrogates (``\\udcff``), which no file can hold."""

    name = "text"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value)
        bad = next((i for i, ch in enumerate(text) if "\ud800" <= ch <= "\udfff"), None)
        if bad is not None:
            code = ord(text[bad])
            byte = f"the byte 0x{code - 0xDC00:02x}" if 0xDC80 <= code <= 0xDCFF else f"the character U+{code:04X}"
            self.fail(
                f"{text[:bad][-20:]!r} "
                f"is followed by {byte}, which is not UTF-8 text (expected text in UTF-8: set the "
                "terminal's or the script's encoding to UTF-8)",
                param,
                ctx,
            )
        return text


TEXT = Text()


def repaired(text: str | None) -> str | None:
    """``text`` (from the environment) with bytes that are not UTF-8 as escapes (``\\xff``)."""
    return None if text is None else files.display(text)


def guard_streams() -> None:
    """Standard output and error escape what their encoding cannot write."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", None) not in ("backslashreplace", "surrogateescape"):
            try:
                reconfigure(errors="backslashreplace")
            except (ValueError, OSError):  # pragma: no cover - a stream that cannot change
                pass


def flush_stdout() -> None:
    """Write what standard output still holds; a failure is a message and exit 2."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        stdout_gone()
    except OSError as exc:
        stdout_failed(exc)


def stdout_failed(exc: OSError) -> None:
    """Standard output cannot be written (a full disk, an I/O error): say so on standard
    error and exit 2; what it still holds goes nowhere."""
    stdout_gone()
    echo(f"error: cannot write to standard output: {files.reason(exc)}", err=True)
    sys.exit(2)  # invalid: the output is lost


def echo(message: str = "", **kwargs) -> None:
    """``click.echo``, going on when the reader of standard output or error has gone
    (``reconcile validate | head -1``): the command ends with its own exit code, not
    click's 1 for a broken pipe (which a CI gate reads as new contradictions). Standard
    output that cannot be written otherwise (a full disk) is exit 2 with a message;
    standard error that cannot be written is given up."""
    try:
        click.echo(message, **kwargs)
    except BrokenPipeError:
        if not kwargs.get("err"):
            stdout_gone()
    except OSError as exc:
        if not kwargs.get("err"):
            stdout_failed(exc)


def stdout_gone() -> None:
    """Point standard output at /dev/null once its reader has gone (or it cannot be
    written), so that later writes and the flush at exit do not fail again."""
    try:
        fileno = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a file (captured output)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fileno)
    os.close(devnull)
