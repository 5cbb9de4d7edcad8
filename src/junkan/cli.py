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


# traceability: bulk import, export, ledger verification -------------------------------------------
import_app = typer.Typer(help="Bulk imports (events: CSV, XLSX, UNTP DTE JSON)", no_args_is_help=True)
export_app = typer.Typer(help="Exports (events: UNTP DTE, CSV)", no_args_is_help=True)
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")


def _acting(org_email: str | None, password: str | None, org: int | None) -> tuple[UnitOfWork, Actor, int]:
    """Act as a person of an organisation (e-mail and password) or, with --org only, as the operator."""
    uow = UnitOfWork(make_engine(_settings().database_url))
    if org_email:
        secret = password or typer.prompt("password", hide_input=True)
        try:
            s = auth.sign_in(uow, Actor.system("cli"), email=org_email, password=secret, hours=1)
        except JunkanError as e:
            _fail(e)
            raise
        return uow, Actor(s.principal, ip="cli"), org if org is not None else s.principal.org_id
    if org is None:
        err.print(
            "[red]error[/red] give --org-email (and --password) of a person, or --org ID as the operator"
        )
        raise typer.Exit(2)
    return uow, Actor.system("cli"), org


OrgEmail = Annotated[
    str | None, typer.Option("--org-email", help="sign in as this person of the organisation")
]
Password = Annotated[str | None, typer.Option(help="password (prompted when omitted)")]
OrgId = Annotated[int | None, typer.Option("--org", help="organisation id (as the platform operator)")]


@import_app.command("events")
def import_events(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    org_email: OrgEmail = None,
    password: Password = None,
    org: OrgId = None,
    format: Annotated[
        str | None, typer.Option(help="csv, xlsx or json (default: from the file name)")
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1, max=10_000, help="events per transaction")] = 1000,
) -> None:
    """Import traceability events; the whole file is checked first, then applied in batches. Re-running an
    interrupted import resumes it: events already stored are skipped, never counted twice."""
    from rich.progress import BarColumn, MofNCompleteColumn, TimeRemainingColumn

    from junkan.trace import service as trace

    uow, actor, org_id = _acting(org_email, password, org)
    fmt = (format or file.suffix.lstrip(".")).lower()
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
    ) as bar:
        task = bar.add_task(f"checking {file.name}", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, description=f"importing {file.name}", completed=done, total=total)

        try:
            report = trace.import_events(
                uow,
                actor,
                org_id,
                lambda: file.open("rb"),
                fmt=fmt,
                filename=file.name,
                batch_size=batch_size,
                progress=progress,
            )
        except JunkanError as e:
            _fail(e)
            return
    if report.errors:
        t = Table(
            "row", "field", "code", "what to fix", title=f"{report.status}: {len(report.errors)} problem(s)"
        )
        for r in report.errors[:50]:
            t.add_row(str(r.row), r.field, r.code, escape(r.message))
        err.print(t)
    colour = "green" if report.status == "done" else "red"
    console.print(
        f"[{colour}]{report.status}[/{colour}]: {report.events_total} events in the file, "
        f"{report.applied} applied, "
        f"{report.replayed} already stored (skipped); run {report.run_id}, sha256 {report.digest[:12]}…"
    )
    if report.status == "rejected":
        console.print("nothing was stored; fix the rows above and run the import again")
    elif report.status == "stopped":
        console.print(
            "earlier batches are stored; fix the row above and run the same command again to resume"
        )
    if report.status != "done":
        raise typer.Exit(2)


