"""Catalogs: one data file per offering, validated on load.

Every price carries its ``source``: the RULES id of the manual that gives the
number, or ``"sample"`` where the manuals give none. A quote that uses a sample
price says so in its warnings. The directory is a setting (``HUB_CATALOG_DIR``
or ``--catalog-dir``), so an edited or replacement price list needs no code.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from .errors import RequestInvalid
from .money import Currency, Money

DEFAULT_CATALOG_DIR = Path(__file__).parent / "catalogs"

SAMPLE_SOURCE = "sample"
PROVIDERS = ("fresh_ru", "fresh_kz", "medicine", "rarus")

Provider = Literal["fresh_ru", "fresh_kz", "medicine", "rarus"]
Amount = Decimal  # checked non-negative on load (msgspec has no bounds for Decimal)
Percent = Annotated[int, Meta(ge=0, le=100)]
Months = Annotated[int, Meta(ge=1, le=36)]

TariffKind = Literal[
    "main",  # a paid main tariff
    "upgrade",  # upgrade of a main tariff (FAM-SUB-09)
    "addon_sessions",  # extra sessions (FAM-SUB-05)
    "addon_bases",  # extra bases (FAM-SUB-05)
    "its_transition",  # free while a local ITS contract runs (FR-SUB-17, FK-SUB-17)
    "trial",  # an invitation's initial tariff (FAM-ONB-02, MED-ONB-05/06)
    "partner",  # the partner's own tariff (FR-SUB-21, FK-SUB-21, MED-ONB-10)
    "register_base",  # 1С:Касса / 1С:Кассир free base tariff (FR-SUB-19, FK-SUB-19)
    "register_extra",  # "Дополнительная касса", one per extra register
    "channel",  # medicine secure-channel licence (MED-ONB-09)
]


class CatalogError(ValueError):
    """A catalog file is missing, malformed or inconsistent."""


class PeriodPrice(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Retail price of a whole period paid at once."""

    months: Months
    amount: Amount
    source: str


