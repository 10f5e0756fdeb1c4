"""What one complaint uses, request by request, for the cost estimate (infra/cost.py, `make cost`).

A whole ticket's life through moto and the recording Twilio client, as in `make bench`'s lifecycle: the call,
the SMS to the citizen and the forward to the officer, every message's status callbacks as Twilio would post
them, the officer's DONE, the feedback call and its answer, the close — then a reconciler run that finds the
call's recording (it already has a ticket). Recorded:

- every AWS request, by service, operation and table (transactions item by item, batches key by key), each
  write with its item's key, and the items each Query read; the size of each table's items at the end (write
  and read units depend on it);
- every Lambda invocation, by function, with the SQS messages each consumer got;
- what Twilio was asked for: SMS (with their segments), WhatsApp messages, calls;
- the bytes of JSON log lines the functions wrote;
- and, apart, one idle run of the sweeper and one of the reconciler (they run on a schedule, calls or not).

Counts only: prices and what cannot be measured here (durations, minutes) are in infra/prices.json.
"""
from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import botocore.handlers

from infra.cost import RESOURCES, table_keys

KEYS = table_keys(json.loads(RESOURCES.read_text()))  # a written item's key: what storage keeps is per key
OPERATIONS: list[dict[str, Any]] = []
_recording = [False]
_function = ["outside"]  # who makes the next AWS request: a function, or "outside" (the SQS poller, the harness)


def _table(name: str) -> str:
    """samvad-<stage>-tickets → tickets (prices are per table of infra/resources.json, whatever the stage)."""
    return re.sub(r"^samvad-[a-z0-9]+-", "", name)


def _key(table: str, body: dict[str, Any]) -> str | None:
    """The written item's key (a put's Item, or Key) as text; None for a table infra/resources.json lacks."""
    attributes = body.get("Item") or body.get("Key") or {}
    names = KEYS.get(table)
    return json.dumps([attributes.get(name) for name in names], sort_keys=True) if names else None


