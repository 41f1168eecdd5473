"""Independent work on a second core, in threads.

Much of a large run is spent in numpy, pandas and pyarrow kernels that release the GIL
(sorts, gathers, hashing of Arrow strings, JSON text built by Arrow's string kernels,
writing and flushing files), so two independent parts of the pipeline run side by side
in threads and overlap on a machine with more than one core:

- :func:`in_background` starts one call (locating quotes while values are typed; the
  source graph while the rules run) and hands back a :class:`Pending` whose
  :meth:`~Pending.result` waits for it and raises what it raised;
- :func:`ordered_map` applies a function to a sequence of items (the blocks of the JSON
  report) on :func:`workers` threads, a few items ahead, and yields the results in order.

Work run this way must not write to anything the caller reads meanwhile: it takes its
inputs (best as arrays or frames of its own, see ``reconcile.validate.claims._evidence_inputs``),
returns a new value and reports no problem itself; the caller reports what the value says,
in the order one thread would, so output never depends on timing. Progress
(:mod:`reconcile.base.progress`) is shown from the calling thread only: a new thread starts
with the silent reporter. Threads raise peak memory somewhat, as two steps' working data
are alive at once (about 100 MB at 300,000 claims).

The number of threads is the number of cores this process may use (at most
:data:`MAX_WORKERS`); the ``RECONCILE_THREADS`` environment variable sets it, and
``RECONCILE_THREADS=1`` runs everything in the calling thread, one call after the other.
The steps over claims stay in the calling thread below :data:`THREADS_FROM` claims
(:func:`worth_a_thread`); validation's one-time setup and the JSON report's blocks use the
threads whatever the size.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, TypeVar

__all__ = ["MAX_WORKERS", "THREADS_FROM", "Pending", "in_background", "ordered_map", "workers", "worth_a_thread"]

T = TypeVar("T")
R = TypeVar("R")

#: At most this many threads (for :func:`ordered_map`; :func:`in_background` starts one):
#: the work they share holds the GIL part of the time, so more would mostly wait.
MAX_WORKERS = 4


def workers() -> int:
    """How many threads to use: ``RECONCILE_THREADS`` if set (a positive integer), else
    the number of cores this process may run on, at most :data:`MAX_WORKERS`."""
    given = os.environ.get("RECONCILE_THREADS", "").strip()
    if given:
        if not given.isdigit() or int(given) < 1:
            raise ValueError(f"RECONCILE_THREADS must be a positive integer, not {given!r}")
        return int(given)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cores))


#: Below this many claims, work is not sent to a second thread (:func:`worth_a_thread`):
#: the threads then mostly wait for each other's GIL, and a run of 10,000 claims took some
#: 0.1 s longer with them than without; at 100,000 claims the two were even.
THREADS_FROM = 100_000


def worth_a_thread(n_claims: int) -> bool:
    """Whether work over ``n_claims`` claims is worth running beside other work."""
    return n_claims >= THREADS_FROM


class Pending(Generic[T]):
    """A call running in a thread of its own (or already done, with one worker or when
    not ``wanted``)."""

    def __init__(self, fn: Callable[..., T], args: tuple, kwargs: dict, wanted: bool = True) -> None:
        self._future: Future[T] = Future()
        if workers() == 1 or not wanted:
            try:  # an interrupt (BaseException) is not kept for later: it stops the caller now
                self._future.set_result(fn(*args, **kwargs))
            except Exception as exc:
                self._future.set_exception(exc)
            return
        self._thread = threading.Thread(target=self._run, args=(fn, args, kwargs), name="reconcile-background", daemon=True)
        self._thread.start()

    def _run(self, fn: Callable[..., T], args: tuple, kwargs: dict) -> None:
        try:
            self._future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to result(), in the caller's thread
            self._future.set_exception(exc)

    def result(self) -> T:
        """Wait for the call to finish; its value, or raise its exception."""
        return self._future.result()


def in_background(fn: Callable[..., T], *args, wanted: bool = True, **kwargs) -> Pending[T]:
    """Start ``fn(*args, **kwargs)`` in a thread and return at once (see :class:`Pending`);
    with ``wanted`` false (e.g. not :func:`worth_a_thread`), call it now instead."""
    return Pending(fn, args, kwargs, wanted)


def ordered_map(fn: Callable[[T], R], items: Iterable[T], ahead: int | None = None) -> Iterator[R]:
    """``map(fn, items)`` on :func:`workers` threads: results in the order of ``items``,
    each computed at most ``ahead`` items (default: twice the workers) before it is asked
    for, so that memory stays bounded when the consumer is slower. An exception of ``fn``
    is raised when its item's result is reached; the items not started are then dropped.
    """
    n = workers()
    if n == 1:
        yield from map(fn, items)
        return
    ahead = max(1, ahead if ahead is not None else 2 * n)
    source = iter(items)
    with ThreadPoolExecutor(n, thread_name_prefix="reconcile-map") as pool:
        queued: deque[Future[R]] = deque()
        try:
            for item in source:
                queued.append(pool.submit(fn, item))
                if len(queued) >= ahead:
                    yield queued.popleft().result()
            while queued:
                yield queued.popleft().result()
        finally:
            for future in queued:
                future.cancel()
