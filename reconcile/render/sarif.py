"""SARIF 2.1.0 for code-scanning tools: one result per conflict, located at the claim files."""

from __future__ import annotations

import json
from typing import Any

from .. import __version__
from ..rulekit import RuleInfo

__all__ = ["render_sarif"]

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _location(claim: dict[str, Any]) -> dict[str, Any]:
    region = {"startLine": claim["line"]} if claim.get("line") else {}
    loc: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": claim["file"]}}}
    if region:
        loc["physicalLocation"]["region"] = region
    loc["message"] = {"text": f"{claim['source']}: «{' '.join(claim['quote'].split())}»"}
    return loc


def render_sarif(records: list[dict[str, Any]], rules: dict[str, RuleInfo]) -> str:
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
    results = []
    for rec in records:
        claims = [c for side in rec["sides"] for c in side["claims"]]
        locations = [_location(claims[0])] if claims else []
        result: dict[str, Any] = {
            "ruleId": rec["rule"],
            "ruleIndex": rule_ids.index(rec["rule"]) if rec["rule"] in rule_ids else 0,
            "level": _LEVEL.get(rec["severity"], "warning"),
            "message": {"text": rec["explanation"] + (f" Suggestion: {rec['suggestion']}" if rec.get("suggestion") else "")},
            "locations": locations,
            "relatedLocations": [dict(_location(c), id=i) for i, c in enumerate(claims[1:], start=1)],
            "partialFingerprints": {"reconcileConflict/v1": rec["fingerprint"]},
            "properties": {
                "subject": rec["subject"],
                "property": rec["property"],
                "scope": rec["scope"],
                "status": rec["status"],
                "sides": [s["label"] for s in rec["sides"]],
            },
        }
        if rec["status"] != "new":
            result["baselineState"] = "unchanged"
        else:
            result["baselineState"] = "new"
        results.append(result)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "reconcile", "version": __version__, "rules": driver_rules}},
                "results": results,
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"
