"""Fetching releases from the publishers, end to end against a loopback server that replays their responses."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
import socket
import time
from pathlib import Path

import pytest
import yaml
from http_replay import ETD_FILE_ID, JSON, Replay, Reply, etd_routes, ggdc10_routes, key, un_routes, wdi_routes
from tqdm import tqdm

from emergence import codes, manifest
from emergence.cli import main
from emergence.config import SCHEMA
from emergence.diff import diff_releases
from emergence.download import Client, Downloaded, Policy
from emergence.errors import InputError
from emergence.fetch import fetch
from emergence.sources import wdi
from emergence.sources.etd_fetch import DOI as ETD_DOI
from emergence.sources.un_ama_fetch import FILES as UN_FILES
from emergence.sources.wdi_fetch import code as wdi_code
from emergence.sources.wdi_fetch import ddf_csv, parse_page

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
COUNTRIES = ["MAR", "TUN", "EGY", "TUR"]
WDI_RELEASE = "2025-10-12"
XLSX_BODY = (RAW / "ggdc10" / "2015-01" / "10sd_jan15_2014.xlsx").read_bytes()


def policy(attempts: int = 3, timeout: float = 5.0, backoff: float = 0.0, deadline: float = 60.0) -> Policy:
    return Policy(timeout=timeout, attempts=attempts, backoff=backoff, deadline=deadline)


def download(url, target, kind="xlsx", rules=None, stream=None, max_bytes=10**8) -> Downloaded:
    with Client(rules or policy(), max_bytes, stream) as client:
        return client.get(url, target, kind)


def retries_said(stream: io.StringIO) -> list[str]:
    """The waits announced on the stream before each new attempt."""
    return re.findall(r"trying again in (\S+) s", stream.getvalue())


@pytest.fixture
def raw_copy(tmp_path: Path) -> Path:
    """A copy of the embedded snapshots: tests write there, never into the repository's data/raw."""
    shutil.copytree(RAW, tmp_path / "raw")
    return tmp_path / "raw"


def extract_sha(manifest_path: Path) -> dict[str, str]:
    return {f["name"]: f["sha256"] for f in manifest.load(manifest_path)["files"]}


def leftovers(folder: Path) -> list[str]:
    """Temporary files or folders left behind by an interrupted write."""
    return sorted(p.name for p in folder.rglob("*") if ".tmp" in p.name or p.name.endswith(".part"))


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- the download client -------------------------------------------------------------------------------------


def test_server_errors_are_retried_after_doubling_waits(tmp_path):
    replies = [Reply(503), Reply(500), Reply(502), Reply(body=XLSX_BODY)]
    stream = io.StringIO()
    rules = policy(attempts=4, backoff=0.05)
    with Replay({"/book.xlsx": replies}) as server:
        got = download(f"{server.base}/book.xlsx", tmp_path / "book.xlsx", rules=rules, stream=stream)
    assert got.path.read_bytes() == XLSX_BODY
    assert got.url == f"{server.base}/book.xlsx"
    assert server.count("/book.xlsx") == 4
    assert retries_said(stream) == ["0.05", "0.1", "0.2"]
    assert "HTTP 503; trying again" in stream.getvalue()


def test_server_errors_beyond_the_attempts_are_reported_and_leave_nothing(tmp_path):
    with Replay({"/book.xlsx": Reply(503)}) as server:
        with pytest.raises(InputError, match=r"within 3 attempts.*503") as error:
            download(f"{server.base}/book.xlsx", tmp_path / "book.xlsx", rules=policy(attempts=3))
    assert error.value.where == f"{server.base}/book.xlsx"
    assert server.count("/book.xlsx") == 3
    assert list(tmp_path.iterdir()) == []


def test_a_client_error_is_not_retried_and_names_the_address_and_status(tmp_path):
    stream = io.StringIO()
    with Replay({}) as server:
        url = f"{server.base}/unsd/amaapi/api/file/99"
        with pytest.raises(InputError, match="404") as error:
            download(url, tmp_path / "book.xlsx", rules=policy(attempts=4), stream=stream)
    assert error.value.where == url
    assert error.value.location == "HTTP status"
    assert server.count("/unsd/amaapi/api/file/99") == 1
    assert retries_said(stream) == []
    assert list(tmp_path.iterdir()) == []


