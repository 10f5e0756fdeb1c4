"""A citizen's complaint by WhatsApp or SMS: a short conversation, then the IVR's registration.

    [language: 1 हिंदी / 2 English] → [kind: 1 शिकायत / 2 सुझाव / 3 मांग, where the district takes more than
    complaints] → category (the district's menu) → description (+ photo or voice note)
    → name → address → [updates on WhatsApp? 1 yes / 2 no] → registered (one ticket per conversation) → "done"

The WhatsApp question (domain/consent.py) comes only where the district sends citizens WhatsApp, and only
to a phone that never answered it (its caller item, read once, at the address); the answer goes on the ticket
and the caller's item in the registration's transaction. STOP on WhatsApp withdraws it at any point, START
gives it again, on the caller and on their open tickets.

The conversation is one small item per (district, phone, channel), saved conditional on its version with
the MessageSid it answered and the reply it gave: a retried webhook gets the same reply and moves nothing.
It lives a day (WhatsApp's session window); after that, or on "0"/RESTART, the next message starts over.

What is not a conversation keeps its old way: officers' commands and, outside a conversation, citizens'
feedback (1/2, REOPEN) go to domain/inbox.py; STATUS <number> is answered at any point.

A sign-language video call (domain/video_calls.py): "वीडियो" or "video" on WhatsApp, at any point, or the video
choice the first menu shows where the district takes video calls, books one through the handler's `video`
(operations/video_booking.py); the notifier sends the link, the reply says it is on its way and when to open it.
A citizen with a resolved complaint who answers "वीडियो" instead of 1/2 gets the call to give their feedback.
The booking's reply is saved on the conversation like any other, so a retried webhook books nothing twice.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from chalicelib.domain.callers import OverDailyLimit
from chalicelib.domain.clock import IST, Clock, iso, parse_iso
from chalicelib.domain.commands import Unparsable, parse
from chalicelib.domain.complaint_number import is_valid
from chalicelib.domain.consent import WhatsAppConsent, asks_consent, chat_says_yes, consent_keyword
from chalicelib.domain.conversation import CHAT_TTL, Conversation, conversation_key
from chalicelib.domain.district import District
from chalicelib.domain.inbox import handle_message
from chalicelib.domain.intake import register_chat_complaint
from chalicelib.domain.late import days_late, expected_at, late_values
from chalicelib.domain.notices import citizen_date
from chalicelib.domain.ports import (
    CallerHistory,
    ConversationMoved,
    Conversations,
    Directory,
    EventDispatcher,
    TicketStore,
)
from chalicelib.domain.registration import ChatComplaint
from chalicelib.domain.ticket import CLOSED, RESOLVED, Ticket
from chalicelib.domain.video_calls import VideoCall, VideoRefused, is_now, signers
from chalicelib.i18n import Catalog, catalog

MAX_DESCRIPTION = 500  # characters: about three long SMS
MAX_NAME = 60
MAX_ADDRESS = 200
RESTART_WORDS = ("0", "RESTART")
STATUS_WORDS = ("STATUS", "स्थिति")
SEEN_SIDS = 10

LANGUAGE, CATEGORY, DESCRIPTION, NAME, ADDRESS, DONE = "language", "category", "description", "name", "address", "done"
CONSENT = "consent"
KIND = "kind"
# The open tickets a STOP or START changes at most: one transaction (2 items each, and the caller's item).
MOST_TICKETS_PER_CONSENT = 40

_DEVANAGARI = re.compile(r"[\u0900-\u097F]")

# The words that ask for a sign-language video call, in any case, with or without a full stop.
VIDEO_WORDS = frozenset({"वीडियो", "विडियो", "वीडियो कॉल", "video", "video call", "videocall"})
# Books a video call: (district, phone, language, source) -> the booking; raises VideoRefused. The handler's, over
# operations/video_booking.request_video, so this module stays free of the store.
VideoBooker = Callable[[District, str, str, str], VideoCall]


@dataclass(frozen=True)
class IncomingText:
    phone: str  # E.164, without the whatsapp: prefix
    channel: str  # whatsapp, sms
    body: str
    message_sid: str
    media_url: str | None = None  # Twilio's MediaUrl0: kept as evidence, never shown
    media_type: str | None = None


def answer_text(message: IncomingText, district: District | None, directory: Directory, tickets: TicketStore,
                conversations: Conversations, dispatcher: EventDispatcher, clock: Clock,
                callers: CallerHistory | None = None, video: VideoBooker | None = None) -> str:
    """The reply to one incoming text. `district` owns the number texted (None: a number of no district, where
    only commands are understood). `callers`: where the citizen's answer on WhatsApp updates is kept (without
    it the conversation asks nothing and STOP is no keyword). `video`: books a sign-language video call (without
    it the chat offers none)."""
    if district is None or message.phone in district.officer_phones():
        return _inbox(message, district, directory, tickets, dispatcher, clock)
    if message.phone in directory.blocked_phones(district.code):
        return catalog(district.default_language).text("caller_blocked")  # no conversation, no ticket
    keyword = consent_keyword(message.body) if message.channel == "whatsapp" and callers else None
    if callers is not None and keyword is not None:
        return consent_by_keyword(message.phone, keyword, district, callers, clock)
    asked = status_query(message.body)
    if asked is not None:
        return status_reply(asked, message.phone, district, tickets, clock.now())
    key = conversation_key(district.code, message.phone, message.channel)
    for _attempt in range(2):  # a concurrent message moved it: once more on what it left
        current = conversations.get(key)
        if current and message.message_sid in (current.last_sid, *current.seen_sids):
            return current.last_reply  # a retry: the same answer (or, for an older one, where things stand)
        live = current if current and is_live(current, clock) else None
        if video is not None and asks_video(message, live, district):
            after, reply = video_turn(live, message, district, tickets, video, clock)
        elif live is None and _for_the_inbox(message.body, message.phone, tickets):
            return _inbox(message, district, directory, tickets, dispatcher, clock)
        else:
            after, reply = advance(live, message, district, tickets, dispatcher, clock, callers,
                                   offers_video=video is not None)
        version = current.version if current else 0
        seen = (*(current.seen_sids if current else ()), message.message_sid)[-SEEN_SIDS:]
        after = replace(after, key=key, version=version + 1, updated_at=iso(clock.now()),
                        last_sid=message.message_sid, last_reply=reply, seen_sids=seen)
        try:
            conversations.save(after, version)
            return reply
        except ConversationMoved:
            continue
    current = conversations.get(key)
    if current and current.last_sid == message.message_sid:
        return current.last_reply
    return catalog(district.default_language).text("technical_problem")


def is_live(conversation: Conversation, clock: Clock) -> bool:
    return conversation.step != DONE and clock.now() - parse_iso(conversation.updated_at) < CHAT_TTL


def advance(live: Conversation | None, message: IncomingText, district: District, tickets: TicketStore,
            dispatcher: EventDispatcher, clock: Clock,
            callers: CallerHistory | None = None, offers_video: bool = False) -> tuple[Conversation, str]:
    """The conversation after this message and the reply; registers the ticket at the last step. `offers_video`:
    the first menu offers a sign-language video call (where the district takes them)."""
    text = message.body.strip()
    if live is None or text.upper() in RESTART_WORDS:
        return _start(message, district, offers_video)
    conversation = _with_media(live, message)
    language = conversation.language or district.default_language
    words = catalog(language)
    if conversation.step == LANGUAGE:
        chosen = _language_choice(text, district)
        if chosen is None:
            return conversation, language_menu(district, _offers_video(message, district) if offers_video else None)
        return _after_language(replace(conversation, language=chosen), district, chosen)
    if conversation.step == KIND:
        key = int(text) if text.isascii() and text.isdigit() else 0
        if not 1 <= key <= len(district.kinds):
            return conversation, words.text("chat_bad_kind", most=len(district.kinds)) + "\n" + \
                _kind_lines(district, language)
        kind = district.kinds[key - 1]
        return replace(conversation, kind=None if kind == "complaint" else kind, step=CATEGORY), \
            category_menu(district, language)
    if conversation.step == CATEGORY:
        category = district.category_by_key(text)
        if category is None:
            return conversation, words.text("chat_bad_category", most=len(district.categories)) + "\n" + \
                _menu_lines(district, language)
        return replace(conversation, category=category.id, step=DESCRIPTION), words.text("chat_ask_description")
    if conversation.step == DESCRIPTION:
        if not text and not message.media_url:
            return conversation, words.text("chat_description_empty")
        if len(text) > MAX_DESCRIPTION:
            return conversation, words.text("chat_too_long", most=MAX_DESCRIPTION, length=len(text))
        return replace(conversation, description=text, step=NAME), words.text("chat_ask_name")
    if conversation.step == NAME:
        refusal = _refusal(text, MAX_NAME, "chat_name_empty", words)
        if refusal:
            return conversation, refusal
        return replace(conversation, caller_name=text, step=ADDRESS), words.text("chat_ask_address")
    if conversation.step == CONSENT:
        answer = WhatsAppConsent(chat_says_yes(text), iso(clock.now()), conversation.channel)
        return _register(conversation, district, tickets, dispatcher, clock, words, answer, new=True)
    refusal = _refusal(text, MAX_ADDRESS, "chat_address_empty", words)
    if refusal:
        return conversation, refusal
    conversation = replace(conversation, address=text)
    known = callers.consent(conversation.phone) if callers is not None and asks_consent(district) else None
    if callers is not None and asks_consent(district) and known is None:
        # On WhatsApp the citizen is here already: keep writing here? On SMS: may WhatsApp carry the updates?
        return replace(conversation, step=CONSENT), words.text(f"consent_chat_{conversation.channel}")
    return _register(conversation, district, tickets, dispatcher, clock, words, known)


def _start(message: IncomingText, district: District, offers_video: bool = False) -> tuple[Conversation, str]:
    """A new conversation. The language menu is skipped when the district has one language, or the first
    message is written in Devanagari (Hindi); Latin script is no sign of English (Hinglish is common). Its first
    menu ends with the video call's choice where the district takes them (`offers_video`)."""
    conversation = _with_media(Conversation(
        key="", conversation_id=message.message_sid, district=district.code, phone=message.phone,
        channel=message.channel, step=LANGUAGE, updated_at=""), message)
    video = _offers_video(message, district) if offers_video else None
    chosen = None
    if len(district.languages) == 1:
        chosen = district.languages[0]
    elif _DEVANAGARI.search(message.body) and "hi" in district.languages:
        chosen = "hi"
    if chosen is None:
        return conversation, language_menu(district, video)
    after, reply = _after_language(replace(conversation, language=chosen), district, chosen)
    if video is None:
        return after, reply
    return after, reply + "\n" + _video_line(video, [chosen])


