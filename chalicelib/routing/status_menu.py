"""The answers to the main menu (status by phone, the daily cap, the repeat-caller offer) and the blocklist.

TwiML only, like routing/ivr.py, which it builds on (never the other way round; the main menu itself is
ivr.add_main_menu): the handler (handlers/voice_status.py) reads the tickets and passes them in.
State travels in the path: /menu/{lang}/{attempt}, /after-status/{lang}/{attempt},
/lookup/{lang}/{attempt} (a keyed complaint number), /repeat/{lang}/{number}/{attempt} and
/add-note/{lang}/{number}/{attempt} (the repeat caller's message).
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from chalicelib.domain.callers import date_words
from chalicelib.domain.clock import IST, parse_iso
from chalicelib.domain.complaint_number import spoken_groups
from chalicelib.domain.district import District
from chalicelib.domain.late import days_late, expected_at, late_values
from chalicelib.domain.ticket import Ticket
from chalicelib.i18n import Catalog, catalog
from chalicelib.routing import ivr
from chalicelib.routing.ivr import GATHER_TIMEOUT_SECONDS, MAX_ATTEMPTS, RECORD_SILENCE_SECONDS, VOICE
from chalicelib.telephony.call_script import CallScript, say, url
from chalicelib.telephony.carriers import render

KEY_NUMBER_TIMEOUT_SECONDS = 12  # the digits of a complaint number take a while on a keypad
NOTE_MAX_SECONDS = 120


def menu_retry(district: District, lang: str, attempt: int, digits: str | None) -> str:
    """The main menu (routing/ivr.py add_main_menu) asked again."""
    return ivr.retry(district, lang, attempt, digits, lambda vr, n: ivr.add_main_menu(vr, lang, n, district))


def blocked(district: District) -> str:
    """A blocked caller: a short message in the district's languages, and the call ends."""
    vr = CallScript()
    for lang in district.languages:
        say(vr, catalog(lang).text("caller_blocked"), catalog(lang))
    vr.hangup()
    return render(vr)


def cap_reached(district: District, lang: str, latest_number: str | None) -> str:
    speech = catalog(lang)
    vr = CallScript()
    say(vr, speech.text("caller_cap", limit=district.callers.complaints_per_day), speech)
    if latest_number:
        say(vr, speech.text("caller_cap_latest", number=_spoken(latest_number)), speech)
    say(vr, speech.text("goodbye"), speech)
    vr.hangup()
    return render(vr)


# -- a sign-language video call (key 8) ------------------------------------------------------------------

def video_booked(district: District, lang: str, slot_at: str | None) -> str:
    """The link is on its way to the caller's phone: open it now, or at the slot (`slot_at`, None for now). Said
    for the relative who pressed 8; then the call ends (the rest happens on the phone's screen)."""
    speech = catalog(lang)
    vr = CallScript()
    if slot_at is None:
        say(vr, speech.text("video_sent_now"), speech)
    else:
        say(vr, speech.text("video_sent_later", time=spoken_time(speech, slot_at)), speech)
    say(vr, speech.text("goodbye"), speech)
    vr.hangup()
    return render(vr)


def video_refused(district: District, lang: str, code: str, most: int) -> str:
    """No video call: the district takes none, nobody signs, the phone asked too often today, or no number to
    send the link to — each said in words, and the call ends."""
    speech = catalog(lang)
    key = f"video_refused_{code}"
    vr = CallScript()
    say(vr, speech.text(key if key in speech.keys() else "video_refused_video_off", most=most), speech)
    say(vr, speech.text("goodbye"), speech)
    vr.hangup()
    return render(vr)


def spoken_time(speech: Catalog, iso_time: str) -> str:
    """An IST time as said on a call: "5 दिसंबर को 10:00 बजे", "10:00 on 5 December"."""
    local = parse_iso(iso_time).astimezone(IST)
    words = date_words(iso_time, speech.text("months").split(","))
    return speech.text("video_time", date=f"{words['day']} {words['month']}", clock=f"{local:%H:%M}")


# -- status by phone --------------------------------------------------------------------------------

def _spoken(number: str) -> str:
    return ", ".join(spoken_groups(number))


def _status_words(speech: Catalog, ticket: Ticket, now: datetime | None) -> list[str]:
    key = f"status_{ticket.status}"
    words = [speech.text("status_item", number=_spoken(ticket.complaint_number),
                         status=speech.text(key if key in speech.keys() else "status_registered"))]
    late = days_late(ticket, now) if now is not None else 0
    if late:  # a passed date is never quoted: how late, and with whom it is now
        words.append(speech.text("status_late", **late_values(speech, ticket, late)))
    elif ticket.is_open and ticket.sla_due_at:
        date = speech.text("spoken_date", **date_words(expected_at(ticket), speech.text("months").split(",")))
        words.append(speech.text("status_expected", date=date))
    return words


