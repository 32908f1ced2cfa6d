"""Issue 14, ITS facts: the customer's ITS contract carries its start date and whether it is a «Комплект
поддержки» (FR-SUB-17: 98 is free for those holders; FK-SUB-17: the fresh_kz ITS tariff starts with the
contract, its end set automatically, at most 11 months) — through the API on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest

from .live import STANDING

PAID = {"amount": "1000000", "paid_on": "2026-11-20"}  # the suite's day is 2026-11-22
RU = {"legal_name": "ООО Ромашка", "country": "RU", "inn": "7707083893", "kpp": "773601001", "phone": "+74950000000",
      "email": "buh@romashka.ru", "new_to_1c": True, "accounts": {"fresh_ru_subscriber": 1001}}
KZ = {"legal_name": "ТОО Береке", "country": "KZ", "bin_iin": "971240001315", "email": "kz@bereke.kz",
      "accounts": {"fresh_kz_subscriber": 3001}}
KZ_ITS = "ITSaaS РАСШИРЕННЫЙ для ИТС Каз.ПРОФ"


@pytest.fixture
def desk(api):
    client, a, _, _ = api
    assert client.patch("/api/v1/partner", json={"standing": STANDING}, headers=a.headers).status_code == 200

    def customer(card: dict, its: dict | None) -> str:
        made = client.post("/api/v1/customers", json={**card, "its": its}, headers=a.headers)
        assert made.status_code == 201, made.text
        return made.json()["id"]

    def order(customer_id: str, provider: str, **body):
        return client.post("/api/v1/subscriptions", headers=a.headers,
                           json={"customer_id": customer_id, "provider": provider, "payment": PAID, **body})

    return client, a, customer, order


def refused(response, rule: str | None, field: str) -> dict:
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem.get("rule") == rule and problem["errors"][0]["field"] == field, problem
    return problem


def test_fr_sub_17_98_is_free_for_a_support_kit_holder_whatever_its_level(desk):
    client, a, customer, order = desk
    kit = customer(RU, {"level": "ПРОФ", "support_kit": True, "end_date": "2027-03-31"})
    made = order(kit, "fresh_ru", tariff="98", months=6)
    assert made.status_code == 201, made.text
    assert made.json()["retail"] == "0.00" and made.json()["partner_cost"] == "0.00"
    plain = customer({**RU, "legal_name": "ООО Лютик"}, {"level": "ПРОФ", "end_date": "2027-03-31"})
    problem = refused(order(plain, "fresh_ru", tariff="98", months=6), "FR-SUB-17", "tariff")
    assert "Комплект поддержки" in problem["errors"][0]["message"]
    shown = client.get(f"/api/v1/customers/{kit}", headers=a.headers).json()["its"]
    assert shown["support_kit"] is True and shown["start_date"] is None


def test_fk_sub_17_the_kazakh_its_tariff_starts_with_the_contract_and_ends_by_itself(desk):
    _, _, customer, order = desk
    unknown_start = customer(KZ, {"level": "ПРОФ"})
    refused(order(unknown_start, "fresh_kz", tariff=KZ_ITS, dry_run=True), "FK-SUB-17", "its.start_date")
    kz = customer({**KZ, "legal_name": "ТОО Алтын"}, {"level": "ПРОФ", "start_date": "2026-09-01"})
    refused(order(kz, "fresh_kz", tariff=KZ_ITS, start="2026-11-22", dry_run=True), "FK-SUB-17", "start")
    made = order(kz, "fresh_kz", tariff=KZ_ITS)  # no start, no months: the contract's start, 11 months
    assert made.status_code == 201, made.text
    assert (made.json()["start"], made.json()["end"], made.json()["retail"]) == ("2026-09-01", "2027-07-31", "0.00")
    techno = customer({**KZ, "legal_name": "ТОО Техно"}, {"level": "ТЕХНО", "start_date": "2026-09-01"})
    refused(order(techno, "fresh_kz", tariff=KZ_ITS, dry_run=True), "FK-SUB-17", "tariff")  # upgrade ITS first


def test_an_its_contract_ending_before_it_starts_is_refused(desk):
    client, a, _, _ = desk
    response = client.post("/api/v1/customers", headers=a.headers, json={
        **RU, "its": {"level": "ПРОФ", "start_date": "2027-01-01", "end_date": "2026-12-31"}})
    assert response.status_code in (400, 422), response.text
    assert "its" in response.text and client.get("/api/v1/customers", headers=a.headers).json()["total"] == 0
