"""The officers' IVR on fakes: PINs (hashed, tries counted), the officer's list, the actions through the ticket
actions' table and the lifecycle (a lost race writes nothing), and the menus as each carrier renders them."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.district_file import read_district_file
from chalicelib.domain import ticket_actions
from chalicelib.domain.clock import FixedClock, iso
from chalicelib.domain.lifecycle import Change
from chalicelib.domain.officer_pins import WRONG_TRIES_PER_WINDOW, hash_pin, is_valid_pin, pin_matches, tries_key
from chalicelib.domain.officer_work import (
    COMPLAINT,
    REQUEST,
    complaint_text,
    officer_actor,
    still_listed,
    time_left,
    work_list,
)
from chalicelib.domain.ports import StaleTicket
from chalicelib.domain.registration import CallComplaint, build_call_registration
from chalicelib.operations.officer_pins import LOCKED, NO_PIN, SIGNED_IN, WRONG, NotAnOfficer, check_pin, set_pin
from chalicelib.operations.officer_voice import DONE, GONE, REFUSED, STALE, act_by_voice
from tests.fakes.events import MemoryDispatcher
from tests.fakes.link_attempts import MemoryLinkAttempts
from tests.fakes.officer_pins import MemoryOfficerPins
from tests.fakes.officer_queues import MemoryOfficerQueues
from tests.fakes.tickets import MemoryTicketStore
from tests.support.demo import DEMO, DEMO_PIN, LINE, give_demo_pins

DISTRICT = read_district_file(DEMO)
AT = datetime(2026, 12, 1, 6, 30, tzinfo=UTC)
WATER_L1, WATER_L2, ADDITIONAL_COLLECTOR = "+919000000301", "+919000000302", "+919000000103"


def _register(tickets: MemoryTicketStore, sequence: int, category: str = "water", at: datetime = AT) -> str:
    made = CallComplaint(call_sid=f"CA{sequence:032d}", caller_phone="+919812345678", line=LINE, language="hi",
                         category_id=category, recording_sid="", recording_url="", recording_duration=0)
    registration = build_call_registration(made, DISTRICT, sequence, FixedClock(at))
    tickets.register(registration)
    return registration.ticket.complaint_number


# -- PINs ---------------------------------------------------------------------------------------------------------

def test_a_pin_is_kept_salted_and_hashed_and_only_its_digits_match():
    first, second = hash_pin("1234"), hash_pin("1234")
    assert "1234" not in first and first != second  # a salt of its own each time
    assert pin_matches("1234", first) and pin_matches("1234", second)
    assert not pin_matches("1235", first) and not pin_matches("", first) and not pin_matches("1234", None)
    assert not pin_matches("1234", "md5$1$00$00") and not pin_matches("1234", "broken")
    assert [is_valid_pin(p) for p in ("1234", "12345678", "123", "123456789", "12a4", "١٢٣٤")] == [
        True, True, False, False, False, False]
    with pytest.raises(ValueError):
        hash_pin("12")


def test_three_wrong_pins_a_call_and_six_an_hour_lock_the_phone_before_its_pin_is_read():
    pins, attempts = MemoryOfficerPins(), MemoryLinkAttempts()
    give_demo_pins(pins, DISTRICT)
    assert check_pin(DISTRICT, WATER_L1, DEMO_PIN, AT, pins, attempts) == SIGNED_IN
    assert [check_pin(DISTRICT, WATER_L1, "0000", AT + timedelta(minutes=n), pins, attempts)
            for n in range(WRONG_TRIES_PER_WINDOW)] == [WRONG] * WRONG_TRIES_PER_WINDOW
    reads = pins.reads
    assert check_pin(DISTRICT, WATER_L1, DEMO_PIN, AT + timedelta(minutes=10), pins, attempts) == LOCKED
    assert pins.reads == reads  # a locked phone's PIN is not even read
    assert attempts.failures(tries_key("RPR", WATER_L2), AT) == 0  # every phone its own count
    assert check_pin(DISTRICT, WATER_L1, DEMO_PIN, AT + timedelta(hours=2), pins, attempts) == SIGNED_IN
    assert check_pin(DISTRICT, "+919000000999", DEMO_PIN, AT, pins, attempts) == NO_PIN


def test_a_pin_is_set_only_for_an_officers_phone_and_only_as_digits():
    pins = MemoryOfficerPins()
    set_pin(DISTRICT, WATER_L1, "4321", "water.l1", AT, pins)
    assert pin_matches("4321", pins.pin_hash("RPR", WATER_L1)) and pins.audit == [("RPR", WATER_L1, "water.l1")]
    with pytest.raises(NotAnOfficer):
        set_pin(DISTRICT, "+919812345678", "4321", "collector.rpr", AT, pins)
    with pytest.raises(ValueError):
        set_pin(DISTRICT, WATER_L1, "12", "water.l1", AT, pins)


# -- the list ------------------------------------------------------------------------------------------------------

def test_an_officer_hears_their_posts_complaints_by_deadline_then_the_requests_below_them():
    tickets = MemoryTicketStore()
    water = [_register(tickets, n) for n in (1, 2)]
    health = _register(tickets, 3, category="health", at=AT - timedelta(hours=5))
    asked = replace(tickets.get(water[1]), pending={"kind": "extension", "days": 3, "reason": "", "by": WATER_L1,
                                                    "level": "L1", "at": iso(AT)})
    tickets.tickets[water[1]] = asked
    queues = MemoryOfficerQueues(tickets)

    l1 = officer_actor(WATER_L1, DISTRICT)
    assert [(i.ticket.complaint_number, i.kind) for i in work_list(DISTRICT, l1, queues)] == [
        (water[0], COMPLAINT), (water[1], COMPLAINT)]
    assert queues.queries == [("post", "water", "L1")]  # L1 decides nothing: one Query

    queues.queries.clear()
    l2 = officer_actor(WATER_L2, DISTRICT)
    assert [(i.ticket.complaint_number, i.kind) for i in work_list(DISTRICT, l2, queues)] == [(water[1], REQUEST)]
    assert queues.queries == [("post", "water", "L2"), ("pending", "water", "L1")]
    assert still_listed(asked, REQUEST, l2) and not still_listed(asked, REQUEST, l1)
    assert still_listed(asked, COMPLAINT, l1) and not still_listed(tickets.get(health), COMPLAINT, l1)

    many = officer_actor(ADDITIONAL_COLLECTOR, DISTRICT)  # L3 of six departments: one Query per post and kind
    queues.queries.clear()
    assert work_list(DISTRICT, many, queues) == []
    assert len(queues.queries) == 2 * len(many.posts)


def test_time_left_is_on_the_levels_clock_in_days_and_hours():
    tickets = MemoryTicketStore()
    ticket = tickets.get(_register(tickets, 1))
    due = datetime.fromisoformat(ticket.level_due_at.replace("Z", "+00:00"))
    left = time_left(ticket, due - timedelta(days=2, hours=3, minutes=20))
    assert (left.late, left.days, left.hours) == (False, 2, 3)
    late = time_left(ticket, due + timedelta(hours=5, minutes=1))
    assert (late.late, late.days, late.hours) == (True, 0, 5)


def test_the_complaints_text_is_its_start_cut_at_a_word():
    tickets = MemoryTicketStore()
    ticket = tickets.get(_register(tickets, 1))
    assert complaint_text(ticket) is None
    words = "हैंडपंप दस दिन से खराब है " * 20
    cut = complaint_text(replace(ticket, description=words), most=40)
    assert cut is not None and cut.endswith("…") and len(cut) <= 41 and words.startswith(cut[:-1])


# -- acting ----------------------------------------------------------------------------------------------------

class LosingStore(MemoryTicketStore):
    """Someone else writes first, every time: the conditional write is refused."""

    def save_change(self, change: Change) -> None:
        raise StaleTicket(change.before.complaint_number)


def test_an_action_is_the_lifecycles_with_the_voice_channel_and_its_evidence():
    tickets, dispatcher = MemoryTicketStore(), MemoryDispatcher()
    number = _register(tickets, 1)
    outcome = act_by_voice(ticket_actions.RESOLVE, number, {"remark": "फ़ोन पर दर्ज"}, WATER_L1, DISTRICT, AT,
                           tickets, dispatcher, evidence_url="https://api.twilio.com/rec")
    assert outcome.result == DONE and outcome.after is not None and outcome.after.status == "resolved"
    [change] = tickets.changes
    [entry] = change.timeline
    assert (entry.channel, entry.actor_id, entry.detail) == (
        "voice", WATER_L1, {"remark": "फ़ोन पर दर्ज", "recording_url": "https://api.twilio.com/rec"})
    assert [event.type for event in dispatcher.sent] == ["ticket.resolved"]


def test_a_refusal_and_a_lost_race_write_nothing():
    tickets = MemoryTicketStore()
    number = _register(tickets, 1)
    not_theirs = act_by_voice(ticket_actions.ACKNOWLEDGE, number, {}, WATER_L2, DISTRICT, AT, tickets,
                              MemoryDispatcher())
    assert (not_theirs.result, not_theirs.reason) == (REFUSED, "not_yours") and tickets.changes == []

    losing = LosingStore(tickets.get(number))
    lost = act_by_voice(ticket_actions.ACKNOWLEDGE, number, {}, WATER_L1, DISTRICT, AT, losing,
                        MemoryDispatcher())
    assert lost.result == STALE and losing.tickets[number].version == 1

    assert act_by_voice(ticket_actions.ACKNOWLEDGE, "BSP2612010001", {}, WATER_L1, DISTRICT, AT, tickets,
                        MemoryDispatcher()).result == GONE


# -- the menus, as each carrier renders them ---------------------------------------------------------------------

@pytest.mark.parametrize("carrier", ["twilio", "plivo"])
def test_the_menus_are_one_call_script_for_every_carrier(carrier: str):
    from chalicelib.routing import officer_ivr
    from chalicelib.telephony.call_script import current_carrier

    tickets = MemoryTicketStore()
    _register(tickets, 1)
    items = work_list(DISTRICT, officer_actor(WATER_L1, DISTRICT), MemoryOfficerQueues(tickets))
    token = current_carrier.set(carrier)
    try:
        offer = officer_ivr.entry(DISTRICT, DISTRICT.hotlines[0])
        listed = officer_ivr.item_at(DISTRICT, "S3ss10n", items, 0, AT)
    finally:
        current_carrier.reset(token)
    gather = "<Gather" if carrier == "twilio" else "<GetDigits"
    assert gather in offer and f"/{carrier}/voice/officer/start" in offer
    assert gather in listed and f"/{carrier}/voice/officer/key/S3ss10n/0/complaint/" in listed
    assert "स्वीकार करने के लिए 1 दबाएँ।" in listed


def test_an_officers_line_is_a_hotline_with_purpose_officers_and_anything_else_is_refused():
    from chalicelib.district_file import read_yaml
    from chalicelib.domain.district import DistrictConfigError, parse_district
    from chalicelib.i18n import available_languages

    data = read_yaml(DEMO)
    assert parse_district(data, available_languages()).officers_line == data["hotlines"][0]["lines"][0]
    data["hotlines"].append({"id": "officers", "lines": ["+919977222700"], "purpose": "officers"})
    district = parse_district(data, available_languages())
    assert district.officers_line == "+919977222700" and district.hotlines[0].purpose == "citizens"
    data["hotlines"][-1]["purpose"] = "staff"
    with pytest.raises(DistrictConfigError, match="purpose 'staff' must be one of citizens, officers"):
        parse_district(data, available_languages())
