"""Rule configuration (reconcile.toml, [tool.reconcile]) and a workspace's own rule modules."""

from __future__ import annotations


import pytest

from reconcile.cli import main

from .conftest import ROOT, check_json


@pytest.fixture
def corpus(corpus_copy):
    return corpus_copy


def _check(runner, root, *extra):
    return check_json(runner, root, *extra)


def test_disable_and_severity_in_reconcile_toml(runner, corpus):
    (corpus / "reconcile.toml").write_text(
        '[rules.set-mismatch]\nenabled = false\n\n[rules.status-conflict]\nseverity = "warning"\n', encoding="utf-8"
    )
    result, data = _check(runner, corpus)
    assert result.exit_code == 1
    rules = {c["rule"]: c["severity"] for c in data["conflicts"]}
    assert "set-mismatch" not in rules and rules["status-conflict"] == "warning"


def test_options_in_pyproject(runner, corpus):
    (corpus / "pyproject.toml").write_text(
        "[tool.reconcile.rules.quantity-mismatch]\nreport_minor = false\n", encoding="utf-8"
    )
    _, data = _check(runner, corpus)
    assert not [c for c in data["conflicts"] if c["rule"] == "quantity-mismatch"]


@pytest.mark.parametrize(
    "toml,message",
    [
        ("[rules.set-mismatch]\nreport_omisions = true\n", "unknown option 'report_omisions'"),
        ("[rules.no-such-rule]\nenabled = false\n", "unknown rule 'no-such-rule'"),
        ("[rules.quantity-mismatch]\nabout_margin = \"wide\"\n", "has the wrong type"),
        ("[rules.set-mismatch]\nseverity = \"fatal\"\n", "severity 'fatal' unknown"),
        ("[rules\n", "invalid TOML"),
    ],
)
def test_bad_configuration_is_an_error(runner, corpus, toml, message):
    (corpus / "reconcile.toml").write_text(toml, encoding="utf-8")
    result = runner.invoke(main, ["check", str(corpus)])
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_settings_in_two_files_are_an_error(runner, corpus):
    """A reconcile.toml would hide pyproject.toml's [tool.reconcile] (its `baseline = true`
    with it, turning baseline conflicts into new ones): both is an error, not a choice."""
    (corpus / "pyproject.toml").write_text("[project]\nname = 'x'\n\n[tool.reconcile]\nbaseline = true\n", encoding="utf-8")
    (corpus / "reconcile.toml").write_text('[rules.set-mismatch]\nseverity = "warning"\n', encoding="utf-8")
    result = runner.invoke(main, ["check", str(corpus)])
    assert result.exit_code == 2 and "settings in both reconcile.toml and [tool.reconcile]" in result.output
    (corpus / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")  # no [tool.reconcile]
    assert runner.invoke(main, ["check", str(corpus)]).exit_code == 1


CUSTOM_RULE = '''"""Chair outside the members: the chairing state is not among the members of its time.

Contradiction:
    the chair of 2015 is Uzbekistan; the members of 2015 do not include Uzbekistan.
Consistent:
    the chair of 2015 is Tajikistan, a member in 2015.
"""
from dataclasses import dataclass

import pandas as pd

from reconcile.rulekit import CONFLICT_COLUMNS, empty_conflicts

ID = "chair-is-member"
NAME = "chair outside the members"
SEVERITY = "warning"


@dataclass(frozen=True)
class Options:
    organization: str = "org:csto"
    unlisted: tuple = ()
    """States to treat as absent from the member lists (for trying the rule out)."""


def check(claims, ctx, options):
    chairs = claims[(claims["subject"] == options.organization) & (claims["property"] == "chair")]
    members = claims[(claims["subject"] == options.organization) & (claims["property"] == "members")]
    listed = set().union(*[set(ids) for ids in members["value_ids"]]) if len(members) else set()
    odd = chairs[~chairs["value"].isin(listed - set(options.unlisted))]
    if odd.empty:
        return empty_conflicts()
    rows = [
        {
            "subject": options.organization, "property": "chair", "scope": None, "kind": "contradiction",
            "severity": None, "explanation": f"The chair {v} is in no member list.",
            "sides": [{"value": v, "label": v, "claims": sorted(g["claim_id"])},
                      {"value": "members", "label": "members", "claims": sorted(members["claim_id"])}],
        }
        for v, g in odd.groupby("value")
    ]
    return pd.DataFrame(rows)[CONFLICT_COLUMNS]
'''


def test_workspace_rule_module_is_listed_and_run(runner, corpus):
    (corpus / "rules").mkdir()
    (corpus / "rules" / "chair_is_member.py").write_text(CUSTOM_RULE, encoding="utf-8")
    listing = runner.invoke(main, ["rules", str(corpus)])
    assert listing.exit_code == 0 and "chair-is-member" in listing.output and "rules/chair_is_member.py" in listing.output
    result, data = _check(runner, corpus)
    assert not [c for c in data["conflicts"] if c["rule"] == "chair-is-member"]  # chairs RU, TJ are members
    (corpus / "reconcile.toml").write_text('[rules.chair-is-member]\nunlisted = ["country:RU"]\n', encoding="utf-8")
    result, data = _check(runner, corpus)
    (found,) = [c for c in data["conflicts"] if c["rule"] == "chair-is-member"]
    assert found["severity"] == "warning" and found["sides"][0]["value"] in ("country:RU", "members")


def test_broken_workspace_rule_is_reported(runner, corpus):
    (corpus / "rules").mkdir()
    (corpus / "rules" / "broken.py").write_text("import no_such_module\n", encoding="utf-8")
    result = runner.invoke(main, ["check", str(corpus)])
    assert result.exit_code == 2 and "rules/broken.py" in result.output and "Traceback" not in result.output


def test_rules_verbose_prints_docs_and_options(runner):
    result = runner.invoke(main, ["rules", str(ROOT), "-v"])
    assert result.exit_code == 0
    assert "Contradiction:" in result.output and "option report_omissions = False" in result.output
