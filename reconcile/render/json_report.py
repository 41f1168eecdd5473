"""The JSON contract of ``reconcile check --format json`` (see docs/json.md).

:func:`report_object` builds the document as Python dicts and lists. :func:`json_chunks`
writes it as UTF-8 bytes, chunk by chunk, so that a large report is never whole in memory
(``write_atomic`` and the command line write the chunks as they come): indented through
:func:`json.dumps` up to :data:`INDENT_UP_TO` conflicts, and beyond that compact, with the
``conflicts`` array written block by block of conflicts (about :data:`BLOCK_CLAIMS` claims
each). In a block every field of every conflict, side and claim is encoded as JSON text,
column by column, with pyarrow's string kernels; the openings of the conflicts and sides,
the claim objects and the closing brackets are then put in document order by one ``take``,
whose buffer holds the block's bytes. The evidence of the claims is read from the claims
table once for the whole report (:class:`_Evidence`: in the order of the table, each
repeated value such as a source or a document encoded once), and each block gathers its
claims' texts from it. The text is exactly what ``json.dumps`` gives for the records,
without a dict per claim. :func:`render_json` joins the chunks into one text.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from reconcile.render.records import (
    EVIDENCE_FIELDS,
    RECORD_FIELDS,
    RecordColumns,
    conflict_fields,
    conflict_records,
    draft_extras,
    evidence_column,
    record_columns,
)
from reconcile.trust.ranked import CheckResult
from reconcile.base.frames import collector_paused
from reconcile.detect.tables import ConflictTables
from reconcile.base.threads import ordered_map
from reconcile.validate.claims import Workspace

__all__ = ["report_object", "report_outline", "render_json", "json_chunks", "summary", "conflicts_json"]

FORMAT_VERSION = 1


def summary(conflicts: pd.DataFrame, ws: Workspace, tables: ConflictTables) -> dict[str, Any]:
    """Counts by severity, rule, kind and status, plus the size of the workspace."""

    def counts(col: str) -> dict[str, int]:
        return {str(k): int(v) for k, v in conflicts[col].value_counts().sort_index().items()} if len(conflicts) else {}

    return {
        "conflicts": int(len(conflicts)),
        "by_severity": counts("severity"),
        "by_rule": counts("rule"),
        "by_kind": counts("kind"),
        "by_status": counts("status"),
        "internal": int(conflicts["internal"].sum()) if len(conflicts) else 0,
        "sources": int(len(ws.sources)),
        "claims": int(len(ws.claims)) if ws.claim_counts is None else int(ws.claim_counts.sum()),
        **_draft_summary(conflicts, ws, tables),
    }


def _draft_summary(conflicts: pd.DataFrame, ws: Workspace, tables: ConflictTables) -> dict[str, Any]:
    """``{"drafts": {"claims": n, "conflicts": m}}``: how many draft claims were read (with
    ``--drafts``) and how many of the conflicts involve one; nothing when no claim is a
    draft, so that the summary of a workspace read without drafts is as it was."""
    claims = ws.claims
    if "draft" not in claims or not claims["draft"].any():
        return {}
    draft_ids = claims.loc[claims["draft"].to_numpy(dtype=bool), "claim_id"]
    involved = 0
    if len(conflicts):
        sides = tables.view(conflicts)
        hit = pd.Series(sides.claim_ids, dtype=object).isin(draft_ids).to_numpy()
        conflict_of_claim = sides.conflict[sides.claim_side]
        involved = int(len(np.unique(conflict_of_claim[hit])))
    return {"drafts": {"claims": int(len(draft_ids)), "conflicts": involved}}


#: The provenance fields of a source record: where its document came from, and which of its
#: fields were given, read from the document, guessed or are missing.
PROVENANCE_RECORD_FIELDS = ("author", "original", "url", "accessed", "archived_url", "provenance")


def source_provenance(row: Any) -> dict[str, Any]:
    """The provenance fields of a row of ``Workspace.sources`` (None where not recorded)."""
    out: dict[str, Any] = {}
    for name in PROVENANCE_RECORD_FIELDS:
        value = getattr(row, name, None)
        if name == "provenance":
            out[name] = {str(k): [str(f) for f in v] for k, v in value.items()} if isinstance(value, dict) else None
        else:
            out[name] = value if isinstance(value, str) else None
    return out


def source_records(ws: Workspace, result: CheckResult | None = None) -> list[dict[str, Any]]:
    """One object per source: its metadata and claim count, with agreement, trust and
    dependence when the check's source graph is given."""
    per = ws.claims.groupby("source").size() if ws.claim_counts is None else ws.claim_counts
    table = None
    if result is not None:
        from reconcile.trust.graph import source_table

        table = source_table(result.graph, ws.sources).set_index("source")
    out = []
    for r in ws.sources.sort_values("source").itertuples(index=False):
        out.append(
            {
                "id": r.source,
                "document": r.document,
                "language": r.language,
                "title": r.title,
                "publisher": r.publisher,
                "kind": r.kind,
                "published": r.published,
                "derived_from": r.derived_from if isinstance(r.derived_from, str) else None,
                **source_provenance(r),
                "claims": int(per.get(r.source, 0)),
            }
        )
        if table is not None and r.source in table.index:
            t = table.loc[r.source]
            out[-1].update(
                agreements=int(t["agreements"]),
                disagreements=int(t["disagreements"]),
                trust=round(float(t["trust"]), 4),
                dependence_group=str(t["group"]),
                depends_on=list(t["depends_on"]),
            )
    return out


