"""make cost's voice-to-text section: what transcribing a complaint's recording adds, each line a count times
its price — from the bench's run when it transcribed, else from infra/prices.json's assumptions — with the
15-second minimum per job; and the committed prices name their page and date."""
from __future__ import annotations

import copy
import json

import pytest

from infra import cost
from tests.unit.test_cost import CONFIG, PLAN, PRICES, RATE, RESOURCES, op, usage

TRANSCRIBE = {
    "aws": {"transcribe_minute": {"usd": 0.024, "per": "minute", "source": "test"},
            "s3_put_request": {"usd": 5e-6, "per": "request", "source": "test"},
            "s3_get_request": {"usd": 4e-7, "per": "request", "source": "test"}},
    "assumptions": {name: {"value": value, "why": ""} for name, value in {
        "transcribed_audio_seconds": 45, "transcription_jobs_per_complaint": 1, "transcription_checks": 3,
        "transcriber_duration_ms": 600, "transcription_table_units": {"wru": 12, "rru": 6},
        "audio_bytes_per_second": 16000, "days_per_month": 30}.items()},
}


def _prices(**assumptions: object) -> dict:
    prices = copy.deepcopy(PRICES)
    prices["aws"].update(TRANSCRIBE["aws"])
    prices["assumptions"].update(TRANSCRIBE["assumptions"])
    prices["assumptions"].update({k: {"value": v, "why": ""} for k, v in assumptions.items()})
    return prices


def _lines(figures: dict, prices: dict) -> dict[str, cost.Line]:
    return {line.what.split(" (")[0]: line for line in cost.transcription_per_complaint(figures, prices, RESOURCES,
                                                                                       CONFIG)}


def test_without_a_transcription_in_the_run_the_assumptions_price_one_job():
    prices = _prices()
    lines = _lines(usage(), prices)
    assert lines["Transcribe, hi-IN/en-IN batch"].quantity == pytest.approx(45 / 60)
    assert lines["Transcribe, hi-IN/en-IN batch"].usd == pytest.approx(45 / 60 * 0.024)
    assert "assumed" in next(line.what for line in cost.transcription_per_complaint(usage(), prices, RESOURCES,
                                                                                      CONFIG))
    assert lines["Transcriber Lambda invocations"].quantity == 1 + 3  # the start and three checks
    # Memory: the transcriber takes the top level's 512 MB.
    assert lines["Transcriber Lambda duration"].quantity == pytest.approx(4 * 0.6 * 0.5)
    assert lines["S3 PUT"].quantity == 2 and lines["S3 GET"].quantity == 2
    assert lines["S3 storage of the audio for its retention"].quantity == pytest.approx(45 * 16000 / 1e9 * 365 / 30)
    assert (lines["DynamoDB writes for the transcript"].quantity, lines["DynamoDB reads for the transcript"].quantity) \
        == (12, 6)


def test_a_short_recording_is_billed_the_15_second_minimum():
    lines = _lines(usage(), _prices(transcribed_audio_seconds=4))
    assert lines["Transcribe, hi-IN/en-IN batch"].quantity == pytest.approx(15 / 60)


def test_a_run_that_transcribed_is_priced_from_its_own_requests():
    figures = json.loads(json.dumps(usage()))
    life = figures["lifecycle"]
    life["operations"] += [
        op("transcriber", "PutObject", "s3"), op("transcriber", "StartTranscriptionJob", "transcribe"),
        op("transcriber", "SendMessage", "sqs"), op("transcriber", "GetTranscriptionJob", "transcribe"),
        op("transcriber", "SendMessage", "sqs"), op("transcriber", "GetTranscriptionJob", "transcribe"),
        op("transcriber", "GetObject", "s3"), op("transcriber", "GetItem", table="tickets")]
    life["sqs_messages"]["transcriber"] = 3
    lines = _lines(figures, _prices())
    assert lines["Transcriber Lambda invocations"].quantity == 3
    assert lines["Transcribe queue SQS requests"].quantity == 2 + 3 * PRICES["assumptions"][
        "sqs_mapping_requests_per_message"]["value"]
    assert lines["S3 PUT"].quantity == 1 + 1 and lines["S3 GET"].quantity == 1 + 1  # ours, and Transcribe's
    assert lines["DynamoDB reads for the transcript"].quantity > 0
    assert "measured" in next(line.what for line in cost.transcription_per_complaint(figures, _prices(), RESOURCES,
                                                                                       CONFIG))


def test_the_report_shows_what_transcription_adds_and_keeps_the_last_line():
    prices = _prices()
    text = cost.report({"plans": {"india": PLAN}}, prices, RESOURCES, CONFIG, {"india": PLAN["numbers"]},
                       provisioned=0)
    added = cost.total(cost.transcription_per_complaint(next(iter(PLAN["runs"].values())), prices, RESOURCES,
                                                        CONFIG))
    assert "## Voice to text: what transcription adds" in text
    assert f"| **Transcription adds** | | | **{added * 1000:,.2f}** | **{added * 1000 * RATE:,.2f}** |" in text
    india = cost.total(cost.plan_per_complaint(PLAN, prices, RESOURCES, CONFIG))
    assert f"India plan with transcription: ₹{(india + added) * RATE:.2f} per complaint" in text
    assert text.splitlines()[-1] == f"India plan: ₹{india * RATE:.2f} per complaint (goal ₹5)"


def test_the_committed_transcription_prices_name_their_page_and_date():
    committed = json.loads(cost.PRICES.read_text())
    for name in TRANSCRIBE["aws"]:
        price = committed["aws"][name]
        assert price["usd"] > 0 and price["source"].startswith("https://") and price["read"]
    for name in TRANSCRIBE["assumptions"]:
        assert committed["assumptions"][name]["why"] or name == "days_per_month"
