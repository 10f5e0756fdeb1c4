"""Consent to WhatsApp updates through the signed webhooks: the IVR asks a first-time caller after the number
("press 1"), once per phone, on Twilio and Plivo lines alike; the chat asks once; an operator ticks it in the
console; STOP on WhatsApp withdraws it. The answer is on the caller's item, on the ticket, and in every later
event of the ticket."""
from __future__ import annotations

import re

import pytest

from chalicelib.i18n import catalog
from chalicelib.store.models import CallerModel, TicketModel, TimelineModel
from tests.support.fixtures import CALLER, CARRIERS, queue_bodies, signed_post

HI = catalog("hi")
COMPLAINT = "say:हमारे वार्ड का हैंडपंप दस दिन से खराब है"
WHATSAPP_SENDER = "whatsapp:+919977222500"  # examples/raipur.yaml whatsapp.sender
WATER_L1 = "+919000000301"
by_carrier = pytest.mark.parametrize("demo_carrier", CARRIERS, indirect=True)


def _number(said: str) -> str:
    spoken = re.search(r"R P R, ([\d ]+), ([\d ]+)\.", said)
    assert spoken, said
    return "RPR" + (spoken.group(1) + spoken.group(2)).replace(" ", "")


def _caller(phone: str = CALLER) -> CallerModel | None:
    try:
        return CallerModel.get(f"CALLER#{phone}", "CONSENT", consistent_read=True)
    except CallerModel.DoesNotExist:
        return None


def _consent_steps(log) -> list[str]:
    return [path.split("?")[0] for path, _status in log.requests if "/voice/consent/" in path]


@by_carrier
def test_a_first_time_caller_is_asked_and_pressing_1_keeps_it_on_caller_and_ticket(aws, phone, demo_carrier):
    log = phone(f"1|1|3|{COMPLAINT}|1")
    assert all(status == 200 for _, status in log.requests), log.requests
    number = _number(log.said[-5])
    assert log.said[-3:] == [HI.text("sms_coming"), HI.text("consent_ask"), HI.text("consent_yes")]
    assert _consent_steps(log) == [f"/{demo_carrier}/voice/consent/hi/{number}"]
    assert log.ended_by == "hotline"
    ticket = TicketModel.get(number, consistent_read=True)
    assert ticket.whatsapp_consent and ticket.whatsapp_consent_at and ticket.version == 3  # + the recording's
    caller = _caller()
    assert (caller.whatsapp_consent, caller.whatsapp_consent_channel) == (True, "ivr")
    assert caller.whatsapp_consent_at == ticket.whatsapp_consent_at
    entry = [e for e in TimelineModel.query(number) if e.action == "whatsapp_consent"]
    assert [(e.channel, e.actor_id, e.detail) for e in entry] == [("ivr", CALLER, {"given": True})]


@by_carrier
def test_a_second_call_from_the_same_phone_is_not_asked_and_its_ticket_carries_the_answer(aws, phone, pump):
    first = _number(phone(f"1|1|3|{COMPLAINT}|1").said[-5])
    pump.drain_once()
    log = phone(f"1|1|2|3|{COMPLAINT}")  # "about your complaint …?" 2: a new one
    second = _number(log.said[-4])
    assert second != first and log.said[-1] == HI.text("goodbye") and not _consent_steps(log)
    assert HI.text("consent_ask") not in log.said and log.ended_by == "hotline"
    ticket = TicketModel.get(second, consistent_read=True)
    assert ticket.whatsapp_consent and ticket.whatsapp_consent_at == TicketModel.get(first).whatsapp_consent_at
    [created] = [e for e in queue_bodies(aws["sqs"], "followup") if e["complaint_number"] == second]
    assert created["data"]["whatsapp_consent"] is True  # the acknowledgement may go by WhatsApp


@by_carrier
def test_no_key_at_the_question_is_no_and_is_not_asked_again(aws, phone):
    log = phone(f"1|1|3|{COMPLAINT}|-")
    number = _number(log.said[-5])
    assert log.said[-1] == HI.text("consent_no")
    ticket = TicketModel.get(number, consistent_read=True)
    assert not ticket.whatsapp_consent and ticket.whatsapp_consent_at
    assert (_caller().whatsapp_consent, _caller().whatsapp_consent_channel) == (False, "ivr")
    again = phone(f"1|1|2|3|{COMPLAINT}")
    assert HI.text("consent_ask") not in again.said
    assert not TicketModel.get(_number(again.said[-4])).whatsapp_consent


@by_carrier
def test_another_key_is_no(aws, phone):
    log = phone("2|1|3|say:no water for a week|5")
    assert log.said[-1] == catalog("en").text("consent_no")
    assert _caller().whatsapp_consent is False


@by_carrier
def test_a_caller_who_hangs_up_at_the_question_has_the_complaint_and_is_asked_next_time(aws, phone):
    log = phone(f"1|1|3|{COMPLAINT}")  # the script ends at the question: the caller hangs up
    number = _number(log.said[-4])
    assert log.said[-1] == HI.text("consent_ask") and log.ended_by == "caller"
    assert TicketModel.get(number).whatsapp_consent_at is None and _caller() is None
    again = phone(f"1|1|2|3|{COMPLAINT}|1")
    assert again.said[-2:] == [HI.text("consent_ask"), HI.text("consent_yes")]


