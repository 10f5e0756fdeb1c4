"""The officers' IVR, one function per step, written once as call scripts (every carrier renders them).

An officer calls from their registered phone — a hotline with `purpose: officers` goes straight to the PIN; on a
citizens' line their phone hears "officers: press star" first, and staying on the line is the citizens' IVR —
keys their PIN, then hears their open complaints one by one and the requests they decide, and acts with one key.
Everything is in the district's first language, as officers' messages are.

State travels in the path, as in the citizens' IVR: `{session}` (the call's PIN proof, handlers/officer_ivr.py),
`{position}` in the officer's list, the complaint number, the kind of item, the attempt. The handler reads the
database and passes what to say; nothing here reads or writes it.

    /voice/officer/start                                   the answer to "press star" (nothing: the citizens' IVR)
    /voice/officer/pin/{attempt}                           the PIN, then #
    /voice/officer/item/{session}/{position}               the item at that position (a Redirect lands here)
    /voice/officer/key/{session}/{position}/{kind}/{number}/{attempt}   the key pressed on an item
    /voice/officer/resolve/{session}/{position}/{number}/{attempt}      the spoken remark (<Record>)
    /voice/officer/days/{session}/{position}/{number}/{attempt}         more time: the days, then #
    /voice/officer/time/{session}/{position}/{number}/{days}            more time: the spoken reason, or silence
    /voice/officer/transfer/{session}/{position}/{number}/{attempt}     the department's key
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from chalicelib.domain.complaint_number import spoken_groups
from chalicelib.domain.district import Department, District, Hotline
from chalicelib.domain.lifecycle import MAX_EXTENSION_DAYS
from chalicelib.domain.officer_work import COMPLAINT, WorkItem, complaint_text, officer_name, time_left
from chalicelib.domain.ticket import Ticket
from chalicelib.i18n import Catalog, catalog
from chalicelib.routing.ivr import GATHER_TIMEOUT_SECONDS, MAX_ATTEMPTS, RECORD_SILENCE_SECONDS, VOICE, closing
from chalicelib.telephony.call_script import CallScript, say, url
from chalicelib.telephony.carriers import render

OFFICER = f"{VOICE}/officer"
STAR = "*"
OFFER_TIMEOUT_SECONDS = 4  # a citizen who shares a phone with an officer waits no longer than this
KEYED_TIMEOUT_SECONDS = 10  # a PIN or a number of days, then #
ITEM_TIMEOUT_SECONDS = 8
REMARK_MAX_SECONDS = 60
MAX_DEPARTMENT_KEYS = 9  # one keypad digit each; a transfer further down the list is made in the console or by SMS

# The keys on an item, by kind: the ticket action each one starts (None: no action, see the handler).
ACKNOWLEDGE_KEY, RESOLVE_KEY, MORE_TIME_KEY, TRANSFER_KEY = "1", "2", "3", "4"
APPROVE_KEY, REJECT_KEY = "1", "2"
RECORDING_KEY, NEXT_KEY = "5", "9"


def _speech(district: District) -> Catalog:
    return catalog(district.default_language)


def spoken_number(number: str) -> str:
    """Read digit by digit, with a pause between the district code, the date and the sequence."""
    return ", ".join(spoken_groups(number))


# -- the way in ---------------------------------------------------------------------------------------------

def entry(district: District, hotline: Hotline | None) -> str:
    """An officer's phone: the PIN at once on the officers' own line; elsewhere the offer, then the citizens' IVR."""
    if hotline is not None and hotline.purpose == "officers":
        return pin_prompt(district, attempt=1)
    speech = _speech(district)
    vr = CallScript()
    action = url(f"{OFFICER}/start")
    gather = vr.gather(action, timeout=OFFER_TIMEOUT_SECONDS, num_digits=1)
    say(gather, speech.text("officer_ivr_offer"), speech)
    vr.redirect(action)
    return render(vr)


