"""The bounded field types of every request: one place says how long a text, how large an amount,
how far a date may be. The hub's input guard enforces the bounds that msgspec's Meta cannot state
(amounts, percentages, dates); msgspec enforces the rest while decoding.

- ``line(n)``: one line of at most ``n`` characters, no control characters (names, codes, e-mails):
  a value that lands in a composed e-mail can never add a line to it.
- ``text(n)``: free text of at most ``n`` characters; line breaks and tabs allowed, other control
  characters not.
- ``Amount``: money as a decimal string ("38652.00"): finite, at most two fractional digits,
  0 … 999 999 999 999.99. A JSON float is refused (the hub's guard refuses floats anywhere).
- ``Percent``: 0 … 100, at most two fractional digits.
- Every date of a request lies in ``DATE_RANGE`` (2000-01-01 … 2099-12-31).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from msgspec import Meta

# one line: no C0/C1 controls, DEL, or Unicode line/paragraph separators
NO_CONTROL = r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029]*$"
# free text: line breaks and tabs allowed, other controls (C1 and NEL included) not
NO_CONTROL_BUT_BREAKS = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]*$"

AMOUNT_MAX = Decimal("999999999999.99")
DATE_RANGE = (date(2000, 1, 1), date(2099, 12, 31))


def line(max_length: int, min_length: int = 0, description: str | None = None) -> Any:
    """One line of text (no control characters), at most ``max_length`` characters."""
    return Annotated[str, Meta(min_length=min_length, max_length=max_length, pattern=NO_CONTROL,
                               description=description)]


def text(max_length: int, description: str | None = None) -> Any:
    """Free text: line breaks allowed, at most ``max_length`` characters."""
    return Annotated[str, Meta(max_length=max_length, pattern=NO_CONTROL_BUT_BREAKS, description=description)]


def bounded_decimal(low: Decimal, high: Decimal, description: str) -> Any:
    """A decimal the guard checks: finite, at most two fractional digits, within [low, high]."""
    return Annotated[Decimal, Meta(description=description, extra={"min": str(low), "max": str(high), "places": 2})]


Amount = bounded_decimal(Decimal(0), AMOUNT_MAX, "money as a decimal string, e.g. \"38652.00\": at most two "
                                                 "fractional digits, 0 to 999999999999.99")
Percent = bounded_decimal(Decimal(0), Decimal(100), "a percentage as a decimal string, 0 to 100, e.g. \"20\"")

Code = line(50)  # tariff codes, configuration and option ids, partner codes
Name = line(300, min_length=1)
Email = line(320, min_length=3)
Comment = text(2000)
Id = line(36)  # the hub's ids (UUIDs)
MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
Month = Annotated[str, Meta(pattern=MONTH, description="a month, YYYY-MM")]

# what a pattern means, for error messages people read (msgspec names only the regex)
PATTERN_MEANINGS = {
    NO_CONTROL: "one line: no line breaks, tabs or other control characters",
    NO_CONTROL_BUT_BREAKS: "no control characters other than line breaks and tabs",
    MONTH: "a month as YYYY-MM",
}
