"""The directory as forms and the console on a 360 px phone, in Chromium against `make run` (examples/raipur.yaml).

The Collector edits an L2 officer's name, phone and WhatsApp flag, a category's L1 clock and a roster cell, is
told beside the phone input, in Hindi, that the number is short, corrects it, saves, and reads what changed in the
audit. On a phone an officer's ticket page shows its actions before its facts, each label once, a one-row top bar
and tap targets of at least 44 px. Screenshots go to test-output/browser/."""
from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.test_console import SHOTS, browser, page, sign_in, stack  # noqa: F401 (fixtures)
from tests.support.axe import assert_accessible

TAP = 44  # px, each side


def _console(tab: Page, running: dict[str, Any], route: str) -> None:
    tab.wait_for_load_state("networkidle")  # the tab drawn after signing in first: it must not draw over this one
    tab.goto(f"{running['state']['base_url']}/console/index.html{route}")
    tab.wait_for_load_state("networkidle")


def test_the_collector_edits_the_directory_as_forms_with_inline_errors_and_an_audit_of_changes(page, stack):  # noqa: F811
    sign_in(page, "collector.rpr", "demo-collector")
    _console(page, stack, "#/directory")
    name = page.locator("#officer-water-L2-name")
    phone = page.locator("#officer-water-L2-phone")
    whatsapp = page.locator("#officer-water-L2-whatsapp")
    expect(name).to_have_value("Executive Engineer PHE")
    old_phone = phone.input_value()
    expect(whatsapp).not_to_be_checked()
    # Every input of the forms has a name a screen reader says: no bare boxes.
    unnamed = page.evaluate("""() => [...document.querySelectorAll('main input, main select')].filter((el) =>
        !el.labels?.length && !el.getAttribute('aria-label')).map((el) => el.id || el.outerHTML.slice(0, 80))""")
    assert unnamed == []

    name.fill("अधिशासी अभियंता (नए)")
    phone.fill("+91970000030")  # a digit short
    whatsapp.check()
    clock = page.locator("#clock-water-L1")
    expect(clock).to_have_attribute("placeholder", "72")  # the district's L1 hours, until the category has its own
    clock.fill("24")
    night_sunday = page.locator("[id='duty-operator.rpr.night-20:00-08:00-sun']")
    expect(night_sunday).to_be_checked()
    night_sunday.uncheck()
    page.fill("#summary", "जल L2 अधिकारी बदले")
    page.click("#save")

    error = page.locator("#officers .field-error")
    expect(error).to_have_count(1)
    expect(error).to_have_text("फ़ोन नंबर +91 से शुरू होकर 10 अंकों का हो, जैसे +919000000301।")
    expect(phone).to_have_attribute("aria-invalid", "true")
    assert phone.get_attribute("aria-describedby") == error.get_attribute("id")
    expect(phone).to_be_focused()
    assert "departments" not in page.inner_text("main") and "[" not in error.inner_text()
    phone.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "16-8-inline-error.png"))
    assert_accessible(page, "the directory showing a field's error")
    _console_version = page.inner_text("main h1")

    phone.fill("+919700000302")
    expect(error).to_have_count(0)  # typed again: the message waits for the next save
    expect(phone).not_to_have_attribute("aria-invalid", "true")
    page.click("#save")
    expect(page.locator("#notice.ok")).to_be_visible()
    expect(page.locator("main h1")).not_to_have_text(_console_version)  # the page drawn again from the saved file
    expect(page.locator("#officer-water-L2-name")).to_have_value("अधिशासी अभियंता (नए)")
    expect(page.locator("#officer-water-L2-phone")).to_have_value("+919700000302")
    expect(page.locator("#officer-water-L2-whatsapp")).to_be_checked()
    expect(page.locator("#clock-water-L1")).to_have_value("24")
    expect(page.locator("[id='duty-operator.rpr.night-20:00-08:00-sun']")).not_to_be_checked()
    expect(page.locator("[id='duty-operator.rpr.night-20:00-08:00-sat']")).to_be_checked()
    expect(page.locator(".field-error")).to_have_count(0)

    entry = page.locator("#audit .audit-entry").first
    expect(entry).to_contain_text("जल L2 अधिकारी बदले")
    changes = [line.strip() for line in entry.locator("ul.changes li").all_inner_texts()]
    assert changes == [
        "लोक स्वास्थ्य यांत्रिकी विभाग L2 अधिकारी का नाम: Executive Engineer PHE → अधिशासी अभियंता (नए)",
        f"लोक स्वास्थ्य यांत्रिकी विभाग L2 अधिकारी का फ़ोन: {old_phone} → +919700000302",
        "लोक स्वास्थ्य यांत्रिकी विभाग L2 अधिकारी का व्हाट्सऐप: (खाली) → हाँ",
        "पेयजल की L1 समय सीमा (घंटे): (खाली) → 24",
        "operator.rpr.night की पालियाँ: mon,tue,wed,thu,fri,sat,sun 20:00-08:00 → mon,tue,wed,thu,fri,sat 20:00-08:00",
    ], changes
    page.locator("#officers").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "16-8-directory-forms.png"), full_page=True)


