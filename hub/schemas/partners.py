"""A partner (tenant) and its standing with each provider."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import msgspec
from msgspec import UNSET, Meta, UnsetType

from pricing import PartnerStanding
from pricing.fields import Month, Percent, line

Name = line(300, min_length=1)
PartnerCode = line(20)


class _In(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    pass


class FreshRuStanding(_In):
    partner_code: PartnerCode | None = None
    csk: bool = False
    sip: bool = False
    service_desk_since: date | None = None
    service_desk_lapsed_months: Annotated[list[Month], Meta(max_length=240)] = []
    franchise_contract_end: date | None = None
    corp_eligible: bool = False
    erp_eligible: bool = False


class FreshKzStanding(_In):
    partner_code: PartnerCode | None = None
    csk: bool = False


class MedicineStanding(_In):
    competence_centre: bool = False
    partner_subscriber_number: Annotated[int, Meta(ge=1, le=999_999_999_999)] | None = None


class RarusStanding(_In):
    partner_code: PartnerCode | None = None  # stored in the cabinet's 4-character form (RA-ONB-08)
    agent_fee_percent: Percent | None = None  # RA-COMM-01
    legal_form: line(20) | None = None  # "ООО" or "ИП" (RA-ONB-09)


class Standing(_In):
    fresh_ru: FreshRuStanding = msgspec.field(default_factory=FreshRuStanding)
    fresh_kz: FreshKzStanding = msgspec.field(default_factory=FreshKzStanding)
    medicine: MedicineStanding = msgspec.field(default_factory=MedicineStanding)
    rarus: RarusStanding = msgspec.field(default_factory=RarusStanding)


class PartnerOut(msgspec.Struct):
    id: str
    name: str
    standing: Standing
    created_at: datetime
    updated_at: datetime


class PartnerUpdate(_In):
    name: Name | UnsetType = UNSET
    standing: Standing | UnsetType = UNSET


def pricing_standing(standing: Standing) -> PartnerStanding:
    """What the pricing engines need of a stored standing."""
    ru = standing.fresh_ru
    return PartnerStanding(
        csk=ru.csk,
        kz_csk=standing.fresh_kz.csk,
        sip=ru.sip,
        service_desk=ru.service_desk_since is not None,
        service_desk_since=ru.service_desk_since,
        service_desk_lapsed_months=list(ru.service_desk_lapsed_months),
        corp_eligible=ru.corp_eligible,
        erp_eligible=ru.erp_eligible,
        medicine_competence_centre=standing.medicine.competence_centre,
        rarus_commission_percent=standing.rarus.agent_fee_percent,
    )