def pin_prompt(district: District, attempt: int, before: Sequence[str] = ()) -> str:
    speech = _speech(district)
    vr = CallScript()
    for words in before:
        say(vr, words, speech)
    action = url(f"{OFFICER}/pin/{attempt}")
    gather = vr.gather(action, timeout=KEYED_TIMEOUT_SECONDS, finish_on_key="#")
    say(gather, speech.text("officer_ivr_pin"), speech)
    vr.redirect(action)
    return render(vr)


def goodbye(district: District, key: str) -> str:
    """The call ends politely with one message (a PIN refused, a phone locked out, a menu left unanswered)."""
    return closing(district.default_language, key)


# -- the list -------------------------------------------------------------------------------------------------

def welcome(district: District, name: str, items: Sequence[WorkItem]) -> str:
    complaints = sum(1 for item in items if item.kind == COMPLAINT)
    return _speech(district).text("officer_ivr_welcome", name=name, complaints=complaints,
                                  requests=len(items) - complaints)


def item_at(district: District, session: str, items: Sequence[WorkItem], position: int, now: datetime,
            before: Sequence[str] = ()) -> str:
    """The item at `position` with its keys; past the end, goodbye. `before`: what to say first (the
    welcome, what the last action did)."""
    speech = _speech(district)
    vr = CallScript()
    for words in before:
        say(vr, words, speech)
    if position >= len(items):
        say(vr, speech.text("officer_ivr_end" if items else "officer_ivr_none"), speech)
        vr.hangup()
        return render(vr)
    _item_menu(vr, district, session, position, items[position], now, attempt=1)
    return render(vr)


def item_again(district: District, session: str, position: int, item: WorkItem, now: datetime, attempt: int,
               before: Sequence[str] = (), recording: str | None = None) -> str:
    """The same item asked again: after a key that means nothing, no key, the recording, or a race lost."""
    speech = _speech(district)
    vr = CallScript()
    for words in before:
        say(vr, words, speech)
    if recording:
        vr.play(recording)
        vr.pause(1)
    _item_menu(vr, district, session, position, item, now, attempt)
    return render(vr)


def retry_item(district: District, session: str, position: int, item: WorkItem, now: datetime, attempt: int,
               digits: str | None) -> str:
    """A key that means nothing, or none: the menu again, until the last try ends the call."""
    if attempt >= MAX_ATTEMPTS:
        return goodbye(district, "officer_ivr_end")
    words = _speech(district).text("wrong_key" if digits else "no_input")
    return item_again(district, session, position, item, now, attempt + 1, before=[words])


def _item_menu(vr: CallScript, district: District, session: str, position: int, item: WorkItem, now: datetime,
               attempt: int) -> None:
    speech = _speech(district)
    ticket = item.ticket
    action = url(f"{OFFICER}/key/{session}/{position}/{item.kind}/{ticket.complaint_number}/{attempt}")
    gather = vr.gather(action, timeout=ITEM_TIMEOUT_SECONDS, num_digits=1)
    for words in (_complaint_words(district, speech, ticket, now) if item.kind == COMPLAINT
                  else _request_words(district, speech, ticket)):
        say(gather, words, speech)
    say(gather, speech.text("officer_ivr_complaint_menu" if item.kind == COMPLAINT else "officer_ivr_request_menu"),
        speech)
    vr.redirect(action)


def _category(district: District, speech: Catalog, ticket: Ticket) -> str:
    category = district.category(ticket.category)
    return category.names.get(speech.language, category.id) if category else ticket.category


def _complaint_words(district: District, speech: Catalog, ticket: Ticket, now: datetime) -> list[str]:
    left = time_left(ticket, now)
    key = ("officer_ivr_late" if left.late else "officer_ivr_left") + ("_days" if left.days else "_hours")
    words = [speech.text("officer_ivr_complaint", number=spoken_number(ticket.complaint_number),
                         category=_category(district, speech, ticket),
                         time_left=speech.text(key, days=left.days, hours=left.hours))]
    text = complaint_text(ticket)
    if text:
        words.append(speech.text("officer_ivr_text", text=text))
    if ticket.pending:
        words.append(speech.text("officer_ivr_waiting"))
    return words


