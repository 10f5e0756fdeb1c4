"""Cost per 1,000 complaint calls, from measured request counts and published unit prices.

    python -m infra.cost                       # make cost: reads build/bench.json (make bench writes it)
    python -m infra.cost --provisioned-concurrency 1 --district my-district.yaml

The counts come from `make bench` (tests/bench/usage.py: one complaint's whole life through moto, request by
request); the prices and what a bench cannot measure (call minutes, billed durations) from infra/prices.json;
the tables, their indexes and the alarms from infra/resources.json; memory sizes from .chalice/config.json.
Nothing here is a hard-coded total: change a price or an assumption and run it again. Free tiers are left out.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Line:
    provider: str
    what: str
    quantity: float
    unit: str
    unit_usd: float

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


def _ops(run: dict[str, Any], functions: tuple[str, ...]) -> list[dict[str, Any]]:
    return [op for op in run["operations"] if op.get("function") in functions]


def per_call(usage: dict[str, Any], prices: dict[str, Any], resources: dict[str, Any], config: dict[str, Any],
             stage: str = "prod") -> list[Line]:
    """What one complaint call costs, line by line (its whole life: call, messages, resolution, feedback)."""
    aws, twilio, assume = prices["aws"], prices["twilio"], prices["assumptions"]
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

    sent = life["twilio"]
    lines = [
        Line("AWS", "Lambda invocations", sum(runs.values()), "invocation", aws["lambda_request"]["usd"]),
        Line("AWS", "Lambda duration", gb_seconds, "GB-s", aws["lambda_gb_second"]["usd"]),
        Line("AWS", "API Gateway (REST) requests", invocations.get("api_handler", 0), "request",
             aws["apigw_rest_request"]["usd"]),
        Line("AWS", "DynamoDB writes", wru, "WRU", aws["dynamodb_wru"]["usd"]),
        Line("AWS", "DynamoDB reads", rru, "RRU", aws["dynamodb_rru"]["usd"]),
        Line("AWS", "SQS requests (functions and event source mapping)", sqs, "request", aws["sqs_request"]["usd"]),
        Line("AWS", "CloudWatch Logs ingestion", log_gb, "GB", aws["logs_ingest_gb"]["usd"]),
        Line("AWS", "CloudWatch Logs storage (90 days)", log_gb * _value(assume, "log_months_kept"), "GB-month",
             aws["logs_storage_gb_month"]["usd"]),
        Line("AWS", "X-Ray traces", traces, "trace", aws["xray_trace"]["usd"]),
        Line("AWS", "DynamoDB storage + PITR, per month kept", kept_gb, "GB-month",
             aws["dynamodb_storage_gb_month"]["usd"] + aws["dynamodb_pitr_gb_month"]["usd"]),
        Line("Twilio", "Inbound minutes (toll-free)", _value(assume, "complaint_call_billed_minutes"), "minute",
             twilio["inbound_minute"]["usd"]),
        Line("Twilio", "Recording", _value(assume, "recording_minutes"), "minute", twilio["recording_minute"]["usd"]),
        Line("Twilio", "Recording storage, per month kept", _value(assume, "recording_minutes"), "minute-month",
             twilio["recording_storage_minute_month"]["usd"]),
        Line("Twilio", "Outbound calls (feedback)", sent["calls"] * _value(assume, "outbound_call_billed_minutes"),
             "minute", twilio["outbound_minute"]["usd"]),
        Line("Twilio", "SMS", sum(sent["sms_segments"]), "segment", twilio["sms_segment"]["usd"]),
        Line("Twilio", "WhatsApp templates", sent["whatsapp"], "message",
             twilio["whatsapp_message"]["usd"] + twilio["whatsapp_template_in"]["usd"]),
    ]
    return lines


def fixed_monthly(usage: dict[str, Any], prices: dict[str, Any], resources: dict[str, Any], config: dict[str, Any],
                  numbers: int, provisioned: int, stage: str = "prod") -> list[Line]:
    """What a stack costs a month with no calls at all."""
    aws, twilio, assume = prices["aws"], prices["twilio"], prices["assumptions"]
    indexes, sizes = table_indexes(resources), usage["item_bytes"]
    minutes = _value(assume, "days_per_month") * 24 * 60
    durations = _value(assume, "duration_ms")
    lines = [Line("AWS", "CloudWatch alarms", alarm_count(resources), "alarm-month",
                  aws["cloudwatch_alarm_month"]["usd"])]
    for name in SCHEDULED:
        every = usage[name]["every_minutes"]
        runs = minutes / every
        run = usage["idle_runs"][name]
        wru, rru = request_units(run["operations"], sizes, indexes)
        sqs = sum(1 for op in run["operations"] if op["service"] == "sqs")
        log_gb = runs * (run["log"]["bytes"] + _value(assume, "platform_log_bytes_per_invocation")) / 1e9
        lines += [
            Line("AWS", f"{name}: Lambda invocations (every {every} min)", runs, "invocation",
                 aws["lambda_request"]["usd"]),
            Line("AWS", f"{name}: Lambda duration", runs * durations[name] / 1000 * memory_gb(config, stage, name),
                 "GB-s", aws["lambda_gb_second"]["usd"]),
            Line("AWS", f"{name}: DynamoDB writes", runs * wru, "WRU", aws["dynamodb_wru"]["usd"]),
            Line("AWS", f"{name}: DynamoDB reads", runs * rru, "RRU", aws["dynamodb_rru"]["usd"]),
            Line("AWS", f"{name}: SQS requests", runs * sqs, "request", aws["sqs_request"]["usd"]),
            Line("AWS", f"{name}: logs ingested", log_gb, "GB", aws["logs_ingest_gb"]["usd"]),
            Line("AWS", f"{name}: X-Ray traces", runs * _value(assume, "traced_fraction"), "trace",
                 aws["xray_trace"]["usd"]),
        ]
    lines.append(Line("AWS", "SQS: the event source mappings' long polls", consumed_queues(resources)
                      * _value(assume, "sqs_idle_receives_per_queue_month"), "request", aws["sqs_request"]["usd"]))
    if provisioned:
        seconds = _value(assume, "days_per_month") * 86400
        lines.append(Line("AWS", f"Provisioned concurrency ({provisioned} on the webhook function)",
                          provisioned * memory_gb(config, stage, "api_handler") * seconds, "GB-s",
                          aws["lambda_provisioned_gb_second"]["usd"]))
    lines.append(Line("Twilio", "Phone numbers (rent)", numbers, "number-month", twilio["number_month"]["usd"]))
    return lines


def total(lines: list[Line], provider: str | None = None) -> float:
    return sum(line.usd for line in lines if provider is None or line.provider == provider)


# -- output ----------------------------------------------------------------------------------------------

def _quantity(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.4g}"


def table(lines: list[Line], scale: float, title: str) -> str:
    rows = [f"| {title} | quantity | unit price (USD) | USD |", "| --- | ---: | ---: | ---: |"]
    for provider in ("AWS", "Twilio"):
        mine = [line for line in lines if line.provider == provider]
        for line in mine:
            rows.append(f"| {provider}: {line.what} | {_quantity(line.quantity * scale)} {line.unit} | "
                        f"{line.unit_usd:.4g} | {line.usd * scale:,.2f} |")
        if mine:
            rows.append(f"| **{provider} subtotal** | | | **{total(mine) * scale:,.2f}** |")
    rows.append(f"| **Total** | | | **{total(lines) * scale:,.2f}** |")
    return "\n".join(rows)


def report(usage: dict[str, Any], prices: dict[str, Any], resources: dict[str, Any], config: dict[str, Any],
           numbers: int, provisioned: int) -> str:
    assume = prices["assumptions"]
    call = per_call(usage, prices, resources, config)
    fixed = fixed_monthly(usage, prices, resources, config, numbers, provisioned)
    state_calls = _value(assume, "state_calls_per_day") * _value(assume, "days_per_month")
    state_fixed = fixed_monthly(usage, prices, resources, config, _value(assume, "state_numbers"), provisioned)
    aws_call, twilio_call = total(call, "AWS"), total(call, "Twilio")
    bigger, smaller = ("Twilio", "AWS") if twilio_call >= aws_call else ("AWS", "Twilio")
    ratio = max(aws_call, twilio_call) / max(min(aws_call, twilio_call), 1e-12)
    state = {provider: total(call, provider) * state_calls + total(state_fixed, provider)
             for provider in ("AWS", "Twilio")}
    return "\n".join([
        f"Cost per 1,000 complaint calls ({prices['region']}; {prices['as_of']})", "",
        table(call, 1000, "per 1,000 complaint calls"), "",
        f"{bigger} dominates: {ratio:,.0f} × {smaller}'s share per call.", "",
        table(fixed, 1, f"fixed, per month ({numbers} numbers"
                        + (f", provisioned concurrency {provisioned})" if provisioned else ")")), "",
        f"State-wide, {_value(assume, 'state_calls_per_day'):,} calls a day ({state_calls:,} a month, "
        f"{_value(assume, 'state_numbers')} numbers, one stack): AWS {state['AWS']:,.0f} USD, "
        f"Twilio {state['Twilio']:,.0f} USD, total {sum(state.values()):,.0f} USD a month.",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.cost", description=__doc__.splitlines()[0])
    parser.add_argument("--bench", type=Path, default=BENCH, help="make bench's figures (default build/bench.json)")
    parser.add_argument("--prices", type=Path, default=PRICES)
    parser.add_argument("--district", type=Path, default=ROOT / "examples" / "raipur.yaml",
                        help="its lines are the numbers rented")
    parser.add_argument("--provisioned-concurrency", type=int, default=None)
    args = parser.parse_args(argv)
    if not args.bench.exists():
        print(f"{args.bench} is missing: run `make bench` (or `python -m tests.bench.run --only usage`) first",
              file=sys.stderr)
        return 1
    from chalicelib.district_file import read_district_file

    usage = json.loads(args.bench.read_text())["usage"]
    prices = json.loads(args.prices.read_text())
    provisioned = (args.provisioned_concurrency if args.provisioned_concurrency is not None
                   else prices["assumptions"]["provisioned_concurrency"]["value"])
    numbers = len(read_district_file(args.district).lines())
    print(report(usage, prices, json.loads(RESOURCES.read_text()), json.loads(CONFIG.read_text()), numbers,
                 provisioned))
    return 0


if __name__ == "__main__":
    sys.exit(main())
