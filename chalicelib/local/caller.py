"""Phone the hotline without a phone: plays the carrier's part of a voice call, Twilio's or Plivo's.

Twilio: sends the form webhooks Twilio sends (signed with X-Twilio-Signature), reads the TwiML back, prints
<Say>/<Play>, answers <Gather> with keypad digits and <Record> with typed text or a WAV file,
follows action and redirect URLs, stops at <Hangup>, then posts the call status callback.
`call_during_outage` plays what Twilio does when our webhook fails: it fetches the number's fallback URL
(GET) and follows that.

Plivo (`carrier="plivo"`, PlivoProtocol below): Plivo's own parameter names, each request signed with
Plivo's V3 signature, Plivo XML read back (<Speak>, <GetDigits>, <Record>, <Dial>, <Hangup reason>), the
hangup URL at the end and a <Record>'s callbackUrl once its file is "uploaded".

Interactive from a terminal, or scripted (tests and benchmarks).
"""
from __future__ import annotations

import json
import secrets
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlencode, urljoin
from xml.etree import ElementTree

from chalicelib.telephony.signature import sign


class Hangup(Exception):
    """The caller put the phone down."""


@dataclass(frozen=True)
class Spoken:
    text: str | None = None
    wav: bytes | None = None


class Answerer(Protocol):
    def digits(self, num_digits: int) -> str | None: ...

    def recording(self) -> Spoken | None: ...


