"""Many requests racing on one row's state transition, on SQLite and PostgreSQL (issue 9 §0).

The requests really overlap: they are sent at once through httpx's ASGI transport into one app, so on
PostgreSQL each holds its own pooled connection while the others run. Exactly one wins; the rest get a
409 naming the rule, and exactly one outbox row (one provider call) follows the winner.
"""
from __future__ import annotations

import asyncio
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from hub.core.db import Database
from hub.core.db.models import (
    AuditEntry,
    Customer,
    Departure,
    Enrollment,
    Event,
    Operation,
    Partner,
    Subscription,
    Transfer,
    utcnow,
)
from hub.core.caller import Caller
from hub.core.clock import FixedClock
from hub.transfers.service import TransferDecision, Transfers
from tests.conftest import TODAY, Tenant, app_for, make_tenant

RACERS = 50


async def seed(url: str, tenant: Tenant) -> dict[str, Any]:
    """Rows straight into the tables: a fresh_ru customer with an active main subscription at the provider
    (created "now" by the suite's clock, so inside the API correction window), a transfer awaiting our
    answer, an enrollment paid for (its trial may be cancelled) and a failed step of another enrollment."""
    db = Database(url)
    try:
        async with db.sessions() as session:
            # a retried Rarus trial request is checked again (RA-ONB-02): the partner has its Rarus code
            (await session.get(Partner, tenant.partner_id)).standing = {"rarus": {"partner_code": "0320"}}
            customer = Customer(partner_id=tenant.partner_id, legal_name="ООО Гонка", legal_name_folded="ооо гонка",
                                country="RU", inn="7707083893", kpp="773601001", phone="+74950000000",
                                email="race@client.ru", new_to_1c=True, accounts={"fresh_ru_subscriber": 1001})
            session.add(customer)
            await session.flush()
            subscription = Subscription(
                partner_id=tenant.partner_id, customer_id=customer.id, provider="fresh_ru", kind="main",
                pricing_kind="main", tariff="ПРОФ", tariff_code="102", quantity=1, start=TODAY.date(),
                end=TODAY.date() + timedelta(days=364), months_charged=12, currency="RUB", retail=Decimal("38652.00"),
                discount_percent=65, partner_cost=Decimal("13528.20"), customer_price=Decimal("38652.00"),
                status="active", provider_number="77", rules=[], created_at=TODAY, updated_at=TODAY)
            now = utcnow()
            transfer = Transfer(partner_id=tenant.partner_id, customer_id=customer.id, provider="fresh_ru",
                                direction="outgoing", other_partner="ООО Соседи",
                                subscription_end=date(2026, 12, 21), requested_at=now, answer_by=now + timedelta(hours=24),
                                status="awaiting_decision", created_at=now)
            paid = Enrollment(partner_id=tenant.partner_id, customer_id=customer.id, provider="fresh_ru",
                              state="active_paid", account="1001", users=[{"name": "Иван", "email": "i@client.ru"}],
                              products=[], trial_ending_noticed=False)
            stuck = Enrollment(partner_id=tenant.partner_id, customer_id=customer.id, provider="rarus",
                               state="failed", failed_in="requested", failure="misconfigured",
                               users=[{"name": "Иван", "email": "i@client.ru"}], products=["bp"],
                               trial_ending_noticed=False)
            session.add_all([subscription, transfer, paid, stuck])
            await session.flush()
            failed = Operation(partner_id=tenant.partner_id, provider="rarus", kind="request_access",
                               payload={"step": "trial_request"}, enrollment_id=stuck.id, customer_id=customer.id,
                               status="failed", attempts=12, next_attempt_at=now, last_error="misconfigured")
            session.add(failed)
            await session.commit()
            return {"customer": customer.id, "subscription": subscription.id, "transfer": transfer.id,
                    "paid_enrollment": paid.id, "stuck_enrollment": stuck.id, "failed_operation": failed.id}
    finally:
        await db.dispose()


