"""Validation and normalization: from what people wrote to typed, checked claims.

:func:`validate` takes a :class:`~reconcile.load.workspace.RawWorkspace` and returns a
:class:`Workspace` whose ``claims`` table satisfies :class:`~reconcile.validate.schemas.ClaimModel`,
plus every problem found. Nothing stops at the first problem, nor at a claim's first
problem: each stage marks the rows it rejects, and the next stages still check them, except
the fields that depend on one already reported (a value is not typed when its property is
unknown or it is missing, a quote is not looked for when its source is unknown or it is
missing, a time scope is not ordered when one of its dates is not a date). The rejected
claims are dropped once, at the end, so one run reports every independent problem.

Stages, each vectorized over the claims (each distinct string is parsed or resolved once):

1. structure: pandera input schemas (required fields, unique ids, known sources and
   properties, booleans, confidence in [0, 1]);
2. names: subjects and entity values resolved through the gazetteer (CLDR names, curated
   aliases, the workspace's entities; fuzzy matches reported with their score);
3. values typed by their property (:mod:`reconcile.validate.values`): entity kind, set members, dates
   with precision or range (real calendar dates only), quantities with approximation,
   status from the vocabulary;
4. time scope: ``as_of`` (default: the source's publication date for time-dependent
   properties), ``valid_from`` ≤ ``valid_to``;
5. evidence (:mod:`reconcile.validate.quotes`): each quote is found in its document after folding
   whitespace, and its span ``[start, end)`` computed in the document's Python string.
   This stage reads only the claims as written, so it runs on a second core while stages
   2-4 run (:mod:`reconcile.base.threads`); its problems are reported after theirs.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from rapidfuzz import fuzz, process

from reconcile.normalize.dates import normalize_dates
from reconcile.normalize.names import FUZZY_MAX_LENGTH, Gazetteer, skeleton
from reconcile.normalize.text import fold
from reconcile.base.fieldspec import excerpt
from reconcile.base.frames import (
    arrow_text,
    as_text,
    is_arrow_text,
    map_distinct,
    numbers_or,
    object_column,
    optional_text,
    positions,
    sorted_by_file_and_line,
)
from reconcile.validate.quotes import locate_quotes
from reconcile.validate.values import did_you_mean, fuzzy_report, scalar_text, type_values
from reconcile.base.problems import Problems, hint_lines
from reconcile.base.progress import stage
from reconcile.base.threads import in_background, worth_a_thread
from reconcile.load.registry import ENTITIES_FILE, ENTITY_KINDS_BUILTIN, Registry, entity_entry, property_entry
from reconcile.validate.schemas import (
    check_cell_types,
    check_claims,
    claim_input_schema,
    failures_by_column,
    failures_to_problems,
    make_ready,
    source_input_schema,
)
from reconcile.load.workspace import SOURCE_KINDS, RawWorkspace

__all__ = ["Workspace", "prepare_validation", "validate", "workspace_gazetteer"]

_NA = pd.NA
#: A working column during validation: the row of each claim's source in the sources table
#: (-1 for an unknown source).
_SOURCE_ROW = "_source_row"


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
    claim_index: pd.Index | None = None
    """``claims["claim_id"]`` as an Index, row for row: the one validation checked the ids
    unique with. pandas keeps what it built for that check (for ids not in sorted order,
    the hash table of all of them), so later lookups of claims by id reuse it instead of
    hashing a million ids again. None when validation dropped or reordered rows."""
    claim_counts: pd.Series | None = None
    """Claims per source when ``claims`` holds only some of the claims (the Dask engine's
    report workspace keeps only those its conflicts cite); None: count ``claims``."""


# --- entry point --------------------------------------------------------------------------


def validate(raw: RawWorkspace, problems: Problems) -> Workspace:
    """Type, resolve and check every claim of ``raw``; add problems; return the workspace."""
    gaz = workspace_gazetteer(raw.registry)
    _warn_shared_names(raw.registry, gaz, problems)
    sources, bad_sources = _validate_sources(raw, problems)
    with stage(f"validating {len(raw.claims):,} claims", steps=6) as step:
        claims, ids, failed = _check_input(raw, sources, problems)
        # Every row is checked by every step; ``rejected`` marks those with a problem, which
        # are dropped at the end. A step skips only the rows whose fields it needs failed
        # already (their problem is reported; what would follow from it is not news).
        rejected = failed.any | claims["source"].isin(bad_sources).to_numpy()
        claims = claims.assign(**{_SOURCE_ROW: positions(sources["source"], claims["source"])})
        # quotes are located on a second core meanwhile (they read nothing the steps write)
        checked = failed.rows_without("source", "quote")
        located = in_background(
            _locate_evidence,
            _evidence_inputs(claims, checked, failed.mask("occurrence")),
            sources,
            raw.documents,
            wanted=worth_a_thread(len(claims)),
        )
        step(1)
        # Each step returns a new table and the previous one is dropped (one name, so at
        # most two full tables are alive at a time).
        claims, resolutions, unresolved = _resolve_subjects(claims, gaz, problems, skip=failed.mask("subject"))
        claims = _attach_property_info(claims, raw.registry)
        _check_milestones(claims, raw.registry, problems)
        step(1)
        reported = len(problems.items)
        claims, more, bad_value = type_values(
            claims, raw.registry, gaz, problems, skip=failed.mask("property", "value")
        )
        _add_entries_to_value_hints(problems, reported, claims, raw.registry, gaz)
        resolutions = pd.concat([resolutions, more], ignore_index=True)
        step(1)
        claims, bad_scope = _time_scope(claims, sources, problems)
        step(1)
        claims = _attach_evidence(
            claims, located.result(), checked, rejected | unresolved | bad_value | bad_scope, problems
        )
        step(1)
        claims, reordered = _finish(claims)
        step(1)
    return Workspace(
        root=raw.root,
        sources=sources,
        claims=claims,
        registry=raw.registry,
        documents=raw.documents,
        gazetteer=gaz,
        resolutions=resolutions.sort_values(["file", "line"]).reset_index(drop=True)
        if not resolutions.empty
        else resolutions,
        # every row kept, in the order read: the ids are those checked, in the same order
        claim_index=ids if ids is not None and len(claims) == len(ids) and not reordered else None,
    )


def prepare_validation() -> None:
    """Do the one-time work of a process's first validation ahead of it: build the built-in
    gazetteer (CLDR names and places.yaml, once per process) and have pandera register its
    backends (:func:`~reconcile.validate.schemas.make_ready`). :func:`reconcile.pipeline.load` runs
    it on a second core while the workspace's files are read; calling :func:`validate`
    without it only means that work is done then."""
    Gazetteer.default()
    make_ready()


@dataclass(frozen=True)
class _InputFailures:
    """Which claims (by row position) failed the input schema, per field."""

    n: int
    by_column: dict[str, np.ndarray]

    @property
    def any(self) -> np.ndarray:
        """The rows with any failure (a fresh array)."""
        return self.mask(*self.by_column)

    def mask(self, *columns: str) -> np.ndarray:
        """The rows where one of ``columns`` failed (a fresh array)."""
        out = np.zeros(self.n, dtype=bool)
        for column in columns:
            if column in self.by_column:
                out |= self.by_column[column]
        return out

    def rows_without(self, *columns: str) -> np.ndarray | None:
        """The positions of the rows where none of ``columns`` failed; None for all rows."""
        failed = self.mask(*columns)
        return np.flatnonzero(~failed) if failed.any() else None


def _check_input(
    raw: RawWorkspace, sources: pd.DataFrame, problems: Problems
) -> tuple[pd.DataFrame, pd.Index | None, _InputFailures]:
    """Run the pandera input schema over the claims as written; return them all (with a
    RangeIndex, the id column named ``claim_id``), the ids as written as an Index when
    they are unique (what pandas built to check that serves later lookups; see
    :attr:`Workspace.claim_index`), and which rows failed which field."""
    claims = raw.claims.reset_index(drop=True)  # copy-on-write: no data is copied here
    claims, reported = check_cell_types(claims, problems)
    ids = pd.Index(claims["id"].to_numpy(dtype=object), dtype=object, copy=False)
    unique = bool(ids.is_unique)
    known_sources = sources["source"].dropna().astype(str).tolist()
    by_column = failures_by_column(
        claims,
        claim_input_schema(known_sources, sorted(raw.registry.properties), ids_unique=unique),
        problems,
        reported=reported,
    )
    for label, column in reported:
        by_column[column] = by_column[column].union([label]) if column in by_column else pd.Index([label])
    _suggest_properties(claims, raw.registry, problems)
    failed = _InputFailures(len(claims), {column: _rows_mask(len(claims), labels) for column, labels in by_column.items()})
    return claims.rename(columns={"id": "claim_id"}), ids if unique else None, failed


def _rows_mask(n: int, labels: pd.Index) -> np.ndarray:
    """The rows ``labels`` (of a RangeIndex: positions) as a mask of ``n`` rows."""
    out = np.zeros(n, dtype=bool)
    out[labels.to_numpy(dtype=np.intp)] = True
    return out


def _take_or_missing(values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """``values[at]``, and a missing cell (None, NaN, NaT; False for booleans) where ``at``
    is -1 (a key that is not there, :func:`~reconcile.base.frames.positions`)."""
    if not len(at) or at.min() >= 0:
        return values[at]
    kind = values.dtype.kind
    if kind not in "bfcmM":
        values = values.astype(object)
    filler = {"b": False, "f": np.nan, "c": np.nan, "m": np.timedelta64("NaT"), "M": np.datetime64("NaT")}.get(kind)
    return np.concatenate([values, np.array([filler], dtype=values.dtype)])[at]  # -1: the last cell


def workspace_gazetteer(registry: Registry) -> Gazetteer:
    """The built-in gazetteer extended with the workspace's registered entities."""
    gaz = Gazetteer.default()  # a copy of the shared one, ours to extend
    for eid, kind, label, names in zip(
        registry.entities["id"], registry.entities["kind"], registry.entities["label"], registry.entities["names"]
    ):
        gaz.add_entity(eid, kind, [label, *names])
    return gaz


