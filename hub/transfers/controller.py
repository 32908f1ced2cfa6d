from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from hub.core.auth import needs
from hub.transfers.schemas import TransferCreate, TransferDecision, TransferOut
from hub.transfers.service import Transfers
from hub.core.deps import idempotent_write


class TransfersController(Controller):
    path = "/api/v1/transfers"
    tags = ["subscriptions"]

    @post(guards=[needs("operator")], status_code=201,
          summary="Record a customer's transfer to or from another partner (FR-SUB-16, FK-SUB-16)")
    async def create(self, request: Request[Any, Any, Any], data: JSONBody[TransferCreate],
                     transfers: NamedDependency[Transfers]) -> Response[TransferOut]:
        """Within the window it waits for the releasing partner (24 hours, then approved); earlier, `early`
        sends the request to the provider's mailbox. Accepts Idempotency-Key."""
        return await idempotent_write(request, 201, lambda s: transfers.create(s, request.user, data))

    @post("/{transfer_id:str}/decision", guards=[needs("operator")], status_code=200,
          summary="Approve, or refuse with a comment, a customer leaving us")
    async def decide(self, request: Request[Any, Any, Any], transfer_id: FromPath[str], data: JSONBody[TransferDecision],
                     transfers: NamedDependency[Transfers]) -> Response[TransferOut]:
        return await idempotent_write(request, 200, lambda s: transfers.decide(s, request.user, transfer_id, data))

    @get(summary="Transfers, by status")
    async def list_(self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession],
                    transfers: NamedDependency[Transfers], status: FromQuery[str | None] = None) -> list[TransferOut]:
        return await transfers.listing(session, request.user, status)

    @get("/{transfer_id:str}", summary="One transfer")
    async def read(self, request: Request[Any, Any, Any], transfer_id: FromPath[str], session: NamedDependency[AsyncSession],
                   transfers: NamedDependency[Transfers]) -> TransferOut:
        return await transfers.read(session, request.user, transfer_id)
