"""Callers' pure parts: open complaints, the cap's count, the repeat candidate, keyed numbers, the TwiML."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

from chalicelib.district_file import read_district_file
from chalicelib.domain.callers import (
    date_words,
    day_limit,
    keyed_number,
    lookup_since,
    open_complaints,
    over_cap,
    recorded_note,
    registered_today,
    repeat_candidate,
)
from chalicelib.domain.clock import FixedClock, iso
from chalicelib.domain.registration import CallComplaint, build_call_registration
from chalicelib.routing import ivr, status_menu
from tests.support.demo import DEMO, LINE

DISTRICT = read_district_file(DEMO)
NOW = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)  # 1:30 on 2 December in IST
CALLER = "+919812345678"


def ticket(minutes_ago: int, sequence: int = 1, **changes):
    at = NOW - timedelta(minutes=minutes_ago)
    complaint = CallComplaint(call_sid=f"CA{sequence}", caller_phone=CALLER, line=LINE, language="hi",
                              category_id="water", recording_sid=f"RE{sequence}", recording_url="https://x",
                              recording_duration=5)
    made = build_call_registration(complaint, DISTRICT, sequence, FixedClock(at)).ticket
    return replace(made, **changes)


def test_open_complaints_are_this_districts_open_ones_newest_first_at_most_three():
    tickets = [ticket(10 * n, n) for n in range(1, 6)]
    tickets[0] = replace(tickets[0], status="closed")
    tickets[1] = replace(tickets[1], district="BSP")
    found = open_complaints(tickets, DISTRICT)
    assert [t.complaint_number for t in found] == [t.complaint_number for t in tickets[2:5]]


def test_the_cap_counts_this_ist_days_ivr_tickets_only():
    today = [ticket(30, 1), ticket(60, 2)]  # after IST midnight (18:30 UTC)
    yesterday = ticket(120, 3)  # 23:30 IST the day before
    console = replace(ticket(10, 4), channel="console")
    assert [t.complaint_number for t in registered_today([*today, yesterday, console], DISTRICT, NOW)] == \
        [today[0].complaint_number, today[1].complaint_number]
    capped = replace(DISTRICT, callers=replace(DISTRICT.callers, complaints_per_day=2))
    assert over_cap([*today, yesterday, console], capped, CALLER, NOW)
    assert not over_cap([today[0], yesterday, console], capped, CALLER, NOW)
    assert not over_cap(today, capped, "+266696687", NOW)  # a withheld caller ID is never capped


def test_the_cap_counts_chat_tickets_too_as_the_write_does():
    # A WhatsApp/SMS registration ADDs to the same day counter, so the menu's early check must see it,
    # or the caller records a whole complaint only to hear the cap at the write.
    chat = [replace(ticket(30, 1), channel="whatsapp"), replace(ticket(60, 2), channel="sms")]
    capped = replace(DISTRICT, callers=replace(DISTRICT.callers, complaints_per_day=2))
    assert [t.complaint_number for t in registered_today(chat, DISTRICT, NOW)] == [t.complaint_number for t in chat]
    assert over_cap(chat, capped, CALLER, NOW)


def test_the_day_limit_is_keyed_by_district_caller_and_ist_day():
    limit = day_limit(DISTRICT, CALLER, NOW)
    assert (limit.scope, limit.period, limit.limit) == (f"CALLER#RPR#{CALLER}", "DAY#2026-12-02",
                                                        DISTRICT.callers.complaints_per_day)
    assert day_limit(DISTRICT, "+266696687", NOW) is None


def test_the_repeat_candidate_is_the_newest_open_one_inside_the_window():
    old = ticket(8 * 24 * 60, 1)
    recent = ticket(3 * 24 * 60, 2)
    newest_closed = replace(ticket(60, 3), status="closed")
    assert repeat_candidate([newest_closed, recent, old], DISTRICT, NOW) == recent
    assert repeat_candidate([newest_closed, old], DISTRICT, NOW) is None
    no_window = replace(DISTRICT, callers=replace(DISTRICT.callers, repeat_window_days=0))
    assert repeat_candidate([recent], no_window, NOW) is None
    assert lookup_since(DISTRICT, NOW) == iso(NOW - timedelta(days=7))


def test_keyed_numbers_take_the_district_code_and_refuse_anything_else():
    assert keyed_number(DISTRICT, "2612010007") == "RPR2612010007"
    assert keyed_number(DISTRICT, "2612010007#") == "RPR2612010007"
    for bad in ("", "12", "26120100a7", "٢٦١٢٠١٠٠٠٧", None):
        assert keyed_number(DISTRICT, bad) is None


def test_dates_are_ist_dates():
    assert date_words("2026-12-04T19:00:00Z", ["m"] * 11 + ["दिसंबर"]) == {"day": 5, "month": "दिसंबर", "year": 2026}


def test_a_recorded_note_is_the_citizens_note_with_the_recording():
    before = ticket(60)
    change = recorded_note(before, DISTRICT, NOW, CALLER, "CA9", "RE9", "https://x/RE9", 12)
    [entry] = change.timeline
    assert (entry.actor_type, entry.actor_id, entry.channel, entry.action) == ("citizen", CALLER, "ivr", "note")
    assert entry.detail["recording_sid"] == "RE9" and entry.detail["call_sid"] == "CA9"
    assert change.after.version == before.version + 1 and change.after.status == before.status


def _verbs(twiml: str) -> list[ElementTree.Element]:
    return list(ElementTree.fromstring(twiml))


def test_the_language_leads_to_the_main_menu_and_its_gather_and_redirect_share_a_url():
    doc = _verbs(ivr.language_step(DISTRICT, 1, "1"))
    assert doc[0].tag == "Gather" and doc[0].get("action").endswith("/twilio/voice/menu/hi/1")
    assert doc[1].tag == "Redirect" and doc[1].text == doc[0].get("action")


def test_the_status_read_back_speaks_each_number_digit_by_digit_then_offers_what_next():
    open_one = ticket(60, 7)
    doc = _verbs(status_menu.status_read_back(DISTRICT, "hi", [open_one]))
    said = [v.text for v in doc if v.tag == "Say"]
    assert said[0] == "आपकी खुली शिकायतें:"
    assert said[1].startswith("शिकायत संख्या R P R, 2 6 1 2 0 2, 0 0 0 7:")
    assert said[2].startswith("संभावित तारीख ")
    gather = next(v for v in doc if v.tag == "Gather")
    assert gather.get("action").endswith("/twilio/voice/after-status/hi/1")
    assert doc[-1].tag == "Hangup"


def test_the_number_prompt_waits_for_hash():
    doc = _verbs(status_menu.ask_number(DISTRICT, "en"))
    assert doc[0].get("finishOnKey") == "#" and doc[0].get("action").endswith("/twilio/voice/lookup/en/1")


def test_a_blocked_caller_hears_the_message_in_the_districts_languages_and_the_call_ends():
    doc = _verbs(status_menu.blocked(DISTRICT))
    assert [v.get("language") for v in doc if v.tag == "Say"] == ["hi-IN", "en-IN"]
    assert doc[-1].tag == "Hangup" and not any(v.tag in ("Gather", "Record") for v in doc)


def test_the_repeat_offers_record_goes_to_add_note_without_a_recording_callback():
    doc = _verbs(status_menu.note_prompt(DISTRICT, "hi", "RPR2612010007"))
    record = next(v for v in doc if v.tag == "Record")
    assert record.get("action").endswith("/twilio/voice/add-note/hi/RPR2612010007/1")
    assert record.get("recordingStatusCallback") is None
