"""The composition root: ``create_app(settings)`` wires the engine, the API, the web pages and static files.

Nothing connects at import time; uvicorn builds the app through :func:`create_app` (``--factory``) or the CLI.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import swagger_ui_bundle
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine, exists, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from junkan import __version__
from junkan.api.problems import install_problem_handlers, problem
from junkan.config import Settings
from junkan.errors import JunkanError
from junkan.members.principal_cache import PrincipalCache
from junkan.store.engine import make_engine
from junkan.store.master_secret import master_secret
from junkan.store.tables.members import organizations
from junkan.web.render import render

__all__ = ["CONTEXTS", "create_app"]

# Contexts whose API router (junkan.api.<name>) and web router (junkan.web.<name>) the app serves, in order.
CONTEXTS = ("members", "credentials", "passports", "trace", "custody", "regions")

STATIC = Path(__file__).parent / "web" / "static"


class BodyLimit:
    """Refuse request bodies over the limit with a 413 problem, before any handler reads them: ``limit`` for
    JSON and forms, ``upload_limit`` for file uploads (multipart), which bulk imports need."""

    def __init__(self, app: ASGIApp, limit: int, upload_limit: int) -> None:
        self.app, self.limit, self.upload_limit = app, limit, upload_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        upload = headers.get(b"content-type", b"").startswith(b"multipart/form-data")
        limit = self.upload_limit if upload else self.limit
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._too_large(scope, receive, send, limit)
            return
        seen = 0

        async def counting() -> Message:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > limit:
                    raise _TooLarge
            return msg

        try:
            await self.app(scope, counting, send)
        except _TooLarge:
            await self._too_large(scope, receive, send, limit)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        resp = problem(
            413,
            code="body_too_large",
            detail=f"the request body is over {limit} bytes; send files as a multipart upload "
            "(JUNKAN_MAX_UPLOAD_BYTES) or split them",
        )
        await resp(scope, receive, send)


class _TooLarge(Exception):
    pass


_CSP = b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class Headers:
    """Security headers on every answer (pure ASGI: no per-request task like BaseHTTPMiddleware), and after a
    successful write the token-principal cache is cleared so this process sees role, token and partnership
    changes at once."""

    def __init__(self, app: ASGIApp, cache: PrincipalCache) -> None:
        self.app, self.cache = app, cache

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope["path"].startswith("/api/v1/docs")
        write = scope["method"] in _UNSAFE

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin")]
                if not docs:
                    headers.append((b"content-security-policy", _CSP))
                message["headers"] = headers
                if write and message["status"] < 400:
                    self.cache.clear()
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _wants_html(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api/"):
        return False
    return "text/html" in request.headers.get("accept", "")


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    settings = settings or Settings()
    engine = engine or make_engine(settings.database_url)
    app = FastAPI(
        title="junkan API",
        version=__version__,
        description="Circular-economy information platform: members, passports, traceability, regions.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.master_secret = master_secret(settings)
    try:
        with engine.connect() as conn:
            app.state.demo_world = bool(
                conn.execute(select(exists().where(organizations.c.is_demo))).scalar()
            )
    except Exception:  # an empty database before `junkan db upgrade`: pages will say what to do
        app.state.demo_world = False

    install_problem_handlers(app)
    json_handler = app.exception_handlers[JunkanError]

    async def junkan_error(request: Request, exc: Exception) -> Response:
        if _wants_html(request) and isinstance(exc, JunkanError):
            return render(request, "error.html", status_code=exc.status, message=exc.message, code=exc.code)
        response: JSONResponse = await json_handler(request, exc)  # type: ignore[misc]
        return response

    app.add_exception_handler(JunkanError, junkan_error)
    app.state.principal_cache = PrincipalCache(ttl=settings.principal_cache_seconds)
    app.add_middleware(Headers, cache=app.state.principal_cache)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes, upload_limit=settings.max_upload_bytes)

    app.mount("/static/swagger", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path), name="swagger")
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    @app.get("/api/v1/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/api/v1/openapi.json",
            title="junkan API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/favicon.svg",
        )

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    for name in CONTEXTS:
        for layer in ("api", "web"):
            try:
                module = importlib.import_module(f"junkan.{layer}.{name}")
            except ModuleNotFoundError as e:
                if e.name != f"junkan.{layer}.{name}":
                    raise
                continue
            app.include_router(module.router)
    return app
