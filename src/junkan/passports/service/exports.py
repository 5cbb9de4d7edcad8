"""Use cases that hand a passport out: UNTP credentials, Asset Administration Shells, QR codes, linksets.

Every export starts from what the caller may see (:func:`junkan.passports.service.get_passport`) and
only from a published or withdrawn version. A caller may ask for an audience up to its own (a partner
may export the partners view, never the owner's); the default is public.

The public UNTP credential is issued and signed once, when the version is published, and served as
stored (the GS1 resolver's JSON-LD answer). Credentials for other audiences are built on request and
returned *unsigned* by ``GET``; the issuer signs one with :func:`issue_for_audience` (a ``POST``: it
enters the issuer's register of issued credentials).
"""

from __future__ import annotations

from typing import Any, Final
from urllib.parse import quote

from junkan.actor import Actor
from junkan.errors import InvalidInput, NotFound, PermissionDenied
from junkan.members.model import Scope
from junkan.passports import aas, qr, versioning
from junkan.passports.disclosure import RANK
from junkan.passports.identifiers import passport_linkset
from junkan.passports.model import Audience, Status
from junkan.passports.service.issuing import build_credential, issue_credential
from junkan.passports.service.reads import PassportView, digital_link, get_passport, gs1_keys
from junkan.store import audit
from junkan.store.passports_repo import PassportsRepo
from junkan.store.uow import UnitOfWork

__all__ = [
    "QR_FORMATS",
    "aas_export",
    "issue_for_audience",
    "linkset_for",
    "public_credential_by_gtin",
    "qr_image",
    "untp_export",
]

QR_FORMATS: Final = {"svg": "image/svg+xml", "png": "image/png"}


def _audience(view: PassportView, wanted: str | None) -> Audience:
    if wanted is None or wanted == "":
        return Audience.PUBLIC
    try:
        audience = Audience(wanted)
    except ValueError:
        raise InvalidInput(
            f"unknown audience {wanted!r}; use public, partners, authorities or owner",
            code="choice",
            field="audience",
        ) from None
    if RANK[audience] > RANK[view.top]:
        raise PermissionDenied(
            f"you see this passport as {view.top.value} and cannot export the {audience.value} view; "
            f"ask for audience={view.top.value} or lower",
            code="audience_not_held",
            field="audience",
        )
    return audience


def untp_export(
    uow: UnitOfWork,
    actor: Actor,
    passport_id: str,
    *,
    version: int | None,
    audience: str | None,
    base_url: str,
) -> tuple[dict[str, Any], PassportView]:
    """The UNTP DPP credential: the stored signed one for the public, an unsigned one for other views."""
    view = get_passport(uow, actor, passport_id, version, published=True)
    versioning.ensure_exportable(view.passport)
    chosen = _audience(view, audience)
    if chosen is Audience.PUBLIC and view.credential is not None:
        return view.credential, view
    credential = build_credential(
        view.passport,
        view.graph.resolve,
        org_id=view.summary.org_id,
        org_name=view.org_name[1],
        base_url=base_url,
        audience=chosen,
    )
    return credential, view


def issue_for_audience(
    uow: UnitOfWork,
    actor: Actor,
    passport_id: str,
    *,
    version: int | None,
    audience: str,
    base_url: str,
    master_secret: bytes,
) -> dict[str, Any]:
    """Sign a credential of one published version for one audience, as its issuer (owner's editors)."""
    view = get_passport(uow, actor, passport_id, version, published=True)
    p = actor.signed_in
    if not (p.is_system or p.org_id == view.summary.org_id):
        raise PermissionDenied(
            "only the passport's issuer can issue signed credentials of it; ask the issuer, or use the "
            "public credential",
            code="other_organisation",
        )
    p.require(Scope.WRITE, org_id=view.summary.org_id, action="issue credentials")
    versioning.ensure_exportable(view.passport)
    chosen = _audience(view, audience)
    with uow:
        signed = issue_credential(
            uow.conn,
            actor,
            view.passport,
            view.graph.resolve,
            org_id=view.summary.org_id,
            org_name=view.org_name[1],
            base_url=base_url,
            master_secret=master_secret,
            audience=chosen,
        )
        audit.record(
            uow.conn,
            actor,
            action="passport.issue_credential",
            entity="passport",
            entity_id=view.passport.key,
            org_id=view.summary.org_id,
            changes={"audience": chosen},
        )
        uow.commit()
    return signed


def public_credential_by_gtin(
    uow: UnitOfWork, gtin: str, lot: str | None, serial: str | None
) -> tuple[str | None, str, str]:
    """The stored public credential (JSON text) a GS1 key resolves to, walking up serial → lot → GTIN,
    with its ETag and passport id; ``None`` as credential for a version that predates stored ones."""
    g14, keys = gs1_keys(gtin, lot, serial)
    with uow:
        repo = PassportsRepo(uow.conn)
        for key in keys:
            found = repo.credential_by_gtin(g14, *key)
            if found is not None:
                pid, digest, credential = found
                return credential, f'"{digest[:32]}.ld"', pid
    raise NotFound(f"no published passport for GTIN {g14}", code="gtin_not_found", field="gtin")


def aas_export(
    uow: UnitOfWork,
    actor: Actor,
    passport_id: str,
    *,
    version: int | None,
    audience: str | None,
    base_url: str,
    package: bool,
) -> tuple[bytes, PassportView]:
    """The Asset Administration Shell as AAS JSON, or as an AASX package when ``package``."""
    view = get_passport(uow, actor, passport_id, version, published=True)
    versioning.ensure_exportable(view.passport)
    chosen = _audience(view, audience)
    kw: dict[str, Any] = {"base_url": base_url, "link_base": base_url, "audience": chosen}
    if package:
        return aas.to_aasx(view.passport, view.graph.resolve, **kw), view
    return aas.to_aas_json(view.passport, view.graph.resolve, **kw).encode(), view


def qr_image(
    uow: UnitOfWork, actor: Actor, passport_id: str, *, fmt: str, base_url: str, scale: int = 6
) -> tuple[bytes, str, str]:
    """The QR code of the passport's Digital Link: (image bytes, media type, the encoded link)."""
    if fmt not in QR_FORMATS:
        raise InvalidInput(f"unknown QR format {fmt!r}; use svg or png", code="choice", field="format")
    if not 1 <= scale <= 40:
        raise InvalidInput("scale must be 1 to 40 pixels per module", code="range", field="scale")
    view = get_passport(uow, actor, passport_id)
    link = digital_link(view.passport, base_url=base_url)
    name = view.passport.identity.name.best("en")
    image = qr.qr_svg(link, scale=scale, title=name) if fmt == "svg" else qr.qr_png(link, scale=scale)
    return image, QR_FORMATS[fmt], link


def linkset_for(view: PassportView, *, base_url: str) -> dict[str, Any]:
    """The RFC 9264 linkset of a passport: its page, its credential and its shell."""
    base = base_url.rstrip("/")
    pid = quote(view.passport.id, safe="")
    anchor = digital_link(view.passport, base_url=base_url)
    published = view.passport.status is not Status.DRAFT
    return passport_linkset(
        anchor,
        page_url=f"{base}/passports/{pid}/view",
        credential_url=f"{base}/api/v1/passports/{pid}/untp" if published else None,
        aas_url=f"{base}/api/v1/passports/{pid}/aas" if published else None,
    )
