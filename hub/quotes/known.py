"""A quote asked again, answered as soon as its caller is authenticated and counted (issue 15).

A sales manager's page asks the same quote again and again (each change of a field re-prices, each return to
the page asks again), and a quote is a pure function of the body, the caller's stored standing, the day and
the catalogs. The first time, the body goes the whole way — input checks, decoding, the engines — and
``PricingService.quote_json`` keeps the encoded answer by the body's very bytes. The next time the same bytes
come from a caller with the same standing on the same day, the answer is sent from there: after the API key
was verified and the request counted against its rate limit (hub/core/auth.py calls this), before the
route's input checks, decoding, dependencies and handler, which would only give the same bytes again.

Anything else goes on to the route as before, the body handed on as it was read: another method or path, a
query string, a body that is not JSON by its content type, larger than ``KNOWN_BODY_BYTES``, or not kept."""
from __future__ import annotations

from collections import deque
from typing import Any

from litestar.types import Message, Receive, Scope, Send

from hub.quotes.service import KNOWN_BODY_BYTES, PricingService

QUOTES_PATH = "/api/v1/quotes"


class KnownQuotes:
    def __init__(self, pricing: PricingService, path: str = QUOTES_PATH) -> None:
        self.pricing, self.path = pricing, path

    def applies(self, scope: Scope) -> bool:
        return scope["type"] == "http" and scope["method"] == "POST" and scope["path"] == self.path \
            and not scope.get("query_string")

    async def answer(self, scope: Scope, receive: Receive, send: Send, standing: Any) -> Receive | None:
        """Send the kept answer and return None, or return the ``receive`` the route reads the body from."""
        read: list[Message] = []
        body = b""
        while True:
            message = await receive()
            read.append(message)
            if message["type"] != "http.request":  # the client went away: the route sees it as it would have
                return _replay(read, receive)
            body += message.get("body", b"")
            if len(body) > KNOWN_BODY_BYTES:  # answers are kept for small bodies only
                return _replay(read, receive)
            if not message.get("more_body", False):
                break
        found = self.pricing.known_answer(body, standing) if _json(scope) else None
        if found is None:
            return _replay(read, receive)
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(found)).encode())]})
        await send({"type": "http.response.body", "body": found})
        return None


def _json(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return value.split(b";", 1)[0].strip().lower() == b"application/json"
    return False


def _replay(read: list[Message], receive: Receive) -> Receive:
    pending = deque(read)

    async def replayed() -> Message:
        return pending.popleft() if pending else await receive()

    return replayed
