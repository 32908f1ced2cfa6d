"""The partner's standing with each provider, in one spelling everywhere: as the hub stores it
(``PATCH /api/v1/partner``), as the what-if ``partner`` of a quote or price request, and as a sandbox's
control API takes it — per provider, ``{"fresh_ru": {"csk": true}, "rarus": {"agent_fee_percent": "20"}}``.

A what-if (``StandingWhatIf``) names only what it changes: each field it gives replaces that field of the
partner's own standing, the rest stays (``with_what_if``). ``PartnerStanding`` is what the engines read,
derived from a standing by ``pricing_standing``; it is not a spelling anyone sends.
"""
from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import msgspec
from msgspec import UNSET, Meta, UnsetType

from .errors import RequestInvalid
from .fields import Month, Percent, line

PartnerCode = line(20)
MAX_PERCENT = 100


class _In(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    pass


class FreshRuStanding(_In):
    partner_code: PartnerCode | None = None
    csk: bool = False  # 1С:Центр сетевой компетенции (FR-DISC-03)
    sip: bool = False  # 1С:СИП; treated like any franchisee (FR-DISC-03, unverified)
    service_desk_since: date | None = None  # connected to Сервис-деск; counts from the month after (FR-DISC-04)
    service_desk_lapsed_months: Annotated[list[Month], Meta(max_length=240)] = []  # months whose record failed
    franchise_contract_end: date | None = None
    corp_eligible: bool = False  # may sell КОРП (FR-SUB-20)
    erp_eligible: bool = False  # ERP competence centre (FR-SUB-20)


class FreshKzStanding(_In):
    partner_code: PartnerCode | None = None
    csk: bool = False  # ЦСК with 1cfresh.kz (FK-DISC-01)


class MedicineStanding(_In):
    competence_centre: bool = False  # «1С:Центр компетенции по медицине» (MED-ONB-01)
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


class PartnerStanding(_In):
    """What the engines read of a standing (``pricing_standing``): what decides discounts and eligibility."""

    csk: bool = False  # FR-DISC-03; FK-DISC-01 unless kz_csk is given
    kz_csk: bool | None = None  # ЦСК standing with 1cfresh.kz when it differs (FK-DISC-01)
    sip: bool = False
    service_desk: bool | None = None  # connected to Сервис-деск (False: never)
    service_desk_since: date | None = None  # counts from the month after (FR-DISC-04)
    service_desk_lapsed_months: Annotated[list[Month], Meta(max_length=240)] = []  # "YYYY-MM" months whose record failed
    corp_eligible: bool = False  # FR-SUB-20
    erp_eligible: bool = False  # FR-SUB-20
    medicine_competence_centre: bool = False  # MED-ONB-01
    rarus_commission_percent: Percent | None = None  # agent fee rate (RA-COMM-01)


# where each field of the standing goes in what the engines read; the other fields (partner codes, the
# franchise contract, the legal form, the medicine subscriber number) decide no price
ENGINE_FIELDS = {
    ("fresh_ru", "csk"): "csk",
    ("fresh_ru", "sip"): "sip",
    ("fresh_ru", "service_desk_since"): "service_desk_since",
    ("fresh_ru", "service_desk_lapsed_months"): "service_desk_lapsed_months",
    ("fresh_ru", "corp_eligible"): "corp_eligible",
    ("fresh_ru", "erp_eligible"): "erp_eligible",
    ("fresh_kz", "csk"): "kz_csk",
    ("medicine", "competence_centre"): "medicine_competence_centre",
    ("rarus", "agent_fee_percent"): "rarus_commission_percent",
}


def _partial(struct: type[msgspec.Struct], name: str) -> Any:
    """``struct`` with every field optional and unset by default (nested standings alike), so a what-if
    says exactly which fields it gives; the field types, and so their checks, stay those of ``struct``."""
    fields = []
    for f in msgspec.structs.fields(struct):
        kind = f.type
        if isinstance(kind, type) and issubclass(kind, msgspec.Struct):
            kind = _partial(kind, name + kind.__name__.removesuffix("Standing"))
        fields.append((f.name, kind | UnsetType, UNSET))
    return msgspec.defstruct(name, fields, forbid_unknown_fields=True, frozen=True, module=__name__)


StandingWhatIf = _partial(Standing, "StandingWhatIf")


def _given(standing: msgspec.Struct) -> dict[str, Any]:
    """The engine fields a standing (or a what-if) gives, with their values. (Read by the field names the
    struct carries: msgspec.structs.fields() evaluates the annotations on every call, issue 15.)"""
    changes = {}
    for provider in standing.__struct_fields__:
        part = getattr(standing, provider)
        if part is UNSET:
            continue
        for name in part.__struct_fields__:
            value = getattr(part, name)
            if value is not UNSET and (provider, name) in ENGINE_FIELDS:
                changes[ENGINE_FIELDS[(provider, name)]] = value
    if "service_desk_since" in changes:  # stored as the date of connection; none: not connected
        changes["service_desk"] = changes["service_desk_since"] is not None
    return changes


def pricing_standing(standing: Standing) -> PartnerStanding:
    """What the pricing engines need of a stored standing."""
    return msgspec.structs.replace(PartnerStanding(), **_given(standing))


def with_what_if(own: PartnerStanding | None, what_if: Any | None) -> PartnerStanding:
    """The partner's own standing (none: an empty stored standing) with what a what-if (``StandingWhatIf``)
    changes; the rest stays."""
    base = own if own is not None else pricing_standing(Standing())
    return base if what_if is None else msgspec.structs.replace(base, **_given(what_if))


def merged(stored: Standing, patch: Any) -> Standing:
    """``stored`` with the fields a partial standing (``StandingWhatIf``) gives — a PATCH: the fields it names
    change (null clears one), the rest stays."""
    sections = {}
    for provider in msgspec.structs.fields(patch):
        part = getattr(patch, provider.name)
        if part is UNSET:
            continue
        given = {f.name: value for f in msgspec.structs.fields(part) if (value := getattr(part, f.name)) is not UNSET}
        sections[provider.name] = msgspec.structs.replace(getattr(stored, provider.name), **given)
    return msgspec.structs.replace(stored, **sections)


def check_standing(what_if: Any | None) -> None:
    """What msgspec cannot check of a what-if ``partner`` given to the library directly (the hub's input
    guard checks the same bounds before a request reaches it)."""
    rarus = UNSET if what_if is None else what_if.rarus
    fee = UNSET if rarus is UNSET else rarus.agent_fee_percent
    if fee not in (UNSET, None) and not 0 <= fee <= MAX_PERCENT:
        raise RequestInvalid("partner.rarus.agent_fee_percent", "must be between 0 and 100")
