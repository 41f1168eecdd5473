"""SARIF 2.1.0 for code-scanning tools: one result per conflict, located at the claim files.

GitHub code scanning rejects a run of more than 25,000 results (and shows the first 5,000
by severity): past :data:`MAX_RESULTS` conflicts the run lists the first ones (new first,
then the worst first) and says in a tool notification how many it leaves out.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from typing import Any

from .. import __version__
from reconcile.gate.state import anchor_claim
from reconcile.detect.rulekit import RuleInfo

__all__ = ["render_sarif", "MAX_RESULTS"]

#: Results per run that GitHub code scanning accepts (docs.github.com, "SARIF results
#: exceed one or more limits").
MAX_RESULTS = 25_000

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _location(claim: dict[str, Any]) -> dict[str, Any]:
    region = {"startLine": claim["line"]} if claim.get("line") else {}
    loc: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": claim["file"]}}}
    if region:
        loc["physicalLocation"]["region"] = region
    tag = f" [draft {claim['confidence']:.2f}]" if claim.get("draft") else ""
    note = " ".join(str(claim["note"]).split()) if claim.get("note") else ""
    gloss = f" (note: {note})" if note else ""
    loc["message"] = {"text": f"{claim['source']}: «{' '.join(claim['quote'].split())}»{tag}{gloss}"}
    if note:
        loc["properties"] = {"note": claim["note"]}
    return loc


#: Up to this many results the log is indented for reading, as one string; beyond, it is
#: compact and written a result at a time (about a kilobyte each, with its quotes).
INDENT_UP_TO = 2_000


def _result(rec: dict[str, Any], rule_ids: list[str], known_values: dict[tuple, set[str]]) -> dict[str, Any]:
    claims = [c for side in rec["sides"] for c in side["claims"]]
    anchor = anchor_claim(rec, known_values)
    if anchor is not None:  # the location first, then the other claims as related locations
        claims = [anchor, *(c for c in claims if c is not anchor)]
    return {
        "ruleId": rec["rule"],
        "ruleIndex": rule_ids.index(rec["rule"]) if rec["rule"] in rule_ids else 0,
        "level": _LEVEL.get(rec["severity"], "warning"),
        "message": {"text": rec["explanation"] + (f" Suggestion: {rec['suggestion']}" if rec.get("suggestion") else "")},
        "locations": [_location(claims[0])] if claims else [],
        "relatedLocations": [dict(_location(c), id=i) for i, c in enumerate(claims[1:], start=1)],
        "partialFingerprints": {"reconcileConflict/v1": rec["fingerprint"]},
        "properties": {
            "subject": rec["subject"],
            "property": rec["property"],
            "scope": rec["scope"],
            "status": rec["status"],
            "sides": [s["label"] for s in rec["sides"]],
            "history": rec.get("history"),
            "decision": rec.get("decision"),
            **_drafts_property(claims),
        },
        "baselineState": "new" if rec["status"] == "new" else "unchanged",
    }


def _drafts_property(claims: list[dict[str, Any]]) -> dict[str, Any]:
    """``{"drafts": [...]}``: the draft claims of a result (id, confidence, because), for
    its property bag; nothing when it involves none."""
    drafts = [
        {k: c[k] for k in ("id", "confidence", "because") if c.get(k) is not None} for c in claims if c.get("draft")
    ]
    return {"drafts": drafts} if drafts else {}


def render_sarif(
    records: Iterable[dict[str, Any]],
    rules: dict[str, RuleInfo],
    total: int,
    known_values: dict[tuple, set[str]] | None = None,
    sources: list[dict[str, Any]] | None = None,
) -> Iterator[str]:
    """The SARIF log of the first :data:`MAX_RESULTS` of ``total`` conflicts, whose records
    ``records`` yields in order (it may stop there), as chunks of text: one indented
    document up to :data:`INDENT_UP_TO` results, else a compact one written a result at a
    time, so that neither all records nor the whole log are held at once. Each result's
    location is the claim :func:`~reconcile.gate.state.anchor_claim` picks (``known_values``: the
    gate's), its other claims are related locations. ``sources`` (the JSON report's source
    records) go to the run's property bag with where each document came from."""
    rule_ids = sorted(rules)
    driver_rules = [
        {
            "id": rid,
            "name": rules[rid].name.title().replace(" ", ""),
            "shortDescription": {"text": rules[rid].summary},
            "fullDescription": {"text": rules[rid].doc},
            "defaultConfiguration": {"level": _LEVEL[rules[rid].severity]},
            "help": {"text": rules[rid].doc},
        }
        for rid in rule_ids
    ]
    listed = min(total, MAX_RESULTS)
    results = (_result(rec, rule_ids, known_values or {}) for rec in itertools.islice(records, listed))
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "reconcile", "version": __version__, "rules": driver_rules}},
        "results": [],
    }
    if sources:
        run["properties"] = {
            "sources": [
                {k: s.get(k) for k in ("id", "title", "publisher", "published", "document", "url", "accessed", "archived_url")}
                for s in sources
            ]
        }
    if total > listed:
        left = total - listed
        text = (
            f"{left:,} more conflict{'s are' if left != 1 else ' is'} not listed: GitHub code scanning takes at most "
            f"{MAX_RESULTS:,} results per run. The JSON report (reconcile check --format json) lists every conflict."
        )
        run["invocations"] = [
            {"executionSuccessful": True, "toolExecutionNotifications": [{"level": "warning", "message": {"text": text}}]}
        ]
    log = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}
    if listed <= INDENT_UP_TO:
        run["results"] = list(results)
        yield json.dumps(log, ensure_ascii=False, indent=2) + "\n"
        return
    # the compact document around its results, as json.dumps writes it with these separators
    head, tail = json.dumps(log, ensure_ascii=False, separators=(",", ":")).split('"results":[]', 1)
    yield head + '"results":['
    for i, result in enumerate(results):
        yield ("," if i else "") + json.dumps(result, ensure_ascii=False, separators=(",", ":"))
    yield "]" + tail + "\n"