def _after_language(conversation: Conversation, district: District, language: str) -> tuple[Conversation, str]:
    """The kind first where the district takes more than complaints, else straight to the categories."""
    if len(district.kinds) > 1:
        return replace(conversation, step=KIND), catalog(language).text("chat_choose_kind") + "\n" + \
            _kind_lines(district, language)
    return replace(conversation, step=CATEGORY), category_menu(district, language)


def _kind_lines(district: District, language: str) -> str:
    words = catalog(language)
    return "\n".join(f"{n} {words.text(f'kind_{kind}')}" for n, kind in enumerate(district.kinds, 1))


def _register(conversation: Conversation, district: District, tickets: TicketStore, dispatcher: EventDispatcher,
              clock: Clock, words: Catalog, consent: WhatsAppConsent | None = None,
              new: bool = False) -> tuple[Conversation, str]:
    """`consent`: the citizen's answer on WhatsApp updates, copied on the ticket; `new`: given in this
    conversation, so kept on the caller's item too (in the same transaction)."""

    complaint = ChatComplaint(
        conversation_id=conversation.conversation_id, caller_phone=conversation.phone,
        channel=conversation.channel, language=conversation.language or district.default_language,
        category_id=conversation.category or district.catch_all.id, description=conversation.description or "",
        caller_name=conversation.caller_name or "", address=conversation.address or "",
        media_url=conversation.media_url, media_type=conversation.media_type, consent=consent,
        consent_is_new=new, kind=conversation.kind or "complaint")
    try:
        result = register_chat_complaint(complaint, district, tickets, dispatcher, clock)
    except OverDailyLimit:
        return replace(conversation, step=DONE), words.text("chat_over_limit",
                                                            most=district.callers.complaints_per_day)
    number = result.complaint_number
    said = "chat_registered" if not conversation.kind else f"chat_registered_{conversation.kind}"
    return replace(conversation, step=DONE, complaint_number=number), words.text(said, number=number)


