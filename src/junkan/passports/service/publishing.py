"""Publishing and withdrawing passport versions.

Publishing pins each component to the version it resolved to, checks the GS1 key, and issues the
passport's public UNTP credential, signed with the owner's key inside the same unit of work
(``junkan.credentials.service.sign_with_org_key``), so the GS1 resolver serves stored bytes. Withdrawing
(e.g. a recall) keeps the version readable, marked withdrawn.
"""

from __future__ import annotations

from junkan.actor import Actor
from junkan.errors import Conflict, RuleViolation
from junkan.passports import versioning
from junkan.passports.model import Passport, Status
from junkan.passports.service.access import writable_newest, write_owner
from junkan.passports.service.graphs import checked_rollup, load_graph
from junkan.passports.service.issuing import issue_credential
from junkan.store import audit
from junkan.store.members_repo import MembersRepo
from junkan.store.passports_repo import PassportsRepo
from junkan.store.uow import UnitOfWork

__all__ = ["publish", "withdraw"]


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
        owner, row = writable_newest(repo, actor, passport_id, "publish")
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
        checked_rollup(published, graph)
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


def withdraw(uow: UnitOfWork, actor: Actor, passport_id: str, *, reason: str | None = None) -> Passport:
    """Withdraw the newest published version (e.g. a recall); it stays readable, marked withdrawn."""
    with uow:
        repo = PassportsRepo(uow.conn)
        owner = write_owner(repo, actor, passport_id, "withdraw")
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
