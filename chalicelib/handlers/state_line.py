"""Calls on a state number (181): ask the district, then hand the call to that district's IVR.

The choice travels in the URLs (?district=<CODE>, signed by Twilio with the rest of the URL), so no
step reads more than the cached directory. voice.py asks here at the top of `incoming` and in `_district`.
"""
from __future__ import annotations

import logging

from chalicelib import wiring
from chalicelib.domain.district import District
from chalicelib.routing import ivr, state_ivr
from chalicelib.telephony.twiml import carry

log = logging.getLogger(__name__)


def question(line: str, params: dict[str, str]) -> str | None:
    """The district question, for a call on a state number with no district chosen yet; else None."""
    if params.get("district"):
        return None
    state = wiring.directory().state_for_line(line)
    return state_ivr.district_question(state) if state else None


def chosen_district(line: str, params: dict[str, str]) -> District | None:
    """The district chosen on a state number, which every URL built from here on carries; None when the
    line is no state number's or the chosen district is not one of the state's (a forged URL)."""
    directory = wiring.directory()
    state = directory.state_for_line(line)
    if state is None:
        return None
    code = params.get("district")
    if not state.serves(code):
        log.warning("state number %s: district %r is not one of %s's", line, code, state.code)
        return None
    district = directory.district(code)
    if district is not None:
        carry("district", district.code)
    return district


def district_step(form: dict[str, str], params: dict[str, str]) -> str:
    """POST /twilio/voice/state/{attempt}: the caller's keys for the district question."""
    from chalicelib.handlers.voice import BadRequest, _attempt, line_and_caller

    line = line_and_caller(form)[0]
    if not line or not form.get("CallSid"):
        raise BadRequest("To and CallSid are required")
    attempt = _attempt(params)
    state = wiring.directory().state_for_line(line)
    if state is None:
        return ivr.unknown_number()
    return state_ivr.district_step(state, attempt, form.get("Digits"))
