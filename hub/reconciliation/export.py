"""A run as the accountant takes it away: XLSX with a summary sheet and a sheet per category (amounts as
numbers with a money format, dates as dates), in Russian — headings, categories, reasons and notes
(hub/core/russian.py) — or CSV of every line with the API's field names, for scripts (hub/core/spreadsheet.py)."""
from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from hub.core.russian import russian
from hub.core.spreadsheet import FORMULA_START, to_csv, to_xlsx_book
from hub.reconciliation.schemas import CATEGORIES, LineOut, ReconciliationOut

if TYPE_CHECKING:
    import polars as pl

COLUMNS = ("number", "line", "category", "reason", "rule", "subscription", "reference", "month", "expected", "billed",
           "expected_retail", "billed_retail", "expected_discount", "billed_discount", "resolution", "resolution_comment")
SUMMARY = ("what", "count", "expected", "billed")
CATEGORY_NAMES = {"matched": "совпало", "amount_mismatch": "расхождение (сумма, скидка, период или тариф)",
                  "missing_in_statement": "нет в документе", "unexpected_in_statement": "лишнее в документе",
                  "duplicate": "дубль", "fee_rate_mismatch": "другая ставка вознаграждения",
                  "not_attributed": "клиент не закреплён", "month_not_paid": "месяц не оплачен"}
RESOLUTION_NAMES = {"disputed": "оспорить", "accepted": "принять"}
SHEET_NAMES = {**CATEGORY_NAMES, "amount_mismatch": "расхождение", "fee_rate_mismatch": "другая ставка"}  # ≤ 31
HEADINGS = {"number": "№", "line": "Строка документа", "category": "Категория", "reason": "Почему", "rule": "Правило",
            "subscription": "Подписка в хабе", "reference": "Подписка / логин", "month": "Месяц",
            "expected": "Ожидали", "billed": "По документу", "expected_retail": "Розница (хаб)",
            "billed_retail": "Розница (документ)", "expected_discount": "Скидка или ставка, % (хаб)",
            "billed_discount": "Скидка или ставка, % (документ)", "resolution": "Решение",
            "resolution_comment": "Комментарий", "what": "Что", "count": "Строк"}
TOTAL_NAMES = {"expected": "итого ожидали", "billed": "итого по документу", "difference": "разница",
               "dispute": "оспорить"}


def _rows(lines: list[LineOut]) -> list[dict[str, Any]]:
    return [{c: getattr(line, c) for c in COLUMNS} for line in lines]


def csv(lines: list[LineOut]) -> bytes:
    return to_csv(COLUMNS, _rows(lines))


def csv_frame(lines: pl.DataFrame) -> bytes:
    """The lines of a run straight from the matching's table, column-wise: the same dialect and the same
    formula quoting as hub/core/spreadsheet.py, for a book too large to go through rows."""
    import polars as pl

    starts = "^[" + "".join(re.escape(c) for c in sorted(FORMULA_START)) + "]"
    quoted = [pl.when(pl.col(c).str.contains(starts)).then(pl.lit("'") + pl.col(c)).otherwise(pl.col(c)).alias(c)
              for c, kind in lines.schema.items() if kind == pl.String]
    out = io.BytesIO()
    lines.with_columns(quoted).write_csv(out, separator=";", line_terminator="\r\n")
    return b"\xef\xbb\xbf" + out.getvalue()


def _money(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _russian(row: dict[str, Any]) -> dict[str, Any]:
    said = {**row, "category": CATEGORY_NAMES.get(row.get("category"), row.get("category")),
            "reason": russian(row.get("reason")), "resolution": RESOLUTION_NAMES.get(row.get("resolution"), row.get("resolution"))}
    return {HEADINGS[c]: v for c, v in said.items()}


def xlsx(run: ReconciliationOut, lines: list[LineOut]) -> bytes:
    summary: list[dict[str, Any]] = [
        {"what": CATEGORY_NAMES.get(c, c), "count": run.summary[c]["count"], "expected": _money(run.summary[c]["expected"]),
         "billed": _money(run.summary[c]["billed"])} for c in CATEGORIES if c in run.summary]
    summary += [{"what": TOTAL_NAMES.get(k, k), "count": None, "expected": None if k == "billed" else _money(v),
                 "billed": _money(v) if k == "billed" else None} for k, v in run.totals.items()]
    summary += [{"what": russian(note), "count": None, "expected": None, "billed": None} for note in run.notes]
    heads = [HEADINGS[c] for c in COLUMNS]
    sheets = [(f"Сверка {run.provider} {run.period}", [HEADINGS[c] for c in SUMMARY],
               [{HEADINGS[c]: v for c, v in row.items()} for row in summary])]
    rows = _rows(lines)
    for category in CATEGORIES:
        mine = [_russian(r) for r in rows if r["category"] == category]
        if mine:
            sheets.append((SHEET_NAMES[category], heads, mine))
    return to_xlsx_book(sheets)
