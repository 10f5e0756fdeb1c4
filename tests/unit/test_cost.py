"""infra/cost.py: the cost estimate is computed from the counts and prices it is given (expected values are
derived here from the same inputs, never typed in as totals)."""
from __future__ import annotations

import json
import math

import pytest

from infra import cost

SIZES = {"tickets": 1500, "counters": 200, "directory": 5000, "calls": 300}
RUNS_PER_WINDOW = 6 * 60 / 15  # window_hours × 60 / every_minutes below
RECORDINGS_SEEN = 2  # the bench's reconciler run saw two recordings: what one adds is half its reads


def _price(usd: float) -> dict:
    return {"usd": usd, "per": "unit", "source": "test"}


PRICES = {
    "region": "ap-south-1", "as_of": "test prices",
    "aws": {name: _price(usd) for name, usd in {
        "lambda_request": 2e-7, "lambda_gb_second": 1.7e-5, "lambda_provisioned_gb_second": 4e-6,
        "lambda_provisioned_duration_gb_second": 1e-5, "apigw_rest_request": 3.5e-6, "dynamodb_wru": 7e-7,
        "dynamodb_rru": 1.4e-7, "dynamodb_storage_gb_month": 0.3, "dynamodb_pitr_gb_month": 0.2,
        "sqs_request": 4e-7, "logs_ingest_gb": 0.5, "logs_storage_gb_month": 0.03, "xray_trace": 5e-6,
        "cloudwatch_alarm_month": 0.1, "sns_email": 2e-5, "s3_storage_gb_month": 0.025}.items()},
    "twilio": {name: _price(usd) for name, usd in {
        "number_month": 20.0, "inbound_minute": 0.04, "outbound_minute": 0.05, "sms_segment": 0.08,
        "whatsapp_message": 0.005, "whatsapp_template_in": 0.001, "recording_minute": 0.0025,
        "recording_storage_minute_month": 0.0005}.items()},
    "assumptions": {name: {"value": value, "why": ""} for name, value in {
        "complaint_call_billed_minutes": 3, "recording_minutes": 1, "outbound_call_billed_minutes": 2,
        "duration_ms": {"api_handler": 100, "notifier": 300, "followup": 400, "sweeper": 200, "reconciler": 1000},
        "platform_log_bytes_per_invocation": 300, "log_months_kept": 3, "traced_fraction": 1.0,
        "sqs_mapping_requests_per_message": 2, "sqs_idle_receives_per_queue_month": 600000, "days_per_month": 30,
        "provisioned_concurrency": 0, "state_calls_per_day": 1000, "state_numbers": 5, "gsi_writes": "every"}.items()},
}

RESOURCES = {"Resources": {
    "TicketsTable": {"Type": "AWS::DynamoDB::Table", "Properties": {
        "TableName": {"Fn::Sub": "samvad-${Stage}-tickets"},
        "GlobalSecondaryIndexes": [{"IndexName": "by_caller", "Projection": {"ProjectionType": "KEYS_ONLY"}},
                                   {"IndexName": "by_district", "Projection": {"ProjectionType": "ALL"}}]}},
    "CountersTable": {"Type": "AWS::DynamoDB::Table",
                      "Properties": {"TableName": {"Fn::Sub": "samvad-${Stage}-counters"}}},
    "NotifyDlq": {"Type": "AWS::SQS::Queue", "Properties": {}},
    "NotifyQueue": {"Type": "AWS::SQS::Queue", "Properties": {"RedrivePolicy": {"maxReceiveCount": 5}}},
    "A": {"Type": "AWS::CloudWatch::Alarm"}, "B": {"Type": "AWS::CloudWatch::Alarm"},
    "C": {"Type": "AWS::CloudWatch::Alarm"},
}}
CONFIG = {"lambda_memory_size": 512, "lambda_functions": {"notifier": {"lambda_memory_size": 256}},
          "stages": {"prod": {"lambda_functions": {"followup": {"lambda_memory_size": 1024}}}}}


