"""The pipeline as Python callers use it (reconcile.pipeline.run): the same conflicts and
statuses as `reconcile check`, and a stop at the first stage with errors."""

from __future__ import annotations

import json

from click.testing import CliRunner

from reconcile.cli.commands import main
from reconcile.pipeline import gate, record_baseline, run

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


def test_the_readme_example_runs(monkeypatch):
    """The Python API example of the README is a doctest, run on the bundled workspace."""
    import doctest

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1].split("\n## ", 1)[0]
    example = section.split("```python\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(ROOT)
    test = doctest.DocTestParser().get_doctest(example, {}, "README.md: Python API", "README.md", 0)
    assert len(test.examples) >= 5
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0


def test_run_until_graph_builds_the_graph_without_the_rules():
    checked = run(ROOT, until="graph")
    assert checked.result is None and checked.state is None and checked.graph is not None
    assert checked.run_settings.about_margin == run(ROOT, until="conflicts").graph.about_margin
    assert set(checked.graph.trust.index) == set(checked.ws.sources["source"])


def test_run_until_conflicts_stops_before_the_gate():
    checked = run(ROOT, until="conflicts")
    assert checked.result is not None and checked.state is None and checked.decisions is None
    gate(checked, baseline=True)
    assert set(checked.state.conflicts["status"]) == {"baseline"} and checked.baseline is not None


def test_an_unknown_stage_is_refused():
    import pytest

    with pytest.raises(ValueError, match="until must be one of graph, conflicts, gate"):
        run(ROOT, until="render")


def test_record_baseline_writes_what_the_command_writes(tmp_path, corpus_copy):
    """The gate writer of `reconcile baseline`, called from Python: the same file, and what
    changed; a second run adds nothing."""
    import shutil

    other = tmp_path / "other"
    shutil.copytree(corpus_copy, other)
    assert CliRunner().invoke(main, ["baseline", str(other)]).exit_code == 0
    update = record_baseline(run(corpus_copy, until="conflicts"))
    assert update is not None and len(update.added) == len(update.entries) == 10
    assert update.summary().startswith("reports/baseline.json: 10 entries (10 added,")
    written = (corpus_copy / "reports" / "baseline.json").read_text(encoding="utf-8")
    assert written == (other / "reports" / "baseline.json").read_text(encoding="utf-8")
    again = record_baseline(run(corpus_copy, until="conflicts"), prune=True)
    assert again.added == [] and again.stale == [] and len(again.entries) == 10
    assert again.summary() == "reports/baseline.json: 10 entries (0 added, 0 followed to a new fingerprint, 0 stale removed)."


def test_record_baseline_writes_nothing_for_an_invalid_run(corpus_copy):
    (corpus_copy / "reports").mkdir()
    (corpus_copy / "reports" / "decisions.yaml").write_text("decisions: [1\n", encoding="utf-8")
    checked = run(corpus_copy, until="conflicts")
    assert record_baseline(checked) is None and checked.problems.errors
    assert not (corpus_copy / "reports" / "baseline.json").exists()
