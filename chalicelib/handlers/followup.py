"""The follow-up queue's consumer.

The walking skeleton sets a ticket's clocks in its registration transaction (level_due_at,
sla_due_at, the sparse due index), so a created ticket needs nothing more here yet; the
follow-through work (reminders, escalation, feedback) plugs its reactions into REACTIONS.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalicelib.domain.events import DomainEvent
from chalicelib.handlers.queue_batch import process_batch

REACTIONS: dict[str, Callable[[DomainEvent], str]] = {}


def react(event: DomainEvent) -> str:
    reaction = REACTIONS.get(event.type)
    return reaction(event) if reaction else "no follow-up action for this event"


def handle(sqs_event: Any) -> dict[str, list]:
    return process_batch(sqs_event, react)
