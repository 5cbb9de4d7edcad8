"""The ``junkan`` command: serve, build the demo world, migrate, and manage organisations and tokens."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from junkan.actor import Actor
from junkan.config import Settings
from junkan.errors import JunkanError
from junkan.members import auth, service
from junkan.members.model import Organisation, OrgKind, Scope
from junkan.pagination import PageRequest
from junkan.store.engine import make_engine
from junkan.store.migrate import pending, upgrade
from junkan.store.uow import UnitOfWork

__all__ = ["app", "main"]

app = typer.Typer(help="junkan (循環): circular-economy information platform", no_args_is_help=True)
db_app = typer.Typer(help="Database schema", no_args_is_help=True)
org_app = typer.Typer(help="Organisations of the member registry", no_args_is_help=True)
token_app = typer.Typer(help="API tokens", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(org_app, name="org")
app.add_typer(token_app, name="token")

console = Console()
err = Console(stderr=True)


def _settings() -> Settings:
    return Settings()


def _fail(e: JunkanError) -> None:
    err.print(f"[red]error[/red] {e.code}{f' [{e.field}]' if e.field else ''}: {e.message}")
    for r in getattr(e, "rows", [])[:50]:
        err.print(f"  row {r.row} {r.field}: {r.message}")
    raise typer.Exit(2)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply all Alembic migrations to the configured database."""
    s = _settings()
    engine = make_engine(s.database_url)
    upgrade(engine)
    console.print(
        f"[green]database is up to date[/green] ({engine.url.render_as_string(hide_password=True)})"
    )


def _build_demo(engine_url: str) -> None:
    from junkan.demo import DemoInterrupted, already_built, build

    engine = make_engine(engine_url)
    upgrade(engine)
    try:
        built = already_built(engine)
    except DemoInterrupted as e:
        err.print(f"[red]error[/red] {e}")
        raise typer.Exit(2) from e
    if built:
        console.print("demo world is already in this database; nothing to do")
        return
    with Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console
    ) as bar:
        task = bar.add_task("building the demo world", total=None)
        build(
            engine,
            say=lambda m: bar.update(task, description=f"demo: {m}"),
            settings=Settings(database_url=engine_url),
        )
    console.print("[green]demo world built[/green] — sign in as admin@minato-city.demo / demo-password-2026")


@app.command()
def demo() -> None:
    """Build the demo world into the configured database (once; a second run does nothing)."""
    _build_demo(_settings().database_url)


@app.command()
def serve(
    demo: Annotated[bool, typer.Option("--demo", help="build the demo world first if it is missing")] = False,
    host: str = "127.0.0.1",
    port: int = 8000,
) -> None:
    """Serve the web UI and the API (http://127.0.0.1:8000)."""
    import uvicorn

    from junkan.app import create_app

    s = _settings()
    engine = make_engine(s.database_url)
    if demo:
        _build_demo(s.database_url)
    elif pending(engine):
        upgrade(engine)
    console.print(
        f"junkan on [bold]http://{host}:{port}[/bold]  (API docs: http://{host}:{port}/api/v1/docs)"
    )
    uvicorn.run(create_app(s, engine=engine), host=host, port=port, log_level="info")


@org_app.command("list")
def org_list(
    kind: Annotated[str | None, typer.Option(help="filter by kind")] = None, limit: int = 50
) -> None:
    """List organisations of the registry."""
    uow = UnitOfWork(make_engine(_settings().database_url))
    try:
        page = service.list_orgs(uow, Actor.system("cli"), PageRequest(limit), kind=[kind] if kind else None)
    except JunkanError as e:
        _fail(e)
        return
    t = Table("id", "name (ja)", "name (en)", "kind", "joined", title=f"{page.total} organisations")
    for o in page.items:
        t.add_row(str(o["id"]), o["name_ja"], o["name_en"], str(o["kind"]), str(o["membership_date"] or ""))
    console.print(t)


@org_app.command("create")
def org_create(
    name_ja: Annotated[str, typer.Option()],
    name_en: Annotated[str, typer.Option()],
    kind: Annotated[OrgKind, typer.Option()],
    corporate_number: Annotated[str | None, typer.Option()] = None,
    municipality_code: Annotated[str | None, typer.Option()] = None,
    sector: Annotated[str | None, typer.Option()] = None,
    joined: Annotated[str | None, typer.Option(help="membership date YYYY-MM-DD")] = None,
    admin_email: Annotated[str | None, typer.Option(help="create an admin person with this e-mail")] = None,
    admin_password: Annotated[str | None, typer.Option(help="password for that admin")] = None,
) -> None:
    """Register an organisation (as the platform operator), optionally with its first admin."""
    uow = UnitOfWork(make_engine(_settings().database_url))
    actor = Actor.system("cli")
    try:
        org_id = service.register_org(
            uow,
            actor,
            Organisation(
                id=None,
                name_ja=name_ja,
                name_en=name_en,
                kind=kind,
                corporate_number=corporate_number,
                municipality_code=municipality_code,
                sector=sector,
                membership_date=dt.date.fromisoformat(joined) if joined else None,
            ),
        )
        if admin_email:
            from junkan.members.model import Role

            auth.add_person(
                uow,
                actor,
                org_id=org_id,
                email=admin_email,
                display_name=admin_email,
                role=Role.ADMIN,
                password=admin_password,
            )
    except JunkanError as e:
        _fail(e)
        return
    console.print(f"[green]registered[/green] organisation {org_id}: {name_ja} / {name_en}")


