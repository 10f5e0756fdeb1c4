"""The ConsoleQueries port: tests/fakes/console_queries.py lists what store/console_queries.py's Queries on
the sparse indexes list, in the same order, page after page. Tickets are written through the TicketStore port."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.district_file import read_district_file
from chalicelib.domain.clock import FixedClock, iso
from chalicelib.domain.district import District, parse_district
from chalicelib.domain.lifecycle import Actor, Change, Lifecycle
from chalicelib.domain.ports import ConsoleQueries, Page, TicketStore
from chalicelib.domain.registration import ConsoleComplaint, Registration, build_console_registration
from chalicelib.domain.ticket import Ticket
from chalicelib.i18n import available_languages
from tests.fakes.console_queries import MemoryConsoleQueries
from tests.fakes.tickets import MemoryTicketStore
from tests.support.demo import CALLER, DEMO, LINE

DISTRICT = read_district_file(DEMO)
AT = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
NEIGHBOUR = "+919812300000"


@dataclass
class Console:
    store: TicketStore
    queries: ConsoleQueries
    backend: str

    def register(self, sequence: int, caller: str = CALLER, category: str = "water",
                 district: District = DISTRICT) -> Ticket:
        complaint = ConsoleComplaint(caller_phone=caller, category_id=category, language="hi",
                                     description=f"complaint {sequence}", operator="operator.rpr")
        registration: Registration = build_console_registration(complaint, district, sequence,
                                                                FixedClock(AT + timedelta(minutes=sequence)))
        self.store.register(registration)
        return registration.ticket

    def change(self, change: Change) -> Ticket:
        self.store.save_change(change)
        return change.after

    def log_call(self, call_sid: str, district: str) -> None:
        if isinstance(self.queries, MemoryConsoleQueries):
            self.queries.call_districts[call_sid] = district
            return
        from chalicelib.store.operator_calls import DynamoOperatorCalls

        DynamoOperatorCalls().mark_ringing(call_sid, CALLER, LINE, district, "collectorate", ("op1",), iso(AT))


@pytest.fixture
def console(backend: str) -> Console:
    if backend == "memory":
        store = MemoryTicketStore()
        return Console(store, MemoryConsoleQueries(store), backend)
    from chalicelib.store.console_queries import DynamoConsoleQueries
    from chalicelib.store.tickets import DynamoTicketStore

    return Console(DynamoTicketStore(), DynamoConsoleQueries(), backend)


def every_page(read, limit: int = 2) -> list[str]:
    """Follow a list page by page, as the console's cursor does."""
    numbers: list[str] = []
    start = None
    for _ in range(20):
        page: Page = read(limit, start)
        assert len(page.tickets) <= limit and page.items_read == len(page.tickets)
        numbers += [t.complaint_number for t in page.tickets]
        start = page.last_key
        if start is None:
            return numbers
    raise AssertionError("the pages never ended")


def other_district() -> District:
    raw = dict(DISTRICT.raw, code="BSP", hotlines=[{"id": "collectorate", "lines": ["+917752000001"]}])
    return parse_district(raw, available_languages())


def test_recent_is_the_districts_tickets_newest_first_page_after_page(console: Console):
    made = [console.register(n).complaint_number for n in range(1, 6)]
    console.register(6, district=other_district())
    assert every_page(lambda limit, start: console.queries.recent("RPR", limit, start)) == made[::-1]
    assert console.queries.recent("RPR", 10, None).tickets[0] == console.store.get(made[-1])


def test_a_callers_tickets_are_theirs_in_the_district_asked_or_in_every_one(console: Console):
    mine = [console.register(1).complaint_number, console.register(3).complaint_number]
    console.register(2, caller=NEIGHBOUR)
    elsewhere = console.register(4, district=other_district()).complaint_number
    assert every_page(lambda limit, start: console.queries.tickets_of_caller(CALLER, "RPR", limit, start)) == \
        mine[::-1]
    assert [t.complaint_number for t in console.queries.tickets_of_caller(CALLER, None, 10, None).tickets] == \
        [elsewhere, *mine[::-1]]


def test_a_queue_holds_open_tickets_by_level_deadline_and_a_level_narrows_it(console: Console):
    water = [console.register(n) for n in range(1, 4)]
    console.register(4, category="health")
    officer = Actor("officer", "+919800000101", "sms", ((water[0].department, "L1"),))
    console.change(Lifecycle(DISTRICT, AT + timedelta(hours=1)).resolve(water[1], officer, "नल ठीक"))
    open_water = [water[0].complaint_number, water[2].complaint_number]
    department = water[0].department
    assert every_page(lambda limit, start: console.queries.queue("RPR", department, None, limit, start)) == open_water
    assert every_page(lambda limit, start: console.queries.queue("RPR", department, "L1", limit, start)) == open_water
    assert console.queries.queue("RPR", department, "L2", 10, None).tickets == []


