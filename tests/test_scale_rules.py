"""The vectorized group operations of the rules give what the plain pandas formulations give.

The rules find groups, sides and explanations with integer codes and sorted arrays
(:mod:`reconcile.detect.grouping`, :mod:`reconcile.detect.scope`) instead of ``groupby.apply``; these tests
compare them with the straightforward pandas group-bys on random data (missing values,
labels that differ within a value, claim ids out of order), and check that the rules give
the same conflicts whatever the order and the ids of the claims.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconcile.detect.engine import _value_key, combine, fingerprint, run_rules
from reconcile.detect.tables import ConflictTables, conflict_tables
from reconcile.detect.grouping import collect_sides, conflict_rows, disagreeing, join_by_group, scoped, sides_by_value
from reconcile.pipeline import load
from reconcile.base.problems import Problems
from reconcile.detect.rulekit import RuleContext, discover_rules, load_config
from reconcile.detect.scope import _MAX, _MIN, assign_scope_groups, scope_label

from .conftest import ROOT
from .tables_view import nested

SEEDS = range(12)


def _claims(seed: int, n: int = 300) -> pd.DataFrame:
    """Random claims of a few groups: values shared across groups, labels that differ
    within a value, some missing values and labels, claim ids in no particular order."""
    rng = np.random.default_rng(seed)
    values = np.array([f"v{i}" for i in range(8)] + [None], dtype=object)
    value = values[rng.integers(0, len(values), n)]
    label = np.array([None if rng.random() < 0.1 else f"{v} label {rng.integers(2)}" for v in value], dtype=object)
    ids = rng.permutation(10 * n)[:n]
    if seed % 2:
        ids = np.sort(ids)  # claim ids in the claims' order (the common case)
    return pd.DataFrame(
        {
            "_group": rng.integers(0, 30, n),
            "value": value,
            "value_label": label,
            "claim_id": [f"c{i:05d}" for i in ids],
            "source": [f"src-{k}" for k in rng.integers(0, 6, n)],
            "value_type": "entity",
            "value_ids": [(str(v),) if v is not None else None for v in value],
            "complete": rng.random(n) < 0.5,
        }
    )


def _reference_sides(frame: pd.DataFrame) -> pd.DataFrame:
    """The sides as plain group-bys: one row per (group, value), first label in claim order."""
    return (
        frame.groupby(["_group", "value"], sort=True)
        .agg(
            label=("value_label", "first"),
            value_ids=("value_ids", "first"),
            complete=("complete", "any"),
            claims=("claim_id", lambda s: sorted(s)),
            sources=("source", lambda s: ", ".join(sorted(set(s)))),
            n_sources=("source", "nunique"),
        )
        .reset_index()
    )


@pytest.mark.parametrize("seed", SEEDS)
def test_collect_sides_matches_groupby(seed):
    frame = _claims(seed)
    rows = np.random.default_rng(seed).random(len(frame)) < 0.8
    for mask in (None, rows):
        got = collect_sides(frame, rows=mask, any_of=("complete",))
        want = _reference_sides(frame if mask is None else frame[mask])
        for column in want.columns:
            assert got.table[column].tolist() == want[column].tolist(), column
        by_group = (frame if mask is None else frame[mask]).dropna(subset=["value"]).groupby("_group")["source"]
        assert got.sources.to_dict() == by_group.agg(lambda s: sorted(set(s))).to_dict()


@pytest.mark.parametrize("seed", SEEDS)
def test_first_row_is_the_sides_first_claim_in_order(seed):
    frame = _claims(seed)
    table = collect_sides(frame).table
    with_value = frame.reset_index(drop=True).dropna(subset=["value"])
    firsts = with_value.reset_index().groupby(["_group", "value"], sort=True)["index"].min()
    assert table["first_row"].tolist() == firsts.tolist()


@pytest.mark.parametrize("seed", SEEDS)
def test_disagreeing_matches_nunique(seed):
    frame = _claims(seed)
    among = np.random.default_rng(seed).random(len(frame)) < 0.7
    want = frame["value"].notna() & frame["value"].where(among).groupby(frame["_group"]).transform("nunique").gt(1)
    assert disagreeing(frame, among=among).tolist() == (want & among).tolist()
    assert disagreeing(frame).tolist() == (
        frame["value"].notna() & frame.groupby("_group")["value"].transform("nunique").gt(1)
    ).tolist()


@pytest.mark.parametrize("seed", SEEDS)
def test_sides_by_value_gives_sorted_claims_and_first_labels(seed):
    frame = _claims(seed)
    want = _reference_sides(frame)
    got = sides_by_value(frame)
    flat = [side for sides in got for side in sides]
    assert [s["value"] for s in flat] == want["value"].tolist()
    assert [s["label"] for s in flat] == [str(v) for v in want["label"]]
    assert [s["claims"] for s in flat] == want["claims"].tolist()


def test_join_by_group_joins_runs_in_order():
    joined = join_by_group(np.array([3, 3, 5, 8, 8, 8]), ["a", "b", "c", "d", "e", "f"], "; ")
    assert joined.to_dict() == {3: "a; b", 5: "c", 8: "d; e; f"}


def _reference_scope_groups(claims: pd.DataFrame, start: pd.Series, end: pd.Series) -> pd.Series:
    """Scope groups by sorting the key columns themselves (the interval sweep, unoptimized)."""
    keys = ["subject", "property"]
    frame = claims[keys].copy()
    frame["_s"] = start.fillna(_MIN).values
    frame["_e"] = end.fillna(_MAX).values
    frame = frame.sort_values([*keys, "_s", "_e"], kind="stable")
    new_key = ~frame[keys].eq(frame[keys].shift()).all(axis=1)
    key_id = new_key.cumsum()
    prev_max = frame.groupby(key_id.values)["_e"].cummax().groupby(key_id.values).shift()
    group = (new_key | (frame["_s"] > prev_max)).cumsum().astype("int64") - 1
    return group.reindex(claims.index)


def _random_periods(rng: np.random.Generator, n: int, *, given_start: float, given_end: float) -> tuple[pd.Series, pd.Series]:
    """``n`` periods from 2000 on, up to 400 days long; each end is missing with chance
    1 - ``given_end`` and each start with chance 1 - ``given_start``."""
    days = pd.to_datetime("2000-01-01") + pd.to_timedelta(rng.integers(0, 3000, n), unit="D")
    start = pd.Series(days, dtype="datetime64[s]").where(rng.random(n) < given_start)
    end = (start + pd.to_timedelta(rng.integers(0, 400, n), unit="D")).where(rng.random(n) < given_end)
    return start, end


@pytest.mark.parametrize("seed", SEEDS)
def test_scope_groups_and_labels_match_the_sort_of_the_keys(seed):
    rng = np.random.default_rng(seed)
    n = 200
    start, end = _random_periods(rng, n, given_start=0.8, given_end=0.9)
    start = start.where(rng.random(n) < 0.95, _MIN)
    claims = pd.DataFrame(
        {"subject": [f"s{k}" for k in rng.integers(0, 5, n)], "property": [f"p{k}" for k in rng.integers(0, 3, n)]}
    )
    got = assign_scope_groups(claims, start, end, ["subject", "property"])
    assert got.tolist() == _reference_scope_groups(claims, start, end).tolist()
    labels = scope_label(start, end)
    for s, e, label in zip(start, end, labels):
        assert label == scope_label(pd.Series([s], dtype="datetime64[s]"), pd.Series([e], dtype="datetime64[s]")).iloc[0]


@pytest.mark.parametrize(
    "value",
    ["Chișinău", 'quote " and \\ backslash', "tab\tnew\nline\u2028", "ناتو", ["a", "b\u00e9"], [], None, 7, 2.5,
     {"b": 1, "a": [1, "x"]}, ["a", 1], True],
)
def test_value_keys_are_json_dumps(value):
    assert _value_key(value) == json.dumps(value, sort_keys=True, ensure_ascii=False)


def test_fingerprint_is_the_hash_of_the_json_payload():
    import hashlib

    values, extra = [["country:AM", "country:RU"], "Москва"], "2015"
    payload = json.dumps(
        ["set-mismatch", "org:csto", "members", sorted(_value_key(v) for v in values), extra],
        ensure_ascii=False,
        sort_keys=True,
    )
    assert fingerprint("set-mismatch", "org:csto", "members", values, extra) == (
        hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]
    )


@pytest.fixture(scope="module")
def corpus():
    ws, problems = load(ROOT)
    assert not problems.errors
    return ws


def _conflicts(ws, claims: pd.DataFrame) -> pd.DataFrame:
    problems = Problems()
    rules = discover_rules(ws.root, problems)
    configs, _ = load_config(ws.root, rules, problems)
    ctx = RuleContext(ws.registry, ws.sources, claims, ws.gazetteer.label)
    out = run_rules(claims, ctx, rules, configs, problems)
    assert not problems.errors, [p.render() for p in problems.errors]
    return nested(out)


def test_scoped_selects_columns_without_changing_groups(corpus):
    props = sorted(corpus.claims["property"].unique())
    full = scoped(corpus.claims, props)
    narrow = scoped(corpus.claims, props, columns=["value"])
    assert full["_group"].tolist() == narrow["_group"].tolist()
    assert full["scope"].tolist() == narrow["scope"].tolist()
    assert "value_label" not in narrow.columns and "value" in narrow.columns


@pytest.mark.parametrize("seed", range(3))
def test_conflicts_do_not_depend_on_claim_order_or_ids(corpus, seed):
    base = _conflicts(corpus, corpus.claims)
    claims = corpus.claims.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    # New ids that sort in the opposite order of the old ones.
    renamed = {old: f"id-{len(claims) - i:06d}" for i, old in enumerate(sorted(claims["claim_id"]))}
    claims["claim_id"] = claims["claim_id"].map(renamed)
    back = {new: old for old, new in renamed.items()}
    got = _conflicts(corpus, claims)
    got["sides"] = got["sides"].map(
        lambda sides: [{**s, "claims": sorted(back[c] for c in s["claims"])} for s in sides]
    )
    columns = ["fingerprint", "rule", "subject", "property", "scope", "kind", "severity", "explanation", "sources"]
    assert got[columns].astype(str).values.tolist() == base[columns].astype(str).values.tolist()
    assert got["sides"].tolist() == base["sides"].tolist()


# --- run_rules' column-wise sides, fingerprints and checks against the per-conflict versions


def _reference_sorted_sides(sides: list) -> tuple[list, list[str]]:
    """The former per-conflict sort: by support (most claims first), then by value; claim
    ids sorted without repeats (a side already so is kept as it is)."""
    keyed = []
    for side in sides:
        claims = sorted(set(side["claims"]))
        if type(side) is not dict or type(side["claims"]) is not list or claims != side["claims"]:
            side = {**side, "claims": claims}
        keyed.append((-len(claims), _value_key(side["value"]), side))
    keyed.sort(key=lambda t: (t[0], t[1]))
    return [t[2] for t in keyed], [t[1] for t in keyed]


def _reference_sides_ok(sides) -> bool:
    if not isinstance(sides, list) or len(sides) < 2:
        return False
    values = {_value_key(s.get("value")) for s in sides}
    return len(values) == len(sides) and all(s.get("claims") for s in sides)


def _random_sides(seed: int, n: int = 200) -> list:
    """Sides of random conflicts: text, lists, None, numbers (True beside 1), text that
    needs escaping, claim ids out of order or repeated, tuples of ids, empty sides."""
    rng = np.random.default_rng(seed)
    values = ["a", "b", 'q"uote', "tab\t", "é", ["x", "y"], ["y"], [], None, 1, True, 1.0, "1", "null"]
    out = []
    for _ in range(n):
        sides = []
        for _ in range(rng.integers(0, 5)):
            ids = [f"c{k}" for k in rng.integers(0, 6, rng.integers(0, 4))]
            if rng.random() < 0.5:
                ids = sorted(set(ids))
            side = {"value": values[rng.integers(len(values))], "label": "l", "claims": ids}
            if rng.random() < 0.1:
                side["claims"] = tuple(ids)
            sides.append(side)
        out.append(sides)
    return out


def _combined(lists: list) -> ConflictTables:
    """``combine`` of one rule's conflicts with these sides (claims c0 … c5 of one source each)."""
    rows = [
        {"subject": f"s{i:04d}", "property": "p", "scope": None, "kind": "contradiction", "severity": "error",
         "explanation": "The values differ here.", "sides": [{**side, "claims": list(side["claims"])} for side in sides]}
        for i, sides in enumerate(lists)
    ]
    tables = conflict_tables(rows)
    tables.conflicts["rule"] = "r"
    claims = pd.DataFrame({"claim_id": [f"c{k}" for k in range(6)], "source": [f"src-{k % 3}" for k in range(6)]})
    return combine([tables], claims)


