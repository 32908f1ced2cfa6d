"""The composition root: create_app() builds everything; nothing heavy happens at import."""
from __future__ import annotations

from datetime import timedelta

from litestar import Litestar
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme

from pricing import Catalog, load_catalogs

from .api import ROUTES
from .api.deps import provide_session
from .auth import authentication, rate_limit
from .clock import Clock, SystemClock
from .db import Database
from .errors import EXCEPTION_HANDLERS
from .services import PricingService
from .services.idempotency import purge
from .settings import Settings


def build_pricing(settings: Settings, clock: Clock, catalogs: dict[str, Catalog] | None = None) -> PricingService:
    return PricingService(catalogs if catalogs is not None else load_catalogs(settings.catalog_dir), clock)


def create_app(
    settings: Settings | None = None,
    clock: Clock | None = None,
    catalogs: dict[str, Catalog] | None = None,
    database: Database | None = None,
) -> Litestar:
    settings = settings or Settings.from_env()
    pricing = build_pricing(settings, clock or SystemClock(), catalogs)
    db = database or Database(settings.database)

    async def start(app: Litestar) -> None:
        app.state.db = db
        await db.upgrade()
        await purge(db.sessions, timedelta(hours=settings.idempotency_hours))

    async def stop(_: Litestar) -> None:
        await db.dispose()

    return Litestar(
        route_handlers=ROUTES,
        dependencies={
            "pricing": Provide(lambda: pricing, sync_to_thread=False, use_cache=True),
            "session": Provide(provide_session),
        },
        middleware=[rate_limit(settings.rate_limit_per_minute).middleware, authentication()],
        exception_handlers=EXCEPTION_HANDLERS,
        on_startup=[start],
        on_shutdown=[stop],
        openapi_config=OpenAPIConfig(
            title="Reseller hub",
            version="0.1.0",
            path="/schema",
            components=Components(security_schemes={"api_key": SecurityScheme(type="http", scheme="bearer")}),
            security=[{"api_key": []}],
        ),
        debug=False,
    )
