"""REST routes of the passports context: drafts, lifecycle, versions, diffs, roll-ups, exports, import, QR.

A passport's GET answers carry an ``ETag`` (the version digest with the viewer's audience) and honour
``If-None-Match`` with ``304``; ``PATCH`` honours ``If-Match`` with ``412``. Creating POSTs accept an
``Idempotency-Key``. The GS1 Digital Link resolver (``/01/{gtin}…``) lives with the web pages, at the root.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Body, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from junkan.api.deps import ActorDep, UowDep
from junkan.api.idempotency import run_idempotent
from junkan.api.members import page_body
from junkan.errors import InvalidInput
from junkan.pagination import PageRequest
from junkan.passports import service
from junkan.passports.model import Status
from junkan.passports.service import exports as service_exports
from junkan.passports.service import files as service_files

__all__ = ["LD_JSON", "conditional", "router", "view_body"]

router = APIRouter(prefix="/api/v1", tags=["passports"])

LD_JSON = "application/ld+json"
AASX = "application/asset-administration-shell-package+zip"
LINKSET = "application/linkset+json"

Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]
Version = Annotated[int | None, Query(ge=1, description="a version number; default: the newest you may see")]
AudienceQ = Annotated[
    str | None,
    Query(description="public (default), partners, authorities or owner — up to the audience you hold"),
]

PASSPORT_EXAMPLE: dict[str, Any] = {
    "id": "acme-kettle-2025",
    "kind": "product",
    "level": "model",
    "identity": {
        "name": {"ja": "電気ケトル", "en": "Electric kettle"},
        "category_scheme": "hs",
        "category_code": "8516.79",
        "gtin": "09520123456788",
    },
    "composition": {
        "materials": [
            {
                "name": "body",
                "material_class": "PP",
                "mass_kg": "0.6",
                "cas": "9003-07-0",
                "recycled_post_consumer": "0.3",
            }
        ]
    },
}


class StrictBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class WithdrawIn(StrictBody):
    reason: str | None = Field(default=None, max_length=500)


class IssueIn(StrictBody):
    audience: str = Field(description="partners, authorities or owner (public is issued when publishing)")
    version: int | None = Field(default=None, ge=1)


def _base(request: Request) -> str:
    return str(request.app.state.settings.base_url).rstrip("/")


def view_body(view: service.PassportView, *, base_url: str) -> dict[str, Any]:
    """The JSON answer for one passport version as one viewer sees it."""
    pid = quote(view.passport.id, safe="")
    api = f"/api/v1/passports/{pid}"
    err = view.rollup_error
    published = view.passport.status is not Status.DRAFT
    return {
        "passport": view.document,
        "org_id": view.summary.org_id,
        "organisation": {"ja": view.org_name[0], "en": view.org_name[1]},
        "audience": view.top.value,
        "digital_link": service.digital_link(view.passport, base_url=base_url),
        "rollup_error": {"code": err.code, "field": err.field, "message": err.message} if err else None,
        "links": {
            "self": f"{api}/versions/{view.passport.version}",
            "versions": f"{api}/versions",
            "rollup": f"{api}/rollup?version={view.passport.version}",
            "page": f"/passports/{pid}/view",
            "qr_svg": f"{api}/qr?format=svg",
            "linkset": f"{api}/linkset",
            "untp": f"{api}/untp?version={view.passport.version}" if published else None,
            "aas": f"{api}/aas?version={view.passport.version}" if published else None,
        },
    }


def _if_none_match(request: Request, etag: str) -> bool:
    given = request.headers.get("if-none-match")
    if not given:
        return False
    tags = {t.strip().removeprefix("W/") for t in given.split(",")}
    return "*" in tags or etag in tags


def conditional(request: Request, etag: str, make: Any, *, media_type: str = "application/json") -> Response:
    """``304`` when the client's ``If-None-Match`` holds ``etag``; otherwise ``make()`` with the ETag."""
    headers = {"ETag": etag, "Cache-Control": "no-cache", "Vary": "Accept, Authorization, Cookie"}
    if _if_none_match(request, etag):
        return Response(status_code=304, headers=headers)
    content = make()
    if isinstance(content, bytes):
        return Response(content, media_type=media_type, headers=headers)
    return JSONResponse(content, media_type=media_type, headers=headers)


