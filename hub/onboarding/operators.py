"""What an operator does to an enrollment besides creating it: pass a gate, cancel it, cancel the trial after
the paid subscription (FAM-ONB-02), and retry a step that gave up. Each locks the enrollment (or operation)
first, so of requests racing for one transition exactly one is accepted."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pricing import Catalog
from providers import PROFILES

from hub.core import audit, events, mailbox, outbox
from hub.core.caller import Caller
from hub.core.db.models import Customer, Operation
from hub.core.exceptions import Conflict, InvalidField
from hub.onboarding import batches, gates, views
from hub.onboarding.enrolling import check_request, payload
from hub.core.schemas import OperationOut
from hub.onboarding.schemas import EnrollmentOut
from hub.onboarding.states import REQUESTS, locked, utc
from hub.partners.service import get_partner


async def pass_gate(session: AsyncSession, caller: Caller, catalogs: dict[str, Catalog], enrollment_id: str, gate: str,
                    now: datetime) -> EnrollmentOut:
    """Record a gate of the enrollment's tariff passed (e.g. MED-ONB-07: the ЕГИСЗ support approved the
    connection); the customer may now be invoiced for the gated tariff."""
    enrollment = await views.owned(session, caller, enrollment_id, for_update=True)
    await gates.pass_gate(session, caller, catalogs, enrollment, gate, now)
    return views.view(catalogs, enrollment)


async def cancel_trial(session: AsyncSession, caller: Caller, catalogs: dict[str, Catalog],
                       enrollment_id: str) -> EnrollmentOut:
    """FAM-ONB-02: a customer who needs no trial gets the paid subscription first; then the trial is
    cancelled by a request to the provider's mailbox (RULES §5) — one request: while it stands (queued,
    running or sent), another is a 409."""
    enrollment = await views.owned(session, caller, enrollment_id, for_update=True)
    profile = PROFILES[enrollment.provider]
    if profile.correction_rule is None:
        raise InvalidField("provider", f"{profile.title} trials are not cancelled by e-mail")
    if enrollment.state != "active_paid":
        raise InvalidField("state", "create the paid subscription first, then cancel the trial", rule="FAM-ONB-02")
    asked = await session.scalar(select(Operation.id).where(
        Operation.enrollment_id == enrollment.id, Operation.kind == mailbox.MAIL,
        Operation.message_id == mailbox.message_id(f"trial-cancel-{enrollment.id}"),
        Operation.status.in_((outbox.PENDING, outbox.RUNNING, outbox.SUCCEEDED))).limit(1))
    if asked is not None:
        raise Conflict("the trial cancellation was already requested from the provider", field="state",
                       rule="FAM-ONB-02")
    await mailbox.ask_provider(
        session, caller, enrollment.provider, about="enrollment", about_id=enrollment.id,
        subscriber=enrollment.account, subject=f"Отмена тестового периода абонента №{enrollment.account} (FAM-ONB-02)",
        lines=["Платная подписка оформлена; просим отменить тестовый период."], label=f"trial-cancel-{enrollment.id}",
        customer_id=enrollment.customer_id, enrollment_id=enrollment.id)
    events.emit(session, enrollment, "trial_cancel_requested", mailbox=profile.mailbox)
    audit.record(session, caller, "enrollment", enrollment.id, "trial_cancel_requested")
    return views.view(catalogs, enrollment)


async def cancel(session: AsyncSession, caller: Caller, catalogs: dict[str, Catalog], enrollment_id: str,
                 now: datetime) -> EnrollmentOut:
    """Cancel the enrollment and its pending steps."""
    enrollment = await views.owned(session, caller, enrollment_id, for_update=True)
    if enrollment.state == "cancelled":
        raise Conflict("the enrollment is already cancelled", field="state")
    if enrollment.state == "active_paid":
        raise InvalidField("state", f"the enrollment is {enrollment.state}")
    before = views.view(catalogs, enrollment)
    now = utc(now)
    enrollment.state, enrollment.updated_at = "cancelled", now
    # conditional: a step a worker claimed meanwhile is running, not pending, and keeps its lease
    await session.execute(update(Operation).where(Operation.enrollment_id == enrollment.id,
                                                  Operation.status == outbox.PENDING)
                          .values(status=outbox.CANCELLED, updated_at=now)
                          .execution_options(synchronize_session="fetch"))
    events.emit(session, enrollment, "enrollment_cancelled")
    after = views.view(catalogs, enrollment)
    audit.record(session, caller, "enrollment", enrollment.id, "cancel", before, after)
    return after


async def retry(session: AsyncSession, caller: Caller, operation_id: int, now: datetime) -> OperationOut:
    """Put a step that gave up back in the queue, and its enrollment back where it failed."""
    operation = await outbox.owned(session, caller, operation_id, for_update=True)
    if operation.status != outbox.FAILED:
        raise Conflict(f"only a failed operation is retried; this one is {operation.status}", field="status")
    now = utc(now)
    enrollment = await locked(session, operation.enrollment_id) if operation.enrollment_id else None
    step = operation.payload.get("step")
    if enrollment is not None and operation.kind in REQUESTS and step:
        # the request is made again from the card and standing as they are now (the fix the retry is for)
        customer = await session.get(Customer, enrollment.customer_id, with_for_update=True, populate_existing=True)
        partner = await get_partner(session, enrollment.partner_id)
        assert customer is not None
        check_request(customer, partner, enrollment.provider, list(enrollment.products or []),
                      [u.get("phone") for u in enrollment.users])
        operation.payload = payload(enrollment, step, customer, partner)
    operation.status, operation.attempts, operation.next_attempt_at, operation.updated_at = outbox.PENDING, 0, now, now
    if operation.kind in batches.KINDS:  # a further batch of users: the batch goes back, not the enrollment
        await batches.retried(session, operation, now)
    elif enrollment is not None and enrollment.state == "failed":
        enrollment.state, enrollment.failure, enrollment.updated_at = enrollment.failed_in or "requested", None, now
        events.emit(session, enrollment, "step_retried", operation=operation.id)
    audit.record(session, caller, "operation", str(operation.id), "retry")
    return outbox.out(operation)
