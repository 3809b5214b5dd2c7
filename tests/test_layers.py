"""The package's layers: data flows one way (sources -> clean -> analyses -> views -> figures and report), so a
module imports only its own package and the layers before its own, never a package beside it."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "emergence"
LAYERS = (
    {"errors"},
    {"tables", "workbook", "runner", "codes", "codedeps", "buildlog", "growth", "linear", "settings", "yamlfile"},
    {"kept"},
    {"io"},
    {"registry", "download"},
    {"sources"},
    {"config"},
    {"manifest", "paper", "checkout"},
    {"snapshot", "verify", "clean", "reconcile"},
    {"fetch", "diff"},
    {"models", "structure", "claims", "regions", "counterfactuals"},  # the analyses, each on the clean tables
    {"views", "explore"},
    {"figures", "report"},
    {"codebook", "replication", "package", "check"},  # tools over the whole build: its package, its checks
    {"cli"},
)
LAYER = {name: i for i, layer in enumerate(LAYERS) for name in layer}


def imports() -> list[tuple[str, str, str]]:
    """(file, importing part, imported part) for every import of another part of the package."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        part = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            for name in names:
                if name.startswith("emergence."):
                    target = name.split(".")[1]
                    if target != part:
                        found.append((str(path.relative_to(PACKAGE)), part, target))
    return found


def test_every_part_of_the_package_has_a_layer():
    parts = {p.relative_to(PACKAGE).parts[0].removesuffix(".py") for p in PACKAGE.rglob("*.py")} - {"__init__"}
    assert parts <= set(LAYER), sorted(parts - set(LAYER))


def test_imports_go_only_to_earlier_layers():
    wrong = [f"{file} imports emergence.{target}" for file, part, target in imports() if LAYER[target] >= LAYER[part]]
    assert wrong == []
