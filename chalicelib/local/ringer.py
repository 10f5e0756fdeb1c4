"""Rings the citizen when the app places a call: the sandbox hands each placed call here, and the
call simulator answers it as `manage.py answer <phone> <script>` said (default: nobody answers) — with
Twilio's protocol, or Plivo's for a call the app placed through Plivo's API (stored with carrier "plivo")."""
from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

from chalicelib.local.caller import CallEmulator, HttpTransport, ScriptedAnswerer, Transport

if TYPE_CHECKING:
    from chalicelib.local.sandbox import SandboxState


def _field(placed: dict[str, Any], *names: str) -> str:
    """The first of `names` the placed call's request (or the call itself) carries: Twilio's API takes
    To/From/Url/StatusCallback, Plivo's to/from/answer_url/hangup_url."""
    request = placed.get("request", {})
    for name in names:
        value = request.get(name) or placed.get(name)
        if value:
            return str(value)
    return ""


class Ringer:
    def __init__(self, state: SandboxState, base_url: str, plivo_auth_id: str = "", plivo_auth_token: str = "",
                 transport: Transport | None = None) -> None:
        self._state = state
        out = lambda line: print(f"[sandbox] {line}", flush=True)  # noqa: E731
        transport = transport or HttpTransport()
        self._emulator = CallEmulator(transport, base_url, state.auth_token, state.account_sid, state, out=out)
        self._plivo = CallEmulator(transport, base_url, plivo_auth_token, plivo_auth_id, state, out=out,
                                   carrier="plivo")
        # Rung calls and delivery reports: `wait` (on `advance`'s thread) joins them while the sandbox's threads add
        # more, so a thread is listed only once started (joining one not started yet raises) and under the lock.
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def _start(self, thread: threading.Thread) -> None:
        thread.start()
        with self._lock:
            self._threads.append(thread)

    def ring(self, placed: dict[str, Any]) -> None:
        # After the REST answer is sent, as Twilio does: the app's TwiML is fetched once the call connects.
        self._start(threading.Thread(target=self._connect, args=(placed,), daemon=True, name=f"call-{placed['sid']}"))

    def _script(self, to: str) -> str | None:
        # Plivo's API takes numbers without the "+"; `manage.py answer` names phones with it.
        answers = self._state.answers
        return answers.get(to, answers.get(f"+{to}")) if not to.startswith("+") else answers.get(to)

    def _connect(self, placed: dict[str, Any]) -> None:
        if placed.get("carrier") == "plivo":
            to = _field(placed, "to", "To")
            script = self._script(to)
            answerer = ScriptedAnswerer.parse(script) if script is not None else None
            log = self._plivo.answer(placed["sid"], _field(placed, "from", "From"), to,
                                     _field(placed, "answer_url", "Url"),
                                     _field(placed, "hangup_url", "StatusCallback") or None, answerer)
        else:
            request = placed["request"]
            script = self._state.answers.get(request.get("To", ""))
            answerer = ScriptedAnswerer.parse(script) if script is not None else None
            log = self._emulator.answer(placed["sid"], request.get("From", ""), request.get("To", ""),
                                        request.get("Url", ""), request.get("StatusCallback"), answerer)
        with self._state.lock:
            placed["status"] = "completed" if log.ended_by != "no-answer" else "no-answer"
            placed["said"] = log.said

    def deliver(self, message: dict[str, Any]) -> None:
        """Post the message's status callback ("delivered"), signed, as the carrier does once it lands."""
        with self._state.lock:
            message["status"] = "delivered"
        if message.get("carrier") == "plivo":  # Message create's `url`, V3-signed, in Plivo's names
            callback, emulator = _field(message, "url"), self._plivo
            form = {"MessageUUID": message["sid"], "Status": "delivered", "From": _field(message, "src", "from"),
                    "To": _field(message, "dst", "to"), "ErrorCode": "", "Units": "1"}
        else:
            callback, emulator = message["request"].get("StatusCallback"), self._emulator
            form = {"AccountSid": self._state.account_sid, "MessageSid": message["sid"], "MessageStatus": "delivered",
                    "To": message["request"].get("To", ""), "From": message["request"].get("From", "")}
        if not callback:
            return
        self._start(threading.Thread(target=emulator.post_signed, args=(callback, form), daemon=True))

    def wait(self, seconds: float = 30) -> None:
        """Until every call rung and report posted has played out, those they lead to as well (at most `seconds`)."""
        deadline = time.monotonic() + seconds
        while True:
            with self._lock:
                self._threads = [t for t in self._threads if t.is_alive()]
                running = list(self._threads)
            if not running or time.monotonic() >= deadline:
                return
            for thread in running:
                thread.join(timeout=max(0.0, deadline - time.monotonic()))
