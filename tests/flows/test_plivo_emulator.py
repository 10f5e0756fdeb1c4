"""The call emulator's Plivo protocol (chalicelib/local/caller.py): what Plivo sends, in Plivo's names, each
request V3-signed as the SDK checks it, and how it follows Plivo XML — against small Plivo XML documents served
by a transport that plays the served, so the emulator is held to Plivo and not to our own renderer."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from plivo.utils.signature_v3 import validate_v3_signature

from chalicelib.local.caller import CallEmulator, ScriptedAnswerer

BASE = "https://served.samvad.test/api"
AUTH_ID = "MA" + "A1" * 9
TOKEN = "test-plivo-token-0123456789abcdef"
CALLER, LINE, OPERATOR = "+919812345678", "+919977222564", "+919000000201"
RECORDINGS = f"https://media.plivo.com/v1/Account/{AUTH_ID}/Recording"


@dataclass
class Request:
    method: str
    url: str
    form: dict[str, str]
    headers: dict[str, str]

    @property
    def path(self) -> str:
        return urlsplit(self.url).path[len(urlsplit(BASE).path):]


@dataclass
class PlivoHotline:
    """Answers each path with its document (the empty response for the rest) and keeps every request."""
    documents: dict[str, str] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)

    def post(self, url: str, form: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        self.requests.append(Request("POST", url, dict(form), dict(headers)))
        return 200, self.documents.get(url[len(BASE):], "<Response/>")

    def get(self, url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
        parts = urlsplit(url)
        self.requests.append(Request("GET", url, dict(parse_qsl(parts.query)), dict(headers or {})))
        return 200, self.documents.get(parts.path[len(urlsplit(BASE).path):], "<Response/>")

    def to(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]


class PlivoRecordings:
    """Where Plivo keeps a call's recordings, as its Recording objects."""

    def __init__(self) -> None:
        self.made: list[dict[str, Any]] = []

    def add_recording(self, text: str | None = None, wav: bytes | None = None,
                      call: dict[str, str] | None = None) -> dict[str, Any]:
        raise AssertionError("a Plivo call's recording is kept as Plivo's, not as Twilio's")

    def add_plivo_recording(self, text: str | None = None, wav: bytes | None = None,
                            call: dict[str, str] | None = None) -> dict[str, Any]:
        recording_id = f"c2186400-1c8c-11e4-a664-{len(self.made):012d}"
        record = {"recording_id": recording_id, "recording_url": f"{RECORDINGS}/{recording_id}.mp3",
                  "recording_duration_ms": "7000.00000", "call_uuid": (call or {}).get("uuid"), "text": text}
        self.made.append(record)
        return record

    def add_call_event(self, call_sid: str, method: str, url: str, parameters: dict[str, str],
                       status: int) -> None:
        """Plivo keeps no log of the requests it made on a call (Twilio's Call Events); nothing to keep."""


def xml(*elements: str) -> str:
    return '<?xml version="1.0" encoding="UTF-8"?><Response>' + "".join(elements) + "</Response>"


@pytest.fixture
def served() -> PlivoHotline:
    return PlivoHotline()


@pytest.fixture
def recordings() -> PlivoRecordings:
    return PlivoRecordings()


@pytest.fixture
def heard() -> list[str]:
    return []


@pytest.fixture
def emulator(served: PlivoHotline, recordings: PlivoRecordings, heard: list[str]) -> CallEmulator:
    return CallEmulator(served, BASE, TOKEN, AUTH_ID, recordings, out=heard.append, carrier="plivo")


def assert_signed_as_plivo(requests: list[Request]) -> None:
    assert requests
    for request in requests:
        url = request.url.split("?")[0] if request.method == "GET" else request.url
        assert validate_v3_signature(request.method, url, request.headers["X-Plivo-Signature-V3-Nonce"], TOKEN,
                                     request.headers["X-Plivo-Signature-V3"], dict(request.form)), request.url
        assert not validate_v3_signature(request.method, url, request.headers["X-Plivo-Signature-V3-Nonce"],
                                         "another-token", request.headers["X-Plivo-Signature-V3"], dict(request.form))
        assert "X-Twilio-Signature" not in request.headers


