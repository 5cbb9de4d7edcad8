"""Web pages of the trace and custody contexts: the ledger explorer (filter by site, material, period,
partner), lot pages with the provenance graph, mass-balance account statements with a chart, and the bulk
import page with its per-row report."""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from typing import IO, Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from junkan.actor import Actor
from junkan.api.deps import get_uow
from junkan.custody import service as custody
from junkan.errors import JunkanError, NotFound
from junkan.members import service as members
from junkan.pagination import PageRequest
from junkan.store.members_repo import MembersRepo
from junkan.store.trace_repo import EventFilter, TraceRepo
from junkan.trace import service as trace
from junkan.web.charts import Series, bar_chart, line_chart
from junkan.web.i18n import register, translate
from junkan.web.render import add_nav, form_csrf_ok, lang_of, principal_of, render
from junkan.web.trace_graph import provenance_svg

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
add_nav("nav.trace", "/trace")


def _actor(request: Request) -> Actor:
    p = principal_of(request)
    return Actor(
        principal=p,
        ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
    )


def _need_login(request: Request) -> Response | None:
    if principal_of(request) is None:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    return None


def _names(request: Request, ids: set[int]) -> dict[int, str]:
    lang = lang_of(request)
    out: dict[int, str] = {}
    uow = get_uow(request)
    with uow:
        repo = MembersRepo(uow.conn)
        for i in ids:
            org = repo.get_org(i)
            out[i] = getattr(org, f"name_{lang}") if org else str(i)
    return out


JST = dt.timezone(dt.timedelta(hours=9), "JST")


