"""The members API over HTTP: problem details, idempotency, CSRF, body limits, pagination, sessions."""

from __future__ import annotations

from fastapi.testclient import TestClient

from junkan.actor import Actor
from junkan.members import auth, service
from junkan.members.model import OrgKind, Role, Scope
from junkan.store.uow import UnitOfWork
from tests.factories import PASSWORD, make_org


def setup_org(client: TestClient, kind: OrgKind = OrgKind.REGULATOR) -> tuple[int, str, str]:
    """An organisation with an admin; returns (org id, admin e-mail, admin API token)."""
    engine = client.app.state.engine  # type: ignore[attr-defined]
    uow = UnitOfWork(engine)
    system = Actor.system("test")
    org_id = service.register_org(uow, system, make_org(kind=kind, membership_date=None))
    email = f"admin{org_id}@example.test"
    auth.add_person(
        uow, system, org_id=org_id, email=email, display_name="Admin", role=Role.ADMIN, password=PASSWORD
    )
    s = auth.sign_in(uow, system, email=email, password=PASSWORD, hours=1)
    token = auth.create_token(uow, Actor(s.principal), name="t", scopes=set(Scope), days=1).token
    return org_id, email, token


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def test_problem_details_name_the_field_and_the_fix(app_client: TestClient) -> None:
    _, _, token = setup_org(app_client)
    r = app_client.post(
        "/api/v1/organizations",
        headers=bearer(token),
        json={
            "name_ja": "株式会社テスト",
            "name_en": "Test KK",
            "kind": "company_sme",
            "corporate_number": "1234567890123",
        },
    )
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["code"] == "corporate_number_check_digit"
    assert body["errors"][0]["field"] == "corporate_number"
    assert "should be" in body["detail"]


def test_unknown_enum_and_unknown_field(app_client: TestClient) -> None:
    _, _, token = setup_org(app_client)
    r = app_client.post(
        "/api/v1/organizations",
        headers=bearer(token),
        json={"name_ja": "x", "name_en": "y", "kind": "pirate", "colour": "red"},
    )
    assert r.status_code == 422
    fields = {e["field"]: e["code"] for e in r.json()["errors"]}
    assert fields["kind"] == "enum" and fields["colour"] == "extra_forbidden"


def test_duplicate_name_is_a_conflict_and_stores_nothing(app_client: TestClient) -> None:
    _, _, token = setup_org(app_client)
    body = {"name_ja": "重複", "name_en": "Dup", "kind": "association"}
    assert app_client.post("/api/v1/organizations", headers=bearer(token), json=body).status_code == 201
    total = app_client.get("/api/v1/organizations").json()["total"]
    r = app_client.post("/api/v1/organizations", headers=bearer(token), json=body)
    assert r.status_code == 409 and r.json()["code"] == "duplicate_name"
    assert app_client.get("/api/v1/organizations").json()["total"] == total


def test_idempotency_key_replays_and_refuses_reuse(app_client: TestClient) -> None:
    _, _, token = setup_org(app_client)
    h = {**bearer(token), "Idempotency-Key": "0f8e6a2c-key-1"}
    body = {"name_ja": "冪等", "name_en": "Idem", "kind": "association"}
    first = app_client.post("/api/v1/organizations", headers=h, json=body)
    again = app_client.post("/api/v1/organizations", headers=h, json=body)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again.headers.get("idempotent-replayed") == "true"
    other = app_client.post("/api/v1/organizations", headers=h, json={**body, "name_en": "Other"})
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"


def test_failed_request_releases_its_idempotency_key(app_client: TestClient) -> None:
    _, _, token = setup_org(app_client)
    h = {**bearer(token), "Idempotency-Key": "retry-after-fix"}
    bad = {"name_ja": "会社", "name_en": "Co", "kind": "company_sme", "corporate_number": "1234567890123"}
    assert app_client.post("/api/v1/organizations", headers=h, json=bad).status_code == 422
    good = {**bad, "kind": "association", "corporate_number": None}
    assert app_client.post("/api/v1/organizations", headers=h, json=good).status_code == 201


def test_oversized_and_malformed_bodies(app_client: TestClient) -> None:
    _, _, token = setup_org(app_client)
    huge = "x" * (6 * 1024 * 1024)
    r = app_client.post(
        "/api/v1/organizations", headers={**bearer(token), "content-type": "application/json"}, content=huge
    )
    assert r.status_code == 413 and r.json()["code"] == "body_too_large"
    r = app_client.post(
        "/api/v1/organizations",
        headers={**bearer(token), "content-type": "application/json"},
        content="{not json",
    )
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "json_invalid"


def test_pagination(app_client: TestClient) -> None:
    _, _, token = setup_org(app_client)
    for i in range(5):
        app_client.post(
            "/api/v1/organizations",
            headers=bearer(token),
            json={"name_ja": f"団体{i}", "name_en": f"Assoc {i}", "kind": "association"},
        )
    page = app_client.get("/api/v1/organizations", params={"limit": 2, "offset": 2}).json()
    assert page["limit"] == 2 and page["offset"] == 2 and len(page["items"]) == 2 and page["next_offset"] == 4
    assert app_client.get("/api/v1/organizations", params={"limit": 0}).status_code == 422


