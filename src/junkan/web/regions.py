"""Web pages of the regions context (地域循環モデル): region list, dashboard, recommended models, scenario
builder and scenario page, pilot evaluation, statistics import. Server-rendered, no scripts: charts are
SVG from ``junkan.web.charts`` and every figure can be opened (``<details>``) to show its formula, inputs
and sources. Downloads (XLSX/PDF reports, scenario CSV/XLSX) are the API's own routes.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from junkan.actor import Actor
from junkan.api.deps import get_uow
from junkan.api.regions import factors_for
from junkan.errors import ImportRejected, InvalidInput, JunkanError, NotFound
from junkan.pagination import PageRequest
from junkan.regions import service
from junkan.regions.analysis import PEER_GROUPS
from junkan.regions.methods import load_methods
from junkan.regions.report import UNITS_JA
from junkan.regions.scenario import METRICS, ScenarioChoice
from junkan.regions.service.access import is_operator
from junkan.regions.tabular import COLUMNS
from junkan.web.charts import Band, Series, fan_chart, line_chart
from junkan.web.i18n import translate
from junkan.web.regions_text import register_text
from junkan.web.render import add_nav, form_csrf_ok, lang_of, principal_of, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
register_text()
add_nav("nav.regions", "/regions")

TREND_IDS = ("waste_per_capita", "recycling_rate", "final_disposal_per_capita", "ghg_avoided_per_capita")
FAN_METRICS = ("ghg_avoided_t", "diverted_from_incineration_t", "recycling_rate_change_pp", "net_cost_jpy")
MAX_UPLOAD = 5 * 1024 * 1024


def _actor(request: Request) -> Actor:
    ip = request.client.host if request.client else None
    return Actor(principal=principal_of(request), ip=ip, user_agent=request.headers.get("user-agent"))


def fmt(v: float | None, decimals: int = 1) -> str:
    if v is None:
        return "—"
    return f"{v:,.{max(0, decimals)}f}"


def num(v: float | None) -> str:
    """An input value as a person reads it: shares with 3 decimals, large figures with separators."""
    if v is None:
        return "—"
    if isinstance(v, int) or abs(v) >= 1000 or float(v).is_integer():
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:,.1f}"
    return f"{v:.3g}" if abs(v) < 1 else f"{v:.2f}"


def _page(request: Request, template: str, status_code: int = 200, **ctx: Any) -> HTMLResponse:
    lang = lang_of(request)

    def unit(u: str) -> str:
        return UNITS_JA.get(u, u) if lang == "ja" else u

    def column(field: str) -> str:
        """A row report's field as the header the officer's file uses (生活系ごみ排出量(t), ...)."""
        key = field.removeprefix("waste.")
        for k, ja, en, _ in COLUMNS:
            if k == key:
                return ja if lang == "ja" else en
        return field

    return render(
        request, template, status_code=status_code, fmt=fmt, num=num, zip=zip, unit=unit, column=column, **ctx
    )


def _not_found(request: Request) -> HTMLResponse:
    return _page(request, "regions/not_found.html", status_code=404)


def _year(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


@router.get("/regions", response_class=HTMLResponse)
def region_list(request: Request, q: str = "", kind: str = "", offset: int = 0) -> HTMLResponse:
    error = None
    try:
        page = service.list_regions(
            get_uow(request), _actor(request), PageRequest(50, max(0, offset)), q=q or None, kind=kind or None
        )
    except JunkanError as e:
        error = e.message
        page = service.list_regions(get_uow(request), _actor(request), PageRequest(50, 0))
    p = principal_of(request)
    can_import = p is not None and (is_operator(p) or p.org_kind.value == "municipality")
    return _page(request, "regions/list.html", page=page, q=q, kind=kind, error=error, can_import=can_import)


# static paths first: /regions/import, /regions/scenarios/{id}, /regions/pilots/{id} ---------------
@router.get("/regions/import", response_class=HTMLResponse)
def import_form(request: Request) -> Response:
    if principal_of(request) is None:
        return RedirectResponse("/login?next=/regions/import", status_code=303)
    return _page(request, "regions/import.html", report=None, rejected=None)


@router.post("/regions/import", response_class=HTMLResponse)
async def import_upload(
    request: Request, file: Annotated[UploadFile, File()], csrf_token: Annotated[str, Form()] = ""
) -> Response:
    form_csrf_ok(request, csrf_token)
    if principal_of(request) is None:
        return RedirectResponse("/login?next=/regions/import", status_code=303)
    data = await file.read(MAX_UPLOAD + 1)
    lang = lang_of(request)
    if not data or len(data) > MAX_UPLOAD:
        msg = translate("regions.import_size", lang)
        return _page(request, "regions/import.html", status_code=422, report=None, rejected=None, error=msg)
    try:
        report = service.import_statistics(
            get_uow(request), _actor(request), data, filename=file.filename or ""
        )
    except ImportRejected as e:
        return _page(request, "regions/import.html", status_code=422, report=None, rejected=e)
    except JunkanError as e:
        return _page(
            request, "regions/import.html", status_code=e.status, report=None, rejected=None, error=e.message
        )
    return _page(request, "regions/import.html", status_code=201, report=report, rejected=None)


# how a metric is shown: scale (yen as million yen) and decimals
METRIC_SCALE = {"net_cost_jpy": 1e-6}
METRIC_DECIMALS = {"recycling_rate_change_pp": 1, "jobs": 1, "net_cost_jpy": 1}


def _scenario_table(res: dict[str, Any]) -> list[dict[str, Any]]:
    """Per metric: scaled P10/P50/P90 series (for the table and the charts)."""
    out = []
    for m in METRICS:
        q = res.get("quantiles", {}).get(m)
        if not q:
            continue
        k = METRIC_SCALE.get(m, 1.0)
        scaled = [[None if x is None else x * k for x in row] for row in q]
        out.append({"metric": m, "q": scaled, "decimals": METRIC_DECIMALS.get(m, 0)})
    return out


def _scenario_charts(table: list[dict[str, Any]], years: list[int], lang: str) -> list[tuple[str, Any]]:
    out = []
    xs = [float(y) for y in years]
    for row in table:
        if row["metric"] not in FAN_METRICS:
            continue
        title = translate(f"regions.metric.{row['metric']}", lang)
        lo, mid, hi = ([x or 0.0 for x in r] for r in row["q"])
        out.append((row["metric"], fan_chart([Band(title, xs, lo, mid, hi)], title=title, height=220)))
    return out


@router.get("/regions/scenarios/{scenario_id}", response_class=HTMLResponse)
def scenario_page(request: Request, scenario_id: int) -> HTMLResponse:
    actor = _actor(request)
    uow = get_uow(request)
    try:
        s = service.get_scenario(uow, actor, scenario_id)
    except NotFound:
        return _not_found(request)
    region = service.get_region(uow, actor, s["code"])
    lang = lang_of(request)
    table = _scenario_table(s["result"] or {})
    cat = load_methods()
    names = {m.id: (m.number, m.name_ja if lang == "ja" else m.name_en) for m in cat.methods}
    p = actor.principal
    can_publish = bool(s["mine"] and p and "admin" in p.scopes)
    return _page(
        request,
        "regions/scenario.html",
        s=s,
        region=region,
        table=table,
        charts=_scenario_charts(table, (s["result"] or {}).get("years", []), lang),
        names=names,
        metrics=list(METRICS),
        can_publish=can_publish,
    )


@router.post("/regions/scenarios/{scenario_id}/publish")
def scenario_publish(
    request: Request,
    scenario_id: int,
    published: Annotated[str, Form()] = "1",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    form_csrf_ok(request, csrf_token)
    if principal_of(request) is None:
        return RedirectResponse(f"/login?next=/regions/scenarios/{scenario_id}", status_code=303)
    service.publish_scenario(get_uow(request), _actor(request), scenario_id, published == "1")
    return RedirectResponse(f"/regions/scenarios/{scenario_id}", status_code=303)


@router.get("/regions/pilots/{pilot_id}", response_class=HTMLResponse)
def pilot_page(request: Request, pilot_id: int) -> HTMLResponse:
    actor = _actor(request)
    uow = get_uow(request)
    try:
        pl = service.get_pilot(uow, actor, pilot_id)
    except NotFound:
        return _not_found(request)
    region = service.get_region(uow, actor, pl["code"])
    lang = lang_of(request)
    res = pl["result"] or {}
    chart = None
    if res.get("series"):
        ser = res["series"]
        name = res.get("indicator_name_ja" if lang == "ja" else "indicator_name_en", pl["indicator"])
        chart = line_chart(
            [
                Series(
                    region["name_ja" if lang == "ja" else "name_en"],
                    [(float(y), v) for y, v in zip(ser["years"], ser["pilot"], strict=True)],
                ),
                Series(
                    translate("regions.control_mean", lang),
                    [(float(y), v) for y, v in zip(ser["years"], ser["control_mean"], strict=True)],
                    color="#5b6b73",
                ),
            ],
            title=f"{name} ({res.get('unit', '')})",
        )
    controls = {}
    if res.get("controls_used") or res.get("controls_excluded"):
        codes = [*res.get("controls_used", []), *res.get("controls_excluded", [])]
        page = service.list_regions(uow, actor, PageRequest(500))
        known = {r["code"]: r for r in page.items}
        controls = {c: known[c]["name_ja" if lang == "ja" else "name_en"] if c in known else c for c in codes}
    method = None
    if pl["method_id"]:
        m = load_methods().get(pl["method_id"])
        method = f"{m.number}. {m.name_ja if lang == 'ja' else m.name_en}"
    p = actor.principal
    can_publish = bool(pl["mine"] and p and "admin" in p.scopes)
    return _page(
        request,
        "regions/pilot.html",
        pl=pl,
        res=res,
        region=region,
        chart=chart,
        controls=controls,
        method=method,
        can_publish=can_publish,
    )


@router.post("/regions/pilots/{pilot_id}/publish")
def pilot_publish(
    request: Request,
    pilot_id: int,
    published: Annotated[str, Form()] = "1",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    form_csrf_ok(request, csrf_token)
    if principal_of(request) is None:
        return RedirectResponse(f"/login?next=/regions/pilots/{pilot_id}", status_code=303)
    service.publish_pilot(get_uow(request), _actor(request), pilot_id, published == "1")
    return RedirectResponse(f"/regions/pilots/{pilot_id}", status_code=303)


# one region -------------------------------------------------------------------------------------
def _trend_charts(d: Any, lang: str, name: str) -> list[tuple[str, Any, Any]]:
    out = []
    by_id = {t.indicator_id: t for t in d.trends}
    for tid in TREND_IDS:
        t = by_id.get(tid)
        if t is None:
            continue
        title = t.name_ja if lang == "ja" else t.name_en
        chart = line_chart(
            [
                Series(name, [(float(y), v) for y, v in t.points]),
                Series(
                    translate("regions.peer_median", lang),
                    [(float(y), v) for y, v in t.peer_median],
                    color="#5b6b73",
                ),
            ],
            title=title,
            height=220,
        )
        out.append((title, chart, t))
    return out


@router.get("/regions/{code}", response_class=HTMLResponse)
def dashboard(request: Request, code: str, year: str = "", peers: str = "kind") -> HTMLResponse:
    actor = _actor(request)
    uow = get_uow(request)
    lang = lang_of(request)
    try:
        region = service.get_region(uow, actor, code)
    except (NotFound, InvalidInput):
        return _not_found(request)
    peer_group = peers if peers in PEER_GROUPS else "kind"
    error = None
    analysis = None
    try:
        analysis = service.region_dashboard(
            uow, actor, code, year=_year(year), peer_group=peer_group, factors=factors_for(request)
        )
    except InvalidInput as e:
        error = e.message
    d = analysis.dashboard if analysis else None
    name = region["name_ja" if lang == "ja" else "name_en"]
    trends = _trend_charts(d, lang, name) if d else []
    scenarios = service.list_scenarios(uow, actor, code)
    pilots = service.list_pilots(uow, actor, code)
    return _page(
        request,
        "regions/dashboard.html",
        region=region,
        d=d,
        trends=trends,
        peer_group=peer_group,
        peer_groups=PEER_GROUPS,
        scenarios=scenarios,
        pilots=pilots,
        error=error,
        tab="dashboard",
    )


@router.get("/regions/{code}/recommendations", response_class=HTMLResponse)
def recommendations_page(request: Request, code: str, year: str = "") -> HTMLResponse:
    actor = _actor(request)
    uow = get_uow(request)
    try:
        region = service.get_region(uow, actor, code)
    except (NotFound, InvalidInput):
        return _not_found(request)
    recs, error = None, None
    try:
        recs = service.region_recommendations(uow, actor, code, year=_year(year))
    except InvalidInput as e:
        error = e.message
    elements = load_methods().elements
    return _page(
        request,
        "regions/recommendations.html",
        region=region,
        recs=recs,
        elements=elements,
        error=error,
        tab="recommendations",
    )


def _builder_context(request: Request, code: str, region: dict[str, Any], **extra: Any) -> dict[str, Any]:
    actor = _actor(request)
    uow = get_uow(request)
    recs = None
    try:
        recs = service.region_recommendations(uow, actor, code)
    except InvalidInput:
        recs = None
    order = [r.method.id for r in recs.recommendations] if recs else [m.id for m in load_methods().methods]
    rank = {r.method.id: r for r in recs.recommendations} if recs else {}
    methods = sorted(load_methods().methods, key=lambda m: order.index(m.id))
    years = [y for y in region["years"] if y <= (region["default_year"] or 0)]
    defaults = {
        m.id: ("1" if rank.get(m.id) and rank[m.id].rank <= 3 and rank[m.id].feasible else "")
        for m in methods
    }
    return {
        "region": region,
        "methods": methods,
        "rank": rank,
        "years": years,
        "scenarios": service.list_scenarios(uow, actor, code),
        "form": extra.pop("form", None) or {"name": "", "use": defaults},
        "tab": "scenarios",
        **extra,
    }


@router.get("/regions/{code}/scenarios", response_class=HTMLResponse)
def scenarios_page(request: Request, code: str) -> HTMLResponse:
    try:
        region = service.get_region(get_uow(request), _actor(request), code)
    except (NotFound, InvalidInput):
        return _not_found(request)
    return _page(request, "regions/scenarios.html", **_builder_context(request, code, region))


def _pct(raw: Any, default: float | None) -> float | None:
    text = str(raw or "").strip().replace("%", "")
    if not text:
        return default
    return float(text) / 100.0


@router.post("/regions/{code}/scenarios", response_class=HTMLResponse)
async def scenarios_create(request: Request, code: str) -> Response:
    form = await request.form()
    form_csrf_ok(request, str(form.get("csrf_token") or ""))
    if principal_of(request) is None:
        return RedirectResponse(f"/login?next=/regions/{code}/scenarios", status_code=303)
    actor = _actor(request)
    uow = get_uow(request)
    try:
        region = service.get_region(uow, actor, code)
    except (NotFound, InvalidInput):
        return _not_found(request)
    use = {m.id: "1" if form.get(f"use_{m.id}") else "" for m in load_methods().methods}
    name = str(form.get("name") or "")
    state: dict[str, Any] = {"name": name, "use": use, "values": dict(form)}
    try:
        choices = []
        for m in load_methods().methods:
            if not use[m.id]:
                continue
            part = _pct(form.get(f"participation_{m.id}"), 0.5)
            choices.append(
                ScenarioChoice(
                    m.id,
                    participation=part if part is not None else 0.5,
                    capture_rate=_pct(form.get(f"capture_{m.id}"), None),
                    ramp_up_years=int(str(form.get(f"ramp_{m.id}") or "3")),
                )
            )
        spec = service.ScenarioSpec(
            name=name,
            choices=tuple(choices),
            baseline_year=_year(str(form.get("baseline_year") or "")),
            draws=int(str(form.get("draws") or "10000")),
            note=str(form.get("note") or "") or None,
        )
        sid = service.create_scenario(uow, actor, code, spec)
    except ValueError:
        msg = translate("regions.bad_number", lang_of(request))
        ctx = _builder_context(request, code, region, form=state, error=msg)
        return _page(request, "regions/scenarios.html", status_code=422, **ctx)
    except JunkanError as e:
        ctx = _builder_context(request, code, region, form=state, error=e.message)
        return _page(request, "regions/scenarios.html", status_code=e.status, **ctx)
    return RedirectResponse(f"/regions/scenarios/{sid}", status_code=303)


@router.get("/regions/{code}/pilots", response_class=HTMLResponse)
def pilots_page(request: Request, code: str) -> HTMLResponse:
    actor = _actor(request)
    uow = get_uow(request)
    try:
        region = service.get_region(uow, actor, code)
    except (NotFound, InvalidInput):
        return _not_found(request)
    pilots = service.list_pilots(uow, actor, code)
    return _page(request, "regions/pilots.html", region=region, pilots=pilots, tab="pilots")
