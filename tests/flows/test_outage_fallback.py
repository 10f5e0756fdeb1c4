"""An outage still ends in a recorded complaint: Twilio plays the static fallback TwiML, the reconciler
finds the recording through Twilio's REST API (the real twilio.rest.Client over the recording client,
answering from the calls and recordings made in the test) and registers its ticket, once."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import boto3
import pytest

from chalicelib import logs, settings, wiring
from chalicelib.local.caller import CallEmulator, ScriptedAnswerer
from chalicelib.local.lambda_events import LambdaContext, scheduled_event
from chalicelib.routing import fallback
from chalicelib.store.models import CallModel, CounterModel, OutboxModel, TicketModel, TimelineModel
from tests.support.fixtures import CALLER, LINE

ROOT = Path(__file__).resolve().parents[2]
S3_BASE = "https://samvad-test-fallback-123456789012.s3.ap-south-1.amazonaws.com/fallback"
OUTAGE_CALLER = "+919822200011"
GENERAL_L1 = "+919000000701"  # the catch-all category "other" belongs to General Administration


class StaticDocuments:
    """What S3 answers: the fallback documents by GET, whatever the query string; the API is down."""

    def __init__(self, base: str) -> None:
        self.base, self.documents, self.fetched = base, fallback.documents(base), []

    def get(self, url: str) -> tuple[int, str]:
        self.fetched.append(url)
        name = urlsplit(url).path.rsplit("/", 1)[-1]
        return (200, self.documents[name]) if url.startswith(self.base) and name in self.documents else (403, "")

    def post(self, url: str, form: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        raise AssertionError(f"the fallback must not reach the API ({url})")


@pytest.fixture
def outage(hotline):
    """outage('say:…') places a call while the webhook fails; returns its CallLog and what S3 served."""
    hotline.twilio.account = hotline.recordings  # Twilio's REST reads answer from the calls made here
    s3 = StaticDocuments(S3_BASE)
    emulator = CallEmulator(s3, settings.public_base_url(), settings.twilio_auth_token(),
                            settings.twilio_account_sid(), hotline.recordings, out=lambda _line: None)

    def call(script: str, caller: str = OUTAGE_CALLER, line: str = LINE):
        return emulator.call_during_outage(caller, line, ScriptedAnswerer.parse(script), f"{S3_BASE}/voice.xml")

    call.s3 = s3
    return call


def reconcile(hotline) -> dict:
    """The schedule's entry point, as Lambda calls it; then the queues delivered."""
    report = hotline.app.reconciler(scheduled_event("reconciler", settings.region(), "2026-11-23T00:00:00Z"),
                                    LambdaContext("reconciler"))
    hotline.deliver()
    return report


