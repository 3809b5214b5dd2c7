"""Which package source files a workflow script runs, so a rule reruns when the code it uses changes.

Snakemake's own code trigger sees only the script file; the logic lives in the package. Declaring the package
modules a script imports (transitively, found by reading the import statements) as inputs makes an edit to
a package function rerun exactly the rules whose scripts reach it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

PACKAGE = "emergence"
SOURCE_ROOT = Path(__file__).resolve().parent.parent


@cache
def _module_file(name: str) -> Path | None:
    base = SOURCE_ROOT.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


# Import statements of the package's modules, anywhere in a file (also inside functions). Read as text: parsing
# every file into a syntax tree on each start of the workflow (a no-op included) costs more than the match.
_FROM = re.compile(rf"^[ \t]*from[ \t]+({PACKAGE}(?:\.\w+)*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]+)", re.MULTILINE)
_IMPORT = re.compile(rf"^[ \t]*import[ \t]+({PACKAGE}(?:\.\w+)*)", re.MULTILINE)


@cache
def _imported(path: Path) -> frozenset[str]:
    """Names of package modules (and of names imported from them, which may be modules) a file imports."""
    text = path.read_text(encoding="utf-8")
    found = {match.group(1) for match in _IMPORT.finditer(text)}
    for match in _FROM.finditer(text):
        base, names = match.group(1), match.group(2).strip("()")
        found.add(base)
        found.update(f"{base}.{name.split()[0]}" for name in names.replace("\n", " ").split(",") if name.strip())
    return frozenset(found)


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
        stack.extend(_imported(path))
    return frozenset(files)


def script_code(script: str | Path) -> list[str]:
    """The package files a workflow script depends on, sorted, as paths relative to the repository."""
    script = Path(script)
    files: set[Path] = set()
    for name in _imported(script):
        files |= _closure(name)
    root = SOURCE_ROOT.parent
    return sorted(str(p.relative_to(root)) for p in files)
