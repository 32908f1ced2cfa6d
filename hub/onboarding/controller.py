from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from sqlalchemy.ext.asyncio import AsyncSession

from hub.core import events, outbox
from hub.core.auth import needs
from hub.core.deps import idempotent_write
from hub.core.schemas import EventPage, OperationDetail, OperationOut, OperationPage
from hub.onboarding.batches import BatchOut, UsersAdd
from hub.onboarding.schemas import EnrollmentCreate, EnrollmentOut, EnrollmentPage, InboundMail, InboundResult
from hub.onboarding.service import Onboarding

EGISZ_APPROVAL = "egisz_approval"  # the gate the older endpoint names (pricing/catalogs/medicine.json)


class EnrollmentsController(Controller):
    tags = ["onboarding"]

    @post("/api/v1/customers/{customer_id:str}/enrollments", guards=[needs("operator")], status_code=201,
          summary="Onboard a customer onto a provider")
    async def create(self, request: Request[Any, Any, Any], customer_id: FromPath[str], data: JSONBody[EnrollmentCreate],
                     onboarding: NamedDependency[Onboarding]) -> Response[EnrollmentOut]:
        """The first outbound step is queued in the same transaction; the worker carries it out. Accepts Idempotency-Key."""
        return await idempotent_write(request, 201, lambda s: onboarding.create(s, request.user, customer_id, data))

    @get("/api/v1/enrollments", summary="Enrollments, filtered")
    async def list_(self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession],
                    onboarding: NamedDependency[Onboarding], provider: FromQuery[str | None] = None,
                    state_: Annotated[str | None, QueryParameter(name="state")] = None,
                    customer_id: FromQuery[str | None] = None,
                    limit: FromQuery[int] = 50, offset: FromQuery[int] = 0) -> EnrollmentPage:
        return await onboarding.search(session, request.user, provider=provider, state=state_, customer_id=customer_id,
                                       limit=limit, offset=offset)

    @get("/api/v1/enrollments/{enrollment_id:str}", summary="One enrollment: its state, steps, expected times, gates")
    async def read(self, request: Request[Any, Any, Any], enrollment_id: FromPath[str],
                   session: NamedDependency[AsyncSession], onboarding: NamedDependency[Onboarding]) -> EnrollmentOut:
        return await onboarding.read(session, request.user, enrollment_id)

    @post("/api/v1/enrollments/{enrollment_id:str}/users", guards=[needs("operator")], status_code=202,
          summary="Further users of an enrolled medicine customer: their certificate request, then adding them at "
                  "the provider once the certificates are issued (MED-ONB-02, MED-ONB-04)")
    async def add_users(self, request: Request[Any, Any, Any], enrollment_id: FromPath[str], data: JSONBody[UsersAdd],
                        onboarding: NamedDependency[Onboarding]) -> Response[BatchOut]:
        return await idempotent_write(request, 202, lambda s: onboarding.add_users(s, request.user, enrollment_id, data))

    @get("/api/v1/enrollments/{enrollment_id:str}/users", summary="The enrollment's further batches of users and their state")
    async def user_batches(self, request: Request[Any, Any, Any], enrollment_id: FromPath[str],
                           session: NamedDependency[AsyncSession], onboarding: NamedDependency[Onboarding]) -> list[BatchOut]:
        return await onboarding.user_batches(session, request.user, enrollment_id)

    @post("/api/v1/enrollments/{enrollment_id:str}/certificates-issued", guards=[needs("operator")], status_code=200,
          summary="An operator confirms the secure-channel certificates were issued (MED-ONB-03)")
    async def certificates(self, request: Request[Any, Any, Any], enrollment_id: FromPath[str],
                           onboarding: NamedDependency[Onboarding]) -> Response[EnrollmentOut]:
        return await idempotent_write(request, 200, lambda s: onboarding.confirm_certificates(s, request.user, enrollment_id))

    @post("/api/v1/enrollments/{enrollment_id:str}/gates/{gate:str}", guards=[needs("operator")], status_code=200,
          summary="Record a gate of the enrollment's tariff passed (e.g. egisz_approval, MED-ONB-07)")
    async def gate(self, request: Request[Any, Any, Any], enrollment_id: FromPath[str], gate: FromPath[str],
                   onboarding: NamedDependency[Onboarding]) -> Response[EnrollmentOut]:
        """The gates an enrollment has come from its catalog tariff (its view's ``gates``); a gate no catalog
        names is a 404, one the enrollment has not a 422, one already passed a 409. Accepts Idempotency-Key."""
        return await idempotent_write(request, 200, lambda s: onboarding.pass_gate(s, request.user, enrollment_id, gate))

    @post("/api/v1/enrollments/{enrollment_id:str}/egisz-approval", guards=[needs("operator")], status_code=200,
          summary="Record the ЕГИСЗ support's approval (MED-ONB-07); the same as …/gates/egisz_approval")
    async def egisz(self, request: Request[Any, Any, Any], enrollment_id: FromPath[str],
                    onboarding: NamedDependency[Onboarding]) -> Response[EnrollmentOut]:
        return await idempotent_write(request, 200, lambda s: onboarding.pass_gate(s, request.user, enrollment_id,
                                                                                   EGISZ_APPROVAL))

    @post("/api/v1/enrollments/{enrollment_id:str}/cancel-trial", guards=[needs("operator")], status_code=202,
          summary="After the paid subscription, ask the provider by e-mail to cancel the trial (FAM-ONB-02)")
    async def cancel_trial(self, request: Request[Any, Any, Any], enrollment_id: FromPath[str],
                           onboarding: NamedDependency[Onboarding]) -> Response[EnrollmentOut]:
        return await idempotent_write(request, 202, lambda s: onboarding.cancel_trial(s, request.user, enrollment_id))

    @post("/api/v1/enrollments/{enrollment_id:str}/cancel", guards=[needs("operator")], status_code=200,
          summary="Cancel an enrollment and its pending steps")
    async def cancel(self, request: Request[Any, Any, Any], enrollment_id: FromPath[str],
                     onboarding: NamedDependency[Onboarding]) -> Response[EnrollmentOut]:
        return await idempotent_write(request, 200, lambda s: onboarding.cancel(s, request.user, enrollment_id))

    @post("/api/v1/inbound/mail", guards=[needs("operator")], status_code=200,
          summary="A provider's e-mail answer, matched to its request by In-Reply-To; stored, applied when the "
                  "enrollment can take it, and the answer says what was done")
    async def inbound(self, request: Request[Any, Any, Any], data: JSONBody[InboundMail],
                      onboarding: NamedDependency[Onboarding]) -> Response[InboundResult]:
        return await idempotent_write(request, 200, lambda s: onboarding.inbound_mail(s, request.user, data))


