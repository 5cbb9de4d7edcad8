"""Export a passport as a UNTP Digital Product Passport: an unsigned W3C Verifiable Credential 2.0 (JSON-LD).

The UN Transparency Protocol (UN/CEFACT, ``uncefact/spec-untp``, DPP data model after Jargon 0.6.1) carries
product identity, ``materialsProvenance``, a ``circularityScorecard``, an ``emissionsScorecard`` and
``conformityClaim``s. Mapping choices (UNTP has no field for them otherwise):

- recycled content comes from the roll-up (computed through all components); the pre-/post-consumer split
  and the per-class shares (e.g. recycled PP) go into a generated ``circularity.content`` claim whose
  ``declaredValue`` metrics are percentages (UN/CEFACT Rec. 20 unit ``P1``);
- ``materialsProvenance`` lists the leaf materials of the whole assembly, merged per material;
- eco-design (disassembly, durability, repairability) becomes a generated ``circularity.design`` claim;
- a referenced regulation/standard is emitted as ``referenceRegulation``/``referenceStandard`` only when its
  administering body is known (the schema requires it); otherwise it is named in the description.

Only what ``audience`` may see is exported (default: public — a credential behind a QR code is public), and
only from a published version. Signing is another module's job (``junkan.credentials``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Final
from urllib.parse import quote

from junkan.errors import InvalidInput
from junkan.passports.composition import Resolver, Rollup, leaf_materials, rollup
from junkan.passports.disclosure import RANK, effective_audience
from junkan.passports.identifiers import GS1_RESOLVER, build_digital_link
from junkan.passports.model import Audience, Claim, Passport
from junkan.passports.versioning import ensure_exportable

__all__ = ["UNTP_CONTEXT", "product_uri", "to_untp_credential"]

UNTP_CONTEXT: Final = [
    "https://www.w3.org/ns/credentials/v2",
    "https://test.uncefact.org/vocabulary/untp/dpp/working/",
]
_CPC: Final = "https://unstats.un.org/unsd/classifications/Econ/cpc/"
_HS: Final = "https://www.wcoomd.org/en/topics/nomenclature/overview/what-is-the-harmonized-system.aspx"
_SCOPES: Final = {"cradle_to_gate": "CradleToGate", "cradle_to_grave": "CradleToGrave"}
#: Bodies behind well-known references (UNTP requires the issuing/administering party).
_BODIES: Final = (
    ("ISO", {"id": "https://www.iso.org", "name": "International Organization for Standardization (ISO)"}),
    ("IEC", {"id": "https://www.iec.ch", "name": "International Electrotechnical Commission (IEC)"}),
    ("(EU)", {"id": "https://commission.europa.eu", "name": "European Commission"}),
    (
        "特定家庭用機器",
        {"id": "https://www.meti.go.jp", "name": "Ministry of Economy, Trade and Industry (METI)"},
    ),
    (
        "資源有効利用",
        {"id": "https://www.meti.go.jp", "name": "Ministry of Economy, Trade and Industry (METI)"},
    ),
)


def _num(value: Decimal) -> float | int:
    # JSON-LD numbers: exact integers stay integers; the rest become the nearest double at this edge only.
    return int(value) if value == value.to_integral_value() and abs(value) < 2**53 else float(value)


def _pct(value: Decimal) -> dict[str, Any]:
    return {"value": _num((value * 100).normalize()), "unit": "P1"}


def _body(reference: str) -> dict[str, str] | None:
    return next((dict(party) for key, party in _BODIES if key in reference), None)


def product_uri(passport: Passport, *, base: str = GS1_RESOLVER) -> str:
    """The product's URI: its GS1 Digital Link, or ``{local_scheme}/{local_id}``."""
    ident = passport.identity
    if ident.gtin:
        return build_digital_link(ident.gtin, lot=ident.lot, serial=ident.serial, base=base).uri
    return f"{(ident.local_scheme or '').rstrip('/')}/{quote(ident.local_id or '', safe='')}"


def _link(url: str, name: str, kind: str) -> dict[str, Any]:
    return {"type": ["Link"], "linkURL": url, "linkName": name, "linkType": f"https://gs1.org/voc/{kind}"}


