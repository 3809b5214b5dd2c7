"""Reading and checking the config: YAML with unique keys, Snakemake's schema validation (which fills in the
schema's defaults), and the few rules a schema cannot express. The workflow, the command line and the tests all
load settings through here."""

from __future__ import annotations

import copy
import difflib
import json
import os
from pathlib import Path

from emergence.errors import InputError
from emergence.io import sha256_bytes
from emergence.kept import keep, read_kept
from emergence.settings import SAMPLE_ID
from emergence.yamlfile import ROOT, SCHEMA, read_yaml  # noqa: F401 - ROOT is read through here too


def load_config(path: str | os.PathLike, overrides: dict | None = None) -> dict:
    """The validated settings of `path`, with `overrides` merged in as Snakemake merges a --configfile or --config
    (mappings key by key, other values replaced)."""
    from snakemake.utils import update_config

    data = read_yaml(path) or {}
    if overrides:
        update_config(data, copy.deepcopy(overrides))
    return validate_config(data, where=str(path))


def validate_config(data: dict, where: str = "config") -> dict:
    """A copy of `data` validated against the schema with its defaults filled in, then checked for what a schema
    cannot say; the first violation is an error naming the key and the file."""
    config = copy.deepcopy(data)
    schema_check(config, where)
    check_config(config, where)
    return config


def schema_check(config: dict, where: str) -> None:
    """Snakemake's own validation (defaults written into `config`), its error reduced to one line."""
    from jsonschema.exceptions import ValidationError
    from snakemake.exceptions import WorkflowError
    from snakemake.utils import validate

    try:
        validate(config, str(SCHEMA), set_default=True)
    except WorkflowError as exc:
        error = exc.__context__  # Snakemake raises its error while handling the schema's
        if not isinstance(error, ValidationError):
            raise
        raise InputError(where, f"key '{_key(error)}'", _expected(error), _found(error)) from None


def schema_check_cached(config: dict, where: str, cache: str | os.PathLike) -> None:
    """schema_check, its result kept under `cache` by the sha256 of the config as given, the schema and the
    versions of Snakemake and jsonschema: reading the schema's YAML and validating cost about 0.3 s of CPU at
    every start, a tenth of a no-op. A config that JSON would not give back unchanged is validated, not kept."""
    from importlib.metadata import version

    try:
        given = json.dumps(config, ensure_ascii=False)
    except (TypeError, ValueError):
        given = None
    if given is None or json.loads(given) != config:
        schema_check(config, where)
        return
    parts = [given, SCHEMA.read_text(encoding="utf-8"), version("snakemake"), version("jsonschema")]
    kept = Path(cache) / f"config-{sha256_bytes(chr(0).join(parts).encode('utf-8'))}.json"
    validated = read_kept(kept)
    if isinstance(validated, dict):
        config.clear()
        config.update(validated)
        return
    schema_check(config, where)
    keep(kept, config)


def _key(error) -> str:
    path = [str(p) for p in error.absolute_path]
    if error.validator == "additionalProperties":
        path.append(_unknown(error)[0])
    return "/".join(path) or "(top level)"


def _unknown(error) -> list[str]:
    return sorted(str(k) for k in set(error.instance) - set(error.schema.get("properties", {})))


def _expected(error) -> str:
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        close = difflib.get_close_matches(_unknown(error)[0], allowed, n=1)
        return f"a known key{f' (did you mean {close[0]!r}?)' if close else ''}: one of {allowed}"
    if error.validator == "required":
        return f"the keys {list(error.validator_value)}"
    return f"a value that satisfies '{error.validator}: {error.validator_value}'"


def _found(error) -> object:
    if error.validator == "additionalProperties":
        return "an unknown key"
    if isinstance(error.instance, dict | list):
        return error.message
    return error.instance


def check_config(config: dict, where: str) -> None:
    """The rules beyond the schema: the focus among the countries, periods and events in order, the structure
    merges and the sector concordance."""
    check_focus(config, where)
    check_periods(config, where)
    check_merges(config, where)
    check_concordance(config, where)


def check_focus(config: dict, where: str) -> None:
    """The focus, and the countries forecast and backtested, are among the build's countries."""
    if config["focus"] not in config["countries"]:
        raise InputError(where, "key 'focus'", f"one of countries {config['countries']}", config["focus"])
    for key in ("countries", "backtest_countries"):
        unknown = [c for c in config["models"]["forecast"][key] or () if c not in config["countries"]]
        if unknown:
            raise InputError(where, f"key 'models/forecast/{key}'", f"some of countries {config['countries']}", unknown)


def check_periods(config: dict, where: str) -> None:
    ids = [p["id"] for p in config["periods"]]
    for i, period in enumerate(config["periods"]):
        if period["id"] == SAMPLE_ID:
            raise InputError(where, f"key 'periods/{i}/id'", f"an id other than '{SAMPLE_ID}' (the whole sample)")
        if period["id"] in ids[:i]:
            raise InputError(where, f"key 'periods/{i}/id'", "unique period ids", period["id"])
        if "start" in period and "end" in period and period["start"] > period["end"]:
            raise InputError(where, f"key 'periods/{i}'", "start <= end", f"{period['start']} > {period['end']}")
    years = [e["year"] for e in config["policy_events"]]
    if years != sorted(set(years)):
        raise InputError(where, "key 'policy_events'", "distinct years in increasing order", years)


def check_merges(config: dict, where: str) -> None:
    merges = config["structure"]["merge_without_employment"]
    if set(merges) & set(merges.values()) or any(k == v for k, v in merges.items()):
        raise InputError(
            where, "key 'structure/merge_without_employment'", "sectors merged into other kept sectors", merges
        )


def check_concordance(config: dict, where: str) -> None:
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
