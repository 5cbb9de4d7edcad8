"""Export a passport as an Asset Administration Shell (IEC 63278, IDTA "Details of the AAS" v3).

The shell's asset is the product (its GS1 Digital Link is the ``globalAssetId``; a model-level passport is
an asset *type*, batch and item passports are *instances*). Four submodels:

- ``Nameplate`` — identity, following IDTA 02006-2-0 Digital Nameplate names where they exist;
- ``MaterialComposition`` — roll-up figures, per-class recycled content, leaf materials and components;
- ``CircularityEcoDesign`` — disassembly, durability, repairability, recyclability;
- ``CarbonFootprint`` — following IDTA 02023-0-9 ``ProductCarbonFootprint`` names.

Objects are built with the Eclipse BaSyx Python SDK and serialised to AAS JSON or an AASX package in
memory. Only what ``audience`` may see is exported, and only from a published version.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Final
from urllib.parse import quote

from basyx.aas import model
from basyx.aas.adapter import aasx
from basyx.aas.adapter.json import json_serialization

from junkan.passports.composition import Resolver, Rollup, leaf_materials, rollup
from junkan.passports.disclosure import RANK, effective_audience
from junkan.passports.identifiers import GS1_RESOLVER
from junkan.passports.model import Audience, Level, Passport
from junkan.passports.untp import product_uri
from junkan.passports.versioning import ensure_exportable

__all__ = ["SEMANTIC_IDS", "build_aas", "to_aas_json", "to_aasx"]

SEMANTIC_IDS: Final = {
    "Nameplate": "https://admin-shell.io/zvei/nameplate/2/0/Nameplate",
    "MaterialComposition": "urn:junkan:aas:submodel:MaterialComposition:1:0",
    "CircularityEcoDesign": "urn:junkan:aas:submodel:CircularityEcoDesign:1:0",
    "CarbonFootprint": "https://admin-shell.io/idta/CarbonFootprint/CarbonFootprint/0/9",
}

_Value = str | Decimal | int | bool


def _semantic(uri: str) -> model.ExternalReference:
    return model.ExternalReference((model.Key(model.KeyTypes.GLOBAL_REFERENCE, uri),))


def _prop(id_short: str, value: _Value | None) -> model.Property | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return model.Property(id_short, model.datatypes.Boolean, value)
    if isinstance(value, int):
        return model.Property(id_short, model.datatypes.Integer, value)
    if isinstance(value, Decimal):
        return model.Property(id_short, model.datatypes.Decimal, value)
    return model.Property(id_short, model.datatypes.String, value)


def _elements(pairs: Iterable[tuple[str, _Value | None]]) -> list[model.SubmodelElement]:
    return [e for e in (_prop(k, v) for k, v in pairs) if e is not None]


def _collection(
    id_short: str | None, pairs: Iterable[tuple[str, _Value | None]]
) -> model.SubmodelElementCollection:
    return model.SubmodelElementCollection(id_short, _elements(pairs))


def _list(
    id_short: str, items: list[model.SubmodelElementCollection]
) -> model.SubmodelElementList[model.SubmodelElementCollection]:
    return model.SubmodelElementList(id_short, model.SubmodelElementCollection, items)


def _nameplate(p: Passport, sid: str, uri: str) -> model.Submodel:
    ident = p.identity
    names = model.MultiLanguageTextType(
        {k: v for k, v in (("ja", ident.name.ja), ("en", ident.name.en)) if v}
    )
    elements: list[model.SubmodelElement] = [
        model.MultiLanguageProperty("ManufacturerProductDesignation", names),
        *_elements(
            [
                ("ManufacturerName", ident.manufacturer.name if ident.manufacturer else None),
                ("URIOfTheProduct", uri),
                ("GTIN", ident.gtin),
                ("BatchNumber", ident.lot),
                ("SerialNumber", ident.serial),
                ("CountryOfOrigin", ident.country_of_production),
                ("DateOfManufacture", ident.production_date.isoformat() if ident.production_date else None),
                ("ProductCategoryScheme", ident.category_scheme),
                ("ProductCategoryCode", ident.category_code),
                ("PassportId", p.id),
                ("PassportVersion", p.version),
                ("GranularityLevel", p.level.value),
            ]
        ),
    ]
    return model.Submodel(
        sid, id_short="Nameplate", semantic_id=_semantic(SEMANTIC_IDS["Nameplate"]), submodel_element=elements
    )


def _composition(
    p: Passport, r: Rollup, resolve: Resolver, sid: str, show: Callable[[str], bool]
) -> model.Submodel:
    masses = show("composition.rollup.total_mass_kg")
    elements: list[model.SubmodelElement] = _elements(
        [
            ("TotalMass_kg", r.total_mass_kg if masses else None),
            ("RecycledContent", r.recycled_share),
            ("PreConsumerRecycledContent", r.pre_consumer_kg / r.total_mass_kg),
            ("PostConsumerRecycledContent", r.post_consumer_kg / r.total_mass_kg),
            ("RenewableContent", r.renewable_mass_kg / r.total_mass_kg),
            ("HazardousMass_kg", r.hazardous_mass_kg if masses else None),
        ]
    )
    elements.append(
        _list(
            "RecycledContentByClass",
            [
                _collection(
                    None,
                    [
                        ("MaterialClass", t.material_class),
                        ("RecycledContent", t.recycled_share),
                        ("Mass_kg", t.mass_kg if masses else None),
                    ],
                )
                for t in r.by_class.values()
            ],
        )
    )
    if show("composition.materials"):
        show_mass = show("composition.materials.mass_kg")
        elements.append(
            _list(
                "Materials",
                [
                    _collection(
                        None,
                        [
                            ("Name", m.name),
                            ("MaterialClass", m.material_class),
                            ("CAS", m.cas),
                            ("Mass_kg", m.mass_kg if show_mass else None),
                            ("RecycledShare", m.recycled_mass_kg / m.mass_kg),
                            ("Hazardous", m.hazardous),
                            (
                                "OriginCountry",
                                m.origin_country if show("composition.materials.origin_country") else None,
                            ),
                        ],
                    )
                    for m in leaf_materials(p, resolve)
                ],
            )
        )
    if show("composition.components") and p.composition.components:
        elements.append(
            _list(
                "Components",
                [
                    _collection(
                        None, [("PassportId", c.passport_id), ("Quantity", c.quantity), ("Label", c.label)]
                    )
                    for c in p.composition.components
                ],
            )
        )
    return model.Submodel(
        sid,
        id_short="MaterialComposition",
        semantic_id=_semantic(SEMANTIC_IDS["MaterialComposition"]),
        submodel_element=elements,
    )


def _eco(p: Passport, sid: str) -> model.Submodel | None:
    eco = p.eco_design
    if eco is None:
        return None
    d, u, rp, rc = eco.disassembly, eco.durability, eco.repairability, eco.recyclability
    elements = [
        _collection(
            "Disassembly",
            [
                ("Time_min", d.time_minutes),
                ("Steps", d.steps),
                ("Tools", ", ".join(d.tools) or None),
                ("Fasteners", ", ".join(d.fasteners) or None),
                ("MaterialMarking", d.material_marking),
            ],
        ),
        _collection(
            "Durability",
            [("ExpectedLifetime_years", u.expected_lifetime_years), ("Warranty_years", u.warranty_years)],
        ),
        _collection(
            "Repairability",
            [
                ("SparePartsAvailability_years", rp.spare_parts_years),
                ("RepairInformationAvailable", rp.repair_info_available),
                ("RepairInformationURL", rp.repair_info_url),
                ("Score", rp.score),
            ],
        ),
        _collection(
            "Recyclability",
            [("RecyclableShare", rc.recyclable_share), ("RecyclingInformationURL", rc.recycling_info_url)],
        ),
    ]
    return model.Submodel(
        sid,
        id_short="CircularityEcoDesign",
        semantic_id=_semantic(SEMANTIC_IDS["CircularityEcoDesign"]),
        submodel_element=elements,
    )


def _carbon(p: Passport, sid: str) -> model.Submodel | None:
    cf = p.carbon
    if cf is None:
        return None
    pcf = _collection(
        "ProductCarbonFootprint",
        [
            ("PCFCalculationMethod", cf.rulebook),
            ("PCFCO2eq", cf.value_kg_co2e),
            ("PCFReferenceValueForCalculation", cf.declared_unit),
            ("PCFLifeCyclePhase", cf.scope),
            ("PrimaryDataShare", cf.primary_data_share),
            ("PCFCalculationMethodURL", cf.rulebook_url),
        ],
    )
    return model.Submodel(
        sid,
        id_short="CarbonFootprint",
        semantic_id=_semantic(SEMANTIC_IDS["CarbonFootprint"]),
        submodel_element=[pcf],
    )


def build_aas(
    passport: Passport,
    resolve: Resolver,
    *,
    base_url: str,
    link_base: str = GS1_RESOLVER,
    audience: Audience = Audience.PUBLIC,
) -> model.DictIdentifiableStore[model.Identifiable]:
    """The shell and its submodels for a published passport, in a BaSyx object store."""
    ensure_exportable(passport)
    rules = passport.disclosure_map()

    def show(path: str) -> bool:
        return RANK[effective_audience(path, rules)] <= RANK[audience]

    r = rollup(passport, resolve)
    uri = product_uri(passport, base=link_base)
    aas_id = f"{base_url.rstrip('/')}/aas/passports/{quote(passport.id, safe='')}/{passport.version}"
    submodels: list[model.Submodel | None] = [
        _nameplate(passport, f"{aas_id}/submodels/nameplate", uri) if show("identity") else None,
        _composition(passport, r, resolve, f"{aas_id}/submodels/composition", show)
        if show("composition")
        else None,
        _eco(passport, f"{aas_id}/submodels/eco-design") if show("eco_design") else None,
        _carbon(passport, f"{aas_id}/submodels/carbon-footprint") if show("carbon") else None,
    ]
    present = [s for s in submodels if s is not None]
    kind = model.AssetKind.TYPE if passport.level is Level.MODEL else model.AssetKind.INSTANCE
    shell = model.AssetAdministrationShell(
        id_=aas_id,
        id_short="Passport",
        asset_information=model.AssetInformation(asset_kind=kind, global_asset_id=uri),
        submodel={model.ModelReference.from_referable(s) for s in present},
    )
    return model.DictIdentifiableStore([shell, *present])


def to_aas_json(
    passport: Passport,
    resolve: Resolver,
    *,
    base_url: str,
    link_base: str = GS1_RESOLVER,
    audience: Audience = Audience.PUBLIC,
) -> str:
    """AAS JSON (``{"assetAdministrationShells": [...], "submodels": [...]}``)."""
    return json_serialization.object_store_to_json(
        build_aas(passport, resolve, base_url=base_url, link_base=link_base, audience=audience)
    )


def to_aasx(
    passport: Passport,
    resolve: Resolver,
    *,
    base_url: str,
    link_base: str = GS1_RESOLVER,
    audience: Audience = Audience.PUBLIC,
) -> bytes:
    """An AASX package (OPC zip) with the shell and submodels as JSON parts."""
    store = build_aas(passport, resolve, base_url=base_url, link_base=link_base, audience=audience)
    shell_id = next(o.id for o in store if isinstance(o, model.AssetAdministrationShell))
    files = aasx.DictSupplementaryFileContainer()  # type: ignore[no-untyped-call]
    buffer = io.BytesIO()
    with aasx.AASXWriter(buffer) as writer:
        writer.write_aas(shell_id, store, files, write_json=True)
    return buffer.getvalue()
