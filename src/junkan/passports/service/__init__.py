"""Use cases of the passports context: drafts, publishing, versions, withdrawal, and reading with disclosure.

The package's other modules: :mod:`.exports` (UNTP credentials, AAS, QR codes, linksets),
:mod:`.files` (CSV/XLSX template, import and export) and :mod:`.issuing` (signing as the issuer).

Tenant rules (enforced here, for every read and write):

- A passport belongs to the organisation that created it (``issuer`` is its id). Passport ids are unique
  across the platform — a passport id is a unique product identifier (EU ESPR Art. 9(1)(b)) and the key
  components and public URLs refer to — so creating an id that is taken anywhere is a ``Conflict``
  (the answer does not say by whom).
- Drafts are the owner's: anyone else gets ``NotFound`` for them. Published and withdrawn versions are
  public records; what each viewer sees of them is decided by :func:`junkan.passports.disclose` with the
  viewer's audiences from :func:`junkan.members.model.audiences_for` (public, partners, authorities,
  owner). Writes need the owner's ``write`` scope; a visible passport of another organisation answers
  ``PermissionDenied``, an invisible one ``NotFound``.

Components and roll-ups across organisations: a component refers to another passport by id. It
resolves to that passport's newest *published* version (withdrawn counts, drafts never — except the
owner's own drafts while the referring passport is itself a draft, so a whole assembly can be drafted
at once). Publishing *pins* each component to the version it resolved to, so a published passport's
roll-up never changes afterwards. A published passport's composition figures are usable in the
roll-ups of anyone who references it: by publishing, the issuer lets its part be built into other
products. Disclosure applies to *displaying* a passport, never to computing its users' totals; the
referring passport's own disclosure then governs who sees those totals (component contributions are
partners-only by default).

Publishing also issues the passport's public UNTP credential, signed with the owner's key inside the same
unit of work (``junkan.credentials.service.sign_with_org_key``), so the GS1 resolver serves stored bytes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from sqlalchemy.exc import IntegrityError

from junkan.actor import Actor
from junkan.errors import (
    Conflict,
    FieldError,
    InvalidInput,
    JunkanError,
    NotFound,
    PermissionDenied,
    RuleViolation,
)
from junkan.members.model import Principal, Scope, audiences_for
from junkan.pagination import Page, PageRequest
from junkan.passports import versioning
from junkan.passports.codec import passport_from_dict, passport_to_dict
from junkan.passports.composition import Explanation, Rollup, rollup
from junkan.passports.disclosure import RANK, disclose, effective_audience, visible_audiences
from junkan.passports.identifiers import build_digital_link, validate_gtin
from junkan.passports.model import (
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
    Material,
    Passport,
    Recyclability,
    Repairability,
    Status,
)
from junkan.passports.service.issuing import issue_credential
from junkan.store import audit
from junkan.store.members_repo import MembersRepo
from junkan.store.passports_repo import PassportRow, PassportsRepo, Summary
from junkan.store.uow import UnitOfWork

__all__ = [
    "SHAPE",
    "Graph",
    "PassportView",
    "PreconditionFailed",
    "check_passport_id",
    "check_shape",
    "create_draft",
    "diff_versions",
    "digital_link",
    "edit_draft",
    "explain",
    "get_passport",
    "issuers",
    "list_passports",
    "load_graph",
    "lookup_gtin",
    "new_version",
    "publish",
    "top_audience",
    "versions",
    "viewer_audiences",
    "withdraw",
]

_LIFECYCLE: Final = versioning.READ_ONLY - {"id"}


class PreconditionFailed(Conflict):
    """``If-Match`` named a version digest that is no longer the stored one (RFC 9110 §13.1.1)."""

    status = 412
    default_code = "precondition_failed"


# viewers ----------------------------------------------------------------------------------------
def viewer_audiences(principal: Principal | None, owner_org_id: int) -> frozenset[Audience]:
    """The passport audiences of a viewer (the platform operator sees as the owner)."""
    if principal is not None and principal.is_system:
        return frozenset(Audience)
    return visible_audiences(Audience(a.value) for a in audiences_for(principal, owner_org_id))


def top_audience(audiences: frozenset[Audience]) -> Audience:
    return max(audiences, key=lambda a: RANK[a])


def _is_owner(principal: Principal | None, owner_org_id: int) -> bool:
    return principal is not None and (principal.is_system or principal.org_id == owner_org_id)


def _not_found(passport_id: str, version: int | None = None) -> NotFound:
    what = f"passport {passport_id!r}" + (f" version {version}" if version is not None else "")
    return NotFound(
        f"{what} was not found; check the id (drafts are visible to their issuer only)",
        code="passport_not_found",
        field="passport_id",
    )


def _read_row(
    repo: PassportsRepo, actor: Actor, passport_id: str, version: int | None, *, published: bool = False
) -> PassportRow:
    owner = repo.owner_of(passport_id)
    if owner is None:
        raise _not_found(passport_id, version)
    drafts = _is_owner(actor.principal, owner)
    if drafts and actor.principal is not None:
        actor.principal.require(Scope.READ, org_id=owner, action="read your organisation's passports")
    row = (
        repo.latest(passport_id, include_drafts=drafts and not published)
        if version is None
        else repo.get(passport_id, version)
    )
    if row is None or (row.passport.status is Status.DRAFT and not drafts):
        raise _not_found(passport_id, version)
    return row


def _etag_matches(if_match: str, digest: str) -> bool:
    """Whether an ``If-Match`` value names this version digest (any of a list, ``*`` for any)."""
    for tag in if_match.split(","):
        tag = tag.strip().removeprefix("W/").strip('"')
        if tag == "*" or tag.split("-", 1)[0] == digest[:32]:
            return True
    return False


def _write_owner(repo: PassportsRepo, actor: Actor, passport_id: str, action: str) -> int:
    """The owner of ``passport_id`` after checking the actor may write for it."""
    p = actor.signed_in
    owner = repo.owner_of(passport_id)
    if owner is None:
        raise _not_found(passport_id)
    if not _is_owner(p, owner):
        if repo.latest(passport_id, include_drafts=False) is None:
            raise _not_found(passport_id)
        raise PermissionDenied(
            f"passport {passport_id!r} belongs to another organisation; only its issuer can {action} it",
            code="other_organisation",
        )
    p.require(Scope.WRITE, org_id=owner, action=f"{action} passports")
    return owner


# component graphs -------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Graph:
    """The passports a root's components resolve to, by id (first resolution of an id wins)."""

    rows: dict[str, PassportRow]

    def resolve(self, passport_id: str) -> Passport | None:
        row = self.rows.get(passport_id)
        return row.passport if row is not None else None

    def key(self) -> str:
        """A digest of exactly which versions were used (part of draft ETags)."""
        text = ",".join(sorted(f"{pid}/{r.passport.version}" for pid, r in self.rows.items()))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def load_graph(
    repo: PassportsRepo,
    root: Passport,
    *,
    pins: Sequence[int | None] | None = None,
    drafts_of: int | None = None,
) -> Graph:
    """Resolve every component below ``root`` level by level (one query per level and kind).

    Pinned edges load the pinned version; unpinned ones the newest non-draft version (or, for passports of
    ``drafts_of``, the newest version whatever its status).
    """
    comps = root.composition.components
    frontier = list(zip((c.passport_id for c in comps), pins or [None] * len(comps), strict=True))
    rows: dict[str, PassportRow] = {}
    while frontier:
        pinned = {(pid, v) for pid, v in frontier if v is not None and pid not in rows}
        floating = {pid for pid, v in frontier if v is None and pid not in rows}
        new: list[PassportRow] = []
        for (pid, _), row in sorted(repo.get_many(pinned).items()):
            if pid not in rows:
                rows[pid] = row
                new.append(row)
        floating -= set(rows)
        for pid, row in sorted(repo.current_many(floating, drafts_of=drafts_of).items()):
            rows[pid] = row
            new.append(row)
        edges = repo.pins(r.pk for r in new)
        frontier = [edge for r in new for edge in edges[r.pk]]
    return Graph(rows)


