"""The one guarded way to read a workspace's files: each case breaks one file or folder
of a copy of the bundled workspace, runs one command, and expects its exit code and a
message naming what and where (never a traceback, never a wait on a FIFO)."""

from __future__ import annotations

import json
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import assert_no_traceback, invoke, run, text

CAPTURED = Path("claims") / "captured"
CLAIM = CAPTURED / "al-thawra-ar.yaml"
SECRET = "https://editor:hunter2-TOPSECRET@git.example.org/newsroom/private.git"


def _outside(ws: Path) -> Path:
    """A folder beside the workspace (outside it), with a valid claim file and a secret."""
    out = ws.parent / "outside"
    out.mkdir(exist_ok=True)
    shutil.copy(ws / CLAIM, out / "stolen.yaml")
    (out / "credentials").write_text(SECRET + "\n", encoding="utf-8")
    return out


def _fifo(ws: Path, rel: str) -> None:
    path = ws / rel
    if path.exists():
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)


def _link(ws: Path, rel: str, target: Path | str) -> None:
    path = ws / rel
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
    path.symlink_to(target)


def _move_captured_out(ws: Path) -> None:
    out = _outside(ws) / "captured"
    shutil.move(ws / CAPTURED, out)
    (ws / CAPTURED).symlink_to(out)


def _linked_subfolder(ws: Path) -> None:
    """Two claim files moved to claims/more/ and linked in as captured/more."""
    more = ws / "claims" / "more"
    more.mkdir()
    for name in ("al-thawra-ar.yaml", "aran-news-fa.yaml"):
        shutil.move(ws / CAPTURED / name, more / name)
    (ws / CAPTURED / "more").symlink_to(Path("..") / "more")


def _write(rel: str, content: str) -> Callable[[Path], None]:
    def mutate(ws: Path) -> None:
        (ws / rel).write_text(content, encoding="utf-8")

    return mutate


