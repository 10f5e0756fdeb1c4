"""What an officer hears on their IVR: their open complaints (their posts' queues) and the requests they
decide (the pending extensions and closures of the level below), one by one, and how much time each has left.

Pure: the handler reads the queues through the OfficerQueues port and passes them in; the actions themselves
are the ticket actions' table and the lifecycle (operations/officer_voice.py), as on SMS and in the console.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain.clock import parse_iso
from chalicelib.domain.district import LEVELS, District
from chalicelib.domain.lifecycle import Actor, next_level
from chalicelib.domain.ports import OfficerQueues
from chalicelib.domain.ticket import Ticket

CHANNEL = "voice"  # on the timeline: every action taken on the officers' IVR
COMPLAINT = "complaint"  # a ticket at one of the officer's posts
REQUEST = "request"  # a ticket at the post below with a request the officer decides
KINDS = (COMPLAINT, REQUEST)
PER_POST = 20  # read per post and per kind: more than anyone works through on one call


@dataclass(frozen=True)
class WorkItem:
    ticket: Ticket
    kind: str  # COMPLAINT or REQUEST


def officer_actor(phone: str, district: District) -> Actor:
    """The officer as their SMS commands know them (domain/inbox.py), acting by voice."""
    posts = tuple(district.posts_of(phone))
    if district.collector and district.collector.phone == phone:
        return Actor("collector", phone, CHANNEL, posts)
    return Actor("officer", phone, CHANNEL, posts)


def officer_name(phone: str, district: District) -> str:
    if district.collector and district.collector.phone == phone:
        return district.collector.name
    return next((o.name for d in district.departments.values() for o in d.officers.values() if o.phone == phone),
                phone)


def work_list(district: District, actor: Actor, queues: OfficerQueues) -> list[WorkItem]:
    """Complaints first (the nearest deadline first, across posts), then the requests to decide."""
    complaints: dict[str, Ticket] = {}
    requests: dict[str, Ticket] = {}
    for department, level in actor.posts:
        for ticket in queues.post_tickets(district.code, department, level, PER_POST):
            complaints[ticket.complaint_number] = ticket
        below = _level_below(level)
        if below:
            for ticket in queues.pending_requests(district.code, department, below, PER_POST):
                if ticket.pending and ticket.pending.get("by") != actor.id:
                    requests[ticket.complaint_number] = ticket

    def order(ticket: Ticket) -> tuple[str, str]:
        return ticket.level_due_at, ticket.complaint_number

    return ([WorkItem(t, COMPLAINT) for t in sorted(complaints.values(), key=order)]
            + [WorkItem(t, REQUEST) for t in sorted(requests.values(), key=order)])


def still_listed(ticket: Ticket, kind: str, actor: Actor) -> bool:
    """Whether the ticket is still in the officer's list as `kind` (after an action, or a refusal)."""
    if not ticket.is_open:
        return False
    if kind == COMPLAINT:
        return (ticket.department, ticket.level) in actor.posts
    if not ticket.pending:
        return False
    above = next_level(str(ticket.pending.get("level")))
    return above is not None and (ticket.department, above) in actor.posts


@dataclass(frozen=True)
class TimeLeft:
    late: bool
    days: int
    hours: int


def time_left(ticket: Ticket, now: datetime) -> TimeLeft:
    """Until the level's deadline (what the officer is held to), in whole days and hours, rounded down."""
    seconds = int((parse_iso(ticket.level_due_at) - now).total_seconds())
    late, seconds = seconds < 0, abs(seconds)
    hours = seconds // 3600
    return TimeLeft(late, hours // 24, hours % 24)


def complaint_text(ticket: Ticket, most: int = 160) -> str | None:
    """The start of the complaint's own words, when it has any in writing (an operator's or a chat's text)."""
    text = " ".join((ticket.description or "").split())
    if not text:
        return None
    if len(text) <= most:
        return text
    cut = text[:most].rsplit(" ", 1)[0]
    return (cut or text[:most]) + "…"


def _level_below(level: str) -> str | None:
    index = LEVELS.index(level) if level in LEVELS else 0
    return LEVELS[index - 1] if index > 0 else None
