"""The notify queue's consumer: messages to citizens (and, with follow-through, officers)."""
from __future__ import annotations

from typing import Any

from chalicelib import wiring
from chalicelib.handlers.queue_batch import process_batch


def handle(sqs_event: Any) -> dict[str, Any]:
    from chalicelib import recording_links
    from chalicelib.domain.delivery import deliver

    return process_batch(sqs_event, lambda event: deliver(
        event, wiring.directory(), wiring.messenger(), wiring.claims(), recording_links.link,
        timeline=wiring.ticket_store(), clock=wiring.clock()))
