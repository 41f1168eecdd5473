"""The pipeline, for the command line and for Python callers: one function, :func:`run`,
takes a workspace through load → validate → rules → graph → gate and returns what each
stage gave (:class:`Run`); the renderers and the gate writers take it from there.

>>> from reconcile.pipeline import run, record_baseline
>>> checked = run("path/to/workspace")                   # doctest: +SKIP
>>> checked.state.conflicts[["fingerprint", "status"]]   # doctest: +SKIP
>>> record_baseline(run("path/to/workspace", until="conflicts"))   # doctest: +SKIP

Every command that reads the workspace's conflicts runs it: ``check`` and ``report``
render the whole run, ``decide`` looks up the conflict an editor names in its gate,
``baseline`` stops it after the rules and hands it to :func:`record_baseline` (which
applies the gate under the lock of ``reports/``), and ``graph`` stops it after the source
graph. Nothing here prints or exits: problems are collected in :attr:`Run.problems`, and
the run stops at the first stage that has errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from reconcile.base.problems import Problems
from reconcile.detect.rulekit import check_registry_rules
from reconcile.base.progress import stage
from reconcile.base.threads import in_background
from reconcile.validate.claims import Workspace, prepare_validation, validate
from reconcile.load.workspace import load_workspace

if TYPE_CHECKING:
    from reconcile.detect.rulekit import RunSettings
    from reconcile.gate.baseline_update import BaselineUpdate
    from reconcile.gate.state import GateState
    from reconcile.trust.graph import SourceGraph
    from reconcile.trust.ranked import CheckResult

__all__ = ["load", "run", "gate", "record_baseline", "Run", "UNTIL", "DaskOptions"]

#: Where :func:`run` may stop: after the source graph (no rules), after the rules and the
#: graph (no gate), or after the gate (the default).
UNTIL = ("graph", "conflicts", "gate")


def load(path: Path | str | None = None, *, drafts: bool = False) -> tuple[Workspace, Problems]:
    """Read and validate the workspace at ``path``; return it with every problem found.

    With ``drafts``, the draft claims of ``claims/drafts/`` are read and validated too
    (marked ``draft``); without, they are ignored.

    The workspace is returned even when there are errors: its ``claims`` then hold only
    the claims that passed every check. Callers decide whether errors are fatal (the CLI
    exits with code 2).
    """
    problems = Problems()
    # validation's one-time setup runs on a second core while the files are read
    ready = in_background(prepare_validation)
    with stage("reading the workspace"):
        raw = load_workspace(path, problems, drafts=drafts)
    ready.result()
    check_registry_rules(raw.root, raw.registry, problems)
    ws = validate(raw, problems)
    return ws, problems


@dataclass
class Run:
    """One run of the pipeline over a workspace: what each stage gave."""

    ws: Workspace
    problems: Problems
    """Every problem found; the run stops at the first stage with errors."""
    result: CheckResult | None = None
    """The rules' conflicts, the source graph and the settings (None when loading failed
    or the run stopped at the graph)."""
    baseline: dict[str, dict[str, Any]] | None = None
    """The baseline's entries by fingerprint, when the baseline is in use and exists."""
    decisions: dict[str, dict[str, Any]] | None = None
    """The editors' decisions by fingerprint (``reports/decisions.yaml``), once the gate ran."""
    state: GateState | None = None
    """The gate's verdict on each conflict (None when there were errors, or the run
    stopped before the gate)."""
    use_baseline: bool = False
    """Whether the gate compares with the baseline (``baseline`` given, or the setting)."""
    graph: SourceGraph | None = None
    """The source-agreement graph (``result.graph`` when the rules ran)."""
    run_settings: RunSettings | None = None
    """The settings the enabled rules published (see :func:`~reconcile.detect.rulekit.published_settings`)."""


def run(
    path: Path | str | None = None,
    *,
    drafts: bool = False,
    baseline: bool | None = None,
    ws: Workspace | None = None,
    problems: Problems | None = None,
    until: Literal["graph", "conflicts", "gate"] = "gate",
    engine: str = "inprocess",
    dask: DaskOptions | None = None,
) -> Run:
    """Load and validate the workspace at ``path`` (or take ``ws`` and its ``problems``),
    run the rules while the source graph is built, and apply the gate: read the baseline
    and the decisions and set each conflict's status (see :func:`gate`).

    ``drafts``: include the draft claims of ``claims/drafts/``. ``baseline``: compare with
    ``reports/baseline.json`` (None: the workspace's ``baseline`` setting). ``until``: the
    last stage to run, one of :data:`UNTIL`; ``"graph"`` builds the source graph without
    running the rules. Stops at the first stage with errors: the stages after it are None
    in the :class:`Run`.

    ``engine="dask"`` runs load, validation, rules and graph on a Dask cluster (``dask``:
    which cluster, which claims; see :mod:`reconcile.dask_engine`): the same conflicts, but
    ``Run.ws.claims`` holds only the claims they cite. Raises
    :class:`reconcile.dask_engine.DaskEngineError` when the cluster cannot be used.
    """
    if until not in UNTIL:
        raise ValueError(f"until must be one of {', '.join(UNTIL)}, not {until!r}")
    if engine == "dask":
        return _run_on_dask(path, baseline, dask or DaskOptions(), until)
    if ws is None:
        ws, problems = load(path, drafts=drafts)
    problems = problems if problems is not None else Problems()
    out = Run(ws, problems)
    if problems.errors:
        return out
    if until == "graph":
        return _graph_only(out)
    from reconcile.trust.ranked import find_conflicts

    with stage(f"finding conflicts among {len(ws.claims):,} claims (rules, trust, graph)"):
        out.result = find_conflicts(ws, problems)
    out.graph, out.run_settings = out.result.graph, out.result.run_settings
    out.use_baseline = bool(out.result.settings.get("baseline", False)) if baseline is None else baseline
    if until == "conflicts":
        return out
    return gate(out, baseline=out.use_baseline)


