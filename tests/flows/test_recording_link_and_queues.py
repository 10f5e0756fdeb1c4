"""The officer's recording link, dead-letter queues and patient retries."""
from __future__ import annotations

import re
import time

import pytest

from chalicelib import recording_links, settings
from chalicelib.events import dlq
from chalicelib.local.lambda_events import LambdaContext, sqs_event
from chalicelib.local.sandbox import Sandbox
from tests.support.fixtures import CALLER

WATER_L1 = "+919000000301"


@pytest.fixture
def sandbox():
    server = Sandbox("127.0.0.1", 0, "AC" + "1" * 32, settings.twilio_auth_token()).start()
    yield server
    server.stop()


@pytest.fixture
def live_recordings(sandbox, recordings, monkeypatch):
    # The simulator's recordings are served over loopback, so the proxy really fetches them.
    monkeypatch.setenv("TWILIO_API_BASE", sandbox.url)  # the sandbox's recordings, and nothing else on loopback
    recordings.base_url = sandbox.url
    sandbox.state.recordings = recordings.recordings
    return recordings


def _link_path(hotline, number: str) -> str:
    """The path of the short link in the officer's forward: /r/<token>."""
    [forward] = hotline.sms_bodies(WATER_L1)
    link = re.search(r"https://hotline\.samvad\.test/api(/r/(\w+))", forward)
    assert link is not None and len(link.group(2)) == recording_links.TOKEN_LENGTH, forward
    return link.group(1)


def _signed_path(number: str, phone: str = WATER_L1, hours: int = 72, now: float | None = None) -> str:
    """A link as forwards carried before the short ones: still opened until it expires."""
    return "/recordings/" + recording_links.token(number, phone, hours=hours, now=now)


@pytest.mark.parametrize("kind", ["short", "signed"])
def test_the_link_plays_the_recording_only_for_its_officer(hotline, live_recordings, kind):
    number = hotline.complaint("3")
    path = _link_path(hotline, number) if kind == "short" else _signed_path(number)
    page = hotline.client.http.get(path)
    assert page.status_code == 200 and b'name="phone"' in page.body and number.encode() in page.body
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    wrong = hotline.client.http.post(path, headers=form, body="phone=9000000302")
    assert wrong.status_code == 403 and b"<audio" not in wrong.body
    right = hotline.client.http.post(path, headers=form, body="phone=090000%2000301")
    assert right.status_code == 200
    assert b'<audio controls autoplay src="data:text/plain;base64,' in right.body
    assert b"sandbox" not in right.body and b"/recordings/RE" not in right.body  # no Twilio URL shown


def test_a_tampered_unknown_or_expired_link_is_refused(hotline):
    number = hotline.complaint("3")
    path = _link_path(hotline, number)
    assert hotline.client.http.get(path[:-2] + ("xx" if not path.endswith("xx") else "yy")).status_code == 403
    assert hotline.client.http.get("/r/" + "A" * recording_links.TOKEN_LENGTH).status_code == 403
    expired = recording_links.short_token(number, WATER_L1, hours=1, now=time.time() - 7200)
    assert hotline.client.http.get(f"/r/{expired}").status_code == 410
    payload, mac = recording_links.token(number, WATER_L1, hours=72).split(".")
    assert hotline.client.http.get(f"/recordings/{payload}.{mac[:-2]}xx").status_code == 403
    assert hotline.client.http.get(_signed_path(number, hours=1, now=time.time() - 7200)).status_code == 410


def test_the_short_token_is_not_kept_in_the_table(hotline):
    from chalicelib.store.models import ShortLinkModel

    number = hotline.complaint("3")
    token = _link_path(hotline, number).removeprefix("/r/")
    [item] = [i for i in ShortLinkModel.scan() if i.complaint_number == number]
    assert token not in item.key and item.phone == WATER_L1
    assert item.link_expires_at - time.time() == pytest.approx(72 * 3600, abs=600)  # follow_up.recording_link_hours


def test_a_message_failing_every_time_ends_in_the_dlq_and_is_redriven(aws, app_module):
    sqs = aws["sqs"]
    url = sqs.get_queue_url(QueueName=settings.queue_name("notify"))["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "0"})
    sqs.send_message(QueueUrl=url, MessageBody='{"type": "ticket.created", "complaint_number": "RPR1"}')
    arn = f"arn:aws:sqs:{settings.region()}:123456789012:{settings.queue_name('notify')}"
    for _ in range(6):  # maxReceiveCount is 5 in infra/resources.json
        messages = sqs.receive_message(QueueUrl=url, AttributeNames=["All"]).get("Messages", [])
        if messages:
            result = app_module.notifier(sqs_event(messages, arn, settings.region()), LambdaContext("notifier"))
            assert len(result["batchItemFailures"]) == 1
            sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"],
                                          VisibilityTimeout=0)  # skip the back-off wait in the test
    [letter] = dlq.peek("notify")
    assert (letter.event_type, letter.complaint_number) == ("ticket.created", "RPR1")
    progress = []
    assert dlq.redrive("notify", lambda n, total: progress.append((n, total))) == 1
    assert progress == [(1, 1)]
    assert len(sqs.receive_message(QueueUrl=url).get("Messages", [])) == 1


