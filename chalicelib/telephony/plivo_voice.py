"""Plivo's voice adapter: the call script as Plivo XML, Plivo's webhook fields mapped into the neutral form,
and Plivo's V3 signature (X-Plivo-Signature-V3 over the URL, the sorted fields and a nonce).

Written with the standard library, not the `plivo` SDK: importing any part of the SDK loads its whole REST
client (requests, lxml), about ten times what twilio.twiml costs, on every cold webhook. What the SDK would
produce is still the measure: tests/contract/test_plivo_voice.py renders every verb through both and signs
with both, so this module cannot drift from the SDK without a failing test.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit
from xml.etree import ElementTree

from chalicelib import settings
from chalicelib.telephony.call_script import (
    CallScript,
    Dial,
    Gather,
    Hangup,
    Pause,
    Play,
    Prompt,
    Record,
    Redirect,
    Reject,
    Say,
)

NAME = "plivo"
SIGNATURE_HEADER = "X-Plivo-Signature-V3"
# The longest a <Record> started for a whole conversation may run (an operator's call): Plivo's own ceiling.
SESSION_RECORD_SECONDS = 14400
# Between two keys of a complaint number read off a paper slip: Plivo's default (2 s) cuts the caller short.
DIGIT_GAP_SECONDS = 5


def _text(value: bool | int | str) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _element(parent: ElementTree.Element | None, tag: str, text: str | None = None,
             **attributes: bool | int | str | None) -> ElementTree.Element:
    values = {name: _text(value) for name, value in attributes.items() if value is not None}
    node = ElementTree.Element(tag, values) if parent is None else ElementTree.SubElement(parent, tag, values)
    if text is not None:
        node.text = text
    return node


def _prompt(parent: ElementTree.Element, prompt: Prompt) -> None:
    if isinstance(prompt, Say):
        _element(parent, "Speak", prompt.text, voice=prompt.voice, language=prompt.language)
    elif isinstance(prompt, Play):
        _element(parent, "Play", prompt.url)
    else:
        _element(parent, "Wait", length=prompt.seconds)


def _add(response: ElementTree.Element, verb: Any) -> None:
    if isinstance(verb, Say | Play | Pause):
        _prompt(response, verb)
    elif isinstance(verb, Gather):
        # Nothing pressed: Plivo goes on to the next element, as Twilio does (our menus redirect there).
        digits = _element(response, "GetDigits", action=verb.action, method="POST", timeout=verb.timeout,
                          numDigits=verb.num_digits, finishOnKey=verb.finish_on_key, retries=1, redirect=True,
                          digitTimeout=DIGIT_GAP_SECONDS if verb.finish_on_key else None)
        for prompt in verb.prompts:
            _prompt(digits, prompt)
    elif isinstance(verb, Record):
        _element(response, "Record", action=verb.action, method=verb.method, maxLength=verb.max_seconds,
                 timeout=verb.silence_seconds, finishOnKey="#", playBeep=True, fileFormat="mp3", redirect=True,
                 callbackUrl=verb.status_callback, callbackMethod="POST" if verb.status_callback else None)
    elif isinstance(verb, Dial):
        # Plivo records a bridged call with a session <Record> started at the answer, ahead of the <Dial>; its
        # callbackUrl is the recording status route, as Twilio's recordingStatusCallback is.
        _element(response, "Record", recordSession=True, startOnDialAnswer=True, redirect=False,
                 maxLength=SESSION_RECORD_SECONDS, fileFormat="mp3", callbackUrl=verb.recording_status_callback,
                 callbackMethod="POST")
        dial = _element(response, "Dial", action=verb.action, method="POST", timeout=verb.timeout,
                        confirmSound=verb.whisper_url, redirect=True)
        for number in verb.numbers:
            _element(dial, "Number", number)
    elif isinstance(verb, Reject):
        _element(response, "Hangup", reason=verb.reason)  # before the answer: the caller is not charged
    elif isinstance(verb, Redirect):
        _element(response, "Redirect", verb.url, method=verb.method)
    elif isinstance(verb, Hangup):
        _element(response, "Hangup")
    else:
        raise TypeError(f"no Plivo XML for {verb!r}")


def render(script: CallScript) -> str:
    response = _element(None, "Response")
    for verb in script.verbs:
        _add(response, verb)
    return '<?xml version="1.0" encoding="UTF-8"?>' + ElementTree.tostring(response, encoding="unicode")


def empty() -> str:
    return '<?xml version="1.0" encoding="UTF-8"?><Response />'


# -- the neutral form -------------------------------------------------------------------------------

# Plivo's field → the neutral form's (docs/architecture.md, "the call request").
NEUTRAL_NAMES = {"CallUUID": "CallSid", "RecordingID": "RecordingSid", "RecordUrl": "RecordingUrl",
            "Duration": "CallDuration", "DialStatus": "DialCallStatus", "MessageUUID": "MessageSid",
            "Status": "MessageStatus", "Text": "Body"}
_CALL_STATUS = {"timeout": "no-answer", "cancel": "canceled"}
_KEPT = ("From", "To", "Digits", "CallStatus", "ErrorCode", "RecordingDuration")


# A call refused before its answer (our <Hangup reason> on a missed call): Plivo says "completed" with this
# cause; Twilio, like the call log, says "busy".
_REFUSED = frozenset({"USER_BUSY", "CALL_REJECTED"})


def _e164(number: str) -> str:
    """Plivo writes numbers without their "+" ("919812345678"); the neutral form is E.164, as Twilio's."""
    return "+" + number if number.isascii() and number.isdigit() and len(number) >= 10 else number