@pytest.mark.parametrize("seed", SEEDS)
def test_combined_sides_are_in_order_as_one_conflict_at_a_time(seed):
    """Sides by support (most claims first), then by value; claims sorted without repeats;
    the conflict's claims counted; a conflict whose sides are not valid is refused."""
    lists = _random_sides(seed, n=60)
    plain = [[{**x, "claims": list(x["claims"])} for x in sides] for sides in lists]
    valid = [sides for sides in plain if _reference_sides_ok(sides)]
    want = [_reference_sorted_sides(sides) for sides in valid]
    got = nested(_combined(valid)).sort_values("subject")
    assert [[(x["value"], x["claims"]) for x in sides] for sides in got["sides"]] == [
        [(x["value"], x["claims"]) for x in w[0]] for w in want
    ]
    assert got["contested"].tolist() == [sum(len(x["claims"]) for x in w[0]) for w in want]
    assert got["fingerprint"].tolist() == [
        fingerprint("r", subject, "p", [x["value"] for x in w[0]]) for subject, w in zip(got["subject"], want)
    ]
    for sides in plain[:20]:
        if not _reference_sides_ok(sides):
            with pytest.raises(ValueError):
                _combined([sides])


def test_tables_check_each_other():
    """The models and the relations between the three tables are checked."""
    tables = _combined([[{"value": "a", "label": "a", "claims": ["c1"]}, {"value": "b", "label": "b", "claims": ["c2"]}]])
    assert tables.validate() is tables
    lonely = ConflictTables(tables.conflicts, tables.sides.iloc[:1], tables.side_claims.iloc[:1])
    with pytest.raises(ValueError, match="fewer than two sides"):
        lonely.validate()
    stray = ConflictTables(tables.conflicts, tables.sides, tables.side_claims.assign(side=[0, 7]))
    with pytest.raises(ValueError, match="no side"):
        stray.validate()