class Transport(Protocol):
    def post(self, url: str, form: dict[str, str], headers: dict[str, str]) -> tuple[int, str]: ...

    def get(self, url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
        """Only for the fallback documents (static TwiML, fetched with GET), and a Plivo element whose
        method is GET (then with its signature headers: `get(url, headers)`)."""


class Recordings(Protocol):
    """Where Twilio keeps what a call leaves: its recordings, and the log of its requests (Call Events)."""

    def add_recording(self, text: str | None = None, wav: bytes | None = None,
                      call: dict[str, str] | None = None) -> dict[str, Any]: ...

    def add_call_event(self, call_sid: str, method: str, url: str, parameters: dict[str, str],
                       status: int) -> None: ...


class HttpTransport:
    def post(self, url: str, form: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        request = urllib.request.Request(url, data=urlencode(form).encode(), method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded", "User-Agent": "TwilioProxy/1.1", **headers})
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def get(self, url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
        request = urllib.request.Request(url, method="GET", headers={"User-Agent": "TwilioProxy/1.1",
                                                                     **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")


class SandboxRecordings:
    """Recordings kept by the sandbox over HTTP, so the RecordingUrl the app stores really answers."""

    def __init__(self, sandbox_url: str) -> None:
        self._url = sandbox_url.rstrip("/") + "/sandbox/recordings"
        self.fallback_url = sandbox_url.rstrip("/") + "/fallback/voice.xml"  # the number's "primary handler fails"

    def add_recording(self, text: str | None = None, wav: bytes | None = None,
                      call: dict[str, str] | None = None) -> dict[str, Any]:
        if wav is not None:
            data, content_type = wav, "audio/wav"
        else:
            data, content_type = json.dumps({"text": text or ""}).encode(), "application/json"
        query = urlencode({"call_sid": call.get("sid", ""), "from": call.get("from", ""),
                           "to": call.get("to", "")}) if call else ""
        request = urllib.request.Request(self._url + (f"?{query}" if query else ""), data=data, method="POST",
                                         headers={"Content-Type": content_type})
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())

    def add_plivo_recording(self, text: str | None = None, wav: bytes | None = None,
                            call: dict[str, str] | None = None) -> dict[str, Any]:
        """A recording on a Plivo call (`call`: its uuid, from and to), kept as Plivo's Recording object."""
        query = urlencode({"call_uuid": call.get("uuid", ""), "from": call.get("from", ""),
                           "to": call.get("to", "")}) if call else ""
        data, content_type = (wav, "audio/wav") if wav is not None else \
            (json.dumps({"text": text or ""}).encode(), "application/json")
        request = urllib.request.Request(self._url.replace("/recordings", "/plivo/recordings")
                                         + (f"?{query}" if query else ""), data=data, method="POST",
                                         headers={"Content-Type": content_type})
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())

    def add_call_event(self, call_sid: str, method: str, url: str, parameters: dict[str, str],
                       status: int) -> None:
        body = json.dumps({"call_sid": call_sid, "method": method, "url": url, "parameters": parameters,
                           "status": status}).encode()
        request = urllib.request.Request(self._url.replace("/recordings", "/call-events"), data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5):
            pass


class ScriptedAnswerer:
    """Answers from a list: digits ('2'), '' or '-' for no input, 'say:TEXT', 'wav:PATH', 'silence'
    (nothing said at the beep) and 'hangup'. An exhausted script hangs up. At a <Dial> (operators
    mode) the step plays the operators: 'answer' (the first number rung picks up), 'answer:+91…'
    (that one), '' or '-' (nobody answers in time)."""

    def __init__(self, steps: list[str]) -> None:
        self._steps = list(steps)

    @classmethod
    def parse(cls, script: str) -> ScriptedAnswerer:
        return cls(script.split("|")) if script else cls([])

    def _next(self) -> str:
        if not self._steps:
            raise Hangup()
        step = self._steps.pop(0)
        if step == "hangup":
            raise Hangup()
        return step

    def digits(self, num_digits: int) -> str | None:
        step = self._next()
        return None if step in ("", "-") else step

    def recording(self) -> Spoken | None:
        step = self._next()
        if step.startswith("say:"):
            return Spoken(text=step[4:])
        if step.startswith("wav:"):
            return Spoken(wav=Path(step[4:]).read_bytes())
        return None

    def operator(self, numbers: list[str]) -> str | None:
        """Which of the rung numbers picks up, or None."""
        step = self._next()
        if step == "answer":
            return numbers[0] if numbers else None
        if step.startswith("answer:") and step[7:] in numbers:
            return step[7:]
        return None


class TerminalAnswerer:
    def __init__(self, ask: Callable[[str], str] = input) -> None:
        self._input = ask

    def _ask(self, prompt: str) -> str:
        try:
            return self._input(prompt)
        except EOFError:  # Ctrl-D, or the input ran out: the caller puts the phone down
            print()
            raise Hangup() from None

    def digits(self, num_digits: int) -> str | None:
        answer = self._ask("  keypad (digits; Enter = press nothing; h = hang up) > ").strip()
        if answer.lower() == "h":
            raise Hangup()
        return answer or None

    def recording(self) -> Spoken | None:
        answer = self._ask("  speak (type your words, or a .wav path; Enter = silence; h = hang up) > ").strip()
        if answer.lower() == "h":
            raise Hangup()
        if answer.lower().endswith(".wav") and Path(answer).exists():
            return Spoken(wav=Path(answer).read_bytes())
        return Spoken(text=answer) if answer else None

    def operator(self, numbers: list[str]) -> str | None:
        choices = ", ".join(f"a{i} = {n}" for i, n in enumerate(numbers, start=1))
        answer = self._ask(f"  you are the operators ({choices}; a = the first; Enter = nobody answers; "
                           "h = the caller hangs up) > ").strip().lower()
        if answer == "h":
            raise Hangup()
        if answer == "a" and numbers:
            return numbers[0]
        if answer[:1] == "a" and answer[1:].isdigit() and 1 <= int(answer[1:]) <= len(numbers):
            return numbers[int(answer[1:]) - 1]
        return None

    def conversation(self, number: str) -> None:
        self._ask(f"  (operator {number} is talking with the caller: open the console's Incoming call page and "
                  "register the complaint; Enter = hang up) > ")


@dataclass
class CallLog:
    call_sid: str
    said: list[str] = field(default_factory=list)
    requests: list[tuple[str, int]] = field(default_factory=list)
    recording_sid: str | None = None
    whispered: list[str] = field(default_factory=list)  # what the operator heard before being connected
    answered_by: str | None = None  # the number that picked up a <Dial>
    ended_by: str = ""
    document_url: str = ""  # the TwiML being played: relative URLs in it are resolved against this
    to_our_number: bool = False  # a call to the hotline's number, which its fallback URL backs (not one we placed)


class CallEmulator:
    """`fallback_url`: the number's "primary handler fails" URL (GET), requested as Twilio does when a
    webhook answers an error status; by default the sandbox's (`recordings.fallback_url`), and with none
    the call ends there, as with no fallback configured."""

    def __init__(self, transport: Transport, base_url: str, auth_token: str, account_sid: str,
                 recordings: Recordings, out: Callable[[str], None] = print, fallback_url: str | None = None,
                 carrier: str = "twilio") -> None:
        """`carrier`: whose part to play, "twilio" or "plivo"; for Plivo, `account_sid` is the Auth ID and
        `auth_token` the Auth Token the V3 signatures are made with."""
        if carrier not in ("twilio", "plivo"):
            raise ValueError(f"no call emulator for carrier {carrier!r}")
        self.carrier = carrier
        self._transport = transport
        self._base = base_url.rstrip("/")
        self._token = auth_token
        self._account = account_sid
        self._recordings = recordings
        self._out = out
        # The sandbox serves the fallback documents as S3 does deployed: its calls fall back to them.
        self._fallback_url = fallback_url if fallback_url is not None else getattr(recordings, "fallback_url", None)
        self._plivo = PlivoProtocol(transport, self._base, auth_token, account_sid, recordings, out) \
            if carrier == "plivo" else None

    def _post(self, log: CallLog, url: str, form: dict[str, str]) -> str:
        # Paths are the number's configured webhooks (under the API's base URL, stage included);
        # the app's TwiML gives absolute URLs.
        url = url if url.startswith(("http://", "https://")) else self._base + url
        status, body = self._transport.post(url, form, {"X-Twilio-Signature": sign(url, form, self._token)})
        log.requests.append((url[len(self._base):], status))
        log.document_url = url
        self._recordings.add_call_event(log.call_sid, "POST", url, form, status)
        if status != 200:
            self._out(f"  ! {url} answered {status}: {body.strip()[:200]}")
            return ""
        return body

    def _get(self, log: CallLog, url: str, form: dict[str, str]) -> str:
        """A GET as Twilio makes it: the parameters in the query string (a static host ignores them)."""
        status, body = self._transport.get(f"{url}{'&' if '?' in url else '?'}{urlencode(form)}")
        log.requests.append((url[len(self._base):] if url.startswith(self._base) else url, status))
        log.document_url = url
        self._recordings.add_call_event(log.call_sid, "GET", url, form, status)
        if status != 200:
            self._out(f"  ! {url} answered {status}: {body.strip()[:200]}")
            return ""
        return body

    def _request(self, log: CallLog, method: str, url: str, form: dict[str, str]) -> str:
        if url and "://" not in url and not url.startswith("/") and log.document_url:
            url = urljoin(log.document_url, url)  # relative to the document (the fallback's thanks.xml)
        body = self._get(log, url, form) if method.upper() == "GET" else self._post(log, url, form)
        return body or self._fall_back(log, url, form)

    def _fall_back(self, log: CallLog, failed_url: str, form: dict[str, str]) -> str:
        """Twilio requests the fallback URL when fetching TwiML answered an error status (ErrorCode 11200)."""
        if not self._fallback_url or not log.to_our_number or not log.requests or log.requests[-1][1] < 400:
            return ""
        self._out(f"  (Twilio requests the fallback URL {self._fallback_url})")
        failed_url = failed_url if "://" in failed_url else self._base + failed_url
        return self._get(log, self._fallback_url, {**form, "ErrorCode": "11200", "ErrorUrl": failed_url})

    def post_signed(self, url: str, form: dict[str, str]) -> int:
        """One signed webhook outside a call (message status callbacks)."""
        if self._plivo:
            return self._plivo.post_signed(url, form)
        status, _body = self._transport.post(url, form, {"X-Twilio-Signature": sign(url, form, self._token)})
        return status

    def call(self, caller: str, line: str, answerer: Answerer, voice_path: str | None = None,
             status_path: str | None = None) -> CallLog:
        """A citizen phones the hotline (by default at the carrier's own /{carrier}/voice/incoming)."""
        voice_path = voice_path or f"/{self.carrier}/voice/incoming"
        status_path = status_path or f"/{self.carrier}/voice/status"
        if self._plivo:
            return self._plivo.call(caller, line, answerer, voice_path, status_path)
        log = CallLog(call_sid="CA" + uuid.uuid4().hex, to_our_number=True)
        base = {"AccountSid": self._account, "ApiVersion": "2010-04-01", "CallSid": log.call_sid, "From": caller,
                "To": line, "Caller": caller, "Called": line, "Direction": "inbound", "CallStatus": "ringing"}
        self._out(f"☎  {caller} calls {line} ({log.call_sid})")
        return self._converse(log, voice_path, base, answerer, status_path)

    def call_during_outage(self, caller: str, line: str, answerer: Answerer, fallback_url: str,
                           voice_path: str = "/twilio/voice/incoming") -> CallLog:
        """A citizen phones while our webhook fails: Twilio requests the number's fallback URL with GET
        (ErrorCode and ErrorUrl added) and plays that; nothing reaches the API, not even the status."""
        if self._plivo:
            raise NotImplementedError("the outage (the number's fallback URL) is played for Twilio lines only")
        log = CallLog(call_sid="CA" + uuid.uuid4().hex)
        base = {"AccountSid": self._account, "ApiVersion": "2010-04-01", "CallSid": log.call_sid, "From": caller,
                "To": line, "Caller": caller, "Called": line, "Direction": "inbound", "CallStatus": "ringing"}
        self._out(f"☎  {caller} calls {line} ({log.call_sid}); the hotline's webhook does not answer, "
                  f"Twilio plays the fallback {fallback_url}")
        document = self._get(log, fallback_url, {**base, "ErrorCode": "11200", "ErrorUrl": self._base + voice_path})
        base["CallStatus"] = "in-progress"
        self._play(log, document, base, answerer)
        self._out(f"☎  call ended ({'by the caller' if log.ended_by == 'caller' else 'by the hotline'})")
        return log

    def answer(self, call_sid: str, caller_id: str, to: str, url: str, status_url: str | None,
               answerer: Answerer | None) -> CallLog:
        """The hotline calls a citizen (an outbound call the app placed); None: nobody picks up. On Plivo,
        `call_sid` is the request_uuid the Call API answered, `url` the answer_url, `status_url` the hangup_url."""
        if self._plivo:
            return self._plivo.answer(call_sid, caller_id, to, url, status_url, answerer)
        log = CallLog(call_sid=call_sid)
        base = {"AccountSid": self._account, "ApiVersion": "2010-04-01", "CallSid": call_sid, "From": caller_id,
                "To": to, "Caller": caller_id, "Called": to, "Direction": "outbound-api",
                "CallStatus": "in-progress"}
        self._out(f"☎  the hotline calls {to} ({call_sid})")
        if answerer is None:
            self._out("  (no answer)")
            log.ended_by = "no-answer"
            if status_url:
                self._post(log, status_url, {**base, "CallStatus": "no-answer", "CallDuration": "0"})
            return log
        return self._converse(log, url, base, answerer, status_url)

    def _play(self, log: CallLog, document: str, base: dict[str, str], answerer: Answerer) -> None:
        """Run the call's TwiML documents until one ends it, or the caller hangs up."""
        try:
            while document:
                document = self._run_document(log, document, base, answerer)
            log.ended_by = log.ended_by or "hotline"
        except Hangup:
            log.ended_by = "caller"
            self._out("  (caller hangs up)")

    def _converse(self, log: CallLog, first_url: str, base: dict[str, str], answerer: Answerer,
                  status_url: str | None) -> CallLog:
        started = time.monotonic()
        document = self._request(log, "POST", first_url, base)
        base["CallStatus"] = "in-progress"
        self._play(log, document, base, answerer)
        rejected = log.ended_by in ("busy", "no-answer")
        duration = 0 if rejected else max(1, round(time.monotonic() - started))
        if status_url:
            self._post(log, status_url, {**base, "CallStatus": log.ended_by if rejected else "completed",
                                         "CallDuration": str(duration),
                                         "Timestamp": format_datetime(datetime.now(UTC))})
        self._out("☎  call rejected, never answered" if rejected else
                  f"☎  call ended ({'by the caller' if log.ended_by == 'caller' else 'by the hotline'})")
        return log

    def _say(self, log: CallLog, verb: ElementTree.Element) -> None:
        if verb.tag == "Say":
            text = (verb.text or "").strip()
            log.said.append(text)
            self._out(f"  🔊 [{verb.get('language', '')}] {text}")
        elif verb.tag == "Play":
            log.said.append(f"<play {verb.text}>")
            self._out(f"  🔊 (plays {verb.text})")

    def _run_document(self, log: CallLog, document: str, base: dict[str, str], answerer: Answerer) -> str:
        try:
            root = ElementTree.fromstring(document)
        except ElementTree.ParseError:
            self._out("  ! the hotline answered something that is not TwiML; Twilio would say 'application error'")
            log.ended_by = "error"
            return ""
        for verb in root:
            if verb.tag in ("Say", "Play"):
                self._say(log, verb)
            elif verb.tag == "Gather":
                for prompt in verb:
                    self._say(log, prompt)
                digits = answerer.digits(int(verb.get("numDigits", "1")))
                if digits:
                    return self._request(log, verb.get("method", "POST"), verb.get("action", ""),
                                         {**base, "Digits": digits})
            elif verb.tag == "Record":
                self._out("  (beep)")
                spoken = answerer.recording()
                if spoken is None:
                    continue
                rec = self._recordings.add_recording(text=spoken.text, wav=spoken.wav, call={
                    "sid": log.call_sid, "from": base["From"], "to": base["To"]})
                log.recording_sid = rec["sid"]
                fields = {"RecordingSid": rec["sid"], "RecordingUrl": rec["url"],
                          "RecordingDuration": str(rec["duration"])}
                next_document = self._request(log, verb.get("method", "POST"), verb.get("action", ""),
                                              {**base, **fields, "Digits": "#"})
                if verb.get("recordingStatusCallback"):
                    self._post(log, verb.get("recordingStatusCallback"), {
                        "AccountSid": self._account, "CallSid": log.call_sid, "RecordingStatus": "completed",
                        "RecordingChannels": "1", "RecordingSource": "RecordVerb", **fields})
                return next_document
            elif verb.tag == "Dial":
                next_document = self._dial(log, verb, base, answerer)
                if next_document is not None:
                    return next_document
            elif verb.tag == "Redirect":
                return self._request(log, verb.get("method", "POST"), (verb.text or "").strip(), base)
            elif verb.tag == "Reject":
                # Never answered (nothing billed): Twilio ends it as busy, or no-answer for reason="rejected".
                log.ended_by = "busy" if verb.get("reason") == "busy" else "no-answer"
                self._out(f"  (rejected unanswered: {log.ended_by})")
                return ""
            elif verb.tag == "Hangup":
                log.ended_by = "hotline"
                return ""
        return ""

    def _dial(self, log: CallLog, verb: ElementTree.Element, base: dict[str, str], answerer: Answerer) -> str | None:
        """Twilio's <Dial> to <Number>s, the answerer playing the operators. None: go on with the next verb."""
        numbers = [((n.text or "").strip(), n.get("url"), n.get("method", "POST")) for n in verb if n.tag == "Number"]
        self._out(f"  📞 ringing {', '.join(n for n, _, _ in numbers)} (up to {verb.get('timeout', '30')} s)")
        choose = getattr(answerer, "operator", None)
        picked = choose([n for n, _, _ in numbers]) if choose else None
        action, method = verb.get("action"), verb.get("method", "POST")
        if picked is None:
            self._out("  (nobody answered in time)")
            form = {**base, "DialCallStatus": "no-answer", "DialCallDuration": "0"}
            return self._request(log, method, action, form) if action else None
        log.answered_by = picked
        leg = "CA" + uuid.uuid4().hex
        whisper = next((u for n, u, _ in numbers if n == picked and u), None)
        if whisper:  # fetched on the operator's leg before the two are connected
            heard = self._post(log, whisper, {
                "AccountSid": self._account, "CallSid": leg, "ParentCallSid": log.call_sid, "From": base["From"],
                "To": picked, "Direction": "outbound-dial", "CallStatus": "in-progress"})
            for said in ElementTree.fromstring(heard).iter("Say") if heard else ():
                log.whispered.append((said.text or "").strip())
                self._out(f"  🎧 (to the operator) {(said.text or '').strip()}")
        self._out(f"  (operator {picked} answered; caller and operator are talking)")
        talk = getattr(answerer, "conversation", None)
        if talk:
            talk(picked)
        fields: dict[str, str] = {}
        if verb.get("record", "do-not-record") != "do-not-record":
            rec = self._recordings.add_recording(text=f"(the caller's conversation with {picked})", call={
                "sid": log.call_sid, "from": base["From"], "to": base["To"]})
            log.recording_sid = rec["sid"]
            fields = {"RecordingSid": rec["sid"], "RecordingUrl": rec["url"], "RecordingDuration": str(rec["duration"])}
        form = {**base, "DialCallStatus": "completed", "DialCallSid": leg, "DialCallDuration": "60", **fields}
        next_document = self._request(log, method, action, form) if action else None
        if fields and verb.get("recordingStatusCallback"):
            self._post(log, verb.get("recordingStatusCallback"), {
                "AccountSid": self._account, "CallSid": log.call_sid, "RecordingStatus": "completed",
                "RecordingChannels": "2", "RecordingSource": "DialVerb", **fields})
        return next_document


# -- Plivo --------------------------------------------------------------------------------------------

def _plivo_time(at: datetime) -> str:
    """Plivo's times in webhooks: "2026-12-03 10:15:02" (UTC here; the account's timezone at Plivo)."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def _true(element: ElementTree.Element, name: str, default: bool) -> bool:
    value = element.get(name)
    return default if value is None else value.strip().lower() == "true"


@dataclass
class _SessionRecording:
    """A <Record recordSession/startOnDialAnswer>: records in the background, posts its callbackUrl at the end."""
    callback_url: str | None
    callback_method: str
    on_dial_answer: bool


class PlivoProtocol:
    """Plays Plivo's part of a call: Plivo's parameter names (the lead's adapter maps them into the neutral
    form), V3-signed requests, Plivo XML. Use it through CallEmulator(..., carrier="plivo")."""

    def __init__(self, transport: Transport, base_url: str, auth_token: str, auth_id: str, recordings: Recordings,
                 out: Callable[[str], None]) -> None:
        self._transport = transport
        self._base = base_url
        self._token = auth_token
        self._auth_id = auth_id
        self._recordings = recordings
        self._out = out

    # -- requests ------------------------------------------------------------------------------------

    def signature_headers(self, method: str, url: str, form: dict[str, str]) -> dict[str, str]:
        """X-Plivo-Signature-V3 and its nonce, made by the SDK itself (the app's check is held to it)."""
        from plivo.utils.signature_v3 import construct_get_url, construct_post_url, get_signature_v3

        nonce = str(secrets.randbelow(10**20)).zfill(20)  # Plivo's nonces are 20 digits
        signed = construct_get_url(url, dict(form)) if method == "GET" else construct_post_url(url, dict(form))
        signature = get_signature_v3(self._token, signed.decode("utf-8"), nonce).decode("ascii")
        return {"X-Plivo-Signature-V3": signature, "X-Plivo-Signature-V3-Nonce": nonce}

    def _send(self, log: CallLog, method: str, url: str, form: dict[str, str]) -> str:
        url = url if url.startswith(("http://", "https://")) else self._base + url
        method = method.upper()
        if method == "GET":
            full = f"{url}{'&' if '?' in url else '?'}{urlencode(form)}" if form else url
            status, body = self._transport.get(full, self.signature_headers("GET", url, form))
        else:
            status, body = self._transport.post(url, form, self.signature_headers("POST", url, form))
        log.requests.append((url[len(self._base):] if url.startswith(self._base) else url, status))
        log.document_url = url
        self._recordings.add_call_event(log.call_sid, method, url, form, status)
        if status != 200:
            self._out(f"  ! {url} answered {status}: {body.strip()[:200]}")
            return ""
        return body

    def post_signed(self, url: str, form: dict[str, str]) -> int:
        status, _body = self._transport.post(url, form, self.signature_headers("POST", url, form))
        return status

    # -- calls ---------------------------------------------------------------------------------------

    def call(self, caller: str, line: str, answerer: Answerer, voice_path: str, hangup_path: str) -> CallLog:
        log = CallLog(call_sid=str(uuid.uuid4()), to_our_number=True)
        base = {"CallUUID": log.call_sid, "From": caller, "To": line, "Direction": "inbound",
                "CallStatus": "ringing", "CallerName": caller, "BillRate": "0.00450"}
        self._out(f"☎  {caller} calls {line} ({log.call_sid}, Plivo)")
        return self._converse(log, voice_path, base, answerer, hangup_path)

    def answer(self, request_uuid: str, caller_id: str, to: str, answer_url: str, hangup_url: str | None,
               answerer: Answerer | None) -> CallLog:
        """An outbound call placed with the Call API: the call has its own CallUUID; the request_uuid the API
        answered comes back as RequestUUID (and ALegRequestUUID)."""
        log = CallLog(call_sid=str(uuid.uuid4()))
        base = {"CallUUID": log.call_sid, "From": caller_id, "To": to, "Direction": "outbound",
                "CallStatus": "in-progress", "RequestUUID": request_uuid, "ALegUUID": log.call_sid,
                "ALegRequestUUID": request_uuid, "CallerName": caller_id, "BillRate": "0.00450"}
        self._out(f"☎  the hotline calls {to} ({log.call_sid}, Plivo request {request_uuid})")
        if answerer is None:
            self._out("  (no answer)")
            log.ended_by = "no-answer"
            if hangup_url:
                now = _plivo_time(datetime.now(UTC))
                self._send(log, "POST", hangup_url, {
                    **base, "Event": "Hangup", "CallStatus": "no-answer", "Duration": "0", "BillDuration": "0",
                    "HangupCause": "NO_ANSWER", "HangupCauseName": "No Answer", "HangupSource": "Callee",
                    "StartTime": now, "AnswerTime": "", "EndTime": now})
            return log
        return self._converse(log, answer_url, base, answerer, hangup_url)

    def _converse(self, log: CallLog, answer_url: str, base: dict[str, str], answerer: Answerer,
                  hangup_url: str | None) -> CallLog:
        started_at, started = datetime.now(UTC), time.monotonic()
        sessions: list[_SessionRecording] = []
        document = self._send(log, "POST", answer_url, {**base, "Event": "StartApp"})
        base["CallStatus"] = "in-progress"
        try:
            while document:
                document = self._run_document(log, document, base, answerer, sessions)
            log.ended_by = log.ended_by or "hotline"
        except Hangup:
            log.ended_by = "caller"
            self._out("  (caller hangs up)")
        rejected = log.ended_by in ("busy", "no-answer")
        duration = 0 if rejected else max(1, round(time.monotonic() - started))
        if hangup_url:
            cause, name, source = (("USER_BUSY", "Busy Line", "Answer XML") if log.ended_by == "busy" else
                                   ("CALL_REJECTED", "Call Rejected", "Answer XML") if rejected else
                                   ("NORMAL_CLEARING", "Normal Hangup",
                                    "Caller" if log.ended_by == "caller" else "Answer XML"))
            # Plivo reports an inbound call's end as "completed" whatever stopped it; the cause says why.
            status = "completed" if base["Direction"] == "inbound" or not rejected else log.ended_by
            self._send(log, "POST", hangup_url, {
                **base, "Event": "Hangup", "CallStatus": status, "Duration": str(duration),
                "BillDuration": str(duration), "HangupCause": cause, "HangupCauseName": name, "HangupSource": source,
                "StartTime": _plivo_time(started_at), "AnswerTime": "" if rejected else _plivo_time(started_at),
                "EndTime": _plivo_time(datetime.now(UTC))})
        for session in sessions:  # a whole-call recording is uploaded once the call has ended
            if not session.on_dial_answer:
                self._upload(log, session, base, f"(the whole call {log.call_sid})")
        self._out("☎  call rejected, never answered" if rejected else
                  f"☎  call ended ({'by the caller' if log.ended_by == 'caller' else 'by the hotline'})")
        return log

    # -- Plivo XML -----------------------------------------------------------------------------------

    def _prompt(self, log: CallLog, element: ElementTree.Element) -> None:
        if element.tag == "Speak":
            text = (element.text or "").strip()
            log.said.append(text)
            self._out(f"  🔊 [{element.get('language', '')}] {text}")
        elif element.tag == "Play":
            log.said.append(f"<play {(element.text or '').strip()}>")
            self._out(f"  🔊 (plays {(element.text or '').strip()})")
        elif element.tag == "Wait":
            self._out(f"  (waits {element.get('length', '1')} s)")

    def _run_document(self, log: CallLog, document: str, base: dict[str, str], answerer: Answerer,
                      sessions: list[_SessionRecording]) -> str:
        try:
            root = ElementTree.fromstring(document)
        except ElementTree.ParseError:
            self._out("  ! the hotline answered something that is not Plivo XML; Plivo would hang up")
            log.ended_by = "error"
            return ""
        for element in root:
            if element.tag in ("Speak", "Play", "Wait"):
                self._prompt(log, element)
            elif element.tag == "PreAnswer":  # early media, before the call is answered
                for prompt in element:
                    self._prompt(log, prompt)
            elif element.tag == "GetDigits":
                follow = self._get_digits(log, element, base, answerer)
                if follow is not None:
                    return follow
            elif element.tag == "Record":
                if _true(element, "recordSession", False) or _true(element, "startOnDialAnswer", False):
                    sessions.append(_SessionRecording(element.get("callbackUrl"),
                                                      element.get("callbackMethod", "POST"),
                                                      _true(element, "startOnDialAnswer", False)))
                    continue
                follow = self._record(log, element, base, answerer)
                if follow is not None:
                    return follow
            elif element.tag == "Dial":
                follow = self._dial(log, element, base, answerer, sessions)
                if follow is not None:
                    return follow
            elif element.tag == "Redirect":
                return self._send(log, element.get("method", "POST"), (element.text or "").strip(),
                                  {**base, "Event": "Redirect"})
            elif element.tag == "Hangup":
                reason = element.get("reason")
                if reason in ("rejected", "busy"):
                    # Never answered (nothing billed); Plivo's hangup cause tells a busy line from a rejected call.
                    log.ended_by = "busy" if reason == "busy" else "no-answer"
                    self._out(f"  (rejected unanswered: {reason})")
                else:
                    log.ended_by = "hotline"
                return ""
        return ""

    def _action(self, log: CallLog, element: ElementTree.Element, form: dict[str, str]) -> str | None:
        """Request the element's action; its answer goes on with the call when redirect is true (the
        default), else the call goes on with the next element. None: go on with the next element."""
        action = element.get("action")
        if not action:
            return None
        answer = self._send(log, element.get("method", "POST"), action, form)
        return answer if _true(element, "redirect", True) else None

    def _get_digits(self, log: CallLog, element: ElementTree.Element, base: dict[str, str],
                    answerer: Answerer) -> str | None:
        finish = element.get("finishOnKey", "#")
        num_digits = int(element.get("numDigits", "99"))
        for _ in range(max(1, int(element.get("retries", "1")))):
            for prompt in element:
                self._prompt(log, prompt)
            digits = answerer.digits(num_digits)
            if finish and finish.lower() != "none" and digits and digits.endswith(finish):
                digits = digits[:-len(finish)]  # Plivo sends the digits without the finishing key
            if digits:
                return self._action(log, element, {**base, "Digits": digits[:num_digits]})
        return None  # nothing pressed: Plivo goes on with the next element

    def _recording(self, log: CallLog, base: dict[str, str], text: str | None, wav: bytes | None,
                   started_ms: int) -> dict[str, str]:
        """Keep a recording where Plivo would (the sandbox's Plivo recordings when it has them) and give the
        fields Plivo sends about it."""
        add_plivo = getattr(self._recordings, "add_plivo_recording", None)
        if add_plivo is not None:
            rec = add_plivo(text=text, wav=wav, call={"uuid": log.call_sid, "from": base["From"], "to": base["To"]})
        else:
            rec = self._recordings.add_recording(text=text, wav=wav, call={
                "sid": log.call_sid, "from": base["From"], "to": base["To"]})
        # Plivo's Recording object (recording_id, recording_url, recording_duration_ms), or the sandbox's own.
        milliseconds = round(float(rec["recording_duration_ms"])) if "recording_duration_ms" in rec \
            else int(rec["duration"]) * 1000
        fields = {"RecordUrl": rec.get("recording_url") or rec["url"],
                  "RecordingID": rec.get("recording_id") or rec["sid"],
                  "RecordingDuration": str(max(1, round(milliseconds / 1000))),
                  "RecordingDurationMs": str(milliseconds),
                  "RecordingStartMs": str(started_ms), "RecordingEndMs": str(started_ms + milliseconds)}
        log.recording_sid = fields["RecordingID"]
        return fields

    def _record(self, log: CallLog, element: ElementTree.Element, base: dict[str, str],
                answerer: Answerer) -> str | None:
        if _true(element, "playBeep", True):
            self._out("  (beep)")
        started_ms = int(time.time() * 1000)
        spoken = answerer.recording()
        if spoken is None:
            return None
        fields = self._recording(log, base, spoken.text, spoken.wav, started_ms)
        follow = self._action(log, element, {**base, **fields})
        if element.get("callbackUrl"):  # the file is ready after the action, as Plivo posts it
            self._send(log, element.get("callbackMethod", "POST"), element.get("callbackUrl", ""),
                       {"CallUUID": log.call_sid, "From": base["From"], "To": base["To"], **fields})
        return follow

    def _upload(self, log: CallLog, session: _SessionRecording, base: dict[str, str], what: str) -> None:
        fields = self._recording(log, base, what, None, int(time.time() * 1000))
        if session.callback_url:
            self._send(log, session.callback_method, session.callback_url,
                       {"CallUUID": log.call_sid, "From": base["From"], "To": base["To"], **fields})

    def _dial(self, log: CallLog, element: ElementTree.Element, base: dict[str, str], answerer: Answerer,
              sessions: list[_SessionRecording]) -> str | None:
        """Plivo's <Dial> to <Number>s, the answerer playing the operators. None: go on with the next element."""
        numbers = [(n.text or "").strip() for n in element if n.tag == "Number"]
        caller_id = element.get("callerId", base["From"])
        self._out(f"  📞 ringing {', '.join(numbers)} from {caller_id} (up to {element.get('timeout', '—')} s)")
        choose = getattr(answerer, "operator", None)
        picked = choose(numbers) if choose else None
        dial = {"DialALegUUID": log.call_sid, "DialRingStatus": "true"}
        if picked is None:
            self._out("  (nobody answered in time)")
            return self._action(log, element, {**base, **dial, "DialStatus": "no-answer",
                                               "DialHangupCause": "NO_ANSWER", "DialBLegUUID": ""})
        log.answered_by = picked
        leg = str(uuid.uuid4())
        if element.get("confirmSound"):  # fetched (POST) on the operator's leg when they pick up
            heard = self._send(log, "POST", element.get("confirmSound", ""), {
                "CallUUID": leg, "From": caller_id, "To": picked, "Direction": "outbound",
                "CallStatus": "in-progress", "ALegUUID": log.call_sid})
            try:
                spoken = ElementTree.fromstring(heard).iter("Speak") if heard else iter(())
            except ElementTree.ParseError:
                spoken = iter(())
            for said in spoken:
                log.whispered.append((said.text or "").strip())
                self._out(f"  🎧 (to the operator) {(said.text or '').strip()}")
        self._out(f"  (operator {picked} answered; caller and operator are talking)")
        talk = getattr(answerer, "conversation", None)
        if talk:
            talk(picked)
        follow = self._action(log, element, {**base, **dial, "DialStatus": "completed",
                                             "DialHangupCause": "NORMAL_CLEARING", "DialBLegUUID": leg})
        for session in [s for s in sessions if s.on_dial_answer]:  # recorded from the answer to the dial's end
            sessions.remove(session)
            self._upload(log, session, base, f"(the caller's conversation with {picked})")
        return follow