def test_a_menu_sends_plivo_names_and_follows_the_digits_action(emulator, served):
    served.documents = {
        "/plivo/voice/incoming": xml('<Speak voice="Polly.Aditi" language="hi-IN">नमस्ते</Speak>',
                                     f'<GetDigits action="{BASE}/plivo/voice/language/1" method="POST" numDigits="1" '
                                     'timeout="6" retries="1" redirect="true"><Speak language="hi-IN">हिंदी के लिए 1'
                                     '</Speak><Play>https://audio.test/menu.mp3</Play></GetDigits>',
                                     f'<Redirect method="POST">{BASE}/plivo/voice/language/2</Redirect>'),
        "/plivo/voice/language/1": xml("<Speak>धन्यवाद</Speak>", "<Wait length=\"1\"/>", "<Hangup/>"),
    }

    log = emulator.call(CALLER, LINE, ScriptedAnswerer.parse("1"))

    assert [r.path for r in served.requests] == ["/plivo/voice/incoming", "/plivo/voice/language/1",
                                                  "/plivo/voice/status"]
    first, digits, hangup = served.requests
    assert first.form == {"CallUUID": log.call_sid, "From": CALLER, "To": LINE, "Direction": "inbound",
                          "CallStatus": "ringing", "Event": "StartApp", "CallerName": CALLER, "BillRate": "0.00450"}
    assert digits.form["Digits"] == "1" and digits.form["CallStatus"] == "in-progress"
    assert digits.form["CallUUID"] == log.call_sid
    assert hangup.form["Event"] == "Hangup" and hangup.form["CallStatus"] == "completed"
    assert hangup.form["HangupCause"] == "NORMAL_CLEARING" and hangup.form["HangupSource"] == "Answer XML"
    assert int(hangup.form["Duration"]) >= 1 and hangup.form["BillDuration"] == hangup.form["Duration"]
    assert len(hangup.form["EndTime"]) == len("2026-12-03 10:15:02")
    assert log.said == ["नमस्ते", "हिंदी के लिए 1", "<play https://audio.test/menu.mp3>", "धन्यवाद"]
    assert log.ended_by == "hotline"
    assert_signed_as_plivo(served.requests)


def test_no_digits_goes_on_with_the_next_element_and_the_finishing_key_is_not_sent(emulator, served):
    served.documents = {
        "/plivo/voice/incoming": xml(f'<GetDigits action="{BASE}/plivo/voice/lookup/hi/1" finishOnKey="#" '
                                     'numDigits="20"><Speak>अंक दबाएँ</Speak></GetDigits>',
                                     f'<Redirect method="POST">{BASE}/plivo/voice/menu/hi/2</Redirect>'),
        "/plivo/voice/menu/hi/2": xml(f'<GetDigits action="{BASE}/plivo/voice/lookup/hi/2" finishOnKey="#" '
                                      'numDigits="20"><Speak>फिर से</Speak></GetDigits>'),
    }

    emulator.call(CALLER, LINE, ScriptedAnswerer.parse("-|2611230007#"))

    assert [r.path for r in served.requests] == ["/plivo/voice/incoming", "/plivo/voice/menu/hi/2",
                                                  "/plivo/voice/lookup/hi/2", "/plivo/voice/status"]
    redirect, lookup = served.requests[1], served.requests[2]
    assert redirect.form["Event"] == "Redirect" and "Digits" not in redirect.form
    assert lookup.form["Digits"] == "2611230007"
    assert_signed_as_plivo(served.requests)


