"""The codes the project takes from outside, one pattern each: country codes, release labels and dates.

A country code ends up in addresses and file contents, a release label in a folder name, so anything else is
refused where it enters. `workflow/schemas/config.schema.yaml` states the same patterns for the config.
"""

from __future__ import annotations

import datetime as dt
import re

from emergence.errors import InputError

COUNTRY = re.compile(r"[A-Z]{3}")  # ISO 3166-1 alpha-3
RELEASE = re.compile(r"[0-9]{4}(-[0-9]{2}){0,2}")  # the date of a release: YYYY, YYYY-MM or YYYY-MM-DD
VERSION = re.compile(r"[0-9]+(\.[0-9]+)*")  # a release taken through a package: the package's version
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
EXPECTED = {
    COUNTRY: "an ISO 3166-1 alpha-3 country code (three capitals)",
    RELEASE: "a date YYYY, YYYY-MM or YYYY-MM-DD",
    VERSION: "a package version such as 1.9.1",
    DAY: "a date YYYY-MM-DD",
}


def checked(pattern: re.Pattern, value: object, where: str, field: str, hint: str = "") -> str:
    """`value` when it is a string matching `pattern` whole; else an error naming where it came from."""
    if isinstance(value, str) and pattern.fullmatch(value):
        return value
    raise InputError(where, field, EXPECTED[pattern] + hint, value if isinstance(value, str) else repr(value))


def past_day(value: object, where: str, field: str, today: dt.date | None = None) -> str:
    """`value` when it is an ISO date YYYY-MM-DD that exists and is not after today: the day a file was taken."""
    today = today or dt.date.today()
    expected = f"{EXPECTED[DAY]}, a real day not after today ({today.isoformat()})"
    if isinstance(value, str) and DAY.fullmatch(value):
        try:
            if dt.date.fromisoformat(value) <= today:
                return value
        except ValueError:
            pass
    raise InputError(where, field, expected, value if isinstance(value, str) else repr(value))
