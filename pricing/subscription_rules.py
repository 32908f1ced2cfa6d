"""Rules of a Fresh-family subscription that both the hub and the provider sandboxes apply, written once
(RULES §3). Pure: each answers a question about dates, tariffs and amounts; the caller words its own refusal.

    PROMISED_PAYMENT_DAYS                 FAM-SUB-07: the promised week the next paid period pays back
    downgrade_blocked                     FAM-SUB-10: no lower tariff while the current one runs
    shortens, shortest, shortened         FAM-SUB-10/11: a помесячно subscription shortened by whole months
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from .catalog import Tariff
from .periods import months_charged, period_end

PROMISED_PAYMENT_DAYS = 7  # FAM-SUB-07


def downgrade_blocked(current: Tariff | None, current_start: date, current_end: date, new: Tariff, start: date, *,
                      decided_on: date | None = None, current_monthly: bool | None = None) -> bool:
    """FAM-SUB-10: whether ``new`` from ``start`` is a downgrade of the main subscription ``current``
    (``current_start``–``current_end``) that must wait until that one ends.

    A lower tariff of the line it replaces is blocked while the current one still runs on ``decided_on``: by
    default the new start (the provider: it may start only after the end), or the day of ordering (the hub: it is
    ordered only once the current one has ended, so not as a renewal after it either). A помесячно subscription
    (``current_monthly``, by default the tariff's) is never in the way: it may be shortened first. An unknown
    current tariff (None) blocks nothing."""
    if current is None:
        return False
    monthly = current.monthly if current_monthly is None else current_monthly
    running = current_start <= start and (start if decided_on is None else decided_on) <= current_end
    return running and not monthly and new.replaces(current) and new.level < current.level


def shortens(monthly: bool, months_charged_now: int, months: int | str | None, *, other_changes: bool = False) -> bool:
    """FAM-SUB-10: whether a correction to ``months`` (a whole number, or its text) is a помесячно subscription
    shortened by whole months — nothing else about it changes (``other_changes``: a new start, a cancellation)."""
    return monthly and not other_changes and months is not None and int(months) < months_charged_now


def shortest(start: date, today: date) -> int:
    """FAM-SUB-11: the months of a subscription from ``start`` that have started by ``today`` — each billed in
    full, so the fewest it may be shortened to (at least one)."""
    return months_charged(start, max(today, start))


def shortened(start: date, months: int, partner_monthly: Decimal | None) -> tuple[date, Decimal | None]:
    """FAM-SUB-10/11: the new end of a subscription from ``start`` shortened to ``months``, and the partner's
    amount for them (equal monthly parts; None when it is not priced monthly)."""
    return period_end(start, months), None if partner_monthly is None else partner_monthly * months