def _refusal(text: str, most: int, empty_key: str, words: Catalog) -> str | None:
    if not text:
        return words.text(empty_key)
    if len(text) > most:
        return words.text("chat_too_long", most=most, length=len(text))
    return None


def _with_media(conversation: Conversation, message: IncomingText) -> Conversation:
    """The first photo or voice note of the conversation is kept (one per complaint, like one recording)."""
    if message.media_url and not conversation.media_url:
        return replace(conversation, media_url=message.media_url, media_type=message.media_type or "")
    return conversation


def _language_choice(text: str, district: District) -> str | None:
    if text.isascii() and text.isdigit() and 1 <= int(text) <= len(district.languages):
        return district.languages[int(text) - 1]
    if _DEVANAGARI.search(text) and "hi" in district.languages:
        return "hi"
    return None


def language_menu(district: District, video_key: str | None = None) -> str:
    """The languages, each in its own words; `video_key`: the video call's choice after them, in every language."""
    heading = " / ".join(catalog(lang).text("chat_welcome") for lang in district.languages)
    options = [catalog(lang).text("chat_language_option", key=n) for n, lang in enumerate(district.languages, 1)]
    video = [_video_line(video_key, district.languages)] if video_key else []
    return "\n".join([heading, *options, *video])


def category_menu(district: District, language: str) -> str:
    return catalog(language).text("chat_choose_category") + "\n" + _menu_lines(district, language)


