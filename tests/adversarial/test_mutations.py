"""Random mutations of the small valid ``mini`` workspace (issue 18, the generative part).

Each example copies ``tests/fixtures/mini``, applies one to three mutations drawn by
hypothesis, and runs ``reconcile validate`` and ``reconcile check`` through click's
CliRunner. Whatever the mutation:

* never a traceback: the exit code is 0, 1 or 2, and no exception but SystemExit;
* never a silent loss: when ``validate`` exits 0, the number of claims it reports is the
  number of claim entries the claim files hold (YAML items of ``claims:``, CSV rows);
* ``check`` agrees: it exits 2 whenever ``validate`` does;
* never a write: every file of the workspace is byte-identical afterwards.

A mutation replaces a value of a registry, a claim file or the settings with a random YAML
value (integers, huge integers, NaN and infinities, lists, mappings, null, long text,
control characters, other scripts), deletes an entry or a field, duplicates an entry, adds
an unknown key, rewrites a cell or a row of the CSV claim file, or adds a Parquet claim
file with a column of another type (lists, structs, huge integers, NaN, bytes, nulls). The number of examples
tried is printed (``-s``) and asserted; ``RECONCILE_MUTATIONS=2000`` tries more.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ..conftest import FIXTURES
from .mini_edits import invoke

YAML_FILES = (
    "claims/sources.yaml",
    "claims/entities.yaml",
    "claims/properties.yaml",
    "claims/captured/alpha.yaml",
)
CSV_FILE = "claims/captured/beta.csv"
#: Examples per run (about a quarter of a second each); RECONCILE_MUTATIONS asks for more.
EXAMPLES = int(os.environ.get("RECONCILE_MUTATIONS", "250"))

# --- random values --------------------------------------------------------------------------

_SCRIPTS = "abcXYZ ٠١٢۳۴ابپتسازمانپیمانмирКиевΩλ中文\u200c\u200f\u202e-_:./;,'\"#&*!|>%@`{}[]"
_CONTROL = "".join(map(chr, [*range(0, 9), 11, 12, *range(14, 32), 127, 0x85, 0x2028, 0x2029, 0xFEFF]))

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.integers(min_value=10**18, max_value=10**1000),
    st.integers(min_value=10**18, max_value=10**1000).map(lambda n: -n),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([2015, 2015.0, "2015", "1992-05-15", "about -5", "-5 people", "org:csto", "country:AM", ""]),
    st.text(alphabet=_SCRIPTS, max_size=30),
    st.text(alphabet=_CONTROL + "ab", min_size=1, max_size=10),
    st.integers(min_value=1_000, max_value=100_000).map(lambda n: ("Armenia " * n)[:n]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(alphabet="abcdeamountunitapprox", min_size=1, max_size=8), inner, max_size=3),
    ),
    max_leaves=6,
)
cell_texts = st.one_of(
    st.text(alphabet=_SCRIPTS, max_size=30),
    st.sampled_from(["", "2015", "-5", "true", "maybe", "1e400", "9" * 500, "nan", "inf", "a;b;;c", "country:AM"]),
    st.text(alphabet=_CONTROL.replace("\x00", "") + "ab", min_size=1, max_size=8),
)
toml_values = st.one_of(
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(alphabet="abc -", max_size=5),
    st.lists(st.integers(min_value=0, max_value=3), max_size=2),
)
TOML_KEYS = [
    ("rules.quantity-mismatch", "about_margin"),
    ("rules.quantity-mismatch", "report_minor"),
    ("rules.date-mismatch", "min_gap_days"),
    ("rules.set-mismatch", "severity"),
    ("rules.set-mismatch", "enabled"),
    ("rules.no-such-rule", "enabled"),
    ("", "baseline"),
    ("", "rule_folder"),
    ("", "rules"),
    ("", "unknown_setting"),
]


def _toml(value: Any) -> str:
    """A TOML value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(map(_toml, value)) + "]"
    return str(value)


