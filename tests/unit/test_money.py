from decimal import Decimal

import pytest

from pricing import Currency, Money, round_minor


def test_money_refuses_float():
    with pytest.raises(TypeError):
        Money(1.5, Currency.RUB)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money("1", Currency.RUB) * 1.5  # type: ignore[operator]


def test_rounding_is_half_up_to_kopecks():
    assert round_minor(Decimal("0.005")) == Decimal("0.01")
    assert round_minor(Decimal("2.675")) == Decimal("2.68")
    assert Money("13528.205", "RUB").rounded().amount == Decimal("13528.21")


def test_discount_and_share_round_once():
    retail = Money("38652", Currency.RUB)
    assert retail.less_percent(65).amount == Decimal("13528.20")
    assert retail.percent(20).amount == Decimal("7730.40")
    assert Money("100", "KZT").divided(3).amount == Decimal("33.33")


def test_currencies_do_not_mix():
    with pytest.raises(ValueError):
        Money("1", "RUB") + Money("1", "KZT")


def test_display_uses_locale():
    assert "₽" in Money("38652", "RUB").display()
