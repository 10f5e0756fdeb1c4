"""Fixtures: moto with the real tables and queues, the demo district, signed Twilio webhooks."""
from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import boto3
import pytest
from chalice.test import Client
from moto import mock_aws

from chalicelib import settings, wiring
from chalicelib.local.caller import CallEmulator, ScriptedAnswerer
from chalicelib.local.moto_transactions import serialise_dynamodb
from chalicelib.local.provision import provision
from chalicelib.local.pump import QueuePump
from chalicelib.telephony import rest
from chalicelib.telephony.signature import sign
from tests.support.carrier_recordings import CarrierRecordings
from tests.support.carrier_webhooks import CarrierWebhooks, Outbound
from tests.support.demo import CALLER, CARRIERS, DEMO, LINE, ROOT, demo_on  # noqa: F401 (flow tests name them from here too)
from tests.support.plivo_recorder import plivo  # noqa: F401 (autouse: every flow's Plivo requests to a recorder)
from tests.support.twilio_recorder import RecordingTwilioHttp


def _reset_caches() -> None:
    wiring.reset()
    from chalicelib.events import aws

    aws.sqs.cache_clear()
    aws.queue_url.cache_clear()


def _forget_the_background_logger() -> None:
    """Powertools keeps its handler on its named logger for the process and never swaps it."""
    from chalicelib import powertools

    powertools.logger.cache_clear()
    native = logging.getLogger(powertools.SERVICE)
    native.handlers.clear()
    for mark in ("init", "powertools_handler"):
        native.__dict__.pop(mark, None)


@pytest.fixture
def background_logger() -> Iterator[None]:
    """The consumers' and schedules' Powertools Logger made anew in the test, from its environment (JSON on
    the stdout of the moment when deployed), and forgotten after it."""
    _forget_the_background_logger()
    yield
    _forget_the_background_logger()


@pytest.fixture
def demo_carrier(request: pytest.FixtureRequest) -> str:
    """The carrier the demo district's lines and SMS are on: Twilio, or each in turn in a module marked
    `pytest.mark.parametrize("demo_carrier", CARRIERS, indirect=True)`."""
    return str(getattr(request, "param", "twilio"))


@pytest.fixture
def aws(demo_carrier):
    """Fresh moto state with every table and queue from infra/resources.json and the demo district."""
    _reset_caches()
    serialise_dynamodb()  # else a failing transaction wipes what another thread committed meanwhile
    with mock_aws():
        dynamodb, sqs = boto3.client("dynamodb"), boto3.client("sqs")
        provision(dynamodb, sqs, settings.stage())
        from chalicelib.store.district_loader import load_district

        load_district(demo_on(demo_carrier))
        yield {"dynamodb": dynamodb, "sqs": sqs}
    _reset_caches()


@pytest.fixture
def twilio():
    recorder = RecordingTwilioHttp()
    rest.use_http_client(recorder)
    yield recorder
    rest.use_http_client(None)


@pytest.fixture
def app_module():
    import app

    return app


@pytest.fixture
def client(app_module):
    # chalice.test.Client applies a stage's environment_variables; "test" has none, so ours stand.
    with Client(app_module.app, stage_name="test") as test_client:
        yield test_client


def signed_post(client: Client, path: str, form: dict[str, str], signature: str | None = "sign",
                content_type: str = "application/x-www-form-urlencoded") -> Any:
    headers = {"Content-Type": content_type}
    if signature == "sign":
        signature = sign(settings.public_base_url() + path, form, settings.twilio_auth_token())
    if signature is not None:
        headers["X-Twilio-Signature"] = signature
    return client.http.post(path, headers=headers, body=urlencode(form))


