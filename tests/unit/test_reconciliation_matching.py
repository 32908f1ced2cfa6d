"""The columnar core of reconciliation (issue 12), without storage: every line in exactly one category."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import polars as pl
import pytest

from hub.core.exceptions import InvalidField
from hub.reconciliation import ledger, matching, periods
from hub.reconciliation.explain import discount_cause
from hub.reconciliation.statements import AGENT_REPORT, STATEMENT, read
from hub.reconciliation.totals import totals
from pricing import load_catalogs

CATALOGS = load_catalogs()
HEADER = "subscription;subscriber;tariff;period_start;period_end;retail;discount_percent;amount\n"


def expectation(ref: str, discount: int, amount: str, due: date = date(2027, 1, 15), rule: str = "FR-DISC-03") -> dict:
    return {"subscription_id": f"s{ref}", "reference": ref, "tariff": "ПРОФ", "kind": "main", "month": "2027-01",
            "due_on": due, "expected_start": date(2027, 1, 1), "expected_end": date(2027, 12, 31), "expected_retail": D("38652.00"), "expected_discount": discount, "expected": D(amount),
            "rule": rule, "order_note": None}


def test_each_statement_line_lands_in_exactly_one_category_fr_price_02():
    expected = pl.DataFrame([expectation("1", 50, "19326.00"), expectation("2", 65, "13528.20", rule="FR-DISC-04"),
                             expectation("3", 50, "19326.00", due=date(2027, 1, 15))], schema=ledger.STATEMENT_LEDGER)
    statement = read((HEADER + "1;48;ПРОФ;2027-01-01;2027-12-31;38652.00;50;19326.00\n"
                               "2;48;ПРОФ;2027-01-01;2027-12-31;38652.00;60;15460.80\n"
                               "1;48;ПРОФ;2027-01-01;2027-12-31;38652.00;50;19326.00\n"
                               "9;48;ПРОФ;2027-01-01;2027-12-31;38652.00;50;19326.00\n").encode(), STATEMENT)
    lines = matching.statement(expected, statement, "2027-01", date(2027, 1, 10), discount_cause(CATALOGS["fresh_ru"]))
    got = {(r["reference"], r["line"]): r["category"] for r in lines.to_dicts()}
    assert got == {("1", 2): "matched", ("2", 3): "amount_mismatch", ("1", 4): "duplicate",
                   ("9", 5): "unexpected_in_statement", ("3", None): "missing_in_statement"}
    reasons = {r["category"]: r["reason"] for r in lines.to_dicts()}
    assert "not due yet: the invoice falls due 2027-01-15" in reasons["missing_in_statement"]
    assert "not a new customer's first subscription (FR-DISC-04)" in reasons["amount_mismatch"]
    sums = totals(lines, expected, pays_partner=False)
    assert sums["expected"] == D("52180.20") and sums["billed"] == D("73438.80")
    assert sums["dispute"] == D("15460.80") - D("13528.20") + D("19326.00") * 2  # excess, duplicate, unexpected


@pytest.mark.parametrize("wrong_first", [True, False])
def test_the_line_billing_what_was_expected_is_matched_wherever_it_stands_fr_price_02(wrong_first):
    """Two lines for one subscription, one right and one at 60%: the right one is matched and the other is the
    duplicate to dispute (15460.80) — in either order. Before, the first line was taken, so the wrong one
    first made the right one the duplicate and asked to dispute 19326.00 of a 15460.80 overbilling."""
    expected = pl.DataFrame([expectation("1", 50, "19326.00")], schema=ledger.STATEMENT_LEDGER)
    right, wrong = "1;48;ПРОФ;2027-01-01;2027-12-31;38652.00;50;19326.00\n", "1;48;ПРОФ;2027-01-01;2027-12-31;38652.00;60;15460.80\n"
    statement = read((HEADER + (wrong + right if wrong_first else right + wrong)).encode(), STATEMENT)
    lines = matching.statement(expected, statement, "2027-01", date(2027, 1, 10), discount_cause(CATALOGS["fresh_ru"]))
    got = {r["category"]: r["billed"] for r in lines.to_dicts()}
    assert got == {"matched": D("19326.00"), "duplicate": D("15460.80")}
    assert totals(lines, expected, pays_partner=False)["dispute"] == D("15460.80")


@pytest.mark.parametrize(("expected", "billed", "says"), [
    (65, 50, "the raised discount (FR-DISC-04) was not applied"),
    (50, 20, "without ЦСК status (FR-DISC-01)"),
    (50, 30, "industry applications (FR-DISC-02)"),
    (50, 65, "the new-customer tier (FR-DISC-04)"),
    (50, 47, "no discount tier of the"),
])
def test_the_likely_cause_of_a_discount_difference_reads_the_catalogs_tiers(expected, billed, says):
    assert says in discount_cause(CATALOGS["fresh_ru"])(expected, billed, "FR-DISC-03")


def test_rarus_lines_fee_rate_not_attributed_and_not_paid_ra_comm_01_ra_onb_06():
    def row(login: str, paid: bool = True) -> dict:
        return {"subscription_id": f"s-{login}", "reference": login, "month": "2026-12", "paid": paid,
                "expected_retail": D("2460.00"), "expected_discount": None, "expected": D("492.00"),
                "fee_rate": "20", "rule": "RA-COMM-01", "order_note": None}

    expected = pl.DataFrame([row("ours"), row("cut"), row("site"), row("unpaid", paid=False)], schema=ledger.AGENT_REPORT_LEDGER)
    report = read(("report_date;login;month;amount_paid;fee\n2026-10-01;ours;2026-12;2460.00;492.00\n"
                   "2026-10-01;cut;2026-12;2460.00;369.00\n2026-10-01;other;2026-12;1230.00;246.00\n").encode(),
                  AGENT_REPORT)
    lines = matching.agent_report(expected, report, not_attributed={"site"})
    got = {r["reference"]: r["category"] for r in lines.to_dicts()}
    assert got == {"ours": "matched", "cut": "fee_rate_mismatch", "site": "not_attributed", "unpaid": "month_not_paid",
                   "other": "unexpected_in_statement"}
    assert totals(lines, expected, pays_partner=True)["dispute"] == D("123.00")  # 492 − 369


def test_a_period_is_a_month_for_a_statement_and_a_quarter_for_an_agent_report():
    assert periods.parse("2026-Q4", quarterly=True).months == ("2026-10", "2026-11", "2026-12")
    assert periods.parse("2026-12", quarterly=False).months == ("2026-12",)
    for text, quarterly in (("2026-12", True), ("2026-Q4", False), ("2026-13", False), ("1999-01", False), ("", False)):
        with pytest.raises(InvalidField) as refused:
            periods.parse(text, quarterly)
        assert refused.value.field == "period"


def test_a_rarus_line_of_another_month_is_named_so_and_an_unpaid_months_fee_is_not_owed_yet():
    unpaid = {"subscription_id": "s-u", "reference": "unpaid", "month": "2026-12", "paid": False,
              "expected_retail": D("2460.00"), "expected_discount": None, "expected": D("492.00"), "fee_rate": "20",
              "rule": "RA-COMM-01", "order_note": None}
    expected = pl.DataFrame([unpaid], schema=ledger.AGENT_REPORT_LEDGER)
    report = read(("report_date;login;month;amount_paid;fee\n2026-10-01;ours;2027-01;0.00;0.00\n").encode(), AGENT_REPORT)
    lines = {r["reference"]: r for r in matching.agent_report(expected, report, set(),
                                                              ("2026-10", "2026-11", "2026-12")).to_dicts()}
    assert "outside 2026-10, 2026-11, 2026-12" in lines["ours"]["reason"] and lines["ours"]["billed_discount"] is None
    assert lines["unpaid"]["category"] == "month_not_paid" and lines["unpaid"]["expected"] is None
    assert "then 492.00" in lines["unpaid"]["reason"]


@pytest.mark.parametrize(("separator", "named"), [(",", "a comma"), ("\t", "a tab")])
def test_a_statement_in_another_csv_dialect_is_refused_naming_the_separator(separator, named):
    with pytest.raises(InvalidField) as refused:
        read((HEADER + "1;48;ПРОФ;2027-01-01;2027-12-31;38652.00;50;19326.00\n").replace(";", separator).encode(), STATEMENT)
    assert f"columns are separated by {named}; the hub reads ';'" in refused.value.message
