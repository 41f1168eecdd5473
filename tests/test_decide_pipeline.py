"""`reconcile decide` runs the pipeline as `check` does: what `check` refuses, decide refuses
(exit 2, nothing written), and the conflict is found under each fingerprint it has."""

from __future__ import annotations

from reconcile.cli.commands import main
from reconcile.gate.decide import conflict_named, side_named
from reconcile.pipeline import run

from .conftest import check_json


def _first_fingerprint(runner, root) -> str:
    _, report = check_json(runner, root)
    return report["conflicts"][0]["fingerprint"]


def test_decide_refuses_an_invalid_configuration(runner, corpus_copy):
    fp = _first_fingerprint(runner, corpus_copy)
    (corpus_copy / "reconcile.toml").write_text("bogus = 1\n", encoding="utf-8")
    result = runner.invoke(main, ["decide", fp, "--verdict", "accepted", "-w", str(corpus_copy)])
    assert result.exit_code == 2 and "unknown setting 'bogus'" in result.output, result.output
    assert not (corpus_copy / "reports" / "decisions.yaml").exists()


def test_decide_refuses_an_unreadable_baseline(runner, corpus_copy):
    fp = _first_fingerprint(runner, corpus_copy)
    (corpus_copy / "reports").mkdir()
    (corpus_copy / "reports" / "baseline.json").write_text('{"version": 1, "conflicts": 3}\n', encoding="utf-8")
    result = runner.invoke(main, ["decide", fp, "--verdict", "accepted", "-w", str(corpus_copy)])
    assert result.exit_code == 2 and "reports/baseline.json" in result.output, result.output
    assert "Traceback" not in result.output and not (corpus_copy / "reports" / "decisions.yaml").exists()


def test_a_broken_decisions_file_is_left_as_it_is(runner, corpus_copy):
    fp = _first_fingerprint(runner, corpus_copy)
    (corpus_copy / "reports").mkdir()
    broken = "# mine\ndecisions: [1\n"
    (corpus_copy / "reports" / "decisions.yaml").write_text(broken, encoding="utf-8")
    result = runner.invoke(main, ["decide", fp, "--verdict", "accepted", "-w", str(corpus_copy)])
    assert result.exit_code == 2 and "reports/decisions.yaml is left as it is" in result.output
    assert (corpus_copy / "reports" / "decisions.yaml").read_text(encoding="utf-8") == broken


def test_conflict_named_finds_what_check_shows(runner, corpus_copy):
    checked = run(corpus_copy)
    first = checked.state.conflicts.iloc[0]
    named = conflict_named(checked.state, first["fingerprint"])
    assert named is not None and named.fingerprint == first["fingerprint"] and named.continues is None
    assert named.recorded["rule"] == first["rule"] and "fingerprint" not in named.recorded
    assert conflict_named(checked.state, "ffffffffffffffff") is None
    side = named.sides[-1]
    assert side_named(f"  {side['label'].upper()} ", named.sides, checked.ws.gazetteer) == side


def test_a_decision_follows_its_conflict(runner, corpus_copy):
    """Decided, the conflict is `accepted` in `check`, under the same fingerprint."""
    fp = _first_fingerprint(runner, corpus_copy)
    result = runner.invoke(main, ["decide", fp, "--verdict", "accepted", "--by", "ed", "-w", str(corpus_copy)])
    assert result.exit_code == 0 and f"recorded accepted for {fp}" in result.output
    _, report = check_json(runner, corpus_copy)
    assert {c["fingerprint"]: c["status"] for c in report["conflicts"]}[fp] == "accepted"


def test_decide_finds_a_conflict_by_the_fingerprint_the_rules_gave_it(runner, tmp_path):
    """A reviewed conflict keeps its recorded fingerprint when a conflict of the same values
    appears in another scope, though the rules now fingerprint it with its scope: that
    fingerprint names it too, and the verdict is recorded under the one `check` shows."""
    from .test_succession import SEATS_2010, _baseline, _check, _claims, _workspace

    root = _workspace(tmp_path)
    _claims(root, SEATS_2010)
    _baseline(root)
    (reviewed,) = _check(root)[1]["conflicts"]
    _claims(root, SEATS_2010 + [("s3", "c3", "seat", "Moscow", "2020"), ("s4", "c4", "seat", "Minsk", "2020")])
    raw = run(root, until="conflicts").result.conflicts
    own = raw.loc[raw["scope"].eq("2010"), "fingerprint"].item()
    assert own != reviewed["fingerprint"]
    checked = run(root, baseline=True)
    assert checked.state.own_fingerprint[reviewed["fingerprint"]] == own
    assert conflict_named(checked.state, own).fingerprint == reviewed["fingerprint"]
    result = runner.invoke(main, ["decide", own, "--verdict", "accepted", "-w", str(root)])
    assert result.exit_code == 0 and f"recorded accepted for {reviewed['fingerprint']}" in result.output
