"""Members endpoints in the tenant-isolation probe suite, and A's private members records."""

from __future__ import annotations

from decimal import Decimal

from junkan.actor import Actor
from junkan.members import auth, service
from junkan.members.model import Role, Scope
from tests.e2e.probe_world import ProbeWorld, probe, setup_step
from tests.factories import PASSWORD, make_facility, make_org, make_target


@setup_step
def members_records(w: ProbeWorld) -> None:
    from junkan.store.uow import UnitOfWork

    uow = UnitOfWork(w.engine)
    a = w.ids["a"]
    admin = w.ids["actor.a"]
    w.ids["facility.public"] = service.add_facility(
        uow,
        admin,
        make_facility(
            a, name="A public site", internal_notes=w.secret("NOTES"), capacity_t_per_year=Decimal("4242.123")
        ),
    )
    w.markers.add("4242.123")
    w.ids["facility.private"] = service.add_facility(
        uow, admin, make_facility(a, name=w.secret("FACILITY"), is_public=False)
    )
    auth.add_person(
        uow,
        admin,
        org_id=a,
        email="secret-person@a.test",
        display_name=w.secret("PERSON"),
        role=Role.VIEWER,
        password=PASSWORD,
    )
    w.markers.add("secret-person@a.test")
    auth.create_token(uow, admin, name=w.secret("TOKEN"), scopes={Scope.READ}, days=5)
    w.ids["target.draft"] = service.set_target(
        uow, admin, make_target(a, status="draft", metric=w.secret("DRAFT"))
    )
    w.ids["target.declared"] = service.set_target(uow, admin, make_target(a, metric="A public target"))
    lonely = service.register_org(uow, Actor.system(), make_org(name_en="Lonely Org"))
    w.ids["partnership.pending"] = service.request_partnership(uow, admin, lonely, note=w.secret("PNOTE"))
    w.ids["token.a"] = auth.list_tokens(uow, admin)[0]["id"]
    w.ids["person.a"] = admin.principal.person_id  # type: ignore[union-attr]


A = lambda w: {"org_id": w.ids["a"]}  # noqa: E731
OWNER_READ = frozenset({"a_viewer"})
ADMINS = frozenset({"b", "partner", "regulator", "certifier"})

