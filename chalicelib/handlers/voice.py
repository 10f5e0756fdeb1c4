"""Twilio voice webhooks: the incoming call's checks, the IVR's recorded intake, and the call's own status
callbacks (call status, recording status).

Each function takes the checked form and the path's parameters and returns TwiML; webhook.py wraps
them with the signature check and the spoken apology. The other steps of a call live beside this module
(state_line, callback_requests, operators, voice_status); they share call_steps and never import this one.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from chalicelib import logs, wiring
from chalicelib.domain.district import District
from chalicelib.handlers.call_steps import (
    CALL_MAX_SECONDS,
    BadRequest,
    Form,
    Params,
    attempt,
    call_district,
    district_required,
    form_number,
    keyed_digits,
    line_and_caller,
    record_max_seconds,
    recording_heard,
    recording_seconds,
    recording_url,
)
from chalicelib.handlers.webhook import EMPTY_RESPONSE
from chalicelib.routing import ivr

if TYPE_CHECKING:
    from chalicelib.domain.consent import CarriedConsent

log = logging.getLogger(__name__)


def incoming(form: Form, params: Params, as_citizen: bool = False) -> str:
    """The first step of a call: which district, then how its hotline takes calls, in this order:
    state number → district → blocklist → an officer's phone → hours → missed call → operators → the IVR.
    `as_citizen`: an officer's phone that chose the citizens' IVR (handlers/officer_ivr.py) goes on as any caller."""
    from chalicelib.domain.working_time import is_open
    from chalicelib.handlers import callback_requests, operators, state_line
    from chalicelib.handlers.caller_checks import is_blocked
    from chalicelib.routing import after_hours

    line, caller = line_and_caller(form)
    if (question := state_line.question(line, params)) is not None:
        return question  # a state number (181): which district? Its answer comes back here with ?district=
    district = call_district(form, params)
    if district is None:
        return ivr.unknown_number()
    if is_blocked(district, caller):
        from chalicelib.routing import status_menu

        return status_menu.blocked(district)  # the Collector's office blocked this number: no ticket, no callback
    hotline = district.hotline_for_line(line)
    if not as_citizen and caller in district.officer_phones():
        from chalicelib.routing import officer_ivr

        return officer_ivr.entry(district, hotline)  # "officers: press star" (their own line: the PIN at once)
    if hotline is None:
        state = wiring.directory().state_for_line(line)  # a state number's call, its district chosen
        ringing = operators.ring_for_state(form, district, state) if state else None
        return ringing or ivr.greeting(district, line)
    now = wiring.clock().now()
    if not is_open(hotline.hours, now):  # None: round the clock
        return after_hours.closed_greeting(district, hotline)  # the hours, and the after-hours choices
    if hotline.mode == "missed_call":
        return callback_requests.missed_call(form, district, hotline, now)  # Reject, and call back
    if hotline.mode == "operators":
        return operators.ring_on_duty(form, district, hotline)
    return ivr.greeting(district, line)


@district_required
def language(form: Form, params: Params, district: District) -> str:
    return ivr.language_step(district, attempt(params), keyed_digits(form))


@district_required
def category(form: Form, params: Params, district: District) -> str:
    if params.get("lang") not in district.languages:
        raise BadRequest(f"language {params.get('lang')!r}")
    return ivr.category_step(district, line_and_caller(form)[0], params["lang"], attempt(params),
                             keyed_digits(form), urgency=params.get("urgency"), kind=_spoken_kind(params, district))


@district_required
def kind(form: Form, params: Params, district: District) -> str:
    """The answer to "a complaint, a suggestion or a demand?" (a district that takes more than complaints)."""
    if params.get("lang") not in district.languages:
        raise BadRequest(f"language {params.get('lang')!r}")
    return ivr.kind_step(district, params["lang"], attempt(params), keyed_digits(form))


def _spoken_kind(params: Params, district: District) -> str | None:
    """The kind the caller chose, from the signed URL: one the district takes by phone (None: a complaint)."""
    chosen = params.get("kind") or None
    if chosen is not None and (chosen not in district.kinds or chosen == "complaint"):
        raise BadRequest(f"kind {chosen!r}")
    return chosen


@district_required
def record(form: Form, params: Params, district: District) -> str:
    from chalicelib.domain.callers import OverDailyLimit
    from chalicelib.domain.consent import asks_consent
    from chalicelib.domain.district import is_reachable
    from chalicelib.domain.intake import register_call_complaint
    from chalicelib.domain.registration import CallComplaint

    line, caller = line_and_caller(form)
    lang, category_id, tries = params.get("lang"), params.get("category", ""), attempt(params)
    # The outage recording step (handlers/outage.py) may have come before the caller chose these.
    lang = district.default_language if lang == ivr.UNCHOSEN else lang
    category_id = district.catch_all.id if category_id == ivr.UNCHOSEN else category_id
    category = district.category(category_id)
    if lang not in district.languages or category is None:
        raise BadRequest(f"language {lang!r} / category {category_id!r}")
    urgency = params.get("urgency") or None  # the emergency key's, carried in the signed URL
    chosen = _spoken_kind(params, district)
    if urgency is not None and (urgency not in category.clocks or chosen):
        raise BadRequest(f"urgency {urgency!r} for category {category_id!r}")
    if not recording_heard(form, record_max_seconds(district, line)):
        return ivr.record_retry(district, line, lang, category_id, tries, urgency=urgency, kind=chosen)
    url = recording_url(form)  # not the carrier's: the ticket waits for the recording status callback's
    known = carried_consent(params)
    complaint = CallComplaint(
        call_sid=form["CallSid"], caller_phone=caller or "unknown", line=line, language=lang,
        category_id=category_id, recording_sid=form["RecordingSid"] if url else "", recording_url=url or "",
        recording_duration=recording_seconds(form, record_max_seconds(district, line)) or 0,
        whatsapp_consent=known.given, whatsapp_consent_at=known.at, urgency=urgency, kind=chosen or "complaint")
    try:
        result = register_call_complaint(complaint, district, wiring.ticket_store(), wiring.dispatcher(),
                                         wiring.clock(), capped=True)
    except OverDailyLimit:  # the caller's daily cap, held at the write: no ticket
        from chalicelib.operations.daily_cap import refuse_over_cap
        from chalicelib.routing import status_menu

        latest = refuse_over_cap(complaint.call_sid, caller, district, wiring.clock().now(), wiring.call_log(),
                                 wiring.caller_history())
        log.info("call %s: over the caller's daily cap, no ticket", complaint.call_sid)
        return status_menu.cap_reached(district, lang, latest)
    logs.bind(complaint_number=result.complaint_number)
    log.info("call %s: ticket %s (%s)", complaint.call_sid, result.complaint_number,
             "created" if result.created else "already registered")
    ask = not known.known and is_reachable(caller) and asks_consent(district)  # a withheld number: never
    return ivr.registered(lang, result.complaint_number, ask_consent=ask, kind=chosen or "complaint")


@district_required
def consent(form: Form, params: Params, district: District) -> str:
    """The answer to "updates on WhatsApp? press 1" after the recording: 1 is yes, no key or another is no;
    kept on the caller and on the ticket just registered (one TransactWrite)."""
    from chalicelib.domain.clock import iso
    from chalicelib.domain.complaint_number import is_valid
    from chalicelib.domain.consent import NotTheCallersTicket, WhatsAppConsent, pressed_yes

    lang, number = params.get("lang", ""), params.get("number", "")
    if lang not in district.languages or not is_valid(number) or not number.startswith(district.code):
        raise BadRequest(f"language {lang!r} / complaint number {number!r}")
    _line, caller = line_and_caller(form)
    answer = WhatsAppConsent(pressed_yes(keyed_digits(form)), iso(wiring.clock().now()), "ivr")
    try:
        wiring.caller_history().record_consent(caller, answer, [number])
    except NotTheCallersTicket as refused:
        raise BadRequest(f"ticket {number} is not the caller's") from refused
    log.info("call %s: WhatsApp updates %s for %s", form.get("CallSid"), "given" if answer.given else "declined",
             number)
    return ivr.consent_answered(lang, answer.given)


def carried_consent(params: Params) -> CarriedConsent:
    from chalicelib.domain.consent import URL_PARAM, from_token

    return from_token(params.get(URL_PARAM))


def _ended_at(form: Form) -> datetime:
    try:
        return parsedate_to_datetime(form["Timestamp"]).astimezone(UTC)
    except (KeyError, TypeError, ValueError):
        return wiring.clock().now()


def call_status(form: Form, params: Params) -> str:
    """The carrier's status callback at the call's end: the call log and the line's counters."""
    from chalicelib.domain.call_log import TERMINAL_STATUSES, CallEnd
    from chalicelib.domain.clock import iso

    status = form.get("CallStatus", "")
    if not form.get("CallSid") or status not in TERMINAL_STATUSES:
        return EMPTY_RESPONSE
    line, caller = line_and_caller(form)
    district = wiring.directory().district_for_line(line)
    hotline = district.hotline_for_line(line) if district else None
    duration = form_number(form.get("CallDuration"), CALL_MAX_SECONDS)
    wiring.call_log().record_call_end(CallEnd(
        call_sid=form["CallSid"], from_phone=caller, to_phone=line,
        district=district.code if district else None, hotline=hotline.id if hotline else None, status=status,
        duration=duration or 0, ended_at=iso(_ended_at(form))))
    return EMPTY_RESPONSE


def recording_status(form: Form, params: Params) -> str:
    """The carrier's recording status callback: noted on the call, and the recording settled on its ticket."""
    from chalicelib.domain.call_recording import settle_call_recording

    if not form.get("CallSid") or not form.get("RecordingSid"):
        return EMPTY_RESPONSE
    seconds, url = recording_seconds(form, CALL_MAX_SECONDS), recording_url(form)  # an operator's: the whole call
    status = form.get("RecordingStatus", "")
    number = wiring.call_log().record_recording_status(form["CallSid"], form["RecordingSid"], status, seconds, url)
    if number and status == "completed":
        # The IVR's recording is confirmed on its ticket; an operator's (<Dial>) is attached to theirs.
        settle_call_recording(number, form["RecordingSid"], url, seconds, wiring.ticket_store(),
                              wiring.dispatcher(), wiring.clock())
    return EMPTY_RESPONSE
