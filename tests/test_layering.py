"""The package's folders are the pipeline's stages, and no stage imports a later one.

load → validate → detect (rules) → trust (graph) → gate → render, with ``base`` and
``normalize`` below them all, and the tools that write claims (``intake``, ``drafting``),
:mod:`reconcile.pipeline` and the command line above them. A module may import from its own
stage or an earlier one, whether at the top of the file, inside a function or only for type
checking; only the command line imports click.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import reconcile

PACKAGE = Path(reconcile.__file__).parent
RULES = Path(__file__).resolve().parents[1] / "rules"

#: The stages in pipeline order: a module's stage is the first entry whose prefix it has.
STAGES: list[tuple[str, tuple[str, ...]]] = [
    ("base", ("reconcile.base", "reconcile.normalize", "reconcile.data", "reconcile.templates")),
    ("load", ("reconcile.load",)),
    ("validate", ("reconcile.validate",)),
    ("detect", ("reconcile.detect", "reconcile.builtin_rules")),
    ("trust", ("reconcile.trust",)),
    ("gate", ("reconcile.gate",)),
    ("render", ("reconcile.render",)),
    ("authoring", ("reconcile.intake", "reconcile.drafting")),
    ("dask engine", ("reconcile.dask_engine",)),
    ("pipeline", ("reconcile.pipeline",)),
    ("cli", ("reconcile.cli",)),
]


def stage_of(module: str) -> int:
    """The position of ``module``'s stage in :data:`STAGES` (the package itself: base)."""
    if module == "reconcile":
        return 0
    for rank, (_, prefixes) in enumerate(STAGES):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return rank
    raise AssertionError(f"{module} is in no stage: add its folder to STAGES")


def modules() -> list[tuple[str, Path, bool]]:
    """Every module of the package and of the built-in rules: (name, file, is a package)."""
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        out.append((".".join(parts[:-1] if is_package else parts), path, is_package))
    for path in sorted(RULES.glob("*.py")):
        is_package = path.stem == "__init__"
        name = "reconcile.builtin_rules" + ("" if is_package else f".{path.stem}")
        out.append((name, path, is_package))
    return out


def imports(name: str, path: Path, is_package: bool) -> list[tuple[str, int]]:
    """Every module ``name`` imports (resolved to absolute names), with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((target, node.lineno))
            # `from reconcile.x import module` imports the module too
            found += [(f"{target}.{alias.name}", node.lineno) for alias in node.names if _is_module(f"{target}.{alias.name}")]
    return found


def _is_module(name: str) -> bool:
    """Whether ``name`` is a module or package of reconcile (not a function or a class)."""
    if not name.startswith("reconcile."):
        return False
    rel = Path(*name.split(".")[1:])
    return (PACKAGE / rel).with_suffix(".py").is_file() or (PACKAGE / rel / "__init__.py").is_file()


ALL = modules()


@pytest.mark.parametrize("name, path, is_package", ALL, ids=[m[0] for m in ALL])
def test_no_stage_imports_a_later_one(name: str, path: Path, is_package: bool) -> None:
    own = stage_of(name)
    later = [
        f"{path.name}:{line} imports {target} ({STAGES[stage_of(target)][0]}), a stage after {STAGES[own][0]}"
        for target, line in imports(name, path, is_package)
        if target.startswith("reconcile") and stage_of(target) > own
    ]
    assert not later, "\n".join(later)


def test_only_the_command_line_imports_click() -> None:
    importers = sorted(
        name for name, path, is_package in ALL
        if not name.startswith("reconcile.cli") and any(t == "click" or t.startswith("click.") for t, _ in imports(name, path, is_package))
    )
    assert importers == []


def test_the_guard_sees_a_late_import(tmp_path: Path) -> None:
    """The check is real: a validation module importing the renderers is caught."""
    bad = tmp_path / "claims.py"
    bad.write_text("def f():\n    from ..render import terminal\n    from reconcile.gate.state import GateState\n", encoding="utf-8")
    found = imports("reconcile.validate.claims", bad, False)
    assert ("reconcile.render.terminal", 2) in found and ("reconcile.gate.state", 3) in found
    assert stage_of("reconcile.render.terminal") > stage_of("reconcile.validate.claims")
