"""Signing in to the web pages with an API key, once: the browser then holds an encrypted, HttpOnly,
SameSite=Strict session cookie that expires (SESSION_HOURS); every form carries a CSRF token (Litestar's
CSRF middleware); signing out clears it. Each page re-reads the key, so a revoked key's sessions end and
roles apply as in the API."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import HTTPException
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from hub.core.caller import Caller
from hub.partners.service import authenticate, caller_of_key

SESSION_HOURS = 8
ROLE_NAMES = {"viewer": "просмотр", "operator": "оператор", "admin": "администратор"}


class SignInNeeded(HTTPException):
    """No live session: the page answers with a redirect to Вход (hub/web/setup.py)."""

    status_code = 401


class NotAllowed(HTTPException):
    status_code = 403

    def __init__(self, caller: Caller, detail: str) -> None:
        super().__init__(detail=detail)
        self.caller = caller  # signed in: the 403 page keeps the menu


async def web_caller(request: Request[Any, Any, Any], session: AsyncSession) -> Caller:
    """The signed-in caller of a page, or SignInNeeded."""
    data = request.session or {}
    key_id, until = data.get("key_id"), data.get("until")
    now = request.app.state.clock.now()
    if not key_id or not until or datetime.fromisoformat(until) < now:
        raise SignInNeeded(detail="sign in")
    caller = await caller_of_key(session, key_id)
    if caller is None:
        request.clear_session()
        raise SignInNeeded(detail="the key was revoked")
    return caller


def require(caller: Caller, role: str) -> None:
    if not caller.may(role):
        raise NotAllowed(caller, f"нужна роль «{ROLE_NAMES[role]}»; у этого ключа — «{ROLE_NAMES[caller.role]}»")


def safe_next(target: str | None) -> str:
    """Only a path of this site: never another host (an open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


class SignIn(Controller):
    path = "/signin"
    include_in_schema = False

    @get()
    async def form(self, next: FromQuery[str | None] = None) -> Template:
        return Template("signin.html", context={"next": safe_next(next), "error": None})

    @post()
    async def sign_in(self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession]) -> Template | Redirect:
        form = await request.form()
        presented = str(form.get("key") or "").strip()
        target = safe_next(str(form.get("next") or "/"))
        caller = await authenticate(session, presented) if presented and len(presented) < 200 else None
        if caller is None:
            return Template("signin.html", context={"next": target, "error": "Ключ не подошёл: неизвестный или отозванный."},
                            status_code=401)
        until = request.app.state.clock.now() + timedelta(hours=SESSION_HOURS)
        request.set_session({"key_id": caller.key_id, "until": until.isoformat()})
        return Redirect(target, status_code=303)


@post("/signout", include_in_schema=False)
async def sign_out(request: Request[Any, Any, Any]) -> Redirect:
    request.clear_session()
    return Redirect("/signin", status_code=303)


def to_sign_in(request: Request[Any, Any, Any], _: SignInNeeded) -> Response[Any]:
    target = f"/signin?next={quote(request.url.path)}"
    if request.headers.get("hx-request") == "true":  # an htmx update of a stale page: the whole page goes to Вход
        return Response(b"", status_code=200, headers={"HX-Redirect": target})
    return Redirect(target, status_code=303)
