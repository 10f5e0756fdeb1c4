"""Voice webhooks of the officers' IVR (routing/officer_ivr.py): the PIN, the list, and one action per key.

The officer is their phone (the call's From) in the call's district, as on SMS; after the PIN every step's path
carries `{session}`, an HMAC of the district, the phone and the CallSid, so a step of this IVR is answered only
within the call that keyed the PIN, from that phone. Database work per step: the PIN is one GetItem (plus the
phone's wrong-tries counter); an item is one Query per post; an action is one GetItem and one TransactWrite
(operations/officer_voice.py).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import logging

from chalicelib import settings, wiring
from chalicelib.domain.district import District
from chalicelib.domain.lifecycle import MAX_EXTENSION_DAYS, Actor
from chalicelib.domain.officer_work import (
    COMPLAINT,
    KINDS,
    REQUEST,
    WorkItem,
    officer_actor,
    officer_name,
    still_listed,
)
from chalicelib.domain.ticket import Ticket
from chalicelib.handlers.call_steps import (
    RECORD_MARGIN_SECONDS,
    BadRequest,
    Form,
    Params,
    attempt,
    district_required,
    keyed_digits,
    line_and_caller,
    recording_heard,
    recording_url,
)
from chalicelib.i18n import catalog
from chalicelib.routing import officer_ivr
from chalicelib.routing.ivr import MAX_ATTEMPTS

log = logging.getLogger(__name__)

MAX_POSITION = 999


# -- who is calling --------------------------------------------------------------------------------------------

def session_of(district: District, phone: str, call_sid: str) -> str:
    """The PIN's proof for the rest of the call: only this call, from this phone, in this district."""
    mac = hmac.new(settings.link_secret().encode(), f"officer-ivr|{district.code}|{phone}|{call_sid}".encode(),
                   hashlib.sha256).digest()[:15]
    return base64.urlsafe_b64encode(mac).decode()


def _signed_in(form: Form, params: Params, district: District) -> tuple[Actor, str]:
    """The officer this step is for, and the session their path carries; BadRequest for any other."""
    phone, session = line_and_caller(form)[1], params.get("session", "")
    if not form.get("CallSid") or not hmac.compare_digest(session, session_of(district, phone, form["CallSid"])):
        raise BadRequest("officers' IVR step without this call's PIN")
    actor = officer_actor(phone, district)
    if not actor.posts and actor.kind != "collector":
        raise BadRequest(f"{phone} holds no post in {district.code}")
    return actor, session


def _position(params: Params) -> int:
    raw = params.get("position", "")
    if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_POSITION:
        raise BadRequest(f"position {raw!r}")
    return int(raw)


def _number(district: District, params: Params) -> str:
    from chalicelib.domain.complaint_number import is_valid

    number = params.get("number", "")
    if not is_valid(number) or not number.startswith(district.code):
        raise BadRequest(f"complaint number {number!r}")
    return number


def _words(district: District, key: str, **values: object) -> str:
    return catalog(district.default_language).text(key, **values)


# -- the way in ------------------------------------------------------------------------------------------------

@district_required
def start(form: Form, params: Params, district: District) -> str:
    """The answer to "officers: press star": star is the PIN; anything else, or nothing, the citizens' IVR."""
    if keyed_digits(form) == officer_ivr.STAR and line_and_caller(form)[1] in district.officer_phones():
        return officer_ivr.pin_prompt(district, attempt=1)
    return _citizens(form, params)


def _citizens(form: Form, params: Params) -> str:
    from chalicelib.handlers import voice

    return voice.incoming(form, params, as_citizen=True)


