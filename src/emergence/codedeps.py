"""Which package source files a workflow script runs, so a rule reruns when the code it uses changes.

Snakemake's own code trigger sees only the script file; the logic lives in the package. Declaring the package
modules a script imports (transitively, found by reading the import statements) as inputs makes an edit to
a package function rerun exactly the rules whose scripts reach it.

Imports are followed by the names used, so that editing one source reader reruns only the rules that use it:
- `from X import f` needs, of X, the imports that `f` and the functions it names (and X's own top-level code)
  use: `emergence.config` imports every reader inside `check_concordance`, which `read_yaml` never runs.
- A package's `__init__.py` runs before any of its modules, so it is a dependency of each of them; what it
  imports is a dependency only of code that uses the package's own names (`emergence.sources` lists every
  reader: a rule reaching `emergence.sources.common` does not depend on the readers).
- A script shared by rules that each run one of several modules (`clean_source.py`, one reader per source)
  leaves the others out by name.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

PACKAGE = "emergence"
SOURCE_ROOT = Path(__file__).resolve().parent.parent


@cache
def _modules() -> dict[str, Path]:
    """Every module of the package by its dotted name (a package by its `__init__.py`), listed once."""
    found = {}
    for path in sorted((SOURCE_ROOT / PACKAGE).rglob("*.py")):
        parts = path.relative_to(SOURCE_ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _module_file(name: str) -> Path | None:
    return _modules().get(name)


# Import statements of the package's modules, anywhere in a file (also inside functions). Read as text: parsing
# every file into a syntax tree on each start of the workflow (a no-op included) costs more than the match.
_FROM = re.compile(rf"^[ \t]*from[ \t]+({PACKAGE}(?:\.\w+)*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]+)", re.MULTILINE)
_IMPORT = re.compile(rf"^[ \t]*import[ \t]+({PACKAGE}(?:\.\w+)*)", re.MULTILINE)
_TOP = re.compile(r"^(?:(?:async[ \t]+)?(?:def|class)[ \t]+(\w+)|(from[ \t]|import[ \t])|(?=[^\s#)\]}]))", re.MULTILINE)
_STATEMENT = "<import>"  # owner of a top-level import line: what it names is bound, not used
# A unit of code: a module and the names used from it (None: the whole module).
Unit = tuple[str, frozenset[str] | None]


def _imports(text: str) -> list[tuple[int, Unit, str]]:
    """Each import of a package module: its position, what it uses (`from X import a`: the module X.a where that
    is a module, else the name a of X) and the name it binds."""
    found = [(m.start(), (m.group(1), None), m.group(1).split(".")[0]) for m in _IMPORT.finditer(text)]
    for match in _FROM.finditer(text):
        base, names = match.group(1), match.group(2).strip("()")
        for item in names.replace("\n", " ").split(","):
            words = item.split("#")[0].split()
            if words:
                module = f"{base}.{words[0]}"
                unit = (module, None) if _module_file(module) else (base, frozenset({words[0]}))
                found.append((match.start(), unit, words[-1]))
    return found


class _Module:
    """One file's imports, by what runs them: its top-level code, each top-level function or class, or the name
    a top-level import binds; and the top-level names each of those mentions (the file's own call graph)."""

    def __init__(self, text: str):
        # Each top-level statement starts a block that runs to the next one (closing brackets and comments at the
        # margin continue the block they are in): the block of a def or class, of an import, or module code.
        blocks = [(0, None)] + [
            (m.start(), m.group(1) or (_STATEMENT if m.group(2) else None)) for m in _TOP.finditer(text)
        ]
        starts = [start for start, _ in blocks]
        self.inner: dict[str | None, set[Unit]] = {name: set() for _, name in blocks if name != _STATEMENT}
        self.bound: dict[str, set[Unit]] = {}
        for position, unit, name in _imports(text):
            owner = blocks[bisect.bisect_right(starts, position) - 1][1]
            if owner == _STATEMENT:
                self.bound.setdefault(name, set()).add(unit)
            else:
                self.inner[owner].add(unit)
        self.text, self.known = text, (self.inner.keys() - {None}) | self.bound.keys()
        self.spans: dict[str | None, list[tuple[int, int]]] = {}
        for (start, name), end in zip(blocks, [*starts[1:], len(text)], strict=True):
            if name != _STATEMENT:
                self.spans.setdefault(name, []).append((start, end))
        self.mentioned: dict[str | None, set[str]] = {}

    def names(self, block: str | None) -> set[str]:
        """The module's own top-level names that a block mentions, read when first needed (most importers use a
        few functions of a module, so most blocks are never read)."""
        if block not in self.mentioned:
            body = "\n".join(self.text[start:end] for start, end in self.spans.get(block, ()))
            # as text, not as words: a name inside a longer one counts too, which errs on the side of a rerun
            self.mentioned[block] = {name for name in self.known if name in body}
        return self.mentioned[block]

    def units(self, names: frozenset[str] | None) -> set[Unit]:
        """What the given names of the module (None: all of it) need, with the module's top-level code."""
        if names is None:
            reached: set[str | None] = {None, *self.inner, *self.bound}
        else:
            stack, reached = [*names, None], set()
            while stack:
                name = stack.pop()
                if name not in reached:
                    reached.add(name)
                    stack.extend(self.names(name))
        return set().union(*(self.inner.get(name, ()) for name in reached), *(self.bound.get(n, ()) for n in reached))


@cache
def _parsed(path: Path) -> _Module:
    return _Module(path.read_text(encoding="utf-8"))


@cache
def _closure(units: frozenset[Unit], leave_out: frozenset[str]) -> frozenset[Path]:
    """The files of these units and of all they need, in one walk."""
    seen: set[tuple[str, str | None]] = set()
    stack = list(units)
    files: set[Path] = set()
    while stack:
        module, names = stack.pop()
        path = _module_file(module)
        if path is None or module in leave_out or (module, None) in seen:
            continue
        todo = None if names is None else frozenset(name for name in names if (module, name) not in seen)
        if todo is not None and not todo:
            continue
        seen |= {(module, None)} if todo is None else {(module, name) for name in todo}
        files.add(path)
        stack.extend(_parsed(path).units(todo))
        parts = module.split(".")
        for i in range(1, len(parts)):  # parent packages run their __init__, whose own imports this module needs not
            parent = _module_file(".".join(parts[:i]))
            if parent is not None:
                files.add(parent)
    return frozenset(files)


def script_code(script: str | Path, leave_out: Iterable[str] = ()) -> list[str]:
    """The package files a workflow script depends on, sorted, as paths relative to the repository; `leave_out`
    names modules the rule never runs although its script reaches them (nor what only they import)."""
    files = _closure(frozenset(_parsed(Path(script)).units(None)), frozenset(leave_out))
    root = SOURCE_ROOT.parent
    return sorted(str(p.relative_to(root)) for p in files)
