"""The Service Manager of one Fresh-family cloud, in memory: invitations, subscribers, subscriptions.

Rules come from the provider profile (providers/profiles.py) and the pricing
catalog; prices and discounts from the same engine the hub uses, with the
partner standing configured in the sandbox.

Several partner accounts can live on one sandbox (``register``): every invitation, subscriber and
subscription belongs to the account that made it, and another account's is "not found" (10404).
Methods that act for a partner take ``who``; None means the default partner (``self.partner``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import msgspec

from pricing import (
    MOSCOW,
    Catalog,
    FreshEngine,
    PartnerStanding,
    PricingError,
    SubscriptionPriceRequest,
    add_months,
    month_key,
    months_charged,
    period_end,
)
from pricing.catalog import Tariff
from pricing.discounts import subscription_kind
from pricing.engines.fresh_price import invoice_due

from ...profiles import Profile
from ..clock import SandboxClock
from ..faults import StatementDefects

CARD_KEYS = ("legal_name", "inn", "kpp", "bin_iin", "phone", "email", "new_to_1c")
FIRST_SUBSCRIBER = 1001
SELF_EXTENSION_DAYS = 7
PROMISED_PAYMENT_DAYS = 7
STANDARD_TRIAL = "Пробный период"


class Refusal(Exception):
    """The provider's refusal: an error code, a message and, where known, the rule id."""

    def __init__(self, code: int, message: str, rule: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.rule = code, message, rule


def not_found(what: str) -> Refusal:
    return Refusal(10404, f"{what} not found")


def bad(message: str) -> Refusal:
    return Refusal(10400, message)


def refuse(rule: str, message: str) -> Refusal:
    return Refusal(10422, message, rule)


@dataclass
class Invitation:
    id: int
    email: str
    tariff: str
    trial_days: int
    fields: dict[str, Any]
    sent_at: datetime
    status: str = "sent"  # sent → activated | blocked
    subscriber: int | None = None
    activated_at: datetime | None = None
    partner_account: int = 0  # the partner account that sent it
    inn: str | None = None  # the organisation's ИНН (ru, medicine) as the invitation named it
    bin_iin: str | None = None  # or its БИН/ИИН (kz)


@dataclass
class Subscriber:
    number: int
    card: dict[str, Any]
    trial_tariff: str
    trial_start: date
    trial_end: date
    invitation: int
    promised_days_pending: int = 0
    partner_account: int = 0  # whose customer it is


@dataclass
class Subscription:
    number: int
    subscriber: int
    tariff_code: str | None
    tariff: str
    kind: str  # main | enhanced | upgrade
    start: date
    end: date
    months_charged: int
    quantity: int
    retail: Decimal
    discount_percent: int
    amount: Decimal
    partner_monthly: Decimal | None
    monthly: bool
    created_at: datetime
    main: int | None = None
    extended_until: date | None = None
    extension: str | None = None  # "self_extension" | "promised_payment"
    partner_account: int = 0  # the partner account of its subscriber


@dataclass
class FreshPartner:
    account: int = 48  # the partner's own subscriber number
    login: str = "partner"
    password: str = "sandbox"
    standing: PartnerStanding = field(default_factory=PartnerStanding)


class FreshSandboxState:
    def __init__(self, profile: Profile, catalog: Catalog, clock: SandboxClock, partner: FreshPartner,
                 certificates: Any = None, activation_delay: float = 60.0) -> None:
        self.profile, self.catalog, self.clock, self.partner = profile, catalog, clock, partner
        self.partners: dict[str, FreshPartner] = {partner.login: partner}  # by login: the known partner accounts
        self.engine = FreshEngine(catalog)
        self.certificates = certificates
        self.activation_delay = activation_delay
        self.invitations: dict[int, Invitation] = {}
        self.subscribers: dict[int, Subscriber] = {}
        self.subscriptions: dict[int, Subscription] = {}
        self._next = {"invitation": 1, "subscriber": FIRST_SUBSCRIBER, "subscription": 1}

    # --- time -------------------------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        return self.now().astimezone(MOSCOW).date()

    def _id(self, kind: str) -> int:
        value = self._next[kind]
        self._next[kind] += 1
        return value

    def tick(self) -> None:
        """Let the customers act: invitations past the activation delay become subscribers."""
        due = self.now() - timedelta(seconds=self.activation_delay)
        for invitation in self.invitations.values():
            if invitation.status == "sent" and invitation.sent_at <= due:
                self.activate(invitation.id)

    # --- partner accounts -------------------------------------------------------------------------------
    def register(self, partner: FreshPartner) -> FreshPartner:
        """Add a partner account (or replace the one with that login); the default partner stays."""
        if partner.login == self.partner.login:
            self.partner.account, self.partner.password = partner.account, partner.password
            self.partner.standing = partner.standing
            return self.partner
        self.partners[partner.login] = partner
        return partner

    def _who(self, who: FreshPartner | None) -> FreshPartner:
        return who or self.partner

    # --- invitations (FAM-ONB-01…03, MED-ONB-04…06) -----------------------------------------------------
    def send_invitation(self, params: dict[str, Any], who: FreshPartner | None = None) -> Invitation:
        who = self._who(who)
        missing = [f for f in self.profile.invitation_fields if not params.get(f)]
        if missing:
            raise refuse(self.profile.invitation_rule, f"the invitation lacks: {', '.join(missing)}")
        email = str(params["email"]).strip().lower()
        if self.profile.requires_certificate and not self.certificates.is_issued(email, self.now()):
            raise refuse("MED-ONB-04", f"{email} has no issued Континент-АП certificate: request it first (MED-ONB-02)")
        self.tick()
        if any(i.email == email and i.status in ("sent", "activated") and i.partner_account != who.account
               for i in self.invitations.values()):
            raise Refusal(10409, "an invitation to this e-mail is live at another partner's account")
        tariff, days = self._trial_tariff(params.get("tariff"))
        invitation = Invitation(self._id("invitation"), email, tariff, days,
                                {k: params[k] for k in self.profile.invitation_fields if k in params}, self.now(),
                                partner_account=who.account, inn=_text(params.get("inn")),
                                bin_iin=_text(params.get("bin_iin")))
        self.invitations[invitation.id] = invitation
        return invitation

    def _trial_tariff(self, ref: str | None) -> tuple[str, int]:
        """The invitation's initial tariff and its length: the one it names (FAM-ONB-03, MED-ONB-05/06), else the
        profile's default — a catalog tariff (medicine) or the standard trial (FR-ONB-01, FK-ONB-01; the
        kz catalog's 15-day «1С:Кассир Тестовый» is a tariff one asks for, FK-SUB-19)."""
        if ref is None:
            if self.profile.trial_tariff is None:
                return STANDARD_TRIAL, self.profile.trial_days
            ref = self.profile.trial_tariff
        tariff = self.catalog.tariff(ref)
        if tariff is None:
            raise bad(f"unknown tariff {ref!r}")
        if tariff.kind != "trial":
            raise refuse("FAM-ONB-02", f"{tariff.label!r} is a paid tariff; it can never be an invitation's initial tariff")
        return tariff.name, tariff.days or self.profile.trial_days

    def invitation(self, invitation_id: int, who: FreshPartner | None = None) -> Invitation:
        self.tick()
        found = self.invitations.get(invitation_id)
        if found is None or found.partner_account != self._who(who).account:
            raise not_found(f"invitation {invitation_id}")
        return found

    def invitations_of(self, who: FreshPartner | None = None, email: str = "") -> list[Invitation]:
        self.tick()
        account = self._who(who).account
        return [i for i in self.invitations.values() if i.partner_account == account and (not email or i.email == email)]

    def block_invitation(self, invitation_id: int, who: FreshPartner | None = None) -> Invitation:
        invitation = self.invitation(invitation_id, who)
        if invitation.status != "sent":
            raise refuse("FAM-ONB-01", f"invitation {invitation_id} is {invitation.status}; only a pending one can be blocked")
        invitation.status = "blocked"
        return invitation

    def activate(self, invitation_id: int) -> Invitation:
        invitation = self.invitations.get(invitation_id)
        if invitation is None:
            raise not_found(f"invitation {invitation_id}")
        if invitation.status != "sent":
            return invitation
        number = self._id("subscriber")
        start = self.today()
        card = {k: None for k in CARD_KEYS}
        card.update(email=invitation.email, legal_name=invitation.fields.get("organisation"),
                    inn=invitation.inn or invitation.fields.get("inn"), bin_iin=invitation.bin_iin,
                    phone=invitation.fields.get("phone"))
        self.subscribers[number] = Subscriber(number, card, invitation.tariff, start,
                                              start + timedelta(days=invitation.trial_days - 1), invitation.id,
                                              partner_account=invitation.partner_account)
        invitation.status, invitation.subscriber, invitation.activated_at = "activated", number, self.now()
        return invitation

    # --- subscribers and their cards (FAM-ONB-04, FR-ONB-02, FK-ONB-02, MED-ONB-08) ---------------------
    def subscriber(self, number: Any, who: FreshPartner | None = None) -> Subscriber:
        self.tick()
        try:
            found = self.subscribers[int(number)]
        except (KeyError, TypeError, ValueError):
            raise not_found(f"subscriber {number}") from None
        if found.partner_account != self._who(who).account:
            raise not_found(f"subscriber {number}")
        return found

    def subscribers_of(self, who: FreshPartner | None = None) -> list[Subscriber]:
        self.tick()
        account = self._who(who).account
        return [s for s in self.subscribers.values() if s.partner_account == account]

    def update_card(self, number: Any, changes: dict[str, Any], who: FreshPartner | None = None) -> Subscriber:
        subscriber = self.subscriber(number, who)
        unknown = sorted(set(changes) - set(CARD_KEYS))
        if unknown:
            raise bad(f"unknown card fields: {', '.join(unknown)}")
        subscriber.card.update(changes)
        return subscriber

    def card_missing(self, subscriber: Subscriber) -> list[str]:
        card = subscriber.card
        return [f for f in self.profile.card_fields if card.get(f) is None or card.get(f) == "" or
                (f == "legal_name" and "@" in str(card[f]))]

    # --- subscriptions (RULES §3) -----------------------------------------------------------------------
    def subscription(self, number: Any, who: FreshPartner | None = None) -> Subscription:
        try:
            found = self.subscriptions[int(number)]
        except (KeyError, TypeError, ValueError):
            raise not_found(f"subscription {number}") from None
        if found.partner_account != self._who(who).account:
            raise not_found(f"subscription {number}")
        return found

    def subscriptions_of(self, who: FreshPartner | None = None, subscriber: Any = None) -> list[Subscription]:
        account = self._who(who).account
        return [s for s in self.subscriptions.values()
                if s.partner_account == account and (subscriber is None or str(s.subscriber) == str(subscriber))]

    def _tariff(self, ref: Any) -> Tariff:
        tariff = self.catalog.tariff(str(ref)) if ref is not None else None
        if tariff is None:
            raise bad(f"unknown tariff {ref!r}")
        return tariff

    def _price(self, who: FreshPartner, **fields: Any):
        request = msgspec.convert({"provider": self.profile.provider, **fields}, SubscriptionPriceRequest)
        try:
            return self.engine.price(request, who.standing, self.today())
        except PricingError as exc:
            raise Refusal(10422, exc.message, exc.rule) from None

    def _store(self, subscriber: Subscriber, tariff: Tariff, kind: str, price: Any, quantity: int = 1,
               main: int | None = None) -> Subscription:
        subscription = Subscription(
            self._id("subscription"), subscriber.number, tariff.code, tariff.name, kind, price.start, price.end,
            price.months_charged, quantity, price.retail_price, price.discount_percent, price.partner_cost,
            price.partner_monthly, tariff.monthly, self.now(), main, partner_account=subscriber.partner_account)
        self.subscriptions[subscription.number] = subscription
        return subscription

    def _mains(self, subscriber: Subscriber) -> list[Subscription]:
        return [s for s in self.subscriptions.values() if s.subscriber == subscriber.number and s.kind == "main"]

    def create_main(self, params: dict[str, Any], who: FreshPartner | None = None) -> Subscription:
        who = self._who(who)
        subscriber = self.subscriber(params.get("subscriber"), who)
        tariff = self._tariff(params.get("tariff"))
        if tariff.kind == "trial":
            raise refuse("FAM-ONB-02", f"{tariff.label!r} is an invitation's tariff, not a paid subscription")
        missing = self.card_missing(subscriber)
        if missing:
            raise refuse("FAM-ONB-04", f"fill the subscriber card first ({self.profile.card_rule}): {', '.join(missing)}")
        start = _date(params.get("start")) or self.today()
        self._no_downgrade(subscriber, tariff, start)
        previous = len([m for m in self._mains(subscriber) if self._tariff(m.tariff_code or m.tariff).same_line(tariff)])
        kind = subscription_kind(previous)
        price = self._price(who, kind=kind, tariff=tariff.code or tariff.name, months=params.get("months"), start=start.isoformat(),
                            customer={"new_to_1c": subscriber.card.get("new_to_1c")})
        customer_price = params.get("customer_price")
        if customer_price is not None and Decimal(str(customer_price)) < price.retail_price:
            raise refuse("FAM-SUB-03", f"a customer price below retail ({price.retail_price}) is dumping")
        subscription = self._store(subscriber, tariff, "main", price)
        if subscriber.promised_days_pending:
            subscription.end -= timedelta(days=subscriber.promised_days_pending)  # FAM-SUB-07
            subscriber.promised_days_pending = 0
        return subscription

    def _no_downgrade(self, subscriber: Subscriber, tariff: Tariff, start: date) -> None:
        """FAM-SUB-10: a lower tariff only after the current one ends (помесячно ones may be shortened)."""
        new_level = tariff.level
        for current in self._mains(subscriber):
            current_tariff = self._tariff(current.tariff_code or current.tariff)
            if current.start <= start <= current.end and not current.monthly and tariff.replaces(current_tariff):
                if new_level < current_tariff.level:
                    raise refuse("FAM-SUB-10", f"no downgrade: {current.tariff!r} runs until {current.end.isoformat()}")

    def create_addon(self, params: dict[str, Any], who: FreshPartner | None = None) -> Subscription:
        who = self._who(who)
        main = self._main_of(params, who)
        kind = {"sessions": "addon_sessions", "bases": "addon_bases"}.get(str(params.get("kind")))
        if kind is None:
            raise bad("kind is 'sessions' or 'bases'")
        quantity = int(params.get("quantity") or 1)
        tariff = self.catalog.tariffs_of(kind)[0]
        price = self._price(who, kind=kind, tariff=tariff.name,
                            start=(_date(params.get("start")) or self.today()).isoformat(),
                            quantity=quantity, main={"start": main.start.isoformat(), "end": main.end.isoformat()})
        return self._store(self.subscriber(main.subscriber, who), tariff, "enhanced", price, quantity, main.number)

    def create_upgrade(self, params: dict[str, Any], who: FreshPartner | None = None) -> Subscription:
        who = self._who(who)
        main = self._main_of(params, who)
        tariff = self._tariff(params.get("tariff") or self.catalog.default_tariffs.get("upgrade"))
        if tariff.kind != "upgrade":
            raise bad(f"{tariff.label!r} is not an upgrade tariff")
        if tariff.upgrade_from and tariff.upgrade_from not in (main.tariff, main.tariff_code):
            raise refuse("FAM-SUB-09", f"{tariff.label!r} upgrades {tariff.upgrade_from!r}, not {main.tariff!r}")
        price = self._price(who, kind="upgrade", tariff=tariff.code or tariff.name,
                            start=(_date(params.get("start")) or self.today()).isoformat(),
                            main={"start": main.start.isoformat(), "end": main.end.isoformat()})
        return self._store(self.subscriber(main.subscriber, who), tariff, "upgrade", price, main=main.number)

    def _main_of(self, params: dict[str, Any], who: FreshPartner) -> Subscription:
        main = self.subscription(params.get("main"), who)
        if main.kind != "main":
            raise bad(f"subscription {main.number} is not a main subscription")
        return main

    def renew(self, params: dict[str, Any], who: FreshPartner | None = None) -> Subscription:
        """FAM-SUB-08: a renewal is a new subscription copying the previous one, with a new period."""
        previous = self.subscription(params.get("subscription"), who)
        start = _date(params.get("start")) or previous.end + timedelta(days=1)
        return self.create_main({"subscriber": previous.subscriber, "tariff": previous.tariff_code or previous.tariff,
                                 "start": start.isoformat(), "months": params.get("months") or previous.months_charged,
                                 "customer_price": params.get("customer_price")}, who)

    def prolong(self, params: dict[str, Any], who: FreshPartner | None = None) -> Subscription:
        """FAM-SUB-06 self-extension of a running subscription; FAM-SUB-07 promised payment of an ended one."""
        subscription = self.subscription(params.get("subscription"), who)
        if self.profile.self_extension is None:
            raise refuse("FAM-SUB-06", f"{self.profile.title} offers no self-service extension")
        if subscription.extension is not None:
            raise refuse("FAM-SUB-06", "the free 7-day extension is used once per subscription")
        today = self.today()
        subscription.extended_until = today + timedelta(days=SELF_EXTENSION_DAYS - 1)
        if today <= subscription.end:
            subscription.extension = "self_extension"
        else:
            subscription.extension = "promised_payment"
            self.subscriber(subscription.subscriber, who).promised_days_pending = PROMISED_PAYMENT_DAYS
        return subscription

    def correct(self, params: dict[str, Any], who: FreshPartner | None = None) -> Subscription:
        """FR-SUB-12 / FK-SUB-12: the partner corrects a subscription itself only within the profile's window."""
        who = self._who(who)
        subscription = self.subscription(params.get("subscription"), who)
        window = timedelta(minutes=self.profile.self_correction_minutes)
        if self._shortening(subscription, params):
            return self._shorten(subscription, int(params["months"]))
        if self.now() - subscription.created_at > window:
            raise refuse(self.profile.correction_rule or "FR-SUB-12",
                         f"too late to correct it here: write to {self.profile.mailbox} with the partner code, "
                         f"subscriber number and subscription number")
        if subscription.kind != "main":
            raise bad("only a main subscription's period can be corrected here")
        start = _date(params.get("start")) or subscription.start
        months = int(params.get("months") or subscription.months_charged)
        subscriber = self.subscriber(subscription.subscriber, who)
        tariff = self._tariff(subscription.tariff_code or subscription.tariff)
        earlier = len([m for m in self._mains(subscriber) if m.number < subscription.number
                       and self._tariff(m.tariff_code or m.tariff).same_line(tariff)])
        price = self._price(who, kind=subscription_kind(earlier), tariff=subscription.tariff_code or subscription.tariff,
                            months=months, start=start.isoformat(), customer={"new_to_1c": subscriber.card.get("new_to_1c")})
        subscription.start, subscription.end, subscription.months_charged = price.start, price.end, price.months_charged
        subscription.retail, subscription.amount = price.retail_price, price.partner_cost
        subscription.discount_percent, subscription.partner_monthly = price.discount_percent, price.partner_monthly
        return subscription

    @staticmethod
    def _shortening(subscription: Subscription, params: dict[str, Any]) -> bool:
        """FAM-SUB-10: a помесячно subscription is shortened on any day by whole months."""
        months = params.get("months")
        return subscription.monthly and params.get("start") in (None, "") and months is not None \
            and int(months) < subscription.months_charged

    def _shorten(self, subscription: Subscription, months: int) -> Subscription:
        used = months_charged(subscription.start, max(self.today(), subscription.start))  # FAM-SUB-11: a started month is whole
        if months < used:
            raise refuse("FAM-SUB-11", f"{used} month(s) have started and are billed in full; shorten to {used} or more")
        subscription.months_charged, subscription.end = months, period_end(subscription.start, months)
        if subscription.partner_monthly is not None:
            subscription.amount = subscription.partner_monthly * months
        return subscription

    def applications(self, subscriber: Subscriber) -> list[str]:
        today = self.today()
        tariffs = [subscriber.trial_tariff] if today <= subscriber.trial_end else []
        tariffs += [s.tariff_code or s.tariff for s in self.subscriptions.values()
                    if s.subscriber == subscriber.number and s.start <= today <= max(s.end, s.extended_until or s.end)]
        apps: dict[str, None] = {}
        for ref in tariffs:
            # the standard trial opens what the provider's usual first tariff opens
            tariff = self.catalog.tariff(ref) or self.catalog.tariff(self.catalog.default_tariffs.get("first", ""))
            if tariff:
                apps.update(dict.fromkeys(tariff.applications))
        return list(apps)

    # --- the monthly partner invoice (FR-PRICE-02, FK-PRICE-02, MED-PRICE-01) ---------------------------
    def statement(self, month: str, defects: StatementDefects, who: FreshPartner | None = None) -> list[dict[str, Any]]:
        lines = []
        for s in sorted(self.subscriptions_of(who), key=lambda s: s.number):
            term = self.catalog.invoice_monthly if s.monthly else self.catalog.invoice_regular
            if s.monthly and s.partner_monthly is not None and term is not None:
                first = add_months(s.start.replace(day=1), term.month_offset)
                months = [month_key(add_months(first, i)) for i in range(max(s.months_charged, 1))]
                amount = s.partner_monthly
            else:
                months = [month_key(invoice_due(term, s.created_at.astimezone(MOSCOW).date(), s.start) or s.start)]
                amount = s.amount
            if month in months:
                lines.append({"subscription": s.number, "subscriber": s.subscriber, "tariff": s.tariff,
                              "period_start": s.start.isoformat(), "period_end": s.end.isoformat(),
                              "retail": s.retail, "discount_percent": s.discount_percent, "amount": amount})
        return _with_defects(lines, defects)


def _with_defects(lines: list[dict[str, Any]], defects: StatementDefects) -> list[dict[str, Any]]:
    result = lines[defects.missing:]
    for line in result[: defects.wrong_discount]:
        line["discount_percent"] += 5
    return result + [dict(line) for line in result[: defects.duplicate]]


def _text(value: Any) -> str | None:
    return str(value).strip() or None if value not in (None, "") else None


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise bad(f"not a date: {value!r}") from None
