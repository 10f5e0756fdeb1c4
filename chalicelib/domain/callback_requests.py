"""Callback requests: calling a citizen back after a missed call (a `missed_call` hotline) or when asked after hours.

A request is written before the caller hears anything (with the caller's per-day count, atomically),
and carries its due time while it waits, so the sweeper finds what is due through a sparse index.
Each try moves the due time on (a lease) before the call is placed: a lost status callback cannot leave
a request stuck, and a crash after the move costs one try, never a second call at once.

When the last try goes unanswered the request is given up, and the citizen gets one SMS saying how else to
reach the office (domain/notices.py, kind `unreachable_callback`): its event is dispatched before the request
is finished, with the request's own id, so a retried status or a second sweep dispatches the same event again
and the notifier's claims send it once.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from chalicelib.domain.clock import iso, ist_date
from chalicelib.domain.district import District, Hotline, is_reachable
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.ports import CallbackRequests, Dialer, Directory, EventDispatcher, OutcomeUnknown

log = logging.getLogger(__name__)

MISSED_CALL, AFTER_HOURS = "missed_call", "after_hours"
WAITING, CALLING, ANSWERED, UNANSWERED = "waiting", "calling", "answered", "unanswered"
# Twilio's final statuses of a placed call that nobody took (completed means someone picked up).
UNANSWERED_STATUSES = frozenset({"no-answer", "busy", "failed", "canceled"})
MAX_PER_SWEEP = 150  # a sweep places at most this many; the rest wait a minute (Lambda's 60 s budget)
# While a try is under way its due time stands this far ahead: the status callback (at the call's end, which
# for an answered call comes after the whole IVR) sets the real next step; this only covers a lost callback,
# and must outlast a complaint's call so a citizen on the line is never rung a second time.
CALL_LEASE_MINUTES = 30


@dataclass(frozen=True)
class CallbackRequest:
    id: str  # the CallSid of the call that asked: a retried webhook finds it written already
    caller_phone: str
    line: str  # our number: the callback's caller ID, and how the IVR finds the district
    district: str
    hotline: str
    reason: str  # MISSED_CALL or AFTER_HOURS
    due_at: datetime | None  # None once nothing more is to be done
    tries: int  # at most this many calls in all
    retry_minutes: int
    tries_made: int = 0
    state: str = WAITING
    created_at: datetime | None = None
    language: str = ""  # the caller's language where they chose one (after hours); "": the district's first


GIVEN_UP_EVENT = "callback.given_up"


def given_up_event(request: CallbackRequest, now: datetime) -> DomainEvent:
    """The citizen's one SMS after the last unanswered try; its id is the request's, so it is sent once."""
    return DomainEvent(GIVEN_UP_EVENT, "", 0, iso(now),
                       {"district": request.district, "caller_phone": request.caller_phone, "line": request.line,
                        "hotline": request.hotline, "reason": request.reason, "language": request.language,
                        "tries": request.tries},
                       id=f"callback-given-up-{request.id}")


def _give_up(requests: CallbackRequests, request: CallbackRequest, now: datetime,
             dispatcher: EventDispatcher | None) -> bool:
    """Tell the citizen (at least once; the notifier's claims make it once), then finish the request."""
    if dispatcher is not None:
        dispatcher.dispatch(given_up_event(request, now))
    return requests.finish(request, UNANSWERED)


@dataclass(frozen=True)
class CallbackOutcome:
    scheduled: bool
    reason: str  # "scheduled", "already_requested", "withheld", "over_cap"
    due_at: datetime | None = None


def request_callback(call_sid: str, caller_phone: str, line: str, district: District, hotline: Hotline,
                     reason: str, now: datetime, due_at: datetime | None,
                     requests: CallbackRequests, language: str = "") -> CallbackOutcome:
    """Write the request (one conditional transaction with the caller's count for the IST day)."""
    if not is_reachable(caller_phone):
        log.info("call %s: caller ID withheld, no callback", call_sid)
        return CallbackOutcome(False, "withheld")
    policy = hotline.missed_call
    request = CallbackRequest(id=call_sid, caller_phone=caller_phone, line=line, district=district.code,
                              hotline=hotline.id, reason=reason, due_at=due_at or now, tries=policy.tries,
                              retry_minutes=policy.retry_minutes, created_at=now, language=language)
    written = requests.add(request, ist_date(now), policy.callbacks_per_day)
    if written == "over_cap":
        log.info("call %s: %s already had %d callbacks today, no callback", call_sid, hotline.id,
                 policy.callbacks_per_day)
        return CallbackOutcome(False, "over_cap")
    return CallbackOutcome(True, "scheduled" if written == "added" else "already_requested", request.due_at)


@dataclass(frozen=True)
class CallbackSweep:
    placed: int
    failed: int
    given_up: int


# Carrier-neutral: the Dialer's adapter prefixes "/{carrier}" (and the public base URL).
def answer_path(request_id: str) -> str:
    return f"/voice/callback/{request_id}"


def status_path(request_id: str, try_number: int) -> str:
    return f"/voice/callback-status/{request_id}/{try_number}"


def line_carrier(request: CallbackRequest, directory: Directory | None) -> str:
    """The carrier of the line the callback is placed from (its caller ID): the line's hotline's, as the
    directory has it now; Twilio for a line no district holds any more."""
    district = directory.district(request.district) if directory else None
    return district.carrier_for_line(request.line) if district else "twilio"


def place_due_callbacks(requests: CallbackRequests, dialer: Dialer, now: datetime,
                        limit: int = MAX_PER_SWEEP, directory: Directory | None = None,
                        dispatcher: EventDispatcher | None = None) -> CallbackSweep:
    """`directory` names each line's carrier (without it: Twilio); `dispatcher` tells a citizen whose last
    try's status never came that we could not reach them (without it: nobody is told)."""
    placed = failed = given_up = 0
    for request in requests.due(now, limit):
        if request.tries_made >= request.tries:
            # The last try's status never came (or came for another try): nothing more to place.
            if _give_up(requests, request, now, dispatcher):
                given_up += 1
            continue
        taken = replace(request, tries_made=request.tries_made + 1, state=CALLING,
                        due_at=now + timedelta(minutes=max(request.retry_minutes, CALL_LEASE_MINUTES)))
        if not requests.start_try(request, taken):
            continue  # another sweep took it, or its status moved it meanwhile
        try:
            sid = dialer.place_call(to=request.caller_phone, caller_id=request.line,
                                    answer_path=answer_path(request.id),
                                    status_path=status_path(request.id, taken.tries_made),
                                    carrier=line_carrier(request, directory))
        except OutcomeUnknown:
            # The carrier may have placed it: keep the try's lease, so the call's own status callback (it
            # comes for a placed call) settles the try, and only a call never placed waits out the lease.
            failed += 1
            log.warning("callback %s: try %d, no answer from the carrier; left to its status", request.id,
                        taken.tries_made)
            continue
        except Exception:
            failed += 1  # no call is ringing: the next try after retry_minutes (or the lease, if this fails too)
            log.exception("callback %s: try %d could not be placed", request.id, taken.tries_made)
            requests.retry_at(taken, now + timedelta(minutes=request.retry_minutes))
            continue
        placed += 1
        log.info("callback %s: try %d of %d placed (%s)", request.id, taken.tries_made, request.tries, sid)
    return CallbackSweep(placed=placed, failed=failed, given_up=given_up)


def callback_ended(requests: CallbackRequests, request_id: str, try_number: int, call_status: str,
                   now: datetime, dispatcher: EventDispatcher | None = None) -> str:
    """The placed call's final status: answered ends the request; unanswered waits for the next try; the last
    try unanswered gives up, and `dispatcher` tells the citizen how else to reach the office."""
    request = requests.get(request_id)
    if request is None or request.tries_made != try_number or request.state != CALLING:
        return "stale status: nothing to do"
    if call_status not in UNANSWERED_STATUSES:
        requests.finish(request, ANSWERED)
        return "answered"
    if try_number >= request.tries:
        _give_up(requests, request, now, dispatcher)
        log.info("callback %s: %d tries unanswered, given up", request_id, try_number)
        return "given up"
    requests.retry_at(request, now + timedelta(minutes=request.retry_minutes))
    return f"try {try_number} {call_status}: next in {request.retry_minutes} minutes"