def test_too_many_requests_is_waited_out(tmp_path):
    with Replay({"/book.xlsx": [Reply(429), Reply(body=XLSX_BODY)]}) as server:
        download(f"{server.base}/book.xlsx", tmp_path / "book.xlsx")
    assert server.count("/book.xlsx") == 2


def test_a_truncated_body_is_retried(tmp_path):
    replies = [Reply(body=XLSX_BODY, truncate=len(XLSX_BODY) // 2), Reply(body=XLSX_BODY)]
    with Replay({"/book.xlsx": replies}) as server:
        got = download(f"{server.base}/book.xlsx", tmp_path / "book.xlsx")
    assert got.path.read_bytes() == XLSX_BODY
    assert server.count("/book.xlsx") == 2


def test_a_body_always_cut_short_is_refused_and_no_partial_file_remains(tmp_path):
    with Replay({"/book.xlsx": Reply(body=XLSX_BODY, truncate=5000)}) as server:
        with pytest.raises(InputError, match="after 5000 bytes"):
            download(f"{server.base}/book.xlsx", tmp_path / "book.xlsx", rules=policy(attempts=2))
    assert server.count("/book.xlsx") == 2
    assert list(tmp_path.iterdir()) == []


def test_a_stalled_server_times_out_and_is_asked_again(tmp_path):
    replies = [Reply(body=XLSX_BODY, delay=1.0), Reply(body=XLSX_BODY)]
    with Replay({"/book.xlsx": replies}) as server:
        got = download(f"{server.base}/book.xlsx", tmp_path / "book.xlsx", rules=policy(timeout=0.2))
    assert got.path.read_bytes() == XLSX_BODY
    assert server.count("/book.xlsx") == 2


def test_a_slow_server_that_keeps_sending_is_waited_for(tmp_path):
    body = json.dumps({"rows": list(range(2000))}).encode()
    with Replay({"/slow.json": Reply(body=body, pause=0.01)}) as server:
        got = download(f"{server.base}/slow.json", tmp_path / "slow.json", "json", rules=policy(timeout=0.5))
    assert got.path.read_bytes() == body
    assert server.count("/slow.json") == 1


def test_a_trickling_server_is_stopped_at_the_deadline(tmp_path):
    body = json.dumps({"rows": list(range(2000))}).encode()  # a byte every 20 ms: 3 minutes in all
    rules = policy(timeout=1.0, deadline=0.5)
    with Replay({"/slow.json": Reply(body=body, pause=0.02, piece=1)}) as server:
        started = time.monotonic()
        with pytest.raises(InputError, match=r"deadline of 0.5 s.*bytes received") as error:
            download(f"{server.base}/slow.json", tmp_path / "slow.json", "json", rules=rules)
        took = time.monotonic() - started
    assert 0.5 <= took < 0.5 + rules.timeout
    assert error.value.where == f"{server.base}/slow.json"
    assert server.count("/slow.json") == 1
    assert list(tmp_path.iterdir()) == []


def test_a_wait_that_would_pass_the_deadline_ends_the_download(tmp_path):
    later = Reply(503, headers=(("Retry-After", "3600"),))  # the server asks for an hour
    with Replay({"/book.xlsx": [later, Reply(body=XLSX_BODY)]}) as server:
        started = time.monotonic()
        with pytest.raises(InputError, match=r"deadline of 5 s.*HTTP 503, and the next attempt would start after it"):
            download(f"{server.base}/book.xlsx", tmp_path / "book.xlsx", rules=policy(attempts=4, deadline=5))
        assert time.monotonic() - started < 5
    assert server.count("/book.xlsx") == 1


def test_a_body_over_the_size_cap_is_refused_at_once(tmp_path):
    with Replay({"/book.xlsx": Reply(body=XLSX_BODY)}) as server:
        with pytest.raises(InputError, match=rf"at most 1000 bytes.*--max-mb.*{len(XLSX_BODY)} bytes") as error:
            download(f"{server.base}/book.xlsx", tmp_path / "book.xlsx", max_bytes=1000)
    assert error.value.location == "body size"
    assert server.count("/book.xlsx") == 1
    assert list(tmp_path.iterdir()) == []


def test_a_body_without_a_length_is_cut_at_the_size_cap(tmp_path):
    with Replay({"/book.xlsx": Reply(body=XLSX_BODY, announce=False)}) as server:
        with pytest.raises(InputError, match=r"at most 20000 bytes.*--max-mb"):
            download(f"{server.base}/book.xlsx", tmp_path / "book.xlsx", max_bytes=20_000)
    assert server.count("/book.xlsx") == 1
    assert list(tmp_path.iterdir()) == []


def test_the_size_cap_holds_for_all_downloads_of_a_source_together(tmp_path):
    with Replay({"/a.xlsx": Reply(body=XLSX_BODY), "/b.xlsx": Reply(body=XLSX_BODY)}) as server:
        with Client(policy(), int(1.5 * len(XLSX_BODY))) as client:
            assert client.get(f"{server.base}/a.xlsx", tmp_path / "a.xlsx", "xlsx").path.exists()
            with pytest.raises(InputError, match=r"left, found '\d+ bytes'"):
                client.get(f"{server.base}/b.xlsx", tmp_path / "b.xlsx", "xlsx")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xlsx"]


def test_the_address_after_redirects_is_the_one_returned(tmp_path):
    moved = Reply(302, headers=(("Location", "/mirror/book.xlsx"),))
    with Replay({"/book.xlsx": moved, "/mirror/book.xlsx": Reply(body=XLSX_BODY)}) as server:
        got = download(f"{server.base}/book.xlsx", tmp_path / "book.xlsx")
    assert got == Downloaded(tmp_path / "book.xlsx", f"{server.base}/mirror/book.xlsx")
    assert server.requests == ["/book.xlsx", "/mirror/book.xlsx"]


def test_a_refused_connection_is_retried_then_reported(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    stream = io.StringIO()
    with pytest.raises(InputError, match="no response"):
        download(
            f"http://127.0.0.1:{port}/book.xlsx", tmp_path / "book.xlsx", rules=policy(backoff=0.01), stream=stream
        )
    assert retries_said(stream) == ["0.01", "0.02"]


def test_a_web_page_instead_of_a_workbook_is_refused(tmp_path):
    page = Reply(body=b"<!DOCTYPE html><html><body>Maintenance</body></html>", content_type="text/html")
    with Replay({"/book.xlsx": page}) as server:
        with pytest.raises(InputError, match=r"not an Excel workbook.*text/html"):
            download(f"{server.base}/book.xlsx", tmp_path / "book.xlsx", rules=policy(attempts=2))
    assert list(tmp_path.iterdir()) == []


def test_a_body_that_is_not_json_is_refused(tmp_path):
    with Replay({"/page.json": Reply(body=b'[{"page": 1,', content_type="application/json")}) as server:
        with pytest.raises(InputError, match="not a JSON document"):
            download(f"{server.base}/page.json", tmp_path / "page.json", "json", rules=policy(attempts=1))


def test_the_progress_bar_reaches_the_end_on_the_stream(tmp_path):
    stream = io.StringIO()
    body = json.dumps({"rows": list(range(100_000))}).encode()  # several reads long
    with Replay({"/rows.json": Reply(body=body, pause=0.001, piece=1 << 16)}) as server:
        download(f"{server.base}/rows.json", tmp_path / "rows.json", "json", stream=stream)
    frames = stream.getvalue().split("\r")[1:]
    shown = [int(m.group(1)) for f in frames if (m := re.search(r"(\d+)%", f))]
    assert shown == sorted(shown) and shown[-1] == 100
    size = tqdm.format_sizeof(len(body))
    assert frames[-1].startswith("rows.json: 100%") and f" {size}/{size} " in frames[-1]
    assert frames[-1].endswith("\n")


# --- World Bank API pages --------------------------------------------------------------------------------------


def test_indicator_names_map_to_world_bank_codes():
    assert wdi_code("nv_agr_totl_zs") == "NV.AGR.TOTL.ZS"
    assert wdi_code("tx_val_manf_zs_un") == "TX.VAL.MANF.ZS.UN"
    assert all(wdi_code(i).replace(".", "_").lower() == i for i in wdi.INDICATORS)


def test_a_world_bank_page_keeps_the_published_digits_and_nulls():
    page = (
        b'[{"page":"2","pages":3,"per_page":2,"total":5,"lastupdated":"2025-10-07"},'
        b'[{"countryiso3code":"MAR","date":"2024","value":11.4196504744573},'
        b'{"countryiso3code":"MAR","date":"2023","value":null}]]'
    )
    header, rows = parse_page(page, "http://127.0.0.1/x", ["MAR"])
    assert header == {"page": 2, "pages": 3, "total": 5, "lastupdated": "2025-10-07"}
    assert rows == [("MAR", "2024", "11.4196504744573"), ("MAR", "2023", None)]


def test_a_world_bank_message_is_an_error_that_quotes_it():
    message = b'[{"message":[{"id":"120","key":"Invalid value","value":"The provided parameter value is not valid"}]}]'
    with pytest.raises(InputError, match="Invalid value: The provided parameter value is not valid"):
        parse_page(message, "http://127.0.0.1/v2/country/XXX/indicator/NV.AGR.TOTL.ZS", ["MAR"])


def test_ddf_rows_are_sorted_without_nulls_and_unique():
    rows = [("MAR", "2001", "2.5"), ("MAR", "1999", None), ("EGY", "2000", "7"), ("MAR", "2000", "1.25")]
    assert ddf_csv("ip_pat_resd", rows, "x") == b"geo,time,ip_pat_resd\negy,2000,7\nmar,2000,1.25\nmar,2001,2.5\n"
    with pytest.raises(InputError, match="one value per country and year"):
        ddf_csv("ip_pat_resd", [*rows, ("MAR", "2001", "3")], "x")


def forged_page(field: str, value: object) -> tuple[dict[str, Reply], str]:
    """The World Bank pages for Morocco, with one field of the first row of one page replaced."""
    routes = wdi_routes(RAW / "wdi" / WDI_RELEASE, ["MAR"], per_page=100, lastupdated=WDI_RELEASE)
    target = next(k for k in routes if "NY.GDP.MKTP.KD.ZG" in k)
    doc = json.loads(routes[target].body)
    doc[1][0][field] = value
    routes[target] = Reply(body=json.dumps(doc).encode(), content_type=JSON)
    return routes, target


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("value", "7.2\nmar,1961,99", r"a number or null, found '\"7.2\\\\nmar,1961,99\"'"),  # a forged row
        ("value", "7.2", r"a number or null, found '\"7.2\"'"),  # a string, however numeric
        ("value", True, "a number or null, found 'true'"),
        ("value", float("nan"), "a number or null, found '\"NaN\"'"),
        ("countryiso3code", None, "country code .*found 'None'"),
        ("countryiso3code", "MAR\nmar", r"country code .*found 'MAR\\nmar'"),
        ("countryiso3code", "FRA", r"one of the countries asked for \['MAR'\], found 'FRA'"),
        ("date", "2024\n", "a year YYYY"),
        ("date", True, "a year YYYY, found 'true'"),
    ],
)
def test_a_field_that_is_not_what_the_api_promises_is_refused(tmp_path, field, value, expected):
    routes, target = forged_page(field, value)
    with Replay(routes) as server:
        with pytest.raises(InputError, match=expected) as error:
            fetch("wdi", tmp_path / "raw", ["MAR"], base=f"{server.base}/v2", per_page=100, policy=policy())
    assert key(error.value.where.removeprefix(server.base)) == key(target)
    assert error.value.location == f"row 1, field '{field}'"
    assert not (tmp_path / "raw").exists()


def test_a_header_number_that_is_a_json_true_is_refused(tmp_path):
    routes = wdi_routes(RAW / "wdi" / WDI_RELEASE, ["MAR"], per_page=100, lastupdated=WDI_RELEASE)
    target = next(k for k in routes if "NY.GDP.MKTP.KD.ZG" in k)
    doc = json.loads(routes[target].body)
    doc[0]["page"] = True
    routes[target] = Reply(body=json.dumps(doc).encode(), content_type=JSON)
    with Replay(routes) as server:
        with pytest.raises(InputError, match="header 'page': expected a whole number, found 'true'"):
            fetch("wdi", tmp_path / "raw", ["MAR"], base=f"{server.base}/v2", per_page=100, policy=policy())


def test_a_page_count_that_does_not_fit_the_total_is_refused_before_asking_for_more(tmp_path):
    routes = wdi_routes(RAW / "wdi" / WDI_RELEASE, ["MAR"], per_page=100, lastupdated=WDI_RELEASE)
    target = next(k for k in routes if "BX.KLT.DINV.WD.GD.ZS" in k)  # the first indicator asked for
    doc = json.loads(routes[target].body)
    doc[0]["pages"] = 10**9
    routes[target] = Reply(body=json.dumps(doc).encode(), content_type=JSON)
    with Replay(routes) as server:
        with pytest.raises(InputError, match="65 rows in pages of 100"):
            fetch("wdi", tmp_path / "raw", ["MAR"], base=f"{server.base}/v2", per_page=100, policy=policy())
    assert len(server.requests) == 1


def test_country_codes_are_checked_before_anything_is_asked(tmp_path):
    with pytest.raises(InputError, match="command line: --countries: expected an ISO 3166-1 alpha-3"):
        fetch("wdi", tmp_path / "raw", ["MAR", "TUN;EGY/../x"], base="http://127.0.0.1:9")
    with pytest.raises(InputError, match="command line: --release: expected a date"):
        fetch("ggdc10", tmp_path / "raw", ["MAR"], base="http://127.0.0.1:9", release="../../x")


def test_the_code_patterns_are_those_of_the_config_schema():
    def patterns(node):
        if isinstance(node, dict):
            yield from ([node["pattern"]] if isinstance(node.get("pattern"), str) else [])
            for child in node.values():
                yield from patterns(child)
        elif isinstance(node, list):
            for child in node:
                yield from patterns(child)

    found = set(patterns(yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))))
    assert {f"^{codes.COUNTRY.pattern}$", f"^{codes.RELEASE.pattern}$"} <= found
    assert codes.RELEASE.fullmatch("2025-10-12") and not codes.RELEASE.fullmatch("2025-10-12\n")
    assert not codes.COUNTRY.fullmatch("mar") and not codes.COUNTRY.fullmatch("MAR\n")