def test_fingerprints_column_wise_match_fingerprint_with_scope_on_clashes():
    from reconcile.detect.engine import _fingerprints, arrange_sides

    values = (["b", "a"], ["a", "b"], [["x"], None], ["é"])
    conflicts = pd.DataFrame(
        {
            "rule": ["r", "r", "s", "t"],
            "subject": ["s1", "s1", "s2", 'q"'],
            "property": ["p", "p", "p", "p"],
            "scope": pd.Series(["2015", None, None, None], dtype=object),
        }
    )
    counts = np.array([len(vs) for vs in values])
    flat = [v for vs in values for v in vs]
    keys = arrange_sides(counts, flat, np.ones(len(flat), dtype=np.int64)).keys
    got = _fingerprints(conflicts, keys)
    want = [
        fingerprint("r", "s1", "p", ["b", "a"], "2015"),  # the first two clash: scope added
        fingerprint("r", "s1", "p", ["a", "b"], "None"),
        fingerprint("s", "s2", "p", [["x"], None]),
        fingerprint("t", 'q"', "p", ["é"]),
    ]
    assert got == want


def test_in_sorted_matches_numpy():
    from reconcile.detect.grouping import in_sorted

    keys = np.array([1, 4, 9, 12])
    probe = np.array([0, 1, 5, 9, 12, 13, 4])
    assert in_sorted(probe, keys).tolist() == np.isin(probe, keys).tolist()
    assert in_sorted(probe, keys[:0]).tolist() == [False] * len(probe)


