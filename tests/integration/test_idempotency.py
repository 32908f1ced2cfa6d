"""Idempotency-Key on POST and PATCH, on SQLite and PostgreSQL, sequential and racing."""
from __future__ import annotations

import asyncio

from litestar.testing import AsyncTestClient

from tests.conftest import app_for, make_tenant

from .helpers import RU_CUSTOMER, count


def test_same_key_same_body_replays_the_first_answer(api):
    client, a, _, _ = api
    headers = {**a.headers, "Idempotency-Key": "create-romashka"}
    first = client.post("/api/v1/customers", json=RU_CUSTOMER, headers=headers)
    again = client.post("/api/v1/customers", json=RU_CUSTOMER, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.content == first.content and again.headers["idempotent-replayed"] == "true"
    assert count(client, a.headers) == 1
    audit = client.get("/api/v1/audit", params={"resource": "customer"}, headers=a.headers).json()["items"]
    assert len(audit) == 1


def test_same_key_other_body_is_a_422_and_changes_nothing(api):
    client, a, _, _ = api
    headers = {**a.headers, "Idempotency-Key": "k-1"}
    client.post("/api/v1/customers", json=RU_CUSTOMER, headers=headers)
    other = client.post("/api/v1/customers", json={**RU_CUSTOMER, "legal_name": "ООО Другое"}, headers=headers)
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "Idempotency-Key"
    assert count(client, a.headers) == 1


def test_patch_replay_does_not_bump_the_version_twice(api):
    client, a, _, _ = api
    created = client.post("/api/v1/customers", json=RU_CUSTOMER, headers=a.headers).json()
    headers = {**a.headers, "Idempotency-Key": "patch-1"}
    url = f"/api/v1/customers/{created['id']}"
    first = client.patch(url, json={"new_to_1c": False}, headers=headers)
    again = client.patch(url, json={"new_to_1c": False}, headers=headers)
    assert again.content == first.content
    assert client.get(url, headers=a.headers).json()["version"] == 2


def test_a_failed_request_does_not_burn_the_key(api):
    client, a, _, _ = api
    headers = {**a.headers, "Idempotency-Key": "retry-after-fix"}
    assert client.post("/api/v1/customers", json={**RU_CUSTOMER, "inn": "1"}, headers=headers).status_code == 422
    assert client.post("/api/v1/customers", json=RU_CUSTOMER, headers=headers).status_code == 201


async def test_parallel_requests_with_one_key_make_one_row(database_url):
    tenant = await make_tenant(database_url)
    headers = {**tenant.headers, "Idempotency-Key": "racing"}
    async with AsyncTestClient(app_for(database_url)) as client:
        responses = await asyncio.gather(*[client.post("/api/v1/customers", json=RU_CUSTOMER, headers=headers)
                                           for _ in range(8)])
        assert {r.status_code for r in responses} == {201}
        assert len({r.content for r in responses}) == 1
        listed = (await client.get("/api/v1/customers", headers=tenant.headers)).json()
        assert listed["total"] == 1


async def test_keys_are_kept_at_least_24_hours(database_url):
    from datetime import datetime, timedelta, timezone

    from sqlalchemy import func, select

    from hub.core.db import Database, IdempotencyRecord
    from hub.core.idempotency import purge

    tenant = await make_tenant(database_url)
    now = datetime.now(timezone.utc)
    db = Database(database_url)
    try:
        async with db.sessions() as session:
            for key, age in (("fresh", timedelta(hours=23)), ("old", timedelta(hours=25))):
                session.add(IdempotencyRecord(partner_id=tenant.partner_id, key=key, fingerprint="f", status_code=201,
                                              response_body="{}", created_at=now - age))
            await session.commit()
        assert await purge(db.sessions, timedelta(hours=1), now) == 1  # asked for 1 h, kept 24 h
        async with db.sessions() as session:
            kept = await session.scalars(select(IdempotencyRecord.key))
            assert list(kept) == ["fresh"]
            assert await session.scalar(select(func.count()).select_from(IdempotencyRecord)) == 1
    finally:
        await db.dispose()
