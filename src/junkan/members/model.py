"""Domain values of the members context and the rules that govern them (pure: no I/O).

Vocabulary: an *organisation* (会員組織) is the tenant; a *person* acts for exactly one organisation with a
*role*; a *principal* is whoever makes a request (a person's session or an API token) on behalf of one
organisation; a *partnership* (連携) is a two-sided relation that widens what each side may see.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from junkan.errors import Conflict, InvalidInput, PermissionDenied
from junkan.members.codes import validate_corporate_number, validate_municipality_code

__all__ = [
    "ROLE_SCOPES",
    "SYSTEM_ORG_ID",
    "Audience",
    "Facility",
    "FacilityKind",
    "OrgKind",
    "Organisation",
    "PartnershipStatus",
    "Principal",
    "Role",
    "Scope",
    "TargetStatus",
    "audiences_for",
    "next_partnership_status",
    "validate_organisation",
]


class OrgKind(enum.StrEnum):
    """Member types as the Circular Partners registry counts them (small businesses are also SMEs)."""

    COMPANY_LARGE = "company_large"
    COMPANY_SME = "company_sme"
    COMPANY_SMALL = "company_small"
    ASSOCIATION = "association"
    MUNICIPALITY = "municipality"
    UNIVERSITY = "university"
    RELATED = "related"
    REGULATOR = "regulator"
    CERTIFIER = "certifier"

    @property
    def is_company(self) -> bool:
        return self in (OrgKind.COMPANY_LARGE, OrgKind.COMPANY_SME, OrgKind.COMPANY_SMALL)

    @property
    def is_authority(self) -> bool:
        return self in (OrgKind.REGULATOR, OrgKind.CERTIFIER)


class FacilityKind(enum.StrEnum):
    FACTORY = "factory"
    SORTING_PLANT = "sorting_plant"
    RECYCLING_PLANT = "recycling_plant"
    COLLECTION_POINT = "collection_point"
    STORE = "store"
    WAREHOUSE = "warehouse"
    OFFICE = "office"
    INCINERATOR = "incinerator"


class Role(enum.StrEnum):
    ADMIN = "admin"
    EDITOR = "editor"
    VIEWER = "viewer"


class Scope(enum.StrEnum):
    """What an API token may do; a person's role maps onto the same scopes."""

    READ = "read"
    WRITE = "write"
    ADMIN = "admin"


ROLE_SCOPES: Mapping[Role, frozenset[Scope]] = {
    Role.ADMIN: frozenset({Scope.READ, Scope.WRITE, Scope.ADMIN}),
    Role.EDITOR: frozenset({Scope.READ, Scope.WRITE}),
    Role.VIEWER: frozenset({Scope.READ}),
}


