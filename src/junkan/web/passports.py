"""Web pages of the passports context, and the GS1 Digital Link resolver at the site root.

Pages: the list with search and filters, the create/edit form, the CSV/XLSX import, the detail page (the
issuer's version history, diff and lifecycle actions; everyone else's disclosed view), and the public
passport page a QR code opens (``/passports/{id}/view`` and ``/01/{gtin}…``). No scripts: forms post,
downloads are links to the API.

Resolver (GS1 Digital Link Standard: URI Syntax 1.4, §6 resolver behaviour): ``/01/{gtin}``,
``/01/{gtin}/10/{lot}``, ``/01/{gtin}/21/{serial}`` and ``/01/{gtin}/10/{lot}/21/{serial}`` answer a
browser with the passport page, ``application/ld+json`` with the signed public UNTP credential and
``application/linkset+json`` (or ``?linkType=linkset``) with the RFC 9264 linkset; every answer carries a
``Link`` header to the linkset. A key with no passport of its own walks up (serial → lot → GTIN).
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

import junkan.web.passports_i18n  # noqa: F401  (registers the UI text)
from junkan.actor import Actor
from junkan.api.deps import get_uow
from junkan.api.passports import LD_JSON, LINKSET, conditional
from junkan.errors import FieldError, ImportRejected, InvalidInput, JunkanError, NotFound
from junkan.members.model import Principal, Scope
from junkan.pagination import PageRequest
from junkan.passports import service
from junkan.passports.composition import leaf_materials
from junkan.passports.disclosure import disclose, effective_audience, is_masked
from junkan.passports.model import Audience, Status
from junkan.passports.service import exports as service_exports
from junkan.passports.service import files as service_files
from junkan.web.i18n import translate
from junkan.web.passports_forms import (
    blank_form,
    document_from_form,
    errors_by_field,
    form_field,
    form_from_passport,
)
from junkan.web.render import add_nav, form_csrf_ok, lang_of, principal_of, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
add_nav("nav.passports", "/passports")

_TREE_LIMIT = 200


def _actor(request: Request) -> Actor:
    ip = request.client.host if request.client else None
    return Actor(principal=principal_of(request), ip=ip, user_agent=request.headers.get("user-agent"))


def _base(request: Request) -> str:
    return str(request.app.state.settings.base_url).rstrip("/")


def _need_login(request: Request) -> Response | None:
    if principal_of(request) is None:
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    return None


def _can_write(p: Principal | None, org_id: int) -> bool:
    return p is not None and (p.is_system or (p.org_id == org_id and Scope.WRITE in p.scopes))


# template helpers -------------------------------------------------------------------------------
def pct(value: Any, places: int = 2) -> str:
    """A share ("0.3475") as a percentage ("34.75", "30"); masked and missing values as they are."""
    if value is None or is_masked(value):
        return ""
    try:
        number = (Decimal(str(value)) * 100).quantize(Decimal(1).scaleb(-places)).normalize()
    except InvalidOperation:
        return str(value)
    return f"{number:f}"


def num(value: Any) -> str:
    if value is None or is_masked(value):
        return ""
    try:
        return f"{Decimal(str(value)).normalize():f}"
    except InvalidOperation:
        return str(value)


def _helpers() -> dict[str, Any]:
    return {"pct": pct, "num": num, "masked": is_masked}


def _tree(view: service.PassportView, principal: Principal | None) -> list[dict[str, Any]]:
    """The component tree below a passport, each child disclosed by its own policy for this viewer."""
    count = 0

    def nodes(components: Any, depth: int, path: tuple[str, ...]) -> list[dict[str, Any]]:
        nonlocal count
        if not isinstance(components, list):
            return []
        out = []
        for comp in components:
            count += 1
            if count > _TREE_LIMIT:
                break
            pid = comp.get("passport_id")
            row = view.graph.rows.get(pid) if isinstance(pid, str) else None
            node: dict[str, Any] = {"component": comp, "found": row is not None}
            if row is not None:
                audiences = service.viewer_audiences(principal, row.org_id)
                doc = disclose(row.passport, audiences)
                node.update(
                    doc=doc,
                    version=row.passport.version,
                    status=row.passport.status.value,
                    children=nodes(doc["composition"].get("components"), depth + 1, (*path, pid))
                    if depth < 6 and pid not in path
                    else [],
                )
            out.append(node)
        return out

    return nodes(view.document["composition"].get("components"), 0, (view.passport.id,))


def _leaves(view: service.PassportView) -> dict[str, Any] | None:
    """The whole product's materials (every part's, merged and multiplied out) as the viewer may see them,
    for assemblies; ``None`` for a passport without components or one whose materials are withheld."""
    if not view.passport.composition.components or view.rollup is None:
        return None
    if not view.shows("composition.materials"):
        return None
    leaves = sorted(leaf_materials(view.passport, view.graph.resolve), key=lambda m: (-m.mass_kg, m.name))
    rows = [
        {
            "name": m.name,
            "material_class": m.material_class,
            "cas": m.cas,
            "origin_country": m.origin_country,
            "hazardous": m.hazardous,
            "mass_kg": m.mass_kg,
            "share": m.recycled_mass_kg / m.mass_kg,
        }
        for m in leaves
    ]
    rules = view.passport.disclosure_map()
    mass_audience = effective_audience("composition.materials.mass_kg", rules)
    return {
        "rows": rows,
        "show_mass": view.shows("composition.materials.mass_kg"),
        "show_origin": view.shows("composition.materials.origin_country"),
        "mass_mask": {"masked": True, "audience": mass_audience.value},
    }


def _page_context(request: Request, view: service.PassportView) -> dict[str, Any]:
    pid = quote(view.passport.id, safe="")
    api = f"/api/v1/passports/{pid}"
    published = view.passport.status is not Status.DRAFT
    explained = service.explain(view)
    figures = explained.get("figures") or {}
    by_class = figures.get("by_class") if isinstance(figures, dict) else None
    classes_sorted = (
        sorted(by_class, key=lambda c: (-Decimal(str(c["recycled_share"])), c["material_class"]))
        if isinstance(by_class, list)
        else []
    )
    class_rows = []
    for c in classes_sorted:
        e = (explained.get("by_class") or {}).get(c["material_class"])
        if e is None or Decimal(str(c["recycled_share"])) == 0:
            continue
        mass, pre, post = (i["value"] for i in e["inputs"])
        class_rows.append(
            {"name": c["material_class"], "mass": mass, "pre": pre, "post": post, "share": e["value"]}
        )
    return {
        "view": view,
        "doc": view.document,
        "leaves": _leaves(view),
        "explained": explained,
        "classes_sorted": classes_sorted,
        "class_rows": class_rows,
        "tree": _tree(view, principal_of(request)),
        "digital_link": service.digital_link(view.passport, base_url=_base(request)),
        "api": api,
        "pid": pid,
        "published": published,
        "owner": view.top is Audience.OWNER,
        **_helpers(),
    }


# the resolver's routes come first: they are the busiest (every QR scan) and routes match in order
async def _dispatch(
    request: Request, gtin: str, lot: str | None, serial: str | None, link_type: str | None
) -> Response:
    # The JSON-LD answer is one indexed read of stored text. On embedded SQLite (a local file) that read
    # takes less time than handing the request to the thread pool and back, so it runs inline; pages,
    # linksets and any networked database go through the thread pool as usual.
    if _wants(request, link_type) == "ld" and request.app.state.engine.dialect.name == "sqlite":
        return _resolve(request, gtin, lot, serial, link_type)
    return await run_in_threadpool(_resolve, request, gtin, lot, serial, link_type)


@router.get("/01/{gtin}")
async def resolve_gtin(request: Request, gtin: str, linkType: str | None = None) -> Response:
    return await _dispatch(request, gtin, None, None, linkType)


@router.get("/01/{gtin}/10/{lot}")
async def resolve_lot(request: Request, gtin: str, lot: str, linkType: str | None = None) -> Response:
    return await _dispatch(request, gtin, lot, None, linkType)


@router.get("/01/{gtin}/21/{serial}")
async def resolve_serial(request: Request, gtin: str, serial: str, linkType: str | None = None) -> Response:
    return await _dispatch(request, gtin, None, serial, linkType)


@router.get("/01/{gtin}/10/{lot}/21/{serial}")
async def resolve_lot_serial(
    request: Request,
    gtin: str,
    lot: str,
    serial: str,
    linkType: str | None = None,
) -> Response:
    return await _dispatch(request, gtin, lot, serial, linkType)


# list -------------------------------------------------------------------------------------------
@router.get("/passports", response_class=HTMLResponse)
def list_page(
    request: Request,
    q: str = "",
    status: str = "",
    kind: str = "",
    category: str = "",
    gtin: str = "",
    org_id: str = "",
    offset: int = 0,
) -> HTMLResponse:
    uow = get_uow(request)
    filters = {"q": q, "status": status, "kind": kind, "category": category, "gtin": gtin, "org_id": org_id}
    error = None
    try:
        page = service.list_passports(
            uow,
            _actor(request),
            PageRequest(50, max(offset, 0)),
            q=q or None,
            status=status or None,
            kind=kind or None,
            category=category or None,
            gtin=gtin or None,
            org_id=int(org_id) if org_id.strip().isdigit() else None,
        )
    except JunkanError as e:
        error = e.message
        page = service.list_passports(uow, _actor(request), PageRequest(50, 0))
    p = principal_of(request)
    query = urlencode({k: v for k, v in filters.items() if v})
    issuers = service.issuers(uow, _actor(request))
    return render(
        request,
        "passports/list.html",
        status_code=422 if error else 200,
        page=page,
        filters=filters,
        query=query,
        issuers=issuers,
        error=error,
        can_create=p is not None and not p.is_system and Scope.WRITE in p.scopes,
        **_helpers(),
    )


# create and edit --------------------------------------------------------------------------------
def _form_page(
    request: Request,
    *,
    form: dict[str, str],
    errors: list[FieldError],
    mode: str,
    pid: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "passports/form.html",
        status_code=status_code,
        form=form,
        errors=errors,
        error_links=[(e, form_field(e.field)) for e in errors],
        by_field=errors_by_field(errors),
        mode=mode,
        pid=pid,
    )


@router.get("/passports/new", response_class=HTMLResponse)
def new_form(request: Request) -> Response:
    if (r := _need_login(request)) is not None:
        return r
    return _form_page(request, form=blank_form(), errors=[], mode="new")


async def _form_dict(request: Request) -> dict[str, str]:
    data = await request.form()
    return {k: v for k, v in data.items() if isinstance(v, str)}


def _errors_of(e: JunkanError) -> list[FieldError]:
    return e.errors or [FieldError(e.field or "", e.code, e.message)]


@router.post("/passports/new", response_class=HTMLResponse)
async def create(request: Request) -> Response:
    if (r := _need_login(request)) is not None:
        return r
    form = await _form_dict(request)
    form_csrf_ok(request, form.get("csrf_token"))
    doc, errors = document_from_form(form, patch=False)
    p = principal_of(request)
    assert p is not None
    if not errors:
        try:
            created = service.create_draft(get_uow(request), _actor(request), p.org_id, doc)
        except (InvalidInput, JunkanError) as e:
            if e.status >= 500 or e.status in (401, 403):
                raise
            errors = _errors_of(e)
        else:
            return RedirectResponse(f"/passports/{quote(created.id, safe='')}", status_code=303)
    return _form_page(request, form=form, errors=errors, mode="new", status_code=422)


@router.get("/passports/import", response_class=HTMLResponse)
def import_form(request: Request) -> Response:
    if (r := _need_login(request)) is not None:
        return r
    return render(request, "passports/import.html")


@router.post("/passports/import", response_class=HTMLResponse)
async def import_upload(
    request: Request,
    file: Annotated[UploadFile, File()],
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    if (r := _need_login(request)) is not None:
        return r
    form_csrf_ok(request, csrf_token)
    p = principal_of(request)
    assert p is not None
    content = await file.read()
    try:
        if not content:
            raise InvalidInput("the uploaded file is empty; fill in the template", code="empty_file")
        report = service_files.import_file(
            get_uow(request), _actor(request), p.org_id, filename=file.filename or "upload", content=content
        )
    except ImportRejected as e:
        return render(request, "passports/import.html", status_code=422, rejected=e)
    except InvalidInput as e:
        return render(request, "passports/import.html", status_code=422, error=e.message)
    return render(request, "passports/import.html", status_code=201, report=report)


@router.get("/passports/{passport_id}/edit", response_class=HTMLResponse)
def edit_form(request: Request, passport_id: str) -> Response:
    if (r := _need_login(request)) is not None:
        return r
    view = service.get_passport(get_uow(request), _actor(request), passport_id)
    if view.top is not Audience.OWNER or view.passport.status is not Status.DRAFT:
        return RedirectResponse(f"/passports/{quote(passport_id, safe='')}", status_code=303)
    return _form_page(
        request, form=form_from_passport(view.passport), errors=[], mode="edit", pid=passport_id
    )


@router.post("/passports/{passport_id}/edit", response_class=HTMLResponse)
async def edit(request: Request, passport_id: str) -> Response:
    if (r := _need_login(request)) is not None:
        return r
    form = await _form_dict(request)
    form_csrf_ok(request, form.get("csrf_token"))
    patch, errors = document_from_form(form, patch=True)
    if not errors:
        try:
            service.edit_draft(get_uow(request), _actor(request), passport_id, patch)
        except JunkanError as e:
            if e.status in (401, 403, 404, 409):
                raise
            errors = _errors_of(e)
        else:
            return RedirectResponse(f"/passports/{quote(passport_id, safe='')}", status_code=303)
    form["id"] = passport_id
    return _form_page(request, form=form, errors=errors, mode="edit", pid=passport_id, status_code=422)


# lifecycle actions ------------------------------------------------------------------------------
def _after(passport_id: str, notice: str = "") -> RedirectResponse:
    suffix = f"?notice={quote(notice)}" if notice else ""
    return RedirectResponse(f"/passports/{quote(passport_id, safe='')}{suffix}", status_code=303)


@router.post("/passports/{passport_id}/publish")
def publish_action(request: Request, passport_id: str, csrf_token: Annotated[str, Form()] = "") -> Response:
    if (r := _need_login(request)) is not None:
        return r
    form_csrf_ok(request, csrf_token)
    service.publish(
        get_uow(request),
        _actor(request),
        passport_id,
        base_url=_base(request),
        master_secret=request.app.state.master_secret,
    )
    return _after(passport_id, "published")


@router.post("/passports/{passport_id}/new-version")
def new_version_action(
    request: Request, passport_id: str, csrf_token: Annotated[str, Form()] = ""
) -> Response:
    if (r := _need_login(request)) is not None:
        return r
    form_csrf_ok(request, csrf_token)
    service.new_version(get_uow(request), _actor(request), passport_id, {})
    return RedirectResponse(f"/passports/{quote(passport_id, safe='')}/edit", status_code=303)


@router.post("/passports/{passport_id}/withdraw")
def withdraw_action(
    request: Request,
    passport_id: str,
    csrf_token: Annotated[str, Form()] = "",
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    if (r := _need_login(request)) is not None:
        return r
    form_csrf_ok(request, csrf_token)
    service.withdraw(get_uow(request), _actor(request), passport_id, reason=reason or None)
    return _after(passport_id, "withdrawn")


# detail and public pages ------------------------------------------------------------------------
@router.get("/passports/{passport_id}", response_class=HTMLResponse)
def detail_page(
    request: Request,
    passport_id: str,
    version: int | None = None,
    diff_from: int | None = None,
    diff_to: int | None = None,
    notice: str = "",
) -> HTMLResponse:
    uow, actor = get_uow(request), _actor(request)
    view = service.get_passport(uow, actor, passport_id, version)
    history = service.versions(uow, actor, passport_id)
    diff: list[dict[str, Any]] | None = None
    diff_error = None
    if diff_from is not None and diff_to is not None:
        try:
            diff = service.diff_versions(uow, actor, passport_id, diff_from, diff_to)
        except NotFound as e:
            diff_error = e.message
    p = principal_of(request)
    return render(
        request,
        "passports/detail.html",
        history=history,
        diff=diff,
        diff_error=diff_error,
        diff_from=diff_from,
        diff_to=diff_to,
        can_write=_can_write(p, view.summary.org_id),
        notice=translate(f"pp.notice.{notice}", lang_of(request))
        if notice in ("published", "withdrawn")
        else None,
        **_page_context(request, view),
    )


def _public_page(request: Request, view: service.PassportView) -> HTMLResponse:
    resp = render(request, "passports/public.html", **_page_context(request, view))
    resp.headers["Vary"] = "Accept, Cookie"
    return resp


@router.get("/passports/{passport_id}/view", response_class=HTMLResponse)
def public_page(request: Request, passport_id: str, version: int | None = None) -> HTMLResponse:
    view = service.get_passport(get_uow(request), _actor(request), passport_id, version)
    return _public_page(request, view)


# the GS1 Digital Link resolver ------------------------------------------------------------------
def _wants(request: Request, link_type: str | None) -> str:
    lt = (link_type or "").lower()
    if lt in ("linkset", "all"):
        return "linkset"
    if lt in ("gs1:sustainabilityinfo", "https://gs1.org/voc/sustainabilityinfo"):
        return "ld"
    if lt:
        return "html"
    accept = request.headers.get("accept", "").lower()
    if LINKSET in accept:
        return "linkset"
    if "text/html" not in accept and any(
        t in accept for t in (LD_JSON, "application/vc+ld+json", "application/vc", "application/json")
    ):
        return "ld"
    return "html"


def _resolve(
    request: Request, gtin: str, lot: str | None, serial: str | None, link_type: str | None
) -> Response:
    uow = get_uow(request)
    path = request.url.path
    link = f'<{path}?linkType=linkset>; rel="linkset"; type="{LINKSET}"'
    want = _wants(request, link_type)
    if want == "ld":
        stored, etag, pid = service_exports.public_credential_by_gtin(uow, gtin, lot, serial)

        def body() -> bytes:
            if stored is not None:
                return stored.encode()
            # published before credentials were stored: build it now (unsigned)
            built, _ = service_exports.untp_export(
                uow, _actor(request), pid, version=None, audience=None, base_url=_base(request)
            )
            return json.dumps(built, ensure_ascii=False).encode()

        resp = conditional(request, etag, body, media_type=LD_JSON)
        resp.headers["Vary"] = "Accept"
    else:
        view = service.lookup_gtin(uow, _actor(request), gtin, lot, serial)
        if want == "linkset":
            resp = JSONResponse(
                service_exports.linkset_for(view, base_url=_base(request)), media_type=LINKSET
            )
            resp.headers["Vary"] = "Accept"
        else:
            resp = _public_page(request, view)
    resp.headers["Link"] = link
    return resp
