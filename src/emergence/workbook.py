"""Excel workbooks read cell by cell (so errors can name sheet, row and column) and written byte-reproducibly."""

from __future__ import annotations

import io
import os
import re
import zipfile
from datetime import datetime

from emergence.errors import InputError

FIXED_TIME = datetime(2000, 1, 1)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def read_sheet(path: str | os.PathLike, sheet: str | int) -> list[tuple]:
    """All rows of one sheet as tuples of cell values; a sheet given by position or by its exact name."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise InputError(path, "file", "an existing Excel workbook") from None
    except (zipfile.BadZipFile, OSError, KeyError) as exc:
        raise InputError(path, "file", "an Excel workbook (.xlsx)", f"unreadable: {exc}") from None
    try:
        if isinstance(sheet, int):
            if sheet >= len(book.worksheets):
                raise InputError(path, f"sheet number {sheet + 1}", "a sheet there", f"{len(book.worksheets)} sheets")
            ws = book.worksheets[sheet]
        elif sheet not in book.sheetnames:
            raise InputError(path, f"sheet '{sheet}'", f"a sheet named '{sheet}'", f"sheets {book.sheetnames}")
        else:
            ws = book[sheet]
        return [tuple(row) for row in ws.iter_rows(values_only=True)]
    finally:
        book.close()


def sheet_names(path: str | os.PathLike) -> list[str]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def modified_date(path: str | os.PathLike) -> datetime | None:
    """The workbook's own 'last modified' property, which dates a publisher's release."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return book.properties.modified
    finally:
        book.close()


def write_workbook(sheets: list[tuple[str, list[tuple]]]) -> bytes:
    """A workbook with the given sheets and rows, with fixed properties and zip times: same rows, same bytes."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(list(row))
    book.properties.creator = "emergence snapshot"
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    raw = io.BytesIO()
    book.save(raw)
    return _normalise_zip(raw.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in sorted(src.namelist()):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            data = src.read(name)
            if name == "docProps/core.xml":  # openpyxl stamps the save time here
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", data)
            dst.writestr(info, data)
    return out.getvalue()