def status_read_back(district: District, lang: str, tickets: Iterable[Ticket], now: datetime | None = None) -> str:
    """The caller's open complaints (newest first, already chosen), then what next."""
    speech = catalog(lang)
    vr = CallScript()
    say(vr, speech.text("status_intro"), speech)
    for ticket in tickets:
        for words in _status_words(speech, ticket, now):
            say(vr, words, speech)
        vr.pause(1)
    _after_status_menu(vr, lang, attempt=1)
    return render(vr)


def keyed_status(district: District, lang: str, ticket: Ticket, now: datetime | None = None) -> str:
    """One ticket's status for a keyed number: status and date only, never the caller's name or address."""
    speech = catalog(lang)
    vr = CallScript()
    for words in _status_words(speech, ticket, now):
        say(vr, words, speech)
    _after_status_menu(vr, lang, attempt=1)
    return render(vr)


def none_found(district: District, lang: str) -> str:
    """Nothing open under the caller ID: ask for the number."""
    speech = catalog(lang)
    vr = CallScript()
    say(vr, speech.text("status_none"), speech)
    key_number_prompt(vr, lang, attempt=1)
    return render(vr)


def ask_number(district: District, lang: str, attempt: int = 1) -> str:
    vr = CallScript()
    key_number_prompt(vr, lang, attempt)
    return render(vr)


def key_number_prompt(vr: CallScript, lang: str, attempt: int) -> None:
    speech = catalog(lang)
    action = url(f"{VOICE}/lookup/{lang}/{attempt}")
    gather = vr.gather(action, timeout=KEY_NUMBER_TIMEOUT_SECONDS, finish_on_key="#")
    say(gather, speech.text("status_key_number"), speech)
    vr.redirect(action)


def number_not_found(district: District, lang: str, keyed: str, attempt: int) -> str:
    """A keyed number that is malformed or not this district's ticket: say so, and let them try again."""
    speech = catalog(lang)
    vr = CallScript()
    say(vr, speech.text("status_not_found", number=" ".join(keyed)), speech)
    if attempt >= MAX_ATTEMPTS:
        say(vr, speech.text("goodbye"), speech)
        vr.hangup()
    else:
        key_number_prompt(vr, lang, attempt + 1)
    return render(vr)


def lookup_retry(district: District, lang: str, attempt: int) -> str:
    """Nothing keyed at the number prompt."""
    return ivr.retry(district, lang, attempt, None, lambda vr, n: key_number_prompt(vr, lang, n))


def _after_status_menu(vr: CallScript, lang: str, attempt: int) -> None:
    speech = catalog(lang)
    action = url(f"{VOICE}/after-status/{lang}/{attempt}")
    gather = vr.gather(action, timeout=GATHER_TIMEOUT_SECONDS, num_digits=1)
    say(gather, speech.text("status_next"), speech)
    # Pressing nothing here means they heard what they called for: thank them and end the call.
    say(vr, speech.text("goodbye"), speech)
    vr.hangup()


def after_status_retry(district: District, lang: str, attempt: int, digits: str | None) -> str:
    return ivr.retry(district, lang, attempt, digits, lambda vr, n: _after_status_menu(vr, lang, n))


# -- the repeat caller ------------------------------------------------------------------------------

def repeat_offer(district: District, lang: str, ticket: Ticket, attempt: int = 1) -> str:
    vr = CallScript()
    _repeat_menu(vr, lang, ticket.complaint_number, attempt)
    return render(vr)


def _repeat_menu(vr: CallScript, lang: str, number: str, attempt: int) -> None:
    speech = catalog(lang)
    action = url(f"{VOICE}/repeat/{lang}/{number}/{attempt}")
    gather = vr.gather(action, timeout=GATHER_TIMEOUT_SECONDS, num_digits=1)
    say(gather, speech.text("repeat_offer", number=_spoken(number)), speech)
    vr.redirect(action)


def repeat_retry(district: District, lang: str, number: str, attempt: int, digits: str | None) -> str:
    return ivr.retry(district, lang, attempt, digits, lambda vr, n: _repeat_menu(vr, lang, number, n))


def note_prompt(district: District, lang: str, number: str, attempt: int = 1, not_heard: bool = False) -> str:
    speech = catalog(lang)
    if attempt > MAX_ATTEMPTS:
        return ivr.give_up(district, lang)
    vr = CallScript()
    if not_heard:
        say(vr, speech.text("not_heard"), speech)
    say(vr, speech.text("repeat_record_prompt"), speech)
    action = url(f"{VOICE}/add-note/{lang}/{number}/{attempt}")
    vr.record(action, max_seconds=NOTE_MAX_SECONDS, silence_seconds=RECORD_SILENCE_SECONDS)
    vr.redirect(action)
    return render(vr)


def note_added(lang: str, number: str) -> str:
    speech = catalog(lang)
    vr = CallScript()
    say(vr, speech.text("repeat_added", number=_spoken(number)), speech)
    say(vr, speech.text("goodbye"), speech)
    vr.hangup()
    return render(vr)
