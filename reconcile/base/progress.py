"""Progress of long runs: stages and a bar on standard error, only for a person watching.

The pipeline reports what it is doing through :func:`stage`, wherever it is; whether
anything is shown is decided once, by the command line, with :func:`showing` (the
terminal display is :class:`reconcile.cli.progress.Progress`):

>>> with showing(cli.progress.Progress.auto()):   # doctest: +SKIP
...     with stage("validating 1,046,025 claims", steps=5) as step:
...         resolve(); step()
...         type_values(); step()

Progress is shown only when standard error is a terminal and the ``CI`` environment
variable is not set (``--no-progress`` turns it off too); otherwise every call is a no-op,
so output captured by CI, pipes and tests never holds progress lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["Reporter", "showing", "stage"]


class Reporter:
    """Receives the stages of a run; this one shows nothing (the command line's
    :class:`reconcile.cli.progress.Progress` writes them to a terminal)."""

    enabled = False

    @contextmanager
    def stage(self, label: str, steps: int | None = None) -> Iterator[Callable[[int], None]]:
        """A stage of the run; yields ``advance(n=1)`` for a bar of ``steps`` steps."""
        yield _ignore


def _ignore(n: int = 1) -> None:
    """The ``advance`` of a stage that shows nothing."""


_SILENT = Reporter()
_CURRENT: ContextVar[Reporter] = ContextVar("reconcile_progress", default=_SILENT)


@contextmanager
def showing(progress: Reporter) -> Iterator[Reporter]:
    """Make ``progress`` the reporter of :func:`stage` calls inside the block."""
    token = _CURRENT.set(progress)
    try:
        yield progress
    finally:
        _CURRENT.reset(token)


@contextmanager
def stage(label: str, steps: int | None = None) -> Iterator[Callable[[int], None]]:
    """Report a stage to the active :class:`Reporter` (silent unless :func:`showing`)."""
    with _CURRENT.get().stage(label, steps) as advance:
        yield advance
