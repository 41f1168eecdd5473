"""Progress shows on a terminal only: never in CI, pipes or captured output."""

from __future__ import annotations

import io

from reconcile.cli.commands import main
from reconcile.base.progress import showing, stage
from reconcile.cli.progress import Progress


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_enabled_on_a_terminal_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    assert Progress.auto(stream=Terminal()).enabled
    assert not Progress.auto(wanted=False, stream=Terminal()).enabled  # --no-progress
    assert not Progress.auto(stream=io.StringIO()).enabled  # a pipe or a file


def test_silent_in_ci(monkeypatch):
    for value in ("true", "1", "yes"):
        monkeypatch.setenv("CI", value)
        assert not Progress.auto(stream=Terminal()).enabled
    monkeypatch.setenv("CI", "false")
    assert Progress.auto(stream=Terminal()).enabled


def test_stages_and_bar_are_written_when_shown():
    out = Terminal()
    with showing(Progress(True, out)):
        with stage("validating 3 claims", steps=3) as step:
            for _ in range(3):
                step(1)
        with stage("finding conflicts"):
            pass
    text = out.getvalue()
    assert "validating 3 claims" in text and "✓ validating 3 claims (" in text
    assert "finding conflicts …" in text and "✓ finding conflicts (" in text


def test_nothing_is_written_outside_showing(capsys):
    with stage("validating", steps=2) as step:
        step(1)  # the default reporter is silent and accepts the calls
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_cli_output_holds_no_progress_when_captured(runner, mini, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    result = runner.invoke(main, ["check", str(mini), "--format", "json"])
    assert result.exit_code in (0, 1), result.output
    assert "✓" not in result.output and "validating" not in result.output
