"""The three rule functions end to end on a small clean table whose growth rates and break are known."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from typed_settings import model_settings

from emergence.clean import SCHEMAS
from emergence.config import load_config
from emergence.errors import InputError
from emergence.io import read_table
from emergence.models import rules
from emergence.models.schemas import OUTPUTS, write_tables
from emergence.sources.common import with_shares

YEARS = np.arange(1990, 2019)
CONFIG = load_config("config/config.yaml")
SECTORS = {"agriculture": 0.01, "manufacturing": 0.03, "other_services": 0.05}
SHARE_UNITS = {"va_constant": "% of total value added", "emp": "% of total employment"}


def clean_table(seed=51, zero_emp=False) -> pd.DataFrame:
    """ETD-like tidy rows: value added growing at known rates (manufacturing from 3 % to 6 % a year in 2009),
    employment at 1 % a year, shares computed as the clean stage does."""
    rng = np.random.default_rng(seed)
    rows = []
    for country in ("MAR", "TUN"):
        totals = {"va_constant": 0.0, "emp": 0.0}
        levels = {}
        for sector, rate in SECTORS.items():
            t = YEARS - YEARS[0]
            log_va = np.log(1000) + rate * t + rng.normal(0, 0.01, len(t))
            if sector == "manufacturing":
                log_va += 0.03 * np.maximum(0, YEARS - 2008)
            emp = 500 * np.exp(0.01 * t + rng.normal(0, 0.005, len(t)))
            if zero_emp and sector == "agriculture":
                emp[3] = 0.0
            levels[sector] = {"va_constant": np.exp(log_va), "emp": emp}
        for sector, by_variable in levels.items():
            for variable, values in by_variable.items():
                totals[variable] = totals[variable] + values
                unit = "million LCU, constant 2015 prices" if variable == "va_constant" else "thousand persons"
                rows += [
                    (country, sector, variable, int(y), float(v), unit, "etd")
                    for y, v in zip(YEARS, values, strict=True)
                ]
        for variable, values in totals.items():
            unit = "million LCU, constant 2015 prices" if variable == "va_constant" else "thousand persons"
            rows += [
                (country, "total", variable, int(y), float(v), unit, "etd") for y, v in zip(YEARS, values, strict=True)
            ]
    tidy = pd.DataFrame(rows, columns=["country", "sector", "variable", "year", "value", "unit", "source"])
    return SCHEMAS["etd"].validate(with_shares(tidy, SHARE_UNITS), "clean fixture")


def settings_for(*sections, **forecast):
    models = {
        k: v for k, v in CONFIG["models"].items() if k not in ("trend", "breaks", "diagnostics", "filters", "forecast")
    }
    models.update({section: CONFIG["models"][section] for section in sections})
    if forecast:
        models["forecast"] = {**CONFIG["models"]["forecast"], **forecast}
    settings = model_settings(["MAR", "TUN"], CONFIG["periods"], CONFIG["policy_events"], models)
    return settings.only(*sections, *(["forecast"] if forecast else []))


FAST_FORECAST = {"horizon": 2021, "backtest_origins": 2, "arima_orders": [[1, 1, 0]], "share_draws": 200}


def test_fit_trends_reports_known_growth_and_writes_valid_tables(tmp_path):
    tables = rules.fit_trends(clean_table(), settings_for("trend", "diagnostics", "filters"), "fixture")
    paths = {name: str(tmp_path / f"{name}.csv") for name in tables}
    write_tables(tables, paths)
    growth = read_table(paths["trend_growth"], OUTPUTS["trend_growth"]).set_index(
        ["country", "sector", "variable", "period"]
    )
    agriculture = growth.loc[("MAR", "agriculture", "va_constant", "whole_sample")]
    assert agriculture["ci_low_pct"] < 100 * np.expm1(0.01) < agriculture["ci_high_pct"]
    manufacturing = growth.loc[("MAR", "manufacturing", "va_constant", "pre2005")]
    assert manufacturing["ci_low_pct"] < 100 * np.expm1(0.03) < manufacturing["ci_high_pct"]
    assert manufacturing["status"] == "ok" and manufacturing["n"] == 15
    assert growth.loc[("MAR", "manufacturing", "va_constant", "emergence"), "status"] == "short"
    assert set(growth.index.get_level_values("variable")) == {
        "va_constant",
        "emp",
        "labour_productivity",
        "va_constant_share",
        "emp_share",
    }
    productivity = growth.loc[("TUN", "total", "labour_productivity", "whole_sample")]
    va, emp = (growth.loc[("TUN", "total", v, "whole_sample")] for v in ("va_constant", "emp"))
    assert productivity["cagr_pct"] == pytest.approx(
        100 * ((1 + va["cagr_pct"] / 100) / (1 + emp["cagr_pct"] / 100) - 1)
    )
    assert len(read_table(paths["unit_root"], OUTPUTS["unit_root"])) == 2 * (4 * 3 + 3 * 2)


def test_test_breaks_finds_the_2009_break_in_manufacturing_only(tmp_path):
    tables = rules.test_breaks(clean_table(), settings_for("trend", "breaks"), "fixture")
    write_tables(tables, {name: str(tmp_path / f"{name}.csv") for name in tables})
    search = tables["break_search"].set_index(["country", "sector", "variable"])
    for country in ("MAR", "TUN"):
        found = search.loc[(country, "manufacturing", "va_constant")]
        assert found["sup_f_p_value"] < 0.05 and abs(found["break_year"] - 2009) <= 2
        assert found["years_from_policy"] == found["break_year"] - found["nearest_policy_year"]
        assert abs(found["years_from_policy"]) <= 2
    tests = tables["break_tests"].set_index(["country", "sector", "variable", "spec", "tested"])
    assert tests.loc[("MAR", "manufacturing", "va_constant", "hinge", "2009"), "bootstrap_p_value"] < 0.05
    assert tests.loc[("MAR", "manufacturing", "va_constant", "hinge", "2014"), "bootstrap_p_value"] > 0.01


def forecast_tables(settings, workers=1):
    """What the two rules write, forecast_series and backtest_forecasts, together."""
    return {
        **rules.forecast_series(clean_table(), settings, "fixture", workers=workers),
        **rules.backtest_forecasts(clean_table(), settings, "fixture", workers=workers),
    }


@pytest.fixture(scope="module")
def forecast_run():
    """Both rules on both countries and every configured variable, the default backtest countries (the focus only):
    one run that the tests below read, each from its side."""
    settings = settings_for("forecast", **FAST_FORECAST, countries=["MAR", "TUN"])
    return settings, forecast_tables(settings)


def test_forecast_rules_write_forecasts_that_add_up_and_name_winners(forecast_run, tmp_path):
    settings, tables = forecast_run
    write_tables(tables, {name: str(tmp_path / f"{name}.csv") for name in tables})  # share sums checked here
    forecasts = tables["forecasts"]
    assert sorted(forecasts["year"].unique()) == [2019, 2020, 2021]
    assert set(forecasts["model"]) == {"rw_drift", "ets_damped", "arima"}
    emp_shares = forecasts[(forecasts["variable"] == "emp_share") & (forecasts["model"] == "arima")]
    for _, rows in emp_shares.groupby("country"):
        specs = rows.drop_duplicates("sector")["spec"]
        assert (specs == "base").sum() == 1 and specs.str.startswith("ARIMA(").sum() == len(specs) - 1
    shares = forecasts[forecasts["variable"] == "emp_share"].groupby(["country", "model", "year"])["value"].sum()
    assert np.allclose(shares, 100)
    backtest = tables["backtest"]
    scored = backtest[backtest["country"].isin(settings.forecast.backtest_countries)]
    assert (scored.groupby(["country", "sector", "variable"])["best"].sum() == 1).all()
    assert scored.loc[scored["model"] == "rw_drift", "rmse_ratio"].eq(1).all()
    wins = tables["backtest_wins"].set_index(["country", "variable", "model"])
    assert wins.xs("all", level="variable").groupby("country")["wins"].sum().tolist() == [4 * 3 + 3 * 2]


def test_only_the_focus_country_is_backtested_by_default_and_forecast_unless_others_are_named(forecast_run):
    settings, tables = forecast_run
    assert settings.forecast.backtest_countries == ("MAR",)
    assert set(tables["forecasts"]["country"]) == {"MAR", "TUN"}
    default = replace(settings_for("forecast", **FAST_FORECAST), variables=("va_constant",))
    assert default.forecast.countries == ("MAR",)
    alone = rules.forecast_series(clean_table(), default, "fixture")["forecasts"]
    assert set(alone["country"]) == {"MAR"} and len(alone) == len(
        tables["forecasts"].query("country == 'MAR' and variable == 'va_constant'")
    )
    scored = tables["backtest"].groupby("country")["n_forecasts"].sum()
    assert scored["MAR"] > 0 and scored["TUN"] == 0
    assert set(tables["backtest_wins"]["country"]) == {"MAR"}
    both = settings_for("forecast", **FAST_FORECAST, backtest_countries=["MAR", "TUN"])
    assert both.forecast.backtest_countries == ("MAR", "TUN")


def test_forecasts_are_identical_across_runs_and_worker_counts(forecast_run, tmp_path):
    """Two workers on a part of the series give, byte for byte, the rows one worker gave in the whole run: each
    series' result depends on neither the worker count nor the other series run with it."""
    settings, whole = forecast_run
    part = replace(settings, countries=("MAR",), variables=("va_constant", "emp_share"))
    two = forecast_tables(part, workers=2)

    def of_part(rows):  # the wins over all variables aside: they count the other series too
        return rows[rows["country"].isin(part.countries) & rows["variable"].isin(part.variables)]

    for name in whole:
        rows = of_part(two[name]).reset_index(drop=True)
        assert len(rows) > 0 and set(rows["variable"]) == set(part.variables), name
        first, second = tmp_path / f"{name}_1.csv", tmp_path / f"{name}_2.csv"
        write_tables({name: of_part(whole[name]).reset_index(drop=True)}, {name: str(first)})
        write_tables({name: rows}, {name: str(second)})
        assert first.read_bytes() == second.read_bytes()


