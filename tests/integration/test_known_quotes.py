"""Issue 15: a quote asked again is answered once its caller is verified and counted (hub/quotes/known.py) —
the same bytes and headers as the route gave, still counted against the rate limit, never for a key that is
revoked or a standing that changed, and anything unusual goes the whole way. On SQLite and PostgreSQL."""
from __future__ import annotations

import asyncio

import msgspec
import pytest
from litestar.middleware import DefineMiddleware
from litestar.testing import TestClient

from hub.cli import main
from hub.core.auth import ApiKeyAuthentication
from hub.quotes.known import KnownQuotes
from hub.quotes.service import KNOWN_BODY_BYTES as MAX_KNOWN_BODY
from tests.conftest import app_for, make_tenant
from tests.integration.test_key_cache import key_id_of

NEED = {"region": "ru", "months": 12, "seat_plan": [{"users": 3, "configurations": ["bp"]}],
        "partner": {"fresh_ru": {"csk": True}}}
BODY = msgspec.json.encode(NEED)


def known_quotes(app) -> KnownQuotes:
    for middleware in app.middleware:
        if isinstance(middleware, DefineMiddleware) and middleware.middleware is ApiKeyAuthentication:
            return middleware.kwargs["shortcut"]
    raise LookupError("no shortcut")


class Routed:
    """Counts the quotes that went the whole way to the handler (PricingService.quote_json)."""

    def __init__(self, app, monkeypatch: pytest.MonkeyPatch) -> None:
        pricing = known_quotes(app).pricing
        self.count, original = 0, pricing.quote_json

        def counted(*args, **kwargs):
            self.count += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(pricing, "quote_json", counted)


def post(client: TestClient, headers: dict[str, str], body: bytes = BODY, path: str = "/api/v1/quotes",
         content_type: str = "application/json"):
    return client.post(path, content=body, headers={**headers, "content-type": content_type})


def test_a_quote_asked_again_gets_the_same_answer_without_the_route_and_is_counted(database_url, monkeypatch):
    tenant = asyncio.run(make_tenant(database_url))
    app = app_for(database_url, rate_limit_per_minute=100)
    routed = Routed(app, monkeypatch)
    with TestClient(app) as client:
        first, again = post(client, tenant.headers), post(client, tenant.headers)
        assert first.status_code == again.status_code == 200, first.text
        assert again.content == first.content and routed.count == 1
        for name in ("content-type", "content-length", "ratelimit-limit", "ratelimit-policy"):
            assert again.headers[name] == first.headers[name], name
        assert int(first.headers["ratelimit-remaining"]) == 99 and int(again.headers["ratelimit-remaining"]) == 98


def test_the_rate_limit_refuses_a_known_quote(database_url):
    tenant = asyncio.run(make_tenant(database_url))
    with TestClient(app_for(database_url, rate_limit_per_minute=2)) as client:
        assert [post(client, tenant.headers).status_code for _ in range(3)] == [200, 200, 429]


def test_a_revoked_key_gets_no_known_answer(database_url, monkeypatch):
    tenant = asyncio.run(make_tenant(database_url))
    app = app_for(database_url, key_cache_seconds=3600)
    with TestClient(app) as client:
        assert post(client, tenant.headers).status_code == 200
        monkeypatch.setenv("HUB_DATABASE_URL", database_url)
        assert main(["key", "revoke", key_id_of(database_url, tenant.partner_id)]) == 0
        refused = post(client, tenant.headers)
        assert refused.status_code == 401 and refused.headers["content-type"].startswith("application/problem+json")


def test_another_partner_with_another_standing_is_not_answered_from_the_first(database_url, monkeypatch):
    first, other = asyncio.run(make_tenant(database_url, "ООО Первый")), asyncio.run(make_tenant(database_url, "ООО Второй"))
    app = app_for(database_url)
    routed = Routed(app, monkeypatch)
    with TestClient(app) as client:
        assert post(client, first.headers).status_code == 200
        patched = client.patch("/api/v1/partner", json={"standing": {"rarus": {"agent_fee_percent": "25"}}},
                               headers=other.headers)
        assert patched.status_code == 200, patched.text
        assert post(client, other.headers).status_code == 200 and routed.count == 2  # another standing: the route