class PartnershipStatus(enum.StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    REVOKED = "revoked"


class TargetStatus(enum.StrEnum):
    DRAFT = "draft"
    DECLARED = "declared"


SYSTEM_ORG_ID = 0


class Audience(enum.StrEnum):
    """Who may see a section of a record (DESIGN: disclosure per section)."""

    PUBLIC = "public"
    PARTNERS = "partners"
    AUTHORITIES = "authorities"
    OWNER = "owner"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is asking: a person (session) or a token, always on behalf of one organisation."""

    org_id: int
    org_kind: OrgKind
    scopes: frozenset[Scope]
    label: str
    person_id: int | None = None
    token_id: int | None = None
    partner_org_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_system(self) -> bool:
        """The platform operator itself (CLI, demo builder): org id 0, never a tenant."""
        return self.org_id == SYSTEM_ORG_ID

    def require(self, scope: Scope, *, org_id: int | None = None, action: str = "do this") -> None:
        """Refuse unless the principal has ``scope`` and (when given) acts for ``org_id``."""
        if self.is_system:
            return
        if org_id is not None and org_id != self.org_id:
            raise PermissionDenied(
                f"you act for organisation {self.org_id} and cannot {action} for organisation {org_id}",
                code="other_organisation",
            )
        if scope not in self.scopes:
            raise PermissionDenied(
                f"to {action} you need the '{scope}' permission; ask an admin of your organisation",
                code="missing_scope",
            )


def audiences_for(principal: Principal | None, owner_org_id: int) -> frozenset[Audience]:
    """The audiences a viewer belongs to with respect to records owned by ``owner_org_id``.

    Anonymous callers see public sections only; accepted partners see partner sections; regulators and
    certifiers see authority sections (and partner sections, since what partners may see is no secret
    from a supervisor); the owner sees everything.
    """
    seen = {Audience.PUBLIC}
    if principal is None:
        return frozenset(seen)
    if principal.org_id == owner_org_id:
        return frozenset(Audience)
    if owner_org_id in principal.partner_org_ids:
        seen.add(Audience.PARTNERS)
    if principal.org_kind.is_authority:
        seen.update({Audience.AUTHORITIES, Audience.PARTNERS})
    return frozenset(seen)


@dataclass(frozen=True, slots=True)
class Organisation:
    id: int | None
    name_ja: str
    name_en: str
    kind: OrgKind
    corporate_number: str | None = None
    municipality_code: str | None = None
    sector: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    website: str | None = None
    membership_date: dt.date | None = None
    is_demo: bool = False


def validate_organisation(org: Organisation) -> Organisation:
    """Normalise and check an organisation; raises :class:`InvalidInput` naming the field and the fix."""
    name_ja, name_en = org.name_ja.strip(), org.name_en.strip()
    for fname, value in (("name_ja", name_ja), ("name_en", name_en)):
        if not value:
            raise InvalidInput(f"{fname} is empty; give the registered name", code="required", field=fname)
    corp = org.corporate_number
    if corp:
        corp = validate_corporate_number(corp)
    elif org.kind.is_company:
        raise InvalidInput(
            "companies must give their 13-digit corporate number (法人番号)",
            code="required",
            field="corporate_number",
        )
    muni = org.municipality_code
    if muni:
        muni = validate_municipality_code(muni)
    elif org.kind is OrgKind.MUNICIPALITY:
        raise InvalidInput(
            "a municipality needs its 6-digit local government code (全国地方公共団体コード)",
            code="required",
            field="municipality_code",
        )
    if org.contact_email and "@" not in org.contact_email:
        raise InvalidInput(
            "contact_email is not an e-mail address", code="email_format", field="contact_email"
        )
    return Organisation(
        id=org.id,
        name_ja=name_ja,
        name_en=name_en,
        kind=org.kind,
        corporate_number=corp or None,
        municipality_code=muni or None,
        sector=org.sector,
        contact_email=org.contact_email,
        contact_phone=org.contact_phone,
        website=org.website,
        membership_date=org.membership_date,
        is_demo=org.is_demo,
    )


@dataclass(frozen=True, slots=True)
class Facility:
    id: int | None
    org_id: int
    name: str
    kind: FacilityKind
    address: str | None = None
    municipality_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    is_public: bool = True
    capacity_t_per_year: Decimal | None = None
    internal_notes: str | None = None

    def validated(self) -> Facility:
        if not self.name.strip():
            raise InvalidInput("name is empty; give the site's name", code="required", field="name")
        if self.municipality_code:
            validate_municipality_code(self.municipality_code)
        if (self.latitude is None) != (self.longitude is None):
            raise InvalidInput(
                "give both latitude and longitude, or neither", code="coordinates_pair", field="latitude"
            )
        if self.latitude is not None and not -90 <= self.latitude <= 90:
            raise InvalidInput("latitude must be within -90..90 degrees", code="range", field="latitude")
        if self.longitude is not None and not -180 <= self.longitude <= 180:
            raise InvalidInput("longitude must be within -180..180 degrees", code="range", field="longitude")
        if self.capacity_t_per_year is not None and self.capacity_t_per_year < 0:
            raise InvalidInput("capacity cannot be negative", code="range", field="capacity_t_per_year")
        return self


# Allowed partnership transitions: (current status, action) -> (new status, which side may act).
_TRANSITIONS: Mapping[tuple[PartnershipStatus, str], tuple[PartnershipStatus, str]] = {
    (PartnershipStatus.REQUESTED, "accept"): (PartnershipStatus.ACCEPTED, "partner"),
    (PartnershipStatus.REQUESTED, "decline"): (PartnershipStatus.DECLINED, "partner"),
    (PartnershipStatus.REQUESTED, "revoke"): (PartnershipStatus.REVOKED, "either"),
    (PartnershipStatus.ACCEPTED, "revoke"): (PartnershipStatus.REVOKED, "either"),
}


def next_partnership_status(
    current: PartnershipStatus, action: str, *, acting_org: int, requester: int, partner: int
) -> PartnershipStatus:
    """Apply ``action`` (accept, decline, revoke) by ``acting_org``; refuse impossible transitions."""
    rule = _TRANSITIONS.get((current, action))
    if rule is None:
        raise Conflict(
            f"a partnership that is '{current}' cannot be {action}ed; "
            "send a new request if the organisations want to partner again",
            code="partnership_transition",
            field="action",
        )
    new, who = rule
    if acting_org not in (requester, partner):
        raise PermissionDenied("only the two organisations of a partnership can change it")
    if who == "partner" and acting_org != partner:
        raise PermissionDenied(
            f"only the invited organisation can {action} a partnership request",
            code="partnership_side",
        )
    return new


def active_partner_ids(org_id: int, pairs: Iterable[tuple[int, int, str]]) -> frozenset[int]:
    """Partners of ``org_id`` from (requester, partner, status) rows: accepted ones, either direction."""
    out: set[int] = set()
    for a, b, status in pairs:
        if status != PartnershipStatus.ACCEPTED:
            continue
        if a == org_id:
            out.add(b)
        elif b == org_id:
            out.add(a)
    return frozenset(out)
