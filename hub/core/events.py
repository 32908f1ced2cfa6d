"""Enrollment events: a per-partner feed, numbered at commit, that a client follows with a cursor.

The cursor of ``GET /api/v1/events?after=`` is the event's position in its partner's feed
(``events.seq``, shown as the event's ``id``), not the table's autoincrement id. Those ids are taken
from a sequence when the row is inserted, and transactions commit in another order: a reader could see
6107 while 6106 was still uncommitted, move its cursor past it and never see it (issue 10 §1).

Positions are given at commit instead, under a lock. ``emit`` only keeps the new row in the session's
``info``; just before the transaction commits (the session's ``before_commit``), ``_number`` flushes the
transaction's other writes, bumps the partner's row of ``event_counters`` by the number of events the
transaction emitted (an upsert, which holds that row locked until COMMIT), and adds the rows with their
positions, which the commit's own flush inserts. The next transaction of the same partner waits on the
counter row until this one has committed — its rows are visible by then — so the committed positions
of a partner are always 1..n with no hole: a reader that has seen position k has seen everything below
k, and what it sees next is above k. A rollback (of the transaction or of the savepoint an event was
emitted in) gives its numbers back, so the feed stays dense and a client may treat a jump as a bug.

Cost, measured on PostgreSQL on the 2-core test machine (transactions of two events each): one upsert
per committing transaction that emitted events, about 0.6 ms more Python per transaction (3.0 -> 3.6
ms) and 10-20% fewer transactions a second from one writer; 16 writers on one partner ran as fast as
16 spread over eight partners, so the lock's wait did not show. The lock covers only the upsert, the
events' INSERT and the COMMIT, not the transaction's work (that was flushed before). While holding it a
transaction writes only rows no one else can see; the one lock it may wait for is the key-share lock the
foreign keys take on the partner's row, which only a SELECT … FOR UPDATE of that row blocks (as
credentials.store takes, and it emits no events), so no cycle of waits can form. It serialises the commits
of one partner's event-writing transactions; other partners do not wait. ``page`` reads the
(partner_id, seq) unique index. SQLite has a single writer anyway (BEGIN IMMEDIATE), and the same code
runs there. An event is not in the database before its transaction commits, so a query in that
transaction does not see it; rows added to a session directly, not through ``emit``, get no position
and are never served.

Why not the snapshot trick (serve only rows written by transactions older than the reader snapshot's
xmin, ordered by id): xids are taken at a transaction's first write, ids at the event's insert, and the
two orders differ. A transaction with an old xid can insert id 6 after a younger, still-running one
inserted id 5; the reader serves 6 and misses 5. That scheme is gap-free only ordered by (xid, id), which
would change the cursor's shape, and it works on PostgreSQL only.

Events written before migration 0009 keep their id as their position, and each partner's counter
starts at the partner's newest id, so a cursor a client stored earlier still means what it meant.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from hub.core.caller import Caller
from hub.core.db.models import Enrollment, Event, EventCounter
from hub.core.schemas import EventOut, EventPage

MAX_PAGE = 500
_UNNUMBERED = "hub.events.unnumbered"  # session.info key: (event, the savepoints it was emitted in) not yet added


def emit(session: AsyncSession, enrollment: Enrollment, kind: str, **data: Any) -> None:
    """Record an event in the session's transaction; it is written, with its feed position, at commit."""
    row = Event(partner_id=enrollment.partner_id, enrollment_id=enrollment.id, customer_id=enrollment.customer_id,
                kind=kind, data=data)
    sync = session.sync_session
    if not sync.in_transaction():
        sync.begin()  # what session.add would do, so that ending the transaction forgets the event
    savepoints = []
    transaction = sync.get_nested_transaction()
    while transaction is not None and transaction.nested:
        savepoints.append(transaction)
        transaction = transaction.parent
    sync.info.setdefault(_UNNUMBERED, []).append((row, tuple(savepoints)))


async def page(session: AsyncSession, caller: Caller, after: int, limit: int) -> EventPage:
    limit = max(1, min(limit, MAX_PAGE))
    rows = list(await session.scalars(select(Event).where(Event.partner_id == caller.partner_id, Event.seq > after)
                                      .order_by(Event.seq).limit(limit)))
    items = [EventOut(e.seq, e.kind, e.enrollment_id, e.customer_id, e.data, e.at) for e in rows if e.seq is not None]
    return EventPage(items, items[-1].id if len(rows) == limit else None)


def _claim(session: Session, partner_id: str, count: int) -> int:
    """Take the partner's next ``count`` positions; the counter row stays locked until the transaction ends.
    Returns the last of them."""
    table = EventCounter.__table__
    insert = (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(table)
    statement = (insert.values(partner_id=partner_id, last=count)
                 .on_conflict_do_update(index_elements=[table.c.partner_id], set_={"last": table.c.last + count})
                 .returning(table.c.last))
    return int(session.execute(statement).scalar_one())


@event.listens_for(Session, "before_commit")
def _number(session: Session) -> None:
    if session.get_nested_transaction() is not None:  # a savepoint's release; its events wait for the commit
        return
    emitted = session.info.pop(_UNNUMBERED, None)
    if not emitted:
        return
    session.flush()  # the transaction's other writes take their row locks before the counter's, never after
    by_partner: dict[str, list[Event]] = defaultdict(list)
    for row, _ in emitted:
        by_partner[row.partner_id].append(row)
    for partner_id in sorted(by_partner):  # one order for every transaction
        rows = by_partner[partner_id]
        last = _claim(session, partner_id, len(rows))
        for position, row in enumerate(rows, start=last - len(rows) + 1):
            row.seq = position
        session.add_all(rows)  # inserted by the commit's flush, under the counter's lock


@event.listens_for(Session, "after_soft_rollback")
def _forget_savepoint(session: Session, previous_transaction: SessionTransaction) -> None:
    emitted = session.info.get(_UNNUMBERED)
    if emitted and previous_transaction.nested:  # a savepoint rolled back: drop what was emitted inside it
        session.info[_UNNUMBERED] = [(row, savepoints) for row, savepoints in emitted
                                     if previous_transaction not in savepoints]


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # rolled back, closed, or committed (and numbered)
        session.info.pop(_UNNUMBERED, None)
