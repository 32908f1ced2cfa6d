"""aiosqlite as SQLAlchemy drives it, with one trip to the connection's thread per statement (issue 15).

aiosqlite runs each call on the connection's own thread; SQLAlchemy's adapter makes three or four such calls
for one statement (open a cursor, execute, fetch the rows, close the cursor), each a hand-over to that thread
and back through the event loop. On the one writer connection (hub/core/db/engine.py) a transaction holds
the connection for all of its trips, so their number is what limits the writes a second. Here the cursor
runs the whole statement — execute, description, rows, row count, last row id, close — in one call on that
thread, and answers SQLAlchemy from what it brought back. Everything else is SQLAlchemy's own adapter.
"""
from __future__ import annotations

import collections
import sqlite3
from collections.abc import Sequence
from threading import Thread
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_connection, AsyncAdapt_aiosqlite_dbapi
from sqlalchemy.util.concurrency import await_

_Outcome = tuple[Any, list[Any], int, int | None]  # description, rows, rowcount, lastrowid


def _execute(raw: sqlite3.Connection, operation: str, parameters: Any) -> _Outcome:
    cursor = raw.cursor()
    try:
        if parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        return description, cursor.fetchall() if description else [], cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


def _execute_many(raw: sqlite3.Connection, operation: str, parameters: Sequence[Any]) -> _Outcome:
    cursor = raw.cursor()
    try:
        cursor.executemany(operation, parameters)
        return cursor.description, [], cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneTripCursor:
    """The DBAPI cursor SQLAlchemy's asyncio adapter expects, each statement in one call on the thread."""

    __slots__ = ("_adapt_connection", "_connection", "_rows", "arraysize", "description", "lastrowid", "rowcount")
    server_side = False

    def __init__(self, adapt_connection: OneTripConnection) -> None:
        self._adapt_connection = adapt_connection
        self._connection: aiosqlite.Connection = adapt_connection._connection
        self._rows: collections.deque[Any] = collections.deque()
        self.arraysize = 1
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None

    def _took(self, outcome: _Outcome) -> None:
        self.description, rows, self.rowcount, self.lastrowid = outcome
        self._rows = collections.deque(rows)

    async def _run(self, function: Any, operation: str, parameters: Any) -> None:
        async with self._adapt_connection._execute_mutex:
            self._took(await self._connection._execute(function, self._connection._conn, operation, parameters))

    def execute(self, operation: str, parameters: Any = None) -> None:
        try:
            await_(self._run(_execute, operation, parameters))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    def executemany(self, operation: str, seq_of_parameters: Sequence[Any]) -> None:
        try:
            await_(self._run(_execute_many, operation, seq_of_parameters))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    async def _async_soft_close(self) -> None:  # the rows are here already; the thread's cursor is closed
        return None

    def close(self) -> None:
        self._rows.clear()

    def setinputsizes(self, *inputsizes: Any) -> None:
        return None

    def nextset(self) -> None:
        return None

    def __enter__(self) -> OneTripCursor:
        return self

    def __exit__(self, *_: Any) -> None:
        self.close()

    def __iter__(self) -> Any:
        while self._rows:
            yield self._rows.popleft()

    def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    def fetchmany(self, size: int | None = None) -> list[Any]:
        rows = self._rows
        return [rows.popleft() for _ in range(min(size or self.arraysize, len(rows)))]

    def fetchall(self) -> list[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneTripCursor  # type: ignore[assignment]


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """SQLAlchemy's aiosqlite module with ``OneTripConnection``s (pass as ``module=`` to the engine)."""

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:  # as the base class, with our connection
        creator = kw.pop("async_creator_fn", None)
        connection = creator(*arg, **kw) if creator else self.aiosqlite.connect(*arg, **kw)
        if not creator:
            thread = connection if isinstance(connection, Thread) else connection._thread
            thread.daemon = True
        return OneTripConnection(self, await_(connection))


def one_trip_dbapi() -> OneTripDBAPI:
    return OneTripDBAPI(aiosqlite, sqlite3)
