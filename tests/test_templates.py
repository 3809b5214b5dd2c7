"""The report's prose templates: filled from the results, strict about names, numbers printed one way."""

from __future__ import annotations

import html
import re

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


ORIGINS = {"s": "table s_table", "names": "table countries"}
TRACED = {**RESULTS, "s": {**RESULTS["s"], "counts": {"met": 2}, "years": [2005, 2009], "gaps": {"2009": 0.5}}}


def spans(text: str) -> list[tuple[str, str, str]]:
    """(results keys, tooltip, printed text) of every number span."""
    found = re.findall(r'<span class="num" data-key="([^"]*)" title="([^"]*)">([^<]*)</span>', text)
    return [(key, html.unescape(title), shown) for key, title, shown in found]


def test_with_origins_every_printed_number_carries_its_results_key_through_arithmetic_and_defaults():
    text = (
        "{{ s.share | num }}; {{ (s.share - s.jobs) | num(0) }}; {{ s.counts.get('missed', 0) }}; "
        "{{ s.counts.met }}; {{ s.years | length }}; {{ s.years | listing }}; "
        "{% for y, g in s.gaps.items() %}{{ y }}: {{ g | signed }}{% endfor %}; {{ s.none | num }}; {{ 'MAR' | country }}"
    )
    filled = fill(text, TRACED, origins=ORIGINS)
    assert [(key, shown) for key, _, shown in spans(filled)] == [
        ("s.share", "15.2"),
        ("s.share + s.jobs", "-125,266"),
        ("s.counts.missed", "0"),
        ("s.counts.met", "2"),
        ("s.years", "2"),
        ("s.years.0", "2005"),
        ("s.years.1", "2009"),
        ("s.gaps.2009", "2009"),
        ("s.gaps.2009", "+0.5"),
    ]
    assert spans(filled)[1][1] == "results.json: s.share + s.jobs\ntable s_table"
    assert filled.endswith("; n/a; Morocco")  # a missing value and a name are text, not numbers
    assert re.sub(r"<span[^>]*>[^<]*</span>", "N", filled) == "N; N; N; N; N; N and N; N: N; n/a; Morocco"


def test_with_origins_a_number_from_no_results_key_is_refused():
    with pytest.raises(InputError, match="number 3"):
        fill("{{ 3 }} figures", TRACED, origins=ORIGINS)
    with pytest.raises(InputError, match="number 2.5"):
        fill("{{ 2.5 | num }}", TRACED, origins=ORIGINS)
    assert fill("{{ 3 }} figures", TRACED) == "3 figures"  # without origins, the prose is plain text


def test_a_filled_notebook_marks_its_numbers_and_leaves_the_results_unchanged():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("{% set x = s.share %}Share"), nbformat.v4.new_markdown_cell("{{ x }}")]
    filled = fill_notebook(nb, TRACED, ORIGINS)
    assert spans(filled.cells[1].source) == [("s.share", "results.json: s.share\ntable s_table", "15.1774")]
    assert type(TRACED["s"]["share"]) is float
