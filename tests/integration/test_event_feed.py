"""The event feed is gap-free for a reader that follows the cursor, on SQLite and PostgreSQL (issue 10 §1).

Writers really overlap: each is an asyncio task with its own session (its own pooled connection on
PostgreSQL) that emits events, flushes (as any query in the transaction would: a design that inserts
events there holds ids uncommitted from then on) and holds its transaction open for a random while
before committing or rolling back, so transactions that started later often commit first. Meanwhile
a reader per partner pages through `events.page` exactly as a client follows `GET /api/v1/events?after=`
— `after` is the next_cursor, or the last id seen when the page was short — and must end up with every
committed event exactly once, in id order, with nothing rolled back. On the code before issue 10 the
PostgreSQL reader missed 11-45 of a partner's 169 events per run.
"""
from __future__ import annotations

import asyncio
import random
import uuid
from collections import Counter
from types import SimpleNamespace

from alembic import command
from sqlalchemy import JSON, column, insert, table

from hub.core.caller import Caller
from hub.core.db import Database
from hub.core.db.engine import alembic_config
from hub.core.db.models import utcnow
from hub.core.db.types import UTCDateTime
from hub.core.schemas import EventOut
from hub.core import events
from hub.partners import service as partners

WRITERS = 12  # with two readers this stays inside the PostgreSQL pool (5 + 10 overflow)
TRANSACTIONS = 15  # per writer
PAGE = 7  # small, so the reader takes many pages while the writers run
ROLLBACK_SHARE = 0.15


async def write(db: Database, partner_ids: list[str], writer: int, committed: dict[str, list[str]]) -> None:
    rng = random.Random(writer)
    for t in range(TRANSACTIONS):
        partner_id = rng.choice(partner_ids)
        # emit() reads only these three attributes of the enrollment; the events table does not refer to it
        enrollment = SimpleNamespace(partner_id=partner_id, id=f"enrollment-{writer}", customer_id=None)
        tags = []
        async with db.sessions() as session:
            for n in range(rng.randint(1, 3)):
                tag = f"{writer}.{t}.{n}"
                events.emit(session, enrollment, "access_granted", tag=tag)
                await session.flush()  # as any autoflush would
                tags.append(tag)
                await asyncio.sleep(rng.uniform(0, 0.02))  # others insert and commit meanwhile
            if rng.random() < ROLLBACK_SHARE:
                await session.rollback()
            else:
                await session.commit()
                committed[partner_id] += tags


async def follow(db: Database, partner_id: str, writers_done: asyncio.Event) -> list[EventOut]:
    caller = Caller(partner_id, None, "viewer")
    seen: list[EventOut] = []
    after = 0
    while True:
        finished = writers_done.is_set()  # taken before the page: a page read after every commit is complete
        async with db.reads() as session:
            page = await events.page(session, caller, after, PAGE)
        seen += page.items
        after = page.next_cursor if page.next_cursor is not None else (page.items[-1].id if page.items else after)
        if finished and page.next_cursor is None:
            return seen
        if page.next_cursor is None:
            await asyncio.sleep(0.002)


async def read_all(db: Database, partner_id: str) -> list[EventOut]:
    async with db.reads() as session:
        return (await events.page(session, Caller(partner_id, None, "viewer"), 0, events.MAX_PAGE)).items


def test_a_reader_following_the_cursor_sees_every_committed_event_once_in_order(database_url):
    async def run():
        db = Database(database_url)
        try:
            await db.upgrade()
            async with db.sessions() as session:
                partner_ids = [(await partners.create_partner(session, name)).id
                               for name in ("ООО Альфа", "ООО Бета")]
                await session.commit()
            committed: dict[str, list[str]] = {p: [] for p in partner_ids}
            writers_done = asyncio.Event()
            readers = [asyncio.create_task(follow(db, p, writers_done)) for p in partner_ids]
            await asyncio.gather(*(write(db, partner_ids, w, committed) for w in range(WRITERS)))
            writers_done.set()
            seen = dict(zip(partner_ids, await asyncio.gather(*readers)))
            final = {p: await read_all(db, p) for p in partner_ids}
            return committed, seen, final
        finally:
            await db.dispose()

    committed, seen, final = asyncio.run(run())
    for partner_id, tags in committed.items():
        assert len(tags) < events.MAX_PAGE  # one page of read_all holds the whole feed
        seen_tags = [e.data["tag"] for e in seen[partner_id]]
        missed = Counter(tags) - Counter(seen_tags)
        assert not missed, f"the reader missed {sum(missed.values())} of {len(tags)} committed events"
        assert Counter(seen_tags) == Counter(tags)  # each exactly once, and nothing that was rolled back
        ids = [e.id for e in seen[partner_id]]
        assert ids == sorted(set(ids))  # strictly in id order
        assert ids == [e.id for e in final[partner_id]]  # the whole feed as it stands at the end, no gaps
        # the feed's ids are the partner's own positions, dense from 1: a rolled-back event leaves no hole
        assert ids == list(range(1, len(tags) + 1))


