"""The project's YAML files and the one loader for them (config files, manifests, the paper's claims and tables,
the config schema): a low layer, so that readers may look up a schema default without the config module."""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from emergence.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"


# libyaml's parser when PyYAML has it (its wheels do): the workflow reads YAML on every start, even a no-op.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# No YAML file of the project uses an alias; a few are harmless, but each alias of an alias multiplies what a
# consumer walks (nine levels of nine make a billion items), so the loader refuses more than this many.
MAX_ALIASES = 20


class _UniqueKeyLoader(SAFE_LOADER):
    """YAML loader that refuses a key given twice, which plain YAML silently resolves to the last one."""

    source = "YAML"

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise InputError(self.source, f"line {key_node.start_mark.line + 1}", "unique keys", key)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_yaml(path: str | os.PathLike) -> object:
    """The one reader of the project's YAML (config files, manifests, the paper's claims and tables): safe types
    only, and every way a file can mislead or stall a reader an InputError naming the file and line -- a key given
    twice, an alias bomb, an empty file, a tab, a syntax error, bytes that are not UTF-8."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(path, "file", "an existing YAML file") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(path, f"line {line}", "UTF-8 text", data[exc.start : exc.end]) from None
    loader = _UniqueKeyLoader(text)
    loader.source = str(path)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError(path, "line 1", "a YAML document", "an empty file")
        _check_aliases(node, str(path))
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        raise _syntax_error(path, text, exc) from None
    except yaml.YAMLError as exc:
        raise InputError(path, "file", "valid YAML", str(exc).replace("\n", " ")) from None
    finally:
        loader.dispose()


def _syntax_error(path: str | os.PathLike, text: str, exc: yaml.MarkedYAMLError) -> InputError:
    """A parser's error as one line: the place, and a hint when the character there is a tab."""
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return InputError(path, "file", "valid YAML", exc.problem or str(exc).replace("\n", " "))
    tab = "\t" in text.splitlines()[mark.line] if mark.line < len(text.splitlines()) else False
    expected = "valid YAML (indented with spaces: YAML does not allow a tab there)" if tab else "valid YAML"
    found = " ".join(part for part in (exc.context, exc.problem) if part)
    return InputError(path, f"line {mark.line + 1}, column {mark.column + 1}", expected, found)


def _check_aliases(root: yaml.Node, path: str) -> None:
    """Refuse a document that uses more than MAX_ALIASES aliases, before anything is built from it.

    An alias is the same node met again; the walk enters each node once, so it ends at once on a bomb. The line
    given is that of the key or the collection that holds the alias (a node does not record where it is reused).
    """
    seen = {id(root)}
    stack: list[yaml.Node] = [root]
    aliases = 0
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            children = [(child, key.start_mark) for key, value in node.value for child in (key, value)]
        elif isinstance(node, yaml.SequenceNode):
            children = [(child, node.start_mark) for child in node.value]
        else:
            continue
        for child, mark in children:
            if id(child) in seen:
                aliases += 1
                if aliases > MAX_ALIASES:
                    raise InputError(
                        path, f"line {mark.line + 1}", f"at most {MAX_ALIASES} YAML aliases", "more (an alias bomb?)"
                    )
                continue
            seen.add(id(child))
            stack.append(child)
