"""What the user wrote is never lost: outputs written through links and into special
files, write errors and malformed decision files reported with exit 2, a broken workspace
rule reported instead of a traceback, and a closed pipe not taken for a failed gate."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from reconcile.cli.commands import main

from .conftest import ROOT
from .test_gate_files import STATUS_FP


def _no_traceback(result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


def test_output_under_a_file_is_a_clear_error(runner, corpus_copy, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("mine\n", encoding="utf-8")
    result = runner.invoke(main, ["check", str(corpus_copy), "--format", "json", "-o", str(afile / "x.json")])
    assert result.exit_code == 2
    assert f"cannot write {afile / 'x.json'}" in result.stderr
    _no_traceback(result)
    assert afile.read_text(encoding="utf-8") == "mine\n"


def test_report_folder_that_cannot_be_made_is_a_clear_error(runner, corpus_copy, tmp_path):
    afile = tmp_path / "afile"
    afile.write_text("mine\n", encoding="utf-8")
    result = runner.invoke(main, ["report", str(corpus_copy), "-o", str(afile / "reports")])
    assert result.exit_code == 2 and "cannot write" in result.stderr
    _no_traceback(result)
    assert afile.read_text(encoding="utf-8") == "mine\n"


def test_output_through_a_symbolic_link_keeps_the_link(runner, corpus_copy, tmp_path):
    target = tmp_path / "kept" / "target.json"
    target.parent.mkdir()
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    link = tmp_path / "out.json"
    link.symlink_to(target)
    result = runner.invoke(main, ["check", str(corpus_copy), "--format", "json", "-o", str(link)])
    assert result.exit_code == 1, result.output
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8").startswith("{")
    assert (target.stat().st_mode & 0o777) == 0o640  # the mode of the file replaced is kept


def test_output_to_a_device_writes_into_it(runner, corpus_copy, tmp_path):
    link = tmp_path / "null.sarif"
    link.symlink_to(os.devnull)
    result = runner.invoke(main, ["check", str(corpus_copy), "--format", "sarif", "-o", str(link)])
    assert result.exit_code == 1, result.output
    assert link.is_symlink()
    assert not os.path.isfile(os.devnull)  # still the device, not a file put in its place


@pytest.mark.parametrize("fmt", ["json", "terminal"])
def test_reader_gone_keeps_the_gate_exit_code(corpus_copy, fmt):
    """`reconcile check | head -1`: once the reader has gone, the exit code is still the
    gate's (0: every conflict is in the bundled baseline), not 1, and no traceback."""
    (corpus_copy / "reports").mkdir()
    shutil.copy(ROOT / "reports" / "baseline.json", corpus_copy / "reports" / "baseline.json")
    read_end, write_end = os.pipe()
    proc = subprocess.Popen(
        [sys.executable, "-m", "reconcile.cli", "check", str(corpus_copy), "--format", fmt, "--baseline"],
        stdout=write_end,
        stderr=subprocess.PIPE,
    )
    os.close(write_end)
    os.close(read_end)  # the reader is gone before the first line
    stderr = proc.stderr.read().decode()
    assert proc.wait() == 0, stderr
    assert "Traceback" not in stderr and "Broken pipe" not in stderr


@pytest.mark.parametrize(
    "text, message",
    [
        (f"- fingerprint: {STATUS_FP}\n  verdict: resolved\n  side: withdrawn\n", "holds a list, not a mapping"),
        (f"decisions:\n  - fingerprint: {STATUS_FP}\n    decision: accepted\n", "unknown field(s) 'decision'"),
        (f"decision:\n  - fingerprint: {STATUS_FP}\n    verdict: accepted\n", "unknown key 'decision'"),
        ("decisions: accepted\n", "not a list"),
        ("decisions: [\n", "malformed YAML"),
    ],
)
def test_malformed_decisions_are_reported_and_never_replaced(runner, corpus_copy, text, message):
    path = corpus_copy / "reports" / "decisions.yaml"
    path.parent.mkdir()
    path.write_text("# my notes\n" + text, encoding="utf-8")
    before = path.read_bytes()
    checked = runner.invoke(main, ["check", str(corpus_copy)])
    assert checked.exit_code == 2 and message in checked.stderr, checked.output
    decided = runner.invoke(main, ["decide", STATUS_FP, "--verdict", "accepted", "-w", str(corpus_copy)])
    assert decided.exit_code == 2 and message in decided.stderr, decided.output
    _no_traceback(decided)
    assert path.read_bytes() == before


