"""Running the rules: conflicts combined, their sides put in order, fingerprinted.

:func:`run_rules` runs every enabled rule over the validated claims and returns their
conflicts as tidy tables (:class:`reconcile.detect.tables.ConflictTables`, checked by its
pandera models): per conflict a stable fingerprint, rule, severity, subject, property,
scope, kind, explanation, the sources involved and whether the conflict is internal to one
source; per side its normalized value, label and number of claims; per side the ids of
the claims it cites. :func:`combine` is the step that joins the rules' tables (and, on a
distributed engine, the tables of partitions).

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
from itertools import chain
from json.encoder import encode_basestring as _encode_text
from typing import Any, Iterable

import numpy as np
import pandas as pd

from reconcile.base.frames import collector_paused, join_runs, object_array, sorted_unique
from reconcile.base.problems import Problems
from reconcile.detect.rulekit import SEVERITIES, RuleConfig, RuleContext, RuleInfo
from reconcile.detect.tables import (
    CONFLICT_FIELDS,
    ConflictModel,
    ConflictTables,
    SideModel,
    claim_positions,
    conflict_tables,
)

__all__ = ["at_or_above", "combine", "value_texts", "run_rules", "fingerprint", "arrange_sides", "ArrangedSides", "SEVERITY_RANK"]

SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}


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


def value_texts(values: list[Any]) -> np.ndarray:
    """The canonical JSON text of each value (:func:`_value_key`), each distinct one encoded
    once: what a fingerprint hashes, and how the Parquet tables write a side's value."""
    return _ValueKeys(values).per_value()


def fingerprint(rule: str, subject: str, prop: str, values: list[Any], extra: str | None = None) -> str:
    """A stable 16-hex-digit id of a conflict (see the module documentation)."""
    return _fingerprint_of_keys(rule, subject, prop, [_value_key(v) for v in values], extra)


def _fingerprint_of_keys(rule: str, subject: str, prop: str, keys: list[str], extra: str | None) -> str:
    """:func:`fingerprint` from the values' canonical texts (see :func:`_value_key`)."""
    # json.dumps([rule, subject, prop, sorted(keys), extra]), item by item
    listed = "[" + ", ".join(map(_encode_text, sorted(keys))) + "]"
    payload = f"[{_value_key(rule)}, {_value_key(subject)}, {_value_key(prop)}, {listed}, {_value_key(extra)}]"
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


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
    at least one claim (what :func:`combine` requires)."""


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
    claim_index: pd.Index | None = None,
) -> ConflictTables:
    """Run each enabled rule; return all conflicts as tables (:mod:`reconcile.detect.tables`),
    fingerprinted, their sides in order, sorted worst first.

    A rule that fails, or a workspace rule whose conflicts are malformed, is a problem; its
    conflicts are left out and the other rules run. ``claim_index``: the claims' ids as an
    Index, row for row (see :func:`~reconcile.detect.tables.claim_positions`). The garbage
    collector is paused meanwhile (:func:`reconcile.base.frames.collector_paused`).
    """
    parts = []
    for rid, info in rules.items():
        cfg = configs[rid]
        if not cfg.enabled:
            continue
        origin = None if info.origin == "builtin" else info.origin
        try:
            out = info.check(claims, ctx, cfg.options)
        except Exception as exc:  # a broken (workspace) rule must not hide the others
            problems.add(f"rule {rid} failed: {type(exc).__name__}: {exc}", file=origin, code="rule-failed")
            continue
        if out is None:
            continue
        if not isinstance(out, (pd.DataFrame, ConflictTables)):
            problems.add(
                f"rule {rid} returned {type(out).__name__}, not conflict tables; its conflicts are left out",
                file=origin,
                expected="conflict_tables(rows) or a DataFrame of conflicts with sides (docs/rules.md)",
                code="rule-failed",
            )
            continue
        if origin is None:
            tables = _with_rule(out if isinstance(out, ConflictTables) else conflict_tables(out), rid, cfg)
            if len(tables):
                parts.append(tables)
            continue
        try:  # a workspace's own rule: its conflicts are checked alone first
            tables = _with_rule(out if isinstance(out, ConflictTables) else conflict_tables(out), rid, cfg)
            if not len(tables):
                continue
            _cite_known_claims(tables.side_claims, claims)
            combine([tables], claims, claim_index)
        except Exception as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            problems.add(
                f"rule {rid} returned malformed conflicts ({type(exc).__name__}: {first[:300]}); they are left out",
                file=origin,
                expected="conflicts with at least two sides of distinct values, each citing claim ids (docs/rules.md)",
                code="rule-failed",
            )
            continue
        parts.append(tables)
    return combine(parts, claims, claim_index) if parts else ConflictTables.empty()


def _with_rule(tables: ConflictTables, rid: str, cfg: RuleConfig) -> ConflictTables:
    """A rule's conflicts with its id and effective severity."""
    conflicts = tables.conflicts.reindex(columns=["conflict", *CONFLICT_FIELDS]).copy()
    conflicts["conflict"] = np.arange(len(conflicts), dtype=np.int64)
    conflicts["rule"] = rid
    conflicts["severity"] = conflicts["severity"].where(conflicts["severity"].notna(), cfg.severity)
    return ConflictTables(conflicts, tables.sides, tables.side_claims)


