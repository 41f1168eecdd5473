"""The pipeline's public entry points, for the CLI and for Python callers.

>>> from reconcile.pipeline import load
>>> ws, problems = load("path/to/workspace")       # doctest: +SKIP
>>> ws.claims.groupby("property").size()            # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

from .problems import Problems
from .progress import stage
from .threads import in_background
from .validate import Workspace, prepare_validation, validate
from .workspace import load_workspace

__all__ = ["load"]


def load(path: Path | str | None = None, *, drafts: bool = False) -> tuple[Workspace, Problems]:
    """Read and validate the workspace at ``path``; return it with every problem found.

    With ``drafts``, the draft claims of ``claims/drafts/`` are read and validated too
    (marked ``draft``); without, they are ignored.

    The workspace is returned even when there are errors: its ``claims`` then hold only
    the claims that passed every check. Callers decide whether errors are fatal (the CLI
    exits with code 2).
    """
    problems = Problems()
    # validation's one-time setup runs on a second core while the files are read
    ready = in_background(prepare_validation)
    with stage("reading the workspace"):
        raw = load_workspace(path, problems, drafts=drafts)
    ready.result()
    ws = validate(raw, problems)
    return ws, problems
