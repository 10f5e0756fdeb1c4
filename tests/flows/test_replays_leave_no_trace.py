"""Replays leave no trace: a replayed record action, chat registration, console retry or delivery status writes
nothing, and a day's complaint numbers have no gaps (an auditor reads a gap as a deleted complaint)."""
from __future__ import annotations

from typing import Any

from chalicelib.domain.clock import ist_date
from chalicelib.store.models import CounterModel, TicketModel, TimelineModel
from tests.flows.test_chat_intake import CITIZEN_WA, NEIGHBOUR, WHATSAPP_SENDER, _number
from tests.support.fixtures import CALLER, LINE, scan_all, signed_post

RECORD = "/twilio/voice/record/hi/water/1"
ACCOUNT = "AC" + "1" * 32
WATER_L1 = "+919000000301"


def _record_form(n: int, caller: str = CALLER) -> dict[str, str]:
    call_sid, recording_sid = f"CA{n:032d}", f"RE{n:032d}"
    return {"AccountSid": ACCOUNT, "CallSid": call_sid, "From": caller, "To": LINE, "CallStatus": "in-progress",
            "RecordingSid": recording_sid, "Digits": "#", "RecordingDuration": "14",
            "RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/{recording_sid}"}


def days_counter(clock: Any) -> int:
    return int(CounterModel.get("SEQ#RPR", ist_date(clock.now()), consistent_read=True).value)


def sequences(aws: Any) -> list[int]:
    """The day's complaint numbers' sequences, as the tickets table holds them."""
    return sorted(int(item["complaint_number"]["S"][9:]) for item in scan_all(aws["dynamodb"], "tickets"))


def test_replayed_record_actions_take_no_complaint_number(aws, client, clock):
    spoken = []
    for n in (1, 2):
        spoken.append(signed_post(client, RECORD, _record_form(n)).body)
        for _ in range(3 if n == 1 else 0):  # Twilio repeats the action it thinks we missed
            assert signed_post(client, RECORD, _record_form(n)).body == spoken[0]
    assert signed_post(client, RECORD, _record_form(2)).body == spoken[1]
    assert days_counter(clock) == 2
    assert sequences(aws) == [1, 2]
    third = signed_post(client, RECORD, _record_form(3))
    assert third.status_code == 200
    assert days_counter(clock) == 3 and sequences(aws) == [1, 2, 3]


def test_a_caller_refused_over_the_daily_cap_takes_no_complaint_number(aws, client, clock):
    for n in range(1, 7):  # the demo district's cap is 5 a day: the sixth is refused at the write
        assert signed_post(client, RECORD, _record_form(n)).status_code == 200
    assert days_counter(clock) == 5 and sequences(aws) == [1, 2, 3, 4, 5]
    signed_post(client, RECORD, _record_form(7, caller=NEIGHBOUR))
    assert days_counter(clock) == 6 and sequences(aws) == [1, 2, 3, 4, 5, 6]


def test_a_replayed_chat_registration_takes_no_complaint_number(hotline, aws):
    """The ticket was written but the conversation's save was lost: Twilio's retry reaches the registration
    again, which answers with the first number and moves no counter."""
    for body in ("नमस्ते", "3", "पानी नहीं आ रहा", "रामू", "वार्ड 7"):
        hotline.text(CITIZEN_WA, body, to=WHATSAPP_SENDER)
    key = {"key": {"S": f"RPR#{CALLER}#whatsapp"}}
    before = aws["dynamodb"].get_item(TableName="samvad-test-conversations", Key=key)["Item"]
    done = hotline.text(CITIZEN_WA, "2", to=WHATSAPP_SENDER, sid="SMlast")  # the WhatsApp question's answer
    for _ in range(2):
        aws["dynamodb"].put_item(TableName="samvad-test-conversations", Item=before)
        assert hotline.text(CITIZEN_WA, "2", to=WHATSAPP_SENDER, sid="SMlast") == done
    assert days_counter(hotline.clock) == 1
    for body in ("नमस्ते", "3", "बिजली नहीं है", "श्यामू", "वार्ड 8", "2"):
        reply = hotline.text(f"whatsapp:{NEIGHBOUR}", body, to=WHATSAPP_SENDER)
    assert _number(reply) == _number(done)[:-4] + "0002"
    assert days_counter(hotline.clock) == 2 and sequences(aws) == [1, 2]


