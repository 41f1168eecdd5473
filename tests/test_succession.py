"""Fingerprints and decisions that survive new evidence: a reviewed conflict is not new again
because another conflict appeared, and its baseline entry and decisions follow it when it
gains or loses a value (reconcile.gate.succession, reconcile.gate.state.apply_gate).

Each test builds a small workspace of its own with `reconcile init`: one organization whose
seat (a time-dependent city) and founding date sources state.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconcile.cli.commands import main

TEXT = (
    "The organization has its seat in Moscow. Others say its seat is in Minsk, or in Almaty, "
    "or in Dushanbe. It was founded in 1992, or in 2002, or in 2009, or in 2010.\n"
)
SOURCES = [f"s{i}" for i in range(1, 9)]


def _workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    assert CliRunner().invoke(main, ["init", str(root)]).exit_code == 0
    (root / "claims" / "entities.yaml").write_text(
        "entities:\n  - {id: org:x, kind: organization, label: X Organization, names: [X Organization]}\n", encoding="utf-8"
    )
    entries = []
    for sid in SOURCES:
        (root / "claims" / "documents" / f"{sid}.txt").write_text(TEXT, encoding="utf-8")
        entries.append({"id": sid, "document": f"documents/{sid}.txt", "language": "en", "kind": "news", "published": "2021"})
    (root / "claims" / "sources.yaml").write_text(yaml.safe_dump({"sources": entries}), encoding="utf-8")
    return root


def _claims(root: Path, claims: list[tuple[str, str, str, str, str | None]]) -> None:
    """(source, id, property, value, as_of) per claim, all about org:x, written afresh."""
    by_source: dict[str, list[dict]] = {}
    for source, cid, prop, value, as_of in claims:
        claim = {"id": cid, "subject": "org:x", "property": prop, "value": value, "quote": value}
        if as_of:
            claim["as_of"] = as_of
        by_source.setdefault(source, []).append(claim)
    folder = root / "claims" / "captured"
    for path in folder.glob("*.yaml"):
        path.unlink()
    for source, items in by_source.items():
        (folder / f"{source}.yaml").write_text(yaml.safe_dump({"source": source, "claims": items}, allow_unicode=True), encoding="utf-8")


def _check(root: Path, *args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(main, ["check", str(root), "--format", "json", "--baseline", *args])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def _baseline(root: Path) -> None:
    result = CliRunner().invoke(main, ["baseline", str(root)])
    assert result.exit_code == 0, result.output


SEATS_2010 = [("s1", "c1", "seat", "Moscow", "2010"), ("s2", "c2", "seat", "Minsk", "2010")]
FOUNDING = [("s3", "c3", "established", "2002", None), ("s4", "c4", "established", "1992", None)]


def test_the_same_values_in_another_scope_leave_the_reviewed_conflict_as_it_was(tmp_path):
    root = _workspace(tmp_path)
    _claims(root, SEATS_2010)
    _baseline(root)
    (reviewed,) = _check(root)[1]["conflicts"]
    _claims(root, SEATS_2010 + [("s3", "c3", "seat", "Moscow", "2020"), ("s4", "c4", "seat", "Minsk", "2020")])
    code, report = _check(root)
    assert code == 1
    by_scope = {c["scope"]: c for c in report["conflicts"]}
    assert by_scope["2010"]["fingerprint"] == reviewed["fingerprint"] and by_scope["2010"]["status"] == "baseline"
    assert by_scope["2020"]["status"] == "new" and by_scope["2020"]["fingerprint"] != reviewed["fingerprint"]
    assert report["gate"]["stale_baseline"] == []


def test_a_conflict_that_gains_a_value_is_new_and_its_baseline_entry_follows(tmp_path):
    root = _workspace(tmp_path)
    _claims(root, FOUNDING)
    _baseline(root)
    (before,) = _check(root)[1]["conflicts"]
    _claims(root, FOUNDING + [("s5", "c5", "established", "2009", None)])
    code, report = _check(root)
    (after,) = report["conflicts"]
    assert code == 1 and after["status"] == "new" and after["fingerprint"] != before["fingerprint"]
    assert after["history"] == {"aliases": [before["fingerprint"]], "gained": ["2009"], "lost": []}
    assert report["gate"]["stale_baseline"] == []  # followed, not stale
    # every output says so
    terminal = CliRunner().invoke(main, ["check", str(root), "--baseline"]).stdout
    assert f"was #{before['fingerprint']}; gained 2009" in terminal
    sarif = json.loads(CliRunner().invoke(main, ["check", str(root), "--baseline", "--format", "sarif"]).stdout)
    assert sarif["runs"][0]["results"][0]["properties"]["history"]["gained"] == ["2009"]
    assert CliRunner().invoke(main, ["report", str(root), "--baseline"]).exit_code == 0
    page = (root / "reports" / "index.html").read_text(encoding="utf-8")
    assert f"Known as #{before['fingerprint']}." in page and "Gained: <bdi>2009</bdi>." in page
    # recording it moves the entry, with the old fingerprint as an alias: known from then on
    _baseline(root)
    entries = json.loads((root / "reports" / "baseline.json").read_text(encoding="utf-8"))["conflicts"]
    assert [(e["fingerprint"], e.get("aliases")) for e in entries] == [(after["fingerprint"], [before["fingerprint"]])]
    code, report = _check(root)
    assert code == 0 and report["conflicts"][0]["status"] == "baseline"


def test_a_conflict_that_loses_a_value_stays_known(tmp_path):
    root = _workspace(tmp_path)
    _claims(root, FOUNDING + [("s5", "c5", "established", "2009", None)])
    _baseline(root)
    _claims(root, FOUNDING)
    code, report = _check(root)
    (after,) = report["conflicts"]
    assert code == 0 and after["status"] == "baseline"
    assert after["history"]["lost"] == ["2009"] and after["history"]["gained"] == []


def test_a_decision_follows_its_conflict_with_its_note(tmp_path):
    root = _workspace(tmp_path)
    _claims(root, FOUNDING)
    (conflict,) = _check(root)[1]["conflicts"]
    result = CliRunner().invoke(
        main,
        ["decide", conflict["fingerprint"], "--verdict", "resolved", "--side", "2002", "--note", "the charter says 2002",
         "--by", "ed", "--workspace", str(root)],
    )
    assert result.exit_code == 0, result.output
    _baseline(root)
    # the same values in another time scope appear: the decided conflict keeps its verdict
    _claims(root, FOUNDING + [("s5", "c5", "seat", "Moscow", "2010"), ("s6", "c6", "seat", "Minsk", "2010")])
    code, report = _check(root)
    decided = next(c for c in report["conflicts"] if c["property"] == "established")
    assert decided["status"] == "resolved" and decided["decision"]["note"] == "the charter says 2002"
    # a new value: the decision is shown with the conflict, which is new again
    _claims(root, FOUNDING + [("s5", "c5", "established", "2010", None)])
    code, report = _check(root)
    (changed,) = report["conflicts"]
    assert code == 1 and changed["status"] == "new"
    assert changed["decision"]["note"] == "the charter says 2002" and changed["history"]["gained"] == ["2010"]


def _decide(root: Path, fingerprint: str, *args: str) -> str:
    result = CliRunner().invoke(main, ["decide", fingerprint, *args, "--by", "ed", "--workspace", str(root)])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_decision_without_a_baseline_follows_its_conflict_and_a_new_verdict_moves_it(tmp_path):
    root = _workspace(tmp_path)
    _claims(root, FOUNDING)
    (conflict,) = _check(root, "--no-baseline")[1]["conflicts"]
    _decide(root, conflict["fingerprint"], "--verdict", "accepted", "--note", "two dates in print")
    entry = yaml.safe_load((root / "reports" / "decisions.yaml").read_text(encoding="utf-8"))["decisions"][0]
    # the decision records what its conflict was, so it can follow it
    assert entry["conflict"]["property"] == "established" and sorted(entry["conflict"]["values"]) == ["1992", "2002"]
    _claims(root, FOUNDING + [("s5", "c5", "established", "2009", None)])
    code, report = _check(root, "--no-baseline")
    (changed,) = report["conflicts"]
    assert code == 1 and changed["status"] == "new" and changed["decision"]["note"] == "two dates in print"
    assert changed["history"]["aliases"] == [conflict["fingerprint"]] and report["gate"]["stale_decisions"] == []
    # deciding the changed conflict updates that decision: new fingerprint, the old one an alias,
    # the earlier verdict in its history
    out = _decide(root, changed["fingerprint"], "--verdict", "resolved", "--side", "2002", "--note", "the charter")
    assert f"follows its conflict to {changed['fingerprint']}" in out
    (entry,) = yaml.safe_load((root / "reports" / "decisions.yaml").read_text(encoding="utf-8"))["decisions"]
    assert entry["fingerprint"] == changed["fingerprint"] and entry["aliases"] == [conflict["fingerprint"]]
    assert entry["verdict"] == "resolved" and entry["history"][0]["note"] == "two dates in print"
    assert sorted(entry["conflict"]["values"]) == ["1992", "2002", "2009"]
    code, report = _check(root, "--no-baseline")
    (decided,) = report["conflicts"]
    assert code == 0 and decided["status"] == "resolved"
    # every output shows the decision and its earlier verdict
    assert decided["decision"]["history"] == [
        {"verdict": "accepted", "note": "two dates in print", "by": "ed", "at": entry["history"][0]["at"]}
    ]
    terminal = CliRunner().invoke(main, ["check", str(root)]).stdout
    assert "decision: resolved (2002) — the charter — ed" in terminal and "earlier: accepted — two dates in print" in terminal
    sarif = json.loads(CliRunner().invoke(main, ["check", str(root), "--format", "sarif"]).stdout)
    assert sarif["runs"][0]["results"][0]["properties"]["decision"]["history"][0]["verdict"] == "accepted"
    assert CliRunner().invoke(main, ["report", str(root)]).exit_code == 0
    page = (root / "reports" / "index.html").read_text(encoding="utf-8")
    assert "Earlier verdicts (1)" in page and "<li>accepted — two dates in print (ed," in page


def test_decide_finds_a_conflict_by_an_earlier_fingerprint(tmp_path):
    root = _workspace(tmp_path)
    _claims(root, FOUNDING)
    _baseline(root)
    (before,) = _check(root)[1]["conflicts"]
    _claims(root, FOUNDING + [("s5", "c5", "established", "2009", None)])
    (after,) = _check(root)[1]["conflicts"]
    # an editor working from yesterday's report types the old fingerprint
    out = _decide(root, before["fingerprint"], "--verdict", "accepted", "--note", "n")
    assert f"recorded accepted for {after['fingerprint']}" in out
    assert _check(root)[1]["conflicts"][0]["status"] == "accepted"


def test_a_malformed_recorded_conflict_in_a_decision_is_named(tmp_path):
    root = _workspace(tmp_path)
    _claims(root, FOUNDING)
    (root / "reports").mkdir(exist_ok=True)
    (root / "reports" / "decisions.yaml").write_text(
        "decisions:\n  - fingerprint: 0123456789abcdef\n    verdict: accepted\n    conflict: [1992]\n", encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 2 and "reports/decisions.yaml:2" in result.output and "`conflict` holds a list" in result.output


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(SOURCES[4:]),
            st.sampled_from(["seat", "established"]),
            st.sampled_from(["Moscow", "Minsk", "Almaty", "Dushanbe", "1992", "2002", "2009", "2010"]),
            st.sampled_from([None, "2005", "2010", "2015", "2020"]),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_new_claims_never_change_a_recorded_conflict_they_do_not_touch(tmp_path_factory, extra):
    """Claims added about other times or values: every recorded conflict whose claims are
    untouched keeps its fingerprint and its known status; a claim that agrees with a side
    creates no conflict."""
    root = _workspace(tmp_path_factory.mktemp("h"))
    base = SEATS_2010 + FOUNDING
    _claims(root, base)
    _baseline(root)
    recorded = {c["fingerprint"]: c for c in _check(root)[1]["conflicts"]}
    added = []
    for n, (source, prop, value, as_of) in enumerate(extra):
        is_date = value[0].isdigit()
        if (prop == "established") != is_date:
            continue
        added.append((source, f"x{n}", prop, value, None if prop == "established" else as_of or "2020"))
    _claims(root, base + added)
    _, report = _check(root)
    now = {c["fingerprint"]: c for c in report["conflicts"]}
    for fp, conflict in recorded.items():
        touched = any(
            a[2] == conflict["property"] and (conflict["property"] == "established" or a[4] == conflict["scope"]) for a in added
        )
        if not touched:
            assert fp in now and now[fp]["status"] == "baseline", (fp, added)
    # agreeing claims only: no conflict appears
    agreeing = [("s7", "y1", "seat", "Moscow", "2010"), ("s8", "y2", "established", "2002", None)]
    _claims(root, base + agreeing)
    assert {c["fingerprint"] for c in _check(root)[1]["conflicts"]} == set(recorded)


def test_records_of_conflicts_that_became_one_merge_into_it():
    import pandas as pd

    from reconcile.gate.succession import continue_known

    def record(country: str) -> dict:
        return {"rule": "timeline", "subject": "org:x", "property": "members", "scope": "2002",
                "values": [f"{country} listed 2002", f"{country} left in 1999"],
                "labels": [f"{country} listed as a member", f"{country} left in 1999"]}

    records = {"aaaa": record("AZ"), "bbbb": record("GE"), "cccc": record("UZ")}
    conflict = pd.DataFrame(
        {
            "fingerprint": ["ffff"], "rule": ["timeline"], "subject": ["org:x"], "property": ["members"], "scope": ["2002"],
            "sides": [[{"value": "AZ, GE, UZ listed 2002", "label": "listed"},
                       *({"value": f"{c} left in 1999", "label": f"{c} left"} for c in ("AZ", "GE", "UZ"))]],
        }
    )
    (found,) = continue_known(conflict, conflict["sides"].tolist(), records)
    assert found.how == "successor" and {found.record, *found.merged} == set(records)
    assert found.aliases == ("aaaa", "bbbb", "cccc")
    assert found.gained == ("AZ, GE, UZ listed 2002",)
    assert sorted(found.lost_labels) == ["AZ listed as a member", "GE listed as a member", "UZ listed as a member"]
