"""Helpers of the adversarial suite: workspaces to break, and the CLI run as a separate
process (as a user runs it: its own standard streams, exit code and signals).

Every case breaks a copy of the bundled workspace in one way and checks that reconcile
answers with exit 2 (or what it promises) and a message saying what and where, never a
traceback, a wait or a lost file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from ..conftest import ROOT

#: How long a run may take before the test calls it blocked.
TIMEOUT = float(os.environ.get("RECONCILE_TEST_TIMEOUT", "120"))


def run(
    *args: str | bytes | Path,
    env: dict[str, str] | None = None,
    user: list[str] | None = None,
    stdout: int | object = subprocess.PIPE,
    timeout: float = TIMEOUT,
) -> subprocess.CompletedProcess:
    """Run ``reconcile ARGS`` in a new process (``user``: a command prefix that runs it as
    another user); fail the test, instead of hanging, if it does not end in ``timeout``."""
    command = [*(user or []), sys.executable, "-m", "reconcile.cli", *map(_arg, args)]
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "CI": "1", **(env or {})}
    try:
        return subprocess.run(
            command, stdout=stdout, stderr=subprocess.PIPE, env=environment, cwd="/", timeout=timeout
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"`reconcile {' '.join(map(str, args))}` did not end within {timeout} s (blocked)")


def invoke(*args: str | Path) -> tuple[int, str]:
    """Run ``reconcile ARGS`` in this process (faster than :func:`run`; for cases that
    cannot block); the exit code and the output (standard output and error). An exception
    other than the exit is a traceback: the test fails with it."""
    from click.testing import CliRunner

    from reconcile.cli.commands import main

    result = CliRunner().invoke(main, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def _arg(value: str | bytes | Path) -> str | bytes:
    return os.fsencode(value) if isinstance(value, Path) else value


def text(result: subprocess.CompletedProcess) -> str:
    """Standard output and error of a run, decoded leniently."""
    return (result.stdout or b"").decode("utf-8", "replace") + (result.stderr or b"").decode("utf-8", "replace")


def assert_no_traceback(result: subprocess.CompletedProcess) -> None:
    assert b"Traceback" not in (result.stderr or b""), result.stderr.decode("utf-8", "replace")[-3000:]


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """A copy of the bundled workspace: claims, its settings and gate files, in folders
    anyone may read (mode 0755, files 0644), so that another user can run on it."""
    return make_workspace(tmp_path)


def make_workspace(parent: Path) -> Path:
    dest = Path(tempfile.mkdtemp(prefix="ws-", dir=parent))
    shutil.copytree(ROOT / "claims", dest / "claims")
    (dest / "reports").mkdir()
    shutil.copy(ROOT / "reports" / "baseline.json", dest / "reports" / "baseline.json")
    (dest / "reconcile.toml").write_text('baseline = true\nrule_folder = ""\n', encoding="utf-8")
    return dest


@pytest.fixture
def open_ws():
    """A copy of the bundled workspace that any user may read: in a fresh folder of /tmp,
    folders 0755 and files 0644 (pytest's own temporary folders are its owner's only)."""
    parent = Path(tempfile.mkdtemp(prefix="reconcile-adversarial-"))
    try:
        root = make_workspace(parent)
        for folder, _, names in os.walk(parent):
            os.chmod(folder, 0o755)
            for name in names:
                os.chmod(os.path.join(folder, name), 0o644)
        yield root
    finally:
        for folder, _, _ in os.walk(parent):
            os.chmod(folder, 0o755)
        shutil.rmtree(parent, ignore_errors=True)


def fingerprints(root: Path) -> list[str]:
    """The fingerprints of the workspace's conflicts (`reconcile check --format json`)."""
    result = run("check", root, "--no-baseline", "--format", "json")
    assert result.returncode in (0, 1), text(result)
    return [c["fingerprint"] for c in json.loads(result.stdout)["conflicts"]]


_NOBODY = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


@pytest.fixture(scope="session")
def as_nobody() -> list[str]:
    """The command prefix that runs the CLI as the user nobody; skip the test, saying
    why, when that is not possible (the tests do not run as root, or setpriv fails)."""
    if os.geteuid() != 0:
        pytest.skip("needs root to run the CLI as the user nobody (a non-root user could read its own files)")
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is missing: cannot run the CLI as the user nobody")
    probe = subprocess.run([*_NOBODY, sys.executable, "-c", "import reconcile.cli"], cwd="/",
                           env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"the user nobody cannot run reconcile here: {probe.stderr.decode(errors='replace')[-300:]}")
    return _NOBODY
