"""UNTP Digital Traceability Event (DTE) export and import.

A DTE is a W3C VC 2.0 whose ``credentialSubject`` is a list of EPCIS-style events (UN/CEFACT UNTP, schema in
``shared/data/untp/untp-dte-schema.json``; tests validate against it, the package embeds no copy).

Mapping: transformations (sort, recycle, produce, repair, reuse, remanufacture) → ``TransformationEvent``;
ship and receive → ``TransactionEvent`` (source/destination party, despatch advice); collect, sell, use and
dispose → ``ObjectEvent``. Lots are quantity lots (EPCIS class-level quantities): ``productId`` is the lot
URI, ``productName`` the material and grade, masses in KGM. What UNTP has no slot for (organisation, documents
such as the マニフェスト number, shipment reference, declared yield, unit mass, passport link) travels in a
``junkan`` extension object on the event, which the schema allows (additionalProperties) and VC 2.0 maps
through its issuer-dependent ``@vocab``. The output is unsigned; ``junkan.credentials`` signs it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote, unquote

from junkan.errors import JunkanError, RowError
from junkan.trace.model import TRANSFORMATION_KINDS, DocumentRef, Event, EventKind, LotLine
from junkan.trace.units import Quantity, normalise_decimal, parse_decimal, uom_code

__all__ = ["Issuer", "UriScheme", "event_to_dte", "parse_dte", "to_dte_credential"]

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
DTE_CONTEXT = "https://test.uncefact.org/vocabulary/untp/dte/working/"
_CBV = "https://ref.gs1.org/cbv/"
# GS1 CBV business steps and dispositions per kind (CBV 2.0, ref.gs1.org/cbv).
_STEP: dict[EventKind, tuple[str, str, str]] = {
    EventKind.COLLECT: ("collecting", "active", "add"),
    EventKind.SORT: ("transforming", "active", "add"),
    EventKind.RECYCLE: ("transforming", "active", "add"),
    EventKind.PRODUCE: ("commissioning", "active", "add"),
    EventKind.SHIP: ("shipping", "in_transit", "observe"),
    EventKind.RECEIVE: ("receiving", "in_progress", "observe"),
    EventKind.SELL: ("retail_selling", "retail_sold", "delete"),
    EventKind.USE: ("other", "active", "observe"),
    EventKind.REPAIR: ("repairing", "active", "add"),
    EventKind.REUSE: ("other", "active", "add"),
    EventKind.REMANUFACTURE: ("transforming", "active", "add"),
    EventKind.DISPOSE: ("destroying", "destroyed", "delete"),
}
_NAME_SEP = " / "


@dataclass(frozen=True, slots=True)
class Issuer:
    id: str  # a W3C DID, e.g. did:web:junkan.example:orgs:city
    name: str


@dataclass(frozen=True, slots=True)
class UriScheme:
    """How junkan ids become URIs and back; foreign URIs are kept whole as ids."""

    base: str = "https://junkan.example/"

    def uri(self, collection: str, key: str) -> str:
        return f"{self.base}{collection}/{quote(key, safe='')}"

    def key(self, collection: str, uri: str) -> str:
        prefix = f"{self.base}{collection}/"
        return unquote(uri[len(prefix) :]) if uri.startswith(prefix) else uri


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _quantity(line: LotLine, uris: UriScheme) -> dict[str, Any]:
    name = line.material + (_NAME_SEP + line.grade if line.grade else "")
    unit = line.quantity.unit
    value = line.quantity.value if uom_code(unit) in {"H87", "C62"} else line.kg()
    code = uom_code(unit) if uom_code(unit) in {"H87", "C62"} else "KGM"
    return {
        "type": ["QuantityElement"],
        "productId": uris.uri("lots", line.lot),
        "productName": name,
        "quantity": _number(value),
        "uom": code,
    }


def _extension(event: Event, uris: UriScheme) -> dict[str, Any]:
    lots = {
        line.lot: {
            "unitMassKg": None if line.unit_mass_kg is None else normalise_decimal(line.unit_mass_kg),
            "passport": line.passport,
        }
        for line in event.inputs + event.outputs
        if line.unit_mass_kg is not None or line.passport
    }
    ext: dict[str, Any] = {"organisation": event.organisation, "site": event.site}
    if event.documents:
        ext["documents"] = [{"type": d.type, "id": d.id} for d in event.documents]
    if event.shipment_ref:
        ext["shipmentRef"] = event.shipment_ref
    if event.counterparty:
        ext["counterparty"] = event.counterparty
    if event.declared_yield is not None:
        ext["declaredYield"] = normalise_decimal(event.declared_yield)
    if lots:
        ext["lots"] = lots
    return ext


def event_to_dte(event: Event, uris: UriScheme | None = None) -> dict[str, Any]:
    """One event as a UNTP DTE event object."""
    uris = uris or UriScheme()
    step, disposition, action = _STEP[event.kind]
    out: dict[str, Any] = {
        "id": uris.uri("events", event.id),
        "processType": event.kind.value,
        "eventTime": event.utc_time.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "action": action,
        "disposition": f"{_CBV}Disp-{disposition}",
        "bizStep": f"{_CBV}BizStep-{step}",
        "bizLocation": uris.uri("sites", event.site),
    }
    if event.kind in TRANSFORMATION_KINDS:
        out["type"] = ["TransformationEvent", "Event"]
        out["inputQuantityList"] = [_quantity(x, uris) for x in event.inputs]
        out["outputQuantityList"] = [_quantity(x, uris) for x in event.outputs]
    elif event.kind in {EventKind.SHIP, EventKind.RECEIVE}:
        shipper, receiver = event.organisation, event.counterparty or ""
        if event.kind is EventKind.RECEIVE:
            shipper, receiver = receiver, shipper
        out["type"] = ["TransactionEvent", "Event"]
        out["sourceParty"] = uris.uri("orgs", shipper)
        out["destinationParty"] = uris.uri("orgs", receiver)
        out["bizTransaction"] = f"{_CBV}BTT-desadv"
        out["quantityList"] = [_quantity(x, uris) for x in event.inputs + event.outputs]
    else:
        out["type"] = ["ObjectEvent", "Event"]
        out["quantityList"] = [_quantity(x, uris) for x in event.inputs + event.outputs]
    out["junkan"] = _extension(event, uris)
    return out


def to_dte_credential(
    events: Iterable[Event],
    *,
    issuer: Issuer,
    credential_id: str,
    valid_from: datetime,
    uris: UriScheme | None = None,
) -> dict[str, Any]:
    """An unsigned DTE verifiable credential whose subject is the list of ``events``."""
    return {
        "@context": [VC_CONTEXT, DTE_CONTEXT],
        "type": ["DigitalTraceabilityEvent", "VerifiableCredential"],
        "id": credential_id,
        "issuer": {"type": ["CredentialIssuer"], "id": issuer.id, "name": issuer.name},
        "validFrom": valid_from.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": [event_to_dte(e, uris) for e in events],
    }


def _line(q: Mapping[str, Any], ext_lots: Mapping[str, Any], uris: UriScheme, field: str) -> LotLine:
    lot = uris.key("lots", str(q["productId"]))
    material, _, grade = str(q["productName"]).partition(_NAME_SEP)
    extra = ext_lots.get(lot, {})
    uom = str(q.get("uom", "KGM"))
    unit = {"KGM": "kg", "TNE": "t", "GRM": "g"}.get(uom, uom)
    mass = extra.get("unitMassKg")
    return LotLine(
        lot=lot,
        material=material,
        grade=grade,
        quantity=Quantity(parse_decimal(q["quantity"], field=f"{field}.quantity"), unit),
        unit_mass_kg=None if mass is None else parse_decimal(mass, field=f"{field}.unitMassKg"),
        passport=extra.get("passport"),
    )


def _event(raw: Mapping[str, Any], uris: UriScheme, default_org: str) -> Event:
    ext: Mapping[str, Any] = raw.get("junkan", {})
    kind = EventKind(raw["processType"])
    lots = ext.get("lots", {})
    types = raw.get("type", [])
    if "TransformationEvent" in types:
        ins = [
            _line(q, lots, uris, f"inputQuantityList[{i}]")
            for i, q in enumerate(raw.get("inputQuantityList", []))
        ]
        outs = [
            _line(q, lots, uris, f"outputQuantityList[{i}]") for i, q in enumerate(raw["outputQuantityList"])
        ]
    else:
        lines = [
            _line(q, lots, uris, f"quantityList[{i}]") for i, q in enumerate(raw.get("quantityList", []))
        ]
        ins, outs = ([], lines) if kind in {EventKind.COLLECT, EventKind.RECEIVE} else (lines, [])
    counterparty = ext.get("counterparty")
    if counterparty is None and "TransactionEvent" in types:
        party = raw["destinationParty"] if kind is EventKind.SHIP else raw["sourceParty"]
        counterparty = uris.key("orgs", str(party))
    dy = ext.get("declaredYield")
    return Event(
        id=uris.key("events", str(raw["id"])),
        kind=kind,
        time=datetime.fromisoformat(str(raw["eventTime"]).replace("Z", "+00:00")),
        site=ext.get("site") or uris.key("sites", str(raw["bizLocation"])),
        organisation=ext.get("organisation", default_org),
        inputs=tuple(ins),
        outputs=tuple(outs),
        documents=tuple(DocumentRef(d["type"], d["id"]) for d in ext.get("documents", [])),
        shipment_ref=ext.get("shipmentRef"),
        counterparty=counterparty,
        declared_yield=None if dy is None else parse_decimal(dy, field="junkan.declaredYield"),
    )


def parse_dte(credential: Mapping[str, Any], *, uris: UriScheme | None = None) -> Iterator[Event | RowError]:
    """Events of a DTE credential one by one; a broken event yields a ``RowError`` (row = 1-based index)."""
    uris = uris or UriScheme()
    default_org = uris.key("orgs", str(credential.get("issuer", {}).get("id", "")))
    for i, raw in enumerate(credential.get("credentialSubject", []), start=1):
        try:
            yield _event(raw, uris, default_org)
        except JunkanError as exc:
            yield RowError(
                i, f"credentialSubject[{i - 1}].{exc.field or ''}".rstrip("."), exc.code, exc.message
            )
        except (KeyError, ValueError, TypeError) as exc:
            yield RowError(
                i,
                f"credentialSubject[{i - 1}]",
                "malformed_event",
                f"event {i} is malformed ({exc!r}); check it against the UNTP DTE schema",
            )
