"""A slow carrier: Twilio takes the message (or the call) but answers after the client's timeout.

The notifier and the follow-up consumer run for real, fed through SQS; the real twilio.rest.Client talks
to the recording carrier, which keeps what it took and answers the Messages and Calls lists from it.
"""
from __future__ import annotations

import pytest

from chalicelib import settings
from chalicelib.domain.events import DomainEvent
from tests.support.fixtures import CALLER
from tests.support.stack_process import free_port_in

pytestmark = pytest.mark.alone  # timed against real sockets: not beside another worker

# Eight officers of the demo district, by department and level; health L1 is on WhatsApp.
OFFICERS = {("health", "L1"): "+919000000101", ("food", "L1"): "+919000000201", ("water", "L1"): "+919000000301",
            ("electricity", "L1"): "+919000000401", ("revenue", "L1"): "+919000000501",
            ("police", "L1"): "+919000000601", ("other", "L1"): "+919000000701", ("water", "L2"): "+919000000302"}
DEPARTMENT = {"other": "general"}


@pytest.fixture
def retried_at_once(aws, monkeypatch):
    """Failed messages come back at once instead of after the back-off, so the retry happens in the test."""
    from chalicelib.handlers import queue_batch

    monkeypatch.setattr(queue_batch, "back_off", lambda raw: None)
    for kind in ("notify", "followup"):
        url = aws["sqs"].get_queue_url(QueueName=settings.queue_name(kind))["QueueUrl"]
        aws["sqs"].set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "0"})


def _forward(aws, category: str, level: str, n: int) -> None:
    event = DomainEvent(type="ticket.transferred", complaint_number=f"RPR261203{n:04d}", version=2,
                        at="2026-12-03T06:00:00Z", data={
                            "district": "RPR", "department": DEPARTMENT.get(category, category), "level": level,
                            "category": category, "level_due_at": "2026-12-06T06:00:00Z", "has_recording": False,
                            "caller_name": "-"})
    url = aws["sqs"].get_queue_url(QueueName=settings.queue_name("notify"))["QueueUrl"]
    aws["sqs"].send_message(QueueUrl=url, MessageBody=event.to_json())


def _received(twilio, phone: str) -> int:
    return len(twilio.sms(to=phone)) + len(twilio.sms(to=f"whatsapp:{phone}"))


def test_eight_forwards_answered_after_the_timeout_reach_each_officer_once(hotline, twilio, aws, retried_at_once):
    for n, (category, level) in enumerate(OFFICERS, 1):
        _forward(aws, category, level, n)
    twilio.answer_late(len(OFFICERS))  # every first send is taken, and its answer comes too late
    hotline.deliver()
    received = {phone: _received(twilio, phone) for phone in OFFICERS.values()}
    assert received == {phone: 1 for phone in OFFICERS.values()}
    assert twilio.late == []  # each of the eight did time out
    # The retry asked the carrier (one Messages list each) instead of sending again.
    assert len(twilio.reads("/Messages.json")) == len(OFFICERS)


def test_a_forward_refused_outright_is_sent_again_on_the_retry(hotline, twilio, aws, retried_at_once):
    _forward(aws, "water", "L1", 1)
    twilio.fail_next(400)  # Twilio's 4xx with its error code: not sent
    hotline.deliver()
    assert _received(twilio, OFFICERS[("water", "L1")]) == 1
    assert twilio.reads("/Messages.json") == []  # nothing to ask: the refusal was definite


def test_a_retry_that_finds_nothing_at_the_carrier_sends_once_more(hotline, twilio, aws, retried_at_once):
    _forward(aws, "water", "L1", 1)
    twilio.fail_next(502)  # a proxy's 502: Twilio may or may not have the message; here it has not
    hotline.deliver()
    [listing] = twilio.reads("/Messages.json")
    assert listing.params["To"] == OFFICERS[("water", "L1")] and listing.params["From"] == "+919977222500"
    assert _received(twilio, OFFICERS[("water", "L1")]) == 1