def test_property_positions_are_shared_for_the_run_claims(corpus):
    claims = corpus.claims
    ctx = RuleContext(corpus.registry, corpus.sources, claims, corpus.gazetteer.label)
    props = sorted(claims["property"].unique())[:3]
    want = pd.Index(props, dtype=object).get_indexer(claims["property"])
    assert ctx.property_positions(claims, props).tolist() == want.tolist()
    assert ctx.property_positions(claims, props[::-1] + props).tolist() == want.tolist()
    other = claims.iloc[::2]
    assert ctx.property_positions(other, props).tolist() == want[::2].tolist()
    assert scoped(claims, props, ctx=ctx)["_group"].tolist() == scoped(claims, props)["_group"].tolist()


@pytest.mark.parametrize("seed", SEEDS)
def test_first_of_object_column_matches_groupby(seed):
    """Sides whose first claim has no value take their first valued claim; none: None."""
    frame = _claims(seed)
    rng = np.random.default_rng(seed)
    frame["value_label"] = pd.Series(frame["value_label"].tolist(), dtype=object)
    frame.loc[rng.random(len(frame)) < 0.4, "value_label"] = None
    frame.loc[rng.random(len(frame)) < 0.2, "value_label"] = np.nan
    got = collect_sides(frame).table
    want = _reference_sides(frame)
    assert got["label"].tolist() == want["label"].tolist()


