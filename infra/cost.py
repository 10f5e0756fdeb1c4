"""Cost per 1,000 complaints on each channel plan, in ₹ and US$, from measured counts and published unit prices.

    python -m infra.cost                       # make cost: reads build/bench.json (make bench writes it)
    python -m infra.cost --provisioned-concurrency 1 --district my-district.yaml

The counts come from `make bench` (tests/bench/usage.py: one complaint's whole life through moto on each plan
of tests/bench/plans/, request by request, message by message, twice: everyone reachable on WhatsApp, and
nobody); the prices, the rupee and what a bench cannot measure (call minutes, billed durations, how many
citizens say yes to WhatsApp) from infra/prices.json; the tables, their indexes and the alarms from
infra/resources.json; memory sizes from .chalice/config.json. Nothing here is a hard-coded total: change a
price or an assumption and run it again. Free tiers are left out.

The goal (issue 13): at most ₹5 a complaint for AWS and every message and outbound call. The citizen's own
call in (the inbound minutes the district pays on its line) is shown apart from it. The last line printed is
`India plan: ₹<amount> per complaint (goal ₹5)`, for scripts.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PRICES = ROOT / "infra" / "prices.json"
BENCH = ROOT / "build" / "bench.json"
RESOURCES = ROOT / "infra" / "resources.json"
CONFIG = ROOT / ".chalice" / "config.json"
CONSUMERS = ("notifier", "followup")  # invoked by SQS: one invocation per message at a district's rate
SCHEDULED = ("sweeper", "reconciler")  # run on a schedule, calls or not
WRITES = {"PutItem", "UpdateItem", "DeleteItem"}
GOAL_INR = 5.0
INDIA_PLAN = "india"
PARTIES = ("citizen", "officer")


@dataclass(frozen=True)
class Line:
    provider: str  # AWS, Twilio, Plivo, or Meta
    what: str
    quantity: float
    unit: str
    unit_usd: float
    in_goal: bool = True  # False: the citizen's own call in, shown apart from the ₹5 goal

    @property
    def usd(self) -> float:
        return self.quantity * self.unit_usd


# -- what the infrastructure is made of ------------------------------------------------------------------

def _tables(resources: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each table's properties by its relative name ('tickets' for samvad-${Stage}-tickets)."""
    found = {}
    for resource in resources.get("Resources", {}).values():
        if resource.get("Type") != "AWS::DynamoDB::Table":
            continue
        props = resource.get("Properties", {})
        name = props.get("TableName")
        name = name.get("Fn::Sub", "") if isinstance(name, dict) else str(name)
        found[name.rsplit("}-", 1)[-1] if "}-" in name else name] = props
    return found


def table_indexes(resources: dict[str, Any]) -> dict[str, list[str]]:
    """Table (relative name: 'tickets') → the projection type of each of its global secondary indexes."""
    return {table: [(index.get("Projection") or {}).get("ProjectionType", "ALL")
                    for index in props.get("GlobalSecondaryIndexes") or []]
            for table, props in _tables(resources).items()}


def table_keys(resources: dict[str, Any]) -> dict[str, list[str]]:
    """Table (relative name) → the attribute names of its primary key."""
    return {table: [key["AttributeName"] for key in props.get("KeySchema") or []]
            for table, props in _tables(resources).items()}


def alarm_count(resources: dict[str, Any]) -> int:
    return sum(1 for r in resources.get("Resources", {}).values() if r.get("Type") == "AWS::CloudWatch::Alarm")


def consumed_queues(resources: dict[str, Any]) -> int:
    """Queues a function consumes (those with a dead-letter queue): each one is long-polled all month."""
    return sum(1 for r in resources.get("Resources", {}).values()
               if r.get("Type") == "AWS::SQS::Queue" and (r.get("Properties") or {}).get("RedrivePolicy"))


def memory_gb(config: dict[str, Any], stage: str, function: str) -> float:
    """lambda_memory_size as Chalice resolves it: function in stage, stage, function, top level."""
    stage_config = config.get("stages", {}).get(stage, {})
    for scope in (stage_config.get("lambda_functions", {}).get(function, {}), stage_config,
                  config.get("lambda_functions", {}).get(function, {}), config):
        if "lambda_memory_size" in scope:
            return scope["lambda_memory_size"] / 1024
    return 128 / 1024  # Chalice's default


# -- DynamoDB request units ------------------------------------------------------------------------------

def _write_units(table: str, transactional: bool, sizes: dict[str, int], indexes: dict[str, list[str]]) -> float:
    kb = max(1, math.ceil(sizes.get(table, 0) / 1024))
    units = kb * (2 if transactional else 1)
    # Every index counted as written (an upper bound); a KEYS_ONLY or INCLUDE copy is small.
    return units + sum(kb if projection == "ALL" else 1 for projection in indexes.get(table, []))


def _read_units(table: str, consistent: bool, sizes: dict[str, int], items: int = 1) -> float:
    units = max(1, math.ceil(items * sizes.get(table, 0) / 4096))
    return units if consistent else units / 2


