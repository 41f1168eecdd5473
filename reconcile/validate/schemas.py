"""pandera schemas: the contracts of the tables that flow through the pipeline.

* :func:`source_input_schema` and :func:`claim_input_schema` check what people wrote
  (required fields, unique ids, known sources and properties, value ranges). They are built
  at run time because the allowed sources and properties come from the workspace. They run
  with ``lazy=True`` so every failure is collected; :func:`failures_to_problems` turns
  pandera's failure-case table into :class:`~reconcile.base.problems.Problem` records that point
  at file, line and claim id.
* :class:`ClaimModel` is the contract of the validated, normalized claims table that the
  rules, the graph and the reports consume.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow
import pyarrow.compute as pc
from pandera.typing import Series

from reconcile.base.fieldspec import excerpt
from reconcile.base.frames import map_distinct
from reconcile.base.problems import Problems

__all__ = [
    "ClaimModel",
    "check_claims",
    "SourceModel",
    "claim_input_schema",
    "source_input_schema",
    "failures_to_problems",
    "failures_by_column",
    "make_ready",
    "CHECK_TEXT",
    "CLAIM_CELLS",
    "check_cell_types",
]

#: Text columns of :class:`ClaimModel` that every claim has.
REQUIRED_TEXT_COLUMNS = (
    "claim_id", "source", "subject", "property", "value_type", "value", "value_label", "quote", "language",
    "document", "file",
)
#: Text columns of :class:`ClaimModel`.
TEXT_COLUMNS = (*REQUIRED_TEXT_COLUMNS, "date_precision", "qty_approx", "as_of")

#: The largest ``occurrence`` of a quote (a document holds fewer occurrences than characters).
OCCURRENCE_MAX = 1_000_000_000

CAPTURE_PATTERN = r"^(manual|extracted(:[\w.\-/ ]+)?)$"
CLAIM_ID_PATTERN = r"^[\w][\w.:\-/]*$"
#: :data:`CLAIM_ID_PATTERN` for ASCII ids, in RE2 (it accepts no id the pattern refuses).
CLAIM_ID_ASCII = r"^[A-Za-z0-9_][A-Za-z0-9_.:\-/]*$"

#: For each pandera check name: (message, what was expected). ``{value}`` is the failure case,
#: quoted as an excerpt (:func:`reconcile.base.fieldspec.excerpt`).
CHECK_TEXT: dict[str, tuple[str, str]] = {
    "not_nullable": ("required field is missing", "a value"),
    "field_uniqueness": ("duplicate id {value}", "ids unique in the workspace"),
    "known_source": ("unknown source {value}", "an id listed in claims/sources.yaml"),
    "known_property": ("unknown property {value}", "a property id from claims/properties.yaml"),
    "boolean": ("{value} is not a boolean", "true or false"),
    "text": ("{value} is not text", "text"),
    "confidence_range": ("confidence {value} is out of range", "a number from 0 to 1"),
    "capture_kind": ("unknown capture {value}", "manual or extracted:<tool>"),
    "positive_occurrence": (
        f"occurrence {{value}} is not a positive whole number (from 1 to {OCCURRENCE_MAX:,})",
        f"which occurrence of the quote: 1 (the first), 2, 3, … up to {OCCURRENCE_MAX:,}",
    ),
    "id_format": ("id {value} has spaces or odd characters", "letters, digits and . : - / _"),
    "known_kind": ("unknown source kind {value}", "press_release, news, reference, report, official, social or other"),
    "language_code": ("unknown language code {value}", "a language code such as fa, ar, en, ru"),
    "known_derived_from": ("derived_from names unknown source {value}", "an id of another source"),
    "dtype": ("wrong type {value}", "a value of the column's type"),
}


#: Built-in pandera checks (isin, str_matches) report themselves by their arguments, so
#: their meaning is looked up by column.
_COLUMN_CHECKS = {
    "source": "known_source",
    "property": "known_property",
    "capture": "capture_kind",
    "id": "id_format",
    "kind": "known_kind",
    "language": "language_code",
    "derived_from": "known_derived_from",
}


# Checks on claims as written. Each is vectorized and decides missing cells itself
# (``ignore_na=False``; a missing cell passes every check but :func:`_required`), and the
# required columns are declared nullable so that pandera does not look for missing cells
# again: pandera walks a column of Python objects up to three times per check to find
# them, which costs seconds at a million claims; one C pass (``infer_dtype``) proves that
# a column of text has none.


def _is_missing(value: object) -> bool:
    """Whether one cell is missing (None, NaN, NA, NaT)."""
    return value is None or (not isinstance(value, (list, tuple, dict)) and bool(pd.isna(value)))


def _missing(column: pd.Series) -> np.ndarray:
    """Which cells are missing; one C pass when the column holds only text."""
    if column.dtype == object and pd.api.types.infer_dtype(column, skipna=False) == "string":
        return np.zeros(len(column), dtype=bool)
    return column.isna().to_numpy()


def _required() -> pa.Check:
    """The field must be given: reported as ``not_nullable`` like pandera's own check."""
    return pa.Check(lambda column: pd.Series(~_missing(column), index=column.index), name="not_nullable", ignore_na=False)


