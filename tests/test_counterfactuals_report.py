"""What the report shows of the counterfactual stage: the donor weights and predictor balance tables, and the numbers
the prose quotes, from stage tables with known contents; the same donors named in the table, figure and prose."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from emergence.io import read_table, write_files
from emergence.report.catalog import TABLES
from emergence.report.results import counterfactuals as quoted
from emergence.report.tabulate import report_table_files
from emergence.settings import ViewSettings
from emergence.views.counterfactuals import donor_weights, named_donors, predictor_balance

CONSTANT, PRODUCTIVITY = "manufacturing_va_constant_share", "labour_productivity_log"
# outcome -> donor weights of the main design (2005); DDD and EEE are below the half percent that is named
WEIGHTS = {
    CONSTANT: {"AAA": 0.6, "BBB": 0.3, "CCC": 0.09, "DDD": 0.006, "EEE": 0.004, "FFF": 0.0},
    PRODUCTIVITY: {"AAA": 0.0, "BBB": 0.0, "CCC": 0.0, "DDD": 0.0, "EEE": 0.0, "FFF": 1.0},
}
VARIANT_WEIGHTS = {"AAA": 0.5, "BBB": 0.5, "CCC": 0.0, "DDD": 0.0, "EEE": 0.0, "FFF": 0.0}
NAMES = {"MAR": "Morocco", "AAA": "Aland", "BBB": "Borduria", "CCC": "Carpania", "DDD": "Dunland", "EEE": "Elbonia"}
SETTINGS = ViewSettings(countries=("MAR", "TUN"))


def named(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {
        **tables,
        "countries": pd.DataFrame({"country": list(NAMES), "name": list(NAMES.values()), "source": "etd"}),
    }


def counterfactual_tables() -> dict[str, pd.DataFrame]:
    """The synthetic-control tables of a stage run with known contents: two outcomes treated in 2005 (the main
    design), one of them also in 2009 without placebos, as the default settings run them. The country names are
    apart (`named`), since other tests add these tables to inputs that have their own."""
    fits = pd.DataFrame(
        {
            "outcome": [CONSTANT, CONSTANT, PRODUCTIVITY],
            "treatment_year": [2005, 2009, 2005],
            "design": ["main", "variant", "main"],
            "source": "etd",
            "treated": "MAR",
            "donors": 6,
            "first_year": 1990,
            "last_year": 2018,
            "pre_rmspe": [0.78, 0.9, 0.031],
            "post_rmspe": [2.5, 1.0, 0.2],
            "rmspe_ratio": [2.5 / 0.78, 1.0 / 0.9, 0.2 / 0.031],
            "post_gap": [2.17, -0.5, 0.171],
            "placebos": pd.array([6, None, 6], dtype="Int64"),
            "p_value": [3 / 7, None, 1 / 7],
            "pre_rmspe_k": 2.0,
            "placebos_kept": pd.array([4, None, 2], dtype="Int64"),
            "p_value_kept": [2 / 5, None, 1 / 3],
        }
    )
    weights = pd.concat(
        [
            pd.DataFrame({"outcome": o, "treatment_year": y, "donor": list(w), "weight": list(w.values())})
            for o, y, w in ((CONSTANT, 2005, WEIGHTS[CONSTANT]), (CONSTANT, 2009, VARIANT_WEIGHTS))
            + ((PRODUCTIVITY, 2005, WEIGHTS[PRODUCTIVITY]),)
        ],
        ignore_index=True,
    )
    balance = pd.DataFrame(
        {
            "outcome": [CONSTANT] * 3 + [PRODUCTIVITY] * 2,
            "treatment_year": 2005,
            "predictor": [
                f"{CONSTANT} 1990-1994",
                f"{CONSTANT} 1995-2004",
                f"{CONSTANT} 2004",
                f"{PRODUCTIVITY} 1990-2004",
                f"{PRODUCTIVITY} 2004",
            ],
            "treated": [18.0, 17.0, 16.5, 0.1, 0.2],
            "synthetic": [17.9, 17.2, 16.4, 0.11, 0.19],
            "donor_mean": [14.0, 14.5, 15.0, 0.3, 0.4],
            "v": [0.5, 0.3, 0.2, 0.9, 0.1],
        }
    )
    return {
        "counterfactuals_synth_fits": fits,
        "counterfactuals_synth_weights": weights,
        "counterfactuals_synth_balance": balance,
    }


def test_the_weights_table_names_the_donors_of_half_a_percent_and_adds_up_the_rest():
    table = donor_weights(named(counterfactual_tables()), SETTINGS)
    constant = table[table["Outcome"].str.contains("constant prices")]
    assert list(constant["Donor"]) == ["Aland", "Borduria", "Carpania", "Dunland", "1 other donor"]
    assert list(constant["Code"]) == ["AAA", "BBB", "CCC", "DDD", ""]
    assert constant["Weight"].tolist() == pytest.approx([0.6, 0.3, 0.09, 0.006, 0.004])
    assert constant["Weight"].sum() == pytest.approx(1.0, abs=1e-12)
    assert (constant["Outcome"] == "Manufacturing, % of value added (constant prices), from 2005").all()
    productivity = table[~table.index.isin(constant.index)]
    # a donor without a name in the countries table keeps its code; no row for donors that carry nothing
    assert productivity[["Donor", "Code"]].values.tolist() == [["FFF", "FFF"]]
    assert productivity["Weight"].tolist() == [1.0]
    assert table.index[: len(constant)].tolist() == constant.index.tolist()  # the stage's order of outcomes


def test_the_balance_table_sets_the_focus_beside_its_synthetic_control_and_the_donor_mean():
    table = predictor_balance(named(counterfactual_tables()), SETTINGS)
    assert list(table.columns) == ["Outcome", "Predictor", "Morocco", "Synthetic", "Donor mean", "V"]
    assert table["Predictor"].tolist() == ["mean 1990-1994", "mean 1995-2004", "2004", "mean 1990-2004", "2004"]
    assert table["Morocco"].tolist() == [18.0, 17.0, 16.5, 0.1, 0.2]
    assert table.groupby("Outcome", sort=False)["V"].sum().tolist() == pytest.approx([1.0, 1.0])
    closer = (table["Synthetic"] - table["Morocco"]).abs() < (table["Donor mean"] - table["Morocco"]).abs()
    assert closer.all()


def quoted_inputs(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The synthetic-control tables with the event-study and break tables the quoted numbers also read, and the
    pool and paths that only a UN outcome's numbers read (`test_cf_un` has those)."""
    return {
        **tables,
        "counterfactuals_synth_pool": pd.DataFrame(columns=["source", "country", "role", "reason"]),
        "counterfactuals_synth_paths": pd.DataFrame(columns=["outcome", "treatment_year", "run", "year", "gap"]),
        "counterfactuals_event_pretrend": pd.DataFrame({"p_bootstrap": [0.12, 0.84]}),
        "counterfactuals_break_dates": pd.DataFrame(
            {"series": [CONSTANT], "new_regime_from": [2004], "ci_low": [2002], "ci_high": [2005]}
        ),
    }


