"""``reconcile init``: a new, empty workspace that validates at once.

The files come from the package (``reconcile/data/starter/``): a commented
``claims/sources.yaml`` with no source yet, an ``entities.yaml`` that says which names are
built in and how to add the rest, a starter ``properties.yaml`` of generic properties, the
empty folders ``claims/captured/``, ``claims/documents/`` and ``reports/``, and a README of
next steps. A folder that already holds a workspace, or any of these files, is refused:
nothing is overwritten.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .documents import IntakeError

__all__ = ["init_workspace", "STARTER_FILES"]

#: Starter file → where it goes in the new workspace.
STARTER_FILES = {
    "sources.yaml": Path("claims/sources.yaml"),
    "entities.yaml": Path("claims/entities.yaml"),
    "properties.yaml": Path("claims/properties.yaml"),
    "README.md": Path("README.md"),
}
FOLDERS = (Path("claims/captured"), Path("claims/documents"), Path("reports"))


def init_workspace(root: Path) -> list[Path]:
    """Create a workspace at ``root``; return the paths made, relative to it.

    Raises :class:`IntakeError` when ``root`` is a file or already holds any starter file or
    a ``claims/`` folder with content.
    """
    if root.exists() and not root.is_dir():
        raise IntakeError(f"{root} is a file", "a new or empty folder")
    claims = root / "claims"
    clashes = [rel for rel in STARTER_FILES.values() if (root / rel).exists()]
    if claims.is_dir() and any(claims.iterdir()):
        clashes.append(Path("claims"))
    if clashes:
        raise IntakeError(
            f"{root} already holds a workspace ({', '.join(sorted({p.as_posix() for p in clashes}))}): nothing was changed",
            "a new or empty folder",
        )
    starter = resources.files("reconcile.data").joinpath("starter")
    made: list[Path] = []
    for folder in FOLDERS:
        (root / folder).mkdir(parents=True, exist_ok=True)
        made.append(folder)
    for name, rel in STARTER_FILES.items():
        target = root / rel
        with open(target, "x", encoding="utf-8") as out:  # "x": never replace a file
            out.write(starter.joinpath(name).read_text(encoding="utf-8"))
        made.append(rel)
    return made
