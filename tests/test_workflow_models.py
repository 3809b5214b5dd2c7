"""Settings the data cannot serve stop the models stage at its job, naming the key and the config file they came
from, with no output left."""

from __future__ import annotations

import pytest
import yaml

from emergence.config import load_config

pytestmark = pytest.mark.build
BASE = load_config("config/config.yaml")
CASES = {
    "policy_year_outside_the_data": (
        {"policy_events": [*BASE["policy_events"], {"year": 2030, "name": "A later plan"}]},
        "data/processed/models/break_tests.csv",
        ("bad.yaml", "policy_events[3].year", "up to 2018", "2030"),
    ),
    "period_shorter_than_a_trend_needs": (
        {"periods": [*BASE["periods"][:3], {"id": "last", "label": "Last year", "start": 2018, "end": 2018}]},
        "data/processed/models/trend_growth.csv",
        ("bad.yaml", "periods[3] (last)", "models.trend.min_years", "2 years"),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_models_stage_stops_on_settings_the_data_cannot_serve(name, workflow_copy, folder_checksums):
    overrides, target, fragments = CASES[name]
    copy = workflow_copy()
    (copy.root / "bad.yaml").write_text(yaml.safe_dump(overrides, sort_keys=False))
    run = copy.snakemake(target, "--configfile", "bad.yaml")
    assert run.returncode != 0
    for fragment in fragments:
        assert fragment in run.stderr, f"{fragment!r} not in the error:\n{run.stderr[-2000:]}"
    assert not (copy.root / target).exists()
    assert copy.stray_files() == []
    assert folder_checksums(copy.raw) == copy.raw_checksums
