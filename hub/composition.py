"""Building the outbound side from settings: adapters, onboarding, the worker."""
from __future__ import annotations

from datetime import timedelta

import httpx

from adapters import Adapters, Endpoint, MailEndpoint, RetryPolicy, build_adapters
from pricing import Catalog

from hub.core.clock import Clock
from hub.core.db import Database
from hub.partners.credentials import Vault
from hub.onboarding.service import Onboarding
from hub.quotes.service import PricingService
from hub.subscriptions.service import Subscriptions
from hub.transfers.service import Transfers
from hub.core.settings import Settings
from hub.core.worker import Worker, WorkerSettings


def build_adapters_from(settings: Settings) -> Adapters:
    """One pooled adapter per provider, signed in with the hub's default (demo) account; the worker signs
    each call in with the calling partner's own credentials where it stored some (services/credentials.py)."""
    endpoints = {
        provider: Endpoint(url, settings.fresh_login, settings.fresh_password, settings.fresh_account,
                           settings.rarus_token, settings.rarus_partner_code)
        for provider, url in settings.provider_urls.items()
    }
    base = settings.retry_base_seconds
    return build_adapters(
        endpoints, MailEndpoint(settings.smtp_host, settings.smtp_port, settings.mail_from),
        policy=RetryPolicy(attempts=4, base=min(base, 0.5), cap=max(10 * base, 1.0), total=6 * settings.http_read_timeout),
        timeout=httpx.Timeout(connect=3.0, read=settings.http_read_timeout, write=10.0, pool=5.0),
        breaker_cooldown=settings.breaker_cooldown,
    )


def build_onboarding(settings: Settings, catalogs: dict[str, Catalog]) -> Onboarding:
    return Onboarding(catalogs, timedelta(seconds=settings.poll_seconds))


def build_subscriptions(settings: Settings, pricing: PricingService) -> Subscriptions:
    return Subscriptions(pricing, timedelta(seconds=settings.poll_seconds))


def build_transfers(pricing: PricingService) -> Transfers:
    return Transfers(pricing)


def build_worker(settings: Settings, db: Database, adapters: Adapters, onboarding: Onboarding,
                 subscriptions: Subscriptions, clock: Clock | None = None, transfers: Transfers | None = None) -> Worker:
    worker_settings = WorkerSettings(
        lease=timedelta(seconds=settings.lease_seconds),
        poll_every=timedelta(seconds=settings.poll_seconds),
        retry=RetryPolicy(attempts=12, base=settings.retry_base_seconds, cap=300.0, total=3600.0),
        mail_from=settings.mail_from,
    )
    return Worker(db, adapters, onboarding, subscriptions, transfers or Transfers(subscriptions.pricing),
                  worker_settings, clock, vault=Vault.from_settings(settings))