def test_a_withheld_number_is_never_asked(aws, phone):
    log = phone(f"1|1|3|{COMPLAINT}", caller="+266696687")
    assert HI.text("consent_ask") not in log.said and log.said[-1] == HI.text("goodbye")


def test_a_district_that_sends_citizens_no_whatsapp_does_not_ask(aws, phone):
    from chalicelib.store.district_loader import load_district
    from tests.support.demo import demo_on
    from tests.support.fixtures import _reset_caches

    load_district(demo_on("twilio", citizen_channels=["sms"]))
    _reset_caches()
    log = phone(f"1|1|3|{COMPLAINT}")
    assert HI.text("consent_ask") not in log.said and log.ended_by == "hotline"


def test_a_forged_consent_for_someone_elses_ticket_writes_nothing(aws, phone, webhooks):
    number = _number(phone(f"1|1|3|{COMPLAINT}", caller="+919800000009").said[-4])
    form = {"CallSid": webhooks.call_sid("e"), "From": CALLER, "To": "+919977222564", "Direction": "inbound",
            "CallStatus": "in-progress", "Digits": "1"}
    response = webhooks.post(f"/voice/consent/hi/{number}", form)
    assert response.status_code == 200  # the spoken apology
    assert _caller() is None and TicketModel.get(number).whatsapp_consent_at is None


# -- the chat, STOP, the console ------------------------------------------------------------------------------

def _chat_up_to_the_question(hotline, sender: str = f"whatsapp:{CALLER}") -> str:
    for body in ("नमस्ते", "3", "हैंडपंप खराब है", "रामू"):
        hotline.text(sender, body, to=WHATSAPP_SENDER)
    return hotline.text(sender, "वार्ड 7, अभनपुर", to=WHATSAPP_SENDER)


def test_the_chat_asks_once_and_the_phone_is_not_asked_either(hotline):
    assert _chat_up_to_the_question(hotline) == HI.text("consent_chat_whatsapp")
    reply = hotline.text(f"whatsapp:{CALLER}", "1", to=WHATSAPP_SENDER)
    number = next(w for w in reply.split() if w.startswith("RPR"))
    assert TicketModel.get(number).whatsapp_consent
    assert (_caller().whatsapp_consent, _caller().whatsapp_consent_channel) == (True, "whatsapp")
    # The next conversation registers straight after the address; a call is not asked either.
    again = _chat_up_to_the_question(hotline)
    assert again == HI.text("chat_registered", number=next(w for w in again.split() if w.startswith("RPR")))
    assert again != reply
    log = hotline.phone(f"1|1|2|3|{COMPLAINT}")
    assert HI.text("consent_ask") not in log.said
    assert TicketModel.get(_number(log.said[-4])).whatsapp_consent


def _event_data(aws, hotline, number: str, kind: str) -> dict:
    return next(e["data"] for e in queue_bodies(aws["sqs"], "followup")
                if e["complaint_number"] == number and e["type"] == kind)


def test_stop_on_whatsapp_is_honoured_by_every_later_event_of_the_ticket(aws, hotline):
    number = _number(hotline.phone(f"1|1|3|{COMPLAINT}|1").said[-5])
    hotline.deliver()
    assert hotline.text(f"whatsapp:{CALLER}", "STOP", to=WHATSAPP_SENDER) == HI.text("consent_stopped")
    assert not TicketModel.get(number, consistent_read=True).whatsapp_consent
    assert (_caller().whatsapp_consent, _caller().whatsapp_consent_channel) == (False, "whatsapp")
    form = {"MessageSid": "SMack", "From": WATER_L1, "To": "+919977222564", "Body": f"ACK {number}",
            "AccountSid": "AC" + "1" * 32}
    assert signed_post(hotline.client, "/twilio/messaging/incoming", form).status_code == 200
    assert _event_data(aws, hotline, number, "ticket.acknowledged")["whatsapp_consent"] is False
    hotline.deliver()
    assert hotline.text(f"whatsapp:{CALLER}", "START", to=WHATSAPP_SENDER) == HI.text("consent_started")
    assert TicketModel.get(number, consistent_read=True).whatsapp_consent


def test_an_operators_tick_is_kept_on_ticket_and_caller_and_the_phone_is_not_asked(api, hotline):
    body = {"caller_phone": CALLER, "category": "water", "description": "गाँव खरोरा में हैंडपंप खराब है",
            "whatsapp_consent": True}
    response = api.post("operator.rpr", "/api/tickets", body)
    assert response.status_code == 201, response.body
    assert response.json["whatsapp_consent"] is True  # the ticket page shows it
    ticket = TicketModel.get(response.json["complaint_number"])
    assert ticket.whatsapp_consent and ticket.whatsapp_consent_at
    assert (_caller().whatsapp_consent, _caller().whatsapp_consent_channel) == (True, "console")
    log = hotline.phone(f"1|1|2|3|{COMPLAINT}")
    assert HI.text("consent_ask") not in log.said


def test_the_consoles_tick_must_be_a_boolean_and_unticked_is_no_answer(api, aws):
    body = {"caller_phone": CALLER, "category": "water", "description": "हैंडपंप खराब है"}
    assert api.post("operator.rpr", "/api/tickets", {**body, "whatsapp_consent": "yes"}).status_code == 400
    response = api.post("operator.rpr", "/api/tickets", body)
    assert response.status_code == 201
    assert TicketModel.get(response.json["complaint_number"]).whatsapp_consent_at is None and _caller() is None
