"""Reviewing drafts (issue 19, item 4): `--drafts` on check, report and validate; drafts
marked in every output; `reconcile accept` and `reconcile reject` (reconcile.drafting.review).
Each test builds a small workspace with `reconcile init` (tests/draft_workspace.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from reconcile.trust.ranked import find_conflicts

from reconcile.render.records import conflict_records
from reconcile.cli.commands import main
from reconcile.drafting.review import is_rejected, rejected_keys
from reconcile.pipeline import load
from reconcile.base.problems import Problems
from reconcile.render.draft_review import highlighted_segments

from .draft_workspace import CAPTURED_A, DRAFTS_B, draft_workspace


def _run(*args: str):
    return CliRunner().invoke(main, ["--no-progress", *args])


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted((root / "claims").rglob("*")) if p.is_file()}


def test_drafts_are_ignored_without_the_flag(tmp_path):
    root = draft_workspace(tmp_path)
    result = _run("check", str(root), "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["conflicts"] == [] and report["summary"]["claims"] == 1
    assert "drafts" not in report["summary"]
    ws, problems = load(root)
    assert not problems.errors and not ws.claims["draft"].any()


def test_check_with_drafts_marks_them_in_terminal_json_and_sarif(tmp_path):
    root = draft_workspace(tmp_path)
    terminal = _run("check", str(root), "--drafts")
    assert terminal.exit_code == 1, terminal.output
    assert "«Founded in 2002» [draft 0.80]" in terminal.stdout
    assert "because: cue \"founded\" (en)" in terminal.stdout
    assert "2 draft claims included" in terminal.stdout and "1 conflict(s) involve drafts" in terminal.stdout

    report = json.loads(_run("check", str(root), "--drafts", "--format", "json").stdout)
    (conflict,) = report["conflicts"]
    claims = {c["id"]: c for side in conflict["sides"] for c in side["claims"]}
    assert claims["draft-b-1"]["draft"] is True and claims["draft-b-1"]["confidence"] == 0.8
    assert claims["draft-b-1"]["because"].startswith("cue")
    captured = claims["a-1"]
    assert set(captured) == {"id", "source", "document", "quote", "span", "file", "line", "language", "as_of", "note"}
    assert report["summary"]["drafts"] == {"claims": 2, "conflicts": 1}

    # the streamed JSON is what the records say
    ws, problems = load(root, drafts=True)
    result = find_conflicts(ws, problems)
    records = conflict_records(result.conflicts, ws.claims, result.tables)
    assert [s["claims"] for s in records[0]["sides"]] == [s["claims"] for s in conflict["sides"]]

    sarif = json.loads(_run("check", str(root), "--drafts", "--format", "sarif").stdout)
    (res,) = sarif["runs"][0]["results"]
    assert [d["id"] for d in res["properties"]["drafts"]] == ["draft-b-1"]


def test_validate_with_drafts(tmp_path):
    root = draft_workspace(tmp_path)
    result = _run("validate", str(root), "--drafts")
    assert result.exit_code == 0, result.output
    assert "claims/drafts/b.yaml" in result.stdout


def test_gate_still_works_with_drafts(tmp_path):
    root = draft_workspace(tmp_path)
    assert _run("baseline", str(root)).exit_code == 0  # without drafts: no conflict recorded
    assert _run("check", str(root), "--drafts", "--baseline").exit_code == 1
    (root / "claims" / "drafts" / "b.yaml").rename(root / "claims" / "captured" / "b.yaml")
    assert _run("baseline", str(root)).exit_code == 0
    (root / "claims" / "captured" / "b.yaml").rename(root / "claims" / "drafts" / "b.yaml")
    (root / "claims" / "drafts" / "b.yaml").write_text(DRAFTS_B.replace("draft-b-", "d-b-"), encoding="utf-8")
    result = _run("check", str(root), "--drafts", "--baseline")
    assert result.exit_code == 0, result.output
    assert "[baseline]" in result.stdout and "[draft 0.80]" in result.stdout


def test_html_report_marks_drafts_and_escapes_quotes(tmp_path):
    root = draft_workspace(tmp_path)
    result = _run("report", str(root), "--drafts")
    assert result.exit_code == 0, result.output
    page = (root / "reports" / "index.html").read_text(encoding="utf-8")
    assert '<span class="badge-draft">draft 0.80</span>' in page
    assert 'id="drafts"' in page and '<details class="draft-review" id="drafts-b">' in page
    assert "<script>alert(1)</script>" not in page
    assert '<mark><a href="#d-draft-b-2" title="draft-b-2">&lt;script&gt;alert(1)&lt;/script&gt;</a></mark>' in page
    assert "reconcile accept draft-b-1" in page and "reconcile reject draft-b-2" in page
    _run("report", str(root))
    assert 'id="drafts"' not in (root / "reports" / "index.html").read_text(encoding="utf-8")


def test_highlighted_segments_cover_the_text_once():
    import numpy as np

    text = "abcdefghij"
    segments = highlighted_segments(text, np.array([1, 3, 8]), np.array([5, 4, 10]), ["x", "y", "z"])
    assert "".join(s["text"] for s in segments) == text
    assert [(s["text"], s["ids"]) for s in segments] == [
        ("a", []), ("bc", ["x"]), ("d", ["x", "y"]), ("e", ["x"]), ("fgh", []), ("ij", ["z"]),
    ]


def test_accept_moves_drafts_and_keeps_comments_of_both_files(tmp_path):
    root = draft_workspace(tmp_path)
    captured = root / "claims" / "captured" / "a.yaml"
    drafts = root / "claims" / "drafts" / "b.yaml"
    # a draft of source a, into a captured file with comments
    drafts.write_text(DRAFTS_B.replace("source: b", "source: a").replace("draft-b-", "draft-a-"), encoding="utf-8")
    (root / "claims" / "documents" / "a.txt").write_text(
        (root / "claims" / "documents" / "a.txt").read_text() + "Founded in 2002. <script>alert(1)</script>\n"
    )
    result = _run("accept", "draft-a-1", "-w", str(root))
    assert result.exit_code == 0, result.output
    text = captured.read_text(encoding="utf-8")
    assert text.startswith(CAPTURED_A)  # comments and entries as they were, the draft appended
    entry = yaml.safe_load(text)["claims"][-1]
    assert entry["id"] == "draft-a-1" and "draft" not in entry and entry["confidence"] == 0.8
    assert entry["because"].startswith("cue") and entry["capture"] == "extracted:reconcile-draft"
    left = drafts.read_text(encoding="utf-8")
    assert left.startswith("# Drafted by") and "# the seat, found by its cue\n  - id: draft-a-2" in left
    assert "draft-a-1" not in left
    assert _run("validate", str(root), "--drafts").exit_code == 0


def test_accept_all_of_a_source_creates_its_captured_file(tmp_path):
    root = draft_workspace(tmp_path)
    result = _run("accept", "--source", "b", "--all", "-w", str(root))
    assert result.exit_code == 0, result.output
    made = yaml.safe_load((root / "claims" / "captured" / "b.yaml").read_text(encoding="utf-8"))
    assert made["source"] == "b" and [c["id"] for c in made["claims"]] == ["draft-b-1", "draft-b-2"]
    assert yaml.safe_load((root / "claims" / "drafts" / "b.yaml").read_text(encoding="utf-8"))["claims"] == []
    assert _run("validate", str(root), "--drafts").exit_code == 0
    assert _run("check", str(root)).exit_code == 1  # the accepted founding year contradicts a's


def test_reject_remembers(tmp_path):
    root = draft_workspace(tmp_path)
    result = _run("reject", "draft-b-2", "--reason", "not the seat", "--by", "ed", "-w", str(root))
    assert result.exit_code == 0, result.output
    remembered = yaml.safe_load((root / "claims" / "drafts" / "rejected.yaml").read_text(encoding="utf-8"))
    (entry,) = remembered["rejected"]
    assert {k: entry[k] for k in ("source", "subject", "property", "value", "quote", "by", "reason")} == {
        "source": "b", "subject": "org:x", "property": "seat", "value": "Minsk",
        "quote": "<script>alert(1)</script>", "by": "ed", "reason": "not the seat",
    }
    assert entry["at"]
    keys = rejected_keys(root)
    assert is_rejected(keys, "b", "org:x", "seat", "Minsk", " <script>alert(1)</script>")
    assert not is_rejected(keys, "b", "org:x", "seat", "Moscow", "<script>alert(1)</script>")
    assert "draft-b-2" not in (root / "claims" / "drafts" / "b.yaml").read_text(encoding="utf-8")
    # rejected.yaml is not a claim file
    assert _run("validate", str(root), "--drafts").exit_code == 0


@pytest.mark.parametrize(
    "args",
    [
        ["accept", "draft-b-1", "nope"],
        ["reject", "nope"],
        ["accept", "--source", "nobody", "--all"],
    ],
)
def test_unknown_drafts_exit_2_and_write_nothing(tmp_path, args):
    root = draft_workspace(tmp_path)
    before = _snapshot(root)
    result = _run(*args, "-w", str(root))
    assert result.exit_code == 2, result.output
    assert "nothing was written" in result.output and "Traceback" not in result.output
    assert _snapshot(root) == before


@pytest.mark.parametrize("args", [["accept"], ["accept", "--source", "b"], ["reject", "--all"], ["reject", "x", "--source", "b"]])
def test_usage_errors(tmp_path, args):
    root = draft_workspace(tmp_path)
    assert _run(*args, "-w", str(root)).exit_code == 2


def test_accept_of_an_id_a_captured_claim_has_exits_2(tmp_path):
    root = draft_workspace(tmp_path)
    (root / "claims" / "drafts" / "b.yaml").write_text(DRAFTS_B.replace("draft-b-1", "a-1"), encoding="utf-8")
    before = _snapshot(root)
    result = _run("accept", "a-1", "-w", str(root))
    assert result.exit_code == 2 and "claims/captured/a.yaml:5" in result.output
    assert _snapshot(root) == before
    checked = _run("check", str(root), "--drafts")
    assert checked.exit_code == 2 and "has the id of the captured claim" in checked.output


def test_malformed_drafts_file_is_a_problem_with_its_line(tmp_path):
    root = draft_workspace(tmp_path, drafts="source: b\nclaims:\n  - id: x\n    quote: [unclosed\n")
    for args in (["check", str(root), "--drafts"], ["accept", "x", "-w", str(root)]):
        result = _run(*args)
        assert result.exit_code == 2, result.output
        assert "claims/drafts/b.yaml:" in result.output and "Traceback" not in result.output


def test_wrong_types_of_draft_fields_are_problems(tmp_path):
    bad = DRAFTS_B.replace("draft: true\n    confidence: 0.8", "draft: maybe\n    confidence: 0.8").replace(
        "because: 'cue \"seat\" (en)'", "because: [a, list]"
    )
    root = draft_workspace(tmp_path, drafts=bad)
    result = _run("validate", str(root), "--drafts")
    assert result.exit_code == 2
    assert "claims/drafts/b.yaml:9" in result.output and "draft-b-1" in result.output and "boolean" in result.output
    assert "`because` must be text" in result.output
    # the same fields in a captured claim
    (root / "claims" / "captured" / "a.yaml").write_text(CAPTURED_A + "    because: 12\n", encoding="utf-8")
    result = _run("validate", str(root))
    assert result.exit_code == 2 and "a-1" in result.output and "not text" in result.output
