"""When a ticket next needs the sweeper: a reminder, the level's deadline, a feedback call, or the
close after no answer. The due index holds only tickets with a time here, so the sweeper reads
what is due and never the whole backlog."""
from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.domain.clock import iso, parse_iso
from chalicelib.domain.district import SUGGESTION, District
from chalicelib.domain.ticket import RESOLVED, Ticket


def reminder_time(ticket: Ticket, percent: int) -> datetime:
    # A share of the wall time between the level's start and deadline; with office-hours clocks
    # the deadline already skips nights and holidays, so reminders fall in proportion.
    start, due = parse_iso(ticket.level_started_at), parse_iso(ticket.level_due_at)
    return start + (due - start) * percent / 100


def next_action_at(ticket: Ticket, district: District) -> str | None:
    times: list[datetime] = []
    if ticket.is_open:
        policy = district.follow_up
        if not ticket.flagged:
            times += [reminder_time(ticket, p) for p in policy.reminders_at_percent if p not in ticket.reminders_sent]
        # A flagged ticket waits for the Collector, not for the clock; a suggestion stays at L1 (Lifecycle._tick_open).
        if not ticket.flagged and ticket.kind != SUGGESTION:
            times.append(parse_iso(ticket.level_due_at))
            if ticket.officer_ring_due_at:  # an emergency's next call to its officer
                times.append(parse_iso(ticket.officer_ring_due_at))
        if not ticket.sla_breached:
            times.append(parse_iso(ticket.sla_due_at))
            if not ticket.sla_at_risk and ticket.sla_risk_at:  # the Collector's at-risk list starts here
                times.append(parse_iso(ticket.sla_risk_at))
    elif ticket.status == RESOLVED and ticket.feedback_due_at:
        times.append(parse_iso(ticket.feedback_due_at))
    return iso(min(times)) if times else None


# A complaint registered from a sign-language video call: its citizen may not hear, so no feedback call rings them;
# the resolution's message already asks for a reply (1/2, or "वीडियो" for a video call), and no answer closes it.
NO_FEEDBACK_CALLS = frozenset({"video"})


def feedback_call_hours(ticket: Ticket, district: District) -> tuple[int, ...]:
    """The hours after resolution at which this ticket's feedback calls are placed (none for a video call's)."""
    return () if ticket.channel in NO_FEEDBACK_CALLS else district.follow_up.feedback_call_hours


def feedback_due_after(ticket: Ticket, district: District, calls_made: int) -> str:
    """After the n-th feedback call, when the next one is due (or the close for no answer)."""
    policy = district.follow_up
    calls = feedback_call_hours(ticket, district)
    resolved = parse_iso(ticket.resolved_at or ticket.created_at)
    hours = calls[calls_made] if calls_made < len(calls) else policy.no_response_close_after_hours
    return iso(resolved + timedelta(hours=hours))