def test_a_record_posts_its_action_then_its_callback_once_the_file_is_ready(emulator, served, recordings):
    record_path, status_path = "/plivo/voice/record/hi/water/1", "/plivo/voice/recording-status"
    served.documents = {
        "/plivo/voice/incoming": xml("<Speak>बीप के बाद बोलिए</Speak>",
                                     f'<Record action="{BASE}{record_path}" method="POST" maxLength="120" '
                                     'timeout="5" finishOnKey="#" playBeep="true" fileFormat="mp3" redirect="true" '
                                     f'callbackUrl="{BASE}{status_path}" callbackMethod="POST"/>',
                                     f'<Redirect method="POST">{BASE}/plivo/voice/record/hi/water/2</Redirect>'),
        record_path: xml("<Speak>आपकी शिकायत दर्ज हुई</Speak>", "<Hangup/>"),
    }

    log = emulator.call(CALLER, LINE, ScriptedAnswerer.parse("say:हैंडपंप खराब है"))

    assert [r.path for r in served.requests] == ["/plivo/voice/incoming", record_path, status_path,
                                                  "/plivo/voice/status"]
    action, callback = served.requests[1], served.requests[2]
    recording_id = recordings.made[0]["recording_id"]
    fields = {"RecordUrl": f"{RECORDINGS}/{recording_id}.mp3", "RecordingID": recording_id,
              "RecordingDuration": "7", "RecordingDurationMs": "7000"}
    assert fields.items() <= action.form.items() and fields.items() <= callback.form.items()
    assert int(action.form["RecordingEndMs"]) - int(action.form["RecordingStartMs"]) == 7000
    assert action.form["CallUUID"] == callback.form["CallUUID"] == log.call_sid
    assert "RecordingUrl" not in action.form and "RecordingSid" not in action.form
    assert recordings.made[0]["text"] == "हैंडपंप खराब है" and recordings.made[0]["call_uuid"] == log.call_sid
    assert log.recording_sid == recording_id and "आपकी शिकायत दर्ज हुई" in log.said
    assert_signed_as_plivo(served.requests)


def test_silence_at_the_beep_goes_on_with_the_next_element(emulator, served, recordings):
    served.documents = {
        "/plivo/voice/incoming": xml(f'<Record action="{BASE}/plivo/voice/record/hi/water/1" playBeep="true"/>',
                                     f'<Redirect>{BASE}/plivo/voice/record/hi/water/2</Redirect>'),
    }

    emulator.call(CALLER, LINE, ScriptedAnswerer.parse("silence"))

    assert [r.path for r in served.requests] == ["/plivo/voice/incoming", "/plivo/voice/record/hi/water/2",
                                                  "/plivo/voice/status"]
    assert recordings.made == []


def test_a_dial_whispers_to_the_operator_and_reports_the_legs_and_the_session_recording(emulator, served,
                                                                                        recordings):
    served.documents = {
        "/plivo/voice/incoming": xml(
            '<Record recordSession="true" startOnDialAnswer="true" redirect="false" maxLength="14400" '
            f'fileFormat="mp3" callbackUrl="{BASE}/plivo/voice/recording-status" callbackMethod="POST"/>',
            f'<Dial action="{BASE}/plivo/voice/after-dial/RPR/1" method="POST" timeout="20" callerId="{LINE}" '
            f'confirmSound="{BASE}/plivo/voice/answered/RPR" redirect="true">'
            f"<Number>{OPERATOR}</Number><Number>+919000000202</Number></Dial>"),
        "/plivo/voice/answered/RPR": xml("<Speak>नागरिक का कॉल</Speak>"),
        "/plivo/voice/after-dial/RPR/1": xml("<Speak>धन्यवाद</Speak>", "<Hangup/>"),
    }

    log = emulator.call(CALLER, LINE, ScriptedAnswerer.parse(f"answer:{OPERATOR}"))

    assert [r.path for r in served.requests] == ["/plivo/voice/incoming", "/plivo/voice/answered/RPR",
                                                  "/plivo/voice/after-dial/RPR/1", "/plivo/voice/recording-status",
                                                  "/plivo/voice/status"]
    whisper, action, recording = served.requests[1], served.requests[2], served.requests[3]
    leg = action.form["DialBLegUUID"]
    assert whisper.form == {"CallUUID": leg, "From": LINE, "To": OPERATOR, "Direction": "outbound",
                            "CallStatus": "in-progress", "ALegUUID": log.call_sid}
    assert {"DialStatus": "completed", "DialALegUUID": log.call_sid, "DialRingStatus": "true",
            "DialHangupCause": "NORMAL_CLEARING"}.items() <= action.form.items() and leg != log.call_sid
    assert recording.form["RecordingID"] == recordings.made[0]["recording_id"] == log.recording_sid
    assert log.answered_by == OPERATOR and log.whispered == ["नागरिक का कॉल"]
    assert_signed_as_plivo(served.requests)


