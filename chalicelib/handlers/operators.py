"""Voice webhooks of an operators-mode hotline, and of a state number's district routed to its operators or to the
state's executives: ring who is on duty, note who answered, and send an unanswered caller to the IVR's recorded
intake.

The first step writes the call as ringing (the console finds it there); the operator's whisper notes
who picked up; the Dial's action rings the next operator (in turn) or falls back to the IVR.
"""
from __future__ import annotations

import logging
import re

from chalicelib import wiring
from chalicelib.domain.call_log import CALL_ID_PATTERN
from chalicelib.domain.clock import iso
from chalicelib.domain.district import District, Hotline, OperatorRing
from chalicelib.domain.on_duty import on_duty
from chalicelib.domain.roster import Operator
from chalicelib.domain.state_line import StateLine, is_state_code
from chalicelib.handlers.call_steps import BadRequest, Form, Params, district_required, form_number, line_and_caller
from chalicelib.routing import ivr
from chalicelib.routing import operators as twiml
from chalicelib.telephony.call_script import carry

log = logging.getLogger(__name__)

_CALL_SID = re.compile(CALL_ID_PATTERN)
_MAX_INDEX = 100


def ring_on_duty(form: Form, district: District, hotline: Hotline) -> str:
    """The incoming call on an operators line: ring who is on duty now, or straight to the IVR."""
    duty = on_duty(district.operators, wiring.clock().now())
    if not duty:
        return ivr.greeting(district, line_and_caller(form)[0])
    return _ring(form, district, hotline.id, hotline.ring, duty, district.code)


def ring_for_state(form: Form, district: District, state: StateLine) -> str | None:
    """A state number's call for a district whose route is its operators or the state's executives: ring who is on
    duty (the ticket is the district's whoever registers it); None: the district's IVR (its route, or nobody on)."""
    group = _state_group(district, state)
    if group is None:
        return None
    duty, ringing_for = group
    carry("state", state.code)  # the Dial's action and the whisper find the state's ring and roster again
    return _ring(form, district, state.code, state.ring, duty, ringing_for)


def _state_group(district: District, state: StateLine) -> tuple[tuple[Operator, ...], str] | None:
    """Who a state number rings for this district now, and the key the console's incoming calls are read by: the
    district's code for its operators, the state's for its executives (they serve every district routed to them)."""
    route, now = state.route_of(district.code), wiring.clock().now()
    if route == "operators":
        duty, key = on_duty(district.operators, now), district.code
    elif route == "executives":
        duty, key = on_duty(state.executives_for(district.languages), now), state.code
    else:
        return None
    return (duty, key) if duty else None


def _ring(form: Form, district: District, hotline_id: str, policy: OperatorRing, duty: tuple[Operator, ...],
          ringing_for: str) -> str:
    line, caller = line_and_caller(form)
    try:
        wiring.call_log().mark_ringing(form["CallSid"], caller, line, district.code, hotline_id,
                                       tuple(o.username for o in duty), iso(wiring.clock().now()),
                                       ringing_for=ringing_for)
    except Exception:  # the caller is still put through; the console's pop is what is lost
        log.exception("call %s: not written as ringing", form["CallSid"])
    return twiml.ring(district, policy, duty, 0, form["CallSid"], announce=True)


def _calling_state(params: Params) -> StateLine | None:
    code = params.get("state", "")
    return wiring.directory().state(code) if is_state_code(code) else None


@district_required
def after_dial(form: Form, params: Params, district: District) -> str:
    """The Dial ended: answered (thank and hang up), or not (the next operator in turn, or the IVR)."""
    raw = params.get("next", "")
    turn = form_number(raw, _MAX_INDEX)
    if turn is None:
        raise BadRequest(f"next {raw[:20]!r}")
    status = form.get("DialCallStatus", "")
    if status in twiml.NOT_ANSWERED:
        state = _calling_state(params)
        hotline = district.hotline_for_line(line_and_caller(form)[0])
        if state is not None:
            group = _state_group(district, state)
            policy, duty = state.ring, group[0] if group else ()
        elif hotline is not None:
            policy, duty = hotline.ring, on_duty(district.operators, wiring.clock().now())
        else:
            policy, duty = None, ()
        if policy is not None and policy.order == "in_turn" and turn < len(duty):
            return twiml.ring(district, policy, duty, turn, form["CallSid"], announce=False)
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
    state = _calling_state(params)
    roster = (*district.operators, *(state.executives if state else ()))
    operator = next((o.username for o in roster if o.phone == phone), phone)
    call = wiring.call_log().mark_answered(call_sid, operator, iso(wiring.clock().now()))
    return twiml.whisper(district, call.caller_phone if call else "")
