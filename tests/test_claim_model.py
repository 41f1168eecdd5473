"""The validated claims table satisfies its pandera contract, and the contract has teeth."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.pipeline import load
from reconcile.base.frames import is_arrow_text
from reconcile.validate.schemas import CLAIM_ID_PATTERN, TEXT_COLUMNS, ClaimModel, claim_input_schema


@pytest.fixture(scope="module")
def claims() -> pd.DataFrame:
    ws, problems = load(Path(__file__).resolve().parents[1])
    assert not problems.errors
    return ws.claims


def test_bundled_claims_satisfy_the_model(claims):
    ClaimModel.validate(claims)
    # rules read text as Python objects; the quotes are Arrow strings, for Arrow's kernels
    assert all(claims[c].dtype == object for c in TEXT_COLUMNS if c != "quote")
    assert is_arrow_text(claims["quote"]) and claims["quote"].map(type).eq(str).all()


@pytest.mark.parametrize("column", ["value", "quote", "source"])
def test_a_number_in_a_text_column_fails(claims, column):
    broken = claims.copy()
    broken[column] = broken[column].astype(object)  # Arrow text (the quotes) holds no number
    broken.loc[3, column] = 1992
    with pytest.raises(pa.errors.SchemaError, match="text_columns_hold_text"):
        ClaimModel.validate(broken)


@pytest.mark.parametrize("column", ["claim_id", "value", "file"])
def test_a_missing_required_text_fails(claims, column):
    broken = claims.copy()
    broken.loc[3, column] = None
    with pytest.raises(pa.errors.SchemaError, match="text_columns_hold_text"):
        ClaimModel.validate(broken)


def test_optional_text_may_be_missing(claims):
    optional = claims.copy()
    optional.loc[3, "as_of"] = None
    ClaimModel.validate(optional)


def test_a_negative_span_fails(claims):
    broken = claims.copy()
    broken.loc[0, "span_start"] = -1
    with pytest.raises(pa.errors.SchemaError):
        ClaimModel.validate(broken)


def test_input_checks_point_at_each_bad_cell(runner, mini):
    """Checks run once per distinct value still report every claim that holds a bad one."""
    from reconcile.cli.commands import main

    path = mini / "claims" / "captured" / "alpha.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("    quote: signed in Tashkent on 15 May 1992\n", "    quote: signed in Tashkent on 15 May 1992\n    confidence: 1.5\n", 1)
    text = text.replace("    quote: signed in Tashkent\n", "    quote: signed in Tashkent\n    confidence: 1.5\n    occurrence: 0\n", 1)
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["validate", str(mini)])
    assert result.exit_code == 2
    assert result.output.count("confidence 1.5 is out of range") == 2
    assert "claim a-1" in result.output and "claim a-2" in result.output
    assert "occurrence 0 is not a positive whole number" in result.output


ID_CHARS = st.sampled_from(list("aZ09_.:-/ \n\t") + ["ج", "é", "\u0301", "٣", "\u00b2", "\ud800"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.lists(ID_CHARS, max_size=6).map("".join), st.integers(), st.none()), max_size=12))
def test_the_id_check_accepts_exactly_what_python_re_accepts(ids):
    """The id check decides ASCII ids in pyarrow; its verdicts are Python's ``re.match``."""
    schema = claim_input_schema(["s"], ["p"])
    check = next(c for c in schema.columns["id"].checks if c.name == "id_format")
    column = pd.Series(ids, dtype=object)
    got = check._check_fn(column).tolist()
    # a missing id passes this check: the required-field check reports it
    assert got == [v is None or (isinstance(v, str) and re.match(CLAIM_ID_PATTERN, v) is not None) for v in ids]


# --- the claim-id index handed over by validation ---------------------------------------

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"


def _validated(edit=None):
    from reconcile.base.problems import Problems
    from reconcile.validate.claims import validate
    from reconcile.load.workspace import load_workspace

    problems = Problems()
    raw = load_workspace(MINI, problems)
    if edit is not None:
        raw.claims = edit(raw.claims)
    return validate(raw, problems)


def test_the_claim_index_holds_the_claim_ids_row_for_row():
    from reconcile.trust.suggestions import claim_positions

    ws = _validated()
    assert ws.claim_index is not None
    assert ws.claim_index.tolist() == ws.claims["claim_id"].tolist()
    ids = ws.claims["claim_id"].to_numpy(dtype=object)[::-1]
    assert claim_positions(ws.claims, ids, ws.claim_index).tolist() == claim_positions(ws.claims, ids).tolist()


@pytest.mark.parametrize(
    "edit",
    [
        lambda claims: claims.assign(source=["nowhere", *claims["source"].iloc[1:]]),  # a claim dropped
        lambda claims: claims.iloc[::-1].reset_index(drop=True),  # rows sorted back into file order
    ],
    ids=["dropped", "reordered"],
)
def test_no_claim_index_when_validation_drops_or_reorders_claims(edit):
    ws = _validated(edit)
    assert ws.claim_index is None
