"""Onboarding through the hub's API onto every provider's sandbox, carried out by the outbox worker."""
from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import datetime, timedelta


from pricing import MOSCOW
from providers.sandbox import SandboxClock

from .live import Live, open_live, running, worker_for

PROVIDERS = ("fresh_ru", "fresh_kz", "medicine", "rarus")


async def drive(live: Live, worker, until, *, rounds: int = 4000, timeout: float = 240.0,
                medicine_days: bool = True) -> None:
    """Run the worker round by round; move medicine's clock to the next batch and forward its mail."""
    deadline = time.monotonic() + timeout
    for _ in range(rounds):
        busy = await worker.run_once()
        await live.forward_mail()
        items = await live.enrollments()
        if until(items):
            return
        if medicine_days and any(e["state"] == "awaiting_certificates" for e in items):
            live.sandboxes.states["medicine"].clock.advance(86400)
            await live.sandboxes.desk.issue_due()
        if not busy:
            await asyncio.sleep(0.05)
        assert time.monotonic() < deadline, Counter(e["state"] for e in items)
    raise AssertionError("did not settle")


def all_active(items) -> bool:
    return bool(items) and all(e["state"] == "trial_active" for e in items)


async def test_each_provider_onboards_to_an_active_trial(database_url, sandboxes):
    async with running(database_url, sandboxes) as (live, worker):
        made = {p: await live.enroll(p) for p in PROVIDERS}
        assert made["medicine"]["steps"][0]["step"] == "certificates"
        await drive(live, worker, all_active)
        finals = {}
        for provider, enrollment in made.items():
            final = finals[provider] = (await live.client.get(f"/api/v1/enrollments/{enrollment['id']}",
                                                              headers=live.headers)).json()
            assert final["state"] == "trial_active" and final["account"] and final["trial_end"], provider
            customer = (await live.client.get(f"/api/v1/customers/{final['customer_id']}", headers=live.headers)).json()
            field = {"fresh_ru": "fresh_ru_subscriber", "fresh_kz": "fresh_kz_subscriber",
                     "medicine": "medicine_subscriber", "rarus": "rarus_login"}[provider]
            assert str(customer["accounts"][field]) == final["account"]
        kinds = [e["kind"] for e in (await live.client.get("/api/v1/events", headers=live.headers)).json()["items"]]
        assert kinds.count("access_granted") == 4 and "certificates_issued" in kinds
        assert sandboxes.states["rarus"].clients[finals["rarus"]["account"]].attributed  # RA-ONB-06


async def test_refusals_before_anything_is_sent(database_url, sandboxes):
    live = await open_live(database_url, sandboxes)
    try:
        customer = (await live.client.post("/api/v1/customers", json={"legal_name": "ООО Х", "country": "RU"},
                                           headers=live.headers)).json()
        url = f"/api/v1/customers/{customer['id']}/enrollments"
        six = [{"name": f"u{i}", "email": f"u{i}@x.ru"} for i in range(6)]
        cases = [
            ({"provider": "rarus", "users": six, "products": ["bp"]}, "RA-ONB-01"),
            ({"provider": "rarus", "users": six[:1]}, "RA-ONB-02"),
            ({"provider": "fresh_ru", "users": six[:1], "tariff": "102"}, "FAM-ONB-02"),
            ({"provider": "medicine", "users": six[:1]}, "MED-ONB-04"),
        ]
        for body, rule in cases:
            response = await live.client.post(url, json=body, headers=live.headers)
            assert response.status_code == 422 and response.json().get("rule") == rule, (body, response.text)
        kz = await live.client.post(url, json={"provider": "fresh_kz", "users": six[:1]}, headers=live.headers)
        assert kz.status_code == 422 and kz.json()["errors"][0]["field"] == "provider"
        ops = (await live.client.get("/api/v1/operations", headers=live.headers)).json()
        assert ops["total"] == 0
    finally:
        await live.client.__aexit__(None, None, None)


