"""The web pages' small parts (issue 13): Russian formats, where signing in may send the browser back to,
the decoder's messages in Russian, the quote form read as the API's request."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import msgspec
import pytest

from hub.core.exceptions import InvalidField
from hub.core.input_guard import decode_body
from hub.web.auth import safe_next
from hub.web.formatting import day, money
from hub.web.pages import refusal_text
from hub.web.quote import _Form, need_of
from pricing import QuoteRequest


def test_money_and_dates_read_as_a_russian_reader_expects():
    assert money(Decimal("38652"), "RUB") == "38\xa0652,00\xa0₽"
    assert money("110000.00", "KZT") == "110\xa0000,00\xa0₸"
    assert day(date(2026, 7, 12)) == day("2026-07-12") == "12.07.2026"
    assert money(None, "RUB") == day(None) == "—"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil", "", None, "javascript:x"])
def test_signing_in_never_sends_the_browser_to_another_site(target):
    assert safe_next(target) == "/"


def test_signing_in_returns_to_a_page_of_this_site():
    assert safe_next("/customers/abc?q=1") == "/customers/abc?q=1"


def test_the_decoders_messages_are_shown_in_russian_with_their_field():
    assert refusal_text(InvalidField("months", "Expected `int`, got `str`")) == "нужно целое число (поле «Срок, мес.»)"
    assert refusal_text(InvalidField("seat_plan[0].users", "Expected `int` >= 1")) == \
        "не меньше 1 (поле «Пользователи, строка 1»)"
    assert refusal_text(InvalidField("inn", "not a valid ИНН: The number's checksum or check digit is invalid.")) == \
        "неверный ИНН: не сходится контрольная цифра (поле «ИНН»)"
    assert refusal_text(InvalidField("partner.standing.x", "set it")) == "set it (поле «partner.standing.x»)"


def test_the_quote_form_is_the_apis_request():
    form = _Form({"region": "ru", "months": "12", "users_0": "3", "configurations_0": ["bp"], "mode_0": "single",
                  "users_1": "1", "configurations_1": ["zup", "bp"], "mode_1": "alternate", "new_to_1c": "yes",
                  "options": ["premium"], "bases": "2"})
    need = decode_body(msgspec.json.encode(need_of(form)), QuoteRequest)
    assert [(g.users, g.configurations, g.mode) for g in need.seat_plan] == [(3, ["bp"], "single"),
                                                                            (1, ["zup", "bp"], "alternate")]
    assert need.customer.new_to_1c is True and need.options == ["premium"] and need.bases == 2
    assert need.extensions == []


def test_the_quote_forms_store_extensions_are_the_apis_extensions_fr_disc_06():
    form = _Form({"region": "ru", "months": "12", "users_0": "3", "configurations_0": ["bp"],
                  "extension_name_0": "Учёт рабочего времени", "extension_price_0": "1 250,50", "extension_name_1": ""})
    need = decode_body(msgspec.json.encode(need_of(form)), QuoteRequest)
    assert [(e.name, e.monthly_retail) for e in need.extensions] == [("Учёт рабочего времени", Decimal("1250.50"))]


def test_the_dashboard_counts_the_subscriptions_running_today_with_price_and_income():
    from types import SimpleNamespace as S

    from hub.web.dashboard import running

    today = date(2026, 12, 4)
    def sub(provider, currency, status, start, end, price, cost):
        return S(provider=provider, currency=currency, status=status, start=start, end=end,
                 customer_price=Decimal(price), partner_cost=Decimal(cost))
    rows = running([sub("fresh_ru", "RUB", "active", date(2026, 1, 1), date(2026, 12, 31), "38652.00", "13528.20"),
                    sub("fresh_ru", "RUB", "active", date(2026, 12, 4), date(2027, 12, 3), "3221.00", "1127.35"),
                    sub("fresh_ru", "RUB", "requested", date(2026, 12, 4), date(2027, 12, 3), "999.00", "1.00"),
                    sub("fresh_ru", "RUB", "active", date(2025, 1, 1), date(2025, 12, 31), "999.00", "1.00"),  # ended
                    sub("fresh_kz", "KZT", "active", date(2026, 12, 1), date(2027, 11, 30), "110000.00", "55000.00")],
                   today)
    assert rows == [{"provider": "fresh_kz", "currency": "KZT", "count": 1, "price": Decimal("110000.00"),
                     "income": Decimal("55000.00")},
                    {"provider": "fresh_ru", "currency": "RUB", "count": 2, "price": Decimal("41873.00"),
                     "income": Decimal("27217.45")}]


def test_every_event_the_services_record_has_its_russian_label():
    """The customer card lists the customer's events by their Russian labels (customer_labels.html): an event
    kind without one showed as English (subscription_active, found by a field test)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "hub"
    recorded = {kind for path in root.rglob("*.py")
                for kind in re.findall(r'(?:emit|_event)\(\w+, [\w.]+, "([a-z_]+)"', path.read_text(encoding="utf-8"))}
    labels = (root / "web" / "templates" / "customer_labels.html").read_text(encoding="utf-8")
    events = labels[labels.index("{% set EVENTS"):]
    events = events[:events.index("%}")]
    assert recorded and sorted(k for k in recorded if f'"{k}":' not in events) == []