def _view_response(request: Request, view: service.PassportView) -> Response:
    return conditional(request, view.etag, lambda: view_body(view, base_url=_base(request)))


# listing and creating ---------------------------------------------------------------------------
@router.get("/passports", summary="Search passports (published ones of everyone, drafts of your own)")
def list_passports(
    uow: UowDep,
    actor: ActorDep,
    q: str | None = None,
    org_id: int | None = None,
    status: str | None = None,
    category: str | None = None,
    kind: str | None = None,
    gtin: str | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    return page_body(
        service.list_passports(
            uow,
            actor,
            PageRequest(limit, offset),
            org_id=org_id,
            status=status,
            category=category,
            kind=kind,
            gtin=gtin,
            q=q,
        )
    )


@router.post(
    "/organizations/{org_id}/passports",
    status_code=201,
    summary="Create a passport as a draft (version 1)",
    description="The body is the passport document without issuer, status or versions (set by junkan). "
    "Every problem is reported at once, each naming its field (e.g. `composition.materials[0].cas`).",
)
def create_passport(
    org_id: int,
    request: Request,
    uow: UowDep,
    actor: ActorDep,
    body: Annotated[dict[str, Any], Body(openapi_examples={"kettle": {"value": PASSPORT_EXAMPLE}})],
) -> JSONResponse:
    def run() -> dict[str, Any]:
        created = service.create_draft(uow, actor, org_id, body)
        return view_body(service.get_passport(uow, actor, created.id), base_url=_base(request))

    return run_idempotent(request, uow, actor, body, run)


# one passport -----------------------------------------------------------------------------------
@router.get("/passports/{passport_id}", summary="The newest version you may see, disclosed for you")
def get_passport(passport_id: str, request: Request, uow: UowDep, actor: ActorDep) -> Response:
    return _view_response(request, service.get_passport(uow, actor, passport_id))


@router.patch(
    "/passports/{passport_id}",
    summary="Edit the draft (JSON Merge Patch, RFC 7396); published versions are immutable (409)",
)
def patch_passport(
    passport_id: str,
    request: Request,
    uow: UowDep,
    actor: ActorDep,
    body: Annotated[dict[str, Any], Body()],
) -> Response:
    service.edit_draft(uow, actor, passport_id, body, if_match=request.headers.get("if-match"))
    return _view_response(request, service.get_passport(uow, actor, passport_id))


@router.post("/passports/{passport_id}/publish", summary="Publish the draft: pins components, signs")
def publish_passport(passport_id: str, request: Request, uow: UowDep, actor: ActorDep) -> Response:
    service.publish(
        uow,
        actor,
        passport_id,
        base_url=_base(request),
        master_secret=request.app.state.master_secret,
    )
    return _view_response(request, service.get_passport(uow, actor, passport_id))


@router.post(
    "/passports/{passport_id}/versions",
    status_code=201,
    summary="Start a new draft version from the newest published one, with a merge patch applied",
)
def create_version(
    passport_id: str,
    request: Request,
    uow: UowDep,
    actor: ActorDep,
    body: Annotated[dict[str, Any], Body()],
) -> JSONResponse:
    def run() -> dict[str, Any]:
        draft = service.new_version(uow, actor, passport_id, body)
        return view_body(
            service.get_passport(uow, actor, passport_id, draft.version), base_url=_base(request)
        )

    return run_idempotent(request, uow, actor, body, run)


@router.post("/passports/{passport_id}/withdraw", summary="Withdraw the published passport (e.g. a recall)")
def withdraw_passport(
    passport_id: str, request: Request, uow: UowDep, actor: ActorDep, body: WithdrawIn | None = None
) -> Response:
    service.withdraw(uow, actor, passport_id, reason=body.reason if body else None)
    return _view_response(request, service.get_passport(uow, actor, passport_id))


@router.get("/passports/{passport_id}/versions", summary="Version history (drafts for the issuer only)")
def list_versions(passport_id: str, uow: UowDep, actor: ActorDep) -> list[dict[str, Any]]:
    return [s.as_dict() for s in service.versions(uow, actor, passport_id)]


@router.get("/passports/{passport_id}/versions/{version}", summary="One version, disclosed for you")
def get_version(passport_id: str, version: int, request: Request, uow: UowDep, actor: ActorDep) -> Response:
    return _view_response(request, service.get_passport(uow, actor, passport_id, version))


@router.get("/passports/{passport_id}/diff", summary="What changed between two versions (as you see them)")
def diff_versions(
    passport_id: str,
    uow: UowDep,
    actor: ActorDep,
    from_version: Annotated[int, Query(alias="from", ge=1)],
    to_version: Annotated[int, Query(alias="to", ge=1)],
) -> dict[str, Any]:
    changes = service.diff_versions(uow, actor, passport_id, from_version, to_version)
    return {"passport_id": passport_id, "from": from_version, "to": to_version, "changes": changes}


@router.get(
    "/passports/{passport_id}/rollup",
    summary="Roll-up figures with their explanations (formula, inputs, contributions)",
)
def get_rollup(
    passport_id: str, request: Request, uow: UowDep, actor: ActorDep, version: Version = None
) -> Response:
    view = service.get_passport(uow, actor, passport_id, version)
    return conditional(
        request,
        view.etag[:-1] + '.rollup"',
        lambda: {
            "passport_id": view.passport.id,
            "version": view.passport.version,
            "audience": view.top.value,
            **service.explain(view),
        },
    )


# exports ----------------------------------------------------------------------------------------
@router.get(
    "/passports/{passport_id}/untp",
    summary="UNTP Digital Product Passport credential (JSON-LD); the public one is signed",
    response_class=Response,
    responses={200: {"content": {LD_JSON: {}}}},
)
def get_untp(
    passport_id: str,
    request: Request,
    uow: UowDep,
    actor: ActorDep,
    version: Version = None,
    audience: AudienceQ = None,
) -> Response:
    credential, view = service_exports.untp_export(
        uow, actor, passport_id, version=version, audience=audience, base_url=_base(request)
    )
    chosen = audience or "public"
    return conditional(request, view.etag[:-1] + f'.untp.{chosen}"', lambda: credential, media_type=LD_JSON)


@router.post(
    "/passports/{passport_id}/credentials",
    status_code=201,
    summary="Issue a signed UNTP credential of a non-public view (the issuer's editors only)",
)
def issue_credential(
    passport_id: str, body: IssueIn, request: Request, uow: UowDep, actor: ActorDep
) -> JSONResponse:
    signed = service_exports.issue_for_audience(
        uow,
        actor,
        passport_id,
        version=body.version,
        audience=body.audience,
        base_url=_base(request),
        master_secret=request.app.state.master_secret,
    )
    return JSONResponse(signed, status_code=201, media_type=LD_JSON)


@router.get(
    "/passports/{passport_id}/aas",
    summary="Asset Administration Shell: AAS JSON (format=json) or an AASX package (format=aasx)",
    response_class=Response,
    responses={200: {"content": {"application/json": {}, AASX: {}}}},
)
def get_aas(
    passport_id: str,
    request: Request,
    uow: UowDep,
    actor: ActorDep,
    version: Version = None,
    audience: AudienceQ = None,
    format: Annotated[str, Query(pattern="^(json|aasx)$")] = "json",
) -> Response:
    data, view = service_exports.aas_export(
        uow,
        actor,
        passport_id,
        version=version,
        audience=audience,
        base_url=_base(request),
        package=format == "aasx",
    )
    media = AASX if format == "aasx" else "application/json"
    resp = conditional(
        request, view.etag[:-1] + f'.aas.{format}.{audience or "public"}"', lambda: data, media_type=media
    )
    if format == "aasx":
        name = f"{view.passport.id}-v{view.passport.version}.aasx"
        resp.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return resp


@router.get(
    "/passports/{passport_id}/qr",
    summary="QR code (SVG or PNG) of the passport's GS1 Digital Link",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}, "image/png": {}}}},
)
def get_qr(
    passport_id: str,
    request: Request,
    uow: UowDep,
    actor: ActorDep,
    format: Annotated[str, Query(pattern="^(svg|png)$")] = "svg",
    scale: Annotated[int, Query(ge=1, le=40)] = 6,
    download: bool = False,
) -> Response:
    image, media, link = service_exports.qr_image(
        uow, actor, passport_id, fmt=format, base_url=_base(request), scale=scale
    )
    etag = '"' + hashlib.sha256(f"{link}|{format}|{scale}".encode()).hexdigest()[:32] + '"'
    resp = conditional(request, etag, lambda: image, media_type=media)
    resp.headers["X-Digital-Link"] = link
    if download:
        resp.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(passport_id)}-qr.{format}"
    return resp


