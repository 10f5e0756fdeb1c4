"""The officers' IVR PIN in the console, in Chromium against `make run`: an officer sets their own on their
inbox, the Collector's office resets one from the directory; the stack's demo PINs (1234) are replaced."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.test_console import SHOTS, browser, page, sign_in, stack  # noqa: F401 (the fixtures)


def test_an_officer_sets_their_pin_and_the_collector_resets_one(page, stack):  # noqa: F811
    sign_in(page, "officer.water.l1", "demo-officer")
    page.goto(f"{stack['state']['base_url']}/console/index.html#/inbox")
    page.fill("#own-pin", "12")
    page.click("#set-pin")
    expect(page.locator("#notice")).to_contain_text("'पिन' सही रूप में नहीं है")  # the API's check, in Hindi
    page.fill("#own-pin", "5678")
    page.click("#set-pin")
    expect(page.locator("#notice.ok")).to_be_visible()
    expect(page.locator("#own-pin")).to_have_value("")  # a PIN is never shown back

    sign_in(page, "collector.rpr", "demo-collector")
    page.goto(f"{stack['state']['base_url']}/console/index.html#/directory")
    page.fill("#pin-phone", "+919000000302")
    page.fill("#reset-pin", "2468")
    page.click("#reset-pin-button")
    expect(page.locator("#notice.ok")).to_be_visible()
    newest = page.locator("#audit .audit-entry").first  # the change record, newest first
    expect(newest).to_contain_text("collector.rpr")
    expect(newest).to_contain_text("IVR PIN set for +919000000302")
    page.screenshot(path=str(SHOTS / "officer-pins.png"), full_page=True)
