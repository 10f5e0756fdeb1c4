"""Every action name a ticket's timeline can carry, so the console can say each one in words (strings.js has
`action_<name>` for each, a hyphen written as an underscore; tests/unit/test_timeline_words.py checks both
this list against the code that writes the timeline and the console's strings against this list).

Most names are written as they are; three families are made from what a carrier posts: a message's status
(`message_<status>`), and the status of a call we placed about a ticket (`feedback_call_<status>`,
`officer_ring_<status>`)."""
from __future__ import annotations

# The lifecycle's (domain/lifecycle.py) and registration's, the transcript's and the citizen's own answers.
WRITTEN = (
    "registered", "acknowledged", "resolved", "concluded", "extension_requested", "closure_proposed",
    "extension_approved", "extension_rejected", "closure_rejected", "closed", "transferred", "rerouted", "note",
    "feedback_call", "reminded", "sla_breached", "sla_at_risk", "flagged", "officer_rung", "escalated",
    "reopened", "transcribed", "transcript_corrected", "transcript_deleted", "whatsapp_consent", "message",
    # A sign-language video call's (operations/video_calls.py, console_registration.py).
    "video_call", "video_consent", "video_call_ended",
)
# What Twilio and Plivo post about a message (Plivo's in the neutral form, telephony/plivo_voice.py).
MESSAGE_STATUSES = ("queued", "sending", "sent", "delivered", "undelivered", "failed", "read", "accepted",
                    "scheduled", "canceled", "rejected", "received")
# What they post about a call we placed (Plivo's "timeout" and "cancel" already turned into these).
CALL_STATUSES = ("queued", "initiated", "ringing", "in-progress", "answered", "completed", "busy", "failed",
                 "no-answer", "canceled")
PLACED_CALLS = ("feedback_call", "officer_ring")  # handlers/call_steps.py timeline_call_status's kinds


def timeline_actions() -> tuple[str, ...]:
    return (WRITTEN + tuple(f"message_{status}" for status in MESSAGE_STATUSES)
            + tuple(f"{kind}_{status}" for kind in PLACED_CALLS for status in CALL_STATUSES))


def string_key(action: str) -> str:
    """The console's string for an action: `action_` and the name, hyphens as underscores."""
    return "action_" + action.replace("-", "_")