def _checked_rollup(passport: Passport, graph: Graph) -> Rollup:
    """The roll-up, refusing missing components and cycles with the component's field named."""
    try:
        return rollup(passport, graph.resolve)
    except InvalidInput as e:
        if e.code == "component_not_found":
            raise InvalidInput(
                e.message.replace("was not found", "was not found or is not published"),
                code=e.code,
                field=e.field,
            ) from None
        raise


def _fields(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in dataclasses.fields(cls))


_TEXT = frozenset({"ja", "en"})
_PARTY = frozenset({"id", "name"})
#: Known keys of a passport document by path (list indices dropped); ``disclosure`` is a free map.
SHAPE: Final[dict[str, frozenset[str]]] = {
    "": _fields(Passport),
    "identity": _fields(Identity),
    "identity.name": _TEXT,
    "identity.description": _TEXT,
    "identity.manufacturer": _PARTY,
    "identity.facility": _PARTY,
    "composition": _fields(Composition),
    "composition.materials": _fields(Material) | {"mass", "unit"},
    "composition.components": _fields(Component),
    "eco_design": _fields(EcoDesign),
    "eco_design.disassembly": _fields(Disassembly),
    "eco_design.durability": _fields(Durability),
    "eco_design.repairability": _fields(Repairability),
    "eco_design.recyclability": _fields(Recyclability),
    "carbon": _fields(CarbonFootprint),
    "claims": _fields(Claim),
}
_ID: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]{0,199}$")


