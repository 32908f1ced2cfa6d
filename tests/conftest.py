from __future__ import annotations

import asyncio
import json
import os
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from litestar.testing import TestClient

from hub.app import create_app
from hub.core.clock import FixedClock
from hub.core.db import Database
from hub.partners import service as partners
from hub.core.settings import Settings
from pricing import MOSCOW, build_engines, load_catalogs

from .pg import PostgresServer

ROOT = Path(__file__).resolve().parents[1]
# The day the suite pretends it is, so "today" defaults are reproducible.
TODAY = datetime(2026, 11, 22, 12, 0, tzinfo=MOSCOW)
BACKENDS = ("sqlite", "postgresql")


def shared_dir() -> Path:
    return Path(os.environ.get("HUB_SHARED_DIR", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def seed_cases() -> list[dict]:
    path = shared_dir() / "acceptance" / "seed_cases.json"
    assert path.exists(), f"the acceptance cases are missing: {path} (set HUB_SHARED_DIR)"
    return json.loads(path.read_text(encoding="utf-8"))["cases"]


@pytest.fixture(scope="session")
def catalogs():
    return load_catalogs()


@pytest.fixture(scope="session")
def engines(catalogs):
    return build_engines(catalogs)


@pytest.fixture(scope="session")
def postgres():
    server = PostgresServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> str:
    """A fresh, empty database on each backend."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}"
    server = request.getfixturevalue("postgres")
    return asyncio.run(server.create_database(f"t_{uuid.uuid4().hex[:12]}"))


@pytest.fixture(scope="module", params=BACKENDS)
def module_database_url(request, tmp_path_factory) -> str:
    """A fresh database on each backend shared by one module's tests (for tests that change nothing)."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('module') / 'hub.sqlite3'}"
    return asyncio.run(request.getfixturevalue("postgres").create_database(f"t_{uuid.uuid4().hex[:12]}"))


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'hub.sqlite3'}"


@dataclass
class Tenant:
    partner_id: str
    key: str
    headers: dict[str, str]


async def make_tenant(url: str, name: str = "ООО Партнер", role: str = "admin") -> Tenant:
    db = Database(url)
    try:
        await db.upgrade()
        async with db.sessions() as session:
            partner = await partners.create_partner(session, name)
            _, key = await partners.create_key(session, partner.id, role)
            await session.commit()
    finally:
        await db.dispose()
    return Tenant(partner.id, key, {"Authorization": f"Bearer {key}"})


def new_key(url: str, partner_id: str, role: str) -> dict[str, str]:
    async def run() -> str:
        db = Database(url)
        try:
            async with db.sessions() as session:
                _, key = await partners.create_key(session, partner_id, role)
                await session.commit()
                return key
        finally:
            await db.dispose()

    return {"Authorization": f"Bearer {asyncio.run(run())}"}


def app_for(url: str, **settings):
    """The app on ``url`` at the suite's fixed date; tests that need the outbox worker drive one themselves."""
    settings.setdefault("worker_in_process", False)
    return create_app(Settings(database_url=url, **settings), clock=FixedClock(TODAY))


@pytest.fixture
def api(database_url):
    """A client of the app on each backend, with two tenants: (client, a, b, url)."""
    a = asyncio.run(make_tenant(database_url, "ООО Альфа"))
    b = asyncio.run(make_tenant(database_url, "ООО Бета"))
    with TestClient(app_for(database_url)) as client:
        yield client, a, b, database_url


@pytest.fixture
def client(database_url):
    """A client authenticated as an admin of a fresh partner, on each backend."""
    tenant = asyncio.run(make_tenant(database_url))
    with TestClient(app_for(database_url)) as c:
        c.headers.update(tenant.headers)
        yield c
