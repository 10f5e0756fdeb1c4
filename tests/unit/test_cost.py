"""infra/cost.py: the cost estimate is computed from the counts and prices it is given (expected values are
derived here from the same inputs, never typed in as totals), per channel plan, in US$ and ₹; and
infra/prices.json names a source page and a date for every price."""
from __future__ import annotations

import json
import math
import re

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
        "whatsapp_message": 0.005, "recording_minute": 0.0025, "recording_storage_minute_month": 0.0005}.items()},
    "plivo": {name: _price(usd) for name, usd in {
        "number_month": 3.0, "inbound_minute": 0.006, "outbound_minute": 0.012, "sms_segment": 0.003,
        "recording_minute": 0.002, "recording_storage_minute_month": 0.0004}.items()},
    "meta": {"whatsapp_utility_in": {"inr": 0.2, "per": "unit", "source": "test"},
             "whatsapp_service_in": {"inr": 0.1, "per": "unit", "source": "test"}},
    "exchange_rate": {"inr_per_usd": 80.0, "source": "test"},
    "assumptions": {name: {"value": value, "why": ""} for name, value in {
        "complaint_call_billed_minutes": 3, "recording_minutes": 1, "outbound_call_billed_minutes": 2,
        "duration_ms": {"api_handler": 100, "notifier": 300, "followup": 400, "sweeper": 200, "reconciler": 1000},
        "platform_log_bytes_per_invocation": 300, "log_months_kept": 3, "traced_fraction": 1.0,
        "sqs_mapping_requests_per_message": 2, "sqs_idle_receives_per_queue_month": 600000, "days_per_month": 30,
        "provisioned_concurrency": 0, "state_calls_per_day": 1000, "state_numbers": 5, "gsi_writes": "every",
        "citizens_consenting_share": 0.5, "officers_on_whatsapp_share": 0.8, "whatsapp_bounce_share": 0.1,
        "officer_ivr_billed_minutes": 2, "officer_remark_recording_minutes": 1}.items()},
}
RATE = PRICES["exchange_rate"]["inr_per_usd"]

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
                      "messages": [], "calls": [], "inbound_messages": [], "complaint_calls": []},
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


def t(name: str, carrier: str = "twilio") -> float:
    return PRICES[carrier][name]["usd"]


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


def test_each_aws_line_is_a_measured_count_times_its_price():
    figures = usage()
    life = figures["lifecycle"]
    lines = lines_by_name(cost.aws_per_complaint(figures, PRICES, RESOURCES, CONFIG))
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


def message(carrier: str, channel: str, to: str, segments: int = 0, template: bool = False, **extra) -> dict:
    return {"carrier": carrier, "channel": channel, "to": to, "segments": segments, "template": template, **extra}


def run(messages: list, calls: list, inbound: list | None = None) -> dict:
    """A hand-made run: usage()'s AWS requests with these messages and calls, one recorded call in on Plivo."""
    figures = json.loads(json.dumps(usage()))
    figures["lifecycle"].update({"messages": messages, "calls": calls, "inbound_messages": inbound or [],
                                 "complaint_calls": [{"carrier": "plivo", "line": "+91", "recorded": True}]})
    return figures


REACHABLE = run([message("twilio", "whatsapp", "citizen", template=True),
                 message("twilio", "whatsapp", "officer", template=True),
                 message("twilio", "whatsapp", "officer", reply=True),
                 message("plivo", "sms", "citizen", segments=1)],
                [{"carrier": "plivo", "to": "citizen"}],
                [{"carrier": "twilio", "channel": "whatsapp", "from": "officer"}])
UNREACHABLE = run([message("plivo", "sms", "citizen", segments=2), message("plivo", "sms", "citizen", segments=1),
                   message("plivo", "sms", "officer", segments=3),
                   message("twilio", "international_sms", "citizen", segments=2)],
                  [{"carrier": "plivo", "to": "citizen"}])
UNREACHABLE["lifecycle"]["officer_calls"] = [{"carrier": "plivo", "line": "+91", "recorded": True}]
PLAN = {"name": "India plan", "district": "examples/raipur.yaml", "file": "tests/bench/plans/india.yaml",
        "numbers": {"plivo": 4, "twilio": 1}, "runs": {"reachable": REACHABLE, "unreachable": UNREACHABLE}}