def _document(
    result: CheckResult, ws: Workspace, conflicts: pd.DataFrame, records: list[dict[str, Any]], gate=None
) -> dict[str, Any]:
    """The report document around the given conflict ``records``."""
    obj = {
        "format": "reconcile-conflicts",
        "version": FORMAT_VERSION,
        "conflicts": records,
        "sources": source_records(ws, result),
        "summary": summary(conflicts, ws, result.tables),
    }
    if gate is not None:
        obj["summary"]["silenced"] = int(len(gate.silenced))
        obj["gate"] = {
            "baseline": gate.baseline_used,
            "stale_baseline": [e["fingerprint"] for e in gate.stale_baseline],
            "stale_decisions": [d["fingerprint"] for d in gate.stale_decisions],
            "silenced": sorted(gate.silenced["fingerprint"]) if len(gate.silenced) else [],
        }
    return obj


def report_object(result: CheckResult, ws: Workspace, conflicts: pd.DataFrame | None = None, gate=None) -> dict[str, Any]:
    """The report document (docs/json.md) as Python objects."""
    conflicts = result.conflicts if conflicts is None else conflicts
    return _document(result, ws, conflicts, conflict_records(conflicts, ws.claims, result.tables), gate)


def report_outline(result: CheckResult, ws: Workspace, conflicts: pd.DataFrame | None = None, gate=None) -> dict[str, Any]:
    """The report document with an empty ``conflicts`` list: its summary (of every
    conflict), sources and gate, without the record per conflict that
    :func:`report_object` builds (a few gigabytes at a million claims)."""
    return _document(result, ws, result.conflicts if conflicts is None else conflicts, [], gate)


#: Up to this many conflicts the JSON is indented for reading; beyond, it is compact and
#: its conflicts are encoded column by column, block by block (:func:`json_chunks`).
INDENT_UP_TO = 2000

#: About this many claims (or conflicts, when they list few) go in one block of the compact
#: ``conflicts`` array: the memory a block takes is bounded by it (and by the largest conflict).
BLOCK_CLAIMS = 16_384


