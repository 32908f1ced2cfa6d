"""Each sandbox served on a loopback port, fresh for every test; tests speak HTTP and SMTP to it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
import pytest

from pricing import MOSCOW
from providers import PROFILES
from providers.sandbox import (
    CertificateDesk,
    FreshPartner,
    FreshSandboxState,
    MailSink,
    RarusPartner,
    RarusSandboxState,
    SandboxClock,
    create_fresh_sandbox,
    create_medicine_sandbox,
    create_rarus_sandbox,
)
from providers.sandbox.mail import smtp_server
from providers.sandbox.runner import ServedApp

EXECUTE = "/a/adm/hs/ext_api/execute"
START = datetime(2026, 11, 16, 9, 0, tzinfo=MOSCOW)  # a Monday morning


@dataclass
class ServiceManager:
    """A bare client of the ext_api wire format (what an adapter will speak)."""

    http: httpx.Client
    account: int = 48

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        body = {"general": {"type": "usr", "method": method, "version": 1}, "auth": {"account": self.account}, **params}
        response = self.http.post(EXECUTE, json=body)
        assert response.status_code == 200, response.text
        return response.json()

    def ok(self, method: str, **params: Any) -> dict[str, Any]:
        answer = self.call(method, **params)
        assert answer["general"]["error"] is False, answer["general"]
        return answer

    def refused(self, method: str, **params: Any) -> dict[str, Any]:
        answer = self.call(method, **params)
        assert answer["general"]["error"] is True, answer
        return answer["general"]

    def advance(self, seconds: float) -> None:
        assert self.http.post("/_control/clock", json={"advance_seconds": seconds}).status_code == 200

    def set_clock(self, instant: datetime) -> None:
        assert self.http.post("/_control/clock", json={"set": instant.isoformat()}).status_code == 200

    def onboard(self, email: str, card: dict[str, Any], **invitation: Any) -> int:
        """Invite, let the customer activate, fill the card; the subscriber number."""
        sent = self.ok("invitation/send", email=email, **invitation)["invitation"]
        assert self.http.post(f"/_control/invitations/{sent['id']}/activate").status_code == 200
        number = self.ok("invitation/info", id=sent["id"])["invitation"]["subscriber"]
        self.ok("account/customers/update_attached_info", subscriber=number, card=card)
        return number


RU_CARD = {"legal_name": "ООО Ромашка", "inn": "7707083893", "new_to_1c": True}


def serve_fresh(provider: str, **partner: Any):
    state = FreshSandboxState(PROFILES[provider], _catalogs()[provider], SandboxClock(START), FreshPartner(**partner))
    served = ServedApp(create_fresh_sandbox(state)).start()
    return state, served


_CATALOGS: dict[str, Any] = {}


def _catalogs():
    if not _CATALOGS:
        from pricing import load_catalogs

        _CATALOGS.update(load_catalogs())
    return _CATALOGS


def _service_manager(provider: str):
    _, served = serve_fresh(provider)
    with httpx.Client(base_url=served.url, auth=("partner", "sandbox"), timeout=10) as http:
        yield ServiceManager(http)
    served.stop()


@pytest.fixture
def fresh_ru():
    yield from _service_manager("fresh_ru")


@pytest.fixture
def fresh_kz():
    yield from _service_manager("fresh_kz")


@dataclass
class Medicine:
    sm: ServiceManager
    desk_port: int
    sink: MailSink
    state: FreshSandboxState


@pytest.fixture
def medicine():
    sink = MailSink()
    sink_server = smtp_server(sink)
    clock = SandboxClock(START)
    desk = CertificateDesk(clock, "127.0.0.1", sink_server.port)
    desk_server = smtp_server(desk)
    from pricing import PartnerStanding

    partner = FreshPartner(standing=PartnerStanding(medicine_competence_centre=True))
    state = FreshSandboxState(PROFILES["medicine"], _catalogs()["medicine"], clock, partner, certificates=desk)
    served = ServedApp(create_medicine_sandbox(state, desk)).start()
    with httpx.Client(base_url=served.url, auth=("partner", "sandbox"), timeout=10) as http:
        yield Medicine(ServiceManager(http), desk_server.port, sink, state)
    served.stop()
    desk_server.stop()
    sink_server.stop()


@dataclass
class Cabinet:
    http: httpx.Client
    state: RarusSandboxState

    def advance(self, seconds: float) -> None:
        assert self.http.post("/_control/clock", json={"advance_seconds": seconds}).status_code == 200

    def set_clock(self, instant: datetime) -> None:
        assert self.http.post("/_control/clock", json={"set": instant.isoformat()}).status_code == 200


RARUS_HEADERS = {"Authorization": "Bearer sandbox-token", "X-Partner-Code": "0320"}


@pytest.fixture
def rarus():
    state = RarusSandboxState(_catalogs()["rarus"], SandboxClock(START), RarusPartner())
    served = ServedApp(create_rarus_sandbox(state)).start()
    with httpx.Client(base_url=served.url, headers=RARUS_HEADERS, timeout=10) as http:
        yield Cabinet(http, state)
    served.stop()
