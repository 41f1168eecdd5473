"""The pipeline's public entry points, for the CLI and for Python callers: load →
validate (:func:`load`), then rules → graph → gate (:func:`run`).

>>> from reconcile.pipeline import load, run
>>> ws, problems = load("path/to/workspace")       # doctest: +SKIP
>>> ws.claims.groupby("property").size()            # doctest: +SKIP
>>> checked = run("path/to/workspace")              # doctest: +SKIP
>>> checked.state.conflicts[["fingerprint", "status"]]   # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reconcile.base.problems import Problems
from reconcile.detect.rulekit import check_registry_rules
from reconcile.base.progress import stage
from reconcile.base.threads import in_background
from reconcile.validate.claims import Workspace, prepare_validation, validate
from reconcile.load.workspace import load_workspace

if TYPE_CHECKING:
    from reconcile.trust.ranked import CheckResult
    from reconcile.gate.state import GateState

__all__ = ["load", "run", "Run", "DaskOptions"]


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
    """Every problem found; the run stops before the gate when there are errors."""
    result: CheckResult | None = None
    """The rules' conflicts, the source graph and the settings (None when loading failed)."""
    baseline: dict[str, dict[str, Any]] | None = None
    """The baseline's entries by fingerprint, when the baseline is in use and exists."""
    decisions: dict[str, dict[str, Any]] | None = None
    state: GateState | None = None
    """The gate's verdict on each conflict (None when there were errors)."""
    use_baseline: bool = False


def run(
    path: Path | str | None = None,
    *,
    drafts: bool = False,
    baseline: bool | None = None,
    ws: Workspace | None = None,
    problems: Problems | None = None,
    engine: str = "inprocess",
    dask: DaskOptions | None = None,
) -> Run:
    """Load and validate the workspace at ``path`` (or take ``ws`` and its ``problems``), run
    the rules and the source graph, read the baseline and the decisions, and apply the gate:
    what ``check``, ``report`` and ``decide`` do before they write anything.

    ``baseline``: compare with ``reports/baseline.json`` (None: the workspace's ``baseline``
    setting). Stops at the first stage with errors; ``Run.state`` is then None.

    ``engine="dask"`` runs load, validation, rules and graph on a Dask cluster (``dask``:
    which cluster, which claims; see :mod:`reconcile.dask_engine`): the same conflicts, but
    ``Run.ws.claims`` holds only the claims they cite. Raises
    :class:`reconcile.dask_engine.DaskEngineError` when the cluster cannot be used.
    """
    if engine == "dask":
        return _run_on_dask(path, baseline, dask or DaskOptions())
    from reconcile.trust.ranked import find_conflicts

    if ws is None:
        ws, problems = load(path, drafts=drafts)
    problems = problems if problems is not None else Problems()
    out = Run(ws, problems)
    if problems.errors:
        return out
    with stage(f"finding conflicts among {len(ws.claims):,} claims (rules, trust, graph)"):
        out.result = find_conflicts(ws, problems)
    return _gate(out, baseline)


def _gate(out: Run, baseline: bool | None) -> Run:
    """Read the baseline and the decisions of ``out``'s workspace and apply the gate to its conflicts."""
    from reconcile.gate.state import apply_gate, read_baseline, read_decisions

    ws, problems = out.ws, out.problems
    out.use_baseline = bool(out.result.settings.get("baseline", False)) if baseline is None else baseline
    out.baseline = read_baseline(ws.root, problems) if out.use_baseline else None
    out.decisions = read_decisions(ws.root, problems)
    if problems.errors:
        return out
    out.state = apply_gate(out.result.conflicts, out.baseline, out.decisions)
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


def _run_on_dask(path: Path | str | None, baseline: bool | None, options: DaskOptions) -> Run:
    """:func:`run` on Dask (:func:`reconcile.dask_engine.run_dask`), then the gate in process."""
    from reconcile.dask_engine import ClusterOptions, run_dask

    cluster = ClusterOptions(options.scheduler, options.workers, options.memory_limit, options.threads, options.processes)
    done = run_dask(path, cluster, claims=options.claims, partitions=options.partitions, client=options.client)
    out = Run(done.ws, done.problems, done.result)
    if done.problems.errors or done.result is None:
        return out
    return _gate(out, baseline)
