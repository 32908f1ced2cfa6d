"""The 1С-Рарус partner cabinet as REST (no public API exists; this one mirrors the cabinet's
sections: clients, requests, finances). Auth: `Authorization: Bearer <partner token>` and
`X-Partner-Code: <4-character code>` (RA-ONB-08). Errors: {"error": {"code", "message", "rule"}}.
"""
from __future__ import annotations

import hmac
from dataclasses import asdict
from decimal import Decimal
from typing import Any

from litestar import Litestar, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from ..control import control_router
from ..faults import Fault, FaultPlan
from ...tables import CSV_MEDIA, XLSX_MEDIA, to_csv, to_xlsx
from ..wire import with_faults
from .state import CabinetError, RarusSandboxState

API = "/api/v1"
REPORT_COLUMNS = ("report_date", "login", "month", "amount_paid", "fee")


def _error(status: int, code: str, message: str, rule: str | None = None) -> Response[Any]:
    return Response({"error": {"code": code, "message": message, "rule": rule}}, status_code=status)


def create_rarus_sandbox(state: RarusSandboxState, plan: FaultPlan | None = None) -> Litestar:
    plan = plan or FaultPlan()

    def fault_body(fault: Fault) -> dict[str, Any]:
        return {"error": {"code": f"sandbox_{fault.kind}", "message": "sandbox fault", "rule": None}}

    def auth_problem(request: Request[Any, Any, Any]) -> Response[Any] | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip(), state.partner.token):
            return _error(401, "unauthorised", "unknown partner token")
        code = request.headers.get("x-partner-code", "")
        if len(code) != 4 or not code.isdigit():
            return _error(403, "partner_code_format", "X-Partner-Code is the 4-character cabinet code, e.g. 0320",
                          "RA-ONB-08")
        if code != state.partner.code:
            return _error(403, "partner_code_mismatch", "X-Partner-Code does not match this token's partner")
        return None

    async def call(request: Request[Any, Any, Any], operation: str, work: Any, status: int = 200) -> Response[Any]:
        problem = auth_problem(request)
        if problem is not None:
            return problem

        async def apply() -> Response[Any]:
            try:
                state.tick()
                return Response(work(), status_code=status)
            except CabinetError as exc:
                return _error(exc.status, exc.code, exc.message, exc.rule)

        return await with_faults(plan, operation, apply, fault_body)

    async def body_of(request: Request[Any, Any, Any]) -> dict[str, Any]:
        try:
            data = await request.json()
        except Exception:
            raise CabinetError(400, "bad_json", "the body is not JSON") from None
        if not isinstance(data, dict):
            raise CabinetError(400, "bad_json", "the body is a JSON object")
        return data

    @post(API + "/trial-requests")
    async def request_trial(request: Request[Any, Any, Any]) -> Response[Any]:
        try:
            body = await body_of(request)
        except CabinetError as exc:
            return _error(exc.status, exc.code, exc.message)
        return await call(request, "POST /api/v1/trial-requests",
                          lambda: {"request": asdict(state.request_trial(body))}, 201)

    @get(API + "/trial-requests/{request_id:int}")
    async def trial_request(request: Request[Any, Any, Any], request_id: FromPath[int]) -> Response[Any]:
        def work() -> dict[str, Any]:
            if request_id not in state.requests:
                raise CabinetError(404, "not_found", f"no trial request {request_id}")
            return {"request": asdict(state.requests[request_id])}

        return await call(request, "GET /api/v1/trial-requests", work)

    @get(API + "/trial-requests")
    async def trial_requests(request: Request[Any, Any, Any], email: FromQuery[str | None] = None) -> Response[Any]:
        return await call(request, "GET /api/v1/trial-requests", lambda: {"requests": [
            asdict(r) for r in state.requests.values() if email is None or r.customer.get("email") == email]})

    @get(API + "/clients")
    async def clients(request: Request[Any, Any, Any], status: FromQuery[str | None] = None) -> Response[Any]:
        return await call(request, "GET /api/v1/clients", lambda: {"clients": [
            asdict(c) for c in state.clients.values() if c.status != "deleted" and (status is None or c.status == status)]})

    @get(API + "/clients/{login:str}")
    async def client(request: Request[Any, Any, Any], login: FromPath[str]) -> Response[Any]:
        return await call(request, "GET /api/v1/clients", lambda: {"client": asdict(state.client(login))})

    @post(API + "/clients/{login:str}/conversion")
    async def conversion(request: Request[Any, Any, Any], login: FromPath[str]) -> Response[Any]:
        body = await request.json() if await request.body() else {}
        return await call(request, "POST /api/v1/clients/conversion",
                          lambda: {"invoice": asdict(state.convert(login, body or {}))}, 201)

    @post(API + "/clients/{login:str}/changes")
    async def changes(request: Request[Any, Any, Any], login: FromPath[str]) -> Response[Any]:
        body = await request.json() if await request.body() else {}
        return await call(request, "POST /api/v1/clients/changes", lambda: {"change": state.change(login, body or {})})

    @get(API + "/invoices")
    async def invoices(request: Request[Any, Any, Any], login: FromQuery[str | None] = None) -> Response[Any]:
        return await call(request, "GET /api/v1/invoices", lambda: {"invoices": [
            asdict(i) for i in state.invoices.values() if login is None or i.login == login]})

    @get(API + "/agent-reports/{name:str}")
    async def agent_report(request: Request[Any, Any, Any], name: FromPath[str]) -> Response[Any]:
        problem = auth_problem(request)
        if problem is not None:
            return problem
        stem, _, fmt = name.partition(".")
        year, _, quarter = stem.partition("-Q")
        if fmt not in ("csv", "xlsx") or not year.isdigit() or not quarter.isdigit():
            return _error(400, "bad_name", "ask for <YYYY>-Q<n>.csv or .xlsx")
        try:
            first, rows = state.agent_report(int(year), int(quarter))
        except CabinetError as exc:
            return _error(exc.status, exc.code, exc.message, exc.rule)
        if fmt == "csv":
            return Response(to_csv(REPORT_COLUMNS, rows), media_type=CSV_MEDIA)
        return Response(to_xlsx(f"Отчет агента {first.isoformat()}", REPORT_COLUMNS, rows), media_type=XLSX_MEDIA)

    # --- control: what customers and Rarus staff do -------------------------------------------------------
    @post("/site-trial", status_code=201)
    async def site_trial(request: Request[Any, Any, Any]) -> Response[Any]:
        """A customer's own request through the site form: not attributed to the partner (RA-ONB-06)."""
        try:
            return Response({"request": asdict(state.request_trial(await body_of(request), via="site"))}, status_code=201)
        except CabinetError as exc:
            return _error(exc.status, exc.code, exc.message, exc.rule)

    @post("/trial-requests/{request_id:int}/complete", status_code=200, sync_to_thread=False)
    def complete(request_id: FromPath[int]) -> Response[Any]:
        if request_id not in state.requests:
            return _error(404, "not_found", f"no trial request {request_id}")
        state.complete(state.requests[request_id])
        return Response({"request": asdict(state.requests[request_id])})

    @post("/invoices/{invoice_id:int}/pay", status_code=200, sync_to_thread=False)
    def pay(invoice_id: FromPath[int]) -> Response[Any]:
        try:
            return Response({"invoice": asdict(state.pay(invoice_id))})
        except CabinetError as exc:
            return _error(exc.status, exc.code, exc.message, exc.rule)

    @post("/partner", status_code=200, sync_to_thread=False)
    def partner(data: JSONBody[dict[str, Any]]) -> dict[str, Any]:
        for key in ("code", "profile_code", "name", "token"):
            if key in data:
                setattr(state.partner, key, str(data[key]))
        if "agent_fee_percent" in data:
            state.partner.agent_fee_percent = Decimal(str(data["agent_fee_percent"]))
        return {"partner": asdict(state.partner) | {"token": "***"}}

    return Litestar([request_trial, trial_request, trial_requests, clients, client, conversion, changes, invoices,
                     agent_report, control_router(state.clock, plan, site_trial, complete, pay, partner,
                                                  on_clock=state.tick)], debug=False)
