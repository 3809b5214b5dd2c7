"""claims.yaml's JSON Schema and cross-reference checks: a malformed claim is refused with the file, the claim
(position and id) and the key, whatever part of it is wrong."""

from __future__ import annotations

import copy

import jsonschema
import pytest

from emergence.claims.spec import CLAIMS_SCHEMA, check_claims
from emergence.config import read_yaml
from emergence.errors import InputError


def test_the_schema_is_a_valid_draft7_schema():
    jsonschema.Draft7Validator.check_schema(read_yaml(CLAIMS_SCHEMA))


def series(years=(2001, 2010)) -> dict:
    ref = {"table": "etd", "sector": "total", "variable": "va_constant"}
    return {"series": ref, "reduce": "mean_growth", "years": list(years)}


DOC = {
    "country": "MAR",
    "plans": [{"id": "plan", "name": "Plan (2009)", "launch": 2009, "horizon": 2015}],
    "claims": [
        {"id": "growth", "section": "2", "statement": "s", "claimed": 5.0, "unit": "% a year",
         "recipe": {"statistic": "value", "terms": [series()]}},
        {"id": "jobs", "section": "3", "statement": "s", "claimed": 50000, "unit": "jobs",
         "recipe": {"statistic": "value", "terms": [series()]},
         "variants": [{"label": "other", "statistic": "value", "terms": [series()]}]},
        {"id": "count", "section": "5", "statement": "s", "claimed": 120, "unit": "companies",
         "recipe": {"statistic": "value", "terms": [{"paper": "cluster_companies", "reduce": "sum"}]}},
        {"id": "mean", "section": "5", "statement": "s", "claimed": 40, "unit": "companies",
         "recipe": {"statistic": "ratio", "terms": [{"claim": "count"}, {"claim": "count"}]}},
        {"id": "target", "section": "3", "statement": "s", "claimed": 220000, "unit": "jobs",
         "recomputable": False, "reason": "a target",
         "target": {"plan": "plan", "indicator": "jobs", "baseline": {"value": 0, "year": 2008},
                    "outcome": {"statistic": "value", "terms": [{**series(), "years": "window"}]},
                    "outcome_unit": "persons"}},
        {"id": "exports", "section": "2", "statement": "s", "claimed": 119, "unit": "billion MAD",
         "recomputable": False, "reason": "no series"},
    ],
}  # fmt: skip


def test_a_well_formed_file_passes():
    assert [c["id"] for c in check_claims(copy.deepcopy(DOC), "claims.yaml")] == [c["id"] for c in DOC["claims"]]


def refused(change) -> InputError:
    doc = copy.deepcopy(DOC)
    change(doc)
    with pytest.raises(InputError) as err:
        check_claims(doc, "claims.yaml")
    assert err.value.where == "claims.yaml" and str(err.value).startswith("claims.yaml: ")
    return err.value


def claims(i: int):
    return lambda change: lambda doc: change(doc["claims"][i])


@pytest.mark.parametrize(
    ("change", "location"),
    [
        (claims(0)(lambda c: c.pop("unit")), "claims[0] (id 'growth'), field 'unit'"),
        (claims(1)(lambda c: c.update(claimed="many")), "claims[1] (id 'jobs'), field 'claimed'"),
        (claims(1)(lambda c: c.update(claimed=True)), "claims[1] (id 'jobs'), field 'claimed'"),
        (claims(0)(lambda c: c.update(qualifier="roughly")), "claims[0] (id 'growth'), field 'qualifier'"),
        (claims(0)(lambda c: c.update(colour="red")), "claims[0] (id 'growth'), field 'colour'"),
        (claims(5)(lambda c: c.pop("reason")), "claims[5] (id 'exports'), field 'reason'"),
        (claims(5)(lambda c: c.update(unit_error="u")), "claims[5] (id 'exports'), field 'recipe'"),
        (
            claims(0)(lambda c: c["recipe"]["terms"][0].update(scale="1.0e9")),
            "claims[0] (id 'growth'), recipe, terms[0], field 'scale'",
        ),
        (
            claims(0)(lambda c: c["recipe"]["terms"][0].update(years=[2001])),
            "claims[0] (id 'growth'), recipe, terms[0], field 'years'",
        ),
        (
            claims(0)(lambda c: c["recipe"]["terms"][0]["series"].update(table="hcp")),
            "claims[0] (id 'growth'), recipe, terms[0], series, field 'table'",
        ),
        (
            claims(1)(lambda c: c["variants"][0].pop("label")),
            "claims[1] (id 'jobs'), variants[0], field 'label'",
        ),
        (
            claims(2)(lambda c: c["recipe"]["terms"][0].update(reduce="count_below")),
            "claims[2] (id 'count'), recipe, terms[0], field 'threshold'",
        ),
        (
            claims(2)(lambda c: c["recipe"]["terms"][0].update(size="medium")),
            "claims[2] (id 'count'), recipe, terms[0], field 'size'",
        ),
        (
            claims(2)(lambda c: c["recipe"]["terms"][0].update(since=2010)),
            "claims[2] (id 'count'), recipe, terms[0], field 'since'",
        ),
        (
            claims(3)(lambda c: c["recipe"]["terms"][0].update(claim="nowhere")),
            "claims[3] (id 'mean'), recipe, terms[0], field 'claim'",
        ),
        (claims(4)(lambda c: c["target"].pop("baseline")), "claims[4] (id 'target'), target, field 'baseline'"),
        (claims(4)(lambda c: c["target"].update(plan="other")), "claims[4] (id 'target'), target, field 'plan'"),
        (claims(2)(lambda c: c.update(id="growth")), "claims[2], field 'id'"),
        (
            claims(0)(lambda c: c["recipe"]["terms"][0].update(years="window")),
            "claims[0] (id 'growth'), recipe, terms[0], field 'years'",
        ),
        (lambda doc: doc.update(country="Morocco"), "field 'country'"),
        (lambda doc: doc["plans"][0].pop("horizon"), "plans[0] (id 'plan'), field 'horizon'"),
    ],
)
def test_a_malformed_claim_is_refused_with_its_id_and_key(change, location):
    assert refused(change).location == location


def test_the_message_names_what_was_expected_and_found():
    error = refused(claims(0)(lambda c: c.update(qualifier="roughly")))
    assert "exact" in error.expected and error.found == "roughly"
    assert "claims[0] (id 'growth'), field 'qualifier'" in str(error)
