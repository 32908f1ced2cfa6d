from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, patch
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from hub.core.auth import needs
from hub.core.clock import Clock
from hub.partners.schemas import PartnerOut, PartnerUpdate
from hub.core import audit
from hub.partners import service as partners
from hub.core.audit import AuditPage
from hub.core.deps import idempotent_write


class PartnerController(Controller):
    path = "/api/v1/partner"
    tags = ["partner"]

    @get(summary="The calling partner and its standing with each provider")
    async def read(self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]) -> PartnerOut:
        return partners.partner_out(await partners.get_partner(session, request.user.partner_id))

    @patch(guards=[needs("admin")], summary="Change the partner's name or standing")
    async def update(self, request: Request[Any, Any, Any], data: JSONBody[PartnerUpdate],
                     clock: NamedDependency[Clock]) -> Response[PartnerOut]:
        """The standing drives discounts and eligibility in quotes and prices. Accepts Idempotency-Key."""
        return await idempotent_write(request, 200, lambda s: partners.update_partner(s, request.user, data, clock.now()))


class AuditController(Controller):
    path = "/api/v1/audit"
    tags = ["partner"]

    @get(summary="The partner's audit log: who changed what, when, before and after")
    async def list_(self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession],
                    resource: FromQuery[str | None] = None, resource_id: FromQuery[str | None] = None,
                    limit: FromQuery[int] = 50, offset: FromQuery[int] = 0) -> AuditPage:
        return await audit.list_entries(session, request.user, resource=resource, resource_id=resource_id,
                                        limit=limit, offset=offset)
