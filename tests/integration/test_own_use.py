"""Issue 14, the partner's own use: one customer is the partner's own organisation, and only it takes the
partner's own tariffs — fresh_ru «Партнер» for the franchise contract's term, at most 12 months, without a
contract at most 6 and renewed only with a paid customer subscription (FR-SUB-21); fresh_kz «Партнерский» for
12 months (FK-SUB-21); medicine «ПАРТНЕРСКИЙ» (MED-ONB-10). Free: «бесплатного ведения учёта своей организации»
(seed 000 «Тариф Партнер», seed 001 «Тариф Партнерский»). Through the API on SQLite and PostgreSQL, and an order
carried out at the fresh_ru sandbox."""
from __future__ import annotations

import httpx
import pytest

from pricing import MOSCOW

from .live import STANDING, customer_for, running
from .test_onboarding import drive
from .test_subscriptions_e2e import on_trial, order

PAID = {"amount": "1000000", "paid_on": "2026-11-20"}  # the suite's day is 2026-11-22
RU = {"country": "RU", "inn": "7707083893", "kpp": "773601001", "phone": "+74950000000", "email": "buh@franch.ru",
      "new_to_1c": True}
KZ = {"legal_name": "ТОО Франчайзи", "country": "KZ", "bin_iin": "971240001315", "email": "kz@franch.kz"}


@pytest.fixture
def desk(api):
    client, a, b, _ = api

    def standing(fresh_ru: dict) -> None:
        patched = client.patch("/api/v1/partner", headers=a.headers,
                               json={"standing": {**STANDING, "fresh_ru": {"csk": True, **fresh_ru}}})
        assert patched.status_code == 200, patched.text

    def customer(name: str, own: bool = False, card: dict = RU, number: int = 1001) -> str:
        field = "fresh_kz_subscriber" if card is KZ else "fresh_ru_subscriber"
        made = client.post("/api/v1/customers", headers=a.headers, json={
            **card, "legal_name": name, "own": own, "accounts": {field: number, "medicine_subscriber": number}})
        assert made.status_code == 201, made.text
        return made.json()["id"]

    def order(customer_id: str, provider: str = "fresh_ru", tariff: str = "Партнер", **body):
        return client.post("/api/v1/subscriptions", headers=a.headers,
                           json={"customer_id": customer_id, "provider": provider, "tariff": tariff, **body})

    standing({})
    return client, a, standing, customer, order


def refused(response, rule: str | None, field: str) -> str:
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem.get("rule") == rule and problem["errors"][0]["field"] == field, problem
    return problem["errors"][0]["message"]


def test_fr_sub_21_partner_tariff_for_the_franchise_contracts_term_and_only_for_the_own_organisation(desk):
    client, a, standing, customer, order = desk
    standing({"franchise_contract_end": "2027-06-30"})
    own, other = customer("ООО Франчайзи", own=True), customer("ООО Клиент", number=1002)
    assert "own organisation" in refused(order(other), "FR-SUB-21", "tariff")
    assert "2027-06-30" in refused(order(own, months=8), "FR-SUB-21", "months")  # 8 months run past the contract
    made = order(own)  # no months: the longest the contract allows, free, nothing to pay
    assert made.status_code == 201, made.text
    assert (made.json()["start"], made.json()["end"]) == ("2026-11-22", "2027-06-21")
    assert (made.json()["retail"], made.json()["partner_cost"], made.json()["customer_price"]) == ("0.00", "0.00", "0.00")
    assert client.get(f"/api/v1/customers/{own}", headers=a.headers).json()["own"] is True
    # one at a time, also in another number or on another card made the own organisation
    assert "already runs until 2027-06-21" in refused(order(own, dry_run=True), "FR-SUB-21", "start")
    refused(order(own, quantity=5, dry_run=True), "FR-SUB-21", "quantity")
    assert client.patch(f"/api/v1/customers/{own}", json={"own": False}, headers=a.headers).status_code == 200
    assert client.patch(f"/api/v1/customers/{other}", json={"own": True}, headers=a.headers).status_code == 200
    refused(order(other, dry_run=True), "FR-SUB-21", "start")
    standing({"franchise_contract_end": "2027-07-01"})  # the renewal would start after the contract
    renewal = {"kind": "renewal", "renews_id": made.json()["id"], "dry_run": True}
    refused(order(own, **renewal), "FR-SUB-21", "tariff")  # the card is no longer the own organisation
    assert client.patch(f"/api/v1/customers/{other}", json={"own": False}, headers=a.headers).status_code == 200
    assert client.patch(f"/api/v1/customers/{own}", json={"own": True}, headers=a.headers).status_code == 200
    refused(order(own, **renewal), "FR-SUB-21", "partner.standing.fresh_ru.franchise_contract_end")


def test_fr_sub_21_without_a_contract_six_months_renewed_only_with_a_paid_customer(desk):
    client, a, _, customer, order = desk
    own, other = customer("ООО Франчайзи", own=True), customer("ООО Клиент", number=1002)
    refused(order(own, months=7), "FR-SUB-21", "months")
    first = order(own)
    assert first.status_code == 201 and first.json()["end"] == "2027-05-21", first.text  # 6 months
    renewal = {"kind": "renewal", "renews_id": first.json()["id"], "dry_run": True}
    assert "paid customer subscription" in refused(order(own, **renewal), "FR-SUB-21", "tariff")
    assert order(other, tariff="102", months=12, payment=PAID).status_code == 201  # a paid customer
    renewed = order(own, **renewal)
    assert renewed.status_code == 200 and renewed.json()["start"] == "2027-05-22", renewed.text