def test_a_call_during_an_outage_becomes_a_ticket_with_its_sms_and_forward_exactly_once(hotline, outage):
    number_by_ivr = hotline.complaint("3")  # an ordinary call: its recording has a ticket already
    log = outage("say:मेरा नाम सीता है, वार्ड बारह, नाली जाम है")

    assert log.said[0].startswith("क्षमा करें") and log.said[1].startswith("Sorry")  # Hindi first
    assert log.said[-2].startswith("धन्यवाद।") and log.said[-1].startswith("Thank you.")
    assert [path for path, _ in log.requests] == [f"{S3_BASE}/voice.xml", f"{S3_BASE}/thanks.xml"]
    assert "ErrorCode=11200" in outage.s3.fetched[0]  # Twilio's GET, with what went wrong
    assert f"RecordingSid={log.recording_sid}" in outage.s3.fetched[1]  # the <Record> action, also a GET
    assert CallModel.count() == 1  # the API heard nothing of this call

    hotline.clock.advance(timedelta(minutes=3))  # past the wait left to a call's own <Record> webhook
    report = reconcile(hotline)

    [number] = report["tickets"]
    assert report["created"] == 1 and report["had_ticket"] == 1 and report["stopped"] is None
    ticket = TicketModel.get(number)
    assert (ticket.caller_phone, ticket.line, ticket.category, ticket.department) == (
        OUTAGE_CALLER, LINE, "other", "general")
    assert (ticket.channel, ticket.language, ticket.recording_sid) == ("fallback", "hi", log.recording_sid)
    assert ticket.recording_url.endswith(f"/recordings/{log.recording_sid}") and ticket.recording_duration > 0
    call = CallModel.get(log.call_sid)
    assert (call.complaint_number, call.outcome, call.from_phone) == (number, "ticket", OUTAGE_CALLER)
    [entry] = [e for e in TimelineModel.query(number) if e.action != "message"]  # and the notices' entry
    assert (entry.actor_type, entry.action, entry.channel) == ("citizen", "registered", "fallback")
    assert list(OutboxModel.scan()) == []

    [sms] = hotline.sms_bodies(OUTAGE_CALLER)
    assert sms == f"आपकी शिकायत {number} दर्ज हो गई है। -रायपुर जिला प्रशासन"
    [forward] = hotline.sms_bodies(GENERAL_L1)
    assert forward.startswith(f"शिकायत {number} (अन्य), ") and "/r/" in forward
    [listing] = hotline.twilio.reads("Recordings.json")
    assert listing.params["PageSize"] == "100" and "DateCreated>" in listing.params
    assert len(hotline.twilio.reads(f"Calls/{log.call_sid}.json")) == 1
    assert len(hotline.twilio.reads(f"Calls/{log.call_sid}/Events.json")) == 1  # what the caller chose: nothing
    assert len(hotline.twilio.reads(".json")) == 3  # one page, one call and its events: the IVR call is not read

    again = reconcile(hotline)
    assert again["created"] == 0 and again["had_ticket"] == 2
    assert len(hotline.sms_bodies(OUTAGE_CALLER)) == 1 and len(hotline.twilio.reads("Calls/")) == 2
    assert number != number_by_ivr and TicketModel.count() == 2


def test_a_caller_who_says_nothing_hears_goodbye_and_leaves_nothing_to_register(hotline, outage):
    log = outage("silence")
    assert log.said[-1] == "We could not hear you. Please call again in a little while."
    assert log.recording_sid is None
    hotline.clock.advance(timedelta(minutes=3))
    assert reconcile(hotline)["recordings"] == 0


def test_a_rate_limit_leaves_the_rest_for_the_next_run_and_never_half_a_ticket(hotline, outage):
    wiring.recordings().page_size = 2
    calls = [outage(f"say:शिकायत {n}", caller=f"+91982220001{n}") for n in range(3)]
    hotline.clock.advance(timedelta(minutes=3))

    hotline.twilio.fail_next_to("PageToken=", 429)  # the second page of recordings
    first = reconcile(hotline)
    assert first["created"] == 2 and first["stopped"] == "listing recordings: recordings, page 2: HTTP 429"

    hotline.twilio.fail_next_to(f"Calls/{calls[0].call_sid}.json", 429)  # the oldest call: on page 2 now
    second = reconcile(hotline)
    assert second["created"] == 0 and second["failed"] == 1 and second["stopped"].startswith("rate limited")
    item = CallModel.get(calls[0].call_sid) if CallModel.count(calls[0].call_sid) else None
    assert item is None or item.complaint_number is None  # nothing written for it
    assert TicketModel.count() == 2

    third = reconcile(hotline)
    assert third["created"] == 1 and third["had_ticket"] == 2 and third["stopped"] is None
    assert {CallModel.get(c.call_sid).complaint_number for c in calls} == set(first["tickets"] + third["tickets"])
    for n in range(3):
        assert len(hotline.sms_bodies(f"+91982220001{n}")) == 1
    day = next(c for c in CounterModel.query("DISTRICT#RPR") if c.sk.startswith("DAY#"))
    raw = boto3.client("dynamodb").get_item(TableName=settings.table_name("counters"),
                                            Key={"pk": {"S": "DISTRICT#RPR"}, "sk": {"S": day.sk}})["Item"]
    assert raw["registered"] == {"N": "3"} and raw["channel_fallback"] == {"N": "3"}