def request_units(operations: list[dict[str, Any]], sizes: dict[str, int],
                  indexes: dict[str, list[str]]) -> tuple[float, float]:
    """(write request units, read request units) of these DynamoDB requests."""
    wru = rru = 0.0
    for op in operations:
        if op["service"] != "dynamodb":
            continue
        name = op["operation"]
        if name in WRITES:
            wru += _write_units(op["table"], False, sizes, indexes)
        elif name == "TransactWriteItems":
            for item in op.get("items", []):
                if item["kind"] == "ConditionCheck":
                    wru += 2 * max(1, math.ceil(sizes.get(item["table"], 0) / 1024))
                else:
                    wru += _write_units(item["table"], True, sizes, indexes)
        elif name == "BatchWriteItem":
            wru += sum(_write_units(item["table"], False, sizes, indexes) for item in op.get("items", []))
        elif name == "GetItem":
            rru += _read_units(op["table"], op.get("consistent", False), sizes)
        elif name == "BatchGetItem":
            rru += sum(_read_units(item["table"], item.get("consistent", False), sizes) for item in op.get("items", []))
        elif name == "TransactGetItems":
            rru += sum(2 * _read_units(item["table"], True, sizes) for item in op.get("items", []))
        elif name in ("Query", "Scan"):
            rru += _read_units(op["table"], op.get("consistent", False), sizes, op.get("items_read", 1))
    return wru, rru


def _writes(op: dict[str, Any]) -> list[dict[str, Any]]:
    """The items a DynamoDB write request touches: {kind, table, key?}, whatever the operation."""
    if op["operation"] in WRITES:
        return [{"kind": op["operation"].removesuffix("Item"), "table": op["table"], "key": op.get("key")}]
    if op["operation"] in ("TransactWriteItems", "BatchWriteItem"):
        return [{**item, "kind": item["kind"].removesuffix("Request")} for item in op.get("items", [])]
    return []


def stored_bytes(operations: list[dict[str, Any]], sizes: dict[str, int], indexes: dict[str, list[str]]) -> int:
    """Bytes that stay in DynamoDB after these requests: each item written (put, or made by an update) and not
    deleted after, once per key, at its table's item size, 100 bytes of overhead each, and its index copies.
    A write recorded without its key (`key`: tests/bench/usage.py) is a new item when it is a put."""
    kept: dict[tuple[str, Any], str] = {}
    for n, op in enumerate(operations):
        if op["service"] != "dynamodb":
            continue
        for m, item in enumerate(_writes(op)):
            key = (item["table"], item.get("key") or (n, m))
            if item["kind"] == "Delete":
                kept.pop(key, None)
            elif item["kind"] == "Put" or (item["kind"] == "Update" and item.get("key")):
                kept[key] = item["table"]
    total = 0
    for table in kept.values():
        size = sizes.get(table, 0) + 100
        total += size + sum(size if p == "ALL" else 100 for p in indexes.get(table, []))
    return total


# -- the estimate ----------------------------------------------------------------------------------------

def _value(assumptions: dict[str, Any], name: str) -> Any:
    return assumptions[name]["value"]


def inr_per_usd(prices: dict[str, Any]) -> float:
    return float(prices["exchange_rate"]["inr_per_usd"])


def unit_usd(price: dict[str, Any], prices: dict[str, Any]) -> float:
    """A price in US$: as published in dollars, or its rupees at the file's exchange rate."""
    return float(price["usd"]) if "usd" in price else float(price["inr"]) / inr_per_usd(prices)


def _ops(run: dict[str, Any], functions: tuple[str, ...]) -> list[dict[str, Any]]:
    return [op for op in run["operations"] if op.get("function") in functions]


def aws_per_complaint(usage: dict[str, Any], prices: dict[str, Any], resources: dict[str, Any],
                      config: dict[str, Any], stage: str = "prod") -> list[Line]:
    """AWS's part of one complaint's whole life (one run of tests/bench/usage.py), line by line."""
    aws, assume = prices["aws"], prices["assumptions"]
    life, idle, sizes = usage["lifecycle"], usage["idle_runs"], usage["item_bytes"]
    indexes = table_indexes(resources)
    durations = _value(assume, "duration_ms")
    invocations = life["invocations"]
    messages = life.get("sqs_messages", {})

    # Lambda: the API once per webhook; a consumer once per message. The scheduled functions' runs are fixed.
    runs = {"api_handler": invocations.get("api_handler", 0),
            **{name: messages.get(name, 0) for name in CONSUMERS}}
    gb_seconds = sum(count * durations[name] / 1000 * memory_gb(config, stage, name) for name, count in runs.items())

    # DynamoDB and SQS: the call's functions, plus what one call adds to the scheduled runs. The reconciler
    # sees each recording in every run of its window (the bench's run saw `reconciler_recordings` of them).
    reconciler_runs = (usage["reconciler"]["window_hours"] * 60 / usage["reconciler"]["every_minutes"]
                       / max(1, life.get("reconciler_recordings", 1)))
    direct = _ops(life, ("api_handler", *CONSUMERS))
    wru, rru = request_units(direct, sizes, indexes)
    sqs = sum(1 for op in direct if op["service"] == "sqs")
    for name, times in (("sweeper", 1), ("reconciler", reconciler_runs)):
        run_wru, run_rru = request_units(_ops(life, (name,)), sizes, indexes)
        idle_wru, idle_rru = request_units(idle[name]["operations"], sizes, indexes)
        wru += max(0.0, run_wru - idle_wru) * times
        rru += max(0.0, run_rru - idle_rru) * times
        run_sqs = sum(1 for op in _ops(life, (name,)) if op["service"] == "sqs")
        sqs += max(0, run_sqs - sum(1 for op in idle[name]["operations"] if op["service"] == "sqs")) * times
    sqs += sum(messages.get(name, 0) for name in CONSUMERS) * _value(assume, "sqs_mapping_requests_per_message")

    idle_log = sum(run["log"]["bytes"] for run in idle.values())
    log_gb = (max(0, life["log"]["bytes"] - idle_log)
              + sum(runs.values()) * _value(assume, "platform_log_bytes_per_invocation")) / 1e9
    traces = sum(runs.values()) * _value(assume, "traced_fraction")
    kept_gb = stored_bytes(life["operations"], sizes, indexes) / 1e9

    def usd(name: str) -> float:
        return unit_usd(aws[name], prices)

    return [
        Line("AWS", "Lambda invocations", sum(runs.values()), "invocation", usd("lambda_request")),
        Line("AWS", "Lambda duration", gb_seconds, "GB-s", usd("lambda_gb_second")),
        Line("AWS", "API Gateway (REST) requests", invocations.get("api_handler", 0), "request",
             usd("apigw_rest_request")),
        Line("AWS", "DynamoDB writes", wru, "WRU", usd("dynamodb_wru")),
        Line("AWS", "DynamoDB reads", rru, "RRU", usd("dynamodb_rru")),
        Line("AWS", "SQS requests (functions and event source mapping)", sqs, "request", usd("sqs_request")),
        Line("AWS", "CloudWatch Logs ingestion", log_gb, "GB", usd("logs_ingest_gb")),
        Line("AWS", "CloudWatch Logs storage (90 days)", log_gb * _value(assume, "log_months_kept"), "GB-month",
             usd("logs_storage_gb_month")),
        Line("AWS", "X-Ray traces", traces, "trace", usd("xray_trace")),
        Line("AWS", "DynamoDB storage + PITR, per month kept", kept_gb, "GB-month",
             usd("dynamodb_storage_gb_month") + usd("dynamodb_pitr_gb_month")),
    ]


