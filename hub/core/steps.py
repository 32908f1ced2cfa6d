"""What the outbox worker runs: each feature registers its steps — what to call, and who records it.

A step's ``run`` calls a provider (through ``StepContext``) and returns an ``Outcome`` whose result is
the adapter's typed answer; the worker stores it on the operation as JSON and hands the typed value to
the step's recorder (``step_succeeded``/``step_failed``), inside the transaction that releases the row.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from adapters import Adapters, Credentials, RarusCabinet, ServiceManager
from hub.core.db import Database, Operation

OK, WAITING, TRANSIENT, REJECTED = "ok", "waiting", "transient", "rejected"


@dataclass
class Outcome:
    kind: str
    result: Any = None  # the adapter's typed answer (a dataclass), stored as JSON on the operation
    error: str | None = None
    rule: str | None = None
    retry_after: float | None = None


@dataclass(frozen=True)
class MailSent:
    message_id: str


class Recorder(Protocol):
    """Records what a step did, in the worker's transaction."""

    async def step_succeeded(self, session: AsyncSession, operation: Operation, result: Any, now: datetime) -> None: ...

    async def step_failed(self, session: AsyncSession, operation: Operation, error: str, rule: str | None,
                          now: datetime) -> None: ...


@dataclass(frozen=True)
class Step:
    run: Callable[[Operation], Awaitable[Outcome]]
    recorder: Recorder


CredentialsOf = Callable[[AsyncSession, str, str], Awaitable[Credentials | None]]


@dataclass
class StepContext:
    """What a step may use: storage, the adapters signed in as the operation's partner, the mail sender."""

    db: Database
    adapters: Adapters
    credentials_of: CredentialsOf  # the partner's own provider credentials, or None for the default account
    mail_from: str
    poll_every: timedelta = timedelta(seconds=30)
    extra: dict[str, Any] = field(default_factory=dict)

    async def _credentials(self, operation: Operation) -> Credentials | None:
        async with self.db.reads() as session:
            return await self.credentials_of(session, operation.partner_id, operation.provider)

    async def access_point(self, operation: Operation) -> Any:
        """The provider's adapter (any interface) speaking for the operation's partner."""
        return self.adapters.provider(operation.provider, await self._credentials(operation))

    async def service_manager(self, operation: Operation) -> ServiceManager:
        return self.adapters.service_manager(operation.provider, await self._credentials(operation))

    async def rarus_cabinet(self, operation: Operation) -> RarusCabinet:
        return self.adapters.rarus_cabinet(operation.provider, await self._credentials(operation))
