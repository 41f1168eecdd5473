"""End-to-end benchmark of `reconcile check` on generated workspaces (10k, 100k, 1M claims).

Run from the repository root::

    .venv/bin/python -m bench.harness                  # 10k, 100k and 1M claims
    .venv/bin/python -m bench.harness --sizes 10000     # a quick run
    .venv/bin/python -m bench.harness --repeat 3        # medians of three runs per size

Each size runs in a fresh subprocess so that peak memory (ru_maxrss) belongs to that run.
Stages: load (read sources, documents and Parquet claims), validate (type, resolve,
locate quotes), rules, graph (trust, dependence, suggestions), json (records and file).
Each is wall-clock time. As in ``reconcile check``, some work runs on a second core
(:mod:`reconcile.base.threads`): quotes are located during validation, and the source graph is
built while the rules run, so ``graph`` is what remains of it after them (with the ranking
and the suggestions). ``RECONCILE_THREADS=1`` runs everything in one thread.
The floor, measured in the same run on the same files, is a bare pandas read of the
Parquet claim files plus a group-by counting distinct values per (subject, property).
The table shows seconds per stage (wall clock), each stage's ratio to the floor, peak
memory, the CPU seconds of all threads (more than the wall clock where work overlapped),
and the growth factor from 100k to 1M claims.

Below the stages, ``command`` is ``reconcile check --no-baseline --format json --output``
as run from a shell, in a process of its own: the stages plus the interpreter's start
(imports) and exit, which the stages leave out. Its peak is the process's maximum RSS.

With ``--engine dask`` the harness measures the Dask engine instead (default sizes 1M and
10M claims) on a local cluster of ``--workers`` worker processes (default 2) of
``--memory-limit`` each (default 6GB), each size in a fresh process with a fresh cluster,
beside the in-process engine at 1M claims measured in the same run::

    .venv/bin/python -m bench.harness --engine dask                  # 1M and 10M claims
    .venv/bin/python -m bench.harness --engine dask --sizes 1000000  # 1M only

It prints the seconds of each stage (load: sources, registries, documents and the list of
claim files, on the client; validate: the claim files read and validated on the workers;
rules: the partitions gathered by subject and every rule run; graph: the rounds of trust;
rank: the conflicts ranked and joined; json: the report written by the client), the peak
memory (maximum RSS) of each worker and of the client, the time per million claims against
the in-process engine at 1M, and the growth from 1M to 10M claims, with the targets (a
worker's peak under its limit; within 2x of the in-process time per million; growth at
most 12x) marked met or not. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["run_stages", "run_dask_stages", "floor", "command", "main"]

CACHE = Path("/tmp/reconcile-bench")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_stages(root: Path, out_file: Path | None = None) -> dict:
    """Time each stage of `reconcile check` on the workspace at ``root``; the JSON report is
    written to ``out_file`` (default: ``conflicts.json`` in the workspace)."""
    from reconcile.detect.engine import run_rules
    from reconcile.trust.graph import build_source_graph
    from reconcile.trust.suggestions import rank_conflicts
    from reconcile.base.problems import Problems
    from reconcile.render.json_report import json_chunks
    from reconcile.detect.rulekit import RuleContext, discover_rules, load_config
    from reconcile.validate.claims import prepare_validation
    from reconcile.load.workspace import load_workspace
    from reconcile.trust.ranked import CheckResult
    from reconcile.base.threads import in_background, worth_a_thread
    from reconcile.base.yamlio import write_atomic

    out: dict = {"stages": {}}
    problems = Problems()

    def stage(name, fn):
        start, cpu = time.perf_counter(), time.process_time()
        value = fn()
        out["stages"][name] = {
            "seconds": time.perf_counter() - start,
            "cpu_seconds": time.process_time() - cpu,  # of all threads
            "peak_mb": _peak_mb(),
        }
        return value

    def load():
        # as in `reconcile check` (reconcile.pipeline.load): validation's one-time setup
        # runs in the background while the files are read
        return in_background(prepare_validation), load_workspace(root, problems)

    ready, raw = stage("load", load)

    ws = stage("validate", functools.partial(_validated, ready, raw, problems))
    del raw  # as in `reconcile check`, the raw claims are dropped once validated
    assert not problems.errors, [p.render() for p in problems.errors[:5]]

    def rules():
        # as in `reconcile check`, the source graph is built in the background during the rules
        pending = in_background(build_source_graph, ws.claims, ws.sources, wanted=worth_a_thread(len(ws.claims)))
        found = discover_rules(ws.root, problems)
        configs, settings = load_config(ws.root, found, problems)
        ctx = RuleContext(ws.registry, ws.sources, ws.claims, ws.gazetteer.label)
        return run_rules(ws.claims, ctx, found, configs, problems, ws.claim_index), found, configs, settings, pending

    conflicts, found, configs, settings, pending = stage("rules", rules)

    def graph():
        sg = pending.result()
        ranked = rank_conflicts(conflicts, ws.claims, sg, ws.claim_index)
        ranked.conflicts["status"] = "new"
        return sg, ranked

    sg, ranked = stage("graph", graph)

    def to_json():
        result = CheckResult(ranked, found, configs, settings, sg)
        write_atomic(out_file or root / "conflicts.json", json_chunks(result, ws, ranked.conflicts))
        return len(ranked)

    out["conflicts"] = stage("json", to_json)
    out["claims"] = int(len(ws.claims))
    return out


def run_dask_stages(root: Path, workers: int, memory_limit: str, out_file: Path | None = None) -> dict:
    """``reconcile check --engine dask`` on the workspace at ``root`` on a fresh local cluster
    of ``workers`` processes of ``memory_limit`` each: the seconds of each stage, the peak
    memory of each worker and of this process (the client), and the numbers of claims and
    conflicts. The JSON report is written to ``out_file`` (default: ``conflicts-dask.json``
    in the workspace)."""
    from reconcile.base.yamlio import write_atomic
    from reconcile.dask_engine import ClusterOptions, dask_client, run_dask
    from reconcile.render.json_report import json_chunks

    options = ClusterOptions(workers=workers, memory_limit=memory_limit)
    start = time.perf_counter()
    with dask_client(options) as client:
        started = time.perf_counter() - start
        done = run_dask(root, options, client=client)
        assert not done.problems.errors, [p.render() for p in done.problems.errors[:5]]
        peaks = client.run(_peak_mb)
        limits = {w: info["memory_limit"] / 2**20 for w, info in client.scheduler_info()["workers"].items()}
    clock = time.perf_counter()
    # as run_stages writes it (without the gate's section), so that the two reports compare byte for byte
    write_atomic(out_file or root / "conflicts-dask.json", json_chunks(done.result, done.ws, done.result.conflicts))
    stages = {"cluster": started, **done.seconds, "json": time.perf_counter() - clock}
    return {
        "stages": stages,
        "worker_peak_mb": sorted(peaks.values()),
        "worker_limit_mb": sorted(limits.values()),
        "client_peak_mb": _peak_mb(),
        "claims": done.n_claims,
        "conflicts": int(len(done.result.conflicts)),
    }


def _validated(ready, raw, problems):
    """``validate(raw, problems)`` once validation's setup (``ready``) is done."""
    from reconcile.validate.claims import validate

    ready.result()
    return validate(raw, problems)


