"""The distribution ships every package of the engine: a non-editable install has each
folder of ``reconcile/`` that holds Python modules (a missing one fails only after install)."""

from __future__ import annotations

import tomllib

from .conftest import ROOT


def test_every_package_folder_is_declared():
    declared = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "reconcile").rglob("__init__.py")
        if "__pycache__" not in path.parts
    }
    assert on_disk - declared == set()
