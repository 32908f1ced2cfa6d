"""Enrolling a customer: the checks an enrollment must pass, the requests its steps carry, and queueing them.

What the outbound requests carry is read from the customer card and the partner's standing when a step is
queued, and again when a failed step is retried (``check_request``, ``payload``), so a retry takes the fix.
"""
from __future__ import annotations

from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters import CertificateRequest, User, compose_certificate_request
from adapters.mail import UnsafeMailValue
from pricing import Catalog
from pricing.engines.common import standing_gap
from providers import PROFILES

from hub.core import audit, events, mailbox, outbox
from hub.core.caller import Caller
from hub.core.db.models import Customer, Enrollment, Operation, Partner
from hub.core.exceptions import Conflict, InvalidField
from hub.core.identifiers import check_email, check_phone
from hub.customers.service import owned as owned_customer
from hub.onboarding import views
from hub.onboarding.schemas import EnrollmentCreate, EnrollmentOut
from hub.onboarding.states import ENDED, STEP_OPERATION
from hub.partners.schemas import Standing
from hub.partners.service import get_partner, standing_of

DEFAULT_TIMEZONE = "Europe/Moscow"  # the owner's time zone when an older enrollment recorded none


async def create(session: AsyncSession, caller: Caller, catalogs: dict[str, Catalog], customer_id: str,
                 data: EnrollmentCreate) -> EnrollmentOut:
    """A new enrollment with its first step queued in the same transaction."""
    customer = await owned_customer(session, caller, customer_id, for_update=True)
    partner = await get_partner(session, caller.partner_id)
    check(customer, partner, data, catalogs[data.provider], await standing_of(session, caller.partner_id))
    await no_live_enrollment(session, customer, data.provider)
    users = [msgspec.to_builtins(u) for u in data.users]
    users[0]["timezone"] = data.timezone  # the owner's, carried by the invitation (MED-ONB-04)
    if customer.own:
        users[0]["partner_staff"] = True  # the partner's own organisation: its own trial length (RA-ONB-07)
    enrollment = Enrollment(partner_id=caller.partner_id, customer_id=customer.id, provider=data.provider,
                            state="requested", tariff=data.tariff, products=list(data.products), users=users,
                            trial_ending_noticed=False, gates_passed={})
    session.add(enrollment)
    await session.flush()
    enqueue_step(session, enrollment, PROFILES[data.provider].onboarding[0], customer, partner)
    events.emit(session, enrollment, "enrollment_requested", provider=data.provider)
    view = views.view(catalogs, enrollment)
    audit.record(session, caller, "enrollment", enrollment.id, "create", after=view)
    return view


async def no_live_enrollment(session: AsyncSession, customer: Customer, provider: str) -> None:
    """At most one live enrollment per customer and provider (the customer row is locked by the caller,
    so racing requests are checked one after another); an active paid customer needs none."""
    existing = await session.scalar(select(Enrollment).where(
        Enrollment.customer_id == customer.id, Enrollment.provider == provider,
        Enrollment.state.notin_(ENDED)).order_by(Enrollment.created_at).limit(1))
    if existing is not None:
        raise Conflict(f"the customer already has enrollment {existing.id} on {provider} ({existing.state}); "
                       "cancel it first or follow it", field="provider")


def check(customer: Customer, partner: Partner, data: EnrollmentCreate, catalog: Catalog, standing: Any) -> None:
    """Whether the customer may be enrolled there at all: country, the partner's standing, the trial's size,
    tariff and products."""
    profile = PROFILES[data.provider]
    if customer.country != profile.customer_country:
        raise InvalidField("provider", f"{profile.title} serves customers in {profile.customer_country}")
    gap = standing_gap(catalog, standing)
    if gap:
        raise InvalidField("provider", gap[0], rule=gap[1][0] if gap[1] else None)
    check_users(data.users, customer.country, profile.requires_certificate)
    check_channels(catalog, customer, len(data.users))
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
    check_request(customer, partner, data.provider, list(data.products), [u.phone for u in data.users])


