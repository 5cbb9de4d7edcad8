import io
from pathlib import Path

import openpyxl
import pytest

from junkan.errors import ImportRejected
from junkan.regions.tabular import parse_region_csv, parse_region_xlsx, template_csv, template_xlsx
from junkan.regions.wastat import parse_city_data, parse_codebook, repair_mojibake, to_profile

WAW = Path(__file__).resolve().parents[4] / "shared" / "data" / "what-a-waste-2.0"
HEADER_EN = (
    "iso3c,region_id,country_name,income_id,city_name,population_population_number_of_people,"
    "total_msw_total_msw_generated_tons_year,waste_treatment_incineration_percent,"
    "waste_treatment_recycling_percent,composition_plastic_percent\n"
)


def test_repair_mojibake():
    assert repair_mojibake("CÃ³rdoba") == "Córdoba"
    assert repair_mojibake("Vavaâ€™u") == "Vava’u"
    assert repair_mojibake("Córdoba") is None
    assert repair_mojibake("Tokyo") is None


def test_small_file_repairs_reports_and_rejects():
    text = HEADER_EN + (
        "ARG,LCN,Argentina,UMC,CÃ³rdoba,1330023,500000,,12,\n"
        "XXX,LCN,Nowhere,UMC,Ghost Town,,1000,,,\n"
        "JPN,EAS,Japan,HIC,Naha,323558,100375,89.09,15.01,140\n"
        "AFG,SAS,Afghanistan,LIC,HiratÂ\xa0,100000,abc,,,\n"
    )
    r = parse_city_data(io.StringIO(text))
    assert [c.city for c in r.cities] == ["Córdoba", "Naha"]
    assert [(x.row, x.original, x.repaired, x.kind) for x in r.repairs] == [
        (2, "CÃ³rdoba", "Córdoba", "mojibake"),
        (5, "HiratÂ\xa0", "Hirat", "mojibake"),
    ]
    assert {(e.row, e.code) for e in r.errors} == {(3, "missing_value"), (5, "missing_value")}
    assert {(w.row, w.code) for w in r.warnings} == {
        (4, "share_out_of_range"),  # plastic 140 %
        (4, "shares_exceed_100"),  # incineration 89.09 + recycling 15.01 (ash landfill double counts)
        (5, "not_a_number"),
    }
    naha = r.cities[1]
    assert naha.kg_per_capita_day == pytest.approx(100375 * 1000 / (323558 * 365))
    assert "plastic" not in naha.composition_pct


@pytest.mark.skipif(not WAW.exists(), reason="shared What a Waste data not mounted")
def test_real_what_a_waste_file():
    book = parse_codebook(WAW / "city_level_codebook.csv")
    r = parse_city_data(WAW / "city_level_data.csv", book)
    assert len(r.cities) + len({e.row for e in r.errors}) == 367
    assert any(x.repaired == "Córdoba" for x in r.repairs)
    assert any(x.repaired == "Bogotá" for x in r.repairs)
    assert all("Ã" not in c.city for c in r.cities)
    jp = {c.city: c for c in r.cities if c.iso3c == "JPN"}
    assert set(jp) == {"Yokohama", "Kobe", "Osaka", "Naha", "Kitakyushu", "Toyama"}
    yok = jp["Yokohama"]
    assert (yok.population, yok.msw_t_per_year, yok.msw_year) == (3_730_345, 1_182_892, 2015)
    p = to_profile(yok)
    assert p.code == "141003" and p.name_ja == "横浜市"
    assert p.waste[2015].incinerated_t == pytest.approx(1_182_892 * 0.7495)
    assert p.waste[2015].direct_recycling_t is None  # the data set does not split recycling: missing, not 0


def make_csv(rows: str, header: str | None = None) -> io.StringIO:
    return io.StringIO((header or template_csv("ja")) + rows)


ROW = (
    "141003,2022,横浜市,Yokohama,3770000,1800000,437.6,"
    "620000,380000,50000,1000000,90000,150000,780000,60000,\n"
)


def test_template_round_trip_japanese_and_english_headers():
    r = parse_region_csv(make_csv(ROW))
    p = r.profiles["141003"]
    assert p.waste[2022].generated_t == 1_050_000
    assert p.waste[2022].treatment_cost_jpy is None  # empty cell: missing, never zero
    r_en = parse_region_csv(make_csv(ROW, template_csv("en")))
    assert r_en.profiles["141003"].waste == p.waste


def test_leading_zero_restored_and_reported():
    r = parse_region_csv(make_csv(ROW.replace("141003", "11002", 1)))
    assert "011002" in r.profiles and r.notes[0].code == "leading_zero_restored"


def test_all_or_nothing_with_every_problem_listed():
    bad = (
        ROW
        + ROW.replace("141003", "141004")  # check digit
        + ROW.replace(",90000,", ",2000000,").replace("2022", "2020")  # direct recycling > total treated
        + ROW.replace(",3770000,", ",-5,").replace("2022", "2021")  # negative population
        + ROW  # duplicate 2022
    )
    with pytest.raises(ImportRejected) as e:
        parse_region_csv(make_csv(bad))
    codes = {(x.row, x.code) for x in e.value.rows}
    assert codes == {
        (3, "municipality_code_check_digit"),
        (4, "component_exceeds_total"),
        (5, "negative_amount"),
        (6, "duplicate_row"),
    }


def test_unknown_column_rejected():
    with pytest.raises(ImportRejected) as e:
        parse_region_csv(io.StringIO("団体コード,年度,人口,謎の列\n141003,2022,1,2\n"))
    assert e.value.rows[0].code == "unknown_column"


def test_xlsx_template_and_parse():
    wb = openpyxl.load_workbook(io.BytesIO(template_xlsx("ja")))
    ws = wb["data"]
    ws.append(
        [
            141003,
            2022,
            "横浜市",
            "Yokohama",
            3770000,
            None,
            None,
            620000,
            380000,
            50000,
            1000000,
            90000,
            150000,
            780000,
            60000,
            None,
        ]
    )
    out = io.BytesIO()
    wb.save(out)
    r = parse_region_xlsx(out.getvalue())
    assert r.profiles["141003"].population[2022] == 3_770_000
    assert r.profiles["141003"].households[2022] is None
