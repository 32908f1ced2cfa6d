"""Subscriptions: paid tariffs, add-ons, upgrades, renewals, Rarus conversions and changes, extensions,
corrections and cancellations, and the agreement between what the hub expected and what the provider reported.

Public surface: ``Subscriptions`` (the service the composition root builds), the request and answer shapes,
and ``LIVE`` — the statuses of a subscription that counts (ordered, invoiced, running), for every feature
that reads subscriptions. The worker's steps are ``hub.subscriptions.steps.SubscriptionSteps``.
"""
from hub.subscriptions.schemas import (
    LIVE,
    STATUSES,
    SubscriptionCorrection,
    SubscriptionCreate,
    SubscriptionOut,
    SubscriptionPage,
)
from hub.subscriptions.service import Subscriptions

__all__ = ["LIVE", "STATUSES", "SubscriptionCorrection", "SubscriptionCreate", "SubscriptionOut", "SubscriptionPage",
           "Subscriptions"]
