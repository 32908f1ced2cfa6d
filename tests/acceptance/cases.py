"""Turn a seed case's "given" into the project's public request shapes.

Only shapes are built here; every number the test checks comes from the case file.
"""
from __future__ import annotations

from datetime import date

from pricing import period_end

ADDON_KINDS = ("addon_sessions", "addon_bases")


def currency_of(key: str) -> tuple[str, str | None]:
    """`partner_cost_rub` → (`partner_cost`, `RUB`); `months_charged` → (`months_charged`, None)."""
    head, _, tail = key.rpartition("_")
    if tail in ("rub", "kzt"):
        return head, tail.upper()
    return key, None


# the seed cases name the partner's standing by its facts; the project spells a standing per provider,
# as it stores it (pricing/standing.py): fact → (provider section, field), None: the case's own provider
STANDING_FIELDS = {"csk": (None, "csk"), "service_desk_since": ("fresh_ru", "service_desk_since"),
                   "medicine_competence_centre": ("medicine", "competence_centre")}


def what_if(provider: str, facts: dict) -> dict:
    """A seed case's partner facts as the what-if ``partner`` of a request. ``service_desk: false`` is the
    stored spelling's default (no ``service_desk_since``)."""
    standing: dict = {}
    for fact, value in facts.items():
        if fact == "service_desk" and value is False:
            continue
        section, field = STANDING_FIELDS[fact]
        standing.setdefault(section or provider, {})[field] = value
    return standing


RESPONSE_FIELD = {"retail": "retail_price", "partner_cost": "partner_cost", "partner_monthly": "partner_monthly",
                  "customer_monthly": "customer_monthly", "discount_percent": "discount_percent"}


def price_request(given: dict) -> dict:
    """A POST /api/v1/prices/subscription body for a price or discount case."""
    request: dict = {"provider": given["provider"], "kind": given.get("kind", "first")}
    if "tariff_code" in given or "tariff" in given:
        request["tariff"] = given.get("tariff_code") or given["tariff"]
    for key in ("months", "created_on", "application"):
        if key in given:
            request[key] = given[key]
    if "partner" in given:
        request["partner"] = what_if(given["provider"], given["partner"])
    if "customer_new_to_1c" in given:
        request["customer"] = {"new_to_1c": given["customer_new_to_1c"]}
    if request["kind"] in ADDON_KINDS:
        # an add-on attaches to a running main subscription (FAM-SUB-05); the case only checks the discount
        start = date.fromisoformat(given.get("created_on", "2026-11-02"))
        request["main"] = {"start": start.isoformat(), "end": period_end(start, 12).isoformat()}
    return request


def upgrade_request(given: dict) -> dict:
    return {
        "provider": "fresh_ru",
        "kind": "upgrade",
        "start": given["upgrade_start"],
        "created_on": given["upgrade_start"],
        "main": given["main"],
    }


def rarus_quote(given: dict, created_on: str | None = None) -> dict:
    body = {"region": "ru", "months": given["months"], "seat_plan": given.get("seat_plan", [{"users": 1, "configurations": ["bp"]}]),
            "providers": ["rarus"]}
    if created_on:
        body["created_on"] = created_on
    return body
