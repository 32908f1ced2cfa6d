"""Every switchable fault kind, over real HTTP against a sandbox on loopback."""
from __future__ import annotations

import httpx
import pytest

from .conftest import ServiceManager

INVITE = {"general": {"type": "usr", "method": "invitation/send", "version": 1}, "auth": {"account": 48}, "email": "a@b.ru"}


def fault(sm: ServiceManager, **spec) -> None:
    assert sm.http.post("/_control/faults", json=spec).status_code == 201


def invitations(sm: ServiceManager) -> int:
    return len(sm.ok("invitation/list")["invitations"])


def test_server_error_then_recovery(fresh_ru):
    fault(fresh_ru, kind="error", operation="invitation/send", status=502)
    assert fresh_ru.http.post("/a/adm/hs/ext_api/execute", json=INVITE).status_code == 502
    assert invitations(fresh_ru) == 0
    assert fresh_ru.http.post("/a/adm/hs/ext_api/execute", json=INVITE).status_code == 200  # only once
    assert invitations(fresh_ru) == 1


def test_throttle_with_retry_after(fresh_ru):
    fault(fresh_ru, kind="throttle", operation="*", retry_after=7, times=2)
    for _ in range(2):
        response = fresh_ru.http.post("/a/adm/hs/ext_api/execute", json=INVITE)
        assert response.status_code == 429 and response.headers["retry-after"] == "7"
    assert invitations(fresh_ru) == 0


def test_slow_answer_past_a_client_timeout(fresh_ru):
    fault(fresh_ru, kind="slow", operation="invitation/send", delay=1.5)
    with pytest.raises(httpx.ReadTimeout):
        fresh_ru.http.post("/a/adm/hs/ext_api/execute", json=INVITE, timeout=0.5)


def test_dropped_connection_applies_nothing(fresh_ru):
    fault(fresh_ru, kind="drop", operation="invitation/send")
    with pytest.raises(httpx.TransportError):
        fresh_ru.http.post("/a/adm/hs/ext_api/execute", json=INVITE)
    assert invitations(fresh_ru) == 0


def test_lost_response_is_applied_so_a_blind_retry_duplicates(fresh_ru):
    fault(fresh_ru, kind="lost_response", operation="invitation/send")
    with pytest.raises(httpx.TransportError):
        fresh_ru.http.post("/a/adm/hs/ext_api/execute", json=INVITE)
    assert invitations(fresh_ru) == 1  # it happened; only the answer was lost
    fresh_ru.http.post("/a/adm/hs/ext_api/execute", json=INVITE)
    assert invitations(fresh_ru) == 2  # what an adapter must avoid by looking first


def test_faults_on_the_rarus_cabinet(rarus):
    from .test_rarus_sandbox import TRIAL

    rarus.http.post("/_control/faults", json={"kind": "throttle", "operation": "POST /api/v1/trial-requests", "retry_after": 3})
    throttled = rarus.http.post("/api/v1/trial-requests", json=TRIAL)
    assert throttled.status_code == 429 and throttled.headers["retry-after"] == "3"
    rarus.http.post("/_control/faults", json={"kind": "lost_response", "operation": "POST /api/v1/trial-requests"})
    with pytest.raises(httpx.TransportError):
        rarus.http.post("/api/v1/trial-requests", json=TRIAL)
    assert len(rarus.http.get("/api/v1/trial-requests").json()["requests"]) == 1
    hits = rarus.http.get("/_control/faults").json()["hits"]
    assert hits == ["throttle:POST /api/v1/trial-requests", "lost_response:POST /api/v1/trial-requests"]
