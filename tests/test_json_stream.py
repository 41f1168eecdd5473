"""The JSON report written in chunks: the same bytes as the whole text, and atomic.

:func:`reconcile.render.json_report.json_chunks` writes a large report block by block of
conflicts; ``write_atomic`` and ``reconcile check --format json`` write the chunks as they
come. These tests force the compact, block-by-block path on small workspaces (the bundled
corpus and a generated one) with tiny blocks, and check that a failure half-way through
leaves the previous file as it was. The sides the graph stage hands over (flattened, with
their claims' rows) give the same bytes as sides flattened afresh, for the ranked table and
for tables filtered or reordered from it.
"""

from __future__ import annotations

import dataclasses
import json

import pandas as pd
import pytest

from bench.generate_workspace import generate_workspace
from reconcile.trust.ranked import find_conflicts
from reconcile.render.records import conflict_records
from reconcile.detect.engine import at_or_above
from reconcile.cli.commands import main
from reconcile.gate.state import apply_gate
from reconcile.trust.suggestions import SIDES_AT, rank_conflicts
from reconcile.pipeline import load
from reconcile.base.problems import Problems
from reconcile.render import json_report
from reconcile.render.json_report import conflicts_json, json_chunks, render_json, report_object
from reconcile.base.yamlio import write_atomic

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


# --- the sides handed over by the graph stage -------------------------------------------------


def _fresh(result):
    """The same result without the sides the graph stage handed over."""
    return dataclasses.replace(result, sides=None)


def _reordered(conflicts):
    """Filtered and reordered as the command line and the gate do, and shuffled."""
    baseline = {fp: {} for fp in conflicts["fingerprint"].iloc[::3]}
    gated = apply_gate(conflicts, baseline, {}).conflicts  # new ones first: reordered
    return {
        "severity": at_or_above(conflicts, "error"),
        "gate": gated,
        "gate and severity": at_or_above(gated, "warning"),
        "shuffled": conflicts.sample(frac=0.6, random_state=3),
        "none": conflicts.iloc[:0],
    }


@pytest.mark.parametrize("workspace", ["corpus", "generated"])
def test_the_handed_over_sides_give_the_json_of_fresh_ones(workspace, compact, request):
    ws, result = request.getfixturevalue(workspace)
    assert result.sides is not None and SIDES_AT in result.conflicts
    assert b"".join(map(bytes, json_chunks(result, ws))) == b"".join(map(bytes, json_chunks(_fresh(result), ws)))
    for name, shown in _reordered(result.conflicts).items():
        if len(shown):
            assert result.sides.for_table(shown, ws.claims) is not None, name  # reused, not recomputed
        got = conflicts_json(shown, ws.claims, result.sides)
        assert got == conflicts_json(shown, ws.claims) == json.dumps(conflict_records(shown, ws.claims), ensure_ascii=False), name
        assert conflict_records(shown, ws.claims, result.sides) == conflict_records(shown, ws.claims), name
        chunks = b"".join(map(bytes, json_chunks(result, ws, shown)))
        assert chunks == b"".join(map(bytes, json_chunks(_fresh(result), ws, shown))), name


def test_handed_over_sides_that_do_not_apply_are_computed_afresh(generated, compact):
    ws, result = generated
    conflicts = result.conflicts
    edited = conflicts.assign(sides=[[dict(s, label=f"{s['label']}!") for s in sides] for sides in conflicts["sides"]])
    cases = {
        "sides replaced": (edited, ws.claims),
        "another claims table": (conflicts, ws.claims.copy()),
        "no position column": (conflicts.drop(columns=SIDES_AT), ws.claims),
        "positions out of range": (conflicts.assign(**{SIDES_AT: conflicts[SIDES_AT] + len(conflicts)}), ws.claims),
        "positions swapped": (conflicts.assign(**{SIDES_AT: conflicts[SIDES_AT].to_numpy()[::-1]}), ws.claims),
    }
    for name, (table, claims) in cases.items():
        assert result.sides.for_table(table, claims) is None, name
        assert conflicts_json(table, claims, result.sides) == conflicts_json(table, claims), name
    assert '!"' in conflicts_json(edited, ws.claims, result.sides)  # the edited labels, not the handed-over ones


