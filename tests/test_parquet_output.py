"""`reconcile check --format parquet --output DIR`: the conflict tables, for runs too large
to read as JSON, hold what the JSON report holds."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from reconcile.cli.commands import main

from .conftest import ROOT


def _check(*args: str):
    return CliRunner().invoke(main, ["--no-progress", "check", str(ROOT), "--no-baseline", *args])


def test_the_three_tables_hold_the_json_report(tmp_path: Path) -> None:
    out = tmp_path / "tables"
    result = _check("--format", "parquet", "--output", str(out))
    assert result.exit_code == 1, result.output  # new conflicts: the gate fails as with any format
    conflicts = pd.read_parquet(out / "conflicts.parquet")
    sides = pd.read_parquet(out / "sides.parquet")
    side_claims = pd.read_parquet(out / "side_claims.parquet")
    report = json.loads(_check("--format", "json").stdout)["conflicts"]

    assert conflicts["conflict"].tolist() == list(range(len(report)))
    assert conflicts["fingerprint"].tolist() == [r["fingerprint"] for r in report]
    assert conflicts["suggestion"].tolist() == [r["suggestion"] for r in report]
    assert [list(s) for s in conflicts["sources"]] == [r["sources"] for r in report]
    joined = sides.merge(side_claims, on="side").sort_values(["conflict", "position", "claim_id"])
    for n, record in enumerate(report):
        mine = sides[sides["conflict"].eq(n)].sort_values("position")
        assert mine["label"].tolist() == [s["label"] for s in record["sides"]]
        assert [json.loads(v) for v in mine["value"]] == [s["value"] for s in record["sides"]]
        assert mine["claims"].tolist() == [len(s["claims"]) for s in record["sides"]]
        cited = joined[joined["conflict"].eq(n)]
        want = sorted((p, c["id"], c["quote"], c["span"][0], c["line"]) for p, s in enumerate(record["sides"]) for c in s["claims"])
        assert sorted(zip(cited["position"], cited["claim_id"], cited["quote"], cited["span_start"], cited["line"])) == want


def test_severity_filters_and_orders_the_tables_as_the_report(tmp_path: Path) -> None:
    out = tmp_path / "errors"
    assert _check("--format", "parquet", "--output", str(out), "--severity", "error").exit_code == 1
    report = json.loads(_check("--format", "json", "--severity", "error").stdout)["conflicts"]
    conflicts = pd.read_parquet(out / "conflicts.parquet")
    assert conflicts["fingerprint"].tolist() == [r["fingerprint"] for r in report]
    assert set(conflicts["severity"]) == {"error"}
    assert set(pd.read_parquet(out / "sides.parquet")["conflict"]) == set(conflicts["conflict"])


def test_parquet_needs_a_folder(tmp_path: Path) -> None:
    missing = _check("--format", "parquet")
    assert missing.exit_code == 2 and "--output DIR" in missing.output
    a_file = tmp_path / "report.parquet"
    a_file.write_text("mine", encoding="utf-8")
    refused = _check("--format", "parquet", "--output", str(a_file))
    assert refused.exit_code == 2 and "is a file" in refused.output
    assert a_file.read_text(encoding="utf-8") == "mine"  # nothing the user wrote is lost