def test_the_feedback_call_answered_after_the_timeout_rings_the_citizen_once(hotline, twilio, retried_at_once):
    number = hotline.complaint("3")
    hotline.text(OFFICERS[("water", "L1")], f"DONE {number} fixed")
    twilio.answer_late(1, to=CALLER)
    hotline.advance(minutes=1)
    assert twilio.late == []
    assert len(twilio.calls(to=CALLER)) == 1
    [listing] = twilio.reads("/Calls.json")
    assert listing.params["To"] == CALLER
    hotline.deliver()
    assert len(twilio.calls(to=CALLER)) == 1


def test_a_callback_placed_without_an_answer_is_not_placed_again_at_the_next_try(hotline, twilio):
    caller, missed_line = "+919811100077", "+919977222600"  # the demo's missed-call hotline
    hotline.phone("", caller=caller, line=missed_line)
    twilio.answer_late(1, to=caller)
    report = hotline.advance(seconds=30)
    assert (report["callbacks_placed"], report["callbacks_failed"]) == (0, 1) and twilio.late == []
    hotline.advance(minutes=10)  # the demo's retry_minutes: a refused try would go again now
    assert len(twilio.calls(to=caller)) == 1
    hotline.answer_feedback_call("1|1|3|say:बिजली नहीं है")  # the call did ring: the citizen takes it
    hotline.advance(minutes=30)
    assert len(twilio.calls(to=caller)) == 1


def _free_port() -> int:
    return free_port_in(18600, 18699)


@pytest.fixture
def sandbox(monkeypatch):
    """The local stack's Twilio sandbox on loopback, the app's Twilio adapter pointed at it."""
    from chalicelib.local.sandbox import Sandbox
    from chalicelib.telephony import rest

    box = Sandbox("127.0.0.1", _free_port(), settings.twilio_account_sid(), settings.twilio_auth_token()).start()
    monkeypatch.setenv("TWILIO_API_BASE", box.url)
    rest.use_http_client(None)
    yield box
    rest.use_http_client(None)
    box.stop()


def test_the_sandbox_lists_messages_as_twilio_filters_them_and_find_sent_reads_it(sandbox):
    from datetime import UTC, datetime, timedelta

    from chalicelib.domain.clock import iso
    from chalicelib.domain.ports import Attempt
    from chalicelib.telephony import rest

    officer, sender, body = "+919000000301", "+919977222500", "शिकायत RPR2612030001 आपको सौंपी गई"
    at = iso(datetime.now(UTC) - timedelta(seconds=1))
    messaging = rest.TwilioMessaging()
    sms = messaging.send_sms(officer, body, sender)
    messaging.send_sms("+919000000302", body, sender)
    whatsapp = messaging.send_whatsapp(officer, "whatsapp:+919977222500", "HX1", {"1": "RPR2612030001", "2": "-"})
    client = rest.client()
    assert [m.sid for m in client.messages.list(to=officer, from_=sender)] == [sms]
    # Still queued (no status callback has moved them on here): no date_sent yet, so a DateSent filter
    # leaves them out, as Twilio does; the lookup does not filter by DateSent for that reason.
    assert client.messages.list(to=officer, date_sent_after=datetime.now(UTC) - timedelta(days=1)) == []
    sandbox.state.messages[0]["status"] = "delivered"
    assert [m.sid for m in client.messages.list(to=officer, date_sent_after=datetime.now(UTC))] == [sms]
    assert client.messages.list(to=officer, date_sent_after=datetime.now(UTC) + timedelta(days=1)) == []

    assert messaging.find_sent(Attempt("sms", officer, sender, body, at)) == sms
    assert messaging.find_sent(Attempt("sms", officer, sender, body + " (another)", at)) is None
    later = iso(datetime.now(UTC) + timedelta(minutes=10))
    assert messaging.find_sent(Attempt("sms", officer, sender, body, later)) is None  # sent before the attempt
    template = '{"content_sid": "HX1", "variables": {"1": "RPR2612030001", "2": "-"}}'
    assert messaging.find_sent(Attempt("whatsapp", officer, "whatsapp:+919977222500", template, at)) == whatsapp
    other = template.replace("0001", "0002")  # the officer's message for another ticket is not this one
    assert messaging.find_sent(Attempt("whatsapp", officer, "whatsapp:+919977222500", other, at)) is None


