"""Real Chromium on the demo world: the city's dashboard explains a figure, the builder makes a scenario."""

from __future__ import annotations

from junkan.demo.members import DEMO_PASSWORD
from junkan.regions.demo_data import DEMO_CODES
from tests.e2e.browser import shot

CITY = DEMO_CODES[0]


def test_dashboard_explains_its_figures(browser, demo_server) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{demo_server}/regions/{CITY}")
    assert page.locator("h1").inner_text().startswith("みなと市")
    row = page.locator("tr.ind", has_text="リサイクル率")
    assert "%" in row.inner_text()
    page.locator("tr.how-row details summary").nth(4).click()  # recycling rate: fifth indicator
    how = page.locator("tr.how-row details[open]")
    assert "recycled_t" in how.inner_text() and "直接資源化量" in how.inner_text()
    assert page.locator(".charts2 svg.chart").count() >= 4
    shot(page, "regions-dashboard-ja")
    page.get_by_role("link", name="English").click()
    assert "Recycling rate" in page.content()


def test_officer_builds_a_scenario_without_scripts(browser, demo_server) -> None:
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = ctx.new_page()
    page.goto(f"{demo_server}/login?next=/regions/{CITY}/scenarios")
    page.get_by_label("メールアドレス").fill("admin@minato-city.demo")
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{demo_server}/regions/{CITY}/scenarios")
    page.get_by_label("シナリオ名").fill("ブラウザで作った案")
    page.get_by_label("参加率 (%)").first.fill("70")
    page.locator("form.builder button[type=submit]").click()
    assert page.url.startswith(f"{demo_server}/regions/scenarios/")
    assert page.locator("h2", has_text="ブラウザで作った案").count() == 1
    assert "非公開" in page.locator("main").inner_text()
    assert page.locator(".charts2 svg.chart").count() == 4
    shot(page, "regions-scenario-mobile-ja")
    ctx.close()
