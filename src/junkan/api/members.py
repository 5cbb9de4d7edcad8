"""REST routes of the members context: organisations, facilities, people, sessions, tokens,
partnerships, CE targets, obligations and the audit log."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from junkan.api.deps import SESSION_COOKIE, ActorDep, SettingsDep, UowDep, run_read
from junkan.api.idempotency import run_idempotent
from junkan.members import auth, service
from junkan.members.model import Facility, FacilityKind, Organisation, OrgKind, Role, Scope
from junkan.members.targets import CETarget
from junkan.pagination import Page, PageRequest

__all__ = ["page_body", "router"]

router = APIRouter(prefix="/api/v1", tags=["members"])


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OrgIn(Body):
    name_ja: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)
    kind: OrgKind
    corporate_number: str | None = Field(default=None, max_length=20)
    municipality_code: str | None = Field(default=None, max_length=10)
    sector: str | None = Field(default=None, max_length=120)
    contact_email: str | None = Field(default=None, max_length=254)
    contact_phone: str | None = Field(default=None, max_length=40)
    website: str | None = Field(default=None, max_length=300)
    membership_date: dt.date | None = None


class OrgPatch(Body):
    name_ja: str | None = Field(default=None, min_length=1, max_length=200)
    name_en: str | None = Field(default=None, min_length=1, max_length=200)
    corporate_number: str | None = Field(default=None, max_length=20)
    municipality_code: str | None = Field(default=None, max_length=10)
    sector: str | None = Field(default=None, max_length=120)
    contact_email: str | None = Field(default=None, max_length=254)
    contact_phone: str | None = Field(default=None, max_length=40)
    website: str | None = Field(default=None, max_length=300)
    membership_date: dt.date | None = None


class FacilityIn(Body):
    name: str = Field(min_length=1, max_length=200)
    kind: FacilityKind
    address: str | None = Field(default=None, max_length=300)
    municipality_code: str | None = Field(default=None, max_length=10)
    latitude: float | None = None
    longitude: float | None = None
    is_public: bool = True
    capacity_t_per_year: Decimal | None = None
    internal_notes: str | None = Field(default=None, max_length=5000)


class FacilityPatch(Body):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: FacilityKind | None = None
    address: str | None = Field(default=None, max_length=300)
    municipality_code: str | None = Field(default=None, max_length=10)
    latitude: float | None = None
    longitude: float | None = None
    is_public: bool | None = None
    capacity_t_per_year: Decimal | None = None
    internal_notes: str | None = Field(default=None, max_length=5000)


class PersonIn(Body):
    email: str = Field(min_length=3, max_length=254)
    display_name: str = Field(min_length=1, max_length=200)
    role: Role
    password: str | None = Field(default=None, min_length=1, max_length=200)


class PersonPatch(Body):
    role: Role | None = None
    active: bool | None = None


class SignIn(Body):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=200)


class TokenIn(Body):
    name: str = Field(min_length=1, max_length=100)
    scopes: list[Scope] = Field(min_length=1)
    days: int = Field(default=90, ge=1, le=366)


class PartnershipIn(Body):
    partner_org_id: int
    note: str | None = Field(default=None, max_length=500)


class PartnershipAction(Body):
    note: str | None = Field(default=None, max_length=500)


class TargetIn(Body):
    metric: str = Field(min_length=1, max_length=200)
    unit: str = Field(min_length=1, max_length=40)
    baseline_year: int
    baseline_value: Decimal
    target_year: int
    target_value: Decimal
    scope: str = Field(min_length=1, max_length=300)
    status: str = Field(default="draft", pattern="^(draft|declared)$")


class ProgressIn(Body):
    value: Decimal
    note: str | None = Field(default=None, max_length=500)


Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]


def page_body(page: Page[Any]) -> dict[str, Any]:
    return {
        "items": list(page.items),
        "total": page.total,
        "limit": page.limit,
        "offset": page.offset,
        "next_offset": page.next_offset,
    }


def _target(t: CETarget) -> dict[str, Any]:
    return dataclasses.asdict(t)


# organisations ----------------------------------------------------------------------------------
@router.get("/organizations", summary="Member directory (public)")
def list_organizations(
    uow: UowDep,
    actor: ActorDep,
    kind: Annotated[list[str] | None, Query()] = None,
    q: str | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    return page_body(service.list_orgs(uow, actor, PageRequest(limit, offset), kind=kind, q=q))


@router.post("/organizations", status_code=201, summary="Register an organisation (secretariat)")
def create_organization(body: OrgIn, request: Request, uow: UowDep, actor: ActorDep) -> JSONResponse:
    def run() -> dict[str, Any]:
        org_id = service.register_org(uow, actor, Organisation(id=None, **body.model_dump()))
        return service.get_org(uow, actor, org_id)

    return run_idempotent(request, uow, actor, body.model_dump(), run)


@router.get("/organizations/{org_id}")
async def get_organization(org_id: int, request: Request, uow: UowDep, actor: ActorDep) -> dict[str, Any]:
    return await run_read(request, service.get_org, uow, actor, org_id)


@router.patch("/organizations/{org_id}")
def patch_organization(org_id: int, body: OrgPatch, uow: UowDep, actor: ActorDep) -> dict[str, Any]:
    org = service.update_org(uow, actor, org_id, body.model_dump(exclude_unset=True))
    return service.public_org(org, actor.principal)


@router.get("/directory/stats", summary="Members by type, in the shape of the registry table")
def directory_stats(uow: UowDep) -> dict[str, Any]:
    return dataclasses.asdict(service.member_directory(uow))


# facilities -------------------------------------------------------------------------------------
@router.get("/organizations/{org_id}/facilities")
def list_facilities(org_id: int, uow: UowDep, actor: ActorDep) -> list[dict[str, Any]]:
    return service.list_facilities(uow, actor, org_id)


@router.post("/organizations/{org_id}/facilities", status_code=201)
def create_facility(
    org_id: int, body: FacilityIn, request: Request, uow: UowDep, actor: ActorDep
) -> JSONResponse:
    def run() -> dict[str, Any]:
        fid = service.add_facility(uow, actor, Facility(id=None, org_id=org_id, **body.model_dump()))
        return service.get_facility(uow, actor, fid)

    return run_idempotent(request, uow, actor, body.model_dump(), run)


@router.get("/facilities/{facility_id}")
def get_facility(facility_id: int, uow: UowDep, actor: ActorDep) -> dict[str, Any]:
    return service.get_facility(uow, actor, facility_id)


@router.patch("/facilities/{facility_id}")
def patch_facility(facility_id: int, body: FacilityPatch, uow: UowDep, actor: ActorDep) -> dict[str, Any]:
    return service.update_facility(uow, actor, facility_id, body.model_dump(exclude_unset=True))


@router.delete("/facilities/{facility_id}", status_code=204)
def delete_facility(facility_id: int, uow: UowDep, actor: ActorDep) -> Response:
    service.delete_facility(uow, actor, facility_id)
    return Response(status_code=204)


# people and sessions ----------------------------------------------------------------------------
@router.get("/organizations/{org_id}/people")
def list_people(org_id: int, uow: UowDep, actor: ActorDep) -> list[dict[str, Any]]:
    return auth.list_people(uow, actor, org_id)


@router.post("/organizations/{org_id}/people", status_code=201)
def create_person(
    org_id: int, body: PersonIn, request: Request, uow: UowDep, actor: ActorDep
) -> JSONResponse:
    def run() -> dict[str, Any]:
        pid = auth.add_person(
            uow,
            actor,
            org_id=org_id,
            email=body.email,
            display_name=body.display_name,
            role=body.role,
            password=body.password,
        )
        return {"id": pid, "org_id": org_id, "email": body.email.lower(), "role": body.role}

    return run_idempotent(request, uow, actor, body.model_dump(exclude={"password"}), run)


@router.patch("/people/{person_id}", status_code=204)
def patch_person(person_id: int, body: PersonPatch, uow: UowDep, actor: ActorDep) -> Response:
    auth.set_person(uow, actor, person_id, role=body.role, active=body.active)
    return Response(status_code=204)


@router.post("/session", summary="Sign in; sets the session cookie and returns the CSRF token")
def sign_in(body: SignIn, uow: UowDep, actor: ActorDep, settings: SettingsDep) -> JSONResponse:
    s = auth.sign_in(uow, actor, email=body.email, password=body.password, hours=settings.session_hours)
    resp = JSONResponse(
        {"csrf_token": s.csrf_token, "expires_at": s.expires_at.isoformat(), "org_id": s.principal.org_id}
    )
    resp.set_cookie(
        SESSION_COOKIE,
        s.session_id,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        max_age=settings.session_hours * 3600,
    )
    return resp


@router.delete("/session", status_code=204)
def sign_out(request: Request, uow: UowDep) -> Response:
    sid = request.cookies.get(SESSION_COOKIE)
    if sid:
        auth.end_session(uow, sid)
    resp = Response(status_code=204)
    resp.delete_cookie(SESSION_COOKIE)
    return resp


@router.get("/me")
def me(actor: ActorDep) -> dict[str, Any]:
    p = actor.signed_in
    return {
        "org_id": p.org_id,
        "org_kind": p.org_kind,
        "label": p.label,
        "scopes": sorted(p.scopes),
        "person_id": p.person_id,
        "token_id": p.token_id,
        "partner_org_ids": sorted(p.partner_org_ids),
    }


# tokens -----------------------------------------------------------------------------------------
@router.get("/tokens")
def list_tokens(uow: UowDep, actor: ActorDep) -> list[dict[str, Any]]:
    return auth.list_tokens(uow, actor)


@router.post(
    "/tokens", status_code=201, summary="Create an API token; the secret is shown only in this answer"
)
def create_token(body: TokenIn, uow: UowDep, actor: ActorDep) -> dict[str, Any]:
    t = auth.create_token(uow, actor, name=body.name, scopes=set(body.scopes), days=body.days)
    return {"id": t.id, "token": t.token, "prefix": t.prefix, "expires_at": t.expires_at}


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: int, uow: UowDep, actor: ActorDep) -> Response:
    auth.revoke_token(uow, actor, token_id)
    return Response(status_code=204)


# partnerships -----------------------------------------------------------------------------------
@router.get("/organizations/{org_id}/partnerships")
def list_partnerships(org_id: int, uow: UowDep, actor: ActorDep) -> list[dict[str, Any]]:
    return service.list_partnerships(uow, actor, org_id)


@router.post("/partnerships", status_code=201)
def request_partnership(body: PartnershipIn, request: Request, uow: UowDep, actor: ActorDep) -> JSONResponse:
    def run() -> dict[str, Any]:
        pid = service.request_partnership(uow, actor, body.partner_org_id, body.note)
        return {"id": pid, "status": "requested", "partner_org_id": body.partner_org_id}

    return run_idempotent(request, uow, actor, body.model_dump(), run)


@router.post("/partnerships/{partnership_id}/{action}")
def act_on_partnership(
    partnership_id: int, action: str, uow: UowDep, actor: ActorDep, body: PartnershipAction | None = None
) -> dict[str, Any]:
    return service.change_partnership(uow, actor, partnership_id, action, body.note if body else None)


# targets ----------------------------------------------------------------------------------------
@router.get("/organizations/{org_id}/targets")
def list_targets(org_id: int, uow: UowDep, actor: ActorDep) -> list[dict[str, Any]]:
    return [_target(t) for t in service.list_targets(uow, actor, org_id)]


@router.post("/organizations/{org_id}/targets", status_code=201)
def create_target(
    org_id: int, body: TargetIn, request: Request, uow: UowDep, actor: ActorDep
) -> JSONResponse:
    def run() -> dict[str, Any]:
        tid = service.set_target(uow, actor, CETarget(id=None, org_id=org_id, **body.model_dump()))
        return {"id": tid, **body.model_dump()}

    return run_idempotent(request, uow, actor, body.model_dump(), run)


@router.post("/targets/{target_id}/declare", status_code=204)
def declare_target(target_id: int, uow: UowDep, actor: ActorDep) -> Response:
    service.declare_target(uow, actor, target_id)
    return Response(status_code=204)


@router.put("/targets/{target_id}/progress/{year}", status_code=204)
def put_progress(target_id: int, year: int, body: ProgressIn, uow: UowDep, actor: ActorDep) -> Response:
    service.report_progress(uow, actor, target_id, year=year, value=body.value, note=body.note)
    return Response(status_code=204)


@router.get("/organizations/{org_id}/obligations")
def list_obligations(org_id: int, uow: UowDep, actor: ActorDep) -> list[dict[str, Any]]:
    actor.signed_in.require(
        Scope.READ,
        org_id=org_id if not actor.signed_in.org_kind.is_authority else None,
        action="see an organisation's obligations",
    )
    return [dataclasses.asdict(o) for o in service.org_obligations(uow, actor, org_id)]


@router.get("/overdue", summary="Members with overdue targets or progress reports (authorities)")
def overdue(uow: UowDep, actor: ActorDep) -> list[dict[str, Any]]:
    rows = service.overdue_members(uow, actor)
    return [{**r, "obligations": [dataclasses.asdict(o) for o in r["obligations"]]} for r in rows]


# audit ------------------------------------------------------------------------------------------
@router.get("/audit", summary="Audit log: own organisation for admins, any for regulators")
def audit_log(
    uow: UowDep, actor: ActorDep, org_id: int | None = None, limit: Limit = 50, offset: Offset = 0
) -> dict[str, Any]:
    return page_body(service.audit_entries(uow, actor, org_id, PageRequest(limit, offset)))
