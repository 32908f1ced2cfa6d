"""The adapters against mocked providers (respx): wire formats, error mapping, look-before-create."""
from __future__ import annotations

import json

import httpx
import pytest
import respx

from adapters import AccessHandle, AccessRequest, FreshAdapter, HttpChannel, RarusAdapter, Rejected, RetryPolicy, User
from adapters.breaker import CircuitBreaker
from adapters.errors import CircuitOpen, Misconfigured

from .test_retry import Sleeps

BASE = "http://sm.test"
EXECUTE = BASE + "/a/adm/hs/ext_api/execute"
REQUEST = AccessRequest("ООО Ромашка", (User("Иванов Иван", "buh@romashka.ru", "+79160000000"),), inn="7707083893")
FAST = RetryPolicy(attempts=4, base=0.01, cap=5.0, total=10.0)


def envelope(code: int = 10200, **data) -> dict:
    return {"general": {"error": code not in (10200, 10201), "response": code, "message": "m"}, **data}


def fresh(sleeps: Sleeps, breaker: CircuitBreaker | None = None) -> FreshAdapter:
    channel = HttpChannel("fresh_ru", BASE, auth=("partner", "sandbox"), policy=FAST, sleep=sleeps, breaker=breaker,
                          settle=0.5)
    return FreshAdapter("fresh_ru", channel, 48)


class ServiceManagerMock:
    """Answers ext_api calls by method, in order; records what was called."""

    def __init__(self, answers: dict[str, list]) -> None:
        self.answers, self.calls = answers, []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        method = body["general"]["method"]
        assert body["auth"] == {"account": 48} and request.headers["authorization"].startswith("Basic ")
        self.calls.append(method)
        answer = self.answers[method].pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer if isinstance(answer, httpx.Response) else httpx.Response(200, json=answer)


@respx.mock
async def test_invitation_is_sent_once_when_its_answer_was_lost():
    sm = ServiceManagerMock({
        "invitation/list": [envelope(invitations=[]),
                            envelope(invitations=[{"id": 7, "status": "sent", "tariff": "x", "email": "buh@romashka.ru",
                                                        "inn": "7707083893"}])],
        "invitation/send": [httpx.ReadError("connection dropped after the invitation was made")],
    })
    respx.post(EXECUTE).mock(side_effect=sm)
    handle = await fresh(Sleeps()).request_access(REQUEST)
    assert handle == AccessHandle("7", reused=True)
    assert sm.calls == ["invitation/list", "invitation/send", "invitation/list"]


@respx.mock
async def test_5xx_and_429_are_retried_with_retry_after():
    sleeps = Sleeps()
    sm = ServiceManagerMock({
        "invitation/list": [httpx.Response(503), httpx.Response(429, headers={"Retry-After": "2"}), envelope(invitations=[])],
        "invitation/send": [envelope(10201, invitation={"id": 9})],
    })
    respx.post(EXECUTE).mock(side_effect=sm)
    assert (await fresh(sleeps).request_access(REQUEST)).reference == "9"
    assert len(sleeps) == 2 and sleeps[1] == 2.0


@respx.mock
async def test_a_refusal_carries_the_rule_and_is_not_retried():
    sm = ServiceManagerMock({
        "invitation/list": [envelope(invitations=[])],
        "invitation/send": [{"general": {"error": True, "response": 10422, "message": "paid tariff", "rule": "FAM-ONB-02"}}],
    })
    respx.post(EXECUTE).mock(side_effect=sm)
    with pytest.raises(Rejected) as refused:
        await fresh(Sleeps()).request_access(REQUEST)
    assert refused.value.rule == "FAM-ONB-02" and refused.value.code == 10422
    assert sm.calls == ["invitation/list", "invitation/send"]


@respx.mock
async def test_bad_credentials_are_misconfiguration():
    respx.post(EXECUTE).mock(return_value=httpx.Response(401))
    with pytest.raises(Misconfigured):
        await fresh(Sleeps()).request_access(REQUEST)