# organisations
probe("GET", "/api/v1/organizations")
probe("POST", "/api/v1/organizations", body=lambda w: make_org_body(), writers=frozenset({"regulator"}))
probe("GET", "/api/v1/organizations/{org_id}", params=A)
probe("PATCH", "/api/v1/organizations/{org_id}", params=A, body=lambda w: {"sector": "hijacked"})
probe("GET", "/api/v1/directory/stats")
# facilities
probe("GET", "/api/v1/organizations/{org_id}/facilities", params=A, entitled=OWNER_READ)
probe(
    "POST",
    "/api/v1/organizations/{org_id}/facilities",
    params=A,
    body=lambda w: {"name": "Intruder site", "kind": "factory"},
)
probe(
    "GET",
    "/api/v1/facilities/{facility_id}",
    params=lambda w: {"facility_id": w.ids["facility.private"]},
    entitled=OWNER_READ,
)
probe(
    "PATCH",
    "/api/v1/facilities/{facility_id}",
    params=lambda w: {"facility_id": w.ids["facility.public"]},
    body=lambda w: {"name": "renamed"},
)
probe(
    "DELETE", "/api/v1/facilities/{facility_id}", params=lambda w: {"facility_id": w.ids["facility.public"]}
)
# people, sessions, tokens
probe("GET", "/api/v1/organizations/{org_id}/people", params=A, entitled=OWNER_READ)
probe(
    "POST",
    "/api/v1/organizations/{org_id}/people",
    params=A,
    body=lambda w: {
        "email": "intruder@x.test",
        "display_name": "x",
        "role": "admin",
        "password": "a long password 123",
    },
)
probe(
    "PATCH",
    "/api/v1/people/{person_id}",
    params=lambda w: {"person_id": w.ids["person.a"]},
    body=lambda w: {"active": False},
)
probe(
    "POST",
    "/api/v1/session",
    public_write=True,
    body=lambda w: {"email": w.ids["email.a"], "password": "wrong password"},
)
probe("DELETE", "/api/v1/session", public_write=True)
probe("GET", "/api/v1/me")
probe("GET", "/api/v1/tokens")
probe("POST", "/api/v1/tokens", body=lambda w: {"name": "t", "scopes": ["read"], "days": 1}, writers=ADMINS)
probe("DELETE", "/api/v1/tokens/{token_id}", params=lambda w: {"token_id": w.ids["token.a"]})
# partnerships
probe("GET", "/api/v1/organizations/{org_id}/partnerships", params=A, entitled=OWNER_READ)
probe(
    "POST",
    "/api/v1/partnerships",
    body=lambda w: {"partner_org_id": w.ids["a"]},
    writers=frozenset({"b", "regulator", "certifier"}),
)
probe(
    "POST",
    "/api/v1/partnerships/{partnership_id}/{action}",
    params=lambda w: {"partnership_id": w.ids["partnership.pending"], "action": "revoke"},
)
# targets
probe("GET", "/api/v1/organizations/{org_id}/targets", params=A, entitled=OWNER_READ)
probe(
    "POST",
    "/api/v1/organizations/{org_id}/targets",
    params=A,
    body=lambda w: {
        "metric": "m",
        "unit": "%",
        "baseline_year": 2022,
        "baseline_value": 1,
        "target_year": 2030,
        "target_value": 2,
        "scope": "s",
    },
)
probe("POST", "/api/v1/targets/{target_id}/declare", params=lambda w: {"target_id": w.ids["target.draft"]})
probe(
    "PUT",
    "/api/v1/targets/{target_id}/progress/{year}",
    params=lambda w: {"target_id": w.ids["target.declared"], "year": 2024},
    body=lambda w: {"value": 5},
)
probe("GET", "/api/v1/organizations/{org_id}/obligations", params=A, entitled=OWNER_READ)
probe("GET", "/api/v1/overdue", entitled=frozenset({"regulator", "certifier"}))
probe("GET", "/api/v1/audit", params=lambda w: {"org_id": w.ids["a"]}, entitled=frozenset({"regulator"}))
# web pages and service routes
probe("GET", "/")
probe("GET", "/login")
probe(
    "POST",
    "/login",
    public_write=True,
    form=True,
    body=lambda w: {"email": w.ids["email.a"], "password": "wrong password"},
)
probe("POST", "/logout", public_write=True, form=True, body=lambda w: {})
probe("GET", "/members")
probe("GET", "/members/{org_id}", params=A, entitled=OWNER_READ)
probe("GET", "/tokens")
probe(
    "POST",
    "/tokens",
    form=True,
    body=lambda w: {"name": "intruder", "days": "1", "scopes": "read"},
    writers=ADMINS,
)
probe(
    "POST",
    "/tokens/{token_id}/revoke",
    form=True,
    params=lambda w: {"token_id": w.ids["token.a"]},
    body=lambda w: {},
)
probe("GET", "/audit", entitled=frozenset({"regulator"}))
probe(
    "POST",
    "/members/{org_id}/partnerships",
    form=True,
    params=A,
    body=lambda w: {"note": "x"},
    writers=frozenset({"b", "regulator", "certifier"}),
)
probe(
    "POST",
    "/partnerships/{partnership_id}/{action}",
    form=True,
    body=lambda w: {},
    params=lambda w: {"partnership_id": w.ids["partnership.pending"], "action": "revoke"},
)
probe("GET", "/api/v1/docs")
probe("GET", "/healthz")


def make_org_body() -> dict[str, str]:
    return {"name_ja": "侵入者", "name_en": "Intruder", "kind": "association"}
