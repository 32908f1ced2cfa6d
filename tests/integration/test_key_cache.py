"""Issue 15: verified API keys are kept in memory (hub/core/verified_keys.py) — and still a revoked key is
refused at once in the process that revoked it and within the TTL in another, and a standing change is seen
by the next quote. On SQLite and PostgreSQL."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys

from litestar.testing import TestClient

from hub.cli import main
from hub.core.auth import verified_keys
from hub.partners import service as partners
from tests.conftest import app_for, make_tenant

QUOTE = {"region": "ru", "months": 12, "seat_plan": [{"users": 3, "configurations": ["bp"]}], "providers": ["fresh_ru"]}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def key_id_of(url: str, partner_id: str) -> str:
    async def run() -> str:
        from hub.core.db import Database

        db = Database(url)
        try:
            async with db.reads() as session:
                [key] = await partners.list_keys(session, partner_id)
                return key.id
        finally:
            await db.dispose()

    return asyncio.run(run())


def test_a_key_revoked_in_this_process_is_refused_at_once(database_url, monkeypatch, capsys):
    tenant = asyncio.run(make_tenant(database_url))
    app = app_for(database_url, key_cache_seconds=3600)
    with TestClient(app) as client:
        assert client.get("/api/v1/partner", headers=tenant.headers).status_code == 200
        assert len(verified_keys(app)) == 1  # verified once, kept
        monkeypatch.setenv("HUB_DATABASE_URL", database_url)
        assert main(["key", "revoke", key_id_of(database_url, tenant.partner_id)]) == 0  # the CLI, in this process
        refused = client.get("/api/v1/partner", headers=tenant.headers)
        assert refused.status_code == 401 and len(verified_keys(app)) == 0, refused.text


def test_a_key_revoked_by_another_process_is_refused_within_the_ttl(database_url):
    tenant = asyncio.run(make_tenant(database_url))
    app = app_for(database_url, key_cache_seconds=30)
    clock = Clock()
    verified_keys(app).clock = clock
    with TestClient(app) as client:
        assert client.get("/api/v1/partner", headers=tenant.headers).status_code == 200
        revoked = subprocess.run([sys.executable, "-m", "hub.cli", "key", "revoke", key_id_of(database_url, tenant.partner_id)],
                                 env={**os.environ, "HUB_DATABASE_URL": database_url}, capture_output=True, text=True)
        assert revoked.returncode == 0, revoked.stderr
        clock.now += 29  # this process was not told: the key it verified stands until the TTL ends …
        assert client.get("/api/v1/partner", headers=tenant.headers).status_code == 200
        clock.now += 2  # … and not a moment longer
        assert client.get("/api/v1/partner", headers=tenant.headers).status_code == 401


def test_a_standing_change_is_seen_by_the_next_quote(database_url):
    tenant = asyncio.run(make_tenant(database_url))
    with TestClient(app_for(database_url, key_cache_seconds=3600)) as client:
        def discount() -> int:
            answer = client.post("/api/v1/quotes", json=QUOTE, headers=tenant.headers)
            assert answer.status_code == 200, answer.text
            return answer.json()["offers"][0]["discount_percent"]

        assert discount() == 20  # FR-DISC-01: no ЦСК
        patched = client.patch("/api/v1/partner", json={"standing": {"fresh_ru": {"csk": True}}}, headers=tenant.headers)
        assert patched.status_code == 200, patched.text
        assert discount() == 50  # FR-DISC-03, at once


def test_an_unknown_key_is_never_cached(database_url):
    tenant = asyncio.run(make_tenant(database_url))
    app = app_for(database_url, key_cache_seconds=3600)
    with TestClient(app) as client:
        wrong = {"Authorization": tenant.headers["Authorization"][:-2] + "xx"}
        assert client.get("/api/v1/partner", headers=wrong).status_code == 401
        assert len(verified_keys(app)) == 0


def test_a_caller_read_before_a_revocation_is_not_kept_after_it():
    """A request that read the key while a revocation was committing must not cache what it read."""
    from hub.core.caller import Caller
    from hub.core.verified_keys import VerifiedKeys, digest

    cache = VerifiedKeys(3600)
    presented = digest("hub_x_y")
    read_in = cache.generation  # the request misses and reads the key from the database ...
    cache.drop(lambda caller: caller.key_id == "k")  # ... the revocation commits meanwhile ...
    cache.put(presented, Caller("p", "k", "viewer"), read_in)  # ... and what it read is not kept
    assert cache.get(presented) is None
    cache.put(presented, Caller("p", "k", "viewer"), cache.generation)
    assert cache.get(presented) is not None
