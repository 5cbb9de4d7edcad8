"""Credentials endpoints in the tenant-isolation probe suite, and A's signing key and register.

Keys and DID documents are public by design; what is A's own is its register of issued credentials (planted
with SECRET markers) and the power to rotate or revoke its keys and revoke its credentials: every other
caller, A's read-only viewer included, must be refused and leave the database unchanged.
"""

from __future__ import annotations

import json
from typing import Any

from junkan.actor import utcnow
from junkan.credentials import service
from junkan.pagination import PageRequest
from junkan.store.uow import UnitOfWork
from tests.e2e.probe_world import ProbeWorld, owner_check, probe, setup_step


def _unsigned(**over: Any) -> dict[str, Any]:
    credential: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "RecycledContentClaim"],
        "validFrom": "2025-04-01T00:00:00Z",
        "credentialSubject": {"id": "https://id.example/lot/1", "recycledShare": "0.30"},
    }
    credential.update(over)
    return credential


@setup_step
def credentials_records(w: ProbeWorld) -> None:
    state = w.client.app.state  # type: ignore[attr-defined]
    host = service.host_from_base_url(state.settings.base_url)
    uow = UnitOfWork(w.engine)
    with uow:
        private = service.sign_with_org_key(
            uow.conn,
            w.ids["a"],
            _unsigned(
                id=f"urn:uuid:{w.secret('CREDENTIAL-ID')}",
                credentialSubject={"id": f"https://id.example/{w.secret('SUBJECT')}"},
            ),
            master_secret=state.master_secret,
            host=host,
            now=utcnow(),
        )
        public = service.sign_with_org_key(
            uow.conn, w.ids["a"], _unsigned(), master_secret=state.master_secret, host=host, now=utcnow()
        )
        uow.commit()
    w.ids["credential.public"] = public
    w.ids["key.a"] = private["proof"]["verificationMethod"]
    page = service.list_issued(uow, w.ids["actor.a"], w.ids["a"], PageRequest(10))
    w.ids["issued.a"] = next(e["id"] for e in page.items if e["subject_ref"] != "https://id.example/lot/1")


@owner_check
def credentials_owner_sees_its_register(w: ProbeWorld) -> None:
    h = {"authorization": f"Bearer {w.tokens['a_viewer']}"}
    text = w.client.get(f"/api/v1/organizations/{w.ids['a']}/issued-credentials", headers=h).text
    for marker in ("SECRET-A-CREDENTIAL-ID", "SECRET-A-SUBJECT"):
        assert marker in text, marker


A = lambda w: {"org_id": w.ids["a"]}  # noqa: E731
OWNER_READ = frozenset({"a_viewer"})

probe("POST", "/api/v1/credentials/verify", public_write=True, body=lambda w: w.ids["credential.public"])
probe("GET", "/api/v1/organizations/{org_id}/keys", params=A)
probe("POST", "/api/v1/organizations/{org_id}/keys/rotate", params=A)
probe("POST", "/api/v1/keys/revoke", body=lambda w: {"key_id": w.ids["key.a"], "compromised": True})
probe("GET", "/api/v1/organizations/{org_id}/issued-credentials", params=A, entitled=OWNER_READ)
probe(
    "POST",
    "/api/v1/issued-credentials/{register_id}/revoke",
    params=lambda w: {"register_id": w.ids["issued.a"]},
)
probe("GET", "/org/{org_id}/did.json", params=A)
probe("GET", "/verify")
probe(
    "POST",
    "/verify",
    public_write=True,
    form=True,
    body=lambda w: {"document": json.dumps(w.ids["credential.public"])},
)