def _request_words(district: District, speech: Catalog, ticket: Ticket) -> list[str]:
    pending = ticket.pending or {}
    requester = officer_name(str(pending.get("by", "")), district)
    if pending.get("kind") == "extension":
        what = speech.text("officer_ivr_request_extension", requester=requester, days=pending.get("days", ""))
    else:
        what = speech.text("officer_ivr_request_closure", requester=requester,
                           code=str(pending.get("code", "")).replace("_", " "))
    return [speech.text("officer_ivr_request", number=spoken_number(ticket.complaint_number),
                        category=_category(district, speech, ticket), what=what,
                        reason=str(pending.get("reason") or "") or speech.text("officer_ivr_no_reason"))]


# -- the steps of an action -------------------------------------------------------------------------------

def _spoken_remark(district: District, prompt_key: str, action_path: str) -> str:
    """A prompt, then a short recording posted to the action; silence posts there too."""
    speech = _speech(district)
    vr = CallScript()
    say(vr, speech.text(prompt_key), speech)
    action = url(action_path)
    vr.record(action, max_seconds=REMARK_MAX_SECONDS, silence_seconds=RECORD_SILENCE_SECONDS)
    vr.redirect(action)
    return render(vr)


def remark_prompt(district: District, session: str, position: int, number: str, attempt: int) -> str:
    """Resolved: a short spoken remark, the resolution's evidence."""
    return _spoken_remark(district, "officer_ivr_resolve_prompt",
                          f"{OFFICER}/resolve/{session}/{position}/{number}/{attempt}")


def days_prompt(district: District, session: str, position: int, number: str, attempt: int,
                before: Sequence[str] = ()) -> str:
    speech = _speech(district)
    vr = CallScript()
    for words in before:
        say(vr, words, speech)
    action = url(f"{OFFICER}/days/{session}/{position}/{number}/{attempt}")
    gather = vr.gather(action, timeout=KEYED_TIMEOUT_SECONDS, finish_on_key="#")
    say(gather, speech.text("officer_ivr_days_prompt", most=MAX_EXTENSION_DAYS), speech)
    vr.redirect(action)
    return render(vr)


def reason_prompt(district: District, session: str, position: int, number: str, days: int) -> str:
    """More time: the reason, spoken; silence sends the request as made by phone."""
    return _spoken_remark(district, "officer_ivr_reason_prompt", f"{OFFICER}/time/{session}/{position}/{number}/{days}")


def transfer_choices(district: District, ticket: Ticket) -> list[Department]:
    """The departments a ticket can go to, in the file's order, one key each (1 to 9)."""
    return [d for d in district.departments.values() if d.id != ticket.department][:MAX_DEPARTMENT_KEYS]


def transfer_menu(district: District, session: str, position: int, ticket: Ticket, attempt: int,
                  before: Sequence[str] = ()) -> str:
    speech = _speech(district)
    vr = CallScript()
    for words in before:
        say(vr, words, speech)
    action = url(f"{OFFICER}/transfer/{session}/{position}/{ticket.complaint_number}/{attempt}")
    gather = vr.gather(action, timeout=GATHER_TIMEOUT_SECONDS, num_digits=1)
    options = " ".join(speech.text("officer_ivr_department_option", name=d.names.get(speech.language, d.id),
                                   key=key) for key, d in enumerate(transfer_choices(district, ticket), start=1))
    say(gather, f"{speech.text('officer_ivr_transfer_intro')} {options}", speech)
    vr.redirect(action)
    return render(vr)


def then_item(district: District, session: str, position: int, words: Sequence[str]) -> str:
    """Say what happened, then the item now at `position` (the list is read again there)."""
    speech = _speech(district)
    vr = CallScript()
    for text in words:
        say(vr, text, speech)
    vr.redirect(url(f"{OFFICER}/item/{session}/{position}"))
    return render(vr)
