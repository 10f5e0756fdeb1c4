"""Plivo's REST side through the real plivo.RestClient: DLT SMS, outbound calls, a retry's lookup after no
answer, the reconciler's recordings, a recording's audio — over the recording transport (the exact requests
Plivo would receive) and, at the end, over loopback against the local sandbox as `make run` reaches it."""
from __future__ import annotations

import io
import wave
from datetime import UTC, datetime, timedelta

import pytest
from plivo import exceptions as plivo_errors
from requests.exceptions import ConnectionError as RequestsConnectionError
from requests.exceptions import ReadTimeout
from urllib3.exceptions import MaxRetryError, NewConnectionError

from chalicelib import settings, wiring
from chalicelib.domain.clock import iso
from chalicelib.domain.ports import Attempt, CallChoices, DltIds, OutcomeUnknown, RecordingTooLarge
from chalicelib.local.sandbox import Sandbox
from chalicelib.telephony import plivo_rest
from chalicelib.telephony.plivo_rest import PlivoCalls, PlivoMessaging, PlivoRecordings

CITIZEN, LINE, HEADER = "+919812345678", "+919977222564", "RPRCOL"
DLT = DltIds(entity_id="1101RPR000001", template_id="1107RPR000201")
TEXT = "आपकी शिकायत क्र. RPR2611230007 दि. 23-11-2026 को दर्ज हुई। -रायपुर जिला प्रशासन"
BASE = "https://hotline.samvad.test/api"


def _attempt(channel: str, to: str, sender: str, content: str, at: datetime) -> Attempt:
    return Attempt(channel, to, sender, content, iso(at), "plivo")


def _before() -> datetime:
    return datetime.now(UTC) - timedelta(seconds=1)


def test_an_sms_carries_the_dlt_ids_and_its_status_url_under_plivo(plivo):
    uuid = wiring.messenger().send_sms(CITIZEN, TEXT, HEADER, "/messaging/status/RPR2611230007", carrier="plivo",
                                       dlt=DLT)
    [sent] = plivo.sms(CITIZEN)
    assert sent.path == f"/v1/Account/{settings.plivo_auth_id()}/Message/"
    assert {k: sent.body[k] for k in ("src", "dst", "text", "url", "method", "dlt_entity_id", "dlt_template_id")} == {
        "src": HEADER, "dst": "919812345678", "text": TEXT, "url": f"{BASE}/plivo/messaging/status/RPR2611230007",
        "method": "POST", "dlt_entity_id": DLT.entity_id, "dlt_template_id": DLT.template_id}
    assert sent.headers["Authorization"].startswith("Basic ")
    assert uuid == plivo.state.messages[-1]["sid"]  # Plivo's message_uuid[0]


def test_an_sms_to_india_without_dlt_ids_is_refused_before_any_request(plivo):
    with pytest.raises(ValueError, match="DLT"):
        PlivoMessaging().send_sms(CITIZEN, TEXT, HEADER, carrier="plivo")
    assert plivo.requests == []


def test_whatsapp_stays_on_twilio(plivo):
    with pytest.raises(NotImplementedError, match="Twilio"):
        PlivoMessaging().send_whatsapp(CITIZEN, "+14155238886", "HX1", {"1": "x"})
    assert plivo.requests == []


def test_a_refusal_passes_through_and_is_not_unknown(plivo):
    plivo.fail_next(400)
    with pytest.raises(plivo_errors.ValidationError) as refused:
        PlivoMessaging().send_sms(CITIZEN, TEXT, HEADER, dlt=DLT)
    assert not isinstance(refused.value, OutcomeUnknown)
    refused_at_connect = NewConnectionError(None, "Failed to establish a new connection: [Errno 111] refused")
    plivo.fail_next(RequestsConnectionError(MaxRetryError(None, "/v1/Account/", refused_at_connect)))
    with pytest.raises(RequestsConnectionError):
        PlivoMessaging().send_sms(CITIZEN, TEXT, HEADER, dlt=DLT)


@pytest.mark.parametrize("failure", [502, ReadTimeout("read timed out")])
def test_no_answer_is_unknown_and_the_retry_finds_nothing_when_nothing_was_taken(plivo, failure):
    at = _before()
    plivo.fail_next(failure)
    with pytest.raises(OutcomeUnknown):
        PlivoMessaging().send_sms(CITIZEN, TEXT, HEADER, dlt=DLT)
    assert len(plivo.requests) == 1  # the SDK's own retry of a 5xx never ran: one request, not three
    assert PlivoMessaging().find_sent(_attempt("sms", CITIZEN, HEADER, TEXT, at)) is None


