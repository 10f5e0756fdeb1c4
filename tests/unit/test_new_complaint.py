"""operations/new_complaint.py: the cap and the repeat offer before a new complaint, on fakes."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from chalicelib.district_file import read_district_file
from chalicelib.operations.new_complaint import NewComplaintCheck, check_new_complaint
from tests.fakes.caller_history import MemoryCallerHistory
from tests.fakes.tickets import MemoryTicketStore
from tests.support.demo import DEMO, register_demo_call

CALLER = "+919812345678"
DISTRICT = read_district_file(DEMO)
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 14:30 IST



def _register(tickets: MemoryTicketStore, sequence: int, at: datetime, caller: str = CALLER) -> str:
    return register_demo_call(tickets, DISTRICT, sequence, at, caller)


def test_a_first_time_caller_goes_straight_to_the_categories():
    assert check_new_complaint(CALLER, DISTRICT, NOW, MemoryCallerHistory()) == NewComplaintCheck()


def test_a_withheld_number_is_never_capped_nor_offered_anything():
    tickets = MemoryTicketStore()
    _register(tickets, 1, NOW - timedelta(hours=1), caller="+266696687")
    assert check_new_complaint("+266696687", DISTRICT, NOW, MemoryCallerHistory(tickets)) == NewComplaintCheck()


def test_a_recent_open_complaint_is_offered_to_add_to():
    tickets = MemoryTicketStore()
    number = _register(tickets, 1, NOW - timedelta(days=1))
    check = check_new_complaint(CALLER, DISTRICT, NOW, MemoryCallerHistory(tickets))
    assert not check.over_cap and check.earlier is not None and check.earlier.complaint_number == number


def test_at_the_cap_the_caller_hears_todays_newest_number_and_no_offer():
    tickets = MemoryTicketStore()
    numbers = [_register(tickets, n, NOW - timedelta(minutes=60 - n)) for n in
               range(1, DISTRICT.callers.complaints_per_day + 1)]
    check = check_new_complaint(CALLER, DISTRICT, NOW, MemoryCallerHistory(tickets))
    assert check == NewComplaintCheck(over_cap=True, latest_today=numbers[-1])


def test_a_closed_complaint_is_not_offered():
    tickets = MemoryTicketStore()
    number = _register(tickets, 1, NOW - timedelta(days=1))
    tickets.tickets[number] = replace(tickets.tickets[number], status="closed")
    assert check_new_complaint(CALLER, DISTRICT, NOW, MemoryCallerHistory(tickets)) == NewComplaintCheck()
