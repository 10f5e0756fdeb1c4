"""Plays Lambda's event-source mappings locally: SQS queues to on_sqs_message handlers (delete on
success, leave reported failures for redelivery and, after maxReceiveCount, the DLQ) and schedules."""
from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from chalice.app import ScheduledEventConfig, SQSEventConfig

from chalicelib.local.lambda_events import LambdaContext, scheduled_event, sqs_event

log = logging.getLogger(__name__)


def _rate_seconds(expression: Any) -> float:
    text = expression if isinstance(expression, str) else expression.to_string()
    match = re.match(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)", text)
    if not match:
        return 60.0
    unit = {"minute": 60, "hour": 3600, "day": 86400}[match.group(2).rstrip("s")]
    return float(match.group(1)) * unit


class QueuePump:
    def __init__(self, app_module: Any, sqs: Any, region: str, schedule_seconds: float | None = None) -> None:
        self._sqs = sqs
        self._region = region
        self._stop = threading.Event()
        self.consumers: list[tuple[str, str, Callable]] = []
        self.schedules: list[tuple[str, float, Callable]] = []
        for source in app_module.app.event_sources:
            handler = getattr(app_module, source.handler_string.split(".")[-1])
            if isinstance(source, SQSEventConfig):
                url = sqs.get_queue_url(QueueName=source.queue)["QueueUrl"]
                arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
                self.consumers.append((url, arn, handler))
            elif isinstance(source, ScheduledEventConfig):
                every = schedule_seconds or _rate_seconds(source.schedule_expression)
                self.schedules.append((source.name, every, handler))

    def drain_once(self, wait_seconds: int = 0) -> int:
        """Deliver what is visible on every queue once; return how many messages were delivered."""
        delivered = 0
        for url, arn, handler in self.consumers:
            messages = self._sqs.receive_message(
                QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=wait_seconds,
                AttributeNames=["All"], MessageAttributeNames=["All"]).get("Messages", [])
            if not messages:
                continue
            delivered += len(messages)
            try:
                result = handler(sqs_event(messages, arn, self._region), LambdaContext(arn.split(":")[-1])) or {}
                failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
            except Exception:
                log.exception("consumer for %s raised: the whole batch returns to the queue", arn)
                failed = {m["MessageId"] for m in messages}
            done = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                    for i, m in enumerate(messages) if m["MessageId"] not in failed]
            if done:
                self._sqs.delete_message_batch(QueueUrl=url, Entries=done)
        return delivered

    def fire_schedules(self) -> None:
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        for name, _every, handler in self.schedules:
            handler(scheduled_event(name, self._region, now), LambdaContext(name))

    def run_forever(self) -> None:
        next_due = {name: time.monotonic() + every for name, every, _ in self.schedules}
        while not self._stop.is_set():
            try:
                self.drain_once(wait_seconds=1)
                for name, every, handler in self.schedules:
                    if time.monotonic() >= next_due[name]:
                        next_due[name] = time.monotonic() + every
                        handler(scheduled_event(name, self._region, datetime.now(UTC).isoformat()),
                                LambdaContext(name))
            except Exception:
                log.exception("pump cycle failed; retrying")
                time.sleep(1)

    def stop(self) -> None:
        self._stop.set()