def _warn_shared_names(registry: Registry, gaz: Gazetteer, problems: Problems) -> None:
    """Warn, once per name, of each name (label or name, compared folded) that
    ``entities.yaml`` registers for several entities: a claim that writes it silently gets
    the one the gazetteer picks. The warning names them all and says to write the id."""
    owners: dict[str, dict[str, tuple[int | None, str]]] = {}
    entities = registry.entities
    for eid, label, names, line in zip(entities["id"], entities["label"], entities["names"], entities["line"]):
        for name in dict.fromkeys((label, *names)):
            key = fold(name)
            if key:
                owners.setdefault(key, {}).setdefault(eid, (line, name))
    for key, by_id in owners.items():
        if len(by_id) < 2:
            continue
        ids = list(by_id)
        line, name = by_id[ids[1]]
        winner = gaz.resolve(name, fuzzy=False).id or ids[0]
        others = [i for i in ids if i != winner]
        problems.add(
            f"the name {excerpt(name)} is registered for {', '.join(ids[:-1])} and {ids[-1]}: claims that write "
            f"it get {winner}",
            file=ENTITIES_FILE,
            line=None if line is None or pd.isna(line) else int(line),
            hint=f"write the id ({' or '.join(others)}) in claims that mean {'another' if len(others) > 1 else 'the other'}, "
            "or keep the name on one entity only",
            severity="warning",
            code="shared-name",
        )


