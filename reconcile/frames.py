"""Column helpers for claim tables of millions of rows.

Claim columns repeat a few values many times (sources, properties, entity ids, dates), so
a Python function is applied once per distinct value and the results are gathered back
with ``numpy.take`` (:func:`map_distinct`).
"""

from __future__ import annotations

import gc
import numbers
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["as_text", "collector_paused", "map_distinct", "object_column", "sorted_by_file_and_line"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector (restored afterwards); also a decorator.

    Building some 10^5 small lists and dicts (sides, claim lists, records) would trigger
    full collections again and again, and each walks every object the claims table holds
    (about half a second at a million claims). Such code makes no reference cycles worth
    collecting early.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def object_column(values: np.ndarray | list, index: pd.Index) -> pd.Series:
    """``values`` as a column of Python objects.

    pandas 3 turns a NumPy array of strings into an Arrow-backed ``str`` column when it is
    assigned (``df[c] = array``, ``df.assign``); claim tables keep text as Python objects
    (see :mod:`reconcile.validate`), so arrays go in through this.
    """
    return pd.Series(values, index=index, dtype=object)


def map_distinct(values: pd.Series, fn: Callable[[Any], Any]) -> pd.Series:
    """``values.map(fn)`` with ``fn`` called once per distinct value; an object Series.

    Missing values (None, NaN) are passed to ``fn`` too. Cells that cannot be hashed
    (lists, mappings) or that hash alike but differ in type (``True`` and ``1``) make it
    fall back to one call per cell, so the result is always that of ``values.map(fn)``.
    """
    cells = values.to_numpy(dtype=object)
    try:
        codes, uniques = pd.factorize(cells, use_na_sentinel=False)
    except TypeError:
        return _per_cell(values, cells, fn)
    uniques = np.asarray(uniques, dtype=object)
    if any(isinstance(u, (bool, np.bool_)) for u in uniques) and any(
        isinstance(u, numbers.Number) and not isinstance(u, (bool, np.bool_)) and u in (0, 1) for u in uniques
    ):
        return _per_cell(values, cells, fn)
    mapped = np.empty(len(uniques), dtype=object)
    for i, u in enumerate(uniques):
        mapped[i] = fn(u)
    return pd.Series(mapped.take(codes), index=values.index, dtype=object)


def _per_cell(values: pd.Series, cells: np.ndarray, fn: Callable[[Any], Any]) -> pd.Series:
    out = np.empty(len(cells), dtype=object)
    for i, cell in enumerate(cells):
        out[i] = fn(cell)
    return pd.Series(out, index=values.index, dtype=object)


def sorted_by_file_and_line(frame: pd.DataFrame) -> bool:
    """Whether rows already run in (file, line) order with no two rows on one line.

    Claim files are read in path order and each from top to bottom, so this usually holds
    and the sort can be skipped.
    """
    if len(frame) < 2:
        return True
    file_codes, _ = pd.factorize(frame["file"].to_numpy(dtype=object), sort=True)
    line = pd.to_numeric(frame["line"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if np.isnan(line).any():
        return False
    step_file = np.diff(file_codes)
    step_line = np.diff(line)
    return bool(np.all((step_file > 0) | ((step_file == 0) & (step_line > 0))))


def as_text(values: Any, convert: Callable[[Any], str] = str) -> np.ndarray:
    """``convert`` (``str`` by default) of each value, as an object array.

    A column that holds only strings is returned as it is, checked in one C pass
    (``infer_dtype``); otherwise ``convert`` runs once per distinct value.
    """
    cells = np.asarray(values, dtype=object)
    if pd.api.types.infer_dtype(cells, skipna=False) == "string":
        return cells
    return map_distinct(pd.Series(cells, dtype=object), convert).to_numpy()
