"""The ground every part of a Fresh-family Service Manager stands on: its profile, catalog, clock and engine,
the records it keeps, the numbers it hands out, and the partner accounts it knows.

Several partner accounts can live on one sandbox (``register``): every invitation, subscriber and
subscription belongs to the account that made it, and another account's is "not found" (10404).
Methods that act for a partner take ``who``; None means the default partner (``self.partner``).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pricing import MOSCOW, Catalog, FreshEngine

from ...profiles import Profile
from ..clock import SandboxClock
from .records import FIRST_SUBSCRIBER, FreshPartner, Invitation, Subscriber, Subscription


class FreshCore:
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
