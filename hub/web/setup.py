"""The web pages' parts of the app, assembled once: templates (Jinja2) with the Russian formats, the
session cookie, CSRF, the local static files (htmx, the styles, Swagger UI's assets), the pages."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litestar.config.csrf import CSRFConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.middleware.session.client_side import CookieBackendConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from hub.core.settings import Settings
from hub.web.auth import SESSION_HOURS, NotAllowed, SignInNeeded, to_sign_in
from hub.web.formatting import FILTERS
from hub.web.secret import web_secret

HERE = Path(__file__).parent
FAVICON = "<link rel='icon' type='image/svg+xml' href='/static/favicon.svg'>"
NOT_WEB = ["^/api/", "^/_control", "^/schema", "^/health", "^/static"]  # the API keeps its bearer keys
PATHS = ("^/$", "^/signin", "^/signout", "^/quote", "^/customers", "^/reconciliations", "^/static")  # the pages' own


def swagger() -> SwaggerRenderPlugin:
    """Swagger UI from the hub's own files (hub/web/static/swagger, swagger-ui-dist 5): the docs page works offline."""
    return SwaggerRenderPlugin(js_url="/static/swagger/swagger-ui-bundle.js", css_url="/static/swagger/swagger-ui.css",
                               standalone_preset_js_url="/static/swagger/swagger-ui-standalone-preset.js",
                               favicon=FAVICON)


@dataclass
class Web:
    routes: list[Any]
    middleware: list[Any]
    csrf: CSRFConfig
    templates: TemplateConfig
    exception_handlers: dict[Any, Any]
    paths: tuple[str, ...] = PATHS  # not under the API's keys: the pages check their session


def _filters(engine: JinjaTemplateEngine) -> None:
    engine.engine.filters.update(FILTERS)


def web(settings: Settings) -> Web:
    from hub.web.pages import PAGES, forbidden

    key = web_secret(settings.data_dir, settings.web_secret or None)
    session = CookieBackendConfig(secret=key, key="hub_session", max_age=SESSION_HOURS * 3600, httponly=True,
                                  samesite="strict", exclude=NOT_WEB)
    statics = [create_static_files_router(path="/static", directories=[HERE / "static"], include_in_schema=False,
                                          name="static")]
    return Web(
        routes=[*PAGES, *statics],
        middleware=[session.middleware],
        csrf=CSRFConfig(secret=key.hex(), cookie_name="hub_csrf", cookie_samesite="strict", cookie_httponly=False,
                        exclude=NOT_WEB),
        templates=TemplateConfig(directory=HERE / "templates", engine=JinjaTemplateEngine, engine_callback=_filters),
        exception_handlers={SignInNeeded: to_sign_in, NotAllowed: forbidden},
    )
