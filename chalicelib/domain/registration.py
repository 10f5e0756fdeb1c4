"""Registration: what a new complaint — from a call, an operator or a chat — becomes.

A registration is everything that must be written together (ticket, first timeline entry, the call's
link to it, dashboard counters, the outbox event): the store writes it in one transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from chalicelib.domain import clocks
from chalicelib.domain.callers import CallerDayLimit
from chalicelib.domain.clock import Clock, iso
from chalicelib.domain.complaint_number import format_number
from chalicelib.domain.consent import WhatsAppConsent
from chalicelib.domain.district import COMPLAINT, EMERGENCY, NORMAL, REQUEST, Category, District, is_e164
from chalicelib.domain.events import TICKET_CREATED, DomainEvent
from chalicelib.domain.figures import day_period, district_scope, line_day, open_gauges
from chalicelib.domain.schedule import next_action_at
from chalicelib.domain.ticket import REGISTERED, CounterIncrement, Ticket, TimelineEntry, snapshot
from chalicelib.domain.transcripts import TRANSCRIBE_LANGUAGES


@dataclass(frozen=True)
class CallComplaint:
    """What the IVR collected by the time the recording finished."""

    call_sid: str
    caller_phone: str
    line: str
    language: str
    category_id: str
    recording_sid: str
    recording_url: str
    recording_duration: int
    channel: str = "ivr"  # "fallback": recorded by the static fallback TwiML, registered by the reconciler
    # The caller's answer on WhatsApp updates, known before the recording (domain/consent.py): copied on the ticket.
    whatsapp_consent: bool = False
    whatsapp_consent_at: str | None = None
    urgency: str | None = None  # the caller pressed the emergency key; None: the category's own
    kind: str = COMPLAINT  # the caller's answer to "complaint, suggestion or demand?" where the district asks


@dataclass(frozen=True)
class DaySequence:
    """The district's complaint-number sequence for an IST day moving from `number - 1` to `number`."""

    district: str
    ist_day: str
    number: int


@dataclass(frozen=True)
class Registration:
    ticket: Ticket
    timeline: TimelineEntry
    event: DomainEvent
    counters: tuple[CounterIncrement, ...]
    once_key: str | None = None  # e.g. chat#<conversation id>: registered once per key, like a call's CallSid
    # The caller's daily cap (domain/callers.py CallerDayLimit), enforced in the same transaction; None: no cap.
    caller_limit: CallerDayLimit | None = None
    # The ticket's number taken in the same transaction (domain/intake.py), so a registration that is refused
    # takes none; None: the number is the builder's to vouch for and no sequence moves.
    sequence: DaySequence | None = None
    # An answer on WhatsApp updates given with this complaint (chat, console): written on the caller's item in the
    # same transaction. None: nothing new to keep (the IVR asks after the recording, in its own step).
    consent: WhatsAppConsent | None = None
    # One more complaint of a call that has one (an operator's "another from this call"): linked to the call,
    # listed on its record, never refused as the call's replay. False: the call's one ticket, as the IVR's.
    more_on_call: bool = False


@dataclass(frozen=True)
class RegistrationResult:
    complaint_number: str
    created: bool  # False when a retried webhook found the call's ticket already made


class UnknownCategory(ValueError):
    pass


class KindNotOffered(ValueError):
    """The district takes no such kind (its file's `kinds`, and requests where it has forms)."""

    def __init__(self, kind: str, offered: tuple[str, ...]) -> None:
        super().__init__(f"{kind}: this district takes {', '.join(offered)}")
        self.kind, self.offered = kind, offered


class FormNotFilled(ValueError):
    """A request's form with a blank left empty, a phone that is not one, or a blank the form does not have."""

    def __init__(self, form: str, fields: tuple[str, ...]) -> None:
        super().__init__(f"{form}: {', '.join(fields)}")
        self.form, self.fields = form, fields


@dataclass(frozen=True)
class ConsoleComplaint:
    """What an operator typed for a caller (on a call, or after one)."""

    caller_phone: str
    category_id: str
    language: str
    description: str
    operator: str
    caller_name: str | None = None
    address: str | None = None
    call_sid: str | None = None
    whatsapp_consent: bool = False  # the operator ticked "the caller agrees to WhatsApp updates"
    urgency: str | None = None  # the operator marked it (emergency, urgent); None: the category's own
    kind: str = COMPLAINT
    form: dict[str, str] | None = None  # a request's blanks, by the form's field ids
    more_on_call: bool = False  # one more complaint from a call that has one (registration.more_on_call)
    # The console form's own id: the same form posted again (a double tap, a retry after a lost answer) registers
    # once. A call's first complaint needs none: the call is its key.
    submission: str | None = None
    channel: str = "console"  # "video": registered from a sign-language video call (domain/video_calls.py)


