"""One translation of every error into a problem-details response."""
from __future__ import annotations

import logging
from http import HTTPStatus

from litestar import Request, Response
from litestar.exceptions import HTTPException, NotAuthorizedException, NotFoundException, TooManyRequestsException, ValidationException
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from providers import PROFILES

from hub.core.exceptions import REFUSALS, Refusal, UnknownProvider
from hub.core.problems import PROBLEM_JSON, field_error, from_error, from_validation, problem


log = logging.getLogger("hub")


def _respond(body: dict, headers: dict[str, str] | None = None) -> Response:
    return Response(body, status_code=body["status"], media_type=PROBLEM_JSON, headers=headers)


def on_not_authorized(_: Request, exc: NotAuthorizedException) -> Response:
    return _respond(problem(401, "Not authorized", str(exc.detail)), {"WWW-Authenticate": "Bearer"})


def on_too_many(_: Request, exc: TooManyRequestsException) -> Response:
    headers = dict(exc.headers or {})
    headers.setdefault("Retry-After", headers.get("RateLimit-Reset", "60"))
    detail = str(exc.detail)
    if detail == HTTPStatus.TOO_MANY_REQUESTS.phrase:  # raised without a reason of its own
        detail = "the rate limit is reached; retry after the delay"
    return _respond(problem(429, "Too many requests", detail), headers)


def on_error(_: Request, exc: Refusal) -> Response:
    """Hub and pricing refusals alike: one translation (hub/core/exceptions.py draws the tree)."""
    return _respond(from_error(exc))


def on_validation(_: Request, exc: ValidationException) -> Response:
    extra = exc.extra if isinstance(exc.extra, list) else []
    errors = [field_error(str(e.get("key", "")), str(e.get("message", ""))) for e in extra if isinstance(e, dict)]
    if not errors:
        return _respond(problem(exc.status_code, "Malformed request", str(exc.detail)))
    return _respond(from_validation(errors))


def on_unknown_provider(_: Request, exc: UnknownProvider) -> Response:
    return _respond(problem(404, "Not found", f"no provider {exc.args[0]!r}; known: {', '.join(PROFILES)}"))


def on_http(request: Request, exc: HTTPException) -> Response:
    """Litestar's own answers too (unknown route, 405 with its Allow header, 413 request too large — naming
    the operation's limit)."""
    try:
        title = HTTPStatus(exc.status_code).phrase
    except ValueError:
        title = "Error"
    detail = str(exc.detail)
    if exc.status_code == 413:
        limit = _body_limit(request)
        detail = f"the body is larger than this operation takes ({limit:,} bytes)" if limit else detail
    return _respond(problem(exc.status_code, title, detail), dict(exc.headers or {}) or None)


def _body_limit(request: Request) -> int | None:
    try:
        return request.route_handler.resolve_request_max_body_size()
    except Exception:  # no route resolved: the answer stays Litestar's
        return None


def on_not_found(_: Request, exc: NotFoundException) -> Response:
    return _respond(problem(404, "Not found", str(exc.detail)))


def on_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return _respond(problem(HTTP_500_INTERNAL_SERVER_ERROR, "Internal error", "the hub failed to answer; the error is logged"))


EXCEPTION_HANDLERS = {
    NotAuthorizedException: on_not_authorized,
    TooManyRequestsException: on_too_many,
    **{refusal: on_error for refusal in REFUSALS},
    ValidationException: on_validation,
    UnknownProvider: on_unknown_provider,
    NotFoundException: on_not_found,
    HTTPException: on_http,
    Exception: on_unexpected,
}
