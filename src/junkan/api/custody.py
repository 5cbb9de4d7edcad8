"""REST routes of the custody context: mass-balance accounts, statements and period closes, credits,
transfers, claims (issued as signed Verifiable Credentials) and the book-and-claim certificate register."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from junkan.actor import Actor
from junkan.api.deps import ActorDep, SettingsDep, UowDep
from junkan.api.idempotency import run_idempotent
from junkan.credentials.did import host_from_base_url
from junkan.custody import service
from junkan.custody.model import Characteristic

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["custody"])


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CreditIn(Body):
    entry_id: str = Field(min_length=1, max_length=200)
    event_id: str = Field(min_length=1, max_length=200, description="your receive or collect event")
    material_group: str = Field(min_length=1, max_length=120)
    characteristic: Characteristic
    input_kg: Decimal = Field(gt=0)
    conversion_factor: Decimal = Field(default=Decimal(1), gt=0, le=1)
    input_material: str | None = Field(default=None, max_length=120, description="default: material_group")


class TransferIn(Body):
    entry_id: str = Field(min_length=1, max_length=200)
    shipment_ref: str = Field(min_length=1, max_length=200)
    receiver_org_id: int
    material_group: str = Field(min_length=1, max_length=120)
    characteristic: Characteristic
    amount_kg: Decimal = Field(gt=0)


class ClaimIn(Body):
    entry_id: str = Field(min_length=1, max_length=200)
    site_id: int
    material_group: str = Field(min_length=1, max_length=120)
    characteristic: Characteristic
    lots: list[str] = Field(min_length=1, max_length=500)
    amount_kg: Decimal | None = Field(default=None, gt=0)
    per_lot_kg: dict[str, Decimal] | None = None


class CloseIn(Body):
    period: dt.date = Field(description="first day of the allocation period, e.g. 2025-04-01")
    book_kg: Decimal | None = None
    physical_kg: Decimal | None = None


class CloseAllIn(Body):
    period: dt.date


class CertificateIn(Body):
    certificate_id: str = Field(min_length=1, max_length=200)
    mass_kg: Decimal = Field(gt=0)
    characteristic: Characteristic
    material_group: str = Field(min_length=1, max_length=120)
    period: dt.date
    event_ids: list[str] = Field(default_factory=list, max_length=100)


class CertTransferIn(Body):
    to_org_id: int


class RetireIn(Body):
    beneficiary: str = Field(min_length=1, max_length=300)


def _org(actor: Actor, org_id: int | None) -> int:
    return actor.signed_in.org_id if org_id is None else org_id


@router.get(
    "/organizations/{org_id}/custody/accounts",
    summary="Mass-balance accounts (owner; regulators and certifiers read)",
)
def get_accounts(uow: UowDep, actor: ActorDep, org_id: int) -> list[dict[str, Any]]:
    return service.list_accounts(uow, actor, org_id)


@router.get("/custody/accounts/{account_id}")
def get_account(account_id: int, uow: UowDep, actor: ActorDep) -> dict[str, Any]:
    return service.get_account(uow, actor, account_id)


@router.get("/custody/accounts/{account_id}/statement", summary="Account statement of one allocation period")
def get_statement(
    account_id: int, uow: UowDep, actor: ActorDep, period: dt.date | None = None
) -> dict[str, Any]:
    return service.statement(uow, actor, account_id, period)


@router.post("/custody/accounts/{account_id}/close", summary="Close a period (stock within 0.5 %)")
def post_close(account_id: int, body: CloseIn, uow: UowDep, actor: ActorDep) -> dict[str, Any]:
    return service.close(
        uow, actor, account_id, body.period, book_kg=body.book_kg, physical_kg=body.physical_kg
    )


@router.post("/organizations/{org_id}/custody/close", summary="Close a period of all your accounts at once")
def post_close_all(org_id: int, body: CloseAllIn, uow: UowDep, actor: ActorDep) -> dict[str, Any]:
    return service.close_all(uow, actor, org_id, body.period)


@router.post(
    "/organizations/{org_id}/custody/credits",
    status_code=201,
    summary="Credit certified input × conversion factor",
)
def post_credit(org_id: int, body: CreditIn, request: Request, uow: UowDep, actor: ActorDep) -> JSONResponse:
    def run() -> dict[str, Any]:
        return service.credit(uow, actor, org_id, **body.model_dump())

    return run_idempotent(request, uow, actor, body.model_dump(mode="json"), run)


@router.post(
    "/organizations/{org_id}/custody/transfers",
    status_code=201,
    summary="Move credits with a matched shipment",
)
def post_transfer(
    org_id: int, body: TransferIn, request: Request, uow: UowDep, actor: ActorDep
) -> JSONResponse:
    def run() -> dict[str, Any]:
        return service.transfer(uow, actor, org_id, **body.model_dump())

    return run_idempotent(request, uow, actor, body.model_dump(mode="json"), run)


@router.post(
    "/organizations/{org_id}/custody/claims",
    status_code=201,
    summary="Claim recycled content on output lots; returns the signed VC",
)
def post_claim(
    org_id: int, body: ClaimIn, request: Request, uow: UowDep, actor: ActorDep, settings: SettingsDep
) -> JSONResponse:
    def run() -> dict[str, Any]:
        return service.claim(
            uow,
            actor,
            org_id,
            **body.model_dump(),
            master_secret=request.app.state.master_secret,
            host=host_from_base_url(settings.base_url),
        )

    return run_idempotent(request, uow, actor, body.model_dump(mode="json"), run)


@router.get("/organizations/{org_id}/custody/claims")
def get_claims(uow: UowDep, actor: ActorDep, org_id: int) -> list[dict[str, Any]]:
    return service.list_claims(uow, actor, org_id)


@router.get("/custody/claims/{claim_id}")
def get_claim(claim_id: int, uow: UowDep, actor: ActorDep) -> dict[str, Any]:
    row = service.get_claim(uow, actor, claim_id)
    return {
        "id": row["id"],
        "entry_id": str(row["entry_key"]).split(":", 1)[1],
        "credential_id": row["credential_id"],
        "signed": bool(row["signed"]),
        "issued_at": row["issued_at"],
        "credential": row["credential"],
    }


@router.get(
    "/custody/claims/{claim_id}/credential", summary="The claim's signed VC (verify with `junkan verify`)"
)
def get_claim_credential(claim_id: int, uow: UowDep, actor: ActorDep) -> JSONResponse:
    row = service.get_claim(uow, actor, claim_id)
    return JSONResponse(
        row["credential"], media_type="application/vc+ld+json" if row["signed"] else "application/json"
    )


@router.post(
    "/organizations/{org_id}/custody/certificates",
    status_code=201,
    summary="Issue a book-and-claim certificate",
)
def post_certificate(
    org_id: int, body: CertificateIn, request: Request, uow: UowDep, actor: ActorDep
) -> JSONResponse:
    def run() -> dict[str, Any]:
        return service.issue_certificate(
            uow,
            actor,
            org_id,
            certificate_id=body.certificate_id,
            mass_kg=body.mass_kg,
            characteristic=body.characteristic,
            material_group=body.material_group,
            period_start=body.period,
            event_ids=body.event_ids,
        )

    return run_idempotent(request, uow, actor, body.model_dump(mode="json"), run)


@router.get("/organizations/{org_id}/custody/certificates")
def get_certificates(org_id: int, uow: UowDep, actor: ActorDep) -> list[dict[str, Any]]:
    return service.list_certificates(uow, actor, org_id)


@router.get("/custody/certificates/{certificate_id}")
def get_certificate(certificate_id: str, uow: UowDep, actor: ActorDep) -> dict[str, Any]:
    return service.get_certificate(uow, actor, certificate_id)


@router.post("/custody/certificates/{certificate_id}/transfer")
def post_certificate_transfer(
    certificate_id: str, body: CertTransferIn, uow: UowDep, actor: ActorDep
) -> dict[str, Any]:
    return service.transfer_certificate(uow, actor, certificate_id, to_org_id=body.to_org_id)


@router.post("/custody/certificates/{certificate_id}/retire")
def post_certificate_retire(
    certificate_id: str, body: RetireIn, uow: UowDep, actor: ActorDep
) -> dict[str, Any]:
    return service.retire_certificate(uow, actor, certificate_id, beneficiary=body.beneficiary)
