"""Column helpers: once per distinct value, always the result of the per-cell function."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.frames import as_text, map_distinct

cells = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 2),
    st.floats(allow_nan=True, allow_infinity=False, width=32),
    st.text(max_size=3),
    st.lists(st.text(max_size=2), max_size=2),
)


def describe(value: object) -> str:
    return f"{type(value).__name__}:{value!r}"


@settings(max_examples=300, deadline=None)
@given(st.lists(cells, max_size=12))
def test_map_distinct_equals_per_cell_map(values):
    column = pd.Series(values, dtype=object)
    got = map_distinct(column, describe).tolist()
    assert got == [describe(v) for v in values]  # True and 1, 0.0 and False stay apart


@settings(max_examples=200, deadline=None)
@given(st.lists(cells, max_size=12))
def test_as_text_equals_str_of_each(values):
    assert as_text(pd.Series(values, dtype=object)).tolist() == [str(v) for v in values]


def test_strings_only_are_returned_as_they_are():
    column = pd.Series(["a", "b"], dtype=object)
    assert as_text(column).tolist() == ["a", "b"]
    assert as_text(column, lambda v: "x").tolist() == ["a", "b"]  # no conversion needed


def test_positions_finds_each_value_and_marks_the_absent():
    from reconcile.frames import positions

    keys = np.array(["b", "a", None, 3], dtype=object)
    assert positions(keys, ["a", "c", None, 3, "b"]).tolist() == [1, -1, 2, 3, 0]
