"""The `emergence` command: snapshot published files into data/raw with their provenance, fetch new releases
from the publishers, show what changed between two releases, and check the config against the snapshots."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from emergence import __version__
from emergence.codes import COUNTRY, checked
from emergence.errors import InputError

ROOT = Path.cwd()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="emergence", description=__doc__)
    parser.add_argument("--version", action="version", version=f"emergence {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    snap = commands.add_parser("snapshot", help="cut the subset the project uses out of published files")
    snap.add_argument("source", help="etd, ggdc10, un_ama, wdi, hcp_census or paper")
    snap.add_argument(
        "files",
        nargs="*",
        type=Path,
        help="the upstream file(s); for paper, the reference text; for hcp_census, the package's wheel "
        "(default: the installed package)",
    )
    snap.add_argument(
        "--countries",
        help="comma-separated ISO3 codes, or 'all' for every country of the upstream file (default: the config's)",
    )
    snap.add_argument("--release", help="release label (default: read from the upstream file)")
    snap.add_argument("--accessed", help="date the upstream was accessed, YYYY-MM-DD (default: today)")
    snap.add_argument("--url", help="address the upstream was downloaded from (default: the publisher's page)")
    snap.add_argument("--raw-dir", type=Path, default=Path("data/raw"))
    snap.add_argument("--config", type=Path, default=Path("config/config.yaml"))

    get = commands.add_parser("fetch", help="download the publisher's current release and snapshot it")
    get.add_argument("source", help="etd, ggdc10, un_ama or wdi")
    get.add_argument("--countries", help="comma-separated ISO3 codes (default: the config's countries)")
    get.add_argument("--release", help="release label (default: stated by the publisher or the file)")
    get.add_argument("--tables", help="un_ama only: comma-separated tables (default: all three)")
    get.add_argument("--base-url", help="address of the publisher's service, for a mirror (default: the official one)")
    get.add_argument("--per-page", type=int, default=1000, help="wdi only: rows per page of the World Bank API")
    get.add_argument(
        "--indicators",
        help="wdi only: comma-separated World Bank codes, e.g. NE.EXP.GNFS.ZS (default: the config's sources.wdi.indicators)",
    )
    get.add_argument("--timeout", type=float, default=60.0, help="seconds a connection may stay silent")
    get.add_argument("--deadline", type=float, default=600.0, help="seconds one download may take, waits included")
    get.add_argument("--max-mb", type=float, help="megabytes the source may send in all (default: the source's cap)")
    get.add_argument("--attempts", type=int, default=4, help="attempts per address on server or connection errors")
    get.add_argument("--backoff", type=float, default=2.0, help="seconds before the second attempt, doubling after")
    get.add_argument("--download-dir", type=Path, help="keep the downloaded files here (default: discard them)")
    get.add_argument("--quiet", action="store_true", help="no progress bar")
    get.add_argument("--raw-dir", type=Path, default=Path("data/raw"))
    get.add_argument("--config", type=Path, default=Path("config/config.yaml"))

    dif = commands.add_parser("diff", help="what changed between two releases of one source")
    dif.add_argument("source", help="etd, ggdc10, un_ama or wdi")
    dif.add_argument("old", help="the older release (a folder data/raw/SOURCE/OLD)")
    dif.add_argument("new", help="the newer release")
    dif.add_argument(
        "--countries",
        help="comma-separated ISO3 codes, or 'all' for every country of the releases (default: the config's)",
    )
    dif.add_argument("--shares", action="store_true", help="compare sector shares only")
    dif.add_argument(
        "--tolerance", type=float, default=0.0, help="changes up to this, in the variable's unit, count as unchanged"
    )
    dif.add_argument("--top", type=int, default=3, help="largest revisions shown per variable and country")
    dif.add_argument("--csv", type=Path, help="write the changed rows to this CSV file")
    dif.add_argument("--summary-csv", type=Path, help="write the summary table to this CSV file")
    dif.add_argument("--raw-dir", type=Path, default=Path("data/raw"))
    dif.add_argument("--config", type=Path, default=Path("config/config.yaml"))

    chk = commands.add_parser("check", help="check the config against the selected snapshots (what a build does first)")
    chk.add_argument(
        "--configfile", type=Path, help="settings merged over config/config.yaml, as Snakemake's --configfile"
    )
    chk.add_argument("--raw-dir", type=Path, default=Path("data/raw"))

    args = parser.parse_args(argv)
    run = {"snapshot": _snapshot, "fetch": _fetch, "diff": _diff, "check": _check}[args.command]
    try:
        code = run(args)
        sys.stdout.flush()
        return code
    except InputError as error:
        for line in str(error).splitlines():
            print(f"emergence {args.command}: error: {line}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader left (`emergence ... | head`): stop quietly, as other commands do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141


def _countries(args: argparse.Namespace) -> list[str]:
    return _codes(args.countries) if args.countries else _configured(args)


def _configured(args: argparse.Namespace) -> list[str]:
    from emergence.config import load_config

    return load_config(args.config)["countries"]


def _codes(text: str) -> list[str]:
    """--countries as ISO 3166 alpha-3 codes (in any case), each once: they end up in manifests and addresses."""
    codes = [checked(COUNTRY, code, "command line", "--countries") for code in _list(text.upper())]
    twice = sorted({code for code in codes if codes.count(code) > 1})
    if twice or not codes:
        raise InputError("command line", "--countries", "comma-separated country codes, each once", text)
    return codes


def _indicators(args: argparse.Namespace) -> list[str]:
    if args.indicators:
        return _list(args.indicators)
    from emergence.config import load_config

    return list(load_config(args.config)["sources"]["wdi"]["indicators"])


def _list(text: str) -> list[str]:
    return [c.strip() for c in text.split(",") if c.strip()]


def _snapshot(args: argparse.Namespace) -> int:
    from emergence.snapshot import ALL, register_paper, snapshot

    if args.source == "paper":
        if len(args.files) != 1:
            raise InputError("command line", "FILE", "one file, the reference paper's text", len(args.files))
        (reference,) = args.files
        print(register_paper(reference, args.raw_dir / "paper", args.accessed))
        return 0
    every = bool(args.countries) and args.countries.strip().lower() == ALL
    countries = ALL if every else _countries(args)
    check = _configured(args) if every else None  # the rows the build reads are those read back
    for path in snapshot(
        args.source, args.files, args.raw_dir, countries, args.release, args.accessed, args.url, check
    ):
        print(path)
    return 0


def _fetch(args: argparse.Namespace) -> int:
    from emergence.download import Policy
    from emergence.fetch import fetch
    from emergence.snapshot import ALL

    every = bool(args.countries) and args.countries.strip().lower() == ALL
    taken = fetch(
        args.source,
        args.raw_dir,
        ALL if every else _countries(args),
        base=args.base_url,
        release=args.release,
        tables=_list(args.tables) if args.tables else None,
        per_page=args.per_page,
        indicators=_indicators(args) if args.source == "wdi" else None,
        policy=Policy(timeout=args.timeout, attempts=args.attempts, backoff=args.backoff, deadline=args.deadline),
        max_mb=args.max_mb,
        stream=None if args.quiet else sys.stderr,
        download_dir=args.download_dir,
        check=_configured(args) if every else None,  # as for snapshot: the rows the build reads are read back
    )
    for item in taken:
        if item.new:
            print(
                f"{item.manifest}: new release; the build uses it once config sets {item.config_key}: '{item.release}'"
            )
        else:
            print(f"{item.manifest}: release {item.release} was taken before with the same content; nothing changed")
    return 0


def _diff(args: argparse.Namespace) -> int:
    from emergence.diff import diff_releases, render, write_diff

    countries = None if args.countries == "all" else _countries(args)
    result = diff_releases(args.source, args.raw_dir, args.old, args.new, countries, args.shares, args.tolerance)
    print(render(result, args.top))
    write_diff(result, args.csv, args.summary_csv)
    return 0


def _check(args: argparse.Namespace) -> int:
    from snakemake.utils import update_config

    from emergence.check import check_snapshots
    from emergence.config import read_yaml, validate_config
    from emergence.settings import DEFAULT_CONFIG_FILE, from_config

    data = read_yaml(DEFAULT_CONFIG_FILE) or {}
    if args.configfile:
        update_config(data, read_yaml(args.configfile) or {})
    where = str(args.configfile or DEFAULT_CONFIG_FILE)
    config = validate_config(data, where)
    findings = check_snapshots(config, from_config(config, where), args.raw_dir)
    for note in findings.notes:
        print(note)
    for error in findings.errors:
        print(f"emergence check: error: {error}", file=sys.stderr)
    if not findings.errors:
        print(f"{where}: the settings fit the selected snapshots in {args.raw_dir}")
    return 2 if findings.errors else 0


if __name__ == "__main__":
    sys.exit(main())
