"""Further users of an enrolled customer (MED-ONB-02 «Как подключить других сотрудников»): every batch of new
users is its own certificate request to the medicine desk — «Каждый раз при добавлении новых пользователей
необходимо повторять этот шаг» — and once the desk answers «Сертификаты выпущены» the users are added to the
customer's subscriber at the provider (MED-ONB-04: not before). The first users are the enrollment's own.

    requested → awaiting_certificates → certificates_issued → added;   failed (rejected or refused)

Both steps go through the outbox; the desk's answer comes back through POST /api/v1/inbound/mail, matched by the
request's Message-ID. For the partner's own organisation the users count against the partner tariff's secure
channels (MED-ONB-10)."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from msgspec import Meta
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pricing import Catalog
from providers import PROFILES, certificate_issue_time

from hub.core import audit, events, mailbox, outbox
from hub.core.caller import Caller
from hub.core.db.models import Customer, Enrollment, InboundMessage, Operation, Partner
from hub.core.exceptions import Conflict, InvalidField
from hub.core.schemas import Input
from hub.core.tenancy import owned_row
from hub.onboarding.enrolling import check_channels, check_users, payload
from hub.onboarding.models import UserBatch
from hub.onboarding.schemas import EnrolledUser
from hub.onboarding.states import ALREADY, APPLIED, STORED, UNMATCHED, nothing_to_apply, utc

CERTIFICATES, ADD = "request_batch_certificates", "add_users"  # the batch's two outbox steps
KINDS = (CERTIFICATES, ADD)
RUNNING = ("trial_active", "ready_for_paid", "active_paid")  # the customer is in: its subscriber exists


class UsersAdd(Input):
    users: Annotated[list[EnrolledUser], Meta(min_length=1, max_length=100)]


class BatchOut(msgspec.Struct):
    id: str
    enrollment_id: str
    users: list[dict[str, Any]]
    state: str
    certificates_requested_at: datetime | None
    certificates_expected_at: datetime | None
    certificates_issued_at: datetime | None
    added_at: datetime | None
    failure: str | None
    created_at: datetime


def out(batch: UserBatch) -> BatchOut:
    expected = certificate_issue_time(batch.certificates_requested_at) \
        if batch.certificates_requested_at and not batch.certificates_issued_at else None
    return BatchOut(batch.id, batch.enrollment_id, batch.users, batch.state, batch.certificates_requested_at,
                    expected, batch.certificates_issued_at, batch.added_at, batch.failure, batch.created_at)


async def add(session: AsyncSession, caller: Caller, catalogs: dict[str, Catalog], enrollment_id: str,
              data: UsersAdd, now: datetime) -> BatchOut:
    """A new batch with its certificate request queued; refused (nothing stored) when it cannot be sent."""
    enrollment = await owned_row(session, Enrollment, caller, enrollment_id, "enrollment", for_update=True)
    profile = PROFILES[enrollment.provider]
    if not profile.requires_certificate:
        raise InvalidField("enrollment_id", f"{profile.title} adds users in its own Service Manager: no certificate "
                           "request is needed", rule="MED-ONB-02")
    if enrollment.state not in RUNNING or not enrollment.account:
        raise InvalidField("state", f"the enrollment is {enrollment.state}: further users come after the first are "
                           "in", rule="MED-ONB-02")
    earlier = list(await session.scalars(select(UserBatch).where(UserBatch.enrollment_id == enrollment.id,
                                                                 UserBatch.state != "failed")))
    known = {u["email"].casefold() for u in enrollment.users} | {u["email"].casefold() for b in earlier for u in b.users}
    customer = await session.get(Customer, enrollment.customer_id)
    partner = await session.get(Partner, enrollment.partner_id)
    assert customer is not None and partner is not None
    check_users(data.users, customer.country, True)
    for i, user in enumerate(data.users):
        if not user.phone:
            raise InvalidField(f"users[{i}].phone", "the certificate request names each user's phone", rule="MED-ONB-02")
        if user.email.casefold() in known:
            raise Conflict(f"{user.email} is already a user of this customer, or asked for", field=f"users[{i}].email")
        known.add(user.email.casefold())
    check_channels(catalogs[enrollment.provider], customer, len(known))
    stamp = utc(now)
    batch = UserBatch(partner_id=caller.partner_id, enrollment_id=enrollment.id, state="requested",
                      users=[msgspec.to_builtins(u) for u in data.users], created_at=stamp, updated_at=stamp)
    session.add(batch)
    await session.flush()
    body = payload(enrollment, "certificates", customer, partner)
    operation = outbox.enqueue(session, partner_id=enrollment.partner_id, provider=enrollment.provider, kind=CERTIFICATES,
                               payload={**body, "users": batch.users, "batch_id": batch.id},
                               enrollment_id=enrollment.id, customer_id=enrollment.customer_id)
    operation.message_id = mailbox.message_id(f"batch-{batch.id}")
    events.emit(session, enrollment, "users_requested", batch=batch.id, users=[u["email"] for u in batch.users])
    view = out(batch)
    audit.record(session, caller, "enrollment", enrollment.id, "users_requested", after=view)
    return view


async def listed(session: AsyncSession, caller: Caller, enrollment_id: str) -> list[BatchOut]:
    enrollment = await owned_row(session, Enrollment, caller, enrollment_id, "enrollment")
    return [out(b) for b in await session.scalars(select(UserBatch).where(UserBatch.enrollment_id == enrollment.id)
                                                  .order_by(UserBatch.created_at, UserBatch.id))]


async def _locked(session: AsyncSession, operation: Operation) -> tuple[UserBatch | None, Enrollment | None]:
    batch = await session.get(UserBatch, operation.payload.get("batch_id"), with_for_update=True, populate_existing=True)
    enrollment = await session.get(Enrollment, operation.enrollment_id) if batch is not None else None
    return batch, enrollment


# --- the desk's answer (called by inbound.receive for a batch's request) ----------------------------------------
async def apply_mail(session: AsyncSession, operation: Operation, mail: InboundMessage, now: datetime) -> tuple[str, str]:
    """(outcome, what was done) of a desk answer to a batch's certificate request."""
    batch, enrollment = await _locked(session, operation)
    if batch is None or enrollment is None:
        return UNMATCHED, "the batch of this request is gone; the mail is kept"
    if (plain := nothing_to_apply(mail.answer)) is not None:
        return plain
    if batch.state == "requested":
        return STORED, ("the certificate request is not recorded as sent yet; the answer is "
                                             "kept and applied as soon as it is")
    if batch.state != "awaiting_certificates":
        return ALREADY, f"the batch is {batch.state}; the answer changes nothing"
    batch.updated_at = now
    if mail.answer == "rejected":
        batch.state, batch.failure = "failed", f"the provider rejected the request: {mail.body.strip()}"
        events.emit(session, enrollment, "users_failed", batch=batch.id, error=batch.failure, rule="MED-ONB-02")
        return APPLIED, "the certificate request was rejected; the batch failed (MED-ONB-02)"
    batch.state, batch.certificates_issued_at = "certificates_issued", now
    outbox.enqueue(session, partner_id=batch.partner_id, provider=enrollment.provider, kind=ADD,
                   payload={"batch_id": batch.id, "subscriber": enrollment.account, "users": batch.users},
                   enrollment_id=enrollment.id, customer_id=enrollment.customer_id)
    events.emit(session, enrollment, "certificates_issued", batch=batch.id, source="e-mail")
    return APPLIED, "the certificates are issued; adding the users is queued (MED-ONB-04)"