def test_a_message_taken_and_answered_late_is_found_by_the_retry_and_not_sent_again(plivo):
    at = _before()
    plivo.answer_late(to=CITIZEN)
    with pytest.raises(OutcomeUnknown):
        PlivoMessaging().send_sms(CITIZEN, TEXT, HEADER, dlt=DLT)
    taken = plivo.state.messages[-1]["sid"]
    for n in range(25):  # later messages to others, and more than one page of Plivo's Message list
        PlivoMessaging().send_sms(f"+9198000{n:05d}", TEXT, HEADER, dlt=DLT)
    found = PlivoMessaging().find_sent(_attempt("sms", CITIZEN, HEADER, TEXT, at))
    assert found == taken
    lookup = plivo.reads("/Message/")[-1].params
    assert (lookup["from_number"], lookup["to_number"], lookup["message_direction"]) == (HEADER, "919812345678",
                                                                                          "outbound")
    assert len(plivo.sms(CITIZEN)) == 1
    # Another message (another size) to the same phone is not it; nor is anything before the attempt.
    short = _attempt("sms", CITIZEN, HEADER, "RPR2611230007", at)
    assert PlivoMessaging().find_sent(short) is None
    assert PlivoMessaging().find_sent(_attempt("sms", CITIZEN, HEADER, TEXT, datetime.now(UTC) + timedelta(hours=1))) \
        is None


def test_a_call_is_placed_with_its_urls_under_plivo_and_its_request_uuid_returned(plivo):
    request_uuid = wiring.dialer().place_call(CITIZEN, LINE, "/voice/callback/cb1", "/voice/callback-status/cb1/2",
                                              carrier="plivo")
    [call] = plivo.calls(CITIZEN)
    assert {k: call.body[k] for k in ("from", "to", "answer_url", "answer_method", "hangup_url", "hangup_method",
                                      "ring_timeout")} == {
        "from": "919977222564", "to": "919812345678", "answer_url": f"{BASE}/plivo/voice/callback/cb1",
        "answer_method": "POST", "hangup_url": f"{BASE}/plivo/voice/callback-status/cb1/2", "hangup_method": "POST",
        "ring_timeout": 30}
    assert request_uuid == plivo.state.calls[-1]["request_uuid"]


def test_a_call_create_without_answer_is_sent_once_and_found_by_the_retry(plivo):
    at = _before()
    plivo.fail_next(503)
    with pytest.raises(OutcomeUnknown):
        PlivoCalls().place_call(CITIZEN, LINE, "/voice/feedback/RPR1/0", "/voice/feedback-status/RPR1")
    assert len(plivo.requests) == 1  # the SDK's voice fallback would have placed it twice more
    assert PlivoCalls().find_call(_attempt("call", CITIZEN, LINE, "/voice/feedback/RPR1/0", at)) is None
    plivo.answer_late(to=CITIZEN)
    with pytest.raises(OutcomeUnknown):
        PlivoCalls().place_call(CITIZEN, LINE, "/voice/feedback/RPR1/0", "/voice/feedback-status/RPR1")
    placed = plivo.state.calls[-1]
    attempt = _attempt("call", CITIZEN, LINE, "/voice/feedback/RPR1/0", at)
    assert PlivoCalls().find_call(attempt) == placed["call_uuid"]  # queued at Plivo
    placed["status"] = "ringing"
    assert PlivoCalls().find_call(attempt) == placed["call_uuid"]  # live
    placed["status"] = "completed"
    assert PlivoCalls().find_call(attempt) == placed["call_uuid"]  # in the Call list once it ended
    assert len(plivo.calls(CITIZEN)) == 1


