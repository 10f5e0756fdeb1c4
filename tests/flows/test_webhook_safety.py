"""Forged, retried and malformed webhooks: a clear answer, and nothing lost or written twice — on each carrier,
in its own field names and signature (tests/support/carrier_webhooks.py)."""
from __future__ import annotations

import pytest

from chalicelib.store.models import TicketModel
from tests.support.carrier_webhooks import CarrierWebhooks
from tests.support.fixtures import CALLER, CARRIERS, LINE, scan_all

pytestmark = pytest.mark.parametrize("demo_carrier", CARRIERS, indirect=True)

RECORD = "/voice/record/hi/water/1"
SIGNATURE_HEADER = {"twilio": b"X-Twilio-Signature", "plivo": b"X-Plivo-Signature-V3"}


def _record_form(webhooks: CarrierWebhooks, call: str = "a", recording: str = "b") -> dict[str, str]:
    call_sid, recording_sid = webhooks.call_sid(call), webhooks.recording_sid(recording)
    return {"AccountSid": "AC" + "1" * 32, "CallSid": call_sid, "From": CALLER, "To": LINE,
            "CallStatus": "in-progress", "RecordingSid": recording_sid, "Digits": "#",
            "RecordingUrl": webhooks.recording_url(recording_sid), "RecordingDuration": "14"}


def test_forged_or_missing_signature_is_refused_and_writes_nothing(aws, webhooks, demo_carrier):
    form = _record_form(webhooks)
    for signature in (None, "forged", "dGhpcyBpcyBub3QgYSBzaWduYXR1cmU="):
        response = webhooks.post(RECORD, form, signature=signature)
        assert response.status_code == 403
        assert SIGNATURE_HEADER[demo_carrier] in response.body
    for kind in ("tickets", "calls", "outbox", "timeline", "counters", "idempotency"):
        assert scan_all(aws["dynamodb"], kind) == [], kind


def test_a_signature_for_other_fields_is_refused(aws, webhooks):
    form = _record_form(webhooks)
    signature, nonce = webhooks.signed_with_nonce(RECORD, {**form, "From": "+910000000000"})
    assert webhooks.post(RECORD, form, signature=signature, nonce=nonce).status_code == 403
    for kind in ("tickets", "calls", "outbox", "timeline", "counters"):
        assert scan_all(aws["dynamodb"], kind) == [], kind


def test_a_true_signature_at_another_step_is_refused(aws, webhooks):
    form = _record_form(webhooks)
    signature, nonce = webhooks.signed_with_nonce("/voice/record/hi/water/2", form)  # replayed at another URL
    assert webhooks.post(RECORD, form, signature=signature, nonce=nonce).status_code == 403
    assert scan_all(aws["dynamodb"], "tickets") == []


def test_retried_record_webhook_makes_one_ticket_and_one_sms(aws, webhooks, carrier_out, pump):
    first = webhooks.post(RECORD, _record_form(webhooks))
    again = webhooks.post(RECORD, _record_form(webhooks))
    assert first.status_code == again.status_code == 200
    assert first.body == again.body  # the caller hears the same complaint number
    assert len(scan_all(aws["dynamodb"], "tickets")) == 1
    pump.drain_once()
    pump.drain_once()
    assert len(carrier_out.sms(to=CALLER)) == 1


def test_a_retried_recording_callback_leaves_one_ticket_and_one_sms(aws, webhooks, carrier_out, pump):
    form = _record_form(webhooks)
    status = {"CallSid": form["CallSid"], "RecordingSid": form["RecordingSid"], "RecordingStatus": "completed",
              "RecordingUrl": form["RecordingUrl"], "RecordingDuration": "14", "AccountSid": form["AccountSid"]}
    assert webhooks.post(RECORD, form).status_code == 200
    for _ in range(2):  # the carrier repeats a callback it thinks we missed
        assert webhooks.post("/voice/recording-status", status).status_code == 200
    pump.drain_once()
    pump.drain_once()
    [ticket] = list(TicketModel.scan())
    assert ticket.recording_confirmed and ticket.recording_sid == form["RecordingSid"]
    assert len(carrier_out.sms(to=CALLER)) == 1