def _product(p: Passport, r: Rollup, uri: str, show: Callable[[str], bool]) -> dict[str, Any]:
    ident = p.identity
    product: dict[str, Any] = {"type": ["Product"], "id": uri, "name": ident.name.best("en")}
    if ident.gtin:
        product["registeredId"] = ident.gtin
        product["idScheme"] = {
            "type": ["IdentifierScheme"],
            "id": "https://id.gs1.org/01/",
            "name": "Global Trade Item Number (GTIN)",
        }
    elif ident.local_scheme:
        product["registeredId"] = ident.local_id
        product["idScheme"] = {
            "type": ["IdentifierScheme"],
            "id": ident.local_scheme,
            "name": f"{p.issuer} identifiers",
        }
    if ident.lot:
        product["batchNumber"] = ident.lot
    if ident.serial:
        product["serialNumber"] = ident.serial
    if ident.description:
        product["description"] = ident.description.best("en")
    scheme = _CPC if ident.category_scheme == "cpc" else _HS
    label = (
        "UN Central Product Classification (CPC)"
        if ident.category_scheme == "cpc"
        else "Harmonized System (HS)"
    )
    product["productCategory"] = [
        {
            "type": ["Classification"],
            "id": f"{scheme}{ident.category_code}"
            if ident.category_scheme == "cpc"
            else f"{scheme}#{ident.category_code}",
            "code": ident.category_code,
            "name": f"{label} {ident.category_code}",
            "schemeID": scheme,
            "schemeName": label,
        }
    ]
    if ident.manufacturer:
        product["producedByParty"] = {"id": ident.manufacturer.id, "name": ident.manufacturer.name}
    if ident.facility:
        product["producedAtFacility"] = {"id": ident.facility.id, "name": ident.facility.name}
    if ident.production_date:
        product["productionDate"] = ident.production_date.isoformat()
    if ident.country_of_production:
        product["countryOfProduction"] = ident.country_of_production
    if show("composition.rollup.total_mass_kg"):
        product["dimensions"] = {"weight": {"value": _num(r.total_mass_kg), "unit": "KGM"}}
    return product


def _content_claim(r: Rollup, cid: str) -> dict[str, Any]:
    values = [
        {"metricName": "recycled content", "metricValue": _pct(r.recycled_share)},
        {
            "metricName": "pre-consumer recycled content",
            "metricValue": _pct(r.pre_consumer_kg / r.total_mass_kg),
        },
        {
            "metricName": "post-consumer recycled content",
            "metricValue": _pct(r.post_consumer_kg / r.total_mass_kg),
        },
    ]
    values += [
        {"metricName": f"recycled content of {t.material_class}", "metricValue": _pct(t.recycled_share)}
        for t in r.by_class.values()
        if t.recycled_mass_kg
    ]
    return {
        "type": ["Claim", "Declaration"],
        "id": f"{cid}#recycled-content",
        "conformityTopic": "circularity.content",
        "description": "Recycled content by mass computed by junkan from the bill of materials through all "
        "components (ISO 14021:2016 §7.8); pre-/post-consumer split and per material class.",
        "referenceStandard": {
            "type": ["Standard"],
            "id": "https://www.iso.org/standard/66652.html",
            "name": "ISO 14021:2016",
            "issuingParty": _BODIES[0][1],
        },
        "declaredValue": values,
    }


def _design_claim(p: Passport, cid: str) -> dict[str, Any] | None:
    eco = p.eco_design
    if eco is None:
        return None
    metrics: list[tuple[str, Decimal | int | None, str]] = [
        ("disassembly time", eco.disassembly.time_minutes, "MIN"),
        ("disassembly steps", eco.disassembly.steps, "C62"),
        ("expected lifetime", eco.durability.expected_lifetime_years, "ANN"),
        ("warranty", eco.durability.warranty_years, "ANN"),
        ("spare part availability", eco.repairability.spare_parts_years, "ANN"),
        ("repairability score", eco.repairability.score, "C62"),
    ]
    values = [
        {"metricName": n, "metricValue": {"value": _num(Decimal(v)), "unit": u}}
        for n, v, u in metrics
        if v is not None
    ]
    parts = []
    if eco.disassembly.tools:
        parts.append("tools: " + ", ".join(eco.disassembly.tools))
    if eco.disassembly.fasteners:
        parts.append("fasteners: " + ", ".join(eco.disassembly.fasteners))
    if eco.disassembly.material_marking is not None:
        parts.append(f"material marking: {'yes' if eco.disassembly.material_marking else 'no'}")
    if eco.repairability.repair_info_available is not None:
        parts.append(
            f"repair information available: {'yes' if eco.repairability.repair_info_available else 'no'}"
        )
    return {
        "type": ["Claim", "Declaration"],
        "id": f"{cid}#eco-design",
        "conformityTopic": "circularity.design",
        "description": "Eco-design attributes declared by the issuer"
        + (f" ({'; '.join(parts)})" if parts else ""),
        "declaredValue": values,
    }


def _claim(c: Claim, cid: str, i: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": ["Claim", "Declaration"],
        "id": f"{cid}#claim-{i}",
        "conformityTopic": c.topic,
        "description": c.description,
    }
    unplaced = []
    if c.regulation:
        body = _body(c.regulation)
        if body:
            reg: dict[str, Any] = {"type": ["Regulation"], "name": c.regulation, "administeredBy": body}
            if c.reference_url:
                reg["id"] = c.reference_url
            out["referenceRegulation"] = reg
        else:
            unplaced.append(f"regulation: {c.regulation}")
    if c.standard:
        body = _body(c.standard)
        if body:
            out["referenceStandard"] = {"type": ["Standard"], "name": c.standard, "issuingParty": body}
        else:
            unplaced.append(f"standard: {c.standard}")
    if unplaced:
        out["description"] += " (" + "; ".join(unplaced) + ")"
    if c.assessment_date:
        out["assessmentDate"] = c.assessment_date.isoformat()
    if c.declared_value is not None:
        unit = c.declared_unit or "C62"
        value = c.declared_value * 100 if unit == "P1" and c.declared_value <= 1 else c.declared_value
        out["declaredValue"] = [
            {"metricName": c.metric_name or c.topic, "metricValue": {"value": _num(value), "unit": unit}}
        ]
    if c.evidence_url:
        out["conformityEvidence"] = {
            "type": ["SecureLink", "Link"],
            "linkURL": c.evidence_url,
            "linkName": "evidence",
            "hashDigest": c.evidence_sha256,
            "hashMethod": "SHA-256",
        }
    return out


