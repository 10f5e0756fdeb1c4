"""What one complaint uses on each channel plan, request by request, for the cost estimate (infra/cost.py,
`make cost`; `make bench` runs it too).

Each plan is a file in tests/bench/plans/: a district file (examples/raipur.yaml) and what the plan changes in
it (the India plan: none; the Twilio-only plan: every line and the SMS on Twilio, no channel plan). On each, a
whole ticket's life through moto and the recording carrier clients (Twilio's and Plivo's): the call, every
message the code sends (on the channels its channel plan picks), every message's status callbacks as the
carrier posts them, the officer's DONE, the feedback call and its answer, the close — then a reconciler run
that finds the call's recording (it already has a ticket). Twice per plan: once with the citizen saying yes to
WhatsApp and every officer on WhatsApp ("reachable"), once with neither ("unreachable"); how many people are
which is an assumption of infra/prices.json, not something a bench can count. Recorded per run:

- every AWS request, by service, operation and table (transactions item by item, batches key by key), each
  write with its item's key, and the items each Query read; the size of each table's items at the end (write
  and read units depend on it);
- every Lambda invocation, by function, with the SQS messages each consumer got;
- what each carrier was asked for: every message (carrier, channel — whatsapp, sms, international_sms —, to
  the citizen or an officer, SMS segments, WhatsApp template or not), every call placed, the citizen's call in;
- the bytes of JSON log lines the functions wrote;
- and, apart, one idle run of the sweeper and one of the reconciler (they run on a schedule, calls or not).

Counts only, measured from whatever the code sends: prices and what cannot be measured here (minutes,
durations, shares of people) are in infra/prices.json.
"""
from __future__ import annotations

import copy
import json
import logging
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import botocore.handlers

from infra.cost import RESOURCES, ROOT, numbers_rented, table_keys

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


def every_minutes(app_module: Any, name: str) -> float:
    """How often app.py schedules the function `name` (its @app.schedule Rate), in minutes."""
    from chalice.app import Rate, ScheduledEventConfig

    minutes = {Rate.MINUTES: 1, Rate.HOURS: 60, Rate.DAYS: 24 * 60}
    (rate,) = [source.schedule_expression for source in app_module.app.event_sources
               if isinstance(source, ScheduledEventConfig) and source.name == name]
    return rate.value * minutes[rate.unit]


# -- the plans -------------------------------------------------------------------------------------------

PLANS = ROOT / "tests" / "bench" / "plans"
# The two runs of each plan. Reachable: the citizen says yes to WhatsApp and every officer has a WhatsApp
# number; unreachable: neither. How many citizens and officers are which is an assumption (infra/prices.json),
# not a count: infra/cost.py weighs the two runs with it.
VARIANTS = ("reachable", "unreachable")
CONSENT_KEY = {"reachable": "1", "unreachable": "2"}  # the IVR's "press 1" (domain/consent.py); any other is no
PLAN_ORDER = ("india", "twilio-only")  # the India plan first: the figure the goal is about


@dataclass(frozen=True)
class Plan:
    """A bench plan (tests/bench/plans/<id>.yaml): a district file and what the plan changes in it."""

    id: str
    name: str
    district_file: str
    data: dict[str, Any]  # the district file's content with the plan's changes
    every_hotline_carrier: str | None = None  # the carrier the plan puts every line on, if it does

    def numbers(self) -> dict[str, int]:
        """The numbers the plan's district rents, by carrier (infra/cost.py prices their rent)."""
        from chalicelib.domain.district import parse_district
        from chalicelib.i18n import available_languages

        return numbers_rented(parse_district(copy.deepcopy(self.data), available_languages()))

    def line_carrier(self, line: str) -> str:
        for hotline in self.data.get("hotlines", []):
            if line in hotline.get("lines", []):
                return str(hotline.get("carrier", "twilio"))
        raise LookupError(f"plan {self.id}: no hotline has the line {line}")

    def officer_phone(self, category_key: str) -> str:
        """The L1 officer of the category the caller picks with this key (the menu follows the file's order)."""
        category = self.data["categories"][int(category_key) - 1]
        department = next(d for d in self.data["departments"] if d["id"] == category["department"])
        return str(department["officers"]["L1"]["phone"])

    def officer_user(self, category_key: str) -> str:
        """The console's user name of that officer (examples/users/demo.yaml: the district, department, L1)."""
        from chalicelib.local.auth import load_users

        department = self.data["categories"][int(category_key) - 1]["department"]
        return next(name for name, user in load_users().items()
                    if user.get("role") == "officer" and user.get("district") == self.data["code"]
                    and user.get("department") == department and user.get("level") == "L1")

    def for_variant(self, variant: str) -> dict[str, Any]:
        """The district's data with every officer on WhatsApp (reachable) or none (unreachable)."""
        data = copy.deepcopy(self.data)
        for department in data.get("departments", []):
            for officer in department.get("officers", {}).values():
                if variant == "reachable":
                    officer["whatsapp"] = officer.get("whatsapp") or True  # a number of its own is kept
                else:
                    officer.pop("whatsapp", None)
        return data


