"""The totals of a run: expected, billed, their difference, and what the partner should dispute.

Fresh family (what 1C bills): billed − expected over the lines; to dispute, every overcharge — the excess
of a mismatched line, a duplicate in full, a line the hub did not sell in full (until someone explains it).
Rarus (what Rarus pays): the fees expected for the paid months, the fees reported; to claim, every
shortfall — a lower fee than the rate gives, a paid month missing from the report.
"""
from __future__ import annotations

from decimal import Decimal

import polars as pl

ZERO = Decimal("0.00")


def _sum(frame: pl.DataFrame, expr: pl.Expr) -> Decimal:
    if not frame.height:
        return ZERO
    value = frame.select(expr.sum()).item()
    return Decimal(value if value is not None else 0).quantize(Decimal("0.01"))


def totals(lines: pl.DataFrame, expected: pl.DataFrame, pays_partner: bool) -> dict[str, Decimal]:
    owed = expected.filter(pl.col("paid")) if pays_partner and expected.height else expected
    expected_total = _sum(owed, pl.col("expected"))
    billed_total = _sum(lines, pl.col("billed").fill_null(0))
    category, excess = pl.col("category"), pl.col("billed").fill_null(0) - pl.col("expected").fill_null(0)
    if pays_partner:
        short = (pl.col("expected").fill_null(0) - pl.col("billed").fill_null(0))
        disputed = lines.filter(category.is_in(["fee_rate_mismatch", "amount_mismatch", "missing_in_statement"]))
        dispute = _sum(disputed, pl.when(short > 0).then(short).otherwise(0))
    else:
        over = lines.filter(category.is_in(["amount_mismatch", "duplicate", "unexpected_in_statement"]))
        dispute = _sum(over, pl.when(excess > 0).then(excess).otherwise(0))
    return {"expected": expected_total, "billed": billed_total, "difference": billed_total - expected_total,
            "dispute": dispute}
