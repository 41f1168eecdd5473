"""A claim's milestone: which event of a founding its date is (decided, signed, in_force)."""

from __future__ import annotations

from click.testing import CliRunner

from reconcile.cli.commands import main

from .rules.harness import build_workspace


def _validate(tmp_path, claims):
    root = build_workspace(tmp_path, {"name": "m", "claims": claims})
    return CliRunner().invoke(main, ["validate", str(root)])


def test_a_milestone_the_property_declares_is_valid(tmp_path):
    result = _validate(tmp_path, [{"source": "A", "subject": "org:csto", "property": "established", "value": "2002-10-07", "milestone": "signed"}])
    assert result.exit_code == 0, result.output


def test_an_unknown_milestone_says_which_are_allowed(tmp_path):
    result = _validate(tmp_path, [{"source": "A", "subject": "org:csto", "property": "established", "value": "2002-10-07", "milestone": "ratified"}])
    assert result.exit_code == 2
    assert "unknown milestone 'ratified'" in result.output and "one of decided, signed, in_force, first_meeting" in result.output


def test_a_milestone_on_a_property_without_milestones(tmp_path):
    result = _validate(tmp_path, [{"source": "A", "subject": "treaty:cst", "property": "signed", "value": "1992-05-15", "milestone": "signed"}])
    assert result.exit_code == 2 and "property signed declares no milestones" in result.output