def test_a_rolled_back_savepoint_or_transaction_leaves_no_hole_in_the_feed(database_url):
    async def run():
        db = Database(database_url)
        try:
            await db.upgrade()
            async with db.sessions() as session:
                partner_id = (await partners.create_partner(session, "ООО Альфа")).id
                await session.commit()
            enrollment = SimpleNamespace(partner_id=partner_id, id="enrollment-1", customer_id=None)
            async with db.sessions() as session:
                events.emit(session, enrollment, "enrollment_requested")
                savepoint = await session.begin_nested()
                events.emit(session, enrollment, "mail_sent", note="rolled back with its savepoint")
                await session.flush()
                await savepoint.rollback()
                async with session.begin_nested():
                    events.emit(session, enrollment, "access_granted")
                await session.commit()
            async with db.sessions() as session:
                events.emit(session, enrollment, "step_failed", note="rolled back with its transaction")
                await session.flush()
                await session.rollback()
            async with db.sessions() as session:
                events.emit(session, enrollment, "trial_ending")
                await session.commit()
            return await read_all(db, partner_id)
        finally:
            await db.dispose()

    feed = asyncio.run(run())
    assert [(e.id, e.kind) for e in feed] == [(1, "enrollment_requested"), (2, "access_granted"), (3, "trial_ending")]


OLD_PARTNERS = table("partners", column("id"), column("name"), column("standing", JSON),
                     column("created_at", UTCDateTime()), column("updated_at", UTCDateTime()))
OLD_EVENTS = table("events", column("partner_id"), column("kind"), column("data", JSON), column("at", UTCDateTime()))


def test_events_from_before_the_upgrade_keep_their_ids_as_cursors(database_url):
    """A cursor a client stored before migration 0009 still means what it meant, and the partner's
    feed goes on from its own newest event."""
    async def run():
        db = Database(database_url)
        try:
            async with db.engine.begin() as connection:
                await connection.run_sync(lambda c: command.upgrade(alembic_config(c), "0008"))
            a, b = str(uuid.uuid4()), str(uuid.uuid4())
            async with db.engine.begin() as connection:  # rows as the schema at 0008 holds them
                for partner_id, name in ((a, "ООО Альфа"), (b, "ООО Бета")):
                    await connection.execute(insert(OLD_PARTNERS).values(id=partner_id, name=name, standing={},
                                                                         created_at=utcnow(), updated_at=utcnow()))
                for partner_id in (a, a, b, a, b):  # ids 1..5 as the old code gave them
                    await connection.execute(insert(OLD_EVENTS).values(partner_id=partner_id, kind="mail_sent",
                                                                       data={}, at=utcnow()))
            await db.upgrade()
            async with db.sessions() as session:
                enrollment = SimpleNamespace(partner_id=a, id="enrollment-1", customer_id=None)
                events.emit(session, enrollment, "access_granted")
                await session.commit()
            async with db.reads() as session:
                after_two = await events.page(session, Caller(a, None, "viewer"), 2, 10)
            return [e.id for e in await read_all(db, a)], [e.id for e in after_two.items], \
                [e.id for e in await read_all(db, b)]
        finally:
            await db.dispose()

    feed_a, after_two, feed_b = asyncio.run(run())
    assert feed_a == [1, 2, 4, 5]  # the old ids, then the next after the partner's own newest (4)
    assert after_two == [4, 5]
    assert feed_b == [3, 5]