def test_the_reconciler_reads_plivos_recordings_page_by_page_and_their_calls(plivo):
    since = datetime.now(UTC) - timedelta(minutes=5)
    made = [plivo.state.add_plivo_recording(text="हैंडपंप खराब है " * 3, call={"uuid": "", "from": CITIZEN,
                                                                                  "to": LINE})
            for _ in range(45)]
    pages = list(PlivoRecordings().recording_pages(since))
    assert [len(page) for page in pages] == [20, 20, 5]
    listed = [r for page in pages for r in page]
    assert {r.sid for r in listed} == {m["recording_id"] for m in made}
    assert [r.created_at for r in listed] == sorted((r.created_at for r in listed), reverse=True)  # newest first
    first = listed[0]
    assert first.status == "completed" and first.duration >= 1 and first.url.startswith("https://media.plivo.com/")
    assert plivo.reads("/Recording/")[0].params["add_time__gte"] == plivo_rest.plivo_time(since)
    call = PlivoRecordings().call(first.call_sid)
    assert (call.from_phone, call.to_phone, call.direction) == (CITIZEN, LINE, "inbound")
    assert PlivoRecordings().call_choices(first.call_sid, first.sid) == CallChoices()
    assert list(PlivoRecordings().recording_pages(datetime.now(UTC) + timedelta(minutes=1))) == [[]]


def test_the_router_lists_both_carriers_and_asks_each_about_its_own_calls(plivo, twilio):
    from chalicelib.local.sandbox import SandboxState

    twilio.account = SandboxState(settings.twilio_account_sid(), "unused")
    twilio_sid = twilio.account.add_recording(text="x", call={"sid": "CA" + "5" * 32, "from": CITIZEN,
                                                              "to": "+919977222600"})["sid"]
    plivo_recording = plivo.state.add_plivo_recording(text="y", call={"uuid": "", "from": CITIZEN, "to": LINE})
    source = wiring.recordings()
    pages = list(source.recording_pages(datetime.now(UTC) - timedelta(hours=1)))
    assert sorted(r.sid for page in pages for r in page) == sorted([twilio_sid, plivo_recording["recording_id"]])
    assert source.call(plivo_recording["call_uuid"]).to_phone == LINE
    assert source.call("CA" + "5" * 32).to_phone == "+919977222600"


def test_one_carrier_failing_still_lists_the_others_recordings_then_says_so(plivo, twilio):
    from chalicelib.domain.ports import SourceUnavailable
    from chalicelib.local.sandbox import SandboxState

    twilio.account = SandboxState(settings.twilio_account_sid(), "unused")
    plivo.state.add_plivo_recording(text="y", call={"uuid": "", "from": CITIZEN, "to": LINE})
    twilio.fail_next(429)
    listed = []
    with pytest.raises(SourceUnavailable) as failed:
        for page in wiring.recordings().recording_pages(datetime.now(UTC) - timedelta(hours=1)):
            listed.extend(page)
    assert len(listed) == 1 and failed.value.rate_limited


def _wav(seconds: float) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\0\0" * int(8000 * seconds))
    return out.getvalue()


@pytest.fixture
def sandbox(monkeypatch):
    """The local stack's sandbox on a loopback port, the app's Plivo client pointed at it (PLIVO_API_BASE)."""
    server = Sandbox("127.0.0.1", 0, settings.twilio_account_sid(), settings.twilio_auth_token(),
                     settings.plivo_auth_id(), settings.plivo_auth_token()).start()
    monkeypatch.setenv("PLIVO_API_BASE", server.url)
    plivo_rest.use_transport(None)
    wiring.reset()
    yield server
    server.stop()
    wiring.reset()


def test_the_sandbox_plays_plivos_api_for_the_real_sdk(sandbox):
    rung = []
    sandbox.state.on_call = rung.append
    at = _before()
    uuid = wiring.messenger().send_sms(CITIZEN, TEXT, HEADER, "/messaging/status/RPR1", carrier="plivo", dlt=DLT)
    [message] = [m for m in sandbox.state.messages if m["sid"] == uuid]
    assert (message["carrier"], message["to"], message["dlt_template_id"]) == ("plivo", CITIZEN, DLT.template_id)
    assert wiring.messenger().find_sent(_attempt("sms", CITIZEN, HEADER, TEXT, at)) == uuid
    request_uuid = wiring.dialer().place_call(CITIZEN, LINE, "/voice/callback/cb1", "/voice/callback-status/cb1/1",
                                              carrier="plivo")
    [placed] = rung
    # The shape the ringer reads (sid, request.To/From/Url/StatusCallback), and whose call it is.
    assert (placed["sid"], placed["carrier"], placed["request"]["To"], placed["request"]["Url"]) == (
        request_uuid, "plivo", CITIZEN, f"{BASE}/plivo/voice/callback/cb1")
    assert placed["request"]["StatusCallback"] == f"{BASE}/plivo/voice/callback-status/cb1/1"
    assert wiring.dialer().find_call(_attempt("call", CITIZEN, LINE, "/voice/callback/cb1", at)) == placed["call_uuid"]
    recording = sandbox.state.add_plivo_recording(wav=_wav(3), call={"uuid": "", "from": CITIZEN, "to": LINE})
    [page] = list(PlivoRecordings().recording_pages(datetime.now(UTC) - timedelta(hours=1)))
    assert [(r.sid, r.duration, r.url) for r in page] == [(recording["recording_id"], 3, recording["recording_url"])]
    assert PlivoRecordings().call(recording["call_uuid"]).from_phone == CITIZEN


