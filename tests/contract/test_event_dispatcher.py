"""The EventDispatcher port: tests/fakes/events.py and events/outbox.py hand each event to the consumers alike."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from chalicelib.domain.events import TICKET_CREATED, DomainEvent
from chalicelib.domain.ports import EventDispatcher
from tests.fakes.events import MemoryDispatcher


@dataclass
class Side:
    dispatcher: EventDispatcher
    delivered: Callable[[], list[DomainEvent]]  # what a consumer (the notifier, the follow-up) receives


@pytest.fixture
def side(backend: str, request: pytest.FixtureRequest) -> Side:
    if backend == "memory":
        memory = MemoryDispatcher()
        return Side(memory, lambda: list(memory.sent))
    from chalicelib import settings
    from chalicelib.events.outbox import OutboxDispatcher

    sqs = request.getfixturevalue("aws")["sqs"]

    def delivered() -> list[DomainEvent]:
        per_queue = []
        for kind in ("notify", "followup"):
            url = sqs.get_queue_url(QueueName=settings.queue_name(kind))["QueueUrl"]
            messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
            per_queue.append([DomainEvent.from_json(m["Body"]) for m in messages.get("Messages", [])])
        assert per_queue[0] == per_queue[1], "every consumer queue gets every event"
        return per_queue[0]

    return Side(OutboxDispatcher(), delivered)


def event(n: int) -> DomainEvent:
    return DomainEvent(type=TICKET_CREATED, complaint_number=f"RPR261201{n:04d}", version=1,
                       at="2026-12-01T06:00:00Z", data={"district": "RPR", "caller_name": "रामू"})


def test_a_dispatched_event_reaches_the_consumers_as_it_was(side: Side):
    assert side.delivered() == []
    sent = event(1)
    side.dispatcher.dispatch(sent)
    assert side.delivered() == [sent]


def test_each_event_is_delivered_once_per_dispatch(side: Side):
    events = [event(1), event(2)]
    for sent in events:
        side.dispatcher.dispatch(sent)
    assert sorted(side.delivered(), key=lambda e: e.complaint_number) == events
