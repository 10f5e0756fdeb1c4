"""An officer acts on a ticket from the officers' IVR: the same ticket actions (domain/ticket_actions.py), the
same lifecycle and authorisation as their SMS commands and the console, written with the same commit — one
consistent GetItem and one TransactWrite. A spoken remark or reason is kept as evidence: its recording URL on
the action's timeline entry.

Nothing changes twice: an action another officer made first (or this call's own replayed webhook) is refused by
the lifecycle on the ticket as it now is, and a write that lost the race to a concurrent one changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from chalicelib.domain.commit import commit
from chalicelib.domain.district import District
from chalicelib.domain.lifecycle import Change, Lifecycle, NotAllowed
from chalicelib.domain.officer_work import officer_actor
from chalicelib.domain.ports import EventDispatcher, TicketStore
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.ticket_actions import TicketAction, call_arguments

DONE = "done"
REFUSED = "refused"  # the lifecycle said no: `reason` is its key (not_open, not_yours, already_acknowledged…)
STALE = "stale"  # someone changed the ticket between our read and our write: nothing written
GONE = "gone"  # no such ticket in this district


@dataclass(frozen=True)
class VoiceOutcome:
    result: str
    before: Ticket | None  # the ticket as read (None when GONE)
    after: Ticket | None = None  # the ticket the action made, when DONE
    reason: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ticket(self) -> Ticket | None:
        """The ticket as it now stands, as far as this call knows."""
        return self.after or self.before


def act_by_voice(action: TicketAction, number: str, given: dict[str, Any], phone: str, district: District,
                 now: datetime, tickets: TicketStore, dispatcher: EventDispatcher,
                 evidence_url: str | None = None, read: Ticket | None = None) -> VoiceOutcome:
    """`read`: the ticket as this request just read it (consistently), so it is not read twice."""
    ticket = read if read is not None and read.complaint_number == number else tickets.get(number)
    if ticket is None or ticket.district != district.code:
        return VoiceOutcome(GONE, None)
    try:
        change = action.perform(Lifecycle(district, now), ticket, officer_actor(phone, district),
                                *call_arguments(action, given))
    except NotAllowed as refusal:
        return VoiceOutcome(REFUSED, ticket, reason=refusal.reason, details=refusal.details)
    if evidence_url:
        change = _with_evidence(change, evidence_url)
    if not commit(change, tickets, dispatcher):
        return VoiceOutcome(STALE, ticket)
    return VoiceOutcome(DONE, ticket, change.after)


def _with_evidence(change: Change, recording_url: str) -> Change:
    """The officer's spoken words stay with the action: the recording's URL on its timeline entry."""
    return replace(change, timeline=tuple(replace(entry, detail={**entry.detail, "recording_url": recording_url})
                                          for entry in change.timeline))
