"""The scale tools: the workspace generator plants what it says; the harness runs end to end;
claims give the same conflicts whether read from Parquet, CSV or YAML."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml

from bench.generate_workspace import generate_workspace
from bench.harness import command, floor, run_stages
from reconcile.trust.ranked import find_conflicts
from reconcile.pipeline import load


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    root = tmp_path_factory.mktemp("gen") / "ws"
    manifest = generate_workspace(root, 3000, seed=5)
    return root, manifest


def test_generator_plants_exactly_the_contradictions_it_says(generated):
    root, manifest = generated
    ws, problems = load(root)
    assert not problems.errors, [p.render() for p in problems.errors[:5]]
    assert len(ws.claims) == manifest.n_claims
    conflicts = find_conflicts(ws, problems).conflicts
    assert len(conflicts) == manifest.contradicted_keys > 0
    assert set(conflicts["rule"]) <= {"set-mismatch", "value-mismatch", "date-mismatch", "quantity-mismatch"}
    assert manifest.copiers and all(src in ws.sources["source"].values for src in manifest.copiers)


def test_harness_runs_every_stage(generated):
    root, _ = generated
    result = run_stages(root)
    assert list(result["stages"]) == ["load", "validate", "rules", "graph", "json"]
    assert all(s["seconds"] >= 0 and s["peak_mb"] > 0 for s in result["stages"].values())
    assert json.loads((root / "conflicts.json").read_text(encoding="utf-8"))["summary"]["conflicts"] == result["conflicts"]
    assert floor(root)["keys"] > 0


def test_harness_times_the_command_users_run(generated, tmp_path):
    root, _ = generated
    measured = command(root)
    assert measured["seconds"] > 0 and measured["peak_mb"] > 50  # a Python process with pandas loaded
    with pytest.raises(RuntimeError, match="exited with 2"):
        command(tmp_path)  # not a workspace: a usage error, reported with what the command said


def test_same_conflicts_from_parquet_csv_and_yaml(generated, tmp_path):
    root, _ = generated
    ws, problems = load(root)
    base = set(find_conflicts(ws, problems).conflicts["fingerprint"])
    captured = root / "claims" / "captured"
    for fmt in ("csv", "yaml"):
        other = tmp_path / fmt
        import shutil

        shutil.copytree(root / "claims", other / "claims")
        out = other / "claims" / "captured"
        for path in sorted(captured.glob("*.parquet")):
            frame = pd.read_parquet(path)
            (out / path.name).unlink()
            if fmt == "csv":
                frame.to_csv(out / f"{path.stem}.csv", index=False)
            else:
                records = frame.assign(complete=frame["complete"].astype(bool)).to_dict("records")
                for r in records:
                    if ";" in str(r["value"]):
                        r["value"] = str(r["value"]).split(";")
                (out / f"{path.stem}.yaml").write_text(
                    yaml.safe_dump({"source": path.stem, "claims": records}, allow_unicode=True, sort_keys=False),
                    encoding="utf-8",
                )
        ws2, problems2 = load(other)
        assert not problems2.errors, [p.render() for p in problems2.errors[:3]]
        assert set(find_conflicts(ws2, problems2).conflicts["fingerprint"]) == base, fmt
