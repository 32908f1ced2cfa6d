"""The demo partner of `hub up`: who it is at each provider, in one place.

The sandboxes' default partner account is this partner: the Service Manager user and subscriber
number of fresh_ru, fresh_kz and medicine, and the Rarus cabinet (the hub's default provider
account, ``HUB_FRESH_*`` and ``HUB_RARUS_*``, is the same one). `hub up` stores ``DEMO_STANDING``
for the hub's demo partner and starts the sandboxes with that stored standing, so the hub and the
sandboxes price the partner's first subscription alike and medicine (MED-ONB-01, MED-ONB-02) and
Rarus (RA-ONB-02, RA-ONB-08) enrollments are accepted.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec

from pricing import PartnerStanding, Standing, pricing_standing

DEMO_PARTNER_NAME = "ООО Демо-партнёр"

# the partner user of the Service Manager (fresh_ru, fresh_kz, medicine) and its own subscriber number
DEMO_FRESH_LOGIN = "partner"
DEMO_FRESH_PASSWORD = "sandbox"
DEMO_FRESH_ACCOUNT = 48
DEMO_FRESH_PARTNER_CODE = "12345"  # what the provider mailboxes are told (RULES §5)
# the Rarus partner cabinet
DEMO_RARUS_TOKEN = "sandbox-token"
DEMO_RARUS_CODE = "0320"  # the 4-character cabinet code (RA-ONB-08)
DEMO_RARUS_AGENT_FEE = Decimal("20")  # RA-COMM-01, per the sub-agent contract

# the demo partner's standing as the hub stores it (the body of PATCH /api/v1/partner's "standing")
DEMO_STANDING: dict[str, Any] = {
    "fresh_ru": {"partner_code": DEMO_FRESH_PARTNER_CODE, "csk": True},  # ЦСК (FR-DISC-03), no Сервис-деск
    "fresh_kz": {"partner_code": DEMO_FRESH_PARTNER_CODE, "csk": True},  # FK-DISC-01
    "medicine": {"competence_centre": True, "partner_subscriber_number": DEMO_FRESH_ACCOUNT},  # MED-ONB-01, MED-ONB-02
    "rarus": {"partner_code": DEMO_RARUS_CODE, "agent_fee_percent": str(DEMO_RARUS_AGENT_FEE), "legal_form": "ООО"},
}


def demo_pricing_standing() -> PartnerStanding:
    """``DEMO_STANDING`` as the pricing engines (and so the sandboxes) read it."""
    return pricing_standing(msgspec.convert(DEMO_STANDING, Standing))