def test_a_dial_nobody_answers_reports_no_answer_and_no_recording(emulator, served, recordings):
    served.documents = {
        "/plivo/voice/incoming": xml(
            '<Record recordSession="true" startOnDialAnswer="true" '
            f'callbackUrl="{BASE}/plivo/voice/recording-status"/>',
            f'<Dial action="{BASE}/plivo/voice/after-dial/RPR/1" timeout="20"><Number>{OPERATOR}</Number></Dial>'),
    }

    emulator.call(CALLER, LINE, ScriptedAnswerer.parse("-"))

    assert [r.path for r in served.requests] == ["/plivo/voice/incoming", "/plivo/voice/after-dial/RPR/1",
                                                  "/plivo/voice/status"]
    action = served.requests[1]
    assert action.form["DialStatus"] == "no-answer" and action.form["DialBLegUUID"] == ""
    assert recordings.made == []


def test_a_rejected_call_is_never_answered(emulator, served):
    served.documents = {"/plivo/voice/incoming": xml('<Hangup reason="rejected"/>')}

    log = emulator.call(CALLER, "+919977222600", ScriptedAnswerer.parse(""))

    assert [r.path for r in served.requests] == ["/plivo/voice/incoming", "/plivo/voice/status"]
    hangup = served.requests[1].form
    assert {"CallStatus": "completed", "HangupCause": "CALL_REJECTED", "Duration": "0", "BillDuration": "0",
            "AnswerTime": ""}.items() <= hangup.items()
    assert log.ended_by == "no-answer" and log.said == []
    assert_signed_as_plivo(served.requests)


def test_a_redirect_with_get_carries_the_parameters_in_the_signed_url(emulator, served):
    served.documents = {
        "/plivo/voice/incoming": xml(f'<Redirect method="GET">{BASE}/plivo/voice/state/1?district=RPR</Redirect>'),
        "/plivo/voice/state/1": xml("<Speak>रायपुर</Speak>"),
    }

    log = emulator.call(CALLER, LINE, ScriptedAnswerer.parse(""))

    redirect = served.requests[1]
    assert redirect.method == "GET" and redirect.form["district"] == "RPR" and redirect.form["Event"] == "Redirect"
    assert validate_v3_signature("GET", f"{BASE}/plivo/voice/state/1?district=RPR",
                                 redirect.headers["X-Plivo-Signature-V3-Nonce"], TOKEN,
                                 redirect.headers["X-Plivo-Signature-V3"],
                                 {k: v for k, v in redirect.form.items() if k != "district"})
    assert log.said == ["रायपुर"]


def test_the_caller_hanging_up_is_reported_as_the_callers(emulator, served):
    served.documents = {"/plivo/voice/incoming": xml(f'<GetDigits action="{BASE}/plivo/voice/language/1">'
                                                      "<Speak>1 दबाएँ</Speak></GetDigits>")}

    log = emulator.call(CALLER, LINE, ScriptedAnswerer.parse("hangup"))

    hangup = served.to("/plivo/voice/status")[0].form
    assert hangup["HangupSource"] == "Caller" and hangup["CallStatus"] == "completed"
    assert log.ended_by == "caller"


