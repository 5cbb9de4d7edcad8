"""Passports to and from plain JSON-ready dicts: the storage form and the API's input form.

``passport_from_dict`` reads a dict (from JSON, a form or a spreadsheet row), checks every field and every
business rule of the bill of materials, and reports all problems at once as one ``InvalidInput`` whose
``errors`` name each field by its dotted path. ``passport_to_dict`` writes the canonical form back:
masses as ``mass_kg`` decimal strings, shares as decimal strings, dates in ISO 8601, so that
``passport_from_dict(passport_to_dict(p)) == p``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final, TypeVar

from junkan.errors import InvalidInput
from junkan.passports.identifiers import (
    check_ai_value,
    normalise_category,
    validate_cas,
    validate_country,
    validate_gtin,
)
from junkan.passports.model import (
    DEFAULT_DISCLOSURE,
    MASS_FRACTION_TOLERANCE,
    Audience,
    CarbonFootprint,
    Claim,
    Component,
    Composition,
    Disassembly,
    Durability,
    EcoDesign,
    Identity,
    Kind,
    Level,
    LocalizedText,
    Material,
    PartyRef,
    Passport,
    Recyclability,
    Repairability,
    Status,
)
from junkan.passports.quantities import to_kg
from junkan.passports.reader import Reader

__all__ = ["CARBON_SCOPES", "CLAIM_TOPICS", "passport_from_dict", "passport_to_dict"]

T = TypeVar("T")

#: UNTP DPP ``conformityTopic`` vocabulary.
CLAIM_TOPICS = frozenset(
    [
        "environment.energy",
        "environment.emissions",
        "environment.water",
        "environment.waste",
        "environment.deforestation",
        "environment.biodiversity",
        "circularity.content",
        "circularity.design",
        "social.labour",
        "social.rights",
        "social.community",
        "social.safety",
        "governance.ethics",
        "governance.compliance",
        "governance.transparency",
    ]
)
CARBON_SCOPES = frozenset({"cradle_to_gate", "cradle_to_grave"})
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _localized(
    r: Reader, data: Mapping[str, Any], key: str, path: str, required: bool
) -> LocalizedText | None:
    value = data.get(key)
    if isinstance(value, str):
        return LocalizedText(ja=value, en=value)
    obj = r.obj(data, key, path)
    if obj is None:
        if required:
            r.add(path, "required", f"{path} is required; give at least a Japanese or an English name")
        return None
    ja = r.text(obj, "ja", f"{path}.ja") or ""
    en = r.text(obj, "en", f"{path}.en") or ""
    if not ja and not en:
        r.add(path, "required", f"{path} needs a Japanese (ja) or an English (en) text")
        return None
    return LocalizedText(ja=ja, en=en)


def _party(r: Reader, data: Mapping[str, Any], key: str, path: str) -> PartyRef | None:
    obj = r.obj(data, key, path)
    if obj is None:
        return None
    pid, name = r.url(obj, "id", f"{path}.id"), r.text(obj, "name", f"{path}.name", required=True)
    if pid is None:
        r.add(f"{path}.id", "required", f"{path}.id needs a web address that identifies the party")
    return PartyRef(id=pid, name=name) if pid and name else None


def _identity(r: Reader, data: Mapping[str, Any], level: Level | None) -> Identity | None:
    p = "identity"
    obj = r.obj(data, "identity", p)
    if obj is None:
        r.add(p, "required", "identity is required: a name, a category and a GTIN or your own identifier")
        return None
    name = _localized(r, obj, "name", f"{p}.name", required=True)
    scheme = r.text(obj, "category_scheme", f"{p}.category_scheme") or "cpc"
    raw_code = r.text(obj, "category_code", f"{p}.category_code", required=True)
    code = (
        r.run(lambda: normalise_category(scheme, raw_code or "", field=f"{p}.category_code"))
        if raw_code
        else None
    )
    gtin_raw = r.text(obj, "gtin", f"{p}.gtin")
    gtin = r.run(lambda: validate_gtin(gtin_raw or "", field=f"{p}.gtin")) if gtin_raw else None
    lot = r.run(lambda: check_ai_value(r.text(obj, "lot", f"{p}.lot"), "10", field=f"{p}.lot"))
    serial = r.run(lambda: check_ai_value(r.text(obj, "serial", f"{p}.serial"), "21", field=f"{p}.serial"))
    local_scheme, local_id = (
        r.url(obj, "local_scheme", f"{p}.local_scheme"),
        r.text(obj, "local_id", f"{p}.local_id"),
    )
    if not gtin_raw and not local_id:
        r.add(
            f"{p}.gtin", "identifier_missing", "give a GTIN, or local_scheme and local_id for your own scheme"
        )
    if local_id and not local_scheme:
        r.add(
            f"{p}.local_scheme", "required", "local_id needs local_scheme: the URI of your identifier scheme"
        )
    # A batch passport is identified down to its lot, an item passport down to its serial (GS1 DL §4.1).
    if gtin and level is Level.BATCH and lot is None:
        r.add(
            f"{p}.lot",
            "lot_required",
            "a batch-level passport with a GTIN needs the batch/lot number (AI 10)",
        )
    if gtin and level is Level.ITEM and serial is None:
        r.add(
            f"{p}.serial",
            "serial_required",
            "an item-level passport with a GTIN needs the serial number (AI 21)",
        )
    country_raw = r.text(obj, "country_of_production", f"{p}.country_of_production")
    country = (
        r.run(lambda: validate_country(country_raw or "", field=f"{p}.country_of_production"))
        if country_raw
        else None
    )
    if name is None or code is None:
        return None
    return Identity(
        name=name,
        category_scheme=scheme,
        category_code=code,
        gtin=gtin,
        lot=lot,
        serial=serial,
        local_scheme=local_scheme,
        local_id=local_id,
        description=_localized(r, obj, "description", f"{p}.description", required=False),
        manufacturer=_party(r, obj, "manufacturer", f"{p}.manufacturer"),
        facility=_party(r, obj, "facility", f"{p}.facility"),
        country_of_production=country,
        production_date=r.day(obj, "production_date", f"{p}.production_date"),
    )


def _material(r: Reader, m: Any, p: str) -> Material | None:
    if not isinstance(m, Mapping):
        r.add(p, "not_an_object", f"{p} must be an object")
        return None
    before = len(r.errors)
    name = r.text(m, "name", f"{p}.name", required=True)
    mclass = r.text(m, "material_class", f"{p}.material_class", required=True)
    if m.get("mass_kg") not in (None, ""):
        mass = r.run(lambda: to_kg(m["mass_kg"], "kg", field=f"{p}.mass_kg"))
    elif m.get("mass") not in (None, ""):
        mass = r.run(lambda: to_kg(m["mass"], str(m.get("unit") or "kg"), field=f"{p}.mass"))
    else:
        mass = None
        r.add(
            f"{p}.mass_kg", "required", f"{p} needs its mass: mass_kg, or mass with unit (kg, g, mg, t, lb)"
        )
    cas_raw = r.text(m, "cas", f"{p}.cas")
    cas = r.run(lambda: validate_cas(cas_raw or "", field=f"{p}.cas")) if cas_raw else None
    pre = r.share(m, "recycled_pre_consumer", f"{p}.recycled_pre_consumer", Decimal(0))
    post = r.share(m, "recycled_post_consumer", f"{p}.recycled_post_consumer", Decimal(0))
    if pre is not None and post is not None and pre + post > 1:
        r.add(
            f"{p}.recycled_post_consumer",
            "recycled_share_over_100",
            f"pre-consumer ({pre * 100}%) plus post-consumer ({post * 100}%) recycled content exceeds 100 %; "
            "each is a share of the same material mass, so their sum must be at most 1",
        )
    hazardous = r.flag(m, "hazardous", f"{p}.hazardous") or False
    svhc = r.flag(m, "svhc", f"{p}.svhc") or False
    concentration = r.share(m, "concentration", f"{p}.concentration", None)
    if concentration is not None and not (hazardous or svhc):
        r.add(
            f"{p}.concentration",
            "concentration_without_hazard",
            "set hazardous or svhc, or drop concentration",
        )
    origin_raw = r.text(m, "origin_country", f"{p}.origin_country")
    origin = (
        r.run(lambda: validate_country(origin_raw or "", field=f"{p}.origin_country")) if origin_raw else None
    )
    fraction = r.share(m, "mass_fraction", f"{p}.mass_fraction", None)
    renewable = r.share(m, "renewable_share", f"{p}.renewable_share", Decimal(0))
    if len(r.errors) > before or name is None or mclass is None or mass is None:
        return None
    return Material(
        name=name,
        material_class=mclass,
        mass_kg=mass,
        cas=cas,
        mass_fraction=fraction,
        recycled_pre_consumer=pre or Decimal(0),
        recycled_post_consumer=post or Decimal(0),
        renewable_share=renewable or Decimal(0),
        origin_country=origin,
        hazardous=hazardous or svhc,
        svhc=svhc,
        concentration=concentration,
    )


def _check_fractions(r: Reader, materials: list[Material]) -> None:
    declared = [m.mass_fraction for m in materials]
    if all(f is None for f in declared) or not materials:
        return
    if any(f is None for f in declared):
        r.add(
            "composition.materials",
            "mass_fractions_incomplete",
            "give mass_fraction for every material or none",
        )
        return
    total = sum((f for f in declared if f is not None), Decimal(0))
    if abs(total - 1) > MASS_FRACTION_TOLERANCE:
        r.add(
            "composition.materials",
            "mass_fractions_sum",
            f"declared mass fractions add up to {total}, not 1 (tolerance ±{MASS_FRACTION_TOLERANCE}); "
            "correct them or leave them out and let junkan compute them from the masses",
        )
        return
    own = sum((m.mass_kg for m in materials), Decimal(0))
    for i, m in enumerate(materials):
        computed = m.mass_kg / own
        if m.mass_fraction is not None and abs(m.mass_fraction - computed) > MASS_FRACTION_TOLERANCE:
            r.add(
                f"composition.materials[{i}].mass_fraction",
                "mass_fraction_mismatch",
                f"declared {m.mass_fraction} but the masses give {computed:.4f}; fix the mass or fraction",
            )


def _composition(r: Reader, data: Mapping[str, Any], own_id: str | None) -> Composition:
    obj = r.obj(data, "composition", "composition") or {}
    materials = [
        _material(r, m, f"composition.materials[{i}]")
        for i, m in enumerate(r.items(obj, "materials", "composition.materials"))
    ]
    components: list[Component] = []
    for i, c in enumerate(r.items(obj, "components", "composition.components")):
        p = f"composition.components[{i}]"
        if not isinstance(c, Mapping):
            r.add(p, "not_an_object", f"{p} must be an object with passport_id and quantity")
            continue
        pid = r.text(c, "passport_id", f"{p}.passport_id", required=True)
        qty = r.dec(c, "quantity", f"{p}.quantity", positive=True)
        if pid is not None and pid == own_id:
            r.add(
                f"{p}.passport_id",
                "component_cycle",
                "a passport cannot contain itself; reference another passport",
            )
        elif pid is not None and (qty is not None or c.get("quantity") in (None, "")):
            components.append(
                Component(passport_id=pid, quantity=qty or Decimal(1), label=r.text(c, "label", f"{p}.label"))
            )
    good = [m for m in materials if m is not None]
    if len(good) == len(materials):
        _check_fractions(r, good)
    if not good and not components and not r.errors:
        r.add("composition.materials", "composition_empty", "add at least one material or one component")
    return Composition(materials=tuple(good), components=tuple(components))


def _eco_design(r: Reader, data: Mapping[str, Any]) -> EcoDesign | None:
    obj = r.obj(data, "eco_design", "eco_design")
    if obj is None:
        return None
    p = "eco_design"
    d = r.obj(obj, "disassembly", f"{p}.disassembly") or {}
    u = r.obj(obj, "durability", f"{p}.durability") or {}
    rp = r.obj(obj, "repairability", f"{p}.repairability") or {}
    rc = r.obj(obj, "recyclability", f"{p}.recyclability") or {}
    steps = r.dec(d, "steps", f"{p}.disassembly.steps")
    spare = r.dec(rp, "spare_parts_years", f"{p}.repairability.spare_parts_years")
    score = r.dec(rp, "score", f"{p}.repairability.score")
    if score is not None and score > 10:
        r.add(f"{p}.repairability.score", "score_range", "the repairability score runs from 0 to 10")
    return EcoDesign(
        disassembly=Disassembly(
            time_minutes=r.dec(d, "time_minutes", f"{p}.disassembly.time_minutes"),
            steps=int(steps) if steps is not None else None,
            tools=tuple(str(t) for t in r.items(d, "tools", f"{p}.disassembly.tools")),
            fasteners=tuple(str(t) for t in r.items(d, "fasteners", f"{p}.disassembly.fasteners")),
            material_marking=r.flag(d, "material_marking", f"{p}.disassembly.material_marking"),
        ),
        durability=Durability(
            expected_lifetime_years=r.dec(
                u, "expected_lifetime_years", f"{p}.durability.expected_lifetime_years"
            ),
            warranty_years=r.dec(u, "warranty_years", f"{p}.durability.warranty_years"),
        ),
        repairability=Repairability(
            spare_parts_years=int(spare) if spare is not None else None,
            repair_info_available=r.flag(
                rp, "repair_info_available", f"{p}.repairability.repair_info_available"
            ),
            repair_info_url=r.url(rp, "repair_info_url", f"{p}.repairability.repair_info_url"),
            score=score,
        ),
        recyclability=Recyclability(
            recyclable_share=r.share(rc, "recyclable_share", f"{p}.recyclability.recyclable_share", None),
            recycling_info_url=r.url(rc, "recycling_info_url", f"{p}.recyclability.recycling_info_url"),
        ),
    )


def _carbon(r: Reader, data: Mapping[str, Any]) -> CarbonFootprint | None:
    obj = r.obj(data, "carbon", "carbon")
    if obj is None:
        return None
    value = r.dec(obj, "value_kg_co2e", "carbon.value_kg_co2e", required=True)
    unit = r.text(obj, "declared_unit", "carbon.declared_unit", required=True)
    scope = r.text(obj, "scope", "carbon.scope", required=True)
    if scope is not None and scope not in CARBON_SCOPES:
        r.add(
            "carbon.scope",
            "choice",
            f"{scope!r} is not a life-cycle scope; use cradle_to_gate or cradle_to_grave",
        )
    rulebook = r.text(obj, "rulebook", "carbon.rulebook", required=True)
    primary = r.share(obj, "primary_data_share", "carbon.primary_data_share", Decimal(0))
    if value is None or unit is None or scope not in CARBON_SCOPES or rulebook is None or scope is None:
        return None
    return CarbonFootprint(
        value_kg_co2e=value,
        declared_unit=unit,
        scope=scope,
        rulebook=rulebook,
        rulebook_url=r.url(obj, "rulebook_url", "carbon.rulebook_url"),
        primary_data_share=primary or Decimal(0),
    )


def _claim(r: Reader, c: Any, p: str) -> Claim | None:
    if not isinstance(c, Mapping):
        r.add(p, "not_an_object", f"{p} must be an object")
        return None
    topic = r.text(c, "topic", f"{p}.topic", required=True)
    if topic is not None and topic not in CLAIM_TOPICS:
        r.add(f"{p}.topic", "choice", f"{topic!r} is not a UNTP conformity topic, e.g. circularity.content")
    regulation, standard = r.text(c, "regulation", f"{p}.regulation"), r.text(c, "standard", f"{p}.standard")
    if regulation is None and standard is None:
        r.add(f"{p}.regulation", "required", "name the regulation or the standard the claim is made against")
    sha = r.text(c, "evidence_sha256", f"{p}.evidence_sha256")
    if sha is not None and not _SHA256.match(sha.lower()):
        r.add(f"{p}.evidence_sha256", "sha256", "give the evidence file's SHA-256 as 64 hex characters")
        sha = ""
    evidence = r.url(c, "evidence_url", f"{p}.evidence_url")
    if evidence is not None and sha is None:
        r.add(
            f"{p}.evidence_sha256",
            "required",
            "evidence needs its SHA-256 hash so readers can check the file",
        )
    description = r.text(c, "description", f"{p}.description", required=True)
    if topic not in CLAIM_TOPICS or description is None or topic is None:
        return None
    return Claim(
        topic=topic,
        description=description,
        regulation=regulation,
        standard=standard,
        reference_url=r.url(c, "reference_url", f"{p}.reference_url"),
        metric_name=r.text(c, "metric_name", f"{p}.metric_name"),
        declared_value=r.dec(c, "declared_value", f"{p}.declared_value"),
        declared_unit=r.text(c, "declared_unit", f"{p}.declared_unit"),
        evidence_url=evidence,
        evidence_sha256=sha.lower() if sha else None,
        assessment_date=r.day(c, "assessment_date", f"{p}.assessment_date"),
    )


_DEFAULT_RULES: Final = tuple(sorted(DEFAULT_DISCLOSURE.items()))


def _disclosure(r: Reader, data: Mapping[str, Any]) -> tuple[tuple[str, Audience], ...]:
    obj = r.obj(data, "disclosure", "disclosure")
    if not obj:
        return _DEFAULT_RULES
    rules = dict(DEFAULT_DISCLOSURE)
    for path, audience in (obj or {}).items():
        chosen = r.choice({"a": audience}, "a", f"disclosure.{path}", Audience, None)
        if chosen is not None:
            rules[str(path)] = chosen
    return tuple(sorted(rules.items()))


def passport_from_dict(data: Mapping[str, Any]) -> Passport:
    """Read and check a passport; raise ``InvalidInput`` listing every problem (``errors``) if any."""
    r = Reader()
    pid = r.text(data, "id", "id", required=True)
    issuer = data.get("issuer")
    if issuer is None or issuer == "" or isinstance(issuer, bool):
        r.add("issuer", "required", "issuer is required: the id of the organisation that issues the passport")
    kind = r.choice(data, "kind", "kind", Kind, Kind.PRODUCT)
    level = r.choice(data, "level", "level", Level, Level.MODEL)
    status = r.choice(data, "status", "status", Status, Status.DRAFT)
    version = data.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        r.add("version", "version", "version must be a whole number from 1")
    predecessor = data.get("predecessor")
    if predecessor is not None and (
        not isinstance(predecessor, int) or not isinstance(version, int) or predecessor >= version
    ):
        r.add("predecessor", "predecessor", "predecessor must be an earlier version number")
    identity = _identity(r, data, level)
    composition = _composition(r, data, pid)
    eco, carbon = _eco_design(r, data), _carbon(r, data)
    claims = [_claim(r, c, f"claims[{i}]") for i, c in enumerate(r.items(data, "claims", "claims"))]
    disclosure = _disclosure(r, data)
    created = r.moment(data, "created_at", "created_at")
    published, withdrawn = (
        r.moment(data, "published_at", "published_at"),
        r.moment(data, "withdrawn_at", "withdrawn_at"),
    )
    demo = r.flag(data, "demo", "demo") or False
    if r.errors:
        first = r.errors[0]
        more = f" (and {len(r.errors) - 1} more)" if len(r.errors) > 1 else ""
        raise InvalidInput(f"{first.field}: {first.message}{more}", code=first.code, errors=r.errors)
    assert pid is not None and identity is not None and kind and level and status
    return Passport(
        id=pid,
        issuer=str(issuer),
        kind=kind,
        level=level,
        identity=identity,
        composition=composition,
        eco_design=eco,
        carbon=carbon,
        claims=tuple(c for c in claims if c is not None),
        disclosure=disclosure,
        status=status,
        version=int(version),
        predecessor=predecessor,
        created_at=created,
        published_at=published,
        withdrawn_at=withdrawn,
        demo=demo,
    )


_SCALARS: Final = frozenset({str, int, bool, float, type(None)})
_FIELDS: dict[type, tuple[str, ...]] = {}  # dataclass type → its field names (computed once per type)


def _plain(value: Any) -> Any:
    # Hot path of every store and export: dispatch on the exact type, no isinstance chains.
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is Decimal:
        return str(value)
    if kind is tuple or kind is list:
        return [_plain(v) for v in value]
    names = _FIELDS.get(kind)
    if names is None:
        if isinstance(value, datetime | date):
            return value.isoformat()
        if not hasattr(value, "__dataclass_fields__"):
            return value
        names = _FIELDS[kind] = tuple(value.__dataclass_fields__)
    return {name: _plain(getattr(value, name)) for name in names}


def passport_to_dict(passport: Passport) -> dict[str, Any]:
    """The canonical JSON-ready form (decimals as strings) that ``passport_from_dict`` reads back."""
    out: dict[str, Any] = {
        "id": passport.id,
        "issuer": passport.issuer,
        "kind": passport.kind.value,
        "level": passport.level.value,
        "status": passport.status.value,
        "version": passport.version,
        "predecessor": passport.predecessor,
        "created_at": _plain(passport.created_at),
        "published_at": _plain(passport.published_at),
        "withdrawn_at": _plain(passport.withdrawn_at),
        "demo": passport.demo,
        "identity": _plain(passport.identity),
        "composition": _plain(passport.composition),
        "eco_design": _plain(passport.eco_design),
        "carbon": _plain(passport.carbon),
        "claims": _plain(passport.claims),
        "disclosure": {path: audience.value for path, audience in passport.disclosure},
    }
    return out
