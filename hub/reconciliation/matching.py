"""Matching a provider's document against the ledger, column-wise (polars): each line ends in exactly one
category, with why in words and data. No row is looped over in Python — the same code reconciles ten
lines or a million (bench/reconcile.py).

Fresh family (a monthly statement): ``matched``, ``amount_mismatch`` (retail, discount or amount differ),
``missing_in_statement`` (expected, not billed — or not due yet), ``unexpected_in_statement`` (billed,
unknown to the hub), ``duplicate`` (billed again). Rarus (a quarterly agent report) adds
``fee_rate_mismatch``, ``not_attributed`` (RA-ONB-06) and ``month_not_paid``.
"""
from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date

import polars as pl

from hub.reconciliation.schemas import CATEGORIES
from hub.reconciliation.statements import MONEY

LINES = {"line": pl.UInt32, "category": pl.String, "reason": pl.String, "rule": pl.String,
         "subscription_id": pl.String, "reference": pl.String, "month": pl.String, "expected": MONEY,
         "billed": MONEY, "expected_retail": MONEY, "billed_retail": MONEY, "expected_discount": pl.String,
         "billed_discount": pl.String}
Cause = Callable[[int | None, int | None, str | None], str | None]  # expected %, billed %, rule → likely cause


def _text(expr: pl.Expr, none: str = "—") -> pl.Expr:
    return expr.cast(pl.String).fill_null(none)


def _note(expr: pl.Expr) -> pl.Expr:
    """"; <note>" or nothing."""
    return pl.when(expr.is_not_null()).then(pl.lit("; ") + expr).otherwise(pl.lit(""))