# --- mutations -------------------------------------------------------------------------------


def _nodes(data: Any, path: tuple = ()) -> list[tuple]:
    """Every path into ``data`` (keys and indexes), the root's included."""
    out = [path]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _nodes(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _nodes(v, path + (i,))
    return out


def _parent(data: Any, path: tuple) -> Any:
    for step in path[:-1]:
        data = data[step]
    return data


def _mutate_yaml(draw: st.DrawFn, data: Any) -> tuple[Any, str]:
    """``data`` (a YAML document as Python values) with one random mutation; its description."""
    paths = _nodes(data)
    path = draw(st.sampled_from(paths))
    op = draw(st.sampled_from(["replace", "replace", "replace", "delete", "duplicate", "add_key"]))
    if not path:
        return draw(values), "replace the whole document"
    parent = _parent(data, path)
    key = path[-1]
    if op == "replace":
        parent[key] = draw(values)
    elif op == "delete":
        del parent[key]
    elif op == "duplicate" and isinstance(parent, list):
        parent.insert(key, _copy(parent[key]))
    elif op == "add_key" and isinstance(parent[key], dict):
        parent[key][draw(st.sampled_from(["extra", "amount", "id", "names", "rules", "min", "tolerance", "source"]))] = draw(values)
    else:
        parent[key] = draw(values)
        op = "replace"
    return data, f"{op} at {path!r}"


def _copy(value: Any) -> Any:
    return yaml.safe_load(yaml.safe_dump(value))


def _mutate_csv(draw: st.DrawFn, text: str) -> tuple[str, str]:
    rows = list(csv.reader(io.StringIO(text)))
    op = draw(st.sampled_from(["cell", "cell", "cell", "delete_row", "duplicate_row", "drop_column", "extra_cell"]))
    r = draw(st.integers(min_value=0, max_value=len(rows) - 1))
    c = draw(st.integers(min_value=0, max_value=len(rows[0]) - 1))
    if op == "cell":
        rows[r][c] = draw(cell_texts)
    elif op == "delete_row":
        del rows[r]
    elif op == "duplicate_row":
        rows.insert(r, list(rows[r]))
    elif op == "drop_column":
        rows = [row[:c] + row[c + 1 :] for row in rows]
    else:
        rows[r].append(draw(cell_texts))
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue(), f"csv {op} at row {r}, column {c}"


PARQUET_FILE = "claims/captured/gamma.parquet"
#: A valid Parquet claim file of source alpha: two claims quoting alpha's document.
PARQUET_CLAIMS = {
    "id": ["p-1", "p-2"],
    "source": ["alpha", "alpha"],
    "subject": ["treaty:cst", "force:peacekeeping"],
    "property": ["signed_in", "personnel"],
    "value": ["Tashkent", "3600"],
    "quote": ["signed in Tashkent", "about 3,600 personnel"],
}
arrow_columns = st.one_of(
    st.lists(st.one_of(st.none(), st.text(alphabet=_SCRIPTS, max_size=5)), min_size=2, max_size=2).map(
        lambda v: pa.array([None if x is None else [x] for x in v], pa.list_(pa.string()))
    ),
    st.just(pa.array([{"a": 1}, None], pa.struct([("a", pa.int64())]))),
    st.lists(st.integers(min_value=-(2**63), max_value=2**63 - 1), min_size=2, max_size=2).map(pa.array),
    st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=2, max_size=2).map(pa.array),
    st.lists(st.booleans(), min_size=2, max_size=2).map(pa.array),
    st.lists(st.binary(max_size=4), min_size=2, max_size=2).map(pa.array),
    st.just(pa.nulls(2)),
    st.lists(st.sampled_from(["2015", "", "org:csto", "alpha"]), min_size=2, max_size=2).map(
        lambda v: pa.array(v).dictionary_encode()
    ),
)


