"""Real Chromium: sign in, look at the member directory and an organisation page, switch language."""

from __future__ import annotations

from junkan.demo.members import DEMO_PASSWORD
from tests.e2e.browser import shot


def test_sign_in_and_member_directory(browser, demo_server) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{demo_server}/login")
    page.get_by_label("メールアドレス").fill("admin@minato-city.demo")
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{demo_server}/members")
    assert "admin@minato-city.demo" in page.locator("header .me").inner_text()
    assert page.locator("h1").inner_text() == "会員名簿"
    # The chart and the registry table show the Circular Partners shape (645 members).
    assert page.locator("svg.chart title").first.text_content() == "種別ごとの会員数"
    assert page.locator("table").first.locator("td.num").first.inner_text() == "645"
    assert page.locator("main table").nth(1).locator("tbody tr").count() == 50
    shot(page, "members-directory-ja")

    page.get_by_role("link", name="さくら飲料株式会社").click()
    assert page.locator("h1").inner_text().startswith("さくら飲料株式会社")
    assert page.locator("svg.chart").count() >= 1
    page.get_by_role("link", name="English").click()
    assert page.locator("h1").inner_text().startswith("Sakura Beverages")
    shot(page, "organisation-en")


def test_anonymous_directory_hides_contacts_and_is_keyboard_usable(browser, demo_server) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(f"{demo_server}/members/4?lang=en")
    assert "info@" not in page.content()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    shot(page, "organisation-mobile-anonymous")


def test_regulator_sees_overdue_members(browser, demo_server) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{demo_server}/login?lang=en")
    page.get_by_label("E-mail").fill("admin@regulator.demo")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{demo_server}/members")
    heading = page.locator("#overdue-h")
    assert heading.is_visible()
    # ShareLink joined 2024-04-01 and declared no target: overdue since 2025-04-01.
    page.get_by_text("Show the list").click()
    assert page.locator("#overdue-h ~ details").get_by_role("link", name="ShareLink Inc.").is_visible()
    shot(page, "members-overdue-en")


def test_admin_accepts_a_partnership_request_in_the_browser(browser, demo_server) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{demo_server}/login?lang=en")
    page.get_by_label("E-mail").fill("admin@shinonome-electric.demo")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"{demo_server}/members")
    page.locator("main table").nth(1).get_by_role("link", name="Shinonome Electric Corp.").click()
    row = page.locator("tr", has=page.get_by_role("link", name="ShareLink Inc."))
    assert row.locator(".tag").inner_text() == "requested"
    row.get_by_role("button", name="Accept").click()
    row = page.locator("tr", has=page.get_by_role("link", name="ShareLink Inc."))
    assert row.locator(".tag").inner_text() == "accepted"
    shot(page, "partnership-accepted-en")
