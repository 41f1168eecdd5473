"""Typing claim values by their property: entities and entity sets, dates, quantities,
statuses and text.

:func:`type_values` is stage 3 of :func:`reconcile.validate.claims.validate`. Each value type is
typed by its own function over the rows of that type; they fill column arrays by row
position and mark the rows that failed, reporting each with file, line, claim id and what
was expected. Distinct names, dates and figures are parsed or resolved once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from reconcile.base.fieldspec import excerpt
from reconcile.base.frames import as_text, map_distinct, object_column, positions
from reconcile.normalize.dates import normalize_dates
from reconcile.normalize.names import Gazetteer
from reconcile.normalize.quantities import counts_things, normalize_quantities
from reconcile.normalize.text import fold_whitespace
from reconcile.validate.quotes import fold_text_array
from reconcile.base.problems import Problems
from reconcile.load.registry import Registry

__all__ = ["type_values", "did_you_mean", "fuzzy_report", "scalar_text", "TYPED_COLUMNS"]


def did_you_mean(gaz: Gazetteer, name: str) -> str | None:
    """A hint for an unknown name: "did you mean A, B?" from the gazetteer's closest names."""
    suggestions = gaz.resolve(name).suggestions
    return "did you mean " + ", ".join(suggestions) + "?" if suggestions else None


def fuzzy_report(claims: pd.DataFrame, names: pd.Series, res: pd.DataFrame, column: str) -> pd.DataFrame:
    """The names resolved by fuzzy matching, with file, line, claim, score and the name
    matched: ``reconcile validate`` shows them so that a person can confirm each."""
    fuzzy = res["method"].eq("fuzzy")
    if not fuzzy.any():
        return pd.DataFrame(columns=["file", "line", "claim_id", "column", "name", "id", "label", "score", "matched"])
    rows = claims[fuzzy]
    return pd.DataFrame(
        {
            "file": rows["file"].values,
            "line": rows["line"].values,
            "claim_id": rows["claim_id"].values,
            "column": column,
            "name": names[fuzzy].values,
            "id": res.loc[fuzzy, "id"].values,
            "label": res.loc[fuzzy, "label"].values,
            "score": res.loc[fuzzy, "score"].values,
            "matched": res.loc[fuzzy, "matched"].values,
        }
    )


TYPED_COLUMNS: dict[str, object] = {
    "value_norm": None,
    "value_label": None,
    "value_ids": None,
    "date_start": "datetime64[s]",
    "date_end": "datetime64[s]",
    "date_precision": None,
    "qty_amount": float,
    "qty_low": float,
    "qty_high": float,
    "qty_approx": None,
    "qty_unit": None,
}


# What typing and its problem reports read of a claim (the rows of each type are taken
# with these columns only).
_READ_COLUMNS = ("claim_id", "file", "line", "field_lines", "property", "value_type", "value", "unit")


