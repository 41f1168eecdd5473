"""``reconcile check --engine dask``: the pipeline's stages as tasks on a Dask cluster.

1. **Load** (client): sources, registries and documents are read and validated as in
   process, with no claims: what they get wrong is reported once. The claim files are
   listed (the workspace's, or ``--claims LOCATION``).
2. **Validate** (a task per claim file, :mod:`reconcile.dask_engine.pieces`): each piece is
   read and validated with the documents it cites; its claims are split by subject.
   Claim ids are checked unique across pieces, id by id, in the partitions of the ids.
3. **Rules** (a task per partition, :mod:`reconcile.dask_engine.partition`): a partition
   gathers its subjects' claims from every piece and runs every rule module on them.
4. **Trust** (:func:`reconcile.trust.blocks.graph_over_blocks`): the client iterates the
   truth model; each round every partition runs the item step on its items and returns
   its per-source sums, which the client adds (exactly) for the source step. The agreement
   counts per pair of sources are added the same way.
5. **Rank and join** (a task per partition, then :func:`combine_partitions`): each
   partition ranks its conflicts on the common trust and hands them back with the claims
   they cite; the client sorts them as the in-process engine does and applies the gate.

The result is a :class:`reconcile.pipeline.Run`, as the in-process engine returns, whose
workspace holds only the claims the conflicts cite (and every source's number of claims):
the reports read nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from reconcile.base.problems import Problems
from reconcile.base.progress import stage
from reconcile.dask_engine.claim_files import MAX_PIECE_CLAIMS, ClaimFile, location_claim_files, pack_pieces, workspace_claim_files
from reconcile.dask_engine.cluster import ClusterOptions, dask_client
from reconcile.dask_engine.combine import combine_partitions
from reconcile.dask_engine.errors import DaskEngineError
from reconcile.dask_engine.partition import call_blocks, claims_of, rank_partition, start_partition
from reconcile.dask_engine.pieces import WorkspaceContext, rules_context_properties, cross_piece_duplicates, duplicate_problems, validate_piece
from reconcile.detect.rulekit import check_registry_rules, discover_rules, load_config
from reconcile.load.workspace import load_workspace
from reconcile.trust.blocks import graph_over_blocks
from reconcile.trust.graph import SourceGraph, _graph, _nodes, build_source_graph
from reconcile.detect.rulekit import published_settings
from reconcile.trust.ranked import CheckResult
from reconcile.validate.claims import Workspace, validate

__all__ = ["DaskRun", "run_dask", "MAX_PARTITIONS"]

#: The most partitions a run makes by default (``--partitions`` may ask for more).
MAX_PARTITIONS = 256


@dataclass
class DaskRun:
    """What the Dask engine gives the pipeline: the report workspace, every problem, the
    result (None when there were errors), and the time of each stage (seconds)."""

    ws: Workspace
    problems: Problems
    result: CheckResult | None
    seconds: dict[str, float]
    n_claims: int = 0


def run_dask(
    path: Path | str | None,
    cluster: ClusterOptions,
    *,
    claims: str | None = None,
    partitions: int | None = None,
    client: Any = None,
) -> DaskRun:
    """Load, validate, run the rules and the source graph of the workspace at ``path`` on
    Dask (``client``, or the cluster ``cluster`` names); claims from ``claims`` (an fsspec
    location of Parquet) instead of ``claims/captured/`` when given.

    Raises :class:`~reconcile.dask_engine.errors.DaskEngineError` for an unusable cluster.
    """
    import time

    seconds: dict[str, float] = {}
    clock = [time.perf_counter()]

    def lap(name: str) -> None:
        now = time.perf_counter()
        seconds[name] = seconds.get(name, 0.0) + now - clock[0]
        clock[0] = now

    problems = Problems()
    with stage("reading the workspace"):
        raw = load_workspace(path, problems, claims=False)
    check_registry_rules(raw.root, raw.registry, problems)
    base = validate(raw, problems)  # the sources and registries: their problems are reported once
    files = location_claim_files(claims, problems) if claims else workspace_claim_files(raw.root, problems)
    # the rules' own problems are reported once the claims are valid, as in process
    rule_problems = Problems()
    rules = discover_rules(raw.root, rule_problems)
    configs, settings = load_config(raw.root, rules, rule_problems)
    shared = rules_context_properties(rules, configs, raw.registry)
    context = WorkspaceContext(raw.root, raw.sources, raw.registry, frozenset(problems.items), shared)
    empty = DaskRun(_report_workspace(base, base.claims, None), problems, None, seconds)
    lap("load")
    if problems.errors and not files:  # nothing to validate: every problem is known
        return empty
    if client is None:
        with dask_client(cluster) as opened:
            return _run(opened, base, context, files, problems, partitions, seconds, lap, (rules, configs, settings, rule_problems))
    return _run(client, base, context, files, problems, partitions, seconds, lap, (rules, configs, settings, rule_problems))


def _run(client, base: Workspace, context: WorkspaceContext, files: list[ClaimFile], problems: Problems,
         partitions: int | None, seconds: dict[str, float], lap: Callable[[str], None], rule_set: tuple) -> DaskRun:
    warming = warm(client)
    threads = max(sum(client.nthreads().values()), 1)
    pieces, estimate = pack_pieces(files, threads)
    n_parts = partitions or default_partitions(estimate, threads)
    submit = partial(client.submit, pure=False)
    ctx = client.scatter(context, broadcast=True, hash=False)
    sources = client.scatter(base.sources, broadcast=True, hash=False)

    # validate each piece; its claims split by subject, its ids by id
    with stage(f"validating {len(pieces):,} claim files on Dask"):
        done = [submit(validate_piece, ctx, piece, i, n_parts) for i, piece in enumerate(pieces)]
        parts = [[submit(_part, d, p) for p in range(n_parts)] for d in done]
        ids = [[submit(_ids, d, p) for p in range(n_parts)] for d in done]
        shared = [submit(_shared, d) for d in done]
        dups = [submit(cross_piece_duplicates, *(ids[i][p] for i in range(len(done)))) for p in range(n_parts)]
        reports = client.gather([submit(_problems_and_count, d) for d in done])
        duplicated = pd.concat(client.gather(dups), ignore_index=True)
        del ids, dups, warming
    n_claims = sum(n for _, n in reports)
    _add_problems(problems, reports, duplicated)
    lap("validate")
    if problems.errors:  # the workspace's own problems, the pieces' and the ids', all at once
        return DaskRun(_report_workspace(base, base.claims, None), problems, None, seconds, n_claims)

    with stage(f"finding conflicts among {n_claims:,} claims on Dask (rules)"):
        works = [
            submit(start_partition, ctx, sources, p, n_parts, len(done), *(parts[i][p] for i in range(len(done))), *shared)
            for p in range(n_parts)
        ]
        sizes = client.gather([submit(claims_of, w) for w in works])
        del parts, shared, done  # the pieces are in the partitions now
    lap("rules")
    rules, configs, settings, rule_problems = rule_set
    problems.extend(rule_problems.items)
    run_settings = published_settings(rules, configs, problems)
    about_margin = run_settings.about_margin
    blocks = [w for w, n in zip(works, sizes) if n]
    with stage("source graph on Dask (trust, dependence)"):
        if blocks:
            parts_of_graph = graph_over_blocks(_pinned_each(client, blocks), base.sources)
            trust, groups, pairs, per = parts_of_graph.trust, parts_of_graph.groups, parts_of_graph.pairs, parts_of_graph.claims_per_source
        else:
            empty_graph = build_source_graph(base.claims, base.sources, about_margin)
            trust, groups, pairs, per = empty_graph.trust, empty_graph.groups, empty_graph.pairs, pd.Series(dtype="int64")
    lap("graph")
    with stage("ranking the conflicts on Dask"):
        shared = client.scatter([trust, groups, pairs], broadcast=True, hash=False)
        ranked = client.gather([submit(rank_partition, w, *shared) for w in works])
        del works, blocks
    for p in dict.fromkeys(q for r in ranked for q in r.problems):
        problems.extend([p])
    tables = combine_partitions([r.tables for r in ranked])
    # a claim of a context property may be cited in several partitions: kept once
    evidence = pd.concat([r.evidence for r in ranked], ignore_index=True).drop_duplicates("claim_id")
    nodes = _nodes(per, base.sources, trust, groups)
    graph = SourceGraph(partial(_graph, nodes, pairs), trust, groups, pairs, None, _no_items, about_margin, nodes)
    result = CheckResult(tables, rules, configs, settings, graph, run_settings)
    lap("rank")
    return DaskRun(_report_workspace(base, evidence, per), problems, result, seconds, n_claims)


def warm(client) -> list:
    """Have every worker do validation's one-time setup (the built-in gazetteer, pandera's
    backends) first, while the client sizes the claim files; the tasks' futures (held until
    the pieces are validated)."""
    from reconcile.validate.claims import prepare_validation

    return [client.submit(prepare_validation, workers=[w], pure=False) for w in client.scheduler_info()["workers"]]


def _part(result, p: int) -> pd.DataFrame:
    """A task: a piece's claims of partition ``p``."""
    return result.parts[p]


