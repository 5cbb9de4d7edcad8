"""REST routes of the trace context: events (single and batch), lots, provenance, trades and their flags,
ledger verification and signed checkpoints, bulk imports (CSV, XLSX, UNTP DTE JSON) and the DTE export."""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from typing import IO, Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from junkan.actor import Actor
from junkan.api.deps import ActorDep, SettingsDep, UowDep
from junkan.api.idempotency import run_idempotent
from junkan.api.members import page_body
from junkan.credentials.did import host_from_base_url
from junkan.errors import InvalidInput
from junkan.pagination import PageRequest
from junkan.store.trace_repo import EventFilter
from junkan.trace import service
from junkan.trace.model import DocumentRef, Event, EventKind, LotLine
from junkan.trace.units import Quantity

__all__ = ["EventIn", "event_from_body", "router"]

router = APIRouter(prefix="/api/v1", tags=["trace"])


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LineIn(Body):
    lot: str = Field(min_length=1, max_length=200)
    material: str = Field(min_length=1, max_length=120)
    quantity: Decimal
    unit: str = Field(default="kg", max_length=10)
    grade: str = Field(default="", max_length=200)
    unit_mass_kg: Decimal | None = None
    passport: str | None = Field(default=None, max_length=300)


class DocumentIn(Body):
    type: str = Field(min_length=1, max_length=60)
    id: str = Field(min_length=1, max_length=200)


class EventIn(Body):
    id: str = Field(
        min_length=1, max_length=200, description="client-supplied id, e.g. a UUID; re-sending is a no-op"
    )
    kind: EventKind
    time: dt.datetime = Field(description="ISO 8601 with an offset, e.g. 2025-04-03T09:00:00+09:00")
    site: int = Field(description="id of one of your facilities")
    inputs: list[LineIn] = Field(default_factory=list, max_length=1000)
    outputs: list[LineIn] = Field(default_factory=list, max_length=1000)
    documents: list[DocumentIn] = Field(default_factory=list, max_length=100)
    shipment_ref: str | None = Field(default=None, max_length=200)
    counterparty: str | None = Field(
        default=None, max_length=200, description="organisation id, or an off-platform party's name"
    )
    declared_yield: Decimal | None = None


class BatchIn(Body):
    events: list[EventIn] = Field(min_length=1, max_length=5000)


def event_from_body(body: EventIn, org_id: int) -> Event:
    def line(x: LineIn) -> LotLine:
        return LotLine(x.lot, x.material, Quantity(x.quantity, x.unit), x.grade, x.unit_mass_kg, x.passport)

    return Event(
        id=body.id,
        kind=body.kind,
        time=body.time,
        site=str(body.site),
        organisation=str(org_id),
        inputs=tuple(line(x) for x in body.inputs),
        outputs=tuple(line(x) for x in body.outputs),
        documents=tuple(DocumentRef(d.type, d.id) for d in body.documents),
        shipment_ref=body.shipment_ref,
        counterparty=body.counterparty,
        declared_yield=body.declared_yield,
    )


Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]


@router.post(
    "/organizations/{org_id}/trace/events",
    status_code=201,
    summary="Record one traceability event (idempotent by id)",
)
def post_event(org_id: int, body: EventIn, request: Request, uow: UowDep, actor: ActorDep) -> JSONResponse:
    def run() -> dict[str, Any]:
        org = org_id
        [r] = service.record_events(uow, actor, org, [event_from_body(body, org)])
        return {"id": r.id, "seq": r.seq, "replayed": r.replayed}

    return run_idempotent(request, uow, actor, body.model_dump(mode="json"), run)


@router.post(
    "/organizations/{org_id}/trace/events/batch",
    status_code=201,
    summary="Record many events in one transaction (all or none)",
)
def post_events(org_id: int, body: BatchIn, request: Request, uow: UowDep, actor: ActorDep) -> JSONResponse:
    def run() -> dict[str, Any]:
        org = org_id
        done = service.record_events(
            uow, actor, org, [event_from_body(e, org) for e in body.events], batch=True
        )
        return {"results": [{"id": r.id, "seq": r.seq, "replayed": r.replayed} for r in done]}

    return run_idempotent(request, uow, actor, body.model_dump(mode="json"), run)