def load_plan(path: Path) -> Plan:
    """The plan file read: `district` (a path from the repository's root), `every_hotline` (keys set on each
    hotline) and `replace` (top-level keys replaced; null removes the key)."""
    from chalicelib.district_file import read_yaml

    spec = read_yaml(path)
    data = read_yaml(ROOT / spec["district"])
    for hotline in data.get("hotlines", []):
        hotline.update(spec.get("every_hotline") or {})
    for key, value in (spec.get("replace") or {}).items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return Plan(path.stem, str(spec.get("name", path.stem)), str(spec["district"]), data,
                (spec.get("every_hotline") or {}).get("carrier"))


def plans(directory: Path = PLANS) -> list[Plan]:
    found = {path.stem: load_plan(path) for path in sorted(directory.glob("*.yaml"))}
    return [found[name] for name in PLAN_ORDER if name in found] + \
        [plan for name, plan in found.items() if name not in PLAN_ORDER]


@contextmanager
def district_of(data: dict[str, Any]) -> Iterator[Any]:
    """moto with the tables and queues of infra/resources.json, and this district loaded (as `make bench`'s
    demo district, from the plan's data)."""
    import boto3
    from moto import mock_aws

    from chalicelib import settings, wiring
    from chalicelib.domain.district import parse_district
    from chalicelib.i18n import available_languages
    from chalicelib.local.provision import provision
    from chalicelib.store.district_loader import load_district

    with mock_aws():
        provision(boto3.client("dynamodb"), boto3.client("sqs"), settings.stage())
        district = parse_district(data, available_languages())
        load_district(district)
        wiring.reset()
        yield district
        wiring.reset()


# -- what the carriers were asked for ----------------------------------------------------------------------

class _Parties:
    """Who a number is: the citizen (the caller), or else an officer (the Collector counts as one)."""

    def __init__(self, caller: str) -> None:
        self.caller = caller

    def of(self, number: str) -> str:
        digits = number.removeprefix("whatsapp:").lstrip("+")
        return "citizen" if digits == self.caller.lstrip("+") else "officer"


def _twilio_channel(data: dict[str, str], international_sender: str | None) -> str:
    if str(data.get("To", "")).startswith("whatsapp:"):
        return "whatsapp"
    sender = data.get("MessagingServiceSid") or data.get("From")
    return "international_sms" if international_sender and sender == international_sender else "sms"


def carrier_messages(twilio_requests: list, plivo_requests: list, parties: _Parties,
                     international_sender: str | None) -> list[dict[str, Any]]:
    """Each message a carrier took: carrier, channel (whatsapp | sms | international_sms), to whom (citizen |
    officer), SMS segments (0 for WhatsApp), and whether it was a WhatsApp template (a Content SID)."""
    from chalicelib.domain.sms_segments import segments

    sent = []
    for request in twilio_requests:
        if request.method != "POST" or not request.url.endswith("/Messages.json"):
            continue
        channel = _twilio_channel(request.data, international_sender)
        sent.append({"carrier": "twilio", "channel": channel, "to": parties.of(str(request.data.get("To", ""))),
                     "segments": 0 if channel == "whatsapp" else segments(request.data.get("Body", "")),
                     "template": bool(request.data.get("ContentSid"))})
    for request in plivo_requests:
        if request.method == "POST" and request.path.endswith("/Message/"):
            whatsapp = str(request.body.get("type", "sms")) == "whatsapp"
            sent.append({"carrier": "plivo", "channel": "whatsapp" if whatsapp else "sms",
                         "to": parties.of(str(request.body.get("dst", ""))),
                         "segments": 0 if whatsapp else segments(str(request.body.get("text", ""))),
                         "template": whatsapp and bool(request.body.get("template"))})
    return sent


