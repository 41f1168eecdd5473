"""Markdown: a short summary for a pull-request comment (counts, then new conflicts).

The summary must fit where it is posted: a comment on a GitHub pull request holds at most
65,536 characters, so the table of new conflicts stops before :data:`BUDGET` and says how
many it leaves out (they are all in ``report.json`` and the HTML report).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .controls import printable

if TYPE_CHECKING:
    import pandas as pd

    from reconcile.detect.tables import ConflictTables

__all__ = ["BUDGET", "ROWS_AT_MOST", "render_markdown", "summary_records"]

#: The summary stays within this many characters, below GitHub's limit for a comment
#: (65,536), with room for a line a CI job adds around it.
BUDGET = 60_000

#: A table row takes at least some sixty characters, so no summary lists more new
#: conflicts than this: callers need records for no more than the first ones.
ROWS_AT_MOST = 1_000


def _cell(text: str) -> str:
    """Table-safe and markup-safe text, control characters made visible (document words
    are untrusted)."""
    return printable(
        str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|").replace("\n", " ")
    )


def summary_records(
    conflicts: pd.DataFrame, claims: pd.DataFrame, tables: ConflictTables
) -> list[dict[str, Any]]:
    """The records the summary lists: the first :data:`ROWS_AT_MOST` new conflicts of
    ``conflicts`` in the terminal's order (:func:`~reconcile.render.terminal.terminal_order`:
    grouped by subject and property, the worst first), so that the summary reads as
    ``reconcile check`` does."""
    from reconcile.render.records import conflict_records
    from .terminal import terminal_order

    if conflicts.empty:
        return []
    new = conflicts[conflicts["status"].eq("new")]
    ordered = new.iloc[terminal_order(new)[:ROWS_AT_MOST]]
    return conflict_records(ordered, claims, tables)


def render_markdown(records: list[dict[str, Any]], summary: dict[str, Any], *, budget: int = BUDGET) -> str:
    """The summary of ``summary``'s counts, then a table of the new conflicts among
    ``records`` (in their order: :func:`summary_records` gives them in the terminal's),
    each with its suggestion, as long as the text stays within ``budget`` characters.
    The text ends with a newline.

    ``records`` may be the first conflicts only (new ones come first): how many new
    conflicts the table leaves out is counted from ``summary["by_status"]``.
    """
    sev = summary["by_severity"]
    status = summary.get("by_status", {})
    lines = [
        "## reconcile: conflicts",
        "",
        f"**{summary['conflicts']}** conflict(s) in {summary['claims']} claims from {summary['sources']} sources: "
        + ", ".join(f"{sev.get(s, 0)} {s}" for s in ("error", "warning", "info"))
        + ". "
        + ", ".join(f"{n} {k}" for k, n in sorted(status.items())),
        "",
    ]
    new = [r for r in records if r["status"] == "new"][:ROWS_AT_MOST]
    if not new:
        lines.append("No new conflicts.")
        return "\n".join(lines) + "\n"
    lines += [
        "### New conflicts",
        "",
        "| severity | rule | subject · property | sides | explanation | suggestion |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    total_new = max(int(status.get("new", 0)), len(new))
    # room kept for the closing line that counts what is left out
    room = budget - sum(len(line) + 1 for line in lines) - 200
    listed = 0
    for r in new:
        sides = " ⟷ ".join(_cell(s["label"]) for s in r["sides"])
        row = f"| {r['severity']} | `{r['rule']}` | {_cell(r['subject'])} · {_cell(r['property'])} | {sides} | {_cell(r['explanation'])} | {_cell(r.get('suggestion') or '')} |"
        if len(row) + 1 > room:
            break
        lines.append(row)
        room -= len(row) + 1
        listed += 1
    if listed < total_new:
        left = total_new - listed
        lines += ["", f"… and {left:,} more new conflict{'s' if left != 1 else ''}, not listed here: see report.json or the HTML report."]
    return "\n".join(lines) + "\n"