async def test_med_onb_03_friday_after_ten_before_a_holiday(database_url, sandboxes):
    """Requested Friday 5 March 2027 at 11:00; Monday 8 March is a holiday: certificates on Tuesday at 10:00."""
    friday = datetime(2027, 3, 5, 11, 0, tzinfo=MOSCOW)
    sandboxes.states["medicine"].clock.set(friday)
    hub_clock = SandboxClock(friday)
    async with running(database_url, sandboxes, hub_clock) as (live, worker):
        enrollment = await live.enroll("medicine")
        await drive(live, worker, lambda items: items[0]["state"] == "awaiting_certificates", medicine_days=False)
        shown = (await live.client.get(f"/api/v1/enrollments/{enrollment['id']}", headers=live.headers)).json()
        certificates = shown["steps"][0]
        assert certificates["status"] == "waiting" and certificates["expected_at"] == "2027-03-09T10:00:00+03:00"
        assert sandboxes.desk.requests[0].issue_at.isoformat() == "2027-03-09T10:00:00+03:00"
        sandboxes.states["medicine"].clock.set(datetime(2027, 3, 9, 9, 59, tzinfo=MOSCOW))
        await sandboxes.desk.issue_due()
        await worker.run_once()
        await live.forward_mail()
        still = (await live.client.get(f"/api/v1/enrollments/{enrollment['id']}", headers=live.headers)).json()
        assert still["state"] == "awaiting_certificates"
        sandboxes.states["medicine"].clock.set(datetime(2027, 3, 9, 10, 0, 1, tzinfo=MOSCOW))
        await sandboxes.desk.issue_due()
        await drive(live, worker, all_active, medicine_days=False)
        final = (await live.client.get(f"/api/v1/enrollments/{enrollment['id']}", headers=live.headers)).json()
        assert final["steps"][0]["status"] == "done"


async def test_two_workers_side_by_side_never_run_the_same_row(database_url, sandboxes):
    from sqlalchemy import select

    from hub.core.db import OperationAttempt

    async with running(database_url, sandboxes) as (live, first):
        second, db, adapters = worker_for(live.settings)
        try:
            for _ in range(30):
                await live.enroll("fresh_ru")
            while not all_active(await live.enrollments()):
                await asyncio.gather(first.run_once(), second.run_once())
            async with db.sessions() as session:
                attempts = list(await session.scalars(select(OperationAttempt)))
        finally:
            await adapters.close()
            await db.dispose()
    succeeded = Counter(a.operation_id for a in attempts if a.outcome == "ok")
    assert set(succeeded.values()) == {1}  # no operation completed twice
    assert {a.worker for a in attempts} == {first.name, second.name}  # both took work
    invitations = Counter(i.email for i in sandboxes.states["fresh_ru"].invitations.values())
    assert set(invitations.values()) == {1}


async def test_trial_ending_and_expiry(database_url, sandboxes):
    clock = SandboxClock()
    async with running(database_url, sandboxes, clock) as (live, worker):
        enrollment = await live.enroll("fresh_ru")
        await drive(live, worker, all_active, medicine_days=False)
        trial_end = (await live.enrollments())[0]["trial_end"]
        clock.set(datetime.fromisoformat(trial_end).replace(tzinfo=MOSCOW) - timedelta(days=2))
        await worker.run_once()
        kinds = [e["kind"] for e in (await live.client.get("/api/v1/events", headers=live.headers)).json()["items"]]
        assert kinds.count("trial_ending") == 1  # FR-ONB-01: 3 days before the end
        clock.set(datetime.fromisoformat(trial_end).replace(tzinfo=MOSCOW) + timedelta(days=1))
        await worker.run_once()
        await worker.run_once()
        final = (await live.client.get(f"/api/v1/enrollments/{enrollment['id']}", headers=live.headers)).json()
        assert final["state"] == "expired"
        kinds = [e["kind"] for e in (await live.client.get("/api/v1/events", headers=live.headers)).json()["items"]]
        assert kinds.count("trial_ending") == 1 and kinds.count("trial_expired") == 1
