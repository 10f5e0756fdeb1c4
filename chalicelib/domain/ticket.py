"""Tickets and their registration from a call.

A registration is everything that must be written together (ticket, first timeline entry, the call's
link to it, dashboard counters, the outbox event): the store writes it in one transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from chalicelib.domain.clock import Clock, iso, ist_date, ist_hour
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


@dataclass(frozen=True)
class RegistrationResult:
    complaint_number: str
    created: bool  # False when a retried webhook found the call's ticket already made


class UnknownCategory(ValueError):
    pass


def build_call_registration(complaint: CallComplaint, district: District, sequence: int,
                            clock: Clock) -> Registration:
    category = district.category(complaint.category_id)
    if category is None:
        raise UnknownCategory(complaint.category_id)
    hotline = district.hotline_for_line(complaint.line)
    now = clock.now()
    number = format_number(district.code, now, sequence)
    level_hours = district.level_hours.get("L1", category.sla_hours)
    ticket = Ticket(
        complaint_number=number,
        district=district.code,
        hotline=hotline.id if hotline else "",
        line=complaint.line,
        caller_phone=complaint.caller_phone,
        language=complaint.language,
        category=category.id,
        department=category.department,
        status=REGISTERED,
        level="L1",
        version=1,
        created_at=iso(now),
        sla_due_at=iso(add_hours(now, category.sla_hours, district.counted_hours)),
        level_due_at=iso(add_hours(now, level_hours, district.counted_hours)),
        level_started_at=iso(now),
        channel="ivr",
        call_sid=complaint.call_sid,
        recording_sid=complaint.recording_sid,
        recording_url=complaint.recording_url,
        recording_duration=complaint.recording_duration,
    )
    from chalicelib.domain.schedule import next_action_at

    ticket = replace(ticket, next_action_at=next_action_at(ticket, district))
    timeline = TimelineEntry(
        complaint_number=number, at=ticket.created_at, actor_type="citizen", actor_id=complaint.caller_phone,
        action="registered", channel="ivr",
        detail={"call_sid": complaint.call_sid, "recording_sid": complaint.recording_sid,
                "category": category.id, "department": category.department},
    )
    event = DomainEvent(type=TICKET_CREATED, complaint_number=number, version=1, at=ticket.created_at,
                        data={**snapshot(ticket), "actor": complaint.caller_phone})
    counters = (
        CounterIncrement(scope=f"DISTRICT#{district.code}", period=f"DAY#{ist_date(now)}",
                         figures={"registered": 1, f"dept_{category.department}": 1,
                                  f"cat_{category.id}": 1, f"lang_{complaint.language}": 1}),
        CounterIncrement(scope=f"LINE#{complaint.line}", period=f"HOUR#{ist_hour(now)}",
                         figures={"tickets": 1}),
    )
    return Registration(ticket=ticket, timeline=timeline, event=event, counters=counters)


def snapshot(ticket: Ticket) -> dict[str, Any]:
    """What every event carries, so consumers can act without reading the ticket."""
    return {"district": ticket.district, "department": ticket.department, "level": ticket.level,
            "category": ticket.category, "caller_phone": ticket.caller_phone, "language": ticket.language,
            "status": ticket.status, "level_due_at": ticket.level_due_at, "sla_due_at": ticket.sla_due_at,
            "created_at": ticket.created_at, "has_recording": bool(ticket.recording_sid)}