@district_required
def pin(form: Form, params: Params, district: District) -> str:
    from chalicelib.operations.officer_pins import LOCKED, NO_PIN, SIGNED_IN, check_pin

    tries, phone = attempt(params), line_and_caller(form)[1]
    if phone not in district.officer_phones():  # no longer an officer: they are a citizen like any other
        return _citizens(form, params)
    keyed = (keyed_digits(form) or "").rstrip("#")
    if not keyed:
        if tries >= MAX_ATTEMPTS:
            return officer_ivr.goodbye(district, "officer_ivr_end")
        return officer_ivr.pin_prompt(district, tries + 1, before=[_words(district, "no_input")])
    outcome = check_pin(district, phone, keyed, wiring.clock().now(), wiring.officer_pins(), wiring.link_attempts())
    if outcome == SIGNED_IN:
        wiring.call_log().mark_officer_call(form["CallSid"])  # its recordings are remarks: the reconciler keeps off
        log.info("officers' IVR: %s signed in to %s", phone, district.code)
        return _first_item(form, district, phone)
    if outcome in (LOCKED, NO_PIN):
        log.warning("officers' IVR: %s refused in %s (%s)", phone, district.code, outcome)
        return officer_ivr.goodbye(district, "officer_ivr_pin_locked" if outcome == LOCKED else "officer_ivr_no_pin")
    if tries >= MAX_ATTEMPTS:
        log.warning("officers' IVR: wrong PIN three times from %s in %s (call %s): call ended", phone, district.code,
                    form.get("CallSid"))
        return officer_ivr.goodbye(district, "officer_ivr_pin_failed")
    log.info("officers' IVR: wrong PIN from %s in %s (try %d)", phone, district.code, tries)
    return officer_ivr.pin_prompt(district, tries + 1, before=[_words(district, "officer_ivr_pin_wrong")])


def _first_item(form: Form, district: District, phone: str) -> str:
    from chalicelib.domain.officer_work import work_list

    actor = officer_actor(phone, district)
    items = work_list(district, actor, wiring.officer_queues())
    session = session_of(district, phone, form["CallSid"])
    return officer_ivr.item_at(district, session, items, 0, wiring.clock().now(),
                               before=[officer_ivr.welcome(district, officer_name(phone, district), items)])


# -- the list ----------------------------------------------------------------------------------------------------

@district_required
def item(form: Form, params: Params, district: District) -> str:
    """The item now at this position of the officer's list (read again: others act meanwhile)."""
    from chalicelib.domain.officer_work import work_list

    actor, session = _signed_in(form, params, district)
    items = work_list(district, actor, wiring.officer_queues())
    return officer_ivr.item_at(district, session, items, _position(params), wiring.clock().now())


@district_required
def key(form: Form, params: Params, district: District) -> str:
    """A key pressed on an item: an action at once (acknowledge, approve, reject), the first step of one
    (resolved, more time, transfer), the recording, or the next item."""
    actor, session = _signed_in(form, params, district)
    position, number, tries, digits = _position(params), _number(district, params), attempt(params), \
        keyed_digits(form)
    kind = params.get("kind", "")
    if kind not in KINDS:
        raise BadRequest(f"kind {kind!r}")
    if digits == officer_ivr.NEXT_KEY:
        return officer_ivr.then_item(district, session, position + 1, [])
    if kind == COMPLAINT and digits == officer_ivr.ACKNOWLEDGE_KEY:
        return _act("acknowledge", {}, district, actor, session, position, number, kind)
    if kind == REQUEST and digits in (officer_ivr.APPROVE_KEY, officer_ivr.REJECT_KEY):
        given = {"approve": digits == officer_ivr.APPROVE_KEY, "note": _words(district, "officer_ivr_decision_note")}
        return _act("decide", given, district, actor, session, position, number, kind)
    ticket = wiring.ticket_store().get(number)
    if ticket is None or ticket.district != district.code:
        return officer_ivr.then_item(district, session, position, [_words(district, "officer_ivr_refused_other")])
    now, here = wiring.clock().now(), WorkItem(ticket, kind)
    if not still_listed(ticket, kind, actor):  # another officer acted first: say so before asking anything more
        return _refused(district, session, position, kind, actor, ticket, "not_open" if not ticket.is_open
                        else "not_yours")
    if digits == officer_ivr.RECORDING_KEY:
        audio = _playable(ticket.recording_url)
        if audio is None:
            return officer_ivr.item_again(district, session, position, here, now, tries,
                                          before=[_words(district, "officer_ivr_no_recording")])
        return officer_ivr.item_again(district, session, position, here, now, tries, recording=audio)
    if kind == COMPLAINT and digits == officer_ivr.RESOLVE_KEY:
        return officer_ivr.remark_prompt(district, session, position, number, attempt=1)
    if kind == COMPLAINT and digits == officer_ivr.MORE_TIME_KEY:
        if ticket.pending:
            return _refused(district, session, position, kind, actor, ticket, "pending_exists")
        return officer_ivr.days_prompt(district, session, position, number, attempt=1)
    if kind == COMPLAINT and digits == officer_ivr.TRANSFER_KEY:
        return officer_ivr.transfer_menu(district, session, position, ticket, attempt=1)
    return officer_ivr.retry_item(district, session, position, here, now, tries, digits)