def shape_errors(data: Mapping[str, Any]) -> list[FieldError]:
    """Keys a passport does not have (a typo would otherwise be dropped silently), each named."""
    errors: list[FieldError] = []

    def walk(value: Any, shape_path: str, field: str) -> None:
        if isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, shape_path, f"{field}[{i}]")
            return
        if not isinstance(value, Mapping) or shape_path not in SHAPE:
            return
        allowed = SHAPE[shape_path]
        for key, item in value.items():
            where = f"{field}.{key}" if field else str(key)
            if key not in allowed:
                known = sorted(allowed - _LIFECYCLE) if not shape_path else sorted(allowed)
                errors.append(
                    FieldError(
                        where,
                        "unknown_field",
                        f"{where} is not a passport field; check the spelling "
                        f"(known here: {', '.join(known)})",
                    )
                )
            else:
                walk(item, f"{shape_path}.{key}" if shape_path else str(key), where)

    walk(data, "", "")
    return errors


def check_shape(data: Mapping[str, Any]) -> None:
    errors = shape_errors(data)
    if errors:
        raise _combined(errors)


def _combined(errors: list[FieldError]) -> InvalidInput:
    first = errors[0]
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return InvalidInput(f"{first.field}: {first.message}{more}", code=first.code, errors=errors)


def _parse(doc: Mapping[str, Any], given: Mapping[str, Any]) -> Passport:
    """Read a document, reporting unknown keys of ``given`` together with every codec error."""
    unknown = shape_errors(given)
    try:
        passport = passport_from_dict(doc)
    except InvalidInput as e:
        raise _combined(unknown + e.errors) from None
    if unknown:
        raise _combined(unknown)
    return passport


def _patched(apply: Callable[[], Passport], patch: Mapping[str, Any]) -> Passport:
    """Apply a patch, reporting its unknown keys together with the codec's errors."""
    unknown = shape_errors(patch)
    try:
        result = apply()
    except InvalidInput as e:
        raise _combined(unknown + e.errors) from None
    if unknown:
        raise _combined(unknown)
    return result


def check_passport_id(passport_id: str) -> None:
    """Ids go into URLs and Digital Link linksets: RFC 3986 unreserved characters only."""
    if not _ID.match(passport_id):
        raise InvalidInput(
            f"passport id {passport_id!r} may only use letters, digits and . _ ~ - (up to 200, starting "
            "with a letter or digit), e.g. acme-kettle-2025",
            code="passport_id_format",
            field="id",
        )


def _check_lifecycle_fields(data: Mapping[str, Any]) -> None:
    for key in sorted(_LIFECYCLE & set(data)):
        raise InvalidInput(
            f"{key} is set by junkan (issuer from your organisation, status and versions by the "
            "lifecycle); leave it out",
            code="field_read_only",
            field=key,
        )