def test_an_outbound_call_answers_at_the_answer_url_and_ends_at_the_hangup_url(emulator, served):
    request_uuid = "9834029e-58b6-11e1-b8b7-a5bd0e4e126f"
    answer_url, hangup_url = f"{BASE}/plivo/voice/feedback/RPR2611230007/0", f"{BASE}/plivo/voice/feedback-status/x"
    served.documents = {
        "/plivo/voice/feedback/RPR2611230007/0": xml(
            f'<GetDigits action="{BASE}/plivo/voice/feedback/RPR2611230007/1" numDigits="1">'
            "<Speak>समाधान हुआ तो 1</Speak></GetDigits>"),
        "/plivo/voice/feedback/RPR2611230007/1": xml("<Speak>धन्यवाद</Speak>", "<Hangup/>"),
    }

    log = emulator.answer(request_uuid, LINE, CALLER, answer_url, hangup_url, ScriptedAnswerer.parse("1"))

    assert [r.path for r in served.requests] == ["/plivo/voice/feedback/RPR2611230007/0",
                                                  "/plivo/voice/feedback/RPR2611230007/1",
                                                  "/plivo/voice/feedback-status/x"]
    first, digits, hangup = (r.form for r in served.requests)
    assert {"From": LINE, "To": CALLER, "Direction": "outbound", "CallStatus": "in-progress",
            "RequestUUID": request_uuid, "ALegRequestUUID": request_uuid, "ALegUUID": log.call_sid,
            "Event": "StartApp"}.items() <= first.items()
    assert log.call_sid != request_uuid and digits["Digits"] == "1"
    assert hangup["CallStatus"] == "completed" and hangup["RequestUUID"] == request_uuid
    assert_signed_as_plivo(served.requests)


def test_an_outbound_call_nobody_answers_posts_only_its_hangup(emulator, served):
    log = emulator.answer("9834029e-58b6-11e1-b8b7-a5bd0e4e126f", LINE, CALLER, f"{BASE}/plivo/voice/callback/1",
                          f"{BASE}/plivo/voice/callback-status/1/1", None)

    assert [r.path for r in served.requests] == ["/plivo/voice/callback-status/1/1"]
    assert {"CallStatus": "no-answer", "HangupCause": "NO_ANSWER", "Duration": "0",
            "Event": "Hangup"}.items() <= served.requests[0].form.items()
    assert log.ended_by == "no-answer"
    assert_signed_as_plivo(served.requests)


def test_the_app_accepts_the_emulators_signature(emulator, served):
    """The lead's adapter checks what the emulator signs (and the SDK agrees with both, above)."""
    from chalicelib.telephony import plivo_voice

    served.documents = {"/plivo/voice/incoming": xml("<Speak>नमस्ते</Speak>")}
    emulator.call(CALLER, LINE, ScriptedAnswerer.parse(""))

    assert len(served.requests) == 2
    for request in served.requests:
        assert plivo_voice.is_signed(request.url, request.form, {k.lower(): v for k, v in request.headers.items()})


def test_a_carrier_the_emulator_does_not_play_is_refused(served, recordings):
    with pytest.raises(ValueError, match="exotel"):
        CallEmulator(served, BASE, TOKEN, AUTH_ID, recordings, carrier="exotel")


def test_a_complaint_call_on_plivo_through_the_app_becomes_a_ticket(aws, phone):
    """The whole IVR as the lead's Plivo adapter renders it, played by the emulator's Plivo protocol."""
    import re

    from chalicelib.store.models import CallModel, TicketModel

    log = phone("1|1|3|say:हैंडपंप खराब है", carrier="plivo")

    assert [path for path, _ in log.requests] == [
        "/plivo/voice/incoming", "/plivo/voice/language/1", "/plivo/voice/menu/hi/1", "/plivo/voice/category/hi/1",
        "/plivo/voice/record/hi/water/1", "/plivo/voice/recording-status", "/plivo/voice/status"]
    assert all(status == 200 for _, status in log.requests), log.requests
    number = re.search(r"R P R, ([\d ]+), ([\d ]+)\.", " ".join(log.said))
    assert number, log.said
    ticket = TicketModel.get("RPR" + (number.group(1) + number.group(2)).replace(" ", ""))
    assert (ticket.caller_phone, ticket.line, ticket.category, ticket.call_sid) == (CALLER, LINE, "water",
                                                                                   log.call_sid)
    assert ticket.recording_sid == log.recording_sid
    assert CallModel.get(log.call_sid).call_status == "completed"


