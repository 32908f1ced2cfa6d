"""Rate limits per verified key and failed authentications per client address (issue 9 §0)."""
from __future__ import annotations

import asyncio
import secrets
from contextlib import contextmanager

import pytest
from litestar.testing import TestClient

import hub.app
from hub.core.auth import rate_limits
from hub.core.ratelimit import WindowLimiter
from hub.partners.service import authenticate
from tests.conftest import app_for, make_tenant, new_key


class Ticking:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.at = 1000.0

    def __call__(self) -> float:
        return self.at


@contextmanager
def from_address(client: TestClient, host: str):
    """The client's requests as if they came from ``host`` (the test client always says "testclient")."""
    app = client.app

    async def addressed(scope, receive, send):
        if scope["type"] == "http":
            scope = {**scope, "client": (host, 50000)}
        await app(scope, receive, send)

    client.app = addressed
    try:
        yield client
    finally:
        client.app = app


def random_key() -> dict[str, str]:
    """A well-formed key nobody issued: a fresh guess each call."""
    return {"Authorization": f"Bearer hub_{secrets.token_hex(6)}_{secrets.token_urlsafe(32)}"}


@pytest.fixture
def limited(database_url, request):
    """(client, tenant, clock, url): 3 requests a minute per key, 5 failed authentications per address;
    a test's ``verify`` marker gives the key check the app is built with."""
    tenant = asyncio.run(make_tenant(database_url, "ООО Лимит"))
    marker = request.node.get_closest_marker("verify")
    if marker is not None:
        request.getfixturevalue("monkeypatch").setattr(hub.app, "authenticate", marker.args[0])
    with TestClient(app_for(database_url, rate_limit_per_minute=3, auth_failures_per_minute=5)) as client:
        clock = Ticking()
        rate_limits(client.app).use_clock(clock)
        yield client, tenant, clock, database_url


def test_spellings_of_one_key_share_one_allowance(limited):
    client, tenant, clock, _ = limited
    spellings = [f"Bearer {tenant.key}", f"bearer {tenant.key}", f"BEARER {tenant.key}", f"Bearer  {tenant.key} "]
    answers = [client.get("/api/v1/customers", headers={"Authorization": s}) for s in spellings]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["ratelimit-remaining"] for a in answers[:3]] == ["2", "1", "0"]
    assert all(a.headers["ratelimit-limit"] == "3" for a in answers)
    refused = answers[3]
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["status"] == 429 and "API key" in refused.json()["detail"]
    assert refused.headers["retry-after"] == refused.headers["ratelimit-reset"] == "60"

    clock.at += 59.5  # still the same minute: still refused, half a second to wait (rounded up)
    late = client.get("/api/v1/customers", headers={"Authorization": spellings[0]})
    assert late.status_code == 429 and late.headers["retry-after"] == "1"
    clock.at += 0.5  # the key's minute is over: a fresh allowance
    again = client.get("/api/v1/customers", headers={"Authorization": spellings[2]})
    assert again.status_code == 200 and again.headers["ratelimit-remaining"] == "2"


def test_each_verified_key_has_its_own_allowance_and_open_paths_none(limited):
    client, tenant, _, url = limited
    other = new_key(url, tenant.partner_id, "viewer")
    for _ in range(3):
        assert client.get("/api/v1/partner", headers=tenant.headers).status_code == 200
    assert client.get("/api/v1/partner", headers=tenant.headers).status_code == 429
    served = client.get("/api/v1/partner", headers=other)
    assert served.status_code == 200 and served.headers["ratelimit-remaining"] == "2"
    health = client.get("/health")
    assert health.status_code == 200 and "ratelimit-limit" not in health.headers


lookups: list[str] = []


async def counting(session, presented):
    """The partners' key check (hub/partners/service.py), counting its lookups."""
    lookups.append(presented)
    return await authenticate(session, presented)


@pytest.mark.verify.with_args(counting)
def test_failed_authentications_lock_the_address_without_looking_keys_up(limited):
    client, tenant, clock, _ = limited
    lookups.clear()
    statuses = [client.get("/api/v1/customers", headers=random_key()).status_code for _ in range(5)]
    assert statuses == [401] * 5 and len(lookups) == 5

    guess = client.get("/api/v1/customers", headers=random_key())  # a sixth fresh guess
    assert guess.status_code == 429 and int(guess.headers["retry-after"]) == 60
    assert guess.headers["content-type"] == "application/problem+json"
    assert "failed authentications" in guess.json()["detail"]
    valid = client.get("/api/v1/customers", headers=tenant.headers)  # the locked address gets 429 for any key
    assert valid.status_code == 429
    assert client.get("/api/v1/customers").status_code == 429  # no key at all: the same
    assert len(lookups) == 5  # nothing was looked up while locked

    with from_address(client, "203.0.113.7"):  # another address is not affected
        assert client.get("/api/v1/customers", headers=tenant.headers).status_code == 200
        assert client.get("/api/v1/customers", headers=random_key()).status_code == 401

    clock.at += 60  # the address's minute is over
    assert client.get("/api/v1/customers", headers=tenant.headers).status_code == 200


def test_default_allows_twenty_failures_a_minute(api):
    """HUB_AUTH_FAILURES_PER_MINUTE defaults to 20; unknown, malformed and missing keys all count."""
    client, a, _, _ = api
    headers = [random_key(), {"Authorization": "Basic abc"}, {}, {"Authorization": "Bearer "}]
    statuses = [client.get("/api/v1/partner", headers=headers[i % 4]).status_code for i in range(20)]
    assert statuses == [401] * 20
    assert client.get("/api/v1/partner", headers=random_key()).status_code == 429
    assert client.get("/api/v1/partner", headers=a.headers).status_code == 429


def test_rate_limited_key_answers_do_not_count_as_failures(limited):
    client, tenant, _, _ = limited
    for _ in range(10):  # 3 served, 7 refused for the key's limit: none is a failed authentication
        client.get("/api/v1/partner", headers=tenant.headers)
    assert rate_limits(client.app).failures.check("testclient").remaining == 5


def test_limiter_table_is_bounded_and_forgets_closed_windows():
    clock = Ticking()
    limiter = WindowLimiter(2, period=60, clock=clock, max_entries=3)
    for identity in "abcd":
        assert limiter.hit(identity).allowed
    assert len(limiter) == 3  # "a", the oldest, was dropped to make room
    assert limiter.hit("d").allowed and not limiter.hit("d").allowed
    clock.at += 60
    assert limiter.check("b").remaining == 2 and len(limiter) == 0  # every window closed: all gone
    off = WindowLimiter(0, clock=clock)
    assert all(off.hit("x").allowed for _ in range(100)) and len(off) == 0
