"""Validation and normalization: from what people wrote to typed, checked claims.

:func:`validate` takes a :class:`~reconcile.workspace.RawWorkspace` and returns a
:class:`Workspace` whose ``claims`` table satisfies :class:`~reconcile.schemas.ClaimModel`,
plus every problem found. Nothing stops at the first problem: each stage marks the rows it
rejects and the next stages work on the rest, so one run reports everything.

Stages, each vectorized over the claims (each distinct string is parsed or resolved once):

1. structure: pandera input schemas (required fields, unique ids, known sources and
   properties, booleans, confidence in [0, 1]);
2. names: subjects and entity values resolved through the gazetteer (CLDR names, curated
   aliases, the workspace's entities; fuzzy matches reported with their score);
3. values typed by their property: entity kind, set members, dates with precision or range
   (real calendar dates only), quantities with approximation, status from the vocabulary;
4. time scope: ``as_of`` (default: the source's publication date for time-dependent
   properties), ``valid_from`` ≤ ``valid_to``;
5. evidence: each quote is found in its document after folding whitespace, and its span
   ``[start, end)`` computed in the document's Python string.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from .normalize.dates import normalize_dates
from .normalize.names import Gazetteer
from .normalize.quantities import normalize_quantities
from .normalize.text import fold_whitespace
from .quotes import locate_quotes
from .problems import Problems
from .registry import Registry
from .schemas import (
    ClaimModel,
    claim_input_schema,
    failures_to_problems,
    source_input_schema,
)
from .workspace import SOURCE_KINDS, RawWorkspace

__all__ = ["Workspace", "validate", "workspace_gazetteer"]

_NA = pd.NA


@dataclass
class Workspace:
    """A loaded and validated workspace: the input of rules, graph and reports."""

    root: Path
    sources: pd.DataFrame
    claims: pd.DataFrame
    registry: Registry
    documents: dict[str, str]
    gazetteer: Gazetteer
    resolutions: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Names that were resolved other than exactly (fuzzy), with score: shown by validate."""


# --- entry point --------------------------------------------------------------------------


def validate(raw: RawWorkspace, problems: Problems) -> Workspace:
    """Type, resolve and check every claim of ``raw``; add problems; return the workspace."""
    gaz = workspace_gazetteer(raw.registry)
    sources = _validate_sources(raw, problems)
    claims = raw.claims.copy()
    claims.index = pd.RangeIndex(len(claims))
    known_sources = sources["source"].dropna().astype(str).tolist()
    bad = failures_to_problems(
        claims, claim_input_schema(known_sources, sorted(raw.registry.properties)), problems
    )
    _suggest_properties(claims, raw.registry, problems)
    ok = ~claims.index.isin(bad)
    claims = claims[ok & claims["source"].isin(known_sources) & claims["property"].isin(list(raw.registry.properties))]
    claims = claims.rename(columns={"id": "claim_id"})

    claims, resolutions = _resolve_subjects(claims, gaz, problems)
    claims = _attach_property_info(claims, raw.registry)
    typed, more = _type_values(claims, raw.registry, gaz, problems)
    resolutions = pd.concat([resolutions, more], ignore_index=True)
    typed = _time_scope(typed, sources, problems)
    typed = _evidence(typed, sources, raw.documents, problems)
    typed = _finish(typed)
    return Workspace(
        root=raw.root,
        sources=sources,
        claims=typed,
        registry=raw.registry,
        documents=raw.documents,
        gazetteer=gaz,
        resolutions=resolutions.sort_values(["file", "line"]).reset_index(drop=True)
        if not resolutions.empty
        else resolutions,
    )


def workspace_gazetteer(registry: Registry) -> Gazetteer:
    """The built-in gazetteer extended with the workspace's registered entities."""
    gaz = Gazetteer.default().copy()
    for eid, kind, label, names in zip(
        registry.entities["id"], registry.entities["kind"], registry.entities["label"], registry.entities["names"]
    ):
        gaz.add_entity(eid, kind, [label, *names])
    return gaz


# --- sources ------------------------------------------------------------------------------


def _known_languages() -> set[str]:
    from babel.localedata import locale_identifiers

    return {ident.split("_")[0] for ident in locale_identifiers()}


