"""The ledger of expectations: from the hub's own records, what the provider should bill (Fresh family,
per month) or pay (Rarus agent fee, per quarter), each with why the hub expects it.

- Fresh family: every subscription the provider confirmed, in the month(s) its invoice falls in
  (pricing/invoicing.py: FR-PRICE-02, FK-PRICE-01/02, MED-PRICE-01), at the partner amount the hub priced —
  the whole amount for a regular tariff, one part a month for a помесячно one — with its retail, discount
  and the discount rule applied (FR-DISC-0x, FK-DISC-01, MED-DISC-01). Add-ons, upgrades and renewals are
  subscriptions of their own; a correction has replaced the figures of the one it corrected.
- Rarus: every paid month of a client the hub converted, at the monthly price it priced (RA-BILL-01, part
  months by their days), and the agent fee at the partner's stored rate (RA-COMM-01). A client whose
  invoice is still unpaid is expected as "not paid" (no fee accrues).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pricing import Money
from pricing.invoicing import invoiced_months
from pricing.rarus_invoices import month_shares

from hub.core.db.models import Enrollment, Subscription
from hub.reconciliation.periods import Period
from hub.reconciliation.statements import MONEY

STATEMENT_LEDGER = {"subscription_id": pl.String, "reference": pl.String, "tariff": pl.String, "kind": pl.String,
                "month": pl.String, "due_on": pl.Date, "expected_start": pl.Date, "expected_end": pl.Date, "expected_retail": MONEY, "expected_discount": pl.Int32,
                "expected": MONEY, "rule": pl.String, "order_note": pl.String}
AGENT_REPORT_LEDGER = {"subscription_id": pl.String, "reference": pl.String, "month": pl.String, "paid": pl.Boolean,
                "expected_retail": MONEY, "expected_discount": pl.Int32, "expected": MONEY,
                "fee_rate": pl.String, "rule": pl.String, "order_note": pl.String}


def _discount_rule(rules: Iterable[str]) -> str | None:
    found = sorted(r for r in rules or () if "-DISC-" in r)
    return ", ".join(found) or None


def _order_note(row: Subscription) -> str | None:
    """The order-time discrepancies (hub/subscriptions/agreement.py) — they show again in the reconciliation."""
    found = row.discrepancies or []
    if not found:
        return None
    return "; ".join(f"at order time the provider confirmed {d.get('field')} {d.get('provider')} "
                     f"(the hub {d.get('expected')})" for d in found)


async def statement(session: AsyncSession, partner_id: str, provider: str, period: Period) -> pl.DataFrame:
    rows = await session.scalars(select(Subscription).where(
        Subscription.partner_id == partner_id, Subscription.provider == provider,
        Subscription.provider_number.is_not(None), Subscription.status == "active").order_by(Subscription.created_at))
    found: list[dict[str, Any]] = []
    for row in rows:
        monthly = row.partner_monthly is not None
        first_due = row.invoice_due or row.start
        months = invoiced_months(first_due, monthly, row.months_charged)
        if period.key not in months:
            continue
        due_on = first_due if not monthly else max(first_due, date.fromisoformat(period.key + "-01"))
        found.append({"subscription_id": row.id, "reference": row.provider_number, "tariff": row.tariff,
                      "kind": row.kind, "month": period.key, "due_on": due_on, "expected_start": row.start,
                      "expected_end": row.end, "expected_retail": row.retail,
                      "expected_discount": row.discount_percent,
                      "expected": row.partner_monthly if monthly else row.partner_cost,
                      "rule": _discount_rule(row.rules), "order_note": _order_note(row)})
    return pl.DataFrame(found, schema=STATEMENT_LEDGER)


async def agent_report(session: AsyncSession, partner_id: str, provider: str, period: Period,
                fee_percent: Decimal | None) -> pl.DataFrame:
    logins = dict((await session.execute(select(Enrollment.customer_id, Enrollment.account).where(
        Enrollment.partner_id == partner_id, Enrollment.provider == provider,
        Enrollment.account.is_not(None)))).all())
    rows = await session.scalars(select(Subscription).where(
        Subscription.partner_id == partner_id, Subscription.provider == provider,
        Subscription.status.in_(("active", "awaiting_payment"))).order_by(Subscription.created_at))
    found: list[dict[str, Any]] = []
    rate = fee_percent if fee_percent is not None else Decimal(0)
    for row in rows:
        login = logins.get(row.customer_id)
        if login is None or row.kind != "conversion":  # a change's months: not yet (see the package)
            continue
        for month, paid_amount in month_shares(row.start, row.end, row.customer_price).items():
            if month not in period.months:
                continue
            fee = Money(paid_amount, row.currency).percent(rate).amount
            found.append({"subscription_id": row.id, "reference": login, "month": month,
                          "paid": row.status == "active", "expected_retail": paid_amount,
                          "expected_discount": None, "expected": fee, "fee_rate": str(rate),
                          "rule": "RA-COMM-01", "order_note": _order_note(row)})
    return pl.DataFrame(found, schema=AGENT_REPORT_LEDGER)


__all__ = ["AGENT_REPORT_LEDGER", "STATEMENT_LEDGER", "agent_report", "statement"]
