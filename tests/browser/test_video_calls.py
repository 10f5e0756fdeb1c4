"""Sign-language video calls in Chromium against `make run`, with Chromium's fake camera and microphone: the citizen
books on the district's page, waits for the slot on a 360 px phone screen in Hindi, joins (their camera plays),
says yes to recording; the signing operator is rung, opens it, joins, sees the consent, registers the complaint on
the call and ends it; an operator without the skill, signed in at the same time, never sees it ring. The meeting
service's calls (the local stack's Chime stand-in) are read back from its request log and with the real boto3
client. Screenshots go to test-output/browser/17-*.png."""
from __future__ import annotations

import json
import re
import time
import urllib.request
from datetime import datetime, timedelta

import boto3
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.browser.test_console import ARGS, CHROMIUM, SHOTS, sign_in, stack  # noqa: F401 (the fixtures)
from tests.support.axe import assert_accessible
from tests.support.stack_process import ROOT

# Chromium's own test camera (a moving pattern) and microphone, allowed without asking.
MEDIA_ARGS = [*ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
BUNDLE = ROOT / "chalicelib" / "console" / "vendor" / "chime-sdk.js"
PHONE_WAITS = "+919812300171"
PHONE_CALLS = "+919812300172"
PHONE = {"viewport": {"width": 360, "height": 780}, "locale": "hi-IN", "is_mobile": True, "has_touch": True}


@pytest.fixture(scope="module")
def media_browser():
    if not BUNDLE.exists():
        pytest.fail(f"{BUNDLE.relative_to(ROOT)} is missing: `make chime` builds it (make test does it first)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=MEDIA_ARGS)
        yield chromium
        chromium.close()


def _tab(browser, errors: list[str], **options) -> Page:
    context = browser.new_context(**({"viewport": {"width": 1100, "height": 900}, "locale": "hi-IN"} | options))
    context.grant_permissions(["camera", "microphone"])
    tab = context.new_page()
    tab.on("pageerror", lambda error: errors.append(str(error)))
    return tab


def _sandbox(running, path: str, body: dict | None = None) -> dict:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{running['state']['sandbox_url']}{path}", data=data, method="GET" if data is None
                                     else "POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:  # loopback only
        return json.loads(response.read())


def _stack_now(running) -> datetime:
    return datetime.fromisoformat(_sandbox(running, "/sandbox/advance", {"seconds": 0})["now"].replace("Z", "+00:00"))


def _advance_to(running, moment: datetime) -> None:
    seconds = (moment - _stack_now(running)).total_seconds()
    if seconds > 0:
        _sandbox(running, "/sandbox/advance", {"seconds": int(seconds) + 1})


def _district():
    from chalicelib.district_file import read_district_file
    from tests.support.demo import DEMO

    return read_district_file(DEMO)


def _off_duty(running) -> None:
    """No signer on duty on the stack's clock (so the booking is for a later slot): past the end of the shift."""
    from chalicelib.domain.video_calls import signers_on_duty

    district = _district()
    now = _stack_now(running)
    while signers_on_duty(district, now):
        now += timedelta(minutes=30)
    _advance_to(running, now)


def _book(running, tab: Page, phone: str) -> str:
    """The district's page books the call; the link comes by message: its id."""
    base = running["state"]["base_url"]
    tab.goto(f"{base}/video/ask/RPR")
    tab.fill("input[type=tel]", phone)
    tab.locator("button[type=submit], form button").first.click()
    expect(tab.locator("body")).to_contain_text(phone[-4:])
    digits = phone[-10:]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for message in reversed(_sandbox(running, "/sandbox/messages")["messages"]):
            found = re.search(r"/video/(VC[0-9a-f]{32})", message.get("body", ""))
            if found and digits in str(message.get("to", "")):
                return found.group(1)
        time.sleep(0.5)
    raise AssertionError(f"no link was sent to {phone}")


def _chime_requests(running) -> list[str]:
    return _sandbox(running, "/sandbox/chime-requests")["requests"]


def _meetings_client(running):
    state = running["state"]
    return boto3.client("chime-sdk-meetings", region_name=state["region"], aws_access_key_id="local",
                        aws_secret_access_key="local", endpoint_url=f"{state['sandbox_url']}/chime-meetings")


def _plays(video) -> None:
    """The <video> shows the camera: frames of a size have arrived."""
    expect(video).to_be_visible()
    deadline = time.monotonic() + 20
    while video.evaluate("v => v.videoWidth") == 0:
        assert time.monotonic() < deadline, f"no camera: {video.page.locator('main').inner_text()}"
        time.sleep(0.2)
    assert video.evaluate("v => v.readyState") >= 2


def _no_sideways_scroll(tab: Page) -> None:
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the citizen's page scrolls sideways at phone width ({width}px)"


def test_the_citizen_waits_for_the_slot_in_hindi_and_the_page_turns_ready_by_itself(media_browser, stack):  # noqa: F811
    errors: list[str] = []
    _off_duty(stack)
    citizen = _tab(media_browser, errors, **PHONE)
    video_id = _book(stack, citizen, PHONE_WAITS)
    citizen.goto(f"{stack['state']['base_url']}/video/{video_id}")
    expect(citizen.locator("h1")).to_have_text("आपकी वीडियो कॉल का समय")
    expect(citizen.locator("html")).to_have_attribute("lang", "hi")
    slot = citizen.locator("#slot-time")
    expect(slot).to_contain_text(re.compile(r"(सुबह|दोपहर|शाम|रात) \d{1,2}:\d\d बजे"))
    expect(citizen.get_by_text("तब इस पेज पर वापस आएँ।")).to_be_visible()
    expect(citizen.locator("#start-call")).to_have_count(0)
    _no_sideways_scroll(citizen)
    citizen.screenshot(path=str(SHOTS / "17-1-citizen-waiting.png"), full_page=True)
    assert_accessible(citizen, "the citizen's page waiting for the slot")

    citizen.click("#lang")  # English, and back
    expect(citizen.locator("h1")).to_have_text("Your video call is at")
    expect(slot).to_contain_text(re.compile(r"\d{1,2}:\d\d (am|pm)"))
    citizen.click("#lang")
    expect(citizen.locator("h1")).to_have_text("आपकी वीडियो कॉल का समय")

    # The slot comes (the stack's clock): the page looks again by itself within 30 s and offers the call.
    from chalicelib.domain.video_calls import next_slot

    _advance_to(stack, next_slot(_district(), _stack_now(stack)) + timedelta(minutes=1))
    start = citizen.locator("#start-call")
    expect(start).to_be_visible(timeout=40_000)
    expect(start).to_contain_text("वीडियो कॉल शुरू करें")
    assert start.bounding_box()["height"] >= 56
    citizen.screenshot(path=str(SHOTS / "17-2-citizen-ready.png"), full_page=True)
    citizen.context.close()  # never joined: nothing to leave
    assert not errors, errors


def test_the_citizen_joins_the_signer_answers_registers_and_ends_and_no_other_operator_sees_it(media_browser, stack):  # noqa: F811
    from chalicelib.domain.video_calls import next_slot, signers_on_duty

    base = stack["state"]["base_url"]
    if not signers_on_duty(_district(), _stack_now(stack)):  # the first test leaves the clock in a signing shift
        _advance_to(stack, next_slot(_district(), _stack_now(stack)) + timedelta(minutes=1))
    errors: list[str] = []
    signer = _tab(media_browser, errors)
    other = _tab(media_browser, errors)
    for tab, user in ((signer, "operator.rpr.sign"), (other, "operator.rpr")):
        tab.goto(f"{base}/console")
        sign_in(tab, user, "demo-operator")
    signer.goto(f"{base}/console/index.html#/search")  # the banner reaches them on any page
    expect(signer.locator("#q")).to_be_visible()
    citizen = _tab(media_browser, errors, **PHONE)
    video_id = _book(stack, citizen, PHONE_CALLS)
    before = len(_chime_requests(stack))

    # (a) The citizen: ready at once (a signer is on duty), joins, their camera plays, says yes to recording.
    citizen.goto(f"{base}/video/{video_id}")
    start = citizen.locator("#start-call")
    expect(start).to_be_visible()
    with citizen.expect_response(lambda r: r.url.endswith("/join") and r.request.method == "POST") as joined:
        start.click()
    meeting_id = joined.value.json()["meeting"]["MeetingId"]
    meetings = _meetings_client(stack)  # the real boto3 client, on the stack's meeting service
    assert meetings.get_meeting(MeetingId=meeting_id)["Meeting"]["ExternalMeetingId"]
    expect(citizen.locator("#call-status")).to_contain_text("दुभाषिया को बुलाया जा रहा है")
    _plays(citizen.locator("#self-video"))
    expect(citizen.locator("#local-note")).to_contain_text("केवल आपका अपना कैमरा")
    expect(citizen.locator("#time-left")).to_have_text(re.compile(r"बचा समय: (19|20) मिनट"))
    expect(citizen.locator("#consent-answer")).to_have_attribute("data-consent", "none")
    assert citizen.locator("#consent-yes").bounding_box()["height"] >= 56
    assert citizen.locator("#end-call").bounding_box()["height"] >= 56
    citizen.click("#consent-yes")
    expect(citizen.locator("#consent-answer")).to_have_attribute("data-consent", "yes")
    expect(citizen.locator("#consent-yes")).to_have_attribute("aria-pressed", "true")
    made = _chime_requests(stack)[before:]
    assert made[:2] == ["CreateMeeting", "CreateAttendee"], made
    _no_sideways_scroll(citizen)
    citizen.screenshot(path=str(SHOTS / "17-3-citizen-on-the-call.png"), full_page=True)
    assert_accessible(citizen, "the citizen's page on the call")

    # (b) The signer is rung like a call: the banner says it is a video call.
    banner = signer.locator("#call-banner")
    expect(banner).to_be_visible(timeout=20_000)
    expect(banner).to_contain_text(f"सांकेतिक भाषा वीडियो कॉल: {PHONE_CALLS}")
    expect(banner).to_have_attribute("data-kind", "video")
    signer.screenshot(path=str(SHOTS / "17-4-signer-rung.png"))

    # (c) The operator who does not sign, on the same district at the same time, is never rung by it.
    other.goto(f"{base}/console/index.html#/operator")
    time.sleep(7)  # two of the console's polls
    expect(other.locator(f"[data-call='{video_id}']")).to_have_count(0)
    expect(other.locator("#call-banner")).to_be_hidden()
    listed = other.evaluate("""async () => (await (await fetch('/api/calls/ringing?minutes=10', {headers:
        {Authorization: 'Bearer ' + sessionStorage.getItem('samvad.token')}})).json()).items.map((c) => c.call_sid)""")
    assert video_id not in listed
    refused = other.evaluate(f"""async () => (await fetch('/api/calls/{video_id}', {{headers:
        {{Authorization: 'Bearer ' + sessionStorage.getItem('samvad.token')}}}})).status""")
    assert refused == 404

    signer.click("#call-banner-open")
    expect(signer).to_have_url(re.compile(rf"#/operator\?phone=%2B\d+&call_sid={video_id}"))
    card = signer.locator("#video-card")
    expect(card).to_be_visible()
    expect(signer.locator("#video-consent")).to_have_attribute("data-consent", "yes")
    expect(signer.locator("#video-consent")).to_contain_text("रिकॉर्डिंग की सहमति: हाँ")
    expect(signer.locator("#video-time-left")).to_have_text(re.compile(r"^बचा समय: \d+ मिनट$"))
    signer.click("#video-join")
    expect(signer.locator("#video-leave")).to_be_visible()
    _plays(signer.locator("#video-self"))
    expect(signer.locator("#video-status")).to_contain_text("कॉल पर")
    expect(signer.locator("#video-local-note")).to_be_visible()
    assert _chime_requests(stack)[before:].count("CreateAttendee") == 2  # the citizen's seat, the operator's
    assert len(meetings.list_attendees(MeetingId=meeting_id)["Attendees"]) == 2
    expect(citizen.locator("#call-status")).to_contain_text("दुभाषिया जुड़ गए हैं", timeout=15_000)

    # The citizen changes their mind, and back: the card follows within its poll.
    citizen.click("#consent-no")
    expect(signer.locator("#video-consent")).to_have_attribute("data-consent", "no", timeout=15_000)
    citizen.click("#consent-yes")
    expect(signer.locator("#video-consent")).to_have_attribute("data-consent", "yes", timeout=15_000)
    signer.screenshot(path=str(SHOTS / "17-5-signer-video-card.png"), full_page=True)
    assert_accessible(signer, "the operator's video card")

    # The complaint on the call's behalf: the form carries the call's id, the ticket is linked to it.
    expect(signer.locator("#caller_phone")).to_have_value(PHONE_CALLS)
    expect(signer.locator("#form-call")).to_contain_text(video_id)
    signer.select_option("#category", "water")
    signer.fill("#description", "सांकेतिक भाषा में बताया: गाँव का हैंडपंप दस दिन से खराब है")
    signer.click("#complaint-form button[type=submit]")
    number = signer.locator("#new-number")
    expect(number).to_have_text(re.compile(r"^RPR\d{10}$"))
    ticket = signer.evaluate(f"""async () => (await (await fetch('/api/tickets/{number.inner_text().strip()}',
        {{headers: {{Authorization: 'Bearer ' + sessionStorage.getItem('samvad.token')}}}})).json())""")
    assert ticket.get("channel") == "video" or ticket.get("ticket", {}).get("channel") == "video", ticket
    assert video_id in json.dumps(ticket, ensure_ascii=False)

    # The operator ends it: the meeting is deleted, the citizen's page says it is over and offers the helpline.
    signer.click("#video-leave")
    expect(signer.locator("#video-status")).to_contain_text("कॉल समाप्त")
    assert "DeleteMeeting" in _chime_requests(stack)[before:]
    with pytest.raises(meetings.exceptions.NotFoundException):
        meetings.get_meeting(MeetingId=meeting_id)
    expect(citizen.locator("#call-over")).to_have_text("कॉल समाप्त हो गई। धन्यवाद।", timeout=15_000)
    expect(citizen.locator("#call-hotline")).to_have_attribute("href", re.compile(r"^tel:\+?\d+"))
    citizen.screenshot(path=str(SHOTS / "17-6-citizen-call-over.png"), full_page=True)
    assert_accessible(citizen, "the citizen's page after the call")

    # Resolved, the citizen comes back on a short video call to answer "was it solved?": the signer records it.
    complaint = number.inner_text().strip()
    officer = _tab(media_browser, errors)
    officer.goto(f"{base}/console")
    sign_in(officer, "officer.water.l1", "demo-officer")
    resolved = officer.evaluate(f"""async () => (await fetch('/api/tickets/{complaint}/resolve', {{method: 'POST',
        headers: {{'Content-Type': 'application/json',
                   Authorization: 'Bearer ' + sessionStorage.getItem('samvad.token')}},
        body: JSON.stringify({{remark: 'हैंडपंप ठीक कर दिया'}})}})).status""")
    assert resolved == 200
    signer.goto(f"{base}/console/index.html#/ticket/{complaint}")
    answer = signer.locator("details[data-action=feedback]")
    expect(answer).to_contain_text("नागरिक का उत्तर: क्या समस्या हल हुई?")
    answer.get_by_role("button", name="हाँ, हल हुई").click()
    expect(signer.locator("#timeline li[data-action=closed]")).to_have_count(1)
    expect(signer.locator("details[data-action=feedback]")).to_have_count(0)
    for tab in (citizen, signer, other, officer):
        tab.context.close()
    assert not errors, errors