def num(value: Any) -> str:
    """A mass for people: thousands separators, no trailing zeros (106,705 and 60,130.5)."""
    text = f"{Decimal(str(value)):,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def when(value: dt.datetime | dt.date | None, *, time: bool = True) -> str:
    """Times in Japan Standard Time, as the operators on the ground read them."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        local = value.astimezone(JST)
        return local.strftime("%Y-%m-%d %H:%M JST" if time else "%Y-%m-%d")
    return value.isoformat()


def _render(request: Request, template: str, status_code: int = 200, **ctx: Any) -> HTMLResponse:
    return render(request, template, status_code=status_code, num=num, when=when, **ctx)


def _date(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC) if value else None
    except ValueError:
        return None


@router.get("/trace", response_class=HTMLResponse)
def explorer(
    request: Request,
    site: str = "",
    material: str = "",
    since: str = "",
    until: str = "",
    partner: str = "",
    offset: int = 0,
) -> Response:
    if (r := _need_login(request)) is not None:
        return r
    actor = _actor(request)
    org = actor.signed_in.org_id
    uow = get_uow(request)
    f = EventFilter(
        site_id=int(site) if site.isdigit() else None,
        material=material or None,
        since=_date(since),
        until=_date(until),
        partner_org_id=int(partner) if partner.isdigit() else None,
    )
    try:
        page = trace.list_events(uow, actor, org, f, PageRequest(50, max(offset, 0)))
        verdict = trace.verify_ledger(uow, actor, org)
        flags = trace.list_trades(uow, actor, org, PageRequest(20), status="flagged")
    except JunkanError as e:
        return _render(request, "trace/explorer.html", status_code=e.status, error=e.message, page=None)
    facilities = members.list_facilities(uow, actor, org)
    with uow:
        materials = TraceRepo(uow.conn).event_materials(org)
    partners = sorted(actor.signed_in.partner_org_ids)
    names = _names(
        request, set(partners) | {e["counterparty_org_id"] for e in page.items if e["counterparty_org_id"]}
    )
    query = {"site": site, "material": material, "since": since, "until": until, "partner": partner}
    return _render(
        request,
        "trace/explorer.html",
        page=page,
        verdict=verdict,
        flags=flags,
        facilities=facilities,
        sites={f["id"]: f["name"] for f in facilities},
        materials=materials,
        partners=partners,
        names=names,
        q=query,
        qs="&".join(f"{k}={v}" for k, v in query.items() if v),
    )


@router.get("/trace/lots/{lot}", response_class=HTMLResponse)
def lot_page(request: Request, lot: str) -> Response:
    if (r := _need_login(request)) is not None:
        return r
    actor = _actor(request)
    org = actor.signed_in.org_id
    uow = get_uow(request)
    lang = lang_of(request)
    try:
        info = trace.get_lot(uow, actor, org, lot)
        up = trace.provenance(uow, actor, org, lot, direction="upstream")
        down = trace.provenance(uow, actor, org, lot, direction="downstream")
    except NotFound:
        return _render(
            request, "trace/lot.html", status_code=404, error=translate("common.not_found", lang), info=None
        )
    names = _names(request, {int(n["org_id"]) for n in up["nodes"] + down["nodes"]})

    def svg(t: dict[str, Any], key: str) -> Any:
        return provenance_svg(
            t,
            org_name=lambda i: names.get(i, str(i)),
            title=translate(key, lang),
            masked_label=translate("trace.masked_short", lang),
            kind_label=lambda k: translate(f"ekind.{k}", lang),
        )

    return _render(
        request,
        "trace/lot.html",
        info=info,
        up=up,
        down=down,
        names=names,
        up_svg=svg(up, "trace.upstream"),
        down_svg=svg(down, "trace.downstream"),
    )


@router.get("/trace/accounts", response_class=HTMLResponse)
def accounts_page(request: Request) -> Response:
    if (r := _need_login(request)) is not None:
        return r
    actor = _actor(request)
    org = actor.signed_in.org_id
    uow = get_uow(request)
    rows = custody.list_accounts(uow, actor, org)
    claims = custody.list_claims(uow, actor, org)
    sites = {f["id"]: f["name"] for f in members.list_facilities(uow, actor, org)}
    return _render(request, "trace/accounts.html", accounts=rows, claims=claims[:50], sites=sites)


@router.get("/trace/accounts/{account_id}", response_class=HTMLResponse)
def statement_page(request: Request, account_id: int, period: str = "") -> Response:
    if (r := _need_login(request)) is not None:
        return r
    actor = _actor(request)
    uow = get_uow(request)
    lang = lang_of(request)
    try:
        day = dt.date.fromisoformat(period) if period else None
        st = custody.statement(uow, actor, account_id, day)
    except (JunkanError, ValueError) as e:
        return _render(
            request,
            "trace/statement.html",
            status_code=getattr(e, "status", 422),
            error=getattr(e, "message", str(e)),
            st=None,
        )
    figures = [
        (translate("custody.opening", lang), float(st["openingKg"])),
        (translate("custody.credits", lang), float(st["creditsKg"])),
        (translate("custody.transfers_in", lang), float(st["transfersInKg"])),
        (translate("custody.claims", lang), float(st["claimsKg"])),
        (translate("custody.transfers_out", lang), float(st["transfersOutKg"])),
        (translate("custody.closing", lang), float(st["closingKg"])),
    ]
    chart = bar_chart(figures, title=translate("custody.statement", lang), unit=" kg")
    balance = Decimal(st["openingKg"])
    points = [(0.0, float(balance))]
    for i, entry in enumerate(st["entries"], start=1):
        sign = 1 if entry["kind"] in ("credit", "transfer_in") else -1
        balance += sign * Decimal(entry["kg"])
        points.append((float(i), float(balance)))
    trend = line_chart(
        [Series(translate("custody.balance", lang), points)],
        title=translate("custody.balance_after", lang),
        unit="kg",
        height=200,
    )
    acc = custody.get_account(uow, actor, account_id)
    site_names = {f["id"]: f["name"] for f in members.list_facilities(uow, actor, int(acc["org_id"]))}
    label = " · ".join(
        [
            _names(request, {int(acc["org_id"])})[int(acc["org_id"])],
            str(site_names.get(acc["site_id"], acc["site_id"])),
            acc["material_group"],
            translate(f"rpc.{acc['characteristic']}", lang),
        ]
    )
    return _render(
        request, "trace/statement.html", st=st, chart=chart, trend=trend, account_id=account_id, label=label
    )


@router.get("/trace/import", response_class=HTMLResponse)
def import_form(request: Request) -> Response:
    if (r := _need_login(request)) is not None:
        return r
    actor = _actor(request)
    runs = trace.list_imports(get_uow(request), actor, actor.signed_in.org_id)
    return _render(request, "trace/import.html", runs=runs, report=None)


@router.post("/trace/import", response_class=HTMLResponse)
def import_upload(
    request: Request,
    file: Annotated[UploadFile, File()],
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    if (r := _need_login(request)) is not None:
        return r
    form_csrf_ok(request, csrf_token)
    actor = _actor(request)
    org = actor.signed_in.org_id
    uow = get_uow(request)
    name = file.filename or "upload"
    fmt = name.rsplit(".", 1)[-1].lower()
    report: dict[str, Any] | None = None
    error = None
    if fmt not in trace.FORMATS:
        error = translate("trace.import_format", lang_of(request))
    else:
        with tempfile.TemporaryFile() as tmp:
            for block in iter(lambda: file.file.read(1 << 20), b""):
                tmp.write(block)

            def opener() -> _Reopen:
                tmp.seek(0)
                return _Reopen(tmp)

            try:
                report = trace.import_events(uow, actor, org, opener, fmt=fmt, filename=name).to_dict()
            except JunkanError as e:
                error = e.message
    runs = trace.list_imports(uow, actor, org)
    status = 201 if report and report["status"] == "done" else 422
    return _render(
        request, "trace/import.html", status_code=status, runs=runs, report=report, error=error, filename=name
    )


class _Reopen:
    def __init__(self, f: IO[bytes]) -> None:
        self.f = f

    def __enter__(self) -> IO[bytes]:
        return self.f

    def __exit__(self, *exc: object) -> None:
        return None


register(
    {
        "trace.title": ("トレーサビリティ台帳", "Traceability ledger"),
        "trace.intro": (
            "自組織の事象（回収・選別・再生・製造・出荷・受入…）はハッシュチェーンで連結され、改ざんを検知できます。",
            "Your organisation's events (collect, sort, recycle, produce, ship, receive, …) are "
            "hash-chained, "
            "so any tampering is detectable.",
        ),
        "trace.ledger_ok": ("台帳は検証済みです", "The ledger verifies"),
        "trace.ledger_broken": ("台帳の改ざんを検知しました", "The ledger was tampered with"),
        "trace.records": ("件の記録", "records"),
        "trace.head": ("先頭", "head"),
        "trace.checkpoint": ("署名付きチェックポイント", "Signed checkpoint"),
        "trace.broken_at": ("最初に壊れた記録", "First broken record"),
        "trace.filters": ("絞り込み", "Filter"),
        "trace.site": ("拠点", "Site"),
        "trace.material": ("素材", "Material"),
        "trace.since": ("期間（開始）", "From"),
        "trace.until": ("期間（終了・含まない）", "Until (exclusive)"),
        "trace.partner": ("取引先", "Partner"),
        "trace.all": ("すべて", "All"),
        "trace.apply": ("表示", "Show"),
        "trace.seq": ("連番", "Seq"),
        "trace.time": ("日時", "Time"),
        "trace.kind": ("種別", "Kind"),
        "trace.lots_in": ("投入", "In"),
        "trace.lots_out": ("産出", "Out"),
        "trace.counterparty": ("相手先", "Counterparty"),
        "trace.events_count": ("件の事象", "events"),
        "trace.events": ("このロットの事象", "Events on this lot"),
        "trace.no_events": ("該当する事象はありません", "No events match"),
        "trace.flags": ("要確認の取引", "Trades to check"),
        "trace.no_flags": ("要確認の取引はありません", "No flagged trades"),
        "trace.lot": ("ロット", "Lot"),
        "trace.stock": ("在庫", "Stock"),
        "trace.provenance": ("由来（プロベナンス）", "Provenance"),
        "trace.upstream": ("上流：このロットの原料はどこから来たか", "Upstream: where this lot came from"),
        "trace.downstream": ("下流：このロットはどこへ行ったか", "Downstream: where this lot went"),
        "trace.masked": ("他組織のロット（非開示）", "another organisation's lot (masked)"),
        "trace.masked_short": ("非開示", "masked"),
        "trace.recycled_share": ("再生材（使用済み由来）比率", "Post-consumer recycled share"),
        "trace.sources": ("起点", "Sources"),
        "trace.share": ("寄与率", "Share"),
        "trace.depth": ("段数", "Steps"),
        "trace.org": ("組織", "Organisation"),
        "trace.created": ("生成", "Created"),
        "trace.graph_note": (
            "左から右へ素材が流れます。破線は他組織のロット（ID・数量は非開示）、緑は回収（使用済み）起点。",
            "Material flows left to right. Dashed boxes are other organisations' lots (ids and masses "
            "masked); green marks collection (post-consumer) sources.",
        ),
        "trace.import": ("一括取込", "Bulk import"),
        "trace.import_intro": (
            "CSV・XLSX（1行＝1ロット行）または UNTP DTE（JSON）を取り込みます。"
            "まず全行を検査し、誤りがあれば何も保存しません。"
            "途中で止まった取込は同じファイルで再実行すると続きから再開し、二重計上しません。",
            "Import CSV or XLSX (one row per lot line) or a UNTP DTE (JSON). Every row is checked first; "
            "if any "
            "is wrong nothing is stored. An interrupted import resumes when you upload the same file again — "
            "nothing is counted twice.",
        ),
        "trace.import_file": ("ファイル", "File"),
        "trace.import_submit": ("取り込む", "Import"),
        "trace.import_format": (
            "CSV・XLSX・JSON ファイルを選んでください",
            "Choose a .csv, .xlsx or .json file",
        ),
        "trace.import_report": ("取込結果", "Import report"),
        "trace.import_runs": ("これまでの取込", "Earlier imports"),
        "trace.row": ("行", "Row"),
        "trace.field": ("項目", "Field"),
        "trace.fix": ("内容と直し方", "Problem and fix"),
        "trace.status": ("状態", "Status"),
        "trace.applied": ("新規", "applied"),
        "trace.replayed": ("既存（スキップ）", "already stored (skipped)"),
        "trace.columns": ("列", "Columns"),
        "istatus.done": ("完了", "done"),
        "istatus.rejected": ("却下（何も保存せず）", "rejected (nothing stored)"),
        "istatus.stopped": ("途中で停止（再実行で再開）", "stopped (re-run to resume)"),
        "istatus.applying": ("取込中", "applying"),
        "custody.accounts": ("マスバランス勘定", "Mass-balance accounts"),
        "custody.accounts_intro": (
            "ISO 22095 マスバランス方式：認証済み投入量×換算係数をクレジットとして計上し、"
            "産出ロットへの主張（クレーム）は残高を超えられません。",
            "ISO 22095 mass balance: certified input × conversion factor is credited; claims on output lots "
            "can never exceed the balance.",
        ),
        "custody.characteristic": ("特性", "Characteristic"),
        "custody.material_group": ("素材グループ", "Material group"),
        "custody.balance": ("残高", "Balance"),
        "custody.closed_until": ("締め済み（〜）", "Closed until"),
        "custody.statement": ("勘定明細", "Account statement"),
        "custody.period": ("期間", "Period"),
        "custody.opening": ("期首残高", "Opening"),
        "custody.credits": ("クレジット", "Credits"),
        "custody.transfers_in": ("受入移転", "Transfers in"),
        "custody.claims": ("主張（クレーム）", "Claims"),
        "custody.transfers_out": ("払出移転", "Transfers out"),
        "custody.expired": ("失効", "Expired"),
        "custody.closing": ("期末残高", "Closing"),
        "custody.entries": ("明細", "Entries"),
        "custody.events": ("根拠となる事象", "Events"),
        "custody.closed": ("締め済み", "closed"),
        "custody.open": ("未締め", "open"),
        "custody.claims_issued": (
            "発行済みの再生材含有クレーム（署名付きVC）",
            "Recycled-content claims issued (signed VCs)",
        ),
        "custody.credential": ("VCを表示", "View VC"),
        "custody.formula": ("計算式", "Formula"),
        "custody.none": ("勘定はまだありません", "No accounts yet"),
        "rpc.recycled_post_consumer": ("再生材（使用済み由来）", "Recycled, post-consumer"),
        "rpc.recycled_pre_consumer": ("再生材（製造工程由来）", "Recycled, pre-consumer"),
        "rpc.bio_based": ("バイオマス由来", "Bio-based"),
        "ekind.collect": ("回収", "collect"),
        "ekind.sort": ("選別", "sort"),
        "ekind.recycle": ("再生", "recycle"),
        "ekind.produce": ("製造", "produce"),
        "ekind.ship": ("出荷", "ship"),
        "ekind.receive": ("受入", "receive"),
        "ekind.sell": ("販売", "sell"),
        "ekind.use": ("使用", "use"),
        "ekind.repair": ("修理", "repair"),
        "ekind.reuse": ("リユース", "reuse"),
        "ekind.remanufacture": ("再製造", "remanufacture"),
        "ekind.dispose": ("処分", "dispose"),
        "nav.accounts": ("マスバランス", "Mass balance"),
        "entry.credit": ("クレジット", "credit"),
        "entry.claim": ("主張（クレーム）", "claim"),
        "entry.transfer_in": ("受入移転", "transfer in"),
        "entry.transfer_out": ("払出移転", "transfer out"),
        "entry.expiry": ("失効", "expiry"),
        "custody.balance_after": (
            "各明細後の残高（横軸：明細の順番）",
            "Balance after each entry (x: entry number)",
        ),
    }
)
