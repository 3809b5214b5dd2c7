"""Which package source files a workflow script runs, so a rule reruns when the code it uses changes.

Snakemake's own code trigger sees only the script file; the logic lives in the package. Declaring the package
modules a script imports (transitively, found by reading the import statements) as inputs makes an edit to
a package function rerun exactly the rules whose scripts reach it.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

PACKAGE = "emergence"
SOURCE_ROOT = Path(__file__).resolve().parent.parent


def _module_file(name: str) -> Path | None:
    base = SOURCE_ROOT.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _imported(path: Path, module: str | None) -> set[str]:
    """Names of package modules imported anywhere in a file (also inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level and module:
                package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
                anchor = package[: len(package) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name == PACKAGE or name.startswith(PACKAGE + ".")}


@cache
def _closure(module: str) -> frozenset[Path]:
    seen: set[str] = set()
    stack = [module]
    files: set[Path] = set()
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        path = _module_file(name)
        if path is None:
            continue
        files.add(path)
        parts = name.split(".")
        stack.extend(".".join(parts[:i]) for i in range(1, len(parts)))  # parent packages run their __init__
        stack.extend(_imported(path, name))
    return frozenset(files)


def script_code(script: str | Path) -> list[str]:
    """The package files a workflow script depends on, sorted, as paths relative to the repository."""
    script = Path(script)
    files: set[Path] = set()
    for name in _imported(script, None):
        files |= _closure(name)
    root = SOURCE_ROOT.parent
    return sorted(str(p.relative_to(root)) for p in files)
