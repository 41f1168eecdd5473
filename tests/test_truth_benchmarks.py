"""The benchmark loaders and generator (the benchmark itself prints figures, not asserts)."""

from __future__ import annotations

import pytest

from bench.synthetic_truth import generate
from bench.truth_data import BENCH_DIR, load_book, load_flights, normalize_authors, normalize_time
from reconcile.trust import majority_vote

needs_data = pytest.mark.skipif(not BENCH_DIR.is_dir(), reason="../shared/benchmarks/truth is not present")


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("7:10 a.m.", "07:10"),
        ("7:45 p.m.", "19:45"),
        ("12:00 a.m.", "00:00"),
        ("12:05 p.m.", "12:05"),
        ("9:40aDec 1", "09:40"),
        ("12/02 7:45 p.m.", "19:45"),
        ("Thu  19:45", "19:45"),
        ("Not Available", None),
        ("", None),
    ],
)
def test_normalize_time(raw, expected):
    assert normalize_time(raw) == expected


def test_normalize_authors_is_order_and_format_free():
    assert normalize_authors("Knuth, Donald E.") == normalize_authors("Donald E. Knuth") == "donald e knuth"
    assert normalize_authors("Not Available") is None


@needs_data
def test_flights_load_and_vote_baseline():
    claims, gold = load_flights()
    assert len(gold) == 400 and claims["source"].nunique() == 38
    won = majority_vote(claims).winners.set_index("item")["value"]
    assert abs((won.reindex(gold.index) == gold).mean() - 0.80) < 0.02  # the library's vote: 0.800


@needs_data
def test_book_load():
    claims, gold = load_book()
    assert len(gold) == 100 and claims["item"].nunique() > 1200


def test_generator_plants_its_copiers():
    claims, truth, accuracy, copiers = generate(n_sources=20, n_items=300, n_copiers=3, copy_rate=1.0, seed=3)
    assert len(copiers) == 3
    wide = claims.astype({"source": str}).pivot(index="item", columns="source", values="value")
    for copier, original in copiers.items():
        both = wide[[copier, original]].dropna()
        assert len(both) > 50 and (both[copier] == both[original]).all()
    assert accuracy.between(0, 1).all() and (truth == 0).all()