# --- sources ------------------------------------------------------------------------------


def _known_languages() -> set[str]:
    from babel.localedata import locale_identifiers

    return {ident.split("_")[0] for ident in locale_identifiers()}


#: What a source's ``language`` must be (the problem's "expected").
LANGUAGE_EXPECTED = "a language code known to CLDR (ISO 639), such as en, fa, ar, ru"
#: Locales whose names of languages are read as language names ("Persian", «فارسی»).
_LANGUAGE_NAME_LOCALES = ("en", "fa", "ar", "ru")
#: Minimum rapidfuzz score of a misspelt language name or source kind ("Englsh", "offical").
_NAME_CUTOFF = 85.0


def _explain_kinds_and_languages(problems: Problems, start: int) -> None:
    """Give the unknown source kinds and language codes reported since ``start`` what is
    allowed (every kind; a CLDR language code) and a "did you mean" when the value is a
    kind or a language written otherwise ("press release", "Persian", "farsi", "FA",
    "fa-IR"). Each distinct value is looked at once."""
    hints: dict[tuple[str, str], str | None] = {}
    for i in range(start, len(problems.items)):
        p = problems.items[i]
        if p.code == "known_kind":
            prefix, expected, suggest = "unknown source kind ", "one of " + ", ".join(SOURCE_KINDS), _kind_suggestion
        elif p.code == "language_code":
            prefix, expected, suggest = "unknown language code ", LANGUAGE_EXPECTED, _language_suggestion
        else:
            continue
        value = _quoted_value(p.message, prefix)
        key = (p.code, value)
        if key not in hints:
            hints[key] = None if value is None else suggest(value)
        problems.items[i] = replace(p, expected=expected, hint=hint_lines(hints[key]) or p.hint)


