"""The Dask engine: ``reconcile check --engine dask`` on a cluster (:mod:`.engine`).

Claims are read and validated piece by piece (:mod:`.pieces`, :mod:`.claim_files`),
shuffled by subject into partitions where every rule runs unchanged (:mod:`.partition`),
trust is iterated with per-source sums reduced across partitions
(:mod:`reconcile.trust.blocks`), and the partitions' conflicts are joined in the in-process
engine's order (:mod:`.combine`). The in-process engine is the default and the reference:
both give byte-identical reports.
"""

from reconcile.dask_engine.cluster import ClusterOptions, dask_client
from reconcile.dask_engine.combine import combine_partitions
from reconcile.dask_engine.engine import DaskRun, run_dask
from reconcile.dask_engine.errors import DaskEngineError

__all__ = ["ClusterOptions", "DaskEngineError", "DaskRun", "combine_partitions", "dask_client", "run_dask"]