def test_fk_sub_21_med_onb_10_the_kazakh_and_medicine_partner_tariffs(desk):
    _, _, _, customer, order = desk
    kz = customer("ТОО Франчайзи", own=True, card=KZ, number=3001)
    refused(order(kz, provider="fresh_kz", tariff="Партнерский", months=13, dry_run=True), "FK-SUB-21", "months")
    made = order(kz, provider="fresh_kz", tariff="Партнерский")
    assert made.status_code == 201, made.text
    assert (made.json()["end"], made.json()["retail"]) == ("2027-11-21", "0.00")  # 12 months, free


def test_med_onb_10_medicine_partner_tariff_only_for_the_own_organisation(desk):
    client, a, _, customer, order = desk
    other = customer("ООО Клиника", number=1002)
    refused(order(other, provider="medicine", tariff="ПАРТНЕРСКИЙ", dry_run=True), "MED-ONB-10", "tariff")
    client.patch(f"/api/v1/customers/{other}", json={"own": True}, headers=a.headers)
    preview = order(other, provider="medicine", tariff="ПАРТНЕРСКИЙ", months=12, dry_run=True)
    assert preview.status_code == 200 and preview.json()["retail"] == "0.00", preview.text


def test_one_own_organisation_per_partner(desk):
    client, a, _, customer, _ = desk
    first = customer("ООО Франчайзи", own=True)
    second = client.post("/api/v1/customers", headers=a.headers, json={**RU, "legal_name": "ООО Другая", "own": True})
    assert second.status_code == 409 and second.json()["errors"][0]["field"] == "own", second.text
    other = customer("ООО Клиент", number=1002)
    assert client.patch(f"/api/v1/customers/{other}", json={"own": True}, headers=a.headers).status_code == 409
    assert client.patch(f"/api/v1/customers/{first}", json={"own": False}, headers=a.headers).status_code == 200
    assert client.patch(f"/api/v1/customers/{other}", json={"own": True}, headers=a.headers).status_code == 200
    bad = client.patch(f"/api/v1/customers/{other}", json={"own": "да"}, headers=a.headers)
    assert bad.status_code in (400, 422) and "own" in bad.text, bad.text


async def test_fr_sub_21_the_partner_tariff_is_carried_out_at_the_sandbox(database_url, sandboxes):
    httpx.post(f"{sandboxes.served['fresh_ru'].url}/_control/partner", json={"fresh_ru": {"csk": True}})
    async with running(database_url, sandboxes) as (live, worker):
        enrolled = await on_trial(live, worker, "fresh_ru")
        marked = await live.client.patch(f"/api/v1/customers/{enrolled['customer_id']}", json={"own": True},
                                         headers=live.headers)
        assert marked.status_code == 200, marked.text
        row = await order(live, worker, customer_id=enrolled["customer_id"], provider="fresh_ru", tariff="Партнер")
        assert row["status"] == "active" and row["retail"] == "0.00", row
        assert not row.get("discrepancies"), row  # the provider confirmed the same free period


async def test_med_onb_02_med_onb_10_ra_onb_07_the_partners_own_staff_on_medicine_and_rarus(database_url, sandboxes):
    async with running(database_url, sandboxes) as (live, worker):
        made = await live.client.post("/api/v1/customers", headers=live.headers,
                                      json={**customer_for("medicine", 900), "legal_name": "ООО Франчайзи", "own": True})
        assert made.status_code == 201, made.text
        own = made.json()["id"]
        staff = [{"name": f"Сотрудник {i}", "email": f"staff{i}@franch.example.ru", "phone": "+79160000000"}
                 for i in range(3)]
        enroll = f"/api/v1/customers/{own}/enrollments"
        three = await live.client.post(enroll, json={"provider": "medicine", "users": staff}, headers=live.headers)
        problem = three.json()
        assert three.status_code == 422 and problem["rule"] == "MED-ONB-10", three.text  # 2 Континент-АП licences
        assert problem["errors"][0]["field"] == "users"
        medicine = await live.client.post(enroll, json={"provider": "medicine", "users": staff[:2]}, headers=live.headers)
        rarus = await live.client.post(enroll, json={"provider": "rarus", "users": staff[:1], "products": ["bp"]},
                                       headers=live.headers)
        assert medicine.status_code == rarus.status_code == 201, (medicine.text, rarus.text)
        ours = {medicine.json()["id"], rarus.json()["id"]}
        await drive(live, worker, lambda items: all(e["state"] == "trial_active" for e in items if e["id"] in ours))

        # MED-ONB-02: the certificates of the partner's own staff: «… пользователей партнера», no customer lines
        [request] = [r for r in sandboxes.desk.requests if {u["email"] for u in r.users} == {s["email"] for s in staff[:2]}]
        assert request.whose == "партнера" and request.partner_number == 48
        # RA-ONB-07: the trial request says it is the partner's own access, and the access lasts 30 days
        cabinet = sandboxes.states["rarus"]
        [asked] = [r for r in cabinet.requests.values() if r.customer.get("email") == staff[0]["email"]]
        assert "для партнера облачного сервиса" in asked.comment
        enrollment = (await live.client.get(f"/api/v1/enrollments/{rarus.json()['id']}", headers=live.headers)).json()
        granted = cabinet.clients[asked.login]
        assert enrollment["trial_end"] == granted.trial_end.isoformat()
        assert (granted.trial_end - asked.submitted_at.astimezone(MOSCOW).date()).days == 29  # the cabinet's day
        assert [s["rule"] for s in enrollment["steps"] if s["step"] == "trial"] == ["RA-ONB-07"]
        # a third member of staff would need a third secure channel (MED-ONB-10)
        more = await live.client.post(f"/api/v1/enrollments/{medicine.json()['id']}/users", json={"users": staff[2:]},
                                      headers=live.headers)
        assert more.status_code == 422 and more.json()["rule"] == "MED-ONB-10", more.text
