"""Standard output on a full disk, and on a terminal whose encoding lacks characters the
output holds: a message and exit 2, or escaped characters; never a traceback."""

from __future__ import annotations

import os

import pytest

from .conftest import assert_no_traceback, run, text

FULL_DISK = [
    ["check"],
    ["check", "--format", "json"],
    ["check", "--format", "sarif"],
    ["validate"],
    ["graph"],
    ["graph", "--format", "json"],
    ["rules"],
]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full (a device whose writes fail: no space left)")
@pytest.mark.parametrize("command", FULL_DISK, ids=[" ".join(c) for c in FULL_DISK])
def test_standard_output_on_a_full_disk_is_a_message(ws, command):
    with open("/dev/full", "wb") as full:
        result = run(*command, ws, stdout=full)
    assert_no_traceback(result)
    assert result.returncode == 2, text(result)
    assert "cannot write to standard output: no space left on device" in result.stderr.decode()


LEGACY = [["check"], ["check", "--format", "terminal", "--no-baseline"], ["validate"], ["graph"], ["rules", "--verbose"]]


@pytest.mark.parametrize("command", LEGACY, ids=[" ".join(c) for c in LEGACY])
def test_a_latin1_terminal_gets_escapes_not_a_traceback(ws, command):
    result = run(*command, ws, env={"PYTHONIOENCODING": "latin-1"})
    assert_no_traceback(result)
    assert result.returncode == (1 if "--no-baseline" in command else 0), text(result)
    assert result.stdout.strip()
    result.stdout.decode("latin-1")
    if command[0] != "rules":
        assert b"\\u" in result.stdout  # the dashes and the Persian and Arabic quotes, escaped


def test_a_latin1_terminal_gets_problems_escaped(ws):
    (ws / "claims" / "captured" / "tj-embassy-fa.yaml").write_text("claims: [\u2014\n", encoding="utf-8")
    result = run("validate", ws, env={"PYTHONIOENCODING": "latin-1"})
    assert_no_traceback(result)
    assert result.returncode == 2 and b"tj-embassy-fa.yaml" in result.stderr
