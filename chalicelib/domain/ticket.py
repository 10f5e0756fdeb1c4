"""Tickets and their registration from a call.

A registration is everything that must be written together (ticket, first timeline entry, the call's
link to it, dashboard counters, the outbox event): the store writes it in one transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from chalicelib.domain.clock import Clock, iso
from chalicelib.domain.complaint_number import format_number
from chalicelib.domain.district import District
from chalicelib.domain.events import TICKET_CREATED, DomainEvent
from chalicelib.domain.working_time import add_hours

REGISTERED = "registered"
ACKNOWLEDGED = "acknowledged"
REOPENED = "reopened"
RESOLVED = "resolved"
CLOSED = "closed"
OPEN_STATUSES = (REGISTERED, ACKNOWLEDGED, REOPENED)


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


@dataclass(frozen=True)
class Ticket:
    complaint_number: str
    district: str
    hotline: str
    line: str
    caller_phone: str
    language: str
    category: str
    department: str
    status: str
    level: str
    version: int
    created_at: str
    sla_due_at: str
    level_due_at: str
    channel: str
    call_sid: str | None = None
    recording_sid: str | None = None
    recording_url: str | None = None
    recording_duration: int | None = None
    recording_confirmed: bool = False  # Twilio's recording status callback said "completed"
    level_started_at: str = ""
    reminders_sent: tuple[int, ...] = ()
    acknowledged_at: str | None = None
    resolved_at: str | None = None
    resolution_remark: str | None = None
    closed_at: str | None = None
    closure: str | None = None  # satisfied, no_response, special:<code>
    feedback_calls: int = 0
    feedback_due_at: str | None = None
    reopen_until: str | None = None
    reopen_count: int = 0
    flagged: bool = False  # brought to the Collector's notice
    sla_breached: bool = False
    pending: dict[str, Any] | None = None  # a request awaiting the level above: extension or closure
    next_action_at: str | None = None  # when the sweeper must look at it; None once nothing is due
    sla_risk_at: str = ""  # 80% of the SLA gone: the Collector's "at risk" list from here on
    sla_at_risk: bool = False  # set by the sweeper at sla_risk_at, so the at-risk list is an index, not a filter
    caller_name: str | None = None  # typed by an operator; the IVR's recording holds it otherwise
    address: str | None = None
    description: str | None = None  # an operator's written complaint (IVR tickets have the recording)
    registered_by: str | None = None  # the operator's user name, for console registrations
    media_url: str | None = None  # a chat complaint's photo or voice note (Twilio's URL: evidence, never shown)
    media_type: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class TimelineEntry:
    complaint_number: str
    at: str
    actor_type: str  # citizen, operator, officer, system
    actor_id: str
    action: str
    channel: str  # ivr, sms, whatsapp, console, system
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CounterIncrement:
    """ADD these figures to one counter item: scope is e.g. 'DISTRICT#RPR', period 'DAY#2026-11-22'."""

    scope: str
    period: str
    figures: dict[str, int]


@dataclass(frozen=True)
class Registration:
    ticket: Ticket
    timeline: TimelineEntry
    event: DomainEvent
    counters: tuple[CounterIncrement, ...]
    once_key: str | None = None  # e.g. chat#<conversation id>: registered once per key, like a call's CallSid
    # The caller's daily cap (domain/callers.py CallerDayLimit), enforced in the same transaction; None: no cap.
    caller_limit: Any = None


@dataclass(frozen=True)
class RegistrationResult:
    complaint_number: str
    created: bool  # False when a retried webhook found the call's ticket already made


class UnknownCategory(ValueError):
    pass


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


def build_call_registration(complaint: CallComplaint, district: District, sequence: int,
                            clock: Clock) -> Registration:
    return _registration(
        district, sequence, clock, category_id=complaint.category_id, caller_phone=complaint.caller_phone,
        language=complaint.language, line=complaint.line, channel=complaint.channel, actor=complaint.caller_phone,
        actor_type="citizen", call_sid=complaint.call_sid,
        extra={"recording_sid": complaint.recording_sid, "recording_url": complaint.recording_url,
               "recording_duration": complaint.recording_duration},
        detail={"call_sid": complaint.call_sid, "recording_sid": complaint.recording_sid})


def build_console_registration(complaint: ConsoleComplaint, district: District, sequence: int,
                               clock: Clock) -> Registration:
    return _registration(
        district, sequence, clock, category_id=complaint.category_id, caller_phone=complaint.caller_phone,
        language=complaint.language, line="", channel="console", actor=complaint.operator,
        actor_type="operator", call_sid=complaint.call_sid,
        extra={"caller_name": complaint.caller_name, "address": complaint.address,
               "description": complaint.description, "registered_by": complaint.operator},
        detail={"call_sid": complaint.call_sid} if complaint.call_sid else {})


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


def build_chat_registration(complaint: ChatComplaint, district: District, sequence: int,
                            clock: Clock) -> Registration:
    registration = _registration(
        district, sequence, clock, category_id=complaint.category_id, caller_phone=complaint.caller_phone,
        language=complaint.language, line="", channel=complaint.channel, actor=complaint.caller_phone,
        actor_type="citizen", call_sid=None,
        extra={"caller_name": complaint.caller_name, "address": complaint.address,
               "description": complaint.description or None, "media_url": complaint.media_url,
               "media_type": complaint.media_type},
        # The media's URL stays on the ticket (the console's timeline shows details as they are).
        detail={"conversation_id": complaint.conversation_id, "media_type": complaint.media_type}
        if complaint.media_type else {"conversation_id": complaint.conversation_id})
    return replace(registration, once_key=f"chat#{complaint.conversation_id}")


def sla_risk_at(created: datetime, sla_hours: int, district: District) -> str:
    return iso(add_hours(created, sla_hours * 0.8, district.counted_hours))


def _registration(district: District, sequence: int, clock: Clock, *, category_id: str, caller_phone: str,
                  language: str, line: str, channel: str, actor: str, actor_type: str, call_sid: str | None,
                  extra: dict[str, Any], detail: dict[str, Any]) -> Registration:
    from chalicelib.domain.figures import day_period, district_scope, line_day, open_gauges
    from chalicelib.domain.schedule import next_action_at

    category = district.category(category_id)
    if category is None:
        raise UnknownCategory(category_id)
    hotline = district.hotline_for_line(line) if line else None
    now = clock.now()
    number = format_number(district.code, now, sequence)
    level_hours = district.level_hours.get("L1", category.sla_hours)
    ticket = Ticket(
        complaint_number=number, district=district.code, hotline=hotline.id if hotline else "", line=line,
        caller_phone=caller_phone, language=language, category=category.id, department=category.department,
        status=REGISTERED, level="L1", version=1, created_at=iso(now),
        sla_due_at=iso(add_hours(now, category.sla_hours, district.counted_hours)),
        level_due_at=iso(add_hours(now, level_hours, district.counted_hours)),
        level_started_at=iso(now), channel=channel, call_sid=call_sid,
        sla_risk_at=sla_risk_at(now, category.sla_hours, district), **extra,
    )
    ticket = replace(ticket, next_action_at=next_action_at(ticket, district))
    timeline = TimelineEntry(
        complaint_number=number, at=ticket.created_at, actor_type=actor_type, actor_id=actor,
        action="registered", channel=channel,
        detail={**detail, "category": category.id, "department": category.department},
    )
    event = DomainEvent(type=TICKET_CREATED, complaint_number=number, version=1, at=ticket.created_at,
                        data={**snapshot(ticket), "actor": actor})
    dept = category.department
    counters = [
        CounterIncrement(scope=district_scope(district.code), period=day_period(now),
                         figures={"registered": 1, f"registered_{dept}": 1, f"dept_{dept}": 1,
                                  f"cat_{category.id}": 1, f"lang_{language}": 1, f"channel_{channel}": 1}),
        open_gauges(None, ticket),
    ]
    if line:
        counters.append(line_day(line, now, {"tickets": 1}))
    return Registration(ticket=ticket, timeline=timeline, event=event,
                        counters=tuple(c for c in counters if c is not None))


def snapshot(ticket: Ticket) -> dict[str, Any]:
    """What every event carries, so consumers can act without reading the ticket."""
    return {"district": ticket.district, "department": ticket.department, "level": ticket.level,
            "category": ticket.category, "caller_phone": ticket.caller_phone, "language": ticket.language,
            "status": ticket.status, "level_due_at": ticket.level_due_at, "sla_due_at": ticket.sla_due_at,
            "created_at": ticket.created_at, "has_recording": bool(ticket.recording_sid),
            "caller_name": ticket.caller_name or "-", "summary": _summary(ticket.description)}


SUMMARY_CHARACTERS = 60  # the start of a written complaint, in the officer's SMS (Hindi: 70 per segment)


def _summary(description: str | None) -> str:
    text = " ".join((description or "").split())
    return text if len(text) <= SUMMARY_CHARACTERS else text[:SUMMARY_CHARACTERS - 1].rstrip() + "…"