def _menu_lines(district: District, language: str) -> str:
    return "\n".join(f"{n} {c.names.get(language) or c.id}" for n, c in enumerate(district.categories, 1))


def _for_the_inbox(body: str, phone: str, tickets: TicketStore) -> bool:
    """Outside a conversation, a command naming a complaint number (DONE <no>, REOPEN <no>, 2 <no>) is the
    inbox's, which answers a stranger "not yours"; a bare 1 or 2 is feedback only from someone with a
    complaint — from anyone else it is a first hello."""
    try:
        command = parse(body)
    except Unparsable:
        return False
    return bool(command.number) or bool(tickets.recent_for_caller(phone, 1))


def _inbox(message: IncomingText, district: District | None, directory: Directory, tickets: TicketStore,
           dispatcher: EventDispatcher, clock: Clock) -> str:
    return handle_message(message.phone, message.channel, message.body, directory, tickets, dispatcher, clock,
                          district).text


# -- a sign-language video call -------------------------------------------------------------------------

def _offers_video(message: IncomingText, district: District) -> str | None:
    """The first menu's video choice (the number after the menu's options) where the district takes video calls
    and someone on its roster signs; None: no choice offered (SMS too: the link's reply is WhatsApp's)."""
    if message.channel != "whatsapp" or not district.video.enabled or not signers(district):
        return None
    if len(district.languages) > 1 and not (_DEVANAGARI.search(message.body) and "hi" in district.languages):
        return str(len(district.languages) + 1)
    return str((len(district.kinds) if len(district.kinds) > 1 else len(district.categories)) + 1)


def _video_line(key: str, languages: list[str] | tuple[str, ...]) -> str:
    return f"{key} " + " / ".join(catalog(lang).text("video_chat_option") for lang in languages)


def is_video_word(body: str) -> bool:
    return " ".join(body.strip().rstrip(".!।?").split()).casefold() in VIDEO_WORDS


def asks_video(message: IncomingText, live: Conversation | None, district: District) -> bool:
    """The word at any point on WhatsApp, or the first menu's video choice in answer to that menu."""
    if message.channel != "whatsapp":
        return False
    if is_video_word(message.body):
        return True
    if live is None or not district.video.enabled or not signers(district):
        return False
    text = message.body.strip()
    if live.step == LANGUAGE:  # the language menu shows the choice every time it is shown
        return text == str(len(district.languages) + 1)
    # A kind or category menu shows it only as the chat's first answer: this message answers that answer.
    first = live.last_sid == live.conversation_id
    options = len(district.kinds) if live.step == KIND else len(district.categories)
    return first and live.step in (KIND, CATEGORY) and text == str(options + 1)


