"""An emergency rings its officer (domain/officer_rings.py, Lifecycle._ring, operations/officer_ring_answer.py), with
the in-memory ports: the rings counted on the ticket, the level above when none is answered, the flag at the top,
and 1 acknowledging in the officer's name."""
from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.district_file import read_yaml
from chalicelib.domain.district import DistrictConfigError, parse_district
from chalicelib.domain.lifecycle import Actor, Lifecycle
from chalicelib.domain.officer_rings import place_officer_ring
from chalicelib.domain.ports import OutcomeUnknown
from chalicelib.domain.registration import ConsoleComplaint, build_console_registration
from chalicelib.i18n import available_languages
from chalicelib.operations.officer_ring_answer import answer_ring
from tests.fakes.claims import MemoryClaims
from tests.fakes.dialer import MemoryDialer
from tests.fakes.tickets import MemoryTicketStore
from tests.unit.test_lifecycle import CITIZEN, DEMO, DISTRICT, World

FOOD = {"L1": "+919000000201", "L2": "+919000000202"}


def _emergency(district=DISTRICT, urgency: str = "emergency") -> World:
    world = World(district)
    complaint = ConsoleComplaint(caller_phone=CITIZEN, category_id="food", language="hi", operator="operator.rpr",
                                 description="घर में खाना नहीं है", address="वार्ड 12", urgency=urgency)
    ticket = build_console_registration(complaint, district, 2, world.clock).ticket
    world.number, world.store = ticket.complaint_number, MemoryTicketStore(ticket)
    return world


def _ring(world: World, dialer: MemoryDialer, claims: MemoryClaims | None = None) -> str:
    return place_officer_ring(world.dispatcher.sent[-1], world.directory, dialer, claims or MemoryClaims(),
                              world.store)


def test_an_emergency_rings_its_officer_at_once_and_again_every_ten_minutes_then_goes_up():
    world, dialer = _emergency(), MemoryDialer()
    assert world.ticket.next_action_at == world.ticket.created_at  # the sweeper's next minute rings
    assert world.advance(minutes=1) == ["officer.ring_due"]
    assert _ring(world, dialer).startswith("ring 1 to food L1: CA")
    [call] = dialer.placed
    assert (call["to"], call["caller_id"]) == (FOOD["L1"], DISTRICT.officers_line)
    assert call["answer_path"] == f"/voice/ring/{world.number}/L1/0"
    assert world.advance(minutes=9) == []
    assert world.advance(minutes=1) == ["officer.ring_due"]
    assert world.advance(minutes=10) == ["officer.ring_due"]
    assert world.ticket.officer_rings == 3
    # The third ring unanswered: L2 at once, and its own first ring in the same sweep.
    assert world.advance(minutes=10) == ["ticket.escalated", "officer.ring_due"]
    assert (world.ticket.level, world.ticket.officer_rings) == ("L2", 1)
    assert world.dispatcher.sent[-2].data["reason"] == "rings_unanswered"
    assert _ring(world, dialer).startswith("ring 1 to food L2")


def test_at_the_top_unanswered_rings_flag_it_for_the_collector_and_stop():
    world = _emergency()
    world.store.tickets[world.number] = replace(world.ticket, level="L4")
    for _ in range(3):
        world.advance(minutes=10)
    assert world.advance(minutes=10) == ["ticket.flagged"]
    assert world.ticket.flagged and world.ticket.officer_ring_due_at is None
    assert world.advance(minutes=30) == []


def test_1_acknowledges_in_the_officers_name_and_stops_the_rings():
    world = _emergency()
    world.advance(minutes=1)
    heard = answer_ring(world.number, "L1", 0, "", world.store, world.directory, world.dispatcher, world.clock)
    assert (heard.closing, heard.ask_attempt, heard.category_name, heard.address) == (None, 1, "खाद्य और राशन",
                                                                                     "वार्ड 12")
    again = answer_ring(world.number, "L1", 1, "7", world.store, world.directory, world.dispatcher, world.clock)
    assert (again.retry_key, again.ask_attempt) == ("wrong_key", 2)
    done = answer_ring(world.number, "L1", 2, "1", world.store, world.directory, world.dispatcher, world.clock)
    assert done.closing == "ring_acknowledged"
    assert (world.ticket.status, world.ticket.officer_ring_due_at) == ("acknowledged", None)
    [entry] = [e for e in world.store.timelines[world.number] if e.action == "acknowledged"]
    assert (entry.actor_type, entry.actor_id, entry.channel, entry.detail) == ("officer", FOOD["L1"], "ivr",
                                                                               {"by_ring": 1})
    assert world.advance(minutes=15) == []  # no more rings; the level's hour still runs
    # A second press (another ring's call still open) changes nothing and says so.
    late = answer_ring(world.number, "L1", 1, "1", world.store, world.directory, world.dispatcher, world.clock)
    assert late.closing == "ring_not_due"


def test_three_tries_without_1_end_the_call_and_the_next_ring_follows():
    world = _emergency()
    world.advance(minutes=1)
    last = answer_ring(world.number, "L1", 3, "", world.store, world.directory, world.dispatcher, world.clock)
    assert last.closing == "ring_no_answer" and world.ticket.status == "registered"


def test_a_ring_no_longer_due_or_to_a_vacant_post_places_nothing():
    world, dialer = _emergency(), MemoryDialer()
    world.advance(minutes=1)
    due = world.dispatcher.sent[-1]
    world.store.tickets[world.number] = replace(world.ticket, level="L2")  # moved on meanwhile
    placed = place_officer_ring(due, world.directory, dialer, MemoryClaims(), world.store)
    assert placed == "ring 1 at L1 no longer due: no call"
    vacant = replace(DISTRICT, departments={**DISTRICT.departments, "food": replace(
        DISTRICT.departments["food"], officers={})})
    world = _emergency(vacant)
    world.advance(minutes=1)
    assert _ring(world, dialer) == "no officer at food L1: no call"
    assert dialer.placed == []


def test_a_ring_the_carrier_took_without_answering_is_found_not_placed_twice():
    world, dialer, claims = _emergency(), MemoryDialer(), MemoryClaims()
    world.advance(minutes=1)
    dialer.answer_late = 1
    with pytest.raises(OutcomeUnknown):
        _ring(world, dialer, claims)
    assert _ring(world, dialer, claims).endswith("(the carrier had it)")
    assert len(dialer.placed) == 1


def test_a_normal_ticket_never_rings_and_a_reroute_to_a_category_without_emergencies_stops_the_rings():
    assert _emergency(urgency="normal").ticket.officer_ring_due_at is None
    world = _emergency()
    world.advance(minutes=1)
    change = Lifecycle(DISTRICT, world.clock.now()).reroute(world.ticket, Actor("operator", "operator.rpr", "console"),
                                                             "water", "हैंडपंप की शिकायत है")
    assert (change.after.urgency, change.after.officer_ring_due_at) == ("normal", None)


def test_the_district_file_bounds_the_rings():
    data = read_yaml(DEMO)
    data["follow_up"] = {**(data.get("follow_up") or {}), "emergency_rings": 9}
    with pytest.raises(DistrictConfigError, match="emergency_rings"):
        parse_district(data, available_languages())