def carrier_calls(twilio_requests: list, plivo_requests: list, parties: _Parties) -> list[dict[str, str]]:
    """Each call the app placed: carrier, to whom."""
    placed = [{"carrier": "twilio", "to": parties.of(str(r.data.get("To", "")))} for r in twilio_requests
              if r.method == "POST" and r.url.endswith("/Calls.json")]
    return placed + [{"carrier": "plivo", "to": parties.of(str(r.body.get("to", "")))} for r in plivo_requests
                     if r.method == "POST" and r.path.endswith("/Call/")]


def _accepted(recorder: Any, since: int) -> list:
    """The requests the recorder took from the `since`-th on (a refused one is not a message nor a call)."""
    return [r for r, ok in zip(recorder.requests[since:], recorder.accepted[since:], strict=True) if ok]


def _post_status_callbacks(client: Any, twilio_requests: list, plivo_requests: list,
                           statuses: tuple[str, ...]) -> int:
    """What each carrier posts back for each message that asked for it: one request per status reached."""
    from chalicelib import settings
    from tests.support.carrier_webhooks import CarrierWebhooks
    from tests.support.fixtures import signed_post

    base, posted = settings.public_base_url(), 0
    for n, request in enumerate(r for r in twilio_requests if r.method == "POST" and r.data.get("StatusCallback")):
        for status in statuses:
            form = {"MessageSid": f"SM{n:032d}", "MessageStatus": status, "To": request.data["To"],
                    "From": request.data.get("From", ""), "AccountSid": settings.twilio_account_sid()}
            response = signed_post(client, request.data["StatusCallback"].removeprefix(base), form)
            assert response.status_code == 200, response.body
            posted += 1
    plivo = CarrierWebhooks(client, "plivo")
    for n, request in enumerate(r for r in plivo_requests
                                if r.method == "POST" and r.path.endswith("/Message/") and r.body.get("url")):
        for status in statuses:
            neutral = {"MessageSid": f"{n:08d}-0000-4000-8000-000000000000", "MessageStatus": status,
                       "To": str(request.body.get("dst", "")), "From": str(request.body.get("src", ""))}
            response = plivo.post(str(request.body["url"]).removeprefix(base).removeprefix("/plivo"), neutral)
            assert response.status_code == 200, response.body
            posted += 1
    return posted


# -- one run ---------------------------------------------------------------------------------------------

def _complaint(hotline: Any, caller: str, line: str, category_key: str, consent_key: str) -> str:
    """The citizen's call: Hindi, a new complaint, the category, the spoken complaint, then the answer to
    "updates on WhatsApp? press 1" (asked after the recording where the district asks; unused where not)."""
    again = "2|" if hotline.has_recent_open(caller) else ""
    log = hotline.phone(f"1|1|{again}{category_key}|say:पानी की समस्या, वार्ड सात|{consent_key}", caller, line)
    spoken = [m for said in log.said for m in re.finditer(r"R P R, ([\d ]+), ([\d ]+)\.", said)]
    if not spoken:
        raise RuntimeError(f"the call on {line} registered no complaint: {log.said}")
    hotline.deliver()
    return "RPR" + (spoken[-1].group(1) + spoken[-1].group(2)).replace(" ", "")


