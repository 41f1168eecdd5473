"""The JSON contract of ``reconcile check --format json`` (see docs/json.md).

:func:`report_object` builds the document as Python dicts and lists. :func:`render_json`
writes it: indented through :func:`json.dumps` up to :data:`INDENT_UP_TO` conflicts, and
beyond that compact, with the ``conflicts`` array written column by column
(:func:`conflicts_json`). Every field of every conflict, side and claim is encoded as JSON
text with pyarrow's string kernels; the claims' texts, in document order, are then joined
with the "glue" between them (the ``", "`` between two claims of one side, or the closing
brackets and the next side's or conflict's opening fields), so the whole document is
assembled in one pass and decoded into one Python string. The text is exactly what
``json.dumps`` gives for the records, without a dict per claim.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from json.encoder import encode_basestring
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..check import EVIDENCE_FIELDS, RECORD_FIELDS, CheckResult, RecordColumns, conflict_records, record_columns
from ..validate import Workspace

__all__ = ["report_object", "render_json", "summary", "conflicts_json"]

FORMAT_VERSION = 1


def summary(conflicts: pd.DataFrame, ws: Workspace) -> dict[str, Any]:
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
        "claims": int(len(ws.claims)),
    }


def source_records(ws: Workspace, result: CheckResult | None = None) -> list[dict[str, Any]]:
    """One object per source: its metadata and claim count, with agreement, trust and
    dependence when the check's source graph is given."""
    per = ws.claims.groupby("source").size()
    table = None
    if result is not None:
        from ..graph import source_table

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
        "summary": summary(conflicts, ws),
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
    return _document(result, ws, conflicts, conflict_records(conflicts, ws.claims), gate)


#: Up to this many conflicts the JSON is indented for reading; beyond, it is compact and
#: its conflicts are encoded column by column (:func:`conflicts_json`).
INDENT_UP_TO = 2000


def render_json(
    result: CheckResult, ws: Workspace, conflicts: pd.DataFrame | None = None, gate=None, *, binary: bool = False
) -> str | bytes | memoryview:
    """Deterministic JSON text (sorted records, stable key order, UTF-8 kept as is).

    With ``binary`` the UTF-8 bytes are returned instead (for a large report, a view of the
    buffer they were built in): writing them needs no Python string of the whole document,
    which takes up to four bytes per character.
    """
    conflicts = result.conflicts if conflicts is None else conflicts
    if len(conflicts) <= INDENT_UP_TO:
        text = json.dumps(report_object(result, ws, conflicts, gate), ensure_ascii=False, indent=2) + "\n"
        return text.encode("utf-8", "surrogatepass") if binary else text
    # the document around its conflicts, as json.dumps writes it (", " and ": " separators)
    doc = _document(result, ws, conflicts, [], gate)
    keys = list(doc)
    at = keys.index("conflicts")
    head = "{" + "".join(f"{_encode(k)}: {_encode(doc[k])}, " for k in keys[:at]) + _encode("conflicts") + ": "
    tail = "".join(f", {_encode(k)}: {_encode(doc[k])}" for k in keys[at + 1 :]) + "}\n"
    return _conflicts_text(conflicts, ws.claims, head, tail, binary=binary)


# --- compact JSON, column by column --------------------------------------------------------

#: ``json.dumps(value, ensure_ascii=False)``, with the encoder made once.
_encode = json.JSONEncoder(ensure_ascii=False).encode

#: Characters that JSON strings escape (without ASCII escaping): quote, backslash, controls.
_NEEDS_ESCAPE = r'["\\\x00-\x1f]'

_TEXT = pa.large_string()


def _json_strings(values: pa.Array) -> pa.Array:
    """Each string as a JSON string literal, as :func:`json.dumps` writes it; nulls stay null."""
    quoted = _concat('"', values, '"')
    escape = pc.fill_null(pc.match_substring_regex(values, _NEEDS_ESCAPE), False)
    if pc.any(escape).as_py():
        rare = values.filter(escape).to_pylist()
        quoted = pc.replace_with_mask(quoted, escape, pa.array([encode_basestring(s) for s in rare], _TEXT))
    return quoted


def _json_values(values: Sequence[Any]) -> pa.Array:
    """Each value as JSON text, exactly as ``json.dumps(value, ensure_ascii=False)`` writes it.

    Strings and ``None`` (the common case), integers and booleans go through pyarrow's
    kernels; anything else (lists, floats, dicts) through the encoder, one by one.
    """
    try:
        return pc.fill_null(_json_strings(pa.array(values, _TEXT)), "null")
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        pass  # not only strings
    items = np.empty(len(values), dtype=object)
    items[:] = values
    is_none = np.equal(items, None)
    kind = pd.api.types.infer_dtype(items[~is_none], skipna=False)
    if kind in ("integer", "boolean"):
        text = pa.array(items, pa.int64() if kind == "integer" else pa.bool_()).cast(_TEXT)
    else:
        is_text = np.fromiter((type(v) is str for v in items), dtype=bool, count=len(items))
        text = _json_strings(pa.array(np.where(is_text, items, None), _TEXT))
        other = ~is_text & ~is_none
        text = pc.replace_with_mask(text, pa.array(other), pa.array([_encode(v) for v in items[other]], _TEXT))
    return pc.fill_null(text, "null")


