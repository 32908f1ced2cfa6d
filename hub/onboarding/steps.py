"""The worker steps of onboarding: the certificate request (MED-ONB-02), the invitation or trial request
(RULES §2) and polling it until the customer is in — what each calls, and how the enrollment records it."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from adapters import (
    AccessHandle,
    AccessRequest,
    AccessStatus,
    CertificateRequest,
    NotFound,
    User,
    compose_certificate_request,
)
from hub.core import events, outbox
from hub.core.db import Customer, Enrollment, Operation
from hub.core.steps import OK, REJECTED, WAITING, MailSent, Outcome, Step, StepContext
from hub.core import mailbox
from hub.onboarding import batches, states
from hub.onboarding.ownership import Ownership
from hub.onboarding.service import ACCESS_OBJECT, POLL, STEP_STATE, Onboarding
from providers import PROFILES, certificate_issue_time


def users_of(payload: dict[str, Any]) -> tuple[User, ...]:
    return tuple(User(u["name"], u["email"], u.get("phone")) for u in payload["users"])


def provider_forgot(provider: str, reference: str, detail: str) -> str:
    """The failure of an enrollment whose invitation or trial request the provider no longer has (a
    sandbox restarted empty, an object removed there): polling it again would never find it."""
    step = next(step for step in PROFILES[provider].onboarding if step != "certificates")
    return (f"the provider no longer knows {ACCESS_OBJECT[step]} {reference} ({detail}); cancel this enrollment "
            "and enroll the customer again")


class OnboardingSteps:
    """Runs the enrollment's outbound steps and records them on the enrollment (the worker's Recorder)."""

    def __init__(self, service: Onboarding, context: StepContext, ownership: Ownership) -> None:
        self.service, self.context, self.ownership = service, context, ownership

    def steps(self) -> dict[str, Step]:
        return {"request_certificates": Step(self.request_certificates, self),
                "request_access": Step(self.request_access, self),
                POLL: Step(self.poll_access, self),
                batches.CERTIFICATES: Step(self.request_certificates, batches.BatchRecorder()),
                batches.ADD: Step(self.add_users, batches.BatchRecorder())}

    # --- running ----------------------------------------------------------------------------------------------
    async def request_certificates(self, operation: Operation) -> Outcome:
        payload, mail = operation.payload, self.context.adapters.mail
        if mail is None:
            return Outcome(REJECTED, error="no SMTP relay is configured for e-mail channels")
        number = payload.get("customer_number")
        request = CertificateRequest(payload["partner_name"], int(payload["partner_number"]), payload["customer_name"],
                                     str(number) if number else None, users_of(payload),
                                     bool(payload.get("for_partner_staff")))
        message = compose_certificate_request(request, self.context.mail_from, operation.message_id or "")
        return Outcome(OK, MailSent(await mail.send(message)))

    async def add_users(self, operation: Operation) -> Outcome:
        """Further users of a subscriber, after their certificates (MED-ONB-02, MED-ONB-04)."""
        adapter, users = await self.context.service_manager(operation), users_of(operation.payload)
        present = {email.lower() for email in await adapter.add_users(str(operation.payload["subscriber"]), users)}
        missing = [u.email for u in users if u.email.lower() not in present]
        if missing:
            return Outcome(REJECTED, error=f"the provider did not add {', '.join(missing)}", rule="MED-ONB-04")
        return Outcome(OK, sorted(present))

    async def request_access(self, operation: Operation) -> Outcome:
        p = operation.payload
        request = AccessRequest(p["customer_name"], users_of(p), p.get("tariff"), p.get("inn"), p.get("phone"),
                                p.get("timezone", "Europe/Moscow"), tuple(p.get("products") or ()), p.get("partner_code"),
                                p.get("partner_name"), p.get("comment"))
        adapter = await self.context.access_point(operation)
        handle = await adapter.request_access(request)
        if handle.reused:
            await self.ownership.not_anothers(operation, adapter, Enrollment.reference, handle.reference,
                                              "invitation or trial request")
        return Outcome(OK, handle)

    async def poll_access(self, operation: Operation) -> Outcome:
        adapter = await self.context.access_point(operation)
        reference = operation.payload["reference"]
        try:
            status = await adapter.access_status(AccessHandle(reference))
        except NotFound as exc:  # gone there (e.g. a sandbox restarted empty): the enrollment fails saying so
            return Outcome(REJECTED, error=provider_forgot(operation.provider, reference, exc.message), rule=exc.rule)
        if not status.active:
            return Outcome(WAITING)
        if status.account:
            await self.ownership.not_anothers(operation, adapter, Enrollment.account, status.account, "account")
        return Outcome(OK, status)

    # --- recording --------------------------------------------------------------------------------------------
    async def step_succeeded(self, session: AsyncSession, operation: Operation, result: Any, now: datetime) -> None:
        enrollment = await self.service._locked(session, operation.enrollment_id)
        if enrollment is None or enrollment.state in ("cancelled", "failed"):
            return
        enrollment.updated_at = now
        step = operation.payload.get("step")
        if operation.kind == "request_certificates":
            enrollment.certificates_requested_at = now
            enrollment.state = STEP_STATE[step]
            events.emit(session, enrollment, "certificates_requested",
                        expected_at=certificate_issue_time(now).isoformat(), message_id=operation.message_id)
            await self.service._apply_stored_mail(session, enrollment, operation, now)
        elif operation.kind == "request_access":
            handle: AccessHandle = result
            enrollment.reference, enrollment.access_requested_at = handle.reference, now
            enrollment.state = STEP_STATE[step]
            events.emit(session, enrollment, "invitation_sent" if step == "invite" else "trial_requested",
                        reference=handle.reference, reused=handle.reused)
            outbox.enqueue(session, partner_id=enrollment.partner_id, provider=enrollment.provider, kind=POLL,
                           payload={"reference": handle.reference}, enrollment_id=enrollment.id,
                           customer_id=enrollment.customer_id, due=now + self.service.poll_every)
        elif operation.kind == POLL:
            await self._access_granted(session, enrollment, result, now)
        elif operation.kind == mailbox.MAIL:
            events.emit(session, enrollment, "mail_sent", message_id=result.message_id)

    async def _access_granted(self, session: AsyncSession, enrollment: Enrollment, status: AccessStatus,
                              now: datetime) -> None:
        profile = PROFILES[enrollment.provider]
        enrollment.account, enrollment.trial_end = status.account, status.trial_end
        enrollment.state = "trial_active"
        customer = await session.get(Customer, enrollment.customer_id)
        if customer is not None and profile.account_field and status.account:
            account: Any = int(status.account) if status.account.isdigit() else status.account
            customer.accounts = {**(customer.accounts or {}), profile.account_field: account}
            customer.updated_at = now
        events.emit(session, enrollment, "access_granted", account=status.account,
                    trial_end=_iso(status.trial_end), rule=profile.trial_rule)

    async def step_failed(self, session: AsyncSession, operation: Operation, error: str, rule: str | None,
                          now: datetime) -> None:
        enrollment = await self.service._locked(session, operation.enrollment_id)
        if enrollment is not None:
            states.record_failure(session, enrollment, operation, error, rule, now)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None
