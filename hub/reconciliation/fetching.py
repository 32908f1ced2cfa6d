"""Asking the provider, signed in as the calling partner: its document for a period, and (Rarus) which
clients its cabinet does not attribute to the partner (RA-ONB-06)."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from adapters import AdapterError, Adapters, NotFound
from providers import PROFILES

from hub.core.db import Database
from hub.core.exceptions import Unavailable
from hub.partners import credentials
from hub.partners.credentials import Vault
from hub.reconciliation.periods import Period
from hub.reconciliation.service import Attribution, Fetch, NoDocument


SignIn = Callable[[], Awaitable[tuple[Any, bool]]]  # the provider's adapter signed in as the partner; its own account?


def signer(db: Database, vault: Callable[[], Vault | None], adapters: Adapters, partner_id: str,
           provider: str) -> SignIn:
    """The partner's own credentials at the provider (``vault`` opened only when it has some), or the hub's
    default account — as the worker signs in."""
    async def sign_in() -> tuple[Any, bool]:
        async with db.reads() as session:
            own = await credentials.signed_in_as(session, vault(), partner_id, provider) \
                if await credentials.has_own(session, partner_id, provider) else None
        if PROFILES[provider].interface == "rarus_cabinet":
            return adapters.rarus_cabinet(provider, own), own is not None
        return adapters.service_manager(provider, own), own is not None

    return sign_in


def fetch_for(sign_in: SignIn, provider: str) -> Fetch:
    async def fetch(period: Period) -> tuple[bytes, list[str]]:
        title = PROFILES[provider].title
        try:
            adapter, own = await sign_in()
            notes = [] if own else [
                f"fetched with the hub's default {title} account (HUB_FRESH_*/HUB_RARUS_*): the partner has no "
                "credentials of its own there (hub partner credentials, PUT /api/v1/partner/credentials/…); the "
                "document is that account's — this partner's only if the account is (the demo partner's is)"]
            if period.is_quarter:
                year, quarter = period.year_quarter
                return await adapter.fetch_agent_report(year, quarter), notes
            return await adapter.fetch_statement(period.key), notes
        except NotFound as exc:
            if exc.rule == "RA-COMM-03":
                raise NoDocument(exc.message) from None
            raise Unavailable(f"{PROFILES[provider].title} has no document for {period.key}: {exc}") from None
        except AdapterError as exc:
            raise Unavailable(f"{PROFILES[provider].title} did not give the document for {period.key}: {exc}; "
                              "upload it as a file instead") from None

    return fetch


def attribution_for(sign_in: SignIn, provider: str) -> Attribution | None:
    if PROFILES[provider].interface != "rarus_cabinet":
        return None

    async def outsiders(logins: list[str]) -> set[str]:
        adapter, _ = await sign_in()
        found = set()
        for login in logins:
            try:
                client = await adapter.client(login)
            except AdapterError:
                continue  # the cabinet cannot tell: the line stays "missing", with its own reason
            if client.attributed is False:
                found.add(login)
        return found

    return outsiders
