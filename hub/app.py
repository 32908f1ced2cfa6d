"""The composition root: create_app() builds everything; nothing heavy happens at import."""
from __future__ import annotations

import asyncio
from datetime import timedelta

from litestar import Litestar
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from adapters import Adapters
from pricing import Catalog, load_catalogs

from hub.routes import ROUTES
from hub.core.deps import provide_session
from hub.core.auth import authentication
from hub.core.clock import Clock, SystemClock
from hub.core.db import Database
from hub.core.errors import EXCEPTION_HANDLERS
from hub.core.openapi import ProblemResponses
from hub.core.input_guard import MAX_BODY, check_input
from hub.composition import (
    build_adapters_from,
    build_onboarding,
    build_subscriptions,
    build_transfers,
    build_worker,
)
from hub.quotes import PricingService
from hub.partners.credentials import Vault
from hub.core.idempotency import purge
from hub.core.settings import Settings


def build_pricing(settings: Settings, clock: Clock, catalogs: dict[str, Catalog] | None = None) -> PricingService:
    return PricingService(catalogs if catalogs is not None else load_catalogs(settings.catalog_dir), clock)


def create_app(
    settings: Settings | None = None,
    clock: Clock | None = None,
    catalogs: dict[str, Catalog] | None = None,
    database: Database | None = None,
    adapters: Adapters | None = None,
) -> Litestar:
    settings = settings or Settings.from_env()
    clock = clock or SystemClock()
    pricing = build_pricing(settings, clock, catalogs)
    db = database or Database(settings.database)
    onboarding = build_onboarding(settings, pricing.catalogs)
    subscriptions = build_subscriptions(settings, pricing)
    transfers = build_transfers(pricing)
    outbound = adapters or build_adapters_from(settings)
    vault = Vault.from_settings(settings)
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []

    async def start(app: Litestar) -> None:
        app.state.db, app.state.adapters = db, outbound
        app.state.vault = vault  # provider credentials, encrypted at rest (services/credentials.py)
        await db.upgrade()
        await purge(db.sessions, timedelta(hours=settings.idempotency_hours))
        if settings.worker_in_process:
            worker = build_worker(settings, db, outbound, onboarding, subscriptions, transfers=transfers)
            tasks.append(asyncio.create_task(worker.run(stop), name="outbox-worker"))

    async def shutdown(_: Litestar) -> None:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        await outbound.close()
        await db.dispose()

    return Litestar(
        route_handlers=ROUTES,
        dependencies={
            "pricing": Provide(lambda: pricing, sync_to_thread=False, use_cache=True),
            "onboarding": Provide(lambda: onboarding, sync_to_thread=False, use_cache=True),
            "subscriptions": Provide(lambda: subscriptions, sync_to_thread=False, use_cache=True),
            "transfers": Provide(lambda: transfers, sync_to_thread=False, use_cache=True),
            "session": Provide(provide_session),
        },
        middleware=[authentication(settings.rate_limit_per_minute, settings.auth_failures_per_minute)],
        exception_handlers=EXCEPTION_HANDLERS,
        before_request=check_input,
        request_max_body_size=MAX_BODY,
        on_startup=[start],
        on_shutdown=[shutdown],
        plugins=[ProblemResponses()],  # the problem-details answers of every /api/v1 operation in the schema
        openapi_config=OpenAPIConfig(
            title="Reseller hub",
            version="0.1.0",
            path="/schema",
            components=Components(security_schemes={"api_key": SecurityScheme(type="http", scheme="bearer")}),
            security=[{"api_key": []}],
        ),
        debug=False,
    )
