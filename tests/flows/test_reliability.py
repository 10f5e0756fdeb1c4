"""Faults between the commit and the SMS: nothing lost, nothing sent twice."""
from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError

from chalicelib import settings, wiring
from chalicelib.domain.clock import FixedClock
from chalicelib.events import aws as aws_clients
from chalicelib.local.lambda_events import scheduled_event
from chalicelib.store.models import OutboxModel, TicketModel
from tests.support.fixtures import queue_bodies, scan_all

SCHEDULE_EVENT = scheduled_event("sweeper", "ap-south-1", "2026-11-22T10:00:00Z")
COMPLAINT = "say:बिजली दो दिन से नहीं है, वार्ड सात, मंदिर हसौद"


def test_event_left_in_the_outbox_when_sqs_fails_is_resent_by_the_sweep(aws, twilio, phone, pump, app_module,
                                                                        monkeypatch):
    real_sqs = aws_clients.sqs()

    class FailingSqs:
        def send_message(self, **kwargs):
            raise ClientError({"Error": {"Code": "ServiceUnavailable", "Message": "injected"}}, "SendMessage")

    monkeypatch.setattr(aws_clients, "sqs", lambda: FailingSqs())
    log = phone(f"1|1|4|{COMPLAINT}")
    assert "आपकी शिकायत दर्ज हो गई है" in log.said[-4]  # the caller still hears the number
    [pending] = list(OutboxModel.by_pending.query("1"))
    assert queue_bodies(aws["sqs"], "notify") == []

    monkeypatch.setattr(aws_clients, "sqs", lambda: real_sqs)
    app_module.sweeper(SCHEDULE_EVENT, None)  # too young: a first send may still be under way
    assert len(list(OutboxModel.by_pending.query("1"))) == 1

    wiring.use_clock(FixedClock(wiring.clock().now() + timedelta(minutes=2)))
    report = app_module.sweeper(SCHEDULE_EVENT, None)
    assert (report["outbox_resent"], report["outbox_failed"]) == (1, 0)
    assert list(OutboxModel.scan()) == []
    pump.drain_once()
    [sms] = twilio.sms(to="+919812345678")
    number = re.search(r"RPR\d+", sms.data["Body"]).group(0)
    assert TicketModel.get(number).caller_phone == sms.data["To"]
    assert pending.body and number in pending.body


@pytest.mark.parametrize("failure", [500, 429, 503])
def test_twilio_error_returns_the_message_to_the_queue_and_the_retry_sends_once(aws, twilio, phone, app_module,
                                                                               failure):
    from chalicelib.local.lambda_events import LambdaContext, sqs_event

    phone(f"1|1|4|{COMPLAINT}")
    sqs = aws["sqs"]
    url = sqs.get_queue_url(QueueName=settings.queue_name("notify"))["QueueUrl"]
    [message] = sqs.receive_message(QueueUrl=url)["Messages"]
    arn = f"arn:aws:sqs:{settings.region()}:123456789012:{settings.queue_name('notify')}"
    twilio.fail_next(failure)
    result = app_module.notifier(sqs_event([message], arn, settings.region()), LambdaContext("notifier"))
    assert result == {"batchItemFailures": [{"itemIdentifier": message["MessageId"]}]}
    # the officer's forward failed first, nothing else was attempted: a refusal (429) frees its claim; a 5xx
    # says nothing of what Twilio did, so the claim is held for the retry to ask Twilio before sending
    held = [c["state"]["S"] for c in scan_all(aws["dynamodb"], "idempotency")
            if c["key"]["S"].startswith("notice#")]
    assert held == ([] if failure < 500 else ["unconfirmed"])

    result = app_module.notifier(sqs_event([message], arn, settings.region()), LambdaContext("notifier"))
    assert result == {"batchItemFailures": []}
    citizen = "+919812345678"
    assert len(twilio.sms(to=citizen)) == 1 and len(twilio.sms()) == 2  # citizen and officer, once each
    app_module.notifier(sqs_event([message], arn, settings.region()), LambdaContext("notifier"))
    assert len(twilio.sms(to=citizen)) == 1 and len(twilio.sms()) == 2


