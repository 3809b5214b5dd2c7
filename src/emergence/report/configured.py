"""The settings a build ran with, as the report records them: the full resolved config, and the settings that
differ from the schema's defaults (the short list a reader needs to redo the build with the same choices)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

import yaml

from emergence.config import SCHEMA, read_yaml


def _text(value: object) -> str:
    """A setting as one line of JSON, keys sorted: the same value always prints the same way."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))


def _resolved(node: Mapping, schema: Mapping) -> Mapping:
    """A schema node with its `$ref` (to the schema's own `$defs`) followed; the node's own keywords beside the
    `$ref` (a `default` of its own) take precedence over the definition's."""
    ref = node.get("$ref", "")
    if not ref.startswith("#/$defs/"):
        return node
    own = {k: v for k, v in node.items() if k != "$ref"}
    return {**_resolved(schema["$defs"][ref.removeprefix("#/$defs/")], schema), **own}


_NONE = object()


def changed_settings(
    config: Mapping, schema: Mapping, prefix: str = "", node: Mapping | None = None, inherited: object = _NONE
) -> list[dict]:
    """Every setting of `config` whose schema gives a default it differs from: key (dotted), value and default,
    each as JSON text, in key order. Blocks with properties are entered; a setting's default is the one its
    enclosing block's default gives it, where that block has one, else its own (as Snakemake's validate fills
    them). Settings without a default (the build's own choices: focus, countries, releases, periods, concordance)
    are not listed."""
    node = _resolved(schema if node is None else node, schema)
    properties = node.get("properties", {})
    out = []
    for name in sorted(config):
        spec = _resolved(properties.get(name, {}), schema)
        value, key = config[name], f"{prefix}{name}"
        default = (
            inherited[name] if isinstance(inherited, Mapping) and name in inherited else spec.get("default", _NONE)
        )
        if "properties" in spec and isinstance(value, Mapping):
            out += changed_settings(value, schema, f"{key}.", spec, default)
        elif default is not _NONE and value != default:
            out.append({"key": key, "value": _text(value), "default": _text(default)})
    return out


def config_record(config: Mapping, schema_path: str | os.PathLike = SCHEMA) -> dict:
    """The resolved config (as data, and as the YAML the report prints), and the settings that differ from the
    schema's defaults, for the results file."""
    text = yaml.safe_dump(dict(config), sort_keys=True, allow_unicode=True, default_flow_style=None, width=100)
    return {
        "config": dict(config),
        "config_yaml": text,
        "changed_settings": changed_settings(config, read_yaml(schema_path)),
    }
