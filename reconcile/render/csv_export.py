"""CSV exports of the conflicts and of their claims, for spreadsheet users.

``reconcile report`` writes ``conflicts.csv`` (one row per conflict) and
``conflict_claims.csv`` (one row per claim of each side of each conflict) beside
``index.html``, in the order of ``report.json`` (new first, then the worst first), UTF-8
with a header row and ``\\n`` line ends, byte-identical across runs.

Cells hold untrusted text (quotes from web pages): a cell that a spreadsheet would read as
a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) is written
with a leading apostrophe, which spreadsheets show as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from .controls import printable

__all__ = ["CONFLICT_COLUMNS", "CLAIM_COLUMNS", "conflict_csvs"]

#: Columns of conflicts.csv.
CONFLICT_COLUMNS = [
    "fingerprint", "status", "severity", "rule", "kind", "subject", "property", "scope", "sides",
    "suggested_side", "suggested_value", "values", "independent_sources", "sources", "explanation", "suggestion",
]
#: Columns of conflict_claims.csv.
CLAIM_COLUMNS = [
    "fingerprint", "side", "side_value", "suggested", "claim_id", "source", "language", "quote", "note",
    "address", "document", "span_start", "span_end", "file", "line", "as_of",
]
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """A value as a CSV cell: lists joined with `` | ``, ``None`` empty, control characters
    shown as escapes, and text a spreadsheet would take for a formula prefixed with ``'``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = " | ".join(str(v) for v in value)
    text = printable(str(value), lines=True)
    return "'" + text if text.startswith(_FORMULA) else text


def _writer(buffer: io.StringIO) -> Any:
    return csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)


def conflict_csvs(blocks: Iterable[list[dict[str, Any]]], sources: dict[str, dict[str, Any]]) -> tuple[str, str]:
    """The texts of conflicts.csv and conflict_claims.csv from the conflict records (as
    :func:`~reconcile.render.records.conflict_record_blocks` gives them, block by block), with
    ``sources`` (report.json's source objects by id) for each claim's address: the source's
    ``url``, else its ``archived_url``, else the document's path."""
    conflicts, claims = io.StringIO(), io.StringIO()
    cw, lw = _writer(conflicts), _writer(claims)
    cw.writerow(CONFLICT_COLUMNS)
    lw.writerow(CLAIM_COLUMNS)
    for block in blocks:
        for rec in block:
            sides = rec["sides"]
            chosen = rec.get("suggested_side")
            suggested_value = sides[chosen]["label"] if chosen is not None and 0 <= chosen < len(sides) else None
            cw.writerow(
                [
                    cell(v)
                    for v in (
                        rec["fingerprint"], rec["status"], rec["severity"], rec["rule"], rec["kind"], rec["subject"],
                        rec["property"], rec["scope"], len(sides), chosen, suggested_value,
                        [s["label"] for s in sides], rec["independent_sources"], rec["sources"], rec["explanation"],
                        rec["suggestion"],
                    )
                ]
            )
            for k, side in enumerate(sides):
                for cl in side["claims"]:
                    src = sources.get(cl["source"]) or {}
                    address = src.get("url") or src.get("archived_url") or cl["document"]
                    lw.writerow(
                        [
                            cell(v)
                            for v in (
                                rec["fingerprint"], k, side["label"], k == chosen, cl["id"], cl["source"], cl["language"],
                                cl["quote"], cl.get("note"), address, cl["document"], cl["span"][0], cl["span"][1],
                                cl["file"], cl["line"], cl["as_of"],
                            )
                        ]
                    )
    return conflicts.getvalue(), claims.getvalue()
