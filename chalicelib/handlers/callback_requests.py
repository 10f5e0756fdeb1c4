"""Callback requests: a missed-call line's caller, and a closed hotline's caller who asks to be called
back when it opens (or records now).

voice.incoming sends a closed hotline's call to the hours (routing/after_hours.py) and a missed-call line's
call to `missed_call`. The callback itself is placed by the sweeper (handlers/sweeper.py →
domain/callback_requests.py); its answer and status webhooks are handlers/callback_call.py.
"""
from __future__ import annotations

import logging
from datetime import datetime

from chalicelib import wiring
from chalicelib.domain.district import District, Hotline
from chalicelib.handlers.call_steps import (
    BadRequest,
    Form,
    Params,
    attempt,
    district_required,
    keyed_digits,
    line_and_caller,
)
from chalicelib.routing import after_hours, ivr

log = logging.getLogger(__name__)


def missed_call(form: Form, district: District, hotline: Hotline, now: datetime) -> str:
    """A missed-call line: the callback request is written, then the call is rejected (the caller pays nothing)."""
    from chalicelib.domain.callback_requests import MISSED_CALL, request_callback

    line, caller = line_and_caller(form)
    # Written before the Reject goes back: if this write fails, the webhook's apology answers instead
    # and the caller hears it, rather than a busy tone with no callback behind it.
    outcome = request_callback(form.get("CallSid", ""), caller, line, district, hotline, MISSED_CALL, now,
                               None, wiring.callback_requests())
    log.info("missed call %s: %s", form.get("CallSid"), outcome.reason)
    return after_hours.reject()


@district_required
def after_hours_language(form: Form, params: Params, district: District) -> str:
    """A closed hotline's caller chose a language: the hours and the choices in it."""
    hotline = district.hotline_for_line(line_and_caller(form)[0])
    tries, digits = attempt(params), keyed_digits(form)
    if digits and digits.isascii() and digits.isdigit() and 1 <= int(digits) <= len(district.languages):
        lang = district.languages[int(digits) - 1]
        if hotline is None or hotline.hours is None:
            return after_hours.record_now(district, lang)  # the hours were removed meanwhile: take the complaint
        return after_hours.closed(district, hotline, lang, welcome=False)
    return after_hours.language_retry(district, tries, digits)


@district_required
def after_hours_step(form: Form, params: Params, district: District) -> str:
    """The caller's choice after hearing the hours: 1 records now, 2 asks for a call when we open."""
    from chalicelib.domain.callback_requests import AFTER_HOURS, request_callback
    from chalicelib.domain.working_time import next_opening

    line, caller = line_and_caller(form)
    hotline = district.hotline_for_line(line)
    lang, tries = params.get("lang", ""), attempt(params)
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
                                   next_opening(hotline.hours, now), wiring.callback_requests(), language=lang)
        log.info("after-hours call %s: callback %s", form["CallSid"], outcome.reason)
        if outcome.scheduled and outcome.due_at is not None:
            return after_hours.callback_scheduled(lang, outcome.due_at)
        return after_hours.callback_refused(district, hotline, lang)
    if tries >= ivr.MAX_ATTEMPTS:  # no choice made: take the complaint where we may, else goodbye
        return after_hours.record_now(district, lang) if "record" in hotline.after_hours \
            else after_hours.goodbye(lang)
    return after_hours.closed(district, hotline, lang, tries + 1, "wrong_key" if digits else "no_input")