@pytest.fixture
def race(database_url):
    tenant = asyncio.run(make_tenant(database_url, "ООО Гонщик"))
    rows = asyncio.run(seed(database_url, tenant))
    return database_url, tenant, rows


async def burst(url: str, requests: list[tuple[str, dict[str, Any] | None, dict[str, str]]]) -> list[httpx.Response]:
    """Send every (path, body, headers) POST at once into one running app and collect the answers."""
    app = app_for(url, rate_limit_per_minute=1_000_000)
    async with app.lifespan():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub") as client:
            return list(await asyncio.gather(*(client.post(path, json=body, headers=headers)
                                               for path, body, headers in requests)))


async def counted(url: str, model: Any, *where: Any) -> int:
    db = Database(url)
    try:
        async with db.reads() as session:
            return await session.scalar(select(func.count()).select_from(model).where(*where)) or 0
    finally:
        await db.dispose()


async def fetched(url: str, model: Any, row_id: Any) -> Any:
    db = Database(url)
    try:
        async with db.reads() as session:
            return await session.get(model, row_id)
    finally:
        await db.dispose()


def split(responses: list[httpx.Response], ok: int) -> tuple[list[httpx.Response], list[httpx.Response]]:
    winners = [r for r in responses if r.status_code == ok]
    losers = [r for r in responses if r.status_code != ok]
    return winners, losers


def one_winner(responses: list[httpx.Response], ok: int, rule: str | None) -> httpx.Response:
    """Exactly one answer ``ok``; every other one a 409 problem naming ``rule``."""
    winners, losers = split(responses, ok)
    assert len(winners) == 1, f"{len(winners)} accepted: {sorted(r.status_code for r in responses)}"
    assert {r.status_code for r in losers} == {409}, sorted(r.status_code for r in losers)
    assert all(r.json()["rule"] == rule for r in losers) if rule else all("rule" not in r.json() for r in losers), \
        {r.json().get("rule") for r in losers}
    return winners[0]


async def test_fam_sub_06_parallel_self_extensions_accept_one_and_queue_one_prolong(race):
    url, tenant, rows = race
    path = f"/api/v1/subscriptions/{rows['subscription']}/self-extension"
    responses = await burst(url, [(path, None, tenant.headers)] * RACERS)
    one_winner(responses, 202, "FAM-SUB-06")
    assert await counted(url, Operation, Operation.kind == "prolong") == 1
    assert await counted(url, AuditEntry, AuditEntry.action == "extension_requested") == 1


async def test_fam_sub_06_parallel_self_extensions_with_one_idempotency_key_replay_the_first(race):
    """With one Idempotency-Key the racers are retries of one request: the first answer replayed, not a 409."""
    url, tenant, rows = race
    path = f"/api/v1/subscriptions/{rows['subscription']}/self-extension"
    headers = {**tenant.headers, "Idempotency-Key": "extend-once"}
    responses = await burst(url, [(path, None, headers)] * 20)
    assert {r.status_code for r in responses} == {202}, sorted(r.status_code for r in responses)
    assert len({r.content for r in responses}) == 1
    assert sum(r.headers.get("idempotent-replayed") != "true" for r in responses) == 1
    assert await counted(url, Operation, Operation.kind == "prolong") == 1


async def test_fr_sub_16_parallel_decisions_on_one_transfer_one_wins_and_is_stored(race):
    url, tenant, rows = race
    path = f"/api/v1/transfers/{rows['transfer']}/decision"
    bodies = [{"approve": True} if n % 2 else {"approve": False, "comment": f"отказ {n}"} for n in range(RACERS)]
    responses = await burst(url, [(path, body, tenant.headers) for body in bodies])
    winner = one_winner(responses, 200, "FR-SUB-16").json()
    stored = await fetched(url, Transfer, rows["transfer"])
    assert (stored.status, stored.comment) == (winner["status"], winner["comment"])
    assert winner["status"] in ("approved", "refused")
    assert await counted(url, AuditEntry, AuditEntry.action == "decide") == 1


