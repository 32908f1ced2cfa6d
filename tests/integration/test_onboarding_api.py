"""The onboarding API's own rules: gates, cancelling, e-mail answers, events, retries, tenancy, health."""
from __future__ import annotations

import time
from dataclasses import replace


from tests.conftest import app_for

from .live import STANDING, customer_for, enrollment_for, running, worker_for

EGISZ_CONNECTION = "1С:Медицина. Регион для интеграции с ЕГИСЗ ПОДКЛЮЧЕНИЕ"


def setup(client, tenant, provider="medicine", **extra):
    assert client.patch("/api/v1/partner", json={"standing": STANDING}, headers=tenant.headers).status_code == 200
    customer = client.post("/api/v1/customers", json=customer_for(provider, 1), headers=tenant.headers).json()
    response = client.post(f"/api/v1/customers/{customer['id']}/enrollments",
                           json={**enrollment_for(provider, 1), **extra}, headers=tenant.headers)
    assert response.status_code == 201, response.text
    return response.json()


def test_med_onb_07_egisz_gate_before_invoicing(api):
    client, a, _, _ = api
    enrollment = setup(client, a, tariff=EGISZ_CONNECTION)
    assert enrollment["gates"] == [{"gate": "egisz_approval", "rule": "MED-ONB-07", "satisfied": False,
                                    "before": "invoicing the customer"}]
    approved = client.post(f"/api/v1/enrollments/{enrollment['id']}/egisz-approval", headers=a.headers)
    assert approved.status_code == 200 and approved.json()["gates"][0]["satisfied"] is True
    plain = setup(client, a, provider="fresh_ru")
    assert client.post(f"/api/v1/enrollments/{plain['id']}/egisz-approval", headers=a.headers).status_code == 422


def test_a_user_with_an_impossible_e_mail_is_refused_and_nothing_is_enrolled(api):
    """The provider invites each user by e-mail: an address the card would refuse is refused here too."""
    client, a, _, _ = api
    assert client.patch("/api/v1/partner", json={"standing": STANDING}, headers=a.headers).status_code == 200
    customer = client.post("/api/v1/customers", json=customer_for("fresh_ru", 1), headers=a.headers).json()
    for email in ("bad@@mail", "user@fresh_ru.ru", "no-at-sign"):
        users = [{"name": "Иван", "email": "ivan@romashka.ru"}, {"name": "Пётр", "email": email}]
        refused = client.post(f"/api/v1/customers/{customer['id']}/enrollments",
                              json={"provider": "fresh_ru", "users": users}, headers=a.headers)
        assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "users[1].email", refused.text
    assert client.get("/api/v1/enrollments", headers=a.headers).json()["total"] == 0


def test_steps_come_from_the_profile_with_their_rules(api):
    client, a, _, _ = api
    medicine = setup(client, a)
    assert [(s["step"], s["status"]) for s in medicine["steps"]] == [("certificates", "in_progress"), ("invite", "pending")]
    assert medicine["steps"][1]["waiting_for"] == "the certificates first (MED-ONB-04)"
    rarus = setup(client, a, provider="rarus")
    assert [s["step"] for s in rarus["steps"]] == ["trial_request"] and rarus["state"] == "requested"
    operations = client.get("/api/v1/operations", headers=a.headers).json()["items"]
    assert sorted(o["kind"] for o in operations) == ["request_access", "request_certificates"]


def test_cancel_stops_pending_steps(api):
    client, a, _, _ = api
    enrollment = setup(client, a, provider="fresh_ru")
    cancelled = client.post(f"/api/v1/enrollments/{enrollment['id']}/cancel", headers=a.headers).json()
    assert cancelled["state"] == "cancelled"
    assert [o["status"] for o in client.get("/api/v1/operations", headers=a.headers).json()["items"]] == ["cancelled"]
    by_state = client.get("/api/v1/enrollments", params={"state": "cancelled"}, headers=a.headers).json()
    assert [e["id"] for e in by_state["items"]] == [enrollment["id"]]
    assert client.get("/api/v1/enrollments", params={"state": "requested"}, headers=a.headers).json()["total"] == 0


