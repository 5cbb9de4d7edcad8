"""Recycled-content claims as unsigned W3C Verifiable Credentials 2.0.

The credential states what was claimed (lot, characteristic, mass, share of the lot), under which chain-of-
custody model (ISO 22095:2020) and with what evidence: the account statement of the period, identified by
a SHA-256 digest of its canonical JSON, and the credit ids and event ids the claim consumed. Recycled
content is declared in the sense of ISO 14021:2016 clause 7.8 (pre-/post-consumer). ``junkan.credentials``
signs the returned dict; nothing here holds keys.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from junkan.custody.model import AccountStatement, CoCModel, Entry, EntryKind, kg
from junkan.errors import InvalidInput

__all__ = ["recycled_content_claim", "statement_digest"]

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"


def statement_digest(statement: AccountStatement) -> str:
    """``sha256:`` + hex digest of the statement's canonical JSON (sorted keys, compact, UTF-8)."""
    text = json.dumps(statement.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def recycled_content_claim(
    claim: Entry,
    statement: AccountStatement,
    *,
    issuer_id: str,
    credential_id: str,
    valid_from: datetime,
    lot_masses_kg: dict[str, Any] | None = None,
    statement_url: str | None = None,
    model: CoCModel = CoCModel.MASS_BALANCE,
) -> dict[str, Any]:
    """An unsigned VC 2.0 for a claim entry, with the account statement as evidence."""
    if claim.kind is not EntryKind.CLAIM:
        raise InvalidInput(
            "only claim entries can become claim credentials", code="not_a_claim", field="claim"
        )
    if claim not in statement.entries:
        raise InvalidInput(
            "give the statement of the claim's own account and period (closing.statement)",
            code="statement_mismatch",
            field="statement",
        )
    masses = lot_masses_kg or {}
    lots = [
        {"lotId": lot, "claimedMassKg": str(kg(g))}
        | (
            {"lotMassKg": str(masses[lot]), "share": str((kg(g) / masses[lot]).quantize(kg(1)))}
            if lot in masses
            else {}
        )
        for lot, g in claim.lots
    ]
    evidence: dict[str, Any] = {
        "type": ["Evidence", "AccountStatement"],
        "name": f"mass-balance account statement {statement.account} {statement.period}",
        "digest": statement_digest(statement),
        "statement": statement.to_dict(),
    }
    if statement_url:
        evidence["id"] = statement_url
    return {
        "@context": [VC_CONTEXT],
        "type": ["VerifiableCredential", "RecycledContentClaimCredential"],
        "id": credential_id,
        "issuer": issuer_id,
        "validFrom": valid_from.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "credentialSubject": {
            "type": ["RecycledContentClaim"],
            "claimId": claim.id,
            "characteristic": claim.account.characteristic.value,
            "materialGroup": claim.account.material_group,
            "site": claim.account.site,
            "organisation": claim.account.organisation,
            "chainOfCustodyModel": model.value,
            "standard": "ISO 22095:2020",
            "claimedMassKg": str(kg(claim.grams)),
            "lots": lots,
            "creditIds": [c for c, _ in claim.credits],
            "eventIds": list(claim.event_ids),
            "period": str(claim.period),
        },
        "evidence": [evidence],
    }
