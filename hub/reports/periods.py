"""The calendar months a report is asked for: "2026-11" → its first day, within the dates the hub accepts."""
from __future__ import annotations

from datetime import date

from pricing.fields import DATE_RANGE

from hub.core.exceptions import InvalidField


def first_of(month: str, field: str = "month") -> date:
    try:
        first = date.fromisoformat(f"{month}-01")
    except ValueError:
        raise InvalidField(field, "a month as YYYY-MM, e.g. 2026-11") from None
    if not DATE_RANGE[0] <= first <= DATE_RANGE[1]:
        raise InvalidField(field, f"a month from {DATE_RANGE[0]:%Y-%m} to {DATE_RANGE[1]:%Y-%m}")
    return first
