"""Kinds in the console, in Chromium against `make run` (examples/janjgir-champa.yaml, examples/gurugram.yaml): an
operator notes a suggestion and a demand, the officer declines the demand with a reason, the Collector finds the
week's suggestions on the dashboard; a Gurugram operator fills a migrant worker's registration form.
Screenshots go to test-output/browser/."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_console import SHOTS, browser, page, sign_in, stack  # noqa: F401 (fixtures)


def _register(tab, base: str, kind: str, category: str, text: str, phone: str) -> str:
    tab.goto(f"{base}/console/index.html#/operator?phone=%2B{phone}")
    expect(tab.locator("#new-number")).to_have_count(0)
    tab.select_option("#kind", kind)
    tab.select_option("#category", category)
    tab.fill("#description", text)
    tab.click("form.card button.primary >> nth=-1")
    return tab.locator("#new-number").inner_text().strip()


def test_suggestions_and_a_declined_demand_in_janjgir(page, stack):  # noqa: F811
    base = stack["state"]["base_url"]
    sign_in(page, "operator.jch", "demo-operator")
    page.goto(f"{base}/console/index.html#/operator?phone=%2B919812300101")
    expect(page.locator("#kind-field")).to_be_visible()
    suggestion = _register(page, base, "suggestion", "other", "बस स्टैंड पर प्याऊ बने", "919812300101")
    demand = _register(page, base, "demand", "education", "गांव में हाई स्कूल खुले", "919812300103")
    assert suggestion.startswith("JCH") and demand.startswith("JCH") and suggestion != demand

    sign_in(page, "officer.general.jch.l1", "demo-officer")  # the demand is education's: the suggestion is here
    page.goto(f"{base}/console/index.html#/ticket/{suggestion}")
    expect(page.locator("td", has_text="सुझाव").first).to_be_visible()
    expect(page.locator("details[data-action=decline]")).to_have_count(0)  # a suggestion is answered
    sign_in(page, "collector.jch", "demo-collector")
    week = page.locator("section", has_text="इस सप्ताह के सुझाव")
    expect(week.locator(f"tr[data-number='{suggestion}']")).to_be_visible()
    expect(week.locator(f"tr[data-number='{demand}']")).to_have_count(0)
    page.screenshot(path=str(SHOTS / "8-weekly-suggestions.png"), full_page=True)


def test_an_officer_declines_a_demand_with_its_reason(page, stack):  # noqa: F811
    base = stack["state"]["base_url"]
    sign_in(page, "operator.jch", "demo-operator")
    demand = _register(page, base, "demand", "other", "पंचायत भवन में शौचालय बने", "919812300104")
    sign_in(page, "officer.general.jch.l1", "demo-officer")
    page.goto(f"{base}/console/index.html#/ticket/{demand}")
    page.click("details[data-action=decline] summary")
    page.fill("#decline-reason", "इस वर्ष के बजट में नहीं")
    page.click("details[data-action=decline] button.primary")
    expect(page.locator("#notice.ok")).to_be_visible()
    expect(page.get_by_text("इस वर्ष के बजट में नहीं").first).to_be_visible()
    expect(page.locator("td", has_text="अस्वीकार").first).to_be_visible()  # the outcome, in the user's words
    page.screenshot(path=str(SHOTS / "9-demand-declined.png"), full_page=True)


def test_a_gurugram_operator_fills_a_migrant_workers_registration(page, stack):  # noqa: F811
    base = stack["state"]["base_url"]
    sign_in(page, "operator.ggn", "demo-operator")
    page.goto(f"{base}/console/index.html#/operator?phone=%2B919812300102")
    page.select_option("#kind", "request")
    page.select_option("#category", "migrant_registration")
    expect(page.locator("#urgency-field")).to_be_hidden()
    page.fill("#form-name", "रामप्रसाद")
    page.fill("#form-address", "सेक्टर 14, गुरुग्राम")
    page.fill("#form-phone", "+919812300102")
    page.fill("#form-destination_state", "बिहार")
    page.click("form.card button.primary >> nth=-1")
    number = page.locator("#new-number").inner_text().strip()
    assert number.startswith("GGN")
    page.goto(f"{base}/console/index.html#/ticket/{number}")
    expect(page.locator("th", has_text="जाने का राज्य")).to_be_visible()
    expect(page.locator("td", has_text="बिहार").first).to_be_visible()
    page.screenshot(path=str(SHOTS / "10-migrant-registration.png"), full_page=True)
