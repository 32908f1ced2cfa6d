"""Exports open safely in a spreadsheet: text is never a formula, numbers and dates are typed (issue 9 §0)."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from hub.reports import service as reports
from hub.core.spreadsheet import attachment, neutralise, to_csv, to_xlsx

HYPERLINK = '=HYPERLINK("http://x","y")'
COLUMNS = ("customer", "retail", "start", "count")


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


@pytest.mark.parametrize("text", [HYPERLINK, "+7 916 000", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "\uff1d1+1"])
def test_csv_quotes_text_a_spreadsheet_would_run(text):
    [_, row] = read_csv(to_csv(COLUMNS, [{"customer": text, "retail": Decimal("1.00"), "start": None, "count": 1}]))
    assert row[0] == "'" + text


def test_csv_leaves_numbers_dates_and_plain_text_alone():
    rows = [{"customer": "ООО Ромашка", "retail": Decimal("-100.00"), "start": date(2026, 11, 23), "count": -3}]
    [header, row] = read_csv(to_csv(COLUMNS, rows))
    assert header == list(COLUMNS)
    assert row == ["ООО Ромашка", "-100.00", "2026-11-23", "-3"]  # a negative amount stays a number


def test_neutralise_touches_only_text():
    assert neutralise("=1") == "'=1" and neutralise("a=1") == "a=1" and neutralise("") == ""
    assert neutralise(Decimal("-1")) == Decimal("-1") and neutralise(-1) == -1 and neutralise(None) is None


def test_xlsx_text_is_a_string_cell_amounts_numbers_dates_dates():
    rows = [{"customer": HYPERLINK, "retail": Decimal("38652.00"), "start": date(2026, 11, 23), "count": 2},
            {"customer": "ООО\x01 Ромашка", "retail": Decimal("-100.50"), "start": None, "count": None}]
    sheet = load_workbook(io.BytesIO(to_xlsx("Дайджест 2026-W48", COLUMNS, rows))).active
    assert sheet.title == "Дайджест 2026-W48"
    assert [c.value for c in sheet[1]] == list(COLUMNS) and all(c.data_type == "s" for c in sheet[1])
    text, amount, day, count = sheet[2]
    assert text.data_type == "s" and text.value == HYPERLINK and text.quotePrefix  # not a formula
    assert amount.data_type == "n" and amount.value == 38652 and amount.number_format == "#,##0.00"
    assert day.is_date and day.value.date() == date(2026, 11, 23) and day.number_format == "yyyy-mm-dd"
    assert count.data_type == "n" and count.value == 2
    text, amount, day, _ = sheet[3]
    assert text.value == "ООО\ufffd Ромашка" and not text.quotePrefix  # a control character XML cannot hold
    assert amount.data_type == "n" and amount.value == -100.5 and day.value is None


def test_the_digest_table_keeps_its_types():
    line = reports.DigestLine("ending", "fresh_ru", HYPERLINK, "s1", None, "main", "ПРОФ", date(2026, 1, 1),
                              date(2026, 12, 31), Decimal("38652.00"), Decimal("13528.20"), "RUB", date(2026, 1, 1))
    digest = reports.WeeklyDigest("2026-W48", date(2026, 11, 23), date(2026, 12, 20), date(2026, 11, 16), [line])
    [row] = reports.table(digest)
    assert list(row) == list(reports.COLUMNS)
    assert row["retail"] == Decimal("38652.00") and row["end"] == date(2026, 12, 31) and row["customer"] == HYPERLINK


def test_attachment_names_are_plain_ascii():
    assert attachment("weekly-digest-2026-W48.csv") == {
        "Content-Disposition": 'attachment; filename="weekly-digest-2026-W48.csv"'}
    assert attachment('a"\r\nb.csv')["Content-Disposition"] == 'attachment; filename="a___b.csv"'
