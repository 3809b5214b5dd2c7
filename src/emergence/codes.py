"""The codes the project takes from outside, one pattern each: country codes and release labels.

A country code ends up in addresses and file contents, a release label in a folder name, so anything else is
refused where it enters. `workflow/schemas/config.schema.yaml` states the same two patterns for the config.
"""

from __future__ import annotations

import re

from emergence.errors import InputError

COUNTRY = re.compile(r"[A-Z]{3}")  # ISO 3166-1 alpha-3
RELEASE = re.compile(r"[0-9]{4}(-[0-9]{2}){0,2}")  # the date of a release: YYYY, YYYY-MM or YYYY-MM-DD
EXPECTED = {
    COUNTRY: "an ISO 3166-1 alpha-3 country code (three capitals)",
    RELEASE: "a date YYYY, YYYY-MM or YYYY-MM-DD",
}


def checked(pattern: re.Pattern, value: object, where: str, field: str, hint: str = "") -> str:
    """`value` when it is a string matching `pattern` whole; else an error naming where it came from."""
    if isinstance(value, str) and pattern.fullmatch(value):
        return value
    raise InputError(where, field, EXPECTED[pattern] + hint, value if isinstance(value, str) else repr(value))
