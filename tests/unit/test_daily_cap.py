"""operations/daily_cap.py: a call refused at the write for the daily cap, on fakes."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chalicelib.district_file import read_district_file
from chalicelib.domain.reconcile import OVER_CAP
from chalicelib.operations.daily_cap import refuse_over_cap
from tests.fakes.call_log import MemoryCallLog
from tests.fakes.caller_history import MemoryCallerHistory
from tests.fakes.tickets import MemoryTicketStore
from tests.support.demo import DEMO, register_demo_call

CALLER = "+919812345678"
DISTRICT = read_district_file(DEMO)
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 14:30 IST
REFUSED = "CA" + "9" * 32



def _register(tickets: MemoryTicketStore, sequence: int, at: datetime, caller: str = CALLER) -> str:
    return register_demo_call(tickets, DISTRICT, sequence, at, caller)


def test_the_call_is_marked_over_cap_and_the_caller_hears_todays_newest_number():
    tickets = MemoryTicketStore()
    _register(tickets, 1, NOW - timedelta(days=1))  # yesterday's: not today's cap
    _register(tickets, 2, NOW - timedelta(hours=3))
    newest = _register(tickets, 3, NOW - timedelta(hours=1))
    _register(tickets, 4, NOW - timedelta(minutes=5), caller="+919800000001")  # a neighbour's
    call_log = MemoryCallLog(tickets)
    assert refuse_over_cap(REFUSED, CALLER, DISTRICT, NOW, call_log, MemoryCallerHistory(tickets)) == newest
    assert call_log.calls[REFUSED].outcome == OVER_CAP  # the reconciler leaves its recording alone


def test_with_nothing_registered_today_there_is_no_number_to_say():
    tickets = MemoryTicketStore()
    _register(tickets, 1, NOW - timedelta(days=1))
    call_log = MemoryCallLog(tickets)
    assert refuse_over_cap(REFUSED, CALLER, DISTRICT, NOW, call_log, MemoryCallerHistory(tickets)) is None
    assert call_log.calls[REFUSED].outcome == OVER_CAP


def test_a_call_that_got_its_ticket_after_all_is_not_marked():
    tickets = MemoryTicketStore()
    _register(tickets, 7, NOW - timedelta(minutes=1))  # a retried webhook registered this very call first
    call_sid = f"CA{7:032d}"
    call_log = MemoryCallLog(tickets)
    refuse_over_cap(call_sid, CALLER, DISTRICT, NOW, call_log, MemoryCallerHistory(tickets))
    assert call_sid not in call_log.calls or call_log.calls[call_sid].outcome != OVER_CAP
