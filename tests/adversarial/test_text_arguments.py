"""Text options that are not valid text (bytes of another encoding passed on by the
shell) are refused with a message: the tool never writes a file it cannot read back."""

from __future__ import annotations

import os

import pytest

from reconcile.gate.state import record_decision

from .conftest import assert_no_traceback, run, text

BAD = b"bad\xffbyte"
FP = "7ed7f1083810f777"  # a conflict of the bundled workspace: Uzbekistan in 2012


@pytest.mark.parametrize(
    "option, verdict",
    [
        ([b"--note", BAD], b"accepted"),
        ([b"--by", BAD], b"accepted"),
        ([b"--reason", BAD], b"false-positive"),
        ([b"--side", BAD], b"resolved"),
    ],
    ids=["note", "by", "reason", "side"],
)
def test_decide_refuses_text_that_is_not_utf8(ws, option, verdict):
    result = run(b"decide", FP.encode(), b"--verdict", verdict, *option, b"-w", bytes(ws))
    assert_no_traceback(result)
    assert result.returncode == 2, text(result)
    assert "0xff" in text(result) and "not UTF-8" in text(result)
    assert not (ws / "reports" / "decisions.yaml").exists()
    after = run("check", ws)
    assert after.returncode == 0, text(after)


def test_a_fingerprint_that_is_not_utf8_is_refused(ws):
    result = run(b"decide", b"7ed7f108\xff", b"--verdict", b"accepted", b"-w", bytes(ws))
    assert_no_traceback(result)
    assert result.returncode == 2 and "0xff" in text(result)


def test_add_refuses_an_id_that_is_not_utf8(ws, tmp_path):
    doc = tmp_path / "note.txt"
    doc.write_text("The Collective Security Treaty Organization met in Moscow.\n", encoding="utf-8")
    sources = (ws / "claims" / "sources.yaml").read_bytes()
    result = run(b"add", bytes(doc), b"--id", b"id\xfe", b"--language", b"en", b"--workspace", bytes(ws))
    assert_no_traceback(result)
    assert result.returncode == 2 and "0xfe" in text(result)
    assert (ws / "claims" / "sources.yaml").read_bytes() == sources


def test_a_user_name_that_is_not_utf8_is_written_escaped(ws):
    """$USER is the default of --by: bytes that are not UTF-8 are written as escapes."""
    result = run("decide", FP, "--verdict", "accepted", "-w", ws, env={"USER": os.fsdecode(b"ed\xff")})
    assert result.returncode == 0, text(result)
    assert "by: ed\\xff" in (ws / "reports" / "decisions.yaml").read_text(encoding="utf-8")
    assert run("check", ws).returncode == 0


def test_record_decision_never_writes_what_it_cannot_read_back(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    before = "# mine\ndecisions: []\n"
    (reports / "decisions.yaml").write_text(before, encoding="utf-8")
    with pytest.raises(ValueError, match="would not read back"):
        record_decision(tmp_path, "7ed7f1083810f777", "accepted", note="bad\udcffbyte")
    assert (reports / "decisions.yaml").read_text(encoding="utf-8") == before
