"""Shared fixtures: paths, a CLI runner, and copies of fixture workspaces."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A fresh copy of the bundled workspace's claims (no config, no baseline)."""
    dest = tmp_path / "ws"
    shutil.copytree(ROOT / "claims", dest / "claims")
    return dest


def check_json(runner: CliRunner, root: Path, *extra: str):
    """Run `reconcile check --format json`; return the result and the parsed report (or None)."""
    import json

    from reconcile.cli import main

    result = runner.invoke(main, ["check", str(root), "--format", "json", *extra])
    return result, (json.loads(result.stdout) if result.exit_code in (0, 1) else None)


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A fresh copy of the small valid workspace ``tests/fixtures/mini``."""
    dest = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", dest)
    return dest
