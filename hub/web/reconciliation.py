"""Сверка (/reconciliations): fetch or upload a provider's statement or agent report, see the summary and
the lines by category with their explanations, mark a difference disputed or accepted, download the XLSX —
through the same Reconciliations service as /api/v1/reconciliations."""
from __future__ import annotations

import asyncio
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from providers import PROFILES

from hub.core.exceptions import REFUSALS, InvalidField
from hub.core.input_guard import decode_body
from hub.core.spreadsheet import XLSX_MEDIA, attachment
from hub.reconciliation import export
from hub.reconciliation.controller import UPLOAD_LIMIT, upload_name
from hub.reconciliation.fetching import attribution_for, fetch_for, signer
from hub.reconciliation.schemas import CATEGORIES, Resolution
from hub.reconciliation.service import Reconciliations
from hub.web.auth import require, web_caller
from hub.web.pages import page, refusal_text, write

CATEGORY_NAMES, RESOLUTIONS = export.CATEGORY_NAMES, export.RESOLUTION_NAMES


class ReconciliationPages(Controller):
    path = "/reconciliations"
    include_in_schema = False

    async def _list(self, request: Request[Any, Any, Any], session: AsyncSession, reconciliations: Reconciliations,
                    error: str | None = None, form: dict[str, str] | None = None) -> Template:
        caller = await web_caller(request, session)
        runs = await reconciliations.search(session, caller, None, 50, 0)
        return await page(session, caller, "reconciliations.html", "reconciliations", status_code=422 if error else 200,
                          runs=runs, error=error, form=form or {}, providers=PROFILES, names=CATEGORY_NAMES)

    @get()
    async def index(self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession],
                    reconciliations: NamedDependency[Reconciliations]) -> Template:
        return await self._list(request, session, reconciliations)

    @post(request_max_body_size=UPLOAD_LIMIT)
    async def create(self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession],
                     reconciliations: NamedDependency[Reconciliations]) -> Template | Redirect:
        caller = await web_caller(request, session)
        require(caller, "operator")
        try:  # the form as the CSRF check already read it (its stream is spent)
            form = await request.form()
        except (UnicodeDecodeError, LookupError, ValueError):
            return await self._list(request, session, reconciliations, "Форму не удалось прочитать: повторите отправку.")
        provider, period = str(form.get("provider") or ""), str(form.get("period") or "").strip()
        upload = form.get("file")
        document = await upload.read() if isinstance(upload, UploadFile) and upload.filename else None
        state = request.app.state
        sign_in = signer(state.db, lambda: state.vault, state.adapters, caller.partner_id, provider) \
            if provider in PROFILES else None
        try:
            if sign_in is None:
                raise InvalidField("provider", "выберите облако")
            run = await write(request, lambda s: reconciliations.run(
                s, caller, provider, period, document=document,
                filename=upload_name(upload.filename) if document is not None else None,
                fetch=None if document is not None else fetch_for(sign_in, provider),
                attribution=attribution_for(sign_in, provider)))
        except REFUSALS as exc:
            return await self._list(request, session, reconciliations, refusal_text(exc),
                                    {"provider": provider, "period": period})
        return Redirect(f"/reconciliations/{run.id}", status_code=303)

    @get("/{run_id:str}")
    async def show(self, request: Request[Any, Any, Any], run_id: FromPath[str], session: NamedDependency[AsyncSession],
                   reconciliations: NamedDependency[Reconciliations], category: FromQuery[str | None] = None) -> Template:
        return await self._show(request, session, reconciliations, run_id, category)

    async def _show(self, request: Request[Any, Any, Any], session: AsyncSession, reconciliations: Reconciliations,
                    run_id: str, category: str | None, error: str | None = None) -> Template:
        caller = await web_caller(request, session)
        run = await reconciliations.read(session, caller, run_id)
        chosen = category if category in CATEGORIES else None
        lines = await reconciliations.lines(session, caller, run_id, chosen, 1000, 0)
        return await page(session, caller, "reconciliation.html", "reconciliations", status_code=422 if error else 200,
                          run=run, lines=lines, category=chosen, names=CATEGORY_NAMES, resolutions=RESOLUTIONS,
                          provider_title=PROFILES[run.provider].title, error=error)

    @get("/{run_id:str}/xlsx")
    async def download(self, request: Request[Any, Any, Any], run_id: FromPath[str],
                       session: NamedDependency[AsyncSession],
                       reconciliations: NamedDependency[Reconciliations]) -> Response[bytes]:
        caller = await web_caller(request, session)
        run = await reconciliations.read(session, caller, run_id)
        lines = await reconciliations.all_lines(session, caller, run_id)
        return Response(await asyncio.to_thread(export.xlsx, run, lines), media_type=XLSX_MEDIA,
                        headers=attachment(f"reconciliation-{run.provider}-{run.period}.xlsx"))

    @post("/{run_id:str}/lines/{number:int}/resolution")
    async def resolve(self, request: Request[Any, Any, Any], run_id: FromPath[str], number: FromPath[int],
                      session: NamedDependency[AsyncSession],
                      reconciliations: NamedDependency[Reconciliations]) -> Template | Redirect:
        caller = await web_caller(request, session)
        require(caller, "operator")
        form = await request.form()
        body = {"resolution": str(form.get("resolution") or ""), "comment": str(form.get("comment") or "").strip() or None}
        try:
            data = decode_body(msgspec.json.encode(body), Resolution)
            await write(request, lambda s: reconciliations.resolve(s, caller, run_id, number, data))
        except REFUSALS as exc:
            return await self._show(request, session, reconciliations, run_id, None, refusal_text(exc))
        return Redirect(f"/reconciliations/{run_id}#line-{number}", status_code=303)


RECONCILIATION_PAGES = [ReconciliationPages]
