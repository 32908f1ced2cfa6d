"""The error answers of every /api/v1 operation in the OpenAPI document, set in one place.

Each route handler under /api/v1 gets, as it is registered, the problem-details
responses (``application/problem+json``, schema ``ProblemDetails``) it can give:

    401, 429   every operation (all need an API key; limits per key and per address)
    403        operations guarded by a role (``needs(...)`` in hub/core/auth.py)
    404        operations with a path id, and writes (ids named in the body)
    400        operations with a body or parameters (malformed JSON, unparsable value)
    409        writes (the same Idempotency-Key still in progress)
    413        writes and operations with a body (request too large)
    422        writes, and operations with a body or parameters (a field or a rule refuses)

A handler's own ``responses`` win over these.
"""
from __future__ import annotations

from typing import Annotated, Any

import msgspec
from msgspec import UNSET, UnsetType
from litestar.constants import RESERVED_KWARGS
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example
from litestar.plugins import ReceiveRoutePlugin
from litestar.routes import BaseRoute, HTTPRoute

from hub.core.problems import PROBLEM_JSON

API_PREFIX = "/api/v1"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class FieldProblem(msgspec.Struct, kw_only=True):
    field: Annotated[str, msgspec.Meta(description="The offending field, dotted (e.g. `standing.rarus.partner_code`)")]
    message: str


class ProblemDetails(msgspec.Struct, kw_only=True):
    """An error as problem details (RFC 9457)."""

    type: Annotated[str, msgspec.Meta(description="Always `about:blank`: the status and title say what happened")]
    status: int
    title: str
    detail: str
    errors: Annotated[list[FieldProblem], msgspec.Meta(description="Per field, what is wrong")] | UnsetType = UNSET
    rule: Annotated[str, msgspec.Meta(description="The refusing business rule's id (RULES.md)")] | UnsetType = UNSET


def _problem(status: int, description: str, title: str, detail: str, **extra: Any) -> ResponseSpec:
    value = {"type": "about:blank", "status": status, "title": title, "detail": detail, **extra}
    return ResponseSpec(data_container=ProblemDetails, media_type=PROBLEM_JSON, description=description,
                        generate_examples=False, examples=[Example(id=f"problem-{status}", summary=title, value=value)])


PROBLEMS: dict[int, ResponseSpec] = {
    400: _problem(400, "The body is not valid JSON, or a parameter cannot be parsed", "Malformed request",
                  "the body is not valid JSON"),
    401: _problem(401, "No API key, or an unknown or revoked one: send `Authorization: Bearer <key>`",
                  "Not authorized", "unknown or revoked API key"),
    403: _problem(403, "The key's role may not do this (viewer < operator < admin)", "Forbidden",
                  "this needs a key with the operator role; this key is viewer"),
    404: _problem(404, "Absent, or another partner's (never confirmed to exist)", "Not found",
                  "no customer 0b1f8a52-3c1e-4a8e-9d2a-6f0e4c7b9a11"),
    409: _problem(409, "The state changed first: the transition was already made (`rule` names it, e.g. FAM-SUB-06), "
                  "a live enrollment exists, or a request with the same Idempotency-Key is still in progress",
                  "Conflict", "the self-extension was already used", rule="FAM-SUB-06"),
    413: _problem(413, "The request body is too large", "Request Entity Too Large", "Request Entity Too Large"),
    422: _problem(422, "A field or a business rule refuses the request: `errors` names the fields, `rule` the rule id",
                  "Invalid request", "inn: wrong check digit", errors=[{"field": "inn", "message": "wrong check digit"}]),
    429: _problem(429, "Too many requests for this key, or too many failed authentications from this address: "
                  "wait `Retry-After` seconds", "Too many requests", "the rate limit of this API key is reached; "
                  "retry after the delay"),
}


def error_codes(route: HTTPRoute, handler: HTTPRouteHandler) -> list[int]:
    """The problem statuses one operation can answer with."""
    signature = handler.parsed_fn_signature.parameters
    dependencies = handler.resolve_dependencies()
    body = "data" in signature
    parameters = bool(route.path_parameters) or any(
        name not in RESERVED_KWARGS and name not in dependencies for name in signature)
    write = not handler.http_methods <= SAFE_METHODS
    guarded = any(getattr(guard, "role", None) for layer in handler.ownership_layers for guard in layer.guards or ())
    codes = {401, 429}
    if guarded:
        codes.add(403)
    if route.path_parameters or write:
        codes.add(404)
    if body or parameters:
        codes.update((400, 422))
    if write:
        codes.update((409, 413, 422))
    if body:
        codes.add(413)
    return sorted(codes)


class ProblemResponses(ReceiveRoutePlugin):
    """Sets the problem responses of each /api/v1 handler as Litestar registers its route."""

    def receive_route(self, route: BaseRoute) -> None:
        if not isinstance(route, HTTPRoute) or not route.path.startswith(API_PREFIX):
            return
        for handler in route.route_handlers:
            documented = {code: PROBLEMS[code] for code in error_codes(route, handler)}
            handler.responses = {**documented, **(handler.responses or {})}
