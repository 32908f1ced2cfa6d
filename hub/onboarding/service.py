"""Onboarding: one enrollment per customer × provider, its steps taken from the provider profile.

    requested → (awaiting_certificates) → invited | trial_requested → trial_active
              → ready_for_paid → active_paid;   failed, expired, cancelled

Each outbound step is an outbox row written with the state change. What the worker learns
comes back through ``step_succeeded`` / ``step_failed``; e-mail answers through ``inbound_mail``: each
is stored (``inbound_mail`` table) and applied as soon as the enrollment can take it — a «Сертификаты
выпущены» that overtakes the worker's record of the request waits for that record (``MAIL_OUTCOMES``).

Every transition locks the enrollment (or the operation) before checking its state, the worker's
reports included, so an operator's cancel and a step's success never overwrite each other, and of
requests racing for one transition exactly one is accepted; the others get a 409.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import msgspec
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pricing import MOSCOW, Catalog
from pricing.engines.common import standing_gap
from providers import PROFILES, certificate_issue_time

from hub.core.caller import Caller
from hub.core.db.models import Customer, Enrollment, InboundMessage, Operation, Partner, utcnow
from hub.core.exceptions import Conflict, InvalidField
from hub.onboarding.schemas import (
    EnrollmentCreate,
    EnrollmentOut,
    EnrollmentPage,
    InboundMail,
    InboundResult,
    Step,
)
from hub.partners.schemas import Standing
from hub.core import audit, events, outbox
from hub.onboarding import mailbox
from hub.customers.service import owned as owned_customer
from hub.core.paging import matching, page
from hub.partners.service import get_partner, standing_of
from hub.core.tenancy import owned_row

STEP_STATE = {"certificates": "awaiting_certificates", "invite": "invited", "trial_request": "trial_requested"}
STEP_OPERATION = {"certificates": "request_certificates", "invite": "request_access", "trial_request": "request_access"}
POLL = "poll_access"
ACCESS_OBJECT = {"invite": "invitation", "trial_request": "trial request"}  # what the access step makes there
# what POST /api/v1/inbound/mail did with an answer (README, "Onboarding"); the mail is stored in every case
APPLIED, STORED, ALREADY, NOT_APPLICABLE, NOTED, UNRECOGNISED, UNMATCHED = (
    "applied", "stored_until_request_sent", "already_applied", "not_applicable", "noted", "unrecognised", "unmatched")
MAIL_OUTCOMES = (APPLIED, STORED, ALREADY, NOT_APPLICABLE, NOTED, UNRECOGNISED, UNMATCHED)
TRIAL_ENDING_DAYS = 3
ENDED = ("failed", "cancelled", "expired")  # states after which the customer may be enrolled there again


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _access_step(provider: str) -> str:
    return next(step for step in PROFILES[provider].onboarding if step != "certificates")


def provider_forgot(provider: str, reference: str, detail: str) -> str:
    """The failure of an enrollment whose invitation or trial request the provider no longer has (a
    sandbox restarted empty, an object removed there): polling it again would never find it."""
    what = ACCESS_OBJECT[_access_step(provider)]
    return (f"the provider no longer knows {what} {reference} ({detail}); cancel this enrollment and enroll "
            "the customer again")


class Onboarding:
    """The enrollment use cases; ``catalogs`` give eligibility and tariffs, ``poll_every`` the polling pace."""

    def __init__(self, catalogs: dict[str, Catalog], poll_every: timedelta) -> None:
        self.catalogs, self.poll_every = catalogs, poll_every

    # --- creating -----------------------------------------------------------------------------------------
    async def create(self, session: AsyncSession, caller: Caller, customer_id: str, data: EnrollmentCreate) -> EnrollmentOut:
        customer = await owned_customer(session, caller, customer_id, for_update=True)
        partner = await get_partner(session, caller.partner_id)
        profile, catalog = PROFILES[data.provider], self.catalogs[data.provider]
        self._check(customer, partner, data, catalog, await standing_of(session, caller.partner_id))
        await self._no_live_enrollment(session, customer, data.provider)
        users = [msgspec.to_builtins(u) for u in data.users]
        users[0]["timezone"] = data.timezone  # the owner's, carried by the invitation (MED-ONB-04)
        enrollment = Enrollment(partner_id=caller.partner_id, customer_id=customer.id, provider=data.provider,
                                state="requested", tariff=data.tariff, products=list(data.products), users=users,
                                trial_ending_noticed=False)
        session.add(enrollment)
        await session.flush()
        self._enqueue_step(session, enrollment, profile.onboarding[0], customer, partner)
        events.emit(session, enrollment, "enrollment_requested", provider=data.provider)
        view = self.view(enrollment)
        audit.record(session, caller, "enrollment", enrollment.id, "create", after=view)
        return view

    @staticmethod
    async def _no_live_enrollment(session: AsyncSession, customer: Customer, provider: str) -> None:
        """At most one live enrollment per customer and provider (the customer row is locked by the caller,
        so racing requests are checked one after another); an active paid customer needs none."""
        existing = await session.scalar(select(Enrollment).where(
            Enrollment.customer_id == customer.id, Enrollment.provider == provider,
            Enrollment.state.notin_(ENDED)).order_by(Enrollment.created_at).limit(1))
        if existing is not None:
            raise Conflict(f"the customer already has enrollment {existing.id} on {provider} ({existing.state}); "
                           "cancel it first or follow it", field="provider")

    def _check(self, customer: Customer, partner: Partner, data: EnrollmentCreate, catalog: Catalog, standing: Any) -> None:
        profile = PROFILES[data.provider]
        if customer.country != profile.customer_country:
            raise InvalidField("provider", f"{profile.title} serves customers in {profile.customer_country}")
        gap = standing_gap(catalog, standing)
        if gap:
            raise InvalidField("provider", gap[0], rule=gap[1][0] if gap[1] else None)
        if profile.max_trial_users and len(data.users) > profile.max_trial_users:
            raise InvalidField("users", f"a trial has at most {profile.max_trial_users} users", rule=profile.trial_rule)
        if data.tariff is not None:
            tariff = catalog.tariff(data.tariff)
            if tariff is None:
                raise InvalidField("tariff", f"{data.provider} has no tariff {data.tariff!r}")
            if tariff.kind != "trial":
                raise InvalidField("tariff", f"{tariff.label!r} is paid; an invitation starts with a trial", rule="FAM-ONB-02")
        unknown = [p for p in data.products if catalog.configuration(p) is None]
        if unknown:
            raise InvalidField("products", f"{data.provider} has no {', '.join(unknown)}")
        self._check_request(customer, partner, data.provider, list(data.products), [u.phone for u in data.users])

    @staticmethod
    def _check_request(customer: Customer, partner: Partner, provider: str, products: list[str],
                       phones: list[str | None]) -> None:
        """What the outbound requests must carry, from the card and the standing as they are now:
        checked when the enrollment is accepted and again when a failed step is retried."""
        profile = PROFILES[provider]
        stored = msgspec.convert(partner.standing or {}, Standing)
        if "trial_request" in profile.onboarding:  # RA-ONB-02: the partner's data, the customer's, the trial's
            if not products:
                raise InvalidField("products", "a trial request names the products to try", rule="RA-ONB-02")
            if not stored.rarus.partner_code:
                raise InvalidField("partner.standing.rarus.partner_code", "set the partner's Rarus code first",
                                   rule="RA-ONB-02")
            if not customer.inn:
                raise InvalidField("inn", "a Rarus trial request carries the customer's ИНН; fill it on the card first",
                                   rule="RA-ONB-02")
        if profile.requires_certificate:
            if not stored.medicine.partner_subscriber_number:
                raise InvalidField("partner.standing.medicine.partner_subscriber_number",
                                   "certificate requests name the partner's subscriber number", rule="MED-ONB-02")
            missing = [f for f in ("inn", "phone") if not getattr(customer, f)]
            missing += [f"users[{i}].phone" for i, phone in enumerate(phones) if not phone]
            if missing:
                raise InvalidField(missing[0], f"the certificate request and the invitation need: {', '.join(missing)}",
                                   rule="MED-ONB-04")

    @staticmethod
    def _payload(enrollment: Enrollment, step: str, customer: Customer, partner: Partner) -> dict[str, Any]:
        """What the step's request carries: read from the card and the standing when it is queued or retried."""
        stored = msgspec.convert(partner.standing or {}, Standing)
        owner = enrollment.users[0]
        if step == "certificates":
            payload = {"partner_name": partner.name, "partner_number": stored.medicine.partner_subscriber_number,
                       "customer_name": customer.legal_name,
                       "customer_number": (customer.accounts or {}).get(PROFILES[enrollment.provider].account_field),
                       "users": enrollment.users}
        else:
            payload = {"customer_name": customer.legal_name, "users": enrollment.users, "tariff": enrollment.tariff,
                       "inn": customer.inn or customer.bin_iin, "phone": customer.phone,
                       "timezone": owner.get("timezone", "Europe/Moscow"), "products": enrollment.products,
                       "partner_code": stored.rarus.partner_code, "partner_name": partner.name}
        return {"step": step, **payload}

    def _enqueue_step(self, session: AsyncSession, enrollment: Enrollment, step: str, customer: Customer,
                      partner: Partner) -> Operation:
        operation = outbox.enqueue(session, partner_id=enrollment.partner_id, provider=enrollment.provider,
                                   kind=STEP_OPERATION[step], payload=self._payload(enrollment, step, customer, partner),
                                   enrollment_id=enrollment.id, customer_id=enrollment.customer_id)
        if step == "certificates":
            operation.message_id = mailbox.message_id(f"enrollment-{enrollment.id}")
        return operation

    # --- what the worker reports ---------------------------------------------------------------------------
    async def step_succeeded(self, session: AsyncSession, operation: Operation, result: dict[str, Any], now: datetime) -> None:
        enrollment = await self._locked(session, operation.enrollment_id)
        if enrollment is None or enrollment.state in ("cancelled", "failed"):
            return
        enrollment.updated_at = now
        step = operation.payload.get("step")
        if operation.kind == "request_certificates":
            enrollment.certificates_requested_at = now
            enrollment.state = STEP_STATE[step]
            events.emit(session, enrollment, "certificates_requested",
                        expected_at=certificate_issue_time(now).isoformat(), message_id=operation.message_id)
            await self._apply_stored_mail(session, enrollment, operation, now)
        elif operation.kind == "request_access":
            enrollment.reference, enrollment.access_requested_at = result["reference"], now
            enrollment.state = STEP_STATE[step]
            events.emit(session, enrollment, "invitation_sent" if step == "invite" else "trial_requested",
                        reference=result["reference"], reused=result.get("reused", False))
            outbox.enqueue(session, partner_id=enrollment.partner_id, provider=enrollment.provider, kind=POLL,
                           payload={"reference": result["reference"]}, enrollment_id=enrollment.id,
                           customer_id=enrollment.customer_id, due=now + self.poll_every)
        elif operation.kind == POLL:
            await self._access_granted(session, enrollment, result, now)
        elif operation.kind == mailbox.MAIL:
            events.emit(session, enrollment, "mail_sent", message_id=result.get("message_id"))

    async def _access_granted(self, session: AsyncSession, enrollment: Enrollment, result: dict[str, Any], now: datetime) -> None:
        profile = PROFILES[enrollment.provider]
        enrollment.account = result["account"]
        enrollment.trial_end = date.fromisoformat(result["trial_end"]) if result.get("trial_end") else None
        enrollment.state = "trial_active"
        customer = await session.get(Customer, enrollment.customer_id)
        if customer is not None and profile.account_field:
            account: Any = int(result["account"]) if result["account"].isdigit() else result["account"]
            customer.accounts = {**(customer.accounts or {}), profile.account_field: account}
            customer.updated_at = now
        events.emit(session, enrollment, "access_granted", account=result["account"],
                    trial_end=result.get("trial_end"), rule=profile.trial_rule)

    async def step_failed(self, session: AsyncSession, operation: Operation, error: str, rule: str | None,
                          now: datetime) -> None:
        enrollment = await self._locked(session, operation.enrollment_id)
        if enrollment is None or enrollment.state in ("cancelled", "failed"):
            return
        if operation.kind == mailbox.MAIL:  # a request about a running customer: report it, keep the state
            events.emit(session, enrollment, "step_failed", operation=operation.id, step=operation.kind, error=error)
            return
        enrollment.failed_in, enrollment.state, enrollment.failure, enrollment.updated_at = enrollment.state, "failed", error, now
        events.emit(session, enrollment, "step_failed", operation=operation.id, step=operation.kind, error=error, rule=rule)

    async def certificates_issued(self, session: AsyncSession, enrollment: Enrollment, now: datetime, source: str) -> None:
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
        self._enqueue_step(session, enrollment, following, customer, partner)

    # --- operators, e-mail, the clock ------------------------------------------------------------------------
    async def inbound_mail(self, session: AsyncSession, caller: Caller, mail: InboundMail) -> InboundResult:
        """Store the answer, apply it if the enrollment can take it now, and say what was done: an answer
        that overtook the worker's record of its request waits for it (``_apply_stored_mail``)."""
        reply_to, now = mail.in_reply_to.strip(), utcnow()
        stored = InboundMessage(partner_id=caller.partner_id, in_reply_to=reply_to, subject=mail.subject,
                                body=mail.body, sender=mail.sender, received_at=now, outcome=UNMATCHED)
        operation = await session.scalar(select(Operation).where(Operation.partner_id == caller.partner_id,
                                                                 Operation.message_id == reply_to)
                                         .order_by(Operation.id).limit(1))
        if operation is None or operation.enrollment_id is None:
            session.add(stored)
            return InboundResult(False, None, None, UNMATCHED, "In-Reply-To names none of this partner's requests; "
                                 "the mail is kept, nothing was done")
        enrollment = await self._locked(session, operation.enrollment_id)
        assert enrollment is not None
        subjects = PROFILES[enrollment.provider].reply_subjects
        stored.answer = next((kind for kind, prefix in subjects.items() if mail.subject.startswith(prefix)), None)
        stored.enrollment_id, stored.operation_id = enrollment.id, operation.id
        detail = await self._apply_mail(session, enrollment, operation, stored, now)
        session.add(stored)
        audit.record(session, caller, "enrollment", enrollment.id, f"mail:{stored.outcome}",
                     after={"subject": mail.subject, "answer": stored.answer})
        return InboundResult(True, enrollment.id, stored.answer, stored.outcome, detail)  # type: ignore[arg-type]

    async def _apply_mail(self, session: AsyncSession, enrollment: Enrollment, operation: Operation,
                          mail: InboundMessage, now: datetime) -> str:
        """Take the answer if the enrollment is where it can, else keep it; sets ``mail.outcome`` and returns
        what was done. The caller holds the enrollment's lock, so this never interleaves with the worker's
        record of the request (``step_succeeded``)."""
        answer, state = mail.answer, enrollment.state
        rejection = f"the provider rejected the request: {mail.body.strip()}"
        if answer is None:
            mail.outcome = UNRECOGNISED
            return "the subject is none of the provider's answers; the mail is kept, nothing was done"
        if answer == "accepted":
            mail.outcome = NOTED
            return "an acknowledgement: nothing to do"
        if operation.kind == mailbox.MAIL:  # an answer to a request about a running customer: reported, state kept
            if answer != "rejected":
                mail.outcome = NOT_APPLICABLE
                return f"an answer {answer!r} to a mailbox request changes nothing; the mail is kept"
            await self.step_failed(session, operation, rejection, None, now)
            mail.outcome, mail.applied_at = APPLIED, now
            return "the provider rejected the request: reported as a failed step (step_failed event)"
        if operation.kind != "request_certificates" or enrollment.certificates_issued_at is not None:
            mail.outcome = ALREADY if answer == "issued" and enrollment.certificates_issued_at else NOT_APPLICABLE
            return ("the certificates were already recorded as issued" if mail.outcome == ALREADY
                    else f"the enrollment is {state}; the answer changes nothing and is kept for the record")
        unsent = state == "requested" or (state == "failed" and enrollment.failed_in == "requested")
        if answer == "issued" and state == "awaiting_certificates":
            await self.certificates_issued(session, enrollment, now, "e-mail")
            mail.outcome, mail.applied_at = APPLIED, now
            return "the certificates are issued; the invitation is queued (MED-ONB-04)"
        if answer == "issued" and unsent:
            mail.outcome = STORED
            return "the certificate request is not recorded as sent yet; the answer is kept and applied as soon as it is"
        if answer == "rejected" and state in ("requested", "awaiting_certificates"):
            await self.step_failed(session, operation, rejection, "MED-ONB-02", now)
            mail.outcome, mail.applied_at = APPLIED, now
            return "the certificate request was rejected; the enrollment failed (MED-ONB-02)"
        mail.outcome = NOT_APPLICABLE
        return f"the enrollment is {state}; the answer changes nothing and is kept for the record"

    async def _apply_stored_mail(self, session: AsyncSession, enrollment: Enrollment, operation: Operation,
                                 now: datetime) -> None:
        """The worker recorded the certificate request as sent: the answers that came first apply now, in order."""
        waiting = list(await session.scalars(select(InboundMessage).where(
            InboundMessage.enrollment_id == enrollment.id, InboundMessage.outcome == STORED).order_by(InboundMessage.id)))
        for mail in waiting:
            await self._apply_mail(session, enrollment, operation, mail, now)
            events.emit(session, enrollment, "stored_mail_applied", mail=mail.id, answer=mail.answer,
                        outcome=mail.outcome, received_at=mail.received_at.isoformat())

    async def confirm_certificates(self, session: AsyncSession, caller: Caller, enrollment_id: str) -> EnrollmentOut:
        enrollment = await self._owned(session, caller, enrollment_id, for_update=True)
        if enrollment.certificates_issued_at is not None:
            raise Conflict("the certificates were already confirmed; the invitation is on its way", field="state",
                           rule="MED-ONB-03")
        if enrollment.state != "awaiting_certificates":
            raise InvalidField("state", f"the enrollment is {enrollment.state}, not awaiting certificates")
        await self.certificates_issued(session, enrollment, utcnow(), "operator")
        audit.record(session, caller, "enrollment", enrollment.id, "certificates_confirmed")
        return self.view(enrollment)

    async def approve_egisz(self, session: AsyncSession, caller: Caller, enrollment_id: str) -> EnrollmentOut:
        """MED-ONB-07: the ЕГИСЗ support approved the connection; the customer may now be invoiced."""
        enrollment = await self._owned(session, caller, enrollment_id, for_update=True)
        if not self._gates(enrollment):
            raise InvalidField("tariff", "this enrollment has no ЕГИСЗ approval gate")
        if enrollment.egisz_approved_at is not None:
            raise Conflict("the ЕГИСЗ approval is already recorded", field="state", rule="MED-ONB-07")
        enrollment.egisz_approved_at = enrollment.updated_at = utcnow()
        events.emit(session, enrollment, "gate_passed", gate="egisz_approval", rule="MED-ONB-07")
        audit.record(session, caller, "enrollment", enrollment.id, "egisz_approved")
        return self.view(enrollment)

    async def cancel_trial(self, session: AsyncSession, caller: Caller, enrollment_id: str) -> EnrollmentOut:
        """FAM-ONB-02: a customer who needs no trial gets the paid subscription first; then the trial is
        cancelled by a request to the provider's mailbox (RULES §5) — one request: while it stands (queued,
        running or sent), another is a 409."""
        enrollment = await self._owned(session, caller, enrollment_id, for_update=True)
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
        return self.view(enrollment)

    async def cancel(self, session: AsyncSession, caller: Caller, enrollment_id: str) -> EnrollmentOut:
        enrollment = await self._owned(session, caller, enrollment_id, for_update=True)
        if enrollment.state == "cancelled":
            raise Conflict("the enrollment is already cancelled", field="state")
        if enrollment.state == "active_paid":
            raise InvalidField("state", f"the enrollment is {enrollment.state}")
        before = self.view(enrollment)
        now = utcnow()
        enrollment.state, enrollment.updated_at = "cancelled", now
        # conditional: a step a worker claimed meanwhile is running, not pending, and keeps its lease
        await session.execute(update(Operation).where(Operation.enrollment_id == enrollment.id,
                                                      Operation.status == outbox.PENDING)
                              .values(status=outbox.CANCELLED, updated_at=now)
                              .execution_options(synchronize_session="fetch"))
        events.emit(session, enrollment, "enrollment_cancelled")
        audit.record(session, caller, "enrollment", enrollment.id, "cancel", before, self.view(enrollment))
        return self.view(enrollment)

    async def retry(self, session: AsyncSession, caller: Caller, operation_id: int):
        """Put a step that gave up back in the queue, and its enrollment back where it failed."""
        operation = await outbox.owned(session, caller, operation_id, for_update=True)
        if operation.status != outbox.FAILED:
            raise Conflict(f"only a failed operation is retried; this one is {operation.status}", field="status")
        now = utcnow()
        enrollment = await self._locked(session, operation.enrollment_id) if operation.enrollment_id else None
        step = operation.payload.get("step")
        if enrollment is not None and operation.kind in ("request_certificates", "request_access") and step:
            # the request is made again from the card and standing as they are now (the fix the retry is for)
            customer = await session.get(Customer, enrollment.customer_id, with_for_update=True, populate_existing=True)
            partner = await get_partner(session, enrollment.partner_id)
            assert customer is not None
            self._check_request(customer, partner, enrollment.provider, list(enrollment.products or []),
                                [u.get("phone") for u in enrollment.users])
            operation.payload = self._payload(enrollment, step, customer, partner)
        operation.status, operation.attempts, operation.next_attempt_at, operation.updated_at = outbox.PENDING, 0, now, now
        if enrollment is not None and enrollment.state == "failed":
            enrollment.state, enrollment.failure, enrollment.updated_at = enrollment.failed_in or "requested", None, now
            events.emit(session, enrollment, "step_retried", operation=operation.id)
        audit.record(session, caller, "operation", str(operation.id), "retry")
        return outbox.out(operation)

    async def sweep(self, session: AsyncSession, today: date) -> None:
        """Trials ending in 3 days get an event; ended ones expire."""
        active = await session.scalars(select(Enrollment).where(Enrollment.state == "trial_active",
                                                                Enrollment.trial_end.is_not(None))
                                       .order_by(Enrollment.id).with_for_update()
                                       .execution_options(populate_existing=True))
        for enrollment in active:
            assert enrollment.trial_end is not None
            if enrollment.trial_end < today:
                enrollment.state = "expired"
                events.emit(session, enrollment, "trial_expired", trial_end=enrollment.trial_end.isoformat())
            elif not enrollment.trial_ending_noticed and (enrollment.trial_end - today).days <= TRIAL_ENDING_DAYS:
                enrollment.trial_ending_noticed = True
                events.emit(session, enrollment, "trial_ending", trial_end=enrollment.trial_end.isoformat(),
                            rule=PROFILES[enrollment.provider].trial_rule)

    # --- reading ---------------------------------------------------------------------------------------------
    async def _owned(self, session: AsyncSession, caller: Caller, enrollment_id: str, *,
                     for_update: bool = False) -> Enrollment:
        return await owned_row(session, Enrollment, caller, enrollment_id, "enrollment", for_update=for_update)

    @staticmethod
    async def _locked(session: AsyncSession, enrollment_id: str | None) -> Enrollment | None:
        """The enrollment a worker's report or an e-mail answer is about, locked (see the module docstring)."""
        return await session.get(Enrollment, enrollment_id, with_for_update=True, populate_existing=True)

    async def read(self, session: AsyncSession, caller: Caller, enrollment_id: str) -> EnrollmentOut:
        enrollment = await self._owned(session, caller, enrollment_id)
        return self.view(enrollment, await self._retrying(session, [enrollment.id]))

    async def search(self, session: AsyncSession, caller: Caller, *, provider: str | None, state: str | None,
                     customer_id: str | None, limit: int, offset: int) -> EnrollmentPage:
        where = [Enrollment.partner_id == caller.partner_id]
        where += matching((Enrollment.provider, provider), (Enrollment.state, state), (Enrollment.customer_id, customer_id))
        rows, total = await page(session, Enrollment, where, (Enrollment.created_at, Enrollment.id), limit, offset,
                                 lambda row: row)
        retrying = await self._retrying(session, [row.id for row in rows])
        return EnrollmentPage([self.view(row, retrying) for row in rows], total, limit, offset)

    @staticmethod
    async def _retrying(session: AsyncSession, enrollment_ids: list[str]) -> dict[tuple[str, str], Operation]:
        """Per (enrollment, step): the step's latest outbox operation if it is being retried after an error
        (or gave up), for the view to show its attempts and last error."""
        if not enrollment_ids:
            return {}
        rows = await session.scalars(select(Operation).where(
            Operation.enrollment_id.in_(enrollment_ids), Operation.kind.in_(("request_certificates", "request_access", POLL)),
            Operation.status.in_((outbox.PENDING, outbox.RUNNING, outbox.FAILED))).order_by(Operation.id))
        latest: dict[tuple[str, str], Operation] = {}
        for row in rows:
            step = "certificates" if row.kind == "request_certificates" else _access_step(row.provider)
            latest[(str(row.enrollment_id), step)] = row
        return {key: row for key, row in latest.items() if row.last_error and row.attempts > 0}

    def _gates(self, enrollment: Enrollment) -> list[dict[str, Any]]:
        tariff = self.catalogs[enrollment.provider].tariff(enrollment.tariff) if enrollment.tariff else None
        if tariff is None or tariff.gate is None:
            return []
        return [{"gate": tariff.gate, "rule": tariff.gate_rule, "satisfied": enrollment.egisz_approved_at is not None,
                 "before": "invoicing the customer"}]

    def view(self, enrollment: Enrollment, retrying: dict[tuple[str, str], Operation] | None = None) -> EnrollmentOut:
        steps = self._steps(enrollment)
        for i, step in enumerate(steps):
            operation = (retrying or {}).get((enrollment.id, step.step))
            if operation is not None and step.status != "done":
                steps[i] = msgspec.structs.replace(step, operation_id=operation.id, attempts=operation.attempts,
                                                   last_error=operation.last_error)
        return EnrollmentOut(
            enrollment.id, enrollment.customer_id, enrollment.provider, enrollment.state, enrollment.tariff,
            list(enrollment.products or []), list(enrollment.users or []), enrollment.reference, enrollment.account,
            enrollment.trial_end, steps, self._gates(enrollment), enrollment.failure,
            enrollment.created_at, enrollment.updated_at)

    def _steps(self, e: Enrollment) -> list[Step]:
        profile = PROFILES[e.provider]
        steps: list[Step] = []
        failed = e.state == "failed"
        for step in profile.onboarding:
            if step == "certificates":
                if e.certificates_issued_at:
                    steps.append(Step("certificates", "done", expected_at=_iso(e.certificates_issued_at), rule="MED-ONB-03"))
                elif e.certificates_requested_at:
                    steps.append(Step("certificates", "failed" if failed else "waiting",
                                      "the certificates at the 10:00 working-day batch",
                                      _iso(certificate_issue_time(e.certificates_requested_at)), "MED-ONB-03"))
                else:
                    steps.append(Step("certificates", "failed" if failed else "in_progress",
                                      "the certificate request to be sent", rule="MED-ONB-02"))
            else:
                steps.append(self._access_step(e, step, failed))
        trial_days = profile.trial_days
        if e.trial_end:
            steps.append(Step("trial", "done" if e.state == "expired" else "waiting", "the trial to end", _iso(e.trial_end),
                              profile.trial_rule))
        elif e.access_requested_at:
            estimate = e.access_requested_at.astimezone(MOSCOW).date() + timedelta(days=trial_days - 1)
            steps.append(Step("trial", "pending", f"a {trial_days}-day trial", _iso(estimate), profile.trial_rule))
        return steps

    def _access_step(self, e: Enrollment, step: str, failed: bool) -> Step:
        profile = PROFILES[e.provider]
        if e.account:
            return Step(step, "done", rule=profile.access_rule)
        if e.access_requested_at:
            expected = (e.access_requested_at + timedelta(minutes=profile.access_wait_minutes)
                        if profile.access_wait_minutes else None)
            return Step(step, "failed" if failed else "waiting", profile.access_wait, _iso(expected), profile.access_rule)
        blocked = "certificates" in profile.onboarding and e.certificates_issued_at is None
        return Step(step, "failed" if failed else ("pending" if blocked else "in_progress"),
                    "the certificates first (MED-ONB-04)" if blocked else "the request to be sent", rule=profile.access_rule)
