"""Reading enrollments: one, a filtered page, and the view of each — its steps from the provider profile with
their expected times and rules, the step being retried with its last error, and its gates."""
from __future__ import annotations

from datetime import timedelta

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pricing import MOSCOW, Catalog
from providers import PROFILES, certificate_issue_time

from hub.core import outbox
from hub.core.caller import Caller
from hub.core.db.models import Enrollment, Operation
from hub.core.paging import matching, page
from hub.core.tenancy import owned_row
from hub.onboarding.gates import gates_of
from hub.onboarding.schemas import EnrollmentOut, EnrollmentPage, Step
from hub.onboarding.states import POLL, REQUESTS, access_step, iso

Retrying = dict[tuple[str, str], Operation]


async def owned(session: AsyncSession, caller: Caller, enrollment_id: str, *, for_update: bool = False) -> Enrollment:
    """The caller's enrollment; another partner's is reported exactly like a missing one."""
    return await owned_row(session, Enrollment, caller, enrollment_id, "enrollment", for_update=for_update)


async def read(session: AsyncSession, caller: Caller, catalogs: dict[str, Catalog], enrollment_id: str) -> EnrollmentOut:
    enrollment = await owned(session, caller, enrollment_id)
    return view(catalogs, enrollment, await retrying(session, [enrollment.id]))


async def search(session: AsyncSession, caller: Caller, catalogs: dict[str, Catalog], *, provider: str | None,
                 state: str | None, customer_id: str | None, limit: int, offset: int) -> EnrollmentPage:
    where = [Enrollment.partner_id == caller.partner_id]
    where += matching((Enrollment.provider, provider), (Enrollment.state, state), (Enrollment.customer_id, customer_id))
    rows, total = await page(session, Enrollment, where, (Enrollment.created_at, Enrollment.id), limit, offset,
                             lambda row: row)
    being_retried = await retrying(session, [row.id for row in rows])
    return EnrollmentPage([view(catalogs, row, being_retried) for row in rows], total, limit, offset)


async def retrying(session: AsyncSession, enrollment_ids: list[str]) -> Retrying:
    """Per (enrollment, step): the step's latest outbox operation if it is being retried after an error
    (or gave up), for the view to show its attempts and last error."""
    if not enrollment_ids:
        return {}
    rows = await session.scalars(select(Operation).where(
        Operation.enrollment_id.in_(enrollment_ids), Operation.kind.in_((*REQUESTS, POLL)),
        Operation.status.in_((outbox.PENDING, outbox.RUNNING, outbox.FAILED))).order_by(Operation.id))
    latest: Retrying = {}
    for row in rows:
        step = "certificates" if row.kind == "request_certificates" else access_step(row.provider)
        latest[(str(row.enrollment_id), step)] = row
    return {key: row for key, row in latest.items() if row.last_error and row.attempts > 0}


def view(catalogs: dict[str, Catalog], enrollment: Enrollment, being_retried: Retrying | None = None) -> EnrollmentOut:
    steps = _steps(enrollment)
    for i, step in enumerate(steps):
        operation = (being_retried or {}).get((enrollment.id, step.step))
        if operation is not None and step.status != "done":
            steps[i] = msgspec.structs.replace(step, operation_id=operation.id, attempts=operation.attempts,
                                               last_error=operation.last_error)
    return EnrollmentOut(
        enrollment.id, enrollment.customer_id, enrollment.provider, enrollment.state, enrollment.tariff,
        list(enrollment.products or []), list(enrollment.users or []), enrollment.reference, enrollment.account,
        enrollment.trial_end, steps, gates_of(catalogs, enrollment), enrollment.failure,
        enrollment.created_at, enrollment.updated_at)


def _steps(e: Enrollment) -> list[Step]:
    profile = PROFILES[e.provider]
    steps: list[Step] = []
    failed = e.state == "failed"
    for step in profile.onboarding:
        if step == "certificates":
            if e.certificates_issued_at:
                steps.append(Step("certificates", "done", expected_at=iso(e.certificates_issued_at), rule="MED-ONB-03"))
            elif e.certificates_requested_at:
                steps.append(Step("certificates", "failed" if failed else "waiting",
                                  "the certificates at the 10:00 working-day batch",
                                  iso(certificate_issue_time(e.certificates_requested_at)), "MED-ONB-03"))
            else:
                steps.append(Step("certificates", "failed" if failed else "in_progress",
                                  "the certificate request to be sent", rule="MED-ONB-02"))
        else:
            steps.append(_access(e, step, failed))
    own = bool(e.users and e.users[0].get("partner_staff")) and profile.partner_trial_days is not None
    trial_days, trial_rule = (profile.partner_trial_days, profile.partner_trial_rule) if own else \
        (profile.trial_days, profile.trial_rule)
    if e.trial_end:
        steps.append(Step("trial", "done" if e.state == "expired" else "waiting", "the trial to end", iso(e.trial_end),
                          trial_rule))
    elif e.access_requested_at:
        estimate = e.access_requested_at.astimezone(MOSCOW).date() + timedelta(days=trial_days - 1)
        steps.append(Step("trial", "pending", f"a {trial_days}-day trial", iso(estimate), trial_rule))
    return steps


def _access(e: Enrollment, step: str, failed: bool) -> Step:
    profile = PROFILES[e.provider]
    if e.account:
        return Step(step, "done", rule=profile.access_rule)
    if e.access_requested_at:
        expected = (e.access_requested_at + timedelta(minutes=profile.access_wait_minutes)
                    if profile.access_wait_minutes else None)
        return Step(step, "failed" if failed else "waiting", profile.access_wait, iso(expected), profile.access_rule)
    blocked = "certificates" in profile.onboarding and e.certificates_issued_at is None
    return Step(step, "failed" if failed else ("pending" if blocked else "in_progress"),
                "the certificates first (MED-ONB-04)" if blocked else "the request to be sent", rule=profile.access_rule)
