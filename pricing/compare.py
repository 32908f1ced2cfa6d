"""compare(): one customer need → an offer per offering, ranked by the customer's total price — those that
cover the whole need before those that leave part of it out (an extension the provider does not sell)."""
from __future__ import annotations

from datetime import date

from .engines import Engine
from .errors import RequestInvalid, RuleViolation
from .requests import PartnerStanding, QuoteRequest, QuoteResponse
from .seats import check_modes
from .standing import check_standing


def validate_need(need: QuoteRequest, engines: dict[str, Engine]) -> None:
    """What msgspec cannot check: names that must exist in some catalog, and modes."""
    check_modes(need.seat_plan)
    known_configs = {c.id for e in engines.values() for c in e.catalog.configurations}
    for i, group in enumerate(need.seat_plan):
        for j, config in enumerate(group.configurations):
            if config not in known_configs:
                raise RequestInvalid(f"seat_plan[{i}].configurations[{j}]", f"unknown configuration {config!r}")
    known_options = {a.id for e in engines.values() for a in e.catalog.addons}
    for i, option in enumerate(need.options):
        if option not in known_options:
            raise RequestInvalid(f"options[{i}]", f"unknown option {option!r}; known: {', '.join(sorted(known_options))}")
    check_standing(need.partner)


def compare(need: QuoteRequest, engines: dict[str, Engine], standing: PartnerStanding, today: date) -> QuoteResponse:
    validate_need(need, engines)
    chosen = need.providers or list(engines)
    offers = [engines[p].quote(need, standing, today) for p in dict.fromkeys(chosen)]
    offers.sort(key=lambda o: (not o.eligible, not o.covers_need, o.currency, o.total_price or 0, o.provider))
    return QuoteResponse(created_on=need.created_on or today, offers=offers)


__all__ = ["compare", "validate_need", "check_standing", "RequestInvalid", "RuleViolation"]
