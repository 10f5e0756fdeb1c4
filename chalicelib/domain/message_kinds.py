"""The kinds of message the notifier sends: one name each, used by the channel plan, the WhatsApp templates,
the timeline and the README.

A kind names what a message is for, not its words: several catalog messages share a kind (every closure is a
`closure`), and a district's channel plan and WhatsApp templates are keyed by kind, so one plan covers them all.
"""
from __future__ import annotations

CITIZEN_KINDS: tuple[str, ...] = ("acknowledgement", "resolution", "closure", "reopening", "extension_approved",
                                  "feedback_request", "callback_notice", "unreachable_callback",
                                  "video_link")
# The officers' kinds, and the Collector's alert (the Collector is an officer for the channel plan).
OFFICER_KINDS: tuple[str, ...] = ("forward", "reminder", "escalation", "approval_request", "decision", "alert")
ALL_KINDS: tuple[str, ...] = CITIZEN_KINDS + OFFICER_KINDS
# Kinds renamed since district files first named them: a file's old name loads as the kind it always meant.
OLD_KIND_NAMES: dict[str, str] = {"extension": "extension_approved"}

# The kind of every catalog message the notifier sends (its wordings for a route that carries replies,
# `<key>_reply`, are added below).
KIND_OF: dict[str, str] = {
    "sms_ticket_registered": "acknowledgement",
    "sms_suggestion_registered": "acknowledgement",
    "sms_demand_registered": "acknowledgement",
    "sms_request_registered": "acknowledgement",
    "citizen_suggestion_answered": "closure",
    "citizen_demand_accepted": "closure",
    "citizen_demand_declined": "closure",
    "citizen_request_done": "closure",
    "citizen_request_refused": "closure",
    "citizen_resolved": "resolution",
    "citizen_closed_satisfied": "closure",
    "citizen_closed_no_response": "closure",
    "citizen_closed_special": "closure",
    "citizen_reopened": "reopening",
    "citizen_extended": "extension_approved",  # sent once, at the approval, with the new date
    "citizen_unreachable_callback": "unreachable_callback",  # the last callback unanswered: how else to reach us
    "citizen_video_now": "video_link",  # a sign-language video call's link: open it now, or at the booked slot
    "citizen_video_booked": "video_link",
    "citizen_video_resolved": "resolution",  # a video call's ticket: no feedback call, so answer on WhatsApp
    "officer_assigned": "forward",
    "officer_assigned_text": "forward",
    "officer_assigned_caller": "forward",  # the text forward naming who called and from where
    "officer_reopened": "forward",
    "officer_reminder": "reminder",
    "officer_moved_up": "escalation",
    "approval_extension": "approval_request",
    "approval_closure": "approval_request",
    "decision_approved": "decision",
    "decision_rejected": "decision",
    "collector_flag": "alert",
}
# The messages that ask for a reply where one can arrive; `<key>_reply` is their wording for such a route
# (domain/notices.py picks the wording).
ASKS_A_REPLY = frozenset({"officer_assigned", "officer_assigned_text", "officer_assigned_caller", "officer_reopened",
                          "officer_reminder", "approval_extension", "approval_closure", "citizen_resolved",
                          "citizen_closed_no_response"})
KIND_OF |= {f"{key}_reply": KIND_OF[key] for key in ASKS_A_REPLY}
