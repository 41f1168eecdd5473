"""Validating a piece of the claims on a worker, and sending its claims to the partition
of their subject.

A piece (one claim file, or a few small ones) is validated by
:func:`reconcile.validate.claims.validate`, unchanged, on a
:class:`~reconcile.load.workspace.RawWorkspace` that holds the piece's claims, the
workspace's sources and registries, and the documents of the sources the piece cites
(read on the worker: only those). What validation reports about the sources and
registries themselves is reported once, by the client (:func:`workspace_problems`); a
piece keeps only its own. Claim ids are checked unique within the piece by validation and
across pieces by :func:`cross_piece_duplicates`.

The validated claims are split by subject (:func:`subject_partition`): every claim of a
subject goes to the same partition, so every claim key (subject, property, time scope),
and so every rule's group and every item of the truth model, lies in one partition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from reconcile.base.problems import Problem, Problems
from reconcile.dask_engine.claim_files import ClaimFile, read_piece
from reconcile.load.registry import Registry
from reconcile.load.workspace import RawWorkspace, read_documents
from reconcile.validate.claims import validate

__all__ = ["rules_context_properties", "WorkspaceContext", "PieceResult", "validate_piece", "subject_partition", "cross_piece_duplicates", "duplicate_problems"]


@dataclass
class WorkspaceContext:
    """What every piece and partition needs of the workspace, sent once to each worker:
    its root, its raw sources and registries, and the problems the client has reported
    already (the workspace's own, not a piece's)."""

    root: Path
    raw_sources: pd.DataFrame
    registry: Registry
    reported: frozenset[Problem] = frozenset()
    context_properties: frozenset[str] = frozenset()
    """Properties whose claims every partition gets, whatever their subject: those the
    rules read of other subjects (:func:`rules_context_properties`)."""
    _gazetteer: object = field(default=None, repr=False)
    _rules: tuple | None = field(default=None, repr=False)

    def __getstate__(self) -> dict:
        # what a worker builds for itself is not sent
        return {**self.__dict__, "_gazetteer": None, "_rules": None}

    def rules(self) -> tuple[dict, dict]:
        """The workspace's rules and their configuration, discovered once per worker (the
        client reports their problems)."""
        if self._rules is None:
            from reconcile.detect.rulekit import discover_rules, load_config

            rules = discover_rules(self.root, Problems())
            configs, _ = load_config(self.root, rules, Problems())
            self._rules = (rules, configs)
        return self._rules

    def gazetteer(self):
        """The workspace's gazetteer, built once per worker."""
        if self._gazetteer is None:
            from reconcile.validate.claims import workspace_gazetteer

            self._gazetteer = workspace_gazetteer(self.registry)
        return self._gazetteer


def rules_context_properties(rules: dict, configs: dict, registry: Registry) -> frozenset[str]:
    """The properties the enabled rules read of subjects other than the one they report on:
    what each rule module's ``context_properties(options, registry)`` declares (a rule
    without it reads only the claims of the subjects it reports on)."""
    import sys

    out: set[str] = set()
    for rid, info in rules.items():
        config = configs.get(rid)
        if config is None or not config.enabled:
            continue
        hook = getattr(sys.modules.get(info.check.__module__), "context_properties", None)
        if hook is not None:
            out.update(str(p) for p in hook(config.options, registry))
    return frozenset(out)


@dataclass
class PieceResult:
    """A piece validated: its claims by partition, its problems, and its claim ids (with
    where each is written) by partition of the ids, for the check across pieces."""

    parts: list[pd.DataFrame]
    context: pd.DataFrame
    """The piece's claims of the context properties (also in ``parts``)."""
    problems: list[Problem]
    ids: list[pd.DataFrame]
    n_claims: int


def subject_partition(subjects: pd.Series, n_partitions: int) -> np.ndarray:
    """The partition of each subject: a stable hash of its id (the same in every process
    and run), modulo ``n_partitions``."""
    hashed = pd.util.hash_array(subjects.astype(str).to_numpy(dtype=object))
    return (hashed % np.uint64(n_partitions)).astype(np.int64)


