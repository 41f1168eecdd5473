"""Writing drafts to ``claims/drafts/<source>.yaml`` without losing anything people wrote.

A drafts file is a claim file (``source:``, ``claims:``) whose entries carry ``draft: true``,
``confidence`` and ``because``. Drafting again keeps every entry the file holds as it is (a
draft someone corrected stays corrected), and appends only drafts whose id it does not hold;
run twice on the same document, ``reconcile draft`` gives the same file. The file is edited in
ruamel.yaml's round trip (comments and order kept), checked to read back, and written
atomically under the lock of its folder.

Which drafts are left out before writing (:func:`new_drafts`): those already captured (same
source, subject, property and value, and a quote that overlaps the captured claim's) and those
a person rejected (``claims/drafts/rejected.yaml``, see :mod:`reconcile.drafting.review`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from reconcile.base import files
from reconcile.base.files import FileReadError
from reconcile.base.yamlio import YamlLoadError, parse_yaml, round_trip_text, write_atomic
from .drafter import Draft

__all__ = ["DRAFTS_DIR", "drafts_path", "new_drafts", "write_drafts", "check_drafts_file", "DraftFileError"]

DRAFTS_DIR = Path("claims") / "drafts"


class DraftFileError(ValueError):
    """A drafts file that cannot be read as a claim file: it is left as it is."""


def drafts_path(root: Path, source: str) -> Path:
    """Where the drafts of ``source`` go."""
    return root / DRAFTS_DIR / f"{source}.yaml"


def value_key(prop_type: str, value: Any) -> str:
    """A draft's value as the validated claims hold it (``value`` column), to compare."""
    if prop_type == "entity_set":
        return ";".join(sorted(map(str, value)))
    if prop_type == "quantity" and isinstance(value, dict):
        return f"{float(value['amount']):g}|{value.get('approx', 'exact')}"
    return str(value)


def _captured_keys(claims: pd.DataFrame, source: str) -> dict[tuple[str, str, str], list[tuple[int, int]]]:
    """Per (subject, property, value key): the spans of the source's captured claims."""
    mine = claims[claims["source"].eq(source)]
    if mine.empty:
        return {}
    value = mine["value"].astype(str)
    quantity = mine["value_type"].eq("quantity").to_numpy()
    if quantity.any():
        amounts = mine["qty_amount"].to_numpy(dtype=float)
        approx = mine["qty_approx"].astype(str).to_numpy()
        value = value.where(~quantity, [f"{a:g}|{b}" for a, b in zip(amounts, approx)])
    out: dict[tuple[str, str, str], list[tuple[int, int]]] = {}
    starts = mine["span_start"].to_numpy()
    ends = mine["span_end"].to_numpy()
    for key, s, e in zip(zip(mine["subject"], mine["property"], value), starts, ends):
        if not (pd.isna(s) or pd.isna(e)):
            out.setdefault(key, []).append((int(s), int(e)))
    return out


def new_drafts(
    drafts: list[Draft],
    source: str,
    claims: pd.DataFrame,
    types: dict[str, str],
    rejected: Callable[[Draft], bool],
) -> tuple[list[Draft], int, int]:
    """The drafts neither captured nor ``rejected``, and how many of each were left out."""
    captured = _captured_keys(claims, source)
    out, n_captured, n_rejected = [], 0, 0
    for d in drafts:
        key = (d.subject, d.property, value_key(types.get(d.property, ""), d.value))
        if any(s < d.end and d.start < e for s, e in captured.get(key, ())):
            n_captured += 1
        elif rejected(d):
            n_rejected += 1
        else:
            out.append(d)
    return out, n_captured, n_rejected


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096  # a quote stays on one line
    return yaml


