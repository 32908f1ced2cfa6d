"""The Service Manager (ext_api) of 1С:Фреш ru/kz and 1С:Медицина."""
from __future__ import annotations

from datetime import date
from typing import Any

from .base import AccessHandle, AccessRequest, AccessStatus
from .errors import Misconfigured, NotFound, Rejected, Transient
from .http import HttpChannel

EXECUTE = "/a/adm/hs/ext_api/execute"
SUCCESS = {10200, 10201, 10240}
IN_PROGRESS = 10202
LIVE_INVITATION = ("sent", "activated")


class FreshAdapter:
    def __init__(self, provider: str, channel: HttpChannel, account: int) -> None:
        self.provider, self.channel, self.account = provider, channel, account

    async def execute(self, method: str, *, mutating: bool = False, **params: Any) -> dict[str, Any]:
        """One call in the ext_api envelope; its answer code mapped onto the error tree."""
        body = {"general": {"type": "usr", "method": method, "version": 1}, "auth": {"account": self.account}, **params}
        response = await self.channel.send("POST", EXECUTE, mutating=mutating, json=body)
        try:
            data = response.json()
            general = data["general"]
        except (ValueError, KeyError, TypeError):
            raise Transient(f"{self.provider}: unreadable answer to {method}", provider=self.provider) from None
        code, message = general.get("response"), general.get("message", "")
        if code in SUCCESS:
            return data
        if code == IN_PROGRESS:
            raise Transient(f"{self.provider}: {method} still in progress", provider=self.provider, code=code)
        if code == 10404:
            raise NotFound(message, provider=self.provider, code=code)
        if code in (10401, 10403):
            raise Misconfigured(message, provider=self.provider, code=code)
        raise Rejected(message, provider=self.provider, code=code, rule=general.get("rule"))

    async def request_access(self, request: AccessRequest) -> AccessHandle:
        """Invite the customer — unless an invitation to that e-mail is already live (a lost answer
        to an earlier try), which is then returned instead of sending a second one."""
        owner = request.owner
        params = {"email": owner.email, "user_name": owner.name, "phone": owner.phone or request.phone,
                  "organisation": request.customer_name, "inn": request.inn, "timezone": request.timezone}
        if request.tariff:
            params["tariff"] = request.tariff

        async def attempt() -> AccessHandle:
            existing = await self.execute("invitation/list", email=owner.email)
            for invitation in existing.get("invitations", []):
                if invitation["status"] in LIVE_INVITATION and (not request.tariff or invitation["tariff"] == request.tariff):
                    return AccessHandle(str(invitation["id"]), reused=True)
            sent = await self.execute("invitation/send", mutating=True, **{k: v for k, v in params.items() if v is not None})
            return AccessHandle(str(sent["invitation"]["id"]))

        return await self.channel.call(attempt)

    async def access_status(self, handle: AccessHandle) -> AccessStatus:
        async def attempt() -> AccessStatus:
            invitation = (await self.execute("invitation/info", id=int(handle.reference)))["invitation"]
            if invitation["status"] == "blocked":
                raise Rejected("the invitation was blocked", provider=self.provider, rule="FAM-ONB-01")
            if invitation["status"] != "activated":
                return AccessStatus(False)
            customer = (await self.execute("account/customers/info", subscriber=invitation["subscriber"]))["customer"]
            return AccessStatus(True, str(invitation["subscriber"]), date.fromisoformat(customer["trial_end"]))

        return await self.channel.call(attempt)

    async def close(self) -> None:
        await self.channel.close()