def type_values(
    claims: pd.DataFrame,
    registry: Registry,
    gaz: Gazetteer,
    problems: Problems,
    skip: np.ndarray | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Type each claim's value by its property; return the claims (every row, with the
    typed columns), the fuzzy resolutions, and which rows' values failed (reported).

    Each value type is typed by its own function over the rows of that type; they fill
    column arrays by row position (``claims`` gets a fresh RangeIndex) and mark the rows
    that failed in ``bad``. Rows marked in ``skip`` (by position: a value that cannot be
    typed because its property is unknown or the value is missing, already reported) are
    left untyped and not reported again.
    """
    claims = claims.reset_index(drop=True)
    n = len(claims)
    cols: dict[str, np.ndarray] = {}
    for col, kind in TYPED_COLUMNS.items():
        if kind is None:
            cols[col] = np.full(n, None, dtype=object)
        elif kind is float:
            cols[col] = np.full(n, np.nan)
        else:
            cols[col] = np.full(n, np.datetime64("NaT"), dtype=kind)
    bad = np.zeros(n, dtype=bool)
    type_codes, types = pd.factorize(claims["value_type"].to_numpy(dtype=object))
    if skip is not None and skip.any():
        type_codes[skip] = -1  # of no type: typed by none of the functions below
    read = claims[[c for c in _READ_COLUMNS if c in claims.columns]]

    def of_type(*names: str) -> pd.DataFrame:
        wanted = pd.Index(types).get_indexer(list(names))
        return read[np.isin(type_codes, wanted[wanted >= 0])]

    resolutions = _type_entities(of_type("entity", "entity_set"), registry, gaz, problems, cols, bad)
    _type_dates(of_type("date"), problems, cols, bad)
    _type_quantities(of_type("quantity"), registry, problems, cols, bad)
    _type_statuses(of_type("status"), registry, problems, cols, bad)
    texts = of_type("text")
    if len(texts):
        folded = map_distinct(texts["value"], lambda v: fold_whitespace(scalar_text(v)))
        cols["value_norm"][texts.index] = folded.to_numpy()
        cols["value_label"][texts.index] = folded.to_numpy()
    typed = claims.assign(
        **{c: object_column(v, claims.index) if v.dtype == object else v for c, v in cols.items()}
    )
    return typed, resolutions, bad


def _type_entities(
    ent: pd.DataFrame, registry: Registry, gaz: Gazetteer, problems: Problems, cols: dict[str, np.ndarray], bad: np.ndarray
) -> pd.DataFrame:
    """Entity and entity-set values, typed once per distinct value text.

    A value text whose names all resolve exactly, with the number of names and the entity
    kinds its property allows, is typed once and its columns are taken by every row that
    states it (the ``value_ids`` tuple is shared). The other rows, to be reported (unknown
    names, wrong kinds, fuzzy matches to confirm) or holding YAML lists, are typed row by
    row by :func:`_type_entities_by_row`.
    """
    if ent.empty:
        return pd.DataFrame()
    cells = ent["value"].to_numpy(dtype=object)
    if pd.api.types.infer_dtype(cells, skipna=False) == "string":  # one C pass: all text
        text = np.ones(len(cells), dtype=bool)
    else:
        text = np.fromiter((type(v) is str for v in cells), dtype=bool, count=len(cells))
    codes, values = pd.factorize(cells[text])
    typed = _type_entity_texts(values, gaz)
    fast = np.flatnonzero(text)
    counts = typed["count"][codes]
    ok = typed["ok"][codes] & (counts > 0) & ((counts == 1) | (ent["value_type"].to_numpy(dtype=object)[fast] != "entity"))
    ok &= _kinds_allowed(ent["property"].to_numpy(dtype=object)[fast], typed["kinds"][codes], typed["kind_sets"], registry)
    at = ent.index.to_numpy()[fast[ok]]
    for col in ("value_ids", "value_norm", "value_label"):
        cols[col][at] = typed[col][codes[ok]]
    rest = np.ones(len(ent), dtype=bool)
    rest[fast[ok]] = False
    if not rest.any():
        return pd.DataFrame()
    return _type_entities_by_row(ent[rest], registry, gaz, problems, cols, bad)


def _type_entity_texts(values: np.ndarray, gaz: Gazetteer) -> dict[str, np.ndarray]:
    """For each distinct value text: whether all its names resolve exactly (``ok``), how
    many names it has, the code of the set of its entities' kinds (``kinds``, in
    ``kind_sets``), and its typed columns. Each distinct name is resolved once."""
    owner, name_codes, names = _names_of_texts(values)
    count = np.bincount(owner, minlength=len(values))
    res = gaz.resolve_many(pd.Series(names, dtype=object))
    exact = (res["id"].notna() & res["method"].ne("fuzzy")).to_numpy()[name_codes]
    ok = np.bincount(owner[~exact], minlength=len(values)) == 0
    ids = res["id"].to_numpy(dtype=object)[name_codes]
    kinds = res["kind"].to_numpy(dtype=object)[name_codes].tolist()
    ends = np.cumsum(count).tolist()
    kind_codes, kind_sets = pd.factorize(
        np.array([frozenset(kinds[a:b]) for a, b in zip([0, *ends[:-1]], ends)], dtype=object)
    )
    typed = {col: np.full(len(values), None, dtype=object) for col in ("value_ids", "value_norm", "value_label")}
    good = ok[owner]
    _ids_per_owner(owner[good], ids[good], gaz, typed)
    return {"ok": ok, "count": count, "kinds": kind_codes, "kind_sets": np.asarray(kind_sets, dtype=object), **typed}


def _names_of_texts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The names of set values given as text (:func:`_as_name_list`, each name with its
    whitespace folded), in order: the value each name belongs to, the code of each name
    among the distinct names, and the distinct names.

    Split, stripped and folded by pyarrow; values pyarrow cannot hold (a lone surrogate)
    are split in Python.
    """
    try:
        texts = pa.array(values, type=pa.large_string())
    except (pa.ArrowException, UnicodeError):
        lists = [[fold_whitespace(n) for n in _as_name_list(v)] for v in values]
        owner = np.repeat(np.arange(len(values)), [len(ns) for ns in lists])
        codes, names = pd.factorize(np.array([n for ns in lists for n in ns], dtype=object))
        return owner, codes, np.asarray(names, dtype=object)
    parts = pc.split_pattern(texts, ";")
    names = fold_text_array(pc.list_flatten(parts))
    kept = pc.binary_length(names).to_numpy() > 0
    owner = pc.list_parent_indices(parts).to_numpy()[kept]
    encoded = pc.dictionary_encode(names.filter(pa.array(kept)))
    return owner, encoded.indices.to_numpy().astype(np.intp), encoded.dictionary.to_numpy(zero_copy_only=False).astype(object)


