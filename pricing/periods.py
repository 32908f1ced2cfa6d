"""Period arithmetic (RULES CAL-03, FAM-SUB-02, FAM-SUB-09, RA-BILL-01).

A period of N months from S ends the day before S + N months; S + N months
clamps to the last day of a shorter month (31 Jan + 1 month = 28/29 Feb).
"""
from __future__ import annotations

import calendar
from datetime import date, timedelta


def add_months(start: date, months: int) -> date:
    """``start`` moved by whole months, clamped to the target month's last day."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last))


def period_end(start: date, months: int) -> date:
    """Last day of an N-month period (FAM-SUB-02: 12.07.2022 + 1 month → 11.08.2022)."""
    if months < 1:
        raise ValueError("a period has at least one month")
    return add_months(start, months) - timedelta(days=1)


def days_period_end(start: date, days: int) -> date:
    """Last day of a period given in days (e.g. a 30-day trial, the 999-day 1С:Касса tariff)."""
    return start + timedelta(days=days - 1)


def months_charged(start: date, end: date) -> int:
    """Months from ``start`` that cover ``end``, a started month counting in full (FAM-SUB-09)."""
    if end < start:
        raise ValueError("the period ends before it starts")
    months = 1
    while period_end(start, months) < end:
        months += 1
    return months


def whole_months(start: date, last: date, cap: int) -> int:
    """How many whole months from ``start`` end by ``last`` (at most ``cap``): the longest period that fits —
    the partner tariff within the franchise contract (FR-SUB-21), an extension within its subscription."""
    months = 0
    while months < cap and period_end(start, months + 1) <= last:
        months += 1
    return months


def month_last_day(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def in_second_half(day: date) -> bool:
    """Whether ``day`` is in the second half of its month (after the middle day)."""
    return day.day > calendar.monthrange(day.year, day.month)[1] // 2


def calendar_month_invoice_period(requested_on: date, months: int) -> tuple[date, date]:
    """RA-BILL-01: whole calendar months; a request in the second half of a month
    is invoiced through the end of the next month (20.10.21, 1 month → 20.10.21–30.11.21)."""
    if months < 1:
        raise ValueError("a period has at least one month")
    extra = months if in_second_half(requested_on) else months - 1
    return requested_on, month_last_day(add_months(requested_on.replace(day=1), extra))


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"
