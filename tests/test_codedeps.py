"""The package files a workflow script depends on: every file it can run, and not the readers it never runs."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from emergence.clean import clean_source
from emergence.codedeps import SOURCE_ROOT, script_code
from emergence.sources import SOURCES

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "workflow" / "scripts"
READERS = {f"src/emergence/sources/{name}.py" for name in SOURCES}


def others(source: str) -> list[str]:
    return [f"emergence.sources.{name}" for name in SOURCES if name != source]


def code_of(tmp_path: Path, text: str) -> set[str]:
    script = tmp_path / f"script{len(list(tmp_path.iterdir()))}.py"  # a new file each time: files are read once
    script.write_text(text, encoding="utf-8")
    return set(script_code(script))


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_a_clean_rule_depends_on_its_own_reader_alone(source):
    found = set(script_code(SCRIPTS / "clean_source.py", others(source)))
    assert found & READERS == {f"src/emergence/sources/{source}.py"}
    assert {"src/emergence/clean.py", "src/emergence/sources/common.py", "src/emergence/sources/__init__.py"} <= found


def test_the_shared_clean_script_reaches_every_reader():
    assert READERS <= set(script_code(SCRIPTS / "clean_source.py"))


@pytest.mark.parametrize("script", ["verify_raw.py", "analyse_structure.py", "clean_hcp_census.py", "clean_paper.py"])
def test_rules_that_read_no_source_table_do_not_depend_on_the_readers(script):
    assert not set(script_code(SCRIPTS / script)) & READERS


def test_a_package_init_is_a_dependency_but_not_what_it_imports(tmp_path):
    found = code_of(tmp_path, "from emergence.sources.common import header_index\n")
    assert {"src/emergence/sources/__init__.py", "src/emergence/sources/common.py", "src/emergence/errors.py"} <= found
    assert not found & READERS


def test_a_name_of_the_package_itself_brings_what_it_lists(tmp_path):
    assert READERS <= code_of(tmp_path, "from emergence.sources import source\n")
    assert READERS <= code_of(tmp_path, "import emergence.sources\n")


def test_an_import_inside_a_function_counts_for_that_function_and_its_callers(tmp_path):
    # emergence.config imports the readers inside check_concordance, which check_config calls.
    assert not code_of(tmp_path, "from emergence.config import read_yaml\n") & READERS
    assert READERS <= code_of(tmp_path, "from emergence.config import check_concordance\n")
    assert READERS <= code_of(tmp_path, "from emergence.config import check_config\n")
    assert READERS <= code_of(tmp_path, "from emergence import config\n")


def test_a_script_s_own_function_level_import_counts(tmp_path):
    found = code_of(tmp_path, "def main():\n    from emergence.sources.wdi import clean\n\n    return clean\n")
    assert found & READERS == {"src/emergence/sources/wdi.py"}


def test_a_multi_line_import_and_an_alias_are_read(tmp_path):
    text = "from emergence.sources.common import (\n    header_index as h,  # a comment\n    with_shares,\n)\nfrom emergence.sources import wdi as w\n"
    found = code_of(tmp_path, text)
    assert found & READERS == {"src/emergence/sources/wdi.py"}
    assert "src/emergence/sources/common.py" in found


def test_every_package_function_a_clean_job_calls_is_declared(tmp_path):
    """Run the WDI clean as its rule does, recording each package function called: each one's file must be
    among the rule's declared code, or an edit to it would not rerun the rule."""
    raw = ROOT / "data" / "raw" / "wdi"
    files = sorted(raw.glob("*/ddf--datapoints--*.csv"))
    if not files:
        pytest.skip("no WDI snapshot under data/raw/wdi")
    called: set[str] = set()

    def profile(frame, event, _arg):
        if event == "call":
            path = Path(frame.f_code.co_filename)
            if path.is_relative_to(SOURCE_ROOT / "emergence"):
                called.add(str(path.relative_to(SOURCE_ROOT.parent)))

    sys.setprofile(profile)
    try:
        clean_source("wdi", files[-1], ["MAR"], tmp_path / "wdi.csv")
    finally:
        sys.setprofile(None)
    declared = set(script_code(SCRIPTS / "clean_source.py", others("wdi")))
    assert "src/emergence/sources/wdi.py" in called
    assert called <= declared
