"""A call as the call log keeps it: how it ended, and, on an operators line, who it rang and who answered.

Plain values the call log port (domain/ports.py CallLog) takes and returns; the calls table holds one item
per CallSid (store/calls.py, store/operator_calls.py).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# A call's id as its carrier writes it: Twilio's CallSid (CA + 32 hex), Plivo's CallUUID (a UUID); a sign-language
# video call's is VC + 32 hex (domain/video_calls.py).
CALL_ID_PATTERN = r"^(?:CA[0-9a-f]{32}|VC[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"

# Twilio's final call statuses: only these end a call in the log (ringing, in-progress… are ignored).
TERMINAL_STATUSES = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})


@dataclass(frozen=True)
class CallEnd:
    call_sid: str
    from_phone: str
    to_phone: str
    district: str | None
    hotline: str | None
    status: str
    duration: int
    ended_at: str


@dataclass(frozen=True)
class OperatorCall:
    call_sid: str
    caller_phone: str
    line: str | None
    district: str
    hotline: str | None
    operators: tuple[str, ...]
    ringing_at: str
    answered_at: str | None
    answered_by: str | None
    dial_status: str | None
    call_status: str | None
    complaint_number: str | None  # the first ticket of the call
    recording_sid: str | None
    complaint_numbers: tuple[str, ...] = ()  # every ticket registered from the call, oldest first
    kind: str = "voice"  # or "video": a sign-language video call (domain/video_calls.py)
    video: dict[str, Any] | None = None  # a video call as stored (its state, the consent, the slot)

    @property
    def video_state(self) -> str | None:
        return str(self.video["state"]) if self.video else None

    @property
    def state(self) -> str:
        """ringing, answered (an operator is on it), ended (answered, now over), missed (went to the IVR)."""
        if self.video_state:
            return {"booked": "ringing"}.get(self.video_state, self.video_state)
        if self.answered_at:
            return "ended" if self.dial_status or self.call_status else "answered"
        if self.dial_status or self.call_status:
            return "missed"
        return "ringing"
