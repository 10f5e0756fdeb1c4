"""Forged, retried and malformed webhooks: a clear answer, and nothing lost or written twice."""
from __future__ import annotations

from chalicelib.store.models import TicketModel
from tests.support.fixtures import CALLER, LINE, scan_all, signed_post

RECORD = "/twilio/voice/record/hi/water/1"


def _record_form(call_sid: str = "CA" + "a" * 32, recording_sid: str = "RE" + "b" * 32) -> dict[str, str]:
    return {"AccountSid": "AC" + "1" * 32, "CallSid": call_sid, "From": CALLER, "To": LINE,
            "CallStatus": "in-progress", "RecordingSid": recording_sid, "Digits": "#",
            "RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/AC{'1' * 32}/Recordings/{recording_sid}",
            "RecordingDuration": "14"}


def test_forged_or_missing_signature_is_refused_and_writes_nothing(aws, client):
    form = _record_form()
    for signature in (None, "forged", "dGhpcyBpcyBub3QgYSBzaWduYXR1cmU="):
        response = signed_post(client, RECORD, form, signature=signature)
        assert response.status_code == 403
        assert b"X-Twilio-Signature" in response.body
    for kind in ("tickets", "calls", "outbox", "timeline", "counters", "idempotency"):
        assert scan_all(aws["dynamodb"], kind) == [], kind


def test_a_signature_for_other_fields_is_refused(aws, client):
    from chalicelib import settings
    from chalicelib.telephony.signature import sign

    form = _record_form()
    signature = sign(settings.public_base_url() + RECORD, {**form, "From": "+910000000000"},
                     settings.twilio_auth_token())
    assert signed_post(client, RECORD, form, signature=signature).status_code == 403
    for kind in ("tickets", "calls", "outbox", "timeline", "counters"):
        assert scan_all(aws["dynamodb"], kind) == [], kind


def test_retried_record_webhook_makes_one_ticket_and_one_sms(aws, client, twilio, pump):
    first = signed_post(client, RECORD, _record_form())
    again = signed_post(client, RECORD, _record_form())
    assert first.status_code == again.status_code == 200
    assert first.body == again.body  # the caller hears the same complaint number
    assert len(scan_all(aws["dynamodb"], "tickets")) == 1
    pump.drain_once()
    pump.drain_once()
    assert len(twilio.sms(to=CALLER)) == 1


def test_same_event_delivered_twice_sends_one_sms(aws, client, twilio, app_module):
    from chalicelib import settings
    from chalicelib.local.lambda_events import LambdaContext, sqs_event

    signed_post(client, RECORD, _record_form())
    sqs = aws["sqs"]
    url = sqs.get_queue_url(QueueName=settings.queue_name("notify"))["QueueUrl"]
    [message] = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    duplicate = {**message, "MessageId": message["MessageId"] + "-redelivered"}
    arn = f"arn:aws:sqs:ap-south-1:123456789012:{settings.queue_name('notify')}"
    result = app_module.notifier(sqs_event([message, duplicate], arn, "ap-south-1"), LambdaContext("notifier"))
    assert result == {"batchItemFailures": []}
    app_module.notifier(sqs_event([message], arn, "ap-south-1"), LambdaContext("notifier"))
    assert len(twilio.sms(to=CALLER)) == 1


def test_missing_fields_get_a_spoken_apology_not_a_500(aws, client):
    response = signed_post(client, "/twilio/voice/incoming", {"AccountSid": "AC1", "From": CALLER})
    assert response.status_code == 200
    assert b"<Say" in response.body and "तकनीकी समस्या".encode() in response.body
    assert b"<Hangup" in response.body


def test_a_bad_step_in_the_path_gets_a_spoken_apology(aws, client):
    form = {"CallSid": "CA" + "c" * 32, "From": CALLER, "To": LINE, "Digits": "1"}
    for path in ("/twilio/voice/language/x", "/twilio/voice/category/xx/1", "/twilio/voice/record/hi/nope/1",
                 "/twilio/voice/language/99"):
        response = signed_post(client, path, form)
        assert response.status_code == 200 and b"<Say" in response.body, path
    assert scan_all(aws["dynamodb"], "tickets") == []


def test_a_number_no_district_owns_hears_a_polite_message(aws, client):
    response = signed_post(client, "/twilio/voice/incoming",
                           {"CallSid": "CA" + "d" * 32, "From": CALLER, "To": "+911800000000"})
    assert response.status_code == 200
    assert "किसी ज़िले की शिकायत सेवा से नहीं जुड़ा".encode() in response.body
    assert b"not connected to any district" in response.body


def test_json_instead_of_a_form_is_refused(aws, client):
    response = client.http.post("/twilio/voice/incoming", headers={"Content-Type": "application/json"}, body="{}")
    assert response.status_code == 415


def test_the_recording_callback_before_the_ticket_still_leaves_a_confirmed_call(aws, client):
    form = _record_form()
    status = {"CallSid": form["CallSid"], "RecordingSid": form["RecordingSid"], "RecordingStatus": "completed",
              "RecordingDuration": "14", "AccountSid": form["AccountSid"]}
    assert signed_post(client, "/twilio/voice/recording-status", status).status_code == 200
    signed_post(client, RECORD, form)
    [ticket] = list(TicketModel.scan())
    assert ticket.recording_sid == form["RecordingSid"]


def test_a_retried_call_status_callback_logs_and_counts_the_call_once(aws, client):
    from chalicelib import settings

    form = {"CallSid": "CA" + "e" * 32, "From": CALLER, "To": LINE, "CallStatus": "completed",
            "CallDuration": "42", "Timestamp": "Mon, 23 Nov 2026 05:00:00 +0000"}
    for _ in range(2):
        assert signed_post(client, "/twilio/voice/status", form).status_code == 200
    [line] = aws["dynamodb"].query(TableName=settings.table_name("counters"), KeyConditionExpression="pk = :p",
                                   ExpressionAttributeValues={":p": {"S": f"LINE#{LINE}"}})["Items"]
    assert (line["h10_calls"], line["h10_seconds"], line["h10_answered"]) == ({"N": "1"}, {"N": "42"}, {"N": "1"})
    assert line["sk"] == {"S": "DAY#2026-11-23"}  # the IST day; h10: the IST hour