def _validate_sources(raw: RawWorkspace, problems: Problems) -> pd.DataFrame:
    src = raw.sources.copy()
    src.index = pd.RangeIndex(len(src))
    ids = src["id"].dropna().astype(str).tolist()
    failures_to_problems(
        src, source_input_schema(ids, SOURCE_KINDS, _known_languages()), problems, is_claim=False
    )
    published = normalize_dates(src["published"].astype(object).where(src["published"].notna(), None))
    bad_date = published["date_error"].notna() & src["published"].notna()
    for i in src.index[bad_date]:
        fl = src.at[i, "field_lines"] or {}
        problems.add(
            f"source {src.at[i, 'id']}: {published.at[i, 'date_error']}",
            file=src.at[i, "file"],
            line=fl.get("published", src.at[i, "line"]),
            column="published",
            expected="an ISO date with precision (YYYY, YYYY-MM, YYYY-MM-DD) or a range START/END",
        )
    _check_derivation_cycles(src, problems)
    out = pd.DataFrame(
        {
            "source": src["id"].astype(object),
            "document": src.get("document_path", pd.Series(None, index=src.index)).astype(object),
            "language": src["language"].astype(object),
            "title": src["title"].map(lambda v: None if v is None else str(v)).astype(object),
            "publisher": src["publisher"].map(lambda v: None if v is None else str(v)).astype(object),
            "kind": src["kind"].astype(object),
            "published": published["date_iso"].astype(object),
            "published_start": published["date_start"],
            "published_end": published["date_end"],
            "published_precision": published["date_precision"].astype(object),
            "published_basis": src["published_basis"].map(lambda v: None if v is None else str(v)).astype(object),
            "derived_from": src["derived_from"].astype(object),
            "file": src["file"],
            "line": src["line"],
        }
    )
    return out.drop_duplicates("source", keep="first").reset_index(drop=True)


def _check_derivation_cycles(src: pd.DataFrame, problems: Problems) -> None:
    parent = dict(zip(src["id"], src["derived_from"]))
    for sid, line in zip(src["id"], src["line"]):
        seen = {sid}
        cur = parent.get(sid)
        while cur is not None and cur in parent:
            if cur in seen:
                problems.add(
                    f"source {sid}: derived_from forms a cycle through {cur}",
                    file="claims/sources.yaml",
                    line=line,
                    column="derived_from",
                    expected="a chain of derivations that ends at an original",
                )
                break
            seen.add(cur)
            cur = parent.get(cur)


def _suggest_properties(claims: pd.DataFrame, registry: Registry, problems: Problems) -> None:
    """Add "did you mean" hints to unknown properties (the schema already flagged them)."""
    known = list(registry.properties)
    unknown = claims.loc[claims["property"].notna() & ~claims["property"].isin(known), "property"]
    if unknown.empty or not known:
        return
    hints = {
        name: process.extract(str(name), known, scorer=fuzz.WRatio, limit=2) for name in unknown.unique()
    }
    # Re-issue the unknown-property problems with hints (replace the plain ones).
    plain_msgs = {f"unknown property {name!r}" for name in hints}
    problems.items[:] = [p for p in problems.items if not (p.code == "known_property" and p.message in plain_msgs)]
    rows = claims[claims["property"].isin(list(hints))]
    problems.add_rows(
        rows.rename(columns={"id": "claim_id"}),
        rows["property"].map(lambda n: f"unknown property {n!r}"),
        column="property",
        expected="a property id from claims/properties.yaml",
        hint=rows["property"].map(lambda n: "did you mean " + " or ".join(c for c, _, _ in hints[n]) + "?"),
        code="known_property",
    )


# --- names --------------------------------------------------------------------------------


def _resolve_subjects(claims: pd.DataFrame, gaz: Gazetteer, problems: Problems) -> tuple[pd.DataFrame, pd.DataFrame]:
    names = claims["subject"].astype(str)
    res = gaz.resolve_many(names)
    res.index = claims.index
    unresolved = res["id"].isna()
    problems.add_rows(
        claims[unresolved],
        names[unresolved].map(lambda n: f"unknown subject {n!r}"),
        column="subject",
        expected="an entity id or a name known to the entity registry or the gazetteer",
        hint=names[unresolved].map(lambda n: _did_you_mean(gaz, n)),
        code="unknown-name",
    )
    resolutions = _fuzzy_report(claims, names, res, "subject")
    claims = claims[~unresolved].copy()
    claims["subject_raw"] = claims["subject"]
    claims["subject"] = res.loc[~unresolved, "id"].astype(str)
    claims["subject_label"] = res.loc[~unresolved, "label"].astype(str)
    claims["subject_kind"] = res.loc[~unresolved, "kind"].astype(str)
    return claims, resolutions


