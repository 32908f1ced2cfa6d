"""What 1С-Рарус invoices the customer: one rule for the provider's sandbox, the quotes and the hub's previews.

- RA-BILL-01: the first invoice runs in whole calendar months; a request in the second half of a month
  runs to the end of the next month (20.10.21, 1 month → 20.10.21–30.11.21). Monthly payers get the next
  month's invoice on the 20th.
- RA-BILL-02: a paying customer's rise is a surcharge for the rest of the paid period, applied after payment;
  a fall is credited as an advance for later periods; a trial's change is free.

The manual gives whole-month periods but no rule for the part month a period starts with; it is charged
by its days (**unverified**).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .money import round_minor
from .periods import add_months, calendar_month_invoice_period, month_key

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class RarusInvoice:
    """An invoice's period and what each calendar month of it costs; ``amount`` < 0 is an advance."""

    start: date
    end: date
    months: dict[str, Decimal]

    @property
    def amount(self) -> Decimal:
        return sum(self.months.values(), ZERO)


def month_shares(start: date, end: date, monthly: Decimal) -> dict[str, Decimal]:
    """What each calendar month of [start, end] costs at ``monthly``: a whole month in full, a part month
    by its days (unverified), each rounded half-up to kopecks."""
    shares: dict[str, Decimal] = {}
    day = start
    while day <= end:
        days_in_month = calendar.monthrange(day.year, day.month)[1]
        last = min(end, day.replace(day=days_in_month))
        covered = (last - day).days + 1
        shares[month_key(day)] = round_minor(monthly if covered == days_in_month else monthly * covered / days_in_month)
        day = last + timedelta(days=1)
    return shares


def period_invoice(start: date, end: date, monthly: Decimal) -> RarusInvoice:
    return RarusInvoice(start, end, month_shares(start, end, monthly))


def first_invoice(requested_on: date, months: int, monthly: Decimal) -> RarusInvoice:
    """RA-BILL-01: the conversion invoice for ``months`` months asked for on ``requested_on``."""
    start, end = calendar_month_invoice_period(requested_on, months)
    return period_invoice(start, end, monthly)


def renewal_invoice(paid_through: date, monthly: Decimal) -> RarusInvoice:
    """RA-BILL-01: the next month's invoice of a monthly payer (sent on the 20th)."""
    start = paid_through + timedelta(days=1)
    return period_invoice(start, add_months(start, 1) - timedelta(days=1), monthly)


def change_invoice(today: date, paid_through: date, old_monthly: Decimal, new_monthly: Decimal) -> RarusInvoice:
    """RA-BILL-02: a paying customer's change from ``old_monthly`` to ``new_monthly``, over the rest of the
    paid period [today, paid_through]: a surcharge when ``amount`` > 0, an advance when < 0."""
    return period_invoice(today, paid_through, new_monthly - old_monthly)
