"""A partner's customer and its card."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

Country = Literal["RU", "KZ"]
LegalName = Annotated[str, Meta(min_length=1, max_length=500)]
SubscriberNumber = Annotated[int, Meta(ge=1)]
RarusLogin = Annotated[str, Meta(pattern=r"^1R\d+(U\d+)?$")]  # RA-ONB-04 (digit count unverified)


class _In(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    pass


class ItsContract(_In):
    """The customer's local 1С:ИТС contract (FR-SUB-17, FK-SUB-17)."""

    level: Literal["ПРОФ", "ТЕХНО"]
    payment: Literal["prepaid", "postpaid"] | None = None
    end_date: date | None = None
    with_us: bool = True  # with this partner, or with another one
    other_partner: str | None = None


class Accounts(_In):
    """The customer's accounts at each provider."""

    fresh_ru_subscriber: SubscriberNumber | None = None
    fresh_kz_subscriber: SubscriberNumber | None = None
    medicine_subscriber: SubscriberNumber | None = None
    rarus_login: RarusLogin | None = None


class CustomerCreate(_In):
    legal_name: LegalName
    country: Country
    inn: str | None = None
    kpp: str | None = None
    bin_iin: str | None = None
    email: str | None = None
    phone: str | None = None
    new_to_1c: bool | None = None  # "Новый клиент 1С?" (FR-ONB-02); None: not asked yet
    its: ItsContract | None = None
    accounts: Accounts = msgspec.field(default_factory=Accounts)


class CustomerUpdate(_In):
    """PATCH: absent fields stay; null clears a field."""

    legal_name: LegalName | UnsetType = UNSET
    country: Country | UnsetType = UNSET
    inn: str | None | UnsetType = UNSET
    kpp: str | None | UnsetType = UNSET
    bin_iin: str | None | UnsetType = UNSET
    email: str | None | UnsetType = UNSET
    phone: str | None | UnsetType = UNSET
    new_to_1c: bool | None | UnsetType = UNSET
    its: ItsContract | None | UnsetType = UNSET
    accounts: Accounts | UnsetType = UNSET


class CustomerOut(msgspec.Struct):
    id: str
    legal_name: str
    country: Country
    inn: str | None
    kpp: str | None
    bin_iin: str | None
    email: str | None
    phone: str | None
    new_to_1c: bool | None
    its: ItsContract | None
    accounts: Accounts
    card_missing: dict[str, list[str]]
    version: int
    created_at: datetime
    updated_at: datetime


class CustomerPage(msgspec.Struct):
    items: list[CustomerOut]
    total: int
    limit: int
    offset: int
