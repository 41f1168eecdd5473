"""Plain-text output for a terminal: problems and the validation summary.

Quotes and names are printed in their own script; the terminal's bidi support lays out
Persian and Arabic. Colour codes are added here and stripped by the command line when the output is not a terminal.

Everything that comes from documents, claim files and registries goes through
:func:`~reconcile.render.controls.printable` first: a control character in a web page's
text (an escape sequence that clears the screen, retitles the window or writes to the
clipboard) is shown, not obeyed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from reconcile.base.problems import Problems
from .controls import printable, style
from reconcile.validate.claims import Workspace

if TYPE_CHECKING:
    from reconcile.detect.tables import ConflictTables

__all__ = ["SUMMARY_ROWS", "terminal_order", "wrap_quote", "render_problems", "render_validation_summary", "render_conflicts", "render_check_summary"]

_COLOURS = {"error": "red", "warning": "yellow", "info": "blue"}


def render_problems(problems: Problems) -> str:
    """Every problem on its own line, errors first, then by file and line; a hint's second
    line (the entry to add to a registry) under its problem, indented. Each line is made
    printable on its own, so that no text of a workspace can start a line."""
    lines = []
    for p in problems.sorted():
        text = "\n".join(printable(line) for line in p.render_lines())
        lines.append(style(text, fg=_COLOURS.get(p.severity)) if p.severity != "info" else text)
    return "\n".join(lines)


def _table(frame: pd.DataFrame, right: set[str] = frozenset()) -> str:
    cols = list(frame.columns)
    cells = [[printable(c) for c in cols]] + [
        ["" if pd.isna(v) else printable(v) for v in row] for row in frame.itertuples(index=False)
    ]
    widths = [max(len(r[i]) for r in cells) for i in range(len(cols))]
    out = []
    for n, row in enumerate(cells):
        parts = [row[i].rjust(widths[i]) if cols[i] in right else row[i].ljust(widths[i]) for i in range(len(cols))]
        out.append("  ".join(parts).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


#: Rows of each list in the validation summary (sources, properties, fuzzy names); a
#: workspace of scraped claims may have thousands, and the summary stays a screen or two.
SUMMARY_ROWS = 50


def _more(n: int, what: str) -> str:
    return f"… and {n:,} more {what}"


def render_validation_summary(ws: Workspace, problems: Problems, *, rows: int = SUMMARY_ROWS) -> str:
    """A one-screen summary: sources, claims per source and language, properties, fuzzy
    names; each list cut after ``rows`` entries (the properties: the most claimed), with a
    line saying how many it leaves out."""
    claims = ws.claims
    per_source = claims.groupby("source").size()
    files = claims.groupby("source")["file"].first()
    src = ws.sources.assign(
        claims=ws.sources["source"].map(per_source).fillna(0).astype(int),
        file=ws.sources["source"].map(files),
    )
    address = ["url"] if "url" in src and src["url"].notna().any() else []  # where documents came from
    table = src[["source", "language", "kind", "published", "derived_from", "claims", "file", *address]].rename(
        columns={"language": "lang", "derived_from": "derived from"}
    )
    by_lang = claims.groupby("language").size().sort_values(ascending=False)
    by_prop = claims.groupby("property").size().sort_values(ascending=False, kind="stable")
    by_type = claims.groupby("value_type").size().sort_values(ascending=False)
    head = style(
        f"Workspace {printable(ws.root)}: {len(ws.sources)} sources, {len(claims)} claims, "
        f"{claims['property'].nunique()} properties, {claims['subject'].nunique()} subjects",
        bold=True,
    )
    lines = [head, "", _table(table.head(rows), right={"claims"})]
    if len(table) > rows:
        lines.append(_more(len(table) - rows, "sources (`reconcile graph` lists them all)"))
    properties = " · ".join(f"{printable(k)} {v}" for k, v in by_prop.head(rows).items())
    if len(by_prop) > rows:
        properties += " · " + _more(len(by_prop) - rows, "properties")
    lines += [
        "",
        "Claims by language: " + " · ".join(f"{printable(k)} {v}" for k, v in by_lang.items()),
        "Claims by value type: " + " · ".join(f"{k} {v}" for k, v in by_type.items()),
        "Properties: " + properties,
    ]
    if not ws.resolutions.empty:
        lines += ["", "Names resolved by fuzzy matching (check them):"]
        for r in ws.resolutions.head(rows).itertuples(index=False):
            lines.append(
                printable(
                    f"  {r.file}:{r.line} [{r.claim_id}] «{r.name}» → {r.label} ({r.id}), "
                    f"{r.score:.0f}% like «{r.matched}»"
                )
            )
        if len(ws.resolutions) > rows:
            lines.append("  " + _more(len(ws.resolutions) - rows, "names resolved by fuzzy matching"))
    n_warn = len(problems.warnings)
    fuzzy = len(ws.resolutions)
    to_check = f", {fuzzy} name(s) resolved by fuzzy matching to check" if fuzzy else ""
    lines += ["", style(f"valid: 0 errors, {n_warn} warning(s){to_check}", fg="green")]
    return "\n".join(lines)


def _severity_badge(severity: str) -> str:
    marks = {"error": "✖ error", "warning": "▲ warning", "info": "● info"}
    return style(marks.get(severity, severity), fg=_COLOURS.get(severity), bold=severity == "error")


def terminal_order(conflicts: pd.DataFrame) -> np.ndarray:
    """The positions of ``conflicts`` in the order the terminal lists them (and the Markdown
    summary): new conflicts first, then the worst first, the conflicts of one subject and
    property together (at the place of their first), ties in table order."""
    if conflicts.empty:
        return np.arange(0)
    rank = conflicts["severity"].map(SEVERITY_ORDER).fillna(9).to_numpy(dtype=np.int64) + np.where(
        conflicts["status"].eq("new").to_numpy(), 0, 10
    )
    order = pd.DataFrame(
        {"i": np.arange(len(conflicts)), "subject": conflicts["subject"].to_numpy(), "property": conflicts["property"].to_numpy(), "rank": rank}
    )
    first_rank = order.groupby(["subject", "property"], sort=False)["rank"].transform("min")
    order = order.assign(first=first_rank).sort_values(["first", "subject", "property", "rank", "i"], kind="stable")
    return order["i"].to_numpy()


def render_conflicts(
    conflicts: pd.DataFrame, ws: Workspace, tables: ConflictTables, *, block: int | None = None
) -> Iterator[str]:
    """Conflicts grouped by subject and property, new ones first, then the worst first,
    with quotes in their script: the text in chunks, a chunk per block of records of
    :func:`~reconcile.render.records.conflict_record_blocks` (``tables`` and ``block`` as there)."""
    from reconcile.render.records import conflict_record_blocks

    if conflicts.empty:
        yield style("No contradictions found.", fg="green")
        return
    props = ws.registry.properties
    current = None
    mixed = not conflicts["status"].eq("new").all()  # then new conflicts are tagged as such
    for n, records in enumerate(conflict_record_blocks(conflicts.iloc[terminal_order(conflicts)], ws.claims, tables, block, ws.claim_index)):
        lines: list[str] = []
        for rec in records:
            head = (rec["subject"], rec["property"])
            if head != current:
                current = head
                subject, prop = head
                label = props[prop].label if prop in props else prop
                head_text = printable(f"{ws.gazetteer.label(subject)} — {label}")
                lines += ["", style(head_text, bold=True) + printable(f"  ({subject}, {prop})")]
            lines += _conflict_lines(rec, mixed)
        text = "\n".join(lines)
        yield text.lstrip("\n") if n == 0 else "\n" + text


def _conflict_lines(rec: dict, tag_new: bool = False) -> list[str]:
    """The lines of one conflict under its subject and property; ``tag_new``: a new
    conflict says so (when others are known: baseline, accepted, resolved)."""
    scope = printable(f" [{rec['scope']}]") if rec["scope"] else ""
    internal = " (within one source)" if rec["internal"] else ""
    if rec["status"] == "new":
        status = style(" [new]", fg="yellow", bold=True) if tag_new else ""
    else:
        status = style(f" [{rec['status']}]", dim=True)
    lines = [f"  {_severity_badge(rec['severity'])} {printable(rec['rule'])}{scope}{internal}{status}  #{rec['fingerprint']}"]
    if rec.get("history"):
        lines.append(printable(f"    {history_text(rec['history'])}"))
    if rec.get("decision"):
        lines.append(printable(f"    decision: {verdict_text(rec['decision'])}"))
        for earlier in rec["decision"].get("history") or []:
            lines.append(printable(f"      earlier: {verdict_text(earlier)}"))
    lines.append(printable(f"    {rec['explanation']}"))
    if rec.get("suggestion"):
        lines.append(printable(f"    suggestion: {rec['suggestion']}"))
    for side in rec["sides"]:
        lines.append(printable(f"    • {side['label']}"))
        for c in side["claims"]:
            tag = style(f" {draft_tag(c)}", fg="magenta") if c.get("draft") else ""
            head = printable(f"        {c['source']} ({c['file']}:{c['line']}): ")
            quoted = wrap_quote(head + "«" + printable(" ".join(c["quote"].split())) + "»", _QUOTE_INDENT)
            quoted[-1] += tag
            lines += quoted
            if c.get("note"):
                lines += wrap_quote(_QUOTE_INDENT + "note: " + printable(" ".join(str(c["note"]).split())), _QUOTE_INDENT + "      ")
            if c.get("draft") and c.get("because"):
                lines.append(printable(f"          because: {' '.join(str(c['because']).split())}"))
    return lines


#: Where the continuation lines of a quote (and its note) start.
_QUOTE_INDENT = " " * 10


def terminal_width() -> int | None:
    """The width quotes are wrapped to: ``COLUMNS`` when set, else the width of the
    terminal standard output is; ``None`` (no wrapping: a line per quote, for grep and
    logs) when the output is no terminal."""
    import shutil
    import sys

    columns = os.environ.get("COLUMNS", "")
    if columns.strip().isdigit() and int(columns) > 0:
        return int(columns)
    try:
        if not sys.stdout.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    return shutil.get_terminal_size((100, 24)).columns


def wrap_quote(text: str, indent: str, width: int | None = None) -> list[str]:
    """``text`` (printable already) as lines of at most ``width`` characters (default:
    :func:`terminal_width`), the lines after the first indented by ``indent``. Lines break
    at spaces only: no character is inserted in a word and no word is cut (a word longer
    than a line has a line of its own), so a Persian or Arabic quote keeps its letters'
    joins and the terminal's bidi layout; the whole text is kept, never cut."""
    width = terminal_width() if width is None else width
    if width is None or len(text) <= width:
        return [text]
    import textwrap

    lead = len(text) - len(text.lstrip(" "))
    return textwrap.wrap(
        text[lead:],
        width=max(width, len(indent) + 20),
        initial_indent=text[:lead],
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
        drop_whitespace=True,
    ) or [text]


