"""The validated claims table satisfies its pandera contract, and the contract has teeth."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pytest

from reconcile.pipeline import load
from reconcile.schemas import TEXT_COLUMNS, ClaimModel


@pytest.fixture(scope="module")
def claims() -> pd.DataFrame:
    ws, problems = load(Path(__file__).resolve().parents[1])
    assert not problems.errors
    return ws.claims


def test_bundled_claims_satisfy_the_model(claims):
    ClaimModel.validate(claims)
    assert all(claims[c].dtype == object for c in TEXT_COLUMNS)


@pytest.mark.parametrize("column", ["value", "quote", "source"])
def test_a_number_in_a_text_column_fails(claims, column):
    broken = claims.copy()
    broken.loc[3, column] = 1992
    with pytest.raises(pa.errors.SchemaError, match="text_columns_hold_text"):
        ClaimModel.validate(broken)


def test_a_negative_span_fails(claims):
    broken = claims.copy()
    broken.loc[0, "span_start"] = -1
    with pytest.raises(pa.errors.SchemaError):
        ClaimModel.validate(broken)


def test_input_checks_point_at_each_bad_cell(runner, mini):
    """Checks run once per distinct value still report every claim that holds a bad one."""
    from reconcile.cli import main

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
