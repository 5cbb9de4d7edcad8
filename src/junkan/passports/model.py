"""The product passport (製品パスポート): what a product or material is made of and how circular it is.

A passport describes a product or a material at model, batch or item level (UNTP ``granularityLevel``) and
belongs to the organisation that issued it. Its sections are identity, composition (a bill of materials whose
components are other passports), eco-design, carbon footprint and conformity claims; each section has an
audience (see :mod:`junkan.passports.disclosure`). A passport moves draft → published → withdrawn, and a
published version is never edited: a change makes a new version pointing to its predecessor
(:mod:`junkan.passports.versioning`). Roll-ups (total mass, recycled content) are computed by
:mod:`junkan.passports.composition`, never stored here.

Values are frozen dataclasses; masses are ``Decimal`` kilograms, shares are ``Decimal`` fractions in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Final

__all__ = [
    "DEFAULT_DISCLOSURE",
    "MASS_FRACTION_TOLERANCE",
    "Audience",
    "CarbonFootprint",
    "Claim",
    "Component",
    "Composition",
    "Disassembly",
    "Durability",
    "EcoDesign",
    "Identity",
    "Kind",
    "Level",
    "LocalizedText",
    "Material",
    "PartyRef",
    "Passport",
    "Recyclability",
    "Repairability",
    "Section",
    "Status",
]

#: Declared mass fractions must add up to 1 within ± 0.5 percentage points (rounding in declarations).
MASS_FRACTION_TOLERANCE: Final = Decimal("0.005")


class Kind(StrEnum):
    PRODUCT = "product"
    MATERIAL = "material"


class Level(StrEnum):
    """Granularity: one passport for a model, for a production batch, or for one serialised item."""

    MODEL = "model"
    BATCH = "batch"
    ITEM = "item"


class Status(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class Audience(StrEnum):
    """Who may see a section; ordered public < partners < authorities < owner (see disclosure.py)."""

    PUBLIC = "public"
    PARTNERS = "partners"
    AUTHORITIES = "authorities"
    OWNER = "owner"


class Section(StrEnum):
    IDENTITY = "identity"
    COMPOSITION = "composition"
    ECO_DESIGN = "eco_design"
    CARBON = "carbon"
    CLAIMS = "claims"


@dataclass(frozen=True, slots=True)
class LocalizedText:
    ja: str
    en: str

    def best(self, lang: str = "en") -> str:
        return (self.ja or self.en) if lang == "ja" else (self.en or self.ja)


@dataclass(frozen=True, slots=True)
class PartyRef:
    """A reference to an organisation or facility: a URI id and a display name."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Identity:
    """What the passport is about. Either a GTIN (GS1) or the issuer's own scheme identifies it."""

    name: LocalizedText
    category_scheme: str  # "cpc" (UN CPC Ver. 2.1) or "hs" (Harmonized System)
    category_code: str
    gtin: str | None = None  # normalised to 14 digits
    lot: str | None = None  # GS1 AI 10
    serial: str | None = None  # GS1 AI 21
    local_scheme: str | None = None  # URI of the issuer's own identifier scheme
    local_id: str | None = None
    description: LocalizedText | None = None
    manufacturer: PartyRef | None = None
    facility: PartyRef | None = None
    country_of_production: str | None = None
    production_date: date | None = None


@dataclass(frozen=True, slots=True)
class Material:
    """One material line of the bill of materials (declared by the issuer, not computed)."""

    name: str
    material_class: str  # e.g. "PP", "PET", "steel", "cobalt"
    mass_kg: Decimal
    cas: str | None = None
    mass_fraction: Decimal | None = None  # declared share of this passport's own material mass
    recycled_pre_consumer: Decimal = Decimal(0)  # ISO 14021 §7.8.1.1 a) 1)
    recycled_post_consumer: Decimal = Decimal(0)  # ISO 14021 §7.8.1.1 a) 2)
    renewable_share: Decimal = Decimal(0)
    origin_country: str | None = None
    hazardous: bool = False
    svhc: bool = False  # REACH Art. 57 substance of very high concern
    concentration: Decimal | None = None  # mass fraction of the hazardous substance in this material

    @property
    def recycled_share(self) -> Decimal:
        return self.recycled_pre_consumer + self.recycled_post_consumer


@dataclass(frozen=True, slots=True)
class Component:
    """A part that has its own passport, ``quantity`` times per unit of the parent."""

    passport_id: str
    quantity: Decimal = Decimal(1)
    label: str | None = None