async def test_fr_sub_16_the_24_hour_sweep_does_not_overwrite_a_decision_in_flight(race):
    """A decision holds the transfer when the no-answer sweep runs: the sweep waits for it and then leaves
    the decided transfer alone (it used to auto-approve the transfer underneath the open decision, so both
    "landed" and the last commit won)."""
    url, tenant, rows = race
    db = Database(url)
    transfers = Transfers(FixedClock(TODAY))  # the suite's clock
    operator = Caller(tenant.partner_id, None, "operator")
    try:
        async with db.sessions() as deciding:
            decided = await transfers.decide(deciding, operator, rows["transfer"],
                                             TransferDecision(approve=False, comment="долг по услугам"))
            assert decided.status == "refused"

            async def sweep() -> None:
                async with db.sessions() as session:
                    await transfers.sweep(session, decided.answer_by + timedelta(seconds=1))
                    await session.commit()

            sweeping = asyncio.create_task(sweep())
            await asyncio.sleep(0.5)  # the sweep is now waiting on the decision's lock (or SQLite's write lock)
            assert not sweeping.done(), "the sweep changed the transfer while a decision held it"
            await deciding.commit()
        await sweeping
    finally:
        await db.dispose()
    final = await fetched(url, Transfer, rows["transfer"])
    assert (final.status, final.comment) == ("refused", "долг по услугам")


async def test_fr_sub_12_parallel_corrections_queue_one(race):
    url, tenant, rows = race
    path = f"/api/v1/subscriptions/{rows['subscription']}/corrections"
    body = {"reason": "entry_error", "months": 6}
    responses = await burst(url, [(path, body, tenant.headers)] * RACERS)
    winner = one_winner(responses, 202, "FR-SUB-12")
    assert winner.json()["provider_data"]["correction"]["route"] == "api"
    assert await counted(url, Operation, Operation.kind == "correct") == 1


async def test_fam_onb_02_parallel_trial_cancellations_send_one_mail(race):
    url, tenant, rows = race
    path = f"/api/v1/enrollments/{rows['paid_enrollment']}/cancel-trial"
    responses = await burst(url, [(path, None, tenant.headers)] * RACERS)
    one_winner(responses, 202, "FAM-ONB-02")
    assert await counted(url, Operation, Operation.kind == "mail") == 1
    assert await counted(url, Event, Event.kind == "trial_cancel_requested") == 1


async def test_parallel_retries_of_a_failed_step_requeue_it_once(race):
    url, tenant, rows = race
    path = f"/api/v1/operations/{rows['failed_operation']}/retry"
    responses = await burst(url, [(path, None, tenant.headers)] * RACERS)
    one_winner(responses, 200, None)
    assert (await fetched(url, Operation, rows["failed_operation"])).status == "pending"
    assert await counted(url, Event, Event.kind == "step_retried") == 1
    assert (await fetched(url, Enrollment, rows["stuck_enrollment"])).state == "requested"


async def test_parallel_enrollment_cancels_cancel_once(race):
    url, tenant, rows = race
    path = f"/api/v1/enrollments/{rows['stuck_enrollment']}/cancel"
    responses = await burst(url, [(path, None, tenant.headers)] * RACERS)
    one_winner(responses, 200, None)
    assert await counted(url, Event, Event.kind == "enrollment_cancelled") == 1


async def test_fam_sub_15_parallel_identical_departures_count_once(race):
    url, tenant, rows = race
    path = f"/api/v1/customers/{rows['customer']}/departures"
    body = {"provider": "fresh_ru", "left_on": "2026-11-20", "reason": "price", "comment": "нашли дешевле"}
    responses = await burst(url, [(path, body, tenant.headers)] * RACERS)
    one_winner(responses, 201, "FAM-SUB-15")
    assert await counted(url, Departure, Departure.customer_id == rows["customer"]) == 1
