"""Tickets: a complaint's record, its timeline entries, and the counter increments its changes make.

What a new complaint becomes (the ticket and everything written with it) is domain/registration.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chalicelib.domain.transcript_fields import spoken_fields
from chalicelib.domain.transcripts import DONE, Transcript

REGISTERED = "registered"
ACKNOWLEDGED = "acknowledged"
REOPENED = "reopened"
RESOLVED = "resolved"
CLOSED = "closed"
OPEN_STATUSES = (REGISTERED, ACKNOWLEDGED, REOPENED)


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
    # The citizen's answer to "updates on WhatsApp?" (domain/consent.py), copied from the caller: yes/no, and
    # when it was given (None: never asked, so the IVR asks).
    whatsapp_consent: bool = False
    whatsapp_consent_at: str | None = None
    # The recording's transcript (domain/transcripts.py Transcript.to_json()); None until a job has ended.
    transcript: dict[str, Any] | None = None
    # Another category the transcript's words point to than the key the caller pressed (the district's
    # keyword lists): shown to the operator as a suggestion, never applied by itself.
    category_hint: str | None = None
    # The date an approved extension told the citizen (domain/late.py): their expected date from then on, beside
    # the SLA; an escalation's new level clock is the officers', never promised to the citizen.
    promised_at: str | None = None
    # emergency, urgent or normal (domain/clocks.py): the clocks it runs on; open emergencies head the lists.
    urgency: str = "normal"
    # An emergency's calls to the officer at its level (domain/officer_rings.py): how many were placed there, and
    # when the next is due; None once one pressed 1 (acknowledged), or for any other urgency.
    officer_rings: int = 0
    officer_ring_due_at: str | None = None
    # complaint, suggestion, demand or request (domain/district.py KINDS): how it ends; a request's blanks.
    kind: str = "complaint"
    form: dict[str, str] | None = None

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


def snapshot(ticket: Ticket) -> dict[str, Any]:
    """What every event carries, so consumers can act without reading the ticket."""
    return {"district": ticket.district, "department": ticket.department, "level": ticket.level,
            "category": ticket.category, "caller_phone": ticket.caller_phone, "language": ticket.language,
            "status": ticket.status, "level_due_at": ticket.level_due_at, "sla_due_at": ticket.sla_due_at,
            "created_at": ticket.created_at, "has_recording": bool(ticket.recording_sid),
            "caller_name": ticket.caller_name or "-", "address": ticket.address or "",
            "summary": _summary(ticket.description or _heard(ticket)), "channel": ticket.channel,
            "whatsapp_consent": ticket.whatsapp_consent, "urgency": ticket.urgency, "kind": ticket.kind}


SUMMARY_CHARACTERS = 60  # the start of a written complaint, in the officer's SMS (Hindi: 70 per segment)


def _summary(description: str | None) -> str:
    text = " ".join((description or "").split())
    return text if len(text) <= SUMMARY_CHARACTERS else text[:SUMMARY_CHARACTERS - 1].rstrip() + "…"


def _heard(ticket: Ticket) -> str:
    """The complaint as the transcript has it, without the caller's introduction (their name and village are
    the ticket's own fields): the machine's text only when it was sure enough, a person's correction always.
    A low-confidence text stays out of the officer's message: they hear the recording instead."""
    transcript = Transcript.from_json(ticket.transcript)
    if transcript is None or (transcript.corrected_text is None and transcript.status != DONE):
        return ""
    return spoken_fields(transcript.best_text, ticket.language).complaint
