"""Reading and writing for ``reconcile fuse``: truth discovery on a plain table of claims.

:func:`read_claims` reads a CSV file with a header (UTF-8; the delimiter ``,``, ``;`` or a
tab, sniffed, or a tab for ``.tsv``) or a Parquet file into a table of ``source``, ``item``
and ``value`` with pyarrow's readers; :func:`prepare_claims` settles duplicate (source, item)
pairs and, with ``numeric``, parses the values as numbers; :func:`run_fuse` runs a model of
:data:`reconcile.trust.fusion.MODELS` and :func:`write_table` writes CSV, JSON or Parquet.

Everything that is wrong with the input is a :class:`FuseInputError` whose message says
what, where and what was expected (the command line prints it and exits 2).

Conventions (documented in ``docs/fuse.md``):

* Values are compared as text, stripped of surrounding whitespace; an empty value is no claim
  (left out, counted in a warning). Empty ``source`` or ``item`` cells are an error.
* Duplicate (source, item) pairs: the same value stated twice counts once; a source that
  states ``k`` different values for one item keeps them all, each weighted ``1/k`` (the
  model's ``claim_weight``), so the source still casts one vote for the item in all.
* ``numeric``: Persian and Arabic-Indic digits are folded to ASCII
  (:func:`reconcile.normalize.text.fold_digits`), ``,`` ``٬`` ``'``, ``_`` and spaces are
  thousands separators, the decimal mark is ``.`` or ``٫``. A value that does not parse is an
  error listing the first ones with file, row and value.

Everything is vectorised: cells are read as dictionary-encoded strings, so stripping,
checking and parsing run once per distinct string, and duplicates are found on integer codes.
"""

from __future__ import annotations

import csv
import io
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "FuseInputError",
    "ReadClaims",
    "Prepared",
    "FuseRun",
    "read_claims",
    "prepare_claims",
    "run_fuse",
    "write_table",
    "encode_table",
    "FORMATS",
]

#: The output formats and the extensions that choose them for ``--sources``.
FORMATS = ("csv", "json", "parquet")
_EXTENSIONS = {".csv": "csv", ".json": "json", ".parquet": "parquet", ".pq": "parquet"}
#: How many offending rows an error message lists.
SHOW = 5


class FuseInputError(ValueError):
    """Input that ``fuse`` cannot read: the message says what, where, and what was expected."""


@dataclass
class ReadClaims:
    """Claims as read: ``frame`` has ``source``, ``item``, ``value`` (categoricals) and
    ``row``, the row number of each claim as a spreadsheet shows it (CSV: the header is row 1;
    Parquet: the first row is 1)."""

    frame: pd.DataFrame
    path: Path
    kind: str  # "csv" or "parquet"


@dataclass
class Prepared:
    """Claims ready for a model, with the weights of duplicate pairs and what was done."""

    claims: pd.DataFrame
    claim_weight: np.ndarray | None
    warnings: list[str] = field(default_factory=list)


@dataclass
class FuseRun:
    """The tables ``fuse`` writes, the warnings for standard error and the time of each step."""

    items: pd.DataFrame
    sources: pd.DataFrame
    warnings: list[str]
    seconds: dict[str, float]


# --- reading ---------------------------------------------------------------------------------


def _is_parquet(path: Path) -> bool:
    if path.suffix.lower() in (".parquet", ".pq"):
        return True
    with path.open("rb") as fh:
        return fh.read(4) == b"PAR1"


def _sniff_delimiter(path: Path, sample: str) -> str:
    if path.suffix.lower() == ".tsv":
        return "\t"
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        # one column, or a sample the sniffer cannot decide: the delimiter of the header
        header = sample.splitlines()[0] if sample else ""
        counts = {d: header.count(d) for d in ",;\t"}
        best = max(counts, key=counts.get)
        return best if counts[best] else ","