def test_the_collector_adds_a_weekend_operator_and_puts_them_on_a_shift(page, stack):  # noqa: F811
    sign_in(page, "collector.rpr", "demo-collector")
    _console(page, stack, "#/directory")
    rows = page.locator("#operators tbody tr")
    expect(page.locator("#operator-0-name")).to_have_value("Sunita Verma")  # the roster drawn
    before = rows.count()
    page.click("#add-operator")
    expect(rows).to_have_count(before + 1)
    new = f"#operator-{before}"
    expect(page.locator(f"{new}-username")).to_be_focused()
    page.fill(f"{new}-username", "operator.rpr.weekend")
    page.fill(f"{new}-phone", "+919000000903")
    expect(page.locator(f"{new}-lang-hi")).to_be_checked()
    saturday = page.locator("[id='duty-operator.rpr.weekend-08:00-20:00-sat']")  # the grid has the new operator
    saturday.check()
    page.fill("#summary", "सप्ताहांत की ऑपरेटर")
    page.click("#save")
    error = page.locator("#operators .field-error")
    expect(error).to_have_text("यह भरना ज़रूरी है।")  # the name left empty, said beside it
    expect(page.locator(f"{new}-name")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, "the directory's operators with a field's error")

    page.fill(f"{new}-name", "कमला साहू")
    page.click("#save")
    expect(page.locator("#notice.ok")).to_be_visible()
    expect(page.locator(f"#operators tbody tr >> nth={before}")).to_contain_text("operator.rpr.weekend")
    expect(page.locator("[id='duty-operator.rpr.weekend-08:00-20:00-sat']")).to_be_checked()
    changes = page.locator("#audit .audit-entry").first.locator("ul.changes li").all_inner_texts()
    assert [c.strip() for c in changes] == ["operator.rpr.weekend की पालियाँ: (खाली) → sat 08:00-20:00"], changes
    page.locator("#operators").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "16-8-directory-new-operator.png"))


TARGETS = ("button, select, summary, input:not([type=checkbox]):not([type=radio]), label.check, header a, nav a, "
           "table.list a")


def _small_targets(tab: Page) -> list[str]:
    """Visible buttons, selects, inputs, summaries and links (the top bar's and the rows') under 44 px a side."""
    return tab.evaluate("""([selector, tap]) => [...document.querySelectorAll(selector)]
      .filter((el) => el.offsetParent !== null || el.closest('header'))
      .map((el) => [el, el.getBoundingClientRect()]).filter(([, r]) => r.width > 0 && (r.width < tap || r.height < tap))
      .map(([el, r]) => `${el.tagName}#${el.id} '${el.textContent.trim().slice(0, 20)}' ${r.width}x${r.height}`)""",
                        [TARGETS, TAP])


def _register(tab: Page, running: dict[str, Any]) -> str:
    sign_in(tab, "operator.rpr", "demo-operator")
    _console(tab, running, "#/new")
    tab.fill("#caller_phone", "+919812300088")
    tab.fill("#caller_name", "रमेश")
    tab.select_option("#category", "water")
    tab.fill("#description", "मोहल्ले में तीन दिन से पानी नहीं आया")
    tab.click("form.card button.primary >> nth=-1")
    return tab.locator("#new-number").inner_text().strip()


def test_on_a_phone_the_ticket_leads_with_its_actions_and_every_target_takes_a_thumb(page, stack):  # noqa: F811
    number = _register(page, stack)
    sign_in(page, "officer.water.l1", "demo-officer")
    page.set_viewport_size({"width": 360, "height": 780})

    _console(page, stack, "#/inbox")
    expect(page.locator(f"tr[data-number='{number}'] a")).to_be_visible()
    assert _small_targets(page) == []
    bar = page.locator("header.bar").bounding_box()
    assert bar and bar["height"] <= 56, bar  # one row: brand, navigation, language, sign-out side by side
    tops = {round(page.locator(sel).bounding_box()["y"]) for sel in ("header .brand", "#nav", "#lang", "#signout")}
    assert max(tops) - min(tops) <= 8, tops
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    _console(page, stack, f"#/ticket/{number}")
    expect(page.locator("#ticket-number")).to_have_text(number)
    actions = page.locator("section.actions").bounding_box()
    facts = page.locator("main table.list").first.bounding_box()
    assert actions and facts and actions["y"] < facts["y"], (actions, facts)
    assert actions["y"] < 780, "the actions start on the first screen"
    assert _small_targets(page) == []
    summary = page.locator("details[data-action=acknowledge] summary").bounding_box()
    assert summary and summary["height"] >= TAP
    # Each fact's label once: the row's header, not a second copy drawn before the value.
    doubled = page.evaluate("""() => [...document.querySelectorAll('main table.list th + td[data-label]')]
        .filter((td) => getComputedStyle(td, '::before').content !== 'none').map((td) => td.dataset.label)""")
    assert doubled == []
    row = page.locator("main table.list tr", has=page.locator("th", has_text="श्रेणी")).first.bounding_box()
    assert row and row["height"] < 50  # label and value on one line: the facts condensed
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(SHOTS / "16-10-phone-ticket.png"), full_page=True)
    assert_accessible(page, "the ticket on a phone")

    page.click("details[data-action=acknowledge] summary")
    page.click("details[data-action=acknowledge] button.primary")
    expect(page.locator("#notice.ok")).to_be_visible()
