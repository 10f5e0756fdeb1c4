"""Approvals, flags, WhatsApp fallbacks, citizens' bare replies and feedback calls, with in-memory adapters."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from chalicelib.domain.clock import parse_iso
from chalicelib.domain.delivery import deliver
from chalicelib.domain.delivery_status import record_delivery
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.feedback_calls import place_feedback_call
from chalicelib.domain.registration import CallComplaint, build_call_registration
from chalicelib.domain.ticket import snapshot
from tests.fakes.claims import MemoryClaims
from tests.fakes.messaging import MemoryMessenger, links
from tests.unit.test_lifecycle import CITIZEN, DISTRICT, WATER, World

COLLECTOR = DISTRICT.collector.phone  # also every department's L4 officer in the demo


class MemoryCaller:
    def __init__(self) -> None:
        self.placed: list[str] = []

    def place_call(self, to: str, caller_id: str, answer_path: str, status_path: str, *,
                   carrier: str = "twilio") -> str:
        self.placed.append(to)
        return f"CA{len(self.placed)}"


def _deliver(world: World, event: DomainEvent, messenger: MemoryMessenger, claims: MemoryClaims) -> list[str]:
    return deliver(event, world.directory, messenger, claims, links)


def _to_l4(world: World) -> None:
    world.advance(hours=72)
    world.advance(hours=48)
    world.advance(hours=24)
    assert world.ticket.level == "L4"


def _without_officer(level: str):
    departments = dict(DISTRICT.departments)
    water = departments["water"]
    departments["water"] = replace(water, officers={k: v for k, v in water.officers.items() if k != level})
    return replace(DISTRICT, departments=departments)


# -- the Collector's flag with their own words ---------------------------------------------------------


def test_the_collectors_own_reason_reaches_the_flag_in_their_words():
    world = World()
    _to_l4(world)
    assert world.text(COLLECTOR, f"ESCALATE {world.number} पानी दस दिन से नहीं").changed
    flagged = world.dispatcher.sent[-1]
    assert flagged.type == "ticket.flagged"
    messenger = MemoryMessenger()
    assert _deliver(world, flagged, messenger, MemoryClaims()) == ["collector: SM1"]
    assert messenger.sent[0]["to"] == COLLECTOR and messenger.sent[0]["body"].endswith(": पानी दस दिन से नहीं।")


# -- approvals ---------------------------------------------------------------------------------------


def test_more_time_approved_after_the_deadline_runs_from_now():
    world = World()
    assert world.text(WATER["L1"], f"TIME {world.number} 5 pipeline needs a contractor").changed
    world.clock.advance(timedelta(hours=80))  # L1's 72 hours are over; the sweeper has not moved it yet
    assert world.text(WATER["L2"], f"APPROVE {world.number}").changed
    assert parse_iso(world.ticket.level_due_at) == world.clock.now() + timedelta(days=5)


def test_the_collector_decides_when_the_post_above_is_empty():
    world = World(_without_officer("L2"))
    assert world.text(WATER["L1"], f"CLOSE {world.number} duplicate same as RPR2611230002").changed
    proposed = world.dispatcher.sent[-1]
    messenger = MemoryMessenger()
    assert _deliver(world, proposed, messenger, MemoryClaims()) == ["approver: SM1"]
    assert messenger.sent[0]["to"] == COLLECTOR  # the notice asks the Collector...
    assert not world.text(WATER["L3"], f"APPROVE {world.number}").changed  # (not any officer)
    reply = world.text(COLLECTOR, f"APPROVE {world.number}")  # ...and the Collector may answer it
    assert reply.changed and world.ticket.closure == "special:duplicate"


def test_nobody_approves_their_own_request():
    world = World()
    _to_l4(world)
    assert world.text(COLLECTOR, f"TIME {world.number} 3 site visit needed").changed
    reply = world.text(COLLECTOR, f"APPROVE {world.number}")
    assert not reply.changed and reply.text == f"{world.number}: अपने ही अनुरोध पर आप निर्णय नहीं ले सकते।"
    assert world.ticket.pending is not None


# -- WhatsApp bounced: the same message by SMS ---------------------------------------------------------


def _whatsapp_world() -> World:
    """Water's L1 officer reads WhatsApp on another number than the one that takes SMS."""
    departments = dict(DISTRICT.departments)
    water = departments["water"]
    l1 = replace(water.officers["L1"], whatsapp="+919111100301")
    departments["water"] = replace(water, officers={**water.officers, "L1": l1})
    return World(replace(DISTRICT, departments=departments))


def _bounce(world: World, sid: str, sent_for: str) -> DomainEvent:
    before = len(world.dispatcher.sent)
    assert record_delivery(world.number, sid, "undelivered", "whatsapp:+919111100301", "63016", world.store,
                           world.dispatcher, world.clock, sent_for=sent_for)
    [failed] = world.dispatcher.sent[before:]
    return failed


def test_a_bounced_whatsapp_forward_goes_by_sms_once_however_often_twilio_says_so():
    world, messenger, claims = _whatsapp_world(), MemoryMessenger(), MemoryClaims()
    created = DomainEvent("ticket.created", world.number, 1, world.ticket.created_at,
                          {**snapshot(world.ticket), "actor": CITIZEN})
    _deliver(world, created, messenger, claims)
    assert [m["channel"] for m in messenger.to("+919111100301")] == ["whatsapp"]
    assert _deliver(world, _bounce(world, "SMbounced1", "ticket.created"), messenger, claims) == ["officer: SM3"]
    assert _deliver(world, _bounce(world, "SMbounced1", "ticket.created"), messenger, claims) == [
        "officer: sent before"]
    [sms] = messenger.to(WATER["L1"])
    assert sms["channel"] == "sms" and sms["body"].startswith(f"शिकायत {world.number} (पेयजल), ")