def to_untp_credential(
    passport: Passport,
    resolve: Resolver,
    *,
    issuer_did: str,
    issuer_name: str,
    base_url: str,
    link_base: str = GS1_RESOLVER,
    audience: Audience = Audience.PUBLIC,
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """The unsigned UNTP DPP credential for a published passport, restricted to what ``audience`` may see."""
    ensure_exportable(passport)
    rules = passport.disclosure_map()

    def show(path: str) -> bool:
        return RANK[effective_audience(path, rules)] <= RANK[audience]

    r = rollup(passport, resolve)
    cid = f"{base_url.rstrip('/')}/credentials/passports/{quote(passport.id, safe='')}/{passport.version}"
    uri = product_uri(passport, base=link_base)
    moment = passport.published_at or passport.created_at
    if moment is None:
        raise InvalidInput(
            "a published passport needs published_at; publish it with versioning.publish(now=...)",
            code="published_at_missing",
            field="published_at",
        )
    published = moment.astimezone(UTC)
    subject: dict[str, Any] = {
        "type": ["ProductPassport"],
        "id": uri,
        "granularityLevel": passport.level.value,
    }
    if show("identity"):
        subject["product"] = _product(passport, r, uri, show)
    claims: list[dict[str, Any]] = []
    if show("composition.rollup.recycled_share"):
        claims.append(_content_claim(r, cid))
        circ: dict[str, Any] = {"type": ["CircularityPerformance"], "recycledContent": _num(r.recycled_share)}
        eco = passport.eco_design
        if eco and show("eco_design"):
            if eco.recyclability.recyclable_share is not None:
                circ["recyclableContent"] = _num(eco.recyclability.recyclable_share)
            if eco.recyclability.recycling_info_url:
                circ["recyclingInformation"] = _link(
                    eco.recyclability.recycling_info_url, "recycling information", "recyclingInfo"
                )
            if eco.repairability.repair_info_url:
                circ["repairInformation"] = _link(
                    eco.repairability.repair_info_url, "repair information", "instructions"
                )
        subject["circularityScorecard"] = circ
    if show("eco_design"):
        design = _design_claim(passport, cid)
        if design:
            claims.append(design)
    if show("claims"):
        claims += [_claim(c, cid, i) for i, c in enumerate(passport.claims)]
    if claims:
        subject["conformityClaim"] = claims
    if passport.carbon and show("carbon"):
        cf = passport.carbon
        emissions: dict[str, Any] = {
            "type": ["EmissionsPerformance"],
            "carbonFootprint": _num(cf.value_kg_co2e),
            "declaredUnit": cf.declared_unit,
            "operationalScope": _SCOPES[cf.scope],
            "primarySourcedRatio": _num(cf.primary_data_share),
        }
        body = _body(cf.rulebook)
        if body:
            standard: dict[str, Any] = {"type": ["Standard"], "name": cf.rulebook, "issuingParty": body}
            if cf.rulebook_url:
                standard["id"] = cf.rulebook_url
            emissions["reportingStandard"] = standard
        subject["emissionsScorecard"] = emissions
    if show("composition.materials"):
        materials = []
        for leaf in sorted(leaf_materials(passport, resolve), key=lambda m: (-m.mass_kg, m.name)):
            item: dict[str, Any] = {
                "type": ["Material"],
                "name": leaf.name,
                "hazardous": leaf.hazardous,
                "recycledMassFraction": _num(leaf.recycled_mass_kg / leaf.mass_kg),
            }
            if show("composition.materials.mass_kg"):
                item["mass"] = {"value": _num(leaf.mass_kg), "unit": "KGM"}
            if show("composition.materials.mass_fraction"):
                item["massFraction"] = _num(leaf.mass_kg / r.total_mass_kg)
            if leaf.origin_country and show("composition.materials.origin_country"):
                item["originCountry"] = leaf.origin_country
            materials.append(item)
        subject["materialsProvenance"] = materials
    credential: dict[str, Any] = {
        "@context": list(UNTP_CONTEXT),
        "type": ["DigitalProductPassport", "VerifiableCredential"],
        "id": cid,
        "issuer": {"type": ["CredentialIssuer"], "id": issuer_did, "name": issuer_name},
        "validFrom": published.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": subject,
    }
    if valid_until is not None:
        credential["validUntil"] = valid_until.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return credential
