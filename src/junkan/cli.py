"""The ``junkan`` command: serve, build the demo world, migrate, and manage organisations and tokens."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.console import Console
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
        build(engine, say=lambda m: bar.update(task, description=f"demo: {m}"))
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


def main() -> None:
    app()
