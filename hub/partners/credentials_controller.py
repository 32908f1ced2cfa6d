"""The partner's own provider credentials: written (admin), never read back."""
from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from hub.core.auth import needs
from hub.core.clock import Clock
from hub.partners.credentials_schemas import CredentialsIn, CredentialsList, CredentialsOut
from hub.partners import credentials


class CredentialsController(Controller):
    path = "/api/v1/partner/credentials"
    tags = ["partner"]

    @get(summary="Which providers the partner signs in at with its own account (no secrets)")
    async def list_(self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]) -> CredentialsList:
        return await credentials.listing(session, request.user)

    @get("/{provider:str}", summary="One provider: the partner's own account, or the hub's default (no secrets)")
    async def read(self, request: Request[Any, Any, Any], provider: FromPath[str],
                   session: NamedDependency[AsyncSession]) -> CredentialsOut:
        return await credentials.read(session, request.user, provider)

    @put("/{provider:str}", guards=[needs("admin")], status_code=200,
         summary="Set the partner's own account at a provider (write-only: the secret is never shown again)")
    async def write(self, request: Request[Any, Any, Any], provider: FromPath[str],
                    data: JSONBody[CredentialsIn], clock: NamedDependency[Clock]) -> CredentialsOut:
        """Service Manager providers: ``login``, ``password``, ``account``; rarus: ``token``, ``partner_code``.
        Stored encrypted; setting the same values again is harmless (no Idempotency-Key needed)."""
        async with request.app.state.db.sessions() as session:
            out = await credentials.store(session, request.user, request.app.state.vault, provider, data, clock.now())
            await session.commit()
        return out

    @delete("/{provider:str}", guards=[needs("admin")], status_code=204,
            summary="Forget the partner's own account at a provider: the hub's default applies again")
    async def remove(self, request: Request[Any, Any, Any], provider: FromPath[str]) -> None:
        async with request.app.state.db.sessions() as session:
            await credentials.remove(session, request.user, provider)
            await session.commit()
