"""Retry decisions, backoff and Retry-After: pure functions, table-driven, no real sleeping."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from adapters import (
    CircuitOpen,
    Misconfigured,
    NotFound,
    Rejected,
    RetryPolicy,
    Transient,
    parse_retry_after,
    retry_delay,
    should_retry,
    with_retries,
)
from adapters.breaker import CircuitBreaker
from adapters.retry import retryable_status


@pytest.mark.parametrize(
    ("error", "retry"),
    [(Transient("x"), True), (CircuitOpen("x"), True), (Rejected("x"), False), (NotFound("x"), False),
     (Misconfigured("x"), False), (ValueError("x"), False)],
)
def test_should_retry_only_transient_failures(error, retry):
    assert should_retry(error) is retry


@pytest.mark.parametrize(("status", "retry"), [(408, True), (429, True), (500, True), (502, True), (503, True),
                                               (599, True), (400, False), (404, False), (409, False), (422, False)])
def test_retryable_statuses(status, retry):
    assert retryable_status(status) is retry


POLICY = RetryPolicy(attempts=5, base=0.5, cap=8.0, total=60.0)


@pytest.mark.parametrize(
    ("attempt", "spread", "expected"),
    [(1, 0.0, 0.25), (1, 1.0, 0.5), (2, 0.0, 0.5), (3, 1.0, 2.0), (5, 1.0, 8.0), (9, 1.0, 8.0), (9, 0.0, 4.0)],
)
def test_backoff_is_exponential_with_bounded_jitter(attempt, spread, expected):
    assert retry_delay(attempt, None, POLICY, lambda: spread) == expected


def test_retry_after_wins_over_backoff():
    assert retry_delay(1, 7.0, POLICY, lambda: 1.0) == 7.0


def test_parse_retry_after():
    now = datetime(2026, 11, 22, 12, 0, tzinfo=timezone.utc)
    assert parse_retry_after("7", now) == 7.0
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30.0
    assert parse_retry_after(format_datetime(now - timedelta(seconds=30), usegmt=True), now) == 0.0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


class Sleeps(list):
    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


def failing(*errors: Exception, result: str = "done"):
    calls = []

    async def call() -> str:
        calls.append(1)
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]
        return result

    return call, calls


async def test_transient_failures_are_retried_then_succeed():
    sleeps = Sleeps()
    call, calls = failing(Transient("503"), Transient("timeout"))
    assert await with_retries(call, POLICY, sleeps, lambda: 0.0) == "done"
    assert len(calls) == 3 and sleeps == [0.25, 0.5]


async def test_refusals_are_never_retried():
    sleeps = Sleeps()
    call, calls = failing(Rejected("no", rule="FAM-ONB-02"))
    with pytest.raises(Rejected):
        await with_retries(call, POLICY, sleeps)
    assert len(calls) == 1 and sleeps == []


async def test_retry_after_is_honoured_and_past_the_cap_we_give_up():
    sleeps = Sleeps()
    call, calls = failing(Transient("429", retry_after=3.0))
    await with_retries(call, POLICY, sleeps)
    assert sleeps == [3.0]
    call, calls = failing(Transient("429", retry_after=120.0))
    with pytest.raises(Transient) as gave_up:
        await with_retries(call, POLICY, Sleeps())
    assert len(calls) == 1 and gave_up.value.retry_after == 120.0


async def test_attempts_are_bounded():
    call, calls = failing(*[Transient("503")] * 10)
    with pytest.raises(Transient):
        await with_retries(call, POLICY, Sleeps(), lambda: 0.0)
    assert len(calls) == POLICY.attempts


def test_breaker_opens_after_repeated_failures_and_half_opens_after_the_cooldown():
    now = [0.0]
    breaker = CircuitBreaker("fresh_ru", threshold=3, cooldown=10.0, clock=lambda: now[0])
    for _ in range(3):
        breaker.before_call()
        breaker.failure()
    assert breaker.state == "open"
    with pytest.raises(CircuitOpen) as opened:
        breaker.before_call()
    assert opened.value.retry_after == 10.0
    now[0] = 10.5
    assert breaker.state == "half_open"
    breaker.before_call()
    breaker.failure()  # the trial call failed: open again
    assert breaker.state == "open"
    now[0] = 21.0
    breaker.success()
    assert breaker.state == "closed"
