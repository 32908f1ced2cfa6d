"""The 1С:Медицина sandbox: the Fresh-family ext_api with medicine's rules, plus the secure-channel desk."""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

from litestar import Litestar, get, post
from litestar.params import FromQuery

from .certificates import CertificateDesk
from .faults import FaultPlan
from .fresh import FreshSandboxState, create_fresh_sandbox


def create_medicine_sandbox(state: FreshSandboxState, desk: CertificateDesk, plan: FaultPlan | None = None) -> Litestar:
    @get("/certificates", sync_to_thread=False)
    def certificates() -> dict[str, Any]:
        return {"requests": [asdict(r) for r in desk.requests], "rejections": [asdict(r) for r in desk.rejections],
                "other_mail": desk.other}  # what the SMTP server took for other mailboxes (the hub's notices in a demo)

    @get("/mail", sync_to_thread=False)
    def mail(to: FromQuery[str | None] = None) -> list[dict[str, str]]:
        """Every e-mail the SMTP server took, newest last: certificate requests, requests to the providers' and
        1C's other mailboxes, customer notices — the demo's mail sink (``?to=`` one address)."""
        return [m for m in desk.received if to is None or to.lower() in m["to"].lower()]

    @post("/certificates/issue-due", status_code=200)
    async def issue_due() -> dict[str, Any]:
        return {"issued": [asdict(r) for r in await desk.issue_due()]}

    async def on_clock() -> None:
        state.tick()
        await desk.issue_due()

    return create_fresh_sandbox(state, plan, (certificates, mail, issue_due), on_clock)