@pytest.mark.parametrize("seed", SEEDS)
def test_sides_checked_on_codes_match_sides_ok(seed):
    """The engine checks the sides on their codes as one would conflict by conflict."""
    from reconcile.detect.engine import arrange_sides

    rng = np.random.default_rng(seed)
    lists = [
        [{"value": f"v{rng.integers(0, 3)}", "claims": [f"c{j}" for j in range(rng.integers(0, 3))]}
         for _ in range(rng.integers(0, 4))]
        for _ in range(300)
    ]
    counts = np.array([len(sides) for sides in lists])
    values = [side["value"] for sides in lists for side in sides]
    n_claims = np.array([len(set(side["claims"])) for sides in lists for side in sides], dtype=np.int64)
    want = [_reference_sides_ok(sides) for sides in lists]
    assert arrange_sides(counts, values, n_claims).valid.tolist() == want


# --- fast paths of the array helpers against their plain numpy / pandas formulations

_runs = st.lists(st.lists(st.sampled_from(["b", "a", "ab", "é", 'q"', "B", ""]), max_size=6), max_size=40)


@settings(max_examples=200, deadline=None)
@given(_runs, st.booleans(), st.integers(0, 2**32 - 1))
def test_order_within_runs_is_the_lexsort_of_the_sorted_values(runs, with_first, seed):
    from reconcile.detect.engine import order_within_runs

    counts = np.array([len(r) for r in runs], dtype=np.int64)
    values = np.array([v for r in runs for v in r], dtype=object)
    first = np.random.default_rng(seed).integers(-2, 1, len(values)) if with_first else None
    run = np.repeat(np.arange(len(runs)), counts)
    codes = pd.factorize(values, sort=True)[0]
    want = np.lexsort((codes, run) if first is None else (codes, first, run))
    assert order_within_runs(counts, values, first).tolist() == want.tolist()  # pairs compared
    one_run = np.array([len(values)], dtype=np.int64)  # one long run: sorted instead
    want_one = np.lexsort((codes, np.zeros(len(values))) if first is None else (codes, first))
    assert order_within_runs(one_run, values, first).tolist() == want_one.tolist()


def test_order_within_runs_sorts_values_that_do_not_compare_with_pandas():
    from reconcile.detect.engine import order_within_runs

    values = np.array(["b", 2, "a", 1], dtype=object)
    counts = np.array([2, 2])
    want = np.lexsort((pd.factorize(values, sort=True)[0], np.repeat([0, 1], 2)))
    assert order_within_runs(counts, values).tolist() == want.tolist()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-(2**40), 2**40), max_size=50), st.integers(0, 5))
def test_distinct_and_dense_ranks_are_numpy_unique(values, spread):
    from reconcile.detect.grouping import distinct
    from reconcile.detect.scope import _dense_ranks

    array = np.array(values, dtype=np.int64) // (10**spread if spread else 2**38)  # narrow and wide spans
    uniques, inverse = np.unique(array, return_inverse=True)
    assert distinct(array).tolist() == uniques.tolist() and distinct(array).dtype == array.dtype
    assert _dense_ranks(array).tolist() == inverse.reshape(-1).tolist()


