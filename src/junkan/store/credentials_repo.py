"""Repository of the credentials context: signing key rows as :class:`PublicKeyRecord` values (plus the
sealed private key), and the register of issued credentials."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from junkan.credentials.keys import PublicKeyRecord
from junkan.pagination import Page, PageRequest
from junkan.store.tables.credentials import issued_credentials, signing_keys

__all__ = ["CredentialsRepo", "IssuedCredential", "StoredKey"]


@dataclass(frozen=True, slots=True)
class StoredKey:
    """One row of ``signing_keys``: the public record, its owner and number, and the sealed private key."""

    id: int
    org_id: int
    n: int
    record: PublicKeyRecord
    sealed: bytes
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class IssuedCredential:
    """One entry of an organisation's register of issued credentials."""

    id: int
    org_id: int
    credential_id: str | None
    types: tuple[str, ...]
    subject_ref: str | None
    key_id: str
    proof_format: str
    digest: str
    issued_at: dt.datetime
    revoked_at: dt.datetime | None


def _key(row: Any) -> StoredKey:
    m = row._mapping
    return StoredKey(
        id=m["id"],
        org_id=m["org_id"],
        n=m["n"],
        record=PublicKeyRecord(
            key_id=m["key_id"],
            controller=m["controller"],
            public_key=bytes(m["public_key"]),
            valid_from=m["valid_from"],
            revoked_at=m["revoked_at"],
        ),
        sealed=bytes(m["private_key_sealed"]),
        created_at=m["created_at"],
    )


def _issued(row: Any) -> IssuedCredential:
    m = row._mapping
    return IssuedCredential(
        id=m["id"],
        org_id=m["org_id"],
        credential_id=m["credential_id"],
        types=tuple(t for t in m["types"].split(",") if t),
        subject_ref=m["subject_ref"],
        key_id=m["key_id"],
        proof_format=m["proof_format"],
        digest=m["digest"],
        issued_at=m["issued_at"],
        revoked_at=m["revoked_at"],
    )


class CredentialsRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # signing keys -------------------------------------------------------------------------------
    def keys_of(self, org_id: int) -> list[StoredKey]:
        """Every key of the organisation, oldest first (by validity, then number)."""
        k = signing_keys.c
        rows = self.conn.execute(
            select(signing_keys).where(k.org_id == org_id).order_by(k.valid_from, k.n, k.id)
        )
        return [_key(r) for r in rows]

    def get_key(self, key_id: str) -> StoredKey | None:
        row = self.conn.execute(select(signing_keys).where(signing_keys.c.key_id == key_id)).first()
        return _key(row) if row else None

    def add_key(
        self,
        *,
        org_id: int,
        n: int,
        record: PublicKeyRecord,
        public_key_multibase: str,
        sealed: bytes,
        now: dt.datetime,
    ) -> int:
        return int(
            self.conn.execute(
                insert(signing_keys)
                .values(
                    org_id=org_id,
                    key_id=record.key_id,
                    controller=record.controller,
                    n=n,
                    public_key=record.public_key,
                    public_key_multibase=public_key_multibase,
                    private_key_sealed=sealed,
                    valid_from=record.valid_from,
                    revoked_at=record.revoked_at,
                    created_at=now,
                )
                .returning(signing_keys.c.id)
            ).scalar_one()
        )

    def set_key_revoked(self, key_id: str, at: dt.datetime) -> None:
        self.conn.execute(
            update(signing_keys)
            .where(signing_keys.c.key_id == key_id, signing_keys.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    # register of issued credentials ----------------------------------------------------------------
    def add_issued(
        self,
        *,
        org_id: int,
        credential_id: str | None,
        types: tuple[str, ...],
        subject_ref: str | None,
        key_id: str,
        proof_format: str,
        digest: str,
        issued_at: dt.datetime,
    ) -> int:
        return int(
            self.conn.execute(
                insert(issued_credentials)
                .values(
                    org_id=org_id,
                    credential_id=credential_id,
                    types=",".join(types)[:300],
                    subject_ref=subject_ref,
                    key_id=key_id,
                    proof_format=proof_format,
                    digest=digest,
                    issued_at=issued_at,
                )
                .returning(issued_credentials.c.id)
            ).scalar_one()
        )

    def get_issued(self, register_id: int) -> IssuedCredential | None:
        row = self.conn.execute(
            select(issued_credentials).where(issued_credentials.c.id == register_id)
        ).first()
        return _issued(row) if row else None

    def issued_by_digest(self, digest: str) -> list[IssuedCredential]:
        c = issued_credentials.c
        rows = self.conn.execute(select(issued_credentials).where(c.digest == digest).order_by(c.id))
        return [_issued(r) for r in rows]

    def list_issued(self, org_id: int, page: PageRequest) -> Page[IssuedCredential]:
        c = issued_credentials.c
        rows = self.conn.execute(
            select(issued_credentials)
            .where(c.org_id == org_id)
            .order_by(c.issued_at.desc(), c.id.desc())
            .limit(page.limit)
            .offset(page.offset)
        )
        total = self.conn.execute(
            select(func.count()).select_from(issued_credentials).where(c.org_id == org_id)
        ).scalar_one()
        return Page(items=[_issued(r) for r in rows], total=total, limit=page.limit, offset=page.offset)

    def set_issued_revoked(self, register_id: int, at: dt.datetime) -> None:
        c = issued_credentials.c
        self.conn.execute(
            update(issued_credentials)
            .where(c.id == register_id, c.revoked_at.is_(None))
            .values(revoked_at=at)
        )