@respx.mock
async def test_access_status_reads_activation_and_trial_end():
    sm = ServiceManagerMock({
        "invitation/info": [envelope(invitation={"id": 7, "status": "sent", "subscriber": None}),
                            envelope(invitation={"id": 7, "status": "activated", "subscriber": 1001})],
        "account/customers/info": [envelope(customer={"number": 1001, "trial_end": "2026-12-21"})],
    })
    respx.post(EXECUTE).mock(side_effect=sm)
    adapter = fresh(Sleeps())
    assert (await adapter.access_status(AccessHandle("7"))).active is False
    status = await adapter.access_status(AccessHandle("7"))
    assert status.active and status.account == "1001" and status.trial_end.isoformat() == "2026-12-21"


@respx.mock
async def test_the_breaker_fails_fast_after_repeated_failures():
    route = respx.post(EXECUTE).mock(return_value=httpx.Response(503))
    breaker = CircuitBreaker("fresh_ru", threshold=3, cooldown=60.0)
    adapter = fresh(Sleeps(), breaker)
    with pytest.raises(Exception):
        await adapter.request_access(REQUEST)
    assert breaker.state == "open" and route.call_count == 3
    with pytest.raises(CircuitOpen):
        await adapter.request_access(REQUEST)
    assert route.call_count == 3  # no call reached the provider


@respx.mock
async def test_rarus_trial_request_looks_first_and_speaks_its_headers():
    base = "http://rarus.test"
    listed = respx.get(base + "/api/v1/trial-requests").mock(side_effect=[
        httpx.Response(200, json={"requests": []}),
        httpx.Response(200, json={"requests": [{"id": 3, "status": "processing", "partner": "0320",
                                                "customer": {"inn": "7707083893", "email": "buh@romashka.ru"}}]}),
    ])
    made = respx.post(base + "/api/v1/trial-requests").mock(side_effect=httpx.RemoteProtocolError("dropped"))
    channel = HttpChannel("rarus", base, headers={"Authorization": "Bearer t", "X-Partner-Code": "0320"}, policy=FAST,
                          sleep=Sleeps(), settle=0.5)
    request = AccessRequest("ООО Ромашка", REQUEST.users, inn="7707083893", products=("bp",), partner_code="0320")
    handle = await RarusAdapter(channel).request_access(request)
    assert handle == AccessHandle("3", reused=True)
    assert made.call_count == 1 and listed.call_count == 2
    sent = json.loads(made.calls[0].request.content)
    assert sent["users"] == 1 and sent["partner"]["code"] == "0320"
    assert made.calls[0].request.headers["x-partner-code"] == "0320"


@respx.mock
async def test_an_unanswered_invitation_is_given_time_to_land_before_looking_again():
    sleeps = Sleeps()
    sm = ServiceManagerMock({
        "invitation/list": [envelope(invitations=[]),
                            envelope(invitations=[{"id": 5, "status": "sent", "tariff": "x", "email": "buh@romashka.ru",
                                                        "inn": "7707083893"}])],
        "invitation/send": [httpx.ReadTimeout("no answer in time; the provider may still be working")],
    })
    respx.post(EXECUTE).mock(side_effect=sm)
    channel = HttpChannel("fresh_ru", BASE, auth=("partner", "sandbox"), policy=RetryPolicy(attempts=3, base=0.01, cap=10.0),
                          sleep=sleeps, settle=4.0)
    handle = await FreshAdapter("fresh_ru", channel, 48).request_access(REQUEST)
    assert handle.reused and sleeps == [4.0]  # waited the settle time, then found it


@respx.mock
async def test_an_unsent_request_is_retried_at_once():
    sleeps = Sleeps()
    sm = ServiceManagerMock({
        "invitation/list": [httpx.ConnectError("refused"), envelope(invitations=[])],
        "invitation/send": [envelope(10201, invitation={"id": 9})],
    })
    respx.post(EXECUTE).mock(side_effect=sm)
    channel = HttpChannel("fresh_ru", BASE, auth=("partner", "sandbox"), policy=RetryPolicy(attempts=3, base=0.01, cap=10.0),
                          sleep=sleeps, settle=4.0)
    await FreshAdapter("fresh_ru", channel, 48).request_access(REQUEST)
    assert len(sleeps) == 1 and sleeps[0] < 0.1