def _known(values: list[str], name: str) -> pa.Check:
    """The cell is one of ``values`` (or missing)."""
    return pa.Check(lambda column: column.isin(values) | _missing(column), name=name, ignore_na=False)


def _per_distinct(test: Callable[[object], bool], name: str) -> pa.Check:
    """A pandera check that applies ``test`` to each distinct cell once (claim columns such
    as ``complete`` repeat a handful of values over millions of rows); ``test`` decides
    missing cells too."""
    return pa.Check(lambda column: map_distinct(column, test).astype(bool), name=name, ignore_na=False)


def _matches(pattern: str, name: str, ascii_pattern: str | None = None) -> pa.Check:
    """pandera's ``str_matches`` (Python ``re.match``; cells that are not text fail), each
    distinct cell tested once.

    With ``ascii_pattern``, a RE2 expression that must accept only strings ``pattern``
    accepts (such as ``pattern`` with ``\\w`` written as ASCII classes), pyarrow decides the
    cells it accepts in one pass and Python's ``re`` only the others: ids are all distinct,
    so testing them once each still means a million ``re`` calls otherwise.
    """
    compiled = re.compile(pattern)

    def test(value: object) -> bool:
        if value is None or (isinstance(value, float) and value != value):
            return True  # missing: the business of :func:`_required`
        return isinstance(value, str) and compiled.match(value) is not None

    def check(column: pd.Series) -> pd.Series:
        accepted = np.zeros(len(column), dtype=bool)
        if ascii_pattern is not None:
            try:
                text = pyarrow.array(column.to_numpy(dtype=object), type=pyarrow.large_string(), from_pandas=True)
                accepted = pc.fill_null(pc.match_substring_regex(text, ascii_pattern), False).to_numpy(zero_copy_only=False)
            except (pyarrow.ArrowException, UnicodeError):  # cells that are not text, lone surrogates
                pass
        if accepted.all():
            return pd.Series(accepted, index=column.index)
        rest = ~accepted
        accepted[rest] = map_distinct(column[rest], test).to_numpy(dtype=bool)
        return pd.Series(accepted, index=column.index)

    return pa.Check(check, name=name, ignore_na=False)


def _is_bool_like(value: object) -> bool:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return True
    if isinstance(value, bool):
        return True
    return str(value).strip().lower() in {"true", "false", "yes", "no", "1", "0"}


