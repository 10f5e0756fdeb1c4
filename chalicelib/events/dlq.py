"""Dead-letter queues: see what failed for good, and send it back once the cause is fixed."""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chalicelib import settings
from chalicelib.events import aws


@dataclass(frozen=True)
class DeadLetter:
    message_id: str
    receives: int
    event_type: str
    complaint_number: str
    body: str


def _describe(message: dict[str, Any]) -> DeadLetter:
    try:
        event = json.loads(message["Body"])
        kind, number = event.get("type", "?"), event.get("complaint_number", "?")
    except (ValueError, AttributeError):
        kind, number = "unreadable", "?"
    return DeadLetter(message["MessageId"], int(message.get("Attributes", {}).get("ApproximateReceiveCount", 0)),
                      kind, number, message["Body"])


def peek(kind: str, limit: int = 100) -> list[DeadLetter]:
    """Read without removing: each message is visible again at once, for a redrive that follows."""
    url = aws.queue_url(settings.dlq_name(kind))
    seen: dict[str, DeadLetter] = {}
    while len(seen) < limit:
        batch = aws.sqs().receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0,
                                          AttributeNames=["ApproximateReceiveCount"]).get("Messages", [])
        fresh = [m for m in batch if m["MessageId"] not in seen]
        if not fresh:
            break
        seen.update((m["MessageId"], _describe(m)) for m in fresh)
    return list(seen.values())


def redrive(kind: str, progress: Callable[[int, int], None] = lambda *_: None) -> int:
    """Move every message from the DLQ back to its queue; returns how many moved."""
    dlq, queue = aws.queue_url(settings.dlq_name(kind)), aws.queue_url(settings.queue_name(kind))
    total = int(aws.sqs().get_queue_attributes(QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"])
                ["Attributes"]["ApproximateNumberOfMessages"])
    moved = 0
    while True:
        batch = aws.sqs().receive_message(QueueUrl=dlq, MaxNumberOfMessages=10, VisibilityTimeout=60,
                                          MessageAttributeNames=["All"]).get("Messages", [])
        if not batch:
            return moved
        for message in batch:
            aws.sqs().send_message(QueueUrl=queue, MessageBody=message["Body"],
                                   MessageAttributes=message.get("MessageAttributes") or {})
            aws.sqs().delete_message(QueueUrl=dlq, ReceiptHandle=message["ReceiptHandle"])
            moved += 1
            progress(moved, max(total, moved))