def test_rank_conflicts_keeps_its_columns(generated):
    ws, result = generated
    ranked = rank_conflicts(result.conflicts.drop(columns=["suggestion", "suggested_side", "independent", SIDES_AT, "status"]), ws.claims, result.graph)
    assert SIDES_AT not in ranked
    pd.testing.assert_frame_equal(ranked, result.conflicts.drop(columns=[SIDES_AT, "status"]))


# --- text formats: records a block at a time, or for the first conflicts only ------------


@pytest.mark.parametrize("workspace", ["corpus", "generated"])
def test_terminal_text_does_not_depend_on_the_block_size(workspace, request):
    from reconcile.render.terminal import render_conflicts

    ws, result = request.getfixturevalue(workspace)
    state = apply_gate(result.conflicts, None, {})
    whole = "".join(render_conflicts(state.conflicts, ws, result.sides, block=100_000))
    assert "".join(render_conflicts(state.conflicts, ws, result.sides, block=3)) == whole
    # every conflict printed once, under its subject and property
    assert all(whole.count(f"#{fp}") == 1 for fp in state.conflicts["fingerprint"])


def test_terminal_text_written_to_a_file_has_no_colour_codes(tmp_path):
    from click.testing import CliRunner

    out = tmp_path / "conflicts.txt"
    result = CliRunner().invoke(main, ["--no-progress", "check", str(ROOT), "--no-baseline", "--format", "terminal", "--output", str(out)], color=True)
    assert result.exit_code == 1, result.output
    text = out.read_text(encoding="utf-8")
    assert "✖ error" in text and "\x1b[" not in text and text.endswith("\n")


@pytest.mark.parametrize("fmt", ["github", "markdown", "terminal", "junit", "sarif"])
def test_text_formats_build_records_for_a_bounded_number_of_conflicts(generated, monkeypatch, fmt):
    from reconcile.render import records as check_module
    from reconcile.render import markdown
    from reconcile.render.formats import render_check
    from reconcile.render.github import MAX_ANNOTATIONS

    monkeypatch.setattr(markdown, "ROWS_AT_MOST", 7)
    monkeypatch.setattr(check_module, "RECORD_BLOCK", 11)
    ws, result = generated
    state = apply_gate(result.conflicts, None, {})
    n = len(state.conflicts)
    assert n > max(MAX_ANNOTATIONS, 11)
    asked = []
    real = check_module.conflict_records
    monkeypatch.setattr(check_module, "conflict_records", lambda c, *a: asked.append(len(c)) or real(c, *a))
    out = render_check(fmt, state.conflicts, result, ws, state)
    text = out if isinstance(out, str) else "".join(out)
    if fmt == "github":
        assert asked == [MAX_ANNOTATIONS]
        assert text.splitlines()[-1].startswith(f"… and {n - MAX_ANNOTATIONS} more conflict(s)")
    elif fmt == "markdown":
        assert asked == [7]
        assert f"… and {n - text.count('| error |') - text.count('| warning |') - text.count('| info |'):,} more" in text
    elif fmt == "sarif":
        from reconcile.render import sarif

        assert max(asked) <= 11 and sum(asked) == min(n, sarif.MAX_RESULTS)
    else:  # every conflict, a block at a time
        assert max(asked) <= 11 and sum(asked) == n


@pytest.mark.parametrize("workspace", ["corpus", "generated"])
def test_junit_written_a_case_at_a_time_is_the_document_of_the_whole_tree(workspace, request):
    from reconcile.render.junit import _case, _document, render_junit

    ws, result = request.getfixturevalue(workspace)
    known = {fp: {} for fp in result.conflicts["fingerprint"].iloc[::2]}  # every other one in the baseline
    state = apply_gate(result.conflicts, known, {})
    records = conflict_records(state.conflicts, ws.claims, result.sides)
    failures = sum(r["status"] == "new" for r in records)
    assert 0 < failures < len(records)  # failing cases and known ones (system-out)
    whole = _document(len(records), failures, [_case(r) for r in records]) + "\n"
    assert "".join(render_junit(iter(records), len(records), failures)) == whole
