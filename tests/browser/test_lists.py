"""Issue 16, points 1, 2 and 9 in Chromium against `make run`: the Collector filters the recent complaints by
department and urgency, sorts them, and transfers two at once; the rows say what, where, since when and how
long is left (red once late, amber near the level's end); an operator's caller history says what the earlier
complaints were about; the same rows as cards on a 360 px phone. Screenshots go to test-output/browser/."""
from __future__ import annotations

import json
import urllib.request

from playwright.sync_api import expect

from tests.browser.test_console import SHOTS, browser, page, sign_in, stack  # noqa: F401 (fixtures)

REGISTER = """async ([base, body]) => {
  const token = sessionStorage.getItem("samvad.token");
  const response = await fetch(`${base}/api/tickets`, { method: "POST", body: JSON.stringify(body),
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` } });
  const answer = await response.json();
  if (!response.ok) throw new Error(JSON.stringify(answer));
  return answer.complaint_number;
}"""


def _register(tab, base: str, phone: str, category: str, text: str, address: str, urgency: str | None = None) -> str:
    body = {"caller_phone": phone, "category": category, "description": text, "address": address,
            **({"urgency": urgency} if urgency else {})}
    return tab.evaluate(REGISTER, [base, body])


def _advance(running, seconds: int) -> None:
    """The stack's clock forward, its sweeper run (what `manage.py advance` asks the sandbox for)."""
    request = urllib.request.Request(f"{running['state']['sandbox_url']}/sandbox/advance",
                                     data=json.dumps({"seconds": seconds}).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=120) as response:  # loopback only
        assert response.status == 200


def _row(tab, number: str):
    return tab.locator(f"tr[data-number='{number}']")


def test_the_collector_filters_sorts_and_transfers_two_and_rows_say_what(page, stack):  # noqa: F811
    base = stack["state"]["base_url"]
    sign_in(page, "collector.rpr", "demo-collector")
    late = _register(page, base, "+919812377001", "water", "गाँव खरोरा में हैंडपंप तीन दिन से खराब है", "वार्ड ७, खरोरा")
    _advance(stack, 73 * 3600)  # past the water complaint's 72 hours
    sign_in(page, "collector.rpr", "demo-collector")
    first = _register(page, base, "+919812377002", "health", "बच्चा बेहोश है, एम्बुलेंस नहीं आई", "टिकरापारा",
                      "emergency")
    _advance(stack, 60)
    second = _register(page, base, "+919812377003", "health", "अस्पताल में ऑक्सीजन खत्म", "मोवा", "emergency")
    normal = _register(page, base, "+919812377004", "health", "पीएचसी में डॉक्टर नहीं आते", "अभनपुर")
    _advance(stack, 100 * 60)  # the emergencies' L1 (2 hours) is in its last quarter: amber
    sign_in(page, "collector.rpr", "demo-collector")

    page.goto(f"{base}/console/index.html#/queue")
    expect(_row(page, late)).to_be_visible()
    page.select_option("#f-department", "health")
    expect(page).to_have_url(f"{base}/console/index.html#/queue?department=health")
    page.select_option("#f-urgency", "emergency")
    expect(_row(page, normal)).to_have_count(0)
    expect(_row(page, late)).to_have_count(0)
    page.select_option("#f-sort", "oldest")
    assert "department=health" in page.url and "urgency=emergency" in page.url and "sort=oldest" in page.url
    expect(page.locator("table.rows tbody tr")).to_have_count(2)
    numbers = page.locator("table.rows tbody tr").evaluate_all("rows => rows.map(r => r.dataset.number)")
    assert numbers == [first, second]  # the oldest first
    page.select_option("#f-sort", "newest")
    expect(page.locator("table.rows tbody tr").first).to_have_attribute("data-number", second)

    # Rows say what: the first words, the locality, the category's name, the age, the time left in amber.
    row = _row(page, first)
    expect(row.locator(".excerpt")).to_have_text("बच्चा बेहोश है, एम्बुलेंस नहीं आई")
    expect(row.locator(".where")).to_have_text("टिकरापारा")
    expect(row).to_contain_text("स्वास्थ्य")  # not "health"
    expect(row.locator("td.age")).to_contain_text("पहले")
    expect(row.locator(".due.soon")).to_contain_text("मिनट में")

    # Two at once, by the keyboard as well as the mouse: both rows picked, sent to another department.
    expect(page.locator(".bulk")).to_be_hidden()
    _row(page, first).locator("input.pick").focus()
    page.keyboard.press("Space")
    _row(page, second).locator("input.pick").check()
    expect(page.locator(".bulk")).to_contain_text("2 चुनी गईं")
    page.select_option("#bulk-action", "transfer")
    page.select_option("#bulk-target", "general")
    page.fill("#bulk-reason", "अस्पताल प्रबंधन सामान्य प्रशासन देखता है")
    page.screenshot(path=str(SHOTS / "16-1-filters-and-bulk.png"), full_page=True)
    page.click("#bulk-go")
    expect(page.locator("#notice.ok")).to_contain_text("2 हो गईं")
    expect(page.locator("table.rows tbody tr")).to_have_count(0)  # no longer health's
    page.select_option("#f-department", "general")
    expect(_row(page, first)).to_be_visible()
    expect(_row(page, second)).to_be_visible()

    # The whole list: the water complaint is late, in red, how late in words beside its date.
    page.click("text=छाँटना हटाएँ")
    expect(page).to_have_url(f"{base}/console/index.html#/queue")
    row = _row(page, late)
    expect(row.locator(".due.late")).to_contain_text("देर से")
    expect(row.locator(".excerpt")).to_contain_text("हैंडपंप")
    expect(row.locator(".where")).to_have_text("वार्ड ७, खरोरा")
    expect(row.locator("td.age")).to_contain_text("दिन पहले")
    page.screenshot(path=str(SHOTS / "16-2-rows.png"), full_page=True)

    page.click("#lang")
    expect(_row(page, late).locator(".due.late")).to_contain_text("late")
    expect(_row(page, normal).locator(".due.ok")).to_contain_text("due in 2 days")  # 70 of L1's 72 h left
    expect(_row(page, late)).to_contain_text("drinking water")
    page.screenshot(path=str(SHOTS / "16-9-due-in.png"), full_page=True)
    page.click("#lang")

    page.set_viewport_size({"width": 360, "height": 780})
    page.goto(f"{base}/console/index.html#/queue")
    page.reload()  # the same hash: drawn again at phone width
    expect(_row(page, first)).to_be_visible()
    expect(page.locator("details.filters")).not_to_have_attribute("open", "")  # folded: the rows come first
    expect(page.locator(".bulk")).to_be_hidden()  # until a row is picked
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # cards, no sideways scroll
    expect(_row(page, first).locator(".excerpt")).to_be_visible()
    page.screenshot(path=str(SHOTS / "16-2-rows-phone.png"), full_page=True)


