"""An editor's verdict on one conflict: finding the conflict a fingerprint names, the side a
text names, and recording the verdict in ``reports/decisions.yaml``.

What ``reconcile decide`` does after the pipeline's gate (:func:`reconcile.pipeline.run`):
the conflict is looked up as ``check`` shows it (:func:`conflict_named`), the side checked
(:func:`side_named`), and the verdict written (:func:`record_verdict`, through
:func:`~reconcile.gate.state.record_decision`: atomic, under the lock of ``reports/``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from reconcile.gate.state import GateState, baseline_entries, record_decision

__all__ = ["NamedConflict", "conflict_named", "record_verdict", "side_named", "side_value_text"]


@dataclass(frozen=True)
class NamedConflict:
    """The conflict a fingerprint names, as the gate shows it."""

    conflict: pd.Series
    """Its row of the gated conflicts (fingerprint, status, decision, …)."""
    fingerprint: str
    """The fingerprint it has now (the one given may be an earlier one, an alias)."""
    continues: str | None
    """The fingerprint of the decision it continues under an earlier fingerprint, if any."""
    recorded: dict[str, Any]
    """What a decision records of it (rule, subject, property, scope, values, labels)."""
    sides: list[dict[str, Any]]
    """Its sides in order, as ``{"value", "label"}`` dicts."""


def conflict_named(state: GateState, fingerprint: str) -> NamedConflict | None:
    """The conflict ``fingerprint`` names (silenced false positives too), or None: the
    fingerprint ``check`` shows, the one the rules gave it before it took its record's, or
    one it had earlier (an alias its history keeps). The first in the gate's order wins."""
    gated = pd.concat([state.conflicts, state.silenced], ignore_index=True)
    if not len(gated):
        return None
    own = gated["fingerprint"].map(lambda f: state.own_fingerprint.get(f, f))
    aliases = gated["history"].map(lambda h: fingerprint in (h or {}).get("aliases", ())).astype(bool)
    match = gated[gated["fingerprint"].eq(fingerprint) | own.eq(fingerprint) | aliases]
    if match.empty:
        return None
    current = str(match.iloc[0]["fingerprint"])
    earlier = [r for r in state.decision_of.get(current, ()) if r != current]
    recorded = {k: v for k, v in baseline_entries(match.iloc[:1], state.tables)[0].items() if k != "fingerprint"}
    (sides,) = state.tables.side_lists(match.iloc[:1])
    return NamedConflict(match.iloc[0], current, earlier[0] if earlier else None, recorded, sides)


def record_verdict(
    root: Path,
    named: NamedConflict,
    verdict: str,
    *,
    note: str | None = None,
    side: str | None = None,
    reason: str | None = None,
    by: str | None = None,
) -> bool:
    """Record ``verdict`` on the conflict ``named`` in ``reports/decisions.yaml`` under its
    current fingerprint (the decision it continues moves there); True when it had a
    verdict, which is kept in its history. Raises ``ValueError`` for a file it cannot read
    (left as it is) and ``OSError`` when it cannot write."""
    return record_decision(
        root,
        named.fingerprint,
        verdict,
        note=note,
        side=side,
        reason=reason,
        by=by,
        conflict=named.recorded,
        continues=named.continues,
    )


def side_value_text(value: Any) -> str:
    """A side's value as written on the command line: a list's ids joined by ``;``."""
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return str(value)


def _fold_side(text: str) -> str:
    """Text compared case- and space-insensitively."""
    return " ".join(str(text).split()).casefold()


def side_named(given: str, sides: list[dict[str, Any]], gazetteer: Any) -> dict[str, Any] | None:
    """The side of ``sides`` that ``given`` names, or ``None``: its label or value (any
    case and spacing), or for a list, its members named by id or by a registered name,
    separated by ``,`` or ``;``, in any order and case (``Armenia; kz; country:RU``)."""
    want = _fold_side(given)
    for s in sides:
        if want in {_fold_side(s["label"]), _fold_side(side_value_text(s["value"])), _fold_side(str(s["value"]))}:
            return s
    tokens = [t.strip() for t in given.replace(";", ",").split(",") if t.strip()]
    if not tokens:
        return None
    ids: set[str] = set()
    for token in tokens:
        resolved = gazetteer.resolve(token, fuzzy=False).id if gazetteer is not None else None
        ids.add(_fold_side(resolved or token))
    for s in sides:
        if isinstance(s["value"], (list, tuple)) and ids == {_fold_side(v) for v in s["value"]}:
            return s
    return None