def test_wdi_pages_rebuild_the_committed_extract_byte_for_byte(tmp_path):
    routes = wdi_routes(RAW / "wdi" / WDI_RELEASE, COUNTRIES, per_page=100, lastupdated=WDI_RELEASE)
    with Replay(routes) as server:
        (taken,) = fetch("wdi", tmp_path / "raw", COUNTRIES, base=f"{server.base}/v2", per_page=100, policy=policy())
    assert (taken.release, taken.new, taken.config_key) == (WDI_RELEASE, True, "releases.wdi")
    assert taken.manifest == tmp_path / "raw" / "wdi" / WDI_RELEASE / manifest.MANIFEST
    assert extract_sha(taken.manifest) == extract_sha(RAW / "wdi" / WDI_RELEASE / manifest.MANIFEST)
    entry = manifest.load(taken.manifest)
    pages = [f"{server.base}{r}" for r in server.requests]
    assert len(pages) == 3 * len(wdi.INDICATORS)  # 4 countries x 65 years at 100 rows a page
    assert entry["url"].split() == pages
    assert entry["accessed"] == dt.date.today().isoformat()
    assert entry["countries"] == ["MAR"] and entry["countries_not_in_upstream"] == ["TUN", "EGY", "TUR"]
    assert sorted(u["name"] for u in entry["files"][0]["upstream"]) == sorted(
        f"ddf--datapoints--{i}--by--geo--time.csv" for i in wdi.INDICATORS
    )