def test_overdue_and_at_risk_are_open_tickets_past_their_marks_nearest_deadline_first(console: Console):
    tickets = [console.register(n) for n in range(1, 4)]
    late = iso(datetime(2027, 1, 1, tzinfo=UTC))
    assert all(t.sla_due_at <= late for t in tickets)
    assert every_page(lambda limit, start: console.queries.overdue("RPR", late, limit, start)) == \
        [t.complaint_number for t in sorted(tickets, key=lambda t: t.sla_due_at)]
    assert console.queries.overdue("RPR", tickets[0].created_at, 10, None).tickets == []

    flagged = replace(tickets[1], sla_at_risk=True, version=tickets[1].version + 1)
    console.change(Change(tickets[1], flagged, (), ()))
    assert every_page(lambda limit, start: console.queries.at_risk("RPR", limit, start)) == [flagged.complaint_number]


def test_a_timeline_is_oldest_first_and_counters_read_as_written(console: Console):
    ticket = console.register(1)
    noted = Lifecycle(DISTRICT, AT + timedelta(hours=2)).note(ticket, Actor("operator", "op1", "console"), "फिर फ़ोन")
    console.change(noted)
    entries = console.queries.timeline(ticket.complaint_number)
    assert [e.action for e in entries][-1] == "note" and entries[-1].detail == {"text": "फिर फ़ोन"}
    assert [e.at for e in entries] == sorted(e.at for e in entries) and len(entries) == 2

    registration_counters = build_console_registration(
        ConsoleComplaint(caller_phone=CALLER, category_id="water", language="hi", description="x", operator="op"),
        DISTRICT, 1, FixedClock(AT + timedelta(minutes=1))).counters
    keys = [(c.scope, c.period) for c in registration_counters]
    assert keys, "a registration counts"
    found = console.queries.counter_items([*keys, ("NOPE", "1999-01-01")])
    assert set(found) == set(keys)
    for counter in registration_counters:
        assert {name: found[(counter.scope, counter.period)][name] for name in counter.figures} == counter.figures


def test_a_calls_district_is_the_call_logs_and_an_unknown_call_has_none(console: Console):
    console.log_call("CA" + "7" * 32, "RPR")
    assert console.queries.call_district("CA" + "7" * 32) == "RPR"
    assert console.queries.call_district("CA" + "8" * 32) is None


def test_approvals_are_the_requests_waiting_for_a_post_or_the_district_oldest_first(console: Console):
    from chalicelib.domain.approvals import post_prefix

    water = [console.register(n) for n in range(1, 4)]
    health = console.register(4, category="health")
    asker = Actor("officer", "+919800000101", "sms", ((water[0].department, "L1"),))
    for minutes, ticket in ((10, water[2]), (20, water[0])):
        console.change(Lifecycle(DISTRICT, AT + timedelta(minutes=minutes)).request_time(ticket, asker, 3, "पाइप"))
    health_asker = Actor("officer", "+919800000201", "sms", ((health.department, "L1"),))
    console.change(Lifecycle(DISTRICT, AT + timedelta(minutes=30)).request_time(health, health_asker, 2, "छुट्टी"))

    waiting_water = [water[2].complaint_number, water[0].complaint_number]  # the older request first
    water_l2 = post_prefix(water[0].department, "L2")
    assert every_page(lambda limit, start: console.queries.approvals("RPR", water_l2, limit, start)) == waiting_water
    assert console.queries.approvals("RPR", post_prefix(water[0].department, "L3"), 10, None).tickets == []
    everyone = every_page(lambda limit, start: console.queries.approvals("RPR", None, limit, start))
    assert sorted(everyone) == sorted([*waiting_water, health.complaint_number])
    assert console.queries.approvals("BSP", None, 10, None).tickets == []

    decided = console.change(Lifecycle(DISTRICT, AT + timedelta(hours=1)).decide(
        console.store.get(water[2].complaint_number), Actor("officer", "+919800000102", "sms",
                                                           ((water[0].department, "L2"),)), True))
    assert decided.pending is None
    assert every_page(lambda limit, start: console.queries.approvals("RPR", water_l2, limit, start)) == [
        water[0].complaint_number]
