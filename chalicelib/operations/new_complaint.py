"""Before a caller records a new complaint: the daily cap and the repeat-caller offer, from one read of
their tickets."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.domain.callers import lookup_since, over_cap, registered_today, repeat_candidate
from chalicelib.domain.consent import answered_on, asks_consent, url_token
from chalicelib.domain.district import District, is_reachable
from chalicelib.domain.ports import CallerHistory
from chalicelib.domain.ticket import Ticket


@dataclass(frozen=True)
class NewComplaintCheck:
    """What the caller hears before the categories: nothing (neither set), the cap (with today's newest
    number), or the offer to add to their recent open complaint."""
    over_cap: bool = False
    latest_today: str | None = None
    earlier: Ticket | None = None
    # From the same tickets: the caller's answer on WhatsApp updates as the call's URLs carry it (domain/consent.py
    # url_token), to copy onto the new ticket; None: no answer found (the recording's step asks), or no question.
    consent: str | None = None


def check_new_complaint(caller: str, district: District, now: datetime, history: CallerHistory) -> NewComplaintCheck:
    if not is_reachable(caller):  # a withheld caller ID: no history to look at, no cap to count
        return NewComplaintCheck()
    tickets = history.caller_tickets(caller, since=lookup_since(district, now))
    if over_cap(tickets, district, caller, now):
        return NewComplaintCheck(over_cap=True,
                                 latest_today=registered_today(tickets, district, now)[0].complaint_number)
    return NewComplaintCheck(earlier=repeat_candidate(tickets, district, now),
                             consent=url_token(answered_on(tickets)) if asks_consent(district) else None)
