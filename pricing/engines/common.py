"""What every engine shares: eligibility from catalog data, lines, sample-price warnings."""
from __future__ import annotations

from decimal import Decimal

from ..catalog import SAMPLE_SOURCE, Catalog
from ..money import round_minor
from ..requests import CustomerFacts, Line, Offer, PartnerStanding, QuoteRequest

REQUIREMENT_LABELS = {
    "medicine_competence_centre": "the partner status «1С:Центр компетенции по медицине»",
    "corp_eligible": "the partner on 1C's КОРП list (ЦСК, first-line support, Сервис-деск)",
    "erp_eligible": "the partner status of an ERP competence centre",
    "csk": "the partner status 1С:ЦСК",
    "medical": "a medical organisation as the customer",
}
REGION_NAMES = {"ru": "Russia (region ru)", "kz": "Kazakhstan (region kz)"}


def unmet_requirements(flags: tuple[str, ...], standing: PartnerStanding) -> list[str]:
    return [f for f in flags if not getattr(standing, f, False)]


def standing_gap(catalog: Catalog, standing: PartnerStanding) -> tuple[str, list[str]] | None:
    """Why this partner may not sell the provider at all (e.g. MED-ONB-01), with the rule ids."""
    missing = unmet_requirements(catalog.requires, standing)
    if not missing:
        return None
    rules = [catalog.requires_rule] if catalog.requires_rule else []
    return f"needs {REQUIREMENT_LABELS.get(missing[0], missing[0])}", rules


def ineligibility(catalog: Catalog, region: str, standing: PartnerStanding, customer: CustomerFacts) -> tuple[str, list[str]] | None:
    """Why the provider cannot serve this customer at all, with the rule ids; None if it can."""
    if catalog.region != region:
        return f"{catalog.title} serves customers in {REGION_NAMES[catalog.region]}", []
    gap = standing_gap(catalog, standing)
    if gap:
        return gap
    missing_customer = [f for f in catalog.customer_requires if not getattr(customer, f, False)]
    if missing_customer:
        return f"needs {REQUIREMENT_LABELS.get(missing_customer[0], missing_customer[0])}", []
    return None


def ineligible_offer(catalog: Catalog, reason: str, rules: list[str] | None = None, alternatives: list[str] | None = None) -> Offer:
    return Offer(
        provider=catalog.provider,
        title=catalog.title,
        currency=str(catalog.currency),
        eligible=False,
        reason=reason,
        rules=rules or [],
        alternatives=alternatives or [],
    )


def make_line(description: str, quantity: int, unit_price: Decimal, source: str) -> Line:
    return Line(description, quantity, round_minor(unit_price), round_minor(unit_price * quantity), source)


def sample_warnings(lines: list[Line]) -> list[str]:
    samples = [line.description for line in lines if line.source == SAMPLE_SOURCE]
    if not samples:
        return []
    return ["sample price, not from the partner manuals — check the provider's current price list: " + "; ".join(samples)]


def line_rules(lines: list[Line]) -> list[str]:
    return [line.source for line in lines if line.source != SAMPLE_SOURCE]


def leaves_out_extensions(catalog: Catalog, need: QuoteRequest) -> bool:
    """The need asks for 1С:Магазин расширений extensions this catalog's cloud does not sell (FR-DISC-06):
    the offer does not cover the need and ranks after those that do (pricing/compare.py)."""
    return bool(need.extensions) and catalog.extension_store is None


def extensions_not_sold(catalog: Catalog, need: QuoteRequest) -> str:
    names = ", ".join(f"«{e.name}»" for e in need.extensions)
    return f"{catalog.title} sells no extensions of 1С:Магазин расширений: {names} not included (FR-DISC-06)"


def unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))
