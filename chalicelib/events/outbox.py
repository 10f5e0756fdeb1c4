"""Outbox: events are written with their transition and sent to both queues afterwards.

An event leaves the outbox only when both queues have it; whatever is left (a failed send, a
Lambda that died between commit and send) is re-sent by the scheduled sweep. Consumers are
idempotent by event id, so a re-send after a half-finished send is harmless.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from pynamodb.expressions.operand import Path

from chalicelib import settings
from chalicelib.domain.clock import iso
from chalicelib.domain.events import DomainEvent
from chalicelib.events import aws
from chalicelib.store.models import OutboxModel

log = logging.getLogger(__name__)

# Fan-out: every event goes to every consumer queue; each consumer ignores what is not its business.
FAN_OUT = ("notify", "followup")


class OutboxDispatcher:
    def dispatch(self, event: DomainEvent) -> None:
        self.send(event.id, event.to_json())

    def send(self, event_id: str, body: str) -> None:
        for kind in FAN_OUT:
            aws.sqs().send_message(QueueUrl=aws.queue_url(settings.queue_name(kind)), MessageBody=body,
                               MessageAttributes={"event_id": {"DataType": "String", "StringValue": event_id}})
        OutboxModel(event_id).delete()


@dataclass(frozen=True)
class SweepReport:
    resent: int
    failed: int


def sweep_outbox(now: datetime, older_than: timedelta = timedelta(minutes=1), limit: int = 200) -> SweepReport:
    """Re-send events that stayed in the outbox past `older_than` (their first send failed)."""
    dispatcher = OutboxDispatcher()
    resent = failed = 0
    for item in OutboxModel.by_pending.query("1", OutboxModel.created_at < iso(now - older_than), limit=limit):
        try:
            dispatcher.send(item.event_id, item.body)
            resent += 1
        except Exception:
            failed += 1
            log.exception("outbox event %s: re-send failed, next sweep tries again", item.event_id)
            try:
                OutboxModel(item.event_id).update(actions=[Path("attempts").add(1)],
                                                  condition=OutboxModel.event_id.exists())
            except Exception:
                log.warning("outbox event %s: could not count the attempt", item.event_id)
    return SweepReport(resent=resent, failed=failed)
