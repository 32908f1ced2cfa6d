"""The Service Manager (ext_api) of 1С:Фреш ru/kz and 1С:Медицина.

One adapter per provider owns the pooled client; ``signed_in(credentials)`` gives a view of it that
speaks for one partner account (its Basic-auth user and ``auth.account``) on every call. Nothing is
adopted from the provider on the strength of an e-mail alone: an invitation or a subscriber must be
this account's and carry the customer's ИНН (БИН/ИИН in Kazakhstan), or the step is refused.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from providers import PROFILES

from .base import (
    AccessHandle,
    AccessRequest,
    AccessStatus,
    Credentials,
    Extension,
    FreshCredentials,
    ProviderSubscription,
    SubscriptionOrder,
    User,
)
from .errors import Misconfigured, NotFound, Rejected, Transient
from .http import HttpChannel

EXECUTE = "/a/adm/hs/ext_api/execute"
STATEMENTS = "/a/adm/hs/ext_api/statements"
SUCCESS = {10200, 10201, 10240}
IN_PROGRESS = 10202
LIVE_INVITATION = ("sent", "activated")
CONFLICT = "owner_conflict"
TAX_LABEL = {"inn": "ИНН", "bin_iin": "БИН/ИИН"}


def tax_field(provider: str) -> str:
    """The card field that identifies the organisation at this provider: БИН/ИИН in Kazakhstan, else ИНН."""
    profile = PROFILES.get(provider)
    return "bin_iin" if profile is not None and "bin_iin" in profile.card_fields else "inn"


def _same(a: Any, b: Any) -> bool:
    return str(a or "").strip() == str(b or "").strip()


class FreshAdapter:
    def __init__(self, provider: str, channel: HttpChannel, account: int, *, auth: tuple[str, str] | None = None,
                 owns_channel: bool = True) -> None:
        self.provider, self.channel, self.account, self.auth = provider, channel, account, auth
        self.owns_channel = owns_channel
        self.tax_field = tax_field(provider)

    @property
    def identity(self) -> str:
        return str(self.account)

    def signed_in(self, credentials: Credentials) -> FreshAdapter:
        """This adapter's pooled client, signed in as another partner account (nothing new to close)."""
        if not isinstance(credentials, FreshCredentials):
            raise Misconfigured(f"{self.provider}: Service Manager credentials are a login, password and account",
                                provider=self.provider)
        return FreshAdapter(self.provider, self.channel, credentials.account,
                            auth=(credentials.login, credentials.password), owns_channel=False)

    async def execute(self, method: str, *, mutating: bool = False, **params: Any) -> dict[str, Any]:
        """One call in the ext_api envelope; its answer code mapped onto the error tree."""
        body = {"general": {"type": "usr", "method": method, "version": 1}, "auth": {"account": self.account}, **params}
        auth = {"auth": self.auth} if self.auth is not None else {}
        response = await self.channel.send("POST", EXECUTE, mutating=mutating, json=body, **auth)
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

    def _conflict(self, message: str) -> Rejected:
        return Rejected(f"{self.provider}: {message}", provider=self.provider, code=CONFLICT)

    def _adoptable(self, invitation: dict[str, Any], request: AccessRequest) -> None:
        """A live invitation to the customer's e-mail is adopted only if it is this account's and names
        the customer's ИНН/БИН; anything else is a refusal naming the conflict."""
        account = invitation.get("partner_account")
        if account is not None and account != self.account:
            raise self._conflict("an invitation to this e-mail exists for another partner account; it is not adopted")
        theirs = invitation.get(self.tax_field) or (invitation.get("fields") or {}).get("inn")
        if not _same(theirs, request.inn):
            label = TAX_LABEL[self.tax_field]
            raise self._conflict(f"an invitation to this e-mail exists for another subscriber/{label} than the "
                                 f"customer's ({request.inn or 'none'}); it is not adopted")

    async def request_access(self, request: AccessRequest) -> AccessHandle:
        """Invite the customer — unless an invitation to that e-mail, from this account and for this
        ИНН/БИН, is already live (a lost answer to an earlier try): that one is returned instead of
        sending a second one. A live invitation to the e-mail for another organisation is refused."""
        owner = request.owner
        params = {"email": owner.email, "user_name": owner.name, "phone": owner.phone or request.phone,
                  "organisation": request.customer_name, self.tax_field: request.inn, "timezone": request.timezone}
        if request.tariff:
            params["tariff"] = request.tariff

        async def attempt() -> AccessHandle:
            existing = await self.execute("invitation/list", email=owner.email)
            for invitation in existing.get("invitations", []):
                if invitation["status"] not in LIVE_INVITATION:
                    continue
                self._adoptable(invitation, request)
                if not request.tariff or invitation["tariff"] == request.tariff:
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

    async def create_subscription(self, order: SubscriptionOrder) -> ProviderSubscription:
        """Fill the card, then create the subscription — unless the same one (subscriber, kind, tariff,
        start, main) is already there from an earlier try whose answer was lost."""
        method = {"main": "create", "addon_sessions": "create_enhanced", "addon_bases": "create_enhanced",
                  "upgrade": "create_upgrade"}[order.kind]
        params: dict[str, Any] = {"start": order.start.isoformat()}
        if order.kind == "main":
            params.update(subscriber=order.subscriber, tariff=order.tariff, months=order.months)
        else:
            params.update(main=order.main_number, tariff=order.tariff, quantity=order.quantity,
                          kind="sessions" if order.kind == "addon_sessions" else "bases")
        kind = {"main": "main", "upgrade": "upgrade"}.get(order.kind, "enhanced")

        async def attempt() -> ProviderSubscription:
            await self._same_organisation(order)
            if order.card:
                await self.execute("account/customers/update_attached_info", subscriber=order.subscriber, card=order.card)
            listed = await self.execute("account/customer_subscriptions/list", subscriber=order.subscriber)
            for s in listed.get("subscriptions", []):
                if (s["kind"], s["start"], s["main"]) == (kind, order.start.isoformat(), order.main_number) and \
                        order.tariff in (s["tariff"], s["tariff_code"]):
                    return _subscription(s, reused=True)
            made = await self.execute(f"account/customer_subscriptions/{method}", mutating=True, **params)
            return _subscription(made["subscription"])

        return await self.channel.call(attempt)

    async def _same_organisation(self, order: SubscriptionOrder) -> None:
        """The subscriber at the provider must be the customer's organisation: a card there with another
        ИНН/БИН is another organisation's, and is neither overwritten nor given a subscription."""
        card = (await self.execute("account/customers/attached_info", subscriber=order.subscriber)).get("card") or {}
        theirs, ours = card.get(self.tax_field), order.card.get(self.tax_field)
        if theirs not in (None, "") and not _same(theirs, ours):
            label = TAX_LABEL[self.tax_field]
            raise self._conflict(f"subscriber {order.subscriber} at the provider has another {label} than the "
                                 f"customer's card ({ours or 'none'}); its card is not overwritten and no "
                                 f"subscription is added")

    async def add_users(self, subscriber: str, users: tuple[User, ...]) -> list[str]:
        """Further users of a subscriber (MED-ONB-02 batches), once their certificates are issued; the
        e-mails the subscriber has users for afterwards. Adding one already there changes nothing."""
        async def attempt() -> list[str]:
            made = await self.execute("account/customers/users/add", mutating=True, subscriber=subscriber,
                                      users=[{"name": u.name, "email": u.email, "phone": u.phone} for u in users])
            return [u["email"] for u in made.get("users", [])]

        return await self.channel.call(attempt)

    async def correct(self, number: int, start: date | None, months: int | None) -> ProviderSubscription:
        """Self-correction within the provider's window (FR-SUB-12); setting the same values twice is harmless."""
        params: dict[str, Any] = {"subscription": number}
        if start:
            params["start"] = start.isoformat()
        if months:
            params["months"] = months
        return await self.channel.call(lambda: self._corrected(params))

    async def _corrected(self, params: dict[str, Any]) -> ProviderSubscription:
        return _subscription((await self.execute("account/customer_subscriptions/update", mutating=True,
                                                 **params))["subscription"])

    async def prolong(self, number: int) -> Extension:
        """The free 7-day extension (FAM-SUB-06), or the promised payment of an ended subscription
        (FAM-SUB-07) — the provider decides which by the date; an extension already there is returned."""

        async def attempt() -> Extension:
            current = (await self.execute("account/customer_subscriptions/info", subscription=number))["subscription"]
            if current.get("extension"):
                return Extension(current["extension"], date.fromisoformat(current["extended_until"]), reused=True)
            done = (await self.execute("account/customer_subscriptions/prolong", mutating=True,
                                       subscription=number))["subscription"]
            return Extension(done["extension"], date.fromisoformat(done["extended_until"]))

        return await self.channel.call(attempt)

    async def fetch_statement(self, month: str) -> bytes:
        async def attempt() -> bytes:
            auth = {"auth": self.auth} if self.auth is not None else {}
            response = await self.channel.send("GET", f"{STATEMENTS}/{month}.csv", **auth)
            if response.status_code >= 400:
                raise Rejected(f"{self.provider}: the statement of {month}: HTTP {response.status_code}",
                               provider=self.provider, code=response.status_code)
            return response.content

        return await self.channel.call(attempt)

    async def close(self) -> None:
        if self.owns_channel:
            await self.channel.close()


def _subscription(s: dict[str, Any], reused: bool = False) -> ProviderSubscription:
    monthly = s.get("partner_monthly")
    return ProviderSubscription(s["number"], date.fromisoformat(s["start"]), date.fromisoformat(s["end"]), s["retail"],
                                s["discount_percent"], s["amount"], reused, s.get("months_charged"),
                                None if monthly is None else str(monthly))
