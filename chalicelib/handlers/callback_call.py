"""The call we place to call a citizen back (a callback request's try): its answer and its final status.

The sweeper places it (domain/callback_requests.py place_due_callbacks) with these two webhooks' URLs.
"""
from __future__ import annotations

import logging

from chalicelib import wiring
from chalicelib.handlers.call_steps import Form, Params, form_number, line_and_caller
from chalicelib.handlers.webhook import EMPTY_RESPONSE
from chalicelib.routing import ivr

log = logging.getLogger(__name__)

MAX_TRY_NUMBER = 100  # a request is tried a handful of times (domain/callback_requests.py); the URL is ours


def answer(form: Form, params: Params) -> str:
    """The citizen picked up our callback: the Collector's message (or the welcome), then the usual IVR."""
    line, _caller = line_and_caller(form)
    district = wiring.directory().district_for_line(line) if line else None
    if district is None:
        return ivr.unknown_number()
    return ivr.greeting(district, line)


def call_status(form: Form, params: Params) -> str:
    """The callback's final status: answered ends its request; unanswered waits for the next try."""
    from chalicelib.domain.callback_requests import callback_ended

    raw = params.get("try_number", "")
    try_number = form_number(raw, MAX_TRY_NUMBER)
    if not form.get("CallStatus") or try_number is None:
        return EMPTY_RESPONSE
    outcome = callback_ended(wiring.callback_requests(), params.get("request_id", ""), try_number,
                             form["CallStatus"], wiring.clock().now(), dispatcher=wiring.dispatcher())
    log.info("callback %s try %s %s: %s", params.get("request_id"), raw, form["CallStatus"], outcome)
    return EMPTY_RESPONSE