def measure_run(plan: Plan, variant: str, message_statuses: tuple[str, ...] = ("sent", "delivered"),
                caller: str = "+919812345678", line: str = "+919977222564", category_key: str = "3"
                ) -> dict[str, Any]:
    """One complaint's whole life on this plan, and one idle run of each scheduled function; see the module's
    docstring."""
    import boto3
    from chalice.app import Chalice
    from chalice.test import Client

    from chalicelib import settings, wiring
    from chalicelib.domain.clock import OffsetClock
    from chalicelib.local.caller import CallEmulator, ScriptedAnswerer
    from chalicelib.local.lambda_events import LambdaContext, scheduled_event
    from chalicelib.local.pump import QueuePump
    from chalicelib.telephony import plivo_rest, rest
    from tests.support.carrier_recordings import CarrierRecordings
    from tests.support.carrier_webhooks import Outbound
    from tests.support.fixtures import ChaliceTransport, Hotline
    from tests.support.plivo_recorder import RecordingPlivoTransport
    from tests.support.twilio_recorder import RecordingTwilioHttp

    carrier = plan.line_carrier(line)
    officer = plan.officer_phone(category_key)
    with district_of(plan.for_variant(variant)) as district:
        clock = OffsetClock()
        wiring.use_clock(clock)
        import app

        # Its recordings at the carrier's own URLs, as a call's webhooks carry them (the app checks).
        sandbox = CarrierRecordings(settings.twilio_account_sid(), settings.twilio_auth_token(),
                                    settings.plivo_auth_id(), settings.plivo_auth_token())
        recorder, plivo = RecordingTwilioHttp(sandbox), RecordingPlivoTransport(sandbox)
        rest.use_http_client(recorder)
        plivo_rest.use_transport(plivo)
        pump = QueuePump(app, boto3.client("sqs"), settings.region())
        usage = Usage()
        _count_consumers(pump, app, usage)
        original, counted = _count_api(usage)
        Chalice.__call__ = counted
        try:
            with Client(app.app, stage_name="bench") as client:
                credentials = ((settings.twilio_auth_token(), settings.twilio_account_sid()) if carrier == "twilio"
                               else (settings.plivo_auth_token(), settings.plivo_auth_id()))
                emulator = CallEmulator(ChaliceTransport(client), settings.public_base_url(), *credentials, sandbox,
                                        out=lambda _: None, carrier=carrier)
                hotline = Hotline(client, recorder, lambda script, caller, line:
                                  emulator.call(caller, line, ScriptedAnswerer.parse(script)), pump, app, clock,
                                  sandbox)
                hotline.plivo, hotline.carrier = plivo, carrier
                hotline.outbound = Outbound(carrier, recorder, plivo)

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

                pins_given = _give_demo_pins(district)
                idle = {}
                for name, run in (("sweeper", sweep), ("reconciler", reconcile)):
                    run()  # a warm container: the directory read once
                    usage.start(app)
                    run()  # nothing due, no recording
                    idle[name] = usage.stop(app)

                # Warm containers (directory, queue URLs and secrets cached), from another caller about another
                # department: the measured caller is asked about WhatsApp as a first-time caller is, and the
                # measured complaint is its officer's only one (the officers' IVR reads them oldest first).
                _complaint(hotline, "+919812340000", line, "1" if category_key != "1" else "2", CONSENT_KEY[variant])
                clock.advance(timedelta(minutes=5))
                sweep()
                reconcile()  # the warm-up call's recording is older than the window's minimum age by now
                hotline.deliver()
                first_twilio, first_plivo = len(recorder.requests), len(plivo.requests)

                usage.start(app)
                number = _complaint(hotline, caller, line, category_key, CONSENT_KEY[variant])
                whatsapp = district.whatsapp.sender if district.whatsapp else None
                # The officer resolves it: by WhatsApp when they have it; else by SMS where the district's SMS
                # carries replies; else on the officers' IVR (a call in from their phone, their PIN, "resolved"
                # and a spoken remark), or in the console where the IVR is not there.
                done_from, reply, officer_calls = "", "", []
                if variant == "reachable" and whatsapp:
                    done_from, action = f"whatsapp:{officer}", "whatsapp"
                    reply = hotline.text(done_from, f"DONE {number} pump repaired", to=whatsapp)
                elif _sms_replies(district):
                    done_from, action = officer, "sms"
                    reply = hotline.text(done_from, f"DONE {number} pump repaired", to=line)
                elif pins_given and _resolve_by_voice(hotline, officer, line, number):
                    action = "voice"
                    officer_calls.append({"carrier": carrier, "line": line, "recorded": True})
                else:
                    action = "console"
                    _resolve_in_console(client, plan.officer_user(category_key), number)
                    hotline.deliver()
                clock.advance(timedelta(minutes=1))
                sweep()  # the feedback call falls due
                hotline.deliver()
                hotline.answer_feedback_call("1")
                clock.advance(timedelta(minutes=5))
                # Sees this call's recording and the warm-up's, both with a ticket: one run of the window's many.
                seen = reconcile()["recordings"]
                hotline.deliver()
                parties = _Parties(caller)
                twilio_sent, plivo_sent = _accepted(recorder, first_twilio), _accepted(plivo, first_plivo)
                messages = carrier_messages(twilio_sent, plivo_sent, parties,
                                            getattr(district, "international_sms_sender", None))
                if reply:  # the TwiML answer to the DONE, on the channel it came in by (a session message)
                    channel = "whatsapp" if done_from.startswith("whatsapp:") else "sms"
                    messages.append({"carrier": "twilio", "channel": channel, "to": "officer", "reply": True,
                                     "segments": 0 if channel == "whatsapp" else _segments(reply),
                                     "template": False})
                calls = carrier_calls(twilio_sent, plivo_sent, parties)
                posted = _post_status_callbacks(client, twilio_sent, plivo_sent, message_statuses)
                lifecycle = usage.stop(app)
                sizes = table_item_bytes()
                ticket = wiring.ticket_store().get(number)
        finally:
            Chalice.__call__ = original
            rest.use_http_client(None)
            plivo_rest.use_transport(None)
            wiring.use_clock(None)
    if ticket is None or ticket.is_open:
        raise RuntimeError(f"plan {plan.id} ({variant}): complaint {number} did not reach its end "
                           f"({ticket.status if ticket else 'not found'}): the counts would be a part of its life")
    lifecycle.update({
        "messages": messages, "calls": calls, "reconciler_recordings": seen, "status_callbacks_posted": posted,
        "message_statuses_posted": list(message_statuses),
        "inbound_messages": [{"carrier": "twilio", "channel": "whatsapp" if done_from.startswith("whatsapp:")
                              else "sms", "from": "officer"}] if done_from else [],
        "complaint_calls": [{"carrier": carrier, "line": line, "recorded": True}],
        "officer_calls": officer_calls, "officer_action": action,
        "ticket": {"status": ticket.status, "whatsapp_consent": bool(getattr(ticket, "whatsapp_consent", False))},
    })
    from chalicelib.settings import reconcile_hours as window_hours

    return {"lifecycle": lifecycle, "idle_runs": idle, "item_bytes": sizes,
            "reconciler": {"window_hours": window_hours(), "every_minutes": every_minutes(app, "reconciler")},
            "sweeper": {"every_minutes": every_minutes(app, "sweeper")}}


