"""`reconcile check` of this working tree against an earlier revision, side by side.

Run from the repository root::

    .venv/bin/python -m bench.compare_revisions --rev 75878a5                  # 100k and 1M claims
    .venv/bin/python -m bench.compare_revisions --rev HEAD~3 --sizes 20000 --repeat 3

The earlier revision is exported with ``git archive`` into a temporary folder (its
``rules/`` placed as the package ``reconcile.builtin_rules``, as an install does) and run with
the same interpreter and libraries, on the same generated workspaces
(``bench/generate_workspace.py``, cached in ``/tmp/reconcile-bench``). Both run
``reconcile check --no-baseline --format json --output FILE`` in a fresh process of their
own, one after the other, ``--repeat`` times; the table shows the median wall-clock seconds,
the highest peak memory (the process's maximum RSS, from ``wait4``), the ratio of the two,
and whether the two JSON reports are byte-identical.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

__all__ = ["export_revision", "run_check", "main"]

CACHE = Path("/tmp/reconcile-bench")
ROOT = Path(__file__).resolve().parents[1]


def export_revision(rev: str, into: Path) -> Path:
    """The package of revision ``rev`` as an importable folder under ``into``: ``reconcile/``
    with the revision's ``rules/`` as ``reconcile/builtin_rules``. Returns the folder to put
    on ``PYTHONPATH``."""
    archive = subprocess.run(["git", "archive", rev, "reconcile", "rules"], cwd=ROOT, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    shutil.move(str(into / "rules"), str(into / "reconcile" / "builtin_rules"))
    return into


def run_check(root: Path, out: Path, pythonpath: Path | None) -> dict:
    """``reconcile check`` on ``root`` in a fresh interpreter (with ``pythonpath`` first on
    the path, if given): wall-clock seconds, peak RSS in MB, and the SHA-256 of the report."""
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    args = [sys.executable, "-m", "reconcile.cli", "--no-progress", "check", str(root), "--no-baseline",
            "--format", "json", "--output", str(out)]
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                            cwd=pythonpath or ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise RuntimeError(f"reconcile check exited with {code}: {proc.stderr.read().decode()[-2000:]}")
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024.0, "sha256": digest}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", required=True, help="the earlier revision (a commit, tag or branch)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    from .generate_workspace import generate_workspace

    print(f"{'claims':>10}  {'before s':>9}  {'after s':>8}  {'ratio':>6}  {'before MB':>9}  {'after MB':>8}  same JSON")
    with tempfile.TemporaryDirectory(prefix="reconcile-rev-") as tmp:
        earlier = export_revision(args.rev, Path(tmp) / "rev")
        for n in args.sizes:
            root = CACHE / f"ws-{n}"
            if not (root / "manifest.json").is_file():
                generate_workspace(root, n, seed=1)
            runs: dict[str, list[dict]] = {"before": [], "after": []}
            for _ in range(args.repeat):
                runs["before"].append(run_check(root, Path(tmp) / "before.json", earlier))
                runs["after"].append(run_check(root, Path(tmp) / "after.json", None))
            before = statistics.median(r["seconds"] for r in runs["before"])
            after = statistics.median(r["seconds"] for r in runs["after"])
            same = {r["sha256"] for r in runs["before"]} == {r["sha256"] for r in runs["after"]}
            print(
                f"{n:>10,}  {before:>9.2f}  {after:>8.2f}  {after / before:>6.2f}  "
                f"{max(r['peak_mb'] for r in runs['before']):>9.0f}  {max(r['peak_mb'] for r in runs['after']):>8.0f}  "
                f"{'yes' if same else 'NO'}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
