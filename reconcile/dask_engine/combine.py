"""Joining the partitions' conflicts into the one table the in-process engine returns.

This is the one place that knows the shape of the rules' output: each partition returns
its conflicts as :func:`reconcile.trust.ranked.find_conflicts` returns them (one row per
conflict, its sides nested in the ``sides`` column, ranked worst first); when the
conflicts become tidy tables (conflicts, sides, side claims keyed by fingerprint), each
is concatenated here and only the conflicts table is sorted.
"""

from __future__ import annotations

import pandas as pd

from reconcile.trust.suggestions import SIDES_AT

__all__ = ["combine_partitions", "WORST_FIRST"]

#: The order of :func:`reconcile.trust.suggestions.rank_conflicts` (worst first): severity,
#: most independent sources, then subject, property, scope, rule and fingerprint; a total
#: order, since a fingerprint names one conflict.
WORST_FIRST = (["_rank", "independent", "subject", "property", "scope", "rule", "fingerprint"], [True, False, True, True, True, True, True])


def combine_partitions(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The ranked conflicts of every partition as one table, in the in-process engine's
    order (as :func:`reconcile.trust.suggestions.rank_conflicts` sorts), with a fresh index.

    The partitions' hand-over column of the sides (``SIDES_AT``) is dropped: it numbers
    rows within a partition; the report flattens the sides afresh.
    """
    from reconcile.detect.engine import SEVERITY_RANK

    frames = [p for p in parts if len(p)] or parts[:1]
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True).drop(columns=SIDES_AT, errors="ignore")
    if not len(out):
        return out
    columns, ascending = WORST_FIRST
    out["_rank"] = out["severity"].map(SEVERITY_RANK)
    out = out.sort_values(columns, ascending=ascending, kind="stable", na_position="first").drop(columns="_rank")
    return out.reset_index(drop=True)
