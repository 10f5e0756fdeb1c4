"""Transcripts in the console, in Chromium against `make run`: the transcript beside the player with its status
said plainly, the correction and its record, the category the words point to taken with the reroute action,
and the search box finding a Hindi complaint by a word typed in Latin letters.

The first test puts a low-confidence transcript on an operator's ticket the way the pipeline leaves one (a
versioned change through the ticket store, its words in the search index), in the running stack's database,
so the page meets every state it must show; the last one phones the hotline and waits for the pipeline's own.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
import time

from playwright.sync_api import Page, expect

from tests.browser.test_console import SHOTS, browser, page, sign_in, stack  # noqa: F401 (the fixtures)
from tests.support.stack_process import ROOT

SAID = "बिजली का खंभा गिर गया है, ट्रांसफार्मर से चिंगारी निकल रही है, गाँव खरोरा"

# Run in the stack's environment (its AWS endpoint and stage), as `manage.py --local` commands are.
_SEED = """
import json, sys
from dataclasses import replace
from chalicelib import wiring
from chalicelib.domain.lifecycle import Change
from chalicelib.domain.ticket import TimelineEntry
from chalicelib.domain.transcripts import Transcript
from chalicelib.operations.ticket_search import index_ticket_text, ticket_text

args = json.loads(sys.argv[1])
store = wiring.ticket_store()
before = store.get(args["number"])
at = wiring.clock().now().isoformat().replace("+00:00", "Z")
transcript = Transcript(recording_sid="RE" + "2" * 32, status=args["status"], text=args["text"],
                        confidence=args["confidence"], language="hi-IN", seconds=18.0, at=at)
after = replace(before, version=before.version + 1, transcript=transcript.to_json(), category_hint=args["hint"])
entry = TimelineEntry(complaint_number=before.complaint_number, at=at, actor_type="system", actor_id="transcriber",
                      action="transcribed", channel="system",
                      detail={"status": args["status"], "confidence": args["confidence"], "text": args["text"]})
store.save_change(Change(before=before, after=after, timeline=(entry,), events=()))
index_ticket_text(wiring.search_index(), after, "", ticket_text(after), 365)
"""


def _stack_env(running: dict) -> dict[str, str]:
    state = running["state"]
    endpoint, region = state["aws_endpoint"], state["region"]
    return {**running["env"], "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_DEFAULT_REGION": region, "AWS_REGION": region, "AWS_ENDPOINT_URL_DYNAMODB": endpoint,
            "AWS_ENDPOINT_URL_SQS": endpoint, "SAMVAD_STAGE": state["stage"], "AWS_XRAY_SDK_ENABLED": "false"}


def put_transcript(running: dict, number: str, text: str, status: str, confidence: float | None,
                   hint: str | None) -> None:
    args = json.dumps({"number": number, "text": text, "status": status, "confidence": confidence, "hint": hint})
    done = subprocess.run([sys.executable, "-c", _SEED, args], cwd=ROOT, env=_stack_env(running), text=True,
                          capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr


def register_in_console(browser_page: Page, base: str, phone: str, description: str) -> str:
    browser_page.goto(f"{base}/console/index.html#/operator?phone={phone.replace('+', '%2B')}")
    browser_page.select_option("#category", "water")  # the key the caller pressed
    browser_page.fill("#description", description)
    browser_page.click("form.card button.primary >> nth=-1")
    number = browser_page.locator("#new-number").inner_text().strip()
    assert number.startswith("RPR")
    return number


def test_the_operator_reads_corrects_reroutes_and_finds_a_transcript(page, stack):  # noqa: F811
    base = stack["state"]["base_url"]
    sign_in(page, "operator.rpr", "demo-operator")
    number = register_in_console(page, base, "+919812300061", "कॉल पर शिकायत")
    put_transcript(stack, number, SAID, "low_confidence", 0.41, "electricity")

    page.goto(f"{base}/console/index.html#/ticket/{number}")
    transcript = page.locator("#transcript")
    expect(transcript.locator("#transcript-text")).to_have_text(SAID)
    status = transcript.locator("#transcript-status")
    expect(status).to_contain_text("41%")
    expect(status).to_contain_text("कार्रवाई से पहले रिकॉर्डिंग सुनें")  # low confidence: listen before acting
    expect(page.locator("#category-hint")).to_contain_text("बिजली")
    page.screenshot(path=str(SHOTS / "transcript-1-low-confidence-and-hint.png"), full_page=True)

    # The suggestion opens the existing reroute action, filled in; the operator sends it.
    page.click("#apply-hint")
    reroute = page.locator("details[data-action=reroute]")
    expect(reroute).to_have_attribute("open", "")
    expect(reroute.locator("#reroute-category")).to_have_value("electricity")
    reroute.locator("button.primary").click()
    expect(page.locator("#notice.ok")).to_be_visible()
    expect(page.locator("#category-hint")).to_have_count(0)  # the category is now the one the words said
    expect(page.locator("main")).to_contain_text("बिजली")

    # The correction: the machine's text stays readable beneath it, the timeline says who and what.
    page.click("#correct-transcript")
    editor = page.locator("#transcript-editor")
    expect(editor).to_have_value(SAID)
    editor.fill("   ")
    page.click("#save-transcript")
    expect(page.locator("#notice")).to_be_visible()
    expect(page.locator("#notice.ok")).to_have_count(0)  # refused: nothing but spaces
    corrected = "बिजली का खंभा गिर गया है, ट्रांसफार्मर जल गया। गाँव खरोरा, वार्ड 7, सीता बाई"
    editor.fill(corrected)
    page.click("#save-transcript")
    expect(page.locator("#notice.ok")).to_be_visible()
    expect(page.locator("#transcript-text")).to_have_text(corrected)
    expect(page.locator("#transcript-corrected")).to_contain_text("operator.rpr")
    page.click("#transcript details summary")
    expect(page.locator("#machine-text")).to_have_text(SAID)
    entry = page.locator("ol.timeline li").last
    expect(entry).to_contain_text("लिखित रूप सुधारा गया")
    expect(entry.locator("del")).to_have_text(SAID)
    expect(entry.locator("ins")).to_have_text(corrected)
    page.screenshot(path=str(SHOTS / "transcript-2-corrected.png"), full_page=True)

    # The search box over the list: a Latin spelling finds the Hindi words; the row says what was said.
    page.goto(f"{base}/console/index.html#/queue")
    page.fill("#q", "bijli khambha")
    page.click("#search")
    row = page.locator(f"tr[data-number='{number}']")
    expect(row).to_be_visible()
    expect(row.locator("td.said")).to_contain_text("ट्रांसफार्मर जल गया")
    page.fill("#q", "हैंडपंप")
    page.click("#search")
    expect(page.locator(f"tr[data-number='{number}']")).to_have_count(0)
    page.screenshot(path=str(SHOTS / "transcript-3-search.png"), full_page=True)

    page.goto(f"{base}/console/index.html#/ticket/{number}")
    page.click("#lang")
    expect(page.locator("#transcript h3")).to_have_text("Transcript")
    expect(page.locator("ol.timeline li").last).to_contain_text("transcript corrected")


def test_the_department_officer_sees_why_a_transcript_failed(page, stack):  # noqa: F811
    base = stack["state"]["base_url"]
    sign_in(page, "operator.rpr", "demo-operator")
    number = register_in_console(page, base, "+919812300062", "कॉल पर शिकायत")
    put_transcript(stack, number, "", "empty", None, None)
    sign_in(page, "officer.water.l1", "demo-officer")
    page.goto(f"{base}/console/index.html#/ticket/{number}")
    expect(page.locator("#transcript-status")).to_have_attribute("data-status", "empty")
    expect(page.locator("#transcript-status")).to_contain_text("कोई शब्द सुनाई नहीं दिया")
    expect(page.locator("#transcript-text")).to_have_count(0)
    page.click("#correct-transcript")  # the officer listened and writes it down
    page.fill("#transcript-editor", "नल से पानी नहीं आता")
    page.click("#save-transcript")
    expect(page.locator("#transcript-text")).to_have_text("नल से पानी नहीं आता")
    expect(page.locator("#transcript-corrected")).to_contain_text("officer.water.l1")


_FORGET = """
import sys
from chalicelib import wiring
from chalicelib.operations.transcript_retention import forget_transcript