def gate(checked: Run, *, baseline: bool | None = None) -> Run:
    """The gate stage of ``checked`` (a run whose rules ran): read ``reports/baseline.json``
    (when ``baseline``, or else when the run uses it) and ``reports/decisions.yaml``, and
    set each conflict's status, decision and history (:func:`~reconcile.gate.state.apply_gate`).
    The problems of the files are added to the run's; with any error, ``state`` is None.
    Returns ``checked``, updated."""
    from reconcile.gate.state import apply_gate, read_baseline, read_decisions

    if checked.result is None:
        raise ValueError("the gate needs a run whose rules ran (run(..., until='conflicts') or later)")
    root, problems = checked.ws.root, checked.problems
    checked.use_baseline = checked.use_baseline if baseline is None else baseline
    checked.baseline = read_baseline(root, problems) if checked.use_baseline else None
    checked.decisions = read_decisions(root, problems)
    checked.state = None
    if problems.errors:
        return checked
    checked.state = apply_gate(checked.result.tables, checked.baseline, checked.decisions)
    return checked


def record_baseline(checked: Run, *, prune: bool = False) -> BaselineUpdate | None:
    """Add the conflicts of ``checked`` to ``reports/baseline.json``, what ``reconcile
    baseline`` does: under the lock of ``reports/`` (concurrent runs take turns), read the
    baseline and the decisions, apply the gate (:func:`gate`), merge
    (:func:`~reconcile.gate.baseline_update.merge_baseline`: existing entries are kept,
    stale ones too unless ``prune``) and write the file atomically.

    Returns what changed, or None when the run or the files have errors (see
    ``checked.problems``; nothing is written). ``OSError`` when it cannot be written.
    """
    from reconcile.gate.baseline_update import merge_baseline
    from reconcile.gate.state import gate_lock, write_baseline

    if checked.result is None:
        return None
    with gate_lock(checked.ws.root):
        gate(checked, baseline=True)
        if checked.state is None:
            return None
        update = merge_baseline(checked.baseline or {}, checked.state, prune=prune)
        write_baseline(checked.ws.root, list(update.entries.values()))
    return update


def _graph_only(out: Run) -> Run:
    """The run up to the source graph, without the rules: the rules' configuration (for
    the settings they publish) and the graph."""
    from reconcile.detect.rulekit import discover_rules, load_config, published_settings
    from reconcile.trust.graph import build_source_graph

    ws, problems = out.ws, out.problems
    rules = discover_rules(ws.root, problems)
    configs, _ = load_config(ws.root, rules, problems)
    out.run_settings = published_settings(rules, configs, problems)
    if problems.errors:
        return out
    out.graph = build_source_graph(ws.claims, ws.sources, out.run_settings.about_margin)
    return out


@dataclass(frozen=True)
class DaskOptions:
    """How ``run(engine="dask")`` runs: on which cluster (``scheduler``: an address, or
    None for a local cluster of ``workers`` processes of ``memory_limit`` each), from which
    claims (``claims``: an fsspec location of Parquet; None: ``claims/captured/``), in how
    many partitions (None: chosen from the cluster and the claim files)."""

    scheduler: str | None = None
    workers: int = 2
    memory_limit: str = "2GB"
    threads: int = 1
    processes: bool = True
    claims: str | None = None
    partitions: int | None = None
    client: Any = None
    """A ``distributed.Client`` to run on instead (the cluster options are not read then)."""


def _run_on_dask(path: Path | str | None, baseline: bool | None, options: DaskOptions, until: str) -> Run:
    """:func:`run` on Dask (:func:`reconcile.dask_engine.run_dask`), then the gate in process."""
    from reconcile.dask_engine import ClusterOptions, run_dask

    if until == "graph":
        raise ValueError("the Dask engine runs the rules with the graph: until='conflicts' or 'gate'")
    cluster = ClusterOptions(options.scheduler, options.workers, options.memory_limit, options.threads, options.processes)
    done = run_dask(path, cluster, claims=options.claims, partitions=options.partitions, client=options.client)
    out = Run(done.ws, done.problems, done.result)
    if done.problems.errors or done.result is None:
        return out
    out.graph, out.run_settings = out.result.graph, out.result.run_settings
    out.use_baseline = bool(out.result.settings.get("baseline", False)) if baseline is None else baseline
    if until == "conflicts":
        return out
    return gate(out, baseline=out.use_baseline)
