"""The report's prose templates: filled from the results, strict about names, numbers printed one way."""

from __future__ import annotations

import nbformat
import pytest

from emergence.errors import InputError
from emergence.report.templates import fill, fill_notebook, listing, signed

RESULTS = {"names": {"MAR": "Morocco", "TUN": "Tunisia"}, "s": {"share": 15.1774, "jobs": 125281.0, "none": None}}


def test_filters_print_numbers_countries_and_lists_as_the_report_does():
    text = "{{ 'MAR' | country }}: {{ s.share | num }} %, {{ s.jobs | whole }} jobs, {{ s.share | num(2) }}, {{ s.none | num }}"
    assert fill(text, RESULTS) == "Morocco: 15.2 %, 125,281 jobs, 15.18, n/a"
    assert fill("{{ s.jobs | amount }} and {{ s.share | amount }}", RESULTS) == "125,281 and 15.2"
    assert listing(["a"]) == "a" and listing(["a", "b"]) == "a and b" and listing(["a", "b", "c"]) == "a, b and c"
    assert (signed(1.25), signed(-0.4), signed(0.0)) == ("+1.2", "-0.4", "0.0")


def test_a_name_the_results_lack_is_an_error_naming_the_place():
    with pytest.raises(InputError, match="cell 3") as caught:
        fill("{{ s.missing | num }}", RESULTS, "cell 3")
    assert "missing" in str(caught.value)
    with pytest.raises(InputError, match="a name for every country"):
        fill("{{ 'EGY' | country }}", RESULTS)
    with pytest.raises(InputError, match="template line"):
        fill("{% if %}", RESULTS)


def test_names_set_in_one_cell_serve_the_cells_after_it_and_code_cells_are_left_alone():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("{% set focus = names.TUN %}\n# About {{ focus }}"),
        nbformat.v4.new_code_cell("x = '{{ not filled }}'"),
        nbformat.v4.new_markdown_cell("{% if focus == 'Tunisia' %}Still {{ focus }}.{% endif %}"),
    ]
    filled = fill_notebook(nb, RESULTS)
    assert [c.source for c in filled.cells] == ["# About Tunisia", "x = '{{ not filled }}'", "Still Tunisia."]
    assert nb.cells[0].source.startswith("{% set")  # the source notebook is left as it was


def test_a_block_left_open_across_cells_is_refused():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("{% if true %}a"), nbformat.v4.new_markdown_cell("b{% endif %}")]
    with pytest.raises(InputError, match="opens and closes its blocks"):
        fill_notebook(nb, RESULTS)
