"""Rule test cases as data: each case is a tiny workspace built from a list of claims.

A case file ``tests/rules/cases/<rule-id>.yaml`` holds cases like::

    - name: founders differ
      expect: contradiction          # or: consistent
      kind: contradiction            # optional: the conflict kind expected
      severity: error                # optional
      explanation: [Belarus]         # optional: substrings of the explanation
      not_in_explanation: [Benin]    # optional: substrings it must not hold
      sources: {A: "2015", B: "2017"}  # optional: publication dates (default A, B, C: 2015)
      claims:
        - {source: A, subject: org:csto, property: founding_members, value: [Armenia, Russia]}

The workspace uses the bundled registries (``claims/properties.yaml`` and
``claims/entities.yaml``); each source's document is made of its claims' quotes (a claim
without a quote gets one made from its fields), so every quote is found.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import yaml

from reconcile.trust.ranked import find_conflicts
from reconcile.pipeline import load

ROOT = Path(__file__).resolve().parents[2]
CASES = Path(__file__).resolve().parent / "cases"


def load_cases(rule_id: str) -> list[dict]:
    return yaml.safe_load((CASES / f"{rule_id}.yaml").read_text(encoding="utf-8"))


def _plain(value):
    """Dates that YAML parsed back to the text a person would write."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def build_workspace(tmp: Path, case: dict) -> Path:
    root = tmp / "ws"
    (root / "claims" / "documents").mkdir(parents=True)
    (root / "claims" / "captured").mkdir()
    for name in ("properties.yaml", "entities.yaml"):
        shutil.copy(ROOT / "claims" / name, root / "claims" / name)
    dates = {"A": "2015", "B": "2015", "C": "2015"}
    dates.update({k: str(v) for k, v in (case.get("sources") or {}).items()})
    claims_by_source: dict[str, list[dict]] = {s: [] for s in dates}
    for i, claim in enumerate(case["claims"], start=1):
        c = _plain(dict(claim))
        src = c.pop("source")
        c.setdefault("id", f"{src}-{i}")
        c.setdefault("quote", f"{c['subject']} {c['property']} {c['value']} ({c['id']})")
        claims_by_source.setdefault(src, []).append(c)
        dates.setdefault(src, "2015")
    sources = []
    for src, claims in claims_by_source.items():
        doc = "\n".join(c["quote"] for c in claims) + "\n"
        (root / "claims" / "documents" / f"{src}.txt").write_text(doc, encoding="utf-8")
        sources.append(
            {"id": src, "document": f"documents/{src}.txt", "language": "en", "kind": "news", "published": dates[src]}
        )
        if claims:
            (root / "claims" / "captured" / f"{src}.yaml").write_text(
                yaml.safe_dump({"source": src, "claims": claims}, allow_unicode=True, sort_keys=False),
                encoding="utf-8",
            )
    (root / "claims" / "sources.yaml").write_text(
        yaml.safe_dump({"sources": sources}, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return root


def conflicts_of(tmp: Path, case: dict, rule_id: str):
    root = build_workspace(tmp, case)
    ws, problems = load(root)
    assert not problems.errors, "\n".join(p.render() for p in problems.errors)
    result = find_conflicts(ws, problems)
    assert not problems.errors, "\n".join(p.render() for p in problems.errors)
    return result.conflicts[result.conflicts["rule"].eq(rule_id)]


def run_case(tmp: Path, case: dict, rule_id: str) -> None:
    found = conflicts_of(tmp, case, rule_id)
    if case["expect"] == "consistent":
        assert found.empty, found[["kind", "explanation"]].to_string()
        return
    assert len(found) >= 1, f"{rule_id} found nothing for {case['name']}"
    if "count" in case:
        assert len(found) == case["count"], found[["kind", "explanation"]].to_string()
    if "kind" in case:
        assert case["kind"] in set(found["kind"]), found[["kind", "explanation"]].to_string()
    if "severity" in case:
        assert case["severity"] in set(found["severity"]), found[["severity", "explanation"]].to_string()
    text = " ".join(found["explanation"])
    for part in case.get("explanation", []):
        assert part in text, text
    for part in case.get("not_in_explanation", []):
        assert part not in text, text
    if "internal" in case:
        assert bool(found["internal"].iloc[0]) is case["internal"]
