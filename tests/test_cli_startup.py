"""`reconcile --help`, `--version` and usage errors answer without loading the engine."""

from __future__ import annotations

import subprocess
import sys


def test_cli_module_does_not_import_pandas() -> None:
    """The engine's libraries (pandas, pandera, pyarrow: some 0.6 s) are imported by the
    commands that use them, not by the command line's module."""
    code = (
        "import sys, reconcile.cli.commands\n"
        "heavy = sorted(m for m in ('pandas', 'pandera', 'pyarrow', 'networkx') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_help_lists_the_commands() -> None:
    out = subprocess.run([sys.executable, "-m", "reconcile.cli", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    for command in ("validate", "check", "report", "graph", "baseline", "rules", "decide"):
        assert command in out.stdout
