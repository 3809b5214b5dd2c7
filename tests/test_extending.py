"""The worked examples of docs/extending.md, applied as the guide shows them: its diffs to a copy of the project,
its commands in the copy, then a build that must hold each new output and a report that mentions it."""

from __future__ import annotations

import csv
import os
import re
import shlex
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from builds import BIN, ENV, snakemake
from http_replay import Replay, wdi_routes

from emergence import manifest
from emergence.checkout import copy_project
from emergence.cli import main
from emergence.config import SCHEMA, load_config, read_yaml
from emergence.errors import InputError
from emergence.sources import wdi
from emergence.sources.wdi_fetch import ddf_name

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "extending.md"
SHARED = ROOT.parent / "shared"
BLOCK = re.compile(r"^```(diff|sh)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
# The replayed World Bank release: the committed snapshot's values, and the new indicator's for Morocco, with the
# paper's 31 % in 2003 and 47 % in 2013 on a straight line.
NEW_INDICATOR = "tx_mnf_tech_zs_un"
NEW_VALUES = {year: round(31 + 1.6 * (year - 2003), 1) for year in range(2000, 2021)}
LAST_UPDATED = "2026-11-28"


def blocks(text: str) -> list[tuple[str, str]]:
    """The guide's diff and sh blocks, in the order it gives them."""
    return [(kind, body) for kind, body in BLOCK.findall(text)]


def hunks(diff: str) -> tuple[str, str | None, list[tuple[str, str]]]:
    """A diff block as its target path, its source (None for a new file) and its hunks (old text, new text)."""
    lines = diff.splitlines()
    if not (lines[0].startswith("--- ") and lines[1].startswith("+++ ")):
        raise ValueError(f"a diff block starts with '--- PATH' and '+++ PATH', not {lines[:2]}")
    source, target = lines[0][4:].strip(), lines[1][4:].strip()
    found, old, new = [], [], []
    for line in [*lines[2:], "@@"]:
        if line.startswith("@@"):
            if old or new:
                found.append(("".join(old), "".join(new)))
            old, new = [], []
            continue
        mark, body = (line[:1], line[1:] + "\n") if line else (" ", "\n")  # an editor may strip a blank context line
        if mark not in (" ", "+", "-"):
            raise ValueError(f"{target}: a diff line starts with ' ', '+' or '-': {line!r}")
        if mark != "+":
            old.append(body)
        if mark != "-":
            new.append(body)
    return target, None if source == "/dev/null" else source, found


def apply_diff(root: Path, diff: str) -> Path:
    """Apply one diff block to the tree at `root`: each hunk's old text must occur exactly once."""
    target, source, found = hunks(diff)
    path = root / target
    if source is None:
        assert not path.exists(), f"{target}: the guide makes it new, but it exists"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(new for _, new in found), encoding="utf-8")
        return path
    text = path.read_text(encoding="utf-8")
    for old, new in found:
        count = text.count(old)
        assert count == 1, f"{target}: the guide's hunk occurs {count} times, not once:\n{old}"
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_guide_s_edits_apply_to_the_project(tmp_path):
    """Every diff of the guide applies, in order, to the files as they are: the guide has not drifted."""
    diffs = [body for kind, body in blocks(GUIDE.read_text(encoding="utf-8")) if kind == "diff"]
    assert len(diffs) >= 8, "the guide's worked examples are its diff blocks"
    for body in diffs:
        target, source, _ = hunks(body)
        if source is not None:
            (tmp_path / target).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / target).write_bytes((ROOT / target).read_bytes())
        apply_diff(tmp_path, body)
    for path in tmp_path.rglob("*.py"):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")


