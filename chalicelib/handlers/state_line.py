"""Calls on a state number (181): ask the district, then hand the call to that district's IVR.

The choice travels in the URLs (?district=<CODE>, signed by Twilio with the rest of the URL), so no
step reads more than the cached directory. voice.incoming asks `question` first; every later step finds
the chosen district through call_steps.call_district.
"""
from __future__ import annotations

from chalicelib import wiring
from chalicelib.handlers.call_steps import BadRequest, Form, Params, attempt, keyed_digits, line_and_caller
from chalicelib.routing import ivr, state_ivr


def question(line: str, params: Params) -> str | None:
    """The district question, for a call on a state number with no district chosen yet; else None."""
    if params.get("district"):
        return None
    state = wiring.directory().state_for_line(line)
    return state_ivr.district_question(state) if state else None


def district_step(form: Form, params: Params) -> str:
    """POST /twilio/voice/state/{attempt}: the caller's keys for the district question."""
    line = line_and_caller(form)[0]
    if not line or not form.get("CallSid"):
        raise BadRequest("To and CallSid are required")
    tries = attempt(params)
    state = wiring.directory().state_for_line(line)
    if state is None:
        return ivr.unknown_number()
    return state_ivr.district_step(state, tries, keyed_digits(form))
