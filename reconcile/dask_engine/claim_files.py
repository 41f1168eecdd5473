"""Where the Dask engine reads claims from, and how a piece of them is read.

Claims come from the workspace's ``claims/captured/`` (every claim file the in-process
engine reads, YAML and CSV too, sub-folders such as a Parquet dataset folder included), or
from ``--claims LOCATION``: a Parquet file or a folder of Parquet files (a partitioned
dataset) on any filesystem fsspec knows (a local path, ``s3://bucket/claims/``,
``gs://…``, ``memory://…``; the protocol's package, such as ``s3fs``, must be installed).
Each claim file is one piece of work; a piece is read on a worker, exactly as
:func:`reconcile.load.workspace.read_claim_files` reads it in process (file names as
shown in problems, line numbers from 1 per file), so that problems read the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pandas as pd

from reconcile.base.problems import Problems
from reconcile.load.workspace import claim_file_paths, read_claim_files

__all__ = ["ClaimFile", "workspace_claim_files", "location_claim_files", "read_piece", "pack_pieces", "MAX_PIECE_CLAIMS"]

#: What ``--claims`` must name.
LOCATION_EXPECTED = (
    "a Parquet file or a folder of Parquet files: a local path or an fsspec URL such as s3://bucket/claims/"
)


@dataclass(frozen=True)
class ClaimFile:
    """One claim file: its path (in the workspace, or within ``location``'s filesystem)
    and its name as problems show it."""

    path: str
    shown: str
    location: str | None = None
    """The fsspec location it was found under (None: a file of the workspace)."""


def workspace_claim_files(root: Path, problems: Problems) -> list[ClaimFile]:
    """The claim files of the workspace at ``root``, as the in-process engine finds them."""
    return [ClaimFile(str(path), shown) for path, shown in claim_file_paths(root, problems)]


def location_claim_files(location: str, problems: Problems) -> list[ClaimFile]:
    """The Parquet files at ``location`` (a file, or every ``*.parquet`` under a folder),
    sorted by name; a problem (an error) when there is none or it cannot be listed."""
    import fsspec

    where = {"file": location, "expected": LOCATION_EXPECTED}
    try:
        fs, path = fsspec.core.url_to_fs(location)
        if not fs.exists(path):
            problems.add("no claims here: the location does not exist", code="missing-file", **where)
            return []
        if fs.isdir(path):
            found = sorted(p for p in fs.find(path) if p.lower().endswith(".parquet"))
        else:
            found = [path]
    except ImportError as exc:
        problems.add(f"cannot read this location: {exc}", code="unreadable", **where)
        return []
    except (OSError, ValueError) as exc:
        problems.add(f"cannot read this location: {type(exc).__name__}: {exc}", code="unreadable", **where)
        return []
    if not found:
        problems.add("no Parquet files (*.parquet) in this folder", code="missing-file", **where)
        return []
    base = path.rstrip("/")
    shown_root = location.rstrip("/")
    return [
        ClaimFile(p, shown_root if p == base else f"{shown_root}/{p[len(base):].lstrip('/')}", location) for p in found
    ]


def read_piece(root: Path, piece: list[ClaimFile], problems: Problems) -> pd.DataFrame:
    """The raw claims of the claim files of ``piece``, as the in-process engine reads them."""
    if not piece:
        return read_claim_files(root, [], problems)
    if piece[0].location is None:
        return read_claim_files(root, [(Path(f.path), f.shown) for f in piece], problems)
    import fsspec

    fs, _ = fsspec.core.url_to_fs(piece[0].location)
    return read_claim_files(
        None, [(PurePosixPath(f.path), f.shown) for f in piece], problems, open_file=lambda p: fs.open(str(p), "rb")
    )


#: The most claims a piece holds (unless one file holds more): what one worker thread
#: validates at a time, about 0.4 GB at the in-process engine's 1.4 GB per million claims.
MAX_PIECE_CLAIMS = 250_000
#: Bytes per claim assumed of a YAML or CSV claim file (Parquet files say how many rows they hold).
_TEXT_BYTES_PER_CLAIM = 150


def estimated_claims(f: ClaimFile) -> int:
    """About how many claims the file holds: a Parquet file's row count from its footer,
    else its size over :data:`_TEXT_BYTES_PER_CLAIM` (0 when it cannot be looked at: reading
    it reports why)."""
    import pyarrow.parquet as pq

    try:
        if f.location is None:
            path = Path(f.path)
            if path.suffix.lower() == ".parquet":
                return int(pq.ParquetFile(path).metadata.num_rows)
            return int(path.stat().st_size) // _TEXT_BYTES_PER_CLAIM
        import fsspec

        fs, _ = fsspec.core.url_to_fs(f.location)
        with fs.open(f.path, "rb") as handle:
            return int(pq.ParquetFile(handle).metadata.num_rows)
    except Exception:  # noqa: BLE001 - any unreadable file: its reading reports it
        return 0


def pack_pieces(files: list[ClaimFile], threads: int) -> tuple[list[list[ClaimFile]], int]:
    """The claim files in pieces of consecutive files, of about an equal share of the claims
    for each of twice the cluster's ``threads`` (small files together: a piece has a fixed
    cost), at most :data:`MAX_PIECE_CLAIMS` claims each unless one file holds more; and the
    estimated number of claims of all."""
    sizes = [estimated_claims(f) for f in files]
    # a tenth over the share keeps a file's rounding from adding a piece
    share = -(-sum(sizes) // max(2 * threads, 1)) * 11 // 10
    target = max(1, min(MAX_PIECE_CLAIMS, share))
    pieces: list[list[ClaimFile]] = []
    held = 0
    for f, n in zip(files, sizes):
        if pieces and held + n <= target:
            pieces[-1].append(f)
            held += n
        else:
            pieces.append([f])
            held = n
    return pieces, sum(sizes)
