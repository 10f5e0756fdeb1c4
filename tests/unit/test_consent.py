"""Consent to WhatsApp updates (domain/consent.py): where the IVR asks, what its URLs carry, what a registration
and every later event of the ticket keep, on in-memory fakes."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

import pytest

from chalicelib.domain.clock import FixedClock, iso
from chalicelib.domain.consent import (
    CarriedConsent,
    WhatsAppConsent,
    answered_on,
    asks_consent,
    chat_says_yes,
    consent_keyword,
    from_token,
    url_token,
)
from chalicelib.domain.lifecycle import Actor, Lifecycle
from chalicelib.domain.registration import (
    CallComplaint,
    ChatComplaint,
    ConsoleComplaint,
    build_call_registration,
    build_chat_registration,
    build_console_registration,
)
from chalicelib.i18n import catalog
from chalicelib.operations.new_complaint import check_new_complaint
from chalicelib.routing import ivr
from tests.fakes.caller_history import MemoryCallerHistory
from tests.fakes.tickets import MemoryTicketStore
from tests.support.demo import CALLER, LINE, demo_on, register_demo_call

ASKING = demo_on("twilio")  # the demo's India plan: citizens' messages by WhatsApp first, then SMS
SMS_ONLY = demo_on("twilio", citizen_channels=["sms"])
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _call(**consent) -> CallComplaint:
    return CallComplaint(call_sid="CA" + "1" * 32, caller_phone=CALLER, line=LINE, language="hi", category_id="water",
                         recording_sid="RE" + "1" * 32, recording_url="https://x", recording_duration=5, **consent)


# -- where it is asked ---------------------------------------------------------------------------------------

def test_a_district_asks_only_where_a_citizens_message_can_go_by_whatsapp():
    assert asks_consent(ASKING)
    assert not asks_consent(SMS_ONLY)
    assert not asks_consent(replace(ASKING, whatsapp=None))


def test_a_first_time_caller_carries_nothing_so_the_recording_asks():
    assert check_new_complaint(CALLER, ASKING, NOW, MemoryCallerHistory()).consent is None
    assert from_token(None) == CarriedConsent(known=False)


def test_a_caller_who_answered_on_a_recent_ticket_carries_the_answer_instead():
    tickets = MemoryTicketStore()
    number = register_demo_call(tickets, ASKING, 1, NOW - timedelta(days=2))
    history = MemoryCallerHistory(tickets)
    said_no = WhatsAppConsent(False, iso(NOW - timedelta(days=2)), "ivr")
    history.record_consent(CALLER, said_no, [number])
    check = check_new_complaint(CALLER, ASKING, NOW, history)
    assert check.consent == f"no@{said_no.at}" and check.earlier is not None  # the same Query's tickets
    assert from_token(check.consent) == CarriedConsent(known=True, given=False, at=said_no.at)


def test_nothing_is_carried_where_the_district_does_not_ask_or_the_number_is_withheld():
    tickets = MemoryTicketStore()
    for n, phone in enumerate((CALLER, "+266696687"), start=1):
        number = register_demo_call(tickets, ASKING, n, NOW - timedelta(days=1), caller=phone)
        MemoryCallerHistory(tickets).record_consent(phone, WhatsAppConsent(True, iso(NOW), "ivr"), [number])
    assert check_new_complaint(CALLER, ASKING, NOW, MemoryCallerHistory(tickets)).consent is not None
    assert check_new_complaint(CALLER, SMS_ONLY, NOW, MemoryCallerHistory(tickets)).consent is None
    assert check_new_complaint("+266696687", ASKING, NOW, MemoryCallerHistory(tickets)).consent is None


def test_the_newest_answer_wins_and_a_ticket_never_asked_tells_nothing():
    tickets = MemoryTicketStore()
    old = register_demo_call(tickets, ASKING, 1, NOW - timedelta(days=3))
    new = register_demo_call(tickets, ASKING, 2, NOW - timedelta(days=1))
    history = MemoryCallerHistory(tickets)
    assert answered_on(tickets.tickets.values()) is None and url_token(None) is None
    history.record_consent(CALLER, WhatsAppConsent(True, iso(NOW - timedelta(days=3)), "ivr"), [old])
    history.record_consent(CALLER, WhatsAppConsent(False, iso(NOW - timedelta(days=1)), "whatsapp"), [new])
    newest = answered_on(tickets.tickets.values())
    assert newest is not None and newest.complaint_number == new and url_token(newest).startswith("no@")


@pytest.mark.parametrize("token", [None, "", "maybe", "yes", "yes@", "yes@tomorrow", "no@19" + "9" * 40])
def test_no_or_an_odd_url_value_is_no_known_answer(token):
    assert from_token(token) == CarriedConsent()


# -- the IVR's question -------------------------------------------------------------------------------------

def test_the_question_follows_the_number_as_a_short_gather_whose_silence_is_an_answer():
    doc = list(ElementTree.fromstring(ivr.registered("hi", "RPR2612010007", ask_consent=True)))
    hi = catalog("hi")
    assert [v.tag for v in doc] == ["Say", "Pause", "Say", "Say", "Gather", "Redirect"]
    assert doc[3].text == hi.text("sms_coming")  # the SMS still brings the number
    gather = doc[4]
    assert gather.get("action").endswith("/twilio/voice/consent/hi/RPR2612010007")
    assert (gather.get("timeout"), gather.get("numDigits")) == (str(ivr.CONSENT_TIMEOUT_SECONDS), "1")
    assert [s.text for s in gather] == [hi.text("consent_ask")]
    assert doc[5].text == gather.get("action")  # no key: the same step, without Digits, is a no


def test_a_caller_who_answered_before_hears_the_goodbye_as_before():
    doc = list(ElementTree.fromstring(ivr.registered("en", "RPR2612010007")))
    assert [v.tag for v in doc] == ["Say", "Pause", "Say", "Say", "Say", "Hangup"]
    assert doc[4].text == catalog("en").text("goodbye")


def test_the_answer_is_said_back_and_the_call_ends():
    yes = list(ElementTree.fromstring(ivr.consent_answered("hi", True)))
    no = list(ElementTree.fromstring(ivr.consent_answered("en", False)))
    assert [v.tag for v in yes] == ["Say", "Hangup"] and yes[0].text == catalog("hi").text("consent_yes")
    assert no[0].text == catalog("en").text("consent_no")


def test_the_question_is_short_in_every_language():
    for lang in ("hi", "en"):
        assert len(catalog(lang).text("consent_ask")) <= 45  # about three seconds of speech


# -- registrations and events --------------------------------------------------------------------------------

def test_a_call_copies_the_carried_answer_and_writes_nothing_on_the_caller():
    at = iso(NOW - timedelta(days=1))
    registration = build_call_registration(_call(whatsapp_consent=True, whatsapp_consent_at=at), ASKING, 1,
                                           FixedClock(NOW))
    assert (registration.ticket.whatsapp_consent, registration.ticket.whatsapp_consent_at) == (True, at)
    assert registration.consent is None
    assert registration.event.data["whatsapp_consent"] is True


def test_a_call_with_no_answer_yet_registers_without_consent():
    registration = build_call_registration(_call(), ASKING, 1, FixedClock(NOW))
    assert (registration.ticket.whatsapp_consent, registration.ticket.whatsapp_consent_at) == (False, None)
    assert registration.event.data["whatsapp_consent"] is False


def test_an_operators_tick_is_a_yes_given_at_the_console_and_no_tick_is_no_answer():
    complaint = ConsoleComplaint(caller_phone=CALLER, category_id="water", language="hi", description="पानी नहीं",
                                 operator="operator.rpr", whatsapp_consent=True)
    ticked = build_console_registration(complaint, ASKING, 1, FixedClock(NOW))
    assert ticked.consent == WhatsAppConsent(True, iso(NOW), "console")
    assert (ticked.ticket.whatsapp_consent, ticked.ticket.whatsapp_consent_at) == (True, iso(NOW))
    unticked = build_console_registration(replace(complaint, whatsapp_consent=False), ASKING, 2, FixedClock(NOW))
    assert unticked.consent is None and unticked.ticket.whatsapp_consent_at is None


def test_a_chat_keeps_an_answer_given_in_it_on_the_caller_and_only_copies_a_known_one():
    answer = WhatsAppConsent(True, iso(NOW), "whatsapp")
    complaint = ChatComplaint(conversation_id="SM1", caller_phone=CALLER, channel="whatsapp", language="hi",
                              category_id="water", description="", caller_name="रामू", address="वार्ड 7",
                              consent=answer, consent_is_new=True)
    new = build_chat_registration(complaint, ASKING, 1, FixedClock(NOW))
    assert new.consent == answer and new.ticket.whatsapp_consent
    known = build_chat_registration(replace(complaint, consent_is_new=False), ASKING, 2, FixedClock(NOW))
    assert known.consent is None and known.ticket.whatsapp_consent


def test_every_later_event_of_the_ticket_carries_the_answer_beside_the_phone():
    registration = build_call_registration(_call(whatsapp_consent=True, whatsapp_consent_at=iso(NOW)), ASKING, 1,
                                           FixedClock(NOW))
    ticket = registration.ticket
    officer = Actor("officer", ASKING.departments["water"].officers["L1"].phone, "sms", (("water", "L1"),))
    change = Lifecycle(ASKING, NOW + timedelta(hours=1)).acknowledge(ticket, officer)
    assert change.events and all(e.data["caller_phone"] == CALLER and e.data["whatsapp_consent"] is True
                                 for e in change.events)
    withdrawn = replace(ticket, whatsapp_consent=False)
    change = Lifecycle(ASKING, NOW + timedelta(hours=1)).acknowledge(withdrawn, officer)
    assert all(e.data["whatsapp_consent"] is False for e in change.events)


# -- the caller's answer, kept ---------------------------------------------------------------------------------

def test_an_answer_moves_each_ticket_on_with_a_timeline_entry_and_is_kept_on_the_caller():
    tickets = MemoryTicketStore()
    number = register_demo_call(tickets, ASKING, 1, NOW)
    history = MemoryCallerHistory(tickets)
    before = tickets.get(number)
    answer = WhatsAppConsent(True, iso(NOW), "ivr")
    history.record_consent(CALLER, answer, [number])
    after = tickets.get(number)
    assert after.version == before.version + 1 and after.whatsapp_consent and after.whatsapp_consent_at == answer.at
    assert history.consent(CALLER) == answer
    entry = tickets.timelines[number][-1]
    assert (entry.action, entry.channel, entry.actor_id, entry.detail) == ("whatsapp_consent", "ivr", CALLER,
                                                                           {"given": True})


# -- the chat's words --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["1", "yes", "Yes.", "haan", "हाँ", " हां "])
def test_yes_in_the_chat(text):
    assert chat_says_yes(text)


@pytest.mark.parametrize("text", ["2", "no", "नहीं", "later", "", "11"])
def test_anything_else_in_the_chat_is_no(text):
    assert not chat_says_yes(text)


def test_stop_and_start_are_keywords_only_alone():
    assert consent_keyword("STOP") is False and consent_keyword("stop.") is False and consent_keyword("बंद") is False
    assert consent_keyword("Start") is True
    assert consent_keyword("stop the water supply") is None and consent_keyword("1") is None
