"""Page rendering: the Jinja2 environment, the language, the signed-in principal, CSRF and navigation.

Contexts add navigation entries with :func:`add_nav` when their pages are wired (see ``junkan.app``).
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from junkan.api.deps import check_csrf, session_of
from junkan.members.model import Principal
from junkan.web.i18n import LANGUAGES, translate

__all__ = ["CSRF_COOKIE", "add_nav", "form_csrf_ok", "lang_of", "render", "templates"]

TEMPLATES = Path(__file__).parent / "templates"
CSRF_COOKIE = "junkan_csrf"
LANG_COOKIE = "lang"
_NAV: list[tuple[str, str]] = [("nav.home", "/"), ("nav.members", "/members")]

templates = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def add_nav(key: str, path: str) -> None:
    if (key, path) not in _NAV:
        _NAV.append((key, path))


def lang_of(request: Request) -> str:
    lang = (
        request.query_params.get("lang")
        or request.cookies.get(LANG_COOKIE)
        or request.app.state.settings.default_language
    )
    return lang if lang in LANGUAGES else "ja"


def principal_of(request: Request) -> Principal | None:
    sess = session_of(request)
    return sess[0] if sess else None


def _csrf_token(request: Request) -> str:
    """The session's CSRF token, or (before sign-in) a double-submit token kept in a cookie."""
    sess = session_of(request)
    if sess:
        return sess[1]
    tok = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if not tok:
        tok = secrets.token_urlsafe(24)
        request.state.new_csrf = tok
    return tok


def form_csrf_ok(request: Request, given: str | None) -> None:
    """Check a form's csrf_token against the session (or the pre-sign-in cookie)."""
    sess = session_of(request)
    expected = sess[1] if sess else (request.cookies.get(CSRF_COOKIE) or "")
    check_csrf(request, expected, given if expected else None)


def render(request: Request, template: str, status_code: int = 200, **ctx: Any) -> HTMLResponse:
    lang = lang_of(request)
    principal = principal_of(request)

    def t(key: str) -> str:
        return translate(key, lang)

    def url_lang(other: str) -> str:
        q = dict(request.query_params)
        q["lang"] = other
        return str(request.url.path) + "?" + "&".join(f"{k}={v}" for k, v in q.items())

    html = templates.get_template(template).render(
        request=request,
        lang=lang,
        other_lang="en" if lang == "ja" else "ja",
        url_lang=url_lang,
        t=t,
        principal=principal,
        csrf_token=_csrf_token(request),
        nav=list(_NAV),
        path=request.url.path,
        demo_world=getattr(request.app.state, "demo_world", False),
        **ctx,
    )
    resp = HTMLResponse(html, status_code=status_code)
    if request.query_params.get("lang") in LANGUAGES:
        resp.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    new = getattr(request.state, "new_csrf", None)
    if new:
        resp.set_cookie(CSRF_COOKIE, new, httponly=True, samesite="strict")
    return resp
