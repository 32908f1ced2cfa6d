"""Errors as JSON problem details (RFC 9457), made in one place for the API and the CLI.

A business rule's refusal names the rule id; a bad field names the field; an
unexpected failure says only that, never a stack trace.
"""
from __future__ import annotations

import re
from typing import Any

import msgspec

from pricing.fields import PATTERN_MEANINGS

from hub.core.exceptions import Refusal

PROBLEM_JSON = "application/problem+json"
_AT = re.compile(r" - at `\$\.?(?P<path>[^`]*)`$")
_UNKNOWN = re.compile(r"unknown field `(?P<name>[^`]+)`")
_NAMED = re.compile(r"^(?P<name>[a-z_]+): (?P<message>.+)$", re.S)


def problem(status: int, title: str, detail: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"type": "about:blank", "status": status, "title": title, "detail": detail}
    body.update({k: v for k, v in extra.items() if v is not None})
    return body


def from_error(exc: Refusal) -> dict[str, Any]:
    """A refusal — the hub's (``HubError``) or the pricing engine's (``PricingError``) — as problem details."""
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


def split_validation(exc: msgspec.ValidationError) -> tuple[str, str]:
    """msgspec's "message - at `$.path`" as (field, message); an unknown field is named itself."""
    message = str(exc)
    at = _AT.search(message)
    path, message = (at.group("path") if at else ""), _AT.sub("", message)
    named = _NAMED.match(message)  # a check of the struct itself names its field: "timezone: …"
    if named:
        path = f"{path}.{named.group('name')}" if path else named.group("name")
        message = named.group("message")
    for pattern, meaning in PATTERN_MEANINGS.items():
        if message.startswith("Expected `str` matching regex") and (pattern in message or repr(pattern)[1:-1] in message):
            message = meaning
    error = field_error(path, message)
    return error["field"], error["message"]
