"""A partner (tenant) and its standing with each provider."""
from __future__ import annotations

from datetime import datetime

import msgspec
from msgspec import UNSET, UnsetType

from pricing.fields import line
from pricing.standing import (  # one spelling: stored, what-if, sandbox control (pricing/standing.py)
    FreshKzStanding,
    FreshRuStanding,
    MedicineStanding,
    RarusStanding,
    Standing,
    StandingWhatIf,
    pricing_standing,
)

from hub.core.schemas import Input

__all__ = ["FreshKzStanding", "FreshRuStanding", "MedicineStanding", "PartnerOut", "PartnerUpdate", "RarusStanding",
           "Standing", "pricing_standing"]

Name = line(300, min_length=1)


_In = Input  # the request base every feature shares (hub/core/schemas.py)


class PartnerOut(msgspec.Struct):
    id: str
    name: str
    standing: Standing
    created_at: datetime
    updated_at: datetime


class PartnerUpdate(_In):
    name: Name | UnsetType = UNSET
    standing: StandingWhatIf | UnsetType = UNSET  # the fields it names change, the rest stays
