"""`reconcile check --engine dask` gives what the in-process engine gives, byte for byte.

One small `distributed.LocalCluster` (2 workers, threads: it starts in a fraction of a
second) serves the module; the command reaches it with `--scheduler`, as it reaches any
cluster. The in-process engine is the reference: the same JSON and SARIF on the bundled
workspace, on generated Parquet workspaces (in any number of partitions), the same
problems (exit 2) on every broken workspace of tests/fixtures/broken, and a clear message
(exit 2, no traceback) for a scheduler that cannot be reached or claims that are not there.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("distributed")

from reconcile.cli.commands import main  # noqa: E402

from .conftest import ROOT  # noqa: E402
from .test_validate_fixtures import CASES, _apply  # noqa: E402


@pytest.fixture(scope="module")
def scheduler():
    """The address of a local cluster of 2 workers (threads), for the module."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0") as cluster:
        yield cluster.scheduler_address


def _check(runner, root: Path, *extra: str):
    """`reconcile check ROOT --no-baseline *extra`: the result (exit code, output)."""
    return runner.invoke(main, ["--no-progress", "check", str(root), "--no-baseline", *extra])


def _both(runner, root: Path, scheduler: str, *extra: str):
    """The check in process and on Dask: both results."""
    return _check(runner, root, *extra), _check(runner, root, *extra, "--engine", "dask", "--scheduler", scheduler)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """A generated workspace of about 3,000 claims in Parquet files (20 sources, copiers)."""
    from bench.generate_workspace import generate_workspace

    root = tmp_path_factory.mktemp("generated") / "ws"
    generate_workspace(root, 3_000, seed=3)
    return root


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_bundled_workspace_same_bytes(runner, scheduler, fmt):
    inproc, dask = _both(runner, ROOT, scheduler, "--format", fmt)
    assert inproc.exit_code == 1, inproc.output
    assert dask.exit_code == inproc.exit_code, dask.output
    assert dask.stdout_bytes == inproc.stdout_bytes


@pytest.mark.parametrize("partitions", [None, "1", "7"])
def test_generated_workspace_same_bytes_in_any_partitions(runner, scheduler, generated, partitions):
    extra = ("--partitions", partitions) if partitions else ()
    inproc = _check(runner, generated, "--format", "json")
    dask = _check(runner, generated, "--format", "json", "--engine", "dask", "--scheduler", scheduler, *extra)
    assert inproc.exit_code == 1, inproc.output
    assert dask.exit_code == 1, dask.output
    assert dask.stdout_bytes == inproc.stdout_bytes


def test_claims_from_an_fsspec_location(runner, scheduler, generated, tmp_path):
    """`--claims` reads a folder of Parquet files elsewhere (here fsspec's memory
    filesystem): the same conflicts and summary as with the files in claims/captured/."""
    import fsspec

    fs = fsspec.filesystem("memory")
    for path in sorted((generated / "claims" / "captured").glob("*.parquet")):
        fs.pipe(f"/dataset/part={path.stem}/{path.name}", path.read_bytes())
    bare = tmp_path / "ws"
    shutil.copytree(generated, bare, ignore=shutil.ignore_patterns("*.parquet"))
    inproc = _check(runner, generated, "--format", "json")
    dask = _check(runner, bare, "--format", "json", "--engine", "dask", "--scheduler", scheduler, "--claims", "memory://dataset")
    assert dask.exit_code == 1, dask.output
    import json

    a, b = json.loads(inproc.stdout), json.loads(dask.stdout)
    assert a["summary"] == b["summary"] and a["sources"] == b["sources"]
    assert [c["fingerprint"] for c in a["conflicts"]] == [c["fingerprint"] for c in b["conflicts"]]
    cited = {cl["file"] for c in b["conflicts"] for s in c["sides"] for cl in s["claims"]}
    assert cited and all(f.startswith("memory://dataset/part=src-") for f in cited)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_broken_workspace_same_problems(runner, scheduler, mini, case):
    """Every problem of a broken workspace, reported once, as the in-process engine reports it."""
    _apply(mini, case)
    inproc, dask = _both(runner, mini, scheduler)
    assert inproc.exit_code == 2
    assert dask.exit_code == 2, dask.output
    assert "Traceback" not in dask.output
    assert dask.stderr == inproc.stderr


