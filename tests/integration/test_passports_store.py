"""Passports use cases against real SQLite and real PostgreSQL (each test runs on both).

Lifecycle and immutable versions, cross-organisation roll-ups with pinned components, all-or-nothing
import with its row report, cycles refused, and disclosure by audience through the service.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from tests.factories import World
from tests.passports_factories import make_body, make_gtin, make_material

from junkan.actor import Actor
from junkan.credentials.service import verify_document
from junkan.errors import Conflict, ImportRejected, InvalidInput, NotFound, PermissionDenied, RuleViolation
from junkan.members.model import OrgKind, Role
from junkan.pagination import PageRequest
from junkan.passports import service
from junkan.passports.model import Audience, Status
from junkan.passports.service import exports as service_exports
from junkan.passports.service import files as service_files
from junkan.passports.tabular import COLUMNS
from junkan.store.passports_repo import PassportsRepo
from junkan.store.tables.passports import passport_components, passports
from junkan.store.tables.platform import audit_log

BASE = "http://127.0.0.1:8000"
SECRET = b"integration-master-secret-0123456789abcdef"


@pytest.fixture
def world(engine) -> World:
    return World(engine)


def count(world: World, table, *where) -> int:
    with world.engine.connect() as c:
        return c.execute(select(func.count()).select_from(table).where(*where)).scalar_one()


def publish(world: World, actor: Actor, pid: str) -> None:
    service.publish(world.uow, actor, pid, base_url=BASE, master_secret=SECRET)


def actions(world: World) -> list[str]:
    with world.engine.connect() as c:
        return list(
            c.execute(
                select(audit_log.c.action).where(audit_log.c.entity == "passport").order_by(audit_log.c.id)
            ).scalars()
        )


def test_lifecycle_versions_are_immutable(world: World) -> None:
    a, admin = world.org()
    service.create_draft(world.uow, admin, a, make_body("kettle"))
    service.edit_draft(world.uow, admin, "kettle", {"identity": {"name": {"en": "Kettle"}}})
    publish(world, admin, "kettle")
    with world.engine.connect() as c:
        v1 = c.execute(select(passports.c.digest, passports.c.document).where(passports.c.version == 1)).one()
    with pytest.raises(Conflict) as e:
        service.edit_draft(world.uow, admin, "kettle", {"identity": {"name": {"en": "changed in place"}}})
    assert e.value.code == "passport_immutable"
    draft = service.new_version(
        world.uow, admin, "kettle", {"composition": {"materials": [make_material(mass_kg="2.0")]}}
    )
    assert (draft.version, draft.predecessor, draft.status) == (2, 1, Status.DRAFT)
    with pytest.raises(Conflict) as e:
        service.new_version(world.uow, admin, "kettle", {})
    assert e.value.code == "draft_exists"
    changes = service.diff_versions(world.uow, admin, "kettle", 1, 2)
    assert {"path": "composition.materials[0].mass_kg", "old": "1.0", "new": "2.0"} in changes
    publish(world, admin, "kettle")
    service.withdraw(world.uow, admin, "kettle", reason="recall")
    history = service.versions(world.uow, admin, "kettle")
    assert [(h.version, h.status) for h in history] == [(1, Status.PUBLISHED), (2, Status.WITHDRAWN)]
    with world.engine.connect() as c:
        again = c.execute(
            select(passports.c.digest, passports.c.document).where(passports.c.version == 1)
        ).one()
    assert again == v1  # the published version 1 never changed
    assert actions(world) == [
        "passport.create",
        "passport.edit",
        "passport.publish",
        "passport.new_version",
        "passport.publish",
        "passport.withdraw",
    ]


def test_if_match_guards_concurrent_edits(world: World) -> None:
    a, admin = world.org()
    service.create_draft(world.uow, admin, a, make_body("p"))
    stored = PassportsRepo  # the digest is the ETag of the version
    with world.uow as uow:
        digest = stored(uow.conn).latest("p", include_drafts=True).digest  # type: ignore[union-attr]
    etag = service.get_passport(world.uow, admin, "p").etag
    assert etag.strip('"').startswith(digest[:32])
    service.edit_draft(world.uow, admin, "p", {"level": "batch", "identity": {"lot": "L1"}}, if_match=etag)
    with pytest.raises(service.PreconditionFailed):
        service.edit_draft(world.uow, admin, "p", {"level": "model"}, if_match=etag)


def test_publishing_signs_a_public_credential_that_verifies(world: World) -> None:
    a, admin = world.org()
    service.create_draft(world.uow, admin, a, make_body("signed", disclosure={"carbon": "owner"}))
    publish(world, admin, "signed")
    credential, _ = service_exports.untp_export(
        world.uow, Actor(principal=None), "signed", version=None, audience=None, base_url=BASE
    )
    assert credential["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert credential["issuer"]["id"].endswith(f":org:{a}")
    assert verify_document(world.uow, credential, now=admin.now).ok
    tampered = {**credential, "validFrom": "2030-01-01T00:00:00Z"}
    assert not verify_document(world.uow, tampered, now=admin.now).ok


def test_ids_and_gtins_belong_to_one_organisation(world: World) -> None:
    a, admin_a = world.org()
    b, admin_b = world.org()
    gtin = make_gtin()
    service.create_draft(world.uow, admin_a, a, make_body("a-part", identity=_identity(gtin)))
    with pytest.raises(Conflict) as e:
        service.create_draft(world.uow, admin_b, b, make_body("a-part"))
    assert (e.value.code, e.value.field) == ("passport_id_taken", "id")
    assert "organisation" not in e.value.message  # does not say whose
    publish(world, admin_a, "a-part")
    service.create_draft(world.uow, admin_b, b, make_body("b-part", identity=_identity(gtin)))
    with pytest.raises(Conflict) as e:
        publish(world, admin_b, "b-part")
    assert (e.value.code, e.value.field) == ("gtin_taken", "identity.gtin")
    service.create_draft(world.uow, admin_a, a, make_body("a-part-2", identity=_identity(gtin)))
    with pytest.raises(Conflict) as e:
        publish(world, admin_a, "a-part-2")
    assert e.value.code == "gs1_key_taken"


def _identity(gtin: str, **over: Any) -> dict[str, Any]:
    return {
        "name": {"ja": "部品", "en": "Part"},
        "category_scheme": "hs",
        "category_code": "8450.90",
        "gtin": gtin,
        **over,
    }


def test_tenants_cannot_read_drafts_or_write_others_passports(world: World) -> None:
    a, admin_a = world.org()
    _, admin_b = world.org()
    viewer_a = world.person(a, Role.VIEWER)
    service.create_draft(world.uow, admin_a, a, make_body("secret-draft"))
    service.create_draft(world.uow, admin_a, a, make_body("public-one"))
    publish(world, admin_a, "public-one")
    for who in (admin_b, Actor(principal=None)):
        with pytest.raises(NotFound):
            service.get_passport(world.uow, who, "secret-draft")
        assert "secret-draft" not in [
            p["passport_id"] for p in service.list_passports(world.uow, who, PageRequest(50)).items
        ]
    assert service.get_passport(world.uow, viewer_a, "secret-draft").top is Audience.OWNER
    with pytest.raises(NotFound):
        service.edit_draft(world.uow, admin_b, "secret-draft", {"level": "model"})
    with pytest.raises(PermissionDenied):
        service.new_version(world.uow, admin_b, "public-one", {})
    with pytest.raises(PermissionDenied):
        service.withdraw(world.uow, admin_b, "public-one")
    with pytest.raises(PermissionDenied):
        service.edit_draft(world.uow, viewer_a, "secret-draft", {"level": "model"})
    with pytest.raises(PermissionDenied):
        service.create_draft(world.uow, admin_b, a, make_body("planted"))


def test_disclosure_by_audience(world: World) -> None:
    a, admin_a = world.org()
    _, stranger = world.org()
    _, partner = world.org()
    _, regulator = world.org(kind=OrgKind.REGULATOR, membership_date=None)
    admin_a, partner = world.partner(admin_a, partner)
    body = make_body(
        "tiers",
        eco_design={"durability": {"warranty_years": "3"}},
        carbon={
            "value_kg_co2e": "9.5",
            "declared_unit": "H87",
            "scope": "cradle_to_gate",
            "rulebook": "ISO 14067",
        },
        claims=[{"topic": "circularity.content", "description": "owner only", "standard": "ISO 14021"}],
        disclosure={"eco_design": "partners", "carbon": "authorities", "claims": "owner"},
    )
    service.create_draft(world.uow, admin_a, a, body)
    publish(world, admin_a, "tiers")

    def seen(actor: Actor) -> tuple[Audience, list[str]]:
        view = service.get_passport(world.uow, actor, "tiers")
        doc = view.document
        visible = [k for k in ("eco_design", "carbon", "claims") if not _masked(doc[k])]
        return view.top, visible

    assert seen(Actor(principal=None)) == (Audience.PUBLIC, [])
    assert seen(stranger) == (Audience.PUBLIC, [])
    assert seen(partner) == (Audience.PARTNERS, ["eco_design"])
    assert seen(regulator) == (Audience.AUTHORITIES, ["eco_design", "carbon"])
    assert seen(admin_a) == (Audience.OWNER, ["eco_design", "carbon", "claims"])
    # masses are partners-only by default: masked for the public, shown to the partner
    public = service.get_passport(world.uow, stranger, "tiers").document
    assert _masked(public["composition"]["materials"][0]["mass_kg"])
    assert public["composition"]["materials"][0]["recycled_post_consumer"] == "0.2"
    assert (
        service.get_passport(world.uow, partner, "tiers").document["composition"]["materials"][0]["mass_kg"]
        == "1.0"
    )
    # a partner may export its own view, not the owner's
    with pytest.raises(PermissionDenied):
        service_exports.untp_export(
            world.uow, partner, "tiers", version=None, audience="owner", base_url=BASE
        )
    credential, _ = service_exports.untp_export(
        world.uow, partner, "tiers", version=None, audience="partners", base_url=BASE
    )
    assert "proof" not in credential and "carbon" not in str(credential.get("credentialSubject", {}).keys())


def _masked(value: Any) -> bool:
    return isinstance(value, dict) and value.get("masked") is True


def test_cross_organisation_rollup_uses_pinned_component_versions(world: World) -> None:
    a, maker = world.org()
    r, recycler = world.org()
    service.create_draft(
        world.uow,
        recycler,
        r,
        make_body(
            "rpp",
            kind="material",
            composition={
                "materials": [
                    make_material(mass_kg="1", recycled_pre_consumer="0", recycled_post_consumer="1")
                ]
            },
        ),
    )
    # a draft of another organisation is not a usable component (and does not leak that it exists)
    with pytest.raises(InvalidInput) as e:
        service.create_draft(world.uow, maker, a, make_body("tub", components=[("rpp", "1.26")]))
    assert (e.value.code, e.value.errors[0].field) == (
        "component_not_found",
        "composition.components[0].passport_id",
    )
    publish(world, recycler, "rpp")
    tub = make_body(
        "tub",
        composition={
            "materials": [
                make_material(
                    name="tub", mass_kg="2.94", recycled_pre_consumer="0", recycled_post_consumer="0"
                )
            ],
            "components": [{"passport_id": "rpp", "quantity": "1.26"}],
        },
    )
    service.create_draft(world.uow, maker, a, tub)
    publish(world, maker, "tub")
    view = service.get_passport(world.uow, Actor(principal=None), "tub")
    assert view.rollup is not None
    # 4.2 kg of PP of which 1.26 kg recycled (post-consumer) = 30 %
    assert (view.rollup.total_mass_kg, view.rollup.class_share("PP")) == (Decimal("4.2000"), Decimal("0.3"))
    with world.engine.connect() as c:
        assert c.execute(select(passport_components.c.pinned_version)).scalars().all() == [1]
    # the recycler revises its pellets: the published tub keeps its figures, a new tub draft uses v2
    service.new_version(
        world.uow,
        recycler,
        "rpp",
        {
            "composition": {
                "materials": [
                    make_material(mass_kg="1", recycled_pre_consumer="0", recycled_post_consumer="0.5")
                ]
            }
        },
    )
    publish(world, recycler, "rpp")
    assert service.get_passport(world.uow, maker, "tub").rollup.class_share("PP") == Decimal("0.3")  # type: ignore[union-attr]
    service.new_version(world.uow, maker, "tub", {})
    assert service.get_passport(world.uow, maker, "tub").rollup.class_share("PP") == Decimal("0.15")  # type: ignore[union-attr]
    # the recycler withdraws its pellets: a new assembly cannot be published with them
    service.withdraw(world.uow, recycler, "rpp")
    with pytest.raises(RuleViolation) as e:
        publish(world, maker, "tub")
    assert e.value.code == "component_withdrawn"


def test_cycles_are_refused(world: World) -> None:
    a, admin = world.org()
    service.create_draft(world.uow, admin, a, make_body("x"))
    service.create_draft(world.uow, admin, a, make_body("y", components=[("x", "1")]))
    service.create_draft(world.uow, admin, a, make_body("z", components=[("y", "2")]))
    before = count(world, passports)
    with pytest.raises(RuleViolation) as e:
        service.edit_draft(
            world.uow, admin, "x", {"composition": {"components": [{"passport_id": "z", "quantity": "1"}]}}
        )
    assert e.value.code == "component_cycle"
    assert e.value.extra["cycle"] == ["x", "z", "y", "x"]
    assert count(world, passports) == before
    assert service.get_passport(world.uow, admin, "x").passport.composition.components == ()


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c[0] for c in COLUMNS])
    for row in rows:
        writer.writerow([row.get(c[0], "") for c in COLUMNS])
    return out.getvalue().encode()


def _row(pid: str, **over: str) -> dict[str, str]:
    row = {
        "passport_id": pid,
        "kind": "product",
        "level": "model",
        "name_ja": f"部品 {pid}",
        "name_en": f"Part {pid}",
        "category_scheme": "hs",
        "category_code": "845090",
        "local_scheme": "https://ids.example/parts",
        "local_id": pid,
        "material_name": "housing",
        "material_class": "PP",
        "mass": "1.5",
        "unit": "kg",
        "post_consumer_pct": "30",
    }
    row.update(over)
    return row


def test_import_is_all_or_nothing_with_a_row_report(world: World) -> None:
    a, admin = world.org()
    bad = _csv(
        [
            _row("imp-1"),
            _row("imp-2", cas="9003-07-1", mass="-3"),
            _row(
                "imp-3",
                component_passport_id="nowhere",
                component_quantity="1",
                material_name="",
                material_class="",
                mass="",
            ),
            _row("imp-4", component_passport_id="imp-5", component_quantity="1"),
            _row("imp-5", component_passport_id="imp-4", component_quantity="1"),
        ]
    )
    with pytest.raises(ImportRejected) as e:
        service_files.import_file(world.uow, admin, a, filename="bad.csv", content=bad)
    report = {(r.row, r.field, r.code) for r in e.value.rows}
    assert (3, "cas", "cas_check_digit") in report
    assert (3, "mass", "mass_not_positive") in report
    assert (4, "component_passport_id", "component_not_found") in report
    assert any(code == "component_cycle" for _, _, code in report)
    assert all(r.message for r in e.value.rows)
    assert (
        count(world, passports) == 0 and count(world, audit_log, audit_log.c.action == "passport.import") == 0
    )

    good = _csv(
        [_row(f"imp-{i}") for i in range(1, 6)]
        + [_row("imp-6", component_passport_id="imp-1", component_quantity="2")]
    )
    done = service_files.import_file(world.uow, admin, a, filename="good.csv", content=good)
    assert done.imported == 6 and count(world, passports) == 6
    assert count(world, passport_components) == 1
    assert service.get_passport(world.uow, admin, "imp-6").rollup.total_mass_kg == Decimal("4.5")  # type: ignore[union-attr]
    # importing the same file again: every id is taken, nothing changes
    with pytest.raises(ImportRejected) as e:
        service_files.import_file(world.uow, admin, a, filename="good.csv", content=good)
    assert {r.code for r in e.value.rows} == {"passport_id_taken"}
    assert count(world, passports) == 6
    # Shift_JIS (as Japanese Excel saves CSV) is read too; the export round-trips
    sjis = _csv([_row("imp-sjis", name_ja="洗濯機の外槽")]).decode().encode("cp932")
    assert service_files.import_file(world.uow, admin, a, filename="sjis.csv", content=sjis).imported == 1
    exported = service_files.export_table(world.uow, admin, a, fmt="csv", ids=["imp-sjis"]).decode(
        "utf-8-sig"
    )
    assert "洗濯機の外槽" in exported
    with pytest.raises(PermissionDenied):
        service_files.export_table(world.uow, world.org()[1], a, fmt="csv")


def test_gs1_lookup_walks_up_and_lists_filter(world: World) -> None:
    a, admin = world.org()
    gtin = make_gtin()
    service.create_draft(world.uow, admin, a, make_body("model", identity=_identity(gtin)))
    service.create_draft(
        world.uow, admin, a, make_body("batch", level="batch", identity=_identity(gtin, lot="L7"))
    )
    publish(world, admin, "model")
    anon = Actor(principal=None)
    assert service.lookup_gtin(world.uow, anon, gtin, "L7").passport.id == "model"  # batch is a draft
    publish(world, admin, "batch")
    assert service.lookup_gtin(world.uow, anon, gtin, "L7").passport.id == "batch"
    assert service.lookup_gtin(world.uow, anon, gtin[1:], "L7", "S1").passport.id == "batch"
    with pytest.raises(NotFound):
        service.lookup_gtin(world.uow, anon, make_gtin())
    page = service.list_passports(world.uow, anon, PageRequest(10), gtin=gtin, q="part", category="8450")
    assert {p["passport_id"] for p in page.items} == {"model", "batch"}
    assert service.list_passports(world.uow, anon, PageRequest(10), status="draft").total == 0