def test_each_message_and_call_is_priced_at_its_carriers_rate_in_dollars_or_rupees():
    by_party = cost.carrier_per_complaint(REACHABLE, PRICES)
    citizen, officer, call = (lines_by_name(by_party[p]) for p in ("citizen", "officer", None))
    meta_utility = PRICES["meta"]["whatsapp_utility_in"]["inr"] / RATE  # Meta publishes India's rates in ₹
    assert citizen["WhatsApp templates to citizens (Twilio's fee)"].usd == pytest.approx(t("whatsapp_message"))
    assert citizen["WhatsApp templates to citizens (Meta's utility rate)"].usd == pytest.approx(meta_utility)
    assert officer["WhatsApp replies to officers (Meta's service rate)"].usd == pytest.approx(
        PRICES["meta"]["whatsapp_service_in"]["inr"] / RATE)
    assert officer["WhatsApp in from officers (Twilio's fee)"].usd == pytest.approx(t("whatsapp_message"))
    assert citizen["SMS (DLT) to citizens"].usd == pytest.approx(1 * t("sms_segment", "plivo"))
    assert citizen["Calls to citizens (feedback, callbacks)"].usd == pytest.approx(
        assumed("outbound_call_billed_minutes") * t("outbound_minute", "plivo"))
    assert call["Recording"].usd == pytest.approx(assumed("recording_minutes") * t("recording_minute", "plivo"))
    call_in = call["The citizen's call in (the line's inbound minutes)"]
    assert not call_in.in_goal  # shown apart from the ₹5 goal
    assert call_in.usd == pytest.approx(assumed("complaint_call_billed_minutes") * t("inbound_minute", "plivo"))

    officers_ivr = lines_by_name(cost.carrier_per_complaint(UNREACHABLE, PRICES)["officer"])
    assert officers_ivr["Officers' calls in (the officers' IVR)"].usd == pytest.approx(
        assumed("officer_ivr_billed_minutes") * t("inbound_minute", "plivo"))
    assert officers_ivr["Officers' calls in (the officers' IVR)"].in_goal  # only the citizen's call is apart
    assert officers_ivr["Recording (officers' remarks)"].usd == pytest.approx(
        assumed("officer_remark_recording_minutes") * t("recording_minute", "plivo"))
    unreachable = lines_by_name(cost.carrier_per_complaint(UNREACHABLE, PRICES)["citizen"])
    assert unreachable["SMS (DLT) to citizens"].quantity == 2 + 1  # the same line, its segments added
    assert unreachable["International SMS to citizens"].usd == pytest.approx(2 * t("sms_segment"))


def test_a_plan_weighs_its_two_runs_by_who_is_on_whatsapp_and_what_bounces():
    s_c, s_o, b = (assumed(n) for n in ("citizens_consenting_share", "officers_on_whatsapp_share",
                                         "whatsapp_bounce_share"))
    lines = cost.plan_per_complaint(PLAN, PRICES, RESOURCES, CONFIG)
    by_name = lines_by_name(lines)
    reach_c, reach_o = s_c * (1 - b), s_o * (1 - b)  # reached on WhatsApp; the rest as in the unreachable run
    assert by_name["SMS (DLT) to citizens"].quantity == pytest.approx(reach_c * 1 + (1 - reach_c) * 3)
    assert by_name["SMS (DLT) to officers"].quantity == pytest.approx((1 - reach_o) * 3)
    assert by_name["WhatsApp templates to officers (Twilio's fee)"].quantity == pytest.approx(reach_o)
    # A bounced message pays Twilio's fee, not Meta's; the SMS after it is in the unreachable share above.
    assert by_name["WhatsApp bounced to citizens (Twilio's fee)"].quantity == pytest.approx(s_c * b)
    assert by_name["WhatsApp bounced to officers (Twilio's fee)"].quantity == pytest.approx(s_o * b)
    # The feedback call and the call in are in both runs: once per complaint.
    assert by_name["Calls to citizens (feedback, callbacks)"].quantity == pytest.approx(
        assumed("outbound_call_billed_minutes"))
    assert by_name["The citizen's call in (the line's inbound minutes)"].quantity == pytest.approx(
        assumed("complaint_call_billed_minutes"))
    aws = cost.aws_per_complaint(REACHABLE, PRICES, RESOURCES, CONFIG)
    assert cost.total(lines, "AWS") == pytest.approx(cost.total(aws, "AWS"))  # both runs alike: either one
    assert cost.total(lines, in_goal=None) == pytest.approx(cost.total(lines) + cost.total(lines, in_goal=False))


