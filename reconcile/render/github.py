"""GitHub Actions workflow annotations (``::error file=…,line=…::message``), capped."""

from __future__ import annotations

from typing import Any

from reconcile.gate.state import anchor_claim
from .controls import printable

__all__ = ["render_github", "MAX_ANNOTATIONS"]

MAX_ANNOTATIONS = 50
_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def _escape_data(text: str) -> str:
    """Workflow-command escaping (``%``, CR, LF), then other control characters made
    visible: the Actions log draws escape sequences."""
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(
    records: list[dict[str, Any]],
    limit: int = MAX_ANNOTATIONS,
    *,
    total: int | None = None,
    known_values: dict[tuple, set[str]] | None = None,
    only_new: bool = False,
    known: dict[str, int] | None = None,
) -> str:
    """One annotation per conflict, new conflicts first, at most ``limit``; a closing line
    counts the rest. ``records`` may be the first conflicts only (new ones first) when
    ``total`` gives how many there are. Each annotation is at the claim
    :func:`~reconcile.gate.state.anchor_claim` picks (``known_values``: the gate's).

    With ``only_new`` (the baseline is on), only new conflicts are annotated (``total``
    then counts the new ones) and the known ones make a single plain summary line from
    ``known`` (their number per status), never a ``::notice`` each."""
    ordered = [r for r in records if r["status"] == "new"]
    if not only_new:
        ordered += [r for r in records if r["status"] != "new"]
    total = len(ordered) if total is None else total
    lines = []
    for rec in ordered[:limit]:
        claim = anchor_claim(rec, known_values or {})
        where = f"file={_escape_property(claim['file'])},line={claim['line']}," if claim else ""
        title = _escape_property(f"{rec['rule']}: {rec['subject']} {rec['property']} ({rec['status']})")
        level = _COMMAND.get(rec["severity"], "warning") if rec["status"] == "new" else "notice"
        message = rec["explanation"] + " " + " | ".join(s["label"] for s in rec["sides"])
        lines.append(f"::{level} {where}title={title}::{_escape_data(message)}")
    if total > limit:
        lines.append(f"… and {total - limit} more conflict(s) not annotated (see the JSON or HTML report).")
    if only_new and known and sum(known.values()):
        parts = ", ".join(f"{n} {status}" for status, n in sorted(known.items()) if n)
        lines.append(f"reconcile: {sum(known.values())} known conflict(s) not annotated ({parts}).")
    return "\n".join(lines) + ("\n" if lines else "")
