"""Errors as JSON problem details (RFC 9457), made in one place for the API and the CLI.

A business rule's refusal names the rule id; a bad field names the field; an
unexpected failure says only that, never a stack trace.
"""
from __future__ import annotations

import re
from typing import Any

import msgspec

from pricing import PricingError

PROBLEM_JSON = "application/problem+json"
_AT = re.compile(r" - at `\$\.?(?P<path>[^`]*)`$")
_UNKNOWN = re.compile(r"unknown field `(?P<name>[^`]+)`")


def problem(status: int, title: str, detail: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"type": "about:blank", "status": status, "title": title, "detail": detail}
    body.update({k: v for k, v in extra.items() if v is not None})
    return body


def from_error(exc: PricingError) -> dict[str, Any]:
    """Any error of the shared tree (pricing or hub) as problem details."""
    errors = [{"field": exc.field, "message": exc.message}] if exc.field else None
    return problem(exc.status, exc.title, exc.message, rule=exc.rule, errors=errors)


def field_error(key: str, message: str) -> dict[str, str]:
    unknown = _UNKNOWN.search(message)
    if unknown:
        prefix = "" if key in ("", "data") else key + "."
        return {"field": prefix + unknown.group("name"), "message": message}
    return {"field": key or "body", "message": message}


def from_validation(errors: list[dict[str, str]]) -> dict[str, Any]:
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or "the request body does not match the schema"
    return problem(422, "Invalid request", detail, errors=errors)


def from_msgspec(exc: msgspec.ValidationError | msgspec.DecodeError) -> dict[str, Any]:
    """The same shape the API gives, for input decoded outside Litestar (the CLI)."""
    if isinstance(exc, msgspec.ValidationError):
        message = str(exc)
        at = _AT.search(message)
        key = at.group("path") if at else ""
        message = _AT.sub("", message)
        return from_validation([field_error(key, message)])
    return problem(400, "Malformed request", f"the body is not valid JSON: {exc}")
