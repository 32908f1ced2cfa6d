"""`hub partner list`, `hub key list` and the status filter of GET /api/v1/subscriptions, on SQLite and PostgreSQL (issue 10)."""
from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from hub.cli import main
from hub.core.db import Database
from hub.core.db.models import ApiKey, Customer, Subscription
from hub.partners import service as partners
from tests.conftest import TODAY, make_tenant


def hub(monkeypatch, capsys, url: str, *args: str) -> tuple[int, str, str]:
    """The CLI in-process on ``url``; its exit code, standard output and standard error."""
    monkeypatch.setenv("HUB_DATABASE_URL", url)
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


async def keys_of(url: str, partner_id: str) -> list[partners.KeyListing]:
    db = Database(url)
    try:
        async with db.sessions() as session:
            return await partners.list_keys(session, partner_id)
    finally:
        await db.dispose()


async def revoke(url: str, key_id: str) -> None:
    db = Database(url)
    try:
        async with db.sessions() as session:
            await partners.revoke_key(session, key_id, TODAY)
            await session.commit()
    finally:
        await db.dispose()


async def hashes(url: str) -> list[str]:
    db = Database(url)
    try:
        async with db.reads() as session:
            return list(await session.scalars(select(ApiKey.secret_hash)))
    finally:
        await db.dispose()


def test_partner_list_shows_every_partner_with_its_live_keys(database_url, monkeypatch, capsys):
    alpha = asyncio.run(make_tenant(database_url, "ООО Альфа"))
    beta = asyncio.run(make_tenant(database_url, "ООО Бета"))
    [beta_key] = asyncio.run(keys_of(database_url, beta.partner_id))
    asyncio.run(revoke(database_url, beta_key.id))

    code, out, _ = hub(monkeypatch, capsys, database_url, "partner", "list", "--json")
    assert code == 0
    listed = json.loads(out)
    assert [(p["id"], p["name"], p["live_keys"]) for p in listed] == [
        (alpha.partner_id, "ООО Альфа", 1), (beta.partner_id, "ООО Бета", 0)]  # oldest first; a revoked key is not live
    assert all(p["created_at"] for p in listed)

    code, table, _ = hub(monkeypatch, capsys, database_url, "partner", "list")
    header, *rows = table.splitlines()
    assert header.split() == ["id", "name", "created_at", "live_keys"]
    assert [r.split()[0] for r in rows] == [alpha.partner_id, beta.partner_id]


def test_key_list_shows_id_prefix_role_created_revoked_and_never_the_secret(database_url, monkeypatch, capsys):
    alpha = asyncio.run(make_tenant(database_url, "ООО Альфа", role="admin"))
    beta = asyncio.run(make_tenant(database_url, "ООО Бета", role="viewer"))
    [admin] = asyncio.run(keys_of(database_url, alpha.partner_id))
    asyncio.run(revoke(database_url, admin.id))

    code, out, _ = hub(monkeypatch, capsys, database_url, "key", "list", "--json")
    assert code == 0
    listed = json.loads(out)
    assert {k["partner_id"]: (k["role"], k["revoked_at"] is not None) for k in listed} == {
        alpha.partner_id: ("admin", True), beta.partner_id: ("viewer", False)}
    assert set(listed[0]) == {"id", "partner_id", "prefix", "role", "created_at", "revoked_at"}
    assert alpha.key.split("_")[1] == next(k["prefix"] for k in listed if k["partner_id"] == alpha.partner_id)

    code, table, _ = hub(monkeypatch, capsys, database_url, "key", "list")
    code_one, only_beta, _ = hub(monkeypatch, capsys, database_url, "key", "list", beta.partner_id, "--json")
    assert code == code_one == 0 and [k["partner_id"] for k in json.loads(only_beta)] == [beta.partner_id]
    for shown in (out, table, only_beta):
        for tenant in (alpha, beta):
            assert tenant.key.split("_", 2)[2] not in shown  # the secret is never shown again
        assert not any(h in shown for h in asyncio.run(hashes(database_url)))  # nor its hash


def test_key_list_of_an_unknown_partner_is_a_404_problem(database_url, monkeypatch, capsys):
    code, out, err = hub(monkeypatch, capsys, database_url, "key", "list", "no-such-partner")
    assert code == 2 and out == ""
    assert json.loads(err)["status"] == 404


async def seed_subscriptions(url: str, partner_id: str) -> dict[str, str]:
    """One subscription in each status, straight into the table (what the worker leaves behind)."""
    db = Database(url)
    try:
        async with db.sessions() as session:
            customer = Customer(partner_id=partner_id, legal_name="ООО Статус", legal_name_folded="ооо статус",
                                country="RU", inn="7707083893", accounts={"fresh_ru_subscriber": 1001})
            session.add(customer)
            await session.flush()
            ids = {}
            for i, status in enumerate(("requested", "awaiting_payment", "active", "failed")):
                row = Subscription(
                    partner_id=partner_id, customer_id=customer.id, provider="fresh_ru", kind="main", pricing_kind="main",
                    tariff="ПРОФ", tariff_code="102", quantity=1, start=TODAY.date(),
                    end=TODAY.date() + timedelta(days=364), months_charged=12, currency="RUB",
                    retail=Decimal("38652.00"), discount_percent=50, partner_cost=Decimal("19326.00"),
                    customer_price=Decimal("38652.00"), status=status, rules=[],
                    created_at=TODAY + timedelta(minutes=i), updated_at=TODAY)
                session.add(row)
                await session.flush()
                ids[status] = row.id
            await session.commit()
            return ids
    finally:
        await db.dispose()


def test_subscriptions_filtered_by_status(api):
    client, a, b, url = api
    mine = asyncio.run(seed_subscriptions(url, a.partner_id))
    asyncio.run(seed_subscriptions(url, b.partner_id))  # another partner's active one never shows
    for status, sid in mine.items():
        page = client.get("/api/v1/subscriptions", params={"status": status}, headers=a.headers)
        assert page.status_code == 200, page.text
        assert [s["id"] for s in page.json()["items"]] == [sid] and page.json()["total"] == 1
        assert page.json()["items"][0]["status"] == status
    everything = client.get("/api/v1/subscriptions", headers=a.headers).json()
    assert everything["total"] == 4


@pytest.mark.parametrize("status", ["bogus", "ACTIVE", ""])
def test_an_unknown_status_is_a_422_naming_the_field(api, status):
    client, a, _, _ = api
    response = client.get("/api/v1/subscriptions", params={"status": status}, headers=a.headers)
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [{"field": "status", "message": "one of requested, awaiting_payment, active, failed"}]