def _kinds_allowed(properties: np.ndarray, kind_codes: np.ndarray, kind_sets: np.ndarray, registry: Registry) -> np.ndarray:
    """Whether each row's property takes every kind of its value's entities (``kind_codes``
    per row, into ``kind_sets``; checked once per distinct pair of property and kinds)."""
    prop_codes, props = pd.factorize(properties)
    codes, pairs = pd.factorize(prop_codes.astype(np.int64) * len(kind_sets) + kind_codes)
    allowed = {pid: set(spec.entity_kinds) for pid, spec in registry.properties.items()}
    verdict = np.array(
        [
            not allowed.get(p) or kinds <= allowed[p]
            for p, kinds in zip(props[pairs // len(kind_sets)], kind_sets[pairs % len(kind_sets)])
        ],
        dtype=bool,
    )
    return verdict[codes]


def _type_entities_by_row(
    ent: pd.DataFrame, registry: Registry, gaz: Gazetteer, problems: Problems, cols: dict[str, np.ndarray], bad: np.ndarray
) -> pd.DataFrame:
    """Entity and entity-set values, one name per row (each distinct name resolved once),
    with every problem reported at its claim's file and line."""
    kinds_allowed = {pid: set(spec.entity_kinds) for pid, spec in registry.properties.items()}
    names = map_distinct(ent["value"], _as_name_list)
    counts = names.map(len)
    scalar_list = ent["value_type"].eq("entity") & counts.ne(1)
    problems.add_rows(
        ent[scalar_list],
        "an entity value must be one name",
        column="value",
        expected="one name or id (use an entity_set property for lists)",
        code="value-type",
    )
    empty = counts.eq(0)
    problems.add_rows(ent[empty], "empty set value", column="value", expected="at least one name", code="value-type")
    bad[ent.index[(scalar_list | empty).to_numpy()]] = True
    exploded = ent[["claim_id", "property", "file", "line", "field_lines"]].assign(name=names).explode("name")
    exploded = exploded[exploded["name"].notna()]
    exploded["name"] = map_distinct(exploded["name"], lambda v: fold_whitespace(str(v)))
    res = gaz.resolve_many(exploded["name"].reset_index(drop=True)).add_prefix("r_")
    res.index = exploded.index  # one row per exploded name; the index repeats per claim
    exploded = pd.concat([exploded, res], axis=1)
    unknown = exploded["r_id"].isna()
    problems.add_rows(
        exploded[unknown],
        exploded.loc[unknown, "name"].map(lambda n: f"unknown name {excerpt(n)}"),
        column="value",
        expected="a name the gazetteer or the entity registry knows, or an id",
        hint=exploded.loc[unknown, "name"].map(lambda n: did_you_mean(gaz, n)),
        code="unknown-name",
    )
    allowed_pairs = pd.MultiIndex.from_tuples(
        [(p, k) for p, kinds in kinds_allowed.items() for k in kinds], names=["property", "kind"]
    )
    unrestricted = [p for p, kinds in kinds_allowed.items() if not kinds]
    pair_ok = pd.MultiIndex.from_arrays(
        [exploded["property"].to_numpy(dtype=object), exploded["r_kind"].to_numpy(dtype=object)]
    ).isin(allowed_pairs) | exploded["property"].isin(unrestricted).to_numpy()
    wrong_kind = ~unknown & ~pair_ok
    problems.add_rows(
        exploded[wrong_kind],
        exploded.loc[wrong_kind, "name"].map(excerpt) + " is a " + exploded.loc[wrong_kind, "r_kind"].astype(str)
        + " (" + exploded.loc[wrong_kind, "r_id"].astype(str) + ")",
        column="value",
        expected=None,
        hint=exploded.loc[wrong_kind, "property"].map(
            lambda p: "property " + p + " takes " + " or ".join(sorted(kinds_allowed[p]))
        ),
        code="value-kind",
    )
    failed = unknown | wrong_kind
    bad[exploded.index[failed.to_numpy()]] = True
    resolutions = fuzzy_report(
        exploded, exploded["name"], exploded.filter(like="r_").rename(columns=lambda c: c[2:]), "value"
    )
    good = exploded[~failed]
    _ids_per_owner(good.index.to_numpy(), good["r_id"].to_numpy(dtype=object), gaz, cols)
    return resolutions


@dataclass(frozen=True)
class Labels:
    """The display label of each distinct entity id."""

    ids: np.ndarray
    labels: np.ndarray

    def of(self, ids: np.ndarray) -> np.ndarray:
        """The labels of ``ids`` (each one of :attr:`ids`)."""
        return self.labels[positions(self.ids, ids)]


def _ids_per_owner(owner: np.ndarray, ids: np.ndarray, gaz: Gazetteer, cols: dict[str, np.ndarray]) -> None:
    """Fill ``value_ids``, ``value_norm`` and ``value_label`` at each owner (a row position)
    from the entity ids it names (one id per element of ``owner``, repeats allowed).

    Distinct ids of each owner, sorted: sort (owner, id) pairs, drop repeats, cut at owner
    changes. Owners naming one entity (the common case) need no tuple joining.
    """
    row = owner
    id_codes, id_values = pd.factorize(ids, sort=True)  # codes in id order
    order = np.lexsort((id_codes, row))
    row, id_codes = row[order], id_codes[order]
    first = np.r_[True, (row[1:] != row[:-1]) | (id_codes[1:] != id_codes[:-1])] if len(row) else np.zeros(0, bool)
    owner = row[first]
    ids = np.asarray(id_values, dtype=object)[id_codes[first]]
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]]) if len(owner) else np.zeros(0, dtype=np.intp)
    sizes = np.diff(np.r_[starts, len(owner)])
    rows = owner[starts]
    distinct = pd.unique(ids)
    labels = Labels(distinct, np.array([gaz.label(eid) for eid in distinct], dtype=object))
    single = sizes == 1
    one_id = ids[starts[single]]
    cols["value_ids"][rows[single]] = [(i,) for i in one_id]
    cols["value_norm"][rows[single]] = one_id
    cols["value_label"][rows[single]] = labels.of(one_id)
    if (~single).any():
        _join_sets(ids[np.repeat(~single, sizes)], sizes[~single], rows[~single], labels, cols)


