"""Settings: config.yaml validated against the JSON Schema (defaults filled, unknown keys refused at every level),
the checks a schema cannot express, and the sector concordance (every leaf in exactly one group)."""

from __future__ import annotations

import copy
from pathlib import Path

import jsonschema
import pytest

from emergence.config import SCHEMA, load_config, read_yaml, validate_config
from emergence.errors import InputError
from emergence.sources import SOURCES

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config" / "config.yaml"


def resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["definitions"][node["$ref"].removeprefix("#/definitions/")]
    return node


def closed_objects(schema: dict, node: dict, instance: object, path: tuple = ()):
    """Paths of every object of `instance` whose schema refuses unknown keys (lists: their first item)."""
    node = resolve(schema, node)
    if isinstance(instance, dict):
        if node.get("additionalProperties") is False:
            yield path
        for key, value in instance.items():
            sub = node.get("properties", {}).get(key, node.get("additionalProperties"))
            if isinstance(sub, dict):
                yield from closed_objects(schema, sub, value, (*path, key))
    elif isinstance(instance, list) and instance and isinstance(node.get("items"), dict):
        yield from closed_objects(schema, node["items"], instance[0], (*path, 0))


SCHEMA_DOC = read_yaml(SCHEMA)
CLOSED = list(closed_objects(SCHEMA_DOC, SCHEMA_DOC, load_config(CONFIG)))


@pytest.fixture
def settings() -> dict:
    """The repository's settings as written (before defaults), to be broken by a test."""
    return read_yaml(CONFIG)


def error_of(data: dict) -> str:
    with pytest.raises(InputError) as caught:
        validate_config(data, where="config/config.yaml")
    assert caught.value.where == "config/config.yaml"
    return str(caught.value)


def at(data: dict, path: tuple) -> dict:
    for key in path:
        data = data[key]
    return data


def test_schema_is_valid_draft7_and_its_defaults_satisfy_it():
    jsonschema.Draft7Validator.check_schema(SCHEMA_DOC)
    assert SCHEMA_DOC["additionalProperties"] is False
    minimal = validate_config({"concordance": read_yaml(CONFIG)["concordance"]})
    jsonschema.Draft7Validator(SCHEMA_DOC).validate(minimal)


def test_repository_config_is_valid_and_unchanged_by_defaults(settings):
    config = load_config(CONFIG)
    for key, value in settings.items():
        assert config[key] == value, key


def schema_defaults(node: dict) -> dict:
    """What the defaults alone make of an empty object: each property's default, objects filled in turn."""
    out = {}
    for key, sub in resolve(SCHEMA_DOC, node).get("properties", {}).items():
        if "default" in sub:
            value = copy.deepcopy(sub["default"])
            out[key] = {**schema_defaults(sub), **value} if isinstance(value, dict) else value
    return out


def test_defaults_are_filled_at_every_level(settings):
    config = validate_config({"concordance": settings["concordance"]})
    assert config == {**schema_defaults(SCHEMA_DOC), "concordance": settings["concordance"]}
    assert config["countries"] == ["MAR", "TUN", "EGY", "TUR"]
    assert config["reconciliation"]["tolerance_pp"] == 1.0
    assert set(config["releases"]["un_ama"]) == {"current_usd", "current_ncu", "constant_usd"}


def test_defaults_fill_a_partly_given_section(settings):
    config = validate_config({"concordance": settings["concordance"], "releases": {"etd": "2030-01-01"}})
    assert config["releases"]["etd"] == "2030-01-01"
    assert config["releases"]["ggdc10"] == SCHEMA_DOC["properties"]["releases"]["properties"]["ggdc10"]["default"]


def test_validation_does_not_change_its_argument(settings):
    given = copy.deepcopy(settings)
    validate_config(settings)
    assert settings == given


def test_every_level_of_the_config_refuses_unknown_keys():
    expected = {(), ("releases",), ("releases", "un_ama"), ("periods", 0), ("policy_events", 0), ("concordance",),
                ("concordance", "schemes", "broad3"), ("concordance", "sources"), ("reconciliation",)}  # fmt: skip
    assert expected <= set(CLOSED)


