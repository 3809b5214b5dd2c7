"""The report's prose as templates: the notebook's Markdown cells are Jinja templates filled from the results file,
so a researcher edits sentences in the notebook and every number in them comes from the build.

A name the results do not hold is an error (StrictUndefined), not an empty string. Filters print numbers the one
way the tables do (`views.labels.number`), countries by name, and lists as prose.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import jinja2
import nbformat

from emergence.errors import InputError
from emergence.views.labels import MISSING, number


def _defined(value: object) -> object:
    """The value, or the strict error a name the results lack raises when it is used."""
    if isinstance(value, jinja2.Undefined):
        value._fail_with_undefined_error()
    return value


def num(value: float | int | None, decimals: int = 1) -> str:
    """A quoted number with thousands separators and `decimals` places."""
    return number(_defined(value), decimals)


def whole(value: float | int | None) -> str:
    """A count or a year-like number: no decimals, thousands separators."""
    return number(_defined(value), 0)


def amount(value: float | int | None) -> str:
    """A stated quantity: whole numbers and large ones without decimals (440,000 jobs), others with one (15.2 %)."""
    value = _defined(value)
    whole_number = value is not None and (float(value).is_integer() or abs(float(value)) >= 1000)
    return number(value, 0 if whole_number else 1)


def signed(value: float | int | None, decimals: int = 1) -> str:
    """A change, with its sign written out (+1.2, -0.4)."""
    text = number(_defined(value), decimals)
    return text if text == MISSING or text.startswith("-") or float(value) == 0 else f"+{text}"


def listing(items: Sequence[str], conjunction: str = "and") -> str:
    """Items as prose: 'a', 'a and b', 'a, b and c'."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def environment(names: Mapping[str, str]) -> jinja2.Environment:
    """The templates' environment: strict about names, with the report's filters (`country` prints a code's name)."""
    env = jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # pandoc writes identifiers as {#fig-name}: Jinja's own comments would take them, so they are marked apart
        comment_start_string="<!--#",
        comment_end_string="#-->",
    )

    def country(code: str) -> str:
        if code not in names:
            raise InputError("results", "names", f"a name for every country quoted, one of {sorted(names)}", code)
        return names[code]

    env.filters.update(num=num, whole=whole, amount=amount, signed=signed, listing=listing, country=country)
    return env


def fill(text: str, results: Mapping, where: str = "report") -> str:
    """One template filled from the results; an unknown name or a template error names the place."""
    env = environment(results["names"])
    try:
        return env.from_string(text).render(**results)
    except jinja2.UndefinedError as exc:
        raise InputError(where, "template", "names the results file holds", str(exc)) from None
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(where, f"template line {exc.lineno}", "a valid template", exc.message) from None


CELL_BREAK = "<!-- emergence: next cell -->"


def fill_notebook(nb: nbformat.NotebookNode, results: Mapping) -> nbformat.NotebookNode:
    """A copy of the executed notebook whose Markdown cells are filled in, so the notebook reads as the report.

    The cells are filled as one template, in order, so a name set in one cell (`{% set focus = ... %}`) serves
    the cells after it."""
    out = nbformat.from_dict(nb)
    cells = [cell for cell in out.cells if cell.cell_type == "markdown"]
    if any(CELL_BREAK in cell.source for cell in cells):
        raise InputError("notebook", "markdown cells", f"no line '{CELL_BREAK}'")
    env = environment(results["names"])
    for i, cell in enumerate(cells):
        try:
            env.parse(cell.source)
        except jinja2.TemplateSyntaxError as exc:
            where = f"markdown cell {i} ({cell.get('id', 'no id')}), template line {exc.lineno}"
            raise InputError(
                "notebook", where, "a template that opens and closes its blocks in one cell", exc.message
            ) from None
    joined = f"\n{CELL_BREAK}\n".join(cell.source for cell in cells)
    filled = fill(joined, results, "notebook").split(CELL_BREAK)
    for cell, text in zip(cells, filled, strict=True):
        cell.source = text.strip("\n")
    return out
