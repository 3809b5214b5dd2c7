"""The bad-input corpus: each broken raw file or setting stops the build with an error naming the file, the place
and what was expected, leaves no partial output, and never writes to data/raw.

Every case runs at the package level; a representative set also runs through snakemake in a copy of the workflow.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bad_input.cases import BY_NAME, CASES, Case, restamp

from emergence import manifest
from emergence.clean import SCHEMAS, clean_source
from emergence.config import load_config, read_yaml
from emergence.errors import InputError
from emergence.verify import write_verification

pytestmark = pytest.mark.corpus
ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
CONFIG = ROOT / "config" / "config.yaml"
WORKFLOW_CASES = (
    "checksum_mismatch",
    "unknown_config_key",
    "inverted_period",
    "etd_non_numeric_cell",
    "un_ama_sectors_not_summing",
)
JOB_OUTPUTS = {
    "verify_raw": "data/processed/ingest/verified.csv",
    "clean_etd": "data/processed/clean/etd.csv",
    "clean_un_ama": "data/processed/clean/un_ama.csv",
}


def file_of(inputs: dict, key: str) -> Path:
    source, _, table = key.partition("/")
    return inputs[source][table] if table else inputs[source]


def break_copy(case: Case, raw_root: Path, raw_files) -> dict:
    """Apply the case to a copy of data/raw; return the facts its fragments refer to."""
    facts = {"config": str(case.config_path)}
    if case.file:
        path = file_of(raw_files(raw_root), case.file)
        entry = manifest.load(path.parent / manifest.MANIFEST)
        facts["file"] = path.relative_to(raw_root).as_posix()
        facts["recorded"] = next(item["sha256"] for item in entry["files"] if item["name"] == path.name)
        if case.mutate is not None:
            facts.update(case.mutate(path))
            if case.restamp:
                restamp(path)
    return facts


def run_job(case: Case, raw_root: Path, output: Path, raw_files) -> None:
    """What the build does up to the case's job: read the settings and find the raw files, then run the job."""
    config = load_config(CONFIG, read_yaml(case.config_path) if case.config_path else None)
    inputs = raw_files(raw_root, config)
    if case.job == "verify_raw":
        write_verification(sorted(raw_root.rglob(manifest.MANIFEST)), output / "verified.csv")
    elif case.job.startswith("clean_"):
        source = case.job.removeprefix("clean_")
        clean_source(source, inputs[source], config["countries"], output / f"{source}.csv")


def expected(case: Case, facts: dict) -> list[str]:
    return [fragment.format(**facts) for fragment in case.fragments]


def test_corpus_covers_every_kind_of_failure_and_each_reader():
    jobs = {case.job for case in CASES}
    assert {"config", "verify_raw", "clean_etd", "clean_ggdc10", "clean_un_ama", "clean_wdi"} <= jobs
    assert len(BY_NAME) == len(CASES)
    assert set(WORKFLOW_CASES) <= set(BY_NAME)
    for case in CASES:
        assert (case.mutate is None) == (case.job == "config" or case.name == "unknown_country"), case.name
        assert case.config_path is None or case.config_path.is_file(), case.name


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_bad_input_stops_with_an_error_naming_file_place_and_expectation(case, tmp_path, raw_files, folder_checksums):
    before = {source: folder_checksums(RAW / source) for source in SCHEMAS}
    raw_root = tmp_path / "raw"
    shutil.copytree(RAW, raw_root)
    facts = break_copy(case, raw_root, raw_files)
    output = tmp_path / "processed"
    output.mkdir()

    with pytest.raises(InputError) as caught:
        run_job(case, raw_root, output, raw_files)

    message = str(caught.value)
    for fragment in expected(case, facts):
        assert fragment in message
    assert list(output.iterdir()) == []
    assert {source: folder_checksums(RAW / source) for source in SCHEMAS} == before


def test_the_same_job_succeeds_on_the_intact_copy(tmp_path, raw_files):
    """The corpus's failures come from the mutations, not from the way the jobs are run."""
    raw_root = tmp_path / "raw"
    shutil.copytree(RAW, raw_root)
    jobs = sorted({case.job for case in CASES} - {"config"})
    for job in jobs:
        run_job(Case("intact", job, ()), raw_root, tmp_path, raw_files)
    assert sorted(p.name for p in tmp_path.glob("*.csv")) == sorted(
        "verified.csv" if job == "verify_raw" else f"{job.removeprefix('clean_')}.csv" for job in jobs
    )


def start_case(case: Case, workflow_copy, clean_targets, raw_files):
    """A copy broken by the case, and snakemake started on it: the clean stage's targets for a broken setting
    (it fails before any job), the failing job's output otherwise."""
    facts: dict = {}
    copy = workflow_copy(lambda copy: facts.update(break_copy(case, copy.raw, raw_files)))
    targets = clean_targets if case.job == "config" else [JOB_OUTPUTS[case.job]]
    options = [f"--configfile={case.config_path}"] if case.config_path else []
    return copy, facts, copy.start(*targets, *options)


@pytest.fixture(scope="module")
def workflow_runs(workflow_copy, clean_targets, raw_files) -> dict:
    """Each workflow case in its own copy, all run at once."""
    started = {name: start_case(BY_NAME[name], workflow_copy, clean_targets, raw_files) for name in WORKFLOW_CASES}
    return {name: (copy, facts, finish()) for name, (copy, facts, finish) in started.items()}


@pytest.mark.build
@pytest.mark.parametrize("name", WORKFLOW_CASES)
def test_workflow_stops_on_bad_input(name, workflow_runs, folder_checksums):
    case = BY_NAME[name]
    copy, facts, run = workflow_runs[name]

    assert run.returncode != 0
    for fragment in expected(case, facts):
        assert fragment in run.stderr
    processed = copy.root / "data" / "processed"
    if case.job in ("config", "verify_raw"):  # both stop the workflow at its start, before any job
        assert not processed.exists()
    else:
        assert f"Error in rule {case.job}" in run.stderr
        assert not (copy.root / JOB_OUTPUTS[case.job]).exists()
        stage = "ingest" if case.job == "verify_raw" else "clean"
        log = (copy.root / "logs" / stage / f"{case.job}.log").read_text()
        assert "bad input" in log and all(fragment in log for fragment in expected(case, facts))
    assert copy.stray_files() == []
    assert folder_checksums(copy.raw) == copy.raw_checksums