def test_a_poison_message_fails_alone_in_its_batch(aws, twilio, phone, app_module):
    from chalicelib.local.lambda_events import LambdaContext, sqs_event

    phone(f"1|1|4|{COMPLAINT}")
    sqs = aws["sqs"]
    url = sqs.get_queue_url(QueueName=settings.queue_name("notify"))["QueueUrl"]
    [good] = sqs.receive_message(QueueUrl=url)["Messages"]
    poison = {**good, "MessageId": "poison-1", "Body": "not an event"}
    arn = f"arn:aws:sqs:{settings.region()}:123456789012:{settings.queue_name('notify')}"
    result = app_module.notifier(sqs_event([poison, good], arn, settings.region()), LambdaContext("notifier"))
    assert result == {"batchItemFailures": [{"itemIdentifier": "poison-1"}]}
    assert len(twilio.sms(to="+919812345678")) == 1


@pytest.fixture
def serialised_moto(monkeypatch):
    """DynamoDB applies each request atomically; moto's in-memory backend does not lock, so its
    handling of one request is made atomic here. The clients still race: sequence, transaction and
    retries interleave across threads exactly as they would against the real service."""
    from moto.dynamodb.responses import DynamoHandler

    lock = threading.Lock()
    original = DynamoHandler.call_action

    def atomic(self):
        with lock:
            return original(self)

    monkeypatch.setattr(DynamoHandler, "call_action", atomic)


def _workers_complaint(worker: int, n: int):
    """Worker `worker`'s n-th recorded water complaint in Raipur, from a phone of its own."""
    from chalicelib.domain.registration import CallComplaint

    return CallComplaint(call_sid=f"CA{worker:02d}{n:030d}", caller_phone=f"+9198000{worker:05d}",
                         line="+919977222564", language="hi", category_id="water",
                         recording_sid=f"RE{worker:02d}{n:030d}", recording_url="https://x/RE", recording_duration=9)


def test_racing_registrations_never_share_a_complaint_number(aws, serialised_moto):
    from chalicelib.domain.intake import register_call_complaint
    district = wiring.directory().district("RPR")
    store, dispatcher, clock = wiring.ticket_store(), wiring.dispatcher(), wiring.clock()
    numbers: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def caller(worker: int) -> None:
        for n in range(10):
            complaint = _workers_complaint(worker, n)
            try:
                result = register_call_complaint(complaint, district, store, dispatcher, clock)
            except BaseException as error:  # collected: a thread's exception must fail the test
                errors.append(error)
                return
            with lock:
                numbers.append(result.complaint_number)

    threads = [threading.Thread(target=caller, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(numbers) == 80 and len(set(numbers)) == 80
    assert len(scan_all(aws["dynamodb"], "tickets")) == 80


def test_racing_registrations_and_their_replays_leave_the_days_numbers_without_gaps(aws, serialised_moto):
    """Each worker's record action is replayed twice while the others register: a replay gets its first number
    and takes none, so the day's counter ends at the number of tickets and the numbers run 1, 2, … with no gap."""
    from chalicelib.domain.clock import ist_date
    from chalicelib.domain.intake import register_call_complaint
    from chalicelib.store.models import CounterModel

    district = wiring.directory().district("RPR")
    store, dispatcher, clock = wiring.ticket_store(), wiring.dispatcher(), wiring.clock()
    answers: list[tuple[str, str, bool]] = []  # (first number, a replay's number, whether the replay created one)
    errors: list[BaseException] = []
    lock = threading.Lock()

    def caller(worker: int) -> None:
        for n in range(2):
            complaint = _workers_complaint(worker, n)
            try:
                first = register_call_complaint(complaint, district, store, dispatcher, clock)
                replays = [register_call_complaint(complaint, district, store, dispatcher, clock) for _ in range(2)]
            except BaseException as error:  # collected: a thread's exception must fail the test
                errors.append(error)
                return
            with lock:
                answers.extend((first.complaint_number, r.complaint_number, r.created) for r in replays)

    threads = [threading.Thread(target=caller, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(answers) == 16 and all(first == again and not created for first, again, created in answers)
    numbers = sorted({first for first, _, _ in answers})
    assert [int(number[-4:]) for number in numbers] == list(range(1, 9))
    assert len(scan_all(aws["dynamodb"], "tickets")) == 8
    assert CounterModel.get("SEQ#RPR", ist_date(clock.now()), consistent_read=True).value == 8
