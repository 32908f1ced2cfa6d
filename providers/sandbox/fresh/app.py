"""The Service Manager's external interface (ext_api) of a Fresh-family cloud, as a Litestar app.

Every call: POST /a/adm/hs/ext_api/execute (or .../execute/<group>/<name>), HTTP Basic auth,
body {"general": {"type": "usr", "method": "<group/name>", "version": N},
      "auth": {"account": <partner subscriber number>}, ...parameters}.
Answer: HTTP 200, {"general": {"error": bool, "response": code, "message": str}, ...data}.
"""
from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import msgspec
from litestar import Litestar, Request, Response, get, post
from litestar.params import FromPath, JSONBody

from pricing import PartnerStanding

from ..control import control_router
from ..faults import Fault, FaultPlan
from ...tables import CSV_MEDIA, XLSX_MEDIA, to_csv, to_xlsx
from ..wire import with_faults
from .state import FreshSandboxState, Refusal, bad

EXECUTE = "/a/adm/hs/ext_api/execute"
OK, CREATED = 10200, 10201
STATEMENT_COLUMNS = ("subscription", "subscriber", "tariff", "period_start", "period_end", "retail", "discount_percent",
                     "amount")

Method = Callable[[FreshSandboxState, dict[str, Any]], tuple[int, dict[str, Any]]]


def _subscriber_out(state: FreshSandboxState, number: int) -> dict[str, Any]:
    s = state.subscribers[number]
    return {"number": s.number, "name": s.card.get("legal_name") or s.card.get("email"), "trial_tariff": s.trial_tariff,
            "trial_start": s.trial_start, "trial_end": s.trial_end, "invitation": s.invitation}


def _card(state: FreshSandboxState, number: Any) -> dict[str, Any]:
    subscriber = state.subscriber(number)
    return {"subscriber": subscriber.number, "card": subscriber.card, "missing": state.card_missing(subscriber)}


