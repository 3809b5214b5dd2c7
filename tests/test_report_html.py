"""The HTML report in a real browser: Debian's Chromium, headless, at a desktop and at a phone's width.

A copy of the page gets a small script that records, once the page has loaded, the width of the viewport and
of the document, each image that did not load, and every error (script errors, failed resources, console.error);
the page is opened in a frame of the width wanted, and the record is posted to the frame's page, whose DOM
Chromium prints with --dump-dom. `make test` installs Chromium when it is missing.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest
from builds import reference_build
from test_provenance_html import number_spans, provenance_problems

WIDTHS = (1280, 390)
CHROMIUM = "chromium"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--virtual-time-budget=15000",
)
RECORDER = """<script>
window.__errors = [];
window.addEventListener("error", (e) => {
  const t = e.target;
  window.__errors.push(t && t !== window ? "failed to load " + (t.src || t.href || t.tagName) : String(e.message));
}, true);
const __consoleError = console.error;
console.error = (...args) => { window.__errors.push(args.map(String).join(" ")); __consoleError(...args); };
window.addEventListener("load", () => {
  const images = [...document.images];
  const record = {
    viewport: window.innerWidth,
    document: Math.max(document.documentElement.scrollWidth, document.body.scrollWidth),
    images: images.length,
    broken: images.filter((i) => !(i.complete && i.naturalWidth > 0)).map((i) => i.alt || i.src.slice(0, 80)),
    errors: window.__errors,
  };
  parent.postMessage(JSON.stringify(record), "*");
});
</script>"""
# Headless Chromium will not make a window narrower than 500 px, so the page is laid out in a frame of the width
# wanted (its own viewport: media queries and `width=device-width` answer to it), and posts its record up.
FRAME = """<!DOCTYPE html><html><body style="margin: 0">
<iframe src="{src}" style="width: {width}px; height: 900px; border: 0"></iframe>
<script>
window.addEventListener("message", (e) => {{
  const out = document.createElement("pre");
  out.id = "layout-record";
  out.textContent = e.data;
  document.body.appendChild(out);
}});
</script></body></html>"""
WINDOW = "1400,1000"
RECORD = re.compile(r'<pre id="layout-record">(.*?)</pre>', re.DOTALL)


def chromium() -> str:
    path = shutil.which(CHROMIUM)
    assert path, "Debian's chromium is not installed: run `make chromium` (as root) first"
    return path


def browse(html: Path, width: int, workdir: Path) -> dict:
    """Open a copy of `html` with the recorder in headless Chromium, `width` px wide; return what it recorded."""
    text = html.read_text(encoding="utf-8")
    head = text.index("<head>") + len("<head>")
    page = workdir / f"{html.stem}-{width}.html"
    page.write_text(text[:head] + RECORDER + text[head:], encoding="utf-8")
    frame = workdir / f"{html.stem}-{width}-frame.html"
    frame.write_text(FRAME.format(src=page.name, width=width), encoding="utf-8")
    profile = workdir / f"profile-{width}"
    done = subprocess.run(
        [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={WINDOW}", "--dump-dom",
         frame.resolve().as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    found = RECORD.search(done.stdout)
    assert found, f"no record from chromium (exit {done.returncode}):\n{done.stderr[-2000:]}"
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<"))


def layout_problems(html: Path, workdir: Path, images: int) -> dict[int, dict]:
    """For each width, what is wrong: a document wider than the viewport, images missing or not loaded, errors."""
    problems = {}
    for width in WIDTHS:
        record = browse(html, width, workdir)
        assert record["viewport"] == width, record  # the page was laid out at the width asked for
        wrong = {
            "overflow_px": record["document"] - record["viewport"] if record["document"] > record["viewport"] else 0,
            "images": record["images"] if record["images"] != images else None,
            "broken": record["broken"],
            "errors": record["errors"],
        }
        wrong = {key: value for key, value in wrong.items() if value}
        if wrong:
            problems[width] = wrong
    return problems


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The reports of the session's one reference build of the default workflow."""
    return reference_build(tmp_path_factory) / "reports"


def test_the_browser_check_sees_overflow_broken_images_and_errors(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta name="viewport" content="width=device-width"></head><body>'
        '<div style="width: 600px">wide</div><img alt="missing" src="nowhere.png">'
        "<script>console.error('boom')</script></body></html>",
        encoding="utf-8",
    )
    problems = layout_problems(page, tmp_path, images=1)
    assert "overflow_px" not in problems[1280] and problems[390]["overflow_px"] >= 600 - 390  # fits a desktop only
    for width in WIDTHS:
        assert problems[width]["broken"] == ["missing"]
        assert "boom" in problems[width]["errors"] and any("nowhere.png" in e for e in problems[width]["errors"])


@pytest.mark.build
def test_the_report_fits_a_desktop_and_a_phone_with_every_image_loaded_and_no_error(built, tmp_path):
    figures = len(list((built / "figures").glob("*.svg")))
    assert layout_problems(built / "report.html", tmp_path, images=figures) == {}


@pytest.mark.build
def test_every_number_of_the_report_traces_to_registered_tables_rules_and_the_manifests_checksums(built):
    root, page = built.parent, (built / "report.html").read_text(encoding="utf-8")
    manifests = [p.relative_to(root).as_posix() for p in sorted(root.glob("data/raw/**/manifest.yaml"))]
    spans = number_spans(page)
    assert len(spans) > 100 and provenance_problems(page, root, manifests) == []
    captions = page.count("<figcaption>") + page.count("<caption>")
    assert page.count('<span class="made-by">Made by rule ') == captions > len(list((built / "figures").glob("*.svg")))
    text = " ".join(p.extract_text() for p in pypdf.PdfReader(str(built / "report.pdf")).pages)
    for markup in ("data-key", "<span", "Made by rule", "results.json: ", ", written by rule "):
        assert markup not in text, markup