def parse(form: Mapping[str, str]) -> dict[str, str]:
    parsed = {name: form[name] for name in _KEPT if name in form}
    parsed |= {neutral: form[name] for name, neutral in NEUTRAL_NAMES.items() if name in form}
    for name in ("From", "To"):
        if name in parsed:
            parsed[name] = _e164(parsed[name])
    if form.get("HangupCause") in _REFUSED and form.get("Duration", "0") == "0":
        parsed["CallStatus"] = "busy"
    if "Direction" in form:
        parsed["Direction"] = "outbound-api" if form["Direction"] == "outbound" else form["Direction"]
    for name in ("CallStatus", "DialCallStatus"):
        if name in parsed:
            parsed[name] = _CALL_STATUS.get(parsed[name], parsed[name])
    if "RecordingDuration" not in parsed and (ms := form.get("RecordingDurationMs", "")).isdigit():
        parsed["RecordingDuration"] = str(-(-int(ms) // 1000))
    if "RecordingUrl" in parsed:
        # Plivo posts a recording's callbackUrl once the file is stored, and has no status field for it.
        parsed["RecordingStatus"] = "completed"
    if ended := _rfc2822(form.get("EndTime")):
        parsed["Timestamp"] = ended
    return parsed


def _rfc2822(plivo_time: str | None) -> str | None:
    """Plivo's "2026-12-03 10:15:02" (UTC) as the neutral form's RFC 2822 Timestamp."""
    try:
        return format_datetime(datetime.strptime(plivo_time or "", "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC))
    except ValueError:
        return None


# -- V3 signatures ----------------------------------------------------------------------------------

def _signed_text(method: str, url: str, form: Mapping[str, str]) -> str:
    """What Plivo signs: the URL without its query, then the query's and (on POST) the form's fields sorted."""
    parts = urlsplit(url)
    base = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    query = parse_qs(parts.query, keep_blank_values=True)
    if method == "GET":
        merged = {**{name: [value] for name, value in form.items()}, **query}
        pairs = "&".join(f"{name}={value}" for name in sorted(merged) for value in sorted(merged[name]))
        return base + ("?" + pairs if pairs else "")
    pairs = "&".join(f"{name}={value}" for name in sorted(query) for value in sorted(query[name]))
    fields = "".join(f"{name}{form[name]}" for name in sorted(form))
    if not form:
        return base + ("?" + pairs if pairs else "")
    return base + "?" + pairs + ("." if pairs else "") + fields


def signature(method: str, url: str, form: Mapping[str, str], nonce: str, auth_token: str) -> str:
    text = f"{_signed_text(method.upper(), url, form)}.{nonce}".encode()
    return base64.b64encode(hmac.new(auth_token.encode(), text, hashlib.sha256).digest()).decode()


def is_signed(url: str, form: Mapping[str, str], headers: Mapping[str, str], method: str = "POST") -> bool:
    token = settings.plivo_auth_token()
    given, nonce = headers.get("x-plivo-signature-v3"), headers.get("x-plivo-signature-v3-nonce")
    if not token or not given or not nonce:
        return False
    expected = signature(method, url, form, nonce, token)
    return any(hmac.compare_digest(expected, part.strip()) for part in given.split(","))


def signature_header(url: str, form: Mapping[str, str], auth_token: str, nonce: str,
                     method: str = "POST") -> dict[str, str]:
    """What Plivo sends with a request (the call emulator and tests sign with this)."""
    return {"X-Plivo-Signature-V3": signature(method, url, form, nonce, auth_token),
            "X-Plivo-Signature-V3-Nonce": nonce}