def test_same_event_delivered_twice_sends_one_sms(aws, webhooks, carrier_out, app_module):
    from chalicelib import settings
    from chalicelib.local.lambda_events import LambdaContext, sqs_event

    webhooks.post(RECORD, _record_form(webhooks))
    sqs = aws["sqs"]
    url = sqs.get_queue_url(QueueName=settings.queue_name("notify"))["QueueUrl"]
    [message] = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    duplicate = {**message, "MessageId": message["MessageId"] + "-redelivered"}
    arn = f"arn:aws:sqs:ap-south-1:123456789012:{settings.queue_name('notify')}"
    result = app_module.notifier(sqs_event([message, duplicate], arn, "ap-south-1"), LambdaContext("notifier"))
    assert result == {"batchItemFailures": []}
    app_module.notifier(sqs_event([message], arn, "ap-south-1"), LambdaContext("notifier"))
    assert len(carrier_out.sms(to=CALLER)) == 1


SPOKEN = {"twilio": (b"<Say", b"<Hangup"), "plivo": (b"<Speak", b"<Hangup")}


def test_missing_fields_get_a_spoken_apology_not_a_500(aws, webhooks, demo_carrier):
    response = webhooks.post("/voice/incoming", {"AccountSid": "AC1", "From": CALLER})
    assert response.status_code == 200
    speak, hang_up = SPOKEN[demo_carrier]
    assert speak in response.body and "तकनीकी समस्या".encode() in response.body
    assert hang_up in response.body


def test_malformed_recording_fields_get_spoken_xml_not_a_500(aws, webhooks, demo_carrier):
    form = {**_record_form(webhooks), "RecordingDuration": "fourteen", "RecordingUrl": "not a url"}
    response = webhooks.post(RECORD, form)
    assert response.status_code == 200
    assert SPOKEN[demo_carrier][0] in response.body, response.body


def test_a_bad_step_in_the_path_gets_a_spoken_apology(aws, webhooks, demo_carrier):
    form = {"CallSid": webhooks.call_sid("c"), "From": CALLER, "To": LINE, "Digits": "1"}
    for path in ("/voice/language/x", "/voice/category/xx/1", "/voice/record/hi/nope/1", "/voice/language/99"):
        response = webhooks.post(path, form)
        assert response.status_code == 200 and SPOKEN[demo_carrier][0] in response.body, path
    assert scan_all(aws["dynamodb"], "tickets") == []


def test_a_number_no_district_owns_hears_a_polite_message(aws, webhooks):
    response = webhooks.post("/voice/incoming", {"CallSid": webhooks.call_sid("d"), "From": CALLER,
                                                 "To": "+911800000000"})
    assert response.status_code == 200
    assert "किसी ज़िले की शिकायत सेवा से नहीं जुड़ा".encode() in response.body
    assert b"not connected to any district" in response.body


def test_json_instead_of_a_form_is_refused(aws, client, demo_carrier):
    response = client.http.post(f"/{demo_carrier}/voice/incoming", headers={"Content-Type": "application/json"},
                                body="{}")
    assert response.status_code == 415


def test_the_recording_callback_before_the_ticket_still_leaves_a_confirmed_call(aws, webhooks):
    form = _record_form(webhooks)
    status = {"CallSid": form["CallSid"], "RecordingSid": form["RecordingSid"], "RecordingStatus": "completed",
              "RecordingUrl": form["RecordingUrl"], "RecordingDuration": "14", "AccountSid": form["AccountSid"]}
    assert webhooks.post("/voice/recording-status", status).status_code == 200
    webhooks.post(RECORD, form)
    [ticket] = list(TicketModel.scan())
    assert ticket.recording_sid == form["RecordingSid"]


def test_a_retried_call_status_callback_logs_and_counts_the_call_once(aws, webhooks):
    from chalicelib import settings

    form = {"CallSid": webhooks.call_sid("e"), "From": CALLER, "To": LINE, "CallStatus": "completed",
            "CallDuration": "42", "Timestamp": "Mon, 23 Nov 2026 05:00:00 +0000"}
    for _ in range(2):
        assert webhooks.post("/voice/status", form).status_code == 200
    [line] = aws["dynamodb"].query(TableName=settings.table_name("counters"), KeyConditionExpression="pk = :p",
                                   ExpressionAttributeValues={":p": {"S": f"LINE#{LINE}"}})["Items"]
    assert (line["h10_calls"], line["h10_seconds"], line["h10_answered"]) == ({"N": "1"}, {"N": "42"}, {"N": "1"})
    assert line["sk"] == {"S": "DAY#2026-11-23"}  # the IST day; h10: the IST hour
