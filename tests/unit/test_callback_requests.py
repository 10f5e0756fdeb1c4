"""Callback requests (missed calls, after-hours requests) and spoken office hours, with in-memory ports."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from chalicelib.district_file import read_district_file
from chalicelib.domain.callback_requests import (
    AFTER_HOURS,
    ANSWERED,
    CALL_LEASE_MINUTES,
    CALLING,
    MISSED_CALL,
    UNANSWERED,
    WAITING,
    callback_ended,
    place_due_callbacks,
    request_callback,
)
from chalicelib.domain.clock import IST
from chalicelib.domain.district import OfficeHours
from chalicelib.domain.working_time import is_open, next_opening
from chalicelib.i18n import catalog
from chalicelib.routing.after_hours import spoken_clock, spoken_days, spoken_hours, spoken_when
from tests.fakes.callback_requests import MemoryCallbackRequests
from tests.fakes.dialer import MemoryDialer
from tests.support.demo import DEMO

CALLER, LINE = "+919812345678", "+919977222600"
NOW = datetime(2026, 12, 1, 11, 0, tzinfo=IST)


@pytest.fixture
def district():
    return read_district_file(DEMO)


@pytest.fixture
def missed(district):
    return district.hotline_for_line(LINE)


def _missed_call(requests, district, hotline, sid="CA" + "1" * 32, caller=CALLER, now=NOW):
    return request_callback(sid, caller, LINE, district, hotline, MISSED_CALL, now, None, requests)


def test_a_missed_call_is_written_due_now_and_placed_to_the_caller_from_the_line(district, missed):
    requests, dialer = MemoryCallbackRequests(), MemoryDialer()
    outcome = _missed_call(requests, district, missed)
    assert (outcome.scheduled, outcome.reason, outcome.due_at) == (True, "scheduled", NOW)

    sweep = place_due_callbacks(requests, dialer, NOW + timedelta(seconds=30))
    assert (sweep.placed, sweep.failed, sweep.given_up) == (1, 0, 0)
    # Carrier-neutral paths: the Dialer's adapter prefixes its carrier; without a directory, Twilio.
    assert dialer.placed == [{"to": CALLER, "caller_id": LINE, "answer_path": "/voice/callback/CA" + "1" * 32,
                              "status_path": "/voice/callback-status/CA" + "1" * 32 + "/1", "carrier": "twilio"}]
    request = requests.get("CA" + "1" * 32)
    assert (request.state, request.tries_made) == (CALLING, 1)
    # Not again while the call may still be going on (an answered call's status comes after the whole IVR).
    assert request.due_at == NOW + timedelta(seconds=30, minutes=CALL_LEASE_MINUTES)
    assert place_due_callbacks(requests, dialer, NOW + timedelta(minutes=CALL_LEASE_MINUTES)).placed == 0


def test_a_retried_webhook_writes_and_counts_nothing_twice(district, missed):
    requests = MemoryCallbackRequests()
    _missed_call(requests, district, missed)
    again = _missed_call(requests, district, missed)
    assert (again.scheduled, again.reason) == (True, "already_requested")
    assert requests.counts == {(CALLER, "2026-12-01"): 1}


def test_withheld_caller_id_gets_no_callback(district, missed):
    requests = MemoryCallbackRequests()
    for withheld in ("+266696687", "anonymous", ""):
        outcome = _missed_call(requests, district, missed, caller=withheld)
        assert (outcome.scheduled, outcome.reason) == (False, "withheld")
    assert requests.requests == {}


def test_per_caller_cap_per_ist_day(district, missed):
    requests = MemoryCallbackRequests()
    cap = missed.missed_call.callbacks_per_day
    outcomes = [_missed_call(requests, district, missed, sid=f"CA{n:032d}") for n in range(cap + 1)]
    assert [o.reason for o in outcomes] == ["scheduled"] * cap + ["over_cap"]
    assert len(requests.requests) == cap
    # Another caller is not held back; and the same caller may again on the next IST day (after midnight IST).
    assert _missed_call(requests, district, missed, sid="CA" + "9" * 32, caller="+919800000001").scheduled
    next_day = datetime(2026, 12, 2, 0, 5, tzinfo=IST)
    assert _missed_call(requests, district, missed, sid="CA" + "8" * 32, now=next_day).scheduled


def test_unanswered_tries_are_retry_minutes_apart_up_to_tries_then_stop(district, missed):
    requests, dialer = MemoryCallbackRequests(), MemoryDialer()
    _missed_call(requests, district, missed)
    policy, sid, now = missed.missed_call, "CA" + "1" * 32, NOW
    for n in range(1, policy.tries + 1):
        assert place_due_callbacks(requests, dialer, now).placed == 1
        assert dialer.placed[-1]["status_path"].endswith(f"/{n}")
        now += timedelta(seconds=40)
        outcome = callback_ended(requests, sid, n, "no-answer", now)
        if n < policy.tries:
            assert requests.get(sid).state == WAITING and requests.get(sid).due_at == now + timedelta(
                minutes=policy.retry_minutes)
            assert place_due_callbacks(requests, dialer, now + timedelta(minutes=policy.retry_minutes - 1)).placed == 0
            now += timedelta(minutes=policy.retry_minutes)
        else:
            assert outcome == "given up"
    assert len(dialer.placed) == policy.tries
    assert (requests.get(sid).state, requests.get(sid).due_at) == (UNANSWERED, None)
    assert place_due_callbacks(requests, dialer, now + timedelta(days=1)).placed == 0


def test_an_answered_callback_ends_and_a_late_status_changes_nothing(district, missed):
    requests, dialer = MemoryCallbackRequests(), MemoryDialer()
    _missed_call(requests, district, missed)
    sid = "CA" + "1" * 32
    place_due_callbacks(requests, dialer, NOW)
    assert callback_ended(requests, sid, 1, "completed", NOW + timedelta(minutes=3)) == "answered"
    assert (requests.get(sid).state, requests.get(sid).due_at) == (ANSWERED, None)
    assert callback_ended(requests, sid, 1, "no-answer", NOW + timedelta(minutes=4)).startswith("stale")
    assert requests.get(sid).state == ANSWERED


def test_a_lost_status_costs_a_try_and_the_last_one_ends_the_request(district, missed):
    requests, dialer = MemoryCallbackRequests(), MemoryDialer()
    _missed_call(requests, district, missed)
    policy, now = missed.missed_call, NOW
    for _ in range(policy.tries):  # no status callback ever arrives
        assert place_due_callbacks(requests, dialer, now).placed == 1
        assert place_due_callbacks(requests, dialer, now + timedelta(minutes=CALL_LEASE_MINUTES - 1)).placed == 0
        now += timedelta(minutes=CALL_LEASE_MINUTES)
    sweep = place_due_callbacks(requests, dialer, now)
    assert (sweep.placed, sweep.given_up) == (0, 1)
    assert requests.get("CA" + "1" * 32).state == UNANSWERED


def test_twilio_refusing_the_call_moves_the_request_on_to_its_next_try(district, missed):
    requests, dialer = MemoryCallbackRequests(), MemoryDialer()
    _missed_call(requests, district, missed)
    dialer.fail_next = 1
    sweep = place_due_callbacks(requests, dialer, NOW)
    assert (sweep.placed, sweep.failed) == (0, 1)
    assert place_due_callbacks(requests, dialer, NOW + timedelta(minutes=1)).placed == 0
    assert place_due_callbacks(requests, dialer, NOW + timedelta(minutes=missed.missed_call.retry_minutes)).placed == 1
    assert dialer.placed[0]["status_path"].endswith("/2")


def test_after_hours_request_is_due_at_the_next_opening(district):
    office = district.hotline_for_line("+919977222610")
    requests, dialer = MemoryCallbackRequests(), MemoryDialer()
    friday_evening = datetime(2026, 12, 4, 19, 0, tzinfo=IST)
    opening = next_opening(office.hours, friday_evening)
    assert opening == datetime(2026, 12, 7, 10, 0, tzinfo=IST)  # Monday 10:00
    outcome = request_callback("CA" + "2" * 32, CALLER, "+919977222610", district, office, AFTER_HOURS,
                               friday_evening, opening, requests)
    assert outcome.due_at == opening
    assert place_due_callbacks(requests, dialer, opening - timedelta(minutes=1)).placed == 0
    assert place_due_callbacks(requests, dialer, opening).placed == 1


def test_opening_hours_skip_weekends_and_holidays(district):
    hours = district.hotline_for_line("+919977222610").hours
    assert not is_open(hours, datetime(2026, 12, 4, 18, 0, tzinfo=IST))  # closes at 18:00
    assert is_open(hours, datetime(2026, 12, 4, 17, 59, tzinfo=IST))
    assert not is_open(hours, datetime(2026, 1, 26, 11, 0, tzinfo=IST))  # Republic Day, a Monday
    # Friday 23 January evening: Monday the 26th is a holiday, so Tuesday 10:00.
    assert next_opening(hours, datetime(2026, 1, 23, 19, 0, tzinfo=IST)) == datetime(2026, 1, 27, 10, 0, tzinfo=IST)
    assert next_opening(hours, datetime(2026, 12, 1, 7, 30, tzinfo=IST)) == datetime(2026, 12, 1, 10, 0, tzinfo=IST)


def test_hours_are_spoken_naturally_in_hindi_and_english(district):
    hours = district.hotline_for_line("+919977222610").hours
    hi, en = catalog("hi"), catalog("en")
    assert spoken_hours(hours, hi) == "सोमवार से शुक्रवार, सुबह 10 बजे से शाम 6 बजे तक"
    assert spoken_hours(hours, en) == "Monday to Friday, 10 AM to 6 PM"
    assert spoken_clock(14 * 60 + 30, hi) == "दोपहर 2 बजकर 30 मिनट"
    assert spoken_clock(9 * 60 + 5, en) == "9:05 AM"
    assert spoken_clock(21 * 60, hi) == "रात 9 बजे"
    assert spoken_days((0, 2, 4), hi) == "सोमवार, बुधवार और शुक्रवार"
    assert spoken_days((5, 6), en) == "Saturday and Sunday"
    six_days = OfficeHours(days=(0, 1, 2, 3, 4, 5), open_minute=9 * 60 + 30, close_minute=17 * 60 + 30,
                           holidays=frozenset())
    assert spoken_hours(six_days, hi) == "सोमवार से शनिवार, सुबह 9 बजकर 30 मिनट से शाम 5 बजकर 30 मिनट तक"
    monday = datetime(2026, 12, 7, 10, 0, tzinfo=IST)
    assert spoken_when(monday, hi) == "सोमवार, 7 दिसंबर को सुबह 10 बजे"
    assert spoken_when(monday, en) == "Monday 7 December at 10 AM"


def _verbs(twiml: str) -> list:
    from xml.etree import ElementTree

    return list(ElementTree.fromstring(twiml))


def test_after_hours_offers_only_the_configured_choices(district):
    from dataclasses import replace

    from chalicelib.routing.after_hours import closed

    office = district.hotline_for_line("+919977222610")
    both = _verbs(closed(district, office, "hi"))
    [gather] = [v for v in both if v.tag == "Gather"]
    assert gather.get("action").endswith("/twilio/voice/after-hours/hi/1")
    assert "1 दबाएँ" in gather[0].text and "2 दबाएँ" in gather[0].text

    callback_only = _verbs(closed(district, replace(office, after_hours=("callback",)), "en"))
    [gather] = [v for v in callback_only if v.tag == "Gather"]
    assert gather[0].text == "For a call from us on the next working day, press 2."

    record_only = _verbs(closed(district, replace(office, after_hours=("record",)), "hi"))
    [gather] = [v for v in record_only if v.tag == "Gather"]
    assert gather.get("action").endswith("/twilio/voice/category/hi/1")  # straight to the categories
    assert "सोमवार से शुक्रवार, सुबह 10 बजे से शाम 6 बजे तक" in record_only[1].text


def test_a_missed_call_is_rejected_with_a_busy_tone():
    from chalicelib.routing.after_hours import reject

    [verb] = _verbs(reject())
    assert (verb.tag, verb.get("reason")) == ("Reject", "busy")


def test_giving_up_tells_the_citizen_once_by_an_event_named_for_the_request(district, missed):
    from tests.fakes.events import MemoryDispatcher

    requests, dialer, dispatcher = MemoryCallbackRequests(), MemoryDialer(), MemoryDispatcher()
    sid = "CA" + "2" * 32
    _missed_call(requests, district, missed, sid=sid)
    now = NOW
    for n in range(1, missed.missed_call.tries + 1):
        assert place_due_callbacks(requests, dialer, now, dispatcher=dispatcher).placed == 1
        outcome = callback_ended(requests, sid, n, "no-answer", now + timedelta(minutes=1), dispatcher=dispatcher)
        now += timedelta(minutes=1 + missed.missed_call.retry_minutes)
    assert outcome == "given up"
    [event] = dispatcher.sent  # only the last try tells the citizen
    assert (event.type, event.id, event.complaint_number) == ("callback.given_up", f"callback-given-up-{sid}", "")
    assert (event.data["caller_phone"], event.data["line"], event.data["reason"]) == (CALLER, LINE, MISSED_CALL)
    # The last status again (the carrier's retry) is stale: nothing more is sent.
    assert callback_ended(requests, sid, missed.missed_call.tries, "no-answer", now,
                          dispatcher=dispatcher).startswith("stale")
    assert len(dispatcher.sent) == 1


def test_a_last_try_whose_status_never_came_tells_the_citizen_too(district, missed):
    from tests.fakes.events import MemoryDispatcher

    requests, dialer, dispatcher = MemoryCallbackRequests(), MemoryDialer(), MemoryDispatcher()
    _missed_call(requests, district, missed)
    now = NOW
    for _ in range(missed.missed_call.tries):
        place_due_callbacks(requests, dialer, now, dispatcher=dispatcher)
        now += timedelta(minutes=CALL_LEASE_MINUTES)
    assert dispatcher.sent == []
    assert place_due_callbacks(requests, dialer, now, dispatcher=dispatcher).given_up == 1
    assert [e.type for e in dispatcher.sent] == ["callback.given_up"]