@pytest.mark.parametrize("seed", SEEDS)
def test_scope_bounds_are_groupby_min_and_max(seed):
    from reconcile.detect.scope import scope_bounds

    rng = np.random.default_rng(seed)
    n = 200
    start, end = _random_periods(rng, n, given_start=0.7, given_end=0.7)
    end = end.astype("datetime64[s]")
    group = np.sort(rng.integers(0, 40, n))
    group = np.unique(group, return_inverse=True)[1]  # numbered 0..n-1
    want = pd.DataFrame({"s": start, "e": end}).groupby(group).agg(s=("s", "min"), e=("e", "max"))
    got_start, got_end = scope_bounds(group, start, end)
    pd.testing.assert_series_equal(got_start, want["s"].reset_index(drop=True), check_names=False)
    pd.testing.assert_series_equal(got_end, want["e"].reset_index(drop=True), check_names=False)


@pytest.mark.parametrize(
    "ids", [["a", "b", "b", "c"], ["b", "a"], ["a", None], ["a", np.nan], [], ["x"], ["a", 1]]
)
def test_increasing_is_is_monotonic_increasing_and_unique(ids):
    from reconcile.detect.grouping import _increasing

    index = pd.Index(np.array(ids, dtype=object), dtype=object)
    assert _increasing(index.to_numpy()) == (index.is_monotonic_increasing and index.is_unique)


# --- sides handed over in order (conflict_rows with a Sides) against the general path

_VALUES = ["a", "b", 'q"uote', "tab\t", "é", "a b", "", "null"]


@st.composite
def _side_frames(draw) -> pd.DataFrame:
    """Claims of a few groups: text and set values (distinct texts may share their ids),
    labels missing or differing within a value, claim ids in or out of order, repeated."""
    n = draw(st.integers(1, 40))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    value = np.array(_VALUES + [None], dtype=object)[rng.integers(0, len(_VALUES) + 1, n)]
    is_set = rng.random(n) < draw(st.sampled_from([0.0, 0.3, 1.0]))
    ids = [f"c{i:03d}" for i in rng.choice(1000, n, replace=False)]
    if draw(st.booleans()):
        ids = sorted(ids)  # claims in the order of their ids (the common case)
    sources = [f"src-{k}" for k in rng.integers(0, 4, n)]
    if draw(st.booleans()):
        a, b = rng.integers(n), rng.integers(n)
        ids[a], sources[a] = ids[b], sources[b]  # a repeated id (one claim stated twice)
    group = rng.integers(0, draw(st.integers(1, 6)), n)
    return pd.DataFrame(
        {
            "_group": group,
            "subject": [f"s{g % 3}" for g in group],
            "property": "p",
            "scope": pd.Series([None if g % 2 else f"20{g:02d}" for g in group], dtype=object),
            "value": value,
            "value_label": [None if rng.random() < 0.2 else f"{v} {rng.integers(2)}" for v in value],
            "claim_id": ids,
            "source": sources,
            "value_type": np.where(is_set, "entity_set", "entity").astype(object),
            # Sets: a value's ids; "a" and "a b" share theirs (one JSON value, two texts).
            "value_ids": [tuple(sorted(set(str(v).split()))) if s else None for v, s in zip(value, is_set)],
        }
    )


def _run_outputs(*outputs, claims: pd.DataFrame | None = None) -> ConflictTables:
    """run_rules over rules that return ``outputs`` (as they are)."""
    from dataclasses import make_dataclass

    from reconcile.detect.rulekit import RuleConfig, RuleInfo

    options = make_dataclass("Options", [])
    rules = {
        f"rule-{i}": RuleInfo(f"rule-{i}", "r", "error", "", (), options, lambda c, x, o, out=out: out, "builtin")
        for i, out in enumerate(outputs)
    }
    configs = {rid: RuleConfig(True, "error", options()) for rid in rules}
    problems = Problems()
    if claims is None:
        ids = sorted({c for out in outputs for c in out.side_claims["claim_id"]})
        claims = pd.DataFrame({"claim_id": ids, "source": [f"src-{i % 3}" for i in range(len(ids))]})
    out = run_rules(claims, None, rules, configs, problems)
    assert not problems.errors, [p.render() for p in problems.errors]
    return out