# writes -----------------------------------------------------------------------------------------
def create_draft(uow: UnitOfWork, actor: Actor, org_id: int, data: Mapping[str, Any]) -> Passport:
    """Store a new passport as draft version 1 of ``org_id``."""
    actor.signed_in.require(Scope.WRITE, org_id=org_id, action="create passports")
    if not isinstance(data, Mapping):
        raise InvalidInput("a passport is a JSON object", code="not_an_object", field="")
    _check_lifecycle_fields(data)
    doc = {
        **data,
        "issuer": str(org_id),
        "status": Status.DRAFT.value,
        "version": 1,
        "created_at": actor.now.isoformat(),
    }
    passport = _parse(doc, data)
    check_passport_id(passport.id)
    with uow:
        if MembersRepo(uow.conn).get_org(org_id) is None:
            raise NotFound(f"organisation {org_id} does not exist", field="org_id")
        repo = PassportsRepo(uow.conn)
        if repo.owner_of(passport.id) is not None:
            raise _id_taken(passport.id)
        _checked_rollup(passport, load_graph(repo, passport, drafts_of=org_id))
        try:
            repo.insert(org_id, passport, now=actor.now)
        except IntegrityError:
            raise _id_taken(passport.id) from None
        audit.record(
            uow.conn,
            actor,
            action="passport.create",
            entity="passport",
            entity_id=passport.key,
            org_id=org_id,
            changes={
                "name": passport.identity.name.best("en"),
                "kind": passport.kind,
                "level": passport.level,
            },
        )
        uow.commit()
    return passport


def _id_taken(passport_id: str) -> Conflict:
    return Conflict(
        f"passport id {passport_id!r} is already in use; passport ids are unique across junkan, so pick "
        "another (prefix ids with your company or brand name)",
        code="passport_id_taken",
        field="id",
    )


def edit_draft(
    uow: UnitOfWork,
    actor: Actor,
    passport_id: str,
    patch: Mapping[str, Any],
    *,
    if_match: str | None = None,
) -> Passport:
    """Apply a JSON Merge Patch (RFC 7396) to the draft; a published version refuses with ``Conflict``."""
    if not isinstance(patch, Mapping):
        raise InvalidInput("a patch is a JSON object (RFC 7396 merge patch)", code="not_an_object", field="")
    with uow:
        repo = PassportsRepo(uow.conn)
        owner = _write_owner(repo, actor, passport_id, "edit")
        row = repo.latest(passport_id, include_drafts=True)
        assert row is not None
        if if_match is not None and not _etag_matches(if_match, row.digest):
            raise PreconditionFailed(
                "the passport changed since you read it (If-Match does not match its ETag); "
                "read it again and re-apply your change",
                field="If-Match",
            )
        edited = _patched(lambda: versioning.edit_draft(row.passport, patch), patch)
        _checked_rollup(edited, load_graph(repo, edited, drafts_of=owner))
        repo.update(row.pk, edited, now=actor.now)
        repo.replace_components(row.pk, edited)
        audit.record(
            uow.conn,
            actor,
            action="passport.edit",
            entity="passport",
            entity_id=edited.key,
            org_id=owner,
            changes={"patch": dict(patch)},
        )
        uow.commit()
    return edited


