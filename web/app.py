"""Assemble the litestar application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from litestar import Litestar, Request, Response
from litestar.config.csrf import CSRFConfig
from litestar.exceptions import HTTPException, NotFoundException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from salonkeep.core import database, redis_client
from salonkeep.core.formatting import install_filters
from salonkeep.core.plugins.manager import get_plugins
from salonkeep.tenants.errors import NotFound, ValidationFailed
from salonkeep.tenants.secrets_store import read_or_create
from salonkeep.tenants.settings import Settings, load_settings
from salonkeep.web import i18n, labels, logs, request_ids
from salonkeep.web.api.router import API_PATH, SECURITY_SCHEME, api_router
from salonkeep.web.booking_public import routes as booking_public_routes
from salonkeep.web.calendar_feeds import public_routes as calendar_feed_routes
from salonkeep.web.complaints_public import routes as complaint_public_routes
from salonkeep.web.complaints_survey import routes as survey_routes
from salonkeep.web.edge import Edge, is_api
from salonkeep.web.health import healthz
from salonkeep.web.metrics import metrics_endpoint
from salonkeep.web.privacy.router import privacy_router
from salonkeep.web.privacy_public import consent_page, consent_submit, privacy_notice
from salonkeep.web.public import home, set_password_form, set_password_submit
from salonkeep.web.server_error import not_found_page, server_error
from salonkeep.web.signup import routes as signup_routes
from salonkeep.web.staff_ui import public_routes, staff_router

HERE = Path(__file__).parent


def _jinja_environment() -> Environment:
    env = Environment(
        # Plugin templates: each plugin package's templates folder and salonkeep_template_dirs.
        loader=ChoiceLoader(
            [FileSystemLoader(HERE / "templates"), FileSystemLoader(get_plugins().template_dirs())]
        ),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        # Templates ship with the package: no file-system check on every render.
        auto_reload=False,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True
    )
    install_filters(env, i18n.current_language)
    labels.install(env)
    return env


def _not_found(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """404: JSON for the API, a page for people (the staff router shows its own, in the layout)."""
    if is_api(request.scope):
        return Response({"detail": "Not found", "request_id": request_ids.of(request)}, status_code=404)
    return not_found_page(request)


def _invalid(request: Request[Any, Any, Any], exc: ValidationFailed) -> Response[dict[str, Any]]:
    body = {"detail": "Invalid input", "errors": exc.errors, "request_id": request_ids.of(request)}
    return Response(body, status_code=422)


def create_app(settings: Settings | None = None) -> Litestar:
    """The web application for ``settings`` (read from the environment by default)."""
    settings = settings or load_settings()
    logs.configure(settings.log_level)
    secret = read_or_create(settings.data_dir / "secret.key")

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        engine = await database.start(settings)
        app.state.redis = redis_client.async_client(settings) if settings.redis_url else None
        app.state.settings = settings
        app.state.master_key = secret
        try:
            yield
        finally:
            if app.state.redis is not None:
                await app.state.redis.aclose()
            await database.stop(engine)

    app = Litestar(
        route_handlers=[
            healthz,
            metrics_endpoint,
            home,
            *public_routes,
            staff_router(),
            privacy_router(),
            set_password_form,
            set_password_submit,
            privacy_notice,
            consent_page,
            consent_submit,
            *complaint_public_routes,
            *signup_routes,
            *booking_public_routes,
            *calendar_feed_routes,
            *survey_routes,
            create_static_files_router(path="/static", directories=[HERE / "static"]),
            api_router(),
        ],
        openapi_config=OpenAPIConfig(
            title="Salonkeep API",
            version="1",
            path=f"{API_PATH}/schema",
            # Only the schema itself (JSON, also at the root): the documentation UIs would load
            # their JavaScript from a CDN, which the content security policy forbids anyway.
            render_plugins=[JsonRenderPlugin(path=["/", "/openapi.json"])],
            components=Components(
                security_schemes={
                    SECURITY_SCHEME: SecurityScheme(type="http", scheme="bearer", description="sk_… API key")
                }
            ),
        ),
        lifespan=[lifespan],
        template_config=TemplateConfig(engine=JinjaTemplateEngine.from_environment(_jinja_environment())),
        csrf_config=CSRFConfig(
            secret=secret.hex(),
            cookie_name="csrftoken",
            header_name="x-csrftoken",
            cookie_secure=settings.public_url.startswith("https"),
            cookie_samesite="strict",
            exclude=["/healthz", "/metrics", "^/api/"],
        ),
        exception_handlers={
            NotFound: _not_found,
            NotFoundException: _not_found,
            ValidationFailed: _invalid,
            500: server_error,
        },
        debug=False,
        # Logging is ours (salonkeep.web.logs, configured above): litestar's default config would
        # replace the root logger's handlers.
        logging_config=None,
    )
    # The edge layer sits in front of routing, so 404s and refused input get the request id
    # and the security headers too (see salonkeep.web.edge).
    app.asgi_handler = Edge(app.asgi_handler, settings)
    return app


__all__ = ["HTTPException", "create_app"]
