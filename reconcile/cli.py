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
from .render.terminal import (
    render_check_summary,
    render_conflicts,
    render_problems,
    render_validation_summary,
)
from .yamlio import write_atomic

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


@main.command()
@workspace_argument
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["terminal", "json"]),
    default="terminal",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file (atomically) instead of standard output.",
)
@click.option(
    "--severity",
    type=click.Choice(["error", "warning", "info"]),
    default="info",
    show_default=True,
    help="Report only conflicts of this severity or worse; only these decide the exit code.",
)
def check(workspace: Path, fmt: str, output: Path | None, severity: str) -> None:
    """Find contradictions between the claims of WORKSPACE.

    Exit 0 when there is no conflict at or above --severity, 1 when there is, 2 when the
    workspace is invalid (the problems are listed as by `reconcile validate`).
    """
    from .check import at_or_above, conflict_records, find_conflicts
    from .render.json_report import render_json, summary

    ws, problems = load(workspace)
    if problems.errors:
        _emit_problems(problems)
        sys.exit(EXIT_INVALID)
    result = find_conflicts(ws, problems)
    if problems.errors:
        _emit_problems(problems)
        sys.exit(EXIT_INVALID)
    shown = at_or_above(result.conflicts, severity)
    if fmt == "json":
        text = render_json(result, ws, shown)
    else:
        records = conflict_records(shown, ws.claims)
        text = render_conflicts(shown, ws, records) + "\n\n" + render_check_summary(summary(shown, ws))
    if output:
        write_atomic(output, text if text.endswith("\n") else text + "\n")
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=not text.endswith("\n"))
    new = shown[shown["status"].eq("new")] if len(shown) else shown
    sys.exit(EXIT_NEW if len(new) else EXIT_OK)


@main.command()
@workspace_argument
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["terminal", "graphml", "json"]),
    default="terminal",
    show_default=True,
    help="terminal: the source table; graphml or json (node-link): the source-agreement graph.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (atomically) instead of standard output.",
)
def graph(workspace: Path, fmt: str, output: Path | None) -> None:
    """Show the source-agreement graph of WORKSPACE: trust, agreement and dependence.

    The terminal table lists per source its claims, agreements and disagreements with the
    other sources, trust (estimated accuracy) and dependence group; GraphML and node-link
    JSON export the whole graph for other tools.
    """
    from .graph import build_source_graph, source_table, to_graphml, to_node_link
    from .render.terminal import render_source_table

    ws, problems = load(workspace)
    if problems.errors:
        _emit_problems(problems)
        sys.exit(EXIT_INVALID)
    sg = build_source_graph(ws.claims, ws.sources)
    if fmt == "graphml":
        text = to_graphml(sg)
    elif fmt == "json":
        text = to_node_link(sg)
    else:
        text = render_source_table(source_table(sg, ws.sources), sg) + "\n"
    if output:
        write_atomic(output, text)
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)
    sys.exit(EXIT_OK)


@main.command(name="rules")
@workspace_argument
@click.option("--verbose", "-v", is_flag=True, help="Print each rule's full documentation and options.")
def rules_command(workspace: Path, verbose: bool) -> None:
    """List the rules (built-in and WORKSPACE's own) with id, name, severity and docs."""
    from .rulekit import discover_rules, load_config

    problems = Problems()
    rules = discover_rules(workspace.resolve(), problems)
    configs, _ = load_config(workspace.resolve(), rules, problems)
    if problems.errors:
        _emit_problems(problems)
        sys.exit(EXIT_INVALID)
    for rid, info in rules.items():
        cfg = configs[rid]
        state = "" if cfg.enabled else " (disabled)"
        origin = "" if info.origin == "builtin" else f" [{info.origin}]"
        click.echo(click.style(f"{rid}", bold=True) + f"  {info.name}  severity={cfg.severity}{state}{origin}")
        click.echo(f"    {info.summary}")
        if verbose:
            body = info.doc.split("\n", 1)[1].strip() if "\n" in info.doc else ""
            for line in body.splitlines():
                click.echo(f"    {line}")
            for f in info.option_fields():
                click.echo(f"    option {f.name} = {getattr(cfg.options, f.name)!r} (default {f.default!r})")
            click.echo("")


def _emit_problems(problems: Problems) -> None:
    text = render_problems(problems)
    if text:
        click.echo(text, err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
