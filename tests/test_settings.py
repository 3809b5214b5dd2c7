"""The build's settings: policy periods as spans between data years, the typed settings made from the config,
and their round trip through a rule's params."""

from __future__ import annotations

import pytest
from typed_settings import CONFIG

from emergence.config import validate_config
from emergence.errors import InputError
from emergence.settings import (
    SAMPLE_ID,
    ModelSettings,
    Period,
    StructureSettings,
    ViewSettings,
    annual_spans,
    from_config,
    from_params,
    spans,
    to_params,
)

DEFAULT = (
    Period("pre2005", end=2004),
    Period("emergence", start=2005, end=2008),
    Period("pact", start=2009, end=2013),
    Period("acceleration", start=2014),
)


def as_tuples(result):
    return [(s.period, s.base, s.end) for s in result]


def test_default_periods_tile_the_sample():
    assert as_tuples(spans(DEFAULT, 1990, 2018)) == [
        ("pre2005", 1990, 2004),
        ("emergence", 2004, 2008),
        ("pact", 2008, 2013),
        ("acceleration", 2013, 2018),
        (SAMPLE_ID, 1990, 2018),
    ]


def test_periods_are_clipped_to_the_data_and_empty_ones_left_out():
    result = as_tuples(spans(DEFAULT, 1960, 2012))
    assert ("pact", 2008, 2012) in result
    assert "acceleration" not in [p for p, _, _ in result]
    assert as_tuples(spans((Period("all", start=1990, end=2018),), 1990, 2018))[0] == ("all", 1990, 2018)


def test_annual_spans_skip_gaps():
    assert as_tuples(annual_spans([2003, 2001, 2002, 2005])) == [("2002", 2001, 2002), ("2003", 2002, 2003)]


def test_period_named_like_the_whole_sample_is_rejected():
    with pytest.raises(InputError, match=SAMPLE_ID):
        validate_config({**CONFIG, "periods": [{"id": SAMPLE_ID, "label": "x"}]}, where="c.yaml")


def test_chained_merges_are_rejected():
    structure = {**CONFIG["structure"], "merge_without_employment": {"a": "b", "b": "c"}}
    with pytest.raises(InputError, match="merge_without_employment"):
        validate_config({**CONFIG, "structure": structure}, where="c.yaml")


def test_the_focus_country_comes_first_whatever_its_place_in_the_list():
    settings = from_config({**CONFIG, "focus": "TUN"}, "c.yaml")
    assert settings.countries == ("TUN", "MAR", "EGY", "TUR")
    assert settings.views.focus == "TUN" and settings.models.forecast.backtest_countries == ("TUN",)
    assert settings.models.config_file == "c.yaml"


def test_a_focus_outside_the_countries_is_refused_naming_the_key():
    with pytest.raises(InputError, match="key 'focus'"):
        validate_config({**CONFIG, "focus": "ZAF"}, where="c.yaml")


@pytest.mark.parametrize(
    ("kind", "part"),
    [
        (ModelSettings, lambda s: s.models),
        (ModelSettings, lambda s: s.models.only("trend")),
        (StructureSettings, lambda s: s.structure),
        (ViewSettings, lambda s: s.views),
    ],
)
def test_settings_survive_the_round_trip_through_plain_params(kind, part):
    value = part(from_config(CONFIG))
    params = to_params(value)
    assert repr(params) == repr(to_params(from_params(kind, params)))  # plain values: Snakemake can compare them
    assert from_params(kind, params) == value


def test_only_keeps_the_named_model_sections():
    models = from_config(CONFIG).models.only("breaks", "trend")
    assert models.breaks and models.trend and models.forecast is None and models.filters is None


def test_a_changed_setting_changes_the_params_of_the_part_that_uses_it_only():
    base, changed = from_config(CONFIG), from_config({**CONFIG, "models": {**CONFIG["models"], "seed": 7}})
    assert to_params(base.models) != to_params(changed.models)
    assert to_params(base.structure) == to_params(changed.structure)
    assert to_params(base.views) == to_params(changed.views)