def _concat(*parts: str | pa.Array) -> pa.Array:
    """Element-wise concatenation of literal strings and text arrays."""
    texts = [pa.scalar(p, _TEXT) if isinstance(p, str) else p for p in parts]
    return pc.binary_join_element_wise(*texts, pa.scalar("", _TEXT))


def _join_runs(texts: pa.Array, counts: np.ndarray, sep: str = "") -> pa.Array:
    """``sep.join`` of consecutive runs of ``texts``, ``counts[i]`` texts in run ``i``."""
    offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]), pa.int64())
    return pc.binary_join(pa.LargeListArray.from_arrays(offsets, texts), pa.scalar(sep, _TEXT))


def _object(fields: dict[str, pa.Array | str], before: str | pa.Array = "", after: str | pa.Array = "") -> pa.Array:
    """JSON objects, one per row, from the JSON texts of their fields (in order), between
    ``before`` and ``after``; a last field given as a string leaves the object open with it."""
    parts: list[str | pa.Array] = [before]
    for i, (key, text) in enumerate(fields.items()):
        parts += [("{" if i == 0 else ", ") + _encode(key) + ": ", text]
    return _concat(*parts, "" if isinstance(text, str) else "}", after)


def _bytes_of(texts: pa.Array) -> memoryview:
    """The UTF-8 bytes of the concatenation of ``texts``: a view of their contiguous buffer
    (an Arrow string array stores its values back to back, so this is their join)."""
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int64)[texts.offset : texts.offset + len(texts) + 1]
    data = texts.buffers()[2]
    return memoryview(data)[offsets[0] : offsets[-1]] if data is not None else memoryview(b"")


def _text_of(texts: pa.Array) -> str:
    """The concatenation of ``texts``, decoded once from their contiguous UTF-8 buffer."""
    return str(_bytes_of(texts), "utf-8")


def _separated(first: np.ndarray) -> pa.Array:
    """``""`` before the first element of a list, ``", "`` before the others."""
    return pa.array(["", ", "], _TEXT).take(pa.array((~first).astype(np.int8)))


@dataclass(frozen=True)
class _Layout:
    """Where each piece of the conflicts array goes: the array is a sequence of tokens, per
    conflict its opening, then per side its opening, its claims and ``]}``, then ``]}``."""

    conflict_open: np.ndarray
    conflict_close: np.ndarray
    side_open: np.ndarray
    side_close: np.ndarray
    claim: np.ndarray
    total: int
    """Token positions (the document's opening is at 0 and its end at ``total - 1``)."""


def _layout(conflict_of_side: np.ndarray, side_claims: np.ndarray, n_conflicts: int) -> _Layout:
    """Token positions of the conflicts array (see :class:`_Layout`)."""
    side_size = 2 + side_claims
    before_side = np.cumsum(side_size) - side_size
    side_open = 2 + 2 * conflict_of_side + before_side
    conflict_size = 2 + np.bincount(conflict_of_side, weights=side_size, minlength=n_conflicts).astype(np.int64)
    conflict_open = 1 + np.cumsum(conflict_size) - conflict_size
    claim_side = np.repeat(np.arange(len(side_claims)), side_claims)
    rank = np.arange(len(claim_side)) - (np.cumsum(side_claims) - side_claims)[claim_side]
    return _Layout(
        conflict_open=conflict_open,
        conflict_close=conflict_open + conflict_size - 1,
        side_open=side_open,
        side_close=side_open + 1 + side_claims,
        claim=side_open[claim_side] + 1 + rank,
        total=int(2 + conflict_size.sum()),
    )


def _conflict_openings(cols: RecordColumns) -> pa.Array:
    """Per conflict: its fields up to ``"sides": [``, after ``", "`` but for the first."""
    fields: dict[str, pa.Array | str] = {key: _json_values(cols.fields[key]) for key in RECORD_FIELDS if key != "sources"}
    sources = cols.fields["sources"]
    # few distinct source ids: each is encoded once
    names, distinct = pd.factorize(np.fromiter(chain.from_iterable(sources), dtype=object, count=sum(map(len, sources))))
    per_conflict = np.fromiter(map(len, sources), dtype=np.int64, count=len(sources))
    listed = _json_values(np.asarray(distinct, dtype=object)).take(pa.array(names))
    fields["sources"] = _concat("[", _join_runs(listed, per_conflict, ", "), "]")
    fields["sides"] = "["
    first = np.zeros(len(sources), dtype=bool)
    first[:1] = True
    return _object(fields, _separated(first))