def build_call_registration(complaint: CallComplaint, district: District, sequence: int,
                            clock: Clock) -> Registration:
    return _registration(
        district, sequence, clock, category_id=complaint.category_id, caller_phone=complaint.caller_phone,
        language=complaint.language, line=complaint.line, channel=complaint.channel, actor=complaint.caller_phone,
        actor_type="citizen", call_sid=complaint.call_sid, urgency=complaint.urgency, kind=complaint.kind,
        extra={"recording_sid": complaint.recording_sid, "recording_url": complaint.recording_url,
               "recording_duration": complaint.recording_duration,
               "whatsapp_consent": complaint.whatsapp_consent, "whatsapp_consent_at": complaint.whatsapp_consent_at},
        detail={"call_sid": complaint.call_sid, "recording_sid": complaint.recording_sid})


def build_console_registration(complaint: ConsoleComplaint, district: District, sequence: int,
                               clock: Clock) -> Registration:
    # An unticked box is no answer (the operator may not have asked): the caller's item keeps what it had.
    consent = WhatsAppConsent(True, iso(clock.now()), "console") if complaint.whatsapp_consent else None
    form = filled_form(district, complaint.kind, complaint.category_id, complaint.form)
    description = complaint.description or (form_text(district, complaint.category_id, form, complaint.language)
                                            if form else "")
    registration = _registration(
        district, sequence, clock, category_id=complaint.category_id, caller_phone=complaint.caller_phone,
        language=complaint.language, line="", channel=complaint.channel, actor=complaint.operator,
        actor_type="operator", call_sid=complaint.call_sid, urgency=complaint.urgency, kind=complaint.kind,
        extra={"caller_name": complaint.caller_name, "address": complaint.address,
               "description": description, "registered_by": complaint.operator, "form": form,
               **_consent_fields(consent)},
        detail={"call_sid": complaint.call_sid} if complaint.call_sid else {})
    more_on_call = bool(complaint.call_sid and complaint.more_on_call)
    keyed = complaint.submission and (more_on_call or not complaint.call_sid)
    return replace(registration, consent=consent, more_on_call=more_on_call,
                   once_key=f"console#{district.code}#{complaint.submission}" if keyed else None)


def filled_form(district: District, kind: str, category_id: str,
                given: dict[str, str] | None) -> dict[str, str] | None:
    """A request's blanks as given, trimmed; FormNotFilled names every one left empty, wrong or unknown."""
    if kind != REQUEST:
        return None
    form = district.category(category_id)
    if form is None or not form.is_request:
        raise UnknownCategory(category_id)
    values = {str(k): " ".join(str(v or "").split()) for k, v in (given or {}).items()}
    known = {f.id for f in form.form}
    wrong = [f.id for f in form.form if (f.required and not values.get(f.id))
             or (f.type == "phone" and values.get(f.id) and not is_e164(values[f.id]))]
    wrong += sorted(k for k in values if k not in known)
    if wrong:
        raise FormNotFilled(form.id, tuple(wrong))
    return {f.id: values[f.id] for f in form.form if values.get(f.id)}


def form_text(district: District, category_id: str, form: dict[str, str], language: str) -> str:
    """The form as one line, in the form's order: what the officer's forward and search read."""
    found = district.category(category_id)
    fields = found.form if found else ()
    return "; ".join(f"{f.names.get(language, f.id)}: {form[f.id]}" for f in fields if f.id in form)


def _category_of_kind(district: District, category_id: str, kind: str) -> Category:
    if kind not in district.offered_kinds:
        raise KindNotOffered(kind, district.offered_kinds)
    category = district.category(category_id)
    if category is None or category.is_request != (kind == REQUEST):
        raise UnknownCategory(category_id)
    return category


def _consent_fields(consent: WhatsAppConsent | None) -> dict[str, Any]:
    return {"whatsapp_consent": consent.given, "whatsapp_consent_at": consent.at} if consent else {}


@dataclass(frozen=True)
class ChatComplaint:
    """What a citizen's WhatsApp or SMS conversation collected (chalicelib/domain/chat_intake.py)."""

    conversation_id: str  # the conversation's first MessageSid: one ticket per conversation
    caller_phone: str
    channel: str  # whatsapp, sms
    language: str
    category_id: str
    description: str
    caller_name: str
    address: str
    media_url: str | None = None
    media_type: str | None = None
    consent: WhatsAppConsent | None = None  # the citizen's answer, asked in the conversation or read from before
    consent_is_new: bool = False  # given in this conversation: kept on the caller's item too
    kind: str = COMPLAINT  # the citizen's answer to "a complaint, a suggestion or a demand?" where asked