class ChaliceTransport:
    """The call simulator's HTTP, through chalice's test client instead of a socket."""

    def __init__(self, client: Client) -> None:
        self._client = client
        self._base = settings.public_base_url()

    def post(self, url: str, form: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        assert url.startswith(self._base), f"the app sent Twilio to {url}, outside PUBLIC_BASE_URL"
        response = self._client.http.post(url[len(self._base):], body=urlencode(form), headers={
            "Content-Type": "application/x-www-form-urlencoded", **headers})
        return response.status_code, response.body.decode("utf-8")


@pytest.fixture
def recordings():
    from chalicelib.telephony.recording_urls import PLIVO_MEDIA

    made = CarrierRecordings("AC" + "1" * 32, "unused", settings.plivo_auth_id(), settings.plivo_auth_token())
    made.plivo_media_base = PLIVO_MEDIA  # a Plivo call's recordings at Plivo's media host, as its webhooks say
    return made


@pytest.fixture
def webhooks(client, demo_carrier) -> CarrierWebhooks:
    """Webhooks written in the neutral form, sent in the demo carrier's names, signature and paths."""
    return CarrierWebhooks(client, demo_carrier)


@pytest.fixture
def carrier_out(demo_carrier, twilio, plivo) -> Outbound:  # noqa: F811 (the fixture)
    """The SMS and calls the app asked the demo carrier for."""
    return Outbound(demo_carrier, twilio, plivo)


@pytest.fixture
def phone(client, recordings, demo_carrier):
    """phone('1|1|3|say:...') places a scripted call and returns its CallLog, on the demo carrier's protocol;
    carrier="plivo" plays Plivo's part (its parameters, V3 signatures, Plivo XML) at /plivo/voice/incoming,
    "twilio" Twilio's."""
    emulators = {
        "twilio": CallEmulator(ChaliceTransport(client), settings.public_base_url(), settings.twilio_auth_token(),
                               settings.twilio_account_sid(), recordings, out=lambda _line: None),
        "plivo": CallEmulator(ChaliceTransport(client), settings.public_base_url(), settings.plivo_auth_token(),
                              settings.plivo_auth_id(), recordings, out=lambda _line: None, carrier="plivo"),
    }

    def call(script: str, caller: str = CALLER, line: str = LINE, carrier: str | None = None):
        return emulators[carrier or demo_carrier].call(caller, line, ScriptedAnswerer.parse(script))

    return call


@pytest.fixture
def pump(aws, app_module):
    return QueuePump(app_module, aws["sqs"], settings.region())


def queue_bodies(sqs: Any, kind: str) -> list[dict[str, Any]]:
    url = sqs.get_queue_url(QueueName=settings.queue_name(kind))["QueueUrl"]
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0).get("Messages", [])
    return [json.loads(m["Body"]) for m in messages]


def scan_all(dynamodb: Any, kind: str) -> list[dict[str, Any]]:
    """Tests may Scan: they check that nothing else was written."""
    return dynamodb.scan(TableName=settings.table_name(kind))["Items"]


@pytest.fixture
def clock():
    """A clock the test moves; registration, officers' actions and the sweeper all read it."""
    from datetime import UTC, datetime

    from chalicelib.domain.clock import FixedClock

    fixed = FixedClock(datetime.now(UTC).replace(microsecond=0))
    wiring.use_clock(fixed)
    yield fixed
    wiring.use_clock(None)


@pytest.fixture
def hotline(aws, client, twilio, phone, pump, app_module, clock, recordings, plivo,  # noqa: F811 (the fixture)
            demo_carrier, carrier_out):
    """The follow-through, driven the way the demo carrier and time drive it."""
    made = Hotline(client, twilio, phone, pump, app_module, clock, recordings)
    made.plivo = plivo  # the SMS of a district whose sms_sender is on Plivo
    made.carrier, made.outbound = demo_carrier, carrier_out
    return made


