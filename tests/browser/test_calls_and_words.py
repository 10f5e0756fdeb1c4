"""An operator's night in Chromium against `make run`: a call rings while they are on the Search page, they open
it from the banner, register two complaints from that one call and find them again by the caller's name; the
browser's own validation speaks Hindi; in English, Hindi that people wrote is marked lang="hi"; a message after
an action at the bottom of a long page is in view. Screenshots go to test-output/browser/."""
from __future__ import annotations

import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from itertools import pairwise

from playwright.sync_api import expect

from tests.browser.test_console import SHOTS, browser, page, sign_in, stack  # noqa: F401 (fixtures)
from tests.support.axe import assert_accessible
from tests.support.stack_process import ROOT

CALLER = "+919812300077"
NAME = "कमला देवी"
OPERATORS_LINE = "+919977222620"


def _manage(running, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "manage.py", *args], cwd=ROOT, env=running["env"], text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def _on_shift(running) -> None:
    """Someone on the operators' roster is on duty on the stack's clock (the demo has no Sunday day shift)."""
    from chalicelib.district_file import read_district_file
    from chalicelib.domain.on_duty import on_duty
    from tests.support.demo import DEMO

    if not on_duty(read_district_file(DEMO).operators, datetime.now(UTC)):
        assert _manage(running, "advance", "12h").wait(timeout=120) == 0  # Sunday daytime: on to the night shift


def _register(tab, category: str, text: str) -> str:
    tab.select_option("#category", category)
    tab.fill("#description", text)
    tab.click("#complaint-form button[type=submit]")
    number = tab.locator("#new-number")
    expect(number).to_have_text(re.compile(r"^RPR\d{10}$"))
    return number.inner_text().strip()


def test_a_call_rings_on_the_search_page_and_carries_two_complaints_found_again_by_name(page, stack):  # noqa: F811
    base = stack["state"]["base_url"]
    _on_shift(stack)
    sign_in(page, "operator.rpr", "demo-operator")
    page.goto(f"{base}/console/index.html#/search")
    expect(page.locator("#q")).to_be_visible()
    plain_title = page.title()

    caller = _manage(stack, "call", "--from", CALLER, "--to", OPERATORS_LINE)
    try:
        banner = page.locator("#call-banner")
        expect(banner).to_be_visible(timeout=20_000)  # on the Search page, not only on the incoming-call page
        expect(banner).to_contain_text("कॉल आ रही है")
        expect(banner).to_contain_text(CALLER)
        expect(banner).to_contain_text("रायपुर")
        expect(banner).not_to_contain_text("null")
        expect(page).to_have_title("☎ कॉल — संवाद")
        # The sign-in click let the page make sound; either way the banner says whether it beeped.
        expect(banner).to_have_attribute("data-sound", re.compile("played|refused"))
        assert page.evaluate("() => document.querySelector('#call-banner').getBoundingClientRect().top") < 120
        page.screenshot(path=str(SHOTS / "16-3-ringing-on-search.png"))
        assert_accessible(page, "the ringing banner on the Search page")

        page.click("#call-banner-open")
        expect(page).to_have_url(re.compile(r"#/operator\?phone=%2B919812300077&call_sid=CA"))
        expect(banner).to_be_hidden()
        expect(page).to_have_title(plain_title)  # opened: the title is the console's again
        caller.stdin.write("a\n")  # the operator's phone picks up
        caller.stdin.flush()

        expect(page.locator("#caller_phone")).to_have_value(CALLER)
        expect(page.locator("#form-call")).to_contain_text("CallSid")
        page.fill("#caller_name", NAME)
        page.fill("#address", "वार्ड 12, खरोरा")
        first = _register(page, "water", "मोहल्ले का हैंडपंप दस दिन से खराब है")
        expect(page.locator("#complaint-form button[type=submit]")).to_be_disabled()  # the call waits for a choice

        page.click("#more-from-call")  # the same caller and the same call, a new complaint
        expect(page.locator("#complaint-form h2")).to_have_text("इसी कॉल से अगली शिकायत")
        expect(page.locator("#caller_phone")).to_have_value(CALLER)
        expect(page.locator("#caller_name")).to_have_value(NAME)
        expect(page.locator("#description")).to_have_value("")
        expect(page.locator("#form-call")).to_contain_text("CallSid")
        second = _register(page, "electricity", "गली की बत्ती तीन दिन से बंद है")
        assert second != first
        calls = page.locator("#call-complaints a")
        expect(calls).to_have_text([first, second])

        page.click("#end-call")  # the call is over: the form forgets it
        expect(page).to_have_url(re.compile(r"#/operator$"))
        expect(page.locator("#form-call")).to_have_count(0)
        expect(page.locator("#complaint-form")).to_have_count(0)
        expect(page.locator(f"#ringing a[href='#/ticket/{first}']")).to_be_visible()
        expect(page.locator(f"#ringing a[href='#/ticket/{second}']")).to_be_visible()
    finally:
        out, _ = caller.communicate("\n", timeout=60)
    assert caller.returncode == 0, out

    # A name in the search box is searched as a name (never as a phone number): both complaints of the call.
    for _ in range(20):  # the words are indexed off the request, by the queue: a moment after registering
        page.goto(f"{base}/console/index.html#/search?q={NAME}")
        rows = page.locator("table.list tbody tr[data-number]")
        expect(page.locator("main h2").first).to_contain_text(NAME)
        page.wait_for_timeout(500)
        if rows.count() >= 2:
            break
        page.wait_for_timeout(1000)
    numbers = sorted(rows.evaluate_all("(rows) => rows.map((r) => r.dataset.number)"))
    assert numbers == sorted([first, second])
    expect(page.locator("#notice")).to_be_hidden()  # no 400
    # The incoming-call page's lookup takes a name too: it searches, instead of sending it as a phone number.
    page.goto(f"{base}/console/index.html#/operator")
    page.fill("#pop-phone", NAME)
    page.click("#pop-phone ~ button[type=submit]")
    expect(page).to_have_url(re.compile(r"#/search\?q="))
    expect(page.locator("table.list tbody tr[data-number]")).to_have_count(2)
    expect(page.locator("#notice")).to_be_hidden()