@pytest.mark.parametrize("path", CLOSED, ids=lambda path: "/".join(map(str, path)) or "top")
def test_unknown_key_is_refused_naming_it(path):
    data = load_config(CONFIG)
    at(data, path)["surplus_setting"] = 1
    message = error_of(data)
    assert f"key '{'/'.join(map(str, path)) or '(top level)'}'" in message
    assert "only known keys" in message and "'surplus_setting' was unexpected" in message


@pytest.mark.parametrize(
    ("change", "key", "fragment"),
    [
        (lambda d: d.update(countries=["mar"]), "countries/0", "pattern"),
        (lambda d: d.update(countries=[]), "countries", "minItems"),
        (lambda d: d.update(countries=["MAR", "MAR"]), "countries", "uniqueItems"),
        (lambda d: d["releases"].update(etd="July 2021"), "releases/etd", "pattern"),
        (lambda d: d["reconciliation"].update(tolerance_pp=0), "reconciliation/tolerance_pp", "exclusiveMinimum"),
        (lambda d: d["periods"][0].update(end=1900), "periods/0/end", "minimum"),
        (lambda d: d["periods"][1].pop("label"), "periods/1", "required"),
        (lambda d: d["policy_events"][0].update(year="2005"), "policy_events/0/year", "type"),
        (lambda d: d.pop("concordance"), "(top level)", "required"),
    ],
)
def test_schema_violations_name_the_key_and_the_rule(settings, change, key, fragment):
    change(settings)
    message = error_of(settings)
    assert f"key '{key}'" in message and fragment in message


def test_inverted_period_is_refused_and_an_open_or_one_year_period_is_not(settings):
    settings["periods"] = [
        {"id": "a", "label": "A", "end": 2004},
        {"id": "b", "label": "B", "start": 2009, "end": 2005},
    ]
    message = error_of(settings)
    assert "key 'periods/1'" in message and "expected start <= end" in message and "2009 > 2005" in message
    settings["periods"][1] = {"id": "b", "label": "B", "start": 2009, "end": 2009}
    assert validate_config(settings)["periods"][1]["end"] == 2009


def test_period_ids_are_unique_and_the_duplicate_is_named(settings):
    settings["periods"].append(dict(settings["periods"][0]))
    last = len(settings["periods"]) - 1
    assert f"key 'periods/{last}/id'" in error_of(settings)


def test_policy_events_are_distinct_and_in_order(settings):
    events = settings["policy_events"]
    settings["policy_events"] = [events[1], events[0], *events[2:]]
    assert "distinct years in increasing order" in error_of(settings)
    settings["policy_events"] = [events[0], {**events[1], "year": events[0]["year"]}]
    assert "distinct years in increasing order" in error_of(settings)


