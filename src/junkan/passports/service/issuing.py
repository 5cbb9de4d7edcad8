"""Issuing a passport's UNTP credential as its organisation (service-side: runs in the caller's unit of work).

The credential is built by :func:`junkan.passports.untp.to_untp_credential` for one audience and signed by
:func:`junkan.credentials.service.sign_with_org_key` with the issuer's Ed25519 key (Data Integrity proof,
``eddsa-jcs-2022``), which also records it in the issuer's register and the audit log. Product ids in the
credential are GS1 Digital Links on this platform (``base_url``), so they resolve to the passport.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from junkan.actor import Actor
from junkan.credentials.service import host_from_base_url, org_did_for, sign_with_org_key
from junkan.passports.composition import Resolver
from junkan.passports.model import Audience, Passport
from junkan.passports.untp import to_untp_credential

__all__ = ["build_credential", "issue_credential"]


def build_credential(
    passport: Passport,
    resolve: Resolver,
    *,
    org_id: int,
    org_name: str,
    base_url: str,
    audience: Audience = Audience.PUBLIC,
) -> dict[str, Any]:
    """The unsigned UNTP DPP credential of a published version, restricted to ``audience``."""
    did = org_did_for(org_id, host=host_from_base_url(base_url))
    return to_untp_credential(
        passport,
        resolve,
        issuer_did=did,
        issuer_name=org_name,
        base_url=base_url,
        link_base=base_url,
        audience=audience,
    )


def issue_credential(
    conn: Connection,
    actor: Actor,
    passport: Passport,
    resolve: Resolver,
    *,
    org_id: int,
    org_name: str,
    base_url: str,
    master_secret: bytes,
    audience: Audience = Audience.PUBLIC,
) -> dict[str, Any]:
    """The credential signed as ``org_id`` inside the open transaction on ``conn`` (not committed)."""
    credential = build_credential(
        passport, resolve, org_id=org_id, org_name=org_name, base_url=base_url, audience=audience
    )
    return sign_with_org_key(
        conn,
        org_id,
        credential,
        master_secret=master_secret,
        host=host_from_base_url(base_url),
        now=actor.now,
        actor=actor,
    )