def publish(
    uow: UnitOfWork,
    actor: Actor,
    passport_id: str,
    *,
    base_url: str,
    master_secret: bytes,
) -> Passport:
    """Publish the draft: pin its components, check its GS1 key, issue and store its public credential."""
    with uow:
        repo = PassportsRepo(uow.conn)
        owner = _write_owner(repo, actor, passport_id, "publish")
        row = repo.latest(passport_id, include_drafts=True)
        assert row is not None
        published = versioning.publish(row.passport, now=actor.now)
        _check_gs1_key(repo, published, owner)
        graph = load_graph(repo, published)
        for i, comp in enumerate(published.composition.components):
            child = graph.rows.get(comp.passport_id)
            if child is not None and child.passport.status is Status.WITHDRAWN:
                raise RuleViolation(
                    f"component {comp.passport_id!r} was withdrawn by its issuer; replace it before "
                    "publishing",
                    code="component_withdrawn",
                    field=f"composition.components[{i}].passport_id",
                )
        _checked_rollup(published, graph)
        pins = [graph.rows[c.passport_id].passport.version for c in published.composition.components]
        org = MembersRepo(uow.conn).get_org(owner)
        credential = issue_credential(
            uow.conn,
            actor,
            published,
            graph.resolve,
            org_id=owner,
            org_name=org.name_en if org else str(owner),
            base_url=base_url,
            master_secret=master_secret,
        )
        digest = repo.update(row.pk, published, now=actor.now, credential=credential, keep_credential=False)
        repo.replace_components(row.pk, published, pins)
        audit.record(
            uow.conn,
            actor,
            action="passport.publish",
            entity="passport",
            entity_id=published.key,
            org_id=owner,
            changes={
                "digest": digest,
                "pins": {
                    c.passport_id: v for c, v in zip(published.composition.components, pins, strict=True)
                },
                "signed": "proof" in credential,
            },
        )
        uow.commit()
    return published


def _check_gs1_key(repo: PassportsRepo, p: Passport, owner: int) -> None:
    """A GTIN resolves to one organisation's passports, and one GS1 key (GTIN, lot, serial) to one id."""
    ident = p.identity
    if ident.gtin is None:
        return
    for pid, org, lot, serial in repo.gtin_holders(ident.gtin):
        if org != owner:
            raise Conflict(
                f"GTIN {ident.gtin} is already used by another organisation's published passports; a GTIN "
                "belongs to its brand owner — check the number or use your own GS1 company prefix",
                code="gtin_taken",
                field="identity.gtin",
            )
        if pid != p.id and lot == ident.lot and serial == ident.serial:
            raise Conflict(
                f"GTIN {ident.gtin}{f' lot {lot}' if lot else ''}{f' serial {serial}' if serial else ''} "
                f"already identifies passport {pid!r}; publish a new version of it instead, or give this "
                "passport its own lot or serial number",
                code="gs1_key_taken",
                field="identity.lot" if ident.lot else "identity.gtin",
            )


def new_version(uow: UnitOfWork, actor: Actor, passport_id: str, patch: Mapping[str, Any]) -> Passport:
    """A new draft version from the newest published one, with ``patch`` applied."""
    if not isinstance(patch, Mapping):
        raise InvalidInput("a patch is a JSON object (RFC 7396 merge patch)", code="not_an_object", field="")
    with uow:
        repo = PassportsRepo(uow.conn)
        owner = _write_owner(repo, actor, passport_id, "revise")
        newest = repo.latest(passport_id, include_drafts=True)
        assert newest is not None
        if newest.passport.status is Status.DRAFT:
            raise Conflict(
                f"version {newest.passport.version} of {passport_id!r} is still a draft; edit or publish it "
                "instead of starting another version",
                code="draft_exists",
                field="status",
            )
        draft = _patched(lambda: versioning.new_version(newest.passport, patch, now=actor.now), patch)
        _checked_rollup(draft, load_graph(repo, draft, drafts_of=owner))
        try:
            repo.insert(owner, draft, now=actor.now)
        except IntegrityError:
            raise Conflict(
                "another version was created at the same time; reload and try again",
                code="version_conflict",
                field="version",
            ) from None
        changes = versioning.diff(newest.passport, draft)
        audit.record(
            uow.conn,
            actor,
            action="passport.new_version",
            entity="passport",
            entity_id=draft.key,
            org_id=owner,
            changes={"from": newest.passport.version, "changed": [c.path for c in changes]},
        )
        uow.commit()
    return draft


