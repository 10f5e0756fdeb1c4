"""AWS unreachable on a voice step: the caller still leaves a complaint, and the reconciler files it once, in
the language and category the caller chose.

The outage is real: DynamoDB's (or SQS's) endpoint is pointed at a closed loopback port mid-call, so
botocore fails to connect as it would with the service down, and pointed back at moto when it "recovers".
The call is played by the call simulator (chalicelib/local/caller.py), which follows an error status to the
number's fallback URL as Twilio does; Twilio's REST API (recordings, calls, Call Events) is the sandbox's
state behind the recording HTTP client.
"""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from chalicelib import settings, wiring
from chalicelib.i18n import catalog
from chalicelib.local.caller import CallEmulator, ScriptedAnswerer
from chalicelib.local.lambda_events import LambdaContext, scheduled_event
from chalicelib.routing import fallback
from chalicelib.store.models import CallModel, OutboxModel, TicketModel
from tests.support.fixtures import LINE, ChaliceTransport, signed_post
from tests.support.stack_process import free_port_in

S3_BASE = "https://samvad-test-fallback-123456789012.s3.ap-south-1.amazonaws.com/fallback"
CALLER = "+919822200077"
CALL_AGAIN = ("फिर से कॉल करें", "call again")
EN = catalog("en")


def _closed_port() -> int:
    """A loopback port in our range with nothing listening on it (bound, then let go)."""
    return free_port_in(18700, 18799)


class Outage:
    """Points a service's endpoint at a closed port and back. Every client is made anew for the outage (a
    container that meets it with nothing cached); the models' clients from before come back with the service."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch, self.dead = monkeypatch, f"http://127.0.0.1:{_closed_port()}"
        self.before: dict[type, object] = {}

    def begin(self, service: str = "DYNAMODB") -> None:
        self.monkeypatch.setenv(f"AWS_ENDPOINT_URL_{service}", self.dead)
        self.before = {model: model._connection for model in _models()}
        self._fresh_clients({})

    def end(self) -> None:
        for service in ("DYNAMODB", "SQS"):
            self.monkeypatch.delenv(f"AWS_ENDPOINT_URL_{service}", raising=False)
        self._fresh_clients(self.before)

    @staticmethod
    def _fresh_clients(connections: dict[type, object]) -> None:
        clock, recordings = wiring.clock(), wiring.recordings()
        wiring.reset()
        wiring.use_clock(clock)
        wiring.recordings.use(recordings)
        for model in _models():  # pynamodb keeps each model's connection on its class
            model._connection = connections.get(model)


def _models() -> list[type]:
    from pynamodb.models import Model

    found, todo = [], list(Model.__subclasses__())
    while todo:
        model = todo.pop()
        found.append(model)
        todo.extend(model.__subclasses__())
    return found


class SwitchingAnswerer(ScriptedAnswerer):
    """A script whose steps `db-down`, `db-up` and `sqs-down` switch the outage just before the next answer."""

    def __init__(self, script: str, outage: Outage) -> None:
        super().__init__(script.split("|"))
        self.outage = outage

    def _next(self) -> str:
        step = super()._next()
        switches = {"db-down": lambda: self.outage.begin(), "sqs-down": lambda: self.outage.begin("SQS"),
                    "db-up": self.outage.end}
        while step in switches:
            switches[step]()
            step = super()._next()
        return step


class ApiAndS3(ChaliceTransport):
    """Our webhooks through chalice's test client; the fallback documents as the S3 bucket serves them (GET)."""

    def __init__(self, client) -> None:
        super().__init__(client)
        self.documents, self.fetched = fallback.documents(S3_BASE), []

    def get(self, url: str) -> tuple[int, str]:
        self.fetched.append(url)
        name = urlsplit(url).path.rsplit("/", 1)[-1]
        return (200, self.documents[name]) if url.startswith(S3_BASE) and name in self.documents else (403, "")


@pytest.fixture
def outage(monkeypatch):
    switch = Outage(monkeypatch)
    yield switch
    switch.end()


