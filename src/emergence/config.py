"""Settings: read config.yaml, fill defaults and validate against the JSON Schema, then check what a schema cannot."""

from __future__ import annotations

import copy
import hashlib
import os
import pickle
from pathlib import Path

import yaml

from emergence.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"
DEFAULT_CONFIG = ROOT / "config" / "config.yaml"


# libyaml's parser when PyYAML has it (its wheels do): the workflow reads YAML on every start, even a no-op.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(SAFE_LOADER):
    """YAML loader that refuses a key given twice, which plain YAML silently resolves to the last one."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise InputError(node.start_mark.name, f"line {key_node.start_mark.line + 1}", "unique keys", key)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_yaml(path: str | os.PathLike) -> object:
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except FileNotFoundError:
        raise InputError(path, "file", "an existing YAML file") from None
    except yaml.YAMLError as exc:
        raise InputError(path, "file", "valid YAML", str(exc).replace("\n", " ")) from None


def load_config(path: str | os.PathLike, overrides: dict | None = None) -> dict:
    """The validated settings of `path` (with `overrides` merged over the top level, as Snakemake's --config)."""
    data = read_yaml(path) or {}
    if overrides:
        data = {**data, **overrides}
    return validate_config(data, where=str(path))


def validate_config(data: dict, where: str = "config", cache_dir: str | os.PathLike | None = None) -> dict:
    """Defaults filled in and every rule checked; the first violation is an error naming the key.

    With `cache_dir`, the schema's verdict on valid settings is kept there under a digest of the settings, the
    schema and this module, and reused when they recur: the workflow validates on every start, and importing the
    schema validator alone would be a fifth of a no-op's own work.
    """
    config = _schema_checked(data, where) if cache_dir is None else _cached_schema_check(data, where, Path(cache_dir))
    _check_periods(config, where)
    _check_concordance(config, where)
    return config


def _schema_checked(data: dict, where: str) -> dict:
    import jsonschema

    config = copy.deepcopy(data)
    validator = _with_defaults(jsonschema.Draft7Validator)(read_yaml(SCHEMA))
    errors = sorted(validator.iter_errors(config), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        error = errors[0]
        key = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise InputError(where, f"key '{key}'", _expected(error), error.instance)
    return config


def _cached_schema_check(data: dict, where: str, cache_dir: Path) -> dict:
    digest = hashlib.sha256(pickle.dumps(data, protocol=5))
    for path in (SCHEMA, Path(__file__)):
        digest.update(path.read_bytes())
    cached = cache_dir / f"{digest.hexdigest()}.pickle"
    if cached.is_file():
        return pickle.loads(cached.read_bytes())  # noqa: S301 - written below, inside the project
    config = _schema_checked(data, where)
    cache_dir.mkdir(parents=True, exist_ok=True)
    for old in cache_dir.glob("*.pickle"):  # verdicts on earlier settings
        old.unlink(missing_ok=True)
    tmp = cache_dir / f".{cached.name}.{os.getpid()}"  # one per process: jobs may validate at the same time
    tmp.write_bytes(pickle.dumps(config, protocol=5))
    os.replace(tmp, cached)
    return config


def _expected(error) -> str:
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        return f"only known keys {allowed} ({error.message})"
    return f"a value that satisfies '{error.validator}: {error.validator_value}' ({error.message})"


def _with_defaults(validator_class):
    """A validator that writes each property's default into the instance before validating it."""
    import jsonschema

    validate_properties = validator_class.VALIDATORS["properties"]

    def set_defaults(validator, properties, instance, schema):
        if isinstance(instance, dict):
            for name, sub in properties.items():
                if "default" in sub:
                    instance.setdefault(name, copy.deepcopy(sub["default"]))
        yield from validate_properties(validator, properties, instance, schema)

    return jsonschema.validators.extend(validator_class, {"properties": set_defaults})


def _check_periods(config: dict, where: str) -> None:
    ids = [p["id"] for p in config["periods"]]
    for i, period in enumerate(config["periods"]):
        if period["id"] in ids[:i]:
            raise InputError(where, f"key 'periods/{i}/id'", "unique period ids", period["id"])
        if "start" in period and "end" in period and period["start"] > period["end"]:
            raise InputError(where, f"key 'periods/{i}'", "start <= end", f"{period['start']} > {period['end']}")
    years = [e["year"] for e in config["policy_events"]]
    if years != sorted(set(years)):
        raise InputError(where, "key 'policy_events'", "distinct years in increasing order", years)


def _check_concordance(config: dict, where: str) -> None:
    """Each scheme used is defined, each group is one of its groups, and each leaf maps to exactly one group."""
    from emergence.sources import SOURCES

    schemes = config["concordance"]["schemes"]
    for name, by_scheme in config["concordance"]["sources"].items():
        leaves = SOURCES[name].CONCORDANCE_LEAVES
        for scheme, groups in by_scheme.items():
            key = f"concordance/sources/{name}/{scheme}"
            if scheme not in schemes:
                raise InputError(
                    where, f"key '{key}'", f"a scheme defined in concordance/schemes {sorted(schemes)}", scheme
                )
            unknown_groups = [g for g in groups if g not in schemes[scheme]["groups"]]
            if unknown_groups:
                raise InputError(where, f"key '{key}'", f"groups of scheme {scheme}", unknown_groups)
            mapped = [leaf for members in groups.values() for leaf in members]
            unknown = sorted(set(mapped) - set(leaves))
            if unknown:
                raise InputError(where, f"key '{key}'", f"sectors of {name} {list(leaves)}", unknown)
            twice = sorted({leaf for leaf in mapped if mapped.count(leaf) > 1})
            if twice:
                raise InputError(where, f"key '{key}'", "each sector in exactly one group", f"more than once: {twice}")
            unmapped = [leaf for leaf in leaves if leaf not in mapped]
            if unmapped:
                raise InputError(where, f"key '{key}'", "each sector in exactly one group", f"not mapped: {unmapped}")