def _join_sets(ids: np.ndarray, sizes: np.ndarray, rows: np.ndarray, labels: Labels, cols: dict[str, np.ndarray]) -> None:
    """Set values naming several entities: ids (sorted per claim, ``sizes`` per claim) as a
    tuple, joined with ``;`` (the canonical value) and their labels, sorted, with ``, ``."""
    offsets = np.r_[0, np.cumsum(sizes)]
    listed = ids.tolist()
    cols["value_ids"][rows] = [tuple(listed[a:b]) for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist())]
    cols["value_norm"][rows] = _joined(ids, offsets, ";")
    names = labels.of(ids)
    owner = np.repeat(np.arange(len(sizes)), sizes)
    by_label = np.lexsort((pd.factorize(names, sort=True)[0], owner))
    cols["value_label"][rows] = _joined(names[by_label], offsets, ", ")


def _joined(texts: np.ndarray, offsets: np.ndarray, sep: str) -> np.ndarray:
    """The runs ``texts[offsets[k]:offsets[k + 1]]`` each joined with ``sep`` (pyarrow)."""
    lists = pa.ListArray.from_arrays(pa.array(offsets, pa.int64()), pa.array(texts, pa.large_string()))
    return pc.binary_join(lists, pa.scalar(sep, pa.large_string())).to_numpy(zero_copy_only=False).astype(object)


