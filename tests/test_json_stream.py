"""The JSON report written in chunks: the same bytes as the whole text, and atomic.

:func:`reconcile.render.json_report.json_chunks` writes a large report block by block of
conflicts; ``write_atomic`` and ``reconcile check --format json`` write the chunks as they
come. These tests force the compact, block-by-block path on small workspaces (the bundled
corpus and a generated one) with tiny blocks, and check that a failure half-way through
leaves the previous file as it was.
"""

from __future__ import annotations

import json

import pytest

from bench.generate_workspace import generate_workspace
from reconcile.check import conflict_records, find_conflicts
from reconcile.cli import main
from reconcile.pipeline import load
from reconcile.problems import Problems
from reconcile.render import json_report
from reconcile.render.json_report import conflicts_json, json_chunks, render_json, report_object
from reconcile.yamlio import write_atomic

from .conftest import ROOT


@pytest.fixture(scope="module")
def corpus():
    ws, _ = load(ROOT)
    return ws, find_conflicts(ws, Problems())


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    root = tmp_path_factory.mktemp("gen") / "ws"
    generate_workspace(root, 3000, seed=7)
    ws, problems = load(root)
    return ws, find_conflicts(ws, problems)


@pytest.fixture
def compact(monkeypatch):
    """Every report compact, and blocks of a few claims, so that there are many."""
    monkeypatch.setattr(json_report, "INDENT_UP_TO", 0)
    monkeypatch.setattr(json_report, "BLOCK_CLAIMS", 5)


def _dumps(ws, result) -> bytes:
    return (json.dumps(report_object(result, ws), ensure_ascii=False) + "\n").encode("utf-8")


@pytest.mark.parametrize("workspace", ["corpus", "generated"])
def test_the_chunks_are_the_text_of_json_dumps(workspace, compact, request):
    ws, result = request.getfixturevalue(workspace)
    chunks = [bytes(c) for c in json_chunks(result, ws)]
    assert len(chunks) > 3  # head, several blocks, tail
    assert b"".join(chunks) == _dumps(ws, result)
    assert render_json(result, ws) == _dumps(ws, result).decode("utf-8")
    assert render_json(result, ws, binary=True) == _dumps(ws, result)


def test_a_block_holds_a_bounded_number_of_claims(generated, compact):
    ws, result = generated
    chunks = list(json_chunks(result, ws))
    largest_conflict = max(len(json.dumps(r, ensure_ascii=False)) for r in report_object(result, ws)["conflicts"])
    # a block: conflicts up to about BLOCK_CLAIMS claims, or one larger conflict
    assert max(len(c) for c in chunks[1:-1]) <= 2 * json_report.BLOCK_CLAIMS * largest_conflict


def test_a_short_report_is_one_indented_chunk(corpus):
    ws, result = corpus
    chunks = list(json_chunks(result, ws))
    assert len(chunks) == 1
    assert bytes(chunks[0]).decode("utf-8") == render_json(result, ws)
    assert render_json(result, ws) == json.dumps(report_object(result, ws), ensure_ascii=False, indent=2) + "\n"


def test_a_block_with_text_that_is_not_utf8_is_written_by_the_encoder(corpus, compact, monkeypatch):
    ws, result = corpus
    real, by_encoder = json_report._block_by_encoder, []
    monkeypatch.setattr(json_report, "_block_by_encoder", lambda *args: by_encoder.append(args[2:]) or real(*args))
    claims = ws.claims.copy()
    cited = result.conflicts["sides"].iloc[-1][0]["claims"][0]
    claims["quote"] = claims["quote"].astype(object)
    claims.loc[claims["claim_id"].eq(cited), "quote"] = "lone \ud800 surrogate"
    expected = json.dumps(conflict_records(result.conflicts, claims), ensure_ascii=False)
    assert "\ud800" in expected
    assert conflicts_json(result.conflicts, claims) == expected
    assert by_encoder == [by_encoder[0]] and by_encoder[0][1] == len(result.conflicts)  # the last block only


def test_the_command_line_writes_the_chunks(corpus, compact, runner, tmp_path):
    ws, result = corpus
    out = tmp_path / "report.json"
    printed = runner.invoke(main, ["check", str(ROOT), "--format", "json", "--no-baseline"])
    written = runner.invoke(main, ["check", str(ROOT), "--format", "json", "--no-baseline", "--output", str(out)])
    assert printed.exit_code == written.exit_code == 1
    assert printed.stdout_bytes == out.read_bytes()
    assert json.loads(out.read_text(encoding="utf-8"))["conflicts"] == report_object(result, ws)["conflicts"]


def test_write_atomic_writes_chunks_and_keeps_str_and_bytes(tmp_path):
    path = tmp_path / "out" / "a.json"
    write_atomic(path, iter([b"{", memoryview(b'"a": 1'), b"}\n"]))
    assert path.read_bytes() == b'{"a": 1}\n'
    write_atomic(path, "text é\n")
    assert path.read_bytes() == "text é\n".encode("utf-8")
    write_atomic(path, b"bytes\n")
    assert path.read_bytes() == b"bytes\n"


def test_a_failure_half_way_leaves_the_previous_file_intact(tmp_path):
    path = tmp_path / "report.json"
    path.write_bytes(b"previous\n")

    def chunks():
        yield b"[" * 100_000
        raise RuntimeError("encoding failed")

    with pytest.raises(RuntimeError, match="encoding failed"):
        write_atomic(path, chunks())
    assert path.read_bytes() == b"previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left


def test_a_write_that_fails_half_way_leaves_the_previous_file_intact(tmp_path):
    path = tmp_path / "report.json"
    path.write_bytes(b"previous\n")
    with pytest.raises(TypeError):
        write_atomic(path, iter([b"[" * 100_000, 12345, b"]"]))  # the second chunk cannot be written
    assert path.read_bytes() == b"previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_a_report_interrupted_half_way_leaves_the_previous_file_intact(generated, compact, tmp_path, monkeypatch):
    ws, result = generated
    path = tmp_path / "report.json"
    path.write_bytes(b"previous\n")
    real, calls = json_report._block_bytes, []

    def failing(*args):
        calls.append(1)
        if len(calls) == 3:
            raise MemoryError("out of memory")
        return real(*args)

    monkeypatch.setattr(json_report, "_block_bytes", failing)
    with pytest.raises(MemoryError):
        write_atomic(path, json_chunks(result, ws))
    assert path.read_bytes() == b"previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_no_conflicts_and_conflicts_without_claims(corpus, compact):
    ws, result = corpus
    assert conflicts_json(result.conflicts.iloc[:0], ws.claims) == "[]"
    none_known = ws.claims.iloc[:0]
    assert conflicts_json(result.conflicts, none_known) == json.dumps(
        conflict_records(result.conflicts, none_known), ensure_ascii=False
    )
