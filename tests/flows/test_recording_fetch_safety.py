"""Recording fetches reach the carrier's recordings only, webhook numbers are bounded, and a recording link
takes a few wrong numbers, then pauses.

Everything listens on loopback: the sandbox (the carrier's recordings locally, TWILIO_API_BASE), and decoys
that stand for what else is there (moto, the sandbox's other pages) and count what reaches them.
"""
from __future__ import annotations

import base64
import re
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from chalicelib import settings, wiring
from chalicelib.local.sandbox import Sandbox
from chalicelib.store.models import CallModel, TicketModel
from tests.support.fixtures import CALLER, LINE, scan_all, signed_post
from tests.support.stack_process import free_port_in

ACCOUNT = "AC" + "1" * 32
RECORD = "/twilio/voice/record/hi/water/1"
TWILIO_RECORDINGS = f"https://api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Recordings/"
WATER_L1 = "+919000000301"
REGISTERED = "आपकी शिकायत दर्ज हो गई है"
APOLOGY = "तकनीकी समस्या"


def _free_port() -> int:
    """A port of 18400-18999 (the range this suite's own listeners use), free on loopback now."""
    return free_port_in(18400, 18999)


class Listener:
    """A loopback HTTP server that answers from `routes` (path → status, headers, body) and keeps every
    request it got: its path and its Authorization header."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
        self.requests: list[tuple[str, str | None]] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                listener.requests.append((self.path, self.headers.get("Authorization")))
                status, headers, body = listener.routes.get(self.path, (404, {}, b"not here"))
                self.send_response(status)
                for name, value in {"Content-Length": str(len(body)), **headers}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", _free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def decoy() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.stop()


@pytest.fixture
def carrier(monkeypatch) -> Iterator[Listener]:
    """A listener playing the sandbox: the carrier's recordings are there, and only there, locally."""
    server = Listener()
    monkeypatch.setenv("TWILIO_API_BASE", server.url)
    yield server
    server.stop()


@pytest.fixture
def sandbox(monkeypatch) -> Iterator[Sandbox]:
    server = Sandbox("127.0.0.1", _free_port(), ACCOUNT, settings.twilio_auth_token()).start()
    monkeypatch.setenv("TWILIO_API_BASE", server.url)
    server.state.messages.append({"sid": "SM" + "0" * 32, "to": CALLER, "body": "OTP 4711 — not for the proxy"})
    yield server
    server.stop()


def _sid(n: int) -> str:
    return f"RE{n:032x}"


def _record(client: Any, n: int, url: str | None = None, **fields: str) -> Any:
    # A caller per call: the daily cap (5 a caller) is not what these calls test.
    form = {"AccountSid": ACCOUNT, "CallSid": f"CA{n:032x}", "From": f"+9198{n:08d}", "To": LINE,
            "Direction": "inbound", "RecordingSid": _sid(n), "RecordingDuration": "14",
            "RecordingUrl": url if url is not None else TWILIO_RECORDINGS + _sid(n), **fields}
    return signed_post(client, RECORD, form)


def _ticket_of(n: int) -> TicketModel:
    return TicketModel.get(CallModel.get(f"CA{n:032x}").complaint_number)


def _recording(api: Any, number: str) -> Any:
    return api.get("officer.water.l1", f"/api/tickets/{number}/recording")


def _stored(number: str, url: str) -> None:
    """A recording URL already in the table (written before this check existed)."""
    TicketModel(number).update(actions=[TicketModel.recording_url.set(url)])


# -- what is stored --------------------------------------------------------------------------------------

