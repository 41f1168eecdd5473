"""The CI gate in a real git repository built from the bundled corpus."""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from reconcile.cli.commands import main

from .conftest import ROOT

GIT = ["git", "-c", "user.name=ci", "-c", "user.email=ci@example.invalid", "-c", "commit.gpgsign=false"]


def _git(repo: Path, *args: str) -> None:
    subprocess.run([*GIT, *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path_factory.mktemp("gate") / "ws"
    shutil.copytree(ROOT / "claims", root / "claims")
    (root / "reconcile.toml").write_text("baseline = true\n", encoding="utf-8")
    _git(root, "init", "-q")
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["baseline", str(root)])
    assert result.exit_code == 0, result.output
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "corpus and baseline")
    return root


@pytest.fixture
def clean(repo):
    _git(repo, "reset", "-q", "--hard")
    _git(repo, "clean", "-q", "-fd")
    yield repo
    _git(repo, "reset", "-q", "--hard")
    _git(repo, "clean", "-q", "-fd")


def _check(runner, repo):
    return runner.invoke(main, ["check", str(repo)])


def _append_claim(repo: Path, source_file: str, claim: dict) -> int:
    path = repo / "claims" / "captured" / source_file
    text = path.read_text(encoding="utf-8")
    lines = len(text.splitlines())
    block = yaml.safe_dump([claim], allow_unicode=True, sort_keys=False, indent=2)
    path.write_text(text.rstrip("\n") + "\n" + "\n".join("  " + ln for ln in block.splitlines()) + "\n", encoding="utf-8")
    return lines + 1  # the line of the added claim's "- id:"


def test_the_committed_baseline_passes(runner, clean):
    result = _check(runner, clean)
    assert result.exit_code == 0, result.output


def test_reordering_and_reformatting_claim_files_passes(runner, clean):
    rnd = random.Random(3)
    for path in sorted((clean / "claims" / "captured").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        rnd.shuffle(data["claims"])
        path.unlink()
        (path.parent / f"moved-{path.stem}.yml").write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=True, width=50), encoding="utf-8"
        )
    result = _check(runner, clean)
    assert result.exit_code == 0, result.output


def test_a_claim_agreeing_with_a_known_side_passes(runner, clean):
    _append_claim(
        clean,
        "tj-embassy-en.yaml",
        {
            "id": "tjen-900",
            "subject": "org:csto",
            "property": "founding_members",
            "value": ["Armenia", "Kazakhstan", "Kyrgyzstan", "Russia", "Tajikistan", "Uzbekistan"],
            "quote": "The current members of the organization are Armenia",
        },
    )
    result = _check(runner, clean)
    assert result.exit_code == 0, result.output


def test_a_new_value_in_a_known_conflict_fails_naming_the_claim(runner, clean):
    line = _append_claim(
        clean,
        "tj-embassy-en.yaml",
        {
            "id": "tjen-901",
            "subject": "org:csto",
            "property": "founding_members",
            "value": ["Armenia", "Russia", "Belarus"],
            "quote": "The current members of the organization are Armenia",
        },
    )
    result = _check(runner, clean)
    assert result.exit_code == 1, result.output
    assert f"claims/captured/tj-embassy-en.yaml:{line}" in result.stdout
    assert "founding members" in result.stdout
    # the founders conflict has a new fingerprint: its baseline entry follows it (not stale),
    # and the card says which value it gained
    assert "stale baseline entry 33428fcfc39177c3" not in result.stderr
    assert "was #33428fcfc39177c3" in result.stdout and "gained Armenia, Belarus, Russia" in result.stdout


def test_a_new_contradiction_elsewhere_fails(runner, clean):
    line = _append_claim(
        clean,
        "tj-embassy-en.yaml",
        {"id": "tjen-902", "subject": "doc:csto-charter", "property": "signed_in", "value": "Moscow",
         "quote": "Collective Security Treaty Organization and the problem of reducing new challenges and threats"},
    )
    result = _check(runner, clean)
    assert result.exit_code == 1
    first = result.stdout.split("\n\n")[0]
    assert "CSTO Charter — place signed or adopted" in first  # new conflicts are listed first
    assert f"claims/captured/tj-embassy-en.yaml:{line}" in result.stdout


def test_fixing_a_known_conflict_passes_and_reports_the_stale_entry(runner, clean):
    path = clean / "claims" / "captured" / "arabic-compilation.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["claims"] = [  # drop the 3.5 thousand figure of the peacekeeping forces
        c for c in data["claims"] if not (c["property"] == "personnel" and "3.5 ألف" in c["quote"])
    ]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = _check(runner, clean)
    assert result.exit_code == 0, result.output
    assert "stale baseline entry c686bb17d622647e" in result.stderr
    pruned = runner.invoke(main, ["baseline", str(clean), "--prune"])
    assert pruned.exit_code == 0 and "1 stale removed" in pruned.output
    assert "c686bb17d622647e" not in (clean / "reports" / "baseline.json").read_text(encoding="utf-8")
