"""The 1С-Рарус partner cabinet as REST (no public API exists; this one mirrors the cabinet's
sections: clients, requests, finances). Auth: `Authorization: Bearer <partner token>` and
`X-Partner-Code: <4-character code>` (RA-ONB-08). Errors: {"error": {"code", "message", "rule"}}.

The token names one of the sandbox's partner cabinets (``POST /_control/partners`` adds one) and
the code must be that partner's; each cabinet sees and changes only its own requests and clients.

The routes come in groups, each built by one function: the cabinet's trial requests, its clients and
invoices, its agent reports; and, under /_control, what customers and Rarus staff do and the partner cabinets.
"""
from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from litestar import Litestar, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody

from ..control import control_router
from ..faults import Fault, FaultPlan
from ...tables import CSV_MEDIA, XLSX_MEDIA, to_csv, to_xlsx
from ..wire import with_faults
from .state import CabinetError, RarusPartner, RarusSandboxState

API = "/api/v1"
REPORT_COLUMNS = ("report_date", "login", "month", "amount_paid", "fee")


def _error(status: int, code: str, message: str, rule: str | None = None) -> Response[Any]:
    return Response({"error": {"code": code, "message": message, "rule": rule}}, status_code=status)


def _fault_body(fault: Fault) -> dict[str, Any]:
    return {"error": {"code": f"sandbox_{fault.kind}", "message": "sandbox fault", "rule": None}}


