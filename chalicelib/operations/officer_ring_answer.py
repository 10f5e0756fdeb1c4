"""The officer's answer on an emergency's ring: the complaint read out, 1 to acknowledge, and the ticket acknowledged
in their name (domain/officer_rings.py places the ring).

Step 0 reads the complaint and asks for 1; pressing nothing or another key asks again, `MAX_TRIES` times. A ring
that is no longer due when the officer picks up (acknowledged in the console, moved a level up) says so briefly.
"""
from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.clock import Clock
from chalicelib.domain.commit import commit
from chalicelib.domain.lifecycle import Actor, Lifecycle, NotAllowed
from chalicelib.domain.officer_rings import ringing_still_due
from chalicelib.domain.ports import Directory, EventDispatcher, TicketStore
from chalicelib.domain.ticket import snapshot

ACKNOWLEDGE = "1"
MAX_TRIES = 3


@dataclass(frozen=True)
class RingReply:
    """Either closing words (the catalog key; the call ends) or the complaint and the question (step `ask_attempt`,
    after `retry_key`'s words), in the district's first language."""
    language: str
    closing: str | None = None
    ask_attempt: int = 0
    retry_key: str | None = None
    district_name: str = ""
    category_name: str = ""
    summary: str = ""
    address: str = ""


def answer_ring(number: str, level: str, attempt: int, digits: str, tickets: TicketStore, directory: Directory,
                dispatcher: EventDispatcher, clock: Clock) -> RingReply:
    ticket = tickets.get(number)
    district = directory.district(ticket.district) if ticket else None
    if ticket is None or district is None:
        return RingReply("hi", closing="technical_problem")
    language = district.default_language
    if not ringing_still_due(ticket, level):
        return RingReply(language, closing="ring_not_due")
    if attempt > 0 and digits == ACKNOWLEDGE:
        officer = district.officer(ticket.department, level)
        if officer is None:
            return RingReply(language, closing="ring_not_due")
        actor = Actor("officer", officer.phone, "ivr", tuple(district.posts_of(officer.phone)))
        try:
            change = Lifecycle(district, clock.now()).acknowledge(ticket, actor)
        except NotAllowed:
            return RingReply(language, closing="ring_not_due")
        if not commit(change, tickets, dispatcher):
            return RingReply(language, closing="technical_problem")
        return RingReply(language, closing="ring_acknowledged")
    if attempt >= MAX_TRIES:
        return RingReply(language, closing="ring_no_answer")
    category = district.category(ticket.category)
    facts = snapshot(ticket)
    return RingReply(language, ask_attempt=attempt + 1,
                     retry_key=None if attempt == 0 else ("wrong_key" if digits else "no_input"),
                     district_name=district.name_in(language),
                     category_name=category.names.get(language, category.id) if category else ticket.category,
                     summary=str(facts["summary"]), address=str(facts["address"]))
