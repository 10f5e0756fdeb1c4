"""SQS batches with partial failure: each message that fails is reported back and only it returns
to the queue (ReportBatchItemFailures is on for every event source, see infra/)."""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from chalicelib import logs
from chalicelib.domain.events import DomainEvent

log = logging.getLogger(__name__)


def process_batch(records: Iterable[Any], handle: Callable[[DomainEvent], Any]) -> dict[str, list]:
    failures = []
    for record in records:
        raw = record.to_dict()
        with logs.scope():
            try:
                event = DomainEvent.from_json(record.body)
                logs.bind(event_id=event.id, complaint_number=event.complaint_number)
                outcome = handle(event)
                log.info("event %s %s %s: %s", event.id, event.type, event.complaint_number, outcome)
            except Exception:
                log.exception("message %s failed; it returns to the queue", raw.get("messageId"))
                failures.append({"itemIdentifier": raw["messageId"]})
                back_off(raw)
    return {"batchItemFailures": failures}


def back_off(raw: dict) -> int | None:
    """Keep a failed message out of sight for longer each time (30 s, 60 s, … 15 min), so a Twilio
    outage or rate limit is retried patiently instead of burning the receives before the DLQ."""
    receives = int((raw.get("attributes") or {}).get("ApproximateReceiveCount", "1"))
    delay = min(900, 30 * 2 ** (receives - 1))
    try:
        from chalicelib.events import aws

        queue = raw["eventSourceARN"].rsplit(":", 1)[-1]
        aws.sqs().change_message_visibility(QueueUrl=aws.queue_url(queue), ReceiptHandle=raw["receiptHandle"],
                                            VisibilityTimeout=delay)
    except Exception:  # the queue's own visibility timeout still brings it back
        log.warning("could not delay message %s", raw.get("messageId"))
        return None
    return delay
