"""The citizen's feedback call: the question, the answer, and the call's outcome on the timeline.

The call starts at attempt 0 (ask, with the introduction). A request with Digits 1 or 2 is the
answer; pressing nothing or a wrong key asks again, three times at most. An unanswered call changes
nothing: the sweeper places the next one when it is due. A ticket no longer waiting for feedback
when the citizen picks up gets a short goodbye instead of the question.
"""
from __future__ import annotations

from chalicelib import wiring
from chalicelib.handlers.call_steps import Form, Params, keyed_digits, timeline_call_status
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
    timeline_call_status(form, params["number"], "feedback_call")
    return EMPTY_RESPONSE
