"""Which months the provider invoices the partner for a Fresh-family subscription: one rule for the
sandboxes' statements and the hub's reconciliation.

- Regular tariffs: once, in the month of the invoice date (FR-PRICE-02: by the 15th of the month after
  creation; MED-PRICE-01: by the 10th; FK-PRICE-01: the month after), the whole partner amount.
- Помесячно tariffs: one part a month for the months charged, from the month the first invoice falls in
  (FR-PRICE-02: the start month; FK-PRICE-02: the month after the start).
"""
from __future__ import annotations

from datetime import date

from .periods import add_months, month_key


def invoiced_months(first_due: date, monthly: bool, months_charged: int) -> list[str]:
    """The months ("2026-12") a subscription appears on the partner's statement, given its first invoice
    date (``invoice_due`` of the engine's price)."""
    if not monthly:
        return [month_key(first_due)]
    first = first_due.replace(day=1)
    return [month_key(add_months(first, i)) for i in range(max(months_charged, 1))]
