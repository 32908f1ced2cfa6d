"""Runnable stand-ins for each provider's partner interface, for demos and tests.

``start_sandboxes()`` serves all of them on loopback: the Fresh-family ext_api for fresh_ru,
fresh_kz and medicine, medicine's secure-channel SMTP desk, the Rarus cabinet, and a mail sink
with a web inbox. Each has a control API under /_control (clock, faults, statement defects).
A sandbox never imports the hub or the adapters.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from pricing import Catalog, PartnerStanding, load_catalogs

from ..profiles import PROFILES, SANDBOX_PORTS
from .certificates import CertificateDesk
from .clock import SandboxClock
from .faults import Fault, FaultPlan, StatementDefects
from .fresh import FreshPartner, FreshSandboxState, create_fresh_sandbox
from .mail import MailSink, smtp_server
from .medicine import create_medicine_sandbox
from .rarus import RarusPartner, RarusSandboxState, create_rarus_sandbox
from .runner import LOOPBACK, ServedApp

DEFAULT_PORTS = SANDBOX_PORTS


@dataclass
class Sandboxes:
    """Every sandbox, served; ``states`` and ``desk`` are there for in-process inspection."""

    served: dict[str, ServedApp]
    states: dict[str, Any]
    desk: CertificateDesk
    sink: MailSink
    smtp: dict[str, Any] = field(default_factory=dict)

    def addresses(self) -> dict[str, str]:
        urls = {name: app.url for name, app in self.served.items()}
        urls.update({name: f"smtp://{c.hostname}:{c.port}" for name, c in self.smtp.items()})
        return urls

    def stop(self) -> None:
        for app in self.served.values():
            app.stop()
        for controller in self.smtp.values():
            controller.stop()


def build_states(catalogs: dict[str, Catalog], desk_reply: tuple[str, int] | None = None, *,
                 activation_delay: float = 60.0, credentials_delay: timedelta = timedelta(minutes=15),
                 standing: PartnerStanding | None = None) -> dict[str, Any]:
    """The in-memory state of each sandbox, each with its own clock; ``standing`` is the default
    partner's (`hub up`: the demo partner's stored one, providers/demo.py), its Rarus agent fee included."""
    medicine_clock = SandboxClock()
    desk = CertificateDesk(medicine_clock, *(desk_reply or (None, None)))
    own = standing or PartnerStanding()
    states: dict[str, Any] = {
        provider: FreshSandboxState(PROFILES[provider], catalogs[provider], SandboxClock(), FreshPartner(standing=own),
                                    activation_delay=activation_delay)
        for provider in ("fresh_ru", "fresh_kz")
    }
    states["medicine"] = FreshSandboxState(PROFILES["medicine"], catalogs["medicine"], medicine_clock,
                                           FreshPartner(standing=own), certificates=desk, activation_delay=activation_delay)
    rarus = RarusPartner() if own.rarus_commission_percent is None else RarusPartner(agent_fee_percent=own.rarus_commission_percent)
    states["rarus"] = RarusSandboxState(catalogs["rarus"], SandboxClock(), rarus, credentials_delay=credentials_delay)
    states["desk"] = desk
    return states


def start_sandboxes(host: str = LOOPBACK, ports: dict[str, int] | None = None, catalogs: dict[str, Catalog] | None = None,
                    **delays: Any) -> Sandboxes:
    """Serve every sandbox; ``ports`` None picks free ports (tests), DEFAULT_PORTS suits a demo;
    ``delays`` are build_states' keywords (``standing`` too)."""
    ports = ports or {}
    sink = MailSink()
    smtp = {"mail_sink_smtp": smtp_server(sink, host, ports.get("mail_sink_smtp"))}
    states = build_states(catalogs or load_catalogs(), (host, smtp["mail_sink_smtp"].port), **delays)
    desk = states.pop("desk")
    smtp["medicine_smtp"] = smtp_server(desk, host, ports.get("medicine_smtp"))
    apps = {
        "fresh_ru": create_fresh_sandbox(states["fresh_ru"]),
        "fresh_kz": create_fresh_sandbox(states["fresh_kz"]),
        "medicine": create_medicine_sandbox(states["medicine"], desk),
        "rarus": create_rarus_sandbox(states["rarus"]),
        "mail_sink_inbox": sink.inbox(),
    }
    served = {name: ServedApp(app, host, ports.get(name, 0)).start() for name, app in apps.items()}
    return Sandboxes(served, states, desk, sink, smtp)


__all__ = ["DEFAULT_PORTS", "CertificateDesk", "Fault", "FaultPlan", "FreshPartner", "FreshSandboxState", "MailSink",
           "RarusPartner", "RarusSandboxState", "SandboxClock", "Sandboxes", "StatementDefects", "build_states",
           "create_fresh_sandbox", "create_medicine_sandbox", "create_rarus_sandbox", "start_sandboxes"]
