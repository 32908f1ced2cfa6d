from __future__ import annotations

import asyncio
import hashlib
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from sqlalchemy.ext.asyncio import AsyncSession

from hub.core.auth import needs
from hub.core.deps import idempotent_write
from hub.core.exceptions import InvalidField, Malformed
from hub.core.input_guard import decode_body
from hub.core.paging import check_window
from hub.core.spreadsheet import CSV_MEDIA, XLSX_MEDIA, attachment
from hub.reconciliation import export
from hub.reconciliation.fetching import attribution_for, fetch_for, signer
from hub.reconciliation.payout import PayoutCreate, request_payout
from hub.reconciliation.schemas import LineOut, LinePage, ReconciliationCreate, ReconciliationOut, Resolution
from hub.reconciliation.service import Reconciliations
from hub.reconciliation.documents import MAX_BYTES

UPLOAD_LIMIT = MAX_BYTES + 64 * 1024  # the file and its form fields


class ReconciliationsController(Controller):
    path = "/api/v1/reconciliations"
    tags = ["reconciliation"]

    @post(guards=[needs("operator")], status_code=201, request_max_body_size=UPLOAD_LIMIT,
          summary="Reconcile a provider's statement (month) or agent report (quarter) against what the hub sold")
    async def create(self, request: Request[Any, Any, Any],
                     reconciliations: NamedDependency[Reconciliations]) -> Response[ReconciliationOut]:
        """JSON `{"provider", "period"}` fetches the document from the provider; multipart/form-data with
        the same fields and `file` (CSV `;` UTF-8, or XLSX) reconciles an uploaded one. Accepts Idempotency-Key."""
        provider, period, document, filename = await _input(request)
        same = msgspec.json.encode({"provider": provider, "period": period, "filename": filename,
                                    "file": hashlib.sha256(document).hexdigest() if document is not None else None})
        reconciliations.period(provider, period)  # a bad provider or period before anything is fetched
        state = request.app.state
        sign_in = signer(state.db, lambda: state.vault, state.adapters, request.user.partner_id, provider)
        fetch = None if document is not None else fetch_for(sign_in, provider)
        attribution = attribution_for(sign_in, provider)

        async def run(session: AsyncSession) -> ReconciliationOut:
            return await reconciliations.run(session, request.user, provider, period, document=document,
                                             filename=filename, fetch=fetch, attribution=attribution)

        return await idempotent_write(request, 201, run, same_request=same)

    @post("/{run_id:str}/payout", guards=[needs("operator")], status_code=200,
          summary="RA-COMM-02: record the act's number and date, the expected payout, and mail the cover letter")
    async def payout(self, request: Request[Any, Any, Any], run_id: FromPath[str], data: JSONBody[PayoutCreate],
                     reconciliations: NamedDependency[Reconciliations]) -> Response[ReconciliationOut]:
        async def record(session: AsyncSession) -> ReconciliationOut:
            run = await request_payout(session, request.user, run_id, data, reconciliations.clock.now())
            return reconciliations.out(run)

        return await idempotent_write(request, 200, record)

    @get(summary="Reconciliation runs, newest first")
    async def list_(self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession],
                    reconciliations: NamedDependency[Reconciliations], provider: FromQuery[str | None] = None,
                    limit: FromQuery[int] = 50, offset: FromQuery[int] = 0) -> list[ReconciliationOut]:
        check_window(limit, offset)
        return await reconciliations.search(session, request.user, provider, limit, offset)

    @get("/{run_id:str}", summary="One run: summary and totals; ?format=xlsx|csv for the whole report")
    async def read(self, request: Request[Any, Any, Any], run_id: FromPath[str], session: NamedDependency[AsyncSession],
                   reconciliations: NamedDependency[Reconciliations], format: FromQuery[str] = "json") -> Response[Any]:
        run = await reconciliations.read(session, request.user, run_id)
        if format == "json":
            return Response(run)
        if format not in ("xlsx", "csv"):
            raise InvalidField("format", "json, csv or xlsx")
        lines = await reconciliations.all_lines(session, request.user, run_id)
        name = f"reconciliation-{run.provider}-{run.period}.{format}"
        make, media = (lambda: export.xlsx(run, lines), XLSX_MEDIA) if format == "xlsx" else \
            (lambda: export.csv(lines), CSV_MEDIA)
        body = await asyncio.to_thread(make)  # a large run's workbook must not hold up every other request
        return Response(body, media_type=media, headers=attachment(name))

    @get("/{run_id:str}/lines", summary="A run's lines, by category")
    async def lines(self, request: Request[Any, Any, Any], run_id: FromPath[str], session: NamedDependency[AsyncSession],
                    reconciliations: NamedDependency[Reconciliations], category: FromQuery[str | None] = None,
                    limit: FromQuery[int] = 200, offset: FromQuery[int] = 0) -> LinePage:
        check_window(limit, offset, most=1000)
        return await reconciliations.lines(session, request.user, run_id, category, limit, offset)

    @post("/{run_id:str}/lines/{number:int}/resolution", guards=[needs("operator")], status_code=200,
          summary="Mark a difference disputed or accepted, with a comment (audited)")
    async def resolve(self, request: Request[Any, Any, Any], run_id: FromPath[str], number: FromPath[int],
                      data: JSONBody[Resolution], reconciliations: NamedDependency[Reconciliations]) -> Response[LineOut]:
        return await idempotent_write(request, 200, lambda s: reconciliations.resolve(s, request.user, run_id, number, data))


async def _input(request: Request[Any, Any, Any]) -> tuple[str, str, bytes | None, str | None]:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "multipart/form-data":
        body = await request.body()
        if not body.strip():
            raise InvalidField("body", "give {\"provider\", \"period\"} as JSON, or a multipart form with a file")
        data = decode_body(body, ReconciliationCreate)
        return data.provider, data.period, None, None
    await request.body()  # read once: the form is parsed from it
    try:
        form = await request.form()
    except (UnicodeDecodeError, LookupError, ValueError) as exc:  # a part in an unknown or broken encoding
        raise Malformed(f"the multipart form cannot be read: {type(exc).__name__}") from None
    fields = {k: form.get(k) for k in ("provider", "period")}
    for name, value in fields.items():
        if not isinstance(value, str) or not value.strip():
            raise InvalidField(name, "a form field of the upload")
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise InvalidField("file", "the statement or agent report as a file field (CSV or XLSX)")
    document = await upload.read()
    data = decode_body(msgspec.json.encode(fields), ReconciliationCreate)
    return data.provider, data.period, document, upload_name(upload.filename)


def upload_name(name: str | None) -> str:
    """The uploaded file's own name, one line, without folders, at most 200 characters."""
    last = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch if ch.isprintable() else " " for ch in last).strip()[:200] or "upload"
