"""The ``reconcile`` command line: a thin click layer over :mod:`reconcile.pipeline`.

Exit codes (fixed by the design): 0 nothing new, 1 new contradictions, 2 usage error or
invalid input. Invalid input never produces a traceback: every problem is listed with
file, line, claim id, column and what was expected.

Output never ends in a traceback either (a traceback exits 1, which a CI gate reads as new
contradictions): standard output and error escape the characters their encoding lacks
(``\\u2014`` on a Latin-1 terminal) instead of failing, and a standard output that cannot
be written (a full disk) is a message on standard error and exit 2. Text options that are
not valid text (bytes of another encoding, passed on by the shell) are refused, so that
nothing is written that cannot be read back.
"""

from __future__ import annotations

import functools
import itertools
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from reconcile.base import files
from reconcile import __version__
from reconcile.base.progress import showing, stage
from reconcile.cli.progress import Progress
from reconcile.render.controls import printable
from reconcile.render.report_files import REPORT_CARDS
from reconcile.cli.streams import TEXT, flush_stdout, guard_streams, repaired, stdout_failed, stdout_gone
from reconcile.cli.streams import echo as _echo
from reconcile.base.threads import workers
from reconcile.base.yamlio import write_atomic

if TYPE_CHECKING:
    from reconcile.base.problems import Problems

# pandas, pandera and the engine are imported by the commands that use them, so that
# `reconcile --help`, `--version` and usage errors answer at once.

EXIT_OK = 0
EXIT_NEW = 1
EXIT_INVALID = 2

output_option = click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (atomically) instead of standard output.",
)


drafts_option = click.option(
    "--drafts",
    is_flag=True,
    help="Include the draft claims of claims/drafts/ (marked as drafts in every output); "
    "without it they are ignored.",
)


