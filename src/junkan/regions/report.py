"""Region reports as bytes: an XLSX workbook and a Japanese PDF (地域循環レポート).

Both contain the profile, the indicator tree with each value against peer regions, the ranked circulation
methods with reasons and the scenario table (P10/P50/P90). The PDF uses reportlab's built-in CID font
HeiseiKakuGo-W5 (Adobe-Japan1), so no font file is downloaded or shipped.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import openpyxl
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from junkan.regions.indicators import IndicatorResult
from junkan.regions.model import RegionProfile
from junkan.regions.recommend import Recommendation
from junkan.regions.scenario import METRICS, ScenarioResult

__all__ = ["UNITS_JA", "region_report_pdf", "region_report_xlsx"]

FONT = "HeiseiKakuGo-W5"
# the indicator tree's units as a Japanese report writes them
UNITS_JA = {
    "g/person/day": "g/人/日",
    "kg CO2e/person/yr": "kg-CO2e/人/年",
    "per 10k people": "社/人口1万人",
    "jobs per 10k people": "人/人口1万人",
    "% of households": "%（世帯）",
    "events per 10k people": "件/人口1万人",
    "JPY/person/yr": "円/人/年",
    "t/yr": "t/年",
    "t CO2e/yr": "t-CO2e/年",
    "JPY/yr": "円/年",
    "persons": "人",
    "households": "世帯",
    "d/yr": "日/年",
    "organisations": "組織",
    "jobs": "人",
    "events/yr": "件/年",
    "share": "比率",
    "kg CO2e/kg": "kg-CO2e/kg",
    "percentage points": "ポイント",
}
_SCENARIO_UNITS_JA = {
    "diverted_from_incineration_t": ("t/年", 1.0, 0),
    "diverted_from_landfill_t": ("t/年", 1.0, 0),
    "recycling_rate_change_pp": ("ポイント", 1.0, 1),
    "ghg_avoided_t": ("t-CO2e/年", 1.0, 0),
    "net_cost_jpy": ("百万円/年", 1e-6, 1),
    "jobs": ("人", 1.0, 1),
}
_METRIC_JA = {
    "diverted_from_incineration_t": "焼却削減量(t)",
    "diverted_from_landfill_t": "埋立削減量(t)",
    "recycling_rate_change_pp": "リサイクル率変化(ポイント)",
    "ghg_avoided_t": "GHG削減量(t-CO2e)",
    "net_cost_jpy": "正味費用(円)",
    "jobs": "雇用(人)",
}


def _fmt(v: float | None, decimals: int = 1) -> str:
    return "—" if v is None else f"{v:,.{decimals}f}"


def _profile_rows(p: RegionProfile, year: int) -> list[list[str]]:
    w = p.waste.get(year)
    rows = [
        ["団体コード", p.code],
        ["名称", f"{p.name_ja} / {p.name_en}"],
        ["年度", f"FY{year}"],
        ["人口", _fmt(p.population.get(year), 0)],
        ["世帯数", _fmt(p.households.get(year), 0)],
        ["面積(km²)", _fmt(p.area_km2)],
    ]
    if w is not None:
        rows += [
            ["ごみ総排出量(t)", _fmt(w.generated_t, 0)],
            ["集団回収量(t)", _fmt(w.group_collection_t, 0)],
            ["直接資源化量(t)", _fmt(w.direct_recycling_t, 0)],
            ["中間処理後再生利用量(t)", _fmt(w.recycled_after_treatment_t, 0)],
            ["焼却量(t)", _fmt(w.incinerated_t, 0)],
            ["最終処分量(t)", _fmt(w.final_disposal_t, 0)],
        ]
    if p.demo:
        rows.append(["注記", "デモ用の架空データです (fictional demo data)"])
    return rows


def _indicator_rows(ind: IndicatorResult, code: str, year: int) -> list[list[str]]:
    out = [["視点", "指標", "値", "単位", "比較対象内パーセンタイル", "順位", "成熟度"]]
    names = {p["id"]: p["name_ja"] for p in ind.tree.raw["perspectives"]}
    for d in ind.tree.indicators:
        v = ind.explain(d.id, code, year)
        rank = f"{v.rank}/{v.n_peers}" if v.rank else "—"
        level = f"{v.maturity_level} {v.maturity_label_ja}" if v.maturity_level else "—"
        out.append(
            [
                names[d.perspective],
                d.name_ja,
                _fmt(v.value, d.decimals),
                UNITS_JA.get(d.unit, d.unit),
                _fmt(v.percentile, 0),
                rank,
                level,
            ]
        )
    return out


def _recommendation_rows(recs: Sequence[Recommendation]) -> list[list[str]]:
    out = [["順位", "方法", "スコア", "実施可能", "削減量(t/年)", "GHG(t/年)", "雇用(人)"]]
    for r in recs:
        e = r.effects
        out.append(
            [str(r.rank), f"{r.method.number}. {r.method.name_ja}", f"{r.score:.2f}",
             "○" if r.feasible else "×", _fmt(e.tonnes, 0), _fmt(e.ghg_t, 0), _fmt(e.jobs, 1)]
        )  # fmt: skip
    return out


def _scenario_rows(s: ScenarioResult) -> list[list[str]]:
    out = [["年度", "指標", "P10", "P50", "P90"]]
    for metric, q in s.quantiles.items():
        for j, y in enumerate(s.years):
            out.append([f"FY{y}", _METRIC_JA[metric], _fmt(q[0, j]), _fmt(q[1, j]), _fmt(q[2, j])])
    return out


def region_report_xlsx(
    profile: RegionProfile,
    year: int,
    indicators: IndicatorResult,
    recommendations: Sequence[Recommendation],
    scenario: ScenarioResult | None = None,
) -> bytes:
    wb = openpyxl.Workbook()
    sheets: list[tuple[str, list[list[str]]]] = [
        ("プロフィール", _profile_rows(profile, year)),
        ("指標", _indicator_rows(indicators, profile.code, year)),
        ("推奨モデル", _recommendation_rows(recommendations)),
    ]
    reasons = [["順位", "方法", "理由"]] + [
        [str(r.rank), r.method.name_ja, s] for r in recommendations for s in r.reasons_ja
    ]
    sheets.append(("推奨理由", reasons))
    if scenario is not None:
        rows = [["year", "metric", "unit", "p10", "p50", "p90"]]
        rows += [[str(x) for x in r.values()] for r in scenario.rows()]
        sheets.append(("シナリオ", rows))
    first = True
    for title, rows in sheets:
        ws = wb.active if first else wb.create_sheet()
        assert ws is not None
        ws.title = title
        first = False
        for row in rows:
            ws.append(row)
        for cell in ws[1]:
            cell.font = Font(bold=True)
    if scenario is not None:
        ws = wb["シナリオ"]
        for r in ws.iter_rows(min_row=2):
            r[0].value = int(str(r[0].value))
            for c in r[3:]:
                c.value = float(str(c.value))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


_CELL = ParagraphStyle("cell", fontName=FONT, fontSize=7.5, leading=9.5)
_CELL_R = ParagraphStyle("cell_r", parent=_CELL, alignment=2)  # numbers align right


def _pdf_text(text: str) -> str:
    # HeiseiKakuGo-W5 (Adobe-Japan1) lacks ≤ and ≥; write them the way a Japanese form would
    return text.replace("≤", "<=").replace("≥", ">=").replace("&", "&amp;").replace("<", "&lt;")


def _table(
    rows: list[list[str]], widths: Sequence[float] | None = None, right: frozenset[int] = frozenset()
) -> Table:
    cells = [
        [Paragraph(_pdf_text(c), _CELL_R if k in right and n else _CELL) for k, c in enumerate(row)]
        for n, row in enumerate(rows)
    ]
    t = Table(cells, colWidths=widths, repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 8),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dfeee4")),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return t


def region_report_pdf(
    profile: RegionProfile,
    year: int,
    indicators: IndicatorResult,
    recommendations: Sequence[Recommendation],
    scenario: ScenarioResult | None = None,
    *,
    scenario_name: str | None = None,
) -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    h1 = ParagraphStyle("h1", fontName=FONT, fontSize=16, leading=22)
    h2 = ParagraphStyle("h2", fontName=FONT, fontSize=12, leading=18, spaceBefore=8)
    body = ParagraphStyle("body", fontName=FONT, fontSize=8, leading=11)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, title=f"{profile.name_ja} 地域循環レポート"
    )
    story: list[object] = [Paragraph(f"{profile.name_ja} 地域循環レポート(FY{year})", h1)]
    story += [Paragraph("1. 地域プロフィール", h2), _table(_profile_rows(profile, year), [60 * mm, 100 * mm])]
    story += [
        Paragraph("2. 地域循環指標(同じ種別の地域との比較)", h2),
        _table(
            _indicator_rows(indicators, profile.code, year),
            [22 * mm, 56 * mm, 18 * mm, 24 * mm, 20 * mm, 15 * mm, 25 * mm],
            right=frozenset({2, 4}),
        ),
        Paragraph(
            "パーセンタイルは同じ種別の地域（この年度のデータがある地域）の中での相対位置（0=最下位、100=最上位）、"
            "成熟度はそれを5段階（着手期・発展期・定着期・先進期・先導期）に分けたものです。"
            "リサイクル率等の定義は環境省「一般廃棄物処理実態調査」、"
            "GHG削減量は排出係数（US EPA WARM v16 等）によります。",
            body,
        ),
    ]
    story += [
        Paragraph("3. 推奨される循環モデル", h2),
        _table(
            _recommendation_rows(recommendations),
            [12 * mm, 62 * mm, 16 * mm, 16 * mm, 26 * mm, 26 * mm, 20 * mm],
            right=frozenset({2, 4, 5, 6}),
        ),
    ]
    if recommendations:
        top = recommendations[0]
        story.append(Spacer(1, 4))
        story.append(Paragraph(f"第1位「{top.method.name_ja}」の理由:", body))
        story += [Paragraph("・" + _pdf_text(s), body) for s in top.reasons_ja]
    if scenario is not None:
        last = len(scenario.years) - 1
        rows = [["指標", "P10", "P50（中央値）", "P90", "単位"]]
        for m, q in scenario.quantiles.items():
            unit, k, dec = _SCENARIO_UNITS_JA.get(m, (METRICS.get(m, ""), 1.0, 1))
            rows.append([_METRIC_JA[m].split("(")[0], *(_fmt(q[i, last] * k, dec) for i in range(3)), unit])
        title = f"「{scenario_name}」" if scenario_name else ""
        story += [
            Paragraph(f"4. シナリオ{title}の効果(FY{scenario.years[last]})", h2),
            _table(rows, [50 * mm, 30 * mm, 30 * mm, 30 * mm, 30 * mm], right=frozenset({1, 2, 3})),
            Paragraph(
                f"{scenario.draws:,}回のモンテカルロ試行によるP10・P50・P90(試行の80%がP10〜P90に入る)。"
                "手法ごとの効果パラメータは、パイロットで実測されるまでの想定値です。",
                body,
            ),
        ]
    if profile.demo:
        story.append(Paragraph("※ この地域はデモ用の架空データです。", body))
    doc.build(story)
    return buf.getvalue()