def _invitations(state: FreshSandboxState, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    state.tick()
    email = str(params.get("email") or "").lower()
    return OK, {"invitations": [asdict(i) for i in state.invitations.values() if not email or i.email == email]}


def _customers(state: FreshSandboxState, _: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    state.tick()
    return OK, {"customers": [_subscriber_out(state, n) for n in state.subscribers]}


def _subs(state: FreshSandboxState, params: dict[str, Any]) -> list[dict[str, Any]]:
    subscriber = params.get("subscriber")
    return [asdict(s) for s in state.subscriptions.values() if subscriber is None or str(s.subscriber) == str(subscriber)]


METHODS: dict[str, Method] = {
    "invitation/send": lambda st, p: (CREATED, {"invitation": asdict(st.send_invitation(p))}),
    "invitation/list": _invitations,
    "invitation/info": lambda st, p: (OK, {"invitation": asdict(st.invitation(int(p.get("id", 0))))}),
    "invitation/block": lambda st, p: (OK, {"invitation": asdict(st.block_invitation(int(p.get("id", 0))))}),
    "account/customers/list": _customers,
    "account/customers/info": lambda st, p: (OK, {"customer": _subscriber_out(st, st.subscriber(p.get("subscriber")).number)}),
    "account/customers/attached_info": lambda st, p: (OK, _card(st, p.get("subscriber"))),
    "account/customers/update_attached_info": lambda st, p: (
        OK, _card(st, st.update_card(p.get("subscriber"), dict(p.get("card") or {})).number)),
    "account/customer_subscriptions/list": lambda st, p: (OK, {"subscriptions": _subs(st, {"subscriber": st.subscriber(p.get("subscriber")).number})}),
    "account/customer_subscriptions/info": lambda st, p: (OK, {"subscription": asdict(st.subscription(p.get("subscription")))}),
    "account/customer_subscriptions/create": lambda st, p: (CREATED, {"subscription": asdict(st.create_main(p))}),
    "account/customer_subscriptions/create_enhanced": lambda st, p: (CREATED, {"subscription": asdict(st.create_addon(p))}),
    "account/customer_subscriptions/create_upgrade": lambda st, p: (CREATED, {"subscription": asdict(st.create_upgrade(p))}),
    "account/customer_subscriptions/renew": lambda st, p: (CREATED, {"subscription": asdict(st.renew(p))}),
    "account/customer_subscriptions/prolong": lambda st, p: (OK, {"subscription": asdict(st.prolong(p))}),
    "account/customer_subscriptions/update": lambda st, p: (OK, {"subscription": asdict(st.correct(p))}),
    "subscription/info": lambda st, p: (OK, {"subscription": asdict(st.subscription(p.get("subscription")))}),
    "subscription/list": lambda st, p: (OK, {"subscriptions": _subs(st, p)}),
    "tenant/list": lambda st, p: (OK, {"tenants": [{"application": a} for a in st.applications(st.subscriber(p.get("subscriber")))]}),
}


def envelope(code: int, message: str = "OK", rule: str | None = None, **data: Any) -> dict[str, Any]:
    general: dict[str, Any] = {"error": code not in (OK, CREATED, 10202, 10240), "response": code, "message": message}
    if rule:
        general["rule"] = rule
    return {"general": general, **data}


def _authorised(request: Request[Any, Any, Any], state: FreshSandboxState) -> bool:
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        login, _, password = base64.b64decode(encoded).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return hmac.compare_digest(login, state.partner.login) and hmac.compare_digest(password, state.partner.password)


def create_fresh_sandbox(state: FreshSandboxState, plan: FaultPlan | None = None, extra_control: tuple[Any, ...] = (),
                         on_clock: Callable[[], Any] | None = None) -> Litestar:
    """The ext_api, the monthly statements, and the control API (clock, faults, activation, standing)."""
    plan = plan or FaultPlan()
    unauthorised = Response(envelope(10401, "authentication failed"), status_code=401,
                            headers={"WWW-Authenticate": 'Basic realm="ext_api"'})

    def fault_body(fault: Fault) -> dict[str, Any]:
        return envelope(10500 if fault.kind == "error" else 10429, f"sandbox fault: {fault.kind}")

    async def execute(request: Request[Any, Any, Any], path_method: str | None) -> Response[Any]:
        if not _authorised(request, state):
            return unauthorised
        try:
            body = await request.json()
        except Exception:
            return Response(envelope(10400, "the body is not JSON"))
        if not isinstance(body, dict):
            return Response(envelope(10400, "the body is a JSON object"))
        general = body.get("general") or {}
        method = path_method or general.get("method")
        if (body.get("auth") or {}).get("account") != state.partner.account:
            return Response(envelope(10403, "auth.account is not this partner's subscriber number"))
        handler = METHODS.get(str(method))
        if handler is None:
            return Response(envelope(10400, f"unknown method {method!r}"))
        params = {k: v for k, v in body.items() if k not in ("general", "auth")}

        async def apply() -> Response[Any]:
            try:
                code, data = handler(state, params)
            except Refusal as refusal:
                return Response(envelope(refusal.code, refusal.message, refusal.rule))
            except (TypeError, ValueError) as exc:
                refusal = bad(f"bad parameters: {exc}")
                return Response(envelope(refusal.code, refusal.message))
            return Response(envelope(code, "OK", **data))

        return await with_faults(plan, str(method), apply, fault_body)

    @post(EXECUTE, status_code=200)
    async def execute_body(request: Request[Any, Any, Any]) -> Response[Any]:
        return await execute(request, None)

    @post(EXECUTE + "/{method:path}", status_code=200)
    async def execute_path(request: Request[Any, Any, Any], method: FromPath[str]) -> Response[Any]:
        call_type, _, name = method.strip("/").partition("/")
        return await execute(request, name if call_type == "usr" else method.strip("/"))

    @get("/a/adm/hs/ext_api/statements/{name:str}")
    async def statement(request: Request[Any, Any, Any], name: FromPath[str]) -> Response[Any]:
        if not _authorised(request, state):
            return unauthorised
        month, _, fmt = name.partition(".")
        if fmt not in ("csv", "xlsx") or len(month) != 7:
            return Response(envelope(10400, "ask for <YYYY-MM>.csv or <YYYY-MM>.xlsx"), status_code=400)
        lines = state.statement(month, plan.statements)
        if fmt == "csv":
            return Response(to_csv(STATEMENT_COLUMNS, lines), media_type=CSV_MEDIA)
        return Response(to_xlsx(f"Счет {month}", STATEMENT_COLUMNS, lines), media_type=XLSX_MEDIA)

    @post("/invitations/{invitation_id:int}/activate", status_code=200, sync_to_thread=False)
    def activate(invitation_id: FromPath[int]) -> dict[str, Any]:
        try:
            return {"invitation": asdict(state.activate(invitation_id))}
        except Refusal as refusal:
            return envelope(refusal.code, refusal.message)

    @post("/partner", status_code=200, sync_to_thread=False)
    def set_standing(data: JSONBody[dict[str, Any]]) -> dict[str, Any]:
        state.partner.standing = msgspec.convert(data, PartnerStanding)
        return {"standing": msgspec.to_builtins(state.partner.standing)}

    return Litestar([execute_body, execute_path, statement,
                     control_router(state.clock, plan, activate, set_standing, *extra_control,
                                    on_clock=on_clock or state.tick)], debug=False)