def _shared(result) -> pd.DataFrame:
    """A task: a piece's claims of the context properties."""
    return result.context


def _ids(result, p: int) -> pd.DataFrame:
    """A task: a piece's claim ids of partition ``p`` of the ids."""
    return result.ids[p]


def _problems_and_count(result) -> tuple[list, int]:
    """A task: a piece's problems and number of valid claims."""
    return result.problems, result.n_claims


def _add_problems(problems: Problems, reports: list[tuple[list, int]], duplicated: pd.DataFrame) -> None:
    """Add the pieces' problems (each once) and those of ids used in several pieces, which
    replace what the pieces said of those ids (each saw only its own uses)."""
    across = set(duplicated["key"]) if len(duplicated) else set()
    seen = set(problems.items)
    for found, _ in reports:
        for p in found:
            if p in seen or (p.code == "field_uniqueness" and p.column == "id" and str(p.claim_id) in across):
                continue
            seen.add(p)
            problems.extend([p])
    if len(duplicated):
        problems.extend(duplicate_problems(duplicated))


def _pinned_each(client, works: list) -> Callable[..., list]:
    """``each`` of :func:`reconcile.trust.blocks.graph_over_blocks` over the partitions
    ``works``: one task per worker, on the worker that holds them (a block keeps the state
    of the rounds, so it must not be copied to another worker), calling the method of each
    of its blocks; the results in the order of ``works``."""
    from distributed import wait

    wait(works)
    holders = client.who_has(works)
    by_worker: dict[str, list[int]] = {}
    for k, w in enumerate(works):
        by_worker.setdefault(sorted(holders[w.key])[0], []).append(k)

    def each(method: str, *args) -> list:
        lost = set(by_worker) - set(client.scheduler_info()["workers"])
        if lost:  # its blocks' state is gone with it: tasks pinned there would wait forever
            raise DaskEngineError(
                f"lost the worker{'s' if len(lost) > 1 else ''} {', '.join(sorted(lost))} during the rounds of trust",
                where="the Dask cluster",
                expected="workers that stay up: more memory per worker (--memory-limit) or more partitions (--partitions)",
            )
        futures = {
            worker: client.submit(
                call_blocks, method, args, *(works[k] for k in ks), pure=False, workers=[worker], allow_other_workers=False
            )
            for worker, ks in by_worker.items()
        }
        results: list = [None] * len(works)
        for worker, answers in zip(futures, client.gather(list(futures.values()))):
            for k, answer in zip(by_worker[worker], answers):
                results[k] = answer
        return results

    return each


def _no_items() -> pd.DataFrame:
    """The claims as items are not gathered by the Dask engine (no report of ``check`` reads them)."""
    raise NotImplementedError("the Dask engine does not gather the claims as items")


def _report_workspace(base: Workspace, claims: pd.DataFrame, per: pd.Series | None) -> Workspace:
    """The workspace the reports read: the claims the conflicts cite, in file and line
    order, and every source's number of claims (``per``)."""
    if len(claims):
        claims = claims.sort_values(["file", "line", "claim_id"], kind="stable").reset_index(drop=True)
    return Workspace(
        root=base.root,
        sources=base.sources,
        claims=claims,
        registry=base.registry,
        documents=base.documents,
        gazetteer=base.gazetteer,
        claim_counts=per,
    )


def default_partitions(n_claims: int, threads: int) -> int:
    """Partitions by default: twice the cluster's threads, or more so that a partition holds
    at most :data:`~reconcile.dask_engine.claim_files.MAX_PIECE_CLAIMS` claims (about), at
    most :data:`MAX_PARTITIONS`."""
    return min(max(2 * threads, -(-n_claims // MAX_PIECE_CLAIMS)), MAX_PARTITIONS)
