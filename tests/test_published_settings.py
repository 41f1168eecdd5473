"""Settings a rule publishes (``PUBLISHES``): the graph and the suggestions read the run's
settings by name, never a rule's options; the documented default applies when no enabled
rule publishes a setting; a bad declaration or two publishers are problems (exit 2)."""

from __future__ import annotations

import pytest

from reconcile.base.problems import Problems
from reconcile.cli.commands import main
from reconcile.detect.rulekit import RuleConfig, RunSettings, discover_rules, published_settings
from reconcile.normalize.quantities import ABOUT_MARGIN
from reconcile.pipeline import run

#: A workspace rule that finds nothing and publishes ``about_margin`` from its own option.
MARGIN_RULE = '''"""Own margin: the workspace's margin of "about" figures.

Contradiction:
    none; the rule only sets the margin.
Consistent:
    every claim.
"""
from dataclasses import dataclass, field

from reconcile.detect.rulekit import empty_conflicts

ID = "own-margin"
NAME = "own margin"
SEVERITY = "info"
PUBLISHES = {PUBLISHES}


@dataclass(frozen=True)
class Options:
    margin: float = field(default=0.3, metadata={"min": 0.0, "max": 1.0})
    strict: bool = False


def check(claims, ctx, options):
    return empty_conflicts()
'''


def _rule(root, publishes: str = '{"about_margin": "margin"}') -> None:
    (root / "rules").mkdir(exist_ok=True)
    (root / "rules" / "own_margin.py").write_text(MARGIN_RULE.replace("{PUBLISHES}", publishes), encoding="utf-8")


def _config(root, text: str) -> None:
    (root / "reconcile.toml").write_text(text, encoding="utf-8")


def test_the_quantity_rule_publishes_the_margin_of_about():
    problems = Problems()
    rules = discover_rules(None, problems)
    assert rules["quantity-mismatch"].publishes == (("about_margin", "about_margin"),)
    configs = {rid: RuleConfig(True, r.severity, r.options_type()) for rid, r in rules.items()}
    settings = published_settings(rules, configs, problems)
    assert settings == RunSettings(about_margin=ABOUT_MARGIN)
    assert settings.publishers == {"about_margin": "quantity-mismatch"} and not problems.items


def test_rules_verbose_lists_what_a_rule_publishes(runner):
    result = runner.invoke(main, ["rules", "-v"])
    assert result.exit_code == 0
    assert "publishes the run setting about_margin (option about_margin)" in result.output


def test_the_graph_and_the_suggestions_read_the_configured_option(corpus_copy):
    _config(corpus_copy, "[rules.quantity-mismatch]\nabout_margin = 0.25\n")
    checked = run(corpus_copy)
    assert checked.run_settings.about_margin == 0.25 and checked.graph.about_margin == 0.25
    assert run(corpus_copy, until="graph").graph.about_margin == 0.25  # `reconcile graph` too


def test_a_workspace_rule_publishes_a_setting(corpus_copy):
    _rule(corpus_copy)
    _config(corpus_copy, "[rules.quantity-mismatch]\nenabled = false\n\n[rules.own-margin]\nmargin = 0.4\n")
    checked = run(corpus_copy)
    assert not checked.problems.errors, checked.problems.errors
    assert checked.run_settings.about_margin == 0.4 and checked.graph.about_margin == 0.4
    assert checked.run_settings.publishers == {"about_margin": "own-margin"}


def test_a_disabled_publisher_leaves_the_documented_default(corpus_copy):
    _config(corpus_copy, "[rules.quantity-mismatch]\nenabled = false\nabout_margin = 0.01\n")
    checked = run(corpus_copy)
    assert checked.run_settings.about_margin == ABOUT_MARGIN == 0.1
    assert checked.run_settings.publishers == {} and checked.graph.about_margin == ABOUT_MARGIN


def test_two_enabled_publishers_of_one_setting_are_a_problem(runner, corpus_copy):
    _rule(corpus_copy)
    result = runner.invoke(main, ["check", str(corpus_copy)])
    assert result.exit_code == 2, result.output
    assert "rules 'own-margin' and 'quantity-mismatch' both publish the setting 'about_margin'" in result.output
    assert "rules/own_margin.py" in result.output and "enabled = false" in result.output
    assert "Traceback" not in result.output
    graph = runner.invoke(main, ["graph", str(corpus_copy)])
    assert graph.exit_code == 2 and "both publish the setting 'about_margin'" in graph.output
    # disabling either one settles it
    _config(corpus_copy, "[rules.own-margin]\nenabled = false\n")
    assert runner.invoke(main, ["check", str(corpus_copy), "--format", "json"]).exit_code in (0, 1)


@pytest.mark.parametrize(
    "publishes, message",
    [
        ('{"about_margins": "margin"}', "rule publishes unknown setting 'about_margins'"),
        ('{"about_margin": "margins"}', "rule publishes 'about_margin' from unknown option 'margins'"),
        ('{"about_margin": "strict"}', "rule publishes 'about_margin' from option 'strict' of another type"),
        ('["about_margin"]', "rule PUBLISHES must map setting names to option names"),
    ],
)
def test_a_bad_declaration_is_reported_at_discovery(runner, corpus_copy, publishes, message):
    _rule(corpus_copy, publishes)
    result = runner.invoke(main, ["rules", str(corpus_copy)])
    assert result.exit_code == 2 and message in result.output, result.output
    assert "rules/own_margin.py" in result.output and "Traceback" not in result.output