def floor(root: Path) -> dict:
    """Bare pandas: read the Parquet claim files, count distinct values per key."""
    import pandas as pd

    start = time.perf_counter()
    frame = pd.concat([pd.read_parquet(p) for p in sorted((root / "claims" / "captured").glob("*.parquet"))])
    distinct = frame.groupby(["subject", "property"])["value"].nunique()
    return {"seconds": time.perf_counter() - start, "keys": int(len(distinct)), "peak_mb": _peak_mb()}


def command(root: Path) -> dict:
    """``reconcile check`` on ``root`` as users run it, in a fresh interpreter writing its
    JSON report to a temporary file: wall-clock seconds from start to exit, and the maximum
    RSS of that process (from ``wait4``, so no other process counts)."""
    with tempfile.TemporaryDirectory(prefix="reconcile-command-") as tmp:
        args = [sys.executable, "-m", "reconcile.cli", "--no-progress", "check", str(root), "--no-baseline",
                "--format", "json", "--output", str(Path(tmp) / "conflicts.json")]
        with open(Path(tmp) / "stderr.txt", "w+", encoding="utf-8") as err:
            start = time.perf_counter()
            proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - start
            proc.returncode = code = os.waitstatus_to_exitcode(status)
            if code not in (0, 1):  # 1: new conflicts, as expected without a baseline
                err.seek(0)
                raise RuntimeError(f"reconcile check exited with {code}: {err.read()[-2000:]}")
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024.0}


