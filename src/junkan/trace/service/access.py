"""Who may read what of an organisation's traceability records (the rules every trace read enforces).

An organisation sees all its own events, lots, trades, imports and provenance; an accepted trading partner
sees the shipments and receipts between the two (never the rest of the ledger); regulators and certifiers
verify ledgers (and read custody accounts, see ``junkan.custody.service``). Everyone else gets
``NotFound``, so a record's existence does not leak.
"""

from __future__ import annotations

from junkan.errors import NotFound
from junkan.members.model import Principal, Scope

__all__ = ["can_read_org", "can_verify", "owner_or_partner", "require_own"]


def can_read_org(p: Principal | None, org_id: int) -> bool:
    return p is not None and (p.is_system or p.org_id == org_id)


def owner_or_partner(p: Principal, org_id: int) -> int | None:
    """None when ``p`` reads as the owner; the partner's org id when it reads as a trading partner."""
    if p.is_system or p.org_id == org_id:
        return None
    if org_id in p.partner_org_ids:
        return p.org_id
    raise NotFound(
        f"organisation {org_id}'s traceability records are not visible to you",
        code="not_found",
        field="org_id",
    )


def require_own(p: Principal, org_id: int, what: str) -> None:
    p.require(Scope.READ, action=f"read {what}")
    if not (p.is_system or p.org_id == org_id):
        raise NotFound(f"organisation {org_id}'s {what} are not visible to you", field="org_id")


def can_verify(p: Principal, org_id: int) -> None:
    p.require(Scope.READ, action="verify a ledger")
    if not (p.is_system or p.org_id == org_id or p.org_kind.is_authority):
        raise NotFound(f"organisation {org_id}'s ledger is not visible to you", field="org_id")