TRANSCRIBER = "transcriber"
TRANSCRIBE_MINIMUM_SECONDS = 15  # Transcribe bills each job at least 15 s of audio


def _counted(ops: list[dict[str, Any]], service: str, operation: str) -> int:
    return sum(1 for op in ops if op["service"] == service and op["operation"] == operation)


def transcription_per_complaint(usage: dict[str, Any], prices: dict[str, Any], resources: dict[str, Any],
                                config: dict[str, Any], stage: str = "prod") -> list[Line]:
    """What transcribing one complaint's recording adds (issue 15), line by line: Transcribe's minutes (a job's
    15-second minimum), the transcriber Lambda and its queue, the audio and the result in S3 for the district's
    retention, the transcript's writes. Counted from the bench's run where it transcribed (its transcriber's
    requests), else from infra/prices.json's assumptions — the label says which. Transcribe's own reads of the
    audio and writes of the result are S3 requests on our bucket that no client of ours makes: always added."""
    aws, assume = prices["aws"], prices["assumptions"]
    life, sizes = usage["lifecycle"], usage["item_bytes"]
    ops = _ops(life, (TRANSCRIBER,))
    jobs = _counted(life["operations"], "transcribe", "StartTranscriptionJob")
    measured = jobs > 0
    how = "measured" if measured else "assumed"
    if not measured:
        jobs = _value(assume, "transcription_jobs_per_complaint")
    checks = _counted(ops, "transcribe", "GetTranscriptionJob") if measured else jobs * _value(
        assume, "transcription_checks")
    messages = life.get("sqs_messages", {}).get(TRANSCRIBER, 0) if measured else jobs + checks
    seconds = max(_value(assume, "transcribed_audio_seconds"), TRANSCRIBE_MINIMUM_SECONDS)
    puts = (_counted(ops, "s3", "PutObject") if measured else jobs) + jobs  # the audio; Transcribe's result
    gets = (_counted(ops, "s3", "GetObject") if measured else jobs) + jobs  # the result; Transcribe's read
    sends = sum(1 for op in ops if op["service"] == "sqs") if measured else messages  # the start's and each check's
    if measured:
        wru, rru = request_units(ops, sizes, table_indexes(resources))
    else:
        units = _value(assume, "transcription_table_units")
        wru, rru = float(units["wru"]), float(units["rru"])
    retention_months = 365 / _value(assume, "days_per_month")  # the district's default retention_days
    stored_gb = jobs * _value(assume, "transcribed_audio_seconds") * _value(assume, "audio_bytes_per_second") / 1e9
    duration = messages * _value(assume, "transcriber_duration_ms") / 1000 * memory_gb(config, stage, TRANSCRIBER)

    def usd(name: str) -> float:
        return unit_usd(aws[name], prices)

    return [
        Line("AWS", f"Transcribe, hi-IN/en-IN batch ({jobs:g} job of {seconds:g} s, {how})", jobs * seconds / 60,
             "minute", usd("transcribe_minute")),
        Line("AWS", f"Transcriber Lambda invocations ({how})", messages, "invocation", usd("lambda_request")),
        Line("AWS", "Transcriber Lambda duration", duration, "GB-s", usd("lambda_gb_second")),
        Line("AWS", f"Transcribe queue SQS requests ({how})",
             sends + messages * _value(assume, "sqs_mapping_requests_per_message"), "request", usd("sqs_request")),
        Line("AWS", "S3 PUT (the audio; Transcribe's result)", puts, "request", usd("s3_put_request")),
        Line("AWS", "S3 GET (Transcribe's read; the result)", gets, "request", usd("s3_get_request")),
        Line("AWS", f"S3 storage of the audio for its retention ({retention_months:.0f} months)",
             stored_gb * retention_months, "GB-month", usd("s3_storage_gb_month")),
        Line("AWS", f"DynamoDB writes for the transcript ({how})", wru, "WRU", usd("dynamodb_wru")),
        Line("AWS", f"DynamoDB reads for the transcript ({how})", rru, "RRU", usd("dynamodb_rru")),
    ]


