"""One error type for bad input, so every failure names the file, the place and what was expected."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input: a file, a row/column/key inside it, and what was expected there."""

    def __init__(self, where: str, location: str, expected: str, found: object = None):
        self.where = str(where)
        self.location = location
        self.expected = expected
        self.found = found
        message = f"{self.where}: {location}: expected {expected}"
        if found is not None:
            message += f", found {found!r}"
        super().__init__(message)
