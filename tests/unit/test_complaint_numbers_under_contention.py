"""Complaint numbers when other registrations keep taking the next one first (domain/intake.py): a try that
loses its number takes the next free one, a registration that keeps losing takes one outright, and either way
the day's numbers run without a gap."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from chalicelib.district_file import read_district_file
from chalicelib.domain.clock import FixedClock
from chalicelib.domain.intake import NUMBER_TRIES, register_call_complaint
from chalicelib.domain.registration import (
    CallComplaint,
    ConsoleComplaint,
    DaySequence,
    Registration,
    build_call_registration,
    build_console_registration,
)
from tests.fakes.events import MemoryDispatcher
from tests.fakes.tickets import MemoryTicketStore
from tests.support.demo import DEMO

DISTRICT = read_district_file(DEMO)
CLOCK = FixedClock(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))  # 11:30 IST
DAY = "2026-12-01"


class Crowded(MemoryTicketStore):
    """Before each of the first `rivals` writes of ours, an operator's walk-in registration takes the number we
    read (as a concurrent Lambda would, between our read and our write)."""

    def __init__(self, rivals: int) -> None:
        super().__init__()
        self.rivals = rivals
        self.tries: list[int] = []

    def register(self, registration: Registration) -> None:
        if registration.ticket.call_sid:  # ours; the rivals' are walk-ins with no call
            self.tries.append(registration.sequence.number if registration.sequence else 0)
            if self.rivals:
                self.rivals -= 1
                number = self.peek_sequence("RPR", DAY)
                walk_in = ConsoleComplaint(caller_phone="+919800000000", category_id="water", language="hi",
                                           description="walk-in", operator="op1")
                super().register(replace(build_console_registration(walk_in, DISTRICT, number, CLOCK),
                                         sequence=DaySequence("RPR", DAY, number)))
        super().register(registration)


def complaint() -> CallComplaint:
    return CallComplaint(call_sid="CA1", caller_phone="+919812345678", line="+919977222574", language="hi",
                         category_id="water", recording_sid="RE1", recording_url="https://r/RE1",
                         recording_duration=30)


def test_a_number_taken_meanwhile_is_tried_again_with_the_next():
    store = Crowded(rivals=2)
    result = register_call_complaint(complaint(), DISTRICT, store, MemoryDispatcher(), CLOCK)
    assert store.tries == [1, 2, 3]  # 1 and 2 went to the walk-ins
    assert result.complaint_number == "RPR2612010003"
    assert sorted(store.tickets) == ["RPR2612010001", "RPR2612010002", "RPR2612010003"]


def test_a_registration_that_keeps_losing_takes_a_number_outright_and_leaves_no_gap():
    store = Crowded(rivals=NUMBER_TRIES + 1)  # every try loses; a rival also registers beside the outright take
    result = register_call_complaint(complaint(), DISTRICT, store, MemoryDispatcher(), CLOCK)
    assert store.tries == [*range(1, NUMBER_TRIES + 1), 0]  # the last carries no sequence: its number is its own
    assert result.created and result.complaint_number in store.tickets
    numbers = sorted(store.tickets)
    assert [int(n[-4:]) for n in numbers] == list(range(1, len(numbers) + 1))
    assert store.peek_sequence("RPR", DAY) == len(numbers) + 1


class CopiesRace(Crowded):
    """Two copies of one call (Twilio replays the record action) both lose every try, both take a number
    outright, and the other copy's registration lands first."""

    def __init__(self) -> None:
        super().__init__(rivals=NUMBER_TRIES)
        self.other_copys_number: int | None = None

    def take_sequence(self, district_code: str, ist_day: str) -> int:
        if self.other_copys_number is None:
            self.other_copys_number = super().take_sequence(district_code, ist_day)
        return super().take_sequence(district_code, ist_day)

    def register(self, registration: Registration) -> None:
        if registration.ticket.call_sid and registration.sequence is None and self.other_copys_number:
            number, self.other_copys_number = self.other_copys_number, 0
            MemoryTicketStore.register(self, build_call_registration(complaint(), DISTRICT, number, CLOCK))
        super().register(registration)


def test_a_copy_that_lost_to_its_own_replay_gives_its_outright_number_back():
    store = CopiesRace()
    result = register_call_complaint(complaint(), DISTRICT, store, MemoryDispatcher(), CLOCK)
    assert not result.created  # the other copy's ticket is the call's
    numbers = sorted(store.tickets)
    assert [int(n[-4:]) for n in numbers] == list(range(1, len(numbers) + 1))  # no gap
    assert store.peek_sequence("RPR", DAY) == len(numbers) + 1  # the loser's number went back


class ReplayHoldsTheTake(Crowded):
    """Every try loses its number, and a copy of this call (a replayed webhook) is already taking one outright."""

    def __init__(self) -> None:
        super().__init__(rivals=NUMBER_TRIES)
        self.hold_outright_take("call#CA1", "2026-12-01T06:00:00Z")
        self.waits = 0

    def registered_number(self, registration: Registration) -> str | None:
        self.waits += 1
        if self.waits == 2:  # the other copy's ticket lands while this one waits
            self.take_sequence("RPR", DAY)
            MemoryTicketStore.register(self, build_call_registration(complaint(), DISTRICT,
                                                                     self.sequences[("RPR", DAY)], CLOCK))
        return super().registered_number(registration)


def test_a_copy_whose_replay_holds_the_outright_take_waits_for_its_number_and_takes_none():
    store = ReplayHoldsTheTake()
    result = register_call_complaint(complaint(), DISTRICT, store, MemoryDispatcher(), CLOCK)
    assert not result.created and result.complaint_number == store.by_call["CA1"]
    numbers = sorted(store.tickets)
    assert [int(n[-4:]) for n in numbers] == list(range(1, len(numbers) + 1))
    assert store.peek_sequence("RPR", DAY) == len(numbers) + 1
