"""Baseline and decisions files: edits keep comments, writes are atomic, verdicts apply."""

from __future__ import annotations

import json

import pytest

from reconcile.base import yamlio
from reconcile.cli.commands import main

from .conftest import check_json

STATUS_FP = "7ed7f1083810f777"  # Uzbekistan 2012: suspended or withdrawn
MINOR_FP = "c686bb17d622647e"  # peacekeeping forces 3,600 or 3,500


@pytest.fixture
def ws(corpus_copy):
    return corpus_copy


def _json(runner, root, *extra):
    return check_json(runner, root, *extra)


def test_decide_keeps_comments_and_order(runner, ws):
    path = ws / "reports" / "decisions.yaml"
    path.parent.mkdir()
    path.write_text(
        "# Editors' decisions — keep this comment\n"
        "decisions:\n"
        "  - fingerprint: 33428fcfc39177c3  # founders\n"
        "    verdict: accepted\n"
        "    note: both founding lists are quoted\n"
        "  - fingerprint: 95b66aaa1a0511cc\n"
        "    verdict: accepted\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["decide", STATUS_FP, "--verdict", "resolved", "--side", "withdrawn", "--note", "left", "--by", "ed", "-w", str(ws)])
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Editors' decisions — keep this comment\n")
    assert "# founders" in text
    assert text.index("33428fcfc39177c3") < text.index("95b66aaa1a0511cc") < text.index(STATUS_FP)
    _, data = _json(runner, ws)
    (c,) = [c for c in data["conflicts"] if c["fingerprint"] == STATUS_FP]
    assert c["status"] == "resolved" and c["decision"]["side"] == "withdrawn" and c["decision"]["by"] == "ed"


def test_false_positive_silences_and_accepted_does_not_fail(runner, ws):
    for fp, extra in ((MINOR_FP, ["--reason", "one estimate rounded two ways"]),):
        assert runner.invoke(main, ["decide", fp, "--verdict", "false-positive", *extra, "-w", str(ws)]).exit_code == 0
    _, data = _json(runner, ws)
    assert MINOR_FP not in {c["fingerprint"] for c in data["conflicts"]}
    assert data["gate"]["silenced"] == [MINOR_FP]
    fps = [c["fingerprint"] for c in data["conflicts"]]
    for fp in fps:
        runner.invoke(main, ["decide", fp, "--verdict", "accepted", "-w", str(ws)])
    result, data = _json(runner, ws)
    assert result.exit_code == 0 and {c["status"] for c in data["conflicts"]} == {"accepted"}


def test_decisions_without_a_conflict_are_reported(runner, ws):
    path = ws / "reports" / "decisions.yaml"
    path.parent.mkdir()
    path.write_text("decisions:\n  - fingerprint: 00000000000000ff\n    verdict: accepted\n", encoding="utf-8")
    result = runner.invoke(main, ["check", str(ws)])
    assert "reports/decisions.yaml:2: decision for 00000000000000ff has no conflict any more" in result.stderr


def test_bad_decisions_are_invalid_input(runner, ws):
    path = ws / "reports" / "decisions.yaml"
    path.parent.mkdir()
    path.write_text("decisions:\n  - fingerprint: abc\n    verdict: maybe\n", encoding="utf-8")
    result = runner.invoke(main, ["check", str(ws)])
    assert result.exit_code == 2 and "reports/decisions.yaml:2" in result.output and "unknown verdict 'maybe'" in result.output


def test_decide_rejects_unknown_fingerprints_and_sides(runner, ws):
    assert runner.invoke(main, ["decide", "ffffffffffffffff", "--verdict", "accepted", "-w", str(ws)]).exit_code == 2
    bad_side = runner.invoke(main, ["decide", STATUS_FP, "--verdict", "resolved", "--side", "observer", "-w", str(ws)])
    assert bad_side.exit_code == 2 and "not a side" in bad_side.output
    assert runner.invoke(main, ["decide", STATUS_FP, "--verdict", "false-positive", "-w", str(ws)]).exit_code == 2
    assert not (ws / "reports" / "decisions.yaml").exists()


@pytest.mark.parametrize("command", [["baseline"], ["decide", STATUS_FP, "--verdict", "accepted"]])
def test_an_interrupted_write_leaves_the_previous_file_intact(runner, ws, monkeypatch, command):
    reports = ws / "reports"
    reports.mkdir()
    target = reports / ("baseline.json" if command[0] == "baseline" else "decisions.yaml")
    before = '{"version": 1, "conflicts": []}\n' if command[0] == "baseline" else "# mine\ndecisions: []\n"
    target.write_text(before, encoding="utf-8")

    def interrupted(src, dst):
        raise KeyboardInterrupt("simulated interruption")

    monkeypatch.setattr(yamlio.os, "replace", interrupted)
    args = [*command, str(ws)] if command[0] == "baseline" else [*command, "-w", str(ws)]
    runner.invoke(main, args)
    assert target.read_text(encoding="utf-8") == before
    assert [p.name for p in reports.iterdir()] == [target.name]  # no temporary file left


def test_baseline_is_sorted_and_stable(runner, ws):
    runner.invoke(main, ["baseline", str(ws)])
    first = (ws / "reports" / "baseline.json").read_text(encoding="utf-8")
    runner.invoke(main, ["baseline", str(ws)])
    assert (ws / "reports" / "baseline.json").read_text(encoding="utf-8") == first
    fps = [e["fingerprint"] for e in json.loads(first)["conflicts"]]
    assert fps == sorted(fps) and len(fps) == 10


def test_terminal_says_which_conflicts_are_new(runner, ws):
    """With a baseline, the closing line counts the new conflicts (what the gate fails on)
    and the new conflict's card is tagged, as the known ones are."""
    from .conftest import ROOT

    baseline = json.loads((ROOT / "reports" / "baseline.json").read_text(encoding="utf-8"))
    baseline["conflicts"] = [e for e in baseline["conflicts"] if e["fingerprint"] != STATUS_FP]
    (ws / "reports").mkdir()
    (ws / "reports" / "baseline.json").write_text(json.dumps(baseline), encoding="utf-8")
    result = runner.invoke(main, ["check", str(ws), "--baseline", "--format", "terminal"])
    assert result.exit_code == 1, result.output
    assert f"[new]  #{STATUS_FP}" in result.stdout
    assert "10 conflict(s), 1 new (9 baseline): " in result.stdout
    assert result.stdout.count("[new]") == 1
    everything_new = runner.invoke(main, ["check", str(ws), "--no-baseline", "--format", "terminal"])
    assert "[new]" not in everything_new.stdout and "10 conflict(s), 10 new: " in everything_new.stdout