def test_cookie_session_writes_need_csrf(app_client: TestClient) -> None:
    org_id, email, _ = setup_org(app_client, kind=OrgKind.ASSOCIATION)
    r = app_client.post("/api/v1/session", json={"email": email, "password": PASSWORD})
    assert r.status_code == 200
    csrf = r.json()["csrf_token"]
    body = {"name": "Depot", "kind": "warehouse"}
    r = app_client.post(f"/api/v1/organizations/{org_id}/facilities", json=body)
    assert r.status_code == 403 and r.json()["code"] == "csrf"
    r = app_client.post(
        f"/api/v1/organizations/{org_id}/facilities", json=body, headers={"x-csrf-token": csrf}
    )
    assert r.status_code == 201
    assert app_client.delete("/api/v1/session").status_code == 204
    assert app_client.get("/api/v1/me").status_code == 401


def test_wrong_password_and_bad_token(app_client: TestClient) -> None:
    _, email, _ = setup_org(app_client)
    r = app_client.post("/api/v1/session", json={"email": email, "password": "nope nope nope"})
    assert r.status_code == 401 and r.json()["code"] == "bad_credentials"
    r = app_client.get("/api/v1/me", headers=bearer("jk_deadbeef0000_forged"))
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"


def test_token_secret_is_shown_once(app_client: TestClient) -> None:
    _, _, token = setup_org(app_client)
    created = app_client.post(
        "/api/v1/tokens", headers=bearer(token), json={"name": "erp", "scopes": ["read"]}
    )
    secret = created.json()["token"]
    listing = app_client.get("/api/v1/tokens", headers=bearer(token)).text
    assert secret not in listing and token not in listing
    assert "token_hash" not in listing


def test_openapi_and_offline_docs(app_client: TestClient) -> None:
    spec = app_client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    docs = app_client.get("/api/v1/docs").text
    assert "/static/swagger/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    assert app_client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200


def test_web_pages_render_in_both_languages(app_client: TestClient) -> None:
    ja = app_client.get("/members", headers={"accept": "text/html"})
    assert ja.status_code == 200 and "会員名簿" in ja.text and 'lang="ja"' in ja.text
    en = app_client.get("/members?lang=en")
    assert "Member directory" in en.text and en.cookies.get("lang") == "en"
    assert "Member directory" in app_client.get("/members").text  # the cookie remembers the choice
    assert "http://" not in ja.text.replace("http://www.w3.org/2000/svg", "")  # no remote assets


def test_web_login_needs_csrf_cookie(app_client: TestClient) -> None:
    _, email, _ = setup_org(app_client)
    r = app_client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": "forged"},
        headers={"accept": "text/html"},
        follow_redirects=False,
    )
    assert r.status_code == 403
    page = app_client.get("/login")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    r = app_client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303 and "junkan_session" in r.cookies


def test_token_principal_cache_is_cleared_by_writes(sqlite_engine) -> None:
    """With caching on, a token revoked over HTTP stops working at once on the same process."""
    from junkan.app import create_app
    from junkan.config import Settings

    settings = Settings(database_url=str(sqlite_engine.url), secret_key="k" * 40, principal_cache_seconds=60)
    with TestClient(create_app(settings, engine=sqlite_engine)) as client:
        _, _, admin_token = setup_org(client)
        made = client.post(
            "/api/v1/tokens", headers=bearer(admin_token), json={"name": "x", "scopes": ["read"]}
        )
        token, token_id = made.json()["token"], made.json()["id"]
        assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
        assert (
            client.app.state.principal_cache.get(token, __import__("junkan.actor").actor.utcnow()) is not None
        )
        assert client.delete(f"/api/v1/tokens/{token_id}", headers=bearer(admin_token)).status_code == 204
        assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_secrets_never_reach_the_logs(app_client: TestClient, caplog) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    _, email, token = setup_org(app_client)
    app_client.post("/api/v1/session", json={"email": email, "password": PASSWORD})
    app_client.post("/api/v1/session", json={"email": email, "password": "a wrong password!"})
    body = {"name": "n", "scopes": ["read"]}
    new = app_client.post("/api/v1/tokens", headers=bearer(token), json=body).json()
    app_client.get("/api/v1/me", headers=bearer(new["token"]))
    app_client.get("/api/v1/me", headers=bearer(new["token"] + "x"))
    for secret in (PASSWORD, "a wrong password!", token, new["token"]):
        assert secret not in caplog.text


def test_uploads_have_their_own_larger_limit(sqlite_engine) -> None:
    from junkan.app import create_app
    from junkan.config import Settings

    settings = Settings(
        database_url=str(sqlite_engine.url), secret_key="k" * 40, max_body_bytes=2048, max_upload_bytes=8192
    )
    with TestClient(create_app(settings, engine=sqlite_engine)) as client:
        big_json = client.post(
            "/api/v1/session", content=b"{" + b" " * 4000 + b"}", headers={"content-type": "application/json"}
        )
        assert big_json.status_code == 413
        upload = client.post("/api/v1/session", files={"f": ("a.csv", b"x" * 4000)})
        assert upload.status_code != 413  # under the upload limit: reaches the route (which rejects the form)
        too_big = client.post("/api/v1/session", files={"f": ("a.csv", b"x" * 9000)})
        assert too_big.status_code == 413 and "JUNKAN_MAX_UPLOAD_BYTES" in too_big.json()["detail"]
