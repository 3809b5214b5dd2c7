"""Policy periods as spans between data years."""

from __future__ import annotations

import pytest

from emergence.errors import InputError
from emergence.structure.settings import SAMPLE_ID, Period, StructureSettings, annual_spans, spans

DEFAULT = (
    Period("pre2005", None, 2004),
    Period("emergence", 2005, 2008),
    Period("pact", 2009, 2013),
    Period("acceleration", 2014, None),
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
    assert as_tuples(spans((Period("all", 1990, 2018),), 1990, 2018))[0] == ("all", 1990, 2018)


def test_annual_spans_skip_gaps():
    assert as_tuples(annual_spans([2003, 2001, 2002, 2005])) == [("2002", 2001, 2002), ("2003", 2002, 2003)]


def test_period_named_like_the_whole_sample_is_rejected():
    with pytest.raises(InputError, match=SAMPLE_ID):
        StructureSettings.from_params(["MAR"], [{"id": SAMPLE_ID, "label": "x"}])


def test_chained_merges_are_rejected():
    with pytest.raises(InputError, match="merge_without_employment"):
        StructureSettings.from_params(["MAR"], [], {"a": "b", "b": "c"})