def withdraw(uow: UnitOfWork, actor: Actor, passport_id: str, *, reason: str | None = None) -> Passport:
    """Withdraw the newest published version (e.g. a recall); it stays readable, marked withdrawn."""
    with uow:
        repo = PassportsRepo(uow.conn)
        owner = _write_owner(repo, actor, passport_id, "withdraw")
        row = repo.latest(passport_id, include_drafts=False)
        if row is None:
            raise Conflict(
                f"{passport_id!r} has no published version to withdraw; a draft can simply be left "
                "unpublished",
                code="passport_not_published",
                field="status",
            )
        withdrawn = versioning.withdraw(row.passport, now=actor.now)
        repo.update(row.pk, withdrawn, now=actor.now)
        audit.record(
            uow.conn,
            actor,
            action="passport.withdraw",
            entity="passport",
            entity_id=withdrawn.key,
            org_id=owner,
            changes={"reason": reason},
        )
        uow.commit()
    return withdrawn


# reads ------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PassportView:
    """One version as one viewer may see it."""

    summary: Summary
    passport: Passport
    org_name: tuple[str, str]
    audiences: frozenset[Audience]
    document: dict[str, Any]  # disclosed, with composition.rollup when it could be computed
    rollup: Rollup | None
    rollup_error: JunkanError | None
    graph: Graph
    etag: str
    credential: dict[str, Any] | None = None  # the public credential issued at publishing

    @property
    def top(self) -> Audience:
        return top_audience(self.audiences)

    def shows(self, path: str) -> bool:
        """Whether the viewer may see the value at a dotted path of this passport."""
        rules = self.passport.disclosure_map()
        rules.setdefault("disclosure", Audience.OWNER)
        return RANK[effective_audience(path, rules)] <= RANK[self.top]


def _pins_of(repo: PassportsRepo, row: PassportRow) -> list[int | None] | None:
    if row.passport.status is Status.DRAFT:
        return None
    return [v for _, v in repo.pins([row.pk])[row.pk]]


def _view(repo: PassportsRepo, actor: Actor, row: PassportRow) -> PassportView:
    audiences = viewer_audiences(actor.principal, row.org_id)
    draft = row.passport.status is Status.DRAFT
    graph = load_graph(repo, row.passport, pins=_pins_of(repo, row), drafts_of=row.org_id if draft else None)
    r: Rollup | None = None
    error: JunkanError | None = None
    try:
        r = rollup(row.passport, graph.resolve)
    except JunkanError as e:  # a draft may be incomplete; show it with the reason instead of failing
        error = e
    top = top_audience(audiences)
    # The version digest, then what else shapes the answer: the viewer's audience and the component
    # versions the roll-up used (they can change under a draft). If-Match compares the digest part.
    etag = f"{row.digest[:32]}-{top.value}-{graph.key()[:8]}"
    names = repo.org_names([row.org_id]).get(row.org_id, (str(row.org_id), str(row.org_id)))
    return PassportView(
        summary=row.summary,
        passport=row.passport,
        org_name=names,
        audiences=audiences,
        document=disclose(row.passport, audiences, rollup=r),
        rollup=r,
        rollup_error=error,
        graph=graph,
        etag=f'"{etag}"',
        credential=row.credential,
    )


def get_passport(
    uow: UnitOfWork,
    actor: Actor,
    passport_id: str,
    version: int | None = None,
    *,
    published: bool = False,
) -> PassportView:
    """The newest version the actor may see (or ``version``), disclosed for the actor; with
    ``published``, the newest published or withdrawn one (what exports start from)."""
    with uow:
        repo = PassportsRepo(uow.conn)
        return _view(repo, actor, _read_row(repo, actor, passport_id, version, published=published))


def lookup_gtin(
    uow: UnitOfWork, actor: Actor, gtin: str, lot: str | None = None, serial: str | None = None
) -> PassportView:
    """The passport a GS1 key resolves to, walking up (serial → lot → GTIN) like a GS1 resolver."""
    try:
        g14 = validate_gtin(gtin)
    except InvalidInput as e:
        raise NotFound(e.message, code="gtin_not_found", field="gtin") from None
    with uow:
        repo = PassportsRepo(uow.conn)
        for key in dict.fromkeys([(lot, serial), (lot, None), (None, None)]):
            row = repo.by_gtin(g14, *key)
            if row is not None:
                return _view(repo, actor, row)
    raise NotFound(
        f"no published passport for GTIN {g14}"
        + (f" lot {lot}" if lot else "")
        + (f" serial {serial}" if serial else ""),
        code="gtin_not_found",
        field="gtin",
    )