def _number(value: object) -> float | None:
    """The value as a number; NaN when it is not one (a boolean is not; None counts as
    missing: None)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return float("nan")
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")
    except OverflowError:  # a whole number beyond the floats
        return float("inf")


def _is_text(value: object) -> bool:
    """Whether a cell is text (or missing)."""
    return _is_missing(value) or isinstance(value, str)


def _confidence_ok(value: object) -> bool:
    number = _number(value)
    return number is None or 0.0 <= number <= 1.0


def _occurrence_ok(value: object) -> bool:
    number = _number(value)
    return number is None or (number == number and number.is_integer() and 1 <= number <= OCCURRENCE_MAX)


#: What each field of a claim as written holds (``value`` may also be a list or a
#: mapping: it is typed by its property). A list or a mapping in any other field is a
#: problem, reported by :func:`check_cell_types` before the other checks.
CLAIM_CELLS: dict[str, str] = {
    "id": "text",
    "source": "text",
    "subject": "text (a name or an entity id)",
    "property": "text",
    "quote": "text",
    "occurrence": "a whole number",
    "complete": "true or false",
    "as_of": "a date",
    "valid_from": "a date",
    "valid_to": "a date",
    "milestone": "text",
    "confidence": "a number",
    "capture": "text",
    "note": "text",
    "draft": "true or false",
    "because": "text",
}
#: Column kinds (pandas' ``infer_dtype``) that hold no list or mapping.
_SCALAR_KINDS = frozenset(
    {"string", "empty", "integer", "floating", "mixed-integer-float", "boolean", "decimal", "date", "datetime"}
)


def _is_container(value: object) -> bool:
    return isinstance(value, (list, tuple, dict, set, frozenset, np.ndarray)) or (
        not isinstance(value, str) and hasattr(value, "keys")
    )


def check_cell_types(claims: pd.DataFrame, problems: Problems) -> tuple[pd.DataFrame, set[tuple[Any, str]]]:
    """Report the cells of claims as written that hold a list or a mapping where the field
    holds text, a date or a number (:data:`CLAIM_CELLS`): a YAML list or mapping, a Parquet
    list or struct column. Returns the claims with those cells made missing (the other
    checks then never meet them) and the cells reported, as (row label, column).

    A column whose cells are all text, numbers or missing is proven so in one C pass."""
    reported: set[tuple[Any, str]] = set()
    replaced: dict[str, pd.Series] = {}
    ids = claims["id"]
    for column, what in CLAIM_CELLS.items():
        cells = claims[column]
        if cells.dtype != object or pd.api.types.infer_dtype(cells, skipna=True) in _SCALAR_KINDS:
            continue
        bad = cells.map(_is_container).astype(bool)
        if not bad.any():
            continue
        rows = claims.loc[bad, ["file", "line", "field_lines"]].assign(
            claim_id=ids[bad].map(lambda v: v if isinstance(v, str) else None)
        )
        problems.add_rows(
            rows,
            cells[bad].map(lambda v: f"`{column}` must be {what}, not {_kind(v)} {excerpt(v)}"),
            column=column,
            expected=what,
            code="cell-type",
        )
        reported.update((label, column) for label in cells.index[bad])
        replaced[column] = cells.where(~bad, None)
    return (claims.assign(**replaced) if replaced else claims), reported


def _kind(value: object) -> str:
    return "a mapping" if isinstance(value, dict) or hasattr(value, "keys") else "a list"


def claim_input_schema(sources: list[str], properties: list[str], *, ids_unique: bool = False) -> pa.DataFrameSchema:
    """Checks on claims as written (before typing values).

    ``ids_unique``: the caller has found the ids unique (validation does, with an Index
    it keeps for later lookups), so the schema does not hash them again; duplicates are
    reported by the schema only when there are some.
    """
    return pa.DataFrameSchema(
        {
            "id": pa.Column(
                None,
                [_required(), _matches(CLAIM_ID_PATTERN, "id_format", ascii_pattern=CLAIM_ID_ASCII)],
                nullable=True,  # see _required
                unique=not ids_unique,
                coerce=False,
            ),
            "source": pa.Column(None, [_required(), _known(sources, "known_source")], nullable=True),
            "subject": pa.Column(None, _required(), nullable=True),
            "property": pa.Column(None, [_required(), _known(properties, "known_property")], nullable=True),
            "value": pa.Column(None, _required(), nullable=True),
            "quote": pa.Column(None, _required(), nullable=True),
            "complete": pa.Column(None, _per_distinct(_is_bool_like, "boolean"), nullable=True),
            "draft": pa.Column(None, _per_distinct(_is_bool_like, "boolean"), nullable=True),
            "because": pa.Column(None, _per_distinct(_is_text, "text"), nullable=True),
            "confidence": pa.Column(None, _per_distinct(_confidence_ok, "confidence_range"), nullable=True),
            "capture": pa.Column(None, _matches(CAPTURE_PATTERN, "capture_kind"), nullable=True),
            "occurrence": pa.Column(None, _per_distinct(_occurrence_ok, "positive_occurrence"), nullable=True),
        },
        strict=False,
        name="claims as written",
    )


def source_input_schema(source_ids: list[str], kinds: tuple[str, ...], languages: set[str]) -> pa.DataFrameSchema:
    """Checks on ``sources.yaml`` entries."""
    return pa.DataFrameSchema(
        {
            "id": pa.Column(None, pa.Check.str_matches(CLAIM_ID_PATTERN, name="id_format"), nullable=False, unique=True),
            "document": pa.Column(None, nullable=False),
            "language": pa.Column(None, pa.Check.isin(sorted(languages), name="language_code"), nullable=False),
            "kind": pa.Column(None, pa.Check.isin(list(kinds), name="known_kind"), nullable=False),
            "published": pa.Column(None, nullable=False),
            "derived_from": pa.Column(None, pa.Check.isin(source_ids, name="known_derived_from"), nullable=True),
        },
        strict=False,
        name="sources",
    )


def make_ready() -> None:
    """Have pandera register its pandas backends now (it imports them when a schema first
    validates, a tenth of a second or more), by validating a one-row frame. Thread-safe:
    :func:`reconcile.validate.claims.prepare_validation` runs it while the files are read."""
    pa.DataFrameSchema({"text": pa.Column(object)}).validate(pd.DataFrame({"text": pd.Series(["a"], dtype=object)}))


def failures_to_problems(
    frame: pd.DataFrame,
    schema: pa.DataFrameSchema,
    problems: Problems,
    *,
    id_column: str = "id",
    is_claim: bool = True,
    reported: set[tuple[Any, str]] | None = None,
) -> pd.Index:
    """Validate ``frame`` lazily; add a problem per failure case; return failing row labels.

    ``frame`` must carry ``file``, ``line`` and ``field_lines`` columns so that each failure
    points at the line of the offending field. Failures of the cells ``reported`` (row
    label, column), whose problem is already reported, are not reported again.
    """
    by_column = failures_by_column(frame, schema, problems, id_column=id_column, is_claim=is_claim, reported=reported)
    return pd.Index(sorted({label for labels in by_column.values() for label in labels}))


def failures_by_column(
    frame: pd.DataFrame,
    schema: pa.DataFrameSchema,
    problems: Problems,
    *,
    id_column: str = "id",
    is_claim: bool = True,
    reported: set[tuple[Any, str]] | None = None,
) -> dict[str, pd.Index]:
    """As :func:`failures_to_problems`, but the failing row labels per column (only columns
    with a failing row are keys): later checks skip a row only for the fields its checks
    need, so that its other, independent problems are still reported in the same run."""
    try:
        schema.validate(frame, lazy=True, inplace=True)  # checks only: no copy of the frame
        return {}
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    failing: dict[str, list] = {}
    for column, check, value, index in zip(cases["column"], cases["check"], cases["failure_case"], cases["index"]):
        if index is None or pd.isna(index):
            problems.add(f"{column}: {check}", file=None, column=str(column))
            continue
        if reported and (index, str(column)) in reported:
            failing.setdefault(str(column), []).append(index)
            continue
        row = frame.loc[index]
        name = str(check).split("(")[0]
        if name not in CHECK_TEXT:
            name = _COLUMN_CHECKS.get(str(column), name)
        message, expected = CHECK_TEXT.get(name, (f"failed check {excerpt(str(check))}: {{value}}", None))
        if name == "not_nullable":
            message = f"required field `{column}` is missing"
        elif name == "field_uniqueness":
            message = f"duplicate {column} {excerpt(value)}"
            if is_claim:
                firsts = frame.index[(frame[column] == value)]
                first = frame.loc[firsts[0]]
                if firsts[0] != index:
                    message += f" (first used at {first['file']}:{first['line']})"
                else:
                    continue  # report the later duplicates, each pointing at the first
        else:
            # a whole number read into a float column (YAML ints beside empty cells) reads as written
            shown = int(value) if isinstance(value, float) and value.is_integer() else value
            message = message.format(value=excerpt(shown))
        field_lines = row.get("field_lines") if isinstance(row.get("field_lines"), dict) else {}
        line = field_lines.get(str(column), row.get("line"))
        problems.add(
            message,
            file=row.get("file"),
            line=None if line is None or pd.isna(line) else int(line),
            claim_id=(str(row.get(id_column)) if is_claim and not _is_missing(row.get(id_column)) else None),
            column=str(column),
            expected=expected,
            code=name,
        )
        failing.setdefault(str(column), []).append(index)
    return {column: pd.Index(sorted(set(labels))) for column, labels in failing.items()}


class SourceModel(pa.DataFrameModel):
    """A validated source (one row per entry of ``sources.yaml``)."""

    source: Series[str] = pa.Field(unique=True)
    document: Series[str] = pa.Field(nullable=True)
    language: Series[str]
    title: Series[str] = pa.Field(nullable=True)
    publisher: Series[str] = pa.Field(nullable=True)
    kind: Series[str]
    published: Series[str] = pa.Field(nullable=True)
    published_start: Series[pd.Timestamp] = pa.Field(nullable=True)
    published_end: Series[pd.Timestamp] = pa.Field(nullable=True)
    derived_from: Series[str] = pa.Field(nullable=True)

    class Config:
        strict = False
        coerce = True


class ClaimModel(pa.DataFrameModel):
    """A validated, normalized claim: the input every rule receives.

    ``value`` is the canonical text of the value (entity id; sorted ``;``-joined ids for
    sets; ISO date; ``about 3600 person`` for quantities; the status word; folded text),
    equal for two claims exactly when their values are the same. Typed helper columns
    (``value_ids``, ``date_*``, ``qty_*``) carry what the rules compare.

    Text columns hold Python ``str`` objects (``object`` dtype: rules and reports read them
    element by element, which is several times slower on Arrow strings); the check
    :meth:`text_columns_hold_text` verifies that in one C pass per column. That pass also
    proves the required text columns (:data:`REQUIRED_TEXT_COLUMNS`) hold no missing value,
    so they are declared ``nullable=True`` to pandera, whose own null check would walk each
    column of Python objects again (a second per million claims and column set).

    ``quote`` is the exception: it holds pandas' Arrow-backed text (``str``, see
    :data:`reconcile.base.frames.ARROW_TEXT`), which only Arrow's kernels read (locating quotes,
    writing reports), or Python strings when Arrow cannot hold them all (a lone surrogate).
    Read it with ``.tolist()`` or ``.to_numpy(dtype=object)`` for Python strings either way.
    """

    claim_id: Series[object] = pa.Field(unique=True, nullable=True)
    source: Series[object] = pa.Field(nullable=True)
    subject: Series[object] = pa.Field(nullable=True)
    property: Series[object] = pa.Field(nullable=True)
    value_type: Series[object] = pa.Field(nullable=True, isin=["entity", "entity_set", "date", "quantity", "status", "text"])
    value: Series[object] = pa.Field(nullable=True)
    value_label: Series[object] = pa.Field(nullable=True)
    complete: Series[bool]
    date_start: Series[pd.Timestamp] = pa.Field(nullable=True)
    date_end: Series[pd.Timestamp] = pa.Field(nullable=True)
    date_precision: Series[object] = pa.Field(nullable=True, isin=["year", "month", "day"])
    qty_amount: Series[float] = pa.Field(nullable=True)
    qty_approx: Series[object] = pa.Field(
        nullable=True, isin=["exact", "about", "more_than", "less_than", "at_least", "at_most"]
    )
    as_of: Series[object] = pa.Field(nullable=True)
    as_of_start: Series[pd.Timestamp] = pa.Field(nullable=True)
    as_of_end: Series[pd.Timestamp] = pa.Field(nullable=True)
    valid_from_start: Series[pd.Timestamp] = pa.Field(nullable=True)
    valid_to_end: Series[pd.Timestamp] = pa.Field(nullable=True)
    quote: Series[Any] = pa.Field(nullable=True)  # Arrow strings, or objects: see above
    span_start: Series[int] = pa.Field(ge=0)
    span_end: Series[int] = pa.Field(ge=0)
    language: Series[object] = pa.Field(nullable=True)
    document: Series[object] = pa.Field(nullable=True)
    file: Series[object] = pa.Field(nullable=True)
    line: Series[int] = pa.Field(nullable=True)
    confidence: Series[float] = pa.Field(ge=0, le=1)
    draft: Series[bool]
    """A draft claim (of ``claims/drafts/``, read with ``--drafts``) not yet accepted by a person."""
    because: Series[object] = pa.Field(nullable=True)
    """For a draft: what matched, as ``reconcile draft`` wrote it."""

    @pa.dataframe_check
    def text_columns_hold_text(cls, frame: pd.DataFrame) -> bool:
        """Every text column holds only strings; missing values only in the optional ones."""
        return all(
            pd.api.types.infer_dtype(frame[col], skipna=col not in REQUIRED_TEXT_COLUMNS) in ("string", "empty")
            for col in TEXT_COLUMNS
        )

    class Config:
        strict = False
        coerce = False  # validation builds the table with these types; a check, not a cast


@functools.cache
def _claim_schema(ids_checked: bool) -> pa.DataFrameSchema:
    schema = ClaimModel.to_schema()
    return schema.update_column("claim_id", unique=False) if ids_checked else schema


def check_claims(frame: pd.DataFrame, *, ids_checked: bool = False) -> pd.DataFrame:
    """``frame`` checked against :class:`ClaimModel` in place (nothing is cast or copied).

    ``ids_checked``: the caller has already proven the claim ids unique, as validation
    does (the input schema checks the ids as written, and rows are only dropped after), so
    the pass over a million distinct strings is not made twice.
    """
    return _claim_schema(ids_checked).validate(frame, inplace=True)
