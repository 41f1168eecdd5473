"""`reconcile check` on the bundled corpus: the real contradictions, and only those."""

from __future__ import annotations

import json

import pytest

from reconcile.cli.commands import main

from .conftest import ROOT


@pytest.fixture(scope="module")
def report():
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["check", str(ROOT), "--format", "json", "--no-baseline"])
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)


def _find(report, **match):
    return [c for c in report["conflicts"] if all(c[k] == v for k, v in match.items())]


def _values(conflict):
    return [s["value"] for s in conflict["sides"]]


def test_differing_founders(report):
    (c,) = _find(report, subject="org:csto", property="founding_members", rule="set-mismatch")
    nine = next(s for s in c["sides"] if len(s["value"]) == 9)
    six = next(s for s in c["sides"] if len(s["value"]) == 6)
    assert {"country:BY", "country:AZ", "country:GE"} <= set(nine["value"]) - set(six["value"])
    assert {cl["source"] for cl in nine["claims"]} == {"aran-news-fa"}
    assert "Azerbaijan, Belarus and Georgia" in c["explanation"]


def test_member_lists_including_a_source_that_disagrees_with_itself(report):
    found = _find(report, subject="org:csto", property="members", rule="set-mismatch")
    (c,) = [c for c in found if any(len(s["value"]) == 5 for s in c["sides"])]
    five = next(s for s in c["sides"] if len(s["value"]) == 5)
    assert "country:TJ" not in five["value"]
    assert {cl["source"] for cl in five["claims"]} == {"tj-embassy-fa"}
    assert "tj-embassy-fa" in {cl["source"] for s in c["sides"] if s is not five for cl in s["claims"]}


def test_member_count_against_the_lists(report):
    (c,) = _find(report, property="member_count", rule="count-vs-list")
    assert c["internal"] and c["sources"] == ["arabic-compilation"]
    assert "7 members is right for 2006-08-16 to 2012, when Uzbekistan was a member" in c["explanation"]


def test_two_sizes_of_the_peacekeeping_force(report):
    (c,) = _find(report, subject="force:peacekeeping", property="personnel")
    assert sorted(_values(c)) == ["about 3500 person", "about 3600 person"]
    assert c["kind"] == "minor" and c["severity"] == "warning"


def test_uzbekistan_in_2012_suspended_or_left(report):
    # the suspension of 2012 that nothing later lifts runs into Aran News' statement of 2016
    # that Uzbekistan left: one conflict from 2012 to 2016
    (c,) = _find(report, subject="country:UZ", rule="status-conflict")
    assert sorted(_values(c)) == ["suspended", "withdrawn"] and c["scope"] == "2012/2016"
    sources = {cl["source"] for s in c["sides"] for cl in s["claims"]}
    assert sources == {"tj-embassy-fa", "arabic-compilation", "aran-news-fa"}


def test_every_side_carries_its_quotes(report):
    for c in report["conflicts"]:
        assert len(c["sides"]) >= 2
        for side in c["sides"]:
            assert side["claims"]
            for cl in side["claims"]:
                assert cl["quote"] and cl["span"][1] > cl["span"][0]


@pytest.mark.parametrize(
    "subject,prop",
    [
        ("event:csc-2015-dushanbe", None),  # 14-15 September vs 15 September; دوشنبه / دوشانبي / Dushanbe
        ("doc:csto-charter", None),  # کشینیف / تشيسيناو / كيشيناو
        ("event:summit-2021-dushanbe", None),  # another summit in the same city
        ("force:crrf", "personnel"),  # more than 20 thousand …
        ("force:crdf-central-asia", None),  # … is not the 1,500 of another force
        ("treaty:cst", None),  # 1992, 1992-05, 1992-05-15
        ("org:un", None),
    ],
)
def test_no_conflict_for_agreement_in_disguise(report, subject, prop):
    match = {"subject": subject} if prop is None else {"subject": subject, "property": prop}
    assert not _find(report, **match)


def test_members_of_2021_are_not_compared_with_2015(report):
    for c in _find(report, property="members"):
        assert "al-thawra-ar" not in c["sources"]


def test_every_claim_points_to_its_file_and_line(report):
    for c in report["conflicts"]:
        for side in c["sides"]:
            for cl in side["claims"]:
                lines = (ROOT / cl["file"]).read_text(encoding="utf-8").splitlines()
                line = lines[cl["line"] - 1]
                assert cl["id"] in line, (cl["file"], cl["line"], line)
                doc = (ROOT / cl["document"]).read_text(encoding="utf-8")
                assert " ".join(doc[cl["span"][0] : cl["span"][1]].split()) == " ".join(cl["quote"].split())


def test_summary_counts_match(report):
    s = report["summary"]
    assert s["conflicts"] == len(report["conflicts"]) == sum(s["by_severity"].values())
    assert s["claims"] >= 150 and s["sources"] == 5


def test_terminal_output_groups_by_subject_with_quotes_in_their_script(runner):
    result = runner.invoke(main, ["check", str(ROOT), "--no-baseline"])
    assert result.exit_code == 1
    out = result.stdout
    assert "Uzbekistan — membership status" in out
    assert "«سال 2012 برای بار دوم فعالیت خود را در سازمان قطع نمود»" in out
    assert out.index("✖ error") < out.index("▲ warning")


def test_severity_threshold_and_output_file(runner, tmp_path):
    out = tmp_path / "conflicts.json"
    result = runner.invoke(main, ["check", str(ROOT), "--format", "json", "--severity", "error", "--output", str(out), "--no-baseline"])
    assert result.exit_code == 1
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["conflicts"] and all(c["severity"] == "error" for c in data["conflicts"])


def test_json_is_byte_identical_across_runs(runner):
    a = runner.invoke(main, ["check", str(ROOT), "--format", "json"]).stdout
    b = runner.invoke(main, ["check", str(ROOT), "--format", "json"]).stdout
    assert a == b


def test_invalid_workspace_exits_2(runner, mini):
    (mini / "claims/captured/alpha.yaml").write_text("source: alpha\nclaims: [\n", encoding="utf-8")
    result = runner.invoke(main, ["check", str(mini)])
    assert result.exit_code == 2 and "malformed YAML" in result.output


def test_clean_workspace_exits_0(runner, mini):
    result = runner.invoke(main, ["check", str(mini)])
    assert result.exit_code == 0, result.output
    assert "No contradictions found." in result.stdout
