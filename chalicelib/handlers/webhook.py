"""Every Twilio webhook: check the signature, run one step, answer TwiML.

The caller (or texter) must always get an answer: any failure past the signature check becomes the
route's apology (spoken for calls, a text for messages), never a 500 — Twilio would play its own
"application error" in English. The exception is an outage (AWS unreachable) on a voice step: the caller
still leaves a complaint (handlers/outage.py), and on the call's first request that is a 503, which makes
the carrier play the number's fallback URL.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from chalice.app import Request, Response

from chalicelib import logs
from chalicelib.routing import ivr
from chalicelib.telephony.signature import is_signed_by_twilio, parse_form, request_path
from chalicelib.telephony.twiml import carried_query

log = logging.getLogger(__name__)

FORM = ["application/x-www-form-urlencoded"]
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'  # "received", for callbacks

Step = Callable[[dict[str, str], dict[str, str]], str]


def twilio_webhook(request: Request, step: Step,
                   on_failure: Callable[[dict[str, str]], str] | None = None) -> Response:
    """`on_failure` answers when the step raises; by default a spoken apology in the call's language."""
    params = request.uri_params or {}
    form = parse_form(request.raw_body)
    path = request_path(request.path, params)
    query: Any = request.query_params or {}
    if query:
        # Twilio signs the whole URL it was given; our own callback URLs carry at most one parameter,
        # so re-encoding gives back the exact query string.
        path += "?" + urlencode([(name, value) for name in query for value in query.getlist(name)])
    if not is_signed_by_twilio(path, form, request.headers.get("x-twilio-signature")):
        return Response(body="Forbidden: the X-Twilio-Signature header is missing or wrong.\n", status_code=403,
                        headers={"Content-Type": "text/plain"})
    params = {**{name: query[name] for name in query}, **params}  # signed with the URL, so as trusted
    logs.bind(call_sid=form.get("CallSid"), message_sid=form.get("MessageSid"))
    carrying = carried_query.set(())  # nothing a previous request chose travels in this one's URLs
    try:
        body: str | None = step(form, params)
    except Exception as error:
        log.exception("webhook %s failed (call %s, recording %s, message %s)", request.path,
                      form.get("CallSid"), form.get("RecordingSid"), form.get("MessageSid"))
        body = on_failure(params) if on_failure else _voice_failure(path, form, params, error)
    finally:
        carried_query.reset(carrying)
    if body is None:
        # The carrier plays the number's fallback URL on an error status, never on a 200.
        return Response(body="Service Unavailable: the hotline's database is unreachable.\n", status_code=503,
                        headers={"Content-Type": "text/plain", "Retry-After": "60"})
    return Response(body=body, status_code=200, headers={"Content-Type": "text/xml; charset=utf-8"})


def _voice_failure(path: str, form: dict[str, str], params: dict[str, str], error: Exception) -> str | None:
    """An outage still takes the complaint (handlers/outage.py); anything else is the spoken apology."""
    from chalicelib.handlers import outage

    if outage.is_infrastructure_failure(error) and outage.takes_complaint(path, form):
        return outage.answer(path, form, params)
    return ivr.technical_problem(params.get("lang"))