def _side_openings(cols: RecordColumns) -> pa.Array:
    """Per side: its value and label up to ``"claims": [``, after ``", "`` but for a conflict's first."""
    conflict = cols.sides.conflict
    first = np.ones(len(conflict), dtype=bool)
    first[1:] = conflict[1:] != conflict[:-1]
    fields = {"value": _json_values(cols.sides.values), "label": _json_values(cols.sides.labels), "claims": "["}
    return _object(fields, _separated(first))


def _glue(cols: RecordColumns, layout: _Layout, before: str, after: str) -> pa.Array:
    """The text before each claim and after the last: every token that is not a claim,
    joined by the claim that follows it (``", "`` between two claims of one side)."""
    n_conflicts, n_sides = len(layout.conflict_open), len(layout.side_open)
    tokens = pa.concat_arrays(
        [
            pa.array([before + "[", "]}", "]" + after], _TEXT),
            _conflict_openings(cols),
            _side_openings(cols),
        ]
    )
    which = np.concatenate(
        [[0], np.full(n_sides + n_conflicts, 1), [2], np.arange(n_conflicts) + 3, np.arange(n_sides) + 3 + n_conflicts]
    )
    position = np.concatenate(
        [[0], layout.side_close, layout.conflict_close, [layout.total - 1], layout.conflict_open, layout.side_open]
    )
    order = np.argsort(position, kind="stable")
    per_claim = np.bincount(np.searchsorted(layout.claim, position[order]), minlength=len(layout.claim) + 1)
    glue = _join_runs(tokens.take(pa.array(which[order])), per_claim)
    between = np.zeros(len(layout.claim) + 1, dtype=bool)
    between[1:-1] = per_claim[1:-1] == 0  # two claims of one side
    return pc.if_else(pa.array(between), pa.scalar(", ", _TEXT), glue)


def _conflicts_text(
    conflicts: pd.DataFrame, claims: pd.DataFrame, before: str, after: str, binary: bool = False
) -> str | bytes | memoryview:
    """``before``, the conflicts array as compact JSON (see :func:`conflicts_json`), ``after``;
    its UTF-8 bytes with ``binary``."""
    try:
        return _conflicts_columns_text(conflicts, claims, before, after, binary)
    except UnicodeEncodeError:  # text that is not valid UTF-8 (a lone surrogate): the encoder keeps it as is
        text = before + json.dumps(conflict_records(conflicts, claims), ensure_ascii=False) + after
        return text.encode("utf-8", "surrogatepass") if binary else text


def _conflicts_columns_text(
    conflicts: pd.DataFrame, claims: pd.DataFrame, before: str, after: str, binary: bool = False
) -> str | memoryview:
    """:func:`_conflicts_text`, column by column."""
    cols = record_columns(conflicts, claims)
    layout = _layout(cols.sides.conflict, cols.side_claims, len(conflicts))
    glue = _glue(cols, layout, before, after)
    n = len(layout.claim)
    if n == 0:
        return glue[0].as_py().encode("utf-8") if binary else glue[0].as_py()
    document = _claims_json(cols.evidence, glue)
    # only the document's text is left when it is decoded, and none after (the pool gives
    # freed memory back, for the caller writing the text)
    del cols, glue
    pa.default_memory_pool().release_unused()
    if binary:
        return _bytes_of(document)  # the view keeps its buffer alive
    text = _text_of(document)
    del document
    pa.default_memory_pool().release_unused()
    return text


def _claims_json(evidence: dict[str, np.ndarray], glue: pa.Array) -> pa.Array:
    """Each claim's evidence as a JSON object, preceded by its glue (the last one followed by
    the final glue): the pieces of the document in order."""
    n = len(glue) - 1
    span = _concat("[", pa.array(evidence["span_start"]).cast(_TEXT), ", ", pa.array(evidence["span_end"]).cast(_TEXT), "]")
    fields = {key: span if key == "span" else _json_values(evidence[key]) for key in EVIDENCE_FIELDS}
    last = np.zeros(n, dtype=bool)
    last[-1] = True
    ending = pc.if_else(pa.array(last), glue[n], pa.scalar("", _TEXT))
    return _object(fields, glue.slice(0, n), ending)


def conflicts_json(conflicts: pd.DataFrame, claims: pd.DataFrame) -> str:
    """The ``conflicts`` array as compact JSON text: ``json.dumps(conflict_records(...),
    ensure_ascii=False)``, built column by column."""
    return _conflicts_text(conflicts, claims, "", "")