def _sms_replies(district: Any) -> bool:
    """Whether an SMS to the district's line comes back to it (District.sms_replies; older Districts: a Twilio
    sender that does not say otherwise)."""
    replies = getattr(district, "sms_replies", None)
    if replies is not None:
        return bool(replies() if callable(replies) else replies)
    return district.sms_carrier == "twilio" and not getattr(district, "accept_no_sms_replies", False)


def _give_demo_pins(district: Any) -> bool:
    """Every officer's demo PIN (tests/support/demo.py), where the officers' IVR is built; whether it is."""
    try:
        from chalicelib.store.officer_pins import DynamoOfficerPins
        from tests.support.demo import give_demo_pins
    except ImportError:
        return False
    give_demo_pins(DynamoOfficerPins(), district)
    return True


def _resolve_by_voice(hotline: Any, officer: str, line: str, number: str) -> bool:
    """The officer calls the line, presses star and their PIN, and "2" (resolved) with a spoken remark; whether
    the complaint is resolved after it (an IVR still being built may not get there: the console then)."""
    from chalicelib import wiring
    from tests.support.demo import DEMO_PIN

    hotline.phone(f"*|{DEMO_PIN}|2|say:हैंडपंप ठीक कर दिया गया", officer, line)
    hotline.deliver()
    ticket = wiring.ticket_store().get(number)
    if ticket is not None and ticket.status != "resolved":
        print(f"  … the officers' IVR left {number} {ticket.status}: resolved in the console instead",
              file=sys.stderr, flush=True)
    return ticket is not None and ticket.status == "resolved"


def _resolve_in_console(client: Any, username: str, number: str) -> None:
    """The officer's "resolved" through the console's API, signed in with a token from a local issuer (as the
    flows' Api fixture does)."""
    import os
    import tempfile

    from chalicelib.api.auth import forget_keys
    from chalicelib.local.auth import LocalIssuer

    names = ("SAMVAD_AUTH_ISSUER", "SAMVAD_AUTH_JWKS_URL", "SAMVAD_AUTH_CLIENT_ID")
    before = {name: os.environ.get(name) for name in names}
    with tempfile.TemporaryDirectory() as folder:
        issuer = LocalIssuer(Path(folder) / "key.pem", issuer="https://auth.samvad.test/bench")
        jwks = Path(folder) / "jwks.json"
        jwks.write_text(json.dumps(issuer.jwks()))
        os.environ.update({"SAMVAD_AUTH_ISSUER": issuer.issuer, "SAMVAD_AUTH_JWKS_URL": jwks.as_uri(),
                           "SAMVAD_AUTH_CLIENT_ID": issuer.client_id})
        forget_keys()
        try:
            response = client.http.post(
                f"/api/tickets/{number}/resolve", body=json.dumps({"remark": "पंप ठीक किया"}).encode(),
                headers={"Content-Type": "application/json", "Authorization": f"Bearer {issuer.mint(username)}"})
        finally:
            for name, value in before.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            forget_keys()
    if response.status_code != 200:
        raise RuntimeError(f"the console did not resolve {number} for {username}: {response.body!r}")