def draft_tag(claim: dict) -> str:
    """The mark of a draft claim: ``[draft 0.80]`` (its confidence)."""
    confidence = claim.get("confidence")
    return f"[draft {confidence:.2f}]" if isinstance(confidence, (int, float)) else "[draft]"


def render_drafts_line(summary: dict) -> str:
    """The line of ``check --drafts`` that counts the draft claims read and the conflicts
    that involve them; empty when there are none."""
    drafts = summary.get("drafts")
    if not drafts:
        return ""
    n, involved = drafts.get("claims", 0), drafts.get("conflicts", 0)
    return (
        f"{n} draft claim{'s' if n != 1 else ''} included (marked [draft]); {involved} conflict(s) involve drafts. "
        "Review them with `reconcile accept` / `reconcile reject`."
    )


def verdict_text(verdict: dict) -> str:
    """A verdict in words: "resolved (2002) — the charter says so — ed, 2026-12-07"; notes
    of several lines on one."""
    head = str(verdict.get("verdict", "?")) + (f" ({verdict['side']})" if verdict.get("side") else "")
    parts = [head] + [" ".join(str(verdict[k]).split()) for k in ("reason", "note") if verdict.get(k)]
    who = ", ".join(str(verdict[k]) for k in ("by", "at") if verdict.get(k))
    return " — ".join(parts + ([who] if who else []))


