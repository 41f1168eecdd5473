"""Helpers of the adversarial suite: edit a copy of the ``mini`` workspace and run a command.

An edit is data, ``(path, old, new)``: replace the text ``old`` of the file at ``path``
(relative to the workspace) by ``new``, once; ``old`` None writes ``new`` as the whole file
(creating it), and ``old`` ``""`` appends ``new``. :func:`invoke` runs a command through
click's CliRunner and fails the test on a traceback.
"""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Iterable

from click.testing import CliRunner

from reconcile.cli.commands import main

Edit = tuple[str, str | None, str]

#: A second figure of the peacekeeping force in alpha.yaml (line 26), quoting the same
#: sentence as a-4 ("about 3,600"): a-4 and a-5 then contradict each other.
SECOND_FIGURE: Edit = (
    "claims/captured/alpha.yaml",
    "",
    "  - id: a-5\n"
    "    subject: force:peacekeeping\n"
    "    property: personnel\n"
    "    value: 1500\n"
    "    quote: The peacekeeping forces number about 3,600 personnel.\n",
)


def apply(root: Path, edits: Iterable[Edit]) -> None:
    """Apply ``edits`` to the workspace at ``root`` in order."""
    for rel, old, new in edits:
        path = root / rel
        if old is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(new, encoding="utf-8")
            continue
        text = path.read_text(encoding="utf-8")
        if old == "":
            text += "" if text.endswith("\n") else "\n"
            path.write_text(text + new, encoding="utf-8")
            continue
        assert old in text, f"{old!r} is not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")


def invoke(root: Path, *command: str) -> tuple[int, str]:
    """Run ``reconcile COMMAND… ROOT``; return its exit code and output (standard output
    and error). A traceback (any exception but SystemExit) fails the test."""
    result = CliRunner().invoke(main, [*command, str(root)])
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        trace = "".join(traceback.format_exception(exc))
        raise AssertionError(f"reconcile {' '.join(command)} raised (exit {result.exit_code}):\n{trace}")
    return result.exit_code, result.output


def has_problem(output: str, where: str, *fragments: str) -> bool:
    """Whether a line of ``output`` starts with ``where:`` (``file`` or ``file:line``) and
    holds every fragment."""
    return any(
        line.startswith(where + ":") and all(f in line for f in fragments) for line in output.splitlines()
    )