def _cite_known_claims(side_claims: pd.DataFrame, claims: pd.DataFrame) -> None:
    """Raise ``ValueError`` unless every cited claim is a claim of ``claims`` (a workspace
    rule's output; the built-in rules cite what they read)."""
    cited = side_claims["claim_id"]
    unknown = cited[~cited.isin(claims["claim_id"])].unique()
    if len(unknown):
        raise ValueError(f"sides cite unknown claim id(s) {', '.join(map(repr, unknown[:5].tolist()))}")


def combine(parts: list[ConflictTables], claims: pd.DataFrame, claim_index: pd.Index | None = None) -> ConflictTables:
    """The conflicts of several rules (as :func:`~reconcile.detect.tables.rule_tables` gives
    them, each with its rule) as one set of tables: each side's claims distinct and sorted,
    the sides of each conflict in order (:func:`arrange_sides`), fingerprints, the sources
    and the number of claims of each conflict, sorted worst first and numbered.

    Raises ``ValueError`` when a conflict has fewer than two sides, two sides of one value
    or a side without claims, and pandera's ``SchemaError`` when a field is wrong.
    """
    conflict_offsets = np.cumsum([0, *(len(p.conflicts) for p in parts)])
    side_offsets = np.cumsum([0, *(len(p.sides) for p in parts)])
    conflicts = pd.concat([p.conflicts for p in parts], ignore_index=True)
    conflicts["conflict"] = np.arange(len(conflicts), dtype=np.int64)
    side_conflict = np.concatenate(
        [p.sides["conflict"].to_numpy(dtype=np.int64) + off for p, off in zip(parts, conflict_offsets)]
    )
    values = list(chain.from_iterable(p.sides["value"].tolist() for p in parts))
    labels = np.concatenate([p.sides["label"].to_numpy(dtype=object) for p in parts])
    ref_side = np.concatenate(
        [p.side_claims["side"].to_numpy(dtype=np.int64) + off for p, off in zip(parts, side_offsets)]
    )
    ref_ids = np.concatenate([p.side_claims["claim_id"].to_numpy(dtype=object) for p in parts])
    given = all("source" in p.side_claims for p in parts)
    ref_sources = np.concatenate([p.side_claims["source"].to_numpy(dtype=object) for p in parts]) if given else None
    n_conflicts, n_sides = len(conflicts), len(side_conflict)
    if n_sides and (side_conflict.min() < 0 or side_conflict.max() >= n_conflicts):
        raise ValueError("a side belongs to no conflict")
    if len(ref_side) and (ref_side.min() < 0 or ref_side.max() >= n_sides):
        raise ValueError("a cited claim belongs to no side")
    # each side's claims: distinct, sorted by id
    ref_side, ref_ids, ref_sources = _sorted_side_claims(ref_side, ref_ids, ref_sources)
    n_claims = np.bincount(ref_side, minlength=n_sides)
    # the sides of each conflict, in order
    by_conflict = np.argsort(side_conflict, kind="stable")
    counts = np.bincount(side_conflict, minlength=n_conflicts)
    values = object_array(values)
    arranged = arrange_sides(counts, values[by_conflict].tolist(), n_claims[by_conflict])
    if not arranged.valid.all():
        bad = int(np.flatnonzero(~arranged.valid)[0])
        raise ValueError(
            f"conflict {bad} of rule {conflicts['rule'].iat[bad]} ({conflicts['subject'].iat[bad]}, "
            f"{conflicts['property'].iat[bad]}) needs at least two sides of distinct values, each citing a claim"
        )
    side_order = by_conflict[arranged.order]
    conflicts["fingerprint"] = _fingerprints(conflicts, arranged.keys)
    # the sources of each conflict, from its claims
    if ref_sources is None:  # rules that did not give them: read from the claims
        rows = claim_positions(claims, ref_ids, claim_index)
        known_sources = claims["source"].to_numpy(dtype=object)
        ref_sources = np.full(len(rows), None, dtype=object)
        ref_sources[rows >= 0] = known_sources[rows[rows >= 0]]
    known = pd.notna(ref_sources)
    source_codes, names = pd.factorize(ref_sources[known], sort=True)
    width = np.int64(len(names) + 1)
    pairs = sorted_unique(side_conflict[ref_side[known]] * width + source_codes)
    per_conflict = np.bincount(pairs // width, minlength=n_conflicts)
    ends = np.cumsum(per_conflict).tolist()
    listed = np.asarray(names, dtype=object)[pairs % width].tolist()
    conflicts["sources"] = pd.Series([listed[a:b] for a, b in zip([0, *ends[:-1]], ends)], dtype=object)
    conflicts["internal"] = per_conflict == 1
    conflicts["contested"] = np.bincount(side_conflict, weights=n_claims, minlength=n_conflicts).astype(np.int64)
    # the tables, sides in order, then the conflicts worst first
    new_side = np.empty(n_sides, dtype=np.int64)
    new_side[side_order] = np.arange(n_sides)
    starts = np.cumsum(counts) - counts
    sides = pd.DataFrame(
        {
            "side": np.arange(n_sides, dtype=np.int64),
            "conflict": side_conflict[side_order],
            "position": np.arange(n_sides) - np.repeat(starts, counts),
            "value": values[side_order],
            "label": labels[side_order],
            "claims": n_claims[side_order],
        }
    )
    claim_order = np.argsort(new_side[ref_side], kind="stable")  # each side's claims stay in id order
    side_claims = pd.DataFrame(
        {"side": new_side[ref_side][claim_order], "claim_id": ref_ids[claim_order], "source": ref_sources[claim_order]}
    )
    conflicts["_rank"] = conflicts["severity"].map(SEVERITY_RANK)
    ranked = conflicts.sort_values(
        ["_rank", "subject", "property", "scope", "rule", "fingerprint"], kind="stable", na_position="first"
    ).drop(columns="_rank")
    tables = ConflictTables(conflicts.drop(columns="_rank"), sides, side_claims).in_order(ranked)
    ConflictModel.validate(tables.conflicts)
    SideModel.validate(tables.sides)
    return tables


def _sorted_side_claims(
    side: np.ndarray, ids: np.ndarray, sources: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """The claims cited by each side, side after side, each side's ids sorted without
    repeats. The rules' claims usually come so (sides in order, ids strictly increasing
    within each, as :func:`reconcile.detect.grouping.collect_sides` gives them): one
    comparison of neighbours tells, and nothing is sorted; otherwise the ids are sorted
    by their codes in sorted order. ``sources`` (per claim, if given) follow their ids."""
    ids = np.asarray(ids, dtype=object)
    if len(side) < 2:
        return side, ids, sources
    same_side = side[1:] == side[:-1]
    try:
        in_order = bool((side[1:] >= side[:-1]).all()) and bool((ids[1:] > ids[:-1])[same_side].all())
    except TypeError:  # ids that do not compare with each other
        in_order = False
    if in_order:
        return side, ids, sources
    codes, uniques = pd.factorize(ids, sort=True)
    order = np.lexsort((codes, side))
    side, codes = side[order], codes[order]
    keep = np.ones(len(order), dtype=bool)
    keep[1:] = (side[1:] != side[:-1]) | (codes[1:] != codes[:-1])
    kept_sources = None if sources is None else np.asarray(sources, dtype=object)[order][keep]
    return side[keep], np.asarray(uniques, dtype=object)[codes[keep]], kept_sources


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


def at_or_above(conflicts: pd.DataFrame, severity: str) -> pd.DataFrame:
    """Conflicts whose severity is ``severity`` or worse."""
    return conflicts[conflicts["severity"].map(SEVERITY_RANK) <= SEVERITY_RANK[severity]]
