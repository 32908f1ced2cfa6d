"""The Fresh-family engine: one engine, three catalogs (fresh_ru, fresh_kz, medicine)."""
from __future__ import annotations

from datetime import date

from ..catalog import Catalog, Tariff
from ..discounts import partner_discount
from ..money import Money, total
from ..periods import period_end
from ..requests import Line, Offer, PartnerStanding, QuoteRequest, SubscriptionPrice, SubscriptionPriceRequest
from ..seats import configurations, connections
from .common import (
    REQUIREMENT_LABELS,
    extensions_not_sold,
    leaves_out_extensions,
    ineligibility,
    ineligible_offer,
    line_rules,
    make_line,
    sample_warnings,
    unique,
    unmet_requirements,
)
from ..store_extensions import ExtensionPrice, price_extension
from .fresh_price import price_subscription


class FreshEngine:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def price(self, req: SubscriptionPriceRequest, standing: PartnerStanding, today: date) -> SubscriptionPrice:
        return price_subscription(self.catalog, req, standing, today)

    def quote(self, need: QuoteRequest, standing: PartnerStanding, today: date) -> Offer:
        catalog = self.catalog
        blocked = ineligibility(catalog, need.region, standing, need.customer)
        if blocked:
            return ineligible_offer(catalog, *blocked)
        wanted = configurations(need.seat_plan)
        unknown = [c for c in wanted if catalog.configuration(c) is None]
        if unknown:
            return ineligible_offer(catalog, f"does not offer {', '.join(unknown)}")
        sessions = connections(need.seat_plan)
        priced: list[tuple[Money, Tariff, list[Line], list[Line]]] = []
        refusals: list[tuple[str, list[str]]] = []
        for tariff in catalog.tariffs:
            if not tariff.quotable or not set(wanted) <= set(tariff.applications):
                continue
            missing = unmet_requirements(tariff.requires, standing)
            if missing:
                refusals.append((f"{tariff.label} needs {REQUIREMENT_LABELS.get(missing[0], missing[0])}", [tariff.requires_rule or ""]))
                continue
            if not tariff.has_period(need.months):
                refusals.append((f"{tariff.label} has no price for {need.months} months", []))
                continue
            if tariff.max_sessions is not None and sessions > tariff.max_sessions:
                refusals.append((f"{tariff.label} allows at most {tariff.max_sessions} concurrent sessions", []))
                continue
            extras = self._extras(tariff, sessions, need.bases or 0, need.months)
            if extras is None:
                refusals.append((f"{tariff.label}: more sessions or bases than it can add", []))
                continue
            amount, source, how = tariff.price_for(need.months)
            main = [make_line(f"{tariff.label}, {how}", 1, amount, source)]
            cost = total([catalog.money(x.amount) for x in main + extras], catalog.currency)
            priced.append((cost, tariff, main, extras))
        if not priced:
            reason, rules = refusals[0] if refusals else (f"no tariff covers {', '.join(wanted)} together", [])
            return ineligible_offer(catalog, reason, [r for r in rules if r])
        _, tariff, main, extras = min(priced, key=lambda p: p[0].amount)
        return self._offer(need, standing, today, tariff, main, extras, sessions, wanted)

    def _extras(self, tariff: Tariff, sessions: int, bases: int, months: int) -> list[Line] | None:
        """Add-on lines for sessions and bases beyond what the tariff includes (FAM-SUB-05)."""
        lines = []
        for kind, needed, included in (("addon_sessions", sessions, tariff.sessions), ("addon_bases", bases, tariff.bases)):
            extra = needed - included if included is not None else 0
            if extra <= 0:
                continue
            addons = [a for a in self.catalog.tariffs_of(kind) if a.has_period(months)]
            if not addons:
                return None
            amount, source, how = addons[0].price_for(months)
            lines.append(make_line(f"{addons[0].label}, {how}", extra, amount, source))
        return lines

    def _store_extensions(self, need: QuoteRequest, start: date) -> tuple[list[ExtensionPrice], list[str]]:
        if not need.extensions:
            return [], []
        if self.catalog.extension_store is None:
            return [], [extensions_not_sold(self.catalog, need)]
        return [price_extension(self.catalog, e.name, e.monthly_retail, need.months, start) for e in need.extensions], []

    def _offer(self, need: QuoteRequest, standing: PartnerStanding, today: date, tariff: Tariff,
               main: list[Line], extras: list[Line], sessions: int, wanted: list[str]) -> Offer:
        catalog = self.catalog
        created = need.created_on or today
        assert catalog.discounts is not None
        classes = [c.discount_class for c in map(catalog.configuration, wanted) if c and c.discount_class]
        discount_class = next((c for c in classes if c in catalog.discounts.classes), classes[0] if classes else None)
        common = dict(standing=standing, new_to_1c=need.customer.new_to_1c, discount_class=discount_class, on=created)
        main_discount = partner_discount(catalog.discounts, **common, kind="first")
        addon_discount = partner_discount(catalog.discounts, **common, kind="addon_sessions")
        main_total = total([catalog.money(x.amount) for x in main], catalog.currency)
        extras_total = total([catalog.money(x.amount) for x in extras], catalog.currency)
        partner_cost = main_total.less_percent(main_discount.percent) + extras_total.less_percent(addon_discount.percent)
        grand = main_total + extras_total
        stored, store_warnings = self._store_extensions(need, created)
        for extension in stored:  # FR-DISC-06: the customer pays retail, the partner keeps its share
            grand += catalog.money(extension.retail)
            partner_cost += catalog.money(extension.partner_cost)
        lines = main + extras + [make_line(f"{e.label} (1С:Магазин расширений), {e.months} × 1 mo.", e.months,
                                           e.monthly_retail, e.rule) for e in stored]
        warnings = sample_warnings(lines) + main_discount.warnings + store_warnings
        if need.options:
            warnings.append(f"options not offered by {catalog.provider}: {', '.join(need.options)}")
        if tariff.note:
            warnings.append(tariff.note)
        rules = line_rules(lines) + main_discount.rules + (addon_discount.rules if extras else []) + ["FAM-SUB-02"]
        return Offer(
            provider=catalog.provider,
            title=catalog.title,
            currency=str(catalog.currency),
            eligible=True,
            tariff=tariff.label,
            connections=sessions,
            start=created,
            end=period_end(created, need.months),
            monthly_price=grand.divided(need.months).amount,
            total_price=grand.rounded().amount,
            discount_percent=main_discount.percent,
            partner_cost=partner_cost.rounded().amount,
            partner_income=(grand - partner_cost).rounded().amount,
            lines=lines,
            warnings=warnings,
            covers_need=not leaves_out_extensions(catalog, need),
            rules=unique(rules),
        )