def build_chat_registration(complaint: ChatComplaint, district: District, sequence: int,
                            clock: Clock) -> Registration:
    registration = _registration(
        district, sequence, clock, category_id=complaint.category_id, caller_phone=complaint.caller_phone,
        language=complaint.language, line="", channel=complaint.channel, actor=complaint.caller_phone,
        actor_type="citizen", call_sid=None, kind=complaint.kind,
        extra={"caller_name": complaint.caller_name, "address": complaint.address,
               "description": complaint.description or None, "media_url": complaint.media_url,
               "media_type": complaint.media_type, **_consent_fields(complaint.consent)},
        # The media's URL stays on the ticket (the console's timeline shows details as they are).
        detail={"conversation_id": complaint.conversation_id, "media_type": complaint.media_type}
        if complaint.media_type else {"conversation_id": complaint.conversation_id})
    return replace(registration, once_key=f"chat#{complaint.conversation_id}",
                   consent=complaint.consent if complaint.consent_is_new else None)


def transcribing(ticket: Ticket, district: District) -> bool:
    """Whether the ticket's recording goes to be transcribed: it has one, in a language Transcribe takes, and
    its district and category transcribe. `ticket.created` says so, and the officer's forward then waits for
    `ticket.transcribed` (domain/notices.py), so the officer reads what was said instead of only a link.
    The transcription's start (operations/transcription.py) decides with this same function: a forward that
    waits for a transcription nobody started would never go."""
    return bool(ticket.recording_sid) and ticket.language in TRANSCRIBE_LANGUAGES \
        and district.transcribes(ticket.category)


def _registration(district: District, sequence: int, clock: Clock, *, category_id: str, caller_phone: str,
                  language: str, line: str, channel: str, actor: str, actor_type: str, call_sid: str | None,
                  extra: dict[str, Any], detail: dict[str, Any], urgency: str | None = None,
                  kind: str = COMPLAINT) -> Registration:
    category = _category_of_kind(district, category_id, kind)
    urgency = urgency or (NORMAL if kind != COMPLAINT else category.urgency)
    hotline = district.hotline_for_line(line) if line else None
    now = clock.now()
    number = format_number(district.code, now, sequence)
    overall_due = clocks.sla_due(district, category, urgency, now, kind)  # NoClocksForUrgency: not offered
    ticket = Ticket(
        complaint_number=number, district=district.code, hotline=hotline.id if hotline else "", line=line,
        caller_phone=caller_phone, language=language, category=category.id, department=category.department,
        status=REGISTERED, level="L1", version=1, created_at=iso(now),
        sla_due_at=iso(overall_due),
        level_due_at=iso(clocks.level_due(district, category, urgency, "L1", now, overall_due, kind)),
        level_started_at=iso(now), channel=channel, call_sid=call_sid,
        sla_risk_at=iso(clocks.sla_risk(district, category, urgency, now, kind)), urgency=urgency, kind=kind,
        officer_ring_due_at=iso(now) if urgency == EMERGENCY else None, **extra,
    )
    ticket = replace(ticket, next_action_at=next_action_at(ticket, district))
    timeline = TimelineEntry(
        complaint_number=number, at=ticket.created_at, actor_type=actor_type, actor_id=actor,
        action="registered", channel=channel,
        detail={**detail, "category": category.id, "department": category.department,
                **({"urgency": urgency} if urgency != NORMAL else {}), **({"kind": kind} if kind != COMPLAINT else {})},
    )
    event = DomainEvent(type=TICKET_CREATED, complaint_number=number, version=1, at=ticket.created_at,
                        data={**snapshot(ticket), "actor": actor, "transcribing": transcribing(ticket, district)})
    dept = category.department
    counters = [
        CounterIncrement(scope=district_scope(district.code), period=day_period(now),
                         figures={"registered": 1, f"registered_{dept}": 1, f"dept_{dept}": 1, f"kind_{kind}": 1,
                                  f"cat_{category.id}": 1, f"lang_{language}": 1, f"channel_{channel}": 1}),
        open_gauges(None, ticket),
    ]
    if line:
        counters.append(line_day(line, now, {"tickets": 1}))
    return Registration(ticket=ticket, timeline=timeline, event=event,
                        counters=tuple(c for c in counters if c is not None))