assert forget_transcript(sys.argv[1], wiring.ticket_store(), wiring.search_index(), wiring.directory(),
                         wiring.clock().now())
"""


def test_a_transcript_whose_retention_ran_out_says_so_and_offers_no_editor(page, stack):  # noqa: F811
    base = stack["state"]["base_url"]
    sign_in(page, "operator.rpr", "demo-operator")
    number = register_in_console(page, base, "+919812300064", "कॉल पर शिकायत")
    put_transcript(stack, number, "हैंडपंप खराब है", "done", 0.93, None)
    done = subprocess.run([sys.executable, "-c", _FORGET, number], cwd=ROOT, env=_stack_env(stack), text=True,
                          capture_output=True, timeout=60)  # what the sweeper does when the retention runs out
    assert done.returncode == 0, done.stderr
    page.goto(f"{base}/console/index.html#/ticket/{number}")
    expect(page.locator("#transcript-status")).to_have_attribute("data-status", "deleted")
    expect(page.locator("#transcript-status")).to_contain_text("हटा दिया गया")
    expect(page.locator("#transcript-text")).to_have_count(0)
    expect(page.locator("#correct-transcript")).to_have_count(0)
    expect(page.get_by_text("लिखित रूप हटाया गया")).to_be_visible()
    expect(page.get_by_text("हैंडपंप खराब है")).to_have_count(0)  # neither on the ticket nor in its timeline


def test_a_call_to_the_hotline_shows_its_transcript_on_the_ticket(page, stack):  # noqa: F811
    """The whole pipeline of the local stack: the simulator says the complaint, the recording goes to the
    transcription queue, the stand-in transcribes what was said, the console shows it."""
    said = "हैंडपंप तीन दिन से खराब है, पानी नहीं मिल रहा"
    call = subprocess.run([sys.executable, "manage.py", "call", "--from", "+919812300063", "--script",
                           f"1|1|3|say:{said}"], cwd=ROOT, env=stack["env"], text=True, capture_output=True,
                          timeout=120)
    assert call.returncode == 0, call.stdout + call.stderr
    spoken = re.search(r"R P R, ([\d ]+), ([\d ]+)\.", call.stdout)
    assert spoken, call.stdout
    number = "RPR" + (spoken.group(1) + spoken.group(2)).replace(" ", "")
    sign_in(page, "operator.rpr", "demo-operator")
    page.goto(f"{stack['state']['base_url']}/console/index.html#/ticket/{number}")
    deadline = time.monotonic() + 120
    while True:  # the job is checked 15 s after it starts, then later: reload until its text is on the ticket
        expect(page.locator("#transcript-status")).to_be_visible()
        if page.locator("#transcript-text").count() or time.monotonic() > deadline:
            break
        time.sleep(3)
        page.reload()
    expect(page.locator("#transcript-text")).to_have_text(said)
    expect(page.locator("#transcript-status")).to_have_attribute("data-status", "done")
    expect(page.locator("#play")).to_be_visible()  # beside the recording
    page.screenshot(path=str(SHOTS / "transcript-4-from-a-call.png"), full_page=True)
