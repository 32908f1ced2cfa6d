"""A run as the accountant takes it away: XLSX with a summary sheet and a sheet per category (amounts as
numbers with a money format, dates as dates), or CSV of every line (hub/core/spreadsheet.py)."""
from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

import polars as pl

from hub.core.spreadsheet import FORMULA_START, to_csv, to_xlsx_book
from hub.reconciliation.matching import CATEGORIES
from hub.reconciliation.schemas import LineOut, ReconciliationOut

COLUMNS = ("number", "line", "category", "reason", "rule", "subscription", "reference", "month", "expected", "billed",
           "expected_retail", "billed_retail", "expected_discount", "billed_discount", "resolution", "resolution_comment")
SUMMARY = ("what", "count", "expected", "billed")


def _rows(lines: list[LineOut]) -> list[dict[str, Any]]:
    return [{c: getattr(line, c) for c in COLUMNS} for line in lines]


def csv(lines: list[LineOut]) -> bytes:
    return to_csv(COLUMNS, _rows(lines))


def csv_frame(lines: pl.DataFrame) -> bytes:
    """The lines of a run straight from the matching's table, column-wise: the same dialect and the same
    formula quoting as hub/core/spreadsheet.py, for a book too large to go through rows."""
    starts = "^[" + "".join(re.escape(c) for c in sorted(FORMULA_START)) + "]"
    quoted = [pl.when(pl.col(c).str.contains(starts)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
              for c, kind in lines.schema.items() if kind == pl.String]
    out = io.BytesIO()
    lines.with_columns(quoted).write_csv(out, separator=";", line_terminator="\r\n")
    return b"\xef\xbb\xbf" + out.getvalue()


def _money(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def xlsx(run: ReconciliationOut, lines: list[LineOut]) -> bytes:
    summary: list[dict[str, Any]] = [
        {"what": c, "count": run.summary[c]["count"], "expected": _money(run.summary[c]["expected"]),
         "billed": _money(run.summary[c]["billed"])} for c in CATEGORIES if c in run.summary]
    summary += [{"what": f"total: {k}", "count": None, "expected": None if k == "billed" else _money(v),
                 "billed": _money(v) if k == "billed" else None} for k, v in run.totals.items()]
    summary += [{"what": note, "count": None, "expected": None, "billed": None} for note in run.notes]
    sheets = [(f"Сверка {run.provider} {run.period}", SUMMARY, summary)]
    rows = _rows(lines)
    for category in CATEGORIES:
        mine = [r for r in rows if r["category"] == category]
        if mine:
            sheets.append((category, COLUMNS, mine))
    return to_xlsx_book(sheets)
