"""Idempotency keys on creating writes (``Idempotency-Key`` header, as in the IETF draft of that name).

The first request with a key reserves it, runs, and stores its response; a retry with the same key and the
same body gets the stored response again without repeating the write; the same key with a different body
is a conflict. Keys are scoped to the calling organisation.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from junkan.actor import Actor
from junkan.errors import Conflict, InvalidInput
from junkan.store.tables.platform import idempotency_keys
from junkan.store.uow import UnitOfWork

__all__ = ["run_idempotent"]

IN_FLIGHT = 0


def _body_hash(body: Any) -> str:
    return hashlib.sha256(json.dumps(jsonable_encoder(body), sort_keys=True).encode()).hexdigest()


def run_idempotent(
    request: Request, uow: UnitOfWork, actor: Actor, body: Any, fn: Callable[[], Any], *, status: int = 201
) -> JSONResponse:
    key = request.headers.get("idempotency-key")
    if key is None:
        return JSONResponse(jsonable_encoder(fn()), status_code=status)
    if not 1 <= len(key) <= 200:
        raise InvalidInput(
            "Idempotency-Key must be 1–200 characters (a UUID is ideal)",
            code="range",
            field="Idempotency-Key",
        )
    p = actor.signed_in
    if p.is_system:
        return JSONResponse(jsonable_encoder(fn()), status_code=status)
    method_path = f"{request.method} {request.url.path}"
    digest = _body_hash(body)
    k = idempotency_keys.c
    with uow:
        try:
            uow.conn.execute(
                insert(idempotency_keys).values(
                    org_id=p.org_id,
                    key=key,
                    method_path=method_path,
                    request_hash=digest,
                    status_code=IN_FLIGHT,
                    response_body="",
                    created_at=actor.now,
                )
            )
            uow.commit()
            fresh = True
        except IntegrityError:
            uow.rollback()
            fresh = False
    if not fresh:
        with uow:
            row = (
                uow.conn.execute(select(idempotency_keys).where(k.org_id == p.org_id, k.key == key))
                .one()
                ._mapping
            )
        if row["method_path"] != method_path or row["request_hash"] != digest:
            raise Conflict(
                "this Idempotency-Key was used for a different request; use a new key for new data",
                code="idempotency_key_reused",
                field="Idempotency-Key",
            )
        if row["status_code"] == IN_FLIGHT:
            raise Conflict(
                "a request with this Idempotency-Key is still being processed; retry shortly",
                code="idempotency_in_flight",
                field="Idempotency-Key",
            )
        return JSONResponse(
            json.loads(row["response_body"]),
            status_code=row["status_code"],
            headers={"Idempotent-Replayed": "true"},
        )
    try:
        result = jsonable_encoder(fn())
    except BaseException:
        with uow:
            uow.conn.execute(delete(idempotency_keys).where(k.org_id == p.org_id, k.key == key))
            uow.commit()
        raise
    with uow:
        uow.conn.execute(
            update(idempotency_keys)
            .where(k.org_id == p.org_id, k.key == key)
            .values(status_code=status, response_body=json.dumps(result))
        )
        uow.commit()
    return JSONResponse(result, status_code=status)
