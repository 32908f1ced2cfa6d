"""A partner's customer and its card."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from pricing.fields import Email, Name, line

from hub.core.paging import Page
from hub.core.schemas import Input

Country = Literal["RU", "KZ"]
LegalName = line(500, min_length=1)
SubscriberNumber = Annotated[int, Meta(ge=1, le=999_999_999_999)]
RarusLogin = Annotated[str, Meta(max_length=50, pattern=r"^1R[0-9]+(U[0-9]+)?$")]  # RA-ONB-04 (digit count unverified)
TaxNumber = line(20)  # ИНН, КПП, БИН/ИИН: checked digit by digit by the service
Phone = line(32)


_In = Input  # the request base every feature shares (hub/core/schemas.py)


class ItsContract(_In):
    """The customer's local 1С:ИТС contract (FR-SUB-17, FK-SUB-17)."""

    level: Literal["ПРОФ", "ТЕХНО"]
    payment: Literal["prepaid", "postpaid"] | None = None
    start_date: date | None = None  # the fresh_kz ITS tariff starts with it (FK-SUB-17)
    end_date: date | None = None
    support_kit: bool = False  # a «Комплект поддержки» (1С:КП), whose holders take 98 free (FR-SUB-17)
    with_us: bool = True  # with this partner, or with another one
    other_partner: Name | None = None

    def __post_init__(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("the ITS contract ends before it starts")


class Accounts(_In):
    """The customer's accounts at each provider."""

    fresh_ru_subscriber: SubscriberNumber | None = None
    fresh_kz_subscriber: SubscriberNumber | None = None
    medicine_subscriber: SubscriberNumber | None = None
    rarus_login: RarusLogin | None = None


class CustomerCreate(_In):
    legal_name: LegalName
    country: Country
    inn: TaxNumber | None = None
    kpp: TaxNumber | None = None
    bin_iin: TaxNumber | None = None
    email: Email | None = None
    phone: Phone | None = None
    new_to_1c: bool | None = None  # "Новый клиент 1С?" (FR-ONB-02); None: not asked yet
    its: ItsContract | None = None
    own: bool = False  # the partner's own organisation: the one its own tariffs are for (FR-SUB-21, MED-ONB-10)
    accounts: Accounts = msgspec.field(default_factory=Accounts)


class CustomerUpdate(_In):
    """PATCH: absent fields stay; null clears a field."""

    legal_name: LegalName | UnsetType = UNSET
    country: Country | UnsetType = UNSET
    inn: TaxNumber | None | UnsetType = UNSET
    kpp: TaxNumber | None | UnsetType = UNSET
    bin_iin: TaxNumber | None | UnsetType = UNSET
    email: Email | None | UnsetType = UNSET
    phone: Phone | None | UnsetType = UNSET
    new_to_1c: bool | None | UnsetType = UNSET
    its: ItsContract | None | UnsetType = UNSET
    own: bool | UnsetType = UNSET
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
    own: bool
    accounts: Accounts
    card_missing: dict[str, list[str]]
    version: int
    created_at: datetime
    updated_at: datetime


class CustomerPage(Page[CustomerOut]):
    items: list[CustomerOut]  # restated for OpenAPI (see Page)