def test_inconsistent_paging_is_refused(tmp_path):
    routes = wdi_routes(RAW / "wdi" / WDI_RELEASE, ["MAR"], per_page=30, lastupdated=WDI_RELEASE)
    target = next(k for k in routes if "NV.AGR.TOTL.ZS" in k and "page=2" in k)
    broken = json.loads(routes[target].body)
    broken[0]["total"] = 64
    routes[target] = Reply(body=json.dumps(broken).encode())
    with Replay(routes) as server:
        with pytest.raises(InputError, match="as page 1 said"):
            fetch("wdi", tmp_path / "raw", ["MAR"], base=f"{server.base}/v2", per_page=30, policy=policy())
    assert not (tmp_path / "raw").exists()


def test_a_release_date_that_is_not_a_date_is_refused(tmp_path):
    routes = wdi_routes(RAW / "wdi" / WDI_RELEASE, ["MAR"], per_page=100, lastupdated="last week")
    with Replay(routes) as server:
        with pytest.raises(InputError, match="YYYY-MM-DD"):
            fetch("wdi", tmp_path / "raw", ["MAR"], base=f"{server.base}/v2", per_page=100, policy=policy())


def test_fetching_a_release_taken_before_changes_nothing(raw_copy):
    before = tree(raw_copy)
    routes = wdi_routes(RAW / "wdi" / WDI_RELEASE, COUNTRIES, per_page=1000, lastupdated=WDI_RELEASE)
    with Replay(routes) as server:
        (taken,) = fetch("wdi", raw_copy, COUNTRIES, base=f"{server.base}/v2", policy=policy())
    assert not taken.new
    assert tree(raw_copy) == before