def test_decisions_not_utf8_are_reported_and_kept(runner, corpus_copy):
    path = corpus_copy / "reports" / "decisions.yaml"
    path.parent.mkdir()
    path.write_bytes(b"decisions:\n  - fingerprint: x\n    note: caf\xe9\n")
    decided = runner.invoke(main, ["decide", STATUS_FP, "--verdict", "accepted", "-w", str(corpus_copy)])
    assert decided.exit_code == 2 and "not UTF-8" in decided.stderr
    _no_traceback(decided)
    assert path.read_bytes().endswith(b"caf\xe9\n")


def test_decide_takes_the_fingerprint_as_printed(runner, corpus_copy):
    result = runner.invoke(main, ["decide", f"#{STATUS_FP}", "--verdict", "accepted", "-w", str(corpus_copy)])
    assert result.exit_code == 0, result.output
    assert f"fingerprint: {STATUS_FP}" in (corpus_copy / "reports" / "decisions.yaml").read_text(encoding="utf-8")


_CONFLICT = (
    "    row = dict(subject='org:csto', property='members', scope=None, kind='contradiction', severity=None,\n"
    "               explanation='x', sides=[dict(value=1, label='1', claims={a}), dict(value=2, label='2', claims={b})])\n"
    "    frame = pd.DataFrame([row])\n"
)
BROKEN_RULES = {
    "missing columns": "    return pd.DataFrame({'subject': ['org:csto'], 'sides': [[{'value': 1}]]})\n",
    "not a frame": "    return [{'subject': 'org:csto'}]\n",
    "repeated column": _CONFLICT.format(a="['comp-001']", b="['comp-002']")
    + "    return pd.concat([frame, frame[['subject']]], axis=1)\n",
    "unknown claim": _CONFLICT.format(a="['comp-001']", b="['no-such-claim']") + "    return frame\n",
    "claims not a list": _CONFLICT.format(a="['comp-001']", b="'comp-002'") + "    return frame\n",
}


@pytest.mark.parametrize("body", list(BROKEN_RULES.values()), ids=list(BROKEN_RULES))
def test_malformed_workspace_rule_output_is_a_problem(runner, corpus_copy, body):
    (corpus_copy / "rules").mkdir()
    (corpus_copy / "rules" / "broken.py").write_text(
        '"""Broken: returns what is not a table of conflicts."""\n'
        "import pandas as pd\n\nID = 'broken'\nNAME = 'broken'\nSEVERITY = 'warning'\n\n\n"
        "def check(claims, ctx, options):\n" + body,
        encoding="utf-8",
    )
    result = runner.invoke(main, ["check", str(corpus_copy)])
    assert result.exit_code == 2, result.output
    assert "rule broken returned" in result.stderr and "rules/broken.py" in result.stderr
    _no_traceback(result)


def test_output_to_stdout_redirected_to_a_file_appends_to_it(corpus_copy, tmp_path):
    """`reconcile check -o /dev/stdout >> log.txt`: written through standard output, at
    its position; the log keeps what it held."""
    log = tmp_path / "log.txt"
    log.write_text("PRECIOUS LOG LINE\n", encoding="utf-8")
    with open(log, "ab") as out:
        proc = subprocess.run(
            [sys.executable, "-m", "reconcile.cli", "check", str(corpus_copy), "--format", "json", "-o", "/dev/stdout"],
            stdout=out,
            stderr=subprocess.PIPE,
        )
    assert proc.returncode == 1, proc.stderr
    text = log.read_text(encoding="utf-8")
    assert text.startswith("PRECIOUS LOG LINE\n{")
    assert json.loads(text.split("\n", 1)[1])["summary"]["conflicts"] == 10


def test_a_dangling_link_into_a_missing_folder_creates_nothing(runner, corpus_copy, tmp_path):
    link = tmp_path / "out.json"
    link.symlink_to(tmp_path / "nowhere" / "deeper" / "out.json")
    result = runner.invoke(main, ["check", str(corpus_copy), "--format", "json", "-o", str(link)])
    assert result.exit_code == 2 and "cannot write" in result.stderr
    assert not (tmp_path / "nowhere").exists() and link.is_symlink()