class Hotline:

    def __init__(self, client, twilio, phone, pump, app_module, clock, recordings) -> None:
        self.client, self.twilio, self.phone, self.pump = client, twilio, phone, pump
        self.app, self.clock, self.recordings = app_module, clock, recordings
        self.carrier = "twilio"  # whose lines the demo district is on (the fixture sets it)
        self.outbound: Outbound = Outbound("twilio", twilio, None)

    def complaint(self, category_key: str = "3", caller: str = CALLER) -> str:
        import re

        # A caller with an open complaint from the last days hears "Is this about your complaint …?"
        # after choosing a new complaint: 2 answers "a new one".
        again = "2|" if self.has_recent_open(caller) else ""
        log = self.phone(f"1|1|{again}{category_key}|say:पानी की समस्या, वार्ड सात", caller=caller)
        spoken = re.search(r"R P R, ([\d ]+), ([\d ]+)\.", log.said[-4])
        self.deliver()
        return "RPR" + (spoken.group(1) + spoken.group(2)).replace(" ", "")

    @staticmethod
    def has_recent_open(caller: str, district_code: str = "RPR") -> bool:
        """Whether the IVR will offer this caller's open complaint (the repeat window) before a new one."""
        from chalicelib.domain.callers import lookup_since, repeat_candidate
        from chalicelib.domain.district import is_reachable
        district, now = wiring.directory().district(district_code), wiring.clock().now()
        return is_reachable(caller) and repeat_candidate(
            wiring.caller_history().caller_tickets(caller, since=lookup_since(district, now)), district, now) \
            is not None

    def deliver(self) -> None:
        while self.pump.drain_once():
            pass

    def text(self, sender: str, body: str, to: str = LINE, sid: str | None = None, **extra: str) -> str:
        """An incoming SMS/WhatsApp. Each has its own MessageSid unless `sid` repeats one (Twilio's retry);
        `extra` adds form fields (NumMedia, MediaUrl0, MediaContentType0…)."""
        import uuid
        from xml.etree import ElementTree

        form = {"MessageSid": sid or "SM" + uuid.uuid4().hex, "From": sender, "To": to,
                "Body": body, "AccountSid": "AC" + "1" * 32, **extra}
        response = signed_post(self.client, "/twilio/messaging/incoming", form)
        assert response.status_code == 200, response.body
        self.deliver()
        message = ElementTree.fromstring(response.body).find("Message")
        return message.text if message is not None else ""

    def advance(self, **delta) -> dict:
        from datetime import timedelta

        self.clock.advance(timedelta(**delta))
        from chalicelib.local.lambda_events import scheduled_event

        report = self.app.sweeper(scheduled_event("sweeper", settings.region(), "2026-11-23T00:00:00Z"), None)
        self.deliver()
        return report

    def sms_bodies(self, to: str) -> list[str]:
        """The SMS each carrier took for `to` (Twilio's, then Plivo's)."""
        by_plivo = [r.body["text"] for r in self.plivo.sms(to=to)] if getattr(self, "plivo", None) else []
        return [r.data["Body"] for r in self.twilio.sms(to=to)] + by_plivo

    def answer_feedback_call(self, script: str | None):
        return self.answer_call(script)

    def answer_call(self, script: str | None, to: str | None = None):
        """Play the demo carrier's part in the last call the app placed through it (to `to`); None: nobody
        answers."""
        from chalicelib.local.caller import CallEmulator, ScriptedAnswerer

        placed = self.outbound.calls(to=to)[-1]  # each call its own id, as the carrier gives
        if self.carrier == "plivo":
            emulator = CallEmulator(ChaliceTransport(self.client), settings.public_base_url(),
                                    settings.plivo_auth_token(), settings.plivo_auth_id(), self.recordings,
                                    out=lambda _line: None, carrier="plivo")
        else:
            emulator = CallEmulator(ChaliceTransport(self.client), settings.public_base_url(),
                                    settings.twilio_auth_token(), settings.twilio_account_sid(), self.recordings,
                                    out=lambda _line: None)
        answerer = ScriptedAnswerer.parse(script) if script is not None else None
        log = emulator.answer(placed.call_id, placed.caller_id, placed.to, placed.answer_url, placed.status_url,
                              answerer)
        self.deliver()
        return log


# -- the console's API: tokens from a local issuer, verified through a JWKS URL like Cognito's -----------

TEST_USERS = {
    # Another district's people and another department's officer, for the authorisation matrix.
    "collector.bsp": {"username": "collector.bsp", "password": "x", "role": "collector", "district": "BSP"},
    "operator.bsp": {"username": "operator.bsp", "password": "x", "role": "operator", "district": "BSP"},
    "officer.water.l3": {"username": "officer.water.l3", "password": "x", "role": "officer", "district": "RPR",
                         "department": "water", "level": "L3"},
}


