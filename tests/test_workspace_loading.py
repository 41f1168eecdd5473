"""Loading and normalizing claims: spans, formats, time scope, registries."""

from __future__ import annotations

import pandas as pd
import pytest

from reconcile.pipeline import load
from reconcile.validate.quotes import locate_quotes


def test_spans_point_at_the_quote(mini):
    ws, problems = load(mini)
    assert not problems.errors, [p.render() for p in problems.errors]
    for row in ws.claims.itertuples():
        text = ws.documents[row.source][row.span_start : row.span_end]
        assert " ".join(text.split()) == " ".join(row.quote.split())


def test_yaml_and_csv_claims_normalize_alike(mini):
    """The English YAML and the Persian CSV say the same things in different scripts."""
    ws, _ = load(mini)
    c = ws.claims.set_index("claim_id")
    assert c.at["a-1", "value"] == c.at["b-1", "value"] == "1992-05-15"
    assert c.at["a-2", "value"] == c.at["b-2", "value"] == "city:tashkent"
    assert c.at["a-3", "value"] == c.at["b-3", "value"]
    assert c.at["a-3", "value_ids"] == ("country:AM", "country:BY", "country:KG", "country:KZ", "country:RU", "country:TJ")
    assert c.at["b-1", "subject"] == "treaty:cst"
    assert c.at["b-3", "subject"] == "org:csto"


def test_parquet_claims_load_like_csv(mini):
    csv_path = mini / "claims/captured/beta.csv"
    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    frame.to_parquet(mini / "claims/captured/beta.parquet")
    csv_path.unlink()
    ws, problems = load(mini)
    assert not problems.errors, [p.render() for p in problems.errors]
    c = ws.claims.set_index("claim_id")
    assert c.at["b-3", "value"] == c.at["a-3", "value"]
    assert c.at["b-3", "file"] == "claims/captured/beta.parquet" and c.at["b-3", "line"] == 3


def test_parquet_quotes_are_read_as_arrow_strings(mini):
    """Quotes from Parquet are never made Python strings: Arrow text from the file on, blank
    quotes missing (and reported as such)."""
    from reconcile.base.frames import is_arrow_text
    from reconcile.base.problems import Problems
    from reconcile.load.workspace import load_workspace

    csv_path = mini / "claims/captured/beta.csv"
    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    frame.loc[0, "quote"] = ""
    frame.to_parquet(mini / "claims/captured/beta.parquet")
    csv_path.unlink()
    (mini / "claims/captured/alpha.yaml").unlink()
    raw = load_workspace(mini, Problems())
    assert is_arrow_text(raw.claims["quote"]) and raw.claims["quote"].isna().tolist()[:2] == [True, False]
    ws, problems = load(mini)
    assert is_arrow_text(ws.claims["quote"])
    assert [p.column for p in problems.errors] == ["quote"] and "b-1" in problems.errors[0].render()


@pytest.mark.parametrize("same_types", [True, False])
def test_parquet_files_split_or_of_other_types_load_like_one_csv(mini, same_types):
    """Parquet files are converted together when their column types agree, one by one
    when they do not; either way the claims are those of the CSV file they came from."""
    before, _ = load(mini)
    csv_path = mini / "claims/captured/beta.csv"
    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    frame["source"] = "beta"  # the second file's name is not a source
    first, second = frame.iloc[:2], frame.iloc[2:]
    if not same_types:
        second = second.assign(complete=second["complete"].eq("true"))  # bool here, text there
    first.to_parquet(mini / "claims/captured/beta.parquet", index=False)
    second.to_parquet(mini / "claims/captured/beta2.parquet", index=False)
    csv_path.unlink()
    ws, problems = load(mini)
    assert not problems.errors, [p.render() for p in problems.errors]
    got = ws.claims.drop(columns=["file", "line"]).set_index("claim_id").sort_index()
    want = before.claims.drop(columns=["file", "line"]).set_index("claim_id").sort_index()
    pd.testing.assert_frame_equal(got, want)
    assert ws.claims.set_index("claim_id").at["b-3", "file"] == "claims/captured/beta2.parquet"


def test_now_statements_are_scoped_to_the_source_date(mini):
    ws, _ = load(mini)
    c = ws.claims.set_index("claim_id")
    assert c.at["a-3", "as_of"] == "2015-06" and not c.at["a-3", "as_of_given"]
    assert c.at["b-3", "as_of"] == "2015"
    assert pd.isna(c.at["a-1", "as_of"])  # a signing date is not time-dependent


def test_quantity_phrase_is_typed(mini):
    ws, _ = load(mini)
    c = ws.claims.set_index("claim_id")
    assert c.at["a-4", "qty_amount"] == 3600 and c.at["a-4", "qty_approx"] == "about"
    assert c.at["a-4", "value"] == "about 3600 person"


def test_locate_quotes_respects_occurrence_and_whitespace():
    doc = "alpha  beta\ngamma. alpha beta gamma."
    keys = pd.DataFrame(
        {"source": ["s", "s", "s"], "quote": ["alpha beta gamma", "alpha beta\n gamma", "delta"], "occurrence": [2, 1, 1]}
    )
    spans = locate_quotes({"s": doc}, keys)
    assert doc[spans.at[0, "span_start"] : spans.at[0, "span_end"]] == "alpha beta gamma"
    assert spans.at[0, "span_start"] == 19
    assert doc[spans.at[1, "span_start"] : spans.at[1, "span_end"]] == "alpha  beta\ngamma"
    assert "not found" in spans.at[2, "quote_error"]


def test_loading_writes_nothing(mini):
    before = sorted((p.relative_to(mini), p.stat().st_mtime_ns) for p in mini.rglob("*"))
    load(mini)
    after = sorted((p.relative_to(mini), p.stat().st_mtime_ns) for p in mini.rglob("*"))
    assert before == after


@pytest.mark.parametrize("valid", [True, False])
def test_parquet_text_stored_as_bytes(mini, valid):
    """Writers such as Spark store strings as bytes: UTF-8 bytes are read as text; other
    bytes are a problem naming the file, the row and the column, not quotes "not found"."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    csv_path = mini / "claims/captured/beta.csv"
    frame = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    csv_path.unlink()
    quotes = [q.encode("utf-8") for q in frame["quote"]]
    if not valid:
        quotes[2] = b"\xff\xfe not text"
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.set_column(table.column_names.index("quote"), "quote", pa.array(quotes, pa.binary()))
    pq.write_table(table, mini / "claims/captured/beta.parquet")
    ws, problems = load(mini)
    if valid:
        assert not problems.errors, [p.render() for p in problems.errors]
        assert ws.claims["file"].eq("claims/captured/beta.parquet").sum() == len(frame)
    else:
        assert [(p.file, p.line, p.column) for p in problems.errors] == [("claims/captured/beta.parquet", 3, "quote")]
        assert "not UTF-8" in problems.errors[0].message