def test_a_revised_release_under_a_label_taken_before_is_refused(raw_copy):
    before = tree(raw_copy)
    revised = {("ny_gdp_mktp_kd_zg", "MAR", 2020): "-7.2"}
    routes = wdi_routes(RAW / "wdi" / WDI_RELEASE, COUNTRIES, 1000, WDI_RELEASE, revisions=revised)
    with Replay(routes) as server:
        with pytest.raises(InputError, match="never overwritten"):
            fetch("wdi", raw_copy, COUNTRIES, base=f"{server.base}/v2", policy=policy())
    assert tree(raw_copy) == before
    assert leftovers(raw_copy) == []


def test_a_new_release_goes_to_its_own_folder_and_diff_shows_exactly_its_revisions(raw_copy):
    with open(RAW / "wdi" / WDI_RELEASE / "ddf--datapoints--wdi--by--geo--time.csv", newline="") as handle:
        published = {(r["geo"], int(r["time"])): r for r in csv.DictReader(handle)}
    old_value = float(published[("mar", 2020)]["ny_gdp_mktp_kd_zg"])
    assert published[("mar", 2015)]["gb_xpd_rsdv_gd_zs"] == ""
    revised = {("ny_gdp_mktp_kd_zg", "MAR", 2020): "-7.2", ("gb_xpd_rsdv_gd_zs", "MAR", 2015): "0.75"}
    routes = wdi_routes(RAW / "wdi" / WDI_RELEASE, COUNTRIES, 1000, "2026-01-15", revisions=revised)
    old_folder = tree(raw_copy / "wdi" / WDI_RELEASE)
    with Replay(routes) as server:
        (taken,) = fetch("wdi", raw_copy, COUNTRIES, base=f"{server.base}/v2", policy=policy())
    assert (taken.release, taken.new) == ("2026-01-15", True)
    assert tree(raw_copy / "wdi" / WDI_RELEASE) == old_folder
    changes = diff_releases("wdi", raw_copy, WDI_RELEASE, "2026-01-15").changes
    moved = changes[changes["status"] == "revised"]
    assert moved[["variable", "year"]].values.tolist() == [["gdp_growth_real", 2020]]
    assert moved["change"].iloc[0] == pytest.approx(-7.2 - old_value)
    added = changes[changes["status"] == "added"]
    assert added[["variable", "year", "new"]].values.tolist() == [["rd_expenditure", 2015, 0.75]]
    assert (changes["status"] == "removed").sum() == 0