def test_the_reconciler_logs_its_progress_as_json_with_numbers_masked(hotline, outage, monkeypatch, capsys,
                                                                      background_logger):
    """The domain's progress through the standard logger, the run's summary through Powertools' Logger (on
    stdout, as in Lambda): each line once, as JSON, with the phone numbers masked."""
    import io
    import logging

    from chalicelib import powertools

    outage("say:बिजली नहीं है")
    hotline.clock.advance(timedelta(minutes=3))
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "samvad-test-reconciler")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logs.install(handler, as_json=True)
    logging.getLogger().addHandler(handler)
    capsys.readouterr()
    try:
        report = reconcile(hotline)
    finally:
        logging.getLogger().removeHandler(handler)
    printed = capsys.readouterr().out
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    lines += [json.loads(line) for line in printed.splitlines() if line.startswith("{")]
    [created] = [line for line in lines if line.get("complaint_number") == report["tickets"][0]
                 and line.get("logger") == "chalicelib.domain.reconcile"]
    assert f"from +91******0011 to +91******{LINE[-4:]}" in created["message"]
    assert created["function"] == "samvad-test-reconciler" and created["request_id"] == "local"
    assert created["call_sid"].startswith("CA") and created["recording_sid"].startswith("RE")
    [summary] = [line for line in lines if line.get("service") == powertools.SERVICE
                 and line["message"].startswith("reconcile:")]
    assert "1 tickets created" in summary["message"] and summary["summary"]["created"] == 1
    assert summary["summary"]["tickets"] == report["tickets"] and summary["request_id"] == "local"
    for text in (stream.getvalue(), printed):
        assert OUTAGE_CALLER[3:] not in text and CALLER[3:] not in text


def test_deployed_every_log_line_is_json_and_masked(tmp_path):
    """A fresh process with AWS_LAMBDA_FUNCTION_NAME set, as in Lambda: `import app` sets the logs up;
    a webhook that fails logs its exception, and the line is one masked JSON object."""
    script = tmp_path / "probe.py"
    script.write_text('''
import os, sys
sys.path.insert(0, sys.argv[1])
os.environ["AWS_LAMBDA_FUNCTION_NAME"] = "samvad-test"
import app
from chalice.test import Client
from chalicelib.handlers import voice
from tests.support.fixtures import signed_post

def broken(form, params):
    raise RuntimeError(f"could not reach {form['From']} at https://x.test/calls?To=%2B919977222564")

voice.incoming = broken
with Client(app.app, stage_name="test") as client:
    response = signed_post(client, "/twilio/voice/incoming",
                           {"CallSid": "CA" + "7" * 32, "From": "+919812345678", "To": "+919977222564"})
    assert response.status_code == 200, response.status_code
''')
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, str(script), str(ROOT)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    [failure] = [e for e in entries if e["logger"] == "chalicelib.handlers.webhook"]
    assert failure["level"] == "ERROR" and failure["function"] == "samvad-test"
    assert failure["call_sid"] == "CA" + "7" * 32 and failure["request_id"]
    assert "RuntimeError: could not reach +91******5678 at https://x.test/calls?To=%2B91******2564" in \
        failure["exception"]
    assert "9812345678" not in done.stdout + done.stderr and "9977222564" not in done.stdout + done.stderr


def test_the_fallback_documents_are_written_and_uploaded_for_a_stage(tmp_path):
    from moto import mock_aws

    import manage

    with mock_aws():
        s3 = boto3.client("s3", region_name="ap-south-1")
        bucket = "samvad-test-fallback-123456789012"  # moto's account
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "ap-south-1"})
        assert manage.main(["fallback-twiml", "--upload", "--stage", "test", "--region", "ap-south-1",
                            "--out", str(tmp_path)]) == 0
        voice = s3.get_object(Bucket=bucket, Key="fallback/voice.xml")
        thanks = s3.get_object(Bucket=bucket, Key="fallback/thanks.xml")
    assert voice["ContentType"].startswith("text/xml") and thanks["ContentType"].startswith("text/xml")
    body = voice["Body"].read().decode("utf-8")
    assert body == (tmp_path / "voice.xml").read_text(encoding="utf-8")
    record = ElementTree.fromstring(body).find("Record")
    assert record.get("action") == f"{S3_BASE}/thanks.xml" and record.get("method") == "GET"
    assert "धन्यवाद" in thanks["Body"].read().decode("utf-8")
