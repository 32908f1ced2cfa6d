"""The composition root: everything the hub is made of, built in one place from settings.

``compose()`` makes the services around one clock; ``Hub.adapters()`` the outbound side; ``Hub.worker()``
the outbox worker with every feature's steps and time-driven duties. ``create_app`` (hub/app.py), the
CLI (`hub serve`, `hub worker`, `hub quote`, …) and the tests all build the hub through it.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from datetime import datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from adapters import Adapters, Endpoint, MailEndpoint, RetryPolicy, build_adapters
from hub.core.clock import Clock, ControllableClock, SystemClock
from hub.core.db import Database
from hub.core.mailbox import MAIL
from hub.core.mailing import ByAbout, MailStep
from hub.core.settings import Settings
from hub.core.steps import Step, StepContext
from hub.core.worker import Worker, WorkerSettings
from hub.onboarding.ownership import Ownership
from hub.onboarding.service import Onboarding
from hub.onboarding.steps import OnboardingSteps
from hub.partners import credentials
from hub.partners.credentials import Vault
from hub.quotes.service import PricingService
from hub.reconciliation.payout import ABOUT as PAYOUT, PayoutMail
from hub.reconciliation.service import Reconciliations
from hub.reports.service import NoticeMail, queue_notices
from hub.subscriptions.service import Subscriptions
from hub.subscriptions.steps import SubscriptionSteps
from hub.transfers.service import Transfers
from hub.letters import ABOUT as LETTER, LetterMail, Letters
from pricing import MOSCOW, Catalog, load_catalogs

EVENTED_MAIL = ("subscription", "transfer")  # an enrollment's own recorder reports its e-mails; notices are in their report


def clock_for(settings: Settings) -> Clock:
    """The wall clock; or, with HUB_CLOCK=controllable (`hub up --demo`), one that POST /_control/clock moves."""
    return ControllableClock() if settings.clock == "controllable" else SystemClock()


def build_adapters_from(settings: Settings) -> Adapters:
    """One pooled adapter per provider, signed in with the hub's default (demo) account; the worker signs
    each call in with the calling partner's own credentials where it stored some (hub/partners/credentials.py)."""
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


@dataclass
class Hub:
    settings: Settings
    clock: Clock
    pricing: PricingService
    onboarding: Onboarding
    subscriptions: Subscriptions
    transfers: Transfers
    reconciliations: Reconciliations
    letters: Letters

    @cached_property
    def vault(self) -> Vault:
        """The key of the partners' provider credentials, read when something needs it (not by `hub quote`)."""
        return Vault.from_settings(self.settings)

    def adapters(self) -> Adapters:
        return build_adapters_from(self.settings)

    def worker(self, db: Database, adapters: Adapters, name: str | None = None) -> Worker:
        settings = self.settings
        worker_settings = WorkerSettings(
            lease=timedelta(seconds=settings.lease_seconds),
            poll_every=timedelta(seconds=settings.poll_seconds),
            retry=RetryPolicy(attempts=12, base=settings.retry_base_seconds, cap=300.0, total=3600.0),
            mail_from=settings.mail_from,
        )
        vault = self.vault

        async def credentials_of(session: AsyncSession, partner_id: str, provider: str):  # type: ignore[no-untyped-def]
            return await credentials.signed_in_as(session, vault, partner_id, provider)

        context = StepContext(db, adapters, credentials_of, settings.mail_from, worker_settings.poll_every)
        ownership = Ownership(db, adapters)
        onboarding = OnboardingSteps(self.onboarding, context, ownership)
        subscriptions = SubscriptionSteps(self.subscriptions, context, ownership)
        mail = ByAbout({"enrollment": onboarding, "subscription": subscriptions, "transfer": self.transfers,
                        "notice": NoticeMail(), PAYOUT: PayoutMail(), LETTER: LetterMail()}, evented=EVENTED_MAIL)
        steps: dict[str, Step] = {**onboarding.steps(), **subscriptions.steps(),
                                  MAIL: Step(MailStep(adapters.mail, settings.mail_from).run, mail)}
        return Worker(db, steps, self._sweeps(), self.clock, worker_settings, name)

    def _sweeps(self):  # type: ignore[no-untyped-def]
        """The time-driven duties: trials ending and expired, unanswered transfers, customer notices due."""
        async def trials(session: AsyncSession, now: datetime) -> None:
            await self.onboarding.sweep(session, now.astimezone(MOSCOW).date())

        async def notices(session: AsyncSession, now: datetime) -> None:
            await queue_notices(session, now.astimezone(MOSCOW).date())

        return (trials, self.transfers.sweep, notices)


def compose(settings: Settings | None = None, clock: Clock | None = None,
            catalogs: dict[str, Catalog] | None = None) -> Hub:
    settings = settings or Settings.from_env()
    clock = clock or clock_for(settings)
    pricing = PricingService(catalogs if catalogs is not None else load_catalogs(settings.catalog_dir), clock)
    poll_every = timedelta(seconds=settings.poll_seconds)
    return Hub(settings, clock, pricing, Onboarding(pricing.catalogs, poll_every, clock),
               Subscriptions(pricing, poll_every), Transfers(clock), Reconciliations(pricing.catalogs, clock),
               Letters(clock))
