"""Missed calls and office hours: the webhooks around calling a citizen back.

`before_ivr` runs in voice.incoming before the usual greeting: a closed hotline tells its hours and
offers its after-hours choices; a missed-call line writes the callback request, then rejects the call.
The callback itself is placed by the sweeper (handlers/sweeper.py → domain/callbacks.py).
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from chalicelib import wiring
from chalicelib.handlers.voice import BadRequest, _attempt, _district, line_and_caller
from chalicelib.handlers.webhook import EMPTY_TWIML
from chalicelib.routing import after_hours, ivr

if TYPE_CHECKING:
    from chalicelib.domain.district import District

log = logging.getLogger(__name__)


def before_ivr(form: dict[str, str], district: District) -> str | None:
    """TwiML for a closed hotline or a missed-call line; None: the usual IVR."""
    from chalicelib.domain.working_time import is_open

    line, caller = line_and_caller(form)
    hotline = district.hotline_for_line(line)
    if hotline is None:
        return None
    now = wiring.clock().now()
    if not is_open(hotline.hours, now):  # None: round the clock
        return after_hours.closed_greeting(district, hotline)
    if hotline.mode == "missed_call":
        from chalicelib.domain.callbacks import MISSED_CALL, request_callback

        # Written before the Reject goes back: if this write fails, the webhook's apology answers instead
        # and the caller hears it, rather than a busy tone with no callback behind it.
        outcome = request_callback(form.get("CallSid", ""), caller, line, district, hotline, MISSED_CALL, now,
                                   None, wiring.callbacks())
        log.info("missed call %s: %s", form.get("CallSid"), outcome.reason)
        return after_hours.reject()
    return None


def after_hours_language(form: dict[str, str], params: dict[str, str]) -> str:
    """A closed hotline's caller chose a language: the hours and the choices in it."""
    district = _district(form, params)
    if district is None:
        return ivr.unknown_number()
    hotline = district.hotline_for_line(line_and_caller(form)[0])
    attempt, digits = _attempt(params), form.get("Digits")
    if digits and digits.isascii() and digits.isdigit() and 1 <= int(digits) <= len(district.languages):
        lang = district.languages[int(digits) - 1]
        if hotline is None or hotline.hours is None:
            return after_hours.record_now(district, lang)  # the hours were removed meanwhile: take the complaint
        return after_hours.closed(district, hotline, lang, welcome=False)
    return after_hours.language_retry(district, attempt, digits)


def after_hours_step(form: dict[str, str], params: dict[str, str]) -> str:
    """The caller's choice after hearing the hours: 1 records now, 2 asks for a call when we open."""
    from chalicelib.domain.callbacks import AFTER_HOURS, request_callback
    from chalicelib.domain.working_time import next_opening

    district = _district(form, params)
    if district is None:
        return ivr.unknown_number()
    line, caller = line_and_caller(form)
    hotline = district.hotline_for_line(line)
    lang, attempt = params.get("lang", ""), _attempt(params)
    if lang not in district.languages:
        raise BadRequest(f"language {lang!r}")
    if hotline is None or hotline.hours is None:
        return after_hours.record_now(district, lang)  # the hours were removed meanwhile: take the complaint
    digits = form.get("Digits", "")
    if digits == after_hours.RECORD and "record" in hotline.after_hours:
        return after_hours.record_now(district, lang)
    if digits == after_hours.CALLBACK and "callback" in hotline.after_hours:
        now = wiring.clock().now()
        outcome = request_callback(form["CallSid"], caller, line, district, hotline, AFTER_HOURS, now,
                                   next_opening(hotline.hours, now), wiring.callbacks())
        log.info("after-hours call %s: callback %s", form["CallSid"], outcome.reason)
        if outcome.scheduled and outcome.due_at is not None:
            return after_hours.callback_scheduled(lang, outcome.due_at)
        return after_hours.callback_refused(district, hotline, lang)
    if attempt >= ivr.MAX_ATTEMPTS:  # no choice made: take the complaint where we may, else goodbye
        return after_hours.record_now(district, lang) if "record" in hotline.after_hours \
            else after_hours.goodbye(lang)
    return after_hours.closed(district, hotline, lang, attempt + 1, "wrong_key" if digits else "no_input")


def answer(form: dict[str, str], params: dict[str, str]) -> str:
    """The citizen picked up our callback: the Collector's message (or the welcome), then the usual IVR."""
    line, _caller = line_and_caller(form)
    district = wiring.directory().district_for_line(line) if line else None
    if district is None:
        return ivr.unknown_number()
    return ivr.greeting(district, line)


def call_status(form: dict[str, str], params: dict[str, str]) -> str:
    from chalicelib.domain.callbacks import callback_ended

    raw = params.get("try_number", "")
    if not form.get("CallStatus") or not raw.isdigit():
        return EMPTY_TWIML
    outcome = callback_ended(wiring.callbacks(), params.get("request_id", ""), int(raw), form["CallStatus"],
                             wiring.clock().now())
    log.info("callback %s try %s %s: %s", params.get("request_id"), raw, form["CallStatus"], outcome)
    return EMPTY_TWIML