def _summarise(service: str, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {"service": service, "operation": operation, "function": _function[0]}
    if service == "dynamodb":
        if "TableName" in params:
            entry["table"] = _table(params["TableName"])
            entry["index"] = params.get("IndexName")
            entry["consistent"] = bool(params.get("ConsistentRead"))
            if operation in ("PutItem", "UpdateItem", "DeleteItem"):
                entry["key"] = _key(entry["table"], params)
        if operation == "TransactWriteItems":
            entry["items"] = [{"kind": kind, "table": _table(body["TableName"]),
                               "key": _key(_table(body["TableName"]), body)}
                              for item in params.get("TransactItems", []) for kind, body in item.items()]
        elif operation == "BatchWriteItem":
            entry["items"] = [{"kind": kind, "table": _table(table), "key": _key(_table(table), body)}
                              for table, requests in params.get("RequestItems", {}).items()
                              for request in requests for kind, body in request.items()]
        elif operation == "BatchGetItem":
            entry["items"] = [{"kind": "Get", "table": _table(table), "consistent": bool(spec.get("ConsistentRead"))}
                              for table, spec in params.get("RequestItems", {}).items() for _key in spec["Keys"]]
        elif operation == "TransactGetItems":
            entry["items"] = [{"kind": "Get", "table": _table(item["Get"]["TableName"])}
                              for item in params.get("TransactItems", [])]
    elif service == "sqs":
        entry["queue"] = str(params.get("QueueUrl", params.get("QueueName", ""))).rsplit("/", 1)[-1]
        if operation == "SendMessageBatch":
            entry["messages"] = len(params.get("Entries", []))
    return entry


def _record(model, params, **_kwargs) -> None:
    if _recording[0]:
        OPERATIONS.append(_summarise(model.service_model.service_name, model.name, params))


def _query_items(http_response, parsed, model, **_kwargs) -> None:
    if _recording[0] and model.name == "Query":
        OPERATIONS[-1]["items_read"] = parsed.get("ScannedCount", parsed.get("Count", 0))


# API-level parameters (pynamodb's requests too); registered before any botocore session exists.
botocore.handlers.BUILTIN_HANDLERS.append(("before-parameter-build.*.*", _record))
botocore.handlers.BUILTIN_HANDLERS.append(("after-call.dynamodb.Query", _query_items))


@contextmanager
def acting(function: str) -> Iterator[None]:
    previous, _function[0] = _function[0], function
    try:
        yield
    finally:
        _function[0] = previous


class _LogBytes(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        from chalicelib.logs import JsonFormatter, MaskPhones

        self.setFormatter(JsonFormatter())
        self.addFilter(MaskPhones())
        self.bytes = 0
        self.lines = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.bytes += len(self.format(record).encode()) + 1
        self.lines += 1


class Usage:
    """Everything recorded between start() and stop()."""

    def __init__(self) -> None:
        self.invocations: Counter[str] = Counter()
        self.sqs_messages: Counter[str] = Counter()
        self.log = _LogBytes()

    def start(self, app_module: Any) -> None:
        OPERATIONS.clear()
        self.invocations.clear()
        self.sqs_messages.clear()
        logging.getLogger().addHandler(self.log)
        app_module.app.log.addHandler(self.log)
        _recording[0] = True

    def stop(self, app_module: Any) -> dict[str, Any]:
        _recording[0] = False
        logging.getLogger().removeHandler(self.log)
        app_module.app.log.removeHandler(self.log)
        return {"invocations": dict(self.invocations), "sqs_messages": dict(self.sqs_messages),
                "operations": list(OPERATIONS), "log": {"bytes": self.log.bytes, "lines": self.log.lines}}


def _count_api(usage: Usage):
    """Every request through API Gateway is one invocation of the API function."""
    from chalice.app import Chalice

    original = Chalice.__call__

    def counted(self, event, context):
        usage.invocations["api_handler"] += 1
        with acting("api_handler"):
            return original(self, event, context)

    return original, counted


def _count_consumers(pump, app_module, usage: Usage) -> None:
    from chalice.app import SQSEventConfig

    by_queue = {source.queue: source.name for source in app_module.app.event_sources
                if isinstance(source, SQSEventConfig)}

    def counted(name, handler):
        def run(event, context):
            usage.invocations[name] += 1
            usage.sqs_messages[name] += len(event["Records"])
            with acting(name):
                return handler(event, context)
        return run

    pump.consumers = [(url, arn, counted(by_queue[url.rsplit("/", 1)[-1]], handler))
                      for url, arn, handler in pump.consumers]


def _messages(requests: list, replies: list[str]) -> dict[str, Any]:
    """What Twilio was asked to send; `replies` are SMS answered in a webhook's TwiML (<Message>), billed alike."""
    from chalicelib.domain.sms_segments import segments

    sms, whatsapp, calls, callbacks = [segments(text) for text in replies], 0, 0, []
    for request in requests:
        if request.method != "POST":
            continue
        if request.url.endswith("/Messages.json"):
            if str(request.data.get("To", "")).startswith("whatsapp:"):
                whatsapp += 1
            else:
                sms.append(segments(request.data.get("Body", "")))
            if request.data.get("StatusCallback"):
                callbacks.append(request)
        elif request.url.endswith("/Calls.json"):
            calls += 1
    return {"sms_segments": sms, "whatsapp": whatsapp, "calls": calls, "with_status_callback": callbacks}


def _post_status_callbacks(client, requests: list, statuses: tuple[str, ...]) -> None:
    """What Twilio posts back for each message that asked for it: one request per status reached."""
    from chalicelib import settings
    from tests.support.fixtures import signed_post

    base = settings.public_base_url()
    for n, request in enumerate(requests):
        path = request.data["StatusCallback"].removeprefix(base)
        for status in statuses:
            form = {"MessageSid": f"SM{n:032d}", "MessageStatus": status, "To": request.data["To"],
                    "From": request.data.get("From", ""), "AccountSid": "AC" + "2" * 32}
            response = signed_post(client, path, form)
            assert response.status_code == 200, response.body


def table_item_bytes() -> dict[str, int]:
    """The largest item of each table at the end (DynamoDB's sizing: names plus values); the bench's own Scan."""
    import boto3

    client = boto3.client("dynamodb")
    sizes = {}
    for name in client.list_tables()["TableNames"]:
        items = client.scan(TableName=name)["Items"]
        sizes[_table(name)] = max((_item_bytes(item) for item in items), default=0)
    return sizes


def _item_bytes(item: dict[str, Any]) -> int:
    return sum(len(name.encode()) + _value_bytes(value) for name, value in item.items())


def _value_bytes(value: dict[str, Any]) -> int:
    (kind, inner), = value.items()
    if kind in ("S", "B"):
        return len(inner.encode()) if isinstance(inner, str) else len(inner)
    if kind == "N":
        return len(inner.lstrip("-").replace(".", "")) // 2 + 1
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(len(k.encode()) + 1 + _value_bytes(v) for k, v in inner.items())
    if kind == "L":
        return 3 + sum(1 + _value_bytes(v) for v in inner)
    return sum(len(str(v).encode()) for v in inner) + 3  # SS, NS, BS


def measure(demo_district: Callable[[], Any], answerer: type,
            message_statuses: tuple[str, ...] = ("sent", "delivered")) -> dict[str, Any]:
    """One complaint's whole life, and one idle run of each scheduled function; see the module's docstring.
    `demo_district` and `answerer` (ScriptedAnswer) are make bench's (tests/bench/run.py, which runs as __main__)."""
    import boto3
    from chalice.app import Chalice
    from chalice.test import Client

    from chalicelib import settings, wiring
    from chalicelib.domain.clock import OffsetClock
    from chalicelib.local.caller import CallEmulator
    from chalicelib.local.lambda_events import LambdaContext, scheduled_event
    from chalicelib.local.pump import QueuePump
    from chalicelib.local.sandbox import SandboxState
    from chalicelib.telephony import rest
    from tests.support.fixtures import ChaliceTransport, Hotline
    from tests.support.twilio_recorder import RecordingTwilioHttp

    with demo_district():
        clock = OffsetClock()
        wiring.use_clock(clock)
        import app

        sandbox = SandboxState(settings.twilio_account_sid(), settings.twilio_auth_token())
        recorder = RecordingTwilioHttp(sandbox)
        rest.use_http_client(recorder)
        pump = QueuePump(app, boto3.client("sqs"), settings.region())
        usage = Usage()
        _count_consumers(pump, app, usage)
        original, counted = _count_api(usage)
        Chalice.__call__ = counted
        try:
            with Client(app.app, stage_name="bench") as client:
                emulator = CallEmulator(ChaliceTransport(client), settings.public_base_url(),
                                        settings.twilio_auth_token(), settings.twilio_account_sid(), sandbox,
                                        out=lambda _: None)
                hotline = Hotline(client, recorder, lambda script, caller="+919812345678", line="+919977222564":
                                  emulator.call(caller, line, answerer(script.split("|"))), pump, app, clock,
                                  sandbox)

                def sweep() -> None:
                    usage.invocations["sweeper"] += 1
                    with acting("sweeper"):
                        app.sweeper(scheduled_event("sweeper", settings.region(), "2026-01-01T00:00:00Z"),
                                    LambdaContext("sweeper"))

                def reconcile() -> dict:
                    usage.invocations["reconciler"] += 1
                    with acting("reconciler"):
                        return app.reconciler(scheduled_event("reconciler", settings.region(),
                                                              "2026-01-01T00:00:00Z"), LambdaContext("reconciler"))

                idle = {}
                for name, run in (("sweeper", sweep), ("reconciler", reconcile)):
                    run()  # a warm container: the directory read once
                    usage.start(app)
                    run()  # nothing due, no recording
                    idle[name] = usage.stop(app)

                hotline.complaint("3")  # warm containers: directory, queue URLs and secrets cached
                hotline.deliver()
                clock.advance(timedelta(minutes=5))
                sweep()
                reconcile()  # the warm-up call's recording is older than the window's minimum age by now
                hotline.deliver()
                first_request = len(recorder.requests)

                usage.start(app)
                number = hotline.complaint("3")
                reply = hotline.text("+919000000301", f"DONE {number} pump repaired")
                clock.advance(timedelta(minutes=1))
                sweep()  # the feedback call falls due
                hotline.deliver()
                hotline.answer_feedback_call("1")
                clock.advance(timedelta(minutes=5))
                # Sees this call's recording and the warm-up's, both with a ticket: one run of the window's many.
                seen = reconcile()["recordings"]
                hotline.deliver()
                twilio = _messages(recorder.requests[first_request:], [reply] if reply else [])
                _post_status_callbacks(client, twilio.pop("with_status_callback"), message_statuses)
                lifecycle = usage.stop(app)
                lifecycle["twilio"] = twilio
                lifecycle["reconciler_recordings"] = seen
                lifecycle["message_statuses_posted"] = list(message_statuses)

                sizes = table_item_bytes()
        finally:
            Chalice.__call__ = original
            rest.use_http_client(None)
            wiring.use_clock(None)
    from chalicelib.settings import reconcile_hours as window_hours

    return {"lifecycle": lifecycle, "idle_runs": idle, "item_bytes": sizes,
            "reconciler": {"window_hours": window_hours(), "every_minutes": every_minutes(app, "reconciler")},
            "sweeper": {"every_minutes": every_minutes(app, "sweeper")}}


def every_minutes(app_module: Any, name: str) -> float:
    """How often app.py schedules the function `name` (its @app.schedule Rate), in minutes."""
    from chalice.app import Rate, ScheduledEventConfig

    minutes = {Rate.MINUTES: 1, Rate.HOURS: 60, Rate.DAYS: 24 * 60}
    (rate,) = [source.schedule_expression for source in app_module.app.event_sources
               if isinstance(source, ScheduledEventConfig) and source.name == name]
    return rate.value * minutes[rate.unit]


def summary(figures: dict[str, Any]) -> list[str]:
    """A few lines for `make bench`'s output."""
    life = figures["lifecycle"]
    ops = Counter(f"{o['service']}:{o['operation']}" for o in life["operations"])
    lines = ["\nUsage of one complaint's whole life, for `make cost` (warm containers)",
             f"  Lambda invocations: {dict(sorted(life['invocations'].items()))}",
             f"  SMS segments: {life['twilio']['sms_segments']}, WhatsApp messages: {life['twilio']['whatsapp']}, "
             f"calls placed: {life['twilio']['calls']}",
             f"  log lines {life['log']['lines']}, {life['log']['bytes']} bytes of JSON"]
    lines += [f"  {name:<40} {count:>4}" for name, count in sorted(ops.items())]
    for name, run in figures["idle_runs"].items():
        lines.append(f"  idle {name} run: {len(run['operations'])} AWS requests")
    return lines