@pytest.mark.parametrize("change", ["query", "content_type", "spacing"])
def test_anything_unusual_goes_the_whole_way(database_url, monkeypatch, change):
    tenant = asyncio.run(make_tenant(database_url))
    app = app_for(database_url)
    routed = Routed(app, monkeypatch)
    with TestClient(app) as client:
        assert post(client, tenant.headers).status_code == 200
        if change == "query":
            assert post(client, tenant.headers, path="/api/v1/quotes?trace=1").status_code == 200
            refused = post(client, tenant.headers, path="/api/v1/quotes?trace=%00")
            assert refused.status_code == 422, refused.text  # the route's input checks saw the query
        elif change == "content_type":
            post(client, tenant.headers, content_type="text/plain")
        else:
            assert post(client, tenant.headers, body=b" " + BODY).status_code == 200
        assert routed.count == 2


def test_a_body_the_route_refuses_is_never_known(database_url, monkeypatch):
    tenant = asyncio.run(make_tenant(database_url))
    with TestClient(app_for(database_url)) as client:
        bad = msgspec.json.encode({**NEED, "months": "12"})  # strict: a string is not a number
        assert [post(client, tenant.headers, body=bad).status_code for _ in range(2)] == [422, 422]


class Pricing:
    def __init__(self, answers: dict[bytes, bytes]) -> None:
        self.answers = answers

    def known_answer(self, asked: bytes, standing: object) -> bytes | None:
        return self.answers.get(asked)


def scope(content_type: bytes = b"application/json") -> dict:
    return {"type": "http", "method": "POST", "path": "/api/v1/quotes", "query_string": b"",
            "headers": [(b"content-type", content_type)]}


def run_answer(known: KnownQuotes, messages: list[dict]) -> tuple[list[dict], list[dict]]:
    """What ``answer`` sent, and what the route would then read."""
    pending, sent = list(messages), []

    async def receive():
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    async def go():
        rest = await known.answer(scope(), receive, send, None)
        read = []
        while rest is not None:
            message = await rest()
            read.append(message)
            if message["type"] != "http.request" or not message.get("more_body"):
                break
        return read

    read = asyncio.run(go())
    return sent, read


def test_a_body_in_pieces_is_known_whole_and_an_unknown_one_reaches_the_route_as_it_came():
    known = KnownQuotes(Pricing({b'{"a":1}': b'{"offers":[]}'}))  # type: ignore[arg-type]
    pieces = [{"type": "http.request", "body": b'{"a"', "more_body": True},
              {"type": "http.request", "body": b":1}", "more_body": False}]
    sent, read = run_answer(known, pieces)
    assert [m["type"] for m in sent] == ["http.response.start", "http.response.body"] and read == []
    assert sent[1]["body"] == b'{"offers":[]}' and (b"content-length", b"13") in sent[0]["headers"]
    other = [{"type": "http.request", "body": b'{"a"', "more_body": True},
             {"type": "http.request", "body": b":2}", "more_body": False}]
    sent, read = run_answer(known, other)
    assert sent == [] and read == other


def test_a_large_body_is_handed_on_unread_past_the_limit():
    known = KnownQuotes(Pricing({}))  # type: ignore[arg-type]
    chunk = b"x" * (MAX_KNOWN_BODY // 2 + 1)
    pieces = [{"type": "http.request", "body": chunk, "more_body": True} for _ in range(3)] + \
             [{"type": "http.request", "body": b"", "more_body": False}]
    sent, read = run_answer(known, pieces)
    assert sent == [] and read == pieces


def pricing_on(clock):
    from hub.quotes.service import PricingService
    from pricing import load_catalogs

    return PricingService(load_catalogs(None), clock)


def test_a_known_answer_is_for_its_day_only():
    from datetime import datetime, timezone

    from hub.core.clock import ControllableClock
    from pricing import QuoteRequest

    clock = ControllableClock(datetime(2027, 3, 1, 9, tzinfo=timezone.utc))  # it only moves forward
    pricing = pricing_on(clock)
    pricing.quote_json(msgspec.json.decode(BODY, type=QuoteRequest), None, BODY)
    assert pricing.known_answer(BODY, None) is not None
    clock.advance(24 * 3600)  # another day may price differently (a trial, a deadline): the route prices again
    assert pricing.known_answer(BODY, None) is None


def test_a_padded_body_is_not_kept():
    """A body past the limit is padding (the route's input checks let whitespace through): keeping it would
    let one key fill the process's memory with answers nobody can ask for."""
    from datetime import datetime, timezone

    from hub.core.clock import FixedClock
    from pricing import QuoteRequest

    pricing = pricing_on(FixedClock(datetime(2026, 12, 4, 9, tzinfo=timezone.utc)))
    padded = BODY[:-1] + b" " * MAX_KNOWN_BODY + b"}"
    pricing.quote_json(msgspec.json.decode(padded, type=QuoteRequest), None, padded)
    assert pricing.known_answer(padded, None) is None and len(pricing._asked) == 0