def test_a_recording_url_that_is_not_the_carriers_is_not_kept_and_the_caller_still_gets_a_ticket(
        api, client, sandbox, decoy):
    crafted = [
        f"{sandbox.url}/sandbox/messages",  # the sandbox's message list
        f"{decoy.url}/",  # anything else on loopback: moto's S3 listing, say
        f"{decoy.url}/2010-04-01/Accounts/{ACCOUNT}/Recordings/{_sid(3)}",  # the right path on another host
        f"https://api.twilio.com/2010-04-01/Accounts/AC{'2' * 32}/Recordings/{_sid(4)}",  # another account
        TWILIO_RECORDINGS + _sid(99),  # another recording
        TWILIO_RECORDINGS + _sid(6) + "?x=1",
        f"https://api.twilio.com:8443/2010-04-01/Accounts/{ACCOUNT}/Recordings/{_sid(7)}",
        f"https://evil.test@api.twilio.com/2010-04-01/Accounts/{ACCOUNT}/Recordings/{_sid(8)}",
    ]
    for n, url in enumerate(crafted, start=1):
        answer = _record(client, n, url)
        assert answer.status_code == 200 and REGISTERED in answer.body.decode(), url
        ticket = _ticket_of(n)
        assert not ticket.recording_url and not ticket.recording_sid, url
        refusal = _recording(api, ticket.complaint_number)
        assert refusal.status_code == 404 and b"OTP" not in refusal.body, url
    assert decoy.requests == []


def test_a_ticket_kept_without_its_url_takes_the_genuine_recording_status_callback(api, client):
    _record(client, 1, url=f"http://127.0.0.1:{_free_port()}/x")
    number = _ticket_of(1).complaint_number
    status = {"AccountSid": ACCOUNT, "CallSid": f"CA{1:032x}", "RecordingSid": _sid(1),
              "RecordingStatus": "completed", "RecordingDuration": "14"}
    signed_post(client, "/twilio/voice/recording-status", {**status, "RecordingUrl": "https://evil.test/RE"})
    assert not TicketModel.get(number).recording_url and CallModel.get(f"CA{1:032x}").recording_url is None
    signed_post(client, "/twilio/voice/recording-status", {**status, "RecordingUrl": TWILIO_RECORDINGS + _sid(1)})
    ticket = TicketModel.get(number)
    assert (ticket.recording_sid, ticket.recording_url) == (_sid(1), TWILIO_RECORDINGS + _sid(1))


# -- what is fetched -------------------------------------------------------------------------------------

def test_a_stored_url_off_the_carriers_recordings_is_never_fetched(api, client, sandbox, decoy):
    _record(client, 1)
    number = _ticket_of(1).complaint_number
    for url in (f"{sandbox.url}/sandbox/messages", f"{decoy.url}/", f"{decoy.url}/recordings/{_sid(1)}",
                f"http://localhost:{sandbox.server.server_port}/sandbox/messages",  # the base, spelt otherwise
                f"{sandbox.url}/recordings/{_sid(1)}/../../sandbox/messages", "file:///etc/passwd"):
        _stored(number, url)
        refusal = _recording(api, number)
        assert refusal.status_code == 502 and b"OTP" not in refusal.body, url
    assert decoy.requests == []


def test_the_carriers_recording_is_fetched_with_credentials_and_a_redirect_elsewhere_gets_none(
        api, client, carrier, decoy):
    _record(client, 1)
    number = _ticket_of(1).complaint_number
    credentials = "Basic " + base64.b64encode(f"{ACCOUNT}:{settings.twilio_auth_token()}".encode()).decode()
    here, there = f"/recordings/{_sid(1)}", f"/recordings/{_sid(2)}"
    _stored(number, carrier.url + here)

    carrier.routes[here] = (302, {"Location": f"{decoy.url}/steal"}, b"")  # off the carrier: refused
    assert _recording(api, number).status_code == 502
    assert decoy.requests == [] and carrier.requests == [(here, credentials)]

    carrier.routes[here] = (302, {"Location": "https://attacker.test/x"}, b"")  # HTTPS is not enough
    assert _recording(api, number).status_code == 502

    carrier.routes[here] = (302, {"Location": there}, b"")  # within the carrier: followed
    carrier.routes[there] = (200, {"Content-Type": "audio/wav"}, b"RIFF....WAVE")
    audio = _recording(api, number)
    assert audio.status_code == 200 and base64.b64decode(audio.json["data"]) == b"RIFF....WAVE"
    assert carrier.requests[-2:] == [(here, credentials), (there, credentials)]

    carrier.routes[here] = (302, {"Location": here}, b"")  # a loop ends
    carrier.requests.clear()
    assert _recording(api, number).status_code == 502 and len(carrier.requests) == 4
    assert decoy.requests == []


