"""The hub wired to running sandboxes on loopback: for onboarding tests."""
from __future__ import annotations

import itertools
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

from litestar.testing import AsyncTestClient

from hub.app import create_app
from hub.core.db import Database
from hub.composition import compose
from hub.core.settings import Settings
from providers.sandbox import Sandboxes, start_sandboxes
from tests.conftest import make_tenant

PARTNER_MAILBOX = "partner@franchise.ru"
STANDING = {"fresh_ru": {"csk": True}, "fresh_kz": {"csk": True},
            "medicine": {"competence_centre": True, "partner_subscriber_number": 48},
            "rarus": {"partner_code": "0320", "agent_fee_percent": "20", "legal_form": "ООО"}}
_numbers = itertools.count(1)


def live_settings(url: str, sandboxes: Sandboxes, **overrides: Any) -> Settings:
    urls = {p: sandboxes.served[p].url for p in ("fresh_ru", "fresh_kz", "medicine", "rarus")}
    base = Settings(database_url=url, provider_urls=urls, smtp_port=sandboxes.smtp["medicine_smtp"].port,
                    mail_from=PARTNER_MAILBOX, worker_in_process=False, poll_seconds=0.1, lease_seconds=30,
                    retry_base_seconds=0.05, http_read_timeout=1.0, breaker_cooldown=0.3,
                    rate_limit_per_minute=1_000_000)
    return replace(base, **overrides)


def start_live_sandboxes() -> Sandboxes:
    return start_sandboxes(activation_delay=0.0, credentials_delay=timedelta(0))


def customer_for(provider: str, n: int) -> dict[str, Any]:
    if provider == "fresh_kz":
        return {"legal_name": f"ТОО Клиент {n}", "country": "KZ", "bin_iin": "971240001315", "email": f"kz{n}@client.kz"}
    return {"legal_name": f"ООО Клиент {n}", "country": "RU", "inn": "7707083893", "kpp": "773601001",
            "phone": "+74950000000", "email": f"ru{n}@client.ru", "new_to_1c": True}


def enrollment_for(provider: str, n: int) -> dict[str, Any]:
    users = [{"name": f"Пользователь {n}", "email": f"user{n}@{provider.replace('_', '-')}.example.ru", "phone": "+79160000000"}]
    body: dict[str, Any] = {"provider": provider, "users": users}
    if provider == "rarus":
        body["products"] = ["bp", "zup"]
    return body


@dataclass
class Live:
    client: AsyncTestClient
    headers: dict[str, str]
    sandboxes: Sandboxes
    settings: Settings
    forwarded: set[str] = field(default_factory=set)

    async def enroll(self, provider: str, n: int | None = None, **extra: Any) -> dict[str, Any]:
        n = n if n is not None else next(_numbers)
        customer = await self.client.post("/api/v1/customers", json=customer_for(provider, n), headers=self.headers)
        assert customer.status_code == 201, customer.text
        response = await self.client.post(f"/api/v1/customers/{customer.json()['id']}/enrollments",
                                          json={**enrollment_for(provider, n), **extra}, headers=self.headers)
        assert response.status_code == 201, response.text
        return response.json()

    async def enrollments(self) -> list[dict[str, Any]]:
        items, offset = [], 0
        while True:
            page = (await self.client.get("/api/v1/enrollments", params={"limit": 200, "offset": offset},
                                          headers=self.headers)).json()
            items += page["items"]
            offset += 200
            if offset >= page["total"]:
                return items

    async def forward_mail(self) -> int:
        """Hand the providers' e-mail answers to the hub, as the partner's mail server would."""
        count = 0
        for mail in list(self.sandboxes.sink.to(PARTNER_MAILBOX)):
            if mail.message_id in self.forwarded:
                continue
            self.forwarded.add(mail.message_id)
            response = await self.client.post("/api/v1/inbound/mail", headers=self.headers, json={
                "subject": mail.subject, "in_reply_to": mail.in_reply_to, "body": mail.body, "sender": mail.mail_from})
            assert response.status_code == 200, response.text
            count += 1
        return count


async def open_live(url: str, sandboxes: Sandboxes, clock: Any = None, **overrides: Any):
    settings = live_settings(url, sandboxes, **overrides)
    tenant = await make_tenant(url, "ООО Франчайзи")
    app = create_app(settings, clock=clock)
    client = AsyncTestClient(app)
    await client.__aenter__()
    patched = await client.patch("/api/v1/partner", json={"standing": STANDING}, headers=tenant.headers)
    assert patched.status_code == 200, patched.text
    return Live(client, tenant.headers, sandboxes, settings)


def worker_for(settings: Settings, clock: Any = None):
    db = Database(settings.database)
    hub = compose(settings, clock)
    adapters = hub.adapters()
    return hub.worker(db, adapters), db, adapters


@asynccontextmanager
async def running(url: str, sandboxes: Sandboxes, clock: Any = None, **overrides: Any):
    """The hub's API client and a worker driven by the test, both closed afterwards."""
    live = await open_live(url, sandboxes, clock, **overrides)
    worker, db, adapters = worker_for(live.settings, clock)
    try:
        yield live, worker
    finally:
        await adapters.close()
        await db.dispose()
        await live.client.__aexit__(None, None, None)
