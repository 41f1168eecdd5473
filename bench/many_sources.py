"""Benchmark of many small sources (issue 18): `reconcile check --format json` on workspaces of
1,000, 5,000 and 20,000 sources stating 2 claims each, one in seven of them (14%) declaring
``derived_from`` another, beside a baseline of the same claims spread over 50 sources.

Run from the repository root::

    .venv/bin/python -m bench.many_sources                        # 1k, 5k and 20k sources
    .venv/bin/python -m bench.many_sources --sizes 5000 --repeat 3

Both workspaces of a size come from :func:`bench.generate_workspace.generate_many_sources`
with the same number of claims and of keys (each key stated by about 5 sources), so the
number of pairs of sources sharing a key is about the same: what differs is the number of
sources. The baseline's share of derived sources is the same. Workspaces are cached under
``/tmp/reconcile-bench``.

For each workspace, in processes of their own (as :mod:`bench.harness` runs them): the stages
of `reconcile check` (load, validate, rules, graph, json: wall-clock seconds and the peak
memory of the process at the end of each), and ``command``, `reconcile check --no-baseline
--format json --output` as run from a shell, interpreter start and exit included (its peak
is the process's maximum RSS). The ratio is many sources over the baseline. Runs alternate
between the two workspaces, so both see the same machine; ``--repeat`` gives medians.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

from .generate_workspace import generate_many_sources
from .harness import CACHE, command

__all__ = ["workspace", "measure", "main"]

#: The stages of :func:`bench.harness.run_stages`, in order.
STAGES = ["load", "validate", "rules", "graph", "json"]


def workspace(n_sources: int, n_claims: int, derived_share: float, sources_per_key: float, seed: int = 1) -> Path:
    """The cached workspace of ``n_claims`` claims over ``n_sources`` sources (written if missing)."""
    per_source = max(1, round(n_claims / n_sources))
    derived = round(n_sources * derived_share)
    root = CACHE / f"many-{n_sources}x{per_source}-d{derived}-k{sources_per_key:g}-s{seed}"
    if not (root / "manifest.json").is_file():
        generate_many_sources(root, n_sources, per_source, derived=derived, sources_per_key=sources_per_key, seed=seed)
    return root


def _stages(root: Path, timeout: float) -> dict | None:
    """:func:`bench.harness.run_stages` on ``root`` in a fresh interpreter (None: over ``timeout``)."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bench.harness", "--one", str(root), "--one-out", str(root / "conflicts.json")],
            capture_output=True, text=True, check=True, timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(root: Path, timeout: float) -> dict | None:
    """The stages and the command on ``root``: seconds, CPU seconds and peak MB (None: over ``timeout``)."""
    run = _stages(root, timeout)
    if run is None:
        return None
    cmd = command(root)
    return {
        "claims": run["claims"],
        "conflicts": run["conflicts"],
        **{name: run["stages"][name] for name in STAGES},
        "total": {
            "seconds": sum(run["stages"][s]["seconds"] for s in STAGES),
            "cpu_seconds": sum(run["stages"][s]["cpu_seconds"] for s in STAGES),
            "peak_mb": max(run["stages"][s]["peak_mb"] for s in STAGES),
        },
        "command": {"seconds": cmd["seconds"], "cpu_seconds": float("nan"), "peak_mb": cmd["peak_mb"]},
    }


def _median(runs: list[dict]) -> dict:
    """Median seconds per row over ``runs``; peak memory: the highest."""
    rows = [k for k in runs[0] if isinstance(runs[0][k], dict)]
    out = {k: v for k, v in runs[0].items() if not isinstance(v, dict)}
    for k in rows:
        out[k] = {
            "seconds": statistics.median(r[k]["seconds"] for r in runs),
            "cpu_seconds": statistics.median(r[k]["cpu_seconds"] for r in runs),
            "peak_mb": max(r[k]["peak_mb"] for r in runs),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 5_000, 20_000], help="numbers of sources")
    parser.add_argument("--claims-per-source", type=int, default=2)
    parser.add_argument("--derived-share", type=float, default=1 / 7, help="share of sources declaring derived_from (1/7: 714 of 5,000)")
    parser.add_argument("--baseline-sources", type=int, default=50)
    parser.add_argument("--sources-per-key", type=float, default=5.0)
    parser.add_argument("--repeat", type=int, default=1, help="runs per workspace; the table shows medians")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds before a run is given up")
    parser.add_argument("--json", type=Path, help="also write the measurements to this file")
    args = parser.parse_args(argv)

    results = {}
    for n in args.sizes:
        n_claims = n * args.claims_per_source
        many = workspace(n, n_claims, args.derived_share, args.sources_per_key)
        base = workspace(args.baseline_sources, n_claims, args.derived_share, args.sources_per_key)
        many_runs, base_runs = [], []
        for _ in range(args.repeat):  # alternating: both see the same machine
            base_runs.append(measure(base, args.timeout))
            many_runs.append(measure(many, args.timeout))
        m = None if None in many_runs else _median(many_runs)
        b = None if None in base_runs else _median(base_runs)
        results[n] = {"many": m, "baseline": b, "workspace": str(many), "baseline_workspace": str(base)}
        manifest = json.loads((many / "manifest.json").read_text(encoding="utf-8"))
        print(f"\n{n:,} sources x {args.claims_per_source} claims ({manifest['n_claims']:,} claims, "
              f"{len(manifest['copiers']):,} derived_from) against {args.baseline_sources} sources "
              f"with the same claims" + (f"; medians of {args.repeat} runs" if args.repeat > 1 else ""))
        if m is None or b is None:
            which = "many sources" if m is None else "baseline"
            print(f"  {which}: not finished within {args.timeout:.0f} s")
            continue
        print(f"  {m['conflicts']:,} conflicts (baseline {b['conflicts']:,})")
        print(f"  {'stage':10} {'seconds':>8} {'baseline':>8} {'ratio':>6}   {'peak MB':>8} {'baseline':>8} {'ratio':>6}")
        for name in [*STAGES, "total", "command"]:
            s, t = m[name], b[name]
            print(f"  {name:10} {s['seconds']:8.2f} {t['seconds']:8.2f} {s['seconds'] / max(t['seconds'], 1e-9):6.1f}"
                  f"   {s['peak_mb']:8.0f} {t['peak_mb']:8.0f} {s['peak_mb'] / max(t['peak_mb'], 1e-9):6.2f}")
        print(f"  {'CPU s':10} {m['total']['cpu_seconds']:8.2f} {b['total']['cpu_seconds']:8.2f} "
              f"{m['total']['cpu_seconds'] / max(b['total']['cpu_seconds'], 1e-9):6.1f}   (all stages, all threads)")
    done = [n for n in args.sizes if results[n]["many"] is not None]
    if len(done) > 1:
        lo, hi = done[0], done[-1]
        growth = results[hi]["many"]["command"]["seconds"] / results[lo]["many"]["command"]["seconds"]
        print(f"\ngrowth from {lo:,} to {hi:,} sources: {growth:.1f}x (linear: {hi / lo:.0f}x)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
