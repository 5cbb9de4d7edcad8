"""REST routes of the credentials context: verify a credential, organisations' public keys and did:web DID
documents, key rotation and revocation, and the register of issued credentials."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from junkan.actor import utcnow
from junkan.api.deps import ActorDep, UowDep
from junkan.api.idempotency import run_idempotent
from junkan.api.members import page_body
from junkan.credentials import service
from junkan.pagination import PageRequest

__all__ = ["router"]

router = APIRouter(tags=["credentials"])
api = APIRouter(prefix="/api/v1", tags=["credentials"])

DID_MEDIA_TYPE = "application/did+json"  # W3C DID Core §6.2.1 (application/did+json)


class StrictBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RevokeKeyIn(StrictBody):
    key_id: str = Field(
        min_length=1,
        max_length=300,
        description="the key's DID URL, e.g. did:web:junkan.example.jp:org:12#key-1",
    )
    compromised: bool = Field(
        default=False,
        description="revoke as of the key's first day, disowning every signature it ever made "
        "(for a stolen key); otherwise signatures made before now stay valid",
    )


Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]

VERIFY_EXAMPLE = {"jws": "eyJhbGciOiJFZERTQSIsImtpZCI6Ii4uLiJ9.eyJpc3N1ZXIiOiIuLi4ifQ.c2ln"}


def _host(request: Request) -> str:
    return service.host_from_base_url(request.app.state.settings.base_url)


@api.post(
    "/credentials/verify",
    summary='Verify a credential (public): a Data Integrity credential, or {"jws": "…"}',
    description="Always answers 200 with `ok` and every problem found, each with a stable `code` "
    "(tampered, unknown_key, key_revoked, issuer_mismatch, expired, not_yet_valid, credential_revoked, "
    "malformed_document, malformed_proof, wrong_cryptosuite, key_not_yet_valid), the `field` it concerns "
    "and a message. Keys are looked up in this platform's key table, rotated and revoked ones included.",
)
def verify(
    uow: UowDep,
    document: Annotated[dict[str, Any] | str, Body(examples=[VERIFY_EXAMPLE])],
) -> dict[str, Any]:
    return service.result_view(service.verify_document(uow, document, now=utcnow()))


@api.get("/organizations/{org_id}/keys", summary="An organisation's public signing keys (public)")
def list_keys(org_id: int, uow: UowDep) -> list[dict[str, Any]]:
    return service.list_org_keys(uow, org_id)


@api.post(
    "/organizations/{org_id}/keys/rotate",
    status_code=201,
    summary="Create the organisation's next signing key (its admins); earlier keys keep verifying",
)
def rotate_key(org_id: int, request: Request, uow: UowDep, actor: ActorDep) -> JSONResponse:
    def run() -> dict[str, Any]:
        return service.rotate_org_key(
            uow, actor, master_secret=request.app.state.master_secret, host=_host(request), org_id=org_id
        )

    return run_idempotent(request, uow, actor, {"org_id": org_id}, run)


@api.post("/keys/revoke", summary="Revoke one of the organisation's signing keys (its admins)")
def revoke_key(body: RevokeKeyIn, uow: UowDep, actor: ActorDep) -> dict[str, Any]:
    return service.revoke_org_key(uow, actor, body.key_id, now=actor.now, compromised=body.compromised)


@api.get(
    "/organizations/{org_id}/issued-credentials",
    summary="The organisation's register of issued credentials (its members)",
)
def list_issued(
    org_id: int, uow: UowDep, actor: ActorDep, limit: Limit = 50, offset: Offset = 0
) -> dict[str, Any]:
    return page_body(service.list_issued(uow, actor, org_id, PageRequest(limit, offset)))


@api.post(
    "/issued-credentials/{register_id}/revoke",
    summary="Revoke an issued credential (the issuer's editors and admins); online verification reports it",
)
def revoke_issued(register_id: int, uow: UowDep, actor: ActorDep) -> dict[str, Any]:
    return service.revoke_issued_credential(uow, actor, register_id, now=actor.now)


@router.get(
    "/org/{org_id}/did.json",
    tags=["credentials"],
    summary="did:web resolution: the DID document of did:web:<host>:org:<org_id> (public)",
)
def did_json(org_id: int, request: Request, uow: UowDep) -> JSONResponse:
    document = service.did_document_for(uow, org_id, host=_host(request))
    wants_did = DID_MEDIA_TYPE in request.headers.get("accept", "")
    return JSONResponse(
        document,
        media_type=DID_MEDIA_TYPE if wants_did else "application/json",
        # Public key material: any verifier, including one running in a browser, may fetch it.
        headers={"Access-Control-Allow-Origin": "*", "Cache-Control": "public, max-age=300"},
    )


router.include_router(api)
