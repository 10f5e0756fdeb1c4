"""SQS batches with partial failure: each message that fails is reported back and only it returns
to the queue (ReportBatchItemFailures is on for every event source, see infra/)."""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from chalicelib.domain.events import DomainEvent

log = logging.getLogger(__name__)


def process_batch(records: Iterable[Any], handle: Callable[[DomainEvent], Any]) -> dict[str, list]:
    failures = []
    for record in records:
        raw = record.to_dict()
        try:
            event = DomainEvent.from_json(record.body)
            outcome = handle(event)
            log.info("event %s %s %s: %s", event.id, event.type, event.complaint_number, outcome)
        except Exception:
            log.exception("message %s failed; it returns to the queue", raw.get("messageId"))
            failures.append({"itemIdentifier": raw["messageId"]})
    return {"batchItemFailures": failures}
