"""The report with another focus country: Tunisia's figures are Tunisia's, and the paper's claims, plans and
targets stay Morocco's, labelled as such, never presented as Tunisia's."""

from __future__ import annotations

import re

import nbformat
import pytest
from builds import build

from emergence import registry
from emergence.checkout import copy_project

pytestmark = pytest.mark.build


@pytest.fixture(scope="module")
def tunisia(tmp_path_factory):
    copy = copy_project(tmp_path_factory.mktemp("tunisia"))
    return build(copy, "reports/report.ipynb", "--config", "focus=TUN")


def prose(copy) -> str:
    nb = nbformat.read(str(copy / "reports" / "report.ipynb"), as_version=4)
    return "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")


def test_the_report_says_whose_country_it_is_about_and_whose_plans_they_are(tunisia):
    text = prose(tunisia)
    assert "This build's focus country is Tunisia" in text
    assert "are Morocco's" in text
    assert "{{" not in text and "{%" not in text


def test_no_sentence_presents_a_target_or_a_claim_of_the_paper_as_tunisia_s(tunisia):
    for sentence in re.split(r"(?<=[.;:])\s+", prose(tunisia)):
        if "Tunisia" in sentence and re.search(r"\b(target|plan|strateg)", sentence, re.IGNORECASE):
            assert "Morocco" in sentence, sentence
    ledger = registry.read("claims_ledger", root=tunisia)
    assert set(ledger["country"]) == {"MAR"} and not ledger["is_focus"].any()
    targets = registry.read("claims_targets", root=tunisia)
    assert set(targets["country"]) == {"MAR"}
