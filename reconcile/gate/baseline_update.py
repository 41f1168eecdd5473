"""What ``reconcile baseline`` writes: the baseline merged with the conflicts of a run.

:func:`merge_baseline` is the pure part (entries in, entries out, with what changed);
:func:`reconcile.pipeline.record_baseline` reads the files, applies the gate and writes the
result under the lock of ``reports/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reconcile.gate.state import GateState, baseline_entries

__all__ = ["BaselineUpdate", "merge_baseline"]


@dataclass(frozen=True)
class BaselineUpdate:
    """A new baseline and how it differs from the one it replaces."""

    entries: dict[str, dict[str, Any]]
    """The entries to write, by fingerprint."""
    added: list[str] = field(default_factory=list)
    """Fingerprints of the conflicts the baseline did not know."""
    moved: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Per conflict whose entry followed it to a new fingerprint: the fingerprints it had."""
    stale: list[str] = field(default_factory=list)
    """Entries whose conflict is gone (removed with ``prune``, else kept)."""
    pruned: bool = False

    def summary(self) -> str:
        """The line ``reconcile baseline`` prints."""
        return (
            f"reports/baseline.json: {len(self.entries)} entries ({len(self.added)} added, {len(self.moved)} followed to a "
            f"new fingerprint, {len(self.stale)} stale{' removed' if self.pruned else ' kept; --prune removes them'})."
        )


def merge_baseline(old: dict[str, dict[str, Any]], state: GateState, *, prune: bool = False) -> BaselineUpdate:
    """The baseline ``old`` with the gated conflicts of ``state`` added.

    Existing entries are kept (stale ones too, unless ``prune``). An entry that followed
    its conflict to a new fingerprint moves there, keeping the fingerprints it had as
    ``aliases``; the entries of silenced conflicts (false positives) are not stale.
    """
    current = {e["fingerprint"]: e for e in baseline_entries(state.conflicts, state.tables)}
    moved = {fp: recs for fp, recs in state.baseline_of.items() if recs and recs != (fp,) and fp in current}
    replaced = {r for recs in moved.values() for r in recs} - set(current)
    for fp, entry in current.items():
        aliases = {str(a) for r in moved.get(fp, (fp,)) for a in [r, *(old.get(r, {}).get("aliases") or [])]}
        if aliases - {fp}:
            entry["aliases"] = sorted(aliases - {fp})
    added = sorted(set(current) - set(old) - set(moved))
    gone = {e["fingerprint"] for e in baseline_entries(state.silenced, state.tables)} | replaced
    stale = sorted(set(old) - set(current) - gone)
    merged = {fp: e for fp, e in old.items() if fp not in replaced}
    merged.update(current)
    if prune:
        for fp in stale:
            merged.pop(fp, None)
    return BaselineUpdate(merged, added, moved, stale, prune)
