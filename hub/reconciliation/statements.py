"""A provider's statement or agent report, as the provider publishes it or the accountant uploads it,
read into a typed table — or refused naming the line and the column.

CSV: ``;``-separated UTF-8, with or without a BOM, a header line naming the columns (their order is
free, extra columns are ignored); amounts with a decimal point or comma, spaces as thousands separators
tolerated. XLSX: the first sheet, the same header (read with python-calamine, in one call). Amounts are
Decimal with at most two decimals, never float.
"""
from __future__ import annotations

import io
from datetime import date

import polars as pl
from python_calamine import CalamineError, CalamineWorkbook

from hub.core.exceptions import InvalidField
from hub.reconciliation.documents import AGENT_REPORT, MAX_BYTES, STATEMENT, Layout

MONEY = pl.Decimal(14, 2)
MAX_TEXT = 200  # the longest text a line keeps (a subscription number, a login, a tariff's name)
_AMOUNT = r"^-?\d{1,12}(\.\d{1,2})?$"
_XLSX_MAGIC = b"PK\x03\x04"
__all__ = ["AGENT_REPORT", "MAX_BYTES", "MONEY", "STATEMENT", "BadFile", "Layout", "empty", "read"]


class BadFile(InvalidField):
    def __init__(self, message: str) -> None:
        super().__init__("file", message)


def empty(layout: Layout) -> pl.DataFrame:
    """No document: the table ``read`` would give for one with a header and no lines."""
    kinds = {"text": pl.String, "int": pl.Int32, "money": MONEY, "date": pl.Date, "month": pl.String}
    return pl.DataFrame(schema={"line": pl.UInt32, **{c: kinds[k] for c, k in layout.columns.items()}})


def read(data: bytes, layout: Layout, max_bytes: int | None = MAX_BYTES) -> pl.DataFrame:
    """The document as a table with ``line`` (its line in the file, the header being 1) and typed columns."""
    if not data.strip():
        raise BadFile(f"the {layout.name} is empty")
    if max_bytes is not None and len(data) > max_bytes:
        raise BadFile(f"the {layout.name} is {len(data)} bytes; at most {max_bytes}")
    raw = _xlsx(data, layout) if data.startswith(_XLSX_MAGIC) else _csv(data, layout)
    missing = [c for c in layout.columns if c not in raw.columns]
    if missing and len(raw.columns) == 1 and (other := next((c for c in ",\t" if c in raw.columns[0]), None)):
        raise BadFile(f"line 1: the {layout.name}'s columns are separated by {'a tab' if other == chr(9) else 'a comma'}; "
                      f"the hub reads ';' (Excel's «CSV (разделители — точка с запятой)»)")
    if missing:
        raise BadFile(f"line 1: the {layout.name} lacks the column(s) {', '.join(missing)} "
                      f"(expected: {', '.join(layout.columns)})")
    if "line" not in raw.columns:
        raw = raw.with_row_index("line", offset=2)
    blank = pl.all_horizontal([pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "") for c in layout.columns])
    raw = raw.select("line", *layout.columns).filter(~blank)  # blank lines (Excel's ;;;;) are no lines
    return raw.with_columns([_typed(column, kind) for column, kind in layout.columns.items()]) \
        .pipe(_check, raw, layout)


def _csv(data: bytes, layout: Layout) -> pl.DataFrame:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BadFile(f"line {line}: the {layout.name} is not UTF-8 text") from None
    try:
        frame = pl.read_csv(io.BytesIO(data), separator=";", infer_schema=False, has_header=True,
                            truncate_ragged_lines=False)
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
        raise BadFile(f"the {layout.name} is not ;-separated CSV: {str(exc).splitlines()[0]}") from None
    return frame.rename({c: c.strip().lower() for c in frame.columns})


def _xlsx(data: bytes, layout: Layout) -> pl.DataFrame:
    try:
        rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    except (CalamineError, ValueError, IndexError) as exc:
        raise BadFile(f"the {layout.name} is not a readable XLSX workbook: {exc}") from None
    if not rows:
        raise BadFile(f"the {layout.name} is empty")
    header = [str(c).strip().lower() for c in rows[0]]
    body = [(number, [_cell(v) for v in row] + [None] * (len(header) - len(row)))
            for number, row in enumerate(rows[1:], start=2) if any(v not in ("", None) for v in row)]
    frame = pl.DataFrame({name: [row[i] for _, row in body] for i, name in enumerate(header) if name},
                         schema={name: pl.String for name in header if name})
    return frame.with_columns(pl.Series("line", [n for n, _ in body], dtype=pl.UInt32))  # the sheet's row numbers


def _cell(value: object) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()[:10]
    return str(value)


def _typed(column: str, kind: str) -> pl.Expr:
    value = pl.col(column).str.strip_chars()
    if kind == "money":
        normal = value.str.replace_all(r"[\s\u00a0]", "").str.replace(",", ".")
        return pl.when(normal.str.contains(_AMOUNT)).then(normal).otherwise(None).cast(MONEY).alias(column)
    if kind == "int":  # a percentage: 0…100
        number = value.cast(pl.Int32, strict=False)
        return pl.when(number.is_between(0, 100)).then(number).otherwise(None).alias(column)
    if kind == "date":
        return value.str.to_date("%Y-%m-%d", strict=False).alias(column)
    if kind == "month":
        return pl.when(value.str.contains(r"^\d{4}-(0[1-9]|1[0-2])$")).then(value).otherwise(None).alias(column)
    bad = value.str.contains("\x00", literal=True) | (value.str.len_chars() > MAX_TEXT) | (value == "")
    return pl.when(bad).then(None).otherwise(value).alias(column)


_WHAT = {"money": "an amount with at most two decimals", "int": "a whole percentage 0–100", "date": "a date YYYY-MM-DD",
         "month": "a month YYYY-MM", "text": "a value of at most 200 characters, without NUL"}


def _check(typed: pl.DataFrame, raw: pl.DataFrame, layout: Layout) -> pl.DataFrame:
    """The first cell that is not what its column holds (or empty), as a 4xx naming its line and column."""
    if not typed.select(pl.any_horizontal([pl.col(c).is_null() for c in layout.columns]).any()).item():
        return typed  # one pass over a good file; the column-by-column search only for a bad one
    for column, kind in layout.columns.items():
        bad = typed.select(pl.col("line"), pl.col(column).is_null().alias("bad")).filter("bad")
        if bad.height:
            line = bad["line"][0]
            given = raw.filter(pl.col("line") == line)[column][0]
            shown = "empty" if given in (None, "") else f"{given[:40]!r} is not {_WHAT[kind]}"
            raise BadFile(f"line {line}, column {column}: {shown}")
    return typed  # a header and no lines: nothing billed (every expectation is then missing)


__all__ = ["AGENT_REPORT", "MAX_BYTES", "STATEMENT", "BadFile", "Layout", "read"]
