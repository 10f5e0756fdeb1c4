"""Voice webhooks of the main menu: status by phone, the daily cap and the repeat-caller offer.

The database is read here, never in routing: the status lookup and the new-complaint lookup are one
Query each on the tickets' `by_caller` index; a keyed number is one GetItem; the repeat caller's
message is one TransactWrite (the note and the call item).
"""
from __future__ import annotations

import logging

from chalicelib import wiring
from chalicelib.domain.complaint_number import is_valid
from chalicelib.domain.district import District, is_reachable
from chalicelib.handlers.voice import BadRequest, _attempt, _district, line_and_caller
from chalicelib.routing import ivr, status_menu

log = logging.getLogger(__name__)

STATUS_LOOKUP_LIMIT = 25  # the caller's newest tickets read for status; at most 3 open ones are spoken
NOTE_TRIES = 3


def _lang(district: District, params: dict[str, str]) -> str:
    lang = params.get("lang", "")
    if lang not in district.languages:
        raise BadRequest(f"language {lang!r}")
    return lang


def _number(district: District, params: dict[str, str]) -> str:
    number = params.get("number", "")
    if not is_valid(number) or not number.startswith(district.code):
        raise BadRequest(f"complaint number {number!r}")
    return number


def menu(form: dict[str, str], params: dict[str, str]) -> str:
    """Main menu: 1 a new complaint, 2 the status of my complaints."""
    district = _district(form, params)
    if district is None:
        return ivr.unknown_number()
    lang, attempt, digits = _lang(district, params), _attempt(params), form.get("Digits")
    if digits == "1":
        return _new_complaint(form, district, lang)
    if digits == "2":
        return _status_by_caller(form, district, lang)
    return status_menu.menu_retry(district, lang, attempt, digits)


def after_status(form: dict[str, str], params: dict[str, str]) -> str:
    """After the status: 1 a new complaint, 2 key a complaint number."""
    district = _district(form, params)
    if district is None:
        return ivr.unknown_number()
    lang, attempt, digits = _lang(district, params), _attempt(params), form.get("Digits")
    if digits == "1":
        return _new_complaint(form, district, lang)
    if digits == "2":
        return status_menu.ask_number(district, lang)
    return status_menu.after_status_retry(district, lang, attempt, digits)


def lookup(form: dict[str, str], params: dict[str, str]) -> str:
    """A keyed complaint number (the digits after the district code): its status and expected date only."""
    from chalicelib.domain.callers import keyed_number

    district = _district(form, params)
    if district is None:
        return ivr.unknown_number()
    lang, attempt = _lang(district, params), _attempt(params)
    keyed = (form.get("Digits") or "").strip().rstrip("#")
    if not keyed:
        return status_menu.lookup_retry(district, lang, attempt)
    number = keyed_number(district, keyed)
    ticket = wiring.ticket_store().get(number) if number else None
    if ticket is None or ticket.district != district.code:
        return status_menu.number_not_found(district, lang, keyed[:20], attempt)
    return status_menu.keyed_status(district, lang, ticket)


def repeat(form: dict[str, str], params: dict[str, str]) -> str:
    """'Is this about your complaint …?': 1 add a recorded message to it, 2 a new complaint."""
    district = _district(form, params)
    if district is None:
        return ivr.unknown_number()
    lang, number, attempt, digits = _lang(district, params), _number(district, params), _attempt(params), \
        form.get("Digits")
    if digits == "1":
        return status_menu.note_prompt(district, lang, number)
    if digits == "2":
        return ivr.category_menu(district, lang)
    return status_menu.repeat_retry(district, lang, number, attempt, digits)


def add_note(form: dict[str, str], params: dict[str, str]) -> str:
    """The repeat caller's message: a note on their ticket's timeline, once per call."""
    from chalicelib.domain.callers import recorded_note
    from chalicelib.domain.ports import StaleTicket
    from chalicelib.store.callers import NoteAlreadyAdded, add_call_note

    district = _district(form, params)
    if district is None:
        return ivr.unknown_number()
    lang, number, attempt = _lang(district, params), _number(district, params), _attempt(params)
    duration = form.get("RecordingDuration", "0")
    if not (form.get("RecordingSid") and form.get("RecordingUrl")) or not duration.isdigit() or int(duration) == 0:
        return status_menu.note_prompt(district, lang, number, attempt + 1, not_heard=True)
    _line, caller = line_and_caller(form)
    store = wiring.ticket_store()
    for _ in range(NOTE_TRIES):
        ticket = store.get(number)
        # The number came from our own signed action URL; still, only the caller's own ticket takes notes.
        if ticket is None or ticket.district != district.code or ticket.caller_phone != caller:
            raise BadRequest(f"complaint {number} is not this caller's")
        change = recorded_note(ticket, district, wiring.clock().now(), caller, form["CallSid"],
                               form["RecordingSid"], form["RecordingUrl"], int(duration))
        try:
            add_call_note(change, form["CallSid"], form["RecordingSid"])
            log.info("call %s: message added to %s", form["CallSid"], number)
            break
        except NoteAlreadyAdded:
            log.info("call %s: message on %s was added already", form["CallSid"], number)
            break
        except StaleTicket:
            continue
    else:
        return ivr.technical_problem(lang)
    return status_menu.note_added(lang, number)


# -- shared ------------------------------------------------------------------------------------------

def _new_complaint(form: dict[str, str], district: District, lang: str) -> str:
    """Option 1: the cap and the repeat offer from one Query, then the category menu."""
    from chalicelib.domain.callers import lookup_since, over_cap, registered_today, repeat_candidate
    from chalicelib.store.callers import caller_tickets

    _line, caller = line_and_caller(form)
    if not is_reachable(caller):  # a withheld caller ID: no history to look at, no cap to count
        return ivr.category_menu(district, lang)
    now = wiring.clock().now()
    tickets = caller_tickets(caller, since=lookup_since(district, now))
    if over_cap(tickets, district, caller, now):
        return status_menu.cap_reached(district, lang, registered_today(tickets, district, now)[0].complaint_number)
    earlier = repeat_candidate(tickets, district, now)
    if earlier:
        return status_menu.repeat_offer(district, lang, earlier)
    return ivr.category_menu(district, lang)


def _status_by_caller(form: dict[str, str], district: District, lang: str) -> str:
    from chalicelib.domain.callers import open_complaints
    from chalicelib.store.callers import caller_tickets

    _line, caller = line_and_caller(form)
    if not is_reachable(caller):  # a withheld caller ID finds nothing: straight to keying the number
        return status_menu.ask_number(district, lang)
    found = open_complaints(caller_tickets(caller, limit=STATUS_LOOKUP_LIMIT), district)
    if not found:
        return status_menu.none_found(district, lang)
    return status_menu.status_read_back(district, lang, found)


def cap_reached_at_registration(form: dict[str, str], district: District, lang: str) -> str:
    """The cap held at the write (two calls raced past the menu's check): no ticket; say so."""
    from chalicelib.domain.callers import lookup_since, registered_today
    from chalicelib.store.callers import caller_tickets

    _line, caller = line_and_caller(form)
    now = wiring.clock().now()
    today = registered_today(caller_tickets(caller, since=lookup_since(district, now)), district, now)
    return status_menu.cap_reached(district, lang, today[0].complaint_number if today else None)