def _quoted_value(message: str, prefix: str) -> str | None:
    """The text a message of the form ``prefix + repr(value)`` quotes; None otherwise."""
    if not message.startswith(prefix):
        return None
    try:
        value = ast.literal_eval(message[len(prefix) :])
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return None if value is None else str(value)


def _kind_suggestion(value: str) -> str | None:
    """"did you mean news?" for a source kind written otherwise ("News", "press release",
    "newspaper", "offical"); None when no kind is close."""
    text = value.strip().lower().replace(" ", "_").replace("-", "_")
    if text in SOURCE_KINDS:
        return f"did you mean {text}?"
    best = process.extractOne(text, SOURCE_KINDS, scorer=fuzz.WRatio, score_cutoff=_NAME_CUTOFF)
    return f"did you mean {best[0]}?" if best else None


def _language_suggestion(value: str) -> str | None:
    """"did you mean fa (Persian)?" for a language written otherwise than as its code:
    the code in another case or with a region or script ("FA", "fa-IR", "fa_IR"), its
    ISO 639-2/3 code ("fas", "eng"), through babel's ``Locale.parse``; its name in English,
    Persian, Arabic or Russian as CLDR has it ("Persian", «فارسی», "русский"), also
    misspelt ("Englsh"); or a name that sounds like the language's own name for itself,
    by consonant skeleton ("farsi", «فارسی»'s ``frs``). None when nothing fits."""
    from babel import Locale, UnknownLocaleError

    known = _known_languages()
    text = value.strip()
    code: str | None = None
    try:
        code = Locale.parse(text.replace("-", "_")).language
    except (ValueError, TypeError, UnknownLocaleError):
        pass
    names, skeletons = _language_names()
    if code not in known:
        code = names.get(text.casefold())
    if code is None:
        best = process.extractOne(text.casefold(), list(names), scorer=fuzz.ratio, score_cutoff=_NAME_CUTOFF)
        code = names[best[0]] if best else _language_by_skeleton(skeleton(text), skeletons)
    if code is None or code not in known or code == value:
        return None
    english = Locale("en").languages.get(code)
    return f"did you mean {code}" + (f" ({english})" if english else "") + "?"


@lru_cache(maxsize=1)
def _language_names() -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    """The names of the languages known to CLDR in English, Persian, Arabic and Russian,
    casefolded, → their codes; and the consonant skeletons of those names (of 3 letters or
    more) → the codes they may be."""
    from babel import Locale

    known = _known_languages()
    names: dict[str, str] = {}
    for locale in _LANGUAGE_NAME_LOCALES:
        for code, name in Locale(locale).languages.items():
            if code in known:
                names.setdefault(name.casefold(), code)
    skeletons: dict[str, set[str]] = {}
    for name, code in names.items():
        if len((sk := skeleton(name)).replace(" ", "")) >= 3:
            skeletons.setdefault(sk, set()).add(code)
    return names, {sk: frozenset(codes) for sk, codes in skeletons.items()}


def _language_by_skeleton(sk: str, skeletons: dict[str, frozenset[str]]) -> str | None:
    """The one language whose own name for itself has the consonant skeleton ``sk``
    («فارسی», ``frs``, for "farsi"; «русский» for "russkiy"), among those with a name of
    that skeleton in the tables of :func:`_language_names` (so that only their locales
    are read); None when there is none or more than one."""
    from babel import Locale, UnknownLocaleError

    own = []
    for code in sorted(skeletons.get(sk, ())):
        try:
            endonym = Locale.parse(code).languages.get(code)
        except (ValueError, UnknownLocaleError):
            endonym = None
        if endonym and skeleton(endonym) == sk:
            own.append(code)
    return own[0] if len(own) == 1 else None



def _check_milestones(claims: pd.DataFrame, registry: Registry, problems: Problems) -> None:
    """A claim's ``milestone`` must be one its property declares (``milestones:``): which
    event of several (a decision, a signature, an entry into force) its date is."""
    given = claims["milestone"].notna() & claims["milestone"].astype(str).str.strip().ne("")
    if not given.any():
        return
    rows = claims[given]
    allowed = {pid: spec.milestones for pid, spec in registry.properties.items()}
    ok = np.array([str(m) in allowed.get(p, ()) for p, m in zip(rows["property"], rows["milestone"])], dtype=bool)
    bad = rows[~ok]
    if bad.empty:
        return
    problems.add_rows(
        bad,
        bad["milestone"].map(lambda m: f"unknown milestone {excerpt(str(m))}"),
        column="milestone",
        hint=bad["property"].map(
            lambda p: ("one of " + ", ".join(allowed[p])) if allowed.get(p)
            else f"property {p} declares no milestones (milestones: [...] in claims/properties.yaml)"
        ),
        code="milestone",
    )


