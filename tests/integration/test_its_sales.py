"""Issue 14, the ITS «Сумма продаж на одного клиента» (FR-PRICE-03): the promo tariffs «Акция. Базовый 12/15» count
960 ₽ a month since 14.09.2023, ПРОФ and above count in full, the rest not at all — per customer and month,
through the API and the CLI, on SQLite and PostgreSQL."""
from __future__ import annotations

import json

import pytest

from hub.cli import main
from hub.core.russian import untranslated

from .live import STANDING

PAID = {"amount": "1000000", "paid_on": "2026-11-20"}  # the suite's day is 2026-11-22
CARD = {"country": "RU", "kpp": "773601001", "phone": "+74950000000", "email": "buh@romashka.ru", "new_to_1c": True}


@pytest.fixture
def ordered(api):
    client, a, b, url = api
    assert client.patch("/api/v1/partner", json={"standing": STANDING}, headers=a.headers).status_code == 200
    ids = {}
    for number, (name, inn, tariff) in enumerate([("ООО Акция", "7707083893", "Акция. Базовый 12"),
                                                  ("ООО Проф", "7736050003", "102"),
                                                  ("ООО Базис", "7702070139", "Базовый")]):
        made = client.post("/api/v1/customers", headers=a.headers, json={
            **CARD, "legal_name": name, "inn": inn, "accounts": {"fresh_ru_subscriber": 1001 + number}})
        assert made.status_code == 201, made.text
        ids[name] = made.json()["id"]
        order = client.post("/api/v1/subscriptions", headers=a.headers, json={
            "customer_id": ids[name], "provider": "fresh_ru", "tariff": tariff, "months": 12, "payment": PAID})
        assert order.status_code == 201, order.text
    return client, a, b, url, ids


def test_fr_price_03_promo_counts_960_a_month_prof_in_full_basic_not_at_all(ordered):
    client, a, b, _, ids = ordered
    response = client.get("/api/v1/reports/its-sales", params={"month": "2026-12"}, headers=a.headers)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["month"], report["currency"], report["rule"]) == ("2026-12", "RUB", "FR-PRICE-03")
    by_name = {c["legal_name"]: c for c in report["customers"]}
    assert by_name["ООО Акция"]["amount"] == "960.00" and by_name["ООО Акция"]["lines"][0]["basis"] == "promo"
    assert by_name["ООО Проф"]["amount"] == "3221.00"  # 38 652 ₽ for 12 months, in full
    assert by_name["ООО Проф"]["lines"][0]["basis"] == "full"
    assert by_name["ООО Базис"]["amount"] == "0.00" and by_name["ООО Базис"]["lines"][0]["basis"] == "not_counted"
    reasons = [line["reason"] for c in report["customers"] for line in c["lines"]]
    assert all("FR-PRICE-03" in r and not untranslated(r) for r in reasons), reasons  # English, and in Russian on a page
    assert report["total"] == "4181.00"
    # a month before the orders, the 13th month the last period day falls in, and another partner see nothing
    assert client.get("/api/v1/reports/its-sales", params={"month": "2026-10"}, headers=a.headers).json()["customers"] == []
    assert client.get("/api/v1/reports/its-sales", params={"month": "2027-10"}, headers=a.headers).json()["total"] == "4181.00"
    assert client.get("/api/v1/reports/its-sales", params={"month": "2027-11"}, headers=a.headers).json()["customers"] == []
    assert client.get("/api/v1/reports/its-sales", params={"month": "2026-12"}, headers=b.headers).json()["total"] == "0.00"


@pytest.mark.parametrize("month", ["2026-13", "декабрь", "1900-01", "2026-12-01", "x" * 5000])
def test_a_bad_month_is_refused_naming_the_field(ordered, month):
    client, a, *_ = ordered
    response = client.get("/api/v1/reports/its-sales", params={"month": month}, headers=a.headers)
    assert response.status_code in (400, 422), response.text
    assert "month" in response.text and "Traceback" not in response.text


def test_hub_report_its_sales_on_the_command_line(ordered, monkeypatch, capsys):
    _, a, _, url, _ = ordered
    monkeypatch.setenv("HUB_DATABASE_URL", url)
    capsys.readouterr()
    assert main(["report", "its-sales", a.partner_id, "--month", "2026-12"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["total"] == "4181.00" and len(report["customers"]) == 3
    assert main(["report", "its-sales", a.partner_id, "--month", "2026/12"]) == 2
    assert '"month"' in capsys.readouterr().err
    assert main(["report", "its-sales", "nobody", "--month", "2026-12"]) != 0  # not an empty report
    assert "nobody" in capsys.readouterr().err
