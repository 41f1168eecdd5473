"""Gate files under concurrency and interruption: every decision kept, no temporary file
left for good, a report never half old and half new."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reconcile.gate.state import read_decisions
from reconcile.base.problems import Problems

from ..conftest import ROOT
from .conftest import TIMEOUT, fingerprints, run, text


def test_ten_parallel_decide_runs_keep_all_ten_decisions(ws):
    fps = fingerprints(ws)[:10]
    assert len(set(fps)) == 10
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CI": "1"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "reconcile.cli", "decide", fp, "--verdict", "accepted", "--note", f"n{i}", "-w", str(ws)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        for i, fp in enumerate(fps)
    ]
    outputs = [p.communicate(timeout=TIMEOUT) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0 and b"recorded accepted" in out, err.decode(errors="replace")
    problems = Problems()
    decisions = read_decisions(ws, problems)
    assert not problems.errors
    assert sorted(decisions) == sorted(fps)
    assert {d["note"] for d in decisions.values()} == {f"n{i}" for i in range(10)}


def test_parallel_baseline_and_decide_leave_both_files_whole(ws):
    (ws / "reports" / "baseline.json").unlink()
    fp = fingerprints(ws)[0]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CI": "1"}
    commands = [["baseline", str(ws)]] * 2 + [["decide", fp, "--verdict", "accepted", "-w", str(ws)]] * 2
    procs = [
        subprocess.Popen([sys.executable, "-m", "reconcile.cli", *c], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        for c in commands
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=TIMEOUT)
        assert proc.returncode == 0, err.decode(errors="replace")
    result = run("check", ws, "--baseline")
    assert result.returncode == 0, text(result)
    assert [p.name for p in (ws / "reports").iterdir() if p.name.startswith(".")] == []


# A run killed by SIGKILL at the worst moment: after its temporary files are written, at
# the first rename. The wrapper is the real CLI with os.replace made to kill its process.
_KILLED_AT_RENAME = """
import os, signal, sys
os.replace = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
from reconcile.cli.commands import main
main(sys.argv[1:])
"""


def _killed(*args: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CI": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", _KILLED_AT_RENAME, *args], env=env, capture_output=True, timeout=TIMEOUT
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode(errors="replace")


def _temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize(
    "command, written",
    [
        (["baseline"], ["baseline.json"]),
        (["report"], ["index.html", "report.json", "summary.md"]),
    ],
    ids=["baseline", "report"],
)
def test_a_killed_run_leaves_temporaries_the_next_run_removes(ws, command, written):
    reports = ws / "reports"
    before = {name: (reports / name).read_bytes() if (reports / name).exists() else None for name in written}
    _killed(*command, str(ws))
    from reconcile.base import files

    left = _temporaries(reports)
    assert left and all(files.TEMPORARY.match(name) for name in left), left
    assert {name: (reports / name).read_bytes() if (reports / name).exists() else None for name in written} == before
    mine = reports / ".notes.tmp"  # not the tool's: kept
    mine.write_text("keep me", encoding="utf-8")
    time.sleep(0.05)
    result = run(*command, ws)
    assert result.returncode == 0, text(result)
    assert _temporaries(reports) == [".notes.tmp"]


def test_a_report_that_fails_midway_leaves_the_previous_set(ws, runner, monkeypatch):
    from reconcile.cli.commands import main
    from reconcile.render import markdown

    assert runner.invoke(main, ["report", str(ws)]).exit_code == 0
    reports = ws / "reports"
    before = {name: (reports / name).read_bytes() for name in ("index.html", "report.json", "summary.md")}

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt("stopped while writing the summary")

    monkeypatch.setattr(markdown, "render_markdown", interrupted)
    runner.invoke(main, ["report", str(ws), "--no-baseline"])  # a report.json that would differ
    assert {name: (reports / name).read_bytes() for name in before} == before
    assert _temporaries(reports) == []


def test_the_report_renames_index_html_last(ws, runner, monkeypatch):
    from reconcile.base import yamlio
    from reconcile.cli.commands import main

    order: list[str] = []
    real_replace = os.replace

    def replace(src, dst):
        order.append(Path(dst).name)
        real_replace(src, dst)

    monkeypatch.setattr(yamlio.os, "replace", replace)
    assert runner.invoke(main, ["report", str(ws)]).exit_code == 0
    assert order == ["report.json", "summary.md", "conflicts.csv", "conflict_claims.csv", "index.html"]