def _validate_sources(raw: RawWorkspace, problems: Problems) -> tuple[pd.DataFrame, list[str]]:
    """The sources table, and the ids of the sources whose entry has a problem (reported):
    their claims are checked, but not kept, since they would inherit a missing or wrong
    field (a language, a date)."""
    src = raw.sources.copy()
    src.index = pd.RangeIndex(len(src))
    ids = src["id"].dropna().astype(str).tolist()
    reported = len(problems.items)
    failing = failures_to_problems(
        src,
        source_input_schema(ids, SOURCE_KINDS, _known_languages()),
        problems,
        is_claim=False,
        reported=_reported_cells(src),
    )
    _explain_kinds_and_languages(problems, reported)
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
    failing = failing.union(src.index[bad_date])
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
            "original": src["original"].map(lambda v: None if v is None else str(v)).astype(object),
            "author": src["author"].map(lambda v: None if v is None else str(v)).astype(object),
            "url": src["url"].astype(object),
            "accessed": src["accessed"].astype(object),
            "archived_url": src["archived_url"].astype(object),
            "provenance": src["provenance"].astype(object),
            "file": src["file"],
            "line": src["line"],
        }
    )
    bad = src.loc[src.index.isin(failing), "id"].dropna().tolist()
    return out.drop_duplicates("source", keep="first").reset_index(drop=True), bad


def _reported_cells(src: pd.DataFrame) -> set[tuple[int, str]]:
    """The (row, field) cells of sources whose type was reported as they were read (see
    :data:`reconcile.load.workspace.SOURCE_FIELD_TYPES`): they read as missing, which is not
    reported again."""
    if "reported" not in src:
        return set()
    return {(i, name) for i, names in zip(src.index, src["reported"]) for name in names or ()}


def _check_derivation_cycles(src: pd.DataFrame, problems: Problems) -> None:
    """Report each source whose chain of ``derived_from`` comes back to itself (sources or
    parents that are missing end a chain)."""
    known = src["id"].notna() & src["derived_from"].notna()
    parent = dict(zip(src.loc[known, "id"], src.loc[known, "derived_from"]))
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
    plain_msgs = {f"unknown property {excerpt(name)}" for name in hints}
    problems.items[:] = [p for p in problems.items if not (p.code == "known_property" and p.message in plain_msgs)]
    rows = claims[claims["property"].isin(list(hints))]
    problems.add_rows(
        rows.rename(columns={"id": "claim_id"}),
        rows["property"].map(lambda n: f"unknown property {excerpt(n)}"),
        column="property",
        expected="a property id from claims/properties.yaml",
        hint=rows["property"].map(
            lambda n: hint_lines("did you mean " + " or ".join(c for c, _, _ in hints[n]) + "?", property_entry(n))
        ),
        code="known_property",
    )


# --- entries to add to the registries -----------------------------------------------------


def _workspace_kinds(gaz: Gazetteer) -> list[str]:
    """The kinds of the workspace's own entities (not countries and cities), sorted."""
    return sorted({str(gaz.kind(i)) for i in gaz.ids()} - set(ENTITY_KINDS_BUILTIN))


def _name_hint(gaz: Gazetteer, name: str, kinds: tuple[str, ...], kinds_in_use: list[str]) -> str | None:
    """The hint for an unknown name: "did you mean …?" (the gazetteer's closest names, by
    transliteration too), then, on a line of its own, the entry of ``entities.yaml`` that
    registers it, of the kind ``kinds`` allows when it allows one; when a transliteration
    of an entity of such a kind is suggested, adding the name to that entity's names
    first. None for a name too long to be one (no suggestion, no entry echoing it)."""
    if len(name) > FUZZY_MAX_LENGTH:
        return None
    alias = next(
        (e for e, _ in gaz.resolve(name).transliterations if not kinds or gaz.kind(e) in kinds), None
    )
    entry = entity_entry(name, kinds, gaz, kinds_in_use=kinds_in_use, alias_of=alias)
    return hint_lines(did_you_mean(gaz, name), entry)


