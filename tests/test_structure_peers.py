"""Peer comparison: share series as published and their peaks."""

from __future__ import annotations

import pandas as pd
import pytest

from emergence.errors import InputError
from emergence.structure.peers import SHARE_VARIABLES, peaks, peer_shares
from emergence.structure.schemas import PEAKS, PEERS


def shares(series: dict) -> pd.DataFrame:
    rows = [
        (country, "manufacturing", variable, year, value, "%", "test")
        for (country, variable), values in series.items()
        for year, value in values.items()
    ]
    return pd.DataFrame(rows, columns=["country", "sector", "variable", "year", "value", "unit", "source"])


def test_peak_is_the_first_year_of_the_highest_share():
    hump = {1990: 10.0, 1991: 14.0, 1992: 18.0, 1993: 18.0, 1994: 12.0}
    table = shares({("AAA", v): hump for v in SHARE_VARIABLES} | {("BBB", "emp_share"): {2000: 5.0, 2001: 6.0}})
    result = PEAKS.validate(peaks(table), "peaks").set_index(["country", "variable"])
    assert result.loc[("AAA", "va_current_share"), "peak_year"] == 1992
    assert result.loc[("AAA", "va_current_share"), "peak_value"] == 18.0
    assert result.loc[("AAA", "emp_share"), ["first_year", "first_value", "last_year", "last_value"]].tolist() == [
        1990,
        10.0,
        1994,
        12.0,
    ]
    assert result.loc[("BBB", "emp_share"), "peak_year"] == 2001


def test_peer_shares_keep_the_wanted_countries_and_sectors():
    series = {(c, v): {2000: 20.0, 2001: 21.0} for c in ("AAA", "BBB", "CCC") for v in SHARE_VARIABLES}
    table = shares(series)
    table = pd.concat([table, table.assign(sector="agriculture")])
    kept = PEERS.validate(peer_shares(table, ("AAA", "CCC"), ("manufacturing",), "test"), "peers")
    assert set(kept["country"]) == {"AAA", "CCC"}
    assert set(kept["sector"]) == {"manufacturing"}
    assert len(kept) == 2 * len(SHARE_VARIABLES) * 2


def test_missing_share_series_is_an_error():
    table = shares({("AAA", "emp_share"): {2000: 20.0}})
    with pytest.raises(InputError, match="va_current_share"):
        peer_shares(table, ("AAA",), ("manufacturing",), "test")
