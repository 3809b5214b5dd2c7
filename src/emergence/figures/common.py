"""What every figure shares: header and footer text, greyscale-safe series styles, event marks, byte-stable saving."""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.textpath import TextToPath

matplotlib.use("Agg")

from matplotlib import rcParams  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from emergence.errors import InputError  # noqa: E402
from emergence.figures.raster import svg_to_png  # noqa: E402
from emergence.io import write_files  # noqa: E402

HASH_SALT = "emergence"
# Every figure's width: the report's 16 cm text width less a hair, so a figure is placed at its drawn size or a
# little larger, and its text prints at the size it is drawn (7 pt at least).
WIDTH_IN = 6.29
# The tallest figure: the report's 24.7 cm text height less room for a caption of three lines under it.
MAX_HEIGHT_IN = 8.9
# Metadata that would change between two builds (dates) or between machines is fixed or dropped.
# The PNG is not saved by matplotlib: it is the raster copy of the SVG (emergence.figures.raster).
SAVE_METADATA = {
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
}
RASTER = "png"

# Second channel after colour, so series stay apart in greyscale and for colour-blind readers.
HATCHES = ("", "///", "...", "\\\\\\", "xx", "--", "oo", "||")
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 1)), (0, (8, 2)))
HEADER_PT = (11.0, 8.5)  # title, units line
FOOTER_PT = 7.0
MARGIN_IN = 0.08
PAD_IN = 0.06


class ReportFigure(Figure):
    """A figure framed by a header (title, units) and a footer (source, note), with the panels between.

    Laid out once before saving (`finish`) with tight layout, which is plain arithmetic on text extents, rather
    than constrained layout, whose solver may settle on different positions from one run to the next.
    """

    def __init__(self, figsize: tuple[float, float], head_in: float, foot_in: float):
        super().__init__(figsize=figsize)
        FigureCanvasAgg(self)
        height = figsize[1]
        self.body = (foot_in / height, 1.0 - head_in / height)  # bottom, top of the panels' band
        self.bottom_legend = None

    def finish(self) -> None:
        """Place the panels between the header and the footer, above the legend if there is one."""
        bottom, top = self.body
        renderer = self.canvas.get_renderer()
        if self.bottom_legend is not None:
            bottom += self.bottom_legend.get_window_extent(renderer).height / self.bbox.height
        self.tight_layout(rect=(0.0, bottom, 1.0, top), pad=PAD_IN * 72 / rcParams["font.size"])


@dataclass(frozen=True)
class FigureText:
    """The words around a figure: a title, the units of its values, its sources and an optional note."""

    title: str
    units: str
    source: str
    note: str = ""


@dataclass(frozen=True)
class SeriesStyle:
    color: str
    hatch: str
    marker: str
    linestyle: object


def series_styles(n: int) -> list[SeriesStyle]:
    """n styles: the style file's colour cycle paired with hatches, markers and line styles (distinct up to 64)."""
    colors = [c["color"] for c in rcParams["axes.prop_cycle"]]
    styles = []
    for i in range(n):
        shift = i + i // len(colors)  # past one round of colours, the second channel moves on by one
        styles.append(
            SeriesStyle(
                colors[i % len(colors)],
                HATCHES[shift % len(HATCHES)],
                MARKERS[shift % len(MARKERS)],
                LINESTYLES[shift % len(LINESTYLES)],
            )
        )
    return styles


def _text_width_in(text: str, size_pt: float, weight: str) -> float:
    """The printed width of one line of text in the style's font: the advance widths matplotlib's text layout
    gives it (the room the line takes, not its ink), read from the font's metrics rather than its outlines."""
    prop = FontProperties(family=rcParams["font.family"], size=size_pt, weight=weight)
    return _layout_width_in(text, size_pt, findfont(prop))


@functools.lru_cache(maxsize=8192)
def _layout_width_in(text: str, size_pt: float, font_file: str) -> float:
    prop = FontProperties(fname=font_file, size=size_pt)
    return TextToPath().get_text_width_height_descent(text, prop, ismath=False)[0] / 72


def _wrap(text: str, width_in: float, size_pt: float, weight: str = "normal") -> list[str]:
    """Words filled into lines no wider than `width_in`, as measured in the font they are printed in."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and _text_width_in(candidate, size_pt, weight) <= width_in:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def panel_title(ax: Axes, text: str, size_pt: float = 8) -> None:
    """A panel's title on its left, wrapped to the panel's width as first placed, so that in a row
    of panels it does not run into the next one's."""
    width_in = ax.get_position().width * ax.figure.get_figwidth()
    lines = [part for line in text.split("\n") for part in _wrap(line, width_in, size_pt, rcParams["axes.titleweight"])]
    ax.set_title("\n".join(lines), loc="left", fontsize=size_pt)