@router.get(
    "/passports/{passport_id}/linkset",
    summary="RFC 9264 linkset of the passport (page, credential, shell)",
    response_class=Response,
    responses={200: {"content": {LINKSET: {}}}},
)
def get_linkset(passport_id: str, request: Request, uow: UowDep, actor: ActorDep) -> Response:
    view = service.get_passport(uow, actor, passport_id)
    doc = service_exports.linkset_for(view, base_url=_base(request))
    return JSONResponse(doc, media_type=LINKSET)


# spreadsheets -----------------------------------------------------------------------------------
@router.get(
    "/passport-templates/{fmt}",
    summary="The bilingual import template (csv or xlsx), header row only",
    response_class=Response,
)
def get_template(fmt: str) -> Response:
    data = service_files.template(fmt)
    return Response(
        data,
        media_type=service_files.FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="junkan-passports-template.{fmt}"'},
    )


@router.get(
    "/organizations/{org_id}/passports/export",
    summary="Your organisation's passports (newest versions, or ids=…) as CSV or XLSX",
    response_class=Response,
)
def export_table(
    org_id: int,
    uow: UowDep,
    actor: ActorDep,
    format: Annotated[str, Query(pattern="^(csv|xlsx)$")] = "csv",
    ids: Annotated[list[str] | None, Query()] = None,
) -> Response:
    data = service_files.export_table(uow, actor, org_id, fmt=format, ids=ids)
    return Response(
        data,
        media_type=service_files.FORMATS[format],
        headers={"Content-Disposition": f'attachment; filename="passports-{org_id}.{format}"'},
    )


@router.post(
    "/organizations/{org_id}/passports/import",
    status_code=201,
    summary="Import passports from the template (CSV or XLSX): all or nothing, every row error listed",
)
async def import_table(
    org_id: int,
    request: Request,
    uow: UowDep,
    actor: ActorDep,
    file: Annotated[
        UploadFile, File(description="CSV (UTF-8 or Shift_JIS) or XLSX in the template's columns")
    ],
) -> JSONResponse:
    content = await file.read()
    if not content:
        raise InvalidInput(
            "the uploaded file is empty; fill in the template", code="empty_file", field="file"
        )
    name = file.filename or "upload"
    digest = hashlib.sha256(content).hexdigest()

    def run() -> dict[str, Any]:
        report = service_files.import_file(uow, actor, org_id, filename=name, content=content)
        return {
            "imported": report.imported,
            "format": report.format,
            "sha256": report.sha256,
            "ids": report.ids[:1000],
        }

    return await run_in_threadpool(run_idempotent, request, uow, actor, {"file": name, "sha256": digest}, run)
