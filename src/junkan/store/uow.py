"""Unit of work: one connection and one transaction per use case; commit once or roll back everything.

Usage (services)::

    with uow:
        org = MembersRepo(uow.conn).get_org(org_id)
        ...
        uow.commit()

Leaving the block without ``commit()`` rolls back, so nothing is half-written when a rule refuses a change.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Connection, Engine, Transaction

__all__ = ["UnitOfWork"]


class UnitOfWork:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._conn: Connection | None = None
        self._tx: Transaction | None = None

    @property
    def conn(self) -> Connection:
        if self._conn is None:
            raise RuntimeError("the unit of work is not open: use it in a `with` block")
        return self._conn

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    def __enter__(self) -> UnitOfWork:
        if self._conn is not None:
            raise RuntimeError("a unit of work cannot be nested; use one per use case")
        self._conn = self._engine.connect()
        self._tx = self._conn.begin()
        return self

    def commit(self) -> None:
        if self._tx is None:
            raise RuntimeError("nothing to commit")
        self._tx.commit()
        self._tx = self.conn.begin()

    def rollback(self) -> None:
        if self._tx is not None and self._tx.is_active:
            self._tx.rollback()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self.rollback()
        finally:
            if self._conn is not None:
                self._conn.close()
            self._conn = None
            self._tx = None
