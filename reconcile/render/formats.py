"""The output formats of ``reconcile check``: a registry of small functions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Callable

import pandas as pd

from ..check import CheckResult
from ..gate import GateState
from ..validate import Workspace

__all__ = ["render_check", "FORMATS"]


def _terminal(records, shown, result, ws, state) -> str:
    from .json_report import summary
    from .terminal import render_check_summary, render_conflicts

    text = render_conflicts(shown, ws, records) + "\n\n" + render_check_summary(summary(shown, ws))
    if len(state.silenced):
        text += f"\n{len(state.silenced)} conflict(s) silenced as false positives in reports/decisions.yaml."
    return text


def _json(records, shown, result, ws, state) -> Iterable[bytes | memoryview]:
    from .json_report import json_chunks

    return json_chunks(result, ws, shown, gate=state)  # UTF-8 chunks, written as they come


def _sarif(records, shown, result, ws, state) -> str:
    from .sarif import render_sarif

    return render_sarif(records, result.rules)


def _junit(records, shown, result, ws, state) -> str:
    from .junit import render_junit

    return render_junit(records)


def _github(records, shown, result, ws, state) -> str:
    from .github import render_github

    return render_github(records)


def _markdown(records, shown, result, ws, state) -> str:
    from .json_report import summary
    from .markdown import render_markdown

    return render_markdown(records, summary(shown, ws))


FORMATS: dict[str, Callable[..., str | Iterable[bytes | memoryview]]] = {
    "terminal": _terminal,
    "json": _json,
    "sarif": _sarif,
    "junit": _junit,
    "github": _github,
    "markdown": _markdown,
}


def render_check(
    fmt: str, records: list[dict[str, Any]], shown: pd.DataFrame, result: CheckResult, ws: Workspace, state: GateState
) -> str | Iterable[bytes | memoryview]:
    """The output of ``reconcile check`` in ``fmt``: text, or chunks of UTF-8 bytes for JSON
    (computed as they are written)."""
    return FORMATS[fmt](records, shown, result, ws, state)