def test_a_rejection_mail_fails_the_enrollment(api):
    client, a, _, url = api
    enrollment = setup(client, a)
    message_id = f"<enrollment-{enrollment['id']}@hub.local>"
    answer = client.post("/api/v1/inbound/mail", headers=a.headers,
                         json={"subject": "Заявка отклонена: ...", "in_reply_to": message_id, "body": "- копия medfresh@1c.ru"})
    assert {k: answer.json()[k] for k in ("matched", "enrollment_id", "answer", "outcome")} == {
        "matched": True, "enrollment_id": enrollment["id"], "answer": "rejected", "outcome": "applied"}
    failed = client.get(f"/api/v1/enrollments/{enrollment['id']}", headers=a.headers).json()
    assert failed["state"] == "failed" and "medfresh" in failed["failure"]
    unknown = client.post("/api/v1/inbound/mail", headers=a.headers, json={"subject": "x", "in_reply_to": "<nope@x>"})
    assert unknown.json()["matched"] is False


def test_events_are_cursor_paginated(api):
    client, a, _, _ = api
    for provider in ("fresh_ru", "rarus", "fresh_kz"):
        setup(client, a, provider=provider)
    first = client.get("/api/v1/events", params={"limit": 2}, headers=a.headers).json()
    assert len(first["items"]) == 2 and first["next_cursor"] == first["items"][-1]["id"]
    rest = client.get("/api/v1/events", params={"after": first["next_cursor"], "limit": 2}, headers=a.headers).json()
    assert [e["kind"] for e in first["items"] + rest["items"]] == ["enrollment_requested"] * 3
    assert rest["next_cursor"] is None


def test_enrollments_operations_and_events_are_per_partner(api):
    client, a, b, _ = api
    enrollment = setup(client, a)
    assert client.get(f"/api/v1/enrollments/{enrollment['id']}", headers=b.headers).status_code == 404
    assert client.post(f"/api/v1/enrollments/{enrollment['id']}/cancel", headers=b.headers).status_code == 404
    assert client.get("/api/v1/enrollments", headers=b.headers).json()["total"] == 0
    assert client.get("/api/v1/operations", headers=b.headers).json()["total"] == 0
    assert client.get("/api/v1/events", headers=b.headers).json()["items"] == []
    op = client.get("/api/v1/operations", headers=a.headers).json()["items"][0]
    assert client.post(f"/api/v1/operations/{op['id']}/retry", headers=b.headers).status_code == 404
    customer_b = client.post("/api/v1/customers", json=customer_for("fresh_ru", 2), headers=b.headers).json()
    assert client.post(f"/api/v1/customers/{customer_b['id']}/enrollments", json=enrollment_for("fresh_ru", 2),
                       headers=a.headers).status_code == 404


def test_health_reports_a_degraded_provider(database_url):
    from litestar.testing import TestClient

    with TestClient(app_for(database_url)) as client:
        breaker = client.app.state.adapters.breakers["rarus"]
        breaker.opened_at = time.monotonic()
        health = client.get("/health").json()
        assert health["status"] == "degraded" and health["providers"]["rarus"] == "open"


async def test_a_failed_step_is_retried_on_request(database_url, sandboxes):
    """A misconfigured partner code fails the step (no retry helps); after fixing it, retry resumes it."""
    async with running(database_url, sandboxes, rarus_partner_code="0999") as (live, worker):
        enrollment = await live.enroll("rarus")
        await worker.run_once()
        failed = (await live.client.get(f"/api/v1/enrollments/{enrollment['id']}", headers=live.headers)).json()
        assert failed["state"] == "failed" and "Misconfigured" in failed["failure"]
        [operation] = (await live.client.get("/api/v1/operations", params={"status": "failed"},
                                             headers=live.headers)).json()["items"]
        fixed, fixed_db, fixed_adapters = worker_for(replace(live.settings, rarus_partner_code="0320"))
        retried = await live.client.post(f"/api/v1/operations/{operation['id']}/retry", headers=live.headers)
        assert retried.status_code == 200 and retried.json()["status"] == "pending"
        for _ in range(50):
            await fixed.run_once()
            state = (await live.client.get(f"/api/v1/enrollments/{enrollment['id']}", headers=live.headers)).json()["state"]
            if state == "trial_active":
                break
        assert state == "trial_active"
        await fixed_adapters.close()
        await fixed_db.dispose()