def _csv_header(path: Path) -> tuple[list[str], str]:
    """The header's column names and the delimiter, from the file's first 64 KiB."""
    with path.open("rb") as fh:
        raw = fh.read(65536)
    if not raw.strip():
        raise FuseInputError(f"{path}: the file is empty; expected a CSV header such as source,item,value")
    if raw.startswith(b"PAR1") or b"\x00" in raw[:4096]:
        raise FuseInputError(f"{path}: not a CSV file (binary content) nor a Parquet file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(raw) - 4:  # not just a character cut at the end of the sample
            raise FuseInputError(
                f"{path}: not UTF-8 text (byte {exc.start + 1}: {raw[exc.start:exc.start + 1]!r}); "
                "save the CSV as UTF-8"
            ) from None
        text = raw[: exc.start].decode("utf-8-sig")
    lines = text.splitlines()
    sample = "\n".join(lines[:-1] if len(lines) > 1 and len(raw) == 65536 else lines)
    delimiter = _sniff_delimiter(path, sample)
    header = next(csv.reader(io.StringIO(lines[0]), delimiter=delimiter))
    return [h.strip() for h in header], delimiter


def _missing_columns(path: Path, present: list[str], wanted: dict[str, str]) -> None:
    missing = [f"{role} column {name!r}" for role, name in wanted.items() if name not in present]
    if missing:
        options = {"source": "--source-column", "item": "--item-column", "value": "--value-column"}
        hint = ", ".join(options[role] for role, name in wanted.items() if name not in present)
        raise FuseInputError(
            f"{path}: no {' and no '.join(missing)}; the file has the columns "
            f"{', '.join(repr(c) for c in present) or '(none)'} (choose others with {hint})"
        )
    if len(set(wanted.values())) < len(wanted):
        raise FuseInputError(f"{path}: source, item and value must be three different columns, not {list(wanted.values())}")


def read_claims(
    path: Path, source_column: str = "source", item_column: str = "item", value_column: str = "value"
) -> ReadClaims:
    """Read the three columns of a CSV or Parquet file of claims as dictionary-encoded text.

    Raises :class:`FuseInputError` for a missing, unreadable or empty file, a file that is
    neither CSV nor Parquet, text that is not UTF-8, a file with no rows and missing columns
    (the message lists the columns the file has).
    """
    import pyarrow as pa

    wanted = {"source": source_column, "item": item_column, "value": value_column}
    path = Path(path)
    if not path.exists():
        raise FuseInputError(f"{path}: no such file")
    if path.is_dir():
        raise FuseInputError(f"{path}: a folder, not a CSV or Parquet file")
    try:
        if path.stat().st_size == 0:
            raise FuseInputError(f"{path}: the file is empty; expected a CSV header such as source,item,value")
        parquet = _is_parquet(path)
    except OSError as exc:
        raise FuseInputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    try:
        if parquet:
            table = _read_parquet(path, wanted)
            kind, first_row = "parquet", 1
        else:
            table = _read_csv(path, wanted)
            kind, first_row = "csv", 2
    except OSError as exc:
        raise FuseInputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except pa.ArrowInvalid as exc:
        what = "Parquet" if parquet else "CSV"
        raise FuseInputError(f"{path}: not a readable {what} file: {str(exc).splitlines()[0]}") from None
    if table.num_rows == 0:
        raise FuseInputError(f"{path}: the file has a header but no claims (no rows)")
    columns = {}
    for role, name in wanted.items():
        col = table.column(name)
        if not pa.types.is_dictionary(col.type):
            col = col.cast(pa.string()).dictionary_encode()
        col = col.unify_dictionaries() if hasattr(col, "unify_dictionaries") else col
        columns[role] = col.to_pandas()
    frame = pd.DataFrame(columns)
    frame["row"] = np.arange(first_row, first_row + len(frame), dtype=np.int64)
    return ReadClaims(frame, path, kind)


def _read_csv(path: Path, wanted: dict[str, str]):
    import pyarrow as pa
    import pyarrow.csv as pacsv

    header, delimiter = _csv_header(path)
    _missing_columns(path, header, wanted)
    if len(set(header)) < len(header):
        dup = sorted({h for h in header if header.count(h) > 1})
        raise FuseInputError(f"{path}: the header names the column(s) {', '.join(map(repr, dup))} more than once")
    text_type = pa.dictionary(pa.int32(), pa.string())
    return pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(column_names=header, skip_rows=1, block_size=1 << 24),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={c: text_type for c in wanted.values()},
            include_columns=list(wanted.values()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def _read_parquet(path: Path, wanted: dict[str, str]):
    import pyarrow.parquet as pq

    schema = pq.read_schema(path)
    _missing_columns(path, list(schema.names), wanted)
    return pq.read_table(path, columns=list(wanted.values()), read_dictionary=list(wanted.values()))


# --- preparing -------------------------------------------------------------------------------


def _clean(col: pd.Series) -> pd.Series:
    """A categorical column with its categories stripped (equal after stripping: one category)
    and sorted, so that code order is text order; missing cells become ``""``."""
    cat = col.astype("category") if not isinstance(col.dtype, pd.CategoricalDtype) else col
    stripped = pd.Index(cat.cat.categories.astype(str)).str.strip()
    new_codes, uniques = pd.factorize(stripped, sort=True)
    codes = cat.cat.codes.to_numpy()
    mapped = np.where(codes >= 0, new_codes[np.maximum(codes, 0)] if len(new_codes) else -1, -1)
    categories = pd.Index(uniques, dtype=object)
    if (mapped < 0).any():  # nulls (Parquet) are empty cells
        if "" not in categories:
            categories = categories.insert(0, "")
            mapped = np.where(mapped >= 0, mapped + 1, 0)
        else:
            mapped = np.where(mapped >= 0, mapped, categories.get_loc(""))
    return pd.Series(pd.Categorical.from_codes(mapped, categories=categories), index=col.index)


def _rows(read: ReadClaims, mask: np.ndarray, column: str | None = None) -> str:
    rows = read.frame["row"].to_numpy()[mask][:SHOW]
    if column is None:
        return ", ".join(str(r) for r in rows)
    values = read.frame[column].to_numpy()[mask][:SHOW]
    return ", ".join(f"row {r}: {str(v)!r}" for r, v in zip(rows, values))


def _parse_numbers(categories: pd.Index) -> np.ndarray:
    from reconcile.normalize.text import fold_digits

    text = pd.Series(categories.astype(str)).map(fold_digits)
    text = text.str.replace(r"[,'_\s\u00a0\u202f\u2009]", "", regex=True)
    return pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)


def prepare_claims(read: ReadClaims, *, numeric: bool = False) -> Prepared:
    """Check and settle the claims: strip cells, refuse empty sources and items, drop empty
    values, parse numbers (``numeric``) and weigh duplicate (source, item) pairs.

    Returns claims with plain ``source``, ``item`` and ``value`` columns (categoricals whose
    categories are sorted; ``value`` floats with ``numeric``) and the claim weights (None when
    no source states two values for one item).
    """
    frame = read.frame
    where = f"{read.path}"
    source = _clean(frame["source"])
    item = _clean(frame["item"])
    value = _clean(frame["value"])
    for name, col in (("source", source), ("item", item)):
        empty = (col == "").to_numpy()
        if empty.any():
            raise FuseInputError(
                f"{where}: {int(empty.sum()):,} claim(s) with an empty {name} cell (row(s) {_rows(read, empty)}"
                f"{', …' if empty.sum() > SHOW else ''}); every claim needs a {name}"
            )
    warnings: list[str] = []
    keep = (value != "").to_numpy()
    if not keep.all():
        warnings.append(f"{int((~keep).sum()):,} claim(s) with an empty value left out (a source that states nothing)")
    value_out: pd.Series | np.ndarray = value
    value_codes = value.cat.codes.to_numpy()
    if numeric:
        numbers = _parse_numbers(value.cat.categories)
        bad = keep & ~np.isfinite(numbers[value_codes])
        if bad.any():
            raise FuseInputError(
                f"{where}: {int(bad.sum()):,} value(s) are not numbers ({_rows(read, bad, 'value')}"
                f"{', …' if bad.sum() > SHOW else ''}); --numeric expects numbers such as 1234.5, 1,234.5 or ۱۲۳۴"
            )
        value_out = numbers[value_codes]
        value_codes = pd.factorize(value_out)[0]
    if not keep.all():
        source, item = source[keep], item[keep]
        value_out = value_out[keep] if isinstance(value_out, np.ndarray) else value_out[keep]
        value_codes = value_codes[keep]
        source = source.cat.remove_unused_categories()
        item = item.cat.remove_unused_categories()
        if isinstance(value_out, pd.Series):
            value_out = value_out.cat.remove_unused_categories()
    if len(source) == 0:
        raise FuseInputError(f"{where}: every value cell is empty: no claims to fuse")
    s = source.cat.codes.to_numpy().astype(np.int64)
    i = item.cat.codes.to_numpy().astype(np.int64)
    pair = s * max(len(item.cat.categories), 1) + i
    pair_code = pd.factorize(pair)[0].astype(np.int64)
    triple = pair_code * (int(value_codes.max(initial=0)) + 1) + value_codes
    repeated = pd.Series(triple).duplicated().to_numpy()
    n_same = int(repeated.sum())
    if n_same:
        warnings.append(
            f"{n_same:,} claim(s) repeat a value their source already states for the item (counted once)"
        )
        unique = ~repeated
        source, item, pair_code = source[unique], item[unique], pair_code[unique]
        value_out = value_out[unique] if isinstance(value_out, np.ndarray) else value_out[unique]
    per_pair = np.bincount(pair_code)
    k = per_pair[pair_code]
    weight = None
    if (k > 1).any():
        weight = 1.0 / k
        warnings.append(
            f"{int((per_pair > 1).sum()):,} (source, item) pair(s) with different values from one source: "
            "all kept, each weighted 1/k (k: the values the source states for the item)"
        )
    # plain text columns for the models (whose tables sort and compare values as text)
    claims = pd.DataFrame(
        {
            "source": np.asarray(source.cat.categories, dtype=object)[source.cat.codes.to_numpy()],
            "item": np.asarray(item.cat.categories, dtype=object)[item.cat.codes.to_numpy()],
            "value": value_out
            if isinstance(value_out, np.ndarray)
            else np.asarray(value_out.cat.categories, dtype=object)[value_out.cat.codes.to_numpy()],
        }
    )
    return Prepared(claims, weight, warnings)


# --- running and writing ---------------------------------------------------------------------


def run_fuse(
    path: Path,
    *,
    model: str | None = None,
    source_column: str = "source",
    item_column: str = "item",
    value_column: str = "value",
    numeric: bool = False,
) -> FuseRun:
    """Read ``path``, settle its claims and run ``model``: the two tables of ``fuse``.

    ``model`` defaults to :data:`reconcile.trust.fusion.DEFAULT_MODEL`. ``seconds`` has ``read`` (reading and preparing) and ``fit`` (the model and the tables).
    """
    from reconcile.trust.fusion import DEFAULT_MODEL, MODELS, fuse_table

    model = DEFAULT_MODEL if model is None else model
    if model not in MODELS:
        raise FuseInputError(f"unknown model {model!r}; the models are {', '.join(MODELS)} (see --model list)")
    start = time.perf_counter()
    read = read_claims(path, source_column, item_column, value_column)
    prepared = prepare_claims(read, numeric=numeric)
    read_done = time.perf_counter()
    params = {} if prepared.claim_weight is None else {"claim_weight": prepared.claim_weight}
    tables = fuse_table(prepared.claims, model, numeric=numeric, **params)
    items = tables.items
    support = items["support"].to_numpy(dtype=float)
    if np.all(support == np.round(support)):
        items = items.assign(support=support.astype(np.int64))
    items = items.assign(item=items["item"].astype(object), value=items["value"].astype(object))
    sources = tables.sources.assign(source=tables.sources["source"].astype(object))
    fit_done = time.perf_counter()
    return FuseRun(items, sources, prepared.warnings, {"read": read_done - start, "fit": fit_done - read_done})


def format_of(path: Path) -> str:
    """The format a file's extension names (``.csv``, ``.json``, ``.parquet``/``.pq``)."""
    fmt = _EXTENSIONS.get(Path(path).suffix.lower())
    if fmt is None:
        raise FuseInputError(
            f"{path}: cannot tell the format from the extension {Path(path).suffix or '(none)'!r}; "
            "expected .csv, .json or .parquet"
        )
    return fmt


def encode_table(frame: pd.DataFrame, fmt: str) -> bytes:
    """``frame`` as the bytes of a CSV file (header, ``,``, UTF-8), a JSON array of objects
    (one per row; NaN as null) or a Parquet file."""
    if fmt == "csv":
        return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    if fmt == "json":
        records = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
        return (json.dumps(records, ensure_ascii=False, default=_json_default, indent=None) + "\n").encode("utf-8")
    if fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        sink = pa.BufferOutputStream()
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), sink)
        return sink.getvalue().to_pybytes()
    raise ValueError(f"unknown format {fmt!r}")


def _json_default(obj: object) -> object:
    if isinstance(obj, np.generic):
        return obj.item()
    raise TypeError(f"{type(obj).__name__} is not JSON")


def write_table(frame: pd.DataFrame, path: Path, fmt: str) -> None:
    """Write ``frame`` to ``path`` in ``fmt`` atomically (:func:`reconcile.base.yamlio.write_atomic`)."""
    from reconcile.base.yamlio import write_atomic

    write_atomic(Path(path), encode_table(frame, fmt))
