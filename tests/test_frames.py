"""Column helpers: once per distinct value, always the result of the per-cell function."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.base.frames import as_text, map_distinct, numbers_or, optional_text, sorted_by_file_and_line

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
@given(st.lists(st.one_of(st.none(), st.booleans(), st.sampled_from([np.True_, np.False_])), max_size=12))
def test_map_distinct_of_booleans_and_nothing_equals_per_cell_map(values):
    # such columns (complete, an absent note) take a path without factorization
    column = pd.Series(values, dtype=object)
    assert map_distinct(column, describe).tolist() == [describe(v) for v in values]


def test_map_distinct_keeps_a_tuple_result_as_one_cell():
    assert map_distinct(pd.Series([None, None], dtype=object), lambda v: (1, 2)).tolist() == [(1, 2), (1, 2)]
    assert map_distinct(pd.Series([True, False], dtype=object), lambda v: (v,)).tolist() == [(True,), (False,)]


def _text_or_none(value: object) -> str | None:
    return None if value is None or value is pd.NA or value is pd.NaT or value != value else str(value)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(cells, st.sampled_from([pd.NA, pd.NaT, float("nan")])), max_size=12))
def test_optional_text_is_text_or_none_of_each(values):
    assert optional_text(pd.Series(values, dtype=object)).tolist() == [_text_or_none(v) for v in values]


def test_numbers_or_fills_only_missing_cells():
    assert numbers_or(pd.Series([None, None], dtype=object), 1.0).tolist() == [1.0, 1.0]
    assert numbers_or(pd.Series([None, "0.5", "high"], dtype=object), 1.0).tolist() == [1.0, 0.5, 1.0]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a.yaml", "b.csv", "b.yaml", "c"]), st.integers(1, 4)), max_size=8))
def test_sorted_by_file_and_line_agrees_with_a_sort(rows):
    frame = pd.DataFrame(rows, columns=["file", "line"]).astype({"file": object})
    strictly_sorted = all(a < b for a, b in zip(rows, rows[1:]))
    assert sorted_by_file_and_line(frame) == strictly_sorted


@settings(max_examples=200, deadline=None)
@given(st.lists(cells, max_size=12))
def test_as_text_equals_str_of_each(values):
    assert as_text(pd.Series(values, dtype=object)).tolist() == [str(v) for v in values]


def test_strings_only_are_returned_as_they_are():
    column = pd.Series(["a", "b"], dtype=object)
    assert as_text(column).tolist() == ["a", "b"]
    assert as_text(column, lambda v: "x").tolist() == ["a", "b"]  # no conversion needed


def test_positions_finds_each_value_and_marks_the_absent():
    from reconcile.base.frames import positions

    keys = np.array(["b", "a", None, 3], dtype=object)
    assert positions(keys, ["a", "c", None, 3, "b"]).tolist() == [1, -1, 2, 3, 0]
