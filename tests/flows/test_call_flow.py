"""A citizen's call becomes a ticket with an SMS: the whole flow through the real interfaces, once per carrier
(the emulator plays that carrier's protocol; the SMS are read from that carrier's recorder)."""
from __future__ import annotations

import re

import pytest

from chalicelib import settings
from chalicelib.domain.sms_segments import segments
from chalicelib.store.models import CallModel, CounterModel, OutboxModel, TicketModel, TimelineModel
from tests.support.fixtures import CALLER, CARRIERS, LINE, queue_bodies, scan_all

pytestmark = pytest.mark.parametrize("demo_carrier", CARRIERS, indirect=True)
SENDER = {"twilio": "+919977222500", "plivo": "RPRCOL"}  # tests/support/demo.py: Twilio's number, Plivo's DLT header

HINDI_COMPLAINT = "say:मेरा नाम राम कुमार है, गाँव खरोरा, हमारे मोहल्ले का हैंडपंप दस दिन से खराब है"


def test_hindi_call_creates_ticket_and_sends_hindi_sms(aws, twilio, plivo, phone, pump, carrier_out, demo_carrier):
    log = phone(f"1|1|3|{HINDI_COMPLAINT}")

    assert all(status == 200 for _, status in log.requests), log.requests
    number = re.search(r"R P R, ([\d ]+), ([\d ]+)\.", log.said[-4])
    assert number, log.said
    complaint_number = "RPR" + (number.group(1) + number.group(2)).replace(" ", "")
    assert log.said[-4].startswith("आपकी शिकायत दर्ज हो गई है।")  # read back in Hindi, digit by digit

    ticket = TicketModel.get(complaint_number)
    assert (ticket.caller_phone, ticket.line, ticket.language, ticket.category, ticket.department) == (
        CALLER, LINE, "hi", "water", "water")
    assert (ticket.status, ticket.level, ticket.hotline, ticket.district) == ("registered", "L1", "collectorate", "RPR")
    assert ticket.recording_sid == log.recording_sid and f"/{log.recording_sid}" in ticket.recording_url
    assert ticket.recording_duration > 0 and ticket.recording_confirmed  # status callback confirmed it
    assert ticket.sla_due_at > ticket.created_at

    [entry] = list(TimelineModel.query(complaint_number))
    assert (entry.actor_type, entry.action, entry.channel) == ("citizen", "registered", "ivr")
    call = CallModel.get(log.call_sid)
    assert (call.outcome, call.complaint_number, call.call_status, call.district) == (
        "ticket", complaint_number, "completed", "RPR")
    assert list(OutboxModel.scan()) == []  # both queues have the event; nothing waits for the sweep

    [created] = queue_bodies(aws["sqs"], "followup")
    assert created["type"] == "ticket.created" and created["complaint_number"] == complaint_number

    assert pump.drain_once() == 2  # notify + follow-up
    [sms] = carrier_out.sms(to=CALLER)
    assert sms.sender == SENDER[demo_carrier]
    if demo_carrier == "twilio":
        assert twilio.sms(to=CALLER)[0].auth == (settings.twilio_account_sid(), settings.twilio_auth_token())
    else:
        assert plivo.sms(to=CALLER)[0].path == f"/v1/Account/{settings.plivo_auth_id()}/Message/"
    assert complaint_number in sms.body and "दर्ज हो गई है" in sms.body
    assert segments(sms.body) <= 2

    [forward] = carrier_out.sms(to="+919000000301")  # the water department's L1 officer, by SMS (no WhatsApp)
    assert complaint_number in forward.body and "/r/" in forward.body
    assert (forward.status_callback or "").endswith(f"/{demo_carrier}/messaging/status/{complaint_number}")


def test_english_call_hears_english_and_gets_english_sms(aws, carrier_out, phone, pump):
    log = phone("2|1|1|say:My name is Sita Devi, ward 12 Tatibandh, the health centre has no doctor")
    assert "Your complaint is registered" in log.said[-4]
    pump.drain_once()
    [sms] = carrier_out.sms(to=CALLER)
    assert sms.body.startswith("Your complaint RPR") and segments(sms.body) == 1


def test_counters_are_kept_on_write(aws, twilio, phone):
    phone(f"1|1|3|{HINDI_COMPLAINT}")
    phone("2|1|2|3|say:no water for a week")  # "Is this about your complaint …?" 2: a new one
    day = [c for c in CounterModel.query("DISTRICT#RPR") if c.sk.startswith("DAY#")]
    assert len(day) == 1
    raw = aws["dynamodb"].get_item(TableName=settings.table_name("counters"),
                                   Key={"pk": {"S": "DISTRICT#RPR"}, "sk": {"S": day[0].sk}})["Item"]
    assert raw["registered"] == {"N": "2"} and raw["dept_water"] == {"N": "2"}
    assert raw["lang_hi"] == {"N": "1"} and raw["lang_en"] == {"N": "1"}
    lines = aws["dynamodb"].query(TableName=settings.table_name("counters"), KeyConditionExpression="pk = :p",
                                  ExpressionAttributeValues={":p": {"S": f"LINE#{LINE}"}})["Items"]
    figures = {name.split("_", 1)[1]: value for name, value in lines[0].items() if name.startswith("h")}
    assert figures["tickets"] == {"N": "2"} and figures["calls"] == {"N": "2"} and figures["answered"] == {"N": "2"}
    raw = aws["dynamodb"].get_item(TableName=settings.table_name("counters"),
                                   Key={"pk": {"S": "DISTRICT#RPR"}, "sk": {"S": "OPEN"}})["Item"]
    assert raw["open_L1_water"] == {"N": "2"}  # both open at L1 of water


def test_caller_who_hangs_up_before_recording_leaves_an_abandoned_call(aws, twilio, phone):
    log = phone("1|hangup")
    assert scan_all(aws["dynamodb"], "tickets") == []
    call = CallModel.get(log.call_sid)
    assert (call.outcome, call.call_status, call.from_phone, call.to_phone) == ("abandoned", "completed", CALLER, LINE)
    assert call.duration >= 1


def test_three_wrong_keys_end_politely_with_another_way_to_reach_the_office(aws, phone):
    log = phone("1|1|8|0|0")  # 9 is the emergency key
    assert log.said[-2].startswith("क्षमा करें, हम आपकी शिकायत नहीं ले पाए।")
    assert "कलेक्टोरेट" in log.said[-2]  # the district's fallback contact
    assert log.ended_by == "hotline"


def test_silence_at_the_beep_is_asked_again_then_ends_without_a_ticket(aws, phone):
    log = phone("1|1|2|silence|silence|silence")
    assert log.said.count("हमें आपकी आवाज़ सुनाई नहीं दी।") == 2
    assert log.said[-2].startswith("क्षमा करें, हम आपकी शिकायत नहीं ले पाए।")
    assert scan_all(aws["dynamodb"], "tickets") == []


def test_no_answer_at_the_language_menu_is_prompted_again(aws, phone):
    log = phone(f"-|1|1|2|{HINDI_COMPLAINT}")
    assert "हमें आपका जवाब नहीं मिला।" in log.said
    assert "आपकी शिकायत दर्ज हो गई है" in log.said[-4]