class OperationsController(Controller):
    path = "/api/v1/operations"
    tags = ["onboarding"]

    @get(summary="Outbound steps and their attempts' outcome")
    async def list_(self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession],
                    status: FromQuery[str | None] = None, provider: FromQuery[str | None] = None,
                    customer_id: FromQuery[str | None] = None, limit: FromQuery[int] = 50,
                    offset: FromQuery[int] = 0) -> OperationPage:
        return await outbox.search(session, request.user, status=status, provider=provider, customer_id=customer_id,
                                   limit=limit, offset=offset)

    @get("/{operation_id:int}", summary="One outbound step with every attempt's outcome")
    async def read(self, request: Request[Any, Any, Any], operation_id: FromPath[int],
                   session: NamedDependency[AsyncSession]) -> OperationDetail:
        return await outbox.detail(session, request.user, operation_id)

    @post("/{operation_id:int}/retry", guards=[needs("operator")], status_code=200,
          summary="Retry a step that gave up; a request is made again from the customer card as it is now")
    async def retry(self, request: Request[Any, Any, Any], operation_id: FromPath[int],
                    onboarding: NamedDependency[Onboarding]) -> Response[OperationOut]:
        return await idempotent_write(request, 200, lambda s: onboarding.retry(s, request.user, operation_id))


class EventsController(Controller):
    path = "/api/v1/events"
    tags = ["onboarding"]

    @get(summary="What happened, oldest first; pass next_cursor as `after` for more")
    async def list_(self, request: Request[Any, Any, Any], session: NamedDependency[AsyncSession],
                    after: FromQuery[int] = 0, limit: FromQuery[int] = 100) -> EventPage:
        return await events.page(session, request.user, after, limit)
