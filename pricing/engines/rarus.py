"""The 1С-Рарус "Аренда 1С" engine, tariff «Единый» (RA-PRICE-01…05, RA-BILL-01, RA-COMM-01).

The customer pays Rarus directly; the partner pays nothing and earns the agent
fee of its sub-agent contract on what an attributed customer pays.
"""
from __future__ import annotations

from datetime import date

from ..catalog import Catalog, Configuration
from ..errors import RequestInvalid
from ..money import Money, total
from ..rarus_invoices import first_invoice
from ..requests import Line, Offer, PartnerStanding, QuoteRequest, SeatGroup
from ..seats import configurations, connections, users
from .common import extensions_not_sold, ineligibility, leaves_out_extensions, ineligible_offer, line_rules, make_line, sample_warnings, unique


class RarusEngine:
    def __init__(self, catalog: Catalog) -> None:
        assert catalog.rarus is not None, "the rarus catalog carries its terms"
        self.catalog = catalog
        self.terms = catalog.rarus

    def _config(self, config_id: str) -> Configuration:
        config = self.catalog.configuration(config_id)
        if config is None or config.price is None:
            raise RequestInvalid("seat_plan", f"rarus has no price for configuration {config_id!r}")
        return config

    def seat_lines(self, group: SeatGroup) -> list[Line]:
        """RA-PRICE-02: alternate users hold one connection at the dearest configuration;
        simultaneous users one connection per configuration."""
        configs = [self._config(c) for c in group.configurations]
        if group.mode == "alternate":
            dearest = max(configs, key=lambda c: c.price.amount)  # type: ignore[union-attr]
            names = ", ".join(c.name for c in configs)
            return [make_line(f"{dearest.name} — alternately: {names}", group.users, dearest.price.amount, dearest.price.source)]  # type: ignore[union-attr]
        suffix = " — simultaneously" if group.mode == "simultaneous" else ""
        return [make_line(f"{c.name}{suffix}", group.users, c.price.amount, c.price.source) for c in configs]  # type: ignore[union-attr]

    def option_lines(self, need: QuoteRequest) -> list[Line]:
        lines = []
        extra_bases = max(0, (need.bases or 0) - self.terms.included_bases)
        if extra_bases:
            addon = self.catalog.addon("extra_base")
            assert addon is not None
            lines.append(make_line(addon.name, extra_bases, addon.amount, addon.source))
        for i, option in enumerate(need.options):
            addon = self.catalog.addon(option)
            if addon is None:
                raise RequestInvalid(f"options[{i}]", f"rarus has no option {option!r}")
            quantity = users(need.seat_plan) if addon.per == "user_month" else 1
            lines.append(make_line(addon.name, quantity, addon.amount, addon.source))
        return lines

    def quote(self, need: QuoteRequest, standing: PartnerStanding, today: date) -> Offer:
        catalog, terms = self.catalog, self.terms
        blocked = ineligibility(catalog, need.region, standing, need.customer)
        if blocked:
            return ineligible_offer(catalog, *blocked)
        unknown = [c for c in configurations(need.seat_plan) if catalog.configuration(c) is None]
        if unknown:
            return ineligible_offer(catalog, f"does not offer {', '.join(unknown)}")
        count = connections(need.seat_plan)
        storage = need.storage_gb or 0
        if count > terms.max_connections or storage > terms.max_storage_gb:
            reason = (
                f"«Аренда 1С» fits at most {terms.max_connections} concurrent connections and "
                f"{terms.max_storage_gb} GB of bases (this need: {count} connections, {storage} GB)"
            )
            offered = [a.name for a in terms.beyond_limits if a.fits(count)]  # «Облачный хостинг»: up to 60 users
            return ineligible_offer(catalog, reason, [terms.limits_rule], offered)
        lines = [line for g in need.seat_plan for line in self.seat_lines(g)] + self.option_lines(need)
        monthly = total([catalog.money(x.amount) for x in lines], catalog.currency)
        created = need.created_on or today
        invoice = first_invoice(created, need.months, monthly.rounded().amount)  # what the customer really pays first
        start, end, grand = invoice.start, invoice.end, Money(invoice.amount, catalog.currency)
        left_out = leaves_out_extensions(catalog, need)  # the cabinet sells no store extensions
        warnings = sample_warnings(lines) + ([extensions_not_sold(catalog, need)] if left_out else [])
        warnings += [a.unverified for o in need.options if (a := catalog.addon(o)) and a.unverified]
        if grand.amount != (monthly * need.months).rounded().amount:
            whole = sum(1 for share in invoice.months.values() if share == monthly.rounded().amount)
            warnings.append(f"the first invoice covers {start.isoformat()}–{end.isoformat()}: {invoice.amount} = "
                            f"{whole} whole month(s) × {monthly.rounded().amount} plus {len(invoice.months) - whole} "
                            f"part month(s) by their days (RA-BILL-01; the part month is unverified)")
        income = self.agent_fee(grand, standing)
        if income is None:
            warnings.append("agent fee rate not set: give the standing's rarus.agent_fee_percent from the sub-agent contract (RA-COMM-01)")
        return Offer(
            provider=catalog.provider,
            title=catalog.title,
            currency=str(catalog.currency),
            eligible=True,
            tariff=catalog.tariffs[0].name if catalog.tariffs else None,
            connections=count,
            start=start,
            end=end,
            monthly_price=monthly.rounded().amount,
            total_price=grand.rounded().amount,
            discount_percent=None,
            partner_cost=Money.zero(catalog.currency).rounded().amount,  # the customer pays Rarus (RA-BILL-01)
            partner_income=income.amount if income else None,
            lines=lines,
            warnings=warnings,
            covers_need=not left_out,
            rules=unique(line_rules(lines) + ["RA-PRICE-02", "RA-PRICE-03", "RA-BILL-01", "RA-COMM-01"]),
        )

    @staticmethod
    def agent_fee(paid: Money, standing: PartnerStanding) -> Money | None:
        """RA-COMM-01: the partner's agent fee on what the customer pays; the rate is per partner."""
        if standing.rarus_commission_percent is None:
            return None
        return paid.percent(standing.rarus_commission_percent)
