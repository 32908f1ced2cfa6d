"""Providers' e-mail answers and the certificates they announce (MED-ONB-02…04).

Each answer is stored (``inbound_mail`` table) and applied as soon as the enrollment can take it: a
«Сертификаты выпущены» that overtakes the worker's record of the request waits for that record
(``apply_stored_mail``, which the worker's recorder calls). The subjects come from the provider profile.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pricing import Catalog
from providers import PROFILES

from hub.core import audit, events, mailbox
from hub.core.caller import Caller
from hub.core.db.models import Customer, Enrollment, InboundMessage, Operation, Partner
from hub.core.exceptions import Conflict, InvalidField
from hub.core.tenancy import owned_row
from hub.onboarding import batches, views
from hub.onboarding.enrolling import enqueue_step
from hub.onboarding.schemas import EnrollmentOut, InboundMail, InboundResult
from hub.onboarding.states import (ALREADY, APPLIED, NOT_APPLICABLE, STORED, UNMATCHED, locked,
                                   nothing_to_apply, record_failure, utc)



async def receive(session: AsyncSession, caller: Caller, mail: InboundMail, now: datetime) -> InboundResult:
    """Store the answer, apply it if the enrollment can take it now, and say what was done: an answer
    that overtook the worker's record of its request waits for it (``apply_stored_mail``)."""
    reply_to, now = mail.in_reply_to.strip(), utc(now)
    stored = InboundMessage(partner_id=caller.partner_id, in_reply_to=reply_to, subject=mail.subject,
                            body=mail.body, sender=mail.sender, received_at=now, outcome=UNMATCHED)
    operation = await session.scalar(select(Operation).where(Operation.partner_id == caller.partner_id,
                                                             Operation.message_id == reply_to)
                                     .order_by(Operation.id).limit(1))
    if operation is None or operation.enrollment_id is None:
        session.add(stored)
        return InboundResult(False, None, None, UNMATCHED, "In-Reply-To names none of this partner's requests; "
                             "the mail is kept, nothing was done")
    enrollment = await locked(session, operation.enrollment_id)
    assert enrollment is not None
    subjects = PROFILES[enrollment.provider].reply_subjects
    stored.answer = next((kind for kind, prefix in subjects.items() if mail.subject.startswith(prefix)), None)
    stored.enrollment_id, stored.operation_id = enrollment.id, operation.id
    if operation.kind == batches.CERTIFICATES:  # a further batch of users (MED-ONB-02)
        stored.outcome, detail = await batches.apply_mail(session, operation, stored, now)
        stored.applied_at = now if stored.outcome == APPLIED else None
    else:
        detail = await apply_mail(session, enrollment, operation, stored, now)
    session.add(stored)
    audit.record(session, caller, "enrollment", enrollment.id, f"mail:{stored.outcome}",
                 after={"subject": mail.subject, "answer": stored.answer})
    return InboundResult(True, enrollment.id, stored.answer, stored.outcome, detail)  # type: ignore[arg-type]


async def apply_mail(session: AsyncSession, enrollment: Enrollment, operation: Operation, mail: InboundMessage,
                     now: datetime) -> str:
    """Take the answer if the enrollment is where it can, else keep it; sets ``mail.outcome`` and returns
    what was done. The caller holds the enrollment's lock, so this never interleaves with the worker's
    record of the request."""
    answer, state = mail.answer, enrollment.state
    rejection = f"the provider rejected the request: {mail.body.strip()}"
    if (plain := nothing_to_apply(answer)) is not None:
        mail.outcome, detail = plain
        return detail
    if operation.kind == mailbox.MAIL:  # an answer to a request about a running customer: reported, state kept
        if answer != "rejected":
            mail.outcome = NOT_APPLICABLE
            return f"an answer {answer!r} to a mailbox request changes nothing; the mail is kept"
        record_failure(session, enrollment, operation, rejection, None, now)
        mail.outcome, mail.applied_at = APPLIED, now
        return "the provider rejected the request: reported as a failed step (step_failed event)"
    if operation.kind != "request_certificates" or enrollment.certificates_issued_at is not None:
        mail.outcome = ALREADY if answer == "issued" and enrollment.certificates_issued_at else NOT_APPLICABLE
        return ("the certificates were already recorded as issued" if mail.outcome == ALREADY
                else f"the enrollment is {state}; the answer changes nothing and is kept for the record")
    unsent = state == "requested" or (state == "failed" and enrollment.failed_in == "requested")
    if answer == "issued" and state == "awaiting_certificates":
        await certificates_issued(session, enrollment, now, "e-mail")
        mail.outcome, mail.applied_at = APPLIED, now
        return "the certificates are issued; the invitation is queued (MED-ONB-04)"
    if answer == "issued" and unsent:
        mail.outcome = STORED
        return "the certificate request is not recorded as sent yet; the answer is kept and applied as soon as it is"
    if answer == "rejected" and state in ("requested", "awaiting_certificates"):
        record_failure(session, enrollment, operation, rejection, "MED-ONB-02", now)
        mail.outcome, mail.applied_at = APPLIED, now
        return "the certificate request was rejected; the enrollment failed (MED-ONB-02)"
    mail.outcome = NOT_APPLICABLE
    return f"the enrollment is {state}; the answer changes nothing and is kept for the record"


async def apply_stored_mail(session: AsyncSession, enrollment: Enrollment, operation: Operation, now: datetime) -> None:
    """The worker recorded the certificate request as sent: the answers that came first apply now, in order."""
    waiting = list(await session.scalars(select(InboundMessage).where(
        InboundMessage.enrollment_id == enrollment.id, InboundMessage.outcome == STORED).order_by(InboundMessage.id)))
    for mail in waiting:
        await apply_mail(session, enrollment, operation, mail, now)
        events.emit(session, enrollment, "stored_mail_applied", mail=mail.id, answer=mail.answer,
                    outcome=mail.outcome, received_at=mail.received_at.isoformat())


async def certificates_issued(session: AsyncSession, enrollment: Enrollment, now: datetime, source: str) -> None:
    """The secure channel is up: take the next step of the profile (the invitation, MED-ONB-04)."""
    if enrollment.certificates_issued_at is not None or enrollment.state != "awaiting_certificates":
        return
    enrollment.certificates_issued_at, enrollment.updated_at = now, now
    events.emit(session, enrollment, "certificates_issued", source=source)
    steps = PROFILES[enrollment.provider].onboarding
    following = steps[steps.index("certificates") + 1]
    customer = await session.get(Customer, enrollment.customer_id)
    partner = await session.get(Partner, enrollment.partner_id)
    assert customer is not None and partner is not None
    enqueue_step(session, enrollment, following, customer, partner)


async def confirm_certificates(session: AsyncSession, caller: Caller, catalogs: dict[str, Catalog], enrollment_id: str,
                               now: datetime) -> EnrollmentOut:
    """An operator confirms the certificates were issued (MED-ONB-03), when no e-mail said so."""
    enrollment = await owned_row(session, Enrollment, caller, enrollment_id, "enrollment", for_update=True)
    if enrollment.certificates_issued_at is not None:
        raise Conflict("the certificates were already confirmed; the invitation is on its way", field="state",
                       rule="MED-ONB-03")
    if enrollment.state != "awaiting_certificates":
        raise InvalidField("state", f"the enrollment is {enrollment.state}, not awaiting certificates")
    await certificates_issued(session, enrollment, utc(now), "operator")
    audit.record(session, caller, "enrollment", enrollment.id, "certificates_confirmed")
    return views.view(catalogs, enrollment)
