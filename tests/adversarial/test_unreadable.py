"""A workspace the user may not read does not pass: each case makes one file or folder
unreadable (mode 0) and runs the CLI as the user nobody (root reads everything), who may
read all the rest."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import assert_no_traceback, run, text

FP = "7ed7f1083810f777"
DECIDE = ["decide", FP, "--verdict", "accepted", "-w"]

#: (path made unreadable, command, fragments the output must hold)
CASES = [
    ("claims/captured", ["validate"], ["claims/captured", "cannot read the folder: permission denied"]),
    ("claims/captured", ["check"], ["claims/captured", "permission denied"]),
    ("claims/captured/tj-embassy-en.yaml", ["validate"], ["claims/captured/tj-embassy-en.yaml", "permission denied"]),
    ("claims/captured/extra.csv", ["validate"], ["claims/captured/extra.csv", "permission denied"]),
    ("claims/captured/extra.parquet", ["validate"], ["claims/captured/extra.parquet", "permission denied"]),
    ("claims/documents/000_4ccf710ff0c45aa7.txt", ["validate"], ["000_4ccf710ff0c45aa7.txt", "permission denied"]),
    ("claims/documents", ["validate"], ["claims/documents", "permission denied"]),
    ("claims/sources.yaml", ["validate"], ["claims/sources.yaml", "permission denied"]),
    ("claims/entities.yaml", ["validate"], ["claims/entities.yaml", "permission denied"]),
    ("claims/properties.yaml", ["check"], ["claims/properties.yaml", "permission denied"]),
    ("reports/decisions.yaml", ["check"], ["reports/decisions.yaml", "permission denied"]),
    ("reports/decisions.yaml", DECIDE, ["reports/decisions.yaml", "permission denied"]),
    ("reports/baseline.json", ["check"], ["reports/baseline.json", "permission denied"]),
    ("reports/baseline.json", ["baseline"], ["reports/baseline.json", "permission denied"]),
    ("reports/baseline.json", ["report"], ["reports/baseline.json", "permission denied"]),
    ("reconcile.toml", ["check"], ["reconcile.toml", "permission denied"]),
    ("pyproject.toml", ["check"], ["pyproject.toml", "permission denied"]),
    ("pyproject.toml", ["graph"], ["pyproject.toml", "permission denied"]),
]


def _prepare(ws: Path, rel: str) -> None:
    """Create what the case makes unreadable when the bundled workspace lacks it."""
    path = ws / rel
    if rel.endswith("decisions.yaml"):
        path.write_text(f"decisions:\n  - fingerprint: {FP}\n    verdict: accepted\n", encoding="utf-8")
    elif rel.endswith(".csv"):
        path.write_text("id,subject,property,value,quote\n", encoding="utf-8")
    elif rel.endswith(".parquet"):
        path.write_bytes(b"PAR1")
    elif rel == "pyproject.toml":
        (ws / "reconcile.toml").unlink()
        path.write_text('[tool.reconcile]\nbaseline = true\nrule_folder = ""\n', encoding="utf-8")


def _open_reports(ws: Path) -> None:
    reports = ws / "reports"
    os.chmod(reports, 0o777)  # the commands that write may write there
    for written in reports.iterdir():
        os.chmod(written, 0o666)


def test_nobody_may_read_the_rest(open_ws, as_nobody):
    """The premise of the cases: with nothing made unreadable, nobody reads everything."""
    for rel in {rel for rel, _, _ in CASES}:
        _prepare(open_ws, rel)
    for path in (open_ws / "claims" / "captured").iterdir():
        os.chmod(path, 0o644)
    _open_reports(open_ws)
    for command in {tuple(command) for _, command, _ in CASES}:
        result = run(*command, open_ws, user=as_nobody)
        assert_no_traceback(result)
        assert "permission denied" not in text(result), text(result)


@pytest.mark.parametrize("rel, command, fragments", CASES, ids=[f"{c[0]}-{c[1][0]}" for c in CASES])
def test_an_unreadable_file_is_a_message(open_ws, as_nobody, rel, command, fragments):
    _prepare(open_ws, rel)
    _open_reports(open_ws)
    os.chmod(open_ws / rel, 0)
    result = run(*command, open_ws, user=as_nobody)
    assert_no_traceback(result)
    output = text(result)
    assert result.returncode == 2, output[-3000:]
    for fragment in fragments:
        assert fragment in output, output[-3000:]
