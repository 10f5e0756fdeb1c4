"""The citizen's feedback call: the question, the answer, and the call's outcome on the timeline.

The call starts at attempt 0 (ask, with the introduction). A request with Digits 1 or 2 is the
answer; pressing nothing or a wrong key asks again, three times at most. An unanswered call changes
nothing: the sweeper places the next one when it is due. A ticket no longer waiting for feedback
when the citizen picks up gets a short goodbye instead of the question.
"""
from __future__ import annotations

from chalicelib import wiring
from chalicelib.handlers.webhook import EMPTY_TWIML
from chalicelib.routing import feedback_ivr


def answer(form: dict[str, str], params: dict[str, str]) -> str:
    from chalicelib.domain.commit import commit
    from chalicelib.domain.lifecycle import Actor, Lifecycle, NotAllowed
    from chalicelib.domain.ticket import CLOSED, RESOLVED

    number, attempt = params["number"], int(params["attempt"])
    ticket = wiring.ticket_store().get(number)
    district = wiring.directory().district(ticket.district) if ticket else None
    if ticket is None or district is None:
        return feedback_ivr.closing("hi", "technical_problem")
    name = district.name_in(ticket.language)
    digits = form.get("Digits", "")
    if ticket.status != RESOLVED and (attempt == 0 or digits not in ("1", "2")):
        # Answered meanwhile (by SMS, on another call) or moved on: nothing to ask, so no question.
        return feedback_ivr.closing(ticket.language, "goodbye")
    if attempt == 0:
        return feedback_ivr.question(number, ticket.language, name, 1)
    if digits not in ("1", "2"):
        return feedback_ivr.question(number, ticket.language, name, attempt + 1, "wrong_key" if digits else "no_input")
    try:
        change = Lifecycle(district, wiring.clock().now()).feedback(
            ticket, Actor("citizen", ticket.caller_phone, "ivr"), satisfied=digits == "1")
    except NotAllowed:  # answered already (an SMS reply, or a second call): nothing left to ask
        return feedback_ivr.closing(ticket.language, "goodbye")
    if not commit(change, wiring.ticket_store(), wiring.dispatcher()):
        return feedback_ivr.closing(ticket.language, "technical_problem")
    return feedback_ivr.closing(ticket.language,
                                "feedback_thanks" if change.after.status == CLOSED else "feedback_reopened")


def call_status(form: dict[str, str], params: dict[str, str]) -> str:
    from chalicelib.domain.clock import iso
    from chalicelib.domain.ticket import TimelineEntry

    if form.get("CallSid") and form.get("CallStatus"):
        wiring.ticket_store().add_timeline(TimelineEntry(
            complaint_number=params["number"], at=iso(wiring.clock().now()), actor_type="system",
            actor_id="twilio", action=f"feedback_call_{form['CallStatus']}", channel="ivr",
            detail={"call_sid": form["CallSid"], "duration": form.get("CallDuration", "0")}))
    return EMPTY_TWIML
