"""The web application: create_app() builds the Litestar app around the composition root (hub/composition.py)."""
from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from litestar import Litestar
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from adapters import Adapters
from pricing import Catalog

from hub.composition import Hub, compose
from hub.core.auth import authentication
from hub.core.clock import Clock, ControllableClock
from hub.core.control import control_router
from hub.core.db import Database
from hub.core.deps import provide_session
from hub.core.errors import EXCEPTION_HANDLERS
from hub.core.idempotency import purge
from hub.core.input_guard import MAX_BODY, check_input
from hub.core.openapi import ProblemResponses
from hub.core.settings import Settings
from hub.partners.service import authenticate
from hub.quotes.known import KnownQuotes
from hub.routes import ROUTES
from hub.web.setup import swagger, web


def create_app(
    settings: Settings | None = None,
    clock: Clock | None = None,
    catalogs: dict[str, Catalog] | None = None,
    database: Database | None = None,
    adapters: Adapters | None = None,
    hub: Hub | None = None,
) -> Litestar:
    hub = hub or compose(settings, clock, catalogs)
    settings, clock = hub.settings, hub.clock
    db = database or Database(settings.database)
    outbound = adapters or hub.adapters()
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []
    workers: list[Any] = []

    async def start(app: Litestar) -> None:
        app.state.db, app.state.adapters, app.state.clock = db, outbound, clock
        app.state.vault = hub.vault  # provider credentials, encrypted at rest (hub/partners/credentials.py)
        await db.upgrade()
        await purge(db.sessions, timedelta(hours=settings.idempotency_hours), clock.now())
        if settings.worker_in_process:
            worker = hub.worker(db, outbound)
            workers.append(worker)
            tasks.append(asyncio.create_task(worker.run(stop), name="outbox-worker"))

    async def shutdown(_: Litestar) -> None:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        await outbound.close()
        await db.dispose()

    async def after_clock_move() -> None:  # the in-process worker takes the time-driven duties at once
        for worker in workers:
            await worker.sweep(clock.now())

    controls = [control_router(clock, settings.provider_urls, after_clock_move)] \
        if isinstance(clock, ControllableClock) else []
    pages = web(settings)
    return Litestar(
        route_handlers=[*ROUTES, *controls, *pages.routes],
        dependencies={
            "pricing": Provide(lambda: hub.pricing, sync_to_thread=False, use_cache=True),
            "onboarding": Provide(lambda: hub.onboarding, sync_to_thread=False, use_cache=True),
            "subscriptions": Provide(lambda: hub.subscriptions, sync_to_thread=False, use_cache=True),
            "transfers": Provide(lambda: hub.transfers, sync_to_thread=False, use_cache=True),
            "reconciliations": Provide(lambda: hub.reconciliations, sync_to_thread=False, use_cache=True),
            "letters": Provide(lambda: hub.letters, sync_to_thread=False, use_cache=True),
            "clock": Provide(lambda: clock, sync_to_thread=False, use_cache=True),
            "session": Provide(provide_session),
        },
        middleware=[*pages.middleware,
                    authentication(authenticate, settings.rate_limit_per_minute, settings.auth_failures_per_minute,
                                   pages.paths, settings.key_cache_seconds, KnownQuotes(hub.pricing))],
        exception_handlers={**EXCEPTION_HANDLERS, **pages.exception_handlers},
        csrf_config=pages.csrf,
        stores=pages.stores,
        template_config=pages.templates,
        before_request=check_input,
        request_max_body_size=MAX_BODY,
        on_startup=[start],
        on_shutdown=[shutdown],
        plugins=[ProblemResponses()],  # the problem-details answers of every /api/v1 operation in the schema
        openapi_config=OpenAPIConfig(
            title="Reseller hub",
            version="0.1.0",
            path="/schema",
            render_plugins=[swagger()],
            components=Components(security_schemes={"api_key": SecurityScheme(type="http", scheme="bearer")}),
            security=[{"api_key": []}],
        ),
        debug=False,
    )


def from_environment() -> Litestar:
    """The app of one `hub serve --workers N` process, built from the environment (uvicorn's factory)."""
    return create_app(Settings.from_env())
