"""Customers of a partner: create, read, update, list, and card completeness per provider."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from providers import PROFILES, missing_card_fields

from hub.core.caller import Caller
from hub.core.db.models import Customer, Partner
from hub.core.exceptions import Conflict, InvalidField
from hub.core.identifiers import check_bin_iin, check_email, check_inn, check_kpp, check_phone
from hub.customers.schemas import Accounts, CustomerCreate, CustomerOut, CustomerPage, CustomerUpdate, ItsContract
from hub.core import audit
from hub.core.paging import matching, page
from hub.core.tenancy import owned_row

CARD_FIELDS = ("legal_name", "country", "inn", "kpp", "bin_iin", "email", "phone", "new_to_1c", "its", "own", "accounts")
RUSSIAN_ONLY = ("inn", "kpp")
KAZAKH_ONLY = ("bin_iin",)


def card_missing(card: dict[str, Any]) -> dict[str, list[str]]:
    """Per provider, the card fields that still block a paid subscription (FAM-ONB-04, FR-ONB-02,
    FK-ONB-02, MED-ONB-08, RA-ONB-05). A legal name that is an e-mail address counts as missing."""
    result = {}
    for provider, profile in PROFILES.items():
        missing = ["country"] if card["country"] != profile.customer_country else []
        result[provider] = missing + missing_card_fields(card, profile.card_fields)
    return result


def validated(card: dict[str, Any]) -> dict[str, Any]:
    """The card with normalised values, or InvalidField naming the first bad field."""
    card = dict(card)
    card["legal_name"] = card["legal_name"].strip()
    if not card["legal_name"]:
        raise InvalidField("legal_name", "a legal name is required")
    foreign = KAZAKH_ONLY if card["country"] == "RU" else RUSSIAN_ONLY
    for field in foreign:
        if card.get(field) is not None:
            raise InvalidField(field, f"{field} does not apply to a customer in {card['country']}")
    checks = {"inn": check_inn, "kpp": check_kpp, "bin_iin": check_bin_iin, "email": check_email,
              "phone": lambda v: check_phone(v, card["country"])}
    for field, check in checks.items():
        if card.get(field) is not None:
            try:
                card[field] = check(card[field].strip())
            except ValueError as exc:
                raise InvalidField(field, str(exc)) from None
    return card


def _columns(card: dict[str, Any]) -> dict[str, Any]:
    """Card values as stored: nested structs as plain JSON."""
    return {f: msgspec.to_builtins(v) if isinstance(v, msgspec.Struct) else v for f, v in card.items()}


def customer_out(row: Customer) -> CustomerOut:
    card = {f: getattr(row, f) for f in CARD_FIELDS}
    return CustomerOut(
        id=row.id,
        legal_name=row.legal_name,
        country=row.country,  # type: ignore[arg-type]
        inn=row.inn,
        kpp=row.kpp,
        bin_iin=row.bin_iin,
        email=row.email,
        phone=row.phone,
        new_to_1c=row.new_to_1c,
        its=msgspec.convert(row.its, ItsContract) if row.its else None,
        own=bool(row.own),
        accounts=msgspec.convert(row.accounts or {}, Accounts),
        card_missing=card_missing(card),
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


async def owned(session: AsyncSession, caller: Caller, customer_id: str, *, for_update: bool = False) -> Customer:
    """The caller's customer; another partner's is reported exactly like a missing one. ``for_update``
    locks it, so that checks over its enrollments or subscriptions run one at a time."""
    return await owned_row(session, Customer, caller, customer_id, "customer", for_update=for_update)


async def one_own(session: AsyncSession, caller: Caller, customer_id: str | None = None) -> None:
    """At most one customer is the partner's own organisation: the partner's row is locked, so two cards
    marked own at once are checked one after the other."""
    await session.scalar(select(Partner.id).where(Partner.id == caller.partner_id).with_for_update())
    other = await session.scalar(select(Customer.id).where(
        Customer.partner_id == caller.partner_id, Customer.own.is_(True), Customer.id != (customer_id or "")))
    if other is not None:
        raise Conflict(f"the partner's own organisation is already customer {other}", field="own")


async def create(session: AsyncSession, caller: Caller, data: CustomerCreate) -> CustomerOut:
    card = validated(msgspec.structs.asdict(data))
    if card["own"]:
        await one_own(session, caller)
    row = Customer(partner_id=caller.partner_id, legal_name_folded=card["legal_name"].casefold(), **_columns(card))
    session.add(row)
    await session.flush()
    out = customer_out(row)
    audit.record(session, caller, "customer", row.id, "create", after=out)
    return out


async def read(session: AsyncSession, caller: Caller, customer_id: str) -> CustomerOut:
    return customer_out(await owned(session, caller, customer_id))


async def update(session: AsyncSession, caller: Caller, customer_id: str, patch: CustomerUpdate,
                 now: datetime) -> CustomerOut:
    """Change the card at ``now``: absent fields stay, null clears."""
    row = await owned(session, caller, customer_id, for_update=True)  # concurrent changes apply one after another
    before = customer_out(row)
    card = {f: getattr(row, f) for f in CARD_FIELDS}
    card.update({f: v for f, v in msgspec.structs.asdict(patch).items() if v is not msgspec.UNSET})
    card = validated(card)
    if card["own"] and not row.own:
        await one_own(session, caller, row.id)
    for field, value in _columns(card).items():
        setattr(row, field, value)
    row.legal_name_folded = card["legal_name"].casefold()
    row.version += 1
    row.updated_at = now.astimezone(timezone.utc)
    await session.flush()
    after = customer_out(row)
    audit.record(session, caller, "customer", row.id, "update", before, after)
    return after


async def search(session: AsyncSession, caller: Caller, *, q: str | None = None, country: str | None = None,
                 inn: str | None = None, bin_iin: str | None = None, new_to_1c: bool | None = None,
                 limit: int = 50, offset: int = 0) -> CustomerPage:
    where = [Customer.partner_id == caller.partner_id]
    if q:
        where.append(Customer.legal_name_folded.contains(q.casefold(), autoescape=True))
    where += matching((Customer.country, country), (Customer.inn, inn), (Customer.bin_iin, bin_iin),
                      (Customer.new_to_1c, new_to_1c))
    items, total = await page(session, Customer, where, (Customer.created_at, Customer.id), limit, offset, customer_out)
    return CustomerPage(items, total, limit, offset)