def history_text(history: dict) -> str:
    """A conflict's history in words: "was #…; gained 2009; lost 1992"."""
    parts = []
    if history.get("aliases"):
        parts.append("was " + ", ".join(f"#{a}" for a in history["aliases"]))
    if history.get("gained"):
        parts.append("gained " + "; ".join(history["gained"]))
    if history.get("lost"):
        parts.append("lost " + "; ".join(history["lost"]))
    return "; ".join(parts)


def render_check_summary(summary: dict) -> str:
    """The closing line of ``check``: how many conflicts, how many of them new (what the
    gate fails on) and what the others are, by severity, in how many claims and sources."""
    sev = summary["by_severity"]
    parts = [f"{sev.get(s, 0)} {s}{'s' if sev.get(s, 0) != 1 else ''}" for s in ("error", "warning", "info")]
    status = summary.get("by_status") or {}
    known = ", ".join(f"{n} {s}" for s, n in sorted(status.items()) if s != "new" and n)
    gate = f", {status.get('new', 0)} new" + (f" ({known})" if known else "") if status else ""
    return (
        f"{summary['conflicts']} conflict(s){gate}: " + ", ".join(parts)
        + f" ({summary['internal']} within one source) in {summary['claims']} claims from {summary['sources']} sources."
    )


SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def render_source_table(table: pd.DataFrame, sg) -> str:
    """Sources with claims, agreements, disagreements, trust and dependence, then the pairs."""
    view = table.assign(
        trust=table["trust"].map(lambda t: f"{t:.2f}"),
        dependent_on=table["depends_on"].map(lambda d: ", ".join(d)),
    )[["source", "language", "published", "claims", "agreements", "disagreements", "trust", "dependent_on",
       *(["url"] if table["url"].notna().any() else [])]]
    lines = [style("Sources", bold=True), _table(view, right={"claims", "agreements", "disagreements", "trust"})]
    pairs = sg.pairs[sg.pairs["shared"].gt(0) | sg.pairs["declared"]].sort_values(["source_a", "source_b"])
    if len(pairs):
        pv = pd.DataFrame(
            {
                "pair": pairs["source_a"] + " – " + pairs["source_b"],
                "shared keys": pairs["shared"],
                "agree": pairs["agree"],
                "disagree": pairs["disagree"],
                "shared errors": pairs["shared_errors"],
                "dependence": pairs["score"].map(lambda v: f"{v:.2f}"),
                "declared": pairs["declared"].map({True: "derived_from", False: ""}),
            }
        )
        lines += ["", style("Pairs of sources", bold=True), _table(pv, right={"shared keys", "agree", "disagree", "shared errors", "dependence"})]
    return "\n".join(lines)


def render_cited_sources(conflicts: pd.DataFrame, ws: Workspace, *, rows: int = SUMMARY_ROWS) -> str:
    """The sources the conflicts cite that record where their document came from: id,
    publisher, date and address (and an archived copy); empty when none records one."""
    if conflicts.empty or "url" not in ws.sources:
        return ""
    cited = set(conflicts["sources"].explode().dropna())
    src = ws.sources[ws.sources["source"].isin(cited) & (ws.sources["url"].notna() | ws.sources["archived_url"].notna())]
    if src.empty:
        return ""
    lines = [style("Where the cited documents came from", bold=True)]
    for r in src.sort_values("source").head(rows).itertuples(index=False):
        where = " · ".join(
            str(v)
            for v in (r.publisher, r.published, r.url, f"read {r.accessed}" if isinstance(r.accessed, str) else None,
                      f"archived: {r.archived_url}" if isinstance(r.archived_url, str) else None)
            if isinstance(v, str) and v
        )
        lines.append(printable(f"  {r.source}: {where}"))
    if len(src) > rows:
        lines.append("  " + _more(len(src) - rows, "sources (`reconcile check --format json` lists them all)"))
    return "\n".join(lines)