def test_the_browsers_own_validation_speaks_hindi_and_api_errors_come_in_the_users_language(page, stack):  # noqa: F811
    base = stack["state"]["base_url"]
    sign_in(page, "operator.rpr", "demo-operator")
    page.goto(f"{base}/console/index.html#/new")
    phone = page.locator("#caller_phone")
    expect(phone).to_be_visible()
    page.click("#complaint-form button[type=submit]")
    assert phone.evaluate("(input) => input.validationMessage") == "यह भरना ज़रूरी है।"
    phone.fill("98123")
    page.click("#complaint-form button[type=submit]")
    assert phone.evaluate("(input) => input.validationMessage") == "मोबाइल नंबर +91 के साथ लिखें, जैसे +919812345678"
    phone.fill("+919812300078")  # typing clears it: the field is judged anew
    assert phone.evaluate("(input) => input.validity.valid")
    description = page.locator("#description")
    page.click("#complaint-form button[type=submit]")
    assert description.evaluate("(box) => box.validationMessage") == "यह भरना ज़रूरी है।"

    # The API's refusal, with its code, in Hindi: a complaint number that is not there.
    page.goto(f"{base}/console/index.html#/ticket/RPR2611230099")
    expect(page.locator("main")).to_contain_text("शिकायत क्रमांक RPR2611230099 नहीं मिला")
    page.click("#lang")  # and in English
    expect(page.locator("main")).to_contain_text("No complaint number RPR2611230099 that you can see")
    page.click("#lang")
    # A registration the district cannot take (a call of another district's line): the notice, in Hindi.
    page.goto(f"{base}/console/index.html#/operator?phone=%2B919812300078&call_sid=CA{'9' * 32}")
    page.fill("#description", "हैंडपंप खराब है")
    page.click("#complaint-form button[type=submit]")
    expect(page.locator("#new-number")).to_be_visible()
    page.click("#end-call")
    page.goto(f"{base}/console/index.html#/operator?phone=%2B919812300078&call_sid=CA{'9' * 32}")
    page.fill("#description", "वही शिकायत दोबारा")
    page.click("#complaint-form button[type=submit]")
    notice = page.locator("#notice")
    expect(notice).to_contain_text("इस कॉल की शिकायत RPR")
    expect(notice).to_contain_text("पहले से दर्ज है")
    expect(page.locator("#more-from-call")).to_be_visible()  # offered at once: join the call as another
    page.wait_for_timeout(7_000)
    expect(notice).to_be_visible()  # an error stays until it is closed
    page.screenshot(path=str(SHOTS / "16-4-errors-in-hindi.png"))
    assert_accessible(page, "a refusal in Hindi with the call's next steps")
    page.click("#more-from-call")  # the same words, registered as the call's next complaint
    expect(page.locator("#new-number")).to_have_text(re.compile(r"^RPR\d{10}$"))
    expect(page.locator("#call-complaints a")).to_have_count(1)


