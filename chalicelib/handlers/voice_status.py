"""Voice webhooks of the main menu: status by phone, the daily cap and the repeat-caller offer.

The database is read here, never in routing: the status lookup and the new-complaint lookup are one
Query each on the tickets' `by_caller` index; a keyed number is one GetItem; the repeat caller's
message is one TransactWrite (the note and the call item).
"""
from __future__ import annotations

from chalicelib import wiring
from chalicelib.domain.complaint_number import is_valid
from chalicelib.domain.district import District, is_reachable
from chalicelib.handlers.call_steps import (
    RECORD_MARGIN_SECONDS,
    BadRequest,
    Form,
    Params,
    attempt,
    carry_consent,
    district_required,
    keyed_digits,
    line_and_caller,
    recording_heard,
    recording_seconds,
    recording_url,
)
from chalicelib.routing import ivr, status_menu

STATUS_LOOKUP_LIMIT = 25  # the caller's newest tickets read for status; at most 3 open ones are spoken


def _lang(district: District, params: Params) -> str:
    lang = params.get("lang", "")
    if lang not in district.languages:
        raise BadRequest(f"language {lang!r}")
    return lang


def _number(district: District, params: Params) -> str:
    number = params.get("number", "")
    if not is_valid(number) or not number.startswith(district.code):
        raise BadRequest(f"complaint number {number!r}")
    return number


@district_required
def menu(form: Form, params: Params, district: District) -> str:
    """Main menu: 1 a new complaint, 2 the status of my complaints, 8 a sign-language video call (where offered)."""
    lang, tries, digits = _lang(district, params), attempt(params), keyed_digits(form)
    if digits == "1":
        return _new_complaint(form, district, lang)
    if digits == "2":
        return _status_by_caller(form, district, lang)
    if digits == ivr.VIDEO_KEY and ivr.offers_video(district):
        return _video_call(form, district, lang)
    return status_menu.menu_retry(district, lang, tries, digits)


@district_required
def after_status(form: Form, params: Params, district: District) -> str:
    """After the status: 1 a new complaint, 2 key a complaint number."""
    lang, tries, digits = _lang(district, params), attempt(params), keyed_digits(form)
    if digits == "1":
        return _new_complaint(form, district, lang)
    if digits == "2":
        return status_menu.ask_number(district, lang)
    return status_menu.after_status_retry(district, lang, tries, digits)


@district_required
def lookup(form: Form, params: Params, district: District) -> str:
    """A keyed complaint number (the digits after the district code): its status and expected date only."""
    from chalicelib.domain.callers import keyed_number

    lang, tries = _lang(district, params), attempt(params)
    keyed = (keyed_digits(form) or "").rstrip("#")
    if not keyed:
        return status_menu.lookup_retry(district, lang, tries)
    number = keyed_number(district, keyed)
    ticket = wiring.ticket_store().get(number) if number else None
    if ticket is None or ticket.district != district.code:
        return status_menu.number_not_found(district, lang, keyed[:20], tries)
    return status_menu.keyed_status(district, lang, ticket, wiring.clock().now())


@district_required
def repeat(form: Form, params: Params, district: District) -> str:
    """'Is this about your complaint …?': 1 add a recorded message to it, 2 a new complaint."""
    lang, number, tries, digits = _lang(district, params), _number(district, params), attempt(params), \
        keyed_digits(form)
    if digits == "1":
        return status_menu.note_prompt(district, lang, number)
    if digits == "2":
        return ivr.category_menu(district, lang)
    return status_menu.repeat_retry(district, lang, number, tries, digits)


@district_required
def add_note(form: Form, params: Params, district: District) -> str:
    """The repeat caller's message: a note on their ticket's timeline, once per call."""
    from chalicelib.operations.call_notes import NotTheCallersTicket, RecordedMessage, add_recorded_note

    lang, number, tries = _lang(district, params), _number(district, params), attempt(params)
    longest = status_menu.NOTE_MAX_SECONDS + RECORD_MARGIN_SECONDS
    if not recording_heard(form, longest):
        return status_menu.note_prompt(district, lang, number, tries + 1, not_heard=True)
    message = RecordedMessage(call_sid=form["CallSid"], caller=line_and_caller(form)[1],
                              recording_sid=form["RecordingSid"], recording_url=recording_url(form) or "",
                              duration=recording_seconds(form, longest) or 0)
    try:
        outcome = add_recorded_note(number, district, message, wiring.ticket_store(), wiring.caller_history(),
                                    wiring.clock())
    except NotTheCallersTicket as refused:
        raise BadRequest(str(refused)) from refused
    if outcome == "stale":
        return ivr.technical_problem(lang)
    return status_menu.note_added(lang, number)


# -- shared ------------------------------------------------------------------------------------------

def _new_complaint(form: Form, district: District, lang: str) -> str:
    """Option 1: the cap and the repeat offer from one Query, then the category menu."""
    from chalicelib.operations.new_complaint import check_new_complaint

    check = check_new_complaint(line_and_caller(form)[1], district, wiring.clock().now(), wiring.caller_history())
    if check.over_cap:
        return status_menu.cap_reached(district, lang, check.latest_today)
    carry_consent(check.consent)  # to the recording, which asks about WhatsApp updates only if never answered
    if check.earlier:
        return status_menu.repeat_offer(district, lang, check.earlier)
    return ivr.category_menu(district, lang)


def _video_call(form: Form, district: District, lang: str) -> str:
    """Key 8: a video call booked for the calling phone, its link sent there by the notifier; said, then goodbye."""
    from chalicelib import settings
    from chalicelib.domain.video_calls import VideoRefused
    from chalicelib.operations.video_booking import request_video

    _line, caller = line_and_caller(form)
    try:
        # The short link base where there is one: a Hindi SMS with the link must fit two segments.
        booked = request_video(district, caller, lang, "ivr", calls=wiring.video_calls(),
                               dispatcher=wiring.dispatcher(), clock=wiring.clock(),
                               link_base=settings.short_link_base_url())
    except VideoRefused as refused:
        return status_menu.video_refused(district, lang, refused.code,
                                         int(refused.values.get("most", district.video.per_day)))
    return status_menu.video_booked(district, lang, None if booked.now else booked.call.slot_at)


def _status_by_caller(form: Form, district: District, lang: str) -> str:
    from chalicelib.domain.callers import open_complaints

    _line, caller = line_and_caller(form)
    if not is_reachable(caller):  # a withheld caller ID finds nothing: straight to keying the number
        return status_menu.ask_number(district, lang)
    found = open_complaints(wiring.caller_history().caller_tickets(caller, limit=STATUS_LOOKUP_LIMIT), district)
    if not found:
        return status_menu.none_found(district, lang)
    return status_menu.status_read_back(district, lang, found, wiring.clock().now())
