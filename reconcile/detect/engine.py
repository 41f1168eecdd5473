"""Conflict records: running the rules, fingerprints, the conflicts schema.

:func:`run_rules` runs every enabled rule over the validated claims and returns one table
of conflicts (validated by :class:`ConflictModel`) with, per conflict: a stable
fingerprint, rule, severity, subject, property, scope, kind, explanation, sides (each with
its normalized value, label and supporting claim ids), the sources involved and whether the
conflict is internal to one source.

The fingerprint is a hash of the rule, subject, property and the sorted distinct values of
the sides. It does not change when claims are reordered, files reformatted or renamed,
claim ids renumbered, or a further source agrees with an existing side; it changes when a
new distinct value enters the conflict. When two conflicts of one run would share a
fingerprint (the same values contradicting each other in two different time scopes), the
scope label is added to tell them apart.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from itertools import chain, repeat
from json.encoder import encode_basestring as _encode_text
from operator import itemgetter, methodcaller
from typing import Any, Iterable

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from reconcile.base.frames import collector_paused, join_runs
from reconcile.base.problems import Problems
from reconcile.detect.rulekit import CONFLICT_COLUMNS, SEVERITIES, RuleConfig, RuleContext, RuleInfo

__all__ = ["at_or_above", "ConflictModel", "run_rules", "fingerprint", "arrange_sides", "ArrangedSides", "SEVERITY_RANK"]

SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}


def _sides_ok(column: pd.Series) -> np.ndarray:
    """Per conflict: at least two sides, with distinct values, each backed by at least one
    claim (a boolean array; all sides are checked at once, see :class:`_FlatSides`)."""
    lists = column.tolist()
    is_list = np.fromiter(map(isinstance, lists, repeat(list)), dtype=bool, count=len(lists))
    flat = _FlatSides(lists if is_list.all() else [s if ok else [] for s, ok in zip(lists, is_list.tolist())])
    value = _ValueKeys(list(map(methodcaller("get", "value"), flat.sides)))
    backed = np.fromiter(map(bool, map(methodcaller("get", "claims"), flat.sides)), dtype=bool, count=len(flat.sides))
    repeated = pd.Series(flat.conflict * np.int64(len(value.keys) + 1) + value.codes).duplicated().to_numpy()
    return is_list & (flat.counts >= 2) & (flat.per_conflict(~backed | repeated) == 0)


class ConflictModel(pa.DataFrameModel):
    """The conflicts table every rule's output is checked against."""

    fingerprint: Series[str] = pa.Field(unique=True, str_length={"min_value": 8})
    rule: Series[str]
    severity: Series[str] = pa.Field(isin=list(SEVERITIES))
    subject: Series[str]
    property: Series[str]
    scope: Series[str] = pa.Field(nullable=True)
    kind: Series[str]
    explanation: Series[str] = pa.Field(str_length={"min_value": 10})
    sides: Series[object] = pa.Field()
    internal: Series[bool]

    @pa.check("sides", name="two_distinct_sides")
    def _two_distinct_sides(cls, sides: pd.Series) -> pd.Series:  # noqa: N805 - pandera classmethod check
        return pd.Series(_sides_ok(sides), index=sides.index, dtype=bool)

    class Config:
        strict = False
        coerce = True


def _value_key(value: Any) -> str:
    """The canonical JSON text of a side's value (sorted keys, no ASCII escaping).

    Text, lists of text and None, the values of the built-in rules, are encoded directly (as
    ``json.dumps`` would); anything else goes through ``json.dumps``.
    """
    if isinstance(value, str):
        return _encode_text(value)
    if value is None:
        return "null"
    if isinstance(value, list):
        try:
            return "[" + ", ".join(map(_encode_text, value)) + "]"
        except TypeError:  # not all text
            pass
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def fingerprint(rule: str, subject: str, prop: str, values: list[Any], extra: str | None = None) -> str:
    """A stable 16-hex-digit id of a conflict (see the module documentation)."""
    return _fingerprint_of_keys(rule, subject, prop, [_value_key(v) for v in values], extra)


