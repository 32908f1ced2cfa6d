"""The 1С-Рарус partner cabinet (its REST interface as the sandbox defines it).

``signed_in(credentials)`` speaks for one partner's cabinet (its token and X-Partner-Code) over the
one pooled client. A trial request found at the provider is adopted only if it is this partner's
and for the customer's ИНН; anything else is a refusal naming the conflict.
"""
from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from .base import (
    AccessHandle,
    AccessRequest,
    AccessStatus,
    Credentials,
    CabinetChange,
    CabinetClient,
    RarusCredentials,
    CabinetInvoice,
)
from .errors import Misconfigured, NotFound, Rejected, Transient
from .http import HttpChannel

LIVE_REQUEST = ("processing", "done")
CONFLICT = "owner_conflict"


def _same(a: Any, b: Any) -> bool:
    return str(a or "").strip() == str(b or "").strip()


class RarusAdapter:
    provider = "rarus"

    def __init__(self, channel: HttpChannel, credentials: RarusCredentials | None = None, *,
                 owns_channel: bool = True) -> None:
        self.channel, self.owns_channel = channel, owns_channel
        self.headers = ({"Authorization": f"Bearer {credentials.token}", "X-Partner-Code": credentials.partner_code}
                        if credentials is not None else None)
        self.partner_code = credentials.partner_code if credentials is not None else \
            channel.default_header("x-partner-code")

    @property
    def identity(self) -> str:
        return str(self.partner_code)

    def signed_in(self, credentials: Credentials) -> RarusAdapter:
        """This adapter's pooled client, signed in as another partner's cabinet (nothing new to close)."""
        if not isinstance(credentials, RarusCredentials):
            raise Misconfigured("rarus: cabinet credentials are a token and a partner code", provider="rarus")
        return RarusAdapter(self.channel, credentials, owns_channel=False)

    async def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        if self.headers is not None:
            kwargs["headers"] = self.headers
        return await self.channel.send(method, url, **kwargs)

    @staticmethod
    def _json(response: httpx.Response) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError:
            raise Transient("rarus: unreadable answer", provider="rarus") from None
        if response.status_code == 404:
            error = data.get("error") or {}
            raise NotFound(error.get("message", "not found"), provider="rarus", code=error.get("code"),
                           rule=error.get("rule"))
        if response.status_code >= 400:
            error = data.get("error") or {}
            raise Rejected(error.get("message", f"HTTP {response.status_code}"), provider="rarus",
                           code=error.get("code"), rule=error.get("rule"))
        return data

    def _adoptable(self, existing: dict[str, Any], request: AccessRequest) -> None:
        owner = existing.get("partner")
        if owner is not None and owner != self.partner_code:
            raise Rejected("rarus: a trial request for this e-mail exists for another partner; it is not adopted",
                           provider="rarus", code=CONFLICT, rule="RA-ONB-06")
        if not _same((existing.get("customer") or {}).get("inn"), request.inn):
            raise Rejected(f"rarus: a trial request for this e-mail exists for another ИНН than the customer's "
                           f"({request.inn or 'none'}); it is not adopted", provider="rarus", code=CONFLICT)

    async def request_access(self, request: AccessRequest) -> AccessHandle:
        """A trial request (RA-ONB-02) made by the partner itself, so the customer is attributed to it
        (RA-ONB-06) — unless one for that e-mail, this partner's and for this ИНН, is already there."""
        email = request.owner.email
        if request.partner_code and self.partner_code and request.partner_code != self.partner_code:
            raise Misconfigured(f"rarus: the partner's standing names code {request.partner_code} but its cabinet "
                                f"credentials are for {self.partner_code}", provider="rarus")
        body = {"partner": {"code": request.partner_code, "name": request.partner_name},
                "customer": {"name": request.customer_name, "inn": request.inn, "email": email,
                             "phone": request.owner.phone or request.phone},
                "products": list(request.products), "users": len(request.users)}
        if request.comment:
            body["comment"] = request.comment

        async def attempt() -> AccessHandle:
            found = self._json(await self._send("GET", "/api/v1/trial-requests", params={"email": email}))
            for existing in found.get("requests", []):
                if existing["status"] in LIVE_REQUEST:
                    self._adoptable(existing, request)
                    return AccessHandle(str(existing["id"]), reused=True)
            made = self._json(await self._send("POST", "/api/v1/trial-requests", mutating=True, json=body))
            return AccessHandle(str(made["request"]["id"]))

        return await self.channel.call(attempt)

    async def access_status(self, handle: AccessHandle) -> AccessStatus:
        async def attempt() -> AccessStatus:
            request = self._json(await self._send("GET", f"/api/v1/trial-requests/{handle.reference}"))["request"]
            if request["status"] != "done":
                return AccessStatus(False)
            client = self._json(await self._send("GET", f"/api/v1/clients/{request['login']}"))["client"]
            return AccessStatus(True, request["login"], date.fromisoformat(client["trial_end"]),
                                {"attributed": client["attributed"]})

        return await self.channel.call(attempt)

    async def convert(self, login: str, seat_plan: list[dict[str, Any]], months: int,
                      options: list[str] | None = None) -> CabinetInvoice:
        """Trial → paying: the invoice per RA-BILL-01 (an existing conversion invoice is returned, not doubled)."""

        async def attempt() -> CabinetInvoice:
            invoices = self._json(await self._send("GET", "/api/v1/invoices", params={"login": login}))["invoices"]
            for invoice in invoices:
                if invoice["kind"] == "conversion":
                    return _invoice(invoice)
            body = {"seat_plan": seat_plan, "months": months, "options": options or []}
            return _invoice(self._json(await self._send("POST", f"/api/v1/clients/{login}/conversion", mutating=True,
                                                        json=body))["invoice"])

        return await self.channel.call(attempt)

    async def change(self, login: str, seat_plan: list[dict[str, Any]], options: list[str] | None = None) -> CabinetChange:
        """RA-BILL-02: a change of a paying client (a surcharge invoice up, an advance down)."""

        async def attempt() -> CabinetChange:
            client = self._json(await self._send("GET", f"/api/v1/clients/{login}"))["client"]
            wanted = (seat_plan, sorted(options if options is not None else client["options"]))
            pending = client.get("pending_change") or {}
            applied = (client["seat_plan"], sorted(client.get("options") or [])) == wanted
            if applied or (pending.get("seat_plan"), sorted(pending.get("options") or [])) == wanted:
                return CabinetChange(applied, already=True, surcharge_invoice=pending.get("invoice"))
            body = {"seat_plan": seat_plan, "options": options if options is not None else client["options"]}
            change = self._json(await self._send("POST", f"/api/v1/clients/{login}/changes", mutating=True,
                                                 json=body))["change"]
            return CabinetChange(change["applied"], surcharge_invoice=change.get("surcharge_invoice"),
                               amount=_text(change.get("amount")), monthly=_text(change.get("monthly")),
                               advance=_text(change.get("advance")))

        return await self.channel.call(attempt)

    async def client(self, login: str) -> CabinetClient:
        return await self.channel.call(lambda: self._client(login))

    async def _client(self, login: str) -> CabinetClient:
        c = self._json(await self._send("GET", f"/api/v1/clients/{login}"))["client"]
        paid = c.get("paid_through")
        return CabinetClient(c["login"], c["status"], str(c["monthly"]), date.fromisoformat(paid) if paid else None,
                           c["seat_plan"], list(c.get("options") or []), c.get("pending_change"), c.get("attributed"))

    async def fetch_agent_report(self, year: int, quarter: int) -> bytes:
        async def attempt() -> bytes:
            response = await self._send("GET", f"/api/v1/agent-reports/{year}-Q{quarter}.csv")
            if response.status_code >= 400:
                self._json(response)  # the cabinet's error: NotFound (RA-COMM-03 "no documents") or Rejected
            return response.content

        return await self.channel.call(attempt)

    async def close(self) -> None:
        if self.owns_channel:
            await self.channel.close()


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _invoice(i: dict[str, Any]) -> CabinetInvoice:
    return CabinetInvoice(i["id"], i["kind"], date.fromisoformat(i["period_start"]), date.fromisoformat(i["period_end"]),
                        str(i["amount"]), {k: str(v) for k, v in (i.get("months") or {}).items()}, i.get("status", "unpaid"))
