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

    from reconcile.cli.commands import main

    result = runner.invoke(main, ["check", str(root), "--format", "json", *extra])
    return result, (json.loads(result.stdout) if result.exit_code in (0, 1) else None)


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A fresh copy of the small valid workspace ``tests/fixtures/mini``."""
    dest = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", dest)
    return dest


def add_peacekeeping_figure(root: Path, value: str) -> int:
    """Append to al-thawra-ar's claims a figure of the CSTO peacekeeping force (``value`` as
    YAML, such as ``{amount: 5000, approx: exact}``), as of 2017, quoting a real sentence
    of its document; return the line of the new claim. arabic-compilation states "about
    3,500" and "about 3,600", which are compatible with each other."""
    path = root / "claims" / "captured" / "al-thawra-ar.yaml"
    text = path.read_text(encoding="utf-8")
    text += "" if text.endswith("\n") else "\n"
    path.write_text(
        text
        + "  - id: thawra-900\n"
        + "    subject: force:peacekeeping\n"
        + "    property: personnel\n"
        + f"    value: {value}\n"
        + '    as_of: "2017"\n'
        + "    quote: 'وتضم المنظمة كلا من روسيا وكازاخستان وطاجيكستان وقرغيزستان وأرمينيا وبيلاروس'\n",
        encoding="utf-8",
    )
    return text.count("\n") + 1