def engine_options(command):
    """``--engine`` and the Dask engine's options (see reconcile/dask_engine)."""
    options = [
        click.option(
            "--engine",
            type=click.Choice(["inprocess", "dask"]),
            default="inprocess",
            show_default=True,
            help="Where to run: in this process (the reference), or on a Dask cluster for claims beyond one machine.",
        ),
        click.option(
            "--scheduler",
            metavar="ADDRESS",
            help="--engine dask: the address of a running Dask scheduler (default: start a local cluster).",
        ),
        click.option("--partitions", type=click.IntRange(min=1), help="--engine dask: partitions of the claims, by subject (default: from the cluster and the claim files)."),
        click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True, help="--engine dask, local cluster: worker processes."),
        click.option("--memory-limit", default="2GB", show_default=True, help="--engine dask, local cluster: memory limit of each worker."),
        click.option(
            "--claims",
            "claims_location",
            metavar="LOCATION",
            help="--engine dask: read the claims from this Parquet file or folder (a path or an fsspec URL) instead of claims/captured/.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


#: The group's options that may also be given after the command (flags, no value).
GLOBAL_FLAGS = ("--progress", "--no-progress")


def _globals_first(args: list[str]) -> list[str]:
    """``args`` with the global flags (:data:`GLOBAL_FLAGS`) given after the command moved
    before it, so that ``reconcile check --no-progress`` is ``reconcile --no-progress check``.
    Nothing after ``--`` moves, nor a flag given as the value of the option before it."""
    at = next((i for i, a in enumerate(args) if not a.startswith("-")), None)
    if at is None:
        return args
    moved, kept = [], args[: at + 1]
    rest = args[at + 1 :]
    for i, arg in enumerate(rest):
        if arg == "--":
            kept += rest[i:]
            break
        before = rest[i - 1] if i else ""
        # `--note --no-progress`: the flag is the note's text, when the option takes a value
        if arg in GLOBAL_FLAGS and not (before.startswith("-") and "=" not in before and before not in _FLAG_OPTIONS):
            moved.append(arg)
        else:
            kept.append(arg)
    return moved + kept


#: Options of the commands that take no value: a global flag after one of them is a flag.
_FLAG_OPTIONS = frozenset(
    {"--quiet", "-q", "--drafts", "--baseline", "--no-baseline", "--prune", "--all", "--numeric", "--verbose", "-v",
     "--progress", "--no-progress"}
)


class _Group(click.Group):
    """The command group: every command's output streams are guarded (see the module
    docstring), and every run starts the clock of stale temporary files. The global
    options are accepted after the command too (:func:`_globals_first`)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, _globals_first(list(args)))

    def invoke(self, ctx: click.Context):
        files.start_run()
        guard_streams()
        try:
            return super().invoke(ctx)
        finally:
            flush_stdout()


def workspace_argument(command: Callable[..., Any]) -> Callable[..., Any]:
    """The workspace of a command, as an optional WORKSPACE argument or as ``-w/--workspace
    DIR`` (as the commands that take ids as arguments have it); the current folder when
    neither is given. Both given and naming different folders is a usage error."""

    @functools.wraps(command)
    def run(*args: Any, workspace_arg: Path | None = None, workspace_opt: Path | None = None, **kwargs: Any) -> Any:
        return command(*args, workspace=_one_workspace(workspace_arg, workspace_opt), **kwargs)

    run = click.option(
        "--workspace",
        "-w",
        "workspace_opt",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="The workspace (the same as the WORKSPACE argument; default: the current folder).",
    )(run)
    return click.argument(
        "workspace_arg", metavar="[WORKSPACE]", required=False, default=None, type=click.Path(file_okay=False, path_type=Path)
    )(run)


def _one_workspace(argument: Path | None, option: Path | None) -> Path:
    """The workspace named by the argument or by ``-w`` (the current folder by default);
    a usage error when both name it and differ."""
    if argument is not None and option is not None and os.path.abspath(argument) != os.path.abspath(option):
        raise click.UsageError(
            f"the workspace is given twice, as {printable(str(argument))} and as -w {printable(str(option))}: give one"
        )
    return argument or option or Path(".")
#: The workspace of a command whose arguments are other things (fingerprints, source ids).
workspace_option = click.option(
    "--workspace",
    "-w",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The workspace.",
)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reconcile")
@click.option(
    "--progress/--no-progress",
    default=True,
    help="Show stages and a progress bar on standard error (only on a terminal, never in CI).",
)
@click.pass_context
def main(ctx: click.Context, progress: bool) -> None:
    """Reconcile facts across sources: validate typed claims, find contradictions,
    weigh sources, report.

    Every command takes an optional WORKSPACE folder (default: the current folder), as an
    argument or as -w/--workspace DIR: a folder with claims/sources.yaml,
    claims/documents/, the registries and one claim file per source in claims/captured/.
    The options above may also follow the command (reconcile check --no-progress).
    """
    try:
        workers()  # RECONCILE_THREADS, if set, must be a positive integer
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    ctx.with_resource(showing(Progress.auto(progress)))


@main.command()
@click.argument("directory", required=False, default=".", type=click.Path(path_type=Path))
def init(directory: Path) -> None:
    """Start a workspace in DIRECTORY (default: the current folder).

    Writes a commented claims/sources.yaml with no source yet, claims/entities.yaml (which
    names are built in, how to add the rest), a starter claims/properties.yaml of generic
    properties, the folders claims/captured/, claims/documents/ and reports/, and a README of
    next steps. The new workspace validates at once. A folder that already holds a workspace
    is refused (exit 2) and left as it is.
    """
    from reconcile.intake.documents import IntakeError
    from reconcile.intake.starter import init_workspace

    try:
        with writing(directory):
            made = init_workspace(directory)
    except IntakeError as exc:
        _fail_intake(exc)
    _echo(f"Started a workspace in {printable(str(directory))}:")
    for rel in made:
        _echo(f"  {rel.as_posix()}{'/' if (directory / rel).is_dir() else ''}")
    _echo("Next: `reconcile add FILE` for each document (see README.md).")


@main.command()
@click.argument("documents", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--id", "source_id", type=TEXT, help="The new source's id (default: made from the file name). One file only.")
@click.option("--language", type=TEXT, help="The document's language code (default: identified from its text).")
@click.option("--published", type=TEXT, help="Publication date, ISO at its precision: 2016, 2016-10, 2016-10-14.")
@click.option("--kind", type=TEXT, help="press_release | news | reference | report | official | social | other.")
@click.option("--url", type=TEXT, help="Where the document came from (default: read from a saved web page).")
@click.option("--accessed", type=TEXT, help="The day the document was read at its address, ISO.")
@click.option("--archived-url", type=TEXT, help="The address of an archived copy (e.g. the Wayback Machine's).")
@click.option(
    "--workspace",
    "-w",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The workspace to add to (default: the current folder's, found as git finds a repository: "
    "the nearest folder upwards that holds claims/sources.yaml).",
)
def add(
    documents: tuple[Path, ...],
    source_id: str | None,
    language: str | None,
    published: str | None,
    kind: str | None,
    url: str | None,
    accessed: str | None,
    archived_url: str | None,
    workspace: Path | None,
) -> None:
    """Bring DOCUMENTS (files, or folders of files) into the workspace as sources.

    A plain-text file is stored byte for byte in claims/documents/; a saved web page is
    stored as its main text (menus, footers and scripts left out) and a PDF as its text
    layer, each with the original file beside it. The language is identified from the text
    (at least en, fa, ar, ru; Persian told from Arabic); title, author, publisher,
    publication date and address are read from the page's or the PDF's metadata. Each new
    entry of claims/sources.yaml says which fields were given, read, guessed or are missing.

    Bad input (a missing, empty or binary file, a PDF without text, an unknown language, an
    id already taken) is exit 2 and changes nothing.
    """
    from reconcile.intake.documents import IntakeError
    from reconcile.intake.register import AddOptions, add_documents

    options = AddOptions(source_id, language, published, kind, url, accessed, archived_url)
    if workspace is None:
        here = Path.cwd()
        workspace = next((p for p in (here, *here.parents) if (p / "claims" / "sources.yaml").is_file()), here)
    try:
        with writing(workspace / "claims"):
            added = add_documents(workspace, list(documents), options)
    except IntakeError as exc:
        _fail_intake(exc)
    for item in added:
        entry = item.entry
        _echo(f"Added {printable(entry['id'])}: {printable(entry['document'])} ({entry['language']}, {entry['kind']})")
        provenance = entry.get("provenance", {})
        for how in ("read", "guessed", "missing"):
            if provenance.get(how):
                _echo(f"  {how}: {', '.join(provenance[how])}")
        for note in item.notes:
            _echo(f"  note: {printable(note)}")
    _echo("Next: check the guessed fields in claims/sources.yaml, then capture claims in claims/captured/.")


def _fail_intake(exc: Exception) -> None:
    _echo(printable(f"error: {exc}"), err=True)
    if expected := getattr(exc, "expected", None):
        _echo(printable(f"  expected: {expected}"), err=True)
    sys.exit(EXIT_INVALID)


@main.command()
@workspace_argument
@click.option("--quiet", "-q", is_flag=True, help="Print problems only, no summary (text format).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sarif", "github"]),
    default=None,
    help="Output format (default: text; github inside GitHub Actions). json and sarif are documented "
    "in docs/json.md and docs/ci.md.",
)
@output_option
@drafts_option
def validate(workspace: Path, quiet: bool, fmt: str | None, output: Path | None, drafts: bool) -> None:
    """Check every claim of WORKSPACE; print all problems at once.

    Exit 0 when the workspace is valid (warnings, and names resolved by fuzzy matching,
    are shown but do not fail), 2 when anything is invalid. Every problem has the file and
    line of the terminal's text in each format: GitHub annotations on the line, SARIF
    results at it, JSON records with `file` and `line`.
    """
    from reconcile.pipeline import load
    from reconcile.render.terminal import render_problems, render_validation_summary

    ws, problems = load(workspace, drafts=drafts)
    fmt = fmt or ("github" if _default_format() == "github" else "text")
    invalid = bool(problems.errors)
    if fmt != "text":
        from reconcile.render.validation import render_validation_github, render_validation_json, render_validation_sarif

        if fmt == "json":
            text = render_validation_json(problems, None if invalid else _validation_counts(ws))
        elif fmt == "sarif":
            text = render_validation_sarif(problems)
        else:
            text = render_validation_github(problems)
        _emit(text, output)
        sys.exit(EXIT_INVALID if invalid else EXIT_OK)
    closing = f"{len(problems.errors)} error(s), {len(problems.warnings)} warning(s): the workspace is invalid."
    if output is not None:  # the problems and the summary (or the closing line) to the file
        parts = [render_problems(problems)]
        parts.append(closing if invalid else ("" if quiet else render_validation_summary(ws, problems)))
        _emit("\n\n".join(p for p in parts if p), output)
        sys.exit(EXIT_INVALID if invalid else EXIT_OK)
    _emit_problems(problems)
    if invalid:
        _echo("\n" + closing, err=True)
        sys.exit(EXIT_INVALID)
    if not quiet:
        _echo(render_validation_summary(ws, problems))
    sys.exit(EXIT_OK)


def _validation_counts(ws) -> dict[str, Any]:
    """The ``summary`` of ``validate --format json`` for a valid workspace."""
    claims = ws.claims
    return {
        "sources": int(len(ws.sources)),
        "claims": int(len(claims)),
        "properties": int(claims["property"].nunique()),
        "subjects": int(claims["subject"].nunique()),
        "fuzzy_names": int(len(ws.resolutions)),
    }


CHECK_FORMATS = ("terminal", "json", "sarif", "junit", "github", "markdown", "parquet")



def _default_format() -> str:
    """``github`` inside GitHub Actions (annotations on the pull request), else ``terminal``."""
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "terminal"


@main.command()
@workspace_argument
@click.option(
    "--format",
    "fmt",
    type=click.Choice(CHECK_FORMATS),
    default=None,
    help="Output format (default: terminal; github inside GitHub Actions). parquet writes the "
    "conflicts, sides and side claims tables into the folder --output DIR.",
)
@output_option
@click.option(
    "--severity",
    type=click.Choice(["error", "warning", "info"]),
    default="info",
    show_default=True,
    help="Report only conflicts of this severity or worse; only these decide the exit code.",
)
@click.option(
    "--baseline/--no-baseline",
    "baseline_flag",
    default=None,
    help="Compare with reports/baseline.json: only conflicts not in it are new and fail "
    "(default: the `baseline` setting of [tool.reconcile], else off).",
)
@drafts_option
@engine_options
def check(
    workspace: Path, fmt: str | None, output: Path | None, severity: str, baseline_flag: bool | None, drafts: bool,
    **engine: Any,
) -> None:
    """Find contradictions between the claims of WORKSPACE.

    Exit 0 when there is no new conflict at or above --severity, 1 when there is, 2 when
    the workspace (or its configuration, baseline or decisions) is invalid. Decisions in
    reports/decisions.yaml always apply: accepted and resolved conflicts are not new,
    false positives are silenced.
    """
    from reconcile.detect.engine import at_or_above
    from reconcile.pipeline import run
    from reconcile.render.formats import render_check

    if fmt == "parquet" and output is None:
        raise click.UsageError("--format parquet writes three tables into a folder: give --output DIR")
    if fmt == "parquet" and output.exists() and not output.is_dir():
        raise click.UsageError(f"--format parquet writes into a folder, and {output} is a file")
    if engine["engine"] == "dask":
        checked = _valid_run(_run_on_dask(workspace, baseline_flag, drafts, **engine))
    else:
        if engine["claims_location"] or engine["scheduler"]:
            _usage_error("--claims and --scheduler need --engine dask")
        checked = _valid_run(run(workspace, drafts=drafts, baseline=baseline_flag))
    if checked.use_baseline and checked.baseline is None:
        _echo("no reports/baseline.json: every conflict counts as new (write one with `reconcile baseline`)", err=True)
    state = checked.state
    shown = at_or_above(state.conflicts, severity)
    with stage(f"writing {len(shown):,} conflicts"):
        if fmt == "parquet":
            from reconcile.render.parquet_tables import write_conflict_tables

            with writing(output):
                written = write_conflict_tables(output, shown, checked.result.tables, checked.ws.claims)
            _echo(f"wrote {', '.join(f'{output / name} ({n:,} rows)' for name, n in written.items())}", err=True)
        else:
            _emit(render_check(fmt or _default_format(), shown, checked.result, checked.ws, state), output)
    _warn_stale(state)
    new = shown[shown["status"].eq("new")] if len(shown) else shown
    sys.exit(EXIT_NEW if len(new) else EXIT_OK)


def _warn_stale(state) -> None:
    """Say on standard error which baseline entries and decisions have no conflict any more."""
    for entry in state.stale_baseline:
        _echo(
            printable(
                f"stale baseline entry {entry['fingerprint']} ({entry.get('rule', '?')}, {entry.get('subject', '?')} "
                f"{entry.get('property', '?')}): "
                "the conflict is gone; `reconcile baseline --prune` removes it"
            ),
            err=True,
        )
    for d in state.stale_decisions:
        _echo(
            printable(
                f"reports/decisions.yaml:{d.get('line')}: decision for {files.shorten(str(d['fingerprint']))} "
                "has no conflict any more"
            ),
            err=True,
        )


@main.command()
@workspace_argument
@click.option("--prune", is_flag=True, help="Also remove entries whose conflict no longer exists.")
def baseline(workspace: Path, prune: bool) -> None:
    """Record the current conflicts of WORKSPACE in reports/baseline.json.

    Adds the conflicts not yet in the baseline and keeps the existing entries (stale ones
    too, unless --prune). The file is sorted and written atomically; commit it.
    """
    from reconcile.gate.state import BASELINE_PATH
    from reconcile.pipeline import record_baseline, run

    checked = run(workspace, until="conflicts")
    update = None
    if checked.result is not None:
        # read, merge and write under the lock of reports/: concurrent runs take turns
        with writing(checked.ws.root / BASELINE_PATH):
            update = record_baseline(checked, prune=prune)
    if update is None:
        _emit_problems(checked.problems)
        sys.exit(EXIT_INVALID)
    _echo(update.summary())
    sys.exit(EXIT_OK)


@main.command()
@workspace_argument
@click.option(
    "--output",
    "-o",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for index.html, report.json and summary.md (default: WORKSPACE/reports).",
)
@click.option(
    "--baseline/--no-baseline",
    "baseline_flag",
    default=None,
    help="Mark conflicts in reports/baseline.json as known (default: the `baseline` setting).",
)
@click.option(
    "--cards",
    type=click.IntRange(min=0),
    default=REPORT_CARDS,
    show_default=True,
    help="At most this many conflict cards in index.html, new ones first, then the worst "
    "first (0: all); report.json lists every conflict.",
)
@drafts_option
def report(workspace: Path, out_dir: Path | None, baseline_flag: bool | None, cards: int, drafts: bool) -> None:
    """Write the HTML conflict report of WORKSPACE for editors, with report.json, summary.md,
    conflicts.csv and conflict_claims.csv.

    index.html is one self-contained file (no network): overview, source table and graph,
    membership timelines, conflict cards with every quote in its script and direction,
    filters and search; past --cards conflicts it says how many it leaves out. summary.md
    is a short Markdown summary for a pull request, within the length of a GitHub comment.
    """
    from reconcile.pipeline import run
    from reconcile.render.report_files import write_report

    checked = _valid_run(run(workspace, drafts=drafts, baseline=baseline_flag))
    target = out_dir or (checked.ws.root / "reports")
    written = write_report(checked.result, checked.ws, checked.state, target, cards=cards, guard=writing)
    _echo(written.summary())
    sys.exit(EXIT_OK)


@main.command()
@click.argument("fingerprint", type=TEXT)
@click.option(
    "--verdict",
    type=click.Choice(["accepted", "resolved", "false-positive"]),
    required=True,
    help="accepted: a real disagreement between sources; resolved: one side is right "
    "(name it with --side); false-positive: not a contradiction (give --reason).",
)
@click.option("--note", type=TEXT, help="Free text for the next reader.")
@click.option("--side", type=TEXT, help="For resolved: the label or value of the side that is right.")
@click.option("--reason", type=TEXT, help="For false-positive: why this is not a contradiction.")
@click.option("--by", "by_", type=TEXT, help="Who decided (default: $USER).")
@workspace_option
def decide(
    fingerprint: str, verdict: str, note: str | None, side: str | None, reason: str | None, by_: str | None, workspace: Path
) -> None:
    """Record an editor's verdict on the conflict FINGERPRINT in reports/decisions.yaml.

    The file keeps its comments and the order of the other decisions; a verdict on a
    conflict that has one keeps the earlier one in the entry's history. The write is
    atomic, under a lock: concurrent runs take turns.
    """
    from reconcile.gate.decide import conflict_named, record_verdict, side_named, side_value_text
    from reconcile.gate.state import DECISIONS_PATH
    from reconcile.pipeline import run

    fingerprint = fingerprint.strip().lstrip("#")  # as the terminal prints it: #7ed7f1083810f777
    if verdict == "false-positive" and not reason:
        raise click.UsageError("a false-positive verdict needs --reason")
    if verdict == "resolved" and not side:
        raise click.UsageError("a resolved verdict needs --side (the side that is right)")
    # the conflict as `check` shows it: under the fingerprint its baseline entry or an
    # earlier decision gave it, or under its own; an earlier fingerprint (an alias) finds it.
    # The baseline, where there is one, is read whatever the gate's setting: it knows more
    # fingerprints a conflict had.
    checked = run(workspace, baseline=True)
    if checked.problems.errors:
        _emit_problems(checked.problems)
        if any(p.file == DECISIONS_PATH.as_posix() for p in checked.problems.errors):  # a file it cannot read is not replaced
            _echo(f"{DECISIONS_PATH.as_posix()} is left as it is; fix it, then decide again.", err=True)
        sys.exit(EXIT_INVALID)
    named = conflict_named(checked.state, fingerprint)
    if named is None:
        _echo(f"no conflict with fingerprint {fingerprint} (see `reconcile check`)", err=True)
        sys.exit(EXIT_INVALID)
    if side:
        chosen = side_named(side, named.sides, checked.ws.gazetteer)
        if chosen is None:
            listed = "\n".join(f"  {s['label']}" for s in named.sides)
            _echo(
                printable(f"--side {side!r} is not a side of {fingerprint}; the sides are:", lines=True) + "\n"
                + printable(listed, lines=True)
                + "\n(give a label as shown, its value, or a list's members by name or id, separated by `,` or `;`)",
                err=True,
            )
            sys.exit(EXIT_INVALID)
        if side not in {chosen["label"], side_value_text(chosen["value"])}:
            side = chosen["label"]  # recorded as it is shown
    try:
        with writing(checked.ws.root / DECISIONS_PATH):
            superseded = record_verdict(
                checked.ws.root,
                named,
                verdict,
                note=note,
                side=side,
                reason=reason,
                by=by_ or repaired(os.environ.get("USER")),
            )
    except ValueError as exc:
        _echo(printable(f"error: {exc}"), err=True)
        sys.exit(EXIT_INVALID)
    if named.continues:
        _echo(f"the decision of {named.continues} follows its conflict to {named.fingerprint}")
    kept = "; the earlier verdict is kept in its history" if superseded else ""
    _echo(f"recorded {verdict} for {named.fingerprint} in reports/decisions.yaml{kept}")
    sys.exit(EXIT_OK)


def _review_selection(draft_ids: tuple[str, ...], source: str | None, all_: bool) -> None:
    """Check the drafts named on the command line: ids, or ``--source S --all``."""
    if not draft_ids and source is None:
        raise click.UsageError("name the drafts: DRAFT_ID… or --source S --all")
    if all_ and source is None:
        raise click.UsageError("--all needs --source S (the source whose drafts are meant)")
    if source is not None and draft_ids:
        raise click.UsageError("give either DRAFT_ID… or --source S --all, not both")
    if source is not None and not all_:
        raise click.UsageError(f"--source {source} needs --all (every draft of the source), or name the drafts by id")


def _finish_review(done, problems: Problems, what: str) -> None:
    """Report an accept or a reject: the problems (exit 2, nothing written) or what moved."""
    if done is None:
        _emit_problems(problems)
        _echo("nothing was written.", err=True)
        sys.exit(EXIT_INVALID)
    for rel in done.written:
        _echo(printable(f"wrote {rel}"))
    _echo(printable(f"{what} {len(done.ids)} draft(s): {', '.join(done.ids)}"))
    sys.exit(EXIT_OK)


@main.command()
@click.argument("draft_ids", nargs=-1, type=TEXT)
@click.option("--source", type=TEXT, help="Accept the drafts of this source (with --all: every one).")
@click.option("--all", "all_", is_flag=True, help="With --source: accept every draft of the source.")
@workspace_option
def accept(draft_ids: tuple[str, ...], source: str | None, all_: bool, workspace: Path) -> None:
    """Accept reviewed drafts: move DRAFT_IDS (or with --source S --all, every draft of S)
    from claims/drafts/ to the end of claims/captured/<source>.yaml.

    The accepted claim loses `draft: true`, keeps its confidence and `because`, and gets
    `capture: extracted:reconcile-draft`; both files keep their comments and order. An
    unknown id, an id a captured claim already has, or a file that cannot be read is exit 2,
    and nothing is written. The files are written atomically, under a lock of claims/.
    """
    from reconcile.drafting.review import accept_drafts
    from reconcile.base.problems import Problems

    _review_selection(draft_ids, source, all_)
    problems = Problems()
    with writing(workspace / "claims"):
        done = accept_drafts(workspace, draft_ids, source=source, problems=problems)
    _finish_review(done, problems, "accepted")


@main.command()
@click.argument("draft_ids", nargs=-1, type=TEXT)
@click.option("--source", type=TEXT, help="Reject the drafts of this source (with --all: every one).")
@click.option("--all", "all_", is_flag=True, help="With --source: reject every draft of the source.")
@click.option("--reason", type=TEXT, help="Why the drafts are wrong, for the next reader.")
@click.option("--by", "by_", type=TEXT, help="Who rejected them (default: $USER).")
@workspace_option
def reject(
    draft_ids: tuple[str, ...], source: str | None, all_: bool, reason: str | None, by_: str | None, workspace: Path
) -> None:
    """Reject drafts: drop DRAFT_IDS (or with --source S --all, every draft of S) from
    claims/drafts/ and remember them in claims/drafts/rejected.yaml (source, subject,
    property, value, quote, at, by, reason), so that `reconcile draft` does not write them
    again. Bad input is exit 2, and nothing is written.
    """
    from reconcile.drafting.review import reject_drafts
    from reconcile.base.problems import Problems

    _review_selection(draft_ids, source, all_)
    problems = Problems()
    with writing(workspace / "claims"):
        done = reject_drafts(
            workspace,
            draft_ids,
            source=source,
            reason=reason,
            by=by_ or repaired(os.environ.get("USER")),
            problems=problems,
        )
    _finish_review(done, problems, "rejected")


@main.command()
@click.argument("sources", nargs=-1, type=TEXT)
@click.option("--all", "all_sources", is_flag=True, help="Draft every registered source.")
@click.option(
    "--min-confidence",
    type=click.FloatRange(0.0, 1.0),
    default=0.5,
    show_default=True,
    help="Write only drafts at least this confident (hedged drafts fall below the default).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the drafts to this file instead of claims/drafts/<source>.yaml (one source only).",
)
@workspace_option
def draft(sources: tuple[str, ...], all_sources: bool, min_confidence: float, output: Path | None, workspace: Path) -> None:
    """Draft claims from the documents of SOURCES into claims/drafts/<source>.yaml.

    Each draft is an ordinary claim (subject, property, value, time, the sentence as its
    quote) with draft: true, a confidence and because: (what matched). Captured claims are
    never touched; drafts already captured or rejected are left out; drafting again keeps
    the drafts file as it is and adds only new drafts. Review them with
    `reconcile check --drafts`, then `reconcile accept` or `reconcile reject`.
    """
    from reconcile.drafting.run import draft_sources, shown_path

    if all_sources and sources:
        raise click.UsageError("give source ids or --all, not both")
    if not all_sources and not sources:
        raise click.UsageError("name the sources to draft (or --all)")
    ws, problems = _load_valid(workspace)
    chosen = sorted(ws.sources["source"]) if all_sources else list(dict.fromkeys(sources))
    if output is not None and len(chosen) != 1:
        raise click.UsageError("--output takes the drafts of one source")
    with writing(output or ws.root / "claims" / "drafts"):
        reports = draft_sources(ws, chosen, problems, output, min_confidence=min_confidence)
    if problems.errors:
        _emit_problems(problems)
        _echo("nothing was written.", err=True)
        sys.exit(EXIT_INVALID)
    for r in reports:
        left = []
        if r.captured:
            left.append(f"{r.captured} already captured")
        if r.rejected:
            left.append(f"{r.rejected} rejected before")
        if r.kept:
            left.append(f"{r.kept} already in the file")
        rest = f" ({', '.join(left)})" if left else ""
        _echo(printable(f"{r.source}: {r.found} draft(s) found, {r.added} added to {files.display(shown_path(r.path, ws.root))}{rest}"))
    sys.exit(EXIT_OK)


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
@output_option
def graph(workspace: Path, fmt: str, output: Path | None) -> None:
    """Show the source-agreement graph of WORKSPACE: trust, agreement and dependence.

    The terminal table lists per source its claims, agreements and disagreements with the
    other sources, trust (the lower end of its accuracy's 90 % interval, 0-1) and dependence group; GraphML and node-link
    JSON export the whole graph for other tools.
    """
    from reconcile.pipeline import run
    from reconcile.render.terminal import render_source_table
    from reconcile.trust.graph import source_table, to_graphml, to_node_link

    checked = _valid_run(run(workspace, until="graph"))
    sg = checked.graph
    if fmt == "graphml":
        text = to_graphml(sg)
    elif fmt == "json":
        text = to_node_link(sg)
    else:
        text = render_source_table(source_table(sg, checked.ws.sources), sg) + "\n"
    _emit(text, output)
    sys.exit(EXIT_OK)


@main.command(name="rules")
@workspace_argument
@click.option("--verbose", "-v", is_flag=True, help="Print each rule's full documentation and options.")
def rules_command(workspace: Path, verbose: bool) -> None:
    """List the rules (built-in and WORKSPACE's own) with id, name, severity and docs."""
    from reconcile.base.problems import Problems
    from reconcile.detect.rulekit import discover_rules, load_config

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
        _echo(click.style(f"{rid}", bold=True) + f"  {info.name}  severity={cfg.severity}{state}{origin}")
        _echo(f"    {info.summary}")
        if verbose:
            body = info.doc.split("\n", 1)[1].strip() if "\n" in info.doc else ""
            for line in body.splitlines():
                _echo(f"    {line}")
            for f in info.option_fields():
                _echo(f"    option {f.name} = {getattr(cfg.options, f.name)!r} (default {f.default!r})")
            for setting, option in info.publishes:
                _echo(f"    publishes the run setting {setting} (option {option})")
            _echo("")


class _FuseCommand(click.Command):
    """``fuse``: its help ends with the list of models (read from :data:`reconcile.trust.fusion.MODELS`
    only when the help is shown, so that other commands start without pandas)."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from reconcile.trust.fusion import DEFAULT_MODEL, MODELS

        with formatter.section("Models"):
            formatter.write_dl(
                [(name + (" (default)" if name == DEFAULT_MODEL else ""), m.summary) for name, m in MODELS.items()]
            )


def _list_models() -> None:
    from reconcile.trust.fusion import DEFAULT_MODEL, MODELS

    for name, m in MODELS.items():
        _echo(f"{name}{' (default)' if name == DEFAULT_MODEL else ''}: {m.summary}")


@main.command(cls=_FuseCommand)
@click.argument("claims", type=click.Path(path_type=Path), required=False)
@click.option("--source-column", default="source", show_default=True, type=TEXT, help="The column naming the source.")
@click.option("--item-column", default="item", show_default=True, type=TEXT, help="The column naming the item (one question).")
@click.option("--value-column", default="value", show_default=True, type=TEXT, help="The column of the stated value.")
@click.option(
    "--model",
    default=None,
    type=TEXT,
    help="The truth-discovery model (default: reconcile); `--model list` lists them.",
)
@click.option("--numeric", is_flag=True, help="Values are numbers: near values support each other (relative difference).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json", "parquet"]),
    default="csv",
    show_default=True,
    help="The items' format (parquet needs --output).",
)
@output_option
@click.option(
    "--sources",
    "sources_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write each source's trust and its interval to this file (.csv, .json or .parquet).",
)
def fuse(
    claims: Path | None,
    source_column: str,
    item_column: str,
    value_column: str,
    model: str | None,
    numeric: bool,
    fmt: str,
    output: Path | None,
    sources_path: Path | None,
) -> None:
    """Truth discovery on a table of claims: the believed value of each item.

    CLAIMS is a CSV file with a header (UTF-8; delimiter `,`, `;` or tab) or a Parquet file,
    one claim per row: a source, an item and the value the source states for it. Writes one
    row per item: item, value, confidence (the chosen value's probability), tie (two values
    equally probable: the first in text order is shown) and support (the claims stating it).
    No workspace is needed. A source stating one value twice for an item counts once; a
    source stating k different values for one item keeps them all, each weighted 1/k (a
    warning says how many). See docs/fuse.md.
    """
    from reconcile.trust.fuse_io import FuseInputError, encode_table, format_of, run_fuse, write_table

    if model == "list":
        _list_models()
        sys.exit(EXIT_OK)
    if claims is None:
        raise click.UsageError("name the CLAIMS file (CSV or Parquet), or give --model list")
    if fmt == "parquet" and output is None:
        raise click.UsageError("--format parquet writes binary data: give --output FILE")
    try:
        sources_fmt = format_of(sources_path) if sources_path is not None else None
        run = run_fuse(
            claims,
            model=model,
            source_column=source_column,
            item_column=item_column,
            value_column=value_column,
            numeric=numeric,
        )
    except FuseInputError as exc:
        _echo(printable(f"error: {exc}"), err=True)
        sys.exit(EXIT_INVALID)
    for warning in run.warnings:
        _echo(printable(f"warning: {claims}: {warning}"), err=True)
    if sources_path is not None:
        with writing(sources_path):
            write_table(run.sources, sources_path, sources_fmt)
        _echo(f"wrote {sources_path}", err=True)
    _emit(encode_table(run.items, fmt), output)
    sys.exit(EXIT_OK)


def _valid_run(checked):
    """The run ``checked`` of the pipeline, or exit 2 after listing every problem when a
    stage had errors."""
    if checked.problems.errors:
        _emit_problems(checked.problems)
        sys.exit(EXIT_INVALID)
    return checked


def _usage_error(message: str) -> NoReturn:
    """Print ``message`` as a usage error and exit 2."""
    _echo(f"error: {message}", err=True)
    sys.exit(EXIT_INVALID)


def _run_on_dask(workspace: Path, baseline: bool | None, drafts: bool, **engine: Any):
    """``pipeline.run(engine="dask")`` with the command's options; exit 2, with what is
    wrong, when the cluster cannot be used."""
    from reconcile.dask_engine import DaskEngineError
    from reconcile.pipeline import DaskOptions, run

    if drafts:
        _usage_error("--drafts is not available with --engine dask (draft claims are reviewed in process)")
    options = DaskOptions(
        scheduler=engine["scheduler"],
        workers=engine["workers"],
        memory_limit=engine["memory_limit"],
        claims=engine["claims_location"],
        partitions=engine["partitions"],
    )
    try:
        return run(workspace, baseline=baseline, engine="dask", dask=options)
    except DaskEngineError as exc:
        _usage_error(exc.render())


def _load_valid(workspace: Path, *, drafts: bool = False):
    """The validated workspace (with its draft claims if ``drafts``), or exit 2 after
    listing every problem."""
    from reconcile.pipeline import load

    ws, problems = load(workspace, drafts=drafts)
    if problems.errors:
        _emit_problems(problems)
        sys.exit(EXIT_INVALID)
    return ws, problems


def _emit(text: str | Iterable[str] | Iterable[bytes | memoryview], output: Path | None) -> None:
    """Write ``text`` to ``output`` atomically, or print it: text (a newline added if it
    lacks one), chunks of text ending in a newline, or chunks of UTF-8 bytes ending in a
    newline, each chunk written as it comes. Text written to a file has no colour codes
    (click adds them for a terminal only)."""
    if isinstance(text, str):
        text = [text if text.endswith("\n") else text + "\n"]
    chunks = iter([text] if isinstance(text, (bytes, memoryview)) else text)
    first = next(chunks, b"")
    if output:
        with writing(output):
            write_atomic(
                output,
                (click.unstyle(c).encode("utf-8") for c in itertools.chain([first], chunks))
                if isinstance(first, str)
                else itertools.chain([first], chunks),
            )
        _echo(f"wrote {output}", err=True)
        return
    try:
        if isinstance(first, str):
            for chunk in itertools.chain([first], chunks):
                click.echo(chunk, nl=False)
        else:
            sys.stdout.flush()
            for chunk in itertools.chain([first], chunks):
                sys.stdout.buffer.write(chunk)
            sys.stdout.buffer.flush()
    except BrokenPipeError:
        # the reader stopped early (`reconcile check | head`): the rest of the text goes
        # nowhere, and the exit code stays that of the gate
        stdout_gone()
    except OSError as exc:  # a full disk: the output is lost, say so
        stdout_failed(exc)


@contextmanager
def writing(path: Path) -> Iterator[None]:
    """Turn an error writing ``path`` (a folder that is a file, no permission, a full
    disk) into a message and exit 2, instead of a traceback; what was there stays as it
    was (:func:`~reconcile.base.yamlio.write_atomic`)."""
    try:
        yield
    except BrokenPipeError:  # `--output /dev/stdout | head`: the reader has gone; the rest goes nowhere
        pass
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        _echo(printable(f"cannot write {path}: {reason[:1].lower()}{reason[1:]}"), err=True)
        sys.exit(EXIT_INVALID)


def _emit_problems(problems: Problems) -> None:
    from reconcile.render.terminal import render_problems

    text = render_problems(problems)
    if text:
        _echo(text, err=True)


if __name__ == "__main__":  # pragma: no cover
    main()
