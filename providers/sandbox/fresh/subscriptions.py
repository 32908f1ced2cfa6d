"""Paid subscriptions (RULES §3): main ones and their renewals (FAM-SUB-08), add-ons (FAM-SUB-05), upgrades
(FAM-SUB-09), priced by the engine the hub uses, and the applications they open."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import msgspec

from pricing import PricingError, SubscriptionPriceRequest
from pricing.catalog import Tariff
from pricing.discounts import subscription_kind
from pricing.store_extensions import price_extension
from pricing.subscription_rules import downgrade_blocked

from .records import FreshPartner, Refusal, Subscriber, Subscription, bad, date_of, not_found, refuse
from .subscribers import Subscribers


class Subscriptions(Subscribers):
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

    # --- main subscriptions and renewals ----------------------------------------------------------------
    def create_main(self, params: dict[str, Any], who: FreshPartner | None = None) -> Subscription:
        who = self._who(who)
        subscriber = self.subscriber(params.get("subscriber"), who)
        tariff = self._tariff(params.get("tariff"))
        if tariff.kind == "trial":
            raise refuse("FAM-ONB-02", f"{tariff.label!r} is an invitation's tariff, not a paid subscription")
        missing = self.card_missing(subscriber)
        if missing:
            raise refuse("FAM-ONB-04", f"fill the subscriber card first ({self.profile.card_rule}): {', '.join(missing)}")
        start = date_of(params.get("start")) or self.today()
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
        """FAM-SUB-10: a lower tariff only after the current one ends (помесячно ones may be shortened);
        the rule the hub applies too (pricing/subscription_rules.py)."""
        for current in self._mains(subscriber):
            current_tariff = self._tariff(current.tariff_code or current.tariff)
            if downgrade_blocked(current_tariff, current.start, current.end, tariff, start,
                                 current_monthly=current.monthly):
                raise refuse("FAM-SUB-10", f"no downgrade: {current.tariff!r} runs until {current.end.isoformat()}")

    def renew(self, params: dict[str, Any], who: FreshPartner | None = None) -> Subscription:
        """FAM-SUB-08: a renewal is a new subscription copying the previous one, with a new period."""
        previous = self.subscription(params.get("subscription"), who)
        start = date_of(params.get("start")) or previous.end + timedelta(days=1)
        return self.create_main({"subscriber": previous.subscriber, "tariff": previous.tariff_code or previous.tariff,
                                 "start": start.isoformat(), "months": params.get("months") or previous.months_charged,
                                 "customer_price": params.get("customer_price")}, who)

    # --- add-ons and upgrades of a main subscription (FAM-SUB-05, FAM-SUB-09) ---------------------------
    def create_addon(self, params: dict[str, Any], who: FreshPartner | None = None) -> Subscription:
        who = self._who(who)
        main = self._main_of(params, who)
        kind = {"sessions": "addon_sessions", "bases": "addon_bases"}.get(str(params.get("kind")))
        if kind is None:
            raise bad("kind is 'sessions' or 'bases'")
        quantity = int(params.get("quantity") or 1)
        tariff = self.catalog.tariffs_of(kind)[0]
        price = self._price(who, kind=kind, tariff=tariff.name,
                            start=(date_of(params.get("start")) or self.today()).isoformat(),
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
                            start=(date_of(params.get("start")) or self.today()).isoformat(),
                            main={"start": main.start.isoformat(), "end": main.end.isoformat()})
        return self._store(self.subscriber(main.subscriber, who), tariff, "upgrade", price, main=main.number)

    def _main_of(self, params: dict[str, Any], who: FreshPartner) -> Subscription:
        main = self.subscription(params.get("main"), who)
        if main.kind != "main":
            raise bad(f"subscription {main.number} is not a main subscription")
        return main

    # --- 1С:Магазин расширений (FR-DISC-06) --------------------------------------------------------------
    def connect_store_extension(self, params: dict[str, Any], who: FreshPartner | None = None) -> Subscription:
        """The customer connecting an extension in the store: billed to its partner at retail less the
        partner's share, priced as the hub prices it (pricing/store_extensions.py)."""
        who = self._who(who)
        subscriber = self.subscriber(params.get("subscriber"), who)
        mains = self._mains(subscriber)
        if not mains:
            raise bad(f"subscriber {subscriber.number} has no subscription to connect an extension to")
        try:
            price = price_extension(self.catalog, str(params.get("name") or ""), Decimal(str(params.get("monthly_retail"))),
                                    int(params.get("months") or 1), date_of(params.get("start")) or self.today())
        except (PricingError, ArithmeticError, ValueError) as exc:
            raise bad(str(exc)) from None
        subscription = Subscription(
            self._id("subscription"), subscriber.number, None, price.label, "store_extension", price.start, price.end,
            price.months, 1, price.retail, price.partner_percent, price.partner_cost, None, False, self.now(),
            mains[-1].number, partner_account=subscriber.partner_account)
        self.subscriptions[subscription.number] = subscription
        return subscription

    # --- what the subscriber's users open (tenant/list) -------------------------------------------------
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
