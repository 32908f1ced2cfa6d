"""Onboarding: one enrollment per customer × provider, its steps taken from the provider profile — the
facade the controller, the worker's recorder (hub/onboarding/steps.py) and the composition root use.

    requested → (awaiting_certificates) → invited | trial_requested → trial_active
              → ready_for_paid → active_paid;   failed, expired, cancelled

Each outbound step is an outbox row written with the state change (``enrolling``); what the worker learns
comes back through the steps' recorder; e-mail answers through ``inbound``. The use cases live in:

    enrolling   create: the checks, the requests' payloads, queueing a step
    batches     further users of an enrolled customer: their certificates, then adding them (MED-ONB-02)
    inbound     providers' e-mail answers, the certificates they announce, an operator's confirmation
    operators   gates, cancelling, cancelling the trial, retrying a step
    trials      the daily sweep of trials ending and ended
    views       reading: one, a page, the view with steps and gates
    gates       gates from catalog data, and ``gate_passed`` for ordering
    states      the vocabulary and the shared transitions (locking, failing)

Time is read only from the injected clock.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from pricing import Catalog

from hub.core.caller import Caller
from hub.core.clock import Clock
from hub.core.db.models import Enrollment, Operation
from hub.onboarding import batches, enrolling, inbound, operators, trials, views
from hub.onboarding.batches import BatchOut, UsersAdd
from hub.core.schemas import OperationOut
from hub.onboarding.schemas import EnrollmentCreate, EnrollmentOut, EnrollmentPage, InboundMail, InboundResult
from hub.onboarding.states import (ACCESS_OBJECT, ENDED, MAIL_OUTCOMES, POLL, STEP_OPERATION, STEP_STATE, TRIAL_ENDING_DAYS,
                                   locked)

__all__ = ["ACCESS_OBJECT", "ENDED", "MAIL_OUTCOMES", "POLL", "STEP_OPERATION", "STEP_STATE", "TRIAL_ENDING_DAYS",
           "Onboarding"]


class Onboarding:
    """The enrollment use cases; ``catalogs`` give eligibility, tariffs and gates, ``poll_every`` the polling
    pace, ``clock`` the time."""

    def __init__(self, catalogs: dict[str, Catalog], poll_every: timedelta, clock: Clock) -> None:
        self.catalogs, self.poll_every, self.clock = catalogs, poll_every, clock

    # --- the API's use cases -----------------------------------------------------------------------------
    async def create(self, session: AsyncSession, caller: Caller, customer_id: str, data: EnrollmentCreate) -> EnrollmentOut:
        return await enrolling.create(session, caller, self.catalogs, customer_id, data)

    async def read(self, session: AsyncSession, caller: Caller, enrollment_id: str) -> EnrollmentOut:
        return await views.read(session, caller, self.catalogs, enrollment_id)

    async def search(self, session: AsyncSession, caller: Caller, *, provider: str | None, state: str | None,
                     customer_id: str | None, limit: int, offset: int) -> EnrollmentPage:
        return await views.search(session, caller, self.catalogs, provider=provider, state=state,
                                  customer_id=customer_id, limit=limit, offset=offset)

    async def inbound_mail(self, session: AsyncSession, caller: Caller, mail: InboundMail) -> InboundResult:
        return await inbound.receive(session, caller, mail, self.clock.now())

    async def add_users(self, session: AsyncSession, caller: Caller, enrollment_id: str, data: UsersAdd) -> BatchOut:
        return await batches.add(session, caller, self.catalogs, enrollment_id, data, self.clock.now())

    async def user_batches(self, session: AsyncSession, caller: Caller, enrollment_id: str) -> list[BatchOut]:
        return await batches.listed(session, caller, enrollment_id)

    async def confirm_certificates(self, session: AsyncSession, caller: Caller, enrollment_id: str) -> EnrollmentOut:
        return await inbound.confirm_certificates(session, caller, self.catalogs, enrollment_id, self.clock.now())

    async def pass_gate(self, session: AsyncSession, caller: Caller, enrollment_id: str, gate: str) -> EnrollmentOut:
        return await operators.pass_gate(session, caller, self.catalogs, enrollment_id, gate, self.clock.now())

    async def cancel_trial(self, session: AsyncSession, caller: Caller, enrollment_id: str) -> EnrollmentOut:
        return await operators.cancel_trial(session, caller, self.catalogs, enrollment_id)

    async def cancel(self, session: AsyncSession, caller: Caller, enrollment_id: str) -> EnrollmentOut:
        return await operators.cancel(session, caller, self.catalogs, enrollment_id, self.clock.now())

    async def retry(self, session: AsyncSession, caller: Caller, operation_id: int) -> OperationOut:
        return await operators.retry(session, caller, operation_id, self.clock.now())

    # --- the worker's ------------------------------------------------------------------------------------
    async def sweep(self, session: AsyncSession, today: date) -> None:
        """Trials ending in 3 days get an event; ended ones expire."""
        await trials.sweep(session, today)

    @staticmethod
    async def _locked(session: AsyncSession, enrollment_id: str | None) -> Enrollment | None:
        return await locked(session, enrollment_id)

    @staticmethod
    async def _apply_stored_mail(session: AsyncSession, enrollment: Enrollment, operation: Operation,
                                 now: datetime) -> None:
        await inbound.apply_stored_mail(session, enrollment, operation, now)

    def view(self, enrollment: Enrollment) -> EnrollmentOut:
        return views.view(self.catalogs, enrollment)
