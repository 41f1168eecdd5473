"""`reconcile fuse`: truth discovery on a plain CSV or Parquet table of claims."""

from __future__ import annotations

import io
import json
import statistics
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.cli.commands import main
from reconcile.trust.fusion import MODELS

CLAIMS = "source,item,value\na,x,1\nb,x,1\nc,x,2\na,y,7\nb,y,7\nc,y,7\nd,y,8\n"


def write(tmp_path: Path, text: str, name: str = "claims.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def fuse(runner, *args: str):
    return runner.invoke(main, ["fuse", *args])


def items_of(result) -> pd.DataFrame:
    assert result.exit_code == 0, result.output
    return pd.read_csv(io.StringIO(result.stdout), dtype={"value": str, "item": str})


def test_csv_to_standard_output(runner, tmp_path):
    out = items_of(fuse(runner, str(write(tmp_path, CLAIMS))))
    assert list(out.columns) == ["item", "value", "confidence", "tie", "support"]
    assert out.set_index("item")["value"].to_dict() == {"x": "1", "y": "7"}
    assert out.set_index("item")["support"].to_dict() == {"x": 2, "y": 3}
    assert out["confidence"].between(0, 1).all()


@pytest.mark.parametrize("model", sorted(MODELS))
def test_every_model_gives_confidence_in_0_1(runner, tmp_path, model):
    out = items_of(fuse(runner, str(write(tmp_path, CLAIMS)), "--model", model))
    assert out["confidence"].between(0, 1).all()
    assert out.set_index("item")["value"].to_dict()["y"] == "7"


def test_parquet_input_and_column_options(runner, tmp_path):
    frame = pd.DataFrame({"who": ["a", "b", "c"], "what": ["q", "q", "q"], "said": ["u", "u", "v"], "other": [1, 2, 3]})
    path = tmp_path / "claims.parquet"
    frame.to_parquet(path)
    out = items_of(fuse(runner, str(path), "--source-column", "who", "--item-column", "what", "--value-column", "said"))
    assert out.loc[0, "value"] == "u"


def test_semicolon_and_tab_delimiters(runner, tmp_path):
    semi = write(tmp_path, CLAIMS.replace(",", ";"), "semi.csv")
    tab = write(tmp_path, CLAIMS.replace(",", "\t"), "tab.tsv")
    for path in (semi, tab):
        assert items_of(fuse(runner, str(path))).set_index("item")["value"].to_dict() == {"x": "1", "y": "7"}


def test_output_formats(runner, tmp_path):
    claims = str(write(tmp_path, CLAIMS))
    result = fuse(runner, claims, "--format", "json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    assert rows[0] == {"item": "x", "value": "1", "confidence": rows[0]["confidence"], "tie": False, "support": 2}
    out = tmp_path / "items.parquet"
    assert fuse(runner, claims, "--format", "parquet", "--output", str(out)).exit_code == 0
    assert list(pd.read_parquet(out)["item"]) == ["x", "y"]
    csv_out = tmp_path / "items.csv"
    assert fuse(runner, claims, "--output", str(csv_out)).exit_code == 0
    assert csv_out.read_text(encoding="utf-8").startswith("item,value,confidence,tie,support\n")


def test_parquet_needs_output(runner, tmp_path):
    result = fuse(runner, str(write(tmp_path, CLAIMS)), "--format", "parquet")
    assert result.exit_code == 2
    assert "--output" in result.output


@pytest.mark.parametrize("model", sorted(MODELS))
def test_a_tie_is_flagged(runner, tmp_path, model):
    out = items_of(fuse(runner, str(write(tmp_path, "source,item,value\na,x,B\nb,x,A\n")), "--model", model))
    assert bool(out.loc[0, "tie"]) is True
    assert out.loc[0, "value"] == "A"  # the first in text order, flagged


def test_numeric_near_values_support_each_other(runner, tmp_path):
    text = "source,item,value\na,p,\"1,000\"\nb,p,1001\nc,p,۱۰۰۲\nf,p,1003\nd,p,5000\ne,p,5000\n"
    out = items_of(fuse(runner, str(write(tmp_path, text)), "--numeric"))
    assert float(out.loc[0, "value"]) in (1000.0, 1001.0, 1002.0, 1003.0)
    as_text = items_of(fuse(runner, str(write(tmp_path, text))))
    assert as_text.loc[0, "value"] == "5000"


def test_numeric_refuses_text(runner, tmp_path):
    result = fuse(runner, str(write(tmp_path, "source,item,value\na,p,12\nb,p,twelve\n")), "--numeric")
    assert result.exit_code == 2
    assert "row 3: 'twelve'" in result.output and "claims.csv" in result.output


def test_sources_table(runner, tmp_path):
    claims = str(write(tmp_path, CLAIMS))
    for ext in ("csv", "json", "parquet"):
        target = tmp_path / f"sources.{ext}"
        assert fuse(runner, claims, "--sources", str(target)).exit_code == 0
        table = {"csv": pd.read_csv, "json": pd.read_json, "parquet": pd.read_parquet}[ext](target)
        assert list(table.columns) == ["source", "trust", "trust_low", "trust_high", "accuracy", "claims"]
        assert list(table["source"]) == ["a", "b", "c", "d"]
        assert (table["trust_low"] <= table["trust_high"]).all()
    result = fuse(runner, claims, "--sources", str(tmp_path / "sources.txt"))
    assert result.exit_code == 2 and ".csv, .json or .parquet" in result.output


def test_duplicate_pairs(runner, tmp_path):
    text = "source,item,value\na,x,1\na,x,1\na,x, 1 \nb,x,2\nc,x,3\nc,x,4\n"
    result = fuse(runner, str(write(tmp_path, text)), "--model", "vote")
    out = items_of(result)
    # a's three claims of 1 count once; c's two values weigh 1/2 each
    assert out.loc[0, "value"] == "1" and out.loc[0, "support"] == 1
    assert "2 claim(s) repeat a value" in result.stderr
    assert "1 (source, item) pair(s) with different values" in result.stderr


@pytest.mark.parametrize(
    "text, name, message",
    [
        (None, "missing.csv", "no such file"),
        ("", "empty.csv", "the file is empty"),
        ("source,item,value\n", "header.csv", "no claims"),
        ("source,thing,value\na,x,1\n", "cols.csv", "no item column 'item'; the file has the columns 'source', 'thing', 'value'"),
        ("source,item,value\n,x,1\nb,,2\n,z,3\n", "blank.csv", "2 claim(s) with an empty source cell (row(s) 2, 4)"),
        ("source,item,value\na,,1\n", "blankitem.csv", "empty item cell"),
    ],
)
def test_bad_input_exits_2(runner, tmp_path, text, name, message):
    path = tmp_path / name if text is None else write(tmp_path, text, name)
    result = fuse(runner, str(path))
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_not_csv_nor_parquet(runner, tmp_path):
    binary = tmp_path / "blob.csv"
    binary.write_bytes(b"\x00\x01\x02\xff\xfe" * 100)
    result = fuse(runner, str(binary))
    assert result.exit_code == 2 and "not a CSV file" in result.output
    latin = tmp_path / "latin.csv"
    latin.write_bytes("source,item,value\nM\xfcller,x,1\n".encode("latin-1"))
    result = fuse(runner, str(latin))
    assert result.exit_code == 2 and "not UTF-8" in result.output
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 not really")
    result = fuse(runner, str(broken))
    assert result.exit_code == 2 and "Parquet" in result.output
    result = fuse(runner, str(tmp_path))
    assert result.exit_code == 2 and "a folder" in result.output


def test_model_choices(runner, tmp_path):
    listed = fuse(runner, "--model", "list")
    assert listed.exit_code == 0
    for name in MODELS:
        assert name in listed.stdout
    helped = fuse(runner, "--help")
    assert all(name in helped.stdout for name in MODELS)
    result = fuse(runner, str(write(tmp_path, CLAIMS)), "--model", "nope")
    assert result.exit_code == 2 and "unknown model 'nope'" in result.output


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcd"), st.sampled_from("xyz"), st.sampled_from(["1", "2", "1000", "1010", "-5", "n/a"])), max_size=25))
def test_numeric_similarity_equals_the_item_by_item_computation(rows):
    """Every pair of numbers of one item, weighted by their distance over the item's spread."""
    import math

    from reconcile.trust.fusion import numeric_implications
    from reconcile.trust.model import encode

    claims = pd.DataFrame(rows, columns=["source", "item", "value"]).drop_duplicates(["source", "item"])
    got = numeric_implications(claims)
    enc = encode(claims)
    values = enc.values.reset_index(drop=True)
    want = {}
    for _, group in values.groupby("item"):
        numbers = {i: float(v) for i, v in group["value"].items() if v != "n/a"}
        if len(numbers) < 2:
            continue
        spread = max(statistics.median(abs(x) for x in numbers.values()), max(numbers.values()) - min(numbers.values()), 1e-12)
        for a, x in numbers.items():
            for b, y in numbers.items():
                w = math.exp(-abs(x - y) / (0.01 * spread))
                if a != b and w > 1e-3:
                    want[a, b] = w
    assert {(int(a), int(b)): w for a, b, w in zip(got["from_value"], got["to_value"], got["weight"])} == pytest.approx(want)
