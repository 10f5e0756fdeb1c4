"""The Plivo adapter (telephony/plivo_voice.py) renders and signs without the `plivo` SDK, to keep the SDK off the
webhook path; these tests hold it to the SDK: every verb of the call script, and every menu the app speaks,
renders to the tree Plivo's own XML builder makes, and a V3 signature made by either side validates on the other.
"""
from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

import pytest
from plivo import plivoxml
from plivo.utils.signature_v3 import construct_get_url, construct_post_url, get_signature_v3, validate_v3_signature

from chalicelib.telephony import plivo_voice
from chalicelib.telephony.call_script import (
    CallScript,
    Dial,
    Gather,
    Hangup,
    Pause,
    Play,
    Record,
    Redirect,
    Reject,
    Say,
)


def _sdk_prompt(parent: Any, prompt: Any) -> None:
    if isinstance(prompt, Say):
        parent.add(plivoxml.SpeakElement(prompt.text, voice=prompt.voice, language=prompt.language))
    elif isinstance(prompt, Play):
        parent.add(plivoxml.PlayElement(prompt.url))
    else:
        parent.add(plivoxml.WaitElement(length=prompt.seconds))


def _sdk_render(script: CallScript) -> str:
    """The same script through Plivo's XML builder: what Plivo documents each verb as."""
    response = plivoxml.ResponseElement()
    for verb in script.verbs:
        if isinstance(verb, Say | Play | Pause):
            _sdk_prompt(response, verb)
        elif isinstance(verb, Gather):
            digits = plivoxml.GetDigitsElement(
                action=verb.action, method="POST", timeout=verb.timeout, num_digits=verb.num_digits,
                finish_on_key=verb.finish_on_key, retries=1, redirect=True,
                digit_timeout=plivo_voice.DIGIT_GAP_SECONDS if verb.finish_on_key else None)
            for prompt in verb.prompts:
                _sdk_prompt(digits, prompt)
            response.add(digits)
        elif isinstance(verb, Record):
            response.add(plivoxml.RecordElement(
                action=verb.action, method=verb.method, max_length=verb.max_seconds, timeout=verb.silence_seconds,
                finish_on_key="#", play_beep=True, file_format="mp3", redirect=True,
                callback_url=verb.status_callback, callback_method="POST" if verb.status_callback else None))
        elif isinstance(verb, Dial):
            response.add(plivoxml.RecordElement(
                record_session=True, start_on_dial_answer=True, redirect=False,
                max_length=plivo_voice.SESSION_RECORD_SECONDS, file_format="mp3",
                callback_url=verb.recording_status_callback, callback_method="POST"))
            dial = plivoxml.DialElement(action=verb.action, method="POST", timeout=verb.timeout,
                                        confirm_sound=verb.whisper_url, redirect=True)
            for number in verb.numbers:
                dial.add(plivoxml.NumberElement(number))
            response.add(dial)
        elif isinstance(verb, Reject):
            response.add(plivoxml.HangupElement(reason=verb.reason))
        elif isinstance(verb, Redirect):
            response.add(plivoxml.RedirectElement(verb.url, method=verb.method))
        elif isinstance(verb, Hangup):
            response.add(plivoxml.HangupElement())
    return str(response.to_string(pretty=False))


def _tree(xml: str) -> Any:
    def node(element: ElementTree.Element) -> Any:
        return (element.tag, dict(element.attrib), (element.text or "").strip(), [node(c) for c in element])
    return node(ElementTree.fromstring(xml.encode()))


EVERY_VERB = CallScript()
EVERY_VERB.say("नमस्ते, रायपुर जनदर्शन में आपका स्वागत है।", "Polly.Aditi", "hi-IN")
EVERY_VERB.play("https://example.gov.in/welcome.mp3")
EVERY_VERB.pause(1)
_menu = EVERY_VERB.gather("https://hotline.test/plivo/voice/menu/hi/1", timeout=6, num_digits=1)
_menu.say("नई शिकायत के लिए 1 दबाएँ", "Polly.Aditi", "hi-IN")
_menu.play("https://example.gov.in/beep.mp3")
EVERY_VERB.gather("https://hotline.test/plivo/voice/lookup/hi/1", timeout=15, finish_on_key="#")
EVERY_VERB.record("https://hotline.test/plivo/voice/record/hi/water/1", max_seconds=120, silence_seconds=5,
                  status_callback="https://hotline.test/plivo/voice/recording-status")
EVERY_VERB.record("https://fallback.test/plivo-thanks.xml", max_seconds=120, silence_seconds=5, method="GET")
EVERY_VERB.dial(("+919000000001", "+919000000002"), action="https://hotline.test/plivo/voice/operators/after/2",
                timeout=20, whisper_url="https://hotline.test/plivo/voice/operators/answered/RPR/abc",
                recording_status_callback="https://hotline.test/plivo/voice/recording-status")
EVERY_VERB.reject("busy")
EVERY_VERB.redirect("https://hotline.test/plivo/voice/menu/hi/1?district=RPR")
EVERY_VERB.hangup()


def test_every_verb_renders_as_plivos_xml_builder_renders_it():
    assert _tree(plivo_voice.render(EVERY_VERB)) == _tree(_sdk_render(EVERY_VERB))


