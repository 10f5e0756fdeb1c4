"""SQS batches with partial failure, through Powertools' BatchProcessor: each message that fails is reported
back and only it returns to the queue (ReportBatchItemFailures is on for every event source, see infra/),
kept out of sight longer each time it fails.

Only the queue consumers import this module (Powertools stays off the webhook path).
"""
from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from chalicelib import logs, powertools
from chalicelib.domain.events import DomainEvent


def process_batch(sqs_event: Any, handle: Callable[[DomainEvent], Any]) -> dict[str, Any]:
    """`sqs_event` is Chalice's SQSEvent; the answer is Lambda's {"batchItemFailures": [...]}."""
    powertools.read_secrets_through_parameters()
    return dict(process_partial_response(event=sqs_event.to_dict(), record_handler=partial(_handle_record, handle),
                                    processor=BackingOffProcessor(), context=getattr(sqs_event, "context", None)))


def _handle_record(handle: Callable[[DomainEvent], Any], record: Any) -> Any:
    log = powertools.logger()
    with logs.scope():
        try:
            event = DomainEvent.from_json(record.body)
            logs.bind(event_id=event.id, complaint_number=event.complaint_number)
            with powertools.tracer().provider.in_subsegment(f"## {event.type}") as subsegment:
                subsegment.put_annotation("complaint_number", event.complaint_number or "")
                outcome = handle(event)
            log.info("event %s %s %s: %s", event.id, event.type, event.complaint_number, outcome)
            return outcome
        except Exception:
            log.exception("message %s failed; it returns to the queue", record.message_id)
            raise


class BackingOffProcessor(BatchProcessor):
    """Reports every failure, even a whole batch's (the answer's shape never changes), and backs it off."""

    def __init__(self) -> None:
        super().__init__(EventType.SQS, raise_on_entire_batch_failure=False)

    def failure_handler(self, record: SQSRecord | None, exception: Any) -> Any:
        if record is not None:
            back_off(record.raw_event)
        return super().failure_handler(record, exception)


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
        powertools.logger().warning("could not delay message %s", raw.get("messageId"))
        return None
    return delay