def test_the_table_the_figure_and_the_prose_name_the_same_donors():
    tables = counterfactual_tables()
    weights = tables["counterfactuals_synth_weights"]
    named = named_donors(weights, CONSTANT, 2005)
    assert named["donor"].tolist() == ["AAA", "BBB", "CCC", "DDD"]
    assert named_donors(weights, CONSTANT, 2005, top=2)["donor"].tolist() == ["AAA", "BBB"]
    results = quoted(quoted_inputs(tables), SETTINGS)
    by_outcome = {s["outcome"]: s for s in results["synth"]}
    assert [d["code"] for d in by_outcome[CONSTANT]["donors"]] == ["AAA", "BBB", "CCC", "DDD"]
    assert by_outcome[CONSTANT]["variants"] == {"2009": -0.5}
    assert by_outcome[PRODUCTIVITY]["p"] == pytest.approx(1 / 7)
    assert (by_outcome[CONSTANT]["source"], by_outcome[CONSTANT]["post_years"]) == ("ETD", 2018 - 2005 + 1)
    assert results["pre_rmspe_k"] == 2.0 and results["un"] is None  # no UN outcome in these tables


def test_the_prose_says_whether_the_later_launch_years_have_placebos():
    tables = counterfactual_tables()
    assert quoted(quoted_inputs(tables), SETTINGS)["variant_placebos"] is False
    fits = tables["counterfactuals_synth_fits"].assign(placebos=pd.array([6, 6, 6], dtype="Int64"))
    assert quoted(quoted_inputs({**tables, "counterfactuals_synth_fits": fits}), SETTINGS)["variant_placebos"] is True


@pytest.mark.parametrize("name", ["synth_donor_weights", "synth_balance"])
def test_the_report_tables_are_written_with_their_exact_values(name, tmp_path):
    (table,) = [t for t in TABLES if t.name == name]
    write_files(report_table_files(table, named(counterfactual_tables()), SETTINGS, tmp_path))
    csv = read_table(tmp_path / f"{name}.csv")
    built = table.build(named(counterfactual_tables()), SETTINGS)
    assert list(csv.columns) == ["row", *built.columns] and len(csv) == len(built)
    numeric = [c for c in built.columns if pd.api.types.is_float_dtype(built[c])]
    np.testing.assert_array_equal(csv[numeric].to_numpy(dtype=float), built[numeric].to_numpy(dtype=float))
    assert f"{{#tbl-{name}}}" in (tmp_path / f"{name}.md").read_text(encoding="utf-8")