def list_passports(
    uow: UnitOfWork,
    actor: Actor,
    page: PageRequest,
    *,
    org_id: int | None = None,
    status: str | None = None,
    category: str | None = None,
    kind: str | None = None,
    gtin: str | None = None,
    q: str | None = None,
) -> Page[dict[str, Any]]:
    """Newest visible version of each passport: published ones of everyone, drafts of the own org."""
    if status is not None and status not in {s.value for s in Status}:
        raise InvalidInput(
            f"unknown status {status!r}; use draft, published or withdrawn", code="choice", field="status"
        )
    if kind is not None and kind not in {k.value for k in Kind}:
        raise InvalidInput(f"unknown kind {kind!r}; use product or material", code="choice", field="kind")
    g14 = None
    if gtin:
        g14 = validate_gtin(gtin, field="gtin")
    p = actor.principal
    with uow:
        repo = PassportsRepo(uow.conn)
        res = repo.search(
            page,
            viewer_org=p.org_id if p is not None else None,
            all_drafts=p is not None and p.is_system,
            org_id=org_id,
            status=status,
            category=(category or "").replace(".", "").strip() or None,
            kind=kind,
            gtin=g14,
            q=(q or "").strip() or None,
        )
        names = repo.org_names(s.org_id for s in res.items)
    items = [
        {**s.as_dict(), "organisation": dict(zip(("ja", "en"), names.get(s.org_id, ("", "")), strict=True))}
        for s in res.items
    ]
    return Page(items, res.total, res.limit, res.offset)


def issuers(uow: UnitOfWork, actor: Actor) -> list[tuple[int, str, str]]:
    """Organisations with passports the actor may list (id, name ja, name en), for filters."""
    p = actor.principal
    with uow:
        repo = PassportsRepo(uow.conn)
        ids = repo.issuer_ids(viewer_org=p.org_id if p is not None else None)
        names = repo.org_names(ids)
    return sorted(((i, *names.get(i, (str(i), str(i)))) for i in ids), key=lambda r: r[2])


def versions(uow: UnitOfWork, actor: Actor, passport_id: str) -> list[Summary]:
    """The version history the actor may see (drafts for the owner only), oldest first."""
    with uow:
        repo = PassportsRepo(uow.conn)
        _read_row(repo, actor, passport_id, None)
        owner = repo.owner_of(passport_id)
        return repo.versions(
            passport_id, include_drafts=owner is not None and _is_owner(actor.principal, owner)
        )


def _diff(old: Any, new: Any, path: str, out: list[dict[str, Any]]) -> None:
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        if old.get("masked") is True or new.get("masked") is True:
            if old != new:
                out.append({"path": path, "old": old, "new": new})
            return
        for key in sorted(set(old) | set(new), key=str):
            _diff(old.get(key), new.get(key), f"{path}.{key}" if path else str(key), out)
    elif isinstance(old, list) and isinstance(new, list):
        for i in range(max(len(old), len(new))):
            _diff(old[i] if i < len(old) else None, new[i] if i < len(new) else None, f"{path}[{i}]", out)
    elif old != new:
        out.append({"path": path, "old": old, "new": new})


def diff_versions(
    uow: UnitOfWork, actor: Actor, passport_id: str, old: int, new: int
) -> list[dict[str, Any]]:
    """Field-by-field changes between two versions, computed on what the actor may see of each."""
    with uow:
        repo = PassportsRepo(uow.conn)
        a = _read_row(repo, actor, passport_id, old)
        b = _read_row(repo, actor, passport_id, new)
    audiences = viewer_audiences(actor.principal, a.org_id)
    left, right = disclose(a.passport, audiences), disclose(b.passport, audiences)
    for key in versioning.READ_ONLY - {"id", "issuer"}:
        left.pop(key, None)
        right.pop(key, None)
    out: list[dict[str, Any]] = []
    _diff(left, right, "", out)
    return out