class RingerState:
    """What the ringer reads of the sandbox: the answers `manage.py answer` set, and where recordings go."""

    def __init__(self, answers: dict[str, str]) -> None:
        import threading

        self.answers, self.lock = answers, threading.Lock()
        self.account_sid, self.auth_token = "AC" + "0" * 32, "local-sandbox-auth-token"
        self.recordings = PlivoRecordings()

    def add_plivo_recording(self, **kwargs: Any) -> dict[str, Any]:
        return self.recordings.add_plivo_recording(**kwargs)

    def add_recording(self, **kwargs: Any) -> dict[str, Any]:
        return self.recordings.add_recording(**kwargs)

    def add_call_event(self, *args: Any) -> None:
        """Kept only for Twilio's calls."""


def test_the_ringer_answers_a_call_placed_through_plivo_with_plivos_protocol(served):
    from chalicelib.local.ringer import Ringer

    served.documents = {"/plivo/voice/feedback/RPR2611230007/0": xml(
        f'<GetDigits action="{BASE}/plivo/voice/feedback/RPR2611230007/1" numDigits="1">'
        "<Speak>समाधान हुआ तो 1</Speak></GetDigits>")}
    state = RingerState({CALLER: "1"})
    ringer = Ringer(state, BASE, AUTH_ID, TOKEN, transport=served)  # type: ignore[arg-type]
    placed = {"sid": "9834029e-58b6-11e1-b8b7-a5bd0e4e126f", "carrier": "plivo", "status": "queued",
              "request": {"from": LINE.lstrip("+"), "to": CALLER.lstrip("+"),
                          "answer_url": f"{BASE}/plivo/voice/feedback/RPR2611230007/0", "answer_method": "POST",
                          "hangup_url": f"{BASE}/plivo/voice/feedback-status/RPR2611230007", "hangup_method": "POST"}}

    ringer.ring(placed)
    ringer.wait()

    assert [r.path for r in served.requests] == ["/plivo/voice/feedback/RPR2611230007/0",
                                                 "/plivo/voice/feedback/RPR2611230007/1",
                                                 "/plivo/voice/feedback-status/RPR2611230007"]
    assert served.requests[0].form["RequestUUID"] == placed["sid"] and served.requests[1].form["Digits"] == "1"
    assert placed["status"] == "completed" and placed["said"] == ["समाधान हुआ तो 1"]
    assert_signed_as_plivo(served.requests)


def test_the_ringer_posts_a_plivo_messages_delivery_to_its_url(served):
    from chalicelib.local.ringer import Ringer

    ringer = Ringer(RingerState({}), BASE, AUTH_ID, TOKEN, transport=served)  # type: ignore[arg-type]
    message = {"sid": "db3ce55a-7f1d-11e1-8ea7-1231380bc196", "carrier": "plivo", "status": "queued",
               "request": {"src": "RPRCOL", "dst": CALLER.lstrip("+"), "text": "…",
                           "url": f"{BASE}/plivo/messaging/status/RPR2611230007", "method": "POST"}}

    ringer.deliver(message)
    ringer.wait()

    [status] = served.requests
    assert status.path == "/plivo/messaging/status/RPR2611230007"
    assert {"MessageUUID": message["sid"], "Status": "delivered", "From": "RPRCOL",
            "To": CALLER.lstrip("+")}.items() <= status.form.items()
    assert message["status"] == "delivered"
    assert_signed_as_plivo(served.requests)