@router.get(
    "/organizations/{org_id}/trace/events",
    summary="An organisation's events (its own; a partner sees the trades between them)",
)
def get_events(
    org_id: int,
    uow: UowDep,
    actor: ActorDep,
    site_id: int | None = None,
    material: str | None = None,
    kind: EventKind | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    partner_org_id: int | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    f = EventFilter(site_id, material, kind.value if kind else None, since, until, partner_org_id)
    return page_body(service.list_events(uow, actor, org_id, f, PageRequest(limit, offset)))


@router.get("/organizations/{org_id}/trace/events/{event_id}")
def get_event(org_id: int, event_id: str, uow: UowDep, actor: ActorDep) -> dict[str, Any]:
    return service.get_event(uow, actor, org_id, event_id)


@router.get("/organizations/{org_id}/trace/lots", summary="Your lots with their stock")
def get_lots(
    org_id: int,
    uow: UowDep,
    actor: ActorDep,
    material: str | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    return page_body(service.list_lots(uow, actor, org_id, PageRequest(limit, offset), material=material))


@router.get("/organizations/{org_id}/trace/lots/{lot}")
def get_lot(org_id: int, lot: str, uow: UowDep, actor: ActorDep) -> dict[str, Any]:
    return service.get_lot(uow, actor, org_id, lot)


@router.get(
    "/organizations/{org_id}/trace/lots/{lot}/provenance",
    summary="Upstream (sources) or downstream trace of one of your lots",
)
def get_provenance(
    org_id: int,
    lot: str,
    uow: UowDep,
    actor: ActorDep,
    direction: Literal["upstream", "downstream"] = "upstream",
) -> dict[str, Any]:
    return service.provenance(uow, actor, org_id, lot, direction=direction)


@router.get(
    "/organizations/{org_id}/trace/trades",
    summary="Your shipments and receipts: matched, or flagged for both sides",
)
def get_trades(
    org_id: int,
    uow: UowDep,
    actor: ActorDep,
    status: str | None = Query(default=None, description="matched, flagged, or a flag code"),
    limit: Limit = 50,
    offset: Offset = 0,
) -> dict[str, Any]:
    org = org_id
    return page_body(service.list_trades(uow, actor, org, PageRequest(limit, offset), status=status))


@router.get(
    "/organizations/{org_id}/trace/ledger/verify",
    summary="Verify an organisation's hash-chained ledger (owner, authorities)",
)
def verify(org_id: int, uow: UowDep, actor: ActorDep) -> dict[str, Any]:
    return service.verify_ledger(uow, actor, org_id)


@router.get("/organizations/{org_id}/trace/ledger/checkpoints")
def get_checkpoints(org_id: int, uow: UowDep, actor: ActorDep) -> list[dict[str, Any]]:
    return service.list_checkpoints(uow, actor, org_id)


@router.post(
    "/organizations/{org_id}/trace/ledger/checkpoints",
    status_code=201,
    summary="Sign the ledger head as a Verifiable Credential",
)
def post_checkpoint(
    org_id: int, request: Request, uow: UowDep, actor: ActorDep, settings: SettingsDep
) -> dict[str, Any]:
    return service.create_checkpoint(
        uow,
        actor,
        org_id,
        master_secret=request.app.state.master_secret,
        host=host_from_base_url(settings.base_url),
    )


@router.get(
    "/organizations/{org_id}/trace/export/dte",
    summary="Your events as a UNTP Digital Traceability Event credential",
)
def export_dte(
    org_id: int,
    uow: UowDep,
    actor: ActorDep,
    settings: SettingsDep,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    site_id: int | None = None,
) -> dict[str, Any]:
    f = EventFilter(site_id=site_id, since=since, until=until)
    return service.export_dte(uow, actor, org_id, f, host=host_from_base_url(settings.base_url))


def _format(name: str, given: str | None) -> str:
    fmt = (given or name.rsplit(".", 1)[-1]).lower()
    if fmt not in service.FORMATS:
        raise InvalidInput(
            "upload a .csv, .xlsx or .json (UNTP DTE) file, or say format=",
            code="unknown_format",
            field="format",
        )
    return fmt


def run_import(
    uow: Any, actor: Actor, org_id: int, file: UploadFile, fmt: str | None, batch_size: int
) -> tuple[int, dict[str, Any]]:
    """Spool the upload to a temporary file (the import reads it twice) and run it; (status code, report)."""
    name = file.filename or "upload"
    kind = _format(name, fmt)
    with tempfile.TemporaryFile() as tmp:
        for block in iter(lambda: file.file.read(1 << 20), b""):
            tmp.write(block)

        def opener() -> _NoClose:
            tmp.seek(0)
            return _NoClose(tmp)

        org = org_id
        report = service.import_events(
            uow, actor, org, opener, fmt=kind, filename=name, batch_size=batch_size
        )
    return (201 if report.status == "done" else 422), report.to_dict()


class _NoClose:
    """A view of a temporary file that the reader may 'close' without closing the file."""

    def __init__(self, f: IO[bytes]) -> None:
        self.f = f

    def __enter__(self) -> IO[bytes]:
        return self.f

    def __exit__(self, *exc: object) -> None:
        return None


@router.post(
    "/organizations/{org_id}/trace/imports",
    status_code=201,
    summary="Bulk import events (CSV, XLSX, UNTP DTE JSON)",
)
def post_import(
    org_id: int,
    uow: UowDep,
    actor: ActorDep,
    file: Annotated[
        UploadFile, File(description="CSV or XLSX with junkan.trace.tabular columns, or a DTE JSON")
    ],
    format: Annotated[str | None, Form()] = None,
    batch_size: Annotated[int, Form(ge=1, le=10_000)] = 1000,
) -> JSONResponse:
    status, report = run_import(uow, actor, org_id, file, format, batch_size)
    if status != 201:
        first = report["errors"][0] if report["errors"] else {}
        return JSONResponse(
            {
                "type": "urn:junkan:problem:import_rejected",
                "title": "Unprocessable Content",
                "status": 422,
                "code": "import_rejected" if report["status"] == "rejected" else "import_stopped",
                "detail": f"row {first.get('row')}: {first.get('message')}" if first else "import failed",
                "errors": [
                    {"field": f"row {e['row']}.{e['field']}", "code": e["code"], "message": e["message"]}
                    for e in report["errors"]
                ],
                "report": report,
            },
            status_code=422,
            media_type="application/problem+json",
        )
    return JSONResponse(report, status_code=201)


@router.get("/organizations/{org_id}/trace/imports")
def get_imports(org_id: int, uow: UowDep, actor: ActorDep) -> list[dict[str, Any]]:
    return service.list_imports(uow, actor, org_id)


@router.get("/organizations/{org_id}/trace/imports/{run_id}")
def get_import(org_id: int, run_id: int, uow: UowDep, actor: ActorDep) -> dict[str, Any]:
    return service.get_import(uow, actor, org_id, run_id)