# explanations -----------------------------------------------------------------------------------
def _mask(audience: Audience, top: Audience) -> dict[str, Any]:
    return {
        "masked": True,
        "audience": audience.value,
        "reason": f"visible to {audience.value} and above; you are viewing as {top.value}",
    }


#: Which disclosure path guards each input of an explanation, by the start of the input's name.
_TOTAL_PATHS: Final = {
    "mass of": "composition.rollup.total_mass_kg",
    "total mass": "composition.rollup.total_mass_kg",
    "pre-consumer": "composition.rollup.recycled_mass_kg",
    "post-consumer": "composition.rollup.recycled_mass_kg",
    "hazardous": "composition.rollup.hazardous_mass_kg",
}
_CLASS_PATHS: Final = {
    "mass of": "composition.rollup.by_class.mass_kg",
    "pre-consumer": "composition.rollup.by_class.recycled_mass_kg",
    "post-consumer": "composition.rollup.by_class.recycled_mass_kg",
}


def _explanation(
    e: Explanation, view: PassportView, value_path: str, input_paths: Mapping[str, str]
) -> dict[str, Any]:
    rules = view.passport.disclosure_map()

    def guarded(path: str, value: Any) -> Any:
        audience = effective_audience(path, rules)
        return value if RANK[audience] <= RANK[view.top] else _mask(audience, view.top)

    inputs = []
    for i in e.inputs:
        path = next((p for key, p in input_paths.items() if i.name.startswith(key)), "composition.rollup")
        inputs.append(
            {"name": i.name, "value": guarded(path, str(i.value)), "unit": i.unit, "source": i.source}
        )
    contributions = guarded(
        "composition.rollup.contributions",
        [
            {
                "path": c.path,
                "ref": c.ref,
                "quantity": str(c.quantity),
                "mass_kg": str(c.mass_kg),
                "recycled_mass_kg": str(c.recycled_mass_kg),
            }
            for c in e.contributions
        ],
    )
    return {
        "figure": e.figure,
        "value": guarded(value_path, str(e.value)),
        "unit": e.unit,
        "formula": e.formula,
        "inputs": inputs,
        "contributions": contributions,
        "sources": list(e.sources),
    }


def explain(view: PassportView) -> dict[str, Any]:
    """Every roll-up figure of a view with its explanation, masked where the viewer may not look."""
    r = view.rollup
    if r is None:
        err = view.rollup_error
        return {
            "available": False,
            "error": {"code": err.code, "field": err.field, "message": err.message} if err else None,
        }
    return {
        "available": True,
        "figures": view.document["composition"].get("rollup"),
        "explanations": {
            "recycled_share": _explanation(
                r.explain("recycled_share"), view, "composition.rollup.recycled_share", _TOTAL_PATHS
            ),
            "total_mass_kg": _explanation(
                r.explain("total_mass_kg"), view, "composition.rollup.total_mass_kg", _TOTAL_PATHS
            ),
            "hazardous_mass_kg": _explanation(
                r.explain("hazardous_mass_kg"), view, "composition.rollup.hazardous_mass_kg", _TOTAL_PATHS
            ),
        },
        "by_class": {
            name: _explanation(
                r.explain("recycled_share", name),
                view,
                "composition.rollup.by_class.recycled_share",
                _CLASS_PATHS,
            )
            for name in r.by_class
        },
    }


def share_percent(value: Decimal) -> str:
    """A share as a percentage with up to two decimals (34.75 %), for pages."""
    return f"{(value * 100).quantize(Decimal('0.01')).normalize():f}"


def digital_link(passport: Passport, *, base_url: str) -> str:
    """Where the passport's QR code points: its GS1 Digital Link on this platform, or its public page."""
    ident = passport.identity
    if ident.gtin:
        return build_digital_link(ident.gtin, lot=ident.lot, serial=ident.serial, base=base_url).uri
    from urllib.parse import quote

    return f"{base_url.rstrip('/')}/passports/{quote(passport.id, safe='')}/view"


def passport_document(passport: Passport) -> dict[str, Any]:
    """The stored (owner's) form of a version."""
    return passport_to_dict(passport)
