"""Rule configuration (reconcile.toml, [tool.reconcile]) and a workspace's own rule modules."""

from __future__ import annotations

import shutil

import pytest

from reconcile.cli.commands import main

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

from reconcile.detect.rulekit import CONFLICT_COLUMNS, empty_conflicts

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


def _rule_ids(runner, root) -> list[str]:
    result = runner.invoke(main, ["rules", str(root)])
    assert result.exit_code == 0, result.output
    return [line.split()[0] for line in result.output.splitlines() if line and not line.startswith(" ")]


def test_an_exported_copy_of_the_repository_runs_each_rule_once(runner, tmp_path):
    # `git archive HEAD | tar -x`: the copy's rules/ is the built-in rules' source, and its
    # pyproject.toml says the bundled workspace has no rules of its own.
    dest = tmp_path / "export"
    for part in ("claims", "rules", "reports"):
        shutil.copytree(ROOT / part, dest / part)
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")
    ids = _rule_ids(runner, dest)
    assert len(ids) == len(set(ids)) and "set-mismatch" in ids
    assert runner.invoke(main, ["check", str(dest)]).exit_code == 0


def test_a_copy_of_a_builtin_rule_in_a_workspace_rule_folder_is_the_builtin_rule(runner, corpus):
    shutil.copytree(ROOT / "rules", corpus / "rules")
    (corpus / "rules" / "chair_is_member.py").write_text(CUSTOM_RULE, encoding="utf-8")
    ids = _rule_ids(runner, corpus)
    assert len(ids) == len(set(ids)) and {"set-mismatch", "chair-is-member"} <= set(ids)
    # a module of the workspace's own that takes a built-in id is still an error
    text = (ROOT / "rules" / "set_mismatch.py").read_text(encoding="utf-8")
    (corpus / "rules" / "set_mismatch.py").write_text(text + "\n# edited\n", encoding="utf-8")
    result = runner.invoke(main, ["rules", str(corpus)])
    assert result.exit_code == 2 and "'set-mismatch' is already taken by a built-in rule" in result.output


def test_rule_folder_setting(runner, corpus):
    (corpus / "own").mkdir()
    (corpus / "own" / "chair_is_member.py").write_text(CUSTOM_RULE, encoding="utf-8")
    (corpus / "reconcile.toml").write_text('rule_folder = "own"\n', encoding="utf-8")
    assert "chair-is-member" in _rule_ids(runner, corpus)
    (corpus / "reconcile.toml").write_text('rule_folder = ""\n', encoding="utf-8")
    assert "chair-is-member" not in _rule_ids(runner, corpus)
    for setting, message in (('"../elsewhere"', "leaves the workspace"), ('"missing"', "is not a folder"), ("3", "must be text")):
        (corpus / "reconcile.toml").write_text(f"rule_folder = {setting}\n", encoding="utf-8")
        result = runner.invoke(main, ["rules", str(corpus)])
        assert result.exit_code == 2 and message in result.output, (setting, result.output)