def _parquet(columns: dict[str, Any]) -> bytes:
    out = io.BytesIO()
    pq.write_table(pa.table(columns), out)
    return out.getvalue()


@st.composite
def mutations(draw: st.DrawFn) -> list[tuple[str, str | bytes, str]]:
    """One to three mutations of the mini workspace: (file, its new text or bytes,
    description of them all)."""
    texts: dict[str, str | bytes] = {
        rel: (FIXTURES / "mini" / rel).read_text(encoding="utf-8") for rel in (*YAML_FILES, CSV_FILE)
    }
    done: list[str] = []
    toml: list[str] = []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        target = draw(st.sampled_from([*YAML_FILES, *YAML_FILES, CSV_FILE, "reconcile.toml", PARQUET_FILE]))
        if target == PARQUET_FILE:
            column = draw(st.sampled_from([*PARQUET_CLAIMS, "occurrence", "valid_from", "complete", "confidence"]))
            texts[target] = _parquet({**PARQUET_CLAIMS, column: draw(arrow_columns)})
            what = f"column {column} of another type"
        elif target == CSV_FILE:
            texts[target], what = _mutate_csv(draw, texts[target])
        elif target == "reconcile.toml":
            table, key = draw(st.sampled_from(TOML_KEYS))
            toml.append((f"[{table}]\n" if table else "") + f"{key} = {_toml(draw(toml_values))}\n")
            what = f"setting {table}.{key}"
        else:
            data, what = _mutate_yaml(draw, yaml.safe_load(texts[target]))
            texts[target] = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9)
        done.append(f"{target}: {what}")
    if toml:  # top-level settings first, then the tables
        texts["reconcile.toml"] = "".join(sorted(toml, key=lambda t: t.startswith("[")))
    return [(rel, text, "; ".join(done)) for rel, text in texts.items()]


# --- what must hold --------------------------------------------------------------------------


def _claims_written(root: Path) -> int | None:
    """The claim entries the claim files hold (None when a claim file is not YAML one can
    count: its claims cannot all be valid)."""
    data = yaml.safe_load((root / "claims/captured/alpha.yaml").read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("claims"), list):
        return None
    rows = list(csv.reader(io.StringIO((root / CSV_FILE).read_text(encoding="utf-8"), newline="")))
    parquet = pq.read_table(root / PARQUET_FILE).num_rows if (root / PARQUET_FILE).exists() else 0
    return len(data["claims"]) + sum(1 for row in rows[1:] if any(cell.strip() for cell in row)) + parquet


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*") if p.is_file()}


TRIED: list[str] = []


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(mutations())
def _no_traceback_no_loss_no_write(edits: list[tuple[str, str, str]]) -> None:
    root = Path(tempfile.mkdtemp(prefix="reconcile-mutation-")) / "mini"
    try:
        shutil.copytree(FIXTURES / "mini", root)
        for rel, text, _ in edits:
            if isinstance(text, bytes):
                (root / rel).write_bytes(text)
            else:
                (root / rel).write_text(text, encoding="utf-8")
        TRIED.append(edits[0][2])
        before = _tree(root)
        code, out = invoke(root, "validate")
        assert code in (0, 2), (edits[0][2], out[-3000:])
        if code == 0:
            reported = re.search(r"(\d+) claims", out)
            assert reported, out
            assert int(reported.group(1)) == _claims_written(root), (edits[0][2], out[-3000:])
        check, check_out = invoke(root, "check")
        assert check in (0, 1, 2), (edits[0][2], check_out[-3000:])
        if code == 2:
            assert check == 2, (edits[0][2], check_out[-3000:])
        assert _tree(root) == before, edits[0][2]
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)


def test_random_mutations_never_crash_lose_or_write():
    TRIED.clear()
    _no_traceback_no_loss_no_write()
    print(f"\n{len(TRIED)} random mutations of the mini workspace tried")
    assert len(TRIED) >= EXAMPLES // 2