def _split(frame: pd.DataFrame, part: np.ndarray, n_partitions: int) -> list[pd.DataFrame]:
    """The rows of ``frame`` by partition (``part`` per row), each in the order of ``frame``."""
    order = np.argsort(part, kind="stable")
    bounds = np.searchsorted(part[order], np.arange(n_partitions + 1))
    return [frame.take(order[a:b]).reset_index(drop=True) for a, b in zip(bounds[:-1], bounds[1:])]


def validate_piece(context: WorkspaceContext, piece: list[ClaimFile], index: int, n_partitions: int) -> PieceResult:
    """Read and validate ``piece`` (the ``index``-th, in the order of the files), and split
    its claims by subject and its ids by id into ``n_partitions`` partitions."""
    problems = Problems()
    raw_claims = read_piece(context.root, piece, problems)
    sources = context.raw_sources
    cited = sources[sources["id"].isin(pd.unique(raw_claims["source"].dropna().astype(str)))]
    documents = read_documents(context.root, cited, Problems()) if len(cited) else {}
    raw = RawWorkspace(context.root, sources, raw_claims, context.registry, documents)
    ws = validate(raw, problems)
    mine = [p for p in dict.fromkeys(problems.items) if p not in context.reported]
    claims = ws.claims
    parts = _split(claims, subject_partition(claims["subject"], n_partitions), n_partitions)
    shared = claims[claims["property"].isin(list(context.context_properties))] if context.context_properties else claims.iloc[:0]
    return PieceResult(parts, shared.reset_index(drop=True), mine, _id_parts(raw_claims, index, n_partitions), len(claims))


def _id_parts(raw: pd.DataFrame, piece: int, n_partitions: int) -> list[pd.DataFrame]:
    """Each claim id as written, with its file, its line, the line of its ``id`` field, the
    piece and the row, split by a hash of the id."""
    ids = raw["id"]
    given = ids.notna().to_numpy()
    lines = raw["line"].to_numpy(dtype=object)
    field_lines = raw["field_lines"].to_numpy(dtype=object)
    id_line = lines.copy()
    # only claims read from YAML have the lines of their fields (few): looked at one by one
    for at in np.flatnonzero(~pd.isna(field_lines)):
        if isinstance(field_lines[at], dict):
            id_line[at] = field_lines[at].get("id", lines[at])
    frame = pd.DataFrame(
        {
            "id": ids.to_numpy(dtype=object),
            "key": ids.astype(str).to_numpy(dtype=object),
            "file": raw["file"].to_numpy(dtype=object),
            "line": lines,
            "id_line": id_line,
            "piece": piece,
            "row": np.arange(len(raw)),
        }
    )[given]
    part = (pd.util.hash_array(frame["key"].to_numpy(dtype=object)) % np.uint64(n_partitions)).astype(np.int64)
    return _split(frame.reset_index(drop=True), part, n_partitions)


def cross_piece_duplicates(*parts: pd.DataFrame) -> pd.DataFrame:
    """Of one partition of the ids of every piece: the rows of the ids written in more than
    one piece, in workspace order (piece, row)."""
    ids = pd.concat(parts, ignore_index=True)
    if not len(ids):
        return ids
    spread = ids.groupby("key")["piece"].transform("nunique")
    return ids[spread.to_numpy() > 1].sort_values(["piece", "row"], kind="stable").reset_index(drop=True)


def duplicate_problems(dups: pd.DataFrame) -> list[Problem]:
    """The problems validation reports for ids written more than once, for the ids written
    in more than one piece: each later use points at the first (as
    :func:`reconcile.validate.schemas.failures_to_problems` words them)."""
    from reconcile.base.fieldspec import excerpt
    from reconcile.validate.schemas import CHECK_TEXT

    expected = CHECK_TEXT["field_uniqueness"][1]
    out = []
    for _, rows in dups.groupby("key", sort=False):
        first = rows.iloc[0]
        for r in rows.iloc[1:].itertuples(index=False):
            line = r.id_line
            out.append(
                Problem(
                    f"duplicate id {excerpt(r.id)} (first used at {first['file']}:{first['line']})",
                    file=r.file,
                    line=None if line is None or pd.isna(line) else int(line),
                    claim_id=str(r.id),
                    column="id",
                    expected=expected,
                    code="field_uniqueness",
                )
            )
    return out
