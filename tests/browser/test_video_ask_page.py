"""The district's page for asking a sign-language video call, in Chromium on a small phone's screen against the
local stack (`make run`): Hindi first, no script, nothing wider than the screen, no serious accessibility
violation in either language; the form books the call and the link reaches the phone through the notifier (read
back from the carriers' sandbox), never the page."""
from __future__ import annotations

import json
import re
import time
import urllib.parse
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from chalicelib.i18n import catalog
from tests.browser.test_console import SHOTS, browser  # noqa: F401 (Chromium as the console's tests run it)
from tests.support.axe import BLOCKING, describe, violations
from tests.support.stack_process import ROOT, running_stack

HI, EN = catalog("hi"), catalog("en")
CITIZEN = "+919855500044"
_LINK = re.compile(r"/video/(VC[0-9a-f]{32})")


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with running_stack(tmp_path_factory.mktemp("video-ask-stack"), [ROOT / "examples" / "raipur.yaml"]) as running:
        yield running



@pytest.fixture
def phone_tab(browser, stack) -> Page:  # noqa: F811 (the fixture)
    # A cheap Android phone's screen, with JavaScript off: the page must need none.
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="hi-IN", java_script_enabled=False,
                                  is_mobile=True, has_touch=True)
    tab = context.new_page()
    yield tab
    context.close()


def _sms_to(stack: dict[str, Any], phone: str) -> list[dict[str, Any]]:
    url = f"{stack['state']['sandbox_url']}/sandbox/messages?to={urllib.parse.quote(phone)}"
    with urllib.request.urlopen(url, timeout=5) as response:
        return list(json.loads(response.read())["messages"])


def _checked(chromium, url: str) -> list[str]:
    """axe-core's serious and critical findings on the page, and whether anything is wider than the screen (both
    need script: a tab of their own)."""
    context = chromium.new_context(viewport={"width": 360, "height": 640})
    tab = context.new_page()
    tab.goto(url)
    blocking = [v for v in violations(tab) if v["impact"] in BLOCKING]
    found = [describe(blocking)] if blocking else []
    if not tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
        found.append("wider than a 360-pixel screen")
    context.close()
    return found


def test_a_citizen_asks_on_a_small_phone_and_the_link_comes_by_sms(phone_tab, browser, stack):  # noqa: F811
    base = stack["state"]["base_url"]
    page_url = f"{base}/video/ask/RPR"
    phone_tab.goto(page_url)
    expect(phone_tab.locator("html")).to_have_attribute("lang", "hi")
    expect(phone_tab.locator("h1")).to_have_text(HI.text("video_web_title"))
    assert phone_tab.locator("script").count() == 0
    # A button a thumb can hit; nothing wider than the screen, no serious accessibility finding, in both languages.
    box = phone_tab.locator("button[type=submit]").bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 300
    assert _checked(browser, page_url) == [] and _checked(browser, page_url + "?lang=en") == []

    phone_tab.screenshot(path=str(SHOTS / "video-ask-form.png"), full_page=True)
    phone_tab.fill("input[name=phone]", "98555 00044")
    phone_tab.click("button[type=submit]")
    status = phone_tab.locator("[role=status]")
    expect(status).to_be_visible()
    said = status.inner_text()
    assert "09855500044" in said and "/video/" not in phone_tab.content()  # the link only on the phone
    phone_tab.screenshot(path=str(SHOTS / "video-ask-sent.png"), full_page=True)

    deadline = time.monotonic() + 20  # the notifier takes the event off the queue (the stack's pump)
    links: list[str] = []
    while time.monotonic() < deadline and not links:
        links = [m.group(1) for sms in _sms_to(stack, CITIZEN) if (m := _LINK.search(sms["body"]))]
        time.sleep(0.3)
    assert len(links) == 1, _sms_to(stack, CITIZEN)


def test_the_english_switch_and_a_wrong_number(phone_tab, stack):
    phone_tab.goto(f"{stack['state']['base_url']}/video/ask/RPR")
    phone_tab.click("nav a[lang=en]")
    expect(phone_tab.locator("html")).to_have_attribute("lang", "en")
    expect(phone_tab.locator("input[value=en]")).to_be_checked()
    phone_tab.fill("input[name=phone]", "12345")
    phone_tab.click("button[type=submit]")
    expect(phone_tab.locator("[role=alert]")).to_have_text(EN.text("video_web_bad_phone"))
    expect(phone_tab.locator("input[name=phone]")).to_have_value("12345")