class SourcedAmount(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    amount: Amount
    source: str


class Configuration(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """An application (конфигурация) as the catalog knows it."""

    id: str
    name: str
    discount_class: str | None = None  # e.g. "industry" (FR-DISC-02), "crm" (FR-DISC-05)
    price: SourcedAmount | None = None  # rarus: RUB per connection per month (RA-PRICE-01)
    includes: tuple[str, ...] = ()  # configurations a connection here also opens


class Tariff(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    name: str
    kind: TariffKind
    code: str | None = None
    prices: tuple[PeriodPrice, ...] = ()
    monthly: bool = False  # "помесячно": the partner pays 1C in monthly parts (FAM-SUB-11)
    customer_pays_monthly: bool = False  # fresh_kz помесячно: the customer pays monthly too
    partner_monthly_list: SourcedAmount | None = None  # помесячно list price before discount
    sessions: int | None = None  # sessions included
    channels: int | None = None  # secure-channel (Континент-АП) licences included: that many named users (MED-ONB-10)
    max_sessions: int | None = None  # at most this many concurrent sessions
    bases: int | None = None  # bases included
    applications: tuple[str, ...] = ()  # configuration ids it opens
    requires: tuple[str, ...] = ()  # partner standing flags (e.g. "corp_eligible")
    requires_rule: str | None = None
    days: int | None = None  # a fixed term in days (trials, 1С:Касса base tariff)
    max_months: int | None = None
    term_rule: str | None = None  # the rule that caps the term (FR-SUB-21, FK-SUB-17, FK-SUB-21)
    # the partner's own tariffs (kind "partner", FR-SUB-21): for the term of the franchise contract
    # (``franchise_contract_end`` of the partner's standing there) ...
    contract_term: bool = False
    without_contract_months: int | None = None  # ... else at most this many months
    renewal_needs_paid: bool = False  # ... and renewed only with at least one paid customer subscription
    quotable: bool = False  # considered by compare() as the customer's main tariff
    upgrade_from: str | None = None
    upgrade_to: str | None = None
    gate: str | None = None  # an approval the customer needs before it is invoiced (e.g. MED-ONB-07)
    gate_rule: str | None = None
    its_level: str | None = None  # ITS transition tariffs: the customer's local ITS level (FR-SUB-17, FK-SUB-17)
    its_payment: str | None = None  # ... and its payment form, where the tariff depends on it
    its_rule: str | None = None
    its_cover_end: bool = False  # the period must run past the ITS contract's end (FR-SUB-17)
    its_support_kit: bool = False  # a «Комплект поддержки» holder qualifies whatever its level (FR-SUB-17, 98)
    its_starts_with_contract: bool = False  # starts on the ITS contract's start, not on the day asked (FK-SUB-17)
    after: tuple[str, ...] = ()  # one of these tariffs must already be live for the customer (FR-SUB-19)
    after_rule: str | None = None
    its_sales: Literal["full"] | None = None  # counts in full toward ITS «Сумма продаж на одного клиента» (FR-PRICE-03)
    its_sales_monthly: SourcedAmount | None = None  # ... or this much a month (the promo tariffs, FR-PRICE-03)
    its_sales_since: date | None = None  # ... for the months from this day on
    backdate_rule: str | None = None  # the rule that lets it start before the day of ordering (FK-SUB-17), else FAM-SUB-02
    note: str | None = None

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}" if self.code else self.name

    def price_for(self, months: int) -> tuple[Decimal, str, str]:
        """Retail for ``months``: the period's own price, else N × the 1-month price.

        Returns (amount, source, how) where ``how`` explains the figure.
        """
        by_months = {p.months: p for p in self.prices}
        if months in by_months:
            p = by_months[months]
            return p.amount, p.source, f"{months} mo."
        if 1 in by_months:
            p = by_months[1]
            return p.amount * months, p.source, f"{months} × 1 mo."
        raise RequestInvalid("tariff", f"the price list has no price of {self.label!r} for {months} months")

    @property
    def level(self) -> Decimal:
        """How high the tariff stands, for FAM-SUB-10 (no downgrade): its 1-month retail, or 0."""
        by_months = {p.months: p.amount for p in self.prices}
        return by_months.get(1, Decimal(0))

    def replaces(self, other: Tariff) -> bool:
        """Whether taking this tariff replaces ``other`` (both main tariffs of one line): only then can it be
        a downgrade (FAM-SUB-10). Extra registers, ITS and partner tariffs come beside, not instead."""
        return self.kind == other.kind == "main" and self.same_line(other)

    def same_line(self, other: Tariff) -> bool:
        """Whether two tariffs sell the same applications (ПРОФ and КОРП do; ПРОФ and 1С:Касса do not):
        only such tariffs count as renewals of, or downgrades from, each other."""
        return not self.applications or not other.applications or bool(set(self.applications) & set(other.applications))

    def has_period(self, months: int) -> bool:
        return any(p.months in (months, 1) for p in self.prices)


class StandardDiscount(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    percent: Percent
    rule: str


class RaisedDiscounts(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """FR-DISC-04: ЦСК partners connected to Сервис-деск; FR-DISC-05 exclusions."""

    rule: str
    first_new_customer: Percent
    first_renewal: Percent
    upgrade: Percent
    renewal: Percent
    excluded_kinds: tuple[str, ...] = ()
    excluded_classes: tuple[str, ...] = ()
    exclusion_rule: str | None = None


class DiscountPolicy(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    without_csk: StandardDiscount
    with_csk: StandardDiscount
    classes: dict[str, StandardDiscount] = {}
    raised: RaisedDiscounts | None = None
    csk_flag: str = "csk"  # the standing flag that means ЦСК here; falls back to "csk" when unset


class InvoiceTerm(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """When the partner is invoiced: ``month_offset`` months after the anchor's month,
    due on ``day`` (or the month's last day when none is given)."""

    anchor: Literal["created", "start"]
    month_offset: int
    rule: str
    day: int | None = None


class Alternative(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A larger service offered beyond «Аренда 1С»'s limits (RA-PRICE-05), priced on request."""

    name: str
    max_connections: int | None = None  # at most this many concurrent users; None: unlimited

    def fits(self, connections: int) -> bool:
        return self.max_connections is None or connections <= self.max_connections


class ExtensionStore(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """1С:Магазин расширений (FR-DISC-06): the customer pays the servicing partner each extension's retail
    price; the partner keeps ``partner_percent`` of it and pays the provider the rest (the developer's share
    among it)."""

    title: str
    partner_percent: Percent
    developer_percent: Percent
    rule: str


class RarusTerms(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    included_bases: int
    included_storage_gb: int
    included_files_gb: int
    max_connections: int
    max_storage_gb: int
    limits_rule: str
    beyond_limits: tuple[Alternative, ...]
    included: tuple[str, ...] = ()


class Addon(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A priced option of a provider (RA-PRICE-04), per month."""

    id: str
    name: str
    amount: Amount
    source: str
    per: Literal["month", "user_month", "unit_month"] = "month"
    unverified: str | None = None


class Catalog(msgspec.Struct, frozen=True, forbid_unknown_fields=True, dict=True):
    provider: Provider
    title: str
    region: Literal["ru", "kz"]
    currency: Currency
    configurations: tuple[Configuration, ...]
    tariffs: tuple[Tariff, ...] = ()
    addons: tuple[Addon, ...] = ()
    discounts: DiscountPolicy | None = None
    invoice_regular: InvoiceTerm | None = None
    invoice_monthly: InvoiceTerm | None = None
    requires: tuple[str, ...] = ()  # partner standing flags needed to sell at all
    requires_rule: str | None = None
    customer_requires: tuple[str, ...] = ()  # customer facts (e.g. "medical")
    vat_exempt: bool = False
    rarus: RarusTerms | None = None
    extension_store: ExtensionStore | None = None  # FR-DISC-06: sold through the store on this cloud
    default_tariffs: dict[str, str] = {}

    @cached_property
    def _configs(self) -> dict[str, Configuration]:
        return {c.id: c for c in self.configurations}

    @cached_property
    def _addons(self) -> dict[str, Addon]:
        return {a.id: a for a in self.addons}

    def configuration(self, config_id: str) -> Configuration | None:
        return self._configs.get(config_id)

    def addon(self, addon_id: str) -> Addon | None:
        return self._addons.get(addon_id)

    def tariff(self, ref: str) -> Tariff | None:
        """A tariff by code, by name, or by its label as offers show it ("102 ПРОФ"), case-insensitive."""
        wanted = " ".join(ref.split()).casefold()
        for t in self.tariffs:
            if t.code is not None and t.code.casefold() == wanted:
                return t
        for t in self.tariffs:
            if t.name.casefold() == wanted:
                return t
        for t in self.tariffs:
            if t.label.casefold() == wanted:
                return t
        return None

    @cached_property
    def counts_its_sales(self) -> bool:
        """Some of its tariffs count toward the ITS sales per customer (FR-PRICE-03)."""
        return any(t.its_sales or t.its_sales_monthly for t in self.tariffs)

    def tariffs_of(self, kind: str) -> list[Tariff]:
        return [t for t in self.tariffs if t.kind == kind]

    def money(self, amount: Decimal) -> Money:
        return Money(amount, self.currency)


def _check(catalog: Catalog) -> Catalog:
    """Cross-references a schema cannot express."""
    ids = {c.id for c in catalog.configurations}
    amounts = [p.amount for t in catalog.tariffs for p in t.prices]
    amounts += [a.amount for a in catalog.addons]
    amounts += [c.price.amount for c in catalog.configurations if c.price]
    if any(a < 0 for a in amounts):
        raise CatalogError(f"{catalog.provider}: a price is negative")
    if catalog.requires and not catalog.requires_rule:
        raise CatalogError(f"{catalog.provider}: 'requires' needs a 'requires_rule'")
    for t in catalog.tariffs:
        if t.requires and not t.requires_rule:
            raise CatalogError(f"{catalog.provider}: tariff {t.label!r} 'requires' needs a 'requires_rule'")
        unknown = [a for a in t.applications if a not in ids]
        if unknown:
            raise CatalogError(f"{catalog.provider}: tariff {t.label!r} names unknown applications {unknown}")
        if t.monthly and t.partner_monthly_list is None:
            raise CatalogError(f"{catalog.provider}: помесячно tariff {t.label!r} needs partner_monthly_list")
    for c in catalog.configurations:
        unknown = [i for i in c.includes if i not in ids]
        if unknown:
            raise CatalogError(f"{catalog.provider}: configuration {c.id!r} includes unknown {unknown}")
    for kind, ref in catalog.default_tariffs.items():
        if catalog.tariff(ref) is None:
            raise CatalogError(f"{catalog.provider}: default tariff {ref!r} for {kind!r} is not in the catalog")
    return catalog


def load_catalog(path: Path) -> Catalog:
    try:
        catalog = msgspec.json.decode(path.read_bytes(), type=Catalog)
    except FileNotFoundError as exc:
        raise CatalogError(f"catalog file not found: {path}") from exc
    except msgspec.ValidationError as exc:
        raise CatalogError(f"{path.name}: {exc}") from exc
    except msgspec.DecodeError as exc:
        raise CatalogError(f"{path.name}: not valid JSON: {exc}") from exc
    if path.stem != catalog.provider:
        raise CatalogError(f"{path.name} declares provider {catalog.provider!r}")
    return _check(catalog)


def load_catalogs(directory: Path | str | None = None) -> dict[str, Catalog]:
    """All four catalogs from ``directory`` (default: the packaged ones)."""
    root = Path(directory) if directory else DEFAULT_CATALOG_DIR
    return {p: load_catalog(root / f"{p}.json") for p in PROVIDERS}
