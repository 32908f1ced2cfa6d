"""Numbers and dates for Russian readers (babel): 38 652,00 ₽, 110 000,00 ₸, 12.07.2026 — the pages' filters."""
from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from decimal import Decimal
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal, get_currency_symbol

from pricing import MOSCOW

LOCALE = "ru_RU"
RUSSIAN = ("ru_RU", "ru_KZ", "ru_BY", "ru_KG")  # Russian as read where each currency is at home (₽, ₸, …)


@lru_cache(maxsize=32)
def _money_locale(currency: str) -> str:
    """The Russian locale that writes ``currency`` with its sign rather than its code (the tenge: ru_KZ)."""
    return next((loc for loc in RUSSIAN if get_currency_symbol(currency, loc) != currency), LOCALE)


def money(amount: Any, currency: str) -> str:
    if amount is None or amount == "":
        return "—"
    return format_currency(Decimal(str(amount)), currency, locale=_money_locale(currency))


def number(value: Any) -> str:
    return "—" if value is None else format_decimal(value, locale=LOCALE)


def day(value: Any) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return format_date(value, "dd.MM.yyyy", locale=LOCALE)


def moment(value: Any) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return format_datetime(value.astimezone(MOSCOW), "dd.MM.yyyy HH:mm", locale=LOCALE)


FILTERS = {"money": money, "number": number, "day": day, "moment": moment}
