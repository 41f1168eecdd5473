"""A new verdict on a decided conflict keeps the earlier one and every comment."""

from __future__ import annotations


import pytest

from reconcile.cli.commands import main
from reconcile.gate.state import read_decisions
from reconcile.base.problems import Problems
from reconcile.base.yamlio import load_yaml, plain

from ..conftest import check_json

STATUS_FP = "7ed7f1083810f777"  # Uzbekistan 2012: suspended or withdrawn
FOUNDERS_FP = "33428fcfc39177c3"

COMMENTED = (
    "# Editors' decisions\n"
    "decisions:\n"
    f"  - fingerprint: {STATUS_FP}  # Uzbekistan\n"
    "    verdict: accepted  # first look\n"
    "    # the note says why\n"
    "    note: both are quoted  # see the article\n"
    "    by: ann\n"
    "    at: 2026-11-20\n"
    "  # the founders, next\n"
    f"  - fingerprint: {FOUNDERS_FP}\n"
    "    verdict: accepted\n"
)


@pytest.fixture
def decided(corpus_copy):
    path = corpus_copy / "reports" / "decisions.yaml"
    path.parent.mkdir()
    path.write_text(COMMENTED, encoding="utf-8")
    return corpus_copy


def _decide(runner, root, *args):
    result = runner.invoke(main, ["decide", STATUS_FP, *args, "-w", str(root)])
    assert result.exit_code == 0, result.output
    return result


def test_a_new_verdict_keeps_every_comment(runner, decided):
    _decide(runner, decided, "--verdict", "resolved", "--side", "withdrawn", "--by", "bo")
    text = (decided / "reports" / "decisions.yaml").read_text(encoding="utf-8")
    for comment in ("# Editors' decisions", "# Uzbekistan", "# first look", "# the note says why", "# see the article"):
        assert comment in text, text
    # the comment before the next entry stays right before it
    assert text.index("# the founders, next") < text.index(FOUNDERS_FP)
    assert text.index(STATUS_FP) < text.index("# the founders, next")
    assert not [p for p in read_decisions(decided, Problems()).values() if p is None]


def test_a_new_verdict_keeps_the_earlier_in_history(runner, decided):
    result = _decide(runner, decided, "--verdict", "resolved", "--side", "withdrawn", "--by", "bo")
    assert "kept in its history" in result.output
    _decide(runner, decided, "--verdict", "false-positive", "--reason", "one status, two words", "--by", "cy")
    data = plain(load_yaml(decided / "reports" / "decisions.yaml"))
    (entry,) = [d for d in data["decisions"] if d["fingerprint"] == STATUS_FP]
    assert entry["verdict"] == "false-positive" and entry["reason"] == "one status, two words" and entry["by"] == "cy"
    assert "side" not in entry and "note" not in entry
    assert [h["verdict"] for h in entry["history"]] == ["accepted", "resolved"]
    first, second = entry["history"]
    assert first == {"verdict": "accepted", "note": "both are quoted", "by": "ann", "at": "2026-11-20"}
    assert second["side"] == "withdrawn" and second["by"] == "bo"
    # the gate reads the current verdict
    _, report = check_json(runner, decided)
    assert STATUS_FP in report["gate"]["silenced"]


def test_a_decisions_file_with_history_written_by_hand_is_read(runner, decided):
    path = decided / "reports" / "decisions.yaml"
    path.write_text(
        "decisions:\n"
        f"  - fingerprint: {STATUS_FP}\n"
        "    verdict: resolved\n"
        "    side: withdrawn\n"
        "    history:\n"
        "      - verdict: accepted\n"
        "        note: earlier\n",
        encoding="utf-8",
    )
    _, report = check_json(runner, decided)
    (conflict,) = [c for c in report["conflicts"] if c["fingerprint"] == STATUS_FP]
    assert conflict["status"] == "resolved"


@pytest.mark.parametrize(
    "history, message",
    [
        ("history: earlier\n", "`history` holds a single text"),
        ("history:\n      - accepted\n", "history item 1 holds a single text"),
        ("history:\n      - verdict: maybe\n", "unknown verdict 'maybe'"),
        ("history:\n      - verdict: accepted\n        colour: red\n", "unknown field(s) 'colour'"),
    ],
    ids=["text", "item-text", "verdict", "field"],
)
def test_a_malformed_history_is_invalid_input(runner, decided, history, message):
    path = decided / "reports" / "decisions.yaml"
    path.write_text(f"decisions:\n  - fingerprint: {STATUS_FP}\n    verdict: accepted\n    {history}", encoding="utf-8")
    result = runner.invoke(main, ["check", str(decided)])
    assert result.exit_code == 2 and message in result.output and "reports/decisions.yaml:2" in result.output
