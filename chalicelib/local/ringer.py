"""Rings the citizen when the app places a call: the sandbox hands each placed call here, and the
call simulator answers it as `manage.py answer <phone> <script>` said (default: nobody answers)."""
from __future__ import annotations

import threading
from typing import Any

from chalicelib.local.caller import CallEmulator, HttpTransport, ScriptedAnswerer
from chalicelib.local.sandbox import SandboxState


class Ringer:
    def __init__(self, state: SandboxState, base_url: str) -> None:
        self._state = state
        self._emulator = CallEmulator(HttpTransport(), base_url, state.auth_token, state.account_sid, state,
                                      out=lambda line: print(f"[sandbox] {line}", flush=True))
        self._threads: list[threading.Thread] = []

    def ring(self, placed: dict[str, Any]) -> None:
        # After the REST answer is sent, as Twilio does: the app's TwiML is fetched once the call connects.
        thread = threading.Thread(target=self._connect, args=(placed,), daemon=True, name=f"call-{placed['sid']}")
        self._threads.append(thread)
        thread.start()

    def _connect(self, placed: dict[str, Any]) -> None:
        request = placed["request"]
        script = self._state.answers.get(request.get("To", ""))
        answerer = ScriptedAnswerer.parse(script) if script is not None else None
        log = self._emulator.answer(placed["sid"], request.get("From", ""), request.get("To", ""),
                                    request.get("Url", ""), request.get("StatusCallback"), answerer)
        with self._state.lock:
            placed["status"] = "completed" if log.ended_by != "no-answer" else "no-answer"
            placed["said"] = log.said

    def deliver(self, message: dict[str, Any]) -> None:
        """Post the message's status callback ("delivered"), signed, as Twilio does once it lands."""
        with self._state.lock:
            message["status"] = "delivered"
        callback = message["request"].get("StatusCallback")
        if not callback:
            return
        form = {"AccountSid": self._state.account_sid, "MessageSid": message["sid"], "MessageStatus": "delivered",
                "To": message["request"].get("To", ""), "From": message["request"].get("From", "")}
        thread = threading.Thread(target=self._emulator.post_signed, args=(callback, form), daemon=True)
        self._threads.append(thread)
        thread.start()

    def wait(self, seconds: float = 30) -> None:
        for thread in list(self._threads):
            thread.join(timeout=seconds)
        self._threads = [t for t in self._threads if t.is_alive()]