def _text_block(lines: list[tuple[str, float, str, str]], width_in: float) -> list[tuple[str, float, str, str]]:
    """(text, size, weight, colour) entries wrapped to the figure's width, one tuple per printed line."""
    return [
        (part, size, weight, color)
        for text, size, weight, color in lines
        for part in _wrap(text, width_in - 2 * MARGIN_IN, size, weight)
    ]


def _fill(fig: Figure, lines: list[tuple[str, float, str, str]], top_in: float) -> None:
    """Write wrapped lines downwards from `top_in` (inches from the bottom)."""
    width, height = fig.get_size_inches()
    y = top_in
    for text, size, weight, color in lines:
        fig.text(MARGIN_IN / width, y / height, text, fontsize=size, fontweight=weight, color=color, va="top")
        y -= size * 1.35 / 72


def new_figure(
    text: FigureText, nrows: int = 1, ncols: int = 1, figsize: tuple[float, float] | None = None, **subplot_kw
) -> tuple[ReportFigure, np.ndarray]:
    """A figure with its title and units on top, its source and note below, and a 2-D array of axes between."""
    width, height = figsize or tuple(rcParams["figure.figsize"])
    head = _text_block(
        [(text.title, HEADER_PT[0], "bold", "black"), (text.units, HEADER_PT[1], "normal", "#222222")], width
    )
    foot = _text_block(
        [(f"Source: {text.source}", FOOTER_PT, "normal", "#333333")]
        + ([(f"Note: {text.note}", FOOTER_PT, "normal", "#333333")] if text.note else []),
        width,
    )
    head_in = _fill_height(head) + 2 * MARGIN_IN
    foot_in = _fill_height(foot) + 2 * MARGIN_IN
    fig = ReportFigure((width, height), head_in, foot_in)
    _fill(fig, head, height - MARGIN_IN)
    _fill(fig, foot, foot_in - MARGIN_IN)
    axes = fig.subplots(nrows, ncols, squeeze=False, **subplot_kw)
    return fig, axes


def _fill_height(lines: list[tuple[str, float, str, str]]) -> float:
    return sum(size * 1.35 / 72 for _, size, _, _ in lines)


def legend_below(axes: np.ndarray, ncols: int) -> None:
    """One legend for all panels, from the first panel's handles, centred under the panels above the footer."""
    handles, labels = axes.flat[0].get_legend_handles_labels()
    fig = axes.flat[0].get_figure(root=True)
    fig.bottom_legend = fig.legend(
        handles, labels, loc="lower center", ncols=ncols, bbox_to_anchor=(0.5, fig.body[0]), borderaxespad=0.2
    )


def mark_events(ax: Axes, events: Sequence[tuple[int, str]]) -> None:
    """Dashed vertical lines at the policy launch years (named in the figure's note, see events_note)."""
    for year, _ in events:
        ax.axvline(year, color="#222222", linestyle=(0, (4, 2)), linewidth=0.9, zorder=3)


def events_note(events: Sequence[tuple[int, str]]) -> str:
    """The sentence naming the dashed lines drawn by mark_events."""
    if not events:
        return ""
    return "Dashed lines: " + "; ".join(f"{name} ({year})" for year, name in events) + "."


def figure_files(fig: ReportFigure, stem: str | Path, formats: Sequence[str]) -> dict[Path, bytes]:
    """Lay `fig` out, then render it once per format (path beside `stem` -> bytes), with no dates and fixed SVG
    ids, so rebuilds give equal bytes; the PNG is drawn from the SVG. Nothing is written, so a job writes its
    figures once all are drawn."""
    unknown = [fmt for fmt in formats if fmt not in (*SAVE_METADATA, RASTER)]
    if unknown or "svg" not in formats:
        raise InputError("config", "figures.formats", f"svg and some of {sorted({*SAVE_METADATA, RASTER})}", formats)
    fig.finish()
    files = {}
    with matplotlib.rc_context({"svg.hashsalt": HASH_SALT}):
        for fmt in sorted(formats, key=lambda f: f != "svg"):
            path = Path(stem).with_suffix(f".{fmt}")
            if fmt == RASTER:
                files[path] = svg_to_png(files[Path(stem).with_suffix(".svg")])
                continue
            buffer = io.BytesIO()
            fig.savefig(buffer, format=fmt, metadata=SAVE_METADATA[fmt])
            files[path] = buffer.getvalue()
    return {path: files[path] for path in (Path(stem).with_suffix(f".{fmt}") for fmt in formats)}


def save_figure(fig: ReportFigure, stem: str | Path, formats: Sequence[str]) -> list[Path]:
    """figure_files, written (every format or none)."""
    files = figure_files(fig, stem, formats)
    write_files(files)
    return list(files)
