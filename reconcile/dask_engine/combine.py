"""Joining the partitions' conflicts into the tables the in-process engine returns.

Each partition returns its conflicts as :func:`reconcile.trust.ranked.find_conflicts` ranks
them (:class:`reconcile.detect.tables.ConflictTables`, worst first); they are concatenated
(:meth:`~reconcile.detect.tables.ConflictTables.concat`), sorted with the in-process
engine's order, and renumbered (:meth:`~reconcile.detect.tables.ConflictTables.in_order`).
"""

from __future__ import annotations

from reconcile.detect.tables import ConflictTables

__all__ = ["combine_partitions", "WORST_FIRST"]

#: The order of :func:`reconcile.trust.suggestions.rank_conflicts` (worst first): severity,
#: most independent sources, then subject, property, scope, rule and fingerprint; a total
#: order, since a fingerprint names one conflict.
WORST_FIRST = (["_rank", "independent", "subject", "property", "scope", "rule", "fingerprint"], [True, False, True, True, True, True, True])


def combine_partitions(parts: list[ConflictTables]) -> ConflictTables:
    """The ranked conflicts of every partition as one set of tables, in the in-process
    engine's order (as :func:`reconcile.trust.suggestions.rank_conflicts` sorts), numbered
    0 … n-1 in that order."""
    from reconcile.detect.engine import SEVERITY_RANK

    joined = ConflictTables.concat(parts)
    if not len(joined):
        return joined
    columns, ascending = WORST_FIRST
    conflicts = joined.conflicts.assign(_rank=joined.conflicts["severity"].map(SEVERITY_RANK))
    ordered = conflicts.sort_values(columns, ascending=ascending, kind="stable", na_position="first").drop(columns="_rank")
    return joined.in_order(ordered)
