"""The Service Manager's external interface (ext_api) of a Fresh-family cloud, as a Litestar app.

Every call: POST /a/adm/hs/ext_api/execute (or .../execute/<group>/<name>), HTTP Basic auth,
body {"general": {"type": "usr", "method": "<group/name>", "version": N},
      "auth": {"account": <partner subscriber number>}, ...parameters}.
Answer: HTTP 200, {"general": {"error": bool, "response": code, "message": str}, ...data}.

The Basic-auth login names one of the sandbox's partner accounts (``POST /_control/partners``
adds one) and ``auth.account`` must be that partner's number; each account sees and changes
only its own invitations, subscribers and subscriptions.
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

from pricing import PartnerStanding, Standing, pricing_standing

from ..control import control_router
from ..faults import Fault, FaultPlan
from ...tables import CSV_MEDIA, XLSX_MEDIA, to_csv, to_xlsx
from ..wire import with_faults
from .state import FreshPartner, FreshSandboxState, Refusal, bad

EXECUTE = "/a/adm/hs/ext_api/execute"
OK, CREATED = 10200, 10201
STATEMENT_COLUMNS = ("subscription", "subscriber", "tariff", "period_start", "period_end", "retail", "discount_percent",
                     "amount")

Method = Callable[[FreshSandboxState, FreshPartner, dict[str, Any]], tuple[int, dict[str, Any]]]


def _subscriber_out(state: FreshSandboxState, number: int) -> dict[str, Any]:
    s = state.subscribers[number]
    return {"number": s.number, "name": s.card.get("legal_name") or s.card.get("email"), "trial_tariff": s.trial_tariff,
            "trial_start": s.trial_start, "trial_end": s.trial_end, "invitation": s.invitation}


def _card(state: FreshSandboxState, who: FreshPartner, number: Any) -> dict[str, Any]:
    subscriber = state.subscriber(number, who)
    return {"subscriber": subscriber.number, "card": subscriber.card, "missing": state.card_missing(subscriber)}


def _invitations(state: FreshSandboxState, who: FreshPartner, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    email = str(params.get("email") or "").strip().lower()
    return OK, {"invitations": [asdict(i) for i in state.invitations_of(who, email)]}


def _customers(state: FreshSandboxState, who: FreshPartner, _: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return OK, {"customers": [_subscriber_out(state, s.number) for s in state.subscribers_of(who)]}


def _subs(state: FreshSandboxState, who: FreshPartner, params: dict[str, Any]) -> list[dict[str, Any]]:
    return [asdict(s) for s in state.subscriptions_of(who, params.get("subscriber"))]


METHODS: dict[str, Method] = {
    "invitation/send": lambda st, w, p: (CREATED, {"invitation": asdict(st.send_invitation(p, w))}),
    "invitation/list": _invitations,
    "invitation/info": lambda st, w, p: (OK, {"invitation": asdict(st.invitation(int(p.get("id", 0)), w))}),
    "invitation/block": lambda st, w, p: (OK, {"invitation": asdict(st.block_invitation(int(p.get("id", 0)), w))}),
    "account/customers/list": _customers,
    "account/customers/info": lambda st, w, p: (
        OK, {"customer": _subscriber_out(st, st.subscriber(p.get("subscriber"), w).number)}),
    "account/customers/attached_info": lambda st, w, p: (OK, _card(st, w, p.get("subscriber"))),
    "account/customers/update_attached_info": lambda st, w, p: (
        OK, _card(st, w, st.update_card(p.get("subscriber"), dict(p.get("card") or {}), w).number)),
    "account/customers/users/add": lambda st, w, p: (CREATED, {"users": st.add_users(p, w)}),
    "account/customers/users/list": lambda st, w, p: (OK, {"users": st.subscriber(p.get("subscriber"), w).users}),
    "account/customer_subscriptions/list": lambda st, w, p: (
        OK, {"subscriptions": _subs(st, w, {"subscriber": st.subscriber(p.get("subscriber"), w).number})}),
    "account/customer_subscriptions/info": lambda st, w, p: (
        OK, {"subscription": asdict(st.subscription(p.get("subscription"), w))}),
    "account/customer_subscriptions/create": lambda st, w, p: (CREATED, {"subscription": asdict(st.create_main(p, w))}),
    "account/customer_subscriptions/create_enhanced": lambda st, w, p: (
        CREATED, {"subscription": asdict(st.create_addon(p, w))}),
    "account/customer_subscriptions/create_upgrade": lambda st, w, p: (
        CREATED, {"subscription": asdict(st.create_upgrade(p, w))}),
    "account/customer_subscriptions/renew": lambda st, w, p: (CREATED, {"subscription": asdict(st.renew(p, w))}),
    "account/customer_subscriptions/prolong": lambda st, w, p: (OK, {"subscription": asdict(st.prolong(p, w))}),
    "account/customer_subscriptions/update": lambda st, w, p: (OK, {"subscription": asdict(st.correct(p, w))}),
    "subscription/info": lambda st, w, p: (OK, {"subscription": asdict(st.subscription(p.get("subscription"), w))}),
    "subscription/list": lambda st, w, p: (OK, {"subscriptions": _subs(st, w, p)}),
    "tenant/list": lambda st, w, p: (
        OK, {"tenants": [{"application": a} for a in st.applications(st.subscriber(p.get("subscriber"), w))]}),
}


def envelope(code: int, message: str = "OK", rule: str | None = None, **data: Any) -> dict[str, Any]:
    general: dict[str, Any] = {"error": code not in (OK, CREATED, 10202, 10240), "response": code, "message": message}
    if rule:
        general["rule"] = rule
    return {"general": general, **data}


def _authorised(request: Request[Any, Any, Any], state: FreshSandboxState) -> FreshPartner | None:
    """The partner account whose Basic-auth login and password the request carries, or None."""
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        login, _, password = base64.b64decode(encoded).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    partner = state.partners.get(login)
    expected = partner.password if partner is not None else "\0"  # the same work for an unknown login
    if not hmac.compare_digest(password.encode(), expected.encode()) or partner is None:
        return None
    return partner


class PartnerAccount(msgspec.Struct, forbid_unknown_fields=True):
    """A partner account of this sandbox: its Basic-auth user and its own subscriber number."""

    account: int
    login: str
    password: str
    standing: Standing | None = None  # as the hub stores it: {"fresh_ru": {"csk": true}, ...}


def _unauthorised() -> Response[Any]:
    return Response(envelope(10401, "authentication failed"), status_code=401,
                    headers={"WWW-Authenticate": 'Basic realm="ext_api"'})


def _fault_body(fault: Fault) -> dict[str, Any]:
    return envelope(10500 if fault.kind == "error" else 10429, f"sandbox fault: {fault.kind}")


def execute_routes(state: FreshSandboxState, plan: FaultPlan) -> list[Any]:
    """The ext_api call, its method named in the body or in the path, faults applied."""

    async def execute(request: Request[Any, Any, Any], path_method: str | None) -> Response[Any]:
        who = _authorised(request, state)
        if who is None:
            return _unauthorised()
        try:
            body = await request.json()
        except Exception:
            return Response(envelope(10400, "the body is not JSON"))
        if not isinstance(body, dict):
            return Response(envelope(10400, "the body is a JSON object"))
        general = body.get("general") or {}
        method = path_method or general.get("method")
        if (body.get("auth") or {}).get("account") != who.account:
            return Response(envelope(10403, "auth.account is not this partner's subscriber number"))
        handler = METHODS.get(str(method))
        if handler is None:
            return Response(envelope(10400, f"unknown method {method!r}"))
        params = {k: v for k, v in body.items() if k not in ("general", "auth")}

        async def apply() -> Response[Any]:
            try:
                code, data = handler(state, who, params)
            except Refusal as refusal:
                return Response(envelope(refusal.code, refusal.message, refusal.rule))
            except (TypeError, ValueError) as exc:
                refusal = bad(f"bad parameters: {exc}")
                return Response(envelope(refusal.code, refusal.message))
            return Response(envelope(code, "OK", **data))

        return await with_faults(plan, str(method), apply, _fault_body)

    @post(EXECUTE, status_code=200)
    async def execute_body(request: Request[Any, Any, Any]) -> Response[Any]:
        return await execute(request, None)

    @post(EXECUTE + "/{method:path}", status_code=200)
    async def execute_path(request: Request[Any, Any, Any], method: FromPath[str]) -> Response[Any]:
        call_type, _, name = method.strip("/").partition("/")
        return await execute(request, name if call_type == "usr" else method.strip("/"))

    return [execute_body, execute_path]


def statement_routes(state: FreshSandboxState, plan: FaultPlan) -> list[Any]:
    """The monthly partner statement, as CSV or XLSX, with the plan's statement defects."""

    @get("/a/adm/hs/ext_api/statements/{name:str}")
    async def statement(request: Request[Any, Any, Any], name: FromPath[str]) -> Response[Any]:
        who = _authorised(request, state)
        if who is None:
            return _unauthorised()
        month, _, fmt = name.partition(".")
        if fmt not in ("csv", "xlsx") or len(month) != 7:
            return Response(envelope(10400, "ask for <YYYY-MM>.csv or <YYYY-MM>.xlsx"), status_code=400)
        lines = state.statement(month, plan.statements, who)
        if fmt == "csv":
            return Response(to_csv(STATEMENT_COLUMNS, lines), media_type=CSV_MEDIA)
        return Response(to_xlsx(f"Счет {month}", STATEMENT_COLUMNS, lines), media_type=XLSX_MEDIA)

    return [statement]


