"""Reading passports as one viewer may see them: one version, a GS1 key's passport, lists, issuers.

A published passport's composition figures are usable in the roll-ups of anyone who references it: by
publishing, the issuer lets its part be built into other products. Disclosure applies to *displaying* a
passport, never to computing its users' totals; the referring passport's own disclosure then governs who
sees those totals (component contributions are partners-only by default).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from junkan.actor import Actor
from junkan.errors import InvalidInput, JunkanError, NotFound
from junkan.pagination import Page, PageRequest
from junkan.passports.codec import passport_to_dict
from junkan.passports.composition import Rollup, rollup
from junkan.passports.disclosure import RANK, disclose, effective_audience
from junkan.passports.identifiers import build_digital_link, validate_gtin
from junkan.passports.model import Audience, Kind, Passport, Status
from junkan.passports.service.access import readable_row, top_audience, viewer_audiences
from junkan.passports.service.graphs import Graph, load_graph
from junkan.store.passports_repo import PassportRow, PassportsRepo, Summary
from junkan.store.uow import UnitOfWork

__all__ = [
    "PassportView",
    "digital_link",
    "get_passport",
    "gs1_keys",
    "issuers",
    "list_passports",
    "lookup_gtin",
    "passport_document",
    "share_percent",
]


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
        return _view(repo, actor, readable_row(repo, actor, passport_id, version, published=published))


def gs1_keys(
    gtin: str, lot: str | None, serial: str | None
) -> tuple[str, list[tuple[str | None, str | None]]]:
    """The GTIN-14 and the (lot, serial) keys a GS1 resolver walks up, most specific first (serial → lot →
    GTIN); a malformed GTIN answers ``NotFound`` like an unknown one."""
    try:
        g14 = validate_gtin(gtin)
    except InvalidInput as e:
        raise NotFound(e.message, code="gtin_not_found", field="gtin") from None
    return g14, list(dict.fromkeys([(lot, serial), (lot, None), (None, None)]))


def lookup_gtin(
    uow: UnitOfWork, actor: Actor, gtin: str, lot: str | None = None, serial: str | None = None
) -> PassportView:
    """The passport a GS1 key resolves to, walking up (serial → lot → GTIN) like a GS1 resolver."""
    g14, keys = gs1_keys(gtin, lot, serial)
    with uow:
        repo = PassportsRepo(uow.conn)
        for key in keys:
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