def _did_you_mean(gaz: Gazetteer, name: str) -> str | None:
    suggestions = gaz.resolve(name).suggestions
    return "did you mean " + ", ".join(suggestions) + "?" if suggestions else None


def _fuzzy_report(claims: pd.DataFrame, names: pd.Series, res: pd.DataFrame, column: str) -> pd.DataFrame:
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


def _attach_property_info(claims: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    info = registry.properties_frame()
    merged = claims.reset_index().merge(info, on="property", how="left").set_index("index")
    merged.index.name = None
    return merged


# --- values -------------------------------------------------------------------------------


def _type_values(
    claims: pd.DataFrame, registry: Registry, gaz: Gazetteer, problems: Problems
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Type each claim's value by its property; return typed claims and fuzzy resolutions."""
    out = claims.copy()
    for col in ("value_norm", "value_label"):
        out[col] = pd.Series(None, index=out.index, dtype=object)
    out["value_ids"] = pd.Series(None, index=out.index, dtype=object)
    for col in ("date_start", "date_end"):
        out[col] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[s]")
    out["date_precision"] = pd.Series(None, index=out.index, dtype=object)
    out["qty_amount"] = np.nan
    out["qty_low"] = np.nan
    out["qty_high"] = np.nan
    out["qty_approx"] = pd.Series(None, index=out.index, dtype=object)
    out["qty_unit"] = pd.Series(None, index=out.index, dtype=object)
    bad = pd.Series(False, index=out.index)
    resolutions = []

    kinds_allowed = {pid: set(spec.entity_kinds) for pid, spec in registry.properties.items()}

    # entity and entity_set: explode to one name per row, resolve distinct names once.
    ent_mask = out["value_type"].isin(["entity", "entity_set"])
    if ent_mask.any():
        ent = out.loc[ent_mask, ["claim_id", "property", "value_type", "value", "file", "line", "field_lines"]]
        names = ent["value"].map(_as_name_list)
        scalar_list = ent["value_type"].eq("entity") & names.map(len).ne(1)
        problems.add_rows(
            ent[scalar_list],
            "an entity value must be one name",
            column="value",
            expected="one name or id (use an entity_set property for lists)",
            code="value-type",
        )
        bad |= scalar_list.reindex(out.index, fill_value=False)
        empty = names.map(len).eq(0)
        problems.add_rows(ent[empty], "empty set value", column="value", expected="at least one name", code="value-type")
        bad |= empty.reindex(out.index, fill_value=False)
        exploded = ent.assign(name=names).explode("name").dropna(subset=["name"])
        exploded["name"] = exploded["name"].astype(str).map(fold_whitespace)
        res = gaz.resolve_many(exploded["name"].reset_index(drop=True)).add_prefix("r_")
        res.index = exploded.index  # one row per exploded name; the index repeats per claim
        exploded = pd.concat([exploded, res], axis=1)
        unknown = exploded["r_id"].isna()
        problems.add_rows(
            exploded[unknown],
            exploded.loc[unknown, "name"].map(lambda n: f"unknown name {n!r}"),
            column="value",
            expected="a name the gazetteer or the entity registry knows, or an id",
            hint=exploded.loc[unknown, "name"].map(lambda n: _did_you_mean(gaz, n)),
            code="unknown-name",
        )
        allowed_pairs = {(p, k) for p, kinds in kinds_allowed.items() for k in kinds}
        unrestricted = {p for p, kinds in kinds_allowed.items() if not kinds}
        pair_ok = pd.Series(
            [
                (p, k) in allowed_pairs
                for p, k in zip(exploded["property"].to_numpy(dtype=object), exploded["r_kind"].to_numpy(dtype=object))
            ],
            index=exploded.index,
        ) | exploded["property"].isin(unrestricted)
        wrong_kind = ~unknown & ~pair_ok
        problems.add_rows(
            exploded[wrong_kind],
            "'" + exploded.loc[wrong_kind, "name"] + "' is a " + exploded.loc[wrong_kind, "r_kind"].astype(str)
            + " (" + exploded.loc[wrong_kind, "r_id"].astype(str) + ")",
            column="value",
            expected=None,
            hint=exploded.loc[wrong_kind, "property"].map(
                lambda p: "property " + p + " takes " + " or ".join(sorted(kinds_allowed[p]))
            ),
            code="value-kind",
        )
        failed = (unknown | wrong_kind).groupby(level=0).any()
        bad |= failed.reindex(out.index, fill_value=False)
        resolutions.append(_fuzzy_report(exploded, exploded["name"], exploded.filter(like="r_").rename(columns=lambda c: c[2:]), "value"))
        good = exploded[~unknown & ~wrong_kind]
        distinct = (
            good.reset_index()[["index", "r_id"]]
            .drop_duplicates()
            .sort_values(["index", "r_id"], kind="stable")
            .set_index("index")
        )
        # one tuple of sorted distinct ids per claim: split the sorted array at claim changes
        owner = distinct.index.to_numpy()
        cut = np.flatnonzero(owner[1:] != owner[:-1]) + 1
        grouped = pd.DataFrame(
            {"ids": [tuple(part) for part in np.split(distinct["r_id"].to_numpy(dtype=object), cut)]},
            index=owner[np.r_[0, cut]] if len(owner) else owner,
        )
        labels = {eid: gaz.label(eid) for eid in good["r_id"].unique()}
        out.loc[grouped.index, "value_ids"] = grouped["ids"]
        out.loc[grouped.index, "value_norm"] = grouped["ids"].map(";".join)
        out.loc[grouped.index, "value_label"] = grouped["ids"].map(lambda ids: ", ".join(sorted(labels[i] for i in ids)))

    # dates
    date_mask = out["value_type"].eq("date")
    if date_mask.any():
        vals = out.loc[date_mask, "value"].map(_scalar_text)
        parsed = normalize_dates(vals)
        parsed.index = vals.index
        err = parsed["date_error"].notna()
        problems.add_rows(
            out.loc[date_mask][err],
            parsed.loc[err, "date_error"],
            column="value",
            expected="a date: YYYY, YYYY-MM, YYYY-MM-DD, a range START/END, or a date phrase",
            code="value-date",
        )
        bad |= err.reindex(out.index, fill_value=False)
        okd = parsed[~err]
        out.loc[okd.index, "value_norm"] = okd["date_iso"]
        out.loc[okd.index, "value_label"] = okd["date_iso"]
        out.loc[okd.index, "date_start"] = okd["date_start"].astype("datetime64[s]")
        out.loc[okd.index, "date_end"] = okd["date_end"].astype("datetime64[s]")
        out.loc[okd.index, "date_precision"] = okd["date_precision"]

    # quantities
    qty_mask = out["value_type"].eq("quantity")
    if qty_mask.any():
        vals = out.loc[qty_mask, "value"]
        parsed = normalize_quantities(vals, out.loc[qty_mask, "unit"])
        parsed.index = vals.index
        err = parsed["qty_error"].notna()
        problems.add_rows(
            out.loc[qty_mask][err],
            parsed.loc[err, "qty_error"],
            column="value",
            code="value-quantity",
        )
        unit_clash = (
            ~err
            & parsed["qty_unit"].notna()
            & out.loc[qty_mask, "unit"].notna()
            & parsed["qty_unit"].ne(out.loc[qty_mask, "unit"])
        )
        problems.add_rows(
            out.loc[qty_mask][unit_clash],
            parsed.loc[unit_clash, "qty_unit"].map(lambda u: f"unit {u!r} does not match the property's unit"),
            column="value",
            expected="the unit declared in properties.yaml (or none)",
            code="value-unit",
        )
        bad |= (err | unit_clash).reindex(out.index, fill_value=False)
        okq = parsed[~(err | unit_clash)]
        units = out.loc[okq.index, "unit"]
        out.loc[okq.index, "qty_amount"] = okq["qty_amount"].astype(float)
        out.loc[okq.index, "qty_low"] = okq["qty_low"].astype(float)
        out.loc[okq.index, "qty_high"] = okq["qty_high"].astype(float)
        out.loc[okq.index, "qty_approx"] = okq["qty_approx"]
        out.loc[okq.index, "qty_unit"] = units.where(units.notna(), okq["qty_unit"])
        canon = okq["qty_approx"].where(okq["qty_approx"].ne("exact"), "").str.replace("_", " ")
        amount_txt = okq["qty_amount"].map(lambda a: f"{a:g}" if abs(a) < 1e15 else str(a))
        unit_code = out.loc[okq.index, "qty_unit"].fillna("")
        unit_txt = unit_code
        out.loc[okq.index, "value_norm"] = (canon + " " + amount_txt + " " + unit_txt).str.strip().str.replace(
            r"\s+", " ", regex=True
        )
        out.loc[okq.index, "value_label"] = (
            canon + " " + okq["qty_amount"].map(lambda a: f"{a:,.10g}") + " " + unit_code.map(_unit_words)
        ).str.strip().str.replace(r"\s+", " ", regex=True)

    # status
    st_mask = out["value_type"].eq("status")
    if st_mask.any():
        vals = out.loc[st_mask, "value"].map(_scalar_text).str.strip().str.lower().str.replace(" ", "_")
        vocab = {pid: spec.vocabulary for pid, spec in registry.properties.items()}
        allowed = pd.Series(
            [v in vocab.get(p, ()) for v, p in zip(vals, out.loc[st_mask, "property"])], index=vals.index
        )
        wrong = ~allowed
        problems.add_rows(
            out.loc[st_mask][wrong],
            vals[wrong].map(lambda v: f"status {v!r} is not in the vocabulary"),
            column="value",
            expected=None,
            hint=pd.Series(
                [
                    "expected one of " + ", ".join(vocab.get(p, ()))
                    for p in out.loc[st_mask][wrong]["property"]
                ],
                index=vals[wrong].index,
            ),
            code="value-status",
        )
        bad |= wrong.reindex(out.index, fill_value=False)
        out.loc[vals[allowed].index, "value_norm"] = vals[allowed]
        out.loc[vals[allowed].index, "value_label"] = vals[allowed].str.replace("_", " ")

    # text
    tx_mask = out["value_type"].eq("text")
    if tx_mask.any():
        vals = out.loc[tx_mask, "value"].map(_scalar_text).map(fold_whitespace)
        out.loc[tx_mask, "value_norm"] = vals
        out.loc[tx_mask, "value_label"] = vals

    nonempty = [r for r in resolutions if not r.empty]
    res_frame = pd.concat(nonempty, ignore_index=True) if nonempty else pd.DataFrame()
    return out[~bad], res_frame


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


def _scalar_text(value: object) -> str:
    if isinstance(value, (list, tuple, dict)):
        return str(value)
    return "" if value is None else str(value)


# --- time scope ---------------------------------------------------------------------------


def _time_scope(claims: pd.DataFrame, sources: pd.DataFrame, problems: Problems) -> pd.DataFrame:
    out = claims.copy()
    src = sources.set_index("source")
    for col in ("as_of", "valid_from", "valid_to"):
        given = out[col].map(lambda v: None if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))
        parsed = normalize_dates(given)
        parsed.index = out.index
        err = parsed["date_error"].notna() & given.notna()
        problems.add_rows(
            out[err],
            parsed.loc[err, "date_error"],
            column=col,
            expected="an ISO date: YYYY, YYYY-MM, YYYY-MM-DD or a range START/END",
            code="scope-date",
        )
        out = out[~err]
        parsed = parsed[~err]
        out[f"{col}_iso"] = parsed["date_iso"].astype(object)
        out[f"{col}_start"] = parsed["date_start"].astype("datetime64[s]")
        out[f"{col}_end"] = parsed["date_end"].astype("datetime64[s]")

    reversed_scope = out["valid_from_start"].notna() & out["valid_to_end"].notna() & (
        out["valid_from_start"] > out["valid_to_end"]
    )
    problems.add_rows(
        out[reversed_scope],
        "valid_from is after valid_to",
        column="valid_to",
        expected="valid_from ≤ valid_to",
        code="scope-order",
    )
    as_of_outside = out["as_of_start"].notna() & (
        (out["valid_from_start"].notna() & (out["as_of_end"] < out["valid_from_start"]))
        | (out["valid_to_end"].notna() & (out["as_of_start"] > out["valid_to_end"]))
    )
    problems.add_rows(
        out[as_of_outside & ~reversed_scope],
        "as_of lies outside the period valid_from-valid_to",
        column="as_of",
        expected="valid_from ≤ as_of ≤ valid_to",
        code="scope-order",
    )
    out = out[~(reversed_scope | as_of_outside)].copy()

    out["as_of_given"] = out["as_of_iso"].notna()
    default = out["time_dependent"].fillna(False).astype(bool) & ~out["as_of_given"]
    def of_source(col: str) -> pd.Series:
        return pd.Series(src[col].reindex(out["source"]).values, index=out.index)

    out["as_of"] = out["as_of_iso"].where(~default, of_source("published")).astype(object)
    out["as_of_start"] = out["as_of_start"].where(~default, of_source("published_start")).astype("datetime64[s]")
    out["as_of_end"] = out["as_of_end"].where(~default, of_source("published_end")).astype("datetime64[s]")
    out["valid_from"] = out["valid_from_iso"]
    out["valid_to"] = out["valid_to_iso"]
    return out


# --- evidence -----------------------------------------------------------------------------


def _evidence(claims: pd.DataFrame, sources: pd.DataFrame, documents: dict[str, str], problems: Problems) -> pd.DataFrame:
    out = claims.copy()
    out["occurrence"] = pd.to_numeric(out["occurrence"], errors="coerce").fillna(1).astype(int)
    out["quote"] = out["quote"].astype(str)
    spans = locate_quotes(documents, out)
    err = spans["quote_error"].notna()
    problems.add_rows(
        out[err],
        spans.loc[err, "quote_error"],
        column="quote",
        expected="the exact words of the document (whitespace may differ)",
        code="quote",
    )
    out = out[~err].copy()
    out["span_start"] = spans.loc[~err, "span_start"].astype(int)
    out["span_end"] = spans.loc[~err, "span_end"].astype(int)
    src = sources.set_index("source")
    out["document"] = out["source"].map(src["document"]).astype(object)
    out["language"] = out["source"].map(src["language"]).astype(object)
    return out


# --- final shape --------------------------------------------------------------------------

CLAIM_COLUMNS = [
    "claim_id",
    "source",
    "subject",
    "subject_label",
    "property",
    "property_label",
    "value_type",
    "value",
    "value_label",
    "value_raw",
    "value_ids",
    "date_start",
    "date_end",
    "date_precision",
    "qty_amount",
    "qty_low",
    "qty_high",
    "qty_approx",
    "qty_unit",
    "tolerance",
    "time_dependent",
    "multi_valued",
    "complete",
    "as_of",
    "as_of_given",
    "as_of_start",
    "as_of_end",
    "valid_from",
    "valid_from_start",
    "valid_from_end",
    "valid_to",
    "valid_to_start",
    "valid_to_end",
    "quote",
    "occurrence",
    "span_start",
    "span_end",
    "language",
    "document",
    "file",
    "line",
    "capture",
    "confidence",
    "note",
]


def _finish(claims: pd.DataFrame) -> pd.DataFrame:
    out = claims.copy()
    out["value_raw"] = out["value"].map(_scalar_text)
    out["value"] = out["value_norm"].astype(str)
    out["complete"] = out["complete"].map(_to_bool).astype(bool)
    out["confidence"] = pd.to_numeric(out["confidence"], errors="coerce").fillna(1.0).astype(float)
    out["capture"] = out["capture"].fillna("manual").astype(str)
    out["note"] = out["note"].map(lambda v: None if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))
    out["line"] = pd.to_numeric(out["line"], errors="coerce").astype("Int64")
    out = out[CLAIM_COLUMNS].sort_values(["file", "line", "claim_id"], kind="stable").reset_index(drop=True)
    out = ClaimModel.validate(out)
    # Text columns as plain Python objects: rules, graph and reports iterate over them, and
    # iterating Arrow-backed strings element by element is several times slower.
    text_cols = [c for c in out.columns if pd.api.types.is_string_dtype(out[c]) and not isinstance(out[c].dtype, pd.CategoricalDtype)]
    return out.astype({c: object for c in text_cols})


def _to_bool(value: object) -> bool:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return True
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"true", "yes", "1"}