def test_the_sandbox_refuses_wrong_credentials(sandbox, monkeypatch):
    monkeypatch.setenv("PLIVO_AUTH_TOKEN", "not-the-token")
    with pytest.raises(plivo_errors.AuthenticationError):
        PlivoMessaging().send_sms(CITIZEN, TEXT, HEADER, dlt=DLT)
    assert sandbox.state.messages == []


def test_a_plivo_recordings_audio_is_fetched_with_plivos_credentials_and_capped(sandbox, monkeypatch):
    audio = _wav(2)
    recording = sandbox.state.add_plivo_recording(wav=audio, call={"uuid": "", "from": CITIZEN, "to": LINE})
    url = recording["recording_url"]
    assert url.startswith(f"{sandbox.url}/media/v1/Account/{settings.plivo_auth_id()}/Recording/")
    assert wiring.recording_audio().fetch_audio(url, 1_000_000) == (audio, "audio/wav")
    with pytest.raises(RecordingTooLarge):
        wiring.recording_audio().fetch_audio(url, len(audio) - 1)
    other_account = url.replace(settings.plivo_auth_id(), "MA" + "B2" * 9)
    with pytest.raises(ValueError, match="refusing"):
        wiring.recording_audio().fetch_audio(other_account, 1_000_000)
    monkeypatch.setenv("PLIVO_AUTH_TOKEN", "not-the-token")
    import urllib.error

    with pytest.raises(urllib.error.HTTPError) as refused:  # the sandbox checks the credentials, as Plivo does
        wiring.recording_audio().fetch_audio(url, 1_000_000)
    assert refused.value.code == 401


def test_only_plivos_url_of_the_forms_own_recording_in_our_account_is_kept(monkeypatch):
    from chalicelib.telephony.recording_urls import carrier_of, carrier_recording_url

    rid = "c2186400-1c8c-11e4-a664-0026b945b522"
    ours = f"https://media.plivo.com/v1/Account/{settings.plivo_auth_id()}/Recording/{rid}.mp3"
    assert carrier_recording_url(ours, rid) == ours and carrier_of(ours) == "plivo"
    assert carrier_recording_url(ours.replace(".mp3", ".wav"), rid) is not None
    for other in (ours.replace(settings.plivo_auth_id(), "MA" + "B2" * 9),  # another account
                  ours.replace("https://", "http://"), ours + "?x=1", ours.replace("media.plivo.com", "evil.test"),
                  ours.replace(".mp3", ""), f"https://media.plivo.com@evil.test/v1/Account/x/Recording/{rid}.mp3"):
        assert carrier_recording_url(other, rid) is None and carrier_of(other) is None, other
    assert carrier_recording_url(ours, "d2186400-1c8c-11e4-a664-0026b945b522") is None  # another recording
    sandbox = f"http://127.0.0.1:9001/media/v1/Account/{settings.plivo_auth_id()}/Recording/{rid}.mp3"
    assert carrier_recording_url(sandbox, rid) is None  # no sandbox deployed
    monkeypatch.setenv("PLIVO_API_BASE", "http://127.0.0.1:9001")
    assert carrier_recording_url(sandbox, rid) == sandbox
    assert carrier_recording_url(sandbox.replace("9001", "9002"), rid) is None


def test_twilio_prefixes_its_own_name_on_a_neutral_path_and_keeps_one_that_has_it(twilio, plivo):
    for answer in ("/voice/callback/cb1", "/twilio/voice/callback/cb1"):
        wiring.dialer().place_call(CITIZEN, "+14155550100", answer, "/voice/callback-status/cb1/1")
    assert [c.data["Url"] for c in twilio.calls(CITIZEN)] == [f"{BASE}/twilio/voice/callback/cb1"] * 2
    assert twilio.calls(CITIZEN)[0].data["StatusCallback"] == f"{BASE}/twilio/voice/callback-status/cb1/1"
    assert plivo.requests == []  # the router sent nothing to the other carrier