def _fingerprint_of_keys(rule: str, subject: str, prop: str, keys: list[str], extra: str | None) -> str:
    """:func:`fingerprint` from the values' canonical texts (see :func:`_value_key`)."""
    # json.dumps([rule, subject, prop, sorted(keys), extra]), item by item
    listed = "[" + ", ".join(map(_encode_text, sorted(keys))) + "]"
    payload = f"[{_value_key(rule)}, {_value_key(subject)}, {_value_key(prop)}, {listed}, {_value_key(extra)}]"
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


#: Optional column of a rule's output: per conflict, the sorted distinct sources of the
#: claims of its sides, when the rule knows them (see :func:`reconcile.detect.grouping.conflict_rows`);
#: otherwise they are looked up from the claims (whose ids are unique).
SOURCES_HINT = "_sources"
#: Optional column of a rule's output: per conflict whose sides come in their final order,
#: the :attr:`ArrangedSides.keys` text of its values (see :func:`arrange_sides`). Such a
#: conflict is taken as it is: its sides are ``{"value", "label", "claims"}`` dicts in the
#: order :func:`arrange_sides` gives, each with its claim ids as a strictly increasing list,
#: at least two, with distinct values. Conflicts without this text (None) are put in order
#: by :func:`run_rules`. :func:`reconcile.detect.grouping.conflict_rows` gives it for the sides it
#: builds from a :class:`reconcile.detect.grouping.Sides`.
KEYS_HINT = "_value_keys"
#: Optional column of a rule's output, read with :data:`KEYS_HINT`: per conflict, the
#: number of claims of its sides.
CLAIMS_HINT = "_claim_count"
#: The optional columns of a rule's output that :func:`run_rules` takes as given.
HINTS = (SOURCES_HINT, KEYS_HINT, CLAIMS_HINT)


@dataclass(frozen=True)
class ArrangedSides:
    """The sides of many conflicts (given flat, conflict after conflict) put in order."""

    order: np.ndarray
    """The permutation of the sides that puts each conflict's sides in their final order:
    by support (most claims first), then by the canonical text of their values
    (:func:`_value_key`), ties kept in order; the conflicts stay where they are."""
    keys: list[str]
    """Per conflict: its values' part of its fingerprint (the canonical texts of its values,
    sorted, each as a JSON text, joined with ", "; see :func:`_fingerprint_of_keys`)."""
    valid: np.ndarray
    """Per conflict: whether it has at least two sides, with distinct values, each backed by
    at least one claim (what :class:`ConflictModel` checks)."""


def arrange_sides(counts: np.ndarray, values: list[Any], n_claims: np.ndarray) -> ArrangedSides:
    """Order, fingerprint keys and check of the sides of many conflicts.

    ``counts`` holds the number of sides of each conflict; ``values`` (the JSON value of
    each side) and ``n_claims`` (its number of distinct claims) have one entry per side,
    conflict after conflict. :func:`run_rules` and
    :func:`reconcile.detect.grouping.conflict_rows` both arrange sides with it.
    """
    value = _ValueKeys(values)
    key = value.per_value()
    by_key = order_within_runs(counts, key)
    conflict = np.repeat(np.arange(len(counts)), counts)
    # Sorted by key, equal values of a conflict are next to each other.
    code = value.codes[by_key]
    repeated = np.zeros(len(code), dtype=bool)
    repeated[1:] = (code[1:] == code[:-1]) & (conflict[1:] == conflict[:-1])
    unbacked = np.bincount(conflict, weights=(n_claims == 0) | repeated, minlength=len(counts))
    ends = np.cumsum(counts)
    return ArrangedSides(
        order=order_within_runs(counts, key, -n_claims),
        keys=join_runs(value.encoded_keys()[by_key].tolist(), ends - counts, ends, ", "),
        valid=(counts >= 2) & (unbacked == 0),
    )