def json_chunks(
    result: CheckResult,
    ws: Workspace,
    conflicts: pd.DataFrame | None = None,
    gate=None,
    outline: dict[str, Any] | None = None,
) -> Iterator[bytes | memoryview]:
    """The UTF-8 bytes of :func:`render_json`, in chunks of bounded size (one per block of
    conflicts), each computed when it is asked for: bytes, or a view of a buffer of its own
    (which the view keeps alive). ``outline``: :func:`report_outline` of the same
    arguments, when the caller has it already (it is not changed)."""
    conflicts = result.conflicts if conflicts is None else conflicts
    if len(conflicts) <= INDENT_UP_TO:
        yield _indented(result, ws, conflicts, gate).encode("utf-8", "surrogatepass")
        return
    # the document around its conflicts, as json.dumps writes it (", " and ": " separators)
    doc = report_outline(result, ws, conflicts, gate) if outline is None else outline
    keys = list(doc)
    at = keys.index("conflicts")
    head = "{" + "".join(f"{_encode(k)}: {_encode(doc[k])}, " for k in keys[:at]) + _encode("conflicts") + ": "
    tail = "".join(f", {_encode(k)}: {_encode(doc[k])}" for k in keys[at + 1 :]) + "}\n"
    del doc
    yield from _conflicts_chunks(conflicts, ws.claims, head, tail, result.tables, ws.claim_index)


def render_json(
    result: CheckResult, ws: Workspace, conflicts: pd.DataFrame | None = None, gate=None, *, binary: bool = False
) -> str | bytes:
    """Deterministic JSON text (sorted records, stable key order, UTF-8 kept as is).

    With ``binary`` the UTF-8 bytes are returned instead. Both hold the whole document:
    to write a large report, write the chunks of :func:`json_chunks` instead.
    """
    conflicts = result.conflicts if conflicts is None else conflicts
    if len(conflicts) <= INDENT_UP_TO:
        text = _indented(result, ws, conflicts, gate)
        return text.encode("utf-8", "surrogatepass") if binary else text
    data = b"".join(json_chunks(result, ws, conflicts, gate))
    return data if binary else data.decode("utf-8", "surrogatepass")


def conflicts_json(conflicts: pd.DataFrame, claims: pd.DataFrame, tables: ConflictTables) -> str:
    """The ``conflicts`` array as compact JSON text: ``json.dumps(conflict_records(...),
    ensure_ascii=False)``, built column by column (the sides from ``tables``)."""
    return b"".join(_conflicts_chunks(conflicts, claims, "", "", tables)).decode("utf-8", "surrogatepass")


def _indented(result: CheckResult, ws: Workspace, conflicts: pd.DataFrame, gate) -> str:
    """The document indented by :func:`json.dumps` (for a short report)."""
    return json.dumps(report_object(result, ws, conflicts, gate), ensure_ascii=False, indent=2) + "\n"


# --- the compact conflicts array, block by block -------------------------------------------


def _conflicts_chunks(
    conflicts: pd.DataFrame,
    claims: pd.DataFrame,
    before: str,
    after: str,
    tables: ConflictTables,
    claim_index: pd.Index | None = None,
) -> Iterator[bytes | memoryview]:
    """``before``, the conflicts array as compact JSON (``json.dumps`` of
    :func:`conflict_records`), ``after``: UTF-8 bytes, a chunk per block of conflicts (the
    sides from ``tables``)."""
    yield _utf8(before + "[")
    if len(conflicts):
        cols = record_columns(conflicts, claims, tables, claim_index)
        bounds = _Bounds.of(cols, len(conflicts))
        evidence = _report_evidence(claims, cols.rows)

        def block(bounds_of_block: tuple[int, int]) -> bytes | memoryview:
            start, stop = bounds_of_block
            try:
                with collector_paused():
                    return _block_bytes(conflicts.iloc[start:stop], claims, cols, bounds, evidence, start, stop)
            except UnicodeEncodeError:  # a lone surrogate: the encoder keeps it as is
                return _block_by_encoder(conflicts, claims, tables, start, stop)

        # blocks are written by Arrow's string kernels, which release the GIL: they are
        # computed on every core, a few ahead of the one being written, and come in order
        yield from ordered_map(block, bounds.blocks())
    yield _utf8("]" + after)