def _type_dates(rows: pd.DataFrame, problems: Problems, cols: dict[str, np.ndarray], bad: np.ndarray) -> None:
    """Date values: ISO dates at their precision, ranges and date phrases."""
    if rows.empty:
        return
    parsed = normalize_dates(pd.Series(as_text(rows["value"], scalar_text), index=rows.index, dtype=object))
    parsed.index = rows.index
    err = parsed["date_error"].notna()
    problems.add_rows(
        rows[err],
        parsed.loc[err, "date_error"],
        column="value",
        expected="a date: YYYY, YYYY-MM, YYYY-MM-DD, a range START/END, or a date phrase",
        code="value-date",
    )
    bad[rows.index[err.to_numpy()]] = True
    okd = parsed[~err]
    at = okd.index.to_numpy()
    cols["value_norm"][at] = okd["date_iso"].to_numpy(dtype=object)
    cols["value_label"][at] = okd["date_iso"].to_numpy(dtype=object)
    cols["date_start"][at] = okd["date_start"].to_numpy(dtype="datetime64[s]")
    cols["date_end"][at] = okd["date_end"].to_numpy(dtype="datetime64[s]")
    cols["date_precision"][at] = okd["date_precision"].to_numpy(dtype=object)


def _type_quantities(
    rows: pd.DataFrame, registry: Registry, problems: Problems, cols: dict[str, np.ndarray], bad: np.ndarray
) -> None:
    """Quantity values: amount, interval, approximation and unit; canonical text. A figure
    below its property's ``min`` (by default 0 for a count, see
    :func:`~reconcile.normalize.quantities.counts_things`) is a problem."""
    if rows.empty:
        return
    parsed = normalize_quantities(rows["value"], rows["unit"])
    parsed.index = rows.index
    err = parsed["qty_error"].notna()
    problems.add_rows(rows[err], parsed.loc[err, "qty_error"], column="value", code="value-quantity")
    unit_clash = ~err & parsed["qty_unit"].notna() & rows["unit"].notna() & parsed["qty_unit"].ne(rows["unit"])
    problems.add_rows(
        rows[unit_clash],
        parsed.loc[unit_clash, "qty_unit"].map(lambda u: f"unit {excerpt(u)} does not match the property's unit"),
        column="value",
        expected="the unit declared in properties.yaml (or none)",
        code="value-unit",
    )
    failed = err | unit_clash
    failed |= _below_least(rows, parsed, ~failed, registry, problems)
    bad[rows.index[failed.to_numpy()]] = True
    okq = parsed[~failed]
    at = okq.index.to_numpy()
    units = rows.loc[okq.index, "unit"].astype(object)
    unit_code = units.where(units.notna(), okq["qty_unit"]).astype(object)
    cols["qty_amount"][at] = okq["qty_amount"].to_numpy(dtype=float)
    cols["qty_low"][at] = okq["qty_low"].to_numpy(dtype=float)
    cols["qty_high"][at] = okq["qty_high"].to_numpy(dtype=float)
    cols["qty_approx"][at] = okq["qty_approx"].to_numpy(dtype=object)
    cols["qty_unit"][at] = unit_code.to_numpy(dtype=object)
    # Canonical text and label depend only on (amount, approximation, unit): build them
    # once per distinct triple.
    codes, uniq = _distinct_rows(
        okq["qty_amount"].to_numpy(dtype=float),
        okq["qty_approx"].to_numpy(dtype=object),
        unit_code.fillna("").to_numpy(dtype=object),
    )
    norm = np.empty(len(uniq), dtype=object)
    label = np.empty(len(uniq), dtype=object)
    for k, (amount, approx, unit) in enumerate(uniq):
        canon = "" if approx == "exact" else approx.replace("_", " ")
        amount_txt = f"{amount:g}" if abs(amount) < 1e15 else str(amount)
        norm[k] = " ".join(f"{canon} {amount_txt} {unit}".split())
        label[k] = " ".join(f"{canon} {amount:,.10g} {_unit_words(unit)}".split())
    cols["value_norm"][at] = norm.take(codes)
    cols["value_label"][at] = label.take(codes)