@export_app.command("events")
def export_events(
    org_email: OrgEmail = None,
    password: Password = None,
    org: OrgId = None,
    format: Annotated[str, typer.Option(help="untp-dte (a DTE credential, JSON) or csv")] = "untp-dte",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="file to write (default: standard output)")
    ] = None,
    since: Annotated[dt.datetime | None, typer.Option(help="events at or after (ISO 8601)")] = None,
    until: Annotated[dt.datetime | None, typer.Option(help="events before (ISO 8601)")] = None,
) -> None:
    """Export an organisation's events, streamed in ledger order (constant memory)."""
    import sys
    import uuid

    from junkan.credentials.did import host_from_base_url
    from junkan.credentials.service import org_did_for
    from junkan.store.trace_repo import EventFilter, TraceRepo
    from junkan.trace import service as trace
    from junkan.trace.tabular import csv_lines
    from junkan.trace.untp_dte import Issuer, event_to_dte, to_dte_credential

    if format not in ("untp-dte", "csv"):
        err.print("[red]error[/red] --format is untp-dte or csv")
        raise typer.Exit(2)
    uow, actor, org_id = _acting(org_email, password, org)
    f = EventFilter(
        since=since.astimezone(dt.UTC) if since and since.tzinfo else since,
        until=until.astimezone(dt.UTC) if until and until.tzinfo else until,
    )
    sink = out.open("w", encoding="utf-8") if out else sys.stdout
    n = 0
    try:
        with uow:
            events = trace.iter_events_payloads(uow, actor, org_id, f)
            if format == "csv":
                for chunk in csv_lines(events):
                    sink.write(chunk)
                    n += chunk.count("\n")
            else:
                host = host_from_base_url(_settings().base_url)
                head = to_dte_credential(
                    [],
                    issuer=Issuer(org_did_for(org_id, host=host), TraceRepo(uow.conn).org_name(org_id)),
                    credential_id=f"urn:uuid:{uuid.uuid4()}",
                    valid_from=actor.now,
                )
                text = json.dumps(head, ensure_ascii=False, indent=1)
                sink.write(text[: text.rindex("[]")] + "[\n")
                for i, e in enumerate(events):
                    sink.write((",\n" if i else "") + json.dumps(event_to_dte(e), ensure_ascii=False))
                    n += 1
                sink.write("\n]\n}\n")
    except JunkanError as e:
        _fail(e)
    finally:
        if out:
            sink.close()
    if out:
        console.print(f"[green]exported[/green] {n} {'events' if format != 'csv' else 'lines'} to {out}")


@app.command("verify-ledger")
def verify_ledger(
    org: Annotated[int, typer.Option("--org", help="organisation id whose ledger to verify")],
    org_email: OrgEmail = None,
    password: Password = None,
) -> None:
    """Verify an organisation's hash-chained ledger and signed checkpoints; names the first broken link."""
    from junkan.trace import service as trace

    uow, actor, org_id = _acting(org_email, password, org)
    try:
        v = trace.verify_ledger(uow, actor, org_id)
    except JunkanError as e:
        _fail(e)
        return
    if v["ok"]:
        console.print(
            f"[green]ledger of organisation {org_id} verifies[/green]: {v['verified']} records, head seq "
            f"{v['head_seq']} {v['head_hash'][:16]}…"
        )
    else:
        event = f" (event {escape(str(v['broken_event_id']))})" if v.get("broken_event_id") else ""
        err.print(
            f"[red]ledger of organisation {org_id} is BROKEN at seq {v['broken_seq']}{event}[/red]: "
            f"{v['reason']} — {escape(v['message'])}; {v['verified']} records before it verify"
        )
    for cp in v["checkpoints"]:
        colour = "green" if cp["status"] == "ok" else "red"
        console.print(
            f"  checkpoint seq {cp['upto_seq']} ({cp['at']:%Y-%m-%d}): [{colour}]{cp['status']}[/{colour}] "
            f"{escape(cp['message'])}"
        )
    if not v["ok"] or any(cp["status"] != "ok" for cp in v["checkpoints"]):
        raise typer.Exit(1)


# regions: statistics imports -----------------------------------------------------------------------
region_app = typer.Typer(help="Regions: statistics imports", no_args_is_help=True)
app.add_typer(region_app, name="region")