def _report_evidence(claims: pd.DataFrame, rows: np.ndarray) -> _Evidence | None:
    """The :class:`_Evidence` of the claims at ``rows`` (all those of the report), or
    ``None`` when some of their text is not valid UTF-8 (then each block has its own)."""
    try:
        with collector_paused():
            return _Evidence.of(claims, rows)
    except UnicodeEncodeError:
        return None


def _utf8(text: str) -> bytes:
    """UTF-8 bytes, lone surrogates kept as the encoder keeps them in a string."""
    return text.encode("utf-8", "surrogatepass")


def _block_by_encoder(conflicts: pd.DataFrame, claims: pd.DataFrame, tables: ConflictTables, start: int, stop: int) -> bytes:
    """The block of conflicts ``start:stop`` written by :func:`json.dumps` from the dict
    records, for text pyarrow cannot hold (the encoder keeps a lone surrogate as is)."""
    records = json.dumps(conflict_records(conflicts.iloc[start:stop], claims, tables), ensure_ascii=False)
    return _utf8((", " if start else "") + records[1:-1])


@dataclass(frozen=True)
class _Bounds:
    """Where each conflict's sides and each side's claims start in the record columns."""

    side_start: np.ndarray
    """Per conflict (and one past the last): the position of its first side."""
    claim_start: np.ndarray
    """Per side (and one past the last): the position of its first claim."""

    @classmethod
    def of(cls, cols: RecordColumns, n_conflicts: int) -> _Bounds:
        """The bounds of the record columns of ``n_conflicts`` conflicts."""
        side_start = np.searchsorted(cols.sides.conflict, np.arange(n_conflicts + 1))
        return cls(side_start, np.concatenate([[0], np.cumsum(cols.side_claims)]))

    def blocks(self) -> list[tuple[int, int]]:
        """Consecutive ranges of conflicts of about :data:`BLOCK_CLAIMS` claims and
        conflicts together (a larger conflict is a block of its own)."""
        n = len(self.side_start) - 1
        size = self.claim_start[self.side_start] + np.arange(n + 1)  # claims and conflicts before each
        marks = np.arange(BLOCK_CLAIMS, size[-1], BLOCK_CLAIMS)
        cuts = np.unique(np.concatenate([[0], np.searchsorted(size, marks), [n]]))
        return list(zip(cuts[:-1].tolist(), cuts[1:].tolist()))


def _block_bytes(
    block: pd.DataFrame,
    claims: pd.DataFrame,
    cols: RecordColumns,
    bounds: _Bounds,
    evidence: _Evidence | None,
    start: int,
    stop: int,
) -> memoryview:
    """The conflicts ``start:stop`` (``block``) as compact JSON, each after ``", "`` but for
    the first of all: a view of the buffer that holds them (``evidence``: the report's, or
    ``None`` for the block to encode its own). Raises ``UnicodeEncodeError`` for text
    pyarrow cannot hold (lone surrogates)."""
    s0, s1 = bounds.side_start[start], bounds.side_start[stop]
    c0, c1 = bounds.claim_start[s0], bounds.claim_start[s1]
    e0 = c0  # where the block's claims start in the evidence
    if evidence is None:
        evidence, e0 = _Evidence.of(claims, cols.rows[c0:c1]), 0
    conflict_of_side = cols.sides.conflict[s0:s1] - start
    side_claims = cols.side_claims[s0:s1]
    claim_side = np.repeat(np.arange(s1 - s0), side_claims)
    first_claim = np.arange(c1 - c0) == (bounds.claim_start[s0:s1] - c0)[claim_side]
    tokens = pa.chunked_array(
        [
            _CLOSE,
            _conflict_openings(conflict_fields(block, arrow=True), start),
            _side_openings(cols, s0, s1),
            _claim_objects(evidence, e0, e0 + c1 - c0, first_claim),
        ]
    )
    order = _token_order(conflict_of_side, side_claims, claim_side, stop - start)
    ordered = tokens.take(pa.array(order))  # gathered from the chunks, without joining them first
    return _bytes_of(ordered.chunk(0) if ordered.num_chunks == 1 else ordered.combine_chunks())


