"""Trace and custody endpoints in the tenant-isolation probe suite, and A's private traceability records.

A collects a lot whose id, manifest number and import file name are SECRET markers, trades a plain lot with
its partner P (so P legitimately sees that shipment and nothing else), books a credit and a claim whose ids
are markers, and holds a certificate. Entitled callers: A's viewer everywhere it reads; regulators and
certifiers where they supervise (ledger verification, accounts, statements, claims, certificates).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from decimal import Decimal

from junkan.custody import service as custody
from junkan.custody.model import Characteristic
from junkan.members import service as members
from junkan.store.uow import UnitOfWork
from junkan.trace import service as trace
from junkan.trace.model import DocumentRef, Event, EventKind, LotLine
from junkan.trace.tabular import csv_lines
from junkan.trace.units import Quantity
from tests.e2e.probe_world import ProbeWorld, owner_check, probe, setup_step
from tests.factories import make_facility

JST = dt.timezone(dt.timedelta(hours=9))
PC = Characteristic.RECYCLED_POST_CONSUMER


def _line(lot: str, kg: int) -> LotLine:
    return LotLine(lot, "PET", Quantity(Decimal(kg), "kg"))


@setup_step
def trace_records(w: ProbeWorld) -> None:
    uow = UnitOfWork(w.engine)
    a, p = w.ids["a"], w.ids["p"]
    admin = w.ids["actor.a"]
    site = members.add_facility(uow, admin, make_facility(a, name="A trace plant"))
    w.ids["site.a"] = site
    lot = w.secret("LOT")
    t0 = dt.datetime(2025, 4, 1, 9, tzinfo=JST)

    def ev(i: int, kind: EventKind, **kw: object) -> Event:
        return Event(
            id=f"a-{i}", kind=kind, time=t0 + dt.timedelta(hours=i), site=str(site), organisation=str(a), **kw
        )  # type: ignore[arg-type]

    events = [
        ev(
            1,
            EventKind.COLLECT,
            outputs=(_line(lot, 1000),),
            documents=(DocumentRef("jp_manifest", w.secret("MANIFEST")),),
        ),
        ev(2, EventKind.COLLECT, outputs=(_line("shared-lot", 100),)),
        ev(5, EventKind.COLLECT, outputs=(_line("path-lot", 7),)),
        ev(3, EventKind.SHIP, inputs=(_line("shared-lot", 100),), shipment_ref="S-AP", counterparty=str(p)),
    ]
    trace.record_events(uow, admin, a, events)
    secret_event = dataclasses.replace(
        ev(6, EventKind.COLLECT, outputs=(_line("cert-lot", 3),)), id=w.secret("EVENT")
    )
    trace.record_events(uow, admin, a, [secret_event])
    data = "".join(csv_lines([ev(4, EventKind.COLLECT, outputs=(_line("imported-lot", 5),))])).encode()
    trace.import_events(
        uow, admin, a, lambda: io.BytesIO(data), fmt="csv", filename=w.secret("FILE") + ".csv"
    )
    w.ids["import.a"] = trace.list_imports(uow, admin, a)[0]["id"]
    custody.credit(
        uow,
        admin,
        a,
        entry_id=w.secret("CREDIT"),
        event_id="a-1",
        material_group="PET",
        characteristic=PC,
        input_kg=Decimal(900),
        conversion_factor=Decimal("0.8"),
    )
    out = custody.claim(
        uow,
        admin,
        a,
        entry_id=w.secret("CLAIM"),
        site_id=site,
        material_group="PET",
        characteristic=PC,
        lots=[lot],
        amount_kg=Decimal(10),
    )
    w.ids["claim.a"] = out["claim_id"]
    w.ids["account.a"] = out["account_id"]
    custody.issue_certificate(
        uow,
        admin,
        a,
        certificate_id="A-CERT-1",
        mass_kg=Decimal(5),
        characteristic=PC,
        material_group="PET",
        period_start=dt.date(2025, 4, 1),
        event_ids=[secret_event.id],
    )
    w.ids["cert.a"] = "A-CERT-1"
    w.ids["lot.a"] = "path-lot"  # ids in a path are known to whoever asks; the secret lot is in the bodies
    w.markers.add("4242.77")  # no such figure is stored: a canary for the marker check itself


A = lambda w: {"org_id": w.ids["a"]}  # noqa: E731
OWNER = frozenset({"a_viewer"})
SUPERVISORS = frozenset({"a_viewer", "regulator", "certifier"})
EVENT = {
    "id": "intruder-1",
    "kind": "collect",
    "time": "2025-05-01T09:00:00+09:00",
    "site": 0,
    "outputs": [{"lot": "x", "material": "PET", "quantity": "1"}],
}


IMPORT_CSV = (
    b"event_id,kind,time,site,direction,lot,material,quantity\n"
    b"intruder-2,collect,2025-05-01T09:00:00+09:00,SITE,out,x,PET,1\n"
)


def _event(w: ProbeWorld) -> dict[str, object]:
    return {**EVENT, "site": w.ids["site.a"]}


# trace: writes into A's organisation are refused for everyone else
probe("POST", "/api/v1/organizations/{org_id}/trace/events", params=A, body=_event)
probe(
    "POST",
    "/api/v1/organizations/{org_id}/trace/events/batch",
    params=A,
    body=lambda w: {"events": [_event(w)]},
)
probe("POST", "/api/v1/organizations/{org_id}/trace/ledger/checkpoints", params=A)
probe(
    "POST",
    "/api/v1/organizations/{org_id}/trace/imports",
    params=A,
    body=lambda w: {"format": "csv"},
    files=lambda w: {
        "file": ("intruder.csv", IMPORT_CSV.replace(b"SITE", str(w.ids["site.a"]).encode()), "text/csv")
    },
)
# trace: reads
probe("GET", "/api/v1/organizations/{org_id}/trace/events", params=A, entitled=OWNER)
probe(
    "GET",
    "/api/v1/organizations/{org_id}/trace/events/{event_id}",
    params=lambda w: {**A(w), "event_id": "a-1"},
    entitled=OWNER,
)
probe("GET", "/api/v1/organizations/{org_id}/trace/lots", params=A, entitled=OWNER)
probe(
    "GET",
    "/api/v1/organizations/{org_id}/trace/lots/{lot}",
    params=lambda w: {**A(w), "lot": w.ids["lot.a"]},
    entitled=OWNER,
)
probe(
    "GET",
    "/api/v1/organizations/{org_id}/trace/lots/{lot}/provenance",
    params=lambda w: {**A(w), "lot": w.ids["lot.a"]},
    entitled=OWNER,
)
probe("GET", "/api/v1/organizations/{org_id}/trace/trades", params=A, entitled=OWNER)
probe("GET", "/api/v1/organizations/{org_id}/trace/ledger/verify", params=A, entitled=SUPERVISORS)
probe("GET", "/api/v1/organizations/{org_id}/trace/ledger/checkpoints", params=A, entitled=SUPERVISORS)
probe("GET", "/api/v1/organizations/{org_id}/trace/export/dte", params=A, entitled=OWNER)
probe("GET", "/api/v1/organizations/{org_id}/trace/imports", params=A, entitled=OWNER)
probe(
    "GET",
    "/api/v1/organizations/{org_id}/trace/imports/{run_id}",
    params=lambda w: {**A(w), "run_id": w.ids["import.a"]},
    entitled=OWNER,
)
# custody: writes
probe(
    "POST",
    "/api/v1/organizations/{org_id}/custody/credits",
    params=A,
    body=lambda w: {
        "entry_id": "x",
        "event_id": "a-2",
        "material_group": "PET",
        "characteristic": PC.value,
        "input_kg": "1",
    },
)
probe(
    "POST",
    "/api/v1/organizations/{org_id}/custody/transfers",
    params=A,
    body=lambda w: {
        "entry_id": "x",
        "shipment_ref": "S-AP",
        "receiver_org_id": w.ids["p"],
        "material_group": "PET",
        "characteristic": PC.value,
        "amount_kg": "1",
    },
)
probe(
    "POST",
    "/api/v1/organizations/{org_id}/custody/claims",
    params=A,
    body=lambda w: {
        "entry_id": "x",
        "site_id": w.ids["site.a"],
        "material_group": "PET",
        "characteristic": PC.value,
        "lots": [w.ids["lot.a"]],
        "amount_kg": "1",
    },
)
probe(
    "POST", "/api/v1/organizations/{org_id}/custody/close", params=A, body=lambda w: {"period": "2025-04-01"}
)
probe(
    "POST",
    "/api/v1/custody/accounts/{account_id}/close",
    params=lambda w: {"account_id": w.ids["account.a"]},
    body=lambda w: {"period": "2025-04-01"},
)
probe(
    "POST",
    "/api/v1/organizations/{org_id}/custody/certificates",
    params=A,
    body=lambda w: {
        "certificate_id": "intruder-cert",
        "mass_kg": "1",
        "characteristic": PC.value,
        "material_group": "PET",
        "period": "2025-04-01",
    },
)
probe(
    "POST",
    "/api/v1/custody/certificates/{certificate_id}/transfer",
    params=lambda w: {"certificate_id": w.ids["cert.a"]},
    body=lambda w: {"to_org_id": w.ids["b"]},
)
probe(
    "POST",
    "/api/v1/custody/certificates/{certificate_id}/retire",
    params=lambda w: {"certificate_id": w.ids["cert.a"]},
    body=lambda w: {"beneficiary": "intruder"},
)
# custody: reads
probe("GET", "/api/v1/organizations/{org_id}/custody/accounts", params=A, entitled=SUPERVISORS)
probe(
    "GET",
    "/api/v1/custody/accounts/{account_id}",
    params=lambda w: {"account_id": w.ids["account.a"]},
    entitled=SUPERVISORS,
)
probe(
    "GET",
    "/api/v1/custody/accounts/{account_id}/statement",
    params=lambda w: {"account_id": w.ids["account.a"]},
    entitled=SUPERVISORS,
)
probe("GET", "/api/v1/organizations/{org_id}/custody/claims", params=A, entitled=SUPERVISORS)
probe(
    "GET",
    "/api/v1/custody/claims/{claim_id}",
    params=lambda w: {"claim_id": w.ids["claim.a"]},
    entitled=SUPERVISORS,
)
probe(
    "GET",
    "/api/v1/custody/claims/{claim_id}/credential",
    params=lambda w: {"claim_id": w.ids["claim.a"]},
    entitled=SUPERVISORS,
)
probe("GET", "/api/v1/organizations/{org_id}/custody/certificates", params=A, entitled=OWNER)
probe(
    "GET",
    "/api/v1/custody/certificates/{certificate_id}",
    params=lambda w: {"certificate_id": w.ids["cert.a"]},
    entitled=SUPERVISORS,
)


@owner_check
def a_sees_its_trace_secrets(w: ProbeWorld) -> None:
    token = w.tokens["a_viewer"]
    h = {"authorization": f"Bearer {token}"}
    a = w.ids["a"]
    text = "".join(
        w.client.get(u, headers=h).text
        for u in (
            f"/api/v1/organizations/{a}/trace/events",
            f"/api/v1/organizations/{a}/trace/imports",
            f"/api/v1/custody/accounts/{w.ids['account.a']}/statement",
            f"/api/v1/custody/certificates/{w.ids['cert.a']}",
        )
    )
    for m in (
        "SECRET-A-LOT",
        "SECRET-A-MANIFEST",
        "SECRET-A-FILE",
        "SECRET-A-CREDIT",
        "SECRET-A-CLAIM",
        "SECRET-A-EVENT",
    ):
        assert m in text, m


# web pages: each shows the signed-in organisation's own records (statements also to supervisors)
probe("GET", "/trace", entitled=OWNER)
probe("GET", "/trace/lots/{lot}", params=lambda w: {"lot": w.ids["lot.a"]}, entitled=OWNER)
probe("GET", "/trace/accounts", entitled=OWNER)
probe(
    "GET",
    "/trace/accounts/{account_id}",
    params=lambda w: {"account_id": w.ids["account.a"]},
    entitled=SUPERVISORS,
)
probe("GET", "/trace/import", entitled=OWNER)
probe(
    "POST",
    "/trace/import",
    form=True,
    # A's own viewer is refused the upload, and the page it gets back lists A's imports, which it may see.
    entitled=OWNER,
    body=lambda w: {},
    files=lambda w: {
        "file": ("intruder.csv", IMPORT_CSV.replace(b"SITE", str(w.ids["site.a"]).encode()), "text/csv")
    },
)