def op(function: str, operation: str, service: str = "dynamodb", **fields) -> dict:
    return {"service": service, "operation": operation, "function": function, **fields}


def usage() -> dict:
    life_ops = [
        op("api_handler", "PutItem", table="tickets"),
        op("api_handler", "TransactWriteItems", items=[{"kind": "Put", "table": "tickets"},
                                                       {"kind": "Update", "table": "counters"}]),
        op("api_handler", "GetItem", table="directory", consistent=True),
        op("api_handler", "Query", table="tickets", consistent=False, items_read=3),
        op("api_handler", "SendMessage", service="sqs", queue="samvad-prod-notify"),
        op("notifier", "BatchWriteItem", items=[{"kind": "PutRequest", "table": "counters"}]),
        op("outside", "ReceiveMessage", service="sqs"),  # the local pump: priced by the per-message assumption
        op("sweeper", "Query", table="tickets", items_read=0),
        op("sweeper", "UpdateItem", table="counters"),
        op("reconciler", "BatchGetItem", items=[{"kind": "Get", "table": "calls", "consistent": True}]),
    ]
    idle_sweeper = [op("sweeper", "Query", table="tickets", items_read=0)]
    return {
        "lifecycle": {"invocations": {"api_handler": 7, "notifier": 2, "followup": 1, "sweeper": 1, "reconciler": 1},
                      "sqs_messages": {"notifier": 3, "followup": 1}, "operations": life_ops,
                      "log": {"bytes": 5000, "lines": 10}, "reconciler_recordings": RECORDINGS_SEEN,
                      "twilio": {"sms_segments": [2, 1, 4], "whatsapp": 2, "calls": 1}},
        "idle_runs": {"sweeper": {"operations": idle_sweeper, "log": {"bytes": 400, "lines": 1},
                                  "invocations": {"sweeper": 1}},
                      "reconciler": {"operations": [], "log": {"bytes": 100, "lines": 1},
                                     "invocations": {"reconciler": 1}}},
        "item_bytes": SIZES,
        "reconciler": {"window_hours": 6, "every_minutes": 15}, "sweeper": {"every_minutes": 1},
    }


def lines_by_name(lines):
    return {line.what: line for line in lines}


def a(name: str) -> float:
    return PRICES["aws"][name]["usd"]


def t(name: str) -> float:
    return PRICES["twilio"][name]["usd"]


def assumed(name: str):
    return PRICES["assumptions"][name]["value"]


def test_indexes_memory_and_alarms_are_read_from_the_infrastructure():
    assert cost.table_indexes(RESOURCES) == {"tickets": ["KEYS_ONLY", "ALL"], "counters": []}
    assert cost.alarm_count(RESOURCES) == 3 and cost.consumed_queues(RESOURCES) == 1
    assert cost.memory_gb(CONFIG, "prod", "api_handler") == 512 / 1024
    assert cost.memory_gb(CONFIG, "prod", "notifier") == 256 / 1024
    assert cost.memory_gb(CONFIG, "prod", "followup") == 1024 / 1024


def test_a_table_added_to_the_resources_is_priced_with_its_indexes():
    resources = json.loads(json.dumps(RESOURCES))
    resources["Resources"]["ConversationsTable"] = {"Type": "AWS::DynamoDB::Table", "Properties": {
        "TableName": {"Fn::Sub": "samvad-${Stage}-conversations"},
        "GlobalSecondaryIndexes": [{"IndexName": "by_phone", "Projection": {"ProjectionType": "KEYS_ONLY"}}]}}
    indexes = cost.table_indexes(resources)
    wru, _ = cost.request_units([op("api_handler", "PutItem", table="conversations")], {"conversations": 10},
                                indexes)
    assert wru == 1 + len(indexes["conversations"])