CARRIER_NAMES = {"twilio": "Twilio", "plivo": "Plivo"}
CHANNEL_WORDS = {"whatsapp": "WhatsApp", "sms": "SMS", "international_sms": "International SMS"}


def _people(party: str) -> str:
    return "citizens" if party == "citizen" else "officers"


def carrier_per_complaint(usage: dict[str, Any], prices: dict[str, Any]) -> dict[str | None, list[Line]]:
    """What one run asked of the carriers (and Meta), line by line, by whom it reached: citizen, officer, or
    None for the citizen's call in and its recording (the same whoever is on WhatsApp)."""
    life, assume = usage["lifecycle"], prices["assumptions"]
    by_party: dict[str | None, list[Line]] = {"citizen": [], "officer": [], None: []}
    for message in life["messages"]:
        name, rates = CARRIER_NAMES[message["carrier"]], prices[message["carrier"]]
        people = _people(message["to"])
        if message["channel"] == "whatsapp":
            template = bool(message.get("template"))
            kind = "templates" if template else "replies"
            meta = prices["meta"]["whatsapp_utility_in" if template else "whatsapp_service_in"]
            by_party[message["to"]] += [
                Line(name, f"WhatsApp {kind} to {people} ({name}'s fee)", 1, "message",
                     unit_usd(rates["whatsapp_message"], prices)),
                Line("Meta", f"WhatsApp {kind} to {people} (Meta's {'utility' if template else 'service'} rate)",
                     1, "message", unit_usd(meta, prices))]
        else:
            route = " (DLT)" if message["carrier"] == "plivo" else ""
            by_party[message["to"]].append(Line(name, f"{CHANNEL_WORDS[message['channel']]}{route} to {people}",
                                                message["segments"], "segment",
                                                unit_usd(rates["sms_segment"], prices)))
    for message in life.get("inbound_messages", []):
        if message["channel"] == "whatsapp":  # an SMS in costs nothing on Twilio's Indian routes
            name = CARRIER_NAMES[message["carrier"]]
            by_party[message["from"]].append(Line(name, f"WhatsApp in from {_people(message['from'])} ({name}'s fee)",
                                                  1, "message",
                                                  unit_usd(prices[message["carrier"]]["whatsapp_message"], prices)))
    for call in life["calls"]:
        name = CARRIER_NAMES[call["carrier"]]
        by_party[call["to"]].append(Line(name, f"Calls to {_people(call['to'])} (feedback, callbacks)",
                                         _value(assume, "outbound_call_billed_minutes"), "minute",
                                         unit_usd(prices[call["carrier"]]["outbound_minute"], prices)))
    for call in life.get("complaint_calls", []):
        name, rates = CARRIER_NAMES[call["carrier"]], prices[call["carrier"]]
        by_party[None].append(Line(name, "The citizen's call in (the line's inbound minutes)",
                                   _value(assume, "complaint_call_billed_minutes"), "minute",
                                   unit_usd(rates["inbound_minute"], prices), in_goal=False))
        if call.get("recorded"):
            minutes = _value(assume, "recording_minutes")
            by_party[None] += [
                Line(name, "Recording", minutes, "minute", unit_usd(rates["recording_minute"], prices)),
                Line(name, "Recording storage, per month kept", minutes, "minute-month",
                     unit_usd(rates["recording_storage_minute_month"], prices))]
    for call in life.get("officer_calls", []):  # the officers' IVR: the district pays the minutes in
        name, rates = CARRIER_NAMES[call["carrier"]], prices[call["carrier"]]
        by_party["officer"].append(Line(name, "Officers' calls in (the officers' IVR)",
                                        _value(assume, "officer_ivr_billed_minutes"), "minute",
                                        unit_usd(rates["inbound_minute"], prices)))
        if call.get("recorded"):
            minutes = _value(assume, "officer_remark_recording_minutes")
            by_party["officer"] += [
                Line(name, "Recording (officers' remarks)", minutes, "minute",
                     unit_usd(rates["recording_minute"], prices)),
                Line(name, "Recording storage (officers' remarks), per month kept", minutes, "minute-month",
                     unit_usd(rates["recording_storage_minute_month"], prices))]
    return {party: merged(lines) for party, lines in by_party.items()}


def merged(lines: list[Line]) -> list[Line]:
    """Lines of the same thing at the same price added up, in the order they first came."""
    sums: dict[tuple[str, str, str, float, bool], Line] = {}
    for line in lines:
        key = (line.provider, line.what, line.unit, line.unit_usd, line.in_goal)
        sums[key] = replace(line, quantity=sums[key].quantity + line.quantity) if key in sums else line
    return list(sums.values())


def run_weights(prices: dict[str, Any]) -> dict[str, dict[str | None, float]]:
    """How much of each run a complaint is, for what reaches each party: a share `s` of people are on WhatsApp
    and a share `b` of WhatsApp messages bounce (then the next channel carries them, as in the run where nobody
    is on WhatsApp): reachable s·(1 - b), unreachable 1 - s·(1 - b). The call in: the citizen's weights."""
    assume = prices["assumptions"]
    bounce = _value(assume, "whatsapp_bounce_share")
    shares = {"citizen": _value(assume, "citizens_consenting_share"),
              "officer": _value(assume, "officers_on_whatsapp_share")}
    reached: dict[str | None, float] = {party: share * (1 - bounce) for party, share in shares.items()}
    reached[None] = reached["citizen"]
    return {"reachable": reached, "unreachable": {party: 1 - w for party, w in reached.items()}}