def test_a_busy_officers_message_is_found_behind_many_newer_ones(sandbox):
    """The retry comes after the back-off, and the water officer may have had dozens of forwards since: the
    lookup reads back to the attempt's time, page by page, not only the newest few."""
    from datetime import UTC, datetime, timedelta

    from chalicelib.domain.clock import iso
    from chalicelib.domain.ports import Attempt
    from chalicelib.telephony import rest

    officer, sender = "+919000000301", "+919977222500"
    at = iso(datetime.now(UTC) - timedelta(seconds=1))
    messaging = rest.TwilioMessaging()
    first = messaging.send_sms(officer, "शिकायत RPR2612030001 आपको सौंपी गई", sender)
    for n in range(2, 140):  # the forwards that went out before the retry
        messaging.send_sms(officer, f"शिकायत RPR261203{n:04d} आपको सौंपी गई", sender)
    from email.utils import format_datetime

    for n, record in enumerate(sandbox.state.messages):  # a second apart, as a day's forwards are
        record["date_created"] = format_datetime(datetime.now(UTC) + timedelta(seconds=n))
    newest = rest.client().messages.list(to=officer, from_=sender, limit=100)
    assert first not in {m.sid for m in newest}  # not among the newest hundred: on the second page
    assert messaging.find_sent(Attempt("sms", officer, sender, "शिकायत RPR2612030001 आपको सौंपी गई", at)) == first


def test_the_sandbox_lists_the_calls_placed_and_find_call_reads_it(sandbox):
    from datetime import UTC, datetime, timedelta

    from chalicelib.domain.clock import iso
    from chalicelib.domain.ports import Attempt
    from chalicelib.telephony import rest

    at = iso(datetime.now(UTC) - timedelta(seconds=1))
    calls = rest.TwilioCalls()
    sid = calls.place_call(CALLER, "+919977222564", "/twilio/voice/feedback/RPR1/0",
                           "/twilio/voice/feedback-status/RPR1")
    assert calls.find_call(Attempt("call", CALLER, "+919977222564", "/twilio/voice/feedback/RPR1/0", at)) == sid
    assert calls.find_call(Attempt("call", CALLER, "+919977222600", "/twilio/voice/callback/CA1", at)) is None


def test_a_consumer_killed_while_twilio_answers_leaves_its_claim_to_be_checked_not_resent(hotline, twilio, aws,
                                                                                          app_module, retried_at_once):
    from datetime import UTC, datetime, timedelta

    from chalicelib.domain.clock import iso
    from chalicelib.local.lambda_events import LambdaContext, sqs_event
    from chalicelib.store.models import ClaimModel
    from tests.support.twilio_recorder import ConsumerKilled

    officer = OFFICERS[("water", "L1")]
    _forward(aws, "water", "L1", 1)
    url = aws["sqs"].get_queue_url(QueueName=settings.queue_name("notify"))["QueueUrl"]
    messages = aws["sqs"].receive_message(QueueUrl=url, AttributeNames=["All"])["Messages"]
    arn = f"arn:aws:sqs:{settings.region()}:123456789012:{settings.queue_name('notify')}"
    twilio.kill_consumer_after_taking(1)
    with pytest.raises(ConsumerKilled):
        app_module.notifier(sqs_event(messages, arn, settings.region()), LambdaContext("notifier"))
    assert _received(twilio, officer) == 1
    [claim] = list(ClaimModel.scan())  # never released nor held: its consumer died
    # The message comes back once the dead consumer's visibility timeout is over, after the claim's lease.
    claim.update(actions=[ClaimModel.claimed_at.set(iso(datetime.now(UTC) - timedelta(minutes=6)))])
    hotline.deliver()
    assert _received(twilio, officer) == 1
    assert len(twilio.reads("/Messages.json")) == 1
