"""Retry decisions as small pure functions, plugged into tenacity.

``should_retry(error)`` — only transient failures; ``retry_delay(attempt, retry_after)`` —
exponential backoff with jitter, or the provider's Retry-After when it gave one;
``parse_retry_after(header)`` — seconds or an HTTP date. The randomness sits in ``jitter()``
so tests can pin it; the sleep is a parameter so tests never really sleep.
"""
from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import TypeVar

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt, stop_after_delay

from .errors import AdapterError, Transient

T = TypeVar("T")
RETRY_STATUSES = frozenset({408, 429}) | frozenset(range(500, 600))


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5  # tries per call, the first included
    base: float = 0.5  # seconds before the first retry
    cap: float = 30.0  # longest single wait; a Retry-After beyond it makes us give up
    total: float = 60.0  # a call never takes longer than this, retries included


DEFAULT_POLICY = RetryPolicy()


def should_retry(error: BaseException) -> bool:
    return isinstance(error, Transient)


def retryable_status(status: int) -> bool:
    return status in RETRY_STATUSES


def jitter() -> float:
    return random.random()


def retry_delay(attempt: int, retry_after: float | None, policy: RetryPolicy = DEFAULT_POLICY,
                spread: Callable[[], float] = jitter) -> float:
    """Seconds to wait before retry number ``attempt`` (1-based)."""
    if retry_after is not None:
        return max(0.0, retry_after)
    ceiling = min(policy.cap, policy.base * 2 ** (attempt - 1))
    return ceiling / 2 + spread() * ceiling / 2  # "equal jitter": never zero, never past the ceiling


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


async def with_retries(call: Callable[[], Awaitable[T]], policy: RetryPolicy = DEFAULT_POLICY,
                       sleep: Callable[[float], Awaitable[None]] | None = None,
                       spread: Callable[[], float] = jitter) -> T:
    """Run ``call``, retrying transient failures per ``policy``; the last error is raised as is."""

    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        retry_after = error.retry_after if isinstance(error, AdapterError) else None
        if error is not None and retry_after is not None and retry_after > policy.cap:
            raise error  # asked to wait past the cap: give up now; the caller may reschedule by retry_after
        return retry_delay(state.attempt_number, retry_after, policy, spread)

    kwargs = {"sleep": sleep} if sleep is not None else {}
    retrying = AsyncRetrying(
        stop=stop_after_attempt(policy.attempts) | stop_after_delay(policy.total),
        wait=wait,
        retry=retry_if_exception(should_retry),
        reraise=True,
        **kwargs,
    )
    return await retrying(call)