def _below_least(
    rows: pd.DataFrame, parsed: pd.DataFrame, ok: pd.Series, registry: Registry, problems: Problems
) -> pd.Series:
    """Report the figures (among ``ok``) below the least value their property allows: its
    ``min``, or else 0 when the figure counts things (its property's unit, else its own, is
    a count unit: "-5 people"). Returns which rows are reported."""
    least = rows["property"].map({pid: spec.min for pid, spec in registry.properties.items()}).astype(float)
    units = rows["unit"].where(rows["unit"].notna(), parsed["qty_unit"]).astype(object)
    counts = map_distinct(units, counts_things).astype(bool)
    least = least.where(least.notna(), pd.Series(np.where(counts, 0.0, np.nan), index=rows.index))
    below = ok & least.notna() & (parsed["qty_amount"] < least)
    if below.any():
        amount = parsed.loc[below, "qty_amount"].map(lambda a: f"{a:,.12g}")
        given = rows.loc[below, "property"].map(lambda p: registry.properties[p].min is not None)
        message = pd.Series(
            np.where(
                given,
                "the figure " + amount + " is below " + least[below].map(lambda v: f"{v:g}")
                + ", the least value of property " + rows.loc[below, "property"].astype(str),
                "a count of " + units[below].astype(str) + " cannot be negative: " + amount,
            ),
            index=amount.index,
        )
        problems.add_rows(
            rows[below],
            message,
            column="value",
            expected="a figure of at least the property's min (0 for a count; set min in properties.yaml to allow less)",
            code="value-quantity",
        )
    return below


def _distinct_rows(*columns: np.ndarray) -> tuple[np.ndarray, list[tuple]]:
    """Codes of the distinct rows of ``columns`` (aligned arrays; NaN is a value) and each
    distinct row as a tuple. Each column is factorized and its codes folded into the
    running codes, which stay dense (below the number of rows), so they cannot overflow."""
    combined = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        codes, uniques = pd.factorize(column, use_na_sentinel=False)
        combined = pd.factorize(combined * len(uniques) + codes)[0].astype(np.int64)
    _, first = np.unique(combined, return_index=True)  # codes number first appearances
    return combined, list(zip(*(np.asarray(column, dtype=object)[first] for column in columns)))


def _type_statuses(
    rows: pd.DataFrame, registry: Registry, problems: Problems, cols: dict[str, np.ndarray], bad: np.ndarray
) -> None:
    """Status values: a word of the property's vocabulary (case and spaces folded)."""
    if rows.empty:
        return
    vals = map_distinct(rows["value"], lambda v: scalar_text(v).strip().lower().replace(" ", "_"))
    vocab = {pid: spec.vocabulary for pid, spec in registry.properties.items()}
    allowed = pd.MultiIndex.from_arrays([vals.to_numpy(dtype=object), rows["property"].to_numpy(dtype=object)]).isin(
        pd.MultiIndex.from_tuples([(v, p) for p, words in vocab.items() for v in words] or [("", "")])
    )
    wrong = ~allowed
    problems.add_rows(
        rows[wrong],
        vals[wrong].map(lambda v: f"status {excerpt(v)} is not in the vocabulary"),
        column="value",
        expected=None,
        hint=pd.Series(
            ["expected one of " + ", ".join(vocab.get(p, ())) for p in rows.loc[wrong, "property"]],
            index=vals[wrong].index,
        ),
        code="value-status",
    )
    bad[rows.index[wrong]] = True
    at = rows.index[allowed]
    cols["value_norm"][at] = vals[allowed].to_numpy(dtype=object)
    cols["value_label"][at] = vals[allowed].str.replace("_", " ").to_numpy(dtype=object)


_UNIT_WORDS = {
    "person": "people",
    "state": "states",
    "battalion": "battalions",
    "item": "items",
    "year": "years",
    "treaty": "treaties",
    "decision": "decisions",
}


def _unit_words(unit: str) -> str:
    """How a canonical unit reads after a number in a label."""
    return _UNIT_WORDS.get(unit, unit)


def _as_name_list(value: object) -> list[str]:
    """A set value as a list of names: YAML list, or text separated by ``;``."""
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    if value is None:
        return []
    return [part.strip() for part in str(value).split(";") if part.strip()]


def scalar_text(value: object) -> str:
    if isinstance(value, (list, tuple, dict)):
        return str(value)
    return "" if value is None else str(value)