def plan_per_complaint(plan: dict[str, Any], prices: dict[str, Any], resources: dict[str, Any],
                       config: dict[str, Any]) -> list[Line]:
    """One complaint on this plan (tests/bench/usage.py's two runs of it), line by line: the carriers' lines
    weighed by run_weights, AWS's the larger of the two runs' (they differ by a request or two)."""
    runs = plan["runs"]
    weights = run_weights(prices)
    lines: list[Line] = []
    for variant, run in runs.items():
        for party, party_lines in carrier_per_complaint(run, prices).items():
            lines += [replace(line, quantity=line.quantity * weights[variant][party]) for line in party_lines]
    # A bounced WhatsApp message: Twilio's fee is paid, Meta's is not; the message that follows it is in the
    # unreachable run's weight above.
    assume = prices["assumptions"]
    for party, share in (("citizen", _value(assume, "citizens_consenting_share")),
                         ("officer", _value(assume, "officers_on_whatsapp_share"))):
        for message in runs["reachable"]["lifecycle"]["messages"]:
            if message["channel"] == "whatsapp" and message.get("template") and message["to"] == party:
                name = CARRIER_NAMES[message["carrier"]]
                lines.append(Line(name, f"WhatsApp bounced to {_people(party)} ({name}'s fee)",
                                  share * _value(assume, "whatsapp_bounce_share"), "message",
                                  unit_usd(prices[message["carrier"]]["whatsapp_message"], prices)))
    by_run = [aws_per_complaint(run, prices, resources, config) for run in runs.values()]
    aws = [max(same, key=lambda line: line.usd) for same in zip(*by_run, strict=True)]
    return aws + [line for line in merged(lines) if line.quantity]


def numbers_rented(district: Any, every_carrier: str | None = None) -> dict[str, int]:
    """Numbers a district rents, by carrier: each hotline's lines on its carrier (or all on `every_carrier`),
    and the senders that are numbers (the WhatsApp sender, an SMS sender that is not a DLT header)."""
    rented: dict[str, set[str]] = {}
    for hotline in district.hotlines:
        rented.setdefault(str(every_carrier or hotline.carrier), set()).update(hotline.lines)
    lines = {line for numbers in rented.values() for line in numbers}
    if district.whatsapp and district.whatsapp.sender.removeprefix("whatsapp:") not in lines:
        rented.setdefault("twilio", set()).add(district.whatsapp.sender.removeprefix("whatsapp:"))
    sms_carrier = str(every_carrier or getattr(district, "sms_carrier", "twilio"))
    if district.sms_sender.startswith("+") and district.sms_sender not in lines:
        rented.setdefault(sms_carrier, set()).add(district.sms_sender)
    return {carrier: len(numbers) for carrier, numbers in sorted(rented.items())}


def fixed_monthly(usage: dict[str, Any], prices: dict[str, Any], resources: dict[str, Any], config: dict[str, Any],
                  numbers: dict[str, int], provisioned: int, stage: str = "prod") -> list[Line]:
    """What a stack costs a month with no calls at all (`usage`: one run, for the scheduled functions' idle runs)."""
    aws, assume = prices["aws"], prices["assumptions"]
    indexes, sizes = table_indexes(resources), usage["item_bytes"]
    minutes = _value(assume, "days_per_month") * 24 * 60
    durations = _value(assume, "duration_ms")

    def usd(name: str) -> float:
        return unit_usd(aws[name], prices)

    lines = [Line("AWS", "CloudWatch alarms", alarm_count(resources), "alarm-month", usd("cloudwatch_alarm_month"))]
    for name in SCHEDULED:
        every = usage[name]["every_minutes"]
        runs = minutes / every
        run = usage["idle_runs"][name]
        wru, rru = request_units(run["operations"], sizes, indexes)
        sqs = sum(1 for op in run["operations"] if op["service"] == "sqs")
        log_gb = runs * (run["log"]["bytes"] + _value(assume, "platform_log_bytes_per_invocation")) / 1e9
        lines += [
            Line("AWS", f"{name}: Lambda invocations (every {every} min)", runs, "invocation", usd("lambda_request")),
            Line("AWS", f"{name}: Lambda duration", runs * durations[name] / 1000 * memory_gb(config, stage, name),
                 "GB-s", usd("lambda_gb_second")),
            Line("AWS", f"{name}: DynamoDB writes", runs * wru, "WRU", usd("dynamodb_wru")),
            Line("AWS", f"{name}: DynamoDB reads", runs * rru, "RRU", usd("dynamodb_rru")),
            Line("AWS", f"{name}: SQS requests", runs * sqs, "request", usd("sqs_request")),
            Line("AWS", f"{name}: logs ingested", log_gb, "GB", usd("logs_ingest_gb")),
            Line("AWS", f"{name}: X-Ray traces", runs * _value(assume, "traced_fraction"), "trace", usd("xray_trace")),
        ]
    lines.append(Line("AWS", "SQS: the event source mappings' long polls", consumed_queues(resources)
                      * _value(assume, "sqs_idle_receives_per_queue_month"), "request", usd("sqs_request")))
    if provisioned:
        seconds = _value(assume, "days_per_month") * 86400
        lines.append(Line("AWS", f"Provisioned concurrency ({provisioned} on the webhook function)",
                          provisioned * memory_gb(config, stage, "api_handler") * seconds, "GB-s",
                          usd("lambda_provisioned_gb_second")))
    for carrier, count in numbers.items():
        lines.append(Line(CARRIER_NAMES[carrier], "Phone numbers (rent)", count, "number-month",
                          unit_usd(prices[carrier]["number_month"], prices)))
    return lines