def _region_report(report: Any) -> None:
    """Print an import run: its outcome, then every row of its report (errors, warnings, repairs, notes)."""
    colour = {"applied": "green", "unchanged": "cyan"}.get(report.status, "red")
    console.print(
        f"[{colour}]{report.status}[/{colour}]: {escape(report.filename)} (run {report.run_id}, sha256 "
        f"{report.sha256[:12]}…): {report.rows_read} rows read, {report.rows_changed} changed; regions: "
        f"{', '.join(report.regions) or 'none'}",
        soft_wrap=True,
    )
    if report.rows:
        t = Table("row", "field", "severity", "code", "message", title=f"report: {len(report.rows)} row(s)")
        for r in report.rows:
            t.add_row(str(r.row), escape(r.field), r.severity, r.code, escape(r.message))
        console.print(t)


def _region_rejected(e: JunkanError, filename: str) -> None:
    """An all-or-nothing import refused: the per-row report, what to do, exit 2 (nothing was stored)."""
    run = e.extra.get("import_run_id")
    err.print(f"[red]rejected[/red]: {escape(filename)}{f' (run {run})' if run else ''}: {escape(e.message)}")
    rows = getattr(e, "rows", [])
    if rows:
        t = Table("row", "field", "code", "what to fix", title=f"{len(rows)} problem(s)")
        for r in rows:
            t.add_row(str(r.row), escape(r.field), r.code, escape(r.message))
        err.print(t)
    err.print("nothing was stored; fix the rows above and run the import again")
    raise typer.Exit(2)


@region_app.command("import")
def region_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV or XLSX")],
    email: Annotated[str, typer.Option(help="a municipality admin's e-mail (or the operator's)")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True)],
) -> None:
    """Import region statistics in junkan's CSV/XLSX format (all or nothing, with a per-row report)."""
    from junkan.errors import ImportRejected
    from junkan.regions import service as regions

    uow = UnitOfWork(make_engine(_settings().database_url))
    try:
        s = auth.sign_in(uow, Actor.system("cli"), email=email, password=password, hours=1)
        report = regions.import_statistics(
            uow, Actor(s.principal, ip="cli"), file.read_bytes(), filename=file.name
        )
    except ImportRejected as e:
        _region_rejected(e, file.name)
        return
    except JunkanError as e:
        _fail(e)
        return
    _region_report(report)


def _waw_file(path: Path | None) -> Path | None:
    """city_level_data.csv: the path itself, or inside it (a what-a-waste-2.0 folder or the shared data
    folder), else in the configured shared data folder."""
    base = path if path is not None else _settings().shared_data_dir
    if base is None:
        return None
    if base.is_file():
        return base
    for candidate in (base / "city_level_data.csv", base / "what-a-waste-2.0" / "city_level_data.csv"):
        if candidate.is_file():
            return candidate
    return None


@region_app.command("import-what-a-waste")
def region_import_what_a_waste(
    path: Annotated[
        Path | None,
        typer.Argument(help="city_level_data.csv or its folder (default: JUNKAN_SHARED_DATA_DIR)"),
    ] = None,
) -> None:
    """Import the Japanese cities of World Bank What a Waste 2.0 as the platform operator; the codebook
    (city_level_codebook.csv beside the data) gives the measurement years when it is there."""
    from junkan.errors import ImportRejected
    from junkan.regions import service as regions

    data = _waw_file(path)
    if data is None:
        where = escape(str(path)) if path is not None else "JUNKAN_SHARED_DATA_DIR (not set or no data in it)"
        err.print(
            f"[red]error[/red] no What a Waste city_level_data.csv in {where}; give the file or its folder, "
            "or set JUNKAN_SHARED_DATA_DIR to a folder with what-a-waste-2.0/"
        )
        raise typer.Exit(2)
    book = data.with_name("city_level_codebook.csv")
    uow = UnitOfWork(make_engine(_settings().database_url))
    try:
        report = regions.import_what_a_waste(
            uow, Actor.system("cli"), data, book if book.is_file() else None, filename=data.name
        )
    except ImportRejected as e:
        _region_rejected(e, data.name)
        return
    except JunkanError as e:
        _fail(e)
        return
    _region_report(report)


def main() -> None:
    app()
