"""The enrollment's vocabulary and the transitions every part of onboarding shares.

    requested → (awaiting_certificates) → invited | trial_requested → trial_active
              → ready_for_paid → active_paid;   failed, expired, cancelled

Every transition locks the enrollment (``locked``) before checking its state, the worker's reports
included, so an operator's cancel and a step's success never overwrite each other, and of requests
racing for one transition exactly one is accepted; the others get a 409.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy.ext.asyncio import AsyncSession

from providers import PROFILES

from hub.core import events, mailbox
from hub.core.db.models import Enrollment, Operation

STEP_STATE = {"certificates": "awaiting_certificates", "invite": "invited", "trial_request": "trial_requested"}
STEP_OPERATION = {"certificates": "request_certificates", "invite": "request_access", "trial_request": "request_access"}
REQUESTS = ("request_certificates", "request_access")  # the steps a retry makes again from the card
POLL = "poll_access"
ACCESS_OBJECT = {"invite": "invitation", "trial_request": "trial request"}  # what the access step makes there
ENDED = ("failed", "cancelled", "expired")  # states after which the customer may be enrolled there again
TRIAL_ENDING_DAYS = 3
# what POST /api/v1/inbound/mail did with an answer (README, "Onboarding"); the mail is stored in every case
APPLIED, STORED, ALREADY, NOT_APPLICABLE, NOTED, UNRECOGNISED, UNMATCHED = (
    "applied", "stored_until_request_sent", "already_applied", "not_applicable", "noted", "unrecognised", "unmatched")
MAIL_OUTCOMES = (APPLIED, STORED, ALREADY, NOT_APPLICABLE, NOTED, UNRECOGNISED, UNMATCHED)


def nothing_to_apply(answer: str | None) -> tuple[str, str] | None:
    """(outcome, what was done) of an answer that changes nothing whatever it answers, or None."""
    if answer is None:
        return UNRECOGNISED, "the subject is none of the provider's answers; the mail is kept, nothing was done"
    if answer == "accepted":
        return NOTED, "an acknowledgement: nothing to do"
    return None


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def utc(now: datetime) -> datetime:
    """An instant from the clock as the hub stamps rows and shows them: in UTC."""
    return now.astimezone(timezone.utc)


def access_step(provider: str) -> str:
    """The profile's step that gives the customer access: the invitation or the trial request."""
    return next(step for step in PROFILES[provider].onboarding if step != "certificates")


async def locked(session: AsyncSession, enrollment_id: str | None) -> Enrollment | None:
    """The enrollment a worker's report or an e-mail answer is about, locked (see the module docstring)."""
    return await session.get(Enrollment, enrollment_id, with_for_update=True, populate_existing=True)


def record_failure(session: AsyncSession, enrollment: Enrollment, operation: Operation, error: str, rule: str | None,
                   now: datetime) -> None:
    """A step of the (locked) enrollment failed: it fails where it was, and a ``step_failed`` event says why.
    A request about a running customer (a mailbox request) is reported and the state kept."""
    if enrollment.state in ("cancelled", "failed"):
        return
    if operation.kind == mailbox.MAIL:
        events.emit(session, enrollment, "step_failed", operation=operation.id, step=operation.kind, error=error)
        return
    enrollment.failed_in, enrollment.state, enrollment.failure, enrollment.updated_at = enrollment.state, "failed", error, now
    events.emit(session, enrollment, "step_failed", operation=operation.id, step=operation.kind, error=error, rule=rule)