#: (id, mutation, command, exit code, fragments the output must hold)
CASES: list[tuple[str, Callable[[Path], None], list[str], int, list[str]]] = [
    # symbolic links that leave the workspace: refused, nothing read from outside
    ("claim-link-outside", lambda ws: _link(ws, "claims/captured/evil.yaml", _outside(ws) / "stolen.yaml"),
     ["validate"], 2, ["claims/captured/evil.yaml", "leaves the workspace"]),
    ("claim-link-outside-check", lambda ws: _link(ws, "claims/captured/evil.yaml", _outside(ws) / "stolen.yaml"),
     ["check"], 2, ["claims/captured/evil.yaml", "leaves the workspace"]),
    ("captured-link-outside", _move_captured_out, ["validate"], 2, ["claims/captured", "leaves the workspace"]),
    ("sources-link-outside", lambda ws: _link(ws, "claims/sources.yaml", _outside(ws) / "credentials"),
     ["validate"], 2, ["claims/sources.yaml", "leaves the workspace"]),
    ("entities-link-outside", lambda ws: _link(ws, "claims/entities.yaml", _outside(ws) / "credentials"),
     ["validate"], 2, ["claims/entities.yaml", "leaves the workspace"]),
    ("decisions-link-outside", lambda ws: _link(ws, "reports/decisions.yaml", _outside(ws) / "credentials"),
     ["check"], 2, ["reports/decisions.yaml", "leaves the workspace"]),
    ("baseline-link-outside", lambda ws: _link(ws, "reports/baseline.json", _outside(ws) / "credentials"),
     ["check"], 2, ["reports/baseline.json", "leaves the workspace"]),
    ("settings-link-outside", lambda ws: _link(ws, "reconcile.toml", _outside(ws) / "credentials"),
     ["check"], 2, ["reconcile.toml", "leaves the workspace"]),
    ("claim-link-broken", lambda ws: _link(ws, "claims/captured/gone.yaml", "nowhere.yaml"),
     ["validate"], 2, ["claims/captured/gone.yaml", "broken link"]),
    # links inside the workspace are read (test_a_linked_subfolder_inside_is_read); a loop once
    ("link-loop", lambda ws: _link(ws, "claims/captured/loop", "."), ["validate"], 0,
     ["claims/captured/loop", "already read"]),
    ("link-to-a-claim-file", lambda ws: _link(ws, "claims/captured/again.yaml", "al-thawra-ar.yaml"), ["validate"], 0,
     ["claims/captured/again.yaml: warning: links to a claim file already read"]),
    # claim "files" that are not regular files
    ("claim-folder", lambda ws: (ws / CAPTURED / "more.yaml").mkdir(), ["validate"], 2,
     ["claims/captured/more.yaml", "is a folder, not a claim file"]),
    ("claim-fifo", lambda ws: _fifo(ws, "claims/captured/pipe.yaml"), ["validate"], 2,
     ["claims/captured/pipe.yaml", "FIFO"]),
    ("claim-fifo-csv", lambda ws: _fifo(ws, "claims/captured/pipe.csv"), ["check"], 2,
     ["claims/captured/pipe.csv", "FIFO"]),
    ("other-fifo-warned", lambda ws: _fifo(ws, "claims/captured/notes"), ["validate"], 0,
     ["claims/captured/notes", "warning", "FIFO"]),
    ("captured-is-a-file", lambda ws: (shutil.rmtree(ws / CAPTURED), (ws / CAPTURED).write_text("x")),
     ["validate"], 2, ["claims/captured", "not a folder"]),
    ("sources-fifo", lambda ws: _fifo(ws, "claims/sources.yaml"), ["validate"], 2, ["claims/sources.yaml", "FIFO"]),
    ("document-fifo", lambda ws: _fifo(ws, "claims/documents/000_4ccf710ff0c45aa7.txt"), ["validate"], 2,
     ["000_4ccf710ff0c45aa7.txt", "FIFO"]),
    ("baseline-fifo", lambda ws: _fifo(ws, "reports/baseline.json"), ["baseline"], 2,
     ["reports/baseline.json", "FIFO"]),
    ("baseline-fifo-check", lambda ws: _fifo(ws, "reports/baseline.json"), ["check"], 2,
     ["reports/baseline.json", "FIFO"]),
    ("decisions-fifo", lambda ws: _fifo(ws, "reports/decisions.yaml"),
     ["decide", "7ed7f1083810f777", "--verdict", "accepted", "-w"], 2, ["reports/decisions.yaml", "FIFO"]),
    ("decisions-fifo-report", lambda ws: _fifo(ws, "reports/decisions.yaml"), ["report"], 2,
     ["reports/decisions.yaml", "FIFO"]),
    ("settings-fifo", lambda ws: _fifo(ws, "reconcile.toml"), ["check"], 2, ["reconcile.toml", "FIFO"]),
    ("decisions-folder", lambda ws: (ws / "reports" / "decisions.yaml").mkdir(),
     ["decide", "7ed7f1083810f777", "--verdict", "accepted", "-w"], 2, ["reports/decisions.yaml", "folder"]),
    # baseline entries that cannot be used
    ("baseline-fingerprint-only", _write("reports/baseline.json", '{"version": 1, "conflicts": [{"fingerprint": "deadbeefdeadbeef"}]}'),
     ["check"], 1, ["stale baseline entry deadbeefdeadbeef"]),
    ("baseline-fingerprint-only-baseline", _write("reports/baseline.json", '{"version": 1, "conflicts": [{"fingerprint": "deadbeefdeadbeef"}]}'),
     ["baseline"], 0, ["11 entries"]),
    ("baseline-fingerprint-list", _write("reports/baseline.json", '{"conflicts": [{"fingerprint": ["a"]}]}'),
     ["check"], 2, ["reports/baseline.json", "baseline entry 1", "fingerprint is a list"]),
    ("baseline-fingerprint-mapping", _write("reports/baseline.json", '{"conflicts": [{"fingerprint": {"a": 1}}]}'),
     ["baseline"], 2, ["baseline entry 1", "fingerprint is a mapping"]),
    ("baseline-fingerprint-huge", _write("reports/baseline.json", '{"conflicts": [{"fingerprint": 1e999}]}'),
     ["check"], 2, ["baseline entry 1", "out of range"]),
    ("baseline-fingerprint-huge-baseline", _write("reports/baseline.json", '{"conflicts": [{"fingerprint": 1e999}]}'),
     ["baseline"], 2, ["baseline entry 1", "out of range"]),
    ("baseline-entry-text", _write("reports/baseline.json", '{"conflicts": ["deadbeefdeadbeef"]}'),
     ["check"], 2, ["baseline entry 1", "not a mapping"]),
    ("baseline-values-text", _write("reports/baseline.json", '{"conflicts": [{"fingerprint": "deadbeefdeadbeef", "values": "x"}]}'),
     ["check"], 2, ["values of deadbeefdeadbeef", "not a list"]),
    ("baseline-list", _write("reports/baseline.json", "[]"), ["check"], 2, ["reports/baseline.json", "holds a list"]),
    ("baseline-not-json", _write("reports/baseline.json", '{"conflicts": [\n  {"fingerprint": }'), ["check"], 2,
     ["reports/baseline.json:2", "not JSON"]),
]