@token_app.command("create")
def token_create(
    email: Annotated[
        str, typer.Option(help="an admin's e-mail; the token acts for that person's organisation")
    ],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True)],
    name: Annotated[str, typer.Option()] = "cli",
    scope: Annotated[list[Scope] | None, typer.Option()] = None,
    days: int = 90,
) -> None:
    """Create an API token (printed once; only its hash is stored)."""
    uow = UnitOfWork(make_engine(_settings().database_url))
    try:
        s = auth.sign_in(uow, Actor.system("cli"), email=email, password=password, hours=1)
        t = auth.create_token(
            uow, Actor(s.principal, ip="cli"), name=name, scopes=set(scope or [Scope.READ]), days=days
        )
    except JunkanError as e:
        _fail(e)
        return
    console.print(f"token (shown once): [bold]{t.token}[/bold]  expires {t.expires_at:%Y-%m-%d}")


@token_app.command("list")
def token_list(
    email: Annotated[str, typer.Option()],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True)],
) -> None:
    """List an organisation's tokens (never the secrets)."""
    uow = UnitOfWork(make_engine(_settings().database_url))
    try:
        s = auth.sign_in(uow, Actor.system("cli"), email=email, password=password, hours=1)
        rows = auth.list_tokens(uow, Actor(s.principal, ip="cli"))
    except JunkanError as e:
        _fail(e)
        return
    t = Table("id", "name", "prefix", "scopes", "expires", "revoked")
    for r in rows:
        t.add_row(
            str(r["id"]),
            r["name"],
            f"jk_{r['prefix']}_…",
            r["scopes"],
            f"{r['expires_at']:%Y-%m-%d}",
            f"{r['revoked_at']:%Y-%m-%d}" if r["revoked_at"] else "",
        )
    console.print(t)


@token_app.command("revoke")
def token_revoke(
    token_id: int,
    email: Annotated[str, typer.Option()],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True)],
) -> None:
    """Revoke a token now."""
    uow = UnitOfWork(make_engine(_settings().database_url))
    try:
        s = auth.sign_in(uow, Actor.system("cli"), email=email, password=password, hours=1)
        auth.revoke_token(uow, Actor(s.principal, ip="cli"), token_id)
    except JunkanError as e:
        _fail(e)
        return
    console.print(f"token {token_id} revoked")


# credentials: verify, validate, signing keys ---------------------------------------------------------------
key_app = typer.Typer(help="Organisations' signing keys (for Verifiable Credentials)", no_args_is_help=True)
app.add_typer(key_app, name="key")


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        err.print(f"[red]error[/red] cannot read {escape(str(path))}: {escape(str(e))}")
        raise typer.Exit(2) from e


def _read_json(path: Path) -> Any:
    try:
        return json.loads(_read_text(path))
    except ValueError as e:
        err.print(f"[red]error[/red] {escape(str(path))} is not valid JSON: {escape(str(e))}")
        raise typer.Exit(2) from e