def test_a_sector_with_a_zero_year_is_marked_not_fitted():
    tables = rules.fit_trends(clean_table(zero_emp=True), settings_for("trend", "diagnostics", "filters"), "fixture")
    growth = tables["trend_growth"]
    rows = growth[(growth["sector"] == "agriculture") & (growth["variable"] == "emp") & (growth["country"] == "MAR")]
    status = dict(zip(rows["period"], rows["status"], strict=True))
    # the zero is in 1993: the periods that contain it cannot be fitted in logs, the later ones can
    assert status == {
        "pre2005": "not_positive",
        "whole_sample": "not_positive",
        "emergence": "short",
        "pact": "short",
        "acceleration": "short",
    }
    assert not ((growth["sector"] == "agriculture") & (growth["variable"] == "labour_productivity")).any()
    OUTPUTS["trend_growth"].validate(growth, "fixture")


def test_bad_input_names_the_file_and_what_is_missing():
    settings = replace(settings_for("trend"), countries=("MAR", "SEN"))
    with pytest.raises(InputError, match=r"fixture.*country.*SEN"):
        rules.fit_trends(clean_table(), settings, "fixture")
    without_emp = clean_table()
    without_emp = without_emp[without_emp["variable"] != "emp_share"]
    with pytest.raises(InputError, match="emp_share"):
        rules.fit_trends(without_emp, settings_for("trend", "diagnostics", "filters"), "fixture")