def write_drafts(path: Path, root: Path, source: str, drafts: list[Draft], document: str) -> int:
    """Append the drafts whose id ``path`` does not hold; return how many were added.

    Raises :class:`DraftFileError` when the file exists but is not a claim file of
    ``source`` (it is then left as it is), ``OSError`` when it cannot be written.
    """
    yaml = _yaml()
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with files.locked(path.parent):
        data = _read(path, root, rel, yaml)
        if data is None:
            data = CommentedMap()
            data["source"] = source
            data["claims"] = CommentedSeq()
            data.yaml_set_start_comment(
                f"Drafted by `reconcile draft` from {document}.\n"
                "Review with `reconcile check --drafts`, then `reconcile accept` or `reconcile reject`;\n"
                "drafting again keeps what is here and adds only what is new."
            )
        if str(data.get("source")) != source:
            raise DraftFileError(f"{rel} holds the drafts of {files.excerpt(data.get('source'))}, not of {source}")
        seq = data.get("claims")
        if seq is None:
            seq = data["claims"] = CommentedSeq()
        if not isinstance(seq, CommentedSeq):
            raise DraftFileError(f"`claims` in {rel} is not a list")
        held = {str(e.get("id")) for e in seq if isinstance(e, CommentedMap)}
        added = 0
        for d in drafts:
            record = d.record(source)
            if record["id"] in held:
                continue
            entry = CommentedMap()
            for k, v in record.items():
                entry[k] = _flow(v) if isinstance(v, (list, dict)) else v
            seq.append(entry)
            held.add(record["id"])
            added += 1
        if added or not path.exists():
            try:
                text = round_trip_text(yaml, data)  # never write a file that cannot be read back
            except YamlLoadError as exc:
                raise DraftFileError(f"the new {rel} would not read back ({exc}); it is left as it is") from None
            write_atomic(path, text)
    return added


def check_drafts_file(path: Path, root: Path, source: str) -> None:
    """Raise :class:`DraftFileError` unless ``path`` is missing, empty, or a claim file of
    ``source`` with a ``claims`` list (what :func:`write_drafts` can extend)."""
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    data = _read(path, root, rel, _yaml())
    if data is None:
        return
    if str(data.get("source")) != source:
        raise DraftFileError(f"{rel} holds the drafts of {files.excerpt(data.get('source'))}, not of {source}")
    if data.get("claims") is not None and not isinstance(data.get("claims"), CommentedSeq):
        raise DraftFileError(f"`claims` in {rel} is not a list")


def _flow(value: Any) -> Any:
    """A list or mapping written on one line ([country:AM, country:BY])."""
    if isinstance(value, list):
        seq = CommentedSeq(value)
        seq.fa.set_flow_style()
        return seq
    m = CommentedMap(value)
    m.fa.set_flow_style()
    return m


def _read(path: Path, root: Path, rel: str, yaml: YAML) -> CommentedMap | None:
    try:
        if files.existing(path, root=root) is None:
            return None
        text = files.read_text(path, root=root)
    except FileReadError as exc:
        raise DraftFileError(f"{rel}: {exc}") from None
    if not text.strip():
        return None
    try:
        parse_yaml(text)
        data = yaml.load(text)
    except (YamlLoadError, YAMLError) as exc:
        raise DraftFileError(f"{rel} is not valid YAML ({files.excerpt(str(exc))})") from None
    if not isinstance(data, CommentedMap):
        raise DraftFileError(f"{rel} is not a claim file (a mapping with `source` and `claims`)")
    return data


def subject_kinds_from(claims: pd.DataFrame, kind_of: Any) -> dict[str, frozenset[str]]:
    """Per property: the kinds of the subjects its captured claims have."""
    if claims.empty:
        return {}
    pairs = claims[["property", "subject"]].drop_duplicates()
    kinds = np.array([kind_of(s) for s in pairs["subject"]], dtype=object)
    out: dict[str, set[str]] = {}
    for prop, kind in zip(pairs["property"], kinds):
        if kind:
            out.setdefault(prop, set()).add(kind)
    return {p: frozenset(k) for p, k in out.items()}