def test_every_menu_the_app_speaks_is_plivo_xml_on_plivo_routes():
    """The menus themselves, through the real routing code, on a Plivo call: only Plivo's elements, and every
    URL on Plivo's routes."""
    from chalicelib.district_file import read_district_file
    from chalicelib.routing import after_hours, fallback, feedback_ivr, ivr, status_menu
    from chalicelib.telephony import call_script
    from tests.support.demo import DEMO, LINE

    district = read_district_file(DEMO)
    token = call_script.current_carrier.set("plivo")
    try:
        rendered = [ivr.greeting(district, LINE), ivr.category_menu(district, "hi"),
                    ivr.registered("hi", "RPR2612030001"), ivr.outage_recording("hi", "water", 1),
                    after_hours.reject(), feedback_ivr.question("RPR2612030001", "hi", "रायपुर", 1),
                    status_menu.note_added("hi", "RPR2612030001"), fallback.voice_document("https://f.test/fallback",
                                                                                           carrier="plivo")]
    finally:
        call_script.current_carrier.reset(token)
    assert all(text.startswith('<?xml version="1.0" encoding="UTF-8"?><Response>') for text in rendered)
    for text in rendered:
        tags = {element.tag for element in ElementTree.fromstring(text.encode()).iter()}
        assert tags <= {"Response", "Speak", "Play", "Wait", "GetDigits", "Record", "Dial", "Number", "Hangup",
                        "Redirect"}, tags
        assert "/twilio/" not in text
        urls = [e.get("action") or e.get("callbackUrl") or e.text for e in ElementTree.fromstring(text.encode()).iter()
                if e.tag in ("GetDigits", "Record", "Redirect")]
        ours = ("https://hotline.samvad.test/api/plivo/voice/", "https://f.test/")
        assert all(u.startswith(ours) for u in urls), urls


FORMS = [
    {},
    {"CallUUID": "3b4d9c1e-0000-4000-8000-000000000001", "From": "+919812345678", "To": "+919977222564",
     "Direction": "inbound", "CallStatus": "in-progress", "Event": "StartApp"},
    {"Digits": "12#", "CallUUID": "x", "Note": "नमस्ते & = ? ठीक"},
]
URLS = ["https://hotline.samvad.test/api/plivo/voice/incoming",
        "https://hotline.samvad.test/api/plivo/voice/incoming?district=RPR",
        "https://hotline.samvad.test/api/plivo/voice/lookup/hi/2?district=RPR&b=2"]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("method", ["POST", "GET"])
def test_a_signature_made_by_either_side_validates_on_the_other(monkeypatch, form, url, method):
    token, nonce = "test-plivo-token-0123456789abcdef", "31825372538128712632"
    monkeypatch.setenv("PLIVO_AUTH_TOKEN", token)
    ours = plivo_voice.signature(method, url, form, nonce, token)
    assert validate_v3_signature(method, url, nonce, token, ours, dict(form))
    built = construct_get_url(url, dict(form)) if method == "GET" else construct_post_url(url, dict(form))
    sdk = get_signature_v3(token.encode(), built.decode(), nonce.encode()).decode()
    headers = {"x-plivo-signature-v3": sdk, "x-plivo-signature-v3-nonce": nonce}
    assert plivo_voice.is_signed(url, form, headers, method=method)
    assert not plivo_voice.is_signed(url, {**form, "Digits": "9"}, headers, method=method)
    assert not plivo_voice.is_signed(url + ("&" if "?" in url else "?") + "x=1", form, headers, method=method)


def test_plivos_fields_become_the_neutral_form():
    hangup = {"CallUUID": "u-1", "From": "919812345678", "To": "919977222564", "Direction": "inbound",
              "CallStatus": "completed", "Duration": "0", "HangupCause": "USER_BUSY", "EndTime": "2026-12-03 10:15:02"}
    assert plivo_voice.parse(hangup) == {
        "CallSid": "u-1", "From": "+919812345678", "To": "+919977222564", "Direction": "inbound",
        "CallStatus": "busy", "CallDuration": "0", "Timestamp": "Thu, 03 Dec 2026 10:15:02 +0000"}
    recorded = {"CallUUID": "u-2", "From": "+919812345678", "To": "+919977222564", "Direction": "outbound",
                "RecordUrl": "https://media.plivo.com/v1/Account/MA/Recording/r-1.mp3", "RecordingID": "r-1",
                "RecordingDurationMs": "4200", "DialStatus": "timeout", "Digits": "2"}
    assert plivo_voice.parse(recorded) == {
        "CallSid": "u-2", "From": "+919812345678", "To": "+919977222564", "Direction": "outbound-api",
        "RecordingUrl": recorded["RecordUrl"], "RecordingSid": "r-1", "RecordingDuration": "5",
        "RecordingStatus": "completed", "DialCallStatus": "no-answer", "Digits": "2"}
    assert plivo_voice.parse({"MessageUUID": "m-1", "Status": "delivered", "To": "919812345678", "From": "RPRCOL"}) \
        == {"MessageSid": "m-1", "MessageStatus": "delivered", "To": "+919812345678", "From": "RPRCOL"}
