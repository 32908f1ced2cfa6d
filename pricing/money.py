"""Money: an exact Decimal amount with its currency.

Rounding happens in exactly one place, :func:`round_minor`: half-up to the
currency's minor unit (kopecks for RUB, tiyn for KZT). Floats are refused.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from babel.numbers import format_currency


class Currency(StrEnum):
    RUB = "RUB"
    KZT = "KZT"


MINOR_UNIT = Decimal("0.01")  # both RUB and KZT have two minor digits
HUNDRED = Decimal(100)


def round_minor(amount: Decimal) -> Decimal:
    """The single rounding rule of the hub: half-up to the minor unit."""
    return amount.quantize(MINOR_UNIT, rounding=ROUND_HALF_UP)


def _as_decimal(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float):
        raise TypeError("money is never a float; pass a Decimal, int or str")
    return value if isinstance(value, Decimal) else Decimal(value)


@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: Currency

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", _as_decimal(self.amount))
        object.__setattr__(self, "currency", Currency(self.currency))

    @classmethod
    def zero(cls, currency: Currency | str) -> Money:
        return cls(Decimal(0), Currency(currency))

    @staticmethod
    def _trusted(amount: Decimal, currency: Currency) -> Money:
        """A result of arithmetic on checked Money: already a Decimal and a Currency, so not checked again
        (the check was a third of the engine's time, issue 15)."""
        money = object.__new__(Money)
        object.__setattr__(money, "amount", amount)
        object.__setattr__(money, "currency", currency)
        return money

    def _same(self, other: Money) -> None:
        if other.currency is not self.currency and other.currency != self.currency:
            raise ValueError(f"cannot mix {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money._trusted(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money._trusted(self.amount - other.amount, self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        return Money._trusted(self.amount * _as_decimal(factor), self.currency)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def divided(self, parts: int) -> Money:
        """An equal part, rounded (e.g. a monthly figure of a period price)."""
        return Money._trusted(round_minor(self.amount / parts), self.currency)

    def percent(self, percent: int | Decimal) -> Money:
        """``percent`` % of this amount, rounded."""
        return Money._trusted(round_minor(self.amount * _as_decimal(percent) / HUNDRED), self.currency)

    def less_percent(self, percent: int | Decimal) -> Money:
        """This amount less a discount of ``percent`` %, rounded."""
        return Money._trusted(round_minor(self.amount * (HUNDRED - _as_decimal(percent)) / HUNDRED), self.currency)

    def rounded(self) -> Money:
        return Money._trusted(round_minor(self.amount), self.currency)

    def __str__(self) -> str:
        return str(round_minor(self.amount))

    def display(self, locale: str = "ru_RU") -> str:
        """Human form for pages and reports, e.g. ``38 652,00 ₽``."""
        return format_currency(self.amount, str(self.currency), locale=locale)


def total(items: list[Money], currency: Currency | str) -> Money:
    result = Money.zero(currency)
    for item in items:
        result = result + item
    return result
