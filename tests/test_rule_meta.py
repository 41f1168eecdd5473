"""Meta-tests over all built-in rules: documentation, cases, test modules, CLI listing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from reconcile.cli.commands import main
from reconcile.base.problems import Problems
from reconcile.detect.rulekit import discover_rules

from .conftest import ROOT

RULES = discover_rules(None, Problems())
HERE = Path(__file__).resolve().parent


def test_the_standard_rules_exist():
    assert {
        "set-mismatch",
        "value-mismatch",
        "date-mismatch",
        "quantity-mismatch",
        "count-vs-list",
        "timeline-consistency",
        "status-conflict",
    } <= set(RULES)


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_is_documented_with_both_examples(rule_id):
    doc = RULES[rule_id].doc
    assert "\nContradiction:" in doc and "\nConsistent:" in doc, rule_id
    assert len(doc.splitlines()[0]) > 20


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_has_cases_of_each_kind_and_a_test_module(rule_id):
    cases = yaml.safe_load((HERE / "rules" / "cases" / f"{rule_id}.yaml").read_text(encoding="utf-8"))
    kinds = {c["expect"] for c in cases}
    assert kinds == {"contradiction", "consistent"}, rule_id
    assert (HERE / "rules" / f"test_{rule_id.replace('-', '_')}.py").is_file()


def test_rules_command_lists_every_rule(runner):
    result = runner.invoke(main, ["rules", str(ROOT)])
    assert result.exit_code == 0, result.output
    for rule_id, info in RULES.items():
        assert rule_id in result.output and info.summary in result.output
