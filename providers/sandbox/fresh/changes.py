"""Changes to a subscription after it is made: the free 7-day extension (FAM-SUB-06), the promised payment
(FAM-SUB-07), corrections within the self-service window (FR-SUB-12, FK-SUB-12) and the shortening of a
помесячно subscription by whole months (FAM-SUB-10/11) — the last two rules shared with the hub
(pricing/subscription_rules.py)."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from pricing.discounts import subscription_kind
from pricing.subscription_rules import PROMISED_PAYMENT_DAYS, shortened, shortens, shortest

from .records import SELF_EXTENSION_DAYS, FreshPartner, Subscription, bad, date_of, refuse
from .subscriptions import Subscriptions


class Changes(Subscriptions):
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
        start = date_of(params.get("start")) or subscription.start
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
        return shortens(subscription.monthly, subscription.months_charged, params.get("months"),
                        other_changes=params.get("start") not in (None, ""))

    def _shorten(self, subscription: Subscription, months: int) -> Subscription:
        used = shortest(subscription.start, self.today())  # FAM-SUB-11: a started month is whole
        if months < used:
            raise refuse("FAM-SUB-11", f"{used} month(s) have started and are billed in full; shorten to {used} or more")
        end, amount = shortened(subscription.start, months, subscription.partner_monthly)
        subscription.months_charged, subscription.end = months, end
        if amount is not None:
            subscription.amount = amount
        return subscription
