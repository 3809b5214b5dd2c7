"""Settings: config.yaml validated by Snakemake's validate() against the JSON Schema (defaults filled, unknown keys
refused at every level, one-line messages naming the key), the checks a schema cannot express, and the sector
concordance (every leaf in exactly one group)."""

from __future__ import annotations

import copy
import json
import re
import time
from pathlib import Path

import jsonschema
import pytest

from emergence import manifest
from emergence.claims.spec import load_claims
from emergence.config import SCHEMA, load_config, read_yaml, validate_config
from emergence.errors import InputError
from emergence.sources import SOURCES
from emergence.yamlfile import MAX_ALIASES

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config" / "config.yaml"


def resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].removeprefix("#/$defs/")]
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


REQUIRED = ("focus", "countries", "releases", "policy_events", "periods", "concordance", "report")


def test_schema_is_valid_and_the_defaults_satisfy_it():
    jsonschema.Draft202012Validator.check_schema(SCHEMA_DOC)
    assert SCHEMA_DOC["additionalProperties"] is False and tuple(SCHEMA_DOC["required"]) == REQUIRED
    minimal = validate_config({key: read_yaml(CONFIG)[key] for key in REQUIRED})
    jsonschema.Draft202012Validator(SCHEMA_DOC).validate(minimal)


def kept(given, filled) -> bool:
    """Every value written in `given` is in `filled` as written (mappings compared key by key)."""
    if isinstance(given, dict):
        return isinstance(filled, dict) and all(k in filled and kept(v, filled[k]) for k, v in given.items())
    return given == filled


def test_repository_config_is_valid_and_unchanged_by_defaults(settings):
    config = load_config(CONFIG)
    for key, value in settings.items():
        assert kept(value, config[key]), key


def test_the_config_file_writes_no_value_that_the_schema_gives_as_its_default(settings):
    """Each default lives once, in the schema: config.yaml holds the build's own choices."""

    def repeated(node, given, path=()):
        node = resolve(SCHEMA_DOC, node)
        if isinstance(given, dict):
            for key, value in given.items():
                sub = node.get("properties", {}).get(key)
                if isinstance(sub, dict):
                    if "default" in sub and sub["default"] == value:
                        yield "/".join((*path, key))
                    yield from repeated(sub, value, (*path, key))

    assert list(repeated(SCHEMA_DOC, settings)) == []


def schema_defaults(node: dict) -> dict:
    """What the defaults alone make of an empty object: each property's default, objects filled in turn."""
    out = {}
    for key, sub in resolve(SCHEMA_DOC, node).get("properties", {}).items():
        if "default" in sub:
            value = copy.deepcopy(sub["default"])
            out[key] = {**schema_defaults(sub), **value} if isinstance(value, dict) else value
    return out


def test_defaults_are_filled_at_every_level(settings):
    given = {key: settings[key] for key in REQUIRED}
    config = validate_config(given)
    defaults = schema_defaults(SCHEMA_DOC)
    assert set(config) == set(defaults) | set(given)
    for key, value in defaults.items():
        assert kept(value, config[key]) or key in given, key
    assert all(kept(value, config[key]) for key, value in given.items())
    assert config["report"]["kernel"] == "python3" and config["reconciliation"]["tolerance_pp"] == 1.0
    assert config["models"]["trend"]["min_years"] == 4


def test_defaults_fill_a_partly_given_section(settings):
    config = validate_config({**settings, "models": {"seed": 7}})
    assert config["models"]["seed"] == 7
    assert config["models"]["forecast"]["horizon"] == schema_defaults(SCHEMA_DOC)["models"]["forecast"]["horizon"]


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
    assert f"key '{'/'.join(map(str, (*path, 'surplus_setting')))}'" in message
    assert "expected a known key" in message and "found 'an unknown key'" in message
    assert len(message.splitlines()) == 1 and len(message) < 600


def test_a_misspelt_key_is_refused_with_the_closest_valid_key(settings):
    settings["modles"] = {}
    assert "key 'modles'" in error_of(settings) and "did you mean 'models'?" in error_of(settings)


