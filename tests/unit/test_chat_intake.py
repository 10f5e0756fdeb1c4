"""The WhatsApp/SMS intake conversation (domain/chat_intake.py) with in-memory adapters."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest

from chalicelib.district_file import read_district_file
from chalicelib.domain.chat_intake import (
    MAX_DESCRIPTION,
    IncomingText,
    answer_text,
    category_menu,
    language_menu,
    status_query,
)
from chalicelib.domain.clock import FixedClock
from chalicelib.domain.conversation import CHAT_TTL, conversation_key
from chalicelib.domain.sms_segments import segments
from chalicelib.domain.ticket import RESOLVED
from chalicelib.i18n import catalog
from tests.fakes.conversations import MemoryConversations
from tests.fakes.directory import MemoryDirectory
from tests.fakes.events import MemoryDispatcher
from tests.fakes.tickets import MemoryTicketStore
from tests.support.demo import DEMO

DISTRICT = read_district_file(DEMO)
CITIZEN = "+919812345678"
OTHER = "+919812340000"
WATER_L1 = "+919000000301"


class Chat:
    def __init__(self) -> None:
        self.store, self.conversations = MemoryTicketStore(), MemoryConversations()
        self.dispatcher, self.directory = MemoryDispatcher(), MemoryDirectory(DISTRICT)
        self.clock = FixedClock(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))
        self._sids = count(1)

    def send(self, body: str, phone: str = CITIZEN, channel: str = "whatsapp", sid: str | None = None,
             media: tuple[str, str] | None = None) -> str:
        message = IncomingText(phone=phone, channel=channel, body=body, message_sid=sid or f"SM{next(self._sids)}",
                               media_url=media[0] if media else None, media_type=media[1] if media else None)
        return answer_text(message, DISTRICT, self.directory, self.store, self.conversations, self.dispatcher,
                           self.clock)

    def conversation(self, phone: str = CITIZEN, channel: str = "whatsapp"):
        return self.conversations.get(conversation_key("RPR", phone, channel))


@pytest.fixture
def chat() -> Chat:
    return Chat()


def test_a_hindi_conversation_registers_one_ticket_with_the_photo(chat):
    hi = catalog("hi")
    assert chat.send("नमस्ते") == category_menu(DISTRICT, "hi")  # Devanagari: Hindi, no language menu
    assert chat.send("3") == hi.text("chat_ask_description")
    photo = ("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1", "image/jpeg")
    assert chat.send("हैंडपंप खराब है", media=photo) == hi.text("chat_ask_name")
    assert chat.send("रामू") == hi.text("chat_ask_address")
    reply = chat.send("वार्ड 7, अभनपुर")
    [registration] = chat.store.registrations
    ticket = registration.ticket
    assert reply == hi.text("chat_registered", number=ticket.complaint_number)
    assert (ticket.channel, ticket.language, ticket.category, ticket.caller_phone) == ("whatsapp", "hi", "water",
                                                                                       CITIZEN)
    assert (ticket.description, ticket.caller_name, ticket.address) == ("हैंडपंप खराब है", "रामू", "वार्ड 7, अभनपुर")
    assert (ticket.media_url, ticket.media_type) == photo
    assert registration.timeline.channel == "whatsapp" and "media_url" not in registration.timeline.detail
    assert registration.once_key == "chat#SM1"  # the conversation's first message
    assert [e.type for e in chat.dispatcher.sent] == ["ticket.created"]
    assert chat.conversation().step == "done"


def test_latin_text_asks_for_the_language_and_english_follows(chat):
    assert chat.send("hi", channel="sms") == language_menu(DISTRICT)
    assert chat.send("2", channel="sms") == category_menu(DISTRICT, "en")
    chat.send("4", channel="sms")
    chat.send("No power for three days", channel="sms")
    chat.send("Asha", channel="sms")
    reply = chat.send("Ward 3, Tilda", channel="sms")
    ticket = chat.store.registrations[0].ticket
    assert reply.startswith(f"Your complaint {ticket.complaint_number} is registered")
    assert (ticket.channel, ticket.language, ticket.category) == ("sms", "en", "electricity")


def test_a_retried_message_is_answered_the_same_and_moves_nothing(chat):
    chat.send("नमस्ते", sid="SMa")
    first = chat.send("3", sid="SMb")
    saves = chat.conversations.saves
    assert chat.send("3", sid="SMb") == first and chat.conversations.saves == saves
    assert chat.conversation().step == "description"
    for n, body in enumerate(("पानी नहीं", "रामू")):
        chat.send(body, sid=f"SMc{n}")
    done = chat.send("वार्ड 7", sid="SMlast")
    assert chat.send("वार्ड 7", sid="SMlast") == done
    assert len(chat.store.registrations) == 1


def test_a_registration_retried_after_a_lost_reply_keeps_its_number(chat):
    for n, body in enumerate(("नमस्ते", "3", "पानी नहीं", "रामू")):
        chat.send(body, sid=f"SM{n}")
    before = chat.conversation()
    done = chat.send("वार्ड 7", sid="SMlast")
    number = chat.store.registrations[0].ticket.complaint_number
    chat.conversations.items[before.key] = before  # the conversation's save was lost; the ticket was written
    assert chat.send("वार्ड 7", sid="SMlast") == done and number in done
    assert len(chat.store.registrations) == 1 and len(chat.dispatcher.sent) == 1


def test_bad_input_gets_a_clear_reply_and_changes_nothing(chat):
    hi = catalog("hi")
    chat.send("नमस्ते")
    assert chat.send("9") == hi.text("chat_bad_category", most=7) + "\n" + category_menu(DISTRICT, "hi").split(
        "\n", 1)[1]
    assert chat.send("").startswith(hi.text("chat_bad_category", most=7))
    assert chat.conversation().step == "category"
    chat.send("3")
    assert chat.send("   ") == hi.text("chat_description_empty")
    too_long = "क" * (MAX_DESCRIPTION + 1)
    assert chat.send(too_long) == hi.text("chat_too_long", most=MAX_DESCRIPTION, length=MAX_DESCRIPTION + 1)
    assert chat.conversation().step == "description"
    assert chat.send("", media=("https://api.twilio.com/x/Media/ME2", "audio/ogg")) == hi.text("chat_ask_name")
    assert chat.send("") == hi.text("chat_name_empty")
    assert chat.store.registrations == []


def test_restart_and_an_idle_conversation_start_over(chat):
    chat.send("नमस्ते")
    chat.send("3")
    assert chat.send("0") == language_menu(DISTRICT)
    assert chat.conversation().step == "language"
    chat.send("1")
    chat.send("2")
    chat.clock.advance(CHAT_TTL + timedelta(minutes=1))
    assert chat.send("hello") == language_menu(DISTRICT)
    assert chat.conversation().category is None


def test_status_answers_only_the_citizens_own_complaints(chat):
    for body in ("नमस्ते", "3", "पानी नहीं", "रामू", "वार्ड 7"):
        chat.send(body)
    ticket = chat.store.registrations[0].ticket
    own = chat.send(f"STATUS {ticket.complaint_number}")
    hi = catalog("hi")
    assert own == hi.text("chat_status_open", number=ticket.complaint_number,
                          status=hi.text("chat_status_registered"), date="04-12-2026")
    assert chat.send("status") == own  # the latest, without a number
    assert chat.send(f"STATUS {ticket.complaint_number}", phone=OTHER) == hi.text(
        "reply_not_found", number=ticket.complaint_number)
    assert chat.send("STATUS RPR2612019999") == hi.text("reply_not_found", number="RPR2612019999")
    assert chat.send("STATUS", phone=OTHER, channel="sms") == hi.text("chat_status_none")
    assert status_query("स्थिति RPR2612010001") == "RPR2612010001" and status_query("3") is None


def test_status_of_ones_own_number_is_one_read(chat):
    for body in ("नमस्ते", "3", "पानी नहीं", "रामू", "वार्ड 7"):
        chat.send(body)
    number = chat.store.registrations[0].ticket.complaint_number
    reads: list[str] = []
    get, recent = chat.store.get, chat.store.recent_for_caller
    chat.store.get = lambda n: reads.append("get") or get(n)
    chat.store.recent_for_caller = lambda phone, limit=5: reads.append("query") or recent(phone, limit)
    assert number in chat.send(f"STATUS {number}")
    assert reads == ["get"]  # the citizen's own: no Query for the latest ticket
    reads.clear()
    assert chat.send("STATUS 12", phone=OTHER) == catalog("hi").text("reply_not_found", number="12")
    assert reads == ["query"]  # no complaint number: nothing to get, only the language to find


def test_feedback_outside_a_conversation_still_reaches_the_lifecycle(chat):
    for body in ("नमस्ते", "3", "पानी नहीं", "रामू", "वार्ड 7"):
        chat.send(body)
    number = chat.store.registrations[0].ticket.complaint_number
    chat.store.tickets[number] = replace(chat.store.tickets[number], status=RESOLVED,
                                         resolved_at="2026-12-01T07:00:00Z")
    assert chat.send("1") == catalog("hi").text("reply_closed_satisfied", number=number)
    assert chat.store.tickets[number].status == "closed"


def test_a_first_digit_from_someone_with_no_complaint_starts_the_conversation(chat):
    assert chat.send("2", channel="sms") == language_menu(DISTRICT)
    assert chat.send("2", channel="sms") == category_menu(DISTRICT, "en")


def test_officers_keep_their_commands(chat):
    reply = chat.send("ACK RPR2612019999", phone=WATER_L1, channel="sms")
    assert reply == catalog("hi").text("reply_not_found", number="RPR2612019999")
    assert chat.send("hello", phone=WATER_L1) == catalog("hi").text("reply_help")
    assert chat.conversations.items == {}


@pytest.mark.parametrize("language", ["hi", "en"])
def test_every_reply_fits_two_sms_segments(language):
    words = catalog(language)
    number = "RPR2612010001"
    texts = [language_menu(DISTRICT), category_menu(DISTRICT, language),
             words.text("chat_bad_category", most=7) + "\n" + category_menu(DISTRICT, language).split("\n", 1)[1],
             words.text("chat_too_long", most=MAX_DESCRIPTION, length=1234), words.text("reply_citizen_help"),
             words.text("chat_registered", number=number), words.text("chat_over_limit", most=5),
             words.text("chat_status_open", number=number, status=words.text("chat_status_acknowledged"),
                        date="04-12-2026"),
             words.text("chat_status_done", number=number, status=words.text("chat_status_resolved"),
                        date="04-12-2026")]
    texts += [words.text(key) for key in ("chat_ask_description", "chat_description_empty", "chat_ask_name",
                                          "chat_name_empty", "chat_ask_address", "chat_address_empty",
                                          "chat_status_none")]
    assert max(segments(text) for text in texts) <= 2, [t for t in texts if segments(t) > 2]


def test_a_blocked_number_is_told_so_and_no_conversation_starts(chat):
    chat.directory.blocked["RPR"] = {CITIZEN}
    assert chat.send("नमस्ते") == catalog("hi").text("caller_blocked")
    assert chat.conversation() is None and chat.store.registrations == []
    assert chat.send("नमस्ते", phone="+919800000001").startswith("शिकायत किस विषय")  # anyone else is welcome