def test_the_last_line_is_the_india_plans_rupees_per_complaint():
    usage_of_plans = {"plans": {"india": PLAN, "twilio-only": {**PLAN, "name": "Twilio-only plan"}}}
    text = cost.report(usage_of_plans, PRICES, RESOURCES, CONFIG,
                       {"india": PLAN["numbers"], "twilio-only": {"twilio": 5}}, provisioned=0)
    last = text.splitlines()[-1]
    assert re.fullmatch(r"India plan: ₹\d+\.\d{2} per complaint \(goal ₹5\)", last), last
    rupees = cost.total(cost.plan_per_complaint(PLAN, PRICES, RESOURCES, CONFIG)) * RATE
    assert last == f"India plan: ₹{rupees:.2f} per complaint (goal ₹5)"
    assert "Twilio-only plan: ₹ per complaint by line (its own scale)" in text  # the bar chart, per plan
    assert f"| **Total for the goal** (AWS, messages, calls out, recording) | | | **{rupees / RATE * 1000:,.2f}** |" \
        in text


def test_the_bars_grow_with_the_rupees():
    lines = [cost.Line("Plivo", "SMS", 1, "segment", 0.05), cost.Line("Twilio", "WhatsApp", 1, "message", 0.01),
             cost.Line("Plivo", "call in", 1, "minute", 1.0, in_goal=False)]
    chart = cost.bar_chart({"P": lines}, RATE).splitlines()
    plan_total, goal = chart[1], chart[2]
    assert plan_total.endswith(f"₹{0.06 * RATE:.2f}") and goal.endswith(f"₹{cost.GOAL_INR:.2f}")
    largest = max(0.06 * RATE, cost.GOAL_INR)  # the plans and the goal on one scale
    assert plan_total.count("█") == int(cost.BAR_WIDTH * 0.06 * RATE / largest)
    assert chart[3] == "P: ₹ per complaint by line (its own scale)"
    sms, whatsapp = chart[4], chart[5]
    assert sms.endswith(f"₹{0.05 * RATE:.2f}") and whatsapp.endswith(f"₹{0.01 * RATE:.2f}")
    assert sms.count("█") == cost.BAR_WIDTH and whatsapp.count("█") == cost.BAR_WIDTH // 5
    assert "call in" not in "\n".join(chart)  # apart from the goal: not a bar


def test_fixed_costs_count_alarms_schedules_polls_numbers_and_provisioned_concurrency():
    figures = usage()
    lines = lines_by_name(cost.fixed_monthly(figures, PRICES, RESOURCES, CONFIG, numbers={"plivo": 4}, provisioned=2))
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
    assert lines["Phone numbers (rent)"].usd == pytest.approx(4 * t("number_month", "plivo"))
    without = lines_by_name(cost.fixed_monthly(figures, PRICES, RESOURCES, CONFIG, numbers={}, provisioned=0))
    assert not any(name.startswith(("Provisioned", "Phone numbers")) for name in without)


def test_the_numbers_rented_are_each_lines_carriers_and_the_senders():
    from chalicelib.district_file import read_district_file

    district = read_district_file(cost.ROOT / "examples" / "raipur.yaml")
    rented = cost.numbers_rented(district)
    lines = {line for hotline in district.hotlines for line in hotline.lines}
    assert sum(rented.values()) >= len(lines)
    for carrier in {hotline.carrier for hotline in district.hotlines}:
        on_it = {line for hotline in district.hotlines if hotline.carrier == carrier for line in hotline.lines}
        assert rented[carrier] >= len(on_it)
    assert set(cost.numbers_rented(district, "twilio")) == {"twilio"}


def test_without_the_plans_usage_it_says_what_to_run(tmp_path, capsys):
    assert cost.main(["--bench", str(tmp_path / "missing.json")]) == 1
    assert "make bench" in capsys.readouterr().err
    old = tmp_path / "bench.json"
    old.write_text(json.dumps({"usage": usage()}))  # a usage from before the plans
    assert cost.main(["--bench", str(old), "--has-usage"]) == 1
    old.write_text(json.dumps({"usage": {"plans": {"india": PLAN}}}))
    assert cost.main(["--bench", str(old), "--has-usage"]) == 0


DATE = re.compile(r"\d{4}-\d{2}(-\d{2})?")


