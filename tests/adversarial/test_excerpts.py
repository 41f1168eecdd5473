"""Messages quote at most the offending token, cut to a bounded excerpt: a file that is
not what it should be (a link to a credentials file) is never echoed."""

from __future__ import annotations

import re

import pytest

from reconcile.cli.commands import main

SECRET = "https://editor:hunter2-TOPSECRET@git.example.org/newsroom/private.git"
LONG = "x" * 500

#: (file, content, command, fragment the message must hold)
CASES = [
    ("reports/decisions.yaml", SECRET + "\n", ["check"], "holds a single text of 69 characters, not a mapping"),
    ("reports/decisions.yaml", f"decisions:\n  - fingerprint: {LONG}\n    verdict: {LONG}\n", ["check"], "unknown verdict 'xxxx"),
    ("reports/decisions.yaml", f"decisions:\n  - fingerprint: abc\n    verdict: accepted\n    {LONG}: 1\n", ["check"], "unknown field(s) 'xxx"),
    ("reports/decisions.yaml", f"{LONG}: 1\ndecisions: []\n", ["check"], "unknown key 'xxx"),
    ("reports/decisions.yaml", f"a: 1\n{LONG}: 1\n{LONG}: 2\n", ["check"], "found duplicate key 'xxx"),
    ("reports/baseline.json", '{"conflicts": [{"fingerprint": "' + LONG + '"}]}', ["check"], "fingerprint is the text 'xxx"),
    ("claims/captured/al-thawra-ar.yaml", f"source: al-thawra-ar\n{LONG}: 1\nclaims: []\n", ["validate"], "unknown top-level key(s) 'xxx"),
    ("claims/captured/al-thawra-ar.yaml", f"claims:\n  - id: a\n    {LONG}: 1\n", ["validate"], "unknown claim field(s) 'xxx"),
]


@pytest.mark.parametrize("rel, content, command, fragment", CASES, ids=[f"{c[0].split('/')[-1]}-{i}" for i, c in enumerate(CASES)])
def test_messages_quote_a_bounded_excerpt(runner, ws, rel, content, command, fragment):
    (ws / rel).write_text(content, encoding="utf-8")
    result = runner.invoke(main, [*command, str(ws)])
    assert result.exit_code == 2, result.output
    assert fragment in result.output, result.output
    assert "TOPSECRET" not in result.output
    assert not re.search("x{60}", result.output), result.output


def test_a_decisions_file_linked_to_a_credentials_file_inside_is_not_echoed(runner, ws):
    (ws / "claims" / "documents" / "notes.txt").write_text(SECRET + "\n", encoding="utf-8")
    (ws / "reports" / "decisions.yaml").symlink_to("../claims/documents/notes.txt")
    result = runner.invoke(main, ["check", str(ws)])
    assert result.exit_code == 2 and "reports/decisions.yaml" in result.output
    assert "hunter2" not in result.output and "editor:" not in result.output


def test_a_stale_decision_is_named_by_an_excerpt(runner, ws):
    (ws / "reports" / "decisions.yaml").write_text(f"decisions:\n  - fingerprint: {LONG}\n    verdict: accepted\n", encoding="utf-8")
    result = runner.invoke(main, ["check", str(ws)])
    assert result.exit_code == 0 and "decision for xxx" in result.output and "has no conflict any more" in result.output
    assert not re.search("x{60}", result.output), result.output
