"""The results file (reports/results.json), read apart from the analysis that writes it (emergence.report.results):
the notebook and the renderer need its numbers, not the pandas code behind them."""

from __future__ import annotations

import json
import os

from emergence.errors import InputError


def read_results(path: str | os.PathLike) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except FileNotFoundError:
        raise InputError(path, "file", "the results file written by the report's tabulate step") from None