def test_un_workbooks_each_become_their_own_release(small_raw, tmp_path):
    with Replay(un_routes(small_raw / "un_ama")) as server:
        taken = fetch(
            "un_ama",
            tmp_path / "raw",
            "all",
            base=f"{server.base}/unsd/amaapi/api/file",
            policy=policy(),
            check=COUNTRIES,
        )
    by_key = {t.config_key: t for t in taken}
    assert sorted(by_key) == [f"releases.un_ama.{t}" for t in sorted(UN_FILES)]
    for table, release in (("current_usd", "2026-02"), ("current_ncu", "2024-02"), ("constant_usd", "2022-01")):
        item = by_key[f"releases.un_ama.{table}"]
        assert (item.release, item.new) == (release, True)
        assert extract_sha(item.manifest) == extract_sha(small_raw / "un_ama" / release / manifest.MANIFEST)
        entry = manifest.load(item.manifest)
        assert entry["url"] == f"{server.base}/unsd/amaapi/api/file/{UN_FILES[table][0]}"
        assert entry["files"][0]["table"] == table


def test_a_un_file_holding_another_table_is_refused(small_raw, tmp_path):
    routes = un_routes(small_raw / "un_ama")
    routes["/unsd/amaapi/api/file/1"] = routes["/unsd/amaapi/api/file/2"]
    with Replay(routes) as server:
        with pytest.raises(InputError, match="current_ncu.*current_usd"):
            fetch("un_ama", tmp_path / "raw", COUNTRIES, base=f"{server.base}/unsd/amaapi/api/file",
                  tables=["current_ncu"], policy=policy())  # fmt: skip
    assert not (tmp_path / "raw").exists()