@app.command()
def verify(
    file: Annotated[Path, typer.Argument(help="a credential: JSON with a proof, or a compact JWS")],
    did_document: Annotated[
        list[Path] | None,
        typer.Option(
            "--did-document",
            help="a cached DID document (from /org/<id>/did.json); verify offline, without the database",
        ),
    ] = None,
    at: Annotated[
        str | None, typer.Option(help="verify as of this time (ISO 8601 with zone); default now")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
) -> None:
    """Verify a Verifiable Credential; exits 1 when it does not verify, listing every reason."""
    from junkan.credentials import service as credentials

    text = _read_text(file)
    try:
        now = dt.datetime.fromisoformat(at) if at else dt.datetime.now(dt.UTC)
    except ValueError:
        now = None
    if now is None or now.tzinfo is None:
        err.print("[red]error[/red] --at needs a time zone, e.g. 2025-04-01T09:00:00+09:00")
        raise typer.Exit(2)
    try:
        if did_document:
            docs = [_read_json(p) for p in did_document]
            result = credentials.verify_offline(text, docs, now=now)
            source = f"offline, with {len(docs)} DID document(s)"
        else:
            s = _settings()
            engine = make_engine(s.database_url)
            if pending(engine):
                err.print("[red]error[/red] the database is not up to date: run `junkan db upgrade` first")
                raise typer.Exit(2)
            result = credentials.verify_document(UnitOfWork(engine), text, now=now)
            source = f"against the key table of {engine.url.render_as_string(hide_password=True)}"
    except JunkanError as e:
        _fail(e)
        return
    if as_json:
        console.print_json(json.dumps(credentials.result_view(result)))
    elif result.ok:
        console.print(f"[green]✓ verified[/green] ({escape(source)})", soft_wrap=True)
    else:
        console.print(f"[red]✗ not verified[/red] ({escape(source)})", soft_wrap=True)
    if not as_json:
        if result.issuer:
            console.print(f"  issuer: {escape(result.issuer)}", soft_wrap=True)
        if result.key_id:
            console.print(f"  key:    {escape(result.key_id)}", soft_wrap=True)
        for p in result.problems:
            console.print(
                f"  [red]✗[/red] {p.code} at {escape(p.field)}: {escape(p.message)}", soft_wrap=True
            )
    if not result.ok:
        raise typer.Exit(1)


@app.command()
def validate(
    file: Annotated[Path, typer.Argument(help="a JSON document (passport, credential, event, …)")],
    schema: Annotated[Path, typer.Option("--schema", help="the JSON Schema file (draft 2020-12 by default)")],
) -> None:
    """Validate a JSON document against a JSON Schema; exits 1 listing every problem by JSON path."""
    from junkan.schemas import render_problems, validate_against_schema

    instance, schema_doc = _read_json(file), _read_json(schema)
    if not isinstance(schema_doc, dict):
        err.print(f"[red]error[/red] {escape(str(schema))} is not a JSON Schema object")
        raise typer.Exit(2)
    try:
        problems = validate_against_schema(instance, schema_doc)
    except JunkanError as e:
        _fail(e)
        return
    text = render_problems(problems, source=file.name)
    if problems:
        console.print(escape(text), soft_wrap=True)
        raise typer.Exit(1)
    console.print(f"[green]✓[/green] {escape(text)}", soft_wrap=True)


@key_app.command("list")
def key_list(org_id: int) -> None:
    """List an organisation's public signing keys (rotated and revoked ones included)."""
    from junkan.credentials import service as credentials

    try:
        keys = credentials.list_org_keys(UnitOfWork(make_engine(_settings().database_url)), org_id)
    except JunkanError as e:
        _fail(e)
        return
    t = Table(
        "key id", "public key (multibase)", "valid from", "status", title=f"keys of organisation {org_id}"
    )
    for k in keys:
        revoked = f" since {k['revoked_at']:%Y-%m-%d %H:%M}" if k["revoked_at"] else ""
        t.add_row(
            k["key_id"], k["public_key_multibase"], f"{k['valid_from']:%Y-%m-%d %H:%M}", k["status"] + revoked
        )
    console.print(t)


@key_app.command("rotate")
def key_rotate(
    email: Annotated[str, typer.Option(help="an admin's e-mail; rotates that person's organisation's key")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True)],
) -> None:
    """Create the organisation's next signing key; earlier keys keep verifying what they signed."""
    from junkan.credentials import service as credentials
    from junkan.store.master_secret import master_secret

    s = _settings()
    uow = UnitOfWork(make_engine(s.database_url))
    try:
        session = auth.sign_in(uow, Actor.system("cli"), email=email, password=password, hours=1)
        key = credentials.rotate_org_key(
            uow,
            Actor(session.principal, ip="cli"),
            master_secret=master_secret(s),
            host=credentials.host_from_base_url(s.base_url),
        )
    except JunkanError as e:
        _fail(e)
        return
    console.print(f"[green]new signing key[/green] {escape(key['key_id'])}", soft_wrap=True)


@key_app.command("revoke")
def key_revoke(
    key_id: str,
    email: Annotated[str, typer.Option()],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True)],
    compromised: Annotated[
        bool, typer.Option(help="disown every signature the key ever made (a stolen key)")
    ] = False,
) -> None:
    """Revoke a signing key now (signatures made before stay valid unless --compromised)."""
    from junkan.credentials import service as credentials

    uow = UnitOfWork(make_engine(_settings().database_url))
    try:
        session = auth.sign_in(uow, Actor.system("cli"), email=email, password=password, hours=1)
        actor = Actor(session.principal, ip="cli")
        key = credentials.revoke_org_key(uow, actor, key_id, now=actor.now, compromised=compromised)
    except JunkanError as e:
        _fail(e)
        return
    console.print(
        f"key {escape(key['key_id'])} revoked as of {key['revoked_at']:%Y-%m-%d %H:%M:%S}Z", soft_wrap=True
    )


def main() -> None:
    app()
