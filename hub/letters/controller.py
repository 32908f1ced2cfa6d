from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from typing import Annotated

from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from hub.core.auth import needs
from hub.core.deps import idempotent_write
from hub.core.paging import Page
from hub.letters.schemas import LetterAnswer, LetterCreate, LetterKindOut, LetterOut, MailOut
from hub.letters.service import Letters, kinds


class MailPage(Page[MailOut]):
    items: list[MailOut]  # restated for OpenAPI (see Page)


class MailController(Controller):
    path = "/api/v1/mail"
    tags = ["mail"]

    @get(summary="Every e-mail the hub sent or queued: to whom, about what, its state (queued, sent, failed, "
                 "answered, overdue)")
    async def list_(self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession],
                    letters: NamedDependency[Letters],
                    in_state: Annotated[str | None, Parameter(query="state")] = None,
                    about: FromQuery[str | None] = None, customer_id: FromQuery[str | None] = None,
                    limit: FromQuery[int] = 50, offset: FromQuery[int] = 0) -> MailPage:
        items, total = await letters.mail(session, request.user, state=in_state, about=about, customer_id=customer_id,
                                          limit=limit, offset=offset)
        return MailPage(items, total, limit, offset)

    @get("/kinds", summary="The letters the manuals prescribe (RULES §5, seed 003): recipient, subject, fields")
    async def kinds_(self) -> list[LetterKindOut]:
        return kinds()

    @post("/letters", guards=[needs("operator")], status_code=201,
          summary="Send a prescribed letter, its fields filled from the partner and the customer's card")
    async def send(self, request: Request[Any, Any, Any], data: JSONBody[LetterCreate],
                   letters: NamedDependency[Letters]) -> Response[LetterOut]:
        """A 422 names the first missing field (with every missing one in the message) before anything is
        sent. Accepts Idempotency-Key."""
        return await idempotent_write(request, 201, lambda s: letters.send(s, request.user, data))

    @get("/letters/{letter_id:str}", summary="One letter: what was sent and its state")
    async def read(self, request: Request[Any, Any, Any], letter_id: FromPath[str], session: NamedDependency[AsyncSession],
                   letters: NamedDependency[Letters]) -> LetterOut:
        return await letters.read(session, request.user, letter_id)

    @post("/letters/{letter_id:str}/answer", guards=[needs("operator")], status_code=200,
          summary="Record the provider's answer (e.g. the ITS registration number, RA-ONB-10)")
    async def answer(self, request: Request[Any, Any, Any], letter_id: FromPath[str], data: JSONBody[LetterAnswer],
                     letters: NamedDependency[Letters]) -> Response[LetterOut]:
        return await idempotent_write(request, 200, lambda s: letters.answered(s, request.user, letter_id, data))
