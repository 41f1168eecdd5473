"""Documentation cannot fall behind: every command and option is in the README."""

from __future__ import annotations

import click
import pytest

from reconcile.cli.commands import main

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
RULES_DOC = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_and_option_is_documented(name):
    command = main.commands[name]
    assert f"reconcile {name}" in README
    for param in command.params:
        if isinstance(param, click.Option) and "--help" not in param.opts:
            long = [opt for opt in param.opts if opt.startswith("--")]
            assert all(opt in README for opt in long), f"{name} {param.opts} undocumented"


def test_every_rule_is_in_the_rules_doc():
    from reconcile.base.problems import Problems
    from reconcile.detect.rulekit import discover_rules

    for rule_id in discover_rules(None, Problems()):
        assert f"`{rule_id}`" in RULES_DOC


def test_quickstart_has_exactly_two_commands_and_ci_runs_the_second():
    section = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    blocks = [b.split("\n", 1)[1].strip() for b in section.split("```sh")[1:]]
    commands = [b.split("```")[0].strip() for b in blocks]
    assert len(commands) == 2
    assert commands[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_publishable_setting_is_in_the_rules_doc():
    from reconcile.detect.rulekit import PUBLISHABLE

    section = RULES_DOC.split("## Settings a rule publishes", 1)[1].split("\n## ", 1)[0]
    for name, spec in PUBLISHABLE.items():
        assert f"| `{name}` | `{spec.default}` |" in section
