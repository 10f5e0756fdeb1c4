"""The chat's question on WhatsApp updates, asked once per phone, and STOP / START on WhatsApp
(domain/chat_intake.py, domain/consent.py), on in-memory fakes."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest

from chalicelib.domain.chat_intake import IncomingText, answer_text
from chalicelib.domain.clock import FixedClock, iso
from chalicelib.domain.consent import WhatsAppConsent
from chalicelib.domain.district import District
from chalicelib.domain.ticket import CLOSED
from chalicelib.i18n import catalog
from tests.fakes.caller_history import MemoryCallerHistory
from tests.fakes.conversations import MemoryConversations
from tests.fakes.directory import MemoryDirectory
from tests.fakes.events import MemoryDispatcher
from tests.fakes.tickets import MemoryTicketStore
from tests.support.demo import CALLER, demo_on, register_demo_call

ASKING = demo_on("twilio")  # the demo's India plan: citizens by WhatsApp first (with consent), then SMS
SMS_ONLY = demo_on("twilio", citizen_channels=["sms"])
HI, EN = catalog("hi"), catalog("en")


class Chat:
    def __init__(self, district: District = ASKING, with_callers: bool = True) -> None:
        self.district = district
        self.store, self.conversations = MemoryTicketStore(), MemoryConversations()
        self.callers = MemoryCallerHistory(self.store)
        self.with_callers = with_callers
        self.dispatcher, self.directory = MemoryDispatcher(), MemoryDirectory(district)
        self.clock = FixedClock(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
        self._sids = count(1)

    def send(self, body: str, channel: str = "whatsapp", phone: str = CALLER) -> str:
        message = IncomingText(phone=phone, channel=channel, body=body, message_sid=f"SM{next(self._sids)}")
        return answer_text(message, self.district, self.directory, self.store, self.conversations, self.dispatcher,
                           self.clock, self.callers if self.with_callers else None)

    def up_to_the_address(self, channel: str = "whatsapp") -> str:
        for body in ("नमस्ते", "3", "हैंडपंप खराब है", "रामू"):
            self.send(body, channel)
        return self.send("वार्ड 7, अभनपुर", channel)


@pytest.fixture
def chat() -> Chat:
    return Chat()


def test_on_whatsapp_the_chat_asks_to_keep_writing_there_and_a_yes_is_kept_on_ticket_and_caller(chat):
    assert chat.up_to_the_address() == HI.text("consent_chat_whatsapp")
    assert chat.store.registrations == []  # not registered before the answer
    reply = chat.send("1")
    [registration] = chat.store.registrations
    ticket = registration.ticket
    assert reply == HI.text("chat_registered", number=ticket.complaint_number)
    assert (ticket.whatsapp_consent, ticket.whatsapp_consent_at) == (True, iso(chat.clock.now()))
    assert chat.callers.consent(CALLER) == WhatsAppConsent(True, iso(chat.clock.now()), "whatsapp")
    assert registration.consent is not None  # in the registration's own transaction
    assert chat.dispatcher.sent[0].data["whatsapp_consent"] is True


def test_the_next_conversation_does_not_ask_again_and_copies_the_answer(chat):
    chat.up_to_the_address()
    chat.send("हाँ")
    chat.clock.advance(timedelta(days=2))
    reply = chat.up_to_the_address()  # straight to the registration: the caller's item said yes
    first, second = chat.store.registrations
    assert reply == HI.text("chat_registered", number=second.ticket.complaint_number)
    assert second.ticket.whatsapp_consent and second.ticket.whatsapp_consent_at == first.ticket.whatsapp_consent_at
    assert second.consent is None  # nothing new to write on the caller


def test_on_sms_the_chat_asks_whether_whatsapp_is_fine_and_anything_but_yes_is_no(chat):
    assert chat.up_to_the_address("sms") == HI.text("consent_chat_sms")
    chat.send("बाद में", "sms")
    [registration] = chat.store.registrations
    assert (registration.ticket.whatsapp_consent, registration.ticket.whatsapp_consent_at) == (
        False, iso(chat.clock.now()))
    assert chat.callers.consent(CALLER) == WhatsAppConsent(False, iso(chat.clock.now()), "sms")


def test_a_no_answered_on_the_phone_is_not_asked_in_the_chat(chat):
    number = register_demo_call(chat.store, ASKING, 1, chat.clock.now() - timedelta(days=30))
    chat.callers.record_consent(CALLER, WhatsAppConsent(False, iso(chat.clock.now() - timedelta(days=30)), "ivr"),
                                [number])
    reply = chat.up_to_the_address()
    registration = chat.store.registrations[-1]
    assert reply == HI.text("chat_registered", number=registration.ticket.complaint_number)
    assert not registration.ticket.whatsapp_consent and registration.ticket.whatsapp_consent_at is not None


def test_a_district_that_sends_citizens_no_whatsapp_asks_nothing():
    chat = Chat(SMS_ONLY)
    reply = chat.up_to_the_address()
    [registration] = chat.store.registrations
    assert reply == HI.text("chat_registered", number=registration.ticket.complaint_number)
    assert registration.ticket.whatsapp_consent_at is None and chat.callers.consent(CALLER) is None


def test_stop_on_whatsapp_withdraws_it_on_the_caller_and_every_open_ticket(chat):
    now = chat.clock.now()
    yes = WhatsAppConsent(True, iso(now - timedelta(days=3)), "ivr")
    open_one = register_demo_call(chat.store, ASKING, 1, now - timedelta(days=3))
    closed_one = register_demo_call(chat.store, ASKING, 2, now - timedelta(days=2))
    chat.callers.record_consent(CALLER, yes, [open_one, closed_one])
    chat.store.tickets[closed_one] = replace(chat.store.tickets[closed_one], status=CLOSED)
    assert chat.send("STOP") == HI.text("consent_stopped")  # in the language of the caller's complaints
    assert chat.callers.consent(CALLER) == WhatsAppConsent(False, iso(now), "whatsapp")
    assert not chat.store.get(open_one).whatsapp_consent
    assert chat.store.get(closed_one).whatsapp_consent  # closed: no more messages to honour it on
    assert chat.store.timelines[open_one][-1].detail == {"given": False}
    assert chat.conversations.get(f"RPR#{CALLER}#whatsapp") is None  # no conversation started
    assert chat.send("start") == HI.text("consent_started")
    assert chat.store.get(open_one).whatsapp_consent and chat.callers.consent(CALLER).given


def test_stop_from_a_stranger_is_kept_too_and_answered_in_the_districts_language(chat):
    assert chat.send("STOP", phone="+919800000009") == HI.text("consent_stopped")
    assert chat.callers.consent("+919800000009").given is False


def test_stop_by_sms_is_no_keyword_here(chat):
    chat.send("STOP", "sms")
    assert chat.callers.consent(CALLER) is None


def test_without_the_callers_port_the_chat_asks_nothing_as_before():
    chat = Chat(with_callers=False)
    chat.up_to_the_address()
    [registration] = chat.store.registrations
    assert registration.ticket.whatsapp_consent_at is None
