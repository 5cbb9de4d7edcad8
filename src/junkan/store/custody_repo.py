"""Repository of the custody context: accounts, entries, credit holdings and the network-wide registry,
mapped to and from :mod:`junkan.custody` values (``AccountKey``, ``Entry``, ``Holding``, ``Certificate``).

The period close reads one period's entries already summed per account and kind (``GROUP BY``), which
``junkan.custody.period_close.close_accounts`` turns into closing balances without a Python loop.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from sqlalchemy import Connection, and_, bindparam, delete, func, insert, or_, select, update

from junkan.custody.book_and_claim import Certificate
from junkan.custody.mass_balance import Holding
from junkan.custody.model import AccountKey, Characteristic, Entry, EntryKind, Period
from junkan.store.tables.custody import (
    custody_accounts,
    custody_certificate_history,
    custody_certificates,
    custody_claims,
    custody_closes,
    custody_credits,
    custody_entries,
    custody_holdings,
    custody_lot_claims,
)

__all__ = ["CustodyRepo", "account_key", "entry_from_row"]


def account_key(row: Any) -> AccountKey:
    m = row if isinstance(row, dict) else row._mapping
    return AccountKey(
        str(m["org_id"]), str(m["site_id"]), m["material_group"], Characteristic(m["characteristic"])
    )


def entry_from_row(row: Any, key: AccountKey) -> Entry:
    m = row if isinstance(row, dict) else row._mapping
    return Entry(
        id=m["entry_key"],
        account=key,
        period=Period(m["period_start"], m["period_end"]),
        kind=EntryKind(m["kind"]),
        grams=int(m["grams"]),
        time=m["time"],
        event_ids=tuple(m["event_ids"]),
        credits=tuple((str(c), int(g)) for c, g in m["credits"]),
        lots=tuple((str(lot), int(g)) for lot, g in m["lots"]),
        note=m["note"],
    )


class CustodyRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # accounts -------------------------------------------------------------------------------------
    def account(self, account_id: int) -> dict[str, Any] | None:
        row = self.conn.execute(select(custody_accounts).where(custody_accounts.c.id == account_id)).first()
        return dict(row._mapping) if row else None

    def find_account(self, org_id: int, site_id: int, material_group: str, ch: str) -> dict[str, Any] | None:
        a = custody_accounts.c
        q = select(custody_accounts).where(
            a.org_id == org_id,
            a.site_id == site_id,
            a.material_group == material_group,
            a.characteristic == ch,
        )
        row = self.conn.execute(q).first()
        return dict(row._mapping) if row else None

    def ensure_account(self, org_id: int, site_id: int, material_group: str, ch: str) -> dict[str, Any]:
        row = self.find_account(org_id, site_id, material_group, ch)
        if row is not None:
            return row
        self.conn.execute(
            insert(custody_accounts).values(
                org_id=org_id, site_id=site_id, material_group=material_group, characteristic=ch, balance_g=0
            )
        )
        row = self.find_account(org_id, site_id, material_group, ch)
        assert row is not None
        return row

    def accounts_of(self, org_id: int | None) -> list[dict[str, Any]]:
        q = select(custody_accounts).order_by(custody_accounts.c.id)
        if org_id is not None:
            q = q.where(custody_accounts.c.org_id == org_id)
        return [dict(r._mapping) for r in self.conn.execute(q)]

    def update_account(self, account_id: int, **values: Any) -> None:
        self.conn.execute(
            update(custody_accounts).where(custody_accounts.c.id == account_id).values(**values)
        )

    def set_closed_until(self, account_ids: Sequence[int], end: dt.date) -> None:
        for i in range(0, len(account_ids), 900):
            part = list(account_ids[i : i + 900])
            self.conn.execute(
                update(custody_accounts).where(custody_accounts.c.id.in_(part)).values(closed_until=end)
            )

    # holdings and registry ------------------------------------------------------------------------
    def holdings(self, account_id: int) -> list[Holding]:
        h = custody_holdings.c
        q = select(h.credit_key, h.grams, h.origin).where(h.account_id == account_id).order_by(h.id)
        return [Holding(r[0], int(r[1]), int(r[2])) for r in self.conn.execute(q)]

    def replace_holdings(self, account_id: int, holdings: Iterable[Holding]) -> None:
        self.conn.execute(delete(custody_holdings).where(custody_holdings.c.account_id == account_id))
        rows = [
            {"account_id": account_id, "credit_key": x.credit_id, "grams": x.grams, "origin": x.origin}
            for x in holdings
            if x.grams
        ]
        if rows:
            self.conn.execute(insert(custody_holdings), rows)

    def credits(self, keys: Sequence[str]) -> dict[str, tuple[int, int]]:
        """credit key -> (issued g, used g)."""
        c = custody_credits.c
        if not keys:
            return {}
        q = select(c.credit_key, c.issued_g, c.used_g).where(c.credit_key.in_(sorted(set(keys))))
        return {r[0]: (int(r[1]), int(r[2])) for r in self.conn.execute(q)}

    def add_credit(self, **values: Any) -> None:
        self.conn.execute(insert(custody_credits).values(**values))

    def set_used(self, used: dict[str, int]) -> None:
        if used:
            self.conn.execute(
                update(custody_credits)
                .where(custody_credits.c.credit_key == bindparam("b_key"))
                .values(used_g=bindparam("b_used")),
                [{"b_key": k, "b_used": v} for k, v in used.items()],
            )

    def credited_kg_of_event(self, event_id: int) -> list[str]:
        c = custody_credits.c
        return [r[0] for r in self.conn.execute(select(c.input_kg).where(c.input_event_id == event_id))]

    def lot_claimed(self, root_ids: Sequence[int], ch: str) -> dict[int, tuple[int, list[str]]]:
        lc = custody_lot_claims.c
        out: dict[int, tuple[int, list[str]]] = {}
        if not root_ids:
            return out
        q = select(lc.root_lot_id, lc.grams, lc.entry_key).where(
            lc.root_lot_id.in_(sorted(set(root_ids))), lc.characteristic == ch
        )
        for root, grams, key in self.conn.execute(q):
            total, keys = out.get(root, (0, []))
            out[root] = (total + int(grams), [*keys, key])
        return out

    def add_lot_claims(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.conn.execute(insert(custody_lot_claims), rows)

    # entries ----------------------------------------------------------------------------------------
    def entry_by_key(self, entry_key: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            select(custody_entries).where(custody_entries.c.entry_key == entry_key)
        ).first()
        return dict(row._mapping) if row else None

    def add_entries(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.conn.execute(insert(custody_entries), rows)

    def entries(self, account_id: int, period_start: dt.date) -> list[dict[str, Any]]:
        e = custody_entries.c
        q = (
            select(custody_entries)
            .where(e.account_id == account_id, e.period_start == period_start)
            .order_by(e.time, e.id)
        )
        return [dict(r._mapping) for r in self.conn.execute(q)]

    def signed_total_before(self, account_id: int, period_start: dt.date) -> int:
        e = custody_entries.c
        q = (
            select(e.kind, func.sum(e.grams))
            .where(e.account_id == account_id, e.period_start < period_start)
            .group_by(e.kind)
        )
        return sum(EntryKind(k).sign * int(g) for k, g in self.conn.execute(q))

    def periods_of(self, account_id: int) -> list[dt.date]:
        e = custody_entries.c
        q = select(e.period_start).where(e.account_id == account_id).distinct().order_by(e.period_start)
        return [r[0] for r in self.conn.execute(q)]

    def open_periods_before(self, account_ids: Sequence[int], period_start: dt.date) -> list[int]:
        """Accounts with entries in an earlier period that has no close row."""
        e, c = custody_entries.c, custody_closes.c
        closed = select(c.account_id, c.period_start).subquery()
        q = (
            select(e.account_id)
            .outerjoin(
                closed, and_(closed.c.account_id == e.account_id, closed.c.period_start == e.period_start)
            )
            .where(
                e.account_id.in_(list(account_ids)),
                e.period_start < period_start,
                closed.c.account_id.is_(None),
            )
            .distinct()
        )
        return [r[0] for r in self.conn.execute(q)]

    def period_sums(
        self, account_ids: Sequence[int], period_start: dt.date
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(account id, kind, Σ grams) per account and kind for one period, as int64 columns."""
        e = custody_entries.c
        q = (
            select(e.account_id, e.kind, func.sum(e.grams))
            .where(e.period_start == period_start, e.account_id.in_(list(account_ids)))
            .group_by(e.account_id, e.kind)
        )
        rows = self.conn.execute(q).all()
        if not rows:
            z = np.empty(0, np.int64)
            return z, z, z
        arr = np.array([(int(a), int(k), int(g)) for a, k, g in rows], dtype=np.int64)
        return arr[:, 0], arr[:, 1], arr[:, 2]

    # closes -----------------------------------------------------------------------------------------
    def close_row(self, account_id: int, period_start: dt.date) -> dict[str, Any] | None:
        c = custody_closes.c
        row = self.conn.execute(
            select(custody_closes).where(c.account_id == account_id, c.period_start == period_start)
        ).first()
        return dict(row._mapping) if row else None

    def last_closes(self, account_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
        c = custody_closes.c
        out: dict[int, dict[str, Any]] = {}
        q = select(custody_closes).where(c.account_id.in_(list(account_ids))).order_by(c.period_start)
        for r in self.conn.execute(q):
            out[r._mapping["account_id"]] = dict(r._mapping)
        return out

    def add_closes(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self.conn.execute(insert(custody_closes), rows)

    def closes(self, account_id: int) -> list[dict[str, Any]]:
        c = custody_closes.c
        q = select(custody_closes).where(c.account_id == account_id).order_by(c.period_start)
        return [dict(r._mapping) for r in self.conn.execute(q)]

    # claims -----------------------------------------------------------------------------------------
    def add_claim(self, **values: Any) -> int:
        return int(
            self.conn.execute(
                insert(custody_claims).values(**values).returning(custody_claims.c.id)
            ).scalar_one()
        )

    def claim(self, claim_id: int) -> dict[str, Any] | None:
        row = self.conn.execute(select(custody_claims).where(custody_claims.c.id == claim_id)).first()
        return dict(row._mapping) if row else None

    def claim_by_entry(self, entry_key: str) -> dict[str, Any] | None:
        row = self.conn.execute(select(custody_claims).where(custody_claims.c.entry_key == entry_key)).first()
        return dict(row._mapping) if row else None

    def claims_of(self, org_id: int) -> list[dict[str, Any]]:
        c, e = custody_claims.c, custody_entries.c
        q = (
            select(
                c.id,
                c.entry_key,
                c.credential_id,
                c.issued_at,
                c.signed,
                e.grams,
                e.account_id,
                e.time,
                e.lots,
            )
            .join(custody_entries, e.entry_key == c.entry_key)
            .where(c.org_id == org_id)
            .order_by(e.time.desc(), c.id.desc())
        )
        return [dict(r._mapping) for r in self.conn.execute(q)]

    # certificates ---------------------------------------------------------------------------------
    def certificate(self, key: str) -> tuple[int, Certificate] | None:
        row = self.conn.execute(select(custody_certificates).where(custody_certificates.c.key == key)).first()
        if row is None:
            return None
        m = row._mapping
        return int(m["id"]), Certificate(
            id=m["key"],
            issuer=str(m["issuer_org_id"]),
            holder=str(m["holder_org_id"]),
            grams=int(m["grams"]),
            characteristic=Characteristic(m["characteristic"]),
            material_group=m["material_group"],
            production_period=Period(m["period_start"], m["period_end"]),
            event_ids=tuple(m["event_ids"]),
            retired_for=m["retired_for"],
            retired_at=m["retired_at"],
        )

    def add_certificate(self, c: Certificate, *, now: dt.datetime) -> int:
        return int(
            self.conn.execute(
                insert(custody_certificates)
                .values(
                    key=c.id,
                    issuer_org_id=int(c.issuer),
                    holder_org_id=int(c.holder),
                    grams=c.grams,
                    characteristic=c.characteristic.value,
                    material_group=c.material_group,
                    period_start=c.production_period.start,
                    period_end=c.production_period.end,
                    event_ids=list(c.event_ids),
                    created_at=now,
                )
                .returning(custody_certificates.c.id)
            ).scalar_one()
        )

    def save_certificate(self, cert_id: int, c: Certificate) -> None:
        self.conn.execute(
            update(custody_certificates)
            .where(custody_certificates.c.id == cert_id)
            .values(holder_org_id=int(c.holder), retired_for=c.retired_for, retired_at=c.retired_at)
        )

    def add_history(self, **values: Any) -> None:
        self.conn.execute(insert(custody_certificate_history).values(**values))

    def history(self, cert_id: int) -> list[dict[str, Any]]:
        h = custody_certificate_history.c
        q = select(custody_certificate_history).where(h.certificate_id == cert_id).order_by(h.id)
        return [dict(r._mapping) for r in self.conn.execute(q)]

    def certificates_of(self, org_id: int) -> list[dict[str, Any]]:
        c = custody_certificates.c
        q = (
            select(custody_certificates)
            .where(or_(c.holder_org_id == org_id, c.issuer_org_id == org_id))
            .order_by(c.id.desc())
        )
        return [dict(r._mapping) for r in self.conn.execute(q)]