def test_duplicate_yaml_key_is_refused_naming_file_and_line(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("countries: [MAR]\nreconciliation: {tolerance_pp: 1}\ncountries: [TUN]\n")
    with pytest.raises(InputError) as caught:
        load_config(path)
    assert str(path) in str(caught.value) and "line 3" in str(caught.value) and "unique keys" in str(caught.value)


def test_unreadable_config_files(tmp_path):
    with pytest.raises(InputError, match="an existing YAML file"):
        load_config(tmp_path / "missing.yaml")
    (tmp_path / "bad.yaml").write_text("countries: [MAR\n")
    with pytest.raises(InputError, match="valid YAML"):
        load_config(tmp_path / "bad.yaml")


def test_overrides_replace_top_level_keys():
    config = load_config(CONFIG, {"countries": ["TUN"], "reconciliation": {"tolerance_pp": 2.5}})
    assert config["countries"] == ["TUN"] and config["reconciliation"]["tolerance_pp"] == 2.5


# --- the concordance ---------------------------------------------------------------------------------------------


def test_each_leaf_of_each_source_is_in_exactly_one_group_of_every_scheme(config):
    concordance = config["concordance"]
    for name, by_scheme in concordance["sources"].items():
        leaves = SOURCES[name].CONCORDANCE_LEAVES
        assert set(by_scheme) == set(concordance["schemes"]), name
        for scheme, groups in by_scheme.items():
            mapped = [leaf for members in groups.values() for leaf in members]
            assert sorted(mapped) == sorted(leaves), (name, scheme)
            assert set(groups) <= set(concordance["schemes"][scheme]["groups"])


def concordance_error(settings, change) -> str:
    change(settings["concordance"])
    return error_of(settings)


def test_a_leaf_in_two_groups_is_refused(settings):
    message = concordance_error(settings, lambda c: c["sources"]["etd"]["broad3"]["primary"].append("mining"))
    assert "key 'concordance/sources/etd/broad3'" in message
    assert "each sector in exactly one group" in message and "more than once: ['mining']" in message


def test_a_missing_leaf_is_refused(settings):
    message = concordance_error(settings, lambda c: c["sources"]["ggdc10"]["activity6"]["services"].remove("community"))
    assert "key 'concordance/sources/ggdc10/activity6'" in message and "not mapped: ['community']" in message


def test_an_unknown_leaf_is_refused(settings):
    message = concordance_error(settings, lambda c: c["sources"]["un_ama"]["broad3"]["tertiary"].append("tourism"))
    assert "key 'concordance/sources/un_ama/broad3'" in message
    assert "sectors of un_ama" in message and "['tourism']" in message


def test_an_unknown_group_is_refused(settings):
    def change(c):
        groups = c["sources"]["etd"]["broad3"]
        groups["quaternary"] = groups.pop("tertiary")

    message = concordance_error(settings, change)
    assert "key 'concordance/sources/etd/broad3'" in message
    assert "groups of scheme broad3" in message and "['quaternary']" in message


def test_an_unknown_scheme_is_refused(settings):
    message = concordance_error(settings, lambda c: c["sources"]["etd"].update(sectors2={"goods": ["agriculture"]}))
    assert "key 'concordance/sources/etd/sectors2'" in message and "a scheme defined in concordance/schemes" in message


def test_an_unknown_source_is_refused(settings):
    message = concordance_error(settings, lambda c: c["sources"].update(ilo={"broad3": {"primary": ["agriculture"]}}))
    assert "key 'concordance/sources'" in message and "'ilo' was unexpected" in message


def test_the_schema_verdict_is_cached_for_the_same_settings_only(tmp_path, settings):
    cache = tmp_path / "cache"
    first = validate_config(settings, where="config/config.yaml", cache_dir=cache)
    assert first == validate_config(settings, where="config/config.yaml")
    [entry] = cache.glob("*.pickle")
    assert validate_config(settings, where="config/config.yaml", cache_dir=cache) == first
    assert list(cache.glob("*.pickle")) == [entry]
    changed = copy.deepcopy(settings)
    changed["reconciliation"]["tolerance_pp"] = 2.5
    assert validate_config(changed, cache_dir=cache)["reconciliation"]["tolerance_pp"] == 2.5
    assert [p.name for p in cache.glob("*.pickle")] != [entry.name]  # the earlier verdict is replaced
    assert len(list(cache.glob("*.pickle"))) == 1


def test_invalid_settings_are_refused_with_a_cache_and_leave_no_verdict(tmp_path, settings):
    settings["reconciliation"]["tolerance_pp"] = "one"
    with pytest.raises(InputError, match="reconciliation/tolerance_pp"):
        validate_config(settings, where="config/config.yaml", cache_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_checks_beyond_the_schema_run_on_a_cached_verdict(tmp_path, settings):
    settings["periods"][0]["start"], settings["periods"][0]["end"] = 2010, 2000  # passes the schema only
    for _ in range(2):  # the second time the schema's verdict comes from the cache
        with pytest.raises(InputError, match="start <= end"):
            validate_config(settings, cache_dir=tmp_path)
        assert len(list(tmp_path.glob("*.pickle"))) == 1
