"""The book-and-claim certificate register: issue, transfer, retire and read certificates (ISO 22095 5.6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from junkan.actor import Actor
from junkan.custody.book_and_claim import Certificate, CertificateRegister
from junkan.custody.model import Characteristic, kg
from junkan.custody.service.accounts import SCHEME
from junkan.custody.service.postings import own_event
from junkan.errors import InvalidInput, NotFound
from junkan.members.model import Principal, Scope
from junkan.store import audit
from junkan.store.custody_repo import CustodyRepo
from junkan.store.trace_repo import TraceRepo
from junkan.store.uow import UnitOfWork
from junkan.trace.units import grams

__all__ = [
    "certificate_view",
    "get_certificate",
    "issue_certificate",
    "list_certificates",
    "retire_certificate",
    "transfer_certificate",
]


def _cert(repo: CustodyRepo, key: str, p: Principal) -> tuple[int, Certificate]:
    found = repo.certificate(key)
    if found is None or not (
        p.is_system or str(p.org_id) in (found[1].holder, found[1].issuer) or p.org_kind.is_authority
    ):
        raise NotFound(f"no certificate '{key}'", code="certificate_not_found", field="certificate_id")
    return found


def certificate_view(cid: int, c: Certificate, history: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": c.id,
        "issuer_org_id": int(c.issuer),
        "holder_org_id": int(c.holder),
        "kg": str(kg(c.grams)),
        "characteristic": c.characteristic.value,
        "material_group": c.material_group,
        "production_period": str(c.production_period),
        "event_ids": list(c.event_ids),
        "retired": c.retired,
        "retired_for": c.retired_for,
        "retired_at": c.retired_at,
        "history": [
            {"action": h["action"], "by_org_id": h["by_org_id"], "to": h["to"], "time": h["time"]}
            for h in history
        ],
    }


def issue_certificate(
    uow: UnitOfWork,
    actor: Actor,
    org_id: int,
    *,
    certificate_id: str,
    mass_kg: Decimal,
    characteristic: Characteristic,
    material_group: str,
    period_start: dt.date,
    event_ids: Sequence[str] = (),
) -> dict[str, Any]:
    """Issue a book-and-claim certificate for production of ``org_id`` (ISO 22095 clause 5.6)."""
    actor.signed_in.require(Scope.WRITE, org_id=org_id, action="issue certificates")
    with uow:
        repo, trace = CustodyRepo(uow.conn), TraceRepo(uow.conn)
        for i, e in enumerate(event_ids):
            own_event(trace, org_id, e, f"event_ids[{i}]")
        cert = Certificate(
            certificate_id,
            str(org_id),
            str(org_id),
            grams(mass_kg),
            characteristic,
            material_group,
            SCHEME.period_of(period_start),
            tuple(event_ids),
        )
        found = repo.certificate(certificate_id)
        register = CertificateRegister()
        if found is not None:
            register.certificates[certificate_id] = found[1]
        out = register.issue(cert, time=actor.now)
        if found is None:
            cid = repo.add_certificate(out, now=actor.now)
            repo.add_history(
                certificate_id=cid, action="issue", by_org_id=org_id, to=str(org_id), time=actor.now
            )
            audit.record(
                uow.conn,
                actor,
                action="custody.certificate.issue",
                entity="certificate",
                entity_id=certificate_id,
                org_id=org_id,
                changes={"grams": cert.grams},
            )
        else:
            cid = found[0]
        uow.commit()
        return certificate_view(cid, out, repo.history(cid))


def _move(uow: UnitOfWork, actor: Actor, key: str, action: str, to: str) -> dict[str, Any]:
    p = actor.signed_in
    with uow:
        repo = CustodyRepo(uow.conn)
        cid, cert = _cert(repo, key, p)
        p.require(Scope.WRITE, org_id=int(cert.holder), action=f"{action} a certificate")
        register = CertificateRegister(certificates={key: cert})
        if action == "transfer":
            if not to.isdigit() or not TraceRepo(uow.conn).existing_org_ids([int(to)]):
                raise InvalidInput(
                    "to_org_id must be a registered organisation", code="unknown_org", field="to_org_id"
                )
            new = register.transfer(key, holder=cert.holder, to=to, time=actor.now)
        else:
            new = register.retire(key, holder=cert.holder, beneficiary=to, time=actor.now)
        repo.save_certificate(cid, new)
        repo.add_history(certificate_id=cid, action=action, by_org_id=int(cert.holder), to=to, time=actor.now)
        audit.record(
            uow.conn,
            actor,
            action=f"custody.certificate.{action}",
            entity="certificate",
            entity_id=key,
            org_id=int(cert.holder),
            changes={"to": to},
        )
        uow.commit()
        return certificate_view(cid, new, repo.history(cid))


def transfer_certificate(uow: UnitOfWork, actor: Actor, key: str, *, to_org_id: int) -> dict[str, Any]:
    return _move(uow, actor, key, "transfer", str(to_org_id))


def retire_certificate(uow: UnitOfWork, actor: Actor, key: str, *, beneficiary: str) -> dict[str, Any]:
    if not beneficiary.strip():
        raise InvalidInput("name the beneficiary of the claim", code="required", field="beneficiary")
    return _move(uow, actor, key, "retire", beneficiary.strip()[:300])


def get_certificate(uow: UnitOfWork, actor: Actor, key: str) -> dict[str, Any]:
    with uow:
        repo = CustodyRepo(uow.conn)
        cid, cert = _cert(repo, key, actor.signed_in)
        return certificate_view(cid, cert, repo.history(cid))


def list_certificates(uow: UnitOfWork, actor: Actor, org_id: int) -> list[dict[str, Any]]:
    p = actor.signed_in
    p.require(Scope.READ, action="read certificates")
    if not (p.is_system or p.org_id == org_id):
        raise NotFound(f"organisation {org_id}'s certificates are not visible to you", field="org_id")
    with uow:
        rows = CustodyRepo(uow.conn).certificates_of(org_id)
    return [
        {
            "id": r["key"],
            "issuer_org_id": r["issuer_org_id"],
            "holder_org_id": r["holder_org_id"],
            "kg": str(kg(int(r["grams"]))),
            "characteristic": r["characteristic"],
            "material_group": r["material_group"],
            "retired": r["retired_at"] is not None,
            "retired_for": r["retired_for"],
        }
        for r in rows
    ]
