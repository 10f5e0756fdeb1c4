"""The lifecycle with in-memory adapters: the ladder, feedback, closures, and who may do what."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.district_file import read_district_file
from chalicelib.domain.clock import FixedClock, parse_iso
from chalicelib.domain.commands import Unparsable, parse
from chalicelib.domain.district import TranscriptionPolicy
from chalicelib.domain.inbox import handle_message
from chalicelib.domain.lifecycle import SYSTEM, Lifecycle, NotAllowed
from chalicelib.domain.registration import CallComplaint, build_call_registration
from chalicelib.domain.sweep import sweep_tickets
from chalicelib.domain.working_time import add_hours
from tests.fakes.directory import MemoryDirectory
from tests.fakes.events import MemoryDispatcher
from tests.fakes.tickets import MemoryTicketStore
from tests.support.demo import DEMO

# Forwards go at once (no transcript awaited): tests/unit/test_transcribed_forward.py has the wait.
DISTRICT = replace(read_district_file(DEMO), transcription=TranscriptionPolicy(enabled=False))
START = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)  # Monday 10:30 IST
CITIZEN = "+919812345678"
WATER = {"L1": "+919000000301", "L2": "+919000000302", "L3": "+919000000103", "L4": "+919000000104"}


class World:
    """A district, one water ticket, and a clock to move."""

    def __init__(self, district=DISTRICT) -> None:
        self.clock = FixedClock(START)
        self.district = district
        complaint = CallComplaint(call_sid="CA1", caller_phone=CITIZEN, line="+919977222564", language="hi",
                                  category_id="water", recording_sid="RE1", recording_url="https://r/RE1",
                                  recording_duration=20)
        ticket = build_call_registration(complaint, district, 1, self.clock).ticket
        self.number = ticket.complaint_number
        self.store = MemoryTicketStore(ticket)
        self.dispatcher = MemoryDispatcher()
        self.directory = MemoryDirectory(district)

    @property
    def ticket(self):
        return self.store.tickets[self.number]

    def text(self, phone: str, message: str):
        return handle_message(phone, "sms", message, self.directory, self.store, self.dispatcher, self.clock,
                              self.district)

    def advance(self, **delta) -> list[str]:
        self.clock.advance(timedelta(**delta))
        before = len(self.dispatcher.sent)
        due = [n for n, t in self.store.tickets.items() if t.next_action_at and t.next_action_at <= _iso(self.clock)]
        sweep_tickets(due, self.store, self.directory, self.dispatcher, self.clock)
        return [e.type for e in self.dispatcher.sent[before:]]


def _iso(clock) -> str:
    return clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")


def test_the_ladder_reminds_escalates_level_by_level_and_flags_past_l4():
    world = World()
    assert world.ticket.next_action_at == "2026-11-24T17:00:00Z"  # 50% of L1's 72 hours
    assert world.advance(hours=36) == ["ticket.reminder"]
    assert world.advance(hours=29) == ["ticket.reminder"]  # 90%
    assert world.advance(hours=7) == ["ticket.escalated"]
    assert (world.ticket.level, world.ticket.reminders_sent) == ("L2", ())
    escalated = world.dispatcher.sent[-1]
    assert escalated.data["from_level"] == "L1" and escalated.data["reason"] == "deadline"
    assert world.advance(hours=48) == ["ticket.escalated"]  # past the deadline: no stale reminders first
    assert world.ticket.level == "L3"
    assert world.advance(hours=24)[-1] == "ticket.escalated" and world.ticket.level == "L4"
    assert world.advance(hours=24)[-1] == "ticket.flagged"
    assert world.ticket.flagged and world.ticket.sla_breached
    assert world.advance(days=30) == []  # flagged once; it waits for the Collector
    assert world.ticket.next_action_at is None


def test_l3_to_l4_waits_for_the_collector_where_the_district_says_so():
    district = replace(DISTRICT, follow_up=replace(DISTRICT.follow_up, auto_escalate_to_l4=False))
    world = World(district)
    world.advance(hours=72)
    world.advance(hours=48)
    assert world.ticket.level == "L3"
    assert world.advance(hours=24)[-1] == "ticket.flagged"
    assert world.ticket.level == "L3" and world.dispatcher.sent[-1].data["reason"] == "l4_by_hand"
    assert not world.text(WATER["L3"], f"ESCALATE {world.number}").changed  # an officer cannot
    reply = world.text(WATER["L4"], f"ESCALATE {world.number} no water for ten days")  # the Collector can
    assert reply.changed and world.ticket.level == "L4" and not world.ticket.flagged


def test_officers_act_by_sms_and_only_on_what_is_theirs():
    world = World()
    assert world.text(WATER["L2"], f"ACK {world.number}").text == f"{world.number} आपके पास नहीं है।"
    assert world.text("+919999999999", f"DONE {world.number} fixed").changed is False
    reply = world.text(WATER["L1"], f"ack {world.number.lower()}")
    assert reply.changed and reply.text.startswith(f"{world.number}: प्राप्ति दर्ज।")
    assert world.ticket.status == "acknowledged"
    assert world.text(WATER["L1"], f"DONE {world.number}").text.startswith("कार्यवाही लिखें")
    assert world.text(WATER["L1"], "hello").text.startswith("भेजें: ACK")  # help for officers
    reply = world.text(WATER["L1"], f"DONE {world.number} हैंडपंप की मरम्मत कर दी गई")
    assert reply.changed and world.ticket.status == "resolved"
    assert world.ticket.resolution_remark == "हैंडपंप की मरम्मत कर दी गई"
    assert [e.type for e in world.dispatcher.sent] == ["ticket.acknowledged", "ticket.resolved"]


def test_satisfied_feedback_closes_and_the_reopen_window_then_shuts():
    world = World()
    world.text(WATER["L1"], f"DONE {world.number} repaired")
    assert world.advance(minutes=1) == ["feedback.call_due"]
    reply = world.text(CITIZEN, "1")
    assert reply.changed and world.ticket.status == "closed" and world.ticket.closure == "satisfied"
    world.clock.advance(timedelta(hours=73))
    reply = world.text(CITIZEN, f"REOPEN {world.number}")
    assert not reply.changed and "बहुत पहले बंद" in reply.text


def test_not_satisfied_reopens_one_level_up_and_tells_the_officer_why():
    world = World()
    world.text(WATER["L1"], f"DONE {world.number} repaired")
    world.advance(minutes=1)
    assert world.text(CITIZEN, "2").changed
    ticket = world.ticket
    assert (ticket.status, ticket.level, ticket.reopen_count) == ("reopened", "L2", 1)
    reopened = world.dispatcher.sent[-1]
    assert reopened.type == "ticket.reopened" and reopened.data["remark"] == "repaired"
    assert world.text(WATER["L2"], f"ACK {world.number}").changed  # now the L2 officer's


def test_no_answer_calls_three_times_over_two_days_then_closes_as_such():
    world = World()
    world.text(WATER["L1"], f"DONE {world.number} repaired")
    assert world.advance(minutes=1) == ["feedback.call_due"]
    assert world.advance(hours=24) == ["feedback.call_due"]
    assert world.advance(hours=24) == ["feedback.call_due"]
    assert [e.data["attempt"] for e in world.dispatcher.sent if e.type == "feedback.call_due"] == [1, 2, 3]
    assert world.advance(hours=11) == []
    assert world.advance(hours=1) == ["ticket.closed"]
    assert world.ticket.closure == "no_response"
    assert world.text(CITIZEN, "2").changed and world.ticket.status == "reopened"  # within 72 hours


def test_special_closure_needs_the_level_above_and_records_both():
    world = World()
    assert world.text(WATER["L1"], f"CLOSE {world.number} astrology x").text.startswith("बंद करने के कोड")
    assert world.text(WATER["L1"], f"CLOSE {world.number} sub_judice case pending in civil court").changed
    assert world.text(WATER["L1"], f"APPROVE {world.number}").text == (
        f"{world.number}: अपने ही अनुरोध पर आप निर्णय नहीं ले सकते।")
    reply = world.text(WATER["L2"], f"APPROVE {world.number}")
    assert reply.changed and reply.text.endswith("Sub Engineer PHE को सूचित किया गया।")
    assert (world.ticket.status, world.ticket.closure) == ("closed", "special:sub_judice")
    [proposed, decided, closed] = [e for e in world.dispatcher.sent]
    assert proposed.data["requested_by"] == WATER["L1"] and decided.data["actor"] == WATER["L2"]
    assert closed.data["closure"] == "special:sub_judice"


def test_more_time_is_granted_by_the_level_above_and_moves_the_deadline():
    world = World()
    due = world.ticket.level_due_at
    assert world.text(WATER["L1"], f"TIME {world.number} 45 need more").text == "दिन 1 से 30 तक हों।"
    assert world.text(WATER["L1"], f"TIME {world.number} 5 pipeline needs a contractor").changed
    assert world.text(WATER["L1"], f"TIME {world.number} 2 again").text.endswith("अनुरोध पहले से लंबित है।")
    world.text(WATER["L2"], f"REJECT {world.number} do it in time")
    assert world.ticket.level_due_at == due and world.ticket.pending is None
    world.text(WATER["L1"], f"TIME {world.number} 5 pipeline needs a contractor")
    world.text(WATER["L2"], f"APPROVE {world.number}")
    assert parse_iso(world.ticket.level_due_at) - parse_iso(due) == timedelta(days=5)


def test_transfer_sends_it_to_the_other_departments_first_level():
    world = World()
    assert world.text(WATER["L1"], f"TRANSFER {world.number} roads x").text.startswith("विभाग:")
    assert world.text(WATER["L1"], f"TRANSFER {world.number} electricity pump has no power").changed
    assert (world.ticket.department, world.ticket.level) == ("electricity", "L1")
    assert world.text("+919000000401", f"ACK {world.number}").changed


def test_two_officers_at_once_one_wins_the_other_is_told():
    world = World()
    lifecycle = Lifecycle(DISTRICT, world.clock.now())
    stale = world.ticket
    world.text(WATER["L1"], f"ACK {world.number}")
    from chalicelib.domain.inbox import _commit
    from chalicelib.domain.lifecycle import Actor

    late = lifecycle.transfer(stale, Actor("officer", WATER["L1"], "sms", (("water", "L1"),)), "electricity", "x")
    reply = _commit(late, world.store, world.dispatcher, "ok")
    assert not reply.changed and "किसी और ने बदली" in reply.text
    assert world.ticket.department == "water"


def test_a_tick_with_nothing_due_changes_nothing():
    world = World()
    assert Lifecycle(DISTRICT, world.clock.now()).tick(world.ticket) is None
    with pytest.raises(NotAllowed):
        Lifecycle(DISTRICT, world.clock.now()).resolve(world.ticket, SYSTEM, "x")


def test_office_hours_skip_nights_weekends_and_holidays():
    from chalicelib.domain.district import OfficeHours

    hours = OfficeHours(days=(0, 1, 2, 3, 4), open_minute=600, close_minute=1080, holidays=frozenset({"2026-11-24"}))
    friday_5pm = datetime(2026, 11, 27, 11, 30, tzinfo=UTC)  # 17:00 IST
    due = add_hours(friday_5pm, 3, hours)
    assert due == datetime(2026, 11, 30, 6, 30, tzinfo=UTC)  # Monday 12:00 IST
    monday_5pm = datetime(2026, 11, 23, 11, 30, tzinfo=UTC)
    assert add_hours(monday_5pm, 2, hours) == datetime(2026, 11, 25, 5, 30, tzinfo=UTC)  # Tue holiday
    assert add_hours(monday_5pm, 2, None) == monday_5pm + timedelta(hours=2)


@pytest.mark.parametrize("text", ["", "HELLO", "ACK", "ACK 123", "TIME RPR2611230001", "CLOSE RPR2611230001"])
def test_commands_that_cannot_be_understood(text):
    with pytest.raises(Unparsable):
        parse(text)


def test_commands_are_read_loosely():
    command = parse("  done rpr2611230001   pump repaired, water flowing ")
    assert (command.verb, command.number, command.text) == ("DONE", "RPR2611230001", "pump repaired, water flowing")
    assert parse("2").verb == "FEEDBACK" and parse("1 RPR2611230001").number == "RPR2611230001"
    assert parse("TRANSFER RPR2611230001 Electricity no power").args == ("electricity",)


def test_a_department_with_no_officer_at_a_level_still_escalates_on_time():
    departments = dict(DISTRICT.departments)
    water = departments["water"]
    departments["water"] = replace(water, officers={k: v for k, v in water.officers.items() if k != "L1"})
    world = World(replace(DISTRICT, departments=departments))
    assert world.advance(hours=72) == ["ticket.escalated"]
    assert world.ticket.level == "L2"