# -- numbers in the carrier's forms ----------------------------------------------------------------------

def test_a_recording_duration_no_record_step_can_make_is_no_recording(aws, client):
    for n, duration in enumerate(("9" * 44, str(120 + 61), "１４", "-5"), start=1):
        answer = _record(client, n, RecordingDuration=duration).body.decode()
        assert "<Record" in answer and REGISTERED not in answer, duration  # asked again, nothing kept
    assert scan_all(aws["dynamodb"], "tickets") == []
    assert REGISTERED in _record(client, 9, RecordingDuration=str(120 + 60)).body.decode()  # the margin holds


def test_status_callbacks_keep_no_number_beyond_a_day(aws, client):
    call = {"AccountSid": ACCOUNT, "CallSid": f"CA{1:032x}", "From": CALLER, "To": LINE, "Direction": "inbound"}
    signed_post(client, "/twilio/voice/status", {**call, "CallStatus": "completed", "CallDuration": "9" * 44})
    assert CallModel.get(call["CallSid"]).duration == 0
    signed_post(client, "/twilio/voice/recording-status", {
        **call, "RecordingSid": _sid(1), "RecordingStatus": "completed", "RecordingDuration": "9" * 44,
        "RecordingUrl": TWILIO_RECORDINGS + _sid(1)})
    assert CallModel.get(call["CallSid"]).recording_duration is None


def test_digits_no_keypad_can_send_are_a_wrong_key_not_an_error(aws, client):
    call = {"AccountSid": ACCOUNT, "CallSid": f"CA{1:032x}", "From": CALLER, "To": LINE, "Direction": "inbound"}
    for digits in ("1" * 5000, "1" * 21, "１"):
        answer = signed_post(client, "/twilio/voice/language/1", {**call, "Digits": digits}).body.decode()
        assert "यह सही विकल्प नहीं है" in answer or "हमें आपका जवाब नहीं मिला" in answer, digits[:30]
        assert APOLOGY not in answer and "<Gather" in answer


# -- a recording link's wrong numbers --------------------------------------------------------------------

def _link_token(hotline: Any) -> str:
    [forward] = hotline.sms_bodies(WATER_L1)
    return re.search(r"/r/(\w+)", forward).group(1)


def test_a_link_takes_five_wrong_numbers_then_refuses_every_number_for_a_while(hotline, twilio_audio, aws, clock):
    number = hotline.complaint("3")
    token = _link_token(hotline)
    form = {"Content-Type": "application/x-www-form-urlencoded"}

    def attempt(phone: str) -> Any:
        wiring.link_attempts.cache_clear()  # each try may land in another container: the count is in DynamoDB
        return hotline.client.http.post(f"/r/{token}", headers=form, body=f"phone={phone}")

    for guess in range(4):
        assert attempt(f"90000004{guess:02d}").status_code == 403
    fifth = attempt("9000000499")
    assert fifth.status_code == 429
    right = attempt(WATER_L1[3:])
    assert right.status_code == 429 and right.headers["Retry-After"] == "900"
    page = right.body.decode()
    assert "बहुत से गलत नंबर डाले गए। कृपया 15 मिनट बाद फिर कोशिश करें।" in page  # the district's language
    assert "<audio" not in page and number not in page and 'name="phone"' not in page
    [kept] = [i for i in scan_all(aws["dynamodb"], "idempotency") if i["key"]["S"].startswith("link-tries#")]
    # Five wrong numbers and the refused sixth try: every try takes its place before it is compared.
    assert kept["failures"]["N"] == "6" and token.split(".")[0] not in str(kept)

    clock.advance(timedelta(minutes=14))
    assert attempt(WATER_L1[3:]).status_code == 429  # the window opened at the first wrong number
    clock.advance(timedelta(minutes=2))
    assert b"<audio controls autoplay" in attempt(WATER_L1[3:]).body