def test_a_bounced_whatsapp_reminder_comes_back_as_the_reminder():
    world, messenger, claims = _whatsapp_world(), MemoryMessenger(), MemoryClaims()
    assert world.advance(hours=36) == ["ticket.reminder"]
    _deliver(world, world.dispatcher.sent[-1], messenger, claims)
    assert _deliver(world, _bounce(world, "SMbounced2", "ticket.reminder"), messenger, claims) == [
        "officer: SM2"]
    [sms] = messenger.to(WATER["L1"])
    assert sms["body"].startswith(f"स्मरण: शिकायत {world.number} (पेयजल)")


# -- the citizen's bare "2" ----------------------------------------------------------------------------


def _second_ticket(world: World) -> str:
    complaint = CallComplaint(call_sid="CA2", caller_phone=CITIZEN, line="+919977222564", language="hi",
                              category_id="water", recording_sid="RE2", recording_url="https://r/RE2",
                              recording_duration=20)
    world.clock.advance(timedelta(minutes=5))
    ticket = build_call_registration(complaint, world.district, 2, world.clock).ticket
    world.store.tickets[ticket.complaint_number] = ticket
    return ticket.complaint_number


def test_a_bare_2_answers_the_resolved_ticket_before_a_newer_closed_one():
    world = World()
    newer = _second_ticket(world)
    world.text(WATER["L1"], f"DONE {newer} repaired")
    world.text(CITIZEN, f"1 {newer}")
    assert world.store.tickets[newer].status == "closed"
    world.text(WATER["L1"], f"DONE {world.number} repaired")
    reply = world.text(CITIZEN, "2")
    assert reply.changed and reply.text.startswith(f"शिकायत {world.number} फिर से खोली गई")
    assert world.store.tickets[newer].status == "closed" and world.ticket.status == "reopened"


def test_a_bare_2_reopens_the_closed_ticket_still_within_its_window():
    world = World()
    newer = _second_ticket(world)
    world.text(WATER["L1"], f"DONE {newer} repaired")
    world.text(CITIZEN, f"1 {newer}")
    world.clock.advance(timedelta(hours=73))  # the newer ticket's window is over
    world.text(WATER["L1"], f"DONE {world.number} repaired")
    world.text(CITIZEN, f"1 {world.number}")
    assert world.ticket.status == "closed"
    reply = world.text(CITIZEN, "2")
    assert reply.changed and world.ticket.status == "reopened"
    assert world.store.tickets[newer].status == "closed"


# -- feedback calls ------------------------------------------------------------------------------------


def _call(world: World, event: DomainEvent, caller: MemoryCaller) -> str:
    return place_feedback_call(event, world.directory, caller, MemoryClaims(), world.store,
                               answer_path="/a", status_path="/s")


def test_a_feedback_call_event_that_arrives_late_rings_nobody():
    world, caller = World(), MemoryCaller()
    world.text(WATER["L1"], f"DONE {world.number} repaired")
    assert world.advance(minutes=1) == ["feedback.call_due"]
    first = world.dispatcher.sent[-1]
    assert world.advance(hours=24) == ["feedback.call_due"]
    second = world.dispatcher.sent[-1]
    assert _call(world, first, caller).endswith("no call")  # the second call is the one due now
    assert _call(world, second, caller) == "feedback call 2: CA1"
    world.text(CITIZEN, "1")  # answered by SMS
    assert _call(world, replace(second, id="redriven"), caller).endswith("no call")
    assert caller.placed == [CITIZEN]


def test_one_sweep_places_one_feedback_call_however_late_it_runs():
    world = World()
    world.text(WATER["L1"], f"DONE {world.number} repaired")
    assert world.advance(hours=49) == ["feedback.call_due"]  # all three were due; one call per sweep
    assert world.ticket.feedback_calls == 1


# -- what callers and officers may type --------------------------------------------------------------


def test_a_superscript_in_the_days_is_refused_politely():
    world = World()
    reply = world.text(WATER["L1"], f"TIME {world.number} ² need more")
    assert not reply.changed and reply.text == "दिन 1 से 30 तक हों।"


def test_withheld_caller_ids_that_look_like_numbers_are_never_texted_or_called():
    for withheld in ("+266696687", "+7378742833", "+2562533", "+8656696", "+86282452253", "anonymous"):
        complaint = CallComplaint(call_sid="CA9", caller_phone=withheld, line="+919977222564", language="hi",
                                  category_id="water", recording_sid="RE9", recording_url="https://r/RE9",
                                  recording_duration=20)
        world = World()
        registration = build_call_registration(complaint, DISTRICT, 9, world.clock)
        ticket = registration.ticket
        world.store.tickets[ticket.complaint_number] = ticket
        messenger = MemoryMessenger()
        assert _deliver(world, registration.event, messenger, MemoryClaims()) == ["officer: SM1"], withheld
        world.number = ticket.complaint_number
        world.text(WATER["L1"], f"DONE {ticket.complaint_number} repaired")
        [resolved] = [e for e in world.dispatcher.sent if e.type == "ticket.resolved"]
        assert _deliver(world, resolved, messenger, MemoryClaims()) == []
        assert world.advance(minutes=1) == ["feedback.call_due"]
        caller = MemoryCaller()
        assert _call(world, world.dispatcher.sent[-1], caller) == "caller number withheld: no call"
        assert caller.placed == []
