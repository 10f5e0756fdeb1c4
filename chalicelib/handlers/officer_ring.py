"""An emergency's ring to its officer: the complaint read out, 1 to acknowledge, and the call's outcome on the
timeline (operations/officer_ring_answer.py)."""
from __future__ import annotations

from chalicelib import wiring
from chalicelib.handlers.call_steps import BadRequest, Form, Params, keyed_digits, timeline_call_status
from chalicelib.handlers.webhook import EMPTY_RESPONSE
from chalicelib.routing import ivr, officer_ring


def answer(form: Form, params: Params) -> str:
    """POST /{carrier}/voice/ring/{number}/{level}/{attempt}."""
    from chalicelib.domain.district import LEVELS
    from chalicelib.operations.officer_ring_answer import MAX_TRIES, answer_ring

    number, level, raw = params["number"], params["level"], params["attempt"]
    if level not in LEVELS or not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_TRIES:
        raise BadRequest(f"ring step {level!r} {raw!r}")
    reply = answer_ring(number, level, int(raw), keyed_digits(form) or "", wiring.ticket_store(),
                        wiring.directory(), wiring.dispatcher(), wiring.clock())
    if reply.closing:
        return ivr.closing(reply.language, reply.closing)
    return officer_ring.question(number, level, reply)


def call_status(form: Form, params: Params) -> str:
    timeline_call_status(form, params["number"], "officer_ring")
    return EMPTY_RESPONSE
