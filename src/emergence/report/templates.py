"""The report's prose as templates: the notebook's Markdown cells are Jinja templates filled from the results file,
so a researcher edits sentences in the notebook and every number in them comes from the build.

A name the results do not hold is an error (StrictUndefined), not an empty string. Filters print numbers the one
way the tables do (`views.labels.number`), countries by name, and lists as prose.

Filled with the origins of the results' sections (`fill_notebook(..., origins=...)`), every number the prose
prints keeps the results key it came from, through arithmetic, `length` and `get` defaults, and is printed as an
HTML span whose `title` (a tooltip in the HTML report) gives that key and its origin; pandoc keeps the span's text
and drops its attributes in the PDF and the Word file. A number that comes from no results key is then an error.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence

import jinja2
import nbformat

from emergence.errors import InputError
from emergence.views.labels import MISSING, number

NUMBER_CLASS = "num"
KEY_ATTRIBUTE = "data-key"
KEY_SEPARATOR = " + "  # between the keys of a number computed from several (a key may hold spaces: a region's name)
# A string the results hold that reads as a number (a year used as a key, "2009"): quoted like a number.
NUMERIC = re.compile(r"-?\d+(\.\d+)?")


class _Traced:
    """A results value that remembers the results keys it was computed from."""

    results_keys: tuple[str, ...] = ()


class TracedInt(_Traced, int):
    pass


class TracedFloat(_Traced, float):
    pass


class TracedStr(_Traced, str):
    pass


def _keys_of(*values: object) -> tuple[str, ...]:
    return tuple(dict.fromkeys(k for v in values if isinstance(v, _Traced) for k in v.results_keys))


def traced_number(value: object, keys: tuple[str, ...]) -> object:
    """An int or float (not a bool) as its traced copy; anything else unchanged."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    out = (TracedInt if isinstance(value, int) else TracedFloat)(value)
    out.results_keys = keys
    return out


def _lift(base: type, name: str):
    operation = getattr(base, name)

    def method(self, *args):
        result = operation(self, *args)
        return result if result is NotImplemented else traced_number(result, _keys_of(self, *args))

    return method


_OPERATIONS = ("add", "radd", "sub", "rsub", "mul", "rmul", "truediv", "rtruediv", "floordiv", "mod", "neg", "pos")
for _cls, _base in ((TracedInt, int), (TracedFloat, float)):
    for _op in (*_OPERATIONS, "abs"):
        setattr(_cls, f"__{_op}__", _lift(_base, f"__{_op}__"))


class TracedList(list):
    key = ""


class TracedDict(dict):
    """A results mapping: `get` with a default number gives it the key asked for (a count of 0 that is absent)."""

    key = ""

    def get(self, name, default=None):
        if name in self:
            return self[name]
        return traced_number(default, (f"{self.key}.{name}",))


def _string(value: str, key: str) -> str:
    if not NUMERIC.fullmatch(value):
        return value
    out = TracedStr(value)
    out.results_keys = (key,)
    return out


def traced(value: object, key: str) -> object:
    """A copy of a results value whose numbers (and number-like strings) carry their dotted results key."""
    if isinstance(value, Mapping):
        out = TracedDict()
        for name, item in value.items():
            out[_string(str(name), f"{key}.{name}")] = traced(item, f"{key}.{name}")
    elif isinstance(value, list | tuple):
        out = TracedList(traced(item, f"{key}.{i}") for i, item in enumerate(value))
    elif isinstance(value, str):
        return _string(value, key)
    else:
        return traced_number(value, (key,))
    out.key = key
    return out


def traced_results(results: Mapping, origins: Mapping[str, str]) -> dict:
    """The results with the sections that have an origin traced; the others (build, sources) as they are."""
    return {name: traced(value, name) if name in origins else value for name, value in results.items()}