@pytest.mark.parametrize("mutate, command, code, fragments", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_broken_workspace_is_a_message(ws, mutate, command, code, fragments):
    mutate(ws)
    fifos = any(stat.S_ISFIFO(p.lstat().st_mode) for p in ws.rglob("*") if not p.is_symlink())
    if fifos:  # in a process of its own: a FIFO opened by mistake blocks, and the test fails
        result = run(*command, ws)
        assert_no_traceback(result)
        returncode, output = result.returncode, text(result)
    else:
        returncode, output = invoke(*command, ws)
    assert returncode == code, output[-3000:]
    for fragment in fragments:
        assert fragment in output, output[-3000:]
    assert SECRET not in output and "TOPSECRET" not in output


def test_nothing_is_read_through_a_link_that_leaves(ws):
    """The linked claim file outside is a valid one: reading it would add its claims."""
    _link(ws, "claims/captured/evil.yaml", _outside(ws) / "stolen.yaml")
    (ws / CLAIM).unlink()  # its claims now exist only outside
    result = run("check", ws, "--no-baseline", "--format", "json")
    assert result.returncode == 2 and not result.stdout


def test_a_linked_subfolder_inside_is_read(ws):
    before = run("check", ws, "--no-baseline", "--format", "json")
    _linked_subfolder(ws)
    after = run("check", ws, "--no-baseline", "--format", "json")
    assert after.returncode == before.returncode == 1, text(after)
    claims = lambda r: json.loads(r.stdout)["summary"]["claims"]  # noqa: E731
    assert claims(after) == claims(before)


def test_a_file_name_that_is_not_utf8_is_read_and_shown_escaped(ws):
    (ws / CAPTURED / "arabic-compilation.yaml").rename(ws / os.fsdecode(b"claims/captured/arabic\xff.yaml"))
    valid = run("validate", ws)
    assert_no_traceback(valid)
    assert valid.returncode == 0, text(valid)
    report = run("check", ws, "--no-baseline", "--format", "json")
    assert report.returncode == 1, text(report)
    files = {
        claim["file"]
        for conflict in json.loads(report.stdout)["conflicts"]
        for side in conflict["sides"]
        for claim in side["claims"]
    }
    assert "claims/captured/arabic\\xff.yaml" in files
    assert run("report", ws).returncode == 0


def test_a_problem_in_a_file_whose_name_is_not_utf8_names_it_escaped(ws):
    bad = ws / os.fsdecode(b"claims/captured/bad\xff.yaml")
    bad.write_text("source: al-thawra-ar\nclaims: {\n", encoding="utf-8")
    csv = ws / os.fsdecode(b"claims/captured/bad\xfe.csv")
    csv.write_bytes(b"id,subject\n\xff\n")
    result = run("validate", ws)
    assert_no_traceback(result)
    assert result.returncode == 2
    assert "claims/captured/bad\\xff.yaml:3" in text(result)
    assert "claims/captured/bad\\xfe.csv:2" in text(result) and "not UTF-8" in text(result)


def test_a_file_larger_than_the_bound_is_not_read(ws, runner, monkeypatch):
    from reconcile.base import files
    from reconcile.cli.commands import main

    big = ws / CAPTURED / "tj-embassy-en.yaml"
    big.write_text(big.read_text(encoding="utf-8") + "# padding\n" * 200_000, encoding="utf-8")
    monkeypatch.setattr(files, "MAX_BYTES", 1 << 20)
    result = runner.invoke(main, ["validate", str(ws)])
    assert result.exit_code == 2
    assert "claims/captured/tj-embassy-en.yaml: error: the file holds 2,018,635 bytes, more than the 1,048,576" in result.output
