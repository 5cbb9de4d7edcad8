"""The demo world's credentials step: every cast organisation can sign; one key history shows a rotation."""

from __future__ import annotations

from datetime import UTC, datetime

from junkan.credentials import service
from junkan.demo import DemoWorld
from junkan.demo.credentials import ROTATED_AT, ROTATES, build_credentials, demo_signing
from junkan.demo.members import CAST, build_members
from junkan.store.uow import UnitOfWork

SECRET = b"demo-test-master-secret-0123456789-abcdef"
HOST = "junkan.example.jp"


def test_cast_keys_and_the_rotation(engine) -> None:
    world = DemoWorld(extra={"master_secret": SECRET, "host": HOST})
    build_members(engine, world, lambda _m: None)
    build_credentials(engine, world, lambda _m: None)
    assert demo_signing(world) == (SECRET, HOST)
    uow = UnitOfWork(engine)
    for key, *_ in CAST:
        keys = service.list_org_keys(uow, world.orgs[key])
        assert [k["n"] for k in keys] == ([1, 2] if key == ROTATES else [1]), key
        assert all(k["status"] == "active" for k in keys)
    recycler = world.orgs[ROTATES]
    assert world.extra["credentials.keys"][ROTATES].endswith("#key-2")
    # records dated before the rotation are signed with key-1, later ones with key-2; all verify
    signed = {}
    for label, when in (
        ("2024", datetime(2024, 6, 1, tzinfo=UTC)),
        ("2025", datetime(2025, 6, 1, tzinfo=UTC)),
    ):
        with UnitOfWork(engine) as u:
            signed[label] = service.sign_with_org_key(
                u.conn,
                recycler,
                {"type": ["VerifiableCredential"], "id": f"urn:demo:{label}", "credentialSubject": {}},
                master_secret=SECRET,
                host=HOST,
                now=when,
            )
            u.commit()
    assert signed["2024"]["proof"]["verificationMethod"].endswith("#key-1")
    assert signed["2025"]["proof"]["verificationMethod"].endswith("#key-2")
    assert datetime(2024, 6, 1, tzinfo=UTC) < ROTATED_AT < datetime(2025, 6, 1, tzinfo=UTC)
    doc = service.did_document_for(uow, recycler, host=HOST)
    for vc in signed.values():
        assert service.verify_document(uow, vc, now=datetime(2025, 7, 1, tzinfo=UTC)).ok
        assert service.verify_offline(vc, [doc], now=datetime(2025, 7, 1, tzinfo=UTC)).ok
