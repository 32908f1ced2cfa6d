"""The 1С-Рарус partner cabinet (its REST interface as the sandbox defines it)."""
from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from .base import AccessHandle, AccessRequest, AccessStatus
from .errors import NotFound, Rejected, Transient
from .http import HttpChannel

LIVE_REQUEST = ("processing", "done")


class RarusAdapter:
    provider = "rarus"

    def __init__(self, channel: HttpChannel) -> None:
        self.channel = channel

    @staticmethod
    def _json(response: httpx.Response) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError:
            raise Transient("rarus: unreadable answer", provider="rarus") from None
        if response.status_code == 404:
            raise NotFound(data.get("error", {}).get("message", "not found"), provider="rarus")
        if response.status_code >= 400:
            error = data.get("error") or {}
            raise Rejected(error.get("message", f"HTTP {response.status_code}"), provider="rarus",
                           code=error.get("code"), rule=error.get("rule"))
        return data

    async def request_access(self, request: AccessRequest) -> AccessHandle:
        """A trial request (RA-ONB-02) made by the partner itself, so the customer is attributed to it
        (RA-ONB-06) — unless one for that e-mail is already there."""
        email = request.owner.email
        body = {"partner": {"code": request.partner_code, "name": request.partner_name},
                "customer": {"name": request.customer_name, "inn": request.inn, "email": email,
                             "phone": request.owner.phone or request.phone},
                "products": list(request.products), "users": len(request.users)}

        async def attempt() -> AccessHandle:
            found = self._json(await self.channel.send("GET", "/api/v1/trial-requests", params={"email": email}))
            for existing in found.get("requests", []):
                if existing["status"] in LIVE_REQUEST:
                    return AccessHandle(str(existing["id"]), reused=True)
            made = self._json(await self.channel.send("POST", "/api/v1/trial-requests", mutating=True, json=body))
            return AccessHandle(str(made["request"]["id"]))

        return await self.channel.call(attempt)

    async def access_status(self, handle: AccessHandle) -> AccessStatus:
        async def attempt() -> AccessStatus:
            request = self._json(await self.channel.send("GET", f"/api/v1/trial-requests/{handle.reference}"))["request"]
            if request["status"] != "done":
                return AccessStatus(False)
            client = self._json(await self.channel.send("GET", f"/api/v1/clients/{request['login']}"))["client"]
            return AccessStatus(True, request["login"], date.fromisoformat(client["trial_end"]),
                                {"attributed": client["attributed"]})

        return await self.channel.call(attempt)

    async def convert(self, login: str, seat_plan: list[dict[str, Any]], months: int,
                      options: list[str] | None = None) -> dict[str, Any]:
        """Trial → paying: the invoice per RA-BILL-01 (an existing conversion invoice is returned, not doubled)."""

        async def attempt() -> dict[str, Any]:
            invoices = self._json(await self.channel.send("GET", "/api/v1/invoices", params={"login": login}))["invoices"]
            for invoice in invoices:
                if invoice["kind"] == "conversion":
                    return invoice
            body = {"seat_plan": seat_plan, "months": months, "options": options or []}
            return self._json(await self.channel.send("POST", f"/api/v1/clients/{login}/conversion", mutating=True,
                                                      json=body))["invoice"]

        return await self.channel.call(attempt)

    async def change(self, login: str, seat_plan: list[dict[str, Any]], options: list[str] | None = None) -> dict[str, Any]:
        """RA-BILL-02: a change of a paying client (a surcharge invoice up, an advance down)."""

        async def attempt() -> dict[str, Any]:
            client = self._json(await self.channel.send("GET", f"/api/v1/clients/{login}"))["client"]
            if client["seat_plan"] == seat_plan or (client.get("pending_change") or {}).get("seat_plan") == seat_plan:
                return {"applied": client["seat_plan"] == seat_plan, "already": True,
                        "surcharge_invoice": (client.get("pending_change") or {}).get("invoice")}
            body = {"seat_plan": seat_plan, "options": options if options is not None else client["options"]}
            return self._json(await self.channel.send("POST", f"/api/v1/clients/{login}/changes", mutating=True,
                                                      json=body))["change"]

        return await self.channel.call(attempt)

    async def client(self, login: str) -> dict[str, Any]:
        return await self.channel.call(lambda: self._client(login))

    async def _client(self, login: str) -> dict[str, Any]:
        return self._json(await self.channel.send("GET", f"/api/v1/clients/{login}"))["client"]

    async def close(self) -> None:
        await self.channel.close()