def test_settings_keep_only_the_sections_given():
    settings = settings_for("trend")
    assert settings.trend.hac_min_years == CONFIG["models"]["trend"]["hac_min_years"]
    assert settings.forecast is None and settings.breaks is None
    assert settings.policy_years == (2005, 2009, 2014)
    with pytest.raises(InputError, match="whole_sample"):
        model_settings(["MAR"], [{"id": "whole_sample", "label": "x"}], CONFIG["policy_events"], CONFIG["models"])


def test_a_policy_year_outside_the_data_is_an_error_naming_the_key():
    settings = settings_for("trend", "breaks")
    settings = replace(settings, policy_years=(*settings.policy_years, 2030))
    with pytest.raises(InputError, match=r"policy_events\[3\]\.year.*up to 2018.*2030"):
        rules.test_breaks(clean_table(), settings, "fixture.csv")


def test_a_period_shorter_than_a_trend_fit_needs_is_an_error_naming_it():
    periods = [*CONFIG["periods"][:3], {"id": "last", "label": "Last year", "start": 2018, "end": 2018}]
    models = {k: v for k, v in CONFIG["models"].items() if k != "forecast"}
    settings = model_settings(["MAR"], periods, CONFIG["policy_events"], models)
    with pytest.raises(InputError, match=r"periods\[3\] \(last\).*min_years = 4.*found '2 years'"):
        rules.fit_trends(clean_table(), settings, "fixture.csv")