def test_one_release_label_for_several_un_tables_is_refused(tmp_path):
    with pytest.raises(InputError, match="one table"):
        fetch("un_ama", tmp_path / "raw", COUNTRIES, base="http://127.0.0.1:9", release="2026-03")


def test_the_etd_workbook_is_found_through_the_dataverse_listing(small_raw, tmp_path):
    release = small_raw / "etd" / "2021-07-15"
    requested = manifest.load(release / manifest.MANIFEST)["countries_requested"]
    with Replay(etd_routes(release)) as server:
        (taken,) = fetch("etd", tmp_path / "raw", requested, base=f"{server.base}/api", policy=policy(),
                         download_dir=tmp_path / "downloads")  # fmt: skip
    assert (taken.release, taken.new) == ("2021-07-15", True)
    assert extract_sha(taken.manifest) == extract_sha(release / manifest.MANIFEST)
    assert manifest.load(taken.manifest)["url"] == f"{server.base}/api/access/datafile/382704"
    assert server.count(f"/api/datasets/:persistentId/?persistentId={ETD_DOI}") == 1
    assert sorted(p.name for p in (tmp_path / "downloads").iterdir()) == ["ETD_230918.xlsx", "etd-dataset.json"]


def test_an_etd_body_that_does_not_match_the_publishers_md5_is_refused(small_raw, tmp_path):
    with Replay(etd_routes(small_raw / "etd" / "2021-07-15", md5="0" * 32)) as server:
        with pytest.raises(InputError, match="md5"):
            fetch("etd", tmp_path / "raw", COUNTRIES, base=f"{server.base}/api", policy=policy(attempts=2))
    assert server.count("/api/access/datafile/382704") == 2
    assert not (tmp_path / "raw").exists()


