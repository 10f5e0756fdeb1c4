"""Plays Lambda's event-source mappings locally: SQS queues to on_sqs_message handlers (delete on
success, leave reported failures for redelivery and, after maxReceiveCount, the DLQ) and schedules.

The transcribe queue has a thread of its own, as its own function would. As on Lambda, a schedule runs apart
from the queues: each on its own thread, one run at a time (a firing
that comes while the last run is still going is skipped), so a long reconcile never holds up a citizen's
SMS. Stopping ends it all within a couple of seconds: a schedule's context has no time left once the pump
is stopping, and the reconciler asks it before each page and each ticket.
"""
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

# Chalice's default Lambda timeout, which the reconciler and the sweeper keep.
FUNCTION_TIMEOUT_SECONDS = 60
# How long stop() waits for each thread: a schedule finishes the request it is in (the sandbox client's
# timeout is 5 s), a receive its long poll (1 s).
STOP_WAIT_SECONDS = 6


def _rate_seconds(expression: Any) -> float:
    text = expression if isinstance(expression, str) else expression.to_string()
    match = re.match(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)", text)
    if not match:
        return 60.0
    unit = {"minute": 60, "hour": 3600, "day": 86400}[match.group(2).rstrip("s")]
    return float(match.group(1)) * unit


# Queues delivered on their own thread by start(), by the end of their name.
APART = ("-transcribe",)


def _apart(arn: str) -> bool:
    return arn.endswith(APART)


def _not_apart(arn: str) -> bool:
    return not _apart(arn)


class ScheduleContext(LambdaContext):
    """Lambda's context for one run: its time runs down from the function's timeout, and runs out at once
    when the pump is stopping."""

    def __init__(self, function_name: str, stopping: threading.Event,
                 timeout_seconds: float = FUNCTION_TIMEOUT_SECONDS) -> None:
        super().__init__(function_name)
        self._stopping = stopping
        self._ends = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        if self._stopping.is_set():
            return 0
        return max(0, int((self._ends - time.monotonic()) * 1000))


class QueuePump:
    def __init__(self, app_module: Any, sqs: Any, region: str, schedule_seconds: float | None = None) -> None:
        self._sqs = sqs
        self._region = region
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._running: dict[str, threading.Lock] = {}  # schedule name -> held while it runs
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

    def drain_once(self, wait_seconds: int = 0, queues: Callable[[str], bool] | None = None) -> int:
        """Deliver what is visible on every queue (or those `queues` picks by ARN) once; return how many messages
        were delivered. A message sent with DelaySeconds is not visible before its delay is over, on moto as on
        SQS, so a transcription's checks come when they would deployed."""
        delivered = 0
        for url, arn, handler in self.consumers:
            if queues is not None and not queues(arn):
                continue
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

    def _run(self, name: str, handler: Callable, wait: bool) -> bool:
        """One run of a schedule unless one is going on (wait: until it ends); False when none was run."""
        running = self._running.setdefault(name, threading.Lock())
        if not running.acquire(blocking=wait):
            log.info("schedule %s: the last run is still going; this firing is skipped", name)
            return False
        try:
            if self._stop.is_set():
                return False
            now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            handler(scheduled_event(name, self._region, now), ScheduleContext(name, self._stop))
            return True
        finally:
            running.release()

    def fire_schedules(self) -> None:
        """Run every schedule now, one after the other (`manage.py advance`), each after its run going on."""
        for name, _every, handler in self.schedules:
            self._run(name, handler, wait=True)

    def _fire_every(self, name: str, every: float, handler: Callable) -> None:
        due = time.monotonic() + every
        while not self._stop.wait(max(0.0, due - time.monotonic())):
            due = max(due + every, time.monotonic())  # a run longer than the rate skips the missed firings
            try:
                self._run(name, handler, wait=False)
            except Exception:
                log.exception("schedule %s raised; it fires again at its next time", name)

    def _deliver_until_stopped(self, queues: Callable[[str], bool] | None = None) -> None:
        while not self._stop.is_set():
            try:
                self.drain_once(wait_seconds=1, queues=queues)
            except Exception:
                log.exception("pump cycle failed; retrying")
                self._stop.wait(1)

    def start(self) -> QueuePump:
        """The queues on one thread (the transcribe queue on another: a transcription's audio fetch and upload
        never hold up a citizen's SMS, as its own Lambda function would not), each schedule on its own."""
        self._stop.clear()
        self._threads = [threading.Thread(target=self._deliver_until_stopped, args=(picks,), name=name, daemon=True)
                         for picks, name in ((_not_apart, "queue-pump"), (_apart, "queue-pump-transcribe"))
                         if any(picks(arn) for _url, arn, _handler in self.consumers)]  # none: no busy loop
        self._threads += [threading.Thread(target=self._fire_every, args=schedule, name=f"schedule-{schedule[0]}",
                                           daemon=True) for schedule in self.schedules]
        for thread in self._threads:
            thread.start()
        return self

    def run_forever(self) -> None:
        """start(), then wait here until stop()."""
        self.start()
        self._stop.wait()
        self._join()

    def stop(self) -> None:
        """Stop receiving and firing; a schedule's run going on sees its time run out and ends."""
        self._stop.set()
        self._join()

    def _join(self) -> None:
        current = threading.current_thread()
        for thread in self._threads:
            if thread is not current:
                thread.join(STOP_WAIT_SECONDS)
        still = [thread.name for thread in self._threads if thread.is_alive() and thread is not current]
        if still:
            log.warning("still running after the pump stopped: %s", ", ".join(still))