@pytest.mark.parametrize(
    ("change", "key", "fragment"),
    [
        (lambda d: d.update(countries=["mar"]), "countries/0", "pattern"),
        (lambda d: d.update(countries=[]), "countries", "minItems"),
        (lambda d: d.update(countries=["MAR", "MAR"]), "countries", "uniqueItems"),
        (lambda d: d["releases"].update(etd="July 2021"), "releases/etd", "pattern"),
        (lambda d: d.update(reconciliation={"tolerance_pp": 0}), "reconciliation/tolerance_pp", "exclusiveMinimum"),
        (lambda d: d["periods"][0].update(end=1900), "periods/0/end", "minimum"),
        (lambda d: d["periods"][1].pop("label"), "periods/1", "required"),
        (lambda d: d["policy_events"][0].update(year="2005"), "policy_events/0/year", "type"),
        (lambda d: d.pop("concordance"), "(top level)", "required"),
        (lambda d: d.update(focus="ZAF"), "focus", "one of countries"),
        (
            lambda d: d.update(models={"forecast": {"countries": ["MAR", "ZAF"]}}),
            "models/forecast/countries",
            "['ZAF']",
        ),
        (
            lambda d: d.update(models={"forecast": {"backtest_countries": ["ZAF"]}}),
            "models/forecast/backtest_countries",
            "some of countries",
        ),
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


# --- the one YAML loader -----------------------------------------------------------------------------------------


def list_bomb(levels: int = 9) -> str:
    """The billion laughs: each level nine aliases of the one before (9**9 strings, once expanded)."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def mapping_bomb(levels: int = 9) -> str:
    lines = ["a0: &a0 {x: 1}"]
    lines += [f"a{i}: &a{i} {{{', '.join(f'k{j}: *a{i - 1}' for j in range(9))}}}" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("bomb", [list_bomb, mapping_bomb])
@pytest.mark.parametrize("read", [read_yaml, load_config, manifest.load, load_claims], ids=lambda f: f.__name__)
def test_an_alias_bomb_fails_fast_naming_the_file_and_line_in_every_reader(tmp_path, bomb, read):
    path = tmp_path / "bomb.yaml"
    path.write_text(bomb())
    start = time.perf_counter()
    with pytest.raises(InputError) as caught:
        read(path)
    assert time.perf_counter() - start < 0.5
    assert re.fullmatch(
        rf"{re.escape(str(path))}: line \d+: expected at most {MAX_ALIASES} YAML aliases, found 'more \(an alias bomb\?\)'",
        str(caught.value),
    )


def test_aliases_up_to_the_bound_are_read_and_one_more_is_refused(tmp_path):
    path = tmp_path / "aliases.yaml"
    path.write_text("base: &b {x: 1}\n" + "".join(f"k{i}: *b\n" for i in range(MAX_ALIASES)))
    data = read_yaml(path)
    assert len(data) == MAX_ALIASES + 1 and all(value == {"x": 1} for value in data.values())
    path.write_text(path.read_text() + "extra: *b\n")
    with pytest.raises(InputError, match=rf"{re.escape(str(path))}: line \d+: expected at most {MAX_ALIASES}"):
        read_yaml(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "line 1: expected a YAML document, found 'an empty file'"),
        ("# a comment only\n\n", "line 1: expected a YAML document, found 'an empty file'"),
        ("focus: MAR\ncountries:\n\t- MAR\n", "line 3, column 1: expected valid YAML (indented with spaces: YAML does"),
        ("focus: MAR\n  countries: [MAR]\n", "line 2, column 12: expected valid YAML, found 'mapping values are not"),
        (
            "focus: MAR\ncountries: [MAR\n",
            'line 3, column 1: expected valid YAML, found "while parsing a flow sequence',
        ),
        ("focus: MAR\nother: *nothing\n", "line 2, column 8: expected valid YAML, found 'found undefined alias'"),
    ],
    ids=["empty", "comments only", "tab", "bad indentation", "unclosed list", "undefined alias"],
)
def test_an_unreadable_document_is_named_by_file_line_and_column(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_config(path)
    assert str(caught.value).startswith(f"{path}: {message}")
    assert "\n" not in str(caught.value)


def test_bytes_that_are_not_utf8_are_named_by_line(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("focus: MAR\ntitle: Caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError) as caught:
        read_yaml(path)
    assert str(caught.value) == f"{path}: line 2: expected UTF-8 text, found b'\\xe9'"


def test_the_package_and_the_workflow_read_yaml_only_through_the_loader():
    """No second reader: a yaml.load or safe_load anywhere else would bring back duplicate keys and alias bombs."""
    pattern = re.compile(r"yaml\.(safe_|full_|unsafe_)?load(_all)?\(|\bYAML\(|yaml\.(C?SafeLoader|Loader)\b")
    files = [ROOT / "Snakefile", *(ROOT / "src").rglob("*.py"), *(ROOT / "workflow").rglob("*.smk")]
    files += [*(ROOT / "workflow" / "scripts").rglob("*.py"), *(ROOT / "benchmarks").rglob("*.py")]
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in files
        if path.name != "yamlfile.py" or path.parent.name != "emergence"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []


def test_overrides_replace_top_level_keys():
    config = load_config(CONFIG, {"focus": "TUN", "countries": ["TUN"], "reconciliation": {"tolerance_pp": 2.5}})
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
    assert "key 'concordance/sources/ilo'" in message and "expected a known key" in message


def cached_check(config: dict, cache: Path) -> dict:
    from emergence.config import schema_check_cached

    schema_check_cached(config, "config/config.yaml", cache)
    return config


def test_a_kept_validation_gives_what_validation_gives_in_the_same_order(tmp_path):
    raw = read_yaml(CONFIG)
    fresh = cached_check(copy.deepcopy(raw), tmp_path)
    assert len(list(tmp_path.glob("config-*.json"))) == 1
    again = cached_check(copy.deepcopy(raw), tmp_path)
    # Equal with keys in the same order at every level: rule params are compared as Snakemake serialises them.
    assert json.dumps(again) == json.dumps(fresh) == json.dumps(validate_config(raw))
    changed = copy.deepcopy(raw)
    changed["countries"] = ["MAR", "TUN"]
    assert cached_check(changed, tmp_path)["countries"] == ["MAR", "TUN"]
    assert len(list(tmp_path.glob("config-*.json"))) == 2


def test_an_invalid_config_is_refused_every_time_and_never_kept(tmp_path):
    bad = {**read_yaml(CONFIG), "colour": "blue"}
    for _ in range(2):
        with pytest.raises(InputError, match="colour"):
            cached_check(copy.deepcopy(bad), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_damaged_kept_file_is_validated_again_and_a_config_json_cannot_hold_is_not_kept(tmp_path):
    raw = read_yaml(CONFIG)
    cached_check(copy.deepcopy(raw), tmp_path)
    (kept,) = tmp_path.glob("config-*.json")
    kept.write_text('{"countries": ')
    assert json.dumps(cached_check(copy.deepcopy(raw), tmp_path)) == json.dumps(validate_config(raw))
    int_keys = copy.deepcopy(raw)  # JSON would give the key back as the string "1"
    int_keys.setdefault("structure", {})["merge_without_employment"] = {1: "x"}
    assert cached_check(copy.deepcopy(int_keys), tmp_path / "other") == validate_config(int_keys)
    assert not (tmp_path / "other").exists()