def test_a_hunk_that_does_not_match_once_is_refused(tmp_path):
    (tmp_path / "a.txt").write_text("x\ny\nx\ny\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="2 times"):
        apply_diff(tmp_path, "--- a.txt\n+++ a.txt\n x\n-y\n+z")
    apply_diff(tmp_path, "--- a.txt\n+++ a.txt\n@@ first @@\n x\n-y\n+z\n x\n")
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "x\nz\nx\ny\n"


WDI_RELEASE = ROOT / "data" / "raw" / "wdi" / "2025-10-12"
WDI_FILE = WDI_RELEASE / "ddf--datapoints--wdi--by--geo--time.csv"


def configured_indicators() -> dict:
    return load_config(ROOT / "config" / "config.yaml")["sources"]["wdi"]["indicators"]


def test_the_wdi_indicators_are_listed_once_in_the_schema_and_the_snapshot_holds_them():
    default = read_yaml(SCHEMA)["properties"]["sources"]["properties"]["wdi"]["properties"]["indicators"]["default"]
    assert wdi.INDICATORS == wdi.indicator_map(default) == wdi.indicator_map(configured_indicators())
    with open(WDI_FILE, newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert sorted(header[2:]) == sorted(wdi.INDICATORS)


def test_the_configured_list_decides_what_the_wdi_rows_are_called():
    entries = configured_indicators()
    renamed = {**entries, "bx_klt_dinv_wd_gd_zs": {**entries["bx_klt_dinv_wd_gd_zs"], "variable": "fdi_net"}}
    default, configured = wdi.clean(WDI_FILE, ["MAR"]), wdi.clean(WDI_FILE, ["MAR"], indicators=renamed)
    before = default[default["variable"] == "fdi_inflows"].drop(columns="variable")
    after = configured[configured["variable"] == "fdi_net"].drop(columns="variable")
    assert len(before) > 30 and before.reset_index(drop=True).equals(after.reset_index(drop=True))
    assert "fdi_inflows" not in set(configured["variable"]) and len(default) == len(configured)


def test_a_listed_indicator_the_snapshot_lacks_and_an_unlisted_one_it_holds_are_refused():
    entries = configured_indicators()
    more = {**entries, "ne_exp_gnfs_zs": {"sector": "total", "variable": "exports", "unit": "% of GDP"}}
    with pytest.raises(InputError, match=r"each of sources.wdi.indicators.*\['ne_exp_gnfs_zs'\]"):
        wdi.clean(WDI_FILE, ["MAR"], indicators=more)
    fewer = {k: v for k, v in entries.items() if k != "ip_pat_nres"}
    with pytest.raises(InputError, match=r"\(sources.wdi.indicators\).*\['ip_pat_nres'\]"):
        wdi.clean(WDI_FILE, ["MAR"], indicators=fewer)


@pytest.mark.parametrize(("text", "name"), [("NE.EXP.GNFS.ZS", "ne_exp_gnfs_zs"), (" ip_pat_resd ", "ip_pat_resd")])
def test_an_indicator_is_named_either_way(text, name):
    assert ddf_name(text) == name


@pytest.mark.parametrize("text", ["NE.EXP..ZS", "exports of goods", "NE-EXP", ""])
def test_a_name_that_is_no_world_bank_code_is_refused(text):
    with pytest.raises(InputError, match="--indicators"):
        ddf_name(text)


def test_fetch_downloads_the_indicators_named_on_the_command_line(tmp_path, capsys):
    asked = ["NV.AGR.TOTL.ZS", "ip_pat_resd"]
    routes = wdi_routes(WDI_RELEASE, ["MAR"], per_page=1000, lastupdated=LAST_UPDATED)
    raw = tmp_path / "raw"
    with Replay(routes) as server:
        args = ["fetch", "wdi", "--countries", "MAR", "--indicators", ",".join(asked), "--raw-dir", str(raw)]
        assert main([*args, "--base-url", f"{server.base}/v2", "--quiet"]) == 0
        codes = {re.search(r"/indicator/([A-Z.]+)\?", r).group(1) for r in server.requests}
    assert codes == {"NV.AGR.TOTL.ZS", "IP.PAT.RESD"}
    with open(raw / "wdi" / LAST_UPDATED / "ddf--datapoints--wdi--by--geo--time.csv", newline="") as handle:
        assert next(csv.reader(handle)) == ["geo", "time", "ip_pat_resd", "nv_agr_totl_zs"]
    assert f"releases.wdi: '{LAST_UPDATED}'" in capsys.readouterr().out


def replayed_release(copy: Path, folder: Path) -> Path:
    """The committed WDI snapshot with one more indicator column, as the replayed API will send it."""
    release = manifest.load(copy / "data" / "raw" / "wdi" / "2025-10-12" / manifest.MANIFEST)
    (name,) = [f["name"] for f in release["files"]]
    with open(copy / "data" / "raw" / "wdi" / "2025-10-12" / name, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    columns = [*rows[0].keys(), NEW_INDICATOR]
    folder.mkdir()
    with open(folder / "ddf--datapoints--wdi--by--geo--time.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            value = NEW_VALUES.get(int(row["time"])) if row["geo"] == "mar" else None
            writer.writerow({**row, NEW_INDICATOR: "" if value is None else str(value)})
    return folder


def run(copy: Path, command: str, env: dict, base_url: str) -> str:
    """One command of the guide, in the copy: its `.venv/bin/` is the test's environment, `../shared` the shared
    folder beside the repository, and the fetch goes to the replayed API."""
    words = shlex.split(command)
    if words[0].startswith(".venv/bin/"):
        words[0] = str(BIN / words[0].removeprefix(".venv/bin/"))
    words = [str(SHARED / w.removeprefix("../shared/")) if w.startswith("../shared/") else w for w in words]
    if words[1:3] == ["fetch", "wdi"]:
        words += ["--base-url", base_url, "--quiet"]
    if Path(words[0]).name == "snakemake":  # the build: the guide's cores, more time than a test's default
        done = snakemake(copy, *words[1:], timeout=3600, env=env)
        assert done.returncode == 0, f"build failed in {copy}:\n{done.stderr[-4000:]}"
        return done.stdout
    done = subprocess.run(words, cwd=copy, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, f"{command}:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.mark.build
def test_the_worked_examples_build_and_reach_the_report(tmp_path):
    if not (SHARED / "reference").is_dir():
        pytest.skip(f"needs the reference paper's text in {SHARED / 'reference'} (../shared), absent here")
    copy = copy_project(tmp_path / "copy")
    # The copy's own package, with the guide's edits, runs the jobs and the commands (not the installed one).
    env = {**ENV, "PYTHONPATH": os.pathsep.join([str(copy / "src"), ENV.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    release = replayed_release(copy, tmp_path / "served")
    countries = ["MAR", "TUN", "EGY", "TUR"]
    routes = wdi_routes(release, countries, per_page=1000, lastupdated=LAST_UPDATED)
    printed = []
    with Replay(routes) as server:
        for kind, body in blocks(GUIDE.read_text(encoding="utf-8")):
            if kind == "diff":
                apply_diff(copy, body)
            else:
                for command in filter(None, (line.strip() for line in body.splitlines())):
                    printed.append(run(copy, command, env, f"{server.base}/v2"))
    assert any(f"releases.wdi: '{LAST_UPDATED}'" in out for out in printed), printed

    # a variable: UN exports of goods and services, in every table, for each country
    un = pd.read_csv(copy / "data/processed/clean/un_ama.csv")
    exports = un[un["variable"].str.startswith("exports_")]
    assert set(exports["variable"]) == {"exports_current_usd", "exports_current_lcu", "exports_constant_usd"}
    assert set(exports["country"]) == set(countries) and set(exports["sector"]) == {"total"}
    assert "exports_current_usd" in (copy / "data/processed/datapackage.json").read_text(encoding="utf-8")
    # an indicator: fetched with the others, read into the clean table as the API sent it
    wdi = pd.read_csv(copy / "data/processed/clean/wdi.csv")
    new = wdi[wdi["variable"] == "medhightech_exports_share"].set_index("year")["value"]
    assert new.to_dict() == NEW_VALUES
    # a figure and its section
    assert (copy / "reports/figures/exports.svg").stat().st_size > 0
    html = (copy / "reports/report.html").read_text(encoding="utf-8")
    assert "fig-exports" in html and html.count("Manufactured exports") >= 2  # the section and the caption
    # a claim: recomputed from the new indicator, 47 against the paper's 47
    ledger = pd.read_csv(copy / "data/processed/claims/ledger.csv").set_index("id")
    claim = ledger.loc["s2_tech_exports_share_2013"]
    assert claim["status"] == "reproduced" and claim["recomputed"] == pytest.approx(47.0)
    assert "High and medium-high technology goods were 47% of manufactured exports in 2013" in html
