"""Progress of long runs on standard error, for a person watching a terminal.

The pipeline reports its stages through :func:`reconcile.base.progress.stage`; the command
line shows them with a :class:`Progress` made active by
:func:`reconcile.base.progress.showing`. Progress is shown only when standard error is a
terminal and the ``CI`` environment variable is not set (``--no-progress`` turns it off too),
so output captured by CI, pipes and tests never holds progress lines.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import IO

import click

from reconcile.base.progress import Reporter

__all__ = ["Progress"]


class Progress(Reporter):
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
