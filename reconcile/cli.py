"""The ``reconcile`` command line: a thin click layer over :mod:`reconcile.pipeline`.

Exit codes (fixed by the design): 0 nothing new, 1 new contradictions, 2 usage error or
invalid input. Invalid input never produces a traceback: every problem is listed with
file, line, claim id, column and what was expected.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .pipeline import load
from .problems import Problems
from .render.terminal import render_problems, render_validation_summary

EXIT_OK = 0
EXIT_NEW = 1
EXIT_INVALID = 2

workspace_argument = click.argument(
    "workspace",
    required=False,
    default=".",
    type=click.Path(file_okay=False, path_type=Path),
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reconcile")
def main() -> None:
    """Reconcile facts across sources: validate typed claims, find contradictions,
    weigh sources, report.

    Every command takes an optional WORKSPACE folder (default: the current folder), a
    folder with claims/sources.yaml, claims/documents/, the registries and one claim file
    per source in claims/captured/.
    """


@main.command()
@workspace_argument
@click.option("--quiet", "-q", is_flag=True, help="Print problems only, no summary.")
def validate(workspace: Path, quiet: bool) -> None:
    """Check every claim of WORKSPACE; print all problems at once.

    Exit 0 when the workspace is valid (warnings such as fuzzy name matches are shown but
    do not fail), 2 when anything is invalid.
    """
    ws, problems = load(workspace)
    _emit_problems(problems)
    if problems.errors:
        click.echo(
            f"\n{len(problems.errors)} error(s), {len(problems.warnings)} warning(s): the workspace is invalid.",
            err=True,
        )
        sys.exit(EXIT_INVALID)
    if not quiet:
        click.echo(render_validation_summary(ws, problems))
    sys.exit(EXIT_OK)


def _emit_problems(problems: Problems) -> None:
    text = render_problems(problems)
    if text:
        click.echo(text, err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
