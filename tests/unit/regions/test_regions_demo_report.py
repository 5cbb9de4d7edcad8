import io

import openpyxl
import pytest

from junkan.demo.members import demo_municipality_code
from junkan.regions.codes import validate_municipality_code
from junkan.regions.demo_data import (
    DEMO_CODES,
    DEMO_YEARS,
    demo_activity,
    demo_profiles,
    demo_recommendation,
    demo_scenario,
)
from junkan.regions.indicators import EmissionFactor, compute_indicators
from junkan.regions.panel import build_panel
from junkan.regions.report import region_report_pdf, region_report_xlsx
from junkan.regions.typology import classify_profiles


def make_result():
    profiles = demo_profiles()
    factors = [EmissionFactor("PET", "recycling (net)", -1.15, "US EPA WARM v16")]
    return profiles, compute_indicators(build_panel(profiles, DEMO_YEARS, demo_activity()), factors=factors)


def test_demo_city_is_plausible_against_national_figures():
    profiles, r = make_result()
    city = profiles[0]
    assert city.demo and city.name_ja == "みなと市"
    # the regions demo and the members demo are the same places
    assert tuple(demo_municipality_code(n) for n in (1, 2, 3)) == DEMO_CODES
    for code in DEMO_CODES:
        validate_municipality_code(code)
    assert 290_000 < city.population[2022] < 310_000
    # national FY2022: 880 g/person/day and R 19.6 %: the demo city sits within ±10 %
    g = r.explain("waste_per_capita", city.code, 2022).value
    assert 0.9 * 880 < g < 1.1 * 880
    assert abs(r.explain("recycling_rate", city.code, 2022).value - 19.6) < 2.0
    assert classify_profiles([city], 2022).labels == ("core_city/manufacturing/hub",)


def test_reports_are_bytes_with_japanese_content():
    profiles, r = make_result()
    recs, scen = demo_recommendation(), demo_scenario(draws=1_000)
    pdf = region_report_pdf(profiles[0], 2022, r, recs, scen)
    assert pdf.startswith(b"%PDF") and b"HeiseiKakuGo-W5" in pdf
    wb = openpyxl.load_workbook(io.BytesIO(region_report_xlsx(profiles[0], 2022, r, recs, scen)))
    assert wb.sheetnames == ["プロフィール", "指標", "推奨モデル", "推奨理由", "シナリオ"]
    ind = {row[1]: row for row in wb["指標"].iter_rows(min_row=2, values_only=True)}
    assert ind["リサイクル率"][2] == f"{r.explain('recycling_rate', DEMO_CODES[0], 2022).value:,.1f}"
    scen_rows = list(wb["シナリオ"].iter_rows(min_row=2, values_only=True))
    assert len(scen_rows) == 60 and isinstance(scen_rows[0][4], float)
    assert scen_rows[0][4] == pytest.approx(scen.rows()[0]["p50"])
