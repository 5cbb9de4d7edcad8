"""Signing and verifying credentials through the service against bare Ed25519 over the same bytes.

Baseline: ``cryptography``'s Ed25519 sign/verify of the 64-byte eddsa-jcs-2022 hash input alone. Measured:
``sign_with_org_key`` (key lookup, unsealing the private key, JCS, proof, register row, audit row, in one
transaction per credential) and ``verify_document`` (key lookup in the key table, JCS, signature, register
check). Rounds alternate and medians are compared; the ratio says how much of the cost is the platform's.

    .venv/bin/python bench/credentials_verify.py [--credentials 300] [--rounds 5] [--database-url URL]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from junkan.actor import Actor
from junkan.credentials import service
from junkan.credentials.dataintegrity import hash_data
from junkan.members import service as members
from junkan.members.model import Organisation, OrgKind
from junkan.store.engine import make_engine
from junkan.store.migrate import upgrade
from junkan.store.uow import UnitOfWork

SECRET = b"bench-master-secret-0123456789-0123456789"
HOST = "junkan.example.jp"
T0 = datetime(2025, 4, 1, tzinfo=UTC)


def credential(i: int) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": f"urn:uuid:00000000-0000-4000-8000-{i:012d}",
        "type": ["VerifiableCredential", "DigitalProductPassport"],
        "validFrom": "2025-04-01T00:00:00Z",
        "credentialSubject": {
            "id": f"https://id.gs1.org/01/04912345678904/21/{i}",
            "materials": [{"name": "PET", "massFraction": "0.92", "recycledContent": "0.35"}] * 5,
        },
    }


def bare(n: int) -> tuple[float, float]:
    key = Ed25519PrivateKey.generate()
    public = key.public_key()
    messages = [hash_data(credential(i), {"type": "DataIntegrityProof"}) for i in range(n)]
    t0 = time.perf_counter()
    signatures = [key.sign(m) for m in messages]
    t1 = time.perf_counter()
    for m, s in zip(messages, signatures, strict=True):
        public.verify(s, m)
    t2 = time.perf_counter()
    return n / (t1 - t0), n / (t2 - t1)


def platform(engine: Any, org_id: int, n: int, offset: int) -> tuple[float, float]:
    signed = []
    t0 = time.perf_counter()
    for i in range(n):
        with UnitOfWork(engine) as uow:
            signed.append(
                service.sign_with_org_key(
                    uow.conn,
                    org_id,
                    credential(offset + i),
                    master_secret=SECRET,
                    host=HOST,
                    now=T0 + timedelta(seconds=offset + i),
                )
            )
            uow.commit()
    t1 = time.perf_counter()
    later = T0 + timedelta(days=400)
    for vc in signed:
        assert service.verify_document(UnitOfWork(engine), vc, now=later).ok
    t2 = time.perf_counter()
    return n / (t1 - t0), n / (t2 - t1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--credentials", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--database-url", default=None)
    args = ap.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    engine = make_engine(url)
    upgrade(engine)
    org_id = members.register_org(
        UnitOfWork(engine),
        Actor.system("bench"),
        Organisation(id=None, name_ja="ベンチ", name_en=f"Bench {time.time_ns()}", kind=OrgKind.ASSOCIATION),
    )
    rows: dict[str, list[float]] = {"bare sign": [], "bare verify": [], "sign": [], "verify": []}
    for r in range(args.rounds):
        s, v = bare(args.credentials)
        rows["bare sign"].append(s)
        rows["bare verify"].append(v)
        s, v = platform(engine, org_id, args.credentials, r * args.credentials)
        rows["sign"].append(s)
        rows["verify"].append(v)
    med = {k: statistics.median(v) for k, v in rows.items()}
    print(f"{args.credentials} credentials x {args.rounds} rounds on {engine.dialect.name}")
    for k, v in med.items():
        print(f"  {k:12s} {v:10.0f} /s (median)")
    print(f"  sign_with_org_key / bare Ed25519 sign:  ratio {med['sign'] / med['bare sign']:.4f}")
    print(f"  verify_document / bare Ed25519 verify:  ratio {med['verify'] / med['bare verify']:.4f}")


if __name__ == "__main__":
    main()
