"""A customer has at most one live enrollment per provider (issue 10 §1), on SQLite and PostgreSQL:
ten concurrent requests make one enrollment and nine 409s naming it; an active paid customer is refused
too; after a cancellation the customer may be enrolled again."""
from __future__ import annotations

import asyncio

from sqlalchemy import update

from hub.core.db import Database
from hub.core.db.models import Enrollment, Operation

from .helpers import RU_CUSTOMER
from .test_transition_races import burst, counted

ENROLL = {"provider": "fresh_ru", "users": [{"name": "Иванов Иван", "email": "ivanov@romashka.ru"}]}


async def set_state(url: str, enrollment_id: str, state: str) -> None:
    db = Database(url)
    try:
        async with db.sessions() as session:
            await session.execute(update(Enrollment).where(Enrollment.id == enrollment_id).values(state=state))
            await session.commit()
    finally:
        await db.dispose()


def test_ten_concurrent_enrollments_make_one(api):
    client, a, _, url = api
    customer = client.post("/api/v1/customers", json=RU_CUSTOMER, headers=a.headers).json()["id"]
    path = f"/api/v1/customers/{customer}/enrollments"
    answers = asyncio.run(burst(url, [(path, ENROLL, a.headers)] * 10))
    made = [r for r in answers if r.status_code == 201]
    refused = [r for r in answers if r.status_code != 201]
    assert len(made) == 1, [r.text for r in answers]
    winner = made[0].json()["id"]
    assert {r.status_code for r in refused} == {409}
    assert all(winner in r.json()["detail"] for r in refused)
    assert asyncio.run(counted(url, Enrollment, Enrollment.customer_id == customer)) == 1
    assert asyncio.run(counted(url, Operation, Operation.customer_id == customer)) == 1

    # an enrollment elsewhere is no conflict (fresh_kz refuses a Russian customer for its own reason)
    elsewhere = client.post(path, json={**ENROLL, "provider": "fresh_kz"}, headers=a.headers)
    assert elsewhere.status_code == 422 and "rule" not in elsewhere.json() or elsewhere.json()["rule"] is None

    # an active paid customer is refused too, naming the enrollment
    asyncio.run(set_state(url, winner, "active_paid"))
    again = client.post(path, json=ENROLL, headers=a.headers)
    assert again.status_code == 409 and winner in again.json()["detail"] and "active_paid" in again.json()["detail"]

    # after a cancellation (or a failure) a new enrollment may start
    asyncio.run(set_state(url, winner, "cancelled"))
    fresh = client.post(path, json=ENROLL, headers=a.headers)
    assert fresh.status_code == 201, fresh.text
    assert fresh.json()["id"] != winner