def _add_entries_to_value_hints(
    problems: Problems, start: int, claims: pd.DataFrame, registry: Registry, gaz: Gazetteer
) -> None:
    """Give each unknown name in a value reported since ``start`` (by
    :func:`~reconcile.validate.values.type_values`) the entry that registers it, of the kind its
    claim's property takes, on the second line of its hint. Each distinct name and
    property is looked at once."""
    at = [
        i
        for i in range(start, len(problems.items))
        if problems.items[i].code == "unknown-name" and problems.items[i].column == "value"
    ]
    if not at:
        return
    ids = {problems.items[i].claim_id for i in at}
    rows = claims.loc[claims["claim_id"].isin(ids), ["claim_id", "property"]]
    property_of = dict(zip(rows["claim_id"], rows["property"]))
    kinds_in_use = _workspace_kinds(gaz)
    hints: dict[tuple[str, tuple[str, ...]], str | None] = {}
    for i in at:
        p = problems.items[i]
        name = _quoted_value(p.message, "unknown name ")
        if name is None:
            continue
        spec = registry.properties.get(property_of.get(p.claim_id))  # type: ignore[arg-type]
        key = (name, spec.entity_kinds if spec is not None else ())
        if key not in hints:
            hints[key] = _name_hint(gaz, name, key[1], kinds_in_use)
        problems.items[i] = replace(p, hint=hints[key])


# --- names --------------------------------------------------------------------------------


