"""Reconciling a whole partner book: the hub's reconciliation against a plain DuckDB read+join.

Run with `make bench-reconcile` (ROWS=… to change the size; default 1,000,000). It writes, in a temporary
folder, a 1C statement CSV of ROWS lines and a ledger of ROWS expectations with a known share of each
category (2 % missing, 2 % unexpected, 1 % duplicate, 3 % a discount 5 points off, the rest matched), then
- the hub: hub.reconciliation.statements.read (the file into a typed table, every cell checked) →
  matching.fresh (categories and reasons, columnar) → the report CSV (export.csv_frame), and
- DuckDB: read both CSVs, full outer join on the subscription, a category per line, COPY to CSV,
and checks both found the same categories. It prints each time, the hub's peak RSS, and last
`reconcile/duckdb: X` (goal: ≤ 1.5, ≤ 1 GiB). Not a test: times vary by machine; the ratio is what to compare.
"""
from __future__ import annotations

import sys
from pathlib import Path

# bench/http.py would shadow the standard library's http for a script run from this folder
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from hub.reconciliation import export, matching, statements
from hub.reconciliation.explain import discount_cause
from hub.reconciliation.ledger import STATEMENT_LEDGER
from pricing import load_catalogs

ROWS = int(os.environ.get("ROWS", "1000000"))
MONTH, TODAY = "2027-01", date(2027, 1, 20)
SHARES = {"missing": 0.02, "unexpected": 0.02, "duplicate": 0.01, "wrong_discount": 0.03}


def generate(folder: Path) -> tuple[Path, Path, dict[str, int]]:
    """The ledger (parquet, what the hub derives from its database) and the statement (the provider's CSV)."""
    n = ROWS
    ids = pl.int_range(0, n, eager=True)
    ledger = pl.DataFrame({
        "subscription_id": "s" + ids.cast(pl.String).str.pad_start(8, "0"),
        "reference": (ids + 100_000).cast(pl.String), "tariff": pl.Series(["ПРОФ"] * n), "kind": pl.Series(["main"] * n),
        "month": pl.Series([MONTH] * n), "due_on": pl.Series([date(2027, 1, 15)] * n),
        "expected_start": pl.Series([date(2027, 1, 1)] * n), "expected_end": pl.Series([date(2027, 12, 31)] * n),
        "expected_retail": pl.Series(["38652.00"] * n).cast(STATEMENT_LEDGER["expected_retail"]),
        "expected_discount": pl.Series([50] * n, dtype=pl.Int32),
        "expected": pl.Series(["19326.00"] * n).cast(STATEMENT_LEDGER["expected"]),
        "rule": pl.Series(["FR-DISC-03"] * n), "order_note": pl.Series([None] * n, dtype=pl.String)},
        schema=STATEMENT_LEDGER)
    missing = int(n * SHARES["missing"])
    wrong = int(n * SHARES["wrong_discount"])
    dup = int(n * SHARES["duplicate"])
    unexpected = int(n * SHARES["unexpected"])
    billed = ledger.slice(missing).select(
        pl.col("reference").alias("subscription"), pl.lit("48").alias("subscriber"), pl.col("tariff"),
        pl.lit("2027-01-01").alias("period_start"), pl.lit("2027-12-31").alias("period_end"),
        pl.lit("38652,00").alias("retail"), pl.col("expected_discount").alias("discount_percent"),
        pl.lit("19326,00").alias("amount"))
    billed = billed.with_columns(pl.when(pl.int_range(pl.len()) < wrong).then(pl.col("discount_percent") + 5)
                                 .otherwise(pl.col("discount_percent")).alias("discount_percent"))
    extra = billed.head(unexpected).with_columns((pl.int_range(pl.len()) + 900_000_000).cast(pl.String).alias("subscription"))
    document = pl.concat([billed, billed.slice(wrong, dup), extra])
    statement, ledger_file = folder / "statement.csv", folder / "ledger.parquet"
    document.write_csv(statement, separator=";")
    ledger.write_parquet(ledger_file)
    counts = {"missing_in_statement": missing, "amount_mismatch": wrong, "duplicate": dup,
              "unexpected_in_statement": unexpected, "matched": n - missing - wrong}
    return statement, ledger_file, counts


def hub(statement: Path, ledger_file: Path, out: Path) -> dict[str, int]:
    table = statements.read(statement.read_bytes(), statements.STATEMENT, max_bytes=None)  # no upload limit here
    expected = pl.read_parquet(ledger_file)
    lines = matching.statement(expected, table, MONTH, TODAY, discount_cause(load_catalogs()["fresh_ru"]))
    out.write_bytes(export.csv_frame(lines))
    return dict(lines.group_by("category").len().iter_rows())


def duck(statement: Path, ledger_file: Path, out: Path) -> dict[str, int]:
    con = duckdb.connect()
    con.execute(f"""
        CREATE TEMP TABLE raw AS SELECT *, row_number() OVER () + 1 AS line
            FROM read_csv('{statement}', delim=';', header=true, all_varchar=true);
        CREATE TEMP TABLE s AS SELECT *, row_number() OVER (PARTITION BY subscription ORDER BY line) AS occurrence FROM raw;
        CREATE TEMP TABLE j AS SELECT l.*, s.*,
            CASE WHEN s.occurrence > 1 THEN 'duplicate'
                 WHEN l.reference IS NULL THEN 'unexpected_in_statement'
                 WHEN s.subscription IS NULL THEN 'missing_in_statement'
                 WHEN CAST(replace(s.amount, ',', '.') AS DECIMAL(14,2)) = l.expected
                      AND CAST(s.discount_percent AS INTEGER) = l.expected_discount THEN 'matched'
                 ELSE 'amount_mismatch' END AS category
        FROM read_parquet('{ledger_file}') l FULL OUTER JOIN s ON l.reference = s.subscription;
        COPY (SELECT * FROM j) TO '{out}' (HEADER, DELIMITER ';');
    """)
    return dict(con.execute("SELECT category, count(*) FROM j GROUP BY category").fetchall())


def child(which: str, folder: Path) -> tuple[dict[str, int], float, float]:
    """``which`` run in a process of its own: what it found, its seconds, its peak RSS in MiB."""
    done = subprocess.run([sys.executable, __file__, which, str(folder)], capture_output=True, text=True, check=True)
    found, seconds = json.loads(done.stdout)
    return found, seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def part(which: str, folder: Path) -> None:
    run = hub if which == "hub" else duck
    started = time.perf_counter()
    found = run(folder / "statement.csv", folder / "ledger.parquet", folder / f"{which}.csv")
    print(json.dumps([found, time.perf_counter() - started]))


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        statement, _, counts = generate(root)
        print(f"statement {ROWS:,} expected lines, {statement.stat().st_size / 1e6:.1f} MB; ledger {ROWS:,} expectations")
        found_hub, hub_seconds, hub_peak = child("hub", root)  # first: the children's peak is then the hub's
        found_duck, duck_seconds, _ = child("duck", root)
        assert found_hub == counts, (found_hub, counts)
        assert found_duck == counts, (found_duck, counts)
        print(f"categories  {counts}")
        print(f"duckdb      {duck_seconds:.2f} s (read, join, a category per line, COPY to CSV)")
        print(f"hub         {hub_seconds:.2f} s (read and check every cell, match, reasons, report CSV)")
        print(f"hub peak RSS {hub_peak:.0f} MiB (goal ≤ 1024)")
        print(f"reconcile/duckdb: {hub_seconds / duck_seconds:.2f}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 3:
        part(sys.argv[1], Path(sys.argv[2]))
        sys.exit(0)
    sys.exit(main())
