"""Markdown: a short summary for a pull-request comment (counts, then new conflicts)."""

from __future__ import annotations

from typing import Any

__all__ = ["render_markdown"]


def _cell(text: str) -> str:
    """Table-safe and markup-safe text (document words are untrusted)."""
    return (
        str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|").replace("\n", " ")
    )


def render_markdown(records: list[dict[str, Any]], summary: dict[str, Any]) -> str:
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
    new = [r for r in records if r["status"] == "new"]
    if new:
        lines += ["### New conflicts", "", "| severity | rule | subject · property | sides | explanation |", "| --- | --- | --- | --- | --- |"]
        for r in new:
            sides = " ⟷ ".join(_cell(s["label"]) for s in r["sides"])
            lines.append(
                f"| {r['severity']} | `{r['rule']}` | {_cell(r['subject'])} · {_cell(r['property'])} | {sides} | {_cell(r['explanation'])} |"
            )
    else:
        lines.append("No new conflicts.")
    return "\n".join(lines) + "\n"