def test_request_units_follow_item_sizes_transactions_and_indexes():
    indexes = cost.table_indexes(RESOURCES)
    tickets_kb = math.ceil(SIZES["tickets"] / 1024)
    # A write to tickets: the item, a KEYS_ONLY copy (1 unit) and an ALL copy (the item's size).
    one_ticket_write = tickets_kb + 1 + tickets_kb
    wru, rru = cost.request_units(usage()["lifecycle"]["operations"][:4], SIZES, indexes)
    assert wru == one_ticket_write + (2 * tickets_kb + 1 + tickets_kb) + 2 * 1
    assert rru == math.ceil(SIZES["directory"] / 4096) + math.ceil(3 * SIZES["tickets"] / 4096) / 2


def test_storage_keeps_each_written_item_once_until_it_is_deleted():
    ops = [
        op("api_handler", "TransactWriteItems", items=[{"kind": "Put", "table": "tickets", "key": "T1"},
                                                       {"kind": "Put", "table": "counters", "key": "C1"}]),
        op("api_handler", "PutItem", table="tickets", key="T1"),  # the same ticket, written again
        op("api_handler", "UpdateItem", table="counters", key="C2"),  # an update that makes an item
        op("notifier", "BatchWriteItem", items=[{"kind": "DeleteRequest", "table": "counters", "key": "C1"}]),
        op("api_handler", "PutItem", table="counters"),  # recorded without its key: a new item
    ]
    ticket, counter = SIZES["tickets"] + 100, SIZES["counters"] + 100
    # tickets: the item, its KEYS_ONLY copy (100 bytes) and its ALL copy; counters have no index.
    assert cost.stored_bytes(ops, SIZES, cost.table_indexes(RESOURCES)) == (ticket + 100 + ticket) + 2 * counter


def test_each_line_is_a_measured_count_times_its_price():
    figures = usage()
    life = figures["lifecycle"]
    lines = lines_by_name(cost.per_call(figures, PRICES, RESOURCES, CONFIG))
    api, messages = life["invocations"]["api_handler"], life["sqs_messages"]
    durations = assumed("duration_ms")

    assert lines["API Gateway (REST) requests"].usd == pytest.approx(api * a("apigw_rest_request"))
    invocations = api + messages["notifier"] + messages["followup"]  # a consumer: one invocation per message
    assert lines["Lambda invocations"].usd == pytest.approx(invocations * a("lambda_request"))
    gb_s = (api * durations["api_handler"] / 1000 * 0.5 + messages["notifier"] * durations["notifier"] / 1000 * 0.25
            + messages["followup"] * durations["followup"] / 1000 * 1.0)
    assert lines["Lambda duration"].quantity == pytest.approx(gb_s)
    assert lines["X-Ray traces"].usd == pytest.approx(invocations * assumed("traced_fraction") * a("xray_trace"))

    # DynamoDB: the call's functions, the sweeper's work beyond an idle run, the reconciler's times its runs.
    indexes = cost.table_indexes(RESOURCES)
    ops = life["operations"]
    direct = cost.request_units([o for o in ops if o["function"] in ("api_handler", "notifier", "followup")],
                                SIZES, indexes)
    sweeper = cost.request_units([o for o in ops if o["function"] == "sweeper"], SIZES, indexes)
    idle = cost.request_units(figures["idle_runs"]["sweeper"]["operations"], SIZES, indexes)
    reconciler = cost.request_units([o for o in ops if o["function"] == "reconciler"], SIZES, indexes)
    wru = direct[0] + (sweeper[0] - idle[0]) + reconciler[0] * RUNS_PER_WINDOW / RECORDINGS_SEEN
    rru = direct[1] + (sweeper[1] - idle[1]) + reconciler[1] * RUNS_PER_WINDOW / RECORDINGS_SEEN
    assert lines["DynamoDB writes"].usd == pytest.approx(wru * a("dynamodb_wru"))
    assert lines["DynamoDB reads"].usd == pytest.approx(rru * a("dynamodb_rru"))

    sqs = 1 + (messages["notifier"] + messages["followup"]) * assumed("sqs_mapping_requests_per_message")
    assert lines["SQS requests (functions and event source mapping)"].quantity == sqs

    log_bytes = (life["log"]["bytes"] - 400 - 100) + invocations * assumed("platform_log_bytes_per_invocation")
    assert lines["CloudWatch Logs ingestion"].usd == pytest.approx(log_bytes / 1e9 * a("logs_ingest_gb"))

    twilio = life["twilio"]
    assert lines["SMS"].usd == pytest.approx(sum(twilio["sms_segments"]) * t("sms_segment"))
    assert lines["WhatsApp templates"].usd == pytest.approx(
        twilio["whatsapp"] * (t("whatsapp_message") + t("whatsapp_template_in")))
    assert lines["Inbound minutes (toll-free)"].usd == pytest.approx(
        assumed("complaint_call_billed_minutes") * t("inbound_minute"))
    assert lines["Outbound calls (feedback)"].usd == pytest.approx(
        twilio["calls"] * assumed("outbound_call_billed_minutes") * t("outbound_minute"))


