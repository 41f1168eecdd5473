"""The pipeline as Python callers use it (reconcile.pipeline.run): the same conflicts and
statuses as `reconcile check`, and a stop at the first stage with errors."""

from __future__ import annotations

import json

from click.testing import CliRunner

from reconcile.cli.commands import main
from reconcile.pipeline import run

from .conftest import ROOT


def test_run_gives_what_check_prints():
    checked = run(ROOT, baseline=True)
    assert checked.state is not None and not checked.problems.errors
    report = json.loads(CliRunner().invoke(main, ["check", str(ROOT), "--format", "json", "--baseline"]).stdout)
    want = {(c["fingerprint"], c["status"]) for c in report["conflicts"]}
    assert set(zip(checked.state.conflicts["fingerprint"], checked.state.conflicts["status"])) == want
    assert checked.use_baseline and checked.baseline is not None


def test_run_stops_before_the_gate_on_errors(tmp_path):
    root = tmp_path / "ws"
    assert CliRunner().invoke(main, ["init", str(root)]).exit_code == 0
    (root / "claims" / "sources.yaml").write_text("sources: [{id: 1}]\n", encoding="utf-8")
    checked = run(root)
    assert checked.problems.errors and checked.state is None and checked.result is None