def total(lines: list[Line], provider: str | None = None, in_goal: bool | None = True) -> float:
    """US$ of these lines (one provider's, if given; the goal's by default, None: every line)."""
    return sum(line.usd for line in lines
               if (provider is None or line.provider == provider) and (in_goal is None or line.in_goal == in_goal))


# -- output ----------------------------------------------------------------------------------------------

PROVIDERS = ("AWS", "Plivo", "Twilio", "Meta")


def _quantity(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.4g}"


def table(lines: list[Line], scale: float, title: str, rate: float,
          total_label: str = "**Total for the goal** (AWS, messages, calls out, recording)") -> str:
    """The lines times `scale`, in US$ and ₹: the goal's lines by provider, then those shown apart."""
    rows = [f"| {title} | quantity | unit price (US$) | US$ | ₹ |", "| --- | ---: | ---: | ---: | ---: |"]

    def row(label: str, line: Line) -> str:
        return (f"| {label} | {_quantity(line.quantity * scale)} {line.unit} | {line.unit_usd:.4g} | "
                f"{line.usd * scale:,.2f} | {line.usd * scale * rate:,.2f} |")

    for provider in PROVIDERS:
        mine = [line for line in lines if line.provider == provider and line.in_goal]
        rows += [row(f"{provider}: {line.what}", line) for line in mine]
        if mine:
            usd = total(mine) * scale
            rows.append(f"| **{provider} subtotal** | | | **{usd:,.2f}** | **{usd * rate:,.2f}** |")
    usd = total(lines) * scale
    rows.append(f"| {total_label} | | | **{usd:,.2f}** | **{usd * rate:,.2f}** |")
    rows += [row(f"apart — {line.provider}: {line.what}", line) for line in lines if not line.in_goal]
    return "\n".join(rows)


BAR_WIDTH = 40
_EIGHTHS = " ▏▎▍▌▋▊▉"