@district_required
def resolve(form: Form, params: Params, district: District) -> str:
    """Resolved, with the officer's spoken remark as its evidence; nothing heard, nothing changed."""
    actor, session = _signed_in(form, params, district)
    position, number = _position(params), _number(district, params)
    evidence = _spoken(form)
    if evidence is None:
        return officer_ivr.then_item(district, session, position, [_words(district, "officer_ivr_not_heard")])
    return _act("resolve", {"remark": _words(district, "officer_ivr_resolution_remark")}, district, actor, session,
                position, number, COMPLAINT, evidence)


@district_required
def days(form: Form, params: Params, district: District) -> str:
    """More time: the days keyed, then the reason."""
    from chalicelib.domain.commands import whole_number

    _actor, session = _signed_in(form, params, district)
    position, number, tries = _position(params), _number(district, params), attempt(params)
    keyed = (keyed_digits(form) or "").rstrip("#")
    count = whole_number(keyed) if keyed else None
    if count is not None and 1 <= count <= MAX_EXTENSION_DAYS:
        return officer_ivr.reason_prompt(district, session, position, number, count)
    if tries >= MAX_ATTEMPTS:
        return officer_ivr.then_item(district, session, position, [_words(district, "officer_ivr_refused_other")])
    why = _words(district, "officer_ivr_refused_bad_days", most=MAX_EXTENSION_DAYS) if keyed else \
        _words(district, "no_input")
    return officer_ivr.days_prompt(district, session, position, number, tries + 1, before=[why])


@district_required
def more_time(form: Form, params: Params, district: District) -> str:
    """More time: the reason spoken (its recording on the timeline), or silence (asked by phone)."""
    actor, session = _signed_in(form, params, district)
    position, number, raw = _position(params), _number(district, params), params.get("days", "")
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_EXTENSION_DAYS:
        raise BadRequest(f"days {raw!r}")
    evidence = _spoken(form)
    reason = _words(district, "officer_ivr_reason_recorded" if evidence else "officer_ivr_reason_by_phone")
    return _act("more_time", {"days": int(raw), "reason": reason}, district, actor, session, position, number,
                COMPLAINT, evidence)


@district_required
def transfer(form: Form, params: Params, district: District) -> str:
    """Transfer: the department's key (the menu lists every department but the ticket's own)."""
    actor, session = _signed_in(form, params, district)
    position, number, tries, digits = _position(params), _number(district, params), attempt(params), \
        keyed_digits(form)
    ticket = wiring.ticket_store().get(number)
    if ticket is None or ticket.district != district.code:
        return officer_ivr.then_item(district, session, position, [_words(district, "officer_ivr_refused_other")])
    choices = officer_ivr.transfer_choices(district, ticket)
    if digits and digits.isdigit() and 1 <= int(digits) <= len(choices):
        given: dict[str, object] = {"department": choices[int(digits) - 1].id,
                                    "reason": _words(district, "officer_ivr_transfer_reason")}
        return _act("transfer", given, district, actor, session, position, number, COMPLAINT, read=ticket)
    if tries >= MAX_ATTEMPTS:
        return officer_ivr.then_item(district, session, position, [])
    return officer_ivr.transfer_menu(district, session, position, ticket, tries + 1,
                                     before=[_words(district, "wrong_key" if digits else "no_input")])


