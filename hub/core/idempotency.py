"""Idempotency-Key: the first answer is stored in the change's own transaction and replayed.

The same key with the same request returns the stored answer and changes
nothing; with another request it is a 422. Two requests racing with one key
serialise on the (partner, key) unique index: the loser finds the winner's
answer; so does one that found the row already moved by the winner (a 409 from the action
becomes the replay). Keys are per partner and kept ``retention`` (at least 24 hours).
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import msgspec
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.core.caller import Caller
from hub.core.db.models import IdempotencyRecord
from hub.core.exceptions import Conflict, InvalidField

MAX_KEY_LENGTH = 200
MIN_RETENTION = timedelta(hours=24)


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    replayed: bool = False


def fingerprint(method: str, path: str, body: bytes) -> str:
    try:
        canonical = json.dumps(json.loads(body or b"null"), sort_keys=True, ensure_ascii=False).encode()
    except ValueError:
        canonical = body
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + canonical).hexdigest()


def _replay(record: IdempotencyRecord, print_: str) -> Answer:
    if record.fingerprint != print_:
        raise InvalidField("Idempotency-Key", "this key was used with a different request; use a new key for a new request")
    return Answer(record.status_code, record.response_body.encode(), replayed=True)


async def _find(session: AsyncSession, partner_id: str, key: str) -> IdempotencyRecord | None:
    return await session.scalar(
        select(IdempotencyRecord).where(IdempotencyRecord.partner_id == partner_id, IdempotencyRecord.key == key)
    )


async def run_once(
    sessions: async_sessionmaker[AsyncSession],
    caller: Caller,
    key: str | None,
    print_: str,
    status: int,
    action: Callable[[AsyncSession], Awaitable[msgspec.Struct]],
) -> Answer:
    """Run ``action`` in one transaction, at most once per (partner, key)."""
    if key is not None and not (0 < len(key) <= MAX_KEY_LENGTH):
        raise InvalidField("Idempotency-Key", f"a key is 1–{MAX_KEY_LENGTH} characters")
    async with sessions() as session:
        if key is not None:
            existing = await _find(session, caller.partner_id, key)
            if existing is not None:
                return _replay(existing, print_)
        try:
            result = await action(session)
        except Conflict:
            # a racer with this key may have changed the row first: then this is its retry, replay its answer
            if key is None:
                raise
            await session.rollback()
            async with sessions() as again:
                winner = await _find(again, caller.partner_id, key)
            if winner is None:
                raise
            return _replay(winner, print_)
        await session.flush()  # the action's own writes: a refusal of theirs is not taken for a racer's key below
        body = msgspec.json.encode(result)
        if key is not None:
            session.add(IdempotencyRecord(partner_id=caller.partner_id, key=key, fingerprint=print_,
                                          status_code=status, response_body=body.decode()))
        try:
            await session.commit()
        except IntegrityError:
            await session.rollback()
            if key is None:
                raise
            async with sessions() as again:
                winner = await _find(again, caller.partner_id, key)
            if winner is None:
                raise Conflict("a request with this Idempotency-Key is in progress; retry shortly") from None
            return _replay(winner, print_)
        return Answer(status, body)


async def purge(sessions: async_sessionmaker[AsyncSession], retention: timedelta, now: datetime) -> int:
    """Forget keys older than ``retention`` (never less than 24 hours)."""
    keep = max(retention, MIN_RETENTION)
    cutoff = now - keep
    async with sessions() as session:
        result = await session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created_at < cutoff))
        await session.commit()
        return result.rowcount or 0
