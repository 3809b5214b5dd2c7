"""The `emergence` command: snapshot published files into data/raw with their provenance."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from emergence.errors import InputError

ROOT = Path.cwd()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="emergence", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    snap = commands.add_parser("snapshot", help="cut the subset the project uses out of published files")
    snap.add_argument("source", help="etd, ggdc10, un_ama, wdi or paper")
    snap.add_argument("files", nargs="+", type=Path, help="the upstream file(s); for paper, the reference text")
    snap.add_argument("--countries", help="comma-separated ISO3 codes (default: the config's countries)")
    snap.add_argument("--release", help="release label (default: read from the upstream file)")
    snap.add_argument("--accessed", help="date the upstream was accessed, YYYY-MM-DD (default: today)")
    snap.add_argument("--url", help="address the upstream was downloaded from (default: the publisher's page)")
    snap.add_argument("--raw-dir", type=Path, default=Path("data/raw"))
    snap.add_argument("--config", type=Path, default=Path("config/config.yaml"))

    args = parser.parse_args(argv)
    try:
        return _snapshot(args)
    except InputError as error:
        print(f"emergence {args.command}: error: {error}", file=sys.stderr)
        return 2


def _snapshot(args: argparse.Namespace) -> int:
    from emergence.snapshot import register_paper, snapshot

    if args.source == "paper":
        (reference,) = args.files
        print(register_paper(reference, args.raw_dir / "paper", args.accessed))
        return 0
    if args.countries:
        countries = [c.strip().upper() for c in args.countries.split(",") if c.strip()]
    else:
        from emergence.config import load_config

        countries = load_config(args.config)["countries"]
    for path in snapshot(args.source, args.files, args.raw_dir, countries, args.release, args.accessed, args.url):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
