"""Twilio voice webhooks: one IVR step, or one callback (call status, recording status).

Each function takes the checked form and the path's parameters and returns TwiML; webhook.py wraps
them with the signature check and the spoken apology."""
from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from chalicelib import logs, wiring
from chalicelib.handlers.webhook import EMPTY_TWIML
from chalicelib.routing import ivr

log = logging.getLogger(__name__)


class BadRequest(ValueError):
    pass


def _attempt(params: dict[str, str]) -> int:
    raw = params.get("attempt", "")
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= ivr.MAX_ATTEMPTS:
        raise BadRequest(f"attempt {raw!r}")
    return int(raw)


def line_and_caller(form: dict[str, str]) -> tuple[str, str]:
    """Our number and the citizen's. On a call we placed (a callback), Twilio's From is our line."""
    if form.get("Direction", "").startswith("outbound"):
        return form.get("From", ""), form.get("To", "")
    return form.get("To", ""), form.get("From", "")


def _district(form: dict[str, str], params: dict[str, str]):
    """The district the call is for: its line's, or for a state number, the one chosen in the call."""
    line, _caller = line_and_caller(form)
    if not line or not form.get("CallSid"):
        raise BadRequest("To and CallSid are required")
    from chalicelib.handlers import state_line

    return wiring.directory().district_for_line(line) or state_line.chosen_district(line, params)


def incoming(form: dict[str, str], params: dict[str, str]) -> str:
    """The first step of a call: which district, then how its hotline takes calls (mode, hours, roster)."""
    from chalicelib.handlers import callbacks, operators, state_line
    from chalicelib.handlers.caller_checks import is_blocked

    line, caller = line_and_caller(form)
    if (question := state_line.question(line, params)) is not None:
        return question  # a state number (181): which district? Its answer comes back here with ?district=
    district = _district(form, params)
    if district is None:
        return ivr.unknown_number()
    if is_blocked(district, caller):
        from chalicelib.routing import status_menu

        return status_menu.blocked(district)  # the Collector's office blocked this number: no ticket, no callback
    if (closed_or_missed := callbacks.before_ivr(form, district)) is not None:
        return closed_or_missed  # after hours: the hours and choices; a missed-call line: Reject, callback
    hotline = district.hotline_for_line(line)
    if hotline is not None and hotline.mode == "operators":
        return operators.ring_on_duty(form, district, hotline)
    return ivr.greeting(district, line)


def language(form: dict[str, str], params: dict[str, str]) -> str:
    district = _district(form, params)
    if district is None:
        return ivr.unknown_number()
    return ivr.language_step(district, _attempt(params), form.get("Digits"))


def category(form: dict[str, str], params: dict[str, str]) -> str:
    district = _district(form, params)
    if district is None:
        return ivr.unknown_number()
    if params.get("lang") not in district.languages:
        raise BadRequest(f"language {params.get('lang')!r}")
    return ivr.category_step(district, line_and_caller(form)[0], params["lang"], _attempt(params),
                             form.get("Digits"))


def record(form: dict[str, str], params: dict[str, str]) -> str:
    from chalicelib.domain.intake import register_call_complaint
    from chalicelib.domain.ticket import CallComplaint

    district = _district(form, params)
    if district is None:
        return ivr.unknown_number()
    line, caller = line_and_caller(form)
    lang, category_id, attempt = params.get("lang"), params.get("category", ""), _attempt(params)
    if lang not in district.languages or district.category(category_id) is None:
        raise BadRequest(f"language {lang!r} / category {category_id!r}")
    duration = form.get("RecordingDuration", "0")
    if not (form.get("RecordingSid") and form.get("RecordingUrl")) or not duration.isdigit() or int(duration) == 0:
        return ivr.record_retry(district, line, lang, category_id, attempt)
    complaint = CallComplaint(
        call_sid=form["CallSid"], caller_phone=caller or "unknown", line=line, language=lang,
        category_id=category_id, recording_sid=form["RecordingSid"], recording_url=form["RecordingUrl"],
        recording_duration=int(duration))
    from chalicelib.domain.callers import OverDailyLimit

    try:
        result = register_call_complaint(complaint, district, wiring.ticket_store(), wiring.dispatcher(),
                                         wiring.clock(), capped=True)
    except OverDailyLimit:  # the caller's daily cap, held at the write: no ticket
        from chalicelib.handlers import voice_status
        from chalicelib.store.calls import mark_over_cap

        mark_over_cap(complaint.call_sid)

        log.info("call %s: over the caller's daily cap, no ticket", complaint.call_sid)
        return voice_status.cap_reached_at_registration(form, district, lang)
    logs.bind(complaint_number=result.complaint_number)
    log.info("call %s: ticket %s (%s)", complaint.call_sid, result.complaint_number,
             "created" if result.created else "already registered")
    return ivr.registered(lang, result.complaint_number)


def _ended_at(form: dict[str, str]) -> datetime:
    try:
        return parsedate_to_datetime(form["Timestamp"]).astimezone(UTC)
    except (KeyError, TypeError, ValueError):
        return wiring.clock().now()


def call_status(form: dict[str, str], params: dict[str, str]) -> str:
    from chalicelib.domain.clock import iso
    from chalicelib.store.calls import TERMINAL_STATUSES, CallEnd, record_call_end

    status = form.get("CallStatus", "")
    if not form.get("CallSid") or status not in TERMINAL_STATUSES:
        return EMPTY_TWIML
    line, caller = line_and_caller(form)
    district = wiring.directory().district_for_line(line)
    hotline = district.hotline_for_line(line) if district else None
    duration = form.get("CallDuration", "0")
    record_call_end(CallEnd(
        call_sid=form["CallSid"], from_phone=caller, to_phone=line,
        district=district.code if district else None, hotline=hotline.id if hotline else None, status=status,
        duration=int(duration) if duration.isdigit() else 0, ended_at=iso(_ended_at(form))))
    return EMPTY_TWIML


def recording_status(form: dict[str, str], params: dict[str, str]) -> str:
    from chalicelib.domain.call_recording import settle_call_recording
    from chalicelib.store.calls import record_recording_status

    if not form.get("CallSid") or not form.get("RecordingSid"):
        return EMPTY_TWIML
    duration = form.get("RecordingDuration", "")
    seconds = int(duration) if duration.isascii() and duration.isdigit() else None
    status = form.get("RecordingStatus", "")
    number = record_recording_status(form["CallSid"], form["RecordingSid"], status, seconds,
                                     form.get("RecordingUrl") or None)
    if number and status == "completed":
        # The IVR's recording is confirmed on its ticket; an operator's (<Dial>) is attached to theirs.
        settle_call_recording(number, form["RecordingSid"], form.get("RecordingUrl") or None, seconds,
                              wiring.ticket_store())
    return EMPTY_TWIML
