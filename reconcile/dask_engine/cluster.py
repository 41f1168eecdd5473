"""The Dask cluster a run uses: an existing one (``--scheduler ADDRESS``) or a
``distributed.LocalCluster`` started for the run and stopped after it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from reconcile.dask_engine.errors import DaskEngineError

__all__ = ["ClusterOptions", "dask_client", "DEFAULT_MEMORY_LIMIT", "DEFAULT_WORKERS"]

#: Workers of a local cluster, and the memory limit of each (a string Dask parses).
DEFAULT_WORKERS = 2
DEFAULT_MEMORY_LIMIT = "2GB"


@dataclass(frozen=True)
class ClusterOptions:
    """Where the run's work goes.

    ``scheduler``: the address of a running scheduler (``tcp://host:8786``); None starts a
    local cluster of ``workers`` worker processes of ``threads`` threads, each limited to
    ``memory_limit`` (Dask spills to disk at 60 % of it, pauses at 80 % and restarts a
    worker at 95 %). ``processes=False`` runs the local workers as threads of this process
    (no limit is enforced then; what tests use, to start quickly).
    """

    scheduler: str | None = None
    workers: int = DEFAULT_WORKERS
    memory_limit: str = DEFAULT_MEMORY_LIMIT
    threads: int = 1
    processes: bool = True


@contextmanager
def dask_client(options: ClusterOptions) -> Iterator:
    """A ``distributed.Client`` on the cluster ``options`` name, closed (and a local
    cluster stopped) on leaving; :class:`DaskEngineError` when the scheduler cannot be reached
    or the options are not usable."""
    import dask
    from dask.utils import parse_bytes
    from distributed import Client, LocalCluster

    if options.scheduler:
        try:
            # how long to wait for the scheduler: Dask's own setting (30 s unless configured)
            client = Client(options.scheduler, timeout=dask.config.get("distributed.comm.timeouts.connect"))
        except (OSError, TimeoutError, ValueError, TypeError) as exc:
            raise DaskEngineError(
                f"cannot reach a Dask scheduler ({type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else 'no answer'})",
                where=f"--scheduler {options.scheduler}",
                expected="the address of a running Dask scheduler, such as tcp://10.0.0.5:8786",
            ) from None
        try:
            yield client
        finally:
            client.close()
        return
    if options.workers < 1:
        raise DaskEngineError(f"{options.workers} workers", where="--workers", expected="1 or more")
    try:
        limit = parse_bytes(options.memory_limit)
    except (ValueError, TypeError):
        raise DaskEngineError(
            f"{options.memory_limit!r} is not an amount of memory", where="--memory-limit", expected="an amount such as 2GB or 1500MB"
        ) from None
    cluster = LocalCluster(
        n_workers=options.workers,
        threads_per_worker=options.threads,
        memory_limit=limit,
        processes=options.processes,
        dashboard_address=":0",
        silence_logs=logging.ERROR,
    )
    try:
        with Client(cluster) as client:
            yield client
    finally:
        cluster.close()