def _same_tables(got: ConflictTables, want: ConflictTables) -> None:
    """Every column of the three tables, with the types of the values."""
    for name in ("conflicts", "sides", "side_claims"):
        pd.testing.assert_frame_equal(getattr(got, name), getattr(want, name), check_exact=True, check_dtype=False)
    assert [type(v) for v in got.sides["value"]] == [type(v) for v in want.sides["value"]]
    assert nested(got).to_json() == nested(want).to_json()


def _outcome(*outputs, claims: pd.DataFrame | None = None) -> ConflictTables | str:
    """The conflicts of :func:`_run_outputs`, or the error (sides that are not valid)."""
    import pandera.errors

    try:
        return _run_outputs(*outputs, claims=claims)
    except (pandera.errors.SchemaError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"


@settings(max_examples=300, deadline=None)
@given(_side_frames(), st.booleans(), st.sampled_from([1, 2]))
def test_sides_taken_as_columns_give_the_conflicts_of_sides_written_out(frame, only_disagreeing, every):
    rows = disagreeing(frame) if only_disagreeing else np.ones(len(frame), dtype=bool)  # else: one-sided groups too
    if not rows.any():
        return
    sides = collect_sides(frame, rows=rows)
    groups = sides.groups[::every]  # all groups, or some
    common = dict(groups=groups, kind="contradiction", severity=None, explanation="The values differ here.")
    columns = conflict_rows(frame, sides=sides, **common)
    written = conflict_rows(frame, sides=sides.lists(), **common)
    # Alone, and beside conflicts of another rule (one run of rules, two ways at once).
    other = conflict_tables(nested(written).assign(subject=lambda f: "other " + f["subject"]).drop(columns="conflict"))
    claims = frame[["claim_id", "source"]]
    pairs = (
        (_outcome(columns, claims=claims), _outcome(written, claims=claims)),
        (_outcome(columns, other, claims=claims), _outcome(written, other, claims=claims)),
    )
    for got, want in pairs:
        if isinstance(want, str):
            assert got == want
        else:
            _same_tables(got, want)


@pytest.mark.parametrize("seed", [0, 1])
def test_builtin_rules_give_the_same_conflicts_whatever_the_order_of_their_sides(corpus, seed):
    """The engine puts the rules' sides and claims in order itself: the built-in rules'
    tables with their sides and side claims shuffled give the same conflicts."""
    from dataclasses import replace

    claims = corpus.claims
    problems = Problems()
    rules = discover_rules(corpus.root, problems)
    configs, _ = load_config(corpus.root, rules, problems)
    rng = np.random.default_rng(seed)

    def shuffled(check):
        def run(claims, ctx, options):
            out = check(claims, ctx, options)
            out = out if isinstance(out, ConflictTables) else conflict_tables(out)
            order = rng.permutation(len(out.sides))
            sides = out.sides.iloc[order].reset_index(drop=True)
            new_side = np.empty(len(order), dtype=np.int64)
            new_side[order] = np.arange(len(order))
            side_claims = out.side_claims.assign(side=new_side[out.side_claims["side"].to_numpy()])
            return ConflictTables(
                out.conflicts, sides.assign(side=np.arange(len(sides))), side_claims.sample(frac=1.0, random_state=seed)
            )

        return run

    general = {rid: replace(info, check=shuffled(info.check)) for rid, info in rules.items()}
    ctx = RuleContext(corpus.registry, corpus.sources, claims, corpus.gazetteer.label)
    want = run_rules(claims, ctx, rules, configs, problems)
    ctx = RuleContext(corpus.registry, corpus.sources, claims, corpus.gazetteer.label)
    got = run_rules(claims, ctx, general, configs, problems)
    assert not problems.errors and len(got) > 0
    _same_tables(got, want)


def test_tables_refuse_two_sides_of_one_value():
    tables = _combined([[{"value": "a", "label": "a", "claims": ["c1"]}, {"value": "b", "label": "b", "claims": ["c2"]}]])
    twice = ConflictTables(tables.conflicts, tables.sides.assign(value="a"), tables.side_claims)
    with pytest.raises(ValueError, match="same value"):
        twice.validate()