def test_in_english_hindi_that_people_wrote_is_marked_hindi(page, stack):  # noqa: F811
    base = stack["state"]["base_url"]
    sign_in(page, "operator.rpr", "demo-operator")
    page.goto(f"{base}/console/index.html#/operator?phone=%2B919812300079")
    page.fill("#caller_name", "रामू साहू")
    number = _register(page, "water", "गाँव खरोरा में हैंडपंप खराब है")
    if page.locator("html").get_attribute("lang") == "hi":
        page.click("#lang")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(f"{base}/console/index.html#/ticket/{number}")
    said = page.get_by_text("गाँव खरोरा में हैंडपंप खराब है", exact=True).first
    expect(said).to_be_visible()
    assert said.evaluate("(node) => node.closest('[lang]').lang") == "hi"
    name = page.get_by_text("रामू साहू", exact=True).first
    assert name.evaluate("(node) => node.closest('[lang]').lang") == "hi"
    # English words around them stay English.
    assert page.locator("main h1").first.evaluate("(node) => node.closest('[lang]').lang") == "en"
    page.click("#lang")  # back to Hindi for the tests after this one


def test_a_message_after_an_action_at_the_bottom_of_a_long_page_is_in_view(page, stack):  # noqa: F811
    base = stack["state"]["base_url"]
    page.set_viewport_size({"width": 1100, "height": 600})
    sign_in(page, "operator.rpr", "demo-operator")
    page.goto(f"{base}/console/index.html#/operator?phone=%2B919812300080")
    expect(page.locator("#complaint-form")).to_be_visible()
    page.fill("#description", "नाली का पानी सड़क पर बह रहा है")
    page.select_option("#category", "water")
    # The caller's history, then the form: its button is well below the first screen.
    page.evaluate("() => document.querySelector('#complaint-form button[type=submit]').scrollIntoView({block: 'end'})")
    assert page.evaluate("() => window.scrollY") > 300
    # An error (the description emptied behind the form's back) comes from the API: a 400 in Hindi.
    page.evaluate("() => { const d = document.querySelector('#description'); d.required = false; d.value = ''; "
                  "document.querySelector('#complaint-form').requestSubmit(); }")
    notice = page.locator("#notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("शिकायत")
    box = notice.bounding_box()
    assert box and 0 <= box["y"] and box["y"] + box["height"] <= 600, box  # in the viewport, scrolled down as it is
    assert page.evaluate("() => window.scrollY") > 300  # the page did not jump: the notice came to the user
    page.screenshot(path=str(SHOTS / "16-6-notice-in-view.png"))
    assert_accessible(page, "an error notice over a scrolled form")
    page.click("#notice button.close")  # dismissable
    expect(notice).to_be_hidden()

    # A success fades by itself after a few seconds: the registration's, in view too.
    page.evaluate("() => { document.querySelector('#description').required = true; }")
    page.fill("#description", "नाली का पानी सड़क पर बह रहा है")
    page.evaluate("() => document.querySelector('#complaint-form button[type=submit]').scrollIntoView({block: 'end'})")
    page.click("#complaint-form button[type=submit]")
    expect(notice).to_be_visible()
    expect(notice).to_have_class(re.compile(r"\bok\b"))
    expect(notice).to_contain_text(page.locator("#new-number").inner_text().strip())
    box = notice.bounding_box()
    assert box and 0 <= box["y"] and box["y"] + box["height"] <= 600, box
    expect(notice).to_be_hidden(timeout=10_000)


def test_one_poller_for_the_whole_console_at_most_one_ask_in_three_seconds(page, stack):  # noqa: F811
    base = stack["state"]["base_url"]
    asked: list[float] = []
    page.on("request", lambda request: asked.append(time.monotonic()) if "/api/calls/ringing" in request.url
            else None)
    sign_in(page, "operator.rpr", "demo-operator")
    page.goto(f"{base}/console/index.html#/search")
    expect(page.locator("#q")).to_be_visible()
    page.wait_for_timeout(500)
    start = len(asked)
    assert start >= 1  # asked on the Search page, not only on the incoming-call page
    for route in ("#/operator", "#/new", "#/queue", "#/search", "#/operator", "#/search"):  # pages drawn anew
        page.evaluate(f"() => {{ location.hash = '{route}'; }}")
        page.wait_for_timeout(400)
    page.wait_for_timeout(9_000 - 6 * 400)
    during = asked[start - 1:]
    assert len(during) <= 5, during  # 9 s from the ask before: 4 at most, however many pages were drawn
    gaps = [b - a for a, b in pairwise(during)]
    assert all(gap >= 2.5 for gap in gaps), gaps  # the console keeps 2.8 s at least (3 s, less a timer's jitter)