def test_duplicate_ids_across_claim_files(runner, scheduler, generated, tmp_path):
    """An id used in two claim files (validated on different workers) is reported as in process."""
    root = tmp_path / "ws"
    shutil.copytree(generated, root)
    captured = sorted((root / "claims" / "captured").glob("*.parquet"))
    first = pd.read_parquet(captured[0])
    second = pd.read_parquet(captured[3])
    second.loc[second.index[[2, 5]], "id"] = first["id"].iloc[[1, 4]].to_numpy()
    second.to_parquet(captured[3], index=False)
    inproc, dask = _both(runner, root, scheduler)
    assert inproc.exit_code == 2 and "duplicate id" in inproc.stderr
    assert dask.exit_code == 2, dask.output
    assert dask.stderr == inproc.stderr


def test_unreachable_scheduler_is_a_clear_error(runner, mini):
    import dask

    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = _check(runner, mini, "--engine", "dask", "--scheduler", "tcp://127.0.0.1:1")
    assert result.exit_code == 2
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert "--scheduler tcp://127.0.0.1:1: cannot reach a Dask scheduler" in result.stderr
    assert "expected: the address of a running Dask scheduler" in result.stderr


def test_missing_claims_location_is_a_clear_error(runner, mini, tmp_path):
    missing = tmp_path / "nowhere" / "claims"
    result = _check(runner, mini, "--engine", "dask", "--claims", str(missing))
    assert result.exit_code == 2
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)
    assert f"{missing}: error: no claims here: the location does not exist" in result.stderr
    assert "a Parquet file or a folder of Parquet files" in result.stderr


def test_dask_options_need_the_dask_engine(runner, mini):
    result = _check(runner, mini, "--claims", "somewhere")
    assert result.exit_code == 2
    assert "need --engine dask" in result.stderr


def test_combined_conflicts_do_not_depend_on_the_partitions_order():
    """`combine_partitions` sorts as the in-process engine ranks: worst first, then by key;
    each conflict keeps its sides and their claims."""
    from reconcile.dask_engine import combine_partitions
    from reconcile.detect.tables import conflict_tables

    rng = np.random.default_rng(0)
    n = 40
    table = pd.DataFrame(
        {
            "severity": rng.choice(["error", "warning", "info"], n),
            "independent": rng.integers(1, 4, n),
            "subject": rng.choice(["country:KZ", "country:AM", "org:csto"], n),
            "property": rng.choice(["members", "capital"], n),
            "scope": rng.choice([None, "2002"], n),
            "rule": rng.choice(["set-mismatch", "date-mismatch"], n),
            "fingerprint": [f"{i:016x}" for i in rng.permutation(n)],
            "sides": [[{"value": f"a{i}", "label": "a", "claims": [f"c{i}"]}, {"value": "b", "label": "b", "claims": [f"d{i}"]}]
                      for i in range(n)],
        }
    )

    def part(rows: pd.DataFrame):
        tables = conflict_tables(rows.drop(columns=[c for c in rows if c not in ("sides",)]).assign(
            subject=rows["subject"].to_numpy(), property=rows["property"].to_numpy(), scope=rows["scope"].to_numpy(),
            kind="contradiction", severity=rows["severity"].to_numpy(), explanation="The values differ here."))
        for column in ("independent", "rule", "fingerprint"):
            tables.conflicts[column] = rows[column].to_numpy()
        return tables

    parts = [part(table.iloc[i::3]) for i in range(3)]
    one = combine_partitions(parts)
    other = combine_partitions(parts[::-1])
    for name in ("conflicts", "sides", "side_claims"):
        pd.testing.assert_frame_equal(getattr(one, name), getattr(other, name))
    rank = one.conflicts["severity"].map({"error": 0, "warning": 1, "info": 2})
    assert rank.is_monotonic_increasing
    assert sorted(one.conflicts["fingerprint"]) == sorted(table["fingerprint"])
    by_fingerprint = dict(zip(table["fingerprint"], table.index))
    view = one.view()
    for k, fp in enumerate(one.conflicts["fingerprint"]):
        assert view.values[2 * k] == f"a{by_fingerprint[fp]}"  # its own sides
        assert view.claim_ids[2 * k] == f"c{by_fingerprint[fp]}"


def test_fixed_point_sums_do_not_depend_on_the_blocks():
    """The per-source sums of the truth model are the same bits however the claims are split."""
    from reconcile.trust.model_steps import fixed_sums, fixed_total

    rng = np.random.default_rng(1)
    codes = rng.integers(0, 5, 10_000)
    values = rng.random(10_000) ** 3
    whole = fixed_total(fixed_sums(codes, values, 5))
    cut = rng.permutation(10_000)
    parts = [cut[:1234], cut[1234:7000], cut[7000:]]
    limbs = sum(fixed_sums(codes[p], values[p], 5) for p in reversed(parts))
    assert np.array_equal(fixed_total(limbs), whole)
    assert np.allclose(whole, np.bincount(codes, weights=values, minlength=5), rtol=1e-12)


