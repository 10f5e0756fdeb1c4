"""Every carrier webhook: which carrier, check its signature, parse its fields into the neutral form, run one
step, answer in the carrier's markup (the step's call script rendered by the carrier's adapter).

The caller (or texter) must always get an answer: any failure past the signature check becomes the
route's apology (spoken for calls, a text for messages), never a 500 — the carrier would play its own
"application error" in English. The exception is an outage (AWS unreachable) on a voice step: the caller
still leaves a complaint (handlers/outage.py), and on the call's first request that is a 503, which makes
the carrier play the number's fallback URL.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from itertools import permutations
from typing import Any
from urllib.parse import urlencode

from chalice.app import Request, Response

from chalicelib import logs, settings
from chalicelib.routing import ivr
from chalicelib.telephony.call_script import carried_query, current_carrier
from chalicelib.telephony.carriers import UnknownCarrier, adapter
from chalicelib.telephony.signature import parse_form, request_path

log = logging.getLogger(__name__)

FORM = ["application/x-www-form-urlencoded"]
EMPTY_RESPONSE = '<?xml version="1.0" encoding="UTF-8"?><Response />'  # "received", in every carrier's XML

Step = Callable[[dict[str, str], dict[str, str]], str]


def telephony_webhook(request: Request, carrier: str, step: Step,
                      on_failure: Callable[[dict[str, str]], str] | None = None,
                      carriers: tuple[str, ...] | None = None) -> Response:
    """`on_failure` answers when the step raises; by default a spoken apology in the call's language.
    `carriers`: the only ones this route serves (all by default)."""
    try:
        voice = adapter(carrier)
    except UnknownCarrier:
        return _plain(404, f"Not Found: no carrier called {carrier!r}.")
    if carriers is not None and carrier not in carriers:
        return _plain(404, f"Not Found: {carrier} has no such webhook.")
    params = {name: value for name, value in (request.uri_params or {}).items() if name != "carrier"}
    raw_form = parse_form(request.raw_body)
    path = request_path(request.path, request.uri_params)
    query: Any = request.query_params or {}
    if not any(voice.is_signed(settings.public_base_url() + signed, raw_form, request.headers)
               for signed in _signed_paths(path, query)):
        return _plain(403, f"Forbidden: the {voice.SIGNATURE_HEADER} header is missing or wrong.")
    form = voice.parse(raw_form)
    params = {**{name: query[name] for name in query}, **params}  # signed with the URL, so as trusted
    logs.bind(call_sid=form.get("CallSid"), message_sid=form.get("MessageSid"))
    carrying = carried_query.set(())  # nothing a previous request chose travels in this one's URLs
    answering = current_carrier.set(carrier)
    try:
        body: str | None = step(form, params)
    except Exception as error:
        log.exception("webhook %s failed (call %s, recording %s, message %s)", request.path,
                      form.get("CallSid"), form.get("RecordingSid"), form.get("MessageSid"))
        body = on_failure(params) if on_failure else _voice_failure(path, form, params, error)
    finally:
        current_carrier.reset(answering)
        carried_query.reset(carrying)
    if body is None:
        # The carrier plays the number's fallback URL on an error status, never on a 200.
        return _plain(503, "Service Unavailable: the hotline's database is unreachable.", {"Retry-After": "60"})
    return Response(body=body, status_code=200, headers={"Content-Type": "text/xml; charset=utf-8"})


MAX_ORDERED_PARAMETERS = 4  # our own URLs carry at most three (district, consent; event, notice)


def _signed_paths(path: str, query: Any) -> Iterator[str]:
    """The path with its query string as the carrier may have signed it. A carrier signs the URL it was given,
    parameters in our order; API Gateway hands them over as a mapping, whose order it does not promise. So the
    given order first, then every other order of a few parameters (an HMAC each: cheap)."""
    if not query:
        yield path
        return
    pairs = [(name, value) for name in query for value in query.getlist(name)]
    orders = permutations(pairs) if len(pairs) <= MAX_ORDERED_PARAMETERS else iter([tuple(pairs)])
    for order in orders:
        yield path + "?" + urlencode(list(order))


def _plain(status: int, text: str, headers: dict[str, str] | None = None) -> Response:
    return Response(body=text + "\n", status_code=status, headers={"Content-Type": "text/plain", **(headers or {})})


def _voice_failure(path: str, form: dict[str, str], params: dict[str, str], error: Exception) -> str | None:
    """An outage still takes the complaint (handlers/outage.py); anything else is the spoken apology."""
    from chalicelib.handlers import outage

    if outage.is_infrastructure_failure(error) and outage.takes_complaint(path, form):
        return outage.answer(path, form, params)
    return ivr.technical_problem(params.get("lang"))
