"""Gates from catalog data (MED-ONB-07 and any later one): one column of passed gates, one endpoint, one
``gate_passed`` event, and the one question ordering asks (``hub.onboarding.gate_passed``)."""
from __future__ import annotations

import asyncio
from datetime import timezone

from hub.core.db import Database
from hub.onboarding import gate_passed
from tests.conftest import TODAY

from .live import STANDING, customer_for, enrollment_for

EGISZ_CONNECTION = "1С:Медицина. Регион для интеграции с ЕГИСЗ ПОДКЛЮЧЕНИЕ"
EGISZ_TARIFF = "1С:Медицина. Регион для интеграции с ЕГИСЗ"
PAID = {"amount": "1000000", "paid_on": "2026-11-20"}


def enroll(client, tenant, provider="medicine", **extra):
    assert client.patch("/api/v1/partner", json={"standing": STANDING}, headers=tenant.headers).status_code == 200
    body = {**customer_for(provider, 1), "accounts": {"medicine_subscriber": 2001}} if provider == "medicine" \
        else customer_for(provider, 1)
    customer = client.post("/api/v1/customers", json=body, headers=tenant.headers).json()
    response = client.post(f"/api/v1/customers/{customer['id']}/enrollments",
                           json={**enrollment_for(provider, 1), **extra}, headers=tenant.headers)
    assert response.status_code == 201, response.text
    return customer, response.json()


def passed(url: str, customer_id: str, provider: str, gate: str) -> bool:
    async def ask() -> bool:
        db = Database(url)
        try:
            async with db.reads() as session:
                return await gate_passed(session, customer_id, provider, gate)
        finally:
            await db.dispose()

    return asyncio.run(ask())


def test_med_onb_07_a_gate_is_passed_through_the_generic_endpoint(api):
    client, a, _, url = api
    customer, enrollment = enroll(client, a, tariff=EGISZ_CONNECTION)
    assert not passed(url, customer["id"], "medicine", "egisz_approval")
    answer = client.post(f"/api/v1/enrollments/{enrollment['id']}/gates/egisz_approval", headers=a.headers)
    assert answer.status_code == 200, answer.text
    assert answer.json()["gates"] == [{"gate": "egisz_approval", "rule": "MED-ONB-07", "satisfied": True,
                                       "before": "invoicing the customer"}]
    assert answer.json()["updated_at"] == TODAY.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    assert passed(url, customer["id"], "medicine", "egisz_approval")
    assert not passed(url, customer["id"], "fresh_ru", "egisz_approval")
    [event] = [e for e in client.get("/api/v1/events", headers=a.headers).json()["items"] if e["kind"] == "gate_passed"]
    assert event["data"] == {"gate": "egisz_approval", "rule": "MED-ONB-07"}
    again = client.post(f"/api/v1/enrollments/{enrollment['id']}/egisz-approval", headers=a.headers)  # the old URL
    assert again.status_code == 409 and "egisz_approval" in again.json()["detail"]
    assert again.json()["rule"] == "MED-ONB-07"


def test_an_unknown_gate_is_a_404_naming_it_and_a_gate_the_tariff_has_not_a_422(api):
    client, a, _, _ = api
    _, enrollment = enroll(client, a, tariff=EGISZ_CONNECTION)
    unknown = client.post(f"/api/v1/enrollments/{enrollment['id']}/gates/moon_landing", headers=a.headers)
    assert unknown.status_code == 404 and "moon_landing" in unknown.json()["detail"]
    assert "egisz_approval" in unknown.json()["detail"]  # the known ones are named
    _, plain = enroll(client, a, provider="fresh_ru")
    ungated = client.post(f"/api/v1/enrollments/{plain['id']}/gates/egisz_approval", headers=a.headers)
    assert ungated.status_code == 422 and ungated.json()["errors"] == [
        {"field": "tariff", "message": "this enrollment has no 'egisz_approval' gate"}]


def test_med_onb_07_ordering_asks_the_gate(api):
    client, a, _, _ = api
    customer, enrollment = enroll(client, a, tariff=EGISZ_CONNECTION)
    order = {"customer_id": customer["id"], "provider": "medicine", "tariff": EGISZ_TARIFF, "payment": PAID,
             "dry_run": True}
    before = client.post("/api/v1/subscriptions", json=order, headers=a.headers)
    assert before.status_code == 422 and before.json()["rule"] == "MED-ONB-07"
    client.post(f"/api/v1/enrollments/{enrollment['id']}/gates/egisz_approval", headers=a.headers)
    after = client.post("/api/v1/subscriptions", json=order, headers=a.headers)
    assert after.json().get("rule") != "MED-ONB-07", after.text
