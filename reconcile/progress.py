"""Progress of long runs: stages and a bar on standard error, only for a person watching.

The pipeline reports what it is doing through :func:`stage`, wherever it is; whether
anything is shown is decided once, by the command line, with :func:`showing`:

>>> with showing(Progress.auto()):           # doctest: +SKIP
...     with stage("validating 1,046,025 claims", steps=5) as step:
...         resolve(); step()
...         type_values(); step()

Progress is shown only when standard error is a terminal and the ``CI`` environment
variable is not set (``--no-progress`` turns it off too); otherwise every call is a no-op,
so output captured by CI, pipes and tests never holds progress lines.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import IO

import click

__all__ = ["Progress", "showing", "stage"]


class Progress:
    """Writes stages (with their duration) and bars to ``stream`` when ``enabled``."""

    def __init__(self, enabled: bool, stream: IO[str] | None = None) -> None:
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr

    @classmethod
    def auto(cls, wanted: bool = True, stream: IO[str] | None = None) -> Progress:
        """Enabled when ``wanted``, ``stream`` (standard error) is a terminal and not in CI."""
        stream = stream if stream is not None else sys.stderr
        in_ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
        return cls(wanted and not in_ci and _is_terminal(stream), stream)

    @contextmanager
    def stage(self, label: str, steps: int | None = None) -> Iterator[Callable[[int], None]]:
        """A stage of the run; yields ``advance(n=1)`` for a bar of ``steps`` steps."""
        if not self.enabled:
            yield _ignore
            return
        start = time.perf_counter()
        if steps:
            with click.progressbar(length=steps, label=label, file=self.stream, show_eta=False, width=24) as bar:
                yield bar.update
        else:
            click.echo(f"{label} …", file=self.stream)
            yield _ignore
        click.echo(f"✓ {label} ({time.perf_counter() - start:.1f} s)", file=self.stream)


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # closed or not a real file
        return False


def _ignore(n: int = 1) -> None:
    """The ``advance`` of a stage that shows nothing."""


_SILENT = Progress(False)
_CURRENT: ContextVar[Progress] = ContextVar("reconcile_progress", default=_SILENT)


@contextmanager
def showing(progress: Progress) -> Iterator[Progress]:
    """Make ``progress`` the reporter of :func:`stage` calls inside the block."""
    token = _CURRENT.set(progress)
    try:
        yield progress
    finally:
        _CURRENT.reset(token)


@contextmanager
def stage(label: str, steps: int | None = None) -> Iterator[Callable[[int], None]]:
    """Report a stage to the active :class:`Progress` (silent unless :func:`showing`)."""
    with _CURRENT.get().stage(label, steps) as advance:
        yield advance
