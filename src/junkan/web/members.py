"""Web pages of the members context: home, sign-in, member directory, organisation page, tokens, audit."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from junkan.actor import Actor
from junkan.api.deps import SESSION_COOKIE, get_uow
from junkan.errors import JunkanError, NotAuthenticated, NotFound
from junkan.members import auth, service
from junkan.members.model import OrgKind, Scope
from junkan.pagination import PageRequest
from junkan.web.charts import Series, bar_chart, line_chart
from junkan.web.i18n import translate
from junkan.web.render import form_csrf_ok, lang_of, principal_of, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _actor(request: Request) -> Actor:
    p = principal_of(request)
    ip = request.client.host if request.client else None
    return Actor(principal=p, ip=ip, user_agent=request.headers.get("user-agent"))


def _need_login(request: Request) -> Response | None:
    if principal_of(request) is None:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    return None


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    stats = service.member_directory(get_uow(request))
    return render(request, "members/home.html", stats=stats)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/members") -> HTMLResponse:
    return render(request, "members/login.html", next=next if next.startswith("/") else "/members")


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/members",
) -> Response:
    form_csrf_ok(request, csrf_token)
    settings = request.app.state.settings
    try:
        s = auth.sign_in(
            get_uow(request), _actor(request), email=email, password=password, hours=settings.session_hours
        )
    except NotAuthenticated:
        lang = lang_of(request)
        return render(
            request,
            "members/login.html",
            status_code=401,
            next=next,
            email=email,
            error=translate("login.failed", lang),
        )
    resp = RedirectResponse(next if next.startswith("/") and not next.startswith("//") else "/members", 303)
    resp.set_cookie(
        SESSION_COOKIE,
        s.session_id,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        max_age=settings.session_hours * 3600,
    )
    return resp


@router.post("/logout")
def logout(request: Request, csrf_token: Annotated[str, Form()] = "") -> Response:
    form_csrf_ok(request, csrf_token)
    sid = request.cookies.get(SESSION_COOKIE)
    if sid:
        auth.end_session(get_uow(request), sid)
    resp = RedirectResponse("/", status_code=303)
    resp.delete_cookie(SESSION_COOKIE)
    return resp


@router.get("/members", response_class=HTMLResponse)
def directory(request: Request, kind: str = "", q: str = "", offset: int = 0) -> HTMLResponse:
    uow = get_uow(request)
    lang = lang_of(request)
    stats = service.member_directory(uow)
    chart = bar_chart(
        [(translate(f"stats.{key}", lang), float(n)) for key, n, _ in stats.rows()],
        title=translate("members.stats", lang),
    )
    kinds = [kind] if kind else None
    error = None
    try:
        page = service.list_orgs(
            uow, _actor(request), PageRequest(50, max(offset, 0)), kind=kinds, q=q or None
        )
    except JunkanError as e:
        error, page = e.message, service.list_orgs(uow, _actor(request), PageRequest(50, 0))
    p = principal_of(request)
    overdue = (
        service.overdue_members(uow, _actor(request)) if p is not None and p.org_kind.is_authority else []
    )
    return render(
        request,
        "members/directory.html",
        overdue=overdue,
        stats=stats,
        chart=chart,
        page=page,
        kind=kind,
        q=q,
        kinds=[k.value for k in OrgKind],
        error=error,
    )


@router.get("/members/{org_id}", response_class=HTMLResponse)
def org_page(request: Request, org_id: int) -> HTMLResponse:
    uow = get_uow(request)
    actor = _actor(request)
    lang = lang_of(request)
    try:
        org = service.get_org(uow, actor, org_id)
    except NotFound:
        return render(request, "members/not_found.html", status_code=404)
    facilities = service.list_facilities(uow, actor, org_id)
    partnerships = service.list_partnerships(uow, actor, org_id)
    names = {o["id"]: o[f"name_{lang}"] for o in service.list_orgs(uow, actor, PageRequest(500)).items}
    targets = service.list_targets(uow, actor, org_id)
    charts: dict[int, Any] = {}
    for tg in targets:
        pts = [(float(tg.baseline_year), float(tg.baseline_value))] + [
            (float(p.year), float(p.value)) for p in tg.progress
        ]
        charts[tg.id or 0] = line_chart(
            [
                Series(translate("target.progress", lang), pts),
                Series(
                    translate("target.target", lang),
                    [
                        (float(tg.baseline_year), float(tg.baseline_value)),
                        (float(tg.target_year), float(tg.target_value)),
                    ],
                    color="#b08900",
                ),
            ],
            title=tg.metric,
            unit=tg.unit,
            height=200,
        )
    obligations = []
    p = actor.principal
    if p is not None and (p.org_id == org_id or p.org_kind.is_authority):
        obligations = service.org_obligations(uow, actor, org_id)
    # Another organisation's admin may ask to partner when no request or partnership is open between them.
    can_request = (
        p is not None
        and p.org_id != org_id
        and Scope.ADMIN in p.scopes
        and not any(
            r["status"] in ("requested", "accepted")
            and p.org_id in (r["requester_org_id"], r["partner_org_id"])
            for r in service.list_partnerships(uow, actor, p.org_id)
            if org_id in (r["requester_org_id"], r["partner_org_id"])
        )
    )
    return render(
        request,
        "members/org.html",
        can_request=can_request,
        org=org,
        facilities=facilities,
        partnerships=partnerships,
        names=names,
        targets=targets,
        charts=charts,
        obligations=obligations,
    )


@router.post("/members/{org_id}/partnerships")
def partnership_request(
    request: Request, org_id: int, note: Annotated[str, Form()] = "", csrf_token: Annotated[str, Form()] = ""
) -> Response:
    if (r := _need_login(request)) is not None:
        return r
    form_csrf_ok(request, csrf_token)
    service.request_partnership(get_uow(request), _actor(request), org_id, note.strip() or None)
    return RedirectResponse(f"/members/{org_id}", status_code=303)


@router.post("/partnerships/{partnership_id}/{action}")
def partnership_action(
    request: Request, partnership_id: int, action: str, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    if (r := _need_login(request)) is not None:
        return r
    form_csrf_ok(request, csrf_token)
    actor = _actor(request)
    service.change_partnership(get_uow(request), actor, partnership_id, action)
    return RedirectResponse(f"/members/{actor.signed_in.org_id}", status_code=303)


@router.get("/tokens", response_class=HTMLResponse)
def tokens_page(request: Request) -> Response:
    if (r := _need_login(request)) is not None:
        return r
    actor = _actor(request)
    try:
        tokens = auth.list_tokens(get_uow(request), actor)
    except JunkanError as e:
        return render(request, "members/tokens.html", status_code=e.status, tokens=[], error=e.message)
    return render(request, "members/tokens.html", tokens=tokens)


@router.post("/tokens", response_class=HTMLResponse)
def tokens_create(
    request: Request,
    name: Annotated[str, Form()],
    days: Annotated[int, Form()] = 90,
    scopes: Annotated[list[str] | None, Form()] = None,
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    if (r := _need_login(request)) is not None:
        return r
    form_csrf_ok(request, csrf_token)
    actor = _actor(request)
    uow = get_uow(request)
    new = None
    error = None
    try:
        new = auth.create_token(
            uow, actor, name=name, scopes={Scope(s) for s in (scopes or ["read"])}, days=days
        )
    except (JunkanError, ValueError) as e:
        error = getattr(e, "message", str(e))
    tokens = auth.list_tokens(uow, actor)
    return render(
        request, "members/tokens.html", status_code=201 if new else 422, tokens=tokens, new=new, error=error
    )


@router.post("/tokens/{token_id}/revoke")
def tokens_revoke(request: Request, token_id: int, csrf_token: Annotated[str, Form()] = "") -> Response:
    if (r := _need_login(request)) is not None:
        return r
    form_csrf_ok(request, csrf_token)
    auth.revoke_token(get_uow(request), _actor(request), token_id)
    return RedirectResponse("/tokens", status_code=303)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, offset: int = 0) -> Response:
    if (r := _need_login(request)) is not None:
        return r
    try:
        page = service.audit_entries(
            get_uow(request), _actor(request), None, PageRequest(100, max(0, offset))
        )
    except JunkanError as e:
        return render(request, "members/audit.html", status_code=e.status, page=None, error=e.message)
    return render(request, "members/audit.html", page=page)
