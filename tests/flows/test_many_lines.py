"""Many lines in one district: Bilaspur's eight numbers all reach its IVR, each line's calls are counted on
their own, and the Collector's dashboard reads the same few items however many tickets there are."""
from __future__ import annotations

import re
from collections import Counter

import pytest
from botocore.client import BaseClient

from chalicelib import settings
from chalicelib.store.district_loader import load_district
from chalicelib.store.models import CallModel, CounterModel, DirectoryModel, TicketModel
from tests.support.fixtures import ROOT

BILASPUR = ROOT / "examples" / "bilaspur.yaml"
BSP_LINES = [f"+9199772230{n:02d}" for n in range(1, 9)]


@pytest.fixture
def bilaspur(aws):
    """Bilaspur next to Raipur: loaded only here, other tests rely on BSP having no data. Its eight lines answer
    with the IVR here (the demo file cuts the call and calls back: tests/flows/test_seeds.py), so each call is a
    ticket on its line at once."""
    from chalicelib.district_file import read_yaml
    from chalicelib.domain.district import parse_district
    from chalicelib.i18n import available_languages

    data = read_yaml(BILASPUR)
    data["transcription"] = {"enabled": False}
    data["hotlines"][0]["mode"] = "ivr"
    load_district(parse_district(data, available_languages()))


def _call(phone, line: str, caller: str) -> str:
    log = phone("1|1|2|say:हमारे वार्ड में तीन दिन से पानी नहीं आया", caller=caller, line=line)  # Hindi, new, water
    assert all(status == 200 for _, status in log.requests), log.requests
    spoken = next(m for s in log.said if (m := re.search(r"B S P, ([\d ]+), ([\d ]+)\.", s)))
    return "BSP" + (spoken.group(1) + spoken.group(2)).replace(" ", "")


def _line_figures(dynamodb, line: str) -> Counter[str]:
    """The line's figures for the day, summed over the hours."""
    items = dynamodb.query(TableName=settings.table_name("counters"), KeyConditionExpression="pk = :p",
                           ExpressionAttributeValues={":p": {"S": f"LINE#{line}"}})["Items"]
    figures: Counter[str] = Counter()
    for item in items:
        for name, value in item.items():
            if re.fullmatch(r"h\d\d_\w+", name):
                figures[name[4:]] += int(value["N"])
    return figures


def test_the_demo_district_has_eight_lines_in_the_directory(bilaspur):
    assert [DirectoryModel.get(f"LINE#{line}", "LINE").district for line in BSP_LINES] == ["BSP"] * 8
    assert DirectoryModel.get("LINE#+919977222564", "LINE").district == "RPR"  # Raipur's stay Raipur's


def test_calls_on_each_of_the_eight_lines_land_in_bilaspur_with_figures_per_line(bilaspur, aws, twilio, phone):
    numbers = [_call(phone, line, caller=f"+9198123400{n:02d}") for n, line in enumerate(BSP_LINES)]

    for number, line in zip(numbers, BSP_LINES, strict=True):
        ticket = TicketModel.get(number)
        assert (ticket.district, ticket.line, ticket.hotline, ticket.department) == ("BSP", line, "collectorate",
                                                                                     "water")
        call = CallModel.get(ticket.call_sid)
        assert (call.district, call.to_phone, call.outcome) == ("BSP", line, "ticket")
        figures = _line_figures(aws["dynamodb"], line)
        assert (figures["calls"], figures["answered"], figures["tickets"]) == (1, 1, 1), (line, figures)
    [day] = [c for c in CounterModel.query("DISTRICT#BSP") if c.sk.startswith("DAY#")]
    raw = aws["dynamodb"].get_item(TableName=settings.table_name("counters"),
                                   Key={"pk": {"S": "DISTRICT#BSP"}, "sk": {"S": day.sk}})["Item"]
    assert raw["registered"] == {"N": "8"}
    assert not [c for c in CounterModel.query("DISTRICT#RPR") if c.sk.startswith("DAY#")]  # none in Raipur


class DynamoReads:
    """Every DynamoDB request the app makes (boto3's and pynamodb's clients), with the items it read."""

    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self.items = 0
        self.keys_asked = 0

    def wrap(self, original):
        def counting(client, operation, params):
            result = original(client, operation, params)
            if client.meta.service_model.service_name == "dynamodb":
                self.requests[operation] += 1
                if operation == "BatchGetItem":
                    self.keys_asked += sum(len(t["Keys"]) for t in params["RequestItems"].values())
                    self.items += sum(len(v) for v in result.get("Responses", {}).values())
                elif operation in ("Query", "Scan"):
                    self.items += result.get("ScannedCount", result.get("Count", 0))
                elif operation == "GetItem":
                    self.items += 1 if result.get("Item") else 0
            return result
        return counting


def test_the_dashboard_shows_each_line_and_its_reads_do_not_grow_with_tickets(bilaspur, api, phone, monkeypatch):
    for n, line in enumerate(BSP_LINES):
        _call(phone, line, caller=f"+9198123401{n:02d}")
    api.get("collector.bsp", "/api/dashboard")  # warm: the signing keys and the directory cache

    def measured() -> tuple[dict, DynamoReads]:
        reads = DynamoReads()
        with monkeypatch.context() as patch:
            patch.setattr(BaseClient, "_make_api_call", reads.wrap(BaseClient._make_api_call))
            response = api.get("collector.bsp", "/api/dashboard")
        assert response.status_code == 200, response.body
        return response.json, reads

    dashboard, few = measured()
    assert [entry["line"] for entry in dashboard["calls_by_hour"]] == BSP_LINES
    for entry in dashboard["calls_by_hour"]:
        assert sum(hour["answered"] for hour in entry["hours"]) == 1 and entry["hotline"] == "collectorate"
    assert dashboard["totals"]["today"]["registered"] == 8

    for n in range(24):  # three times as many tickets, on every line
        _call(phone, BSP_LINES[n % 8], caller=f"+9198123402{n:02d}")
    dashboard, many = measured()
    assert dashboard["totals"]["today"]["registered"] == 32
    assert [sum(h["answered"] for h in e["hours"]) for e in dashboard["calls_by_hour"]] == [4] * 8

    # One BatchGet of 30 days + the open gauges + one item per line today: the same with 8 or 32 tickets.
    assert few.requests == many.requests == Counter({"BatchGetItem": 1})
    assert few.keys_asked == many.keys_asked == 30 + 1 + 8
    assert few.items == many.items <= 30 + 1 + 8
