"""Real Chromium on the demo world: the beverage maker's ledger explorer, a bottle lot's provenance graph back
to the city's collection, its account statement, and the import page's per-row report."""

from __future__ import annotations

from pathlib import Path

from junkan.demo.members import DEMO_PASSWORD
from tests.e2e.browser import shot


def _sign_in(page, server: str, email: str, to: str) -> None:
    page.goto(f"{server}/login?next={to}")
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{server}{to}")


def test_ledger_explorer_provenance_and_statement(browser, demo_server) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _sign_in(page, demo_server, "admin@sakura-beverages.demo", "/trace")
    assert page.locator("h1").inner_text() == "トレーサビリティ台帳"
    assert "台帳は検証済みです" in page.locator("main").inner_text()
    page.get_by_label("素材").select_option("PET")
    page.get_by_label("期間（開始）").fill("2025-04-01")
    page.get_by_label("期間（終了・含まない）").fill("2025-07-01")
    page.get_by_role("button", name="表示").click()
    assert "12 件の事象" in page.locator("main").inner_text()
    page.get_by_role("link", name="bottles-202504").first.click()
    # the bottles' upstream graph reaches the city's collection, whose lot ids and masses stay masked
    graph = page.locator("svg.graph").first
    assert "みなと市" in graph.inner_html() and "回収" in graph.inner_html()
    assert page.locator("main").get_by_text("他組織のロット（非開示）").count() >= 1
    shot(page, "trace-provenance-ja")
    page.get_by_role("link", name="マスバランス").click()
    page.locator("main table a").first.click()
    assert page.locator("h1").inner_text() == "勘定明細"
    assert page.locator("svg.chart").count() == 2
    page.get_by_role("link", name="English").click()
    assert page.locator("h1").inner_text() == "Account statement"
    shot(page, "trace-statement-en")


def test_import_page_reports_rows(browser, demo_server, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    _sign_in(page, demo_server, "admin@minato-city.demo", "/trace/import")
    bad = tmp_path / "events.csv"
    bad.write_text(
        "event_id,kind,time,site,direction,lot,material,quantity\nx1,collect,2025-04-01T09:00:00+09:00,1,out,l1,PET,ten\n"
    )
    page.locator("input[type=file]").set_input_files(str(bad))
    page.get_by_role("button", name="取り込む").click()
    report = page.locator("main section[aria-live]")
    assert "却下" in report.inner_text() and "ten" in report.inner_text()
    assert report.locator("td.num").first.inner_text() == "2"
