"""A small workspace with captured and draft claims, for the tests of reviewing drafts
(built with `reconcile init`, as tests/test_succession.py builds its own)."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from reconcile.cli.commands import main

TEXT_A = "The organization was founded in 1992. Its seat is in Moscow.\n"
TEXT_B = "Founded in 2002, the organization has its seat in Minsk. <script>alert(1)</script> It says so.\n"

CAPTURED_A = """\
# Claims of source a, captured by hand.
source: a
claims:
  # the founding year
  - id: a-1
    subject: org:x
    property: established
    value: '1992'
    quote: founded in 1992   # as the document says
"""

DRAFTS_B = """\
# Drafted by `reconcile draft` from claims/documents/b.txt
source: b
claims:
  - id: draft-b-1
    subject: org:x
    property: established
    value: '2002'
    quote: Founded in 2002
    draft: true
    confidence: 0.8
    because: 'cue "founded" (en); date 2002 read in the clause'
  # the seat, found by its cue
  - id: draft-b-2
    subject: org:x
    property: seat
    value: Minsk
    quote: '<script>alert(1)</script>'
    draft: true
    confidence: 0.5
    because: 'cue "seat" (en)'
"""


def draft_workspace(tmp_path: Path, drafts: str = DRAFTS_B) -> Path:
    """A workspace of two sources about ``org:x``: ``a`` with a captured founding year,
    ``b`` with drafts only (one of them a founding year that contradicts ``a``'s)."""
    root = tmp_path / "ws"
    result = CliRunner().invoke(main, ["init", str(root)])
    assert result.exit_code == 0, result.output
    (root / "claims" / "entities.yaml").write_text(
        "entities:\n  - {id: org:x, kind: organization, label: X Organization, names: [X Organization]}\n", encoding="utf-8"
    )
    entries = []
    for sid, text in (("a", TEXT_A), ("b", TEXT_B)):
        (root / "claims" / "documents" / f"{sid}.txt").write_text(text, encoding="utf-8")
        entries.append({"id": sid, "document": f"documents/{sid}.txt", "language": "en", "kind": "news", "published": "2021"})
    (root / "claims" / "sources.yaml").write_text(yaml.safe_dump({"sources": entries}), encoding="utf-8")
    (root / "claims" / "captured" / "a.yaml").write_text(CAPTURED_A, encoding="utf-8")
    (root / "claims" / "drafts").mkdir(exist_ok=True)
    (root / "claims" / "drafts" / "b.yaml").write_text(drafts, encoding="utf-8")
    return root