def _occurrences(document: pl.DataFrame, keys: list[str], ledger: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The line of each key that answers the hub's expectation, and the others (billed again). Of several
    lines with one key, the one billing exactly what the hub expected is that line wherever it stands in the
    document; without one, the first. So the order of the lines never decides what is disputed."""
    expected = ledger.select(*keys, pl.col("expected").alias("_expected")).unique(subset=keys, keep="first")
    ranked = document.join(expected, on=keys, how="left") \
        .with_columns((pl.col("billed") == pl.col("_expected")).fill_null(False).alias("_exact")) \
        .sort([*keys, "_exact", "line"], descending=[*([False] * len(keys)), True, False], nulls_last=True) \
        .with_columns((pl.int_range(pl.len()).over(keys) + 1).alias("occurrence"),
                      pl.col("line").first().over(keys).alias("first_line")) \
        .drop("_expected", "_exact").sort("line")
    return ranked.filter(pl.col("occurrence") == 1), ranked.filter(pl.col("occurrence") > 1)


def _causes(frame: pl.DataFrame, cause: Cause) -> pl.DataFrame:
    """The likely cause of each distinct discount difference (a handful of pairs, whatever the size)."""
    pairs = frame.filter(pl.col("expected_discount_n").is_not_null() & pl.col("billed_discount_n").is_not_null()
                         & (pl.col("expected_discount_n") != pl.col("billed_discount_n"))) \
        .select("expected_discount_n", "billed_discount_n", "rule").unique()
    rows = [{**p, "cause": cause(p["expected_discount_n"], p["billed_discount_n"], p["rule"])} for p in pairs.to_dicts()]
    return pl.DataFrame(rows, schema={"expected_discount_n": pl.Int32, "billed_discount_n": pl.Int32,
                                      "rule": pl.String, "cause": pl.String})


def statement(ledger: pl.DataFrame, table: pl.DataFrame, month: str, today: date, cause: Cause) -> pl.DataFrame:
    """A Fresh-family statement of ``month`` (``table``, from statements.read) against the ledger."""
    document = table.select(
        "line", pl.col("subscription").alias("reference"), pl.col("tariff").alias("billed_tariff"),
        pl.col("period_start").alias("billed_start"), pl.col("period_end").alias("billed_end"),
        pl.col("retail").alias("billed_retail"), pl.col("discount_percent").alias("billed_discount_n"),
        pl.col("amount").alias("billed"))
    firsts, again = _occurrences(document, ["reference"], ledger)
    ledger = ledger.rename({"expected_discount": "expected_discount_n"})
    joined = ledger.join(firsts, on="reference", how="full", coalesce=True)
    joined = joined.join(_causes(joined, cause), on=["expected_discount_n", "billed_discount_n", "rule"], how="left")
    known, billed = pl.col("subscription_id").is_not_null(), pl.col("line").is_not_null()
    same = {"amount": pl.col("expected") == pl.col("billed"),
            "retail": pl.col("expected_retail") == pl.col("billed_retail"),
            "discount": pl.col("expected_discount_n") == pl.col("billed_discount_n"),
            "period": (pl.col("expected_start") == pl.col("billed_start")) & (pl.col("expected_end") == pl.col("billed_end")),
            "tariff": pl.col("tariff") == pl.col("billed_tariff")}  # the catalog's own name on both sides
    agrees = pl.all_horizontal(list(same.values()))
    category = pl.when(known & billed & agrees).then(pl.lit("matched")) \
        .when(known & billed).then(pl.lit("amount_mismatch")) \
        .when(known).then(pl.lit("missing_in_statement")).otherwise(pl.lit("unexpected_in_statement"))
    def unless(ok: pl.Expr, *parts: pl.Expr) -> pl.Expr:
        return pl.when(ok).then(pl.lit("")).otherwise(pl.concat_str(list(parts)))

    mismatch = pl.concat_str([
        pl.when(same["amount"]).then(pl.lit("billed the expected ") + _text(pl.col("billed")) + pl.lit(", but"))
        .otherwise(pl.lit("billed ") + _text(pl.col("billed")) + pl.lit(" instead of ") + _text(pl.col("expected")) + pl.lit(":")),
        unless(same["retail"], pl.lit(" retail "), _text(pl.col("billed_retail")), pl.lit(" (the hub "),
               _text(pl.col("expected_retail")), pl.lit(");")),
        unless(same["discount"], pl.lit(" discount "), _text(pl.col("billed_discount_n")), pl.lit("% (the hub "),
               _text(pl.col("expected_discount_n")), pl.lit("%, "), _text(pl.col("rule"), "no discount rule"), pl.lit(");")),
        unless(same["period"], pl.lit(" period "), _text(pl.col("billed_start")), pl.lit("–"), _text(pl.col("billed_end")),
               pl.lit(" (the hub "), _text(pl.col("expected_start")), pl.lit("–"), _text(pl.col("expected_end")), pl.lit(");")),
        unless(same["tariff"], pl.lit(" tariff «"), _text(pl.col("billed_tariff")), pl.lit("» (the hub «"),
               _text(pl.col("tariff")), pl.lit("»);")),
    ]).str.strip_suffix(";") + _note(pl.col("cause")) + _note(pl.col("order_note"))
    due = pl.col("due_on") > pl.lit(today)
    missing = pl.concat_str([
        pl.lit("not on the statement of "), pl.lit(month), pl.lit(": expected "), _text(pl.col("expected")),
        pl.lit(" for "), _text(pl.col("tariff")),
        pl.when(due).then(pl.lit(" — not due yet: the invoice falls due ") + _text(pl.col("due_on")))
        .otherwise(pl.lit(" — it fell due ") + _text(pl.col("due_on")) + pl.lit("; ask the provider why it is not billed"))])
    unexpected = pl.concat_str([
        pl.lit("billed "), _text(pl.col("billed")), pl.lit(" for subscription "), _text(pl.col("reference")),
        pl.lit(" ("), _text(pl.col("billed_tariff")), pl.lit("), which the hub did not sell: made in the provider's "
                                                           "cabinet by hand, or another partner's")])
    lines = joined.with_columns(
        category.alias("category"), pl.lit(month).alias("month"),
        pl.col("expected_discount_n").cast(pl.String).alias("expected_discount"),
        pl.col("billed_discount_n").cast(pl.String).alias("billed_discount"))
    agreed = lines.filter(pl.col("category") == "matched").with_columns(pl.lit("as expected").alias("reason"))
    differing = lines.filter(pl.col("category") != "matched").with_columns(  # reasons only where they say something
        pl.when(pl.col("category") == "amount_mismatch").then(mismatch)
        .when(pl.col("category") == "missing_in_statement").then(missing).otherwise(unexpected).alias("reason"),
        pl.when(pl.col("category") == "missing_in_statement").then(pl.lit("FR-PRICE-02"))
        .otherwise(pl.col("rule")).alias("rule"))
    return pl.concat([_shaped(agreed), _shaped(differing), _duplicates(again, ledger, month)], how="vertical")


def _duplicates(again: pl.DataFrame, ledger: pl.DataFrame, month: str) -> pl.DataFrame:
    known = ledger.select("reference", "subscription_id", "expected", "expected_retail", "expected_discount_n", "rule")
    dup = again.join(known, on="reference", how="left").with_columns(
        pl.lit("duplicate").alias("category"), pl.lit(month).alias("month"),
        pl.concat_str([pl.lit("billed again for "), _text(pl.col("reference")), pl.lit(": the same subscription is on line "),
                       _text(pl.col("first_line")), pl.lit("; dispute "), _text(pl.col("billed"))]).alias("reason"),
        pl.col("expected_discount_n").cast(pl.String).alias("expected_discount"),
        pl.col("billed_discount_n").cast(pl.String).alias("billed_discount"),
        pl.lit(None, pl.String).alias("rule"), pl.lit(None, MONEY).alias("expected"))
    return _shaped(dup)


def agent_report(ledger: pl.DataFrame, report: pl.DataFrame, not_attributed: Collection[str],
                 months: Collection[str] = ()) -> pl.DataFrame:
    """A Rarus agent report against the ledger; ``not_attributed``: logins the cabinet does not attribute;
    ``months``: the quarter's, to tell a line of another period from a client the hub does not know."""
    document = report.select("line", pl.col("login").alias("reference"), "month",
                             pl.col("amount_paid").alias("billed_retail"), pl.col("fee").alias("billed"))
    firsts, again = _occurrences(document, ["reference", "month"], ledger)
    joined = ledger.join(firsts, on=["reference", "month"], how="full", coalesce=True)
    known, billed = pl.col("subscription_id").is_not_null(), pl.col("line").is_not_null()
    outsider = pl.col("reference").is_in(list(not_attributed))
    billed_rate = pl.when(pl.col("billed_retail") > 0).then(
        (pl.col("billed").cast(pl.Float64) * 100 / pl.col("billed_retail").cast(pl.Float64)).round(2))
    category = pl.when(known & billed & (pl.col("expected_retail") != pl.col("billed_retail"))).then(pl.lit("amount_mismatch")) \
        .when(known & billed & (pl.col("expected") != pl.col("billed"))).then(pl.lit("fee_rate_mismatch")) \
        .when(known & billed).then(pl.lit("matched")) \
        .when(known & ~pl.col("paid")).then(pl.lit("month_not_paid")) \
        .when(known & outsider).then(pl.lit("not_attributed")) \
        .when(known).then(pl.lit("missing_in_statement")).otherwise(pl.lit("unexpected_in_statement"))
    who = pl.concat_str([_text(pl.col("reference")), pl.lit(", "), _text(pl.col("month"))])
    reasons = {
        "matched": pl.lit("as expected"),
        "amount_mismatch": pl.concat_str([who, pl.lit(": the client paid "), _text(pl.col("billed_retail")),
                                          pl.lit(" by the report, the hub's price "), _text(pl.col("expected_retail")),
                                          pl.lit(" (RA-BILL-01/02: a change, or a part month)"), _note(pl.col("order_note"))]),
        "fee_rate_mismatch": pl.concat_str([who, pl.lit(": fee "), _text(pl.col("billed")), pl.lit(" is "),
                                            _text(billed_rate), pl.lit("% of "), _text(pl.col("billed_retail")),
                                            pl.lit("; the partner's rate is "), _text(pl.col("fee_rate")),
                                            pl.lit("% = "), _text(pl.col("expected")),
                                            pl.lit(" (RA-COMM-01: check the sub-agent contract and the rate in the "
                                                   "partner profile)")]),
        "month_not_paid": pl.concat_str([who, pl.lit(": the client has not paid this month's invoice; no fee accrues "
                                                     "until it does (RA-COMM-01): then "), _text(pl.col("expected"))]),
        "not_attributed": pl.concat_str([who, pl.lit(": the cabinet does not attribute this client to the partner — "
                                                     "it registered through the provider's site (RA-ONB-06); no fee")]),
        "missing_in_statement": pl.concat_str([who, pl.lit(": paid "), _text(pl.col("expected_retail")),
                                               pl.lit(", a fee of "), _text(pl.col("expected")),
                                               pl.lit(" expected, not in the report; ask the provider")]),
        "unexpected_in_statement": pl.when(pl.col("month").is_in(list(months)) | pl.lit(not months)).then(
            pl.concat_str([who, pl.lit(": a fee of "), _text(pl.col("billed")),
                           pl.lit(" for a client the hub did not convert (the cabinet's own)")])).otherwise(
            pl.concat_str([who, pl.lit(": the month is outside "), pl.lit(", ".join(sorted(months))),
                           pl.lit(" — is it the report of this quarter?")])),
    }
    reason = pl.when(pl.lit(False)).then(pl.lit(None, pl.String))
    for name, text in reasons.items():
        reason = reason.when(pl.col("category") == name).then(text)
    rules = {"not_attributed": "RA-ONB-06", "fee_rate_mismatch": "RA-COMM-01", "month_not_paid": "RA-COMM-01",
             "amount_mismatch": "RA-BILL-01"}
    rule = pl.col("category").replace_strict(rules, default=pl.col("rule"), return_dtype=pl.String)
    lines = joined.with_columns(category.alias("category")).with_columns(
        reason.alias("reason"), rule.alias("rule"), pl.col("fee_rate").alias("expected_discount"),
        billed_rate.cast(pl.String).alias("billed_discount")).with_columns(  # an unpaid month's fee is not owed yet
        pl.when(pl.col("category") == "month_not_paid").then(None).otherwise(pl.col("expected")).alias("expected"))
    dup = again.with_columns(
        pl.lit("duplicate").alias("category"), pl.lit(None, pl.String).alias("subscription_id"),
        pl.concat_str([who, pl.lit(": reported again (first on line "), _text(pl.col("first_line")), pl.lit(")")]).alias("reason"),
        pl.lit(None, pl.String).alias("rule"), pl.lit(None, MONEY).alias("expected"),
        pl.lit(None, MONEY).alias("expected_retail"), pl.lit(None, pl.String).alias("expected_discount"),
        pl.lit(None, pl.String).alias("billed_discount"))
    return pl.concat([_shaped(lines), _shaped(dup)], how="vertical")


def _shaped(frame: pl.DataFrame) -> pl.DataFrame:
    present = [pl.col(c).cast(t) if c in frame.columns else pl.lit(None, t).alias(c) for c, t in LINES.items()]
    return frame.select(present)


def summary(lines: pl.DataFrame) -> dict[str, dict[str, object]]:
    grouped = lines.group_by("category").agg(pl.len().alias("count"), pl.col("expected").sum().alias("expected"),
                                             pl.col("billed").sum().alias("billed"))
    found = {r["category"]: r for r in grouped.to_dicts()}
    return {c: {"count": found[c]["count"], "expected": found[c]["expected"], "billed": found[c]["billed"]}
            for c in CATEGORIES if c in found}
