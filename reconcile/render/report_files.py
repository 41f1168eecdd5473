"""The files of ``reconcile report``: index.html, report.json, summary.md and the CSV
exports, rendered from one run of the pipeline (its conflicts, graph and gate) and written
together (:func:`write_report`)."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from reconcile.base.progress import stage
from reconcile.base.yamlio import write_all

if TYPE_CHECKING:
    from reconcile.gate.state import GateState
    from reconcile.trust.ranked import CheckResult
    from reconcile.validate.claims import Workspace

__all__ = ["REPORT_CARDS", "CSV_FILES", "ReportFiles", "write_report"]

#: Conflict cards in the HTML report unless asked otherwise: a card takes some 10 kB (its
#: quotes in their context), so a thousand make a page of about 10 MB, while the 60,000
#: conflicts of a million claims would make one of 600 MB that no browser opens.
REPORT_CARDS = 1_000
#: The CSV exports ``reconcile report`` writes beside index.html (see reconcile/render/csv_export.py).
CSV_FILES = ("conflicts.csv", "conflict_claims.csv")


@dataclass
class ReportFiles:
    """The report's files as written: where, and what they hold."""

    folder: Path
    conflicts: int
    """Conflicts in the report (report.json and the CSV files list them all)."""
    cards: int
    """Conflicts with a card on the page."""

    def summary(self) -> str:
        """The line ``reconcile report`` prints once the files are written."""
        shown = "" if self.cards == self.conflicts else f"; cards for the first {self.cards:,}"
        return (
            f"wrote {self.folder / 'index.html'}, report.json, summary.md, {CSV_FILES[0]} and {CSV_FILES[1]} "
            f"({self.conflicts:,} conflicts{shown})"
        )


def write_report(
    result: CheckResult,
    ws: Workspace,
    state: GateState,
    folder: Path,
    *,
    cards: int = REPORT_CARDS,
    guard: Callable[[Path], AbstractContextManager[Any]] = nullcontext,
) -> ReportFiles:
    """Render the report of a gated run and write its files to ``folder``: at most
    ``cards`` conflict cards on the page (0: all), new ones first, then the worst first;
    report.json and the CSV files list every conflict.

    The files are written in full to temporary files, then renamed into place with
    index.html last (:func:`~reconcile.base.yamlio.write_all`): a run that fails or is
    stopped before leaves the old set. ``guard(folder)`` wraps the writing (the command
    line turns an ``OSError`` into a message there)."""
    from reconcile.render.csv_export import conflict_csvs
    from reconcile.render.html_report import render_html
    from reconcile.render.json_report import json_chunks, report_outline
    from reconcile.render.markdown import ROWS_AT_MOST, render_markdown, summary_records
    from reconcile.render.records import conflict_record_blocks, conflict_records

    conflicts = state.conflicts
    on_page = len(conflicts) if cards == 0 else min(cards, len(conflicts))
    n_new = int(conflicts["status"].eq("new").sum()) if len(conflicts) else 0
    with stage(f"writing the report of {len(conflicts):,} conflicts", steps=5) as step:
        # records (dicts with every quote) only for the conflicts shown: the page's cards and
        # the summary's first rows (new conflicts come first); report.json is encoded from
        # the columns, as `check --format json` writes it
        records = conflict_records(conflicts.head(max(on_page, min(ROWS_AT_MOST, n_new))), ws.claims, result.tables)
        outline = report_outline(result, ws, conflicts, gate=state)
        step(1)
        page = render_html(records[:on_page], result, ws, state, outline, csv_files=CSV_FILES)
        step(1)
        by_id = {s["id"]: s for s in outline["sources"]}
        conflicts_csv, claims_csv = conflict_csvs(conflict_record_blocks(conflicts, ws.claims, result.tables), by_id)
        step(1)
        summary = render_markdown(summary_records(conflicts, ws.claims, result.tables), outline["summary"])
        step(1)
        with guard(folder):
            write_all(
                [
                    (folder / "report.json", json_chunks(result, ws, conflicts, gate=state, outline=outline)),
                    (folder / "summary.md", summary),
                    (folder / CSV_FILES[0], conflicts_csv),
                    (folder / CSV_FILES[1], claims_csv),
                    (folder / "index.html", page if page.endswith("\n") else page + "\n"),
                ]
            )
        step(1)
    return ReportFiles(folder, len(conflicts), on_page)
