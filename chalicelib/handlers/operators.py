"""Voice webhooks of an operators-mode hotline: ring the operators on duty, note who answered, and send
an unanswered caller to the IVR's recorded intake.

The first step writes the call as ringing (the console finds it there); the operator's whisper notes
who picked up; the Dial's action rings the next operator (in turn) or falls back to the IVR.
"""
from __future__ import annotations

import logging
import re

from chalicelib import wiring
from chalicelib.domain.call_log import CALL_ID_PATTERN
from chalicelib.domain.clock import iso
from chalicelib.domain.district import District, Hotline
from chalicelib.domain.on_duty import on_duty
from chalicelib.handlers.call_steps import BadRequest, Form, Params, district_required, form_number, line_and_caller
from chalicelib.routing import ivr
from chalicelib.routing import operators as twiml

log = logging.getLogger(__name__)

_CALL_SID = re.compile(CALL_ID_PATTERN)
_MAX_INDEX = 100


def ring_on_duty(form: Form, district: District, hotline: Hotline) -> str:
    """The incoming call on an operators line: ring who is on duty now, or straight to the IVR."""
    line, caller = line_and_caller(form)
    now = wiring.clock().now()
    duty = on_duty(district.operators, now)
    if not duty:
        return ivr.greeting(district, line)
    call_log = wiring.call_log()
    try:
        call_log.mark_ringing(form["CallSid"], caller, line, district.code, hotline.id,
                              tuple(o.username for o in duty), iso(now))
    except Exception:  # the caller is still put through; the console's pop is what is lost
        log.exception("call %s: not written as ringing", form["CallSid"])
    return twiml.ring(district, hotline, duty, 0, form["CallSid"], announce=True)


@district_required
def after_dial(form: Form, params: Params, district: District) -> str:
    """The Dial ended: answered (thank and hang up), or not (the next operator in turn, or the IVR)."""
    raw = params.get("next", "")
    turn = form_number(raw, _MAX_INDEX)
    if turn is None:
        raise BadRequest(f"next {raw[:20]!r}")
    hotline = district.hotline_for_line(line_and_caller(form)[0])
    status = form.get("DialCallStatus", "")
    if status in twiml.NOT_ANSWERED:
        duty = on_duty(district.operators, wiring.clock().now())
        if hotline is not None and hotline.ring.order == "in_turn" and turn < len(duty):
            return twiml.ring(district, hotline, duty, turn, form["CallSid"], announce=False)
        wiring.call_log().mark_dial_status(form["CallSid"], status)
        return twiml.to_intake(district)
    wiring.call_log().mark_dial_status(form["CallSid"], status or "completed")
    return twiml.call_over(district)


def answered(form: Form, params: Params) -> str:
    """The whisper, fetched on the operator's leg when they pick up: note who, tell them whose call it is."""
    call_sid = params.get("call_sid", "")
    if not _CALL_SID.match(call_sid):
        raise BadRequest(f"call_sid {call_sid!r}")
    code = params.get("code", "")
    district = wiring.directory().district(code) if re.match(r"^[A-Z]{2,5}$", code) else None
    if district is None:
        raise BadRequest(f"district {params.get('code')!r}")
    phone = form.get("To", "")
    operator = next((o.username for o in district.operators if o.phone == phone), phone)
    call = wiring.call_log().mark_answered(call_sid, operator, iso(wiring.clock().now()))
    return twiml.whisper(district, call.caller_phone if call else "")