def test_an_etd_file_id_that_is_not_a_number_is_refused(small_raw, tmp_path):
    routes = etd_routes(small_raw / "etd" / "2021-07-15")
    listing_key = next(k for k in routes if "persistentId" in k)
    listing = json.loads(routes[listing_key].body)
    listing["data"]["latestVersion"]["files"][1]["dataFile"]["id"] = "382704/../../admin"
    routes[listing_key] = Reply(body=json.dumps(listing).encode(), content_type=JSON)
    with Replay(routes) as server:
        with pytest.raises(InputError, match=r"files\[1\]\.dataFile\.id: expected a whole number"):
            fetch("etd", tmp_path / "raw", COUNTRIES, base=f"{server.base}/api", policy=policy())
    assert server.count(f"/api/access/datafile/{ETD_FILE_ID}") == 0


def test_the_manifest_records_the_address_the_bytes_came_from(small_raw, tmp_path):
    routes = ggdc10_routes(small_raw / "ggdc10" / "2015-01")
    ((path, book),) = routes.items()
    routes = {
        path: Reply(301, headers=(("Location", "/archive/10sd_jan15_2014.xlsx"),)),
        "/archive/10sd_jan15_2014.xlsx": book,
    }
    with Replay(routes) as server:
        (taken,) = fetch(
            "ggdc10", tmp_path / "raw", "all", base=f"{server.base}/ggdc/docs", policy=policy(), check=COUNTRIES
        )
    assert manifest.load(taken.manifest)["url"] == f"{server.base}/archive/10sd_jan15_2014.xlsx"
    assert extract_sha(taken.manifest) == extract_sha(small_raw / "ggdc10" / "2015-01" / manifest.MANIFEST)


def test_the_command_fetches_a_release_and_says_how_to_select_it(small_raw, tmp_path, capsys):
    with Replay(ggdc10_routes(small_raw / "ggdc10" / "2015-01")) as server:
        args = ["fetch", "ggdc10", "--base-url", f"{server.base}/ggdc/docs", "--raw-dir", str(tmp_path / "raw"),
                "--countries", "all", "--backoff", "0"]  # fmt: skip
        assert main(args) == 0
        out, err = capsys.readouterr()
        assert "new release" in out and "releases.ggdc10: '2015-01'" in out
        assert "100%" in err
        assert main([*args, "--quiet"]) == 0
        out, err = capsys.readouterr()
        assert "taken before with the same content" in out and err == ""
    assert extract_sha(tmp_path / "raw" / "ggdc10" / "2015-01" / manifest.MANIFEST) == extract_sha(
        small_raw / "ggdc10" / "2015-01" / manifest.MANIFEST
    )


def test_the_command_reports_a_client_error_in_one_line(tmp_path, capsys):
    with Replay({}) as server:
        code = main(["fetch", "ggdc10", "--base-url", f"{server.base}/gone", "--raw-dir", str(tmp_path / "raw"),
                     "--countries", "MAR", "--quiet"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("emergence fetch: error: ") and "/gone/10sd_jan15_2014.xlsx" in err and "404" in err


def test_the_command_takes_the_size_cap_and_the_deadline(small_raw, tmp_path, capsys):
    with Replay(ggdc10_routes(small_raw / "ggdc10" / "2015-01")) as server:
        args = ["fetch", "ggdc10", "--base-url", f"{server.base}/ggdc/docs", "--raw-dir", str(tmp_path / "raw"),
                "--countries", "MAR", "--quiet"]  # fmt: skip
        assert main([*args, "--max-mb", "0.01"]) == 2
        assert "at most 10000 bytes from this source (--max-mb)" in capsys.readouterr().err
        assert main([*args, "--max-mb", "2", "--deadline", "30"]) == 0
    assert "new release" in capsys.readouterr().out
    ((path, book),) = ggdc10_routes(small_raw / "ggdc10" / "2015-01").items()
    with Replay({path: Reply(body=book.body, content_type=book.content_type, pause=0.02, piece=1)}) as server:
        args[3] = f"{server.base}/ggdc/docs"
        assert main([*args, "--deadline", "0.3", "--raw-dir", str(tmp_path / "other")]) == 2
    assert "expected a download within the deadline of 0.3 s" in capsys.readouterr().err
    assert not (tmp_path / "other").exists()
