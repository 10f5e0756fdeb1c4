"""Decisions and the dashboard in Chromium against `make run` (issue 16, points 4 to 7): an L1 officer asks for three
more days and their L2 finds it in the approvals list in words and approves it; a transfer ends on the officer's
inbox with a notice naming where the complaint went; the Collector's dashboard leads with what needs action, each
figure opening its list, and prints as an A4 review sheet. Screenshots go to test-output/browser/."""
from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.test_console import SHOTS, browser, page, sign_in, stack  # noqa: F401 (fixtures)

WATER_DEPARTMENT = "लोक स्वास्थ्य यांत्रिकी विभाग"  # examples/raipur.yaml's water department, in Hindi


def call_api(page: Page, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:  # noqa: F811
    """The console's API with the signed-in user's token, from inside the page (as the console calls it)."""
    return page.evaluate("""async ([path, method, body]) => {
        const response = await fetch(`${location.pathname.replace(/\\/console(\\/.*)?$/, "")}/api${path}`, {
          method, body: body ? JSON.stringify(body) : undefined,
          headers: { "Content-Type": "application/json",
                     Authorization: `Bearer ${sessionStorage.getItem("samvad.token")}` } });
        return { status: response.status, body: await response.json() };
    }""", [path, method, body])


def new_complaint(page: Page, phone: str, text: str, category: str = "water") -> str:  # noqa: F811
    sign_in(page, "operator.rpr", "demo-operator")
    made = call_api(page, "POST", "/tickets", {"caller_phone": phone, "category": category, "description": text})
    assert made["status"] == 201, made
    return made["body"]["complaint_number"]


def test_l1_asks_for_three_more_days_and_l2_approves_it_from_the_approvals_list(page, stack):  # noqa: F811
    base = stack["state"]["base_url"]
    number = new_complaint(page, "+919812300501", "मोहल्ले का हैंडपंप दस दिन से बंद है")

    sign_in(page, "officer.water.l1", "demo-officer")
    page.goto(f"{base}/console/index.html#/ticket/{number}")
    page.click("details[data-action=more_time] summary")
    page.fill("#more_time-days", "3")
    page.fill("#more_time-reason", "नया पाइप मँगाना है")
    page.click("details[data-action=more_time] button.primary")
    expect(page.locator("#notice.ok")).to_be_visible()
    expect(page.locator("#pending-request")).to_contain_text("3 दिन और समय माँगा — कारण: नया पाइप मँगाना है")
    expect(page.locator("#pending-request")).not_to_contain_text("extension")

    sign_in(page, "officer.water.l2", "demo-officer")  # lands on the inbox: what waits for their decision first
    row = page.locator(f"#approvals tr[data-number='{number}']")
    expect(row).to_be_visible()
    expect(row).to_contain_text("3 दिन और समय माँगा — कारण: नया पाइप मँगाना है")
    expect(row).to_contain_text("officer.water.l1 (L1)")  # by whom, and when beside it
    expect(row).to_contain_text("पेयजल")  # the category by name, never its id
    expect(page.locator("#approvals")).not_to_contain_text("extension")
    page.screenshot(path=str(SHOTS / "16-5-approvals.png"), full_page=True)

    row.locator("a.decide-link").click()
    expect(page.locator("#ticket-number")).to_have_text(number)
    decide = page.locator("details[data-action=decide]")
    expect(decide).to_have_attribute("open", "")
    decide.locator("button[value=approve]").click()
    expect(page.locator("#notice.ok")).to_be_visible()
    expect(page.locator("#pending-request")).to_have_count(0)
    # The decision's entry (a message's delivery may land after it: not necessarily the last line)
    expect(page.locator("#timeline li", has_text="और समय मिला")).to_have_count(1)

    # The timeline in words: actions, who (the system's parts by name), channels, departments by name.
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("शिकायत दर्ज हुई")
    expect(timeline).to_contain_text("और समय माँगा")
    expect(timeline).to_contain_text("3 दिन")
    expect(timeline).to_contain_text(f"पेयजल · {WATER_DEPARTMENT}")
    expect(timeline).to_contain_text("कंसोल")
    words = timeline.inner_text()
    for raw in ("extension_requested", "extension_approved", "registered", " system ", "· console", "· sms",
                "notifier", "message "):
        assert raw not in words, (raw, words)
    if "सूचना भेजी" in words:  # the notifier has sent the officers' and the citizen's messages by now
        assert "स्वचालित (संदेश सेवा)" in words
    page.screenshot(path=str(SHOTS / "16-4-timeline-in-words.png"), full_page=True)

    page.goto(f"{base}/console/index.html#/inbox")
    expect(page.locator("#approvals")).to_be_visible()
    expect(page.locator(f"#approvals tr[data-number='{number}']")).to_have_count(0)  # decided: out of the queue


def test_a_transfer_goes_back_to_the_inbox_with_a_notice_naming_the_department(page, stack):  # noqa: F811
    number = new_complaint(page, "+919812300502", "अस्पताल के पास नाली का पानी भरा है")
    stays = new_complaint(page, "+919812300504", "नल में गंदा पानी आ रहा है")

    sign_in(page, "officer.water.l1", "demo-officer")
    expect(page).to_have_url(re.compile(r"#/inbox$"))
    page.locator(f"a[href='#/ticket/{number}']").first.click()
    expect(page.locator("#ticket-number")).to_have_text(number)
    page.click("details[data-action=transfer] summary")
    page.select_option("#transfer-department", "health")
    page.fill("#transfer-reason", "स्वास्थ्य विभाग का मामला")
    page.click("details[data-action=transfer] button.primary")

    notice = page.locator("#notice")
    expect(notice).to_have_class(re.compile(r"\bok\b"))
    expect(notice).to_contain_text("स्वास्थ्य")
    expect(notice).to_contain_text("को भेजी गई")
    expect(page).to_have_url(re.compile(r"#/inbox$"))  # the list it was opened from, not the ticket's reload
    expect(page.locator("main h1").first).to_be_visible()
    expect(page.locator(f"a[href='#/ticket/{stays}']").first).to_be_visible()  # the inbox has loaded
    expect(page.locator(f"a[href='#/ticket/{number}']")).to_have_count(0)  # and the health ticket is not in it
    page.screenshot(path=str(SHOTS / "16-6-transfer-done.png"), full_page=True)


def test_the_collectors_dashboard_leads_with_what_needs_action_and_prints_as_a_review_sheet(page, stack):  # noqa: F811
    number = new_complaint(page, "+919812300503", "सड़क पर हैंडपंप का पानी बह रहा है")
    sign_in(page, "officer.water.l1", "demo-officer")
    asked = call_api(page, "POST", f"/tickets/{number}/more-time", {"days": 2, "reason": "ठेकेदार बाहर है"})
    assert asked["status"] == 200, asked

    sign_in(page, "collector.rpr", "demo-collector")
    first = page.locator("main section.card").first
    expect(first).to_have_attribute("id", "needs-action")  # before any total
    expected = {"#fig-emergencies": "#/queue?status=open&urgency=emergency", "#fig-overdue": "#/queue?view=overdue",
                "#fig-approvals": "#/queue?view=approvals", "#fig-at-risk": "#/queue?view=at_risk"}
    for figure, href in expected.items():
        expect(first.locator(figure)).to_have_attribute("href", href)
    assert int(page.inner_text("#fig-approvals b")) >= 1
    expect(page.locator(f"#approvals tr[data-number='{number}']")).to_contain_text("2 दिन और समय माँगा")
    # On time, said of the closed and of the open, side by side.
    expect(page.locator("#fig-closed-on-time")).to_contain_text("बंद में समय पर")
    assert re.fullmatch(r"—|\d+(\.\d)?% \(\d+/\d+\)", page.inner_text("#fig-closed-on-time b").strip())
    expect(page.locator("#fig-open-overdue")).to_contain_text("खुली में समय सीमा पार")
    assert re.fullmatch(r"\d+/\d+", page.inner_text("#fig-open-overdue b").strip())
    # The grades and per-line tables have column headers; each chart has its figures as a table too.
    expect(page.locator("#grades thead th")).to_have_count(4)
    expect(page.locator("#calls-by-line thead th")).to_have_count(3)
    assert page.locator("table.chart-table caption").count() == 3
    expect(page.locator("#totals #fig-today-registered b")).to_be_visible()  # the totals follow, one card
    expect(page.locator("main")).not_to_contain_text("[object")
    page.screenshot(path=str(SHOTS / "16-7-dashboard.png"), full_page=True)

    page.click("#lang")  # the same in English
    expect(page.locator("#needs-action h2")).to_have_text("Needs action now")
    expect(page.locator("#fig-open-overdue")).to_contain_text("Open past the due date")
    expect(page.locator(f"#approvals tr[data-number='{number}']")).to_contain_text("Asked for 2 more days — reason:")
    page.click("#lang")
    expect(page.locator("#needs-action h2")).to_have_text("अभी ध्यान दें")

    page.click("#fig-overdue")
    expect(page).to_have_url(re.compile(r"#/queue\?view=overdue$"))
    expect(page.locator("main h1").first).to_be_visible()
    page.go_back()
    expect(page.locator("#needs-action")).to_be_visible()

    page.evaluate("window.print = () => { window.printed = true; }")  # no print dialog in a headless browser
    page.click("#print")
    assert page.evaluate("window.printed === true")
    page.emulate_media(media="print")
    expect(page.locator("nav")).to_be_hidden()
    expect(page.locator("#print")).to_be_hidden()
    expect(page.locator("#needs-action")).to_be_visible()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    assert page.evaluate("getComputedStyle(document.querySelector('#totals')).breakBefore") == "page"
    page.screenshot(path=str(SHOTS / "16-7-dashboard-print.png"), full_page=True)
    page.emulate_media(media="screen")
