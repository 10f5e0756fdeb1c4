"""The citizen's answer on their feedback call: what to say next, and the feedback on the ticket.

The call starts at attempt 0 (ask, with the introduction). Digits 1 or 2 are the answer; pressing nothing
or a wrong key asks again. A ticket no longer waiting for feedback gets a short goodbye instead of the
question.
"""
from __future__ import annotations

from dataclasses import dataclass

from chalicelib.domain.clock import Clock
from chalicelib.domain.commit import commit
from chalicelib.domain.lifecycle import Actor, Lifecycle, NotAllowed
from chalicelib.domain.ports import Directory, EventDispatcher, TicketStore
from chalicelib.domain.ticket import CLOSED, RESOLVED

ANSWERS = ("1", "2")  # 1: solved, 2: not solved


@dataclass(frozen=True)
class FeedbackReply:
    """Either closing words (the catalog key; the call ends) or the question again (its attempt, the words
    before it, and the district's name for the introduction)."""
    language: str
    closing: str | None = None
    ask_attempt: int = 0
    retry_key: str | None = None
    district_name: str = ""


def answer_feedback(number: str, attempt: int, digits: str, tickets: TicketStore, directory: Directory,
                    dispatcher: EventDispatcher, clock: Clock) -> FeedbackReply:
    ticket = tickets.get(number)
    district = directory.district(ticket.district) if ticket else None
    if ticket is None or district is None:
        return FeedbackReply("hi", closing="technical_problem")
    language, name = ticket.language, district.name_in(ticket.language)
    if ticket.status != RESOLVED and (attempt == 0 or digits not in ANSWERS):
        # Answered meanwhile (by SMS, on another call) or moved on: nothing to ask, so no question.
        return FeedbackReply(language, closing="goodbye")
    if attempt == 0:
        return FeedbackReply(language, ask_attempt=1, district_name=name)
    if digits not in ANSWERS:
        return FeedbackReply(language, ask_attempt=attempt + 1, retry_key="wrong_key" if digits else "no_input",
                             district_name=name)
    try:
        change = Lifecycle(district, clock.now()).feedback(
            ticket, Actor("citizen", ticket.caller_phone, "ivr"), satisfied=digits == "1")
    except NotAllowed:  # answered already (an SMS reply, or a second call): nothing left to ask
        return FeedbackReply(language, closing="goodbye")
    if not commit(change, tickets, dispatcher):
        return FeedbackReply(language, closing="technical_problem")
    return FeedbackReply(language, closing="feedback_thanks" if change.after.status == CLOSED else "feedback_reopened")