# --- the worker's record (hub/onboarding/steps.py runs the calls) -----------------------------------------------
async def step_succeeded(session: AsyncSession, operation: Operation, result: Any, now: datetime) -> None:
    batch, enrollment = await _locked(session, operation)
    if batch is None or enrollment is None:
        return
    batch.updated_at = now
    if operation.kind == CERTIFICATES and batch.state == "requested":
        batch.state, batch.certificates_requested_at = "awaiting_certificates", now
        events.emit(session, enrollment, "certificates_requested", batch=batch.id,
                    expected_at=certificate_issue_time(now).isoformat(), message_id=operation.message_id)
        for mail in await session.scalars(select(InboundMessage).where(  # the answers that came first apply now
                InboundMessage.operation_id == operation.id, InboundMessage.outcome == STORED).order_by(InboundMessage.id)):
            mail.outcome, _ = await apply_mail(session, operation, mail, now)
            mail.applied_at = now if mail.outcome == APPLIED else None
    elif operation.kind == ADD and batch.state == "certificates_issued":
        batch.state, batch.added_at = "added", now
        events.emit(session, enrollment, "users_added", batch=batch.id, users=[u["email"] for u in batch.users])


async def step_failed(session: AsyncSession, operation: Operation, error: str, rule: str | None, now: datetime) -> None:
    batch, enrollment = await _locked(session, operation)
    if batch is None or enrollment is None or batch.state in ("added", "failed"):
        return
    batch.state, batch.failure, batch.updated_at = "failed", error, now
    events.emit(session, enrollment, "users_failed", batch=batch.id, error=error, rule=rule)


async def retried(session: AsyncSession, operation: Operation, now: datetime) -> None:
    """An operator retries a failed step of the batch: the batch goes back to where that step starts."""
    batch, enrollment = await _locked(session, operation)
    if batch is None or enrollment is None or batch.state != "failed":
        return
    batch.state = "requested" if operation.kind == CERTIFICATES else "certificates_issued"
    batch.failure, batch.updated_at = None, now
    events.emit(session, enrollment, "step_retried", operation=operation.id, batch=batch.id)


class BatchRecorder:
    """The worker's recorder of a batch's steps."""

    step_succeeded = staticmethod(step_succeeded)
    step_failed = staticmethod(step_failed)
