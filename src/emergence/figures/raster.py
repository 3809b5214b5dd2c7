"""The raster copy of a figure that the Word file embeds: drawn from the figure's SVG by Typst, so Word shows the
picture the HTML and the PDF show (and pandoc needs no rsvg-convert)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import typst

# Pixels per inch of the raster copy: sharp on a printed Word page at the text width.
RASTER_PPI = 200.0


def svg_to_png(svg: bytes) -> bytes:
    """The PNG of an SVG at RASTER_PPI, at the SVG's own size; the same SVG gives the same bytes."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "figure.svg").write_bytes(svg)
        page = '#set page(width: auto, height: auto, margin: 0pt)\n#image("figure.svg")\n'
        return typst.compile(page.encode("utf-8"), root=folder, format="png", ppi=RASTER_PPI)