def test_every_committed_price_names_its_page_and_when_it_was_read():
    prices = json.loads(cost.PRICES.read_text())
    for section in ("aws", "twilio", "plivo", "meta"):
        for name, price in prices[section].items():
            assert (price.get("usd") or price.get("inr") or 0) > 0, name
            assert re.search(r"https?://\S+", price["source"]), name
            assert DATE.fullmatch(price["read"]), name
            assert isinstance(price.get("estimate", False), bool), name
    rate = prices["exchange_rate"]
    assert rate["inr_per_usd"] > 0 and re.search(r"https?://", rate["source"]) and DATE.fullmatch(rate["read"])
    for name, assumption in prices["assumptions"].items():
        assert assumption["why"], name
    for share in ("citizens_consenting_share", "officers_on_whatsapp_share", "whatsapp_bounce_share"):
        assert 0 <= prices["assumptions"][share]["value"] <= 1
    assert "check the current price pages" in prices["as_of"]


VIDEO_PRICES = {**PRICES, "aws": {**PRICES["aws"], "chime_attendee_minute": _price(0.0017),
                                  "chime_media_capture_minute": _price(0.003)},
                "assumptions": {**PRICES["assumptions"], "video_capture_mb_per_minute": {"value": 7, "why": ""}}}


def _video() -> dict:
    return {"minutes": 10, "attendees": 2, "invocations": {"api_handler": 8, "notifier": 1},
            "sqs_messages": {"notifier": 1}, "item_bytes": SIZES,
            "operations": [op("api_handler", "GetItem", table="calls", consistent=True),
                           op("api_handler", "UpdateItem", table="calls"),
                           op("api_handler", "SendMessage", service="sqs", queue="samvad-prod-notify"),
                           op("api_handler", "CreateMeeting", service="chime-sdk-meetings")],
            "messages": [{"carrier": "plivo", "channel": "sms", "to": "citizen", "segments": 2, "template": False},
                         {"carrier": "twilio", "channel": "whatsapp", "to": "citizen", "segments": 0,
                          "template": True}]}


def test_a_video_call_is_its_attendee_minutes_its_requests_and_its_link_and_the_recording_apart():
    call, recording = cost.video_call(_video(), VIDEO_PRICES, RESOURCES, CONFIG)
    lines = lines_by_name(call)
    meeting = lines["Meeting (Amazon Chime SDK): 2 attendees × 10 minutes"]
    assert meeting.quantity == 20 and meeting.usd == pytest.approx(20 * 0.0017)
    assert lines["The link, by SMS (DLT)"].usd == pytest.approx(2 * t("sms_segment", "plivo"))
    assert lines["The link, by WhatsApp (Twilio's fee)"].usd == pytest.approx(t("whatsapp_message"))
    assert lines["The link, by WhatsApp (Meta's utility rate)"].usd == pytest.approx(0.2 / RATE)
    assert lines["API Gateway (REST) requests"].quantity == 8
    assert lines["SQS requests"].quantity == 1 + 1 * assumed("sqs_mapping_requests_per_message")
    wru, rru = cost.request_units(_video()["operations"], SIZES, cost.table_indexes(RESOURCES))
    assert lines["DynamoDB writes"].quantity == wru and lines["DynamoDB reads"].quantity == rru
    captured = lines_by_name(recording)
    assert captured["Recording (media capture pipeline), with the citizen's yes"].usd == pytest.approx(10 * 0.003)
    assert captured["The recording in S3, per month kept"].quantity == pytest.approx(10 * 7 / 1000)


def test_the_report_says_what_a_video_call_costs_and_still_ends_with_the_india_plan():
    usage_of_plans = {"plans": {"india": PLAN}}
    text = cost.report(usage_of_plans, VIDEO_PRICES, RESOURCES, CONFIG, {"india": PLAN["numbers"]}, provisioned=0,
                       video=_video())
    call, recording = cost.video_call(_video(), VIDEO_PRICES, RESOURCES, CONFIG)
    assert (f"A 10-minute sign-language video call: ₹{cost.total(call) * RATE:.2f} (US${cost.total(call):.4f}); "
            f"with its recording ₹{(cost.total(call) + cost.total(recording)) * RATE:.2f}") in text.splitlines()
    assert text.splitlines()[-1].startswith("India plan: ₹")
    unmeasured = cost.report(usage_of_plans, VIDEO_PRICES, RESOURCES, CONFIG, {"india": PLAN["numbers"]},
                             provisioned=0)
    assert "A sign-language video call: not measured" in unmeasured