def _median_floor(floors: list[dict]) -> dict:
    """The floor of median seconds (peak memory: the highest)."""
    return {"seconds": statistics.median(f["seconds"] for f in floors), "peak_mb": max(f["peak_mb"] for f in floors)}


def _median_run(runs: list[dict]) -> dict:
    """Each stage's median seconds over ``runs`` (peak memory: the highest)."""
    stages = {
        name: {
            "seconds": statistics.median(r["stages"][name]["seconds"] for r in runs),
            "cpu_seconds": statistics.median(r["stages"][name]["cpu_seconds"] for r in runs),
            "peak_mb": max(r["stages"][name]["peak_mb"] for r in runs),
        }
        for name in runs[0]["stages"]
    }
    return {**runs[0], "stages": stages}


def _subprocess(args: list[str]) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.harness", *args], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", help="claims (default: 10k, 100k, 1M; with --engine dask 1M, 10M)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; the table shows medians")
    parser.add_argument("--out", type=Path, help="directory for the JSON reports (conflicts-N.json); default: each workspace")
    parser.add_argument("--engine", choices=["inprocess", "dask"], default="inprocess",
                        help="dask: the Dask engine on a local cluster, beside the in-process engine at 1M claims")
    parser.add_argument("--workers", type=int, default=2, help="--engine dask: worker processes")
    parser.add_argument("--memory-limit", default="6GB", help="--engine dask: memory limit of each worker")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--one-dask", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--one-out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--floor", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one_dask:
        print(json.dumps(run_dask_stages(args.one_dask, args.workers, args.memory_limit, args.one_out)))
        return 0
    if args.engine == "dask":
        return _dask_main(args)
    args.sizes = args.sizes or [10_000, 100_000, 1_000_000]
    if args.one:
        print(json.dumps(run_stages(args.one, args.one_out)))
        return 0
    if args.floor:
        print(json.dumps(floor(args.floor)))
        return 0
    from .generate_workspace import generate_workspace

    rows = {}
    for n in args.sizes:
        root = CACHE / f"ws-{n}"
        if not (root / "manifest.json").is_file():
            generate_workspace(root, n, seed=1)
        one = ["--one", str(root)]
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            one += ["--one-out", str(args.out / f"conflicts-{n}.json")]
        floors, runs, commands = [], [], []
        for _ in range(args.repeat):  # floor, stages and command alternate: all see the same machine
            floors.append(_subprocess(["--floor", str(root)]))
            runs.append(_subprocess(one))
            commands.append(command(root))
        fl, run = _median_floor(floors), _median_run(runs)
        cmd = {"seconds": statistics.median(c["seconds"] for c in commands), "peak_mb": max(c["peak_mb"] for c in commands)}
        rows[n] = (fl, run)
        total = sum(s["seconds"] for s in run["stages"].values())
        print(f"\n{run['claims']:,} claims ({n:,} asked), {run['conflicts']:,} conflicts; floor {fl['seconds']:.3f} s "
              f"(peak {fl['peak_mb']:.0f} MB)")
        if args.repeat > 1:
            totals = [sum(s["seconds"] for s in r["stages"].values()) for r in runs]
            ratios = sorted(t / f["seconds"] for t, f in zip(totals, floors))
            totals.sort()
            print(f"  medians of {args.repeat} runs; totals {totals[0]:.3f}-{totals[-1]:.3f} s, "
                  f"floors {min(f['seconds'] for f in floors):.3f}-{max(f['seconds'] for f in floors):.3f} s, "
                  f"run by run {ratios[0]:.1f}-{ratios[-1]:.1f}x floor")
        print(f"  {'stage':10} {'seconds':>8} {'x floor':>8} {'peak MB':>8} {'CPU s':>8}")
        for name, s in run["stages"].items():
            print(f"  {name:10} {s['seconds']:8.3f} {s['seconds'] / fl['seconds']:8.1f} {s['peak_mb']:8.0f} {s['cpu_seconds']:8.3f}")
        cpu = sum(s["cpu_seconds"] for s in run["stages"].values())
        print(f"  {'total':10} {total:8.3f} {total / fl['seconds']:8.1f} {'':8} {cpu:8.3f}   "
              f"validation share {run['stages']['validate']['seconds'] / total:.0%}")
        print(f"  {'command':10} {cmd['seconds']:8.3f} {cmd['seconds'] / fl['seconds']:8.1f} {cmd['peak_mb']:8.0f} {'':8}   "
              "reconcile check --format json --output: interpreter start and exit included")
    if 100_000 in rows and 1_000_000 in rows:
        t100 = sum(s["seconds"] for s in rows[100_000][1]["stages"].values())
        t1m = sum(s["seconds"] for s in rows[1_000_000][1]["stages"].values())
        print(f"\ngrowth from 100k to 1M claims: {t1m / t100:.1f}x (linear: 10x)")
    return 0


