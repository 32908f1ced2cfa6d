"""The web pages' parts of the app, assembled once: templates (Jinja2) with the Russian formats, the
session cookie, CSRF, the local static files (htmx, the styles, Swagger UI's assets), the pages."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from litestar.config.csrf import CSRFConfig
from litestar.exceptions import NotFoundException, ValidationException
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.middleware.session.server_side import ServerSideSessionConfig
from litestar.stores.file import FileStore
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from hub.core.errors import on_error, on_not_found, on_validation
from hub.core.exceptions import InvalidField, NotFound
from hub.core.settings import Settings
from hub.web.auth import SESSION_HOURS, NotAllowed, SignInNeeded, to_sign_in
from hub.web.formatting import FILTERS
from hub.core.russian import russian
from hub.web.secret import web_secret

HERE = Path(__file__).parent
SESSION_STORE = "web_sessions"  # one file per browser session under <HUB_DATA_DIR>/web-sessions, shared by processes
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
    stores: dict[str, Any] = field(default_factory=dict)
    paths: tuple[str, ...] = PATHS  # not under the API's keys: the pages check their session


def _filters(engine: JinjaTemplateEngine) -> None:
    engine.engine.filters.update(FILTERS, ru=russian)


def web(settings: Settings) -> Web:
    from hub.web.pages import PAGES, forbidden, page_or_problem

    key = web_secret(settings.data_dir, settings.web_secret or None)
    # server-side: the cookie is a random id, the session lives in the store, so signing out ends it everywhere
    session = ServerSideSessionConfig(store=SESSION_STORE, key="hub_session", max_age=SESSION_HOURS * 3600,
                                      httponly=True, samesite="strict", exclude=NOT_WEB)
    statics = [create_static_files_router(path="/static", directories=[HERE / "static"], include_in_schema=False,
                                          name="static")]
    return Web(
        routes=[*PAGES, *statics],
        middleware=[session.middleware],
        csrf=CSRFConfig(secret=key.hex(), cookie_name="hub_csrf", cookie_samesite="strict", cookie_httponly=False,
                        exclude=NOT_WEB),
        templates=TemplateConfig(directory=HERE / "templates", engine=JinjaTemplateEngine, engine_callback=_filters),
        exception_handlers={SignInNeeded: to_sign_in, NotAllowed: forbidden,
                            NotFound: page_or_problem(on_error, "Не найдено", 404),
                            InvalidField: page_or_problem(on_error, "Неверный запрос", 422),
                            NotFoundException: page_or_problem(on_not_found, "Не найдено", 404),
                            ValidationException: page_or_problem(on_validation, "Неверный запрос", 400)},
        stores={SESSION_STORE: FileStore(settings.data_dir.resolve() / "web-sessions", create_directories=True)},
    )