def number_span(text: str, keys: Sequence[str], origins: Mapping[str, str]) -> str:
    """A printed number as an HTML span: the results keys in `data-key`, each key's origin in `title`."""
    sections = dict.fromkeys(key.split(".", 1)[0] for key in keys)
    missing = [s for s in sections if s not in origins]
    if missing:
        raise InputError("results", f"keys {list(keys)}", f"sections with an origin, one of {sorted(origins)}", missing)
    joined = KEY_SEPARATOR.join(keys)
    title = "\n".join([f"results.json: {joined}", *(origins[s] for s in sections)])
    title = html.escape(title).replace("\n", "&#10;")  # one tooltip line each, in one line of Markdown
    return f'<span class="{NUMBER_CLASS}" {KEY_ATTRIBUTE}="{html.escape(joined)}" title="{title}">{text}</span>'


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


NUMBER_FILTERS = {"num": num, "whole": whole, "amount": amount, "signed": signed}


def _marking(origins: Mapping[str, str]):
    """The marker of printed numbers: a traced number becomes its span, a number from no results key is refused,
    text is left as it is."""

    def mark(value: object, text: str | None = None) -> object:
        text = str(value) if text is None else text
        if isinstance(value, _Traced):
            return number_span(text, value.results_keys, origins)
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise InputError("notebook", f"number {text}", "a number from the results file, which names its origin")
        return value

    return mark


def environment(names: Mapping[str, str], origins: Mapping[str, str] | None = None) -> jinja2.Environment:
    """The templates' environment: strict about names, with the report's filters (`country` prints a code's name).
    With `origins`, every number printed is marked with its origin (see the module's note)."""
    mark = _marking(origins) if origins is not None else None
    env = jinja2.Environment(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # pandoc writes identifiers as {#fig-name}: Jinja's own comments would take them, so they are marked apart
        comment_start_string="<!--#",
        comment_end_string="#-->",
        finalize=mark,
    )

    def country(code: str) -> str:
        if code not in names:
            raise InputError("results", "names", f"a name for every country quoted, one of {sorted(names)}", code)
        return names[code]

    env.filters.update(NUMBER_FILTERS, listing=listing, country=country)
    if mark is not None:
        env.filters.update(
            {name: _marked(f, mark) for name, f in NUMBER_FILTERS.items()},
            listing=lambda items, conjunction="and": listing([mark(i) for i in items], conjunction),
            length=lambda items: traced_number(len(items), (items.key,)) if getattr(items, "key", "") else len(items),
        )
        env.filters["count"] = env.filters["length"]
    return env


def _marked(format_number, mark):
    def formatted(value, *args):
        text = format_number(value, *args)
        return text if text == MISSING else mark(value, text)

    return formatted


def fill(text: str, results: Mapping, where: str = "report", origins: Mapping[str, str] | None = None) -> str:
    """One template filled from the results (each number marked with its origin when `origins` are given); an
    unknown name or a template error names the place."""
    env = environment(results["names"], origins)
    values = traced_results(results, origins) if origins is not None else results
    try:
        return env.from_string(text).render(**values)
    except jinja2.UndefinedError as exc:
        raise InputError(where, "template", "names the results file holds", str(exc)) from None
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(where, f"template line {exc.lineno}", "a valid template", exc.message) from None


CELL_BREAK = "<!-- emergence: next cell -->"


def fill_notebook(
    nb: nbformat.NotebookNode, results: Mapping, origins: Mapping[str, str] | None = None
) -> nbformat.NotebookNode:
    """A copy of the executed notebook whose Markdown cells are filled in, so the notebook reads as the report.

    The cells are filled as one template, in order, so a name set in one cell (`{% set focus = ... %}`) serves
    the cells after it. `origins`: each results section's origin, to mark every number with (see `fill`)."""
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
    filled = fill(joined, results, "notebook", origins).split(CELL_BREAK)
    for cell, text in zip(cells, filled, strict=True):
        cell.source = text.strip("\n")
    return out