def test_fixed_costs_count_alarms_schedules_polls_numbers_and_provisioned_concurrency():
    figures = usage()
    lines = lines_by_name(cost.fixed_monthly(figures, PRICES, RESOURCES, CONFIG, numbers=4, provisioned=2))
    minutes = assumed("days_per_month") * 24 * 60
    assert lines["CloudWatch alarms"].usd == pytest.approx(3 * a("cloudwatch_alarm_month"))
    assert lines["sweeper: Lambda invocations (every 1 min)"].quantity == minutes
    assert lines["reconciler: Lambda invocations (every 15 min)"].quantity == minutes / 15
    idle_rru = cost.request_units(figures["idle_runs"]["sweeper"]["operations"], SIZES,
                                  cost.table_indexes(RESOURCES))[1]
    assert lines["sweeper: DynamoDB reads"].quantity == pytest.approx(minutes * idle_rru)
    assert lines["SQS: the event source mappings' long polls"].quantity == assumed("sqs_idle_receives_per_queue_month")
    provisioned = lines["Provisioned concurrency (2 on the webhook function)"]
    assert provisioned.usd == pytest.approx(2 * 0.5 * assumed("days_per_month") * 86400
                                            * a("lambda_provisioned_gb_second"))
    assert lines["Phone numbers (rent)"].usd == pytest.approx(4 * t("number_month"))
    without = lines_by_name(cost.fixed_monthly(figures, PRICES, RESOURCES, CONFIG, numbers=4, provisioned=0))
    assert not any(name.startswith("Provisioned") for name in without)


def test_the_report_keeps_providers_apart_and_names_the_larger():
    figures = usage()
    call = cost.per_call(figures, PRICES, RESOURCES, CONFIG)
    assert cost.total(call) == pytest.approx(cost.total(call, "AWS") + cost.total(call, "Twilio"))
    text = cost.report(figures, PRICES, RESOURCES, CONFIG, numbers=4, provisioned=0)
    larger = "Twilio" if cost.total(call, "Twilio") > cost.total(call, "AWS") else "AWS"
    assert f"{larger} dominates" in text
    assert f"**{cost.total(call, 'AWS') * 1000:,.2f}**" in text
    state_calls = assumed("state_calls_per_day") * assumed("days_per_month")
    state_fixed = cost.fixed_monthly(figures, PRICES, RESOURCES, CONFIG, assumed("state_numbers"), 0)
    aws_month = cost.total(call, "AWS") * state_calls + cost.total(state_fixed, "AWS")
    assert f"AWS {aws_month:,.0f} USD" in text


def test_without_the_bench_figures_it_says_what_to_run(tmp_path, capsys):
    assert cost.main(["--bench", str(tmp_path / "missing.json")]) == 1
    assert "make bench" in capsys.readouterr().err


def test_the_committed_prices_have_a_source_for_every_price():
    prices = json.loads(cost.PRICES.read_text())
    for provider in ("aws", "twilio"):
        for name, price in prices[provider].items():
            assert price["usd"] > 0 and price["source"], name
    assert "check the current price pages" in prices["as_of"]
