"""The fast paths of the graph stage give what the general paths give.

Pair counts by incidence matrices against the pairs of rows within items, the packed
integer sort against numpy's stable argsort, the lazily built table of items against the
one :func:`reconcile.trust.graph._item_table` builds, and PooledInvestment's earnings without a
mask against the masked division.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from reconcile.trust.dependence import (
    _count_pairs_by_incidence,
    _count_pairs_within,
    _source_item_values,
    encoded_pair_statistics,
    pair_statistics,
    stable_argsort,
)
from reconcile.trust.graph import _item_table, build_source_graph
from reconcile.trust.model import _earned, encode, pooled_investment

from .test_scale_graph import DAY, SETTINGS, SOURCES, WS, _reference_pair_statistics

ITEMS = ["i0", "i1", "i2", "i3"]
VALUES = ["a", "b", "c"]


@st.composite
def claims_dated_by_value(draw) -> pd.DataFrame:
    """Claims whose dates follow from their item and value (each value has one interval, or
    none), as the normalized claims' do."""
    spans = {}
    for item in ITEMS:
        for value in VALUES:
            start = draw(st.one_of(st.none(), st.integers(0, 6)))
            spans[item, value] = (pd.NaT, pd.NaT) if start is None else (
                DAY + pd.Timedelta(days=start), DAY + pd.Timedelta(days=start + draw(st.integers(0, 3)))
            )
    rows = []
    for _ in range(draw(st.integers(0, 40))):
        item, value = draw(st.sampled_from(ITEMS)), draw(st.sampled_from(VALUES))
        rows.append({"source": draw(st.sampled_from(SOURCES)), "item": item, "value": value})
    frame = pd.DataFrame(rows, columns=["source", "item", "value"])
    frame["date_start"] = pd.to_datetime(pd.Series([spans[k][0] for k in zip(frame["item"], frame["value"])], dtype=object))
    frame["date_end"] = pd.to_datetime(pd.Series([spans[k][1] for k in zip(frame["item"], frame["value"])], dtype=object))
    return frame


BELIEFS = st.dictionaries(st.sampled_from(["i0", "i1", "i2", "i9"]), st.sampled_from(["a", "b", "z"]))


def _shared(pair: np.ndarray, totals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pairs that share items, and their counts."""
    present = totals[:, 0] > 0
    return pair[present], totals[present]


@SETTINGS
@given(claims_dated_by_value(), BELIEFS, st.booleans())
def test_pair_counts_by_incidence_equal_the_pairs_of_rows(claims, believed, dated):
    claims = claims if dated else claims[["source", "item", "value"]]
    rows, sources = _source_item_values(claims, pd.Series(believed, dtype=object))
    by_incidence = _count_pairs_by_incidence(rows, len(sources))
    assert by_incidence is not None
    want_pair, want_totals = _shared(*_count_pairs_within(rows, len(sources)))
    got_pair, got_totals = _shared(*by_incidence)
    np.testing.assert_array_equal(got_pair, want_pair)
    np.testing.assert_array_equal(got_totals, want_totals)


@SETTINGS
@given(claims_dated_by_value(), BELIEFS)
def test_pair_statistics_by_incidence_equal_the_self_join(claims, believed):
    believed = pd.Series(believed, dtype=object)
    want = _reference_pair_statistics(claims, believed)
    got = pair_statistics(claims, believed)
    cols = list(want.columns)
    pd.testing.assert_frame_equal(got[cols], want[cols], check_dtype=False, check_index_type=False)


@SETTINGS
@given(claims_dated_by_value())
def test_encoded_pair_statistics_by_incidence_equal_the_string_ones(claims):
    if claims.empty:
        return
    result = pooled_investment(claims)
    want = pair_statistics(claims, result.winners.set_index("item")["value"])
    pd.testing.assert_frame_equal(encoded_pair_statistics(claims, encode(claims), result.winning), want)


def test_pair_counts_by_incidence_decline_values_dated_differently():
    claims = pd.DataFrame(
        {
            "source": ["s0", "s1"],
            "item": ["i0", "i0"],
            "value": ["a", "a"],
            "date_start": pd.to_datetime(["2000-01-01", "2000-01-02"]),
            "date_end": pd.to_datetime(["2000-01-01", "2000-01-02"]),
        }
    )
    rows, sources = _source_item_values(claims, None)
    assert _count_pairs_by_incidence(rows, len(sources)) is None
    assert pair_statistics(claims)[["shared", "agree"]].values.tolist() == [[1, 1]]


SIZES = st.integers(0, 300)
KEYS = st.one_of(
    hnp.arrays(np.int8, SIZES, elements=st.integers(-3, 100)),
    hnp.arrays(np.int64, SIZES, elements=st.integers(0, 100) | st.integers(-3, 3) | st.integers(0, 2**62)),
    hnp.arrays(np.uint64, SIZES, elements=st.integers(0, 100) | st.integers(2**62, 2**64 - 1)),
)


@given(KEYS)
def test_stable_argsort_is_numpys(key):
    np.testing.assert_array_equal(stable_argsort(key), np.argsort(key, kind="stable"))


def test_the_items_built_when_read_are_the_item_table():
    sg = build_source_graph(WS.claims, WS.sources)
    pd.testing.assert_frame_equal(sg.items, _item_table(WS.claims)[0])
    assert sg.items is sg.items  # built once


@given(st.lists(st.tuples(st.sampled_from([0.0, 0.5, 1.0, 3.0]), st.sampled_from([0.0, 0.25, 2.0])), min_size=1, max_size=30))
def test_earnings_equal_the_masked_division(claims):
    table = pd.DataFrame({"source": "s", "item": "i", "value": [f"v{k % 3}" for k in range(len(claims))]})
    enc = encode(table)
    belief = np.linspace(0.0, 1.0, enc.n_values)
    share = np.array([s for s, _ in claims])
    invested = np.bincount(enc.value, weights=np.array([w for _, w in claims]), minlength=enc.n_values)
    invested_in = invested[enc.value]
    want = np.divide(belief[enc.value] * share, invested_in, out=np.zeros_like(share), where=invested_in > 0)
    np.testing.assert_array_equal(_earned(enc, belief, share, invested), want)