def test_a_filter_link_opens_the_list_filtered_and_an_officers_inbox_filters_too(page, stack):  # noqa: F811
    base = stack["state"]["base_url"]
    sign_in(page, "operator.rpr", "demo-operator")
    sooner = _register(page, base, "+919812377011", "water", "नल से गंदा पानी, बच्चे बीमार", "गुढ़ियारी")
    calm = _register(page, base, "+919812377012", "water", "पाइपलाइन धीरे बहती है", "पंडरी")
    sign_in(page, "officer.water.l1", "demo-officer")
    page.goto(f"{base}/console/index.html#/inbox?sort=due_farthest")
    expect(_row(page, calm)).to_be_visible()
    numbers = page.locator("table.rows tbody tr").evaluate_all("rows => rows.map(r => r.dataset.number)")
    assert numbers.index(calm) < numbers.index(sooner)  # the farthest deadline first
    expect(page.locator("#f-sort")).to_have_value("due_farthest")
    expect(page.locator(".bulk")).to_have_count(0)  # officers act one ticket at a time


def test_an_operator_sees_what_the_callers_earlier_complaints_were_about(page, stack):  # noqa: F811
    base = stack["state"]["base_url"]
    sign_in(page, "operator.rpr", "demo-operator")
    earlier = _register(page, base, "+919812377021", "electricity", "ट्रांसफार्मर जला है, तीन दिन से बिजली नहीं",
                        "कबीर नगर")
    page.goto(f"{base}/console/index.html#/operator?phone=%2B919812377021")
    row = _row(page, earlier)
    expect(row.locator(".excerpt")).to_have_text("ट्रांसफार्मर जला है, तीन दिन से बिजली नहीं")
    expect(row.locator(".where")).to_have_text("कबीर नगर")
    expect(row).to_contain_text("बिजली")