@pytest.fixture(scope="session")
def auth_keys(tmp_path_factory):
    from chalicelib.local.auth import LocalIssuer, load_users

    folder = tmp_path_factory.mktemp("auth")
    issuer = LocalIssuer(folder / "key.pem", issuer="https://auth.samvad.test/pool",
                         users={**load_users(), **TEST_USERS})
    (folder / "jwks.json").write_text(json.dumps(issuer.jwks()))
    return issuer, folder / "jwks.json"


@pytest.fixture
def issuer(auth_keys, monkeypatch):
    from chalicelib.api.auth import forget_keys

    local, jwks = auth_keys
    monkeypatch.setenv("SAMVAD_AUTH_ISSUER", local.issuer)
    monkeypatch.setenv("SAMVAD_AUTH_JWKS_URL", jwks.as_uri())
    monkeypatch.setenv("SAMVAD_AUTH_CLIENT_ID", local.client_id)
    forget_keys()
    yield local
    forget_keys()


class Api:
    """The console's API through chalice's test client, as a given user."""

    def __init__(self, client: Client, issuer: Any) -> None:
        self.client, self.issuer = client, issuer
        self._tokens: dict[str, str] = {}

    def token(self, user: str) -> str:
        if user not in self._tokens:
            self._tokens[user] = self.issuer.mint(user)
        return self._tokens[user]

    def call(self, user: str | None, method: str, path: str, body: Any = None,
             headers: dict[str, str] | None = None) -> Any:
        sent = {"Content-Type": "application/json", **(headers or {})}
        if user:
            sent["Authorization"] = f"Bearer {self.token(user)}"
        data = json.dumps(body, ensure_ascii=False).encode() if body is not None else b""
        response = self.client.http.request(method, path, headers=sent, body=data)
        # chalice's test client keeps the header names as the app wrote them ("Content-Type").
        content_type = {k.lower(): v for k, v in response.headers.items()}.get("content-type", "")
        response.json = json.loads(response.body) if content_type.startswith("application/json") and \
            response.body else None
        return response

    def get(self, user: str | None, path: str, **kw: Any) -> Any:
        return self.call(user, "GET", path, **kw)

    def post(self, user: str | None, path: str, body: Any = None, **kw: Any) -> Any:
        return self.call(user, "POST", path, body if body is not None else {}, **kw)

    def put(self, user: str | None, path: str, body: Any, **kw: Any) -> Any:
        return self.call(user, "PUT", path, body, **kw)


@pytest.fixture
def api(aws, client, twilio, issuer, clock) -> Api:
    return Api(client, issuer)


@pytest.fixture
def twilio_audio(hotline, recordings, monkeypatch):
    """The call simulator's recordings served over loopback as Twilio's API serves them, so the app's
    recording proxy really fetches one (stop() it to play a Twilio that does not answer)."""
    from chalicelib.local.sandbox import Sandbox

    server = Sandbox("127.0.0.1", 0, "AC" + "1" * 32, settings.twilio_auth_token()).start()
    monkeypatch.setenv("TWILIO_API_BASE", server.url)  # the sandbox's recordings are the carrier's, and only they
    recordings.base_url = server.url
    server.state.recordings = recordings.recordings
    yield server
    server.stop()


@pytest.fixture
def chime(aws, monkeypatch) -> Iterator[Any]:
    """The sandbox serving the meeting service's stand-in (chalicelib/local/chime_standin.py), the app's boto3
    clients pointed at it; yields the stand-in (its `requests`: the operations asked, in order)."""
    from chalicelib.local.sandbox import Sandbox

    box = Sandbox("127.0.0.1", 0, settings.twilio_account_sid(), settings.twilio_auth_token()).start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_CHIME_SDK_MEETINGS", f"{box.url}/chime-meetings")
    monkeypatch.setenv("AWS_ENDPOINT_URL_CHIME_SDK_MEDIA_PIPELINES", f"{box.url}/chime-pipelines")
    wiring.video_meetings.cache_clear()  # the meetings adapter is made afresh, reading these
    try:
        yield box.state.chime
    finally:
        box.stop()
        wiring.video_meetings.cache_clear()