# -- acting ------------------------------------------------------------------------------------------------------

def _act(action_key: str, given: dict[str, object], district: District, actor: Actor, session: str, position: int,
         number: str, kind: str, evidence: str | None = None, read: Ticket | None = None) -> str:
    """One ticket action through the same table, lifecycle and commit as SMS and the console; then what happened,
    and the list from where it now stands."""
    from chalicelib.domain import ticket_actions
    from chalicelib.operations.officer_voice import DONE, GONE, STALE, act_by_voice

    action = next(a for a in ticket_actions.TICKET_ACTIONS if a.key == action_key)
    outcome = act_by_voice(action, number, given, actor.id, district, wiring.clock().now(), wiring.ticket_store(),
                           wiring.dispatcher(), evidence_url=evidence, read=read)
    if outcome.result == GONE or outcome.before is None:
        return officer_ivr.then_item(district, session, position, [_words(district, "officer_ivr_refused_other")])
    if outcome.result == STALE:
        log.info("officers' IVR: %s's %s on %s lost a race: nothing written", actor.id, action_key, number)
        return officer_ivr.then_item(district, session, position, [_words(district, "officer_ivr_stale")])
    if outcome.result != DONE:
        return _refused(district, session, position, kind, actor, outcome.before, outcome.reason, **outcome.details)
    after = outcome.after or outcome.before
    log.info("officers' IVR: %s did %s on %s", actor.id, action_key, number)
    done = _done_words(district, action_key, given, outcome.before)
    return officer_ivr.then_item(district, session, position + 1 if still_listed(after, kind, actor) else position,
                                 [done])


def _done_words(district: District, action_key: str, given: dict[str, object], before: Ticket) -> str:
    if action_key == "decide":
        pending = before.pending or {}
        requester = officer_name(str(pending.get("by", "")), district)
        return _words(district, "officer_ivr_done_approved" if given["approve"] else "officer_ivr_done_rejected",
                      requester=requester)
    if action_key == "more_time":
        return _words(district, "officer_ivr_done_more_time", days=given["days"])
    if action_key == "transfer":
        department = district.departments[str(given["department"])]
        return _words(district, "officer_ivr_done_transfer",
                      department=department.names.get(district.default_language, department.id))
    return _words(district, f"officer_ivr_done_{'resolved' if action_key == 'resolve' else 'acknowledged'}")


_REFUSALS = ("not_open", "not_yours", "already_acknowledged", "pending_exists", "nothing_to_decide", "own_request",
             "bad_days")


def _refused(district: District, session: str, position: int, kind: str, actor: Actor, ticket: Ticket,
             reason: str, **details: object) -> str:
    """The lifecycle said no (another officer acted first, or this call's own replayed webhook): say so, change
    nothing, and go on from where the list now stands."""
    key = f"officer_ivr_refused_{reason}" if reason in _REFUSALS else "officer_ivr_refused_other"
    log.info("officers' IVR: %s refused on %s (%s)", actor.id, ticket.complaint_number, reason)
    stays = still_listed(ticket, kind, actor)
    return officer_ivr.then_item(district, session, position + 1 if stays else position,
                                 [_words(district, key, **{"most": MAX_EXTENSION_DAYS, **details})])


def _spoken(form: Form) -> str | None:
    """The carrier's URL of what the officer just said, if anything was heard."""
    if not recording_heard(form, officer_ivr.REMARK_MAX_SECONDS + RECORD_MARGIN_SECONDS):
        return None
    return recording_url(form)


def _playable(url: str | None) -> str | None:
    """The complaint's recording as the carrier plays it (telephony/recording_urls.py: our account's only)."""
    from chalicelib.telephony.recording_urls import carrier_of, media_url

    return media_url(url) if url and carrier_of(url) else None