def _workspace(n: int) -> Path:
    """The generated workspace of ``n`` claims (generated once, then cached)."""
    from .generate_workspace import generate_workspace

    root = CACHE / f"ws-{n}"
    if not (root / "manifest.json").is_file():
        generate_workspace(root, n, seed=1)
    return root


def _dask_main(args: argparse.Namespace) -> int:
    """The Dask engine at each size, beside the in-process engine at 1M claims."""
    sizes = args.sizes or [1_000_000, 10_000_000]
    reference = _subprocess(["--one", str(_workspace(1_000_000))])
    ref_total = sum(s["seconds"] for s in reference["stages"].values())
    ref_per_million = ref_total / (reference["claims"] / 1e6)
    print(f"in-process engine, {reference['claims']:,} claims: {ref_total:.1f} s "
          f"({ref_per_million:.1f} s per million claims), peak {max(s['peak_mb'] for s in reference['stages'].values()):.0f} MB")
    print("  " + ", ".join(f"{k} {v['seconds']:.1f}" for k, v in reference["stages"].items()))
    rows = {}
    for n in sizes:
        root = _workspace(n)
        one = ["--one-dask", str(root), "--workers", str(args.workers), "--memory-limit", args.memory_limit]
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            one += ["--one-out", str(args.out / f"conflicts-dask-{n}.json")]
        try:
            run = _subprocess(one)
        except subprocess.CalledProcessError as exc:
            print(f"\nDask engine, {n:,} claims: FAILED ({args.workers} workers of {args.memory_limit}):\n"
                  + "\n".join(exc.stderr.strip().splitlines()[-8:]))
            continue
        rows[n] = run
        total = sum(run["stages"].values())
        per_million = total / (run["claims"] / 1e6)
        limit = max(run["worker_limit_mb"])
        peak = max(run["worker_peak_mb"])
        print(f"\nDask engine, {run['claims']:,} claims ({n:,} asked), {run['conflicts']:,} conflicts; "
              f"{args.workers} workers of {limit:.0f} MB each")
        print(f"  {'stage':10} {'seconds':>8}")
        for name, seconds in run["stages"].items():
            print(f"  {name:10} {seconds:8.1f}")
        print(f"  {'total':10} {total:8.1f}   {per_million:.1f} s per million claims: "
              f"{per_million / ref_per_million:.2f}x the in-process engine at 1M (target <= 2x: "
              f"{'met' if per_million <= 2 * ref_per_million else 'not met'})")
        print(f"  peak memory per worker: {', '.join(f'{p:.0f} MB' for p in run['worker_peak_mb'])} "
              f"(limit {limit:.0f} MB: {'under' if peak < limit else 'NOT under'}); client {run['client_peak_mb']:.0f} MB")
    if 1_000_000 in rows and 10_000_000 in rows:
        growth = sum(rows[10_000_000]["stages"].values()) / sum(rows[1_000_000]["stages"].values())
        print(f"\ngrowth from 1M to 10M claims: {growth:.1f}x (target <= 12x: {'met' if growth <= 12 else 'not met'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