def _segments(text: str) -> int:
    from chalicelib.domain.sms_segments import segments

    return int(segments(text))


def measure(directory: Path = PLANS, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Every plan's two runs (see VARIANTS): {"plans": {id: {name, district, runs: {variant: run}}}}."""
    say = progress or (lambda text: print(f"  … {text}", file=sys.stderr, flush=True))
    found = plans(directory)
    measured: dict[str, Any] = {}
    for n, plan in enumerate(found):
        runs = {}
        for variant in VARIANTS:
            say(f"plan {n + 1}/{len(found)} ({plan.name}): a complaint's whole life, {variant} on WhatsApp")
            runs[variant] = measure_run(plan, variant)
        measured[plan.id] = {"name": plan.name, "district": plan.district_file, "numbers": plan.numbers(),
                             "every_hotline_carrier": plan.every_hotline_carrier,
                             "file": str(PLANS.relative_to(ROOT) / f"{plan.id}.yaml") if directory == PLANS
                             else str(directory / f"{plan.id}.yaml"),
                             "runs": runs}
    return {"plans": measured, "variants": {
        "reachable": "the citizen says yes to WhatsApp updates; every officer has a WhatsApp number",
        "unreachable": "the citizen says no; no officer has a WhatsApp number"}}


def summary(figures: dict[str, Any]) -> list[str]:
    """A few lines for `make bench`'s output."""
    lines = ["\nUsage of one complaint's whole life per channel plan, for `make cost` (warm containers)"]
    for plan in figures["plans"].values():
        lines.append(f"  {plan['name']} ({plan['file']})")
        for variant, run in plan["runs"].items():
            life = run["lifecycle"]
            ops = Counter(f"{o['service']}:{o['operation']}" for o in life["operations"]
                          if o.get("function") != "outside")
            sent = Counter(f"{m['carrier']} {m['channel']} → {m['to']}" for m in life["messages"])
            segments: Counter[str] = Counter()
            for message in life["messages"]:
                segments[f"{message['carrier']} {message['channel']} → {message['to']}"] += message["segments"]
            lines.append(f"    {variant}: {sum(life['invocations'].values())} invocations, "
                         f"{sum(ops.values())} AWS requests, calls placed: {len(life['calls'])}, "
                         f"consent on the ticket: {life['ticket']['whatsapp_consent']}, "
                         f"the officer resolved it by {life['officer_action']}")
            for what, count in sorted(sent.items()):
                extra = f", {segments[what]} segments" if segments[what] else ""
                lines.append(f"      {what:<36} {count:>2} messages{extra}")
            lines.append("      " + transcription_figures(life))
    return lines


def transcription_figures(life: dict[str, Any]) -> str:
    """The transcriber's part of the run, for `make cost`'s voice-to-text section (infra/cost.py): its jobs,
    its checks, its messages and every AWS request it made; none when the run's recording was not transcribed."""
    ops = [o for o in life["operations"] if o.get("function") == "transcriber"]
    jobs = sum(1 for o in life["operations"]
               if (o["service"], o["operation"]) == ("transcribe", "StartTranscriptionJob"))
    if not jobs:
        return "transcription: none in this run (make cost assumes one job: infra/prices.json)"
    checks = sum(1 for o in ops if (o["service"], o["operation"]) == ("transcribe", "GetTranscriptionJob"))
    by = Counter(f"{o['service']}:{o['operation']}" for o in ops)
    return (f"transcription: {jobs} job, {checks} checks, {life.get('sqs_messages', {}).get('transcriber', 0)} "
            f"messages, {len(ops)} AWS requests ({', '.join(f'{k} {v}' for k, v in sorted(by.items()))})")