def control_routes(state: FreshSandboxState) -> list[Any]:
    """/_control: a customer activating an invitation, the partner accounts and their standing."""

    @post("/invitations/{invitation_id:int}/activate", status_code=200, sync_to_thread=False)
    def activate(invitation_id: FromPath[int]) -> dict[str, Any]:
        try:
            return {"invitation": asdict(state.activate(invitation_id))}
        except Refusal as refusal:
            return envelope(refusal.code, refusal.message)

    @post("/partner", status_code=200, sync_to_thread=False)
    def set_standing(data: JSONBody[Standing]) -> dict[str, Any]:
        """The default partner's standing, spelled as the hub stores it (every account's own standing:
        ``POST /_control/partners``)."""
        state.partner.standing = pricing_standing(data)
        return {"standing": msgspec.to_builtins(data)}

    @post("/partners", status_code=201, sync_to_thread=False)
    def add_partner(data: JSONBody[PartnerAccount]) -> dict[str, Any]:
        """Register another partner account (or change the one with that login): what a second
        partner's credentials at this Service Manager are."""
        partner = state.register(FreshPartner(data.account, data.login, data.password,
                                              pricing_standing(data.standing) if data.standing else PartnerStanding()))
        return {"account": partner.account, "login": partner.login}

    @get("/partners", sync_to_thread=False)
    def list_partners() -> dict[str, Any]:
        return {"partners": [{"account": p.account, "login": p.login} for p in state.partners.values()]}

    @post("/store-extensions", status_code=201, sync_to_thread=False)
    def store_extension(data: JSONBody[dict[str, Any]]) -> Response[Any]:
        """A customer connecting an extension of 1С:Магазин расширений (FR-DISC-06): {subscriber, name,
        monthly_retail, months, start}; billed to the subscriber's partner in the monthly statement."""
        if state.catalog.extension_store is None:
            return Response(envelope(10404, f"{state.catalog.title} has no extension store"), status_code=404)
        try:
            found = state.subscribers.get(int(data.get("subscriber") or 0))
        except (TypeError, ValueError):
            found = None
        who = next((p for p in state.partners.values() if found and p.account == found.partner_account), None)
        try:
            made = state.connect_store_extension(data, who)
        except Refusal as refusal:
            return Response(envelope(refusal.code, refusal.message), status_code=422)
        return Response({"subscription": asdict(made)}, status_code=201)

    return [activate, set_standing, add_partner, list_partners, store_extension]


def create_fresh_sandbox(state: FreshSandboxState, plan: FaultPlan | None = None, extra_control: tuple[Any, ...] = (),
                         on_clock: Callable[[], Any] | None = None) -> Litestar:
    """The ext_api, the monthly statements, and the control API (clock, faults, activation, standing)."""
    plan = plan or FaultPlan()
    control = control_router(state.clock, plan, *control_routes(state), *extra_control, on_clock=on_clock or state.tick)
    return Litestar([*execute_routes(state, plan), *statement_routes(state, plan), control], debug=False)