def test_a_failed_message_waits_longer_each_time(aws, app_module, twilio, hotline):
    hotline.phone("1|1|3|say:बिजली नहीं है")
    sqs = aws["sqs"]
    url = sqs.get_queue_url(QueueName=settings.queue_name("notify"))["QueueUrl"]
    [message] = sqs.receive_message(QueueUrl=url, AttributeNames=["All"])["Messages"]
    arn = f"arn:aws:sqs:{settings.region()}:123456789012:{settings.queue_name('notify')}"
    twilio.fail_next(503)
    app_module.notifier(sqs_event([message], arn, settings.region()), LambdaContext("notifier"))
    # backed off: not visible again at once, although the queue's timeout was not involved
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "0"})
    assert sqs.receive_message(QueueUrl=url).get("Messages", []) == []


def test_the_feedback_call_is_retried_after_a_twilio_error_and_placed_once(hotline, twilio, aws, monkeypatch):
    from chalicelib.handlers import queue_batch

    number = hotline.complaint("3")
    hotline.text(WATER_L1, f"DONE {number} fixed")
    # Redeliver at once instead of after the back-off (tested above), so the retry happens in the test.
    monkeypatch.setattr(queue_batch, "back_off", lambda raw: None)
    url = aws["sqs"].get_queue_url(QueueName=settings.queue_name("followup"))["QueueUrl"]
    aws["sqs"].set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "0"})
    twilio.fail_next(500)
    hotline.advance(minutes=1)
    [failed, placed] = [r for r in twilio.requests if r.method == "POST" and r.url.endswith("/Calls.json")]
    assert failed.data == placed.data and placed.data["To"] == CALLER
    assert len(twilio.calls(to=CALLER)) == 1
    hotline.deliver()
    assert len(twilio.calls(to=CALLER)) == 1


def test_a_link_with_characters_no_token_has_gets_the_page_not_an_error(hotline):
    number = hotline.complaint("3")
    payload, _mac = recording_links.token(number, WATER_L1, hours=72).split(".")
    short = _link_path(hotline, number)
    for path in (f"/recordings/{payload}.{'é' * 24}", f"/recordings/{payload}.%C3%A9%C3%A9",
                 "/recordings/%E0%A4%95.%E0%A4%95", f"{short[:-1]}é", "/r/%E0%A4%95%E0%A4%95"):
        page = hotline.client.http.get(path)
        assert page.status_code in (400, 403), (path, page.status_code)
        assert "यह लिंक सही नहीं है / This link is not valid." in page.body.decode()


def test_the_officer_may_type_any_e164_number_or_a_ten_digit_indian_one(hotline, live_recordings):
    number = hotline.complaint("3")
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    indian = _link_path(hotline, number)
    for typed in ("9000000301", "%2B91%2090000%2000301", "91-90000-00301", "%E0%A5%AF000000301"):  # ९ = 9
        assert hotline.client.http.post(indian, headers=form, body=f"phone={typed}").status_code == 200
    foreign = recording_links.short_token(number, "+14155550123", hours=1)
    assert hotline.client.http.post(f"/r/{foreign}", headers=form,
                                    body="phone=%2B1%20415%20555%200123").status_code == 200
    assert hotline.client.http.post(f"/r/{foreign}", headers=form,
                                    body="phone=4155550123").status_code == 403  # read as +91 4155550123


def test_twilio_failing_to_hand_over_the_recording_gets_a_page_that_says_so(hotline, live_recordings, sandbox):
    number = hotline.complaint("3")
    path = _link_path(hotline, number)
    sandbox.state.recordings.clear()  # Twilio answers 404 (or fails) for the recording
    page = hotline.client.http.post(path, headers={
        "Content-Type": "application/x-www-form-urlencoded"}, body="phone=9000000301")
    assert page.status_code == 502 and b"<audio" not in page.body
    assert "The recording could not be fetched just now" in page.body.decode() and b'name="phone"' in page.body


def test_a_recording_too_large_for_a_lambda_response_gets_a_page_that_says_so(hotline, live_recordings,
                                                                             monkeypatch):
    from chalicelib.handlers import recordings

    number = hotline.complaint("3")
    path = _link_path(hotline, number)
    monkeypatch.setattr(recordings, "MAX_AUDIO_BYTES", 8)  # the sandbox's recording stands in for a long one
    page = hotline.client.http.post(path, headers={
        "Content-Type": "application/x-www-form-urlencoded"}, body="phone=9000000301")
    assert page.status_code == 502 and b"<audio" not in page.body
    assert "The recording is too large to play here" in page.body.decode()
