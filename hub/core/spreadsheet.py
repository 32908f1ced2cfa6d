"""Tables the hub hands out (CSV and XLSX), safe to open in a spreadsheet.

Every export of the hub goes through here, so a stored value can never become a live formula:

- XLSX cells are typed: text is always a string cell (never a formula, even when it starts with
  "="), amounts (Decimal, int, float) are number cells with a two-decimal format, dates are date
  cells. Text that would be a formula elsewhere is also marked "quote prefix", so editing the
  cell in Excel keeps it text.
- CSV has no types, so a text value starting with = + - @ TAB CR LF (and their full-width forms,
  which some spreadsheets read as the ASCII ones) gets a leading single quote (OWASP "CSV
  injection"). Only text is touched: numbers and dates are written as they are, so a negative
  amount "-100.00" stays a number.

The CSV dialect is the one 1C exports: semicolon, CRLF, UTF-8 with a BOM.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from types import SimpleNamespace
from typing import Any

# openpyxl is imported when a workbook is written, not when the hub starts (issue 15: a fifth of the cold start)

CSV_MEDIA = "text/csv"  # Litestar adds "; charset=utf-8" to every text/* type itself
XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
AMOUNT_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


def is_formula_like(text: str) -> bool:
    return bool(text) and text[0] in FORMULA_START


def neutralise(value: Any) -> Any:
    """A text value a spreadsheet would run as a formula, quoted (OWASP); anything else unchanged."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return neutralise(str(value))


def to_csv(columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in columns])
    for row in rows:
        writer.writerow([_csv_value(row[c]) for c in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@cache
def _openpyxl() -> SimpleNamespace:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    return SimpleNamespace(Workbook=Workbook, WriteOnlyCell=WriteOnlyCell, illegal=ILLEGAL_CHARACTERS_RE, Font=Font)


def _xlsx_cell(sheet: Any, value: Any, bold: bool = False) -> Any:
    xl = _openpyxl()
    WriteOnlyCell, ILLEGAL_CHARACTERS_RE = xl.WriteOnlyCell, xl.illegal
    if value is None:
        return WriteOnlyCell(sheet, value=None)
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))  # XLSX has no time zones: the wall time
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT
    elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = AMOUNT_FORMAT if isinstance(value, Decimal) else "0"
    else:
        text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))  # control characters XML cannot carry
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"  # openpyxl takes a leading "=" for a formula; this is text
        cell.quotePrefix = is_formula_like(text)
    if bold:
        cell.font = xl.Font(bold=True)
    return cell


def to_xlsx(title: str, columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> bytes:
    return to_xlsx_book([(title, columns, rows)])


def to_xlsx_book(sheets: Sequence[tuple[str, Sequence[str], Sequence[Mapping[str, Any]]]]) -> bytes:
    """One workbook of several sheets, each (title, columns, rows), cells typed as above."""
    xl = _openpyxl()
    book = xl.Workbook(write_only=True)
    for title, columns, rows in sheets:
        sheet = book.create_sheet(xl.illegal.sub("", title)[:31] or "Sheet")
        sheet.freeze_panes = "A2"
        sheet.append([_xlsx_cell(sheet, c, bold=True) for c in columns])
        for row in rows:
            sheet.append([_xlsx_cell(sheet, row[c]) for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def attachment(filename: str) -> dict[str, str]:
    """The Content-Disposition of a download; the name is the hub's own (ASCII, no quotes or breaks)."""
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_.") else "_" for ch in filename)
    return {"Content-Disposition": f'attachment; filename="{safe}"'}
