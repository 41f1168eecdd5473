"""Column helpers for claim tables of millions of rows.

Claim columns repeat a few values many times (sources, properties, entity ids, dates), so
a Python function is applied once per distinct value and the results are gathered back
with ``numpy.take`` (:func:`map_distinct`).
"""

from __future__ import annotations

import gc
import math
import numbers
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = [
    "object_array",
    "ragged_ranges",
    "sorted_unique",
    "ARROW_TEXT",
    "arrow_of",
    "arrow_text",
    "as_text",
    "collector_paused",
    "is_arrow_text",
    "join_runs",
    "map_distinct",
    "numbers_or",
    "object_column",
    "optional_text",
    "positions",
    "release_arrow_memory",
    "sorted_by_file_and_line",
]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector (restored afterwards); also a decorator.

    Building some 10^5 small lists and dicts (sides, claim lists, records) would trigger
    full collections again and again, and each walks every object the claims table holds
    (about half a second at a million claims). Such code makes no reference cycles worth
    collecting early.

    Threads may pause it at the same time (:mod:`reconcile.base.threads`): it is restored when
    the last of them resumes, to what it was when the first paused it.
    """
    global _paused, _was_enabled
    with _pause_lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _pause_lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()


_pause_lock = threading.Lock()
_paused = 0  # how many pauses are in effect
_was_enabled = True  # whether the collector ran before the first of them


def release_arrow_memory() -> None:
    """Return the pages pyarrow's allocator keeps for reuse to the operating system.

    Arrow work comes in bursts (reading Parquet, indexing the documents' lines) after which
    the rest of the pipeline allocates Python objects, not Arrow buffers: without this,
    some hundreds of megabytes stay resident at a million claims.
    """
    import pyarrow

    pyarrow.default_memory_pool().release_unused()


def positions(keys: Any, values: Any) -> np.ndarray:
    """Where each of ``values`` stands in ``keys`` (unique), -1 where it is not there.

    ``pd.Index.get_indexer`` on object arrays, with both sides kept as Python objects:
    pandas 3 would otherwise turn each into an Arrow string index and back (a second per
    million values).
    """
    return pd.Index(np.asarray(keys, dtype=object), dtype=object).get_indexer(
        pd.Index(np.asarray(values, dtype=object), dtype=object)
    )


def join_runs(parts: list[Any], starts: np.ndarray, ends: np.ndarray, sep: str) -> list[str]:
    """``sep.join(parts[start:end])`` for each run given by its start and end."""
    return [sep.join(parts[a:b]) for a, b in zip(starts.tolist(), ends.tolist())]


def object_array(items: list[Any]) -> np.ndarray:
    """``items`` as a one-dimensional object array (lists stay items, not rows)."""
    return np.fromiter(items, dtype=object, count=len(items))


def object_column(values: np.ndarray | list, index: pd.Index) -> pd.Series:
    """``values`` as a column of Python objects.

    pandas 3 turns a NumPy array of strings into an Arrow-backed ``str`` column when it is
    assigned (``df[c] = array``, ``df.assign``); claim tables keep text as Python objects
    (see :mod:`reconcile.validate.claims`), so arrays go in through this.
    """
    return pd.Series(values, index=index, dtype=object)


def map_distinct(values: pd.Series, fn: Callable[[Any], Any]) -> pd.Series:
    """``values.map(fn)`` with ``fn`` called once per distinct value; an object Series.

    Missing values (None, NaN, NaT) are passed to ``fn`` too, once per kind. Numbers are
    told apart by type (``True``, ``1`` and ``1.0`` hash alike but read differently); cells
    that cannot be hashed (lists, mappings), or a ``-0.0`` beside ``0.0``, make it fall
    back to one call per cell. A column with nothing in it (all None) or only booleans is
    read in C passes, without a factorization. The result is always that of
    ``values.map(fn)`` (tested with hypothesis).
    """
    cells = values.to_numpy(dtype=object)
    if len(cells) and cells[0] is None and not np.any(cells != None):  # noqa: E711 (element-wise)
        return pd.Series(_repeated(fn(None), len(cells)), index=values.index, dtype=object)
    if len(cells) and pd.api.types.infer_dtype(cells, skipna=False) == "boolean" and _python_bools(cells):
        return pd.Series(_map_booleans(cells, fn), index=values.index, dtype=object)
    try:
        codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    except TypeError:
        return _per_cell(values, cells, fn)
    uniques = np.asarray(uniques, dtype=object)
    if any(isinstance(u, (numbers.Number, np.bool_)) for u in uniques):
        if any(u == 0 for u in uniques if isinstance(u, numbers.Number)) and _negative_zero(cells):
            return _per_cell(values, cells, fn)  # 0.0 == -0.0 but they read differently
        # 1, 1.0 and True hash alike but read differently: key numbers by type too.
        codes, uniques = _split_by_type(cells, codes)
    mapped = np.empty(len(uniques), dtype=object)
    for i, u in enumerate(uniques):
        mapped[i] = fn(u)
    out = mapped.take(np.maximum(codes, 0)) if len(uniques) else np.empty(len(cells), dtype=object)
    missing = np.flatnonzero(codes < 0)
    if len(missing):
        # factorize merges None, NaN, NaT and pd.NA: map each kind of missing value once.
        none = cells[missing] == None  # noqa: E711 (element-wise)
        out[missing[none]] = fn(None)
        rest = missing[~none]
        if len(rest):
            kind, _ = pd.factorize(np.fromiter(map(type, cells[rest]), dtype=object, count=len(rest)))
            _, first = np.unique(kind, return_index=True)
            out[rest] = np.array([fn(cells[rest[i]]) for i in first] + [None], dtype=object)[:-1].take(kind)
    return pd.Series(out, index=values.index, dtype=object)


def _python_bools(cells: np.ndarray) -> bool:
    """Whether every cell is a Python ``bool`` (not a NumPy one, which reads differently)."""
    return bool((np.fromiter(map(type, cells), dtype=object, count=len(cells)) == bool).all())


def _map_booleans(cells: np.ndarray, fn: Callable[[Any], Any]) -> np.ndarray:
    """``fn`` of each cell of a column of Python booleans, called on ``True`` and ``False``
    once: a column such as ``complete`` costs a few C passes, where a factorization would
    then have to tell ``True`` from ``1`` by type (several times slower)."""
    flags = cells.astype(bool)
    out = np.empty(len(cells), dtype=object)
    for flag in (True, False):
        where = flags == flag
        if where.any():
            out[where] = _repeated(fn(cells[int(where.argmax())]), 1)
    return out


def _repeated(value: Any, n: int) -> np.ndarray:
    """An object array of ``n`` times ``value`` (a tuple or list stays one cell)."""
    out = np.empty(n, dtype=object)
    out.fill(value)
    return out


def optional_text(values: pd.Series) -> pd.Series:
    """Each cell as text (``str``), None where the cell is missing (None, NaN, NaT, NA);
    an object Series.

    A column of text and missing cells, the usual case (``note``, ``as_of``), costs two C
    passes; other columns go through :func:`map_distinct`.
    """
    if pd.api.types.infer_dtype(values.to_numpy(dtype=object), skipna=True) in ("string", "empty"):
        return pd.Series(values.to_numpy(dtype=object, na_value=None), index=values.index, dtype=object)
    return map_distinct(values, _text_or_none)


def _text_or_none(value: object) -> str | None:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    return str(value)


def numbers_or(values: pd.Series, default: float) -> pd.Series:
    """``values`` as floats (cells that are not numbers read as missing), ``default`` where
    missing; a column with nothing given (every cell missing) costs one C pass."""
    if values.dtype == object and pd.api.types.infer_dtype(values.to_numpy(), skipna=True) == "empty":
        return pd.Series(np.full(len(values), default, dtype=float), index=values.index)
    return pd.to_numeric(values, errors="coerce").fillna(default).astype(float)


def _negative_zero(cells: np.ndarray) -> bool:
    return any(isinstance(c, float) and c == 0 and math.copysign(1.0, c) < 0 for c in cells)


def _split_by_type(cells: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes of (value, type) pairs (missing cells stay -1) and a cell for each code."""
    type_codes, _ = pd.factorize(np.fromiter(map(type, cells), dtype=object, count=len(cells)))
    present = np.flatnonzero(codes >= 0)
    pair = codes[present].astype(np.int64) * (int(type_codes.max()) + 1) + type_codes[present]
    pair_codes, _ = pd.factorize(pair)  # numbered in order of first appearance
    _, first = np.unique(pair_codes, return_index=True)
    out = np.full(len(cells), -1, dtype=np.intp)
    out[present] = pair_codes
    return out, cells[present[first]]


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
    files = frame["file"].to_numpy(dtype=object)
    if pd.api.types.infer_dtype(files, skipna=False) != "string":
        return False  # a missing file: let the sort decide
    line = pd.to_numeric(frame["line"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if np.isnan(line).any():
        return False
    # Neighbours compared as Python strings (identical objects compare in no time): the
    # same file with a later line, or a later file.
    same_file = (files[1:] == files[:-1]).astype(bool)
    if not np.all(np.diff(line)[same_file] > 0):
        return False
    changes = np.flatnonzero(~same_file)
    return bool(np.all(files[changes + 1] > files[changes]))


def as_text(values: Any, convert: Callable[[Any], str] = str) -> np.ndarray:
    """``convert`` (``str`` by default) of each value, as an object array.

    A column that holds only strings is returned as it is, checked in one C pass
    (``infer_dtype``); otherwise ``convert`` runs once per distinct value.
    """
    cells = np.asarray(values, dtype=object)
    if pd.api.types.infer_dtype(cells, skipna=False) == "string":
        return cells
    return map_distinct(pd.Series(cells, dtype=object), convert).to_numpy()


#: pandas' own text dtype (``str`` in pandas 3): Arrow strings, NaN for a missing value. A
#: claims table holds its quotes so (see :class:`reconcile.validate.schemas.ClaimModel`).
ARROW_TEXT = pd.StringDtype("pyarrow", na_value=np.nan)


def arrow_text(text: pa.Array | pa.ChunkedArray, index: pd.Index | None = None) -> pd.Series:
    """Arrow strings as a pandas column of :data:`ARROW_TEXT`, sharing their buffers."""
    return pd.Series(pd.array(text, dtype=ARROW_TEXT), index=index, copy=False)


def is_arrow_text(values: pd.Series) -> bool:
    """Whether a column holds its text as Arrow strings (pandas' ``str`` or ``string[pyarrow]``)."""
    return isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"


def arrow_of(values: pd.Series) -> pa.Array:
    """The Arrow array of a column that :func:`is_arrow_text` (one array, its buffers shared
    when the column is in one piece); missing values are nulls."""
    array = pa.array(values.array)
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def ragged_ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenated ``range(start, start + count)`` for each pair, without a Python loop."""
    ends = np.cumsum(counts)
    return np.repeat(starts - (ends - counts), counts) + np.arange(ends[-1] if len(ends) else 0)


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (``numpy.unique`` by a plain sort, which is much faster
    than the hash table numpy 2 uses for large integer arrays).

    The sort is numpy's stable one, which runs in near linear time on the nearly sorted keys
    most callers pass (codes grouped by a sorted conflict, side or item: ``side * n + source``).
    """
    values = np.sort(values, kind="stable")
    keep = np.ones(len(values), dtype=bool)
    keep[1:] = values[1:] != values[:-1]
    return values[keep]
