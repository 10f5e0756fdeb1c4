"""The OfficerQueues port: tests/fakes/officer_queues.py lists a post's open tickets, and those with a request
waiting, as store/officer_queues.py's Query on the `by_queue` index does."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.clock import FixedClock
from chalicelib.domain.lifecycle import Actor, Lifecycle
from chalicelib.domain.ports import OfficerQueues, TicketStore
from chalicelib.domain.registration import CallComplaint, build_call_registration
from tests.fakes.officer_queues import MemoryOfficerQueues
from tests.fakes.tickets import MemoryTicketStore
from tests.support.demo import LINE, demo_on

AT = datetime(2026, 12, 1, 6, 30, tzinfo=UTC)
DISTRICT = demo_on("twilio")
L1 = Actor("officer", "+919000000301", "sms", (("water", "L1"),))


@pytest.fixture
def store_and_queues(backend: str) -> tuple[TicketStore, OfficerQueues]:
    if backend == "memory":
        tickets = MemoryTicketStore()
        return tickets, MemoryOfficerQueues(tickets)
    from chalicelib.store.officer_queues import DynamoOfficerQueues
    from chalicelib.store.tickets import DynamoTicketStore

    return DynamoTicketStore(), DynamoOfficerQueues()


def _register(tickets: TicketStore, sequence: int, category: str, at: datetime) -> str:
    made = CallComplaint(call_sid=f"CA{sequence:032d}", caller_phone="+919812345678", line=LINE, language="hi",
                         category_id=category, recording_sid="", recording_url="", recording_duration=0)
    registration = build_call_registration(made, DISTRICT, sequence, FixedClock(at))
    tickets.register(registration)
    return registration.ticket.complaint_number


def test_a_posts_open_tickets_by_deadline_and_those_waiting_for_the_level_above(store_and_queues):
    tickets, queues = store_and_queues
    later = _register(tickets, 1, "water", AT)
    sooner = _register(tickets, 2, "water", AT - timedelta(hours=3))
    other = _register(tickets, 3, "health", AT)
    lifecycle = Lifecycle(DISTRICT, AT)
    tickets.save_change(lifecycle.request_time(tickets.get(later), L1, 3, "rain"))
    resolved = _register(tickets, 4, "water", AT - timedelta(hours=6))
    tickets.save_change(lifecycle.resolve(tickets.get(resolved), L1, "fixed"))

    assert [t.complaint_number for t in queues.post_tickets("RPR", "water", "L1", 20)] == [sooner, later]
    assert [t.complaint_number for t in queues.post_tickets("RPR", "water", "L1", 1)] == [sooner]
    [waiting] = queues.pending_requests("RPR", "water", "L1", 20)
    assert waiting.complaint_number == later and waiting.pending and waiting.pending["days"] == 3
    assert queues.post_tickets("RPR", "water", "L2", 20) == []
    assert [t.complaint_number for t in queues.post_tickets("RPR", "health", "L1", 20)] == [other]