def _token_order(
    conflict_of_side: np.ndarray, side_claims: np.ndarray, claim_side: np.ndarray, n_conflicts: int
) -> np.ndarray:
    """The tokens of a block in document order, as indices into ``]}``, the conflicts'
    openings, the sides' openings and the claims (concatenated in that order): per
    conflict its opening, then per side its opening, its claims and ``]}``, then ``]}``."""
    n_sides, n_claims = len(side_claims), len(claim_side)
    side_size = 2 + side_claims
    conflict_size = 2 + np.bincount(conflict_of_side, weights=side_size, minlength=n_conflicts).astype(np.int64)
    conflict_open = np.cumsum(conflict_size) - conflict_size
    side_open = 1 + 2 * conflict_of_side + np.cumsum(side_size) - side_size
    rank = np.arange(n_claims) - (np.cumsum(side_claims) - side_claims)[claim_side]
    order = np.zeros(int(conflict_size.sum()), dtype=np.int64)  # the closing "]}" but where written below
    order[conflict_open] = 1 + np.arange(n_conflicts)
    order[side_open] = 1 + n_conflicts + np.arange(n_sides)
    order[side_open[claim_side] + 1 + rank] = 1 + n_conflicts + n_sides + np.arange(n_claims)
    return order


def _conflict_openings(values: dict[str, list[Any] | pa.Array], start: int) -> pa.Array:
    """Per conflict (of the ``values`` of their fields, the first being conflict ``start``):
    its fields up to ``"sides": [``, after ``", "`` but for the first of all."""
    fields: dict[str, _Parts | str] = {key: _json_values(values[key]) for key in RECORD_FIELDS if key != "sources"}
    fields["sources"] = _json_string_lists(values["sources"])
    fields["sides"] = "["
    return _object(fields, start + np.arange(len(values["sources"])) == 0)


def _side_openings(cols: RecordColumns, start: int, stop: int) -> pa.Array:
    """Per side ``start:stop``: its value and label up to ``"claims": [``, after ``", "`` but
    for a conflict's first."""
    conflict = cols.sides.conflict
    first = np.ones(stop - start, dtype=bool)
    first[1:] = conflict[start + 1 : stop] != conflict[start : stop - 1]
    fields: dict[str, _Parts | str] = {
        "value": _json_values(cols.sides.values[start:stop]),
        "label": _json_values(cols.sides.labels[start:stop]),
        "claims": "[",
    }
    return _object(fields, first)


def _claim_objects(evidence: _Evidence, start: int, stop: int, first: np.ndarray) -> pa.Array:
    """The evidence of the claims ``start:stop`` of ``evidence`` as JSON objects, each after
    ``", "`` but for the ``first`` of a side."""
    parts = [part if isinstance(part, str) else part.column(start, stop) for part in evidence.parts]
    return _text([_separated(first, evidence.opening), *parts])


#: Evidence keys whose values repeat from claim to claim (sources, their documents, files and
#: languages; dates): their JSON text is made once per distinct value.
_REPEATED = frozenset({"source", "document", "file", "language", "as_of"})


