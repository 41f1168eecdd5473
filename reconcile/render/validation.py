"""The outputs of ``reconcile validate`` for CI: JSON, SARIF 2.1.0 and GitHub annotations.

Each problem keeps the location the terminal shows (the file relative to the workspace,
and the line), so that a broken claim file is annotated on the line that broke it. The
schemas are documented in docs/json.md (JSON) and docs/ci.md (SARIF, GitHub).
"""

from __future__ import annotations

import json
from typing import Any

from .. import __version__
from reconcile.base.problems import Problem, Problems
from .github import _escape_data, _escape_property

__all__ = ["VALIDATE_FORMATS", "problem_record", "render_validation_json", "render_validation_sarif", "render_validation_github"]

#: The output formats of ``reconcile validate``.
VALIDATE_FORMATS = ("text", "json", "sarif", "github")

#: The version of the JSON document of ``validate --format json`` (docs/json.md).
VALIDATION_VERSION = 1

_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_GITHUB_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def problem_record(p: Problem) -> dict[str, Any]:
    """One problem as a JSON object: severity, code, file, line, claim id, column,
    message, expected and hint (``None`` where not known), and ``location`` as the
    terminal writes it (``file:line``)."""
    return {
        "severity": p.severity,
        "code": p.code,
        "file": p.file,
        "line": p.line,
        "location": p.location(),
        "claim_id": p.claim_id,
        "column": p.column,
        "message": p.message,
        "expected": p.expected,
        "hint": p.hint,
    }


def _counts(problems: Problems) -> dict[str, int]:
    listed = problems.sorted()
    return {s: sum(1 for p in listed if p.severity == s) for s in ("error", "warning", "info")}


def render_validation_json(problems: Problems, summary: dict[str, Any] | None = None) -> str:
    """The JSON document of ``validate --format json``: ``version``, ``valid``, the counts
    by severity, every problem (:func:`problem_record`, errors first, then by file and
    line) and, for a valid workspace, ``summary`` (sources, claims, properties, subjects,
    names resolved by fuzzy matching)."""
    counts = _counts(problems)
    doc = {
        "version": VALIDATION_VERSION,
        "tool": {"name": "reconcile", "version": __version__},
        "valid": counts["error"] == 0,
        "errors": counts["error"],
        "warnings": counts["warning"],
        "infos": counts["info"],
        "problems": [problem_record(p) for p in problems.sorted()],
        "summary": summary,
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _message(p: Problem) -> str:
    """The problem's text without its location (that is the annotation's): what, where in
    the claim, what was expected, the hint."""
    where = ", ".join(x for x in (f"claim {p.claim_id}" if p.claim_id else "", f"column {p.column}" if p.column else "") if x)
    text = (f"[{where}] " if where else "") + p.message
    if p.expected:
        text += f" (expected {p.expected})"
    if p.hint:
        text += "; " + p.hint
    return text


def render_validation_sarif(problems: Problems) -> str:
    """A SARIF 2.1.0 log of the problems: one result per problem at its file and line,
    ``ruleId`` the problem's code (each code a rule of the driver)."""
    listed = problems.sorted()
    codes = sorted({p.code for p in listed})
    rules = [{"id": c, "name": c.title().replace("-", "").replace("_", ""), "shortDescription": {"text": f"reconcile validate: {c}"}} for c in codes]
    results = []
    for p in listed:
        result: dict[str, Any] = {
            "ruleId": p.code,
            "ruleIndex": codes.index(p.code),
            "level": _SARIF_LEVEL.get(p.severity, "warning"),
            "message": {"text": _message(p)},
        }
        if p.file:
            physical: dict[str, Any] = {"artifactLocation": {"uri": p.file}}
            if p.line:
                physical["region"] = {"startLine": int(p.line)}
            result["locations"] = [{"physicalLocation": physical}]
        props = {k: v for k, v in (("claimId", p.claim_id), ("column", p.column), ("expected", p.expected)) if v}
        if props:
            result["properties"] = props
        results.append(result)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "reconcile", "version": __version__, "rules": rules}}, "results": results}],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"


def render_validation_github(problems: Problems) -> str:
    """One workflow annotation per problem (``::error file=…,line=…,title=…::message``),
    errors first, then a plain closing line with the counts."""
    lines = []
    for p in problems.sorted():
        where = ""
        if p.file:
            where = f"file={_escape_property(p.file)}," + (f"line={int(p.line)}," if p.line else "")
        title = _escape_property(f"reconcile validate: {p.code}")
        lines.append(f"::{_GITHUB_COMMAND.get(p.severity, 'warning')} {where}title={title}::{_escape_data(_message(p))}")
    counts = _counts(problems)
    verdict = "the workspace is invalid" if counts["error"] else "the workspace is valid"
    lines.append(f"reconcile validate: {counts['error']} error(s), {counts['warning']} warning(s): {verdict}.")
    return "\n".join(lines) + "\n"
