"""Provenance that holds: the results file and the report record the commit, whether the tree differed from it and
in which files, and the full resolved config, with the settings that differ from the schema's defaults."""

from __future__ import annotations

import json
from pathlib import Path

import jupytext
import yaml

from emergence.checkout import PROVENANCE, provenance_text
from emergence.config import SCHEMA, load_config, read_yaml
from emergence.report.configured import changed_settings, config_record
from emergence.report.provenance import build_info
from emergence.report.templates import fill

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config" / "config.yaml"
NOTEBOOK = ROOT / "notebooks" / "report.py"
EPOCH = {"SOURCE_DATE_EPOCH": "1700000000"}

SMALL_SCHEMA = {
    "$defs": {"tolerance": {"type": "number", "default": 1.0}},
    "properties": {
        "countries": {"type": "array"},  # no default: the build's own choice, never listed
        "tolerance": {"$ref": "#/$defs/tolerance"},
        "models": {
            "type": "object",
            "default": {},
            "properties": {
                "horizon": {"type": "integer", "default": 2030},
                "trend": {"type": "object", "default": {}, "properties": {"min_years": {"default": 8}}},
            },
        },
        "merge": {"type": "object", "additionalProperties": {"type": "string"}, "default": {"a": "b"}},
    },
}


def test_only_settings_that_differ_from_their_default_are_listed_with_both_values():
    config = {
        "countries": ["MAR", "ZAF"],
        "tolerance": 1.5,
        "models": {"horizon": 2030, "trend": {"min_years": 10}},
        "merge": {"a": "b", "c": "d"},
    }
    assert changed_settings(config, SMALL_SCHEMA) == [
        {"key": "merge", "value": '{"a": "b", "c": "d"}', "default": '{"a": "b"}'},
        {"key": "models.trend.min_years", "value": "10", "default": "8"},
        {"key": "tolerance", "value": "1.5", "default": "1.0"},
    ]
    at_defaults = {"countries": ["MAR"], "tolerance": 1.0, "models": {"horizon": 2030, "trend": {"min_years": 8}}}
    assert changed_settings(at_defaults, SMALL_SCHEMA) == []


def test_the_real_schema_lists_a_changed_setting_and_nothing_the_config_leaves_alone():
    schema = read_yaml(SCHEMA)
    default = {s["key"] for s in changed_settings(load_config(CONFIG), schema)}
    changed = changed_settings(load_config(CONFIG, {"reconciliation": {"tolerance_pp": 1.5}}), schema)
    assert {"key": "reconciliation.tolerance_pp", "value": "1.5", "default": "1.0"} in changed
    assert {s["key"] for s in changed} - default == {"reconciliation.tolerance_pp"}
    assert not {k.split(".")[0] for k in default} & {"countries", "focus", "releases", "concordance"}
    written = read_yaml(CONFIG)  # a setting the file leaves out is its default, so only the file's own keys can differ
    for key in default:
        node = written
        for part in key.split("."):
            assert isinstance(node, dict) and part in node, key
            node = node[part]


def test_a_default_beside_a_ref_and_a_blocks_own_default_are_the_defaults_compared_with():
    schema = {
        "$defs": {"gaps": {"type": "object", "properties": {"years": {"default": "none"}, "cells": {"default": []}}}},
        "properties": {"etd": {"$ref": "#/$defs/gaps", "default": {"years": "leading", "cells": ["x"]}}},
    }
    assert changed_settings({"etd": {"years": "leading", "cells": ["x"]}}, schema) == []
    assert changed_settings({"etd": {"years": "none", "cells": ["x"]}}, schema) == [
        {"key": "etd.years", "value": '"none"', "default": '"leading"'}
    ]


def test_the_record_holds_the_whole_config_and_its_yaml_reads_back_as_it():
    config = load_config(CONFIG, {"countries": ["MAR", "TUN", "EGY", "TUR", "ZAF", "KEN"]})
    record = config_record(config)
    assert record["config"] == config
    assert yaml.safe_load(record["config_yaml"]) == config
    json.dumps(record)  # the results file takes it as it is


def test_a_plain_copy_reports_the_commit_and_the_files_modified_from_it(tmp_path):
    entry = {
        "commit": "a" * 40,
        "commit_date": "2026-01-01T00:00:00Z",
        "commit_epoch": 1767225600,
        "modified": True,
        "modified_files": ["config/config.yaml", "src/emergence/clean.py"],
    }
    (tmp_path / PROVENANCE).write_text(provenance_text(entry))
    info = build_info(tmp_path, EPOCH)
    assert (info["commit"], info["modified"], info["modified_files"]) == (
        "a" * 40,
        True,
        ["config/config.yaml", "src/emergence/clean.py"],
    )
    bare = build_info(tmp_path / "nothing", EPOCH)  # neither git nor a provenance file: not known, not "clean"
    assert (bare["commit"], bare["modified"], bare["modified_files"]) == ("unknown", None, [])


def appendix() -> str:
    cells = [c.source for c in jupytext.read(NOTEBOOK).cells if c.cell_type == "markdown"]
    (found,) = [c for c in cells if c.startswith("# Appendix D")]
    return found


def filled(**build) -> str:
    base = {"commit": "c0ffee", "date": "2026-12-01", "software": {}, "changed_settings": []}
    return fill(appendix(), {"names": {}, "build": {**base, **build}})


def test_the_build_line_says_whether_and_where_the_tree_was_modified():
    assert "from commit `c0ffee` on 2026-12-01, with no file changed from it." in filled(
        modified=False, modified_files=[]
    )
    text = filled(modified=True, modified_files=["a.py", "b.yaml"])
    assert "from commit `c0ffee` on 2026-12-01, with these files changed from it: `a.py`, `b.yaml`." in text
    assert "whether the files differed from it is not known" in filled(modified=None, modified_files=[])


def test_the_appendix_tabulates_the_settings_that_differ_from_the_defaults():
    setting = {"key": "reconciliation.tolerance_pp", "value": "1.5", "default": "1.0"}
    text = filled(modified=False, modified_files=[], changed_settings=[setting])
    assert "| `reconciliation.tolerance_pp` | `1.5` | `1.0` |" in text
    assert "with no default.\n\n| Setting | Value | Default |" in text  # the table apart from the paragraph
    assert "{#tbl-settings}" in text
    assert "{#tbl-settings}" not in filled(modified=False, modified_files=[])