@dataclass(frozen=True)
class _Coded:
    """A column of JSON values: some values, and per element the position of its own among
    them. The values are JSON texts, or integers (written as JSON numbers, null for a null)."""

    values: pa.Array
    codes: np.ndarray
    shared: bool
    """Whether the values are few, each that of many elements (the distinct values of a
    column): then text is best joined to the values rather than to each element."""

    def column(self, start: int, stop: int) -> pa.Array:
        """The JSON texts of the elements ``start:stop``."""
        values = self.values.take(pa.array(self.codes[start:stop]))
        return pc.fill_null(values.cast(_TEXT), "null") if pa.types.is_integer(values.type) else values

    def around(self, before: str = "", after: str = "") -> _Coded:
        """The column with ``before`` and ``after`` joined to each of its texts."""
        values = _text([before, self.values, after])
        return _Coded(values, self.codes, self.shared)

    def then(self, other: _Coded) -> _Coded:
        """The shared column of each element's text followed by its text in ``other``
        (another shared column of texts of the same elements): one value per pair of theirs
        that occurs."""
        n = len(other.values)
        codes, pairs = pd.factorize(self.codes.astype(np.int64) * n + other.codes)
        first, second = self.values.take(pa.array(pairs // n)), other.values.take(pa.array(pairs % n))
        return _Coded(_text([first, second]), codes, shared=True)


@dataclass(frozen=True)
class _Evidence:
    """The evidence objects of a list of claims (:data:`EVIDENCE_FIELDS`) as JSON text: their
    ``opening`` literal, then the parts whose element-wise concatenation is the rest.

    Each claim's values are read and encoded once however often it is listed, in the order
    of the claims table (where a column's Python strings follow one another in memory, which
    makes Arrow's conversion several times faster than in the order of the list); the values
    of :data:`_REPEATED` keys are encoded once per distinct value, the keys and punctuation
    around them joined to those texts, so that each object is made of fewer parts.
    """

    opening: str
    parts: list[str | _Coded]

    @classmethod
    def of(cls, claims: pd.DataFrame, rows: np.ndarray) -> _Evidence:
        """The evidence of the claims at ``rows`` (positions in ``claims``), in that order.
        Raises :class:`UnicodeEncodeError` for text that is not valid UTF-8."""
        listed = np.zeros(len(claims), dtype=bool)
        listed[rows] = True
        in_table_order = np.flatnonzero(listed)
        at = (np.cumsum(listed) - 1)[rows]

        def column(key: str) -> list[str | _Coded]:
            return _column_parts(evidence_column(claims, key, in_table_order, arrow=True), at, key in _REPEATED)

        parts: list[str | _Coded] = []
        for i, key in enumerate(EVIDENCE_FIELDS):
            parts.append(("{" if i == 0 else ", ") + _encode(key) + ": ")
            parts += ["[", *column("span_start"), ", ", *column("span_end"), "]"] if key == "span" else column(key)
        parts += _draft_parts(claims, in_table_order, at)
        opening, *rest = _folded([*parts, "}"])  # the first key stays a literal of its own
        assert isinstance(opening, str)
        return cls(opening, rest)


def _draft_parts(claims: pd.DataFrame, in_table_order: np.ndarray, at: np.ndarray) -> list[_Coded]:
    """The keys a draft claim's evidence adds (:func:`~reconcile.render.records.draft_extras`) as
    JSON text after its other keys, empty text for the claims that are not drafts; no part
    at all when none of the claims is a draft (a workspace read without ``--drafts``)."""
    extras = draft_extras(claims, in_table_order)
    if not extras:
        return []
    texts = [""] * len(in_table_order)
    for i, extra in extras.items():
        texts[i] = "".join(f", {_encode(key)}: {_encode(value)}" for key, value in extra.items())
    return [_Coded(pa.array(texts, _TEXT), at, shared=False)]


def _column_parts(values: np.ndarray | pa.Array, at: np.ndarray, repeated: bool) -> list[str | _Coded]:
    """The JSON texts of the elements ``at`` of ``values``, as literals and :class:`_Coded`
    columns; if ``repeated``, strings are encoded once per distinct value."""
    if isinstance(values, np.ndarray) and values.dtype == np.int64:
        return [_Coded(pa.array(values), at, shared=False)]
    if isinstance(values, pa.Array) and pa.types.is_integer(values.type):
        return [_Coded(values, at, shared=False)]
    strings = _strings(values) if repeated else None
    if strings is None:
        return [p if isinstance(p, str) else _Coded(p, at, shared=False) for p in _json_values(values)]
    distinct = strings.dictionary_encode(null_encoding="encode")
    return [_Coded(_text(_json_strings(distinct.dictionary)), distinct.indices.to_numpy()[at], shared=True)]


def _folded(parts: list[str | _Coded]) -> list[str | _Coded]:
    """The same concatenation with each literal but a leading one joined to the texts of a
    shared :class:`_Coded` column next to it (the one before, else the one after), and
    adjacent literals and adjacent shared columns joined."""
    out: list[str | _Coded] = []
    for part in parts:
        last = out[-1] if out else None
        if isinstance(part, _Coded) and part.shared and isinstance(last, _Coded) and last.shared:
            out[-1] = last.then(part)
        elif isinstance(part, str) and isinstance(last, _Coded) and last.shared:
            out[-1] = last.around(after=part)
        elif isinstance(part, str) and isinstance(last, str):
            out[-1] = last + part
        elif isinstance(part, _Coded) and part.shared and isinstance(last, str) and len(out) > 1:
            out[-1] = part.around(before=last)
        else:
            out.append(part)
    return out


# --- JSON text of values, column by column -------------------------------------------------

#: ``json.dumps(value, ensure_ascii=False)``, with the encoder made once.
_encode = json.JSONEncoder(ensure_ascii=False).encode

_TEXT = pa.large_string()

#: The closing of a side's claims or of a conflict's sides (and of the object around them).
_CLOSE = pa.array(["]}"], _TEXT)

#: A column of texts as the parts whose element-wise concatenation it is: literal strings
#: and text arrays without nulls. A string's quotes are literals, so that in an object they
#: join the keys around them instead of being concatenated on their own.
_Parts = list[str | pa.Array]


def _json_values(values: Sequence[Any] | pa.Array) -> _Parts:
    """Each value as JSON text, exactly as ``json.dumps(value, ensure_ascii=False)`` writes it.

    Strings and ``None`` (the common case), integers, booleans and lists of strings go
    through pyarrow's kernels; anything else (floats, dicts, other lists) through the
    encoder, one by one. ``values`` may be an Arrow array of strings, integers or booleans
    (with nulls for ``None``).
    """
    if isinstance(values, pa.Array) and (pa.types.is_integer(values.type) or pa.types.is_boolean(values.type)):
        return [pc.fill_null(values.cast(_TEXT), "null")]
    strings = _strings(values)
    if strings is None:
        return [_json_mixed(np.fromiter(values, dtype=object, count=len(values)))]
    return _json_strings(strings)


def _strings(values: Sequence[Any] | pa.Array) -> pa.Array | None:
    """The values as a large string Arrow array (``None`` as null), or ``None`` when they
    are not all strings or ``None``."""
    if isinstance(values, pa.Array):
        return values.cast(_TEXT)
    try:
        return pa.array(values, _TEXT)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return None


def _json_mixed(items: np.ndarray) -> pa.Array:
    """:func:`_json_values` of values that are not all strings or ``None``."""
    is_none = np.equal(items, None)
    kind = pd.api.types.infer_dtype(items[~is_none], skipna=False)
    if kind in ("integer", "boolean"):
        return pc.fill_null(pa.array(items, pa.int64() if kind == "integer" else pa.bool_()).cast(_TEXT), "null")
    types = np.fromiter(map(type, items), dtype=object, count=len(items))
    is_text, is_list = types == str, types == list
    text = _text(_json_strings(pa.array(np.where(is_text, items, None), _TEXT)))
    if is_list.any():
        text = pc.replace_with_mask(text, pa.array(is_list), _text(_json_string_lists(items[is_list])))
    other = ~(is_text | is_list | is_none)
    if other.any():
        text = pc.replace_with_mask(text, pa.array(other), pa.array([_encode(v) for v in items[other]], _TEXT))
    return text


def _json_strings(values: pa.Array) -> _Parts:
    """Each string as a JSON string literal, as :func:`json.dumps` writes it, and null as
    ``null``."""
    escape = _needs_escape(values)
    if escape is not None:
        inner = [encode_basestring(s)[1:-1] for s in values.filter(escape).to_pylist()]
        values = pc.replace_with_mask(values, escape, pa.array(inner, _TEXT))
    parts: _Parts = ['"', values, '"']
    return [pc.fill_null(_text(parts), "null")] if values.null_count else parts


def _needs_escape(values: pa.Array) -> pa.Array | None:
    """Which strings hold a character that JSON escapes (quote, backslash, control
    character), or ``None`` when none does. In UTF-8 these are single bytes below 0x80,
    which no other character's encoding contains, so the bytes are searched all at once
    (:data:`_SCAN` bytes at a time, to bound the memory the search takes)."""
    if not len(values):
        return None
    offsets, data = _offsets_and_data(values)
    if data is None:
        return None
    text = np.frombuffer(data, dtype=np.uint8)
    starts = range(offsets[0], offsets[-1], _SCAN)
    hits = [_escaped_bytes(text[at : min(at + _SCAN, offsets[-1])]) + at for at in starts]
    if not any(map(len, hits)):
        return None
    escape = np.zeros(len(values), dtype=bool)
    escape[np.searchsorted(offsets, np.concatenate(hits), side="right") - 1] = True
    return pa.array(escape)


def _escaped_bytes(text: np.ndarray) -> np.ndarray:
    """Positions of the bytes of characters JSON escapes: controls, ``"`` and ``\\``."""
    return np.flatnonzero((text < 0x20) | (text == 0x22) | (text == 0x5C))


#: How many bytes :func:`_needs_escape` searches at a time.
_SCAN = 1 << 22


def _json_string_lists(values: Sequence[Any]) -> _Parts:
    """Each list of strings (or ``None``) as a JSON array, as :func:`json.dumps` writes it;
    lists of anything else through the encoder."""
    try:
        lists = pa.array(values, pa.large_list(_TEXT))
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return [pa.array([_encode(v if v is None else list(v)) for v in values], _TEXT)]
    items = _text(_json_strings(lists.flatten()))
    joined = pc.binary_join(pa.LargeListArray.from_arrays(lists.offsets, items), pa.scalar(", ", _TEXT))
    parts: _Parts = ["[", joined, "]"]
    return [pc.fill_null(_text(parts), "null")] if lists.null_count else parts


def _text(parts: _Parts) -> pa.Array:
    """The element-wise concatenation of ``parts`` (adjacent literals joined first)."""
    merged: _Parts = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    if len(merged) == 1 and not isinstance(merged[0], str):
        return merged[0]
    texts = [pa.scalar(p, _TEXT) if isinstance(p, str) else p for p in merged]
    return pc.binary_join_element_wise(*texts, pa.scalar("", _TEXT))


def _object(fields: dict[str, _Parts | str], first: np.ndarray) -> pa.Array:
    """JSON objects, one per row, from the JSON texts of their fields (in order), each after
    ``", "`` but for the ``first`` of a list; a last field given as a string leaves the
    object open with it."""
    parts: _Parts = []
    for i, (key, text) in enumerate(fields.items()):
        parts += [("{" if i == 0 else ", ") + _encode(key) + ": ", *([text] if isinstance(text, str) else text)]
    opening = ""
    while parts and isinstance(parts[0], str):  # the first key (and a string's quote) go with the separator
        opening += parts.pop(0)
    return _text([_separated(first, opening), *parts, "" if isinstance(text, str) else "}"])


def _separated(first: np.ndarray, opening: str) -> pa.Array:
    """``opening``, after ``", "`` but for the first element of a list."""
    return pa.array([opening, ", " + opening], _TEXT).take(pa.array((~first).astype(np.int8)))


def _offsets_and_data(texts: pa.Array) -> tuple[np.ndarray, pa.Buffer | None]:
    """The offsets of a large string array's values (one per value and one past the last)
    and the buffer they point into."""
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int64)[texts.offset : texts.offset + len(texts) + 1]
    return offsets, texts.buffers()[2]


def _bytes_of(texts: pa.Array) -> memoryview:
    """The UTF-8 bytes of the concatenation of ``texts``: a view of their contiguous buffer
    (an Arrow string array stores its values back to back, so this is their join)."""
    if not len(texts):
        return memoryview(b"")
    offsets, data = _offsets_and_data(texts)
    return memoryview(data)[offsets[0] : offsets[-1]] if data is not None else memoryview(b"")