@pytest.fixture
def call(hotline, outage):
    """call('2|1|3|db-down|say:…') places a call on the number whose fallback URL is the S3 document."""
    hotline.twilio.account = hotline.recordings  # Twilio's REST reads answer from the calls made here
    transport = ApiAndS3(hotline.client)
    emulator = CallEmulator(transport, settings.public_base_url(), settings.twilio_auth_token(),
                            settings.twilio_account_sid(), hotline.recordings, out=lambda _line: None,
                            fallback_url=f"{S3_BASE}/{fallback.VOICE_DOCUMENT}")

    def place(script: str, caller: str = CALLER):
        return emulator.call(caller, LINE, SwitchingAnswerer(script, outage))

    place.transport = transport
    return place


def reconcile(hotline) -> dict:
    report = hotline.app.reconciler(scheduled_event("reconciler", settings.region(), "2026-11-23T00:00:00Z"),
                                    LambdaContext("reconciler"))
    hotline.deliver()
    return report


def _never_told_to_call_again(said: list[str]) -> None:
    assert not [line for line in said if any(phrase in line for phrase in CALL_AGAIN)], said


def test_the_first_request_answers_503_so_the_carrier_plays_the_fallback_and_the_ticket_follows(
        hotline, outage, call):
    outage.begin()
    log = call("say:सड़क पर गड्ढे हैं, वार्ड नौ")

    assert log.requests[0] == ("/twilio/voice/incoming", 503)  # not a 200 apology: the carrier falls back
    assert "ErrorCode=11200" in call.transport.fetched[0] and "ErrorUrl=https" in call.transport.fetched[0]
    assert log.said[0].startswith("क्षमा करें") and log.said[-1].startswith("Thank you.")
    assert log.recording_sid is not None
    _never_told_to_call_again(log.said)

    outage.end()
    hotline.clock.advance(timedelta(minutes=3))
    report = reconcile(hotline)
    [number] = report["tickets"]
    ticket = TicketModel.get(number)
    assert (ticket.category, ticket.language, ticket.channel, ticket.caller_phone) == (
        "other", "hi", "fallback", CALLER)
    assert reconcile(hotline)["created"] == 0 and TicketModel.count() == 1


def test_a_caller_who_recorded_as_the_database_went_down_is_told_it_is_recorded_and_gets_their_category(
        hotline, outage, call):
    log = call("2|1|3|db-down|say:The hand pump in ward seven is broken")  # English, a new complaint, water

    assert ("/twilio/voice/record/en/water/1", 200) in log.requests
    assert log.said[-1] == EN.text("fallback_thanks")  # in the caller's language: recorded, number by SMS
    _never_told_to_call_again(log.said)

    outage.end()
    assert TicketModel.count() == 0
    hotline.clock.advance(timedelta(minutes=3))
    report = reconcile(hotline)
    [number] = report["tickets"]
    ticket = TicketModel.get(number)
    assert (ticket.category, ticket.department, ticket.language, ticket.channel) == (
        "water", "water", "en", "fallback")
    assert (ticket.recording_sid, ticket.caller_phone) == (log.recording_sid, CALLER)
    assert CallModel.get(log.call_sid).complaint_number == number
    [sms] = hotline.sms_bodies(CALLER)
    assert number in sms and sms.isascii()  # the English template
    assert reconcile(hotline)["created"] == 0 and TicketModel.count() == 1 and len(hotline.sms_bodies(CALLER)) == 1