@collector_paused()
def run_rules(
    claims: pd.DataFrame,
    ctx: RuleContext,
    rules: dict[str, RuleInfo],
    configs: dict[str, RuleConfig],
    problems: Problems,
) -> pd.DataFrame:
    """Run each enabled rule; return all conflicts, fingerprinted, sorted worst first.

    The garbage collector is paused meanwhile (:func:`reconcile.base.frames.collector_paused`).
    """
    frames = []
    for rid, info in rules.items():
        cfg = configs[rid]
        if not cfg.enabled:
            continue
        try:
            out = info.check(claims, ctx, cfg.options)
        except Exception as exc:  # a broken (workspace) rule must not hide the others
            problems.add(
                f"rule {rid} failed: {type(exc).__name__}: {exc}",
                file=None if info.origin == "builtin" else info.origin,
                code="rule-failed",
            )
            continue
        if out is None:
            continue
        origin = None if info.origin == "builtin" else info.origin
        if not isinstance(out, pd.DataFrame):
            problems.add(
                f"rule {rid} returned {type(out).__name__}, not a DataFrame; its conflicts are left out",
                file=origin,
                expected="a DataFrame of conflicts (docs/rules.md)",
                code="rule-failed",
            )
            continue
        if out.empty:
            continue
        if origin is None:
            frames.append(_rule_output(out, rid, cfg))
            continue
        try:  # a workspace's own rule: its conflicts are checked alone first
            frame = _rule_output(out, rid, cfg)
            _cite_known_claims(frame["sides"], claims)
            _combined([frame], claims)
        except Exception as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            problems.add(
                f"rule {rid} returned malformed conflicts ({type(exc).__name__}: {first[:300]}); they are left out",
                file=origin,
                expected="the columns and types of ConflictModel, sides citing claim ids (docs/rules.md)",
                code="rule-failed",
            )
            continue
        frames.append(frame)
    return _combined(frames, claims) if frames else _empty()


def _cite_known_claims(sides: pd.Series, claims: pd.DataFrame) -> None:
    """Raise ``ValueError`` unless every side is a mapping whose ``claims`` is a list of
    ids of ``claims`` (a workspace rule's output; the built-in rules cite what they read)."""
    listed = [
        side.get("claims") if isinstance(side, dict) else None
        for conflict in sides.tolist()
        for side in (conflict if isinstance(conflict, list) else [])
    ]
    odd = next((c for c in listed if not isinstance(c, list)), False)
    if odd is not False:
        raise ValueError(f"a side's claims are {type(odd).__name__}, not a list of claim ids")
    cited = pd.Series([c for ids in listed for c in ids], dtype=object)
    unknown = cited[~cited.isin(claims["claim_id"])].unique()
    if len(unknown):
        raise ValueError(f"sides cite unknown claim id(s) {', '.join(map(repr, unknown[:5].tolist()))}")


def _combined(frames: list[pd.DataFrame], claims: pd.DataFrame) -> pd.DataFrame:
    """The rules' conflicts (from :func:`_rule_output`) as one table: sources, fingerprints
    and contested claims added, sorted worst first, checked by :class:`ConflictModel`
    (which raises ``SchemaError`` on the first fault)."""
    conflicts = pd.concat(frames, ignore_index=True)
    hints = {hint: conflicts.pop(hint) for hint in HINTS}
    conflicts["sources"] = _conflict_sources(hints[SOURCES_HINT], conflicts["sides"], claims)
    conflicts["internal"] = np.fromiter(map(len, conflicts["sources"]), dtype=np.int64, count=len(conflicts)) == 1
    keys, contested, sides_ok = _arrange_plain_sides(conflicts, hints[KEYS_HINT], hints[CLAIMS_HINT])
    conflicts["fingerprint"] = _fingerprints(conflicts, keys)
    conflicts["contested"] = contested
    conflicts["_rank"] = conflicts["severity"].map(SEVERITY_RANK)
    conflicts = conflicts.sort_values(
        ["_rank", "subject", "property", "scope", "rule", "fingerprint"], kind="stable", na_position="first"
    ).drop(columns="_rank")
    conflicts = conflicts.reset_index(drop=True)
    if sides_ok:
        # The sides were checked when they were put in order: the schema need not look at them again.
        return ConflictModel.to_schema().update_column("sides", checks=[]).validate(conflicts)
    return ConflictModel.validate(conflicts)  # reports the conflicts whose sides are wrong