def check_users(users: list[Any], country: str, certificates: bool) -> None:
    """The users as the provider's invitation and the certificate request carry them: e-mails and phones as
    the card's are checked, and — for the certificate desk, which reads its mail line by line — no value that
    would break its line (MED-ONB-02)."""
    for i, user in enumerate(users):
        try:
            check_email(user.email)
        except ValueError as exc:
            raise InvalidField(f"users[{i}].email", str(exc)) from None
        if user.phone:
            try:
                check_phone(user.phone, country)
            except ValueError as exc:
                raise InvalidField(f"users[{i}].phone", str(exc)) from None
    if certificates:
        try:
            compose_certificate_request(CertificateRequest("—", 1, "—", None, tuple(
                User(u.name, u.email, u.phone) for u in users)), "check@hub.local", "<check@hub.local>")
        except UnsafeMailValue as exc:
            raise InvalidField(exc.field, exc.message, rule="MED-ONB-02") from None


def check_channels(catalog: Catalog, customer: Customer, users: int) -> None:
    """MED-ONB-10: the partner's own organisation has as many named users as its partner tariff has secure
    channels (the tariff's ``channels``), unless more are bought."""
    own_tariff = next(iter(catalog.tariffs_of("partner")), None) if customer.own else None
    if own_tariff is not None and own_tariff.channels is not None and users > own_tariff.channels:
        raise InvalidField("users", f"{own_tariff.label!r} has {own_tariff.channels} secure channels: at most "
                           f"{own_tariff.channels} partner users unless more are bought", rule=own_tariff.term_rule)


def _own_standing(partner: Partner, provider: str) -> Any:
    """The partner's standing with ``provider``: its section of the stored standing."""
    return getattr(msgspec.convert(partner.standing or {}, Standing), provider, None)


def check_request(customer: Customer, partner: Partner, provider: str, products: list[str],
                  phones: list[str | None]) -> None:
    """What the outbound requests must carry, from the card and the standing as they are now:
    checked when the enrollment is accepted and again when a failed step is retried."""
    profile, own = PROFILES[provider], _own_standing(partner, provider)
    if "trial_request" in profile.onboarding:  # RA-ONB-02: the partner's data, the customer's, the trial's
        if not products:
            raise InvalidField("products", "a trial request names the products to try", rule="RA-ONB-02")
        if not getattr(own, "partner_code", None):
            raise InvalidField(f"partner.standing.{provider}.partner_code", "set the partner's Rarus code first",
                               rule="RA-ONB-02")
        if not customer.inn:
            raise InvalidField("inn", "a Rarus trial request carries the customer's ИНН; fill it on the card first",
                               rule="RA-ONB-02")
    if profile.requires_certificate:
        if not getattr(own, "partner_subscriber_number", None):
            raise InvalidField(f"partner.standing.{provider}.partner_subscriber_number",
                               "certificate requests name the partner's subscriber number", rule="MED-ONB-02")
        missing = [f for f in ("inn", "phone") if not getattr(customer, f)]
        missing += [f"users[{i}].phone" for i, phone in enumerate(phones) if not phone]
        if missing:
            raise InvalidField(missing[0], f"the certificate request and the invitation need: {', '.join(missing)}",
                               rule="MED-ONB-04")


def payload(enrollment: Enrollment, step: str, customer: Customer, partner: Partner) -> dict[str, Any]:
    """What the step's request carries: read from the card and the standing when it is queued or retried."""
    own = _own_standing(partner, enrollment.provider)
    if step == "certificates":
        body = {"partner_name": partner.name, "partner_number": getattr(own, "partner_subscriber_number", None),
                "customer_name": customer.legal_name,
                "customer_number": (customer.accounts or {}).get(PROFILES[enrollment.provider].account_field),
                "users": enrollment.users, "for_partner_staff": bool(customer.own)}  # «… пользователей партнера»
    else:
        body = {"customer_name": customer.legal_name, "users": enrollment.users, "tariff": enrollment.tariff,
                "inn": customer.inn or customer.bin_iin, "phone": customer.phone,
                "timezone": enrollment.users[0].get("timezone", DEFAULT_TIMEZONE), "products": enrollment.products,
                "partner_code": getattr(own, "partner_code", None), "partner_name": partner.name,
                "comment": PROFILES[enrollment.provider].partner_trial_comment if customer.own else None}
    return {"step": step, **body}


def enqueue_step(session: AsyncSession, enrollment: Enrollment, step: str, customer: Customer,
                 partner: Partner) -> Operation:
    operation = outbox.enqueue(session, partner_id=enrollment.partner_id, provider=enrollment.provider,
                               kind=STEP_OPERATION[step], payload=payload(enrollment, step, customer, partner),
                               enrollment_id=enrollment.id, customer_id=enrollment.customer_id)
    if step == "certificates":
        operation.message_id = mailbox.message_id(f"enrollment-{enrollment.id}")
    return operation