def video_turn(live: Conversation | None, message: IncomingText, district: District, tickets: TicketStore,
               video: VideoBooker, clock: Clock) -> tuple[Conversation, str]:
    """Book the call (a feedback call where the citizen has a resolved complaint waiting for their 1/2) and say
    what happened. A booking ends the conversation (the complaint is told on the call); a refusal leaves it
    where it was, so the citizen may go on writing."""
    resolved = _resolved_ticket(message.phone, district, tickets)
    language = (resolved.language if resolved else None) or (live.language if live else None) or \
        ("hi" if _DEVANAGARI.search(message.body) and "hi" in district.languages else district.default_language)
    words = catalog(language)
    conversation = live or Conversation(
        key="", conversation_id=message.message_sid, district=district.code, phone=message.phone,
        channel=message.channel, step=DONE, updated_at="", language=language)
    try:
        call = video(district, message.phone, language, "feedback" if resolved else "whatsapp")
    except VideoRefused as refused:
        return conversation, words.text(refusal_key(refused.code), most=refused.values.get(
            "most", district.video.per_day))
    if is_now(call, clock.now()):
        reply = words.text("video_chat_now")
    else:
        reply = words.text("video_chat_later", time=written_time(words, call.slot_at))
    if resolved:
        reply = words.text("video_chat_feedback", number=resolved.complaint_number) + " " + reply
    return replace(conversation, step=DONE, language=language), reply


def _resolved_ticket(phone: str, district: District, tickets: TicketStore) -> Ticket | None:
    """The citizen's latest complaint in this district that waits for their feedback."""
    resolved = [t for t in tickets.recent_for_caller(phone) if t.status == RESOLVED and t.district == district.code]
    return max(resolved, key=lambda t: t.resolved_at or "", default=None)


def refusal_key(code: str) -> str:
    """The catalog's words for a refused video call (video_off, no_signer, video_cap, video_no_phone)."""
    return f"video_refused_{code}" if code in ("video_off", "no_signer", "video_cap", "video_no_phone") \
        else "video_refused_video_off"


def written_time(words: Catalog, iso_time: str) -> str:
    """An IST time as a reply writes it: "01-12-2026 को 10:00 बजे", "10:00 on 01-12-2026"."""
    return words.text("video_time", date=citizen_date(iso_time), clock=f"{parse_iso(iso_time).astimezone(IST):%H:%M}")


# -- STOP / START on WhatsApp ---------------------------------------------------------------------------

def consent_by_keyword(phone: str, given: bool, district: District, callers: CallerHistory, clock: Clock) -> str:
    """STOP (False) or START (True) texted on WhatsApp: the answer on the caller and on their open tickets, so
    every later message of those tickets honours it; one Query and one TransactWrite."""
    tickets = callers.caller_tickets(phone)
    still_open = [t.complaint_number for t in tickets if t.is_open][:MOST_TICKETS_PER_CONSENT]
    callers.record_consent(phone, WhatsAppConsent(given, iso(clock.now()), "whatsapp"), still_open)
    words = catalog(tickets[0].language if tickets else district.default_language)
    return words.text("consent_started" if given else "consent_stopped")


# -- STATUS <number> ------------------------------------------------------------------------------------

def status_query(body: str) -> str | None:
    """The complaint number asked about ("" for the latest), or None when the message is no status query."""
    words = body.strip().split()
    if not words or words[0].upper().rstrip(".:") not in STATUS_WORDS:
        return None
    return re.sub(r"[^A-Z0-9]", "", words[1].upper()) if len(words) > 1 else ""


def status_reply(number: str, phone: str, district: District, tickets: TicketStore,
                 now: datetime | None = None) -> str:
    """Only the citizen's own complaints are described; anyone else's reads as not found. One read when the
    number is the citizen's own; the caller's latest ticket is queried only for "STATUS" alone or to pick
    the language of a refusal."""
    asked = tickets.get(number) if is_valid(number) else None
    if asked is not None and asked.caller_phone == phone:
        return _status_of(asked, now)
    recent = tickets.recent_for_caller(phone, 1)
    if not number and recent:
        return _status_of(recent[0], now)
    words = catalog(recent[0].language if recent else district.default_language)
    return words.text("reply_not_found", number=number) if number else words.text("chat_status_none")


def _status_of(ticket: Ticket, now: datetime | None = None) -> str:
    words = catalog(ticket.language)
    status = words.text(f"chat_status_{ticket.status}")
    if ticket.status in (RESOLVED, CLOSED):
        return words.text("chat_status_done", number=ticket.complaint_number, status=status,
                          date=citizen_date(ticket.closed_at or ticket.resolved_at or ticket.created_at))
    late = days_late(ticket, now) if now is not None else 0
    if late:  # past its date: how late, and with whom, never the passed date
        return words.text("chat_status_late", number=ticket.complaint_number, status=status,
                          **late_values(words, ticket, late))
    return words.text("chat_status_open", number=ticket.complaint_number, status=status,
                      date=citizen_date(expected_at(ticket)))
