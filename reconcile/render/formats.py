"""The output formats of ``reconcile check``: a registry of small functions."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any, Callable

import pandas as pd

from reconcile.trust.ranked import CheckResult
from reconcile.gate.state import GateState
from reconcile.validate.claims import Workspace

__all__ = ["render_check", "FORMATS"]


def _records(shown: pd.DataFrame, result: CheckResult, ws: Workspace, first: int | None = None) -> list[dict[str, Any]]:
    """The records (dicts with their quotes) of ``shown``, or of its ``first`` conflicts
    only (new ones come first)."""
    from reconcile.render.records import conflict_records

    return conflict_records(shown if first is None else shown.head(first), ws.claims, result.tables)


def _terminal(shown, result, ws, state) -> Iterator[str]:
    from .json_report import summary
    from .terminal import render_check_summary, render_cited_sources, render_conflicts, render_drafts_line

    yield from render_conflicts(shown, ws, result.tables)  # a block of conflicts at a time
    cited = render_cited_sources(shown, ws)
    counts = summary(shown, ws, result.tables)
    text = ("\n\n" + cited if cited else "") + "\n\n" + render_check_summary(counts)
    if drafts_line := render_drafts_line(counts):
        text += "\n" + drafts_line
    if len(state.silenced):
        text += f"\n{len(state.silenced)} conflict(s) silenced as false positives in reports/decisions.yaml."
    yield text + "\n"


def _json(shown, result, ws, state) -> Iterable[bytes | memoryview]:
    from .json_report import json_chunks

    return json_chunks(result, ws, shown, gate=state)  # UTF-8 chunks, written as they come


def _record_blocks(shown: pd.DataFrame, result: CheckResult, ws: Workspace) -> Iterator[dict[str, Any]]:
    """The records of ``shown`` one by one, built a block at a time as they are asked for."""
    from reconcile.render.records import conflict_record_blocks

    return itertools.chain.from_iterable(conflict_record_blocks(shown, ws.claims, result.tables, claim_index=ws.claim_index))


def _sarif(shown, result, ws, state) -> Iterator[str]:
    from .json_report import source_records
    from .sarif import MAX_RESULTS, render_sarif

    return render_sarif(
        _record_blocks(shown.head(MAX_RESULTS), result, ws),
        result.rules,
        total=len(shown),
        known_values=state.known_values,
        sources=source_records(ws),
    )


def _junit(shown, result, ws, state) -> Iterator[str]:
    from .junit import render_junit

    failures = int(shown["status"].eq("new").sum()) if len(shown) else 0
    return render_junit(_record_blocks(shown, result, ws), len(shown), failures)


def _github(shown, result, ws, state) -> str:
    from .github import MAX_ANNOTATIONS, render_github

    if not state.baseline_used:
        return render_github(_records(shown, result, ws, MAX_ANNOTATIONS), total=len(shown), known_values=state.known_values)
    # the baseline is on: the known conflicts are no annotations, only a count
    is_new = shown["status"].eq("new") if len(shown) else pd.Series([], dtype=bool)
    known = shown[~is_new]["status"].value_counts().to_dict() if len(shown) else {}
    return render_github(
        _records(shown[is_new], result, ws, MAX_ANNOTATIONS),
        total=int(is_new.sum()),
        known_values=state.known_values,
        only_new=True,
        known={str(k): int(v) for k, v in known.items()},
    )


def _markdown(shown, result, ws, state) -> str:
    from .json_report import summary
    from .markdown import render_markdown, summary_records

    return render_markdown(summary_records(shown, ws.claims, result.tables), summary(shown, ws, result.tables))


FORMATS: dict[str, Callable[..., str | Iterable[str] | Iterable[bytes | memoryview]]] = {
    "terminal": _terminal,
    "json": _json,
    "sarif": _sarif,
    "junit": _junit,
    "github": _github,
    "markdown": _markdown,
}


def render_check(
    fmt: str, shown: pd.DataFrame, result: CheckResult, ws: Workspace, state: GateState
) -> str | Iterable[str] | Iterable[bytes | memoryview]:
    """The output of ``reconcile check`` in ``fmt`` for the conflicts ``shown``: text, or
    chunks of text (terminal) or of UTF-8 bytes (JSON) computed as they are written.

    Each format builds the records (dicts holding quotes) it needs: the terminal, SARIF
    and JUnit a block at a time (SARIF for its first 25,000 conflicts only); GitHub
    annotations and the Markdown summary for their first conflicts only; JSON none.
    """
    return FORMATS[fmt](shown, result, ws, state)