def test_a_console_registration_retried_with_its_call_sid_takes_no_complaint_number(api, aws, clock):
    body = {"caller_phone": CALLER, "category": "water", "description": "हैंडपंप खराब है",
            "call_sid": "CA" + "5" * 32}
    first = api.post("operator.rpr", "/api/tickets", body)
    assert first.status_code == 201, first.body
    for _ in range(3):
        again = api.post("operator.rpr", "/api/tickets", body)
        assert (again.status_code, again.json["error"]["code"]) == (409, "call_has_ticket")
    assert days_counter(clock) == 1
    walk_in = api.post("operator.rpr", "/api/tickets", {k: v for k, v in body.items() if k != "call_sid"})
    assert walk_in.status_code == 201, walk_in.body
    assert walk_in.json["complaint_number"] == first.json["complaint_number"][:-4] + "0002"
    assert sequences(aws) == [1, 2]


def _status(hotline: Any, number: str, sid: str, status: str, to: str = WATER_L1) -> None:
    form = {"MessageSid": sid, "MessageStatus": status, "To": to, "AccountSid": ACCOUNT}
    assert signed_post(hotline.client, f"/twilio/messaging/status/{number}", form).status_code == 200


def test_a_replayed_delivery_status_adds_one_timeline_entry(hotline):
    number = hotline.complaint("3")
    version = TicketModel.get(number).version
    for status in ("sent", "delivered", "delivered", "sent", "delivered"):
        _status(hotline, number, "SMforward", status)
    _status(hotline, number, "SMreminder", "delivered")  # another message's status is its own entry
    delivery = [(e.action, e.detail["message_sid"]) for e in TimelineModel.query(number)
                if e.action.startswith("message_")]
    assert sorted(delivery) == [("message_delivered", "SMforward"), ("message_delivered", "SMreminder"),
                                ("message_sent", "SMforward")]
    assert TicketModel.get(number).version == version  # a delivery status changes nothing on the ticket


def test_a_replayed_whatsapp_bounce_is_one_entry_per_status_and_one_fallback_sms(hotline):
    health_l1 = "+919000000101"
    number = hotline.complaint("1")  # health: its L1 officer is on WhatsApp
    for status in ("failed", "undelivered", "failed", "undelivered"):
        _status(hotline, number, "SMforward", status, to=f"whatsapp:{health_l1}")
        hotline.deliver()
    actions = [e.action for e in TimelineModel.query(number) if e.action.startswith("message_")]
    assert sorted(actions) == ["message_failed", "message_undelivered"]
    assert len(hotline.sms_bodies(health_l1)) == 1


def test_a_replayed_feedback_call_status_adds_one_timeline_entry(hotline):
    number = hotline.complaint("3")
    path = f"/twilio/voice/feedback-status/{number}"
    for status in ("no-answer", "no-answer", "completed", "no-answer", "completed"):
        form = {"CallSid": "CA" + "f" * 32, "CallStatus": status, "CallDuration": "0", "AccountSid": ACCOUNT}
        assert signed_post(hotline.client, path, form).status_code == 200
    other = {"CallSid": "CA" + "e" * 32, "CallStatus": "no-answer", "CallDuration": "0", "AccountSid": ACCOUNT}
    assert signed_post(hotline.client, path, other).status_code == 200  # the next call's status is its own
    calls = sorted((e.action, e.detail["call_sid"][-1]) for e in TimelineModel.query(number)
                   if e.action.startswith("feedback_call_"))
    assert calls == [("feedback_call_completed", "f"), ("feedback_call_no-answer", "e"),
                     ("feedback_call_no-answer", "f")]


def test_taking_a_number_outright_rides_out_dynamodbs_transaction_conflict(aws, monkeypatch):
    """Real DynamoDB refuses a single write to an item a transaction is writing (moto never does): the outright
    take waits and goes again instead of failing the caller's registration."""
    from botocore.exceptions import ClientError
    from pynamodb.exceptions import UpdateError

    from chalicelib.store.tickets import DynamoTicketStore

    real_update, refused = CounterModel.update, []

    def busy_once(self, *args, **kwargs):
        if not refused:
            refused.append(True)
            conflict = ClientError({"Error": {"Code": "TransactionConflictException", "Message": "busy"}},
                                   "UpdateItem")
            raise UpdateError("Failed to update item", cause=conflict)
        return real_update(self, *args, **kwargs)

    monkeypatch.setattr(CounterModel, "update", busy_once)
    store = DynamoTicketStore()
    assert store.take_sequence("RPR", "2026-12-03") == 1 and refused == [True]
    assert store.take_sequence("RPR", "2026-12-03") == 2