def _resolve_subjects(
    claims: pd.DataFrame, gaz: Gazetteer, problems: Problems, skip: np.ndarray
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Resolve each claim's subject to an entity id (label and kind too); report the names
    that are unknown. Returns every claim (``subject`` missing where it is not resolved),
    the fuzzy resolutions, and which rows are unresolved. Rows marked in ``skip`` (by
    position: the subject is missing, already reported) are not resolved."""
    names = object_column(as_text(claims["subject"]), claims.index)
    if skip.any():
        res = gaz.resolve_many(names[~skip])
        res.index = claims.index[~skip]
        res = res.reindex(claims.index)
    else:
        res = gaz.resolve_many(names)
        res.index = claims.index
    unresolved = res["id"].isna() & ~skip
    kinds_in_use = _workspace_kinds(gaz) if unresolved.any() else []
    problems.add_rows(
        claims[unresolved],
        names[unresolved].map(lambda n: f"unknown subject {excerpt(n)}"),
        column="subject",
        expected="an entity id or a name known to the entity registry or the gazetteer",
        hint=map_distinct(names[unresolved], lambda n: _name_hint(gaz, n, (), kinds_in_use)),
        code="unknown-name",
    )
    resolutions = fuzzy_report(claims, names, res, "subject")
    claims = claims.assign(
        subject_raw=claims["subject"],
        subject=res["id"].astype(object),
        subject_label=res["label"].astype(object),
        subject_kind=res["kind"].astype(object),
    )
    return claims, resolutions, unresolved.to_numpy()


def _attach_property_info(claims: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    """Add the property's type, unit, tolerance, label and flags to each claim (missing
    for a claim whose property is unknown, already reported)."""
    info = registry.properties_frame()
    at = positions(info["property"], claims["property"])
    columns = {col: _take_or_missing(info[col].to_numpy(), at) for col in info.columns if col != "property"}
    return claims.assign(
        **{c: object_column(v, claims.index) if v.dtype == object else v for c, v in columns.items()}
    )


# --- time scope ---------------------------------------------------------------------------


def _time_scope(claims: pd.DataFrame, sources: pd.DataFrame, problems: Problems) -> tuple[pd.DataFrame, np.ndarray]:
    """Parse ``as_of``, ``valid_from`` and ``valid_to``, check their order, and scope the
    claims of time-dependent properties that give no ``as_of`` to their source's date.
    Returns every claim and which rows have a problem (reported). A date that is not one
    leaves its place in the order unknown: the order is checked among the others."""
    out = claims
    bad = np.zeros(len(out), dtype=bool)
    src = sources.set_index("source")
    for col in ("as_of", "valid_from", "valid_to"):
        given = _given(out[col])
        if given.isna().all():  # the usual case: nothing to parse
            none, never = np.full(len(out), None, dtype=object), np.full(len(out), np.datetime64("NaT", "s"))
            out = out.assign(**{f"{col}_iso": object_column(none, out.index), f"{col}_start": never, f"{col}_end": never})
            continue
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
        bad |= err.to_numpy()
        out = out.assign(
            **{
                f"{col}_iso": parsed["date_iso"].astype(object),
                f"{col}_start": parsed["date_start"].astype("datetime64[s]"),
                f"{col}_end": parsed["date_end"].astype("datetime64[s]"),
            }
        )

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
    bad |= (reversed_scope | as_of_outside).to_numpy()

    out["as_of_given"] = out["as_of_iso"].notna()
    default = out["time_dependent"].fillna(False).astype(bool) & ~out["as_of_given"]
    at = out[_SOURCE_ROW].to_numpy()

    def of_source(col: str) -> pd.Series:
        values = _take_or_missing(src[col].to_numpy(), at)  # missing for an unknown source
        return pd.Series(values, index=out.index, dtype=values.dtype)  # text stays Python objects

    out["as_of"] = out["as_of_iso"].where(~default, of_source("published")).astype(object)
    out["as_of_start"] = out["as_of_start"].where(~default, of_source("published_start")).astype("datetime64[s]")
    out["as_of_end"] = out["as_of_end"].where(~default, of_source("published_end")).astype("datetime64[s]")
    out["valid_from"] = out["valid_from_iso"]
    out["valid_to"] = out["valid_to_iso"]
    return out, bad


def _given(cells: pd.Series) -> pd.Series:
    """The cells of a date column as written, None where missing: text stays text, and a
    year written as a number (``valid_from: 2015`` in YAML, 2015.0 from a column of floats)
    stays a number, which :func:`~reconcile.normalize.dates.normalize_dates` reads as that
    year (as text, ``str`` would make it '2015.0')."""
    values = cells.to_numpy(dtype=object)
    missing = pd.isna(values)
    if missing.any():
        values = values.copy()
        values[missing] = None
    return pd.Series(values, index=cells.index, dtype=object)


# --- evidence -----------------------------------------------------------------------------


def _evidence_inputs(claims: pd.DataFrame, checked: np.ndarray | None, bad_occurrence: np.ndarray) -> pd.DataFrame:
    """The columns :func:`_locate_evidence` reads, as a frame of their own: their arrays are
    shared, but no pandas object is, so the thread that reads them does not touch what the
    calling thread uses meanwhile.

    Only the rows at ``checked`` (positions; None: all), those with a known source and a
    quote. Where the occurrence is not a positive whole number (reported), the first
    occurrence is looked for: whether the quote is in the document at all does not depend
    on it."""
    columns = ["source", "quote", "occurrence", _SOURCE_ROW]
    frame = pd.DataFrame({c: pd.Series(claims[c].array, index=claims.index, copy=False) for c in columns}, copy=False)
    if bad_occurrence.any():
        frame["occurrence"] = frame["occurrence"].astype(object).where(~bad_occurrence, None)
    return frame if checked is None else frame.take(checked)


def _locate_evidence(claims: pd.DataFrame, sources: pd.DataFrame, documents: dict[str, str]) -> pd.DataFrame:
    """Per claim of ``claims`` (the columns of :func:`_evidence_inputs`, in the order of the
    claims): its ``quote`` as text, its ``occurrence``, the quote's ``span_start`` and
    ``span_end`` in its document or why it was not found (``quote_error``), and its source's
    ``document`` and ``language``.

    Reads its arguments and writes nothing else, so :func:`validate` runs it in the
    background while subjects are resolved and values typed
    (:func:`reconcile.base.threads.in_background`); :func:`_attach_evidence` then reports the
    claims whose quote is not found.
    """
    occurrence = numbers_or(claims["occurrence"], 1.0).astype(np.int64)
    quote = _quote_text(claims["quote"])
    spans = locate_quotes(documents, pd.DataFrame({"source": claims["source"], "quote": quote, "occurrence": occurrence}))
    at = claims[_SOURCE_ROW].to_numpy()
    return pd.DataFrame(
        {
            "quote": quote,
            "occurrence": occurrence,
            "span_start": spans["span_start"],
            "span_end": spans["span_end"],
            "quote_error": spans["quote_error"],
            "document": object_column(sources["document"].to_numpy(dtype=object)[at], claims.index),
            "language": object_column(sources["language"].to_numpy(dtype=object)[at], claims.index),
        },
        index=claims.index,
        copy=False,
    )


def _quote_text(quotes: pd.Series) -> pd.Series:
    """The quotes as pandas' Arrow-backed text (as Parquet claims give them), or as Python
    strings when Arrow cannot hold them all (a lone surrogate, which callers of the Python
    API can pass).
    Numbers and dates written as quotes become their text."""
    if is_arrow_text(quotes):
        return quotes
    text = as_text(quotes, scalar_text)
    try:
        return arrow_text(pa.array(text, pa.large_string()), quotes.index)
    except (pa.ArrowException, UnicodeError):
        return object_column(text, quotes.index)


def _attach_evidence(
    claims: pd.DataFrame, located: pd.DataFrame, checked: np.ndarray | None, rejected: np.ndarray, problems: Problems
) -> pd.DataFrame:
    """The claims that have no problem, with the columns of :func:`_locate_evidence`.

    ``located`` holds the claims at positions ``checked`` (None: all of them), in order;
    the quotes not found there are reported (also of claims with other problems: they are
    independent of them). The claims ``rejected`` (positions) and those whose quote was not
    found are left out; every claim kept was located (a claim is not checked only when its
    source or quote failed the input schema, and is then rejected)."""
    err = located["quote_error"].notna().to_numpy()
    if err.any():
        at = np.flatnonzero(err) if checked is None else checked[err]
        rows = claims.take(at)
        problems.add_rows(
            rows,
            pd.Series(located["quote_error"].to_numpy(dtype=object)[err], index=rows.index),
            column="quote",
            expected="the exact words of the document (whitespace may differ)",
            code="quote",
        )
        rejected = rejected.copy()
        rejected[at] = True
    if rejected.any() or checked is not None:
        keep = np.flatnonzero(~rejected)
        claims = claims.take(keep)
        located = located.take(keep if checked is None else np.searchsorted(checked, keep))
    located.index = claims.index
    return claims.assign(
        quote=pd.Series(located["quote"].array, index=claims.index, copy=False),
        **{col: object_column(located[col].to_numpy(dtype=object), claims.index) for col in ("document", "language")},
        occurrence=located["occurrence"].to_numpy(),
        span_start=located["span_start"].to_numpy(dtype=np.int64),
        span_end=located["span_end"].to_numpy(dtype=np.int64),
    )


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
    "milestone",
    "draft",
    "because",
]


def _finish(claims: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """The claims table of :class:`~reconcile.validate.schemas.ClaimModel`: its columns in order,
    text as Python objects, rows in (file, line, claim id) order; checked by the model.
    Also says whether rows had to be sorted into that order.

    Text columns stay plain Python objects: rules, graph and reports read them element by
    element, which is several times slower on Arrow-backed strings. The quotes are the
    exception: only Arrow's kernels read them (locating them, writing the JSON report).
    """
    columns = {c: claims[c] for c in CLAIM_COLUMNS if c in claims}
    columns["value_raw"] = object_column(as_text(claims["value"], scalar_text), claims.index)
    columns["value"] = claims["value_norm"].astype(object)
    columns["complete"] = map_distinct(claims["complete"], _to_bool).astype(bool)
    columns["confidence"] = numbers_or(claims["confidence"], 1.0)
    columns["capture"] = object_column(claims["capture"].to_numpy(dtype=object, na_value="manual"), claims.index)
    columns["note"] = optional_text(claims["note"])
    columns["milestone"] = optional_text(claims["milestone"])
    columns["draft"] = map_distinct(claims["draft"], _to_bool_or_false).astype(bool)
    columns["because"] = optional_text(claims["because"])
    columns["line"] = pd.to_numeric(claims["line"], errors="coerce").astype("Int64")
    for col in ("span_start", "span_end", "occurrence"):
        columns[col] = claims[col].astype(np.int64)
    out = pd.DataFrame({c: columns[c] for c in CLAIM_COLUMNS}, index=claims.index, copy=False)
    # text as Python objects; the quotes stay Arrow strings (see ClaimModel)
    text_cols = [c for c in out.columns if c != "quote" and out[c].dtype != object and pd.api.types.is_string_dtype(out[c])]
    out = out.astype({c: object for c in text_cols})
    reordered = not sorted_by_file_and_line(out)
    if reordered:
        out = out.sort_values(["file", "line", "claim_id"], kind="stable")
    out = out.reset_index(drop=True)
    # a check (nothing to cast, so no copy); the ids were proven unique by the input schema
    return check_claims(out, ids_checked=True), reordered


def _to_bool_or_false(value: object) -> bool:
    """A boolean cell as written (``draft``), False where it is missing."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return False
    return _to_bool(value)


def _to_bool(value: object) -> bool:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return True
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"true", "yes", "1"}
