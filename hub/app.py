"""The composition root: create_app() builds everything; nothing heavy happens at import."""
from __future__ import annotations

from litestar import Litestar
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig

from pricing import Catalog, load_catalogs

from .api import ROUTES
from .clock import Clock, SystemClock
from .errors import EXCEPTION_HANDLERS
from .services import PricingService
from .settings import Settings


def build_pricing(settings: Settings, clock: Clock, catalogs: dict[str, Catalog] | None = None) -> PricingService:
    return PricingService(catalogs if catalogs is not None else load_catalogs(settings.catalog_dir), clock)


def create_app(
    settings: Settings | None = None,
    clock: Clock | None = None,
    catalogs: dict[str, Catalog] | None = None,
) -> Litestar:
    settings = settings or Settings.from_env()
    pricing = build_pricing(settings, clock or SystemClock(), catalogs)
    return Litestar(
        route_handlers=ROUTES,
        dependencies={"pricing": Provide(lambda: pricing, sync_to_thread=False, use_cache=True)},
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=OpenAPIConfig(title="Reseller hub", version="0.1.0", path="/schema"),
        debug=False,
    )
