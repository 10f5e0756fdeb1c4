"""The console in a real browser: Debian's Chromium, headless, driven by Playwright, against `make run`.

An operator registers a complaint, the officer resolves it, the Collector sees the figures change.
Screenshots go to test-output/browser/.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.support.stack_process import ROOT, running_stack

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps dialling Google on this closed network.
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SHOTS = ROOT / "test-output" / "browser"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with running_stack(tmp_path_factory.mktemp("console-stack")) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    if not shutil.which("chromium") and not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: `make browser` installs it (make test does it first)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, stack) -> Page:
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="hi-IN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{stack['state']['base_url']}/console")
    yield page
    context.close()
    assert not errors, errors  # no script error on any page


def sign_in(page: Page, user: str, password: str) -> None:
    if page.locator("#signout").is_visible():
        page.click("#signout")
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("form button[type=submit]")
    expect(page.locator("#signout")).to_be_visible()


def test_an_operator_registers_the_officer_resolves_the_collector_sees_it(page, stack):
    base = stack["state"]["base_url"]
    sign_in(page, "collector.rpr", "demo-collector")
    expect(page.locator("#fig-today-registered b")).to_be_visible()
    registered_before = int(page.inner_text("#fig-today-registered b"))
    resolved_before = int(page.inner_text("#fig-today-resolved b"))

    sign_in(page, "operator.rpr", "demo-operator")
    # A softphone opens the console on the incoming call: the caller's earlier complaints pop up.
    page.goto(f"{base}/console/index.html#/operator?phone=%2B919812300077&call_sid=CA{'7' * 32}")
    page.fill("#caller_name", "सीता बाई")
    page.fill("#address", "वार्ड 7, खरोरा")
    page.select_option("#category", "water")
    page.fill("#description", "गाँव का हैंडपंप दस दिन से खराब है")
    page.click("form.card button.primary >> nth=-1")
    number = page.locator("#new-number").inner_text().strip()
    assert number.startswith("RPR") and len(number) == 13
    page.screenshot(path=str(SHOTS / "1-operator-registered.png"), full_page=True)

    sign_in(page, "officer.water.l1", "demo-officer")
    row = page.locator(f"tr[data-number='{number}']")
    expect(row).to_be_visible()  # in the L1 water officer's inbox
    page.screenshot(path=str(SHOTS / "2-officer-inbox.png"), full_page=True)
    row.locator("a").click()
    expect(page.locator("#ticket-number")).to_have_text(number)
    expect(page.get_by_text("गाँव का हैंडपंप दस दिन से खराब है")).to_be_visible()
    page.click("details[data-action=acknowledge] summary")
    page.click("details[data-action=acknowledge] button.primary")
    expect(page.locator("#notice.ok")).to_be_visible()
    expect(page.locator("details[data-action=acknowledge]")).to_have_count(0)  # the page shows the ticket after
    page.click("details[data-action=resolve] summary")
    page.fill("#resolve-remark", "नया हैंडपंप लगाया गया")
    page.click("details[data-action=resolve] button.primary")
    expect(page.locator("#notice.ok")).to_be_visible()
    expect(page.get_by_text("नया हैंडपंप लगाया गया").first).to_be_visible()
    page.screenshot(path=str(SHOTS / "3-officer-resolved.png"), full_page=True)

    sign_in(page, "collector.rpr", "demo-collector")
    expect(page.locator("#fig-today-registered b")).to_have_text(str(registered_before + 1))
    expect(page.locator("#fig-today-resolved b")).to_have_text(str(resolved_before + 1))
    assert page.locator("svg.chart").count() >= 3  # daily, pending by level, calls per hour
    page.screenshot(path=str(SHOTS / "4-collector-dashboard.png"), full_page=True)


def test_hindi_english_toggle_and_a_phone_sized_screen(page, stack):
    sign_in(page, "collector.rpr", "demo-collector")
    expect(page.locator("nav")).to_contain_text("डैशबोर्ड")
    page.click("#lang")
    expect(page.locator("nav")).to_contain_text("Dashboard")
    expect(page.locator("#fig-today-registered")).to_contain_text("Registered")
    page.click("#lang")
    expect(page.locator("nav")).to_contain_text("डैशबोर्ड")

    page.set_viewport_size({"width": 360, "height": 780})
    for route in ("#/dashboard", "#/directory", "#/queue"):
        page.goto(f"{stack['state']['base_url']}/console/index.html{route}")
        page.wait_for_load_state("networkidle")
        expect(page.locator("main h1").first).to_be_visible()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{route} scrolls sideways at phone width ({width}px)"
    page.screenshot(path=str(SHOTS / "5-phone-directory-queue.png"), full_page=True)


def test_the_collector_edits_an_officer_in_the_directory_and_it_is_audited(page, stack):
    sign_in(page, "collector.rpr", "demo-collector")
    page.goto(f"{stack['state']['base_url']}/console/index.html#/directory")
    page.fill("#officer-water-L1-phone", "+919000000399")
    page.fill("#summary", "नया सहायक अभियंता")
    page.click("#save")
    expect(page.locator("#notice.ok")).to_be_visible()
    expect(page.locator("main")).to_contain_text("नया सहायक अभियंता")
    expect(page.locator("#officer-water-L1-phone")).to_have_value("+919000000399")
    page.fill("#officer-water-L1-phone", "not a number")
    page.click("#save")
    # the API's 422 names the field; its words go beside the input (tests/browser/test_directory_and_phone.py)
    expect(page.locator("#officers .field-error")).to_contain_text("+91")
    page.screenshot(path=str(SHOTS / "6-directory.png"), full_page=True)


def test_a_state_admin_sees_every_district_side_by_side_and_picks_one_from_a_list(page, stack):
    sign_in(page, "state.admin", "demo-state")
    page.goto(f"{stack['state']['base_url']}/console/index.html#/dashboard")
    expect(page.locator("#state-view")).to_be_visible()
    for code in ("RPR", "BSP"):  # the state file's districts (examples/state-181.yaml), one row each
        expect(page.locator(f"#state-{code}")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("CG181")
    page.screenshot(path=str(SHOTS / "7-state-view.png"), full_page=True)
    page.select_option("#district", "BSP")  # picked from the list, never typed
    expect(page.locator("h1")).to_contain_text("BSP")
    expect(page.locator("#fig-open")).to_be_visible()
    page.select_option("#district", "")  # back to every district
    expect(page.locator("#state-view")).to_be_visible()


def test_wrong_password_is_told_plainly(page):
    page.fill("#username", "operator.rpr")
    page.fill("#password", "wrong")
    page.click("form button[type=submit]")
    expect(page.locator("#notice")).to_contain_text("उपयोगकर्ता नाम या पासवर्ड गलत है")  # in the console's language


def test_the_incoming_page_asks_nothing_while_its_tab_is_hidden_and_looks_at_once_when_shown(page, stack):
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url) if "/api/calls/ringing" in request.url else None)
    sign_in(page, "operator.rpr", "demo-operator")
    page.goto(f"{stack['state']['base_url']}/console/index.html#/operator")
    expect(page.locator("#ringing")).to_be_visible()
    expect(page.locator("#ringing p.muted")).to_be_visible()  # the first poll has answered
    first = len(asked)
    assert first >= 1
    page.evaluate("""() => { Object.defineProperty(document, "hidden", {configurable: true, get: () => true});
                             document.dispatchEvent(new Event("visibilitychange")); }""")
    page.wait_for_timeout(7_000)  # two polling periods (3 s): a hidden tab sends none
    hidden = len(asked)
    assert hidden - first <= 1, asked  # at most one already in flight when it was hidden
    page.evaluate("""() => { Object.defineProperty(document, "hidden", {configurable: true, get: () => false});
                             document.dispatchEvent(new Event("visibilitychange")); }""")
    page.wait_for_timeout(500)
    assert len(asked) > hidden, asked  # shown again: asked at once, not at the next period


def test_a_call_ringing_the_operators_pops_up_and_its_recording_joins_the_ticket(page, stack):
    """Last in the module: it may move the stack's clock into a shift (the demo has no Sunday day shift)."""
    import subprocess
    import sys
    from datetime import UTC, datetime

    from chalicelib.district_file import read_district_file
    from chalicelib.domain.on_duty import on_duty
    from tests.support.demo import DEMO

    def manage(*args: str, **kw) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "manage.py", *args], cwd=ROOT, env=stack["env"], text=True,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kw)

    if not on_duty(read_district_file(DEMO).operators, datetime.now(UTC)):
        assert manage("advance", "12h").wait(timeout=120) == 0  # Sunday daytime: on to the night shift
    sign_in(page, "operator.rpr", "demo-operator")
    page.goto(f"{stack['state']['base_url']}/console/index.html#/operator")
    expect(page.locator("#ringing")).to_be_visible()
    # The caller phones the operators line; this terminal plays the operator, who picks up ("a") and talks
    # until told to hang up (Enter).
    caller = manage("call", "--from", "+919812300088", "--to", "+919977222620")
    caller.stdin.write("a\n")
    caller.stdin.flush()
    expect(page.locator("#ringing [data-call]")).to_have_count(1, timeout=20_000)
    expect(page.locator("#caller_phone")).to_have_value("+919812300088", timeout=15_000)  # the pop
    expect(page.get_by_text("CallSid")).to_be_visible()
    page.select_option("#category", "electricity")
    page.fill("#description", "ट्रांसफार्मर जला है, तीन दिन से बिजली नहीं")
    page.click("form.card button.primary >> nth=-1")
    number = page.locator("#new-number").inner_text().strip()
    assert number.startswith("RPR")
    page.screenshot(path=str(SHOTS / "5-operator-call-pop.png"), full_page=True)
    out, _ = caller.communicate("\n", timeout=60)  # the operator hangs up: Twilio posts the Dial's recording
    assert caller.returncode == 0, out
    assert "Samvad" in out or "संवाद" in out  # the operator's whisper
    page.goto(f"{stack['state']['base_url']}/console/index.html#/ticket/{number}")
    expect(page.locator("#play")).to_be_visible()  # the call's recording is the ticket's