async def body_of(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The request's JSON object, or a 400 CabinetError."""
    try:
        data = await request.json()
    except Exception:
        raise CabinetError(400, "bad_json", "the body is not JSON") from None
    if not isinstance(data, dict):
        raise CabinetError(400, "bad_json", "the body is a JSON object")
    return data


class Cabinet:
    """How a partner's call reaches the state: signed in by token and code, faults applied, refusals answered."""

    def __init__(self, state: RarusSandboxState, plan: FaultPlan) -> None:
        self.state, self.plan = state, plan

    def signed_in(self, request: Request[Any, Any, Any]) -> RarusPartner | Response[Any]:
        """The partner whose token and code the request carries, or the error answer."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        partner = self.state.by_token(token.strip()) if scheme.lower() == "bearer" else None
        if partner is None:
            return _error(401, "unauthorised", "unknown partner token")
        code = request.headers.get("x-partner-code", "")
        if len(code) != 4 or not code.isdigit():
            return _error(403, "partner_code_format", "X-Partner-Code is the 4-character cabinet code, e.g. 0320",
                          "RA-ONB-08")
        if code != partner.code:
            return _error(403, "partner_code_mismatch", "X-Partner-Code does not match this token's partner")
        return partner

    async def call(self, request: Request[Any, Any, Any], operation: str, work: Any, status: int = 200) -> Response[Any]:
        who = self.signed_in(request)
        if isinstance(who, Response):
            return who

        async def apply() -> Response[Any]:
            try:
                self.state.tick()
                return Response(work(who), status_code=status)
            except CabinetError as exc:
                return _error(exc.status, exc.code, exc.message, exc.rule)

        return await with_faults(self.plan, operation, apply, _fault_body)


# --- the partner's cabinet ---------------------------------------------------------------------------------
def trial_routes(state: RarusSandboxState, cabinet: Cabinet) -> list[Any]:
    """Trial requests (RA-ONB-01…06): make one, read one, list them."""

    @post(API + "/trial-requests")
    async def request_trial(request: Request[Any, Any, Any]) -> Response[Any]:
        try:
            body = await body_of(request)
        except CabinetError as exc:
            return _error(exc.status, exc.code, exc.message)
        return await cabinet.call(request, "POST /api/v1/trial-requests",
                                  lambda who: {"request": asdict(state.request_trial(body, who=who))}, 201)

    @get(API + "/trial-requests/{request_id:int}")
    async def trial_request(request: Request[Any, Any, Any], request_id: FromPath[int]) -> Response[Any]:
        return await cabinet.call(request, "GET /api/v1/trial-requests",
                                  lambda who: {"request": asdict(state.trial_request(request_id, who))})

    @get(API + "/trial-requests")
    async def trial_requests(request: Request[Any, Any, Any], email: FromQuery[str | None] = None) -> Response[Any]:
        return await cabinet.call(request, "GET /api/v1/trial-requests", lambda who: {"requests": [
            asdict(r) for r in state.requests_of(who, email)]})

    return [request_trial, trial_request, trial_requests]


def client_routes(state: RarusSandboxState, cabinet: Cabinet) -> list[Any]:
    """Clients, their conversion to paying and their changes (RA-BILL-01, RA-BILL-02), and the invoices."""

    @get(API + "/clients")
    async def clients(request: Request[Any, Any, Any], status: FromQuery[str | None] = None) -> Response[Any]:
        return await cabinet.call(request, "GET /api/v1/clients", lambda who: {"clients": [
            asdict(c) for c in state.clients_of(who) if status is None or c.status == status]})

    @get(API + "/clients/{login:str}")
    async def client(request: Request[Any, Any, Any], login: FromPath[str]) -> Response[Any]:
        return await cabinet.call(request, "GET /api/v1/clients", lambda who: {"client": asdict(state.client(login, who))})

    @post(API + "/clients/{login:str}/conversion")
    async def conversion(request: Request[Any, Any, Any], login: FromPath[str]) -> Response[Any]:
        body = await request.json() if await request.body() else {}
        return await cabinet.call(request, "POST /api/v1/clients/conversion",
                                  lambda who: {"invoice": asdict(state.convert(login, body or {}, who))}, 201)

    @post(API + "/clients/{login:str}/changes")
    async def changes(request: Request[Any, Any, Any], login: FromPath[str]) -> Response[Any]:
        body = await request.json() if await request.body() else {}
        return await cabinet.call(request, "POST /api/v1/clients/changes",
                                  lambda who: {"change": state.change(login, body or {}, who)})

    @get(API + "/invoices")
    async def invoices(request: Request[Any, Any, Any], login: FromQuery[str | None] = None) -> Response[Any]:
        return await cabinet.call(request, "GET /api/v1/invoices", lambda who: {"invoices": [
            asdict(i) for i in state.invoices_of(who, login)]})

    return [clients, client, conversion, changes, invoices]


def report_routes(state: RarusSandboxState, cabinet: Cabinet) -> list[Any]:
    """The quarterly agent reports (RA-COMM-01…03), as CSV or XLSX."""

    @get(API + "/agent-reports/{name:str}")
    async def agent_report(request: Request[Any, Any, Any], name: FromPath[str]) -> Response[Any]:
        who = cabinet.signed_in(request)
        if isinstance(who, Response):
            return who
        stem, _, fmt = name.partition(".")
        year, _, quarter = stem.partition("-Q")
        if fmt not in ("csv", "xlsx") or not year.isdigit() or not quarter.isdigit():
            return _error(400, "bad_name", "ask for <YYYY>-Q<n>.csv or .xlsx")
        try:
            first, rows = state.agent_report(int(year), int(quarter), who)
        except CabinetError as exc:
            return _error(exc.status, exc.code, exc.message, exc.rule)
        if fmt == "csv":
            return Response(to_csv(REPORT_COLUMNS, rows), media_type=CSV_MEDIA)
        return Response(to_xlsx(f"Отчет агента {first.isoformat()}", REPORT_COLUMNS, rows), media_type=XLSX_MEDIA)

    return [agent_report]


# --- control: what customers and Rarus staff do ----------------------------------------------------------
def desk_routes(state: RarusSandboxState) -> list[Any]:
    """A customer's own trial request, Rarus completing a request, a customer paying an invoice."""

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

    return [site_trial, complete, pay]


def partner_routes(state: RarusSandboxState) -> list[Any]:
    """The partner cabinets of the sandbox: the default one's details, another one added, the list."""

    @post("/partner", status_code=200, sync_to_thread=False)
    def partner(data: JSONBody[dict[str, Any]]) -> dict[str, Any]:
        for key in ("code", "profile_code", "name", "token"):
            if key in data:
                setattr(state.partner, key, str(data[key]))
        if "agent_fee_percent" in data:
            state.partner.agent_fee_percent = Decimal(str(data["agent_fee_percent"]))
        return {"partner": asdict(state.partner) | {"token": "***"}}

    @post("/partners", status_code=201, sync_to_thread=False)
    def add_partner(data: JSONBody[dict[str, Any]]) -> Response[Any]:
        """Register another partner cabinet {code, token, name?, profile_code?, agent_fee_percent?}
        (or change the one with that code)."""
        code, token = str(data.get("code") or ""), str(data.get("token") or "")
        if len(code) != 4 or not code.isdigit() or not token:
            return _error(422, "bad_partner", "a partner cabinet needs a 4-character code and a token", "RA-ONB-08")
        added = state.register(RarusPartner(code, str(data.get("profile_code", code)), str(data.get("name", "Партнер")),
                                            token, Decimal(str(data.get("agent_fee_percent", "20")))))
        return Response({"partner": asdict(added) | {"token": "***"}}, status_code=201)

    @get("/partners", sync_to_thread=False)
    def list_partners() -> dict[str, Any]:
        return {"partners": [asdict(p) | {"token": "***"} for p in state.partners]}

    return [partner, add_partner, list_partners]


def create_rarus_sandbox(state: RarusSandboxState, plan: FaultPlan | None = None) -> Litestar:
    plan = plan or FaultPlan()
    cabinet = Cabinet(state, plan)
    control = control_router(state.clock, plan, *desk_routes(state), *partner_routes(state), on_clock=state.tick)
    return Litestar([*trial_routes(state, cabinet), *client_routes(state, cabinet), *report_routes(state, cabinet),
                     control], debug=False)