def _bar(value: float, largest: float) -> str:
    eighths = round(BAR_WIDTH * 8 * value / largest) if largest > 0 else 0
    return "█" * (eighths // 8) + (_EIGHTHS[eighths % 8] if eighths % 8 else "")


def bar_chart(per_plan: dict[str, list[Line]], rate: float) -> str:
    """₹ per complaint: each plan's total against the goal on one scale, then each plan's lines on its own
    (AWS as one bar; lines under half a paisa left out; the call in, apart from the goal, is not a bar)."""
    totals = {name: total(lines) * rate for name, lines in per_plan.items()}
    largest = max([*totals.values(), GOAL_INR])
    width = max(len(name) for name in [*totals, "goal"])
    out = ["₹ per complaint, each plan on one scale"]
    out += [f"  {name:<{width}} {_bar(inr, largest):<{BAR_WIDTH}} ₹{inr:.2f}" for name, inr in totals.items()]
    out.append(f"  {'goal':<{width}} {_bar(GOAL_INR, largest):<{BAR_WIDTH}} ₹{GOAL_INR:.2f}")
    for name, lines in per_plan.items():
        goal = [line for line in lines if line.in_goal]
        items = [("AWS (every service)", total(goal, "AWS") * rate)]
        items += [(f"{line.provider}: {line.what}", line.usd * rate) for line in goal if line.provider != "AWS"]
        bars = sorted(((label, inr) for label, inr in items if inr >= 0.005), key=lambda item: -item[1])
        biggest = max((inr for _, inr in bars), default=0.0)
        label_width = max((len(label) for label, _ in bars), default=0)
        out.append(f"{name}: ₹ per complaint by line (its own scale)")
        out += [f"  {label:<{label_width}} {_bar(inr, biggest):<{BAR_WIDTH}} ₹{inr:.2f}" for label, inr in bars]
    return "\n".join(out)


def measured(plan: dict[str, Any]) -> list[str]:
    """What the bench counted on this plan, run by run: messages by carrier, channel and party, with segments;
    calls placed; how the officer acted; AWS requests."""
    out = []
    for variant, run in plan["runs"].items():
        life = run["lifecycle"]
        counts: dict[str, list[int]] = {}
        for message in life["messages"]:
            key = f"{message['carrier']} {message['channel']} → {message['to']}"
            counts.setdefault(key, [0, 0])
            counts[key][0] += 1
            counts[key][1] += message["segments"]
        sent = "; ".join(f"{key} {n}" + (f" ({segments} segments)" if segments else "")
                         for key, (n, segments) in sorted(counts.items()))
        requests = sum(1 for op in life["operations"] if op.get("function") != "outside")
        out.append(f"  {variant}: {sent}; calls placed {len(life['calls'])}; the officer by "
                   f"{life.get('officer_action', '?')}; {requests} AWS requests")
    return out


def report(usage: dict[str, Any], prices: dict[str, Any], resources: dict[str, Any], config: dict[str, Any],
           numbers: dict[str, dict[str, int]], provisioned: int, video: dict[str, Any] | None = None) -> str:
    """Every plan's table per 1,000 complaints, the bar chart, the fixed costs, the state-wide month, and the
    India plan's ₹ per complaint as the last line. `numbers`: by plan id, the numbers rented by carrier."""
    assume, rate = prices["assumptions"], inr_per_usd(prices)
    plans = usage["plans"]
    per = {plan_id: plan_per_complaint(plan, prices, resources, config) for plan_id, plan in plans.items()}
    weights = run_weights(prices)
    out = [f"Cost per 1,000 complaints, per channel plan ({prices['region']}; ₹{rate:g} a US$; {prices['as_of']})",
           f"Each plan's two runs (tests/bench/usage.py) weighed: {_value(assume, 'citizens_consenting_share'):.0%} "
           f"of citizens and {_value(assume, 'officers_on_whatsapp_share'):.0%} of officers on WhatsApp, "
           f"{_value(assume, 'whatsapp_bounce_share'):.0%} of WhatsApp messages bouncing "
           f"(reachable run: citizens {weights['reachable']['citizen']:.3f}, "
           f"officers {weights['reachable']['officer']:.3f}).", ""]
    state_calls = _value(assume, "state_calls_per_day") * _value(assume, "days_per_month")
    state = []
    for plan_id, plan in plans.items():
        lines = per[plan_id]
        first_run = next(iter(plan["runs"].values()))
        fixed = fixed_monthly(first_run, prices, resources, config, numbers[plan_id], provisioned)
        rented = ", ".join(f"{count} on {CARRIER_NAMES[c]}" for c, count in numbers[plan_id].items())
        out += [f"## {plan['name']} ({plan.get('file', plan_id)}: {plan['district']})", "",
                "Measured for one complaint (tests/bench/usage.py):", *measured(plan), "",
                table(lines, 1000, "per 1,000 complaints", rate), "",
                table(fixed, 1, f"fixed, per month (numbers: {rented}"
                                + (f"; provisioned concurrency {provisioned})" if provisioned else ")"), rate,
                      "**Total a month**"), ""]
        factor = _value(assume, "state_numbers") / max(1, sum(numbers[plan_id].values()))
        state_numbers = {c: round(n * factor) for c, n in numbers[plan_id].items()}
        state_fixed = fixed_monthly(first_run, prices, resources, config, state_numbers, provisioned)
        month = (total(lines, in_goal=None) * state_calls + total(state_fixed, in_goal=None))
        state.append(f"  {plan['name']}: {month:,.0f} US$ (₹{month * rate / 1e5:,.1f} lakh) a month, "
                     f"of which the citizens' calls in {total(lines, in_goal=False) * state_calls:,.0f} US$")
    out += [f"State-wide, {_value(assume, 'state_calls_per_day'):,} complaints a day ({state_calls:,} a month, "
            f"{_value(assume, 'state_numbers')} numbers, one stack):", *state, "",
            bar_chart({plans[p]["name"]: per[p] for p in plans}, rate), ""]
    for plan_id, plan in plans.items():
        lines = per[plan_id]
        out.append(f"{plan['name']}: ₹{total(lines) * rate:.2f} per complaint for the goal "
                   f"(US${total(lines):.4f}); the citizen's call in apart: ₹{total(lines, in_goal=False) * rate:.2f}")
    india = per.get(INDIA_PLAN) or next(iter(per.values()))
    if "transcribe_minute" in prices["aws"]:  # a price file from before voice to text has none
        out[-len(plans):-len(plans)] = _transcription_section(plans, prices, resources, config, rate)
        added = transcription_per_complaint(next(iter((plans.get(INDIA_PLAN) or next(iter(plans.values())))[
            "runs"].values())), prices, resources, config)
        out.append(f"India plan with transcription: ₹{(total(india) + total(added)) * rate:.2f} per complaint")
    if "chime_attendee_minute" in prices["aws"]:  # a price file from before video calls has none
        section, last = _video_section(video, prices, resources, config, rate)
        closing = len(plans) + ("transcribe_minute" in prices["aws"])
        out[-closing:-closing] = section
        out.append(last)
    out.append(f"India plan: ₹{total(india) * rate:.2f} per complaint (goal ₹{GOAL_INR:g})")
    return "\n".join(out)


def _transcription_section(plans: dict[str, Any], prices: dict[str, Any], resources: dict[str, Any],
                           config: dict[str, Any], rate: float) -> list[str]:
    """What voice to text adds per 1,000 complaints, per plan (the same on every plan: it is AWS's alone)."""
    out = ["## Voice to text: what transcription adds (on by default; a district or a category may switch it off)",
           ""]
    for plan in plans.values():
        run = next(iter(plan["runs"].values()))
        lines = transcription_per_complaint(run, prices, resources, config)
        out += [table(lines, 1000, f"{plan['name']}: transcription per 1,000 complaints", rate,
                      "**Transcription adds**"), ""]
    return out


VIDEO_MINUTES = 10  # the call make cost prices (the bench measures one of this length)


def video_call(video: dict[str, Any], prices: dict[str, Any], resources: dict[str, Any], config: dict[str, Any],
               stage: str = "prod") -> tuple[list[Line], list[Line]]:
    """A sign-language video call of VIDEO_MINUTES, as tests/bench/video.py measured one: (the call, what its
    recording adds when the citizen agrees). The meeting service bills each attendee's minutes; AWS's requests
    are the call's own (the complaint registered from it costs what any complaint costs)."""
    aws, assume = prices["aws"], prices["assumptions"]
    minutes = video.get("minutes", VIDEO_MINUTES)
    indexes = table_indexes(resources)
    sizes = video["item_bytes"]
    durations = _value(assume, "duration_ms")
    runs = {"api_handler": video["invocations"].get("api_handler", 0),
            **{name: video.get("sqs_messages", {}).get(name, 0) for name in CONSUMERS}}
    gb_seconds = sum(count * durations[name] / 1000 * memory_gb(config, stage, name) for name, count in runs.items())
    wru, rru = request_units(video["operations"], sizes, indexes)
    sqs = sum(1 for op in video["operations"] if op["service"] == "sqs" and op.get("function") != "outside") \
        + sum(runs[name] for name in CONSUMERS) * _value(assume, "sqs_mapping_requests_per_message")

    def usd(name: str) -> float:
        return unit_usd(aws[name], prices)

    lines = [Line("AWS", f"Meeting (Amazon Chime SDK): {video['attendees']} attendees × {minutes} minutes",
                  video["attendees"] * minutes, "attendee-minute", usd("chime_attendee_minute")),
             Line("AWS", "Lambda invocations", sum(runs.values()), "invocation", usd("lambda_request")),
             Line("AWS", "Lambda duration", gb_seconds, "GB-s", usd("lambda_gb_second")),
             Line("AWS", "API Gateway (REST) requests", runs["api_handler"], "request", usd("apigw_rest_request")),
             Line("AWS", "DynamoDB writes", wru, "WRU", usd("dynamodb_wru")),
             Line("AWS", "DynamoDB reads", rru, "RRU", usd("dynamodb_rru")),
             Line("AWS", "SQS requests", sqs, "request", usd("sqs_request"))]
    for message in video.get("messages", []):
        name, rates = CARRIER_NAMES[message["carrier"]], prices[message["carrier"]]
        if message["channel"] == "whatsapp":
            template = bool(message.get("template"))
            meta = prices["meta"]["whatsapp_utility_in" if template else "whatsapp_service_in"]
            lines += [Line(name, f"The link, by WhatsApp ({name}'s fee)", 1, "message",
                           unit_usd(rates["whatsapp_message"], prices)),
                      Line("Meta", f"The link, by WhatsApp (Meta's {'utility' if template else 'service'} rate)", 1,
                           "message", unit_usd(meta, prices))]
        else:
            route = " (DLT)" if message["carrier"] == "plivo" else ""
            lines.append(Line(name, f"The link, by SMS{route}", message["segments"], "segment",
                              unit_usd(rates["sms_segment"], prices)))
    captured_gb = minutes * _value(assume, "video_capture_mb_per_minute") / 1000
    recording = [Line("AWS", "Recording (media capture pipeline), with the citizen's yes", minutes, "minute",
                      usd("chime_media_capture_minute")),
                 Line("AWS", "The recording in S3, per month kept", captured_gb, "GB-month",
                      usd("s3_storage_gb_month"))]
    return merged(lines), recording


def _video_section(video: dict[str, Any] | None, prices: dict[str, Any], resources: dict[str, Any],
                   config: dict[str, Any], rate: float) -> tuple[list[str], str]:
    if not video:
        return [], ("A sign-language video call: not measured (`make bench` or "
                    "`python -m tests.bench.run --only video`)")
    call, recording = video_call(video, prices, resources, config)
    minutes = video.get("minutes", VIDEO_MINUTES)
    out = [f"## A sign-language video call ({minutes} minutes, measured by tests/bench/video.py)", "",
           table(call, 1, f"one {minutes}-minute call", rate, "**The call**"), "",
           table(recording, 1, "what its recording adds (only when the citizen agrees on screen)", rate,
                 "**Recording adds**"), ""]
    last = (f"A {minutes}-minute sign-language video call: ₹{total(call) * rate:.2f} "
            f"(US${total(call):.4f}); with its recording ₹{(total(call) + total(recording)) * rate:.2f}")
    return out, last


def has_plans(bench: Path) -> bool:
    """Whether `bench` holds the usage this estimate reads (a usage from before the plans does not)."""
    try:
        return bool(json.loads(bench.read_text()).get("usage", {}).get("plans"))
    except (OSError, ValueError):
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.cost", description=__doc__.splitlines()[0])
    parser.add_argument("--bench", type=Path, default=BENCH, help="make bench's figures (default build/bench.json)")
    parser.add_argument("--prices", type=Path, default=PRICES)
    parser.add_argument("--district", type=Path, default=None,
                        help="its lines and senders are the numbers rented (default: each plan's district)")
    parser.add_argument("--provisioned-concurrency", type=int, default=None)
    parser.add_argument("--has-usage", action="store_true",
                        help="only say (exit status) whether --bench holds the per-plan usage this reads")
    parser.add_argument("--has-video", action="store_true",
                        help="only say (exit status) whether --bench holds a measured video call")
    args = parser.parse_args(argv)
    if args.has_usage:
        return 0 if has_plans(args.bench) else 1
    if args.has_video:
        try:
            return 0 if json.loads(args.bench.read_text()).get("video") else 1
        except (OSError, ValueError):
            return 1
    if not has_plans(args.bench):
        print(f"{args.bench} has no per-plan usage: run `make bench` (or `python -m tests.bench.run --only usage`) "
              "first", file=sys.stderr)
        return 1
    from chalicelib.district_file import read_district_file

    usage = json.loads(args.bench.read_text())["usage"]
    prices = json.loads(args.prices.read_text())
    provisioned = (args.provisioned_concurrency if args.provisioned_concurrency is not None
                   else prices["assumptions"]["provisioned_concurrency"]["value"])
    numbers = {plan_id: (numbers_rented(read_district_file(args.district), plan.get("every_hotline_carrier"))
                         if args.district else plan["numbers"]) for plan_id, plan in usage["plans"].items()}
    video = json.loads(args.bench.read_text()).get("video")
    print(report(usage, prices, json.loads(RESOURCES.read_text()), json.loads(CONFIG.read_text()), numbers,
                 provisioned, video))
    return 0


if __name__ == "__main__":
    sys.exit(main())
