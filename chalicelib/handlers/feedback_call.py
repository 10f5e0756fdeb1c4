"""The citizen's feedback call: the question, the answer, and the call's outcome on the timeline.

The call starts at attempt 0 (ask, with the introduction). A request with Digits 1 or 2 is the
answer; pressing nothing or a wrong key asks again, three times at most. An unanswered call changes
nothing: the sweeper places the next one when it is due. A ticket no longer waiting for feedback
when the citizen picks up gets a short goodbye instead of the question.
"""
from __future__ import annotations

from chalicelib import wiring
from chalicelib.handlers.call_steps import CALL_MAX_SECONDS, Form, Params, form_number, keyed_digits
from chalicelib.handlers.webhook import EMPTY_RESPONSE
from chalicelib.routing import feedback_ivr, ivr


def answer(form: Form, params: Params) -> str:
    """POST /twilio/voice/feedback/{number}/{attempt}: the question, or the answer and the closing words."""
    from chalicelib.operations.feedback_answer import answer_feedback

    number = params["number"]
    reply = answer_feedback(number, int(params["attempt"]), keyed_digits(form) or "", wiring.ticket_store(),
                            wiring.directory(), wiring.dispatcher(), wiring.clock())
    if reply.closing:
        return ivr.closing(reply.language, reply.closing)
    return feedback_ivr.question(number, reply.language, reply.district_name, reply.ask_attempt, reply.retry_key)


def call_status(form: Form, params: Params) -> str:
    from chalicelib.domain.clock import iso
    from chalicelib.domain.ticket import TimelineEntry

    if form.get("CallSid") and form.get("CallStatus"):
        wiring.ticket_store().add_timeline(TimelineEntry(
            complaint_number=params["number"], at=iso(wiring.clock().now()), actor_type="system",
            actor_id="twilio", action=f"feedback_call_{form['CallStatus']}", channel="ivr",
            detail={"call_sid": form["CallSid"],
                    "duration": str(form_number(form.get("CallDuration"), CALL_MAX_SECONDS) or 0)}),
            once_key=f"feedback-call#{form['CallSid']}#{form['CallStatus']}")  # a replayed callback adds nothing
    return EMPTY_RESPONSE