def test_an_outage_before_the_recording_records_in_the_callers_language_and_registers_once_the_database_is_back(
        hotline, outage, call):
    log = call("2|db-down|1|db-up|say:No water since Monday")  # the main menu's step fails: no category yet

    assert f"{EN.text('fallback_apology')} {EN.text('fallback_record_prompt')}" in log.said
    assert not [line for line in log.said if line.startswith("क्षमा")]  # English only, as chosen
    _never_told_to_call_again(log.said)
    assert ("/twilio/voice/record/en/-/1", 200) in log.requests  # the database was back for the record step
    [ticket] = list(TicketModel.scan())
    assert (ticket.category, ticket.language, ticket.channel, ticket.recording_sid) == (
        "other", "en", "ivr", log.recording_sid)
    assert log.said[-4].startswith(EN.text("registered"))  # the caller hears the number after all

    hotline.clock.advance(timedelta(minutes=3))
    assert reconcile(hotline)["created"] == 0 and TicketModel.count() == 1


def test_with_the_database_down_throughout_the_recording_still_becomes_a_ticket_in_the_chosen_language(
        hotline, outage, call):
    log = call("2|db-down|1|say:No water since Monday")

    assert ("/twilio/voice/record/en/-/1", 200) in log.requests and log.said[-1] == EN.text("fallback_thanks")
    outage.end()
    hotline.clock.advance(timedelta(minutes=3))
    [number] = reconcile(hotline)["tickets"]
    ticket = TicketModel.get(number)
    assert (ticket.category, ticket.language, ticket.channel) == ("other", "en", "fallback")


def test_the_reconciler_waits_for_the_carriers_log_of_the_call_before_filing_it(hotline, outage, call):
    log = call("2|1|3|db-down|say:The hand pump in ward seven is broken")
    outage.end()
    published = hotline.recordings.call_events.pop(log.call_sid)  # Twilio shows it 15 minutes after the call

    hotline.clock.advance(timedelta(minutes=3))
    early = reconcile(hotline)
    assert early["created"] == 0 and early["skipped"] == {"choices_not_logged_yet": 1}

    hotline.recordings.call_events[log.call_sid] = published
    hotline.clock.advance(timedelta(minutes=15))
    [number] = reconcile(hotline)["tickets"]
    assert TicketModel.get(number).category == "water"


def test_a_queue_outage_at_the_record_step_still_gives_the_caller_their_number(hotline, outage, call):
    log = call("2|1|3|sqs-down|say:The hand pump in ward seven is broken")

    [ticket] = list(TicketModel.scan())
    assert log.said[-4].startswith(EN.text("registered")) and ticket.category == "water"
    assert [item.event_id for item in OutboxModel.scan()]  # the sweeper sends it once SQS answers


def test_a_bug_is_still_the_spoken_apology_not_a_503(hotline, outage, monkeypatch):
    def broken():
        raise RuntimeError("a bug, not an outage")

    monkeypatch.setattr(wiring, "ticket_store", broken)
    form = {"CallSid": "CA" + "9" * 32, "From": CALLER, "To": LINE, "CallStatus": "in-progress",
            "RecordingSid": "RE" + "9" * 32, "RecordingUrl": "https://api.twilio.com/x/RE9", "RecordingDuration": "9"}
    response = signed_post(hotline.client, "/twilio/voice/record/en/water/1", form)
    assert response.status_code == 200 and EN.text("technical_problem").encode() in response.body


def test_which_failures_count_as_an_outage():
    from botocore.exceptions import ClientError, EndpointConnectionError, ReadTimeoutError
    from pynamodb.exceptions import PutError

    from chalicelib.handlers.outage import is_infrastructure_failure

    def client_error(code: str, status: int) -> ClientError:
        return ClientError({"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}, "PutItem")

    wrapped = PutError("Failed to put item", cause=EndpointConnectionError(endpoint_url="http://127.0.0.1:1"))
    assert is_infrastructure_failure(wrapped)
    assert is_infrastructure_failure(ReadTimeoutError(endpoint_url="http://127.0.0.1:1"))
    assert is_infrastructure_failure(client_error("ProvisionedThroughputExceededException", 400))
    assert is_infrastructure_failure(client_error("InternalServerError", 500))
    assert not is_infrastructure_failure(client_error("ConditionalCheckFailedException", 400))
    assert not is_infrastructure_failure(client_error("ValidationException", 400))
    assert not is_infrastructure_failure(ValueError("a bad request"))