def _rule_output(out: pd.DataFrame, rid: str, cfg: RuleConfig) -> pd.DataFrame:
    """A rule's conflicts with its id and effective severity (and its :data:`HINTS`, if given)."""
    given = {hint: out[hint] for hint in HINTS if hint in out.columns}
    out = out.reindex(columns=CONFLICT_COLUMNS).copy()
    out["rule"] = rid
    out["severity"] = out["severity"].where(out["severity"].notna(), cfg.severity)
    for hint in HINTS:
        out[hint] = given[hint] if hint in given else None
    return out


def _arrange_plain_sides(
    conflicts: pd.DataFrame, given_keys: pd.Series, given_claims: pd.Series
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Put in order the sides of the conflicts that do not come in order (no
    :data:`KEYS_HINT`), in ``conflicts``; return, per conflict, the values' part of its
    fingerprint and its number of claims, and whether the sides so put in order are all
    valid (see :attr:`ArrangedSides.valid`; the sides that came in order are).

    Each side's claim ids become a sorted list without repeats (:meth:`_FlatSides.sort_claims`).
    """
    keys = given_keys.to_numpy(dtype=object, copy=True)
    given = _types(keys) == str
    contested = np.zeros(len(keys), dtype=np.int64)
    contested[given] = given_claims.to_numpy(dtype=object)[given].astype(np.int64)
    plain = np.flatnonzero(~given)
    if not len(plain):
        return keys, contested, True
    sides = conflicts["sides"].to_numpy(dtype=object, copy=True)
    flat = _FlatSides(sides[plain].tolist())
    n_claims = flat.sort_claims()
    arranged = arrange_sides(flat.counts, list(map(itemgetter("value"), flat.sides)), n_claims)
    sides[plain] = np.fromiter(flat.lists(arranged.order), dtype=object, count=len(plain))
    conflicts["sides"] = sides
    keys[plain] = np.fromiter(arranged.keys, dtype=object, count=len(plain))
    contested[plain] = flat.per_conflict(n_claims)
    return keys, contested, bool(arranged.valid.all())


def _conflict_sources(given: pd.Series, sides: pd.Series, claims: pd.DataFrame) -> list[list[str]]:
    """Per conflict: the sorted distinct sources of its sides' claims.

    Rules may give them (:data:`SOURCES_HINT`); the others are looked up from ``claims``,
    for the claims of those conflicts only.
    """
    out = [g if isinstance(g, list) else None for g in given]
    missing = [i for i, g in enumerate(out) if g is None]
    if missing:
        wanted = {c for i in missing for s in sides.iat[i] for c in s["claims"]}
        found = claims[claims["claim_id"].isin(wanted)]
        source_of = dict(zip(found["claim_id"], found["source"]))
        for i in missing:
            out[i] = sorted({source_of[c] for s in sides.iat[i] for c in s["claims"] if c in source_of})
    return out


def _fingerprints(conflicts: pd.DataFrame, keys: Iterable[str]) -> list[str]:
    """Each conflict's fingerprint, from its values' part (``keys``, see
    :attr:`ArrangedSides.keys`); conflicts that would share one get their scope added.

    The payloads of :func:`_fingerprint_of_keys` are built column by column.
    """
    rules, subjects, props = (
        _ValueKeys(conflicts[c].tolist()).per_value().tolist() for c in ("rule", "subject", "property")
    )
    heads = [f"[{r}, {s}, {p}, [{v}], " for r, s, p, v in zip(rules, subjects, props, keys)]
    prints = _hashes(head + "null]" for head in heads)
    clash = np.flatnonzero(pd.Series(prints, dtype=object).duplicated(keep=False).to_numpy())
    if len(clash):
        scopes = _ValueKeys([str(s) for s in conflicts["scope"].to_numpy()[clash]]).per_value()
        for i, scope in zip(clash.tolist(), scopes):
            prints[i] = _hashes([heads[i] + scope + "]"])[0]
    return prints


def order_within_runs(counts: np.ndarray, values: np.ndarray, first: np.ndarray | None = None) -> np.ndarray:
    """The permutation that sorts the items of each run by ``first`` (integers, if given)
    and then by ``values``, ties kept in order, the runs staying where they are (``counts``:
    the lengths of the consecutive runs).

    This is ``np.lexsort((value codes, first, run))`` with the values coded in their sorted
    order (``pd.factorize(values, sort=True)``). When the runs are short (conflicts of two
    sides, the values of one group) each item is compared with the others of its run only,
    all pairs at once, instead of sorting all the values; values that do not compare (text
    beside numbers) are left to the sort.
    """
    run = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    later = (starts + counts)[run] - np.arange(len(run)) - 1  # items after each one in its run
    if later.sum() <= 4 * len(run) + 1024:
        try:
            return _order_by_pairs(starts[run], later, values, first)
        except TypeError:
            pass
    codes = pd.factorize(values, sort=True)[0]
    return np.lexsort((codes, run) if first is None else (codes, first, run))


def _order_by_pairs(start: np.ndarray, later: np.ndarray, values: np.ndarray, first: np.ndarray | None) -> np.ndarray:
    """:func:`order_within_runs` by comparing each item ``a`` with the ``later[a]`` items
    after it in its run (which starts at ``start[a]``): the rank of an item in its run is the
    number of the run's items that go before it."""
    n = len(later)
    a = np.repeat(np.arange(n), later)
    b = a + 1 + np.arange(len(a)) - np.repeat(np.cumsum(later) - later, later)
    a_first = np.asarray(values[a] <= values[b], dtype=bool)
    if first is not None:
        a_first = (first[a] < first[b]) | ((first[a] == first[b]) & a_first)
    rank = np.bincount(b, weights=a_first, minlength=n) + np.bincount(a, weights=~a_first, minlength=n)
    order = np.empty(n, dtype=np.int64)
    order[start + rank.astype(np.int64)] = np.arange(n)
    return order


def _hashes(payloads: Iterable[str]) -> list[str]:
    """The first 16 hex digits of the SHA-256 of each payload (UTF-8)."""
    return [hashlib.sha256(p.encode("utf-8")).hexdigest()[:16] for p in payloads]


class _ValueKeys:
    """The canonical texts (:func:`_value_key`) of many values, each distinct one made once.

    ``keys`` holds the distinct texts and ``codes`` the position of each value's text among
    them (equal codes: equal texts). Text values, the common case, are told apart as they
    are (two texts are equal exactly when their JSON texts are); other values go through
    :func:`_value_key` one by one.
    """

    def __init__(self, values: list[Any]) -> None:
        cells = np.fromiter(values, dtype=object, count=len(values))
        text = np.fromiter(map(type, values), dtype=object, count=len(values)) == str
        codes, uniques = pd.factorize(cells[text])
        encoded = np.fromiter(map(_encode_text, uniques), dtype=object, count=len(uniques))
        if text.all():
            self.codes, self.keys = codes, encoded
            return
        keys = np.empty(len(cells), dtype=object)
        keys[text] = encoded[codes]
        keys[~text] = np.fromiter(map(_value_key, cells[~text]), dtype=object, count=len(cells) - len(codes))
        self.codes, self.keys = pd.factorize(keys)

    def per_value(self) -> np.ndarray:
        """The canonical text of each value."""
        return self.keys[self.codes]

    def encoded_keys(self) -> np.ndarray:
        """The JSON text of each value's canonical text (as it appears in a fingerprint's payload)."""
        return np.fromiter(map(_encode_text, self.keys), dtype=object, count=len(self.keys))[self.codes]


class _FlatSides:
    """The sides of many conflicts as one flat list, conflict after conflict.

    Sorting, checking and fingerprinting the sides then work on whole columns (one entry
    per side, with the position of its conflict) instead of one Python call per conflict.
    """

    def __init__(self, lists: list[Iterable[Any]]) -> None:
        if set(map(type, lists)) - {list}:
            lists = [s if type(s) is list else list(s) for s in lists]
        self.counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
        """Number of sides of each conflict."""
        self.starts = np.cumsum(self.counts) - self.counts
        """Position of each conflict's first side."""
        self.conflict = np.repeat(np.arange(len(lists)), self.counts)
        """Position of each side's conflict."""
        self.sides: list[Any] = list(chain.from_iterable(lists))

    def per_conflict(self, values: np.ndarray) -> np.ndarray:
        """The sum of ``values`` (one per side) over the sides of each conflict (int64)."""
        weights = np.asarray(values, dtype=np.int64)
        return np.bincount(self.conflict, weights=weights, minlength=len(self.counts)).astype(np.int64)

    def lists(self, order: np.ndarray) -> list[list[Any]]:
        """Per conflict, its sides as a new list, in ``order`` (a permutation of the sides
        that keeps each conflict's sides together, in conflict order)."""
        ordered = np.fromiter(self.sides, dtype=object, count=len(self.sides))[order].tolist()
        return [ordered[a : a + n] for a, n in zip(self.starts.tolist(), self.counts.tolist())]

    def sort_claims(self) -> np.ndarray:
        """Make each side's claim ids a sorted list without repeats; return how many each has.

        A side already so (a dict whose ids are a strictly increasing list) is kept as it
        is: all sides are checked at once. The others are copied with their ids sorted.
        """
        claims = list(map(itemgetter("claims"), self.sides))
        if set(map(type, self.sides)) | set(map(type, claims)) == {dict, list}:
            listed = np.ones(len(claims), dtype=bool)
        else:
            listed = (_types(self.sides) == dict) & (_types(claims) == list)
            claims = [c if ok else [] for c, ok in zip(claims, listed.tolist())]
        lengths = np.fromiter(map(len, claims), dtype=np.int64, count=len(claims))
        for i in np.flatnonzero(~listed | _unsorted_runs(claims, lengths)).tolist():
            ids = sorted(set(self.sides[i]["claims"]))
            self.sides[i] = {**self.sides[i], "claims": ids}
            lengths[i] = len(ids)
        return lengths


def _types(objects: list[Any]) -> np.ndarray:
    """The type of each object (an object array, to compare with a type)."""
    return np.fromiter(map(type, objects), dtype=object, count=len(objects))


def _unsorted_runs(runs: list[list[Any]], lengths: np.ndarray) -> np.ndarray:
    """Which lists of ``runs`` are not strictly increasing (all compared at once)."""
    ids = np.fromiter(chain.from_iterable(runs), dtype=object, count=int(lengths.sum()))
    run = np.repeat(np.arange(len(runs)), lengths)
    try:
        falls = ~(ids[:-1] < ids[1:]) & (run[:-1] == run[1:])
    except TypeError:  # ids that do not compare: each list is sorted on its own
        return np.ones(len(runs), dtype=bool)
    return np.bincount(run[1:][falls], minlength=len(runs)) > 0


def _empty() -> pd.DataFrame:
    cols = [*CONFLICT_COLUMNS, "rule", "sources", "internal", "fingerprint", "contested"]
    return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})


def at_or_above(conflicts: pd.DataFrame, severity: str) -> pd.DataFrame:
    """Conflicts whose severity is ``severity`` or worse."""
    return conflicts[conflicts["severity"].map(SEVERITY_RANK) <= SEVERITY_RANK[severity]]