@dataclass(frozen=True, slots=True)
class Composition:
    materials: tuple[Material, ...] = ()
    components: tuple[Component, ...] = ()


@dataclass(frozen=True, slots=True)
class Disassembly:
    time_minutes: Decimal | None = None
    steps: int | None = None
    tools: tuple[str, ...] = ()
    fasteners: tuple[str, ...] = ()
    material_marking: bool | None = None  # e.g. ISO 11469 plastic marking


@dataclass(frozen=True, slots=True)
class Durability:
    expected_lifetime_years: Decimal | None = None
    warranty_years: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Repairability:
    spare_parts_years: int | None = None
    repair_info_available: bool | None = None
    repair_info_url: str | None = None
    score: Decimal | None = None  # 0-10, as in the French/EU repairability index


@dataclass(frozen=True, slots=True)
class Recyclability:
    recyclable_share: Decimal | None = None  # mass share recyclable with current technology
    recycling_info_url: str | None = None


@dataclass(frozen=True, slots=True)
class EcoDesign:
    disassembly: Disassembly = field(default_factory=Disassembly)
    durability: Durability = field(default_factory=Durability)
    repairability: Repairability = field(default_factory=Repairability)
    recyclability: Recyclability = field(default_factory=Recyclability)


@dataclass(frozen=True, slots=True)
class CarbonFootprint:
    """Product carbon footprint in kg CO2e per declared unit (ISO 14067)."""

    value_kg_co2e: Decimal
    declared_unit: str  # UN/CEFACT Rec. 20 code, e.g. "H87" (piece) or "KGM"
    scope: str  # "cradle_to_gate" | "cradle_to_grave"
    rulebook: str
    rulebook_url: str | None = None
    primary_data_share: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class Claim:
    """A conformity claim against a regulation or standard, with evidence pinned by its SHA-256 hash."""

    topic: str  # UNTP conformityTopic, e.g. "circularity.content"
    description: str
    regulation: str | None = None
    standard: str | None = None
    reference_url: str | None = None
    metric_name: str | None = None
    declared_value: Decimal | None = None
    declared_unit: str | None = None
    evidence_url: str | None = None
    evidence_sha256: str | None = None
    assessment_date: date | None = None


#: Who sees what by default: a dotted path (list indices dropped) → audience; the longest match wins,
#: and a masked section masks everything below it. Material masses and the component list are
#: commercially sensitive (they reveal the recipe), so partners see them but the public sees shares only.
DEFAULT_DISCLOSURE: Final[dict[str, Audience]] = {
    "identity": Audience.PUBLIC,
    "composition": Audience.PUBLIC,
    "composition.materials.mass_kg": Audience.PARTNERS,
    "composition.materials.mass_fraction": Audience.PARTNERS,
    "composition.materials.origin_country": Audience.PARTNERS,
    "composition.components": Audience.PARTNERS,
    # Computed masses would let anyone recover the recipe from the public shares; shares stay public.
    "composition.rollup.total_mass_kg": Audience.PARTNERS,
    "composition.rollup.recycled_mass_kg": Audience.PARTNERS,
    "composition.rollup.hazardous_mass_kg": Audience.PARTNERS,
    "composition.rollup.by_class.mass_kg": Audience.PARTNERS,
    "composition.rollup.by_class.recycled_mass_kg": Audience.PARTNERS,
    "composition.rollup.contributions": Audience.PARTNERS,
    "eco_design": Audience.PUBLIC,
    "carbon": Audience.PUBLIC,
    "claims": Audience.PUBLIC,
}


@dataclass(frozen=True, slots=True)
class Passport:
    """One version of a passport. ``(id, version)`` is unique; ``predecessor`` is the previous version."""

    id: str
    issuer: str
    kind: Kind
    level: Level
    identity: Identity
    composition: Composition = field(default_factory=Composition)
    eco_design: EcoDesign | None = None
    carbon: CarbonFootprint | None = None
    claims: tuple[Claim, ...] = ()
    disclosure: tuple[tuple[str, Audience], ...] = tuple(sorted(DEFAULT_DISCLOSURE.items()))
    status: Status = Status.DRAFT
    version: int = 1
    predecessor: int | None = None
    created_at: datetime | None = None
    published_at: datetime | None = None
    withdrawn_at: datetime | None = None
    demo: bool = False

    @property
    def key(self) -> str:
        """The identifier of this version, e.g. ``"wm-2025/3"``."""
        return f"{self.id}/{self.version}"

    def disclosure_map(self) -> dict[str, Audience]:
        return dict(self.disclosure)
