"""What every console API handler shares: finding the district and the ticket the user may see, rendering
tickets, and turning the lifecycle's refusals into API errors. The api_* handler modules import this one;
it imports none of them."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from chalicelib import wiring
from chalicelib.api import access
from chalicelib.api.errors import ApiError, not_found
from chalicelib.api.http import Call
from chalicelib.domain.clock import iso
from chalicelib.domain.district import District
from chalicelib.domain.lifecycle import NotAllowed
from chalicelib.domain.ticket import Ticket, TimelineEntry
from chalicelib.i18n import catalog


def district(code: str) -> District:
    found = wiring.directory().district(code)
    if found is None:
        raise not_found("no_district", district=code)
    return found


def district_needed(call: Call) -> ApiError:
    """A state_admin registers a complaint without naming its district: the body's `district`, in the user's
    language, with the districts of their state to choose from (the state file, cached with the directory)."""
    state = wiring.directory().state(call.user.state) if call.user.state else None
    codes = ", ".join(d.code for d in state.districts) if state else "<code>"
    return ApiError(400, "district_needed", catalog(call.language).text("api_district_needed", codes=codes))


def ticket(call: Call, number: str) -> Ticket:
    found = wiring.ticket_store().get(number)
    # Another district's or department's ticket reads as missing: its existence is not the user's to know.
    if found is None or not access.may_see(call.user, found):
        raise not_found("no_ticket", number=number)
    return found


def now() -> datetime:
    return wiring.clock().now()


EXCERPT = 140  # characters of a row's or a search result's text: enough to tell the complaints apart


def excerpt(ticket: Ticket) -> str:
    """The first words of what the complaint says: the operator's description, or the recording's transcript."""
    from chalicelib.operations.ticket_search import said_text

    text = " ".join(said_text(ticket).split())
    return text if len(text) <= EXCERPT else text[:EXCERPT - 1].rstrip() + "…"


def summary(ticket: Ticket, now: str) -> dict[str, Any]:
    return {
        "complaint_number": ticket.complaint_number, "district": ticket.district, "status": ticket.status,
        "level": ticket.level, "category": ticket.category, "department": ticket.department,
        "caller_phone": ticket.caller_phone, "caller_name": ticket.caller_name, "language": ticket.language,
        "channel": ticket.channel, "created_at": ticket.created_at, "level_due_at": ticket.level_due_at,
        "sla_due_at": ticket.sla_due_at, "flagged": ticket.flagged,
        "overdue": ticket.is_open and ticket.sla_due_at <= now,
        "at_risk": ticket.is_open and ticket.sla_risk_at <= now < ticket.sla_due_at,
        "pending": ticket.pending, "urgency": ticket.urgency, "kind": ticket.kind,
    }


def detail(call: Call, ticket: Ticket) -> dict[str, Any]:
    entries = wiring.console_queries().timeline(ticket.complaint_number)
    at = iso(now())
    return {**summary(ticket, at), "now": at, "level_started_at": ticket.level_started_at or ticket.created_at,
            "version": ticket.version, "address": ticket.address,
            "description": ticket.description, "call_sid": ticket.call_sid,
            "acknowledged_at": ticket.acknowledged_at, "resolved_at": ticket.resolved_at,
            "resolution_remark": ticket.resolution_remark, "closed_at": ticket.closed_at, "closure": ticket.closure,
            "reopen_count": ticket.reopen_count, "has_recording": bool(ticket.recording_url),
            "whatsapp_consent": ticket.whatsapp_consent, "form": ticket.form,
            "allowed_actions": access.allowed_actions(call.user, ticket, district(ticket.district)),
            "timeline": [_entry(e) for e in entries]}


def _entry(entry: TimelineEntry) -> dict[str, Any]:
    return {"at": entry.at, "actor_type": entry.actor_type, "actor_id": entry.actor_id, "action": entry.action,
            "channel": entry.channel, "detail": entry.detail}


# What was sent cannot be done whatever the ticket's state (422); other refusals are about the state (409).
_REFUSED_INPUT = frozenset({"remark_needed", "reason_needed", "bad_days", "bad_code", "unknown_department",
                            "unknown_category"})


def refusal(call: Call, ticket: Ticket, refused: NotAllowed) -> ApiError:
    words = catalog(call.language)
    try:
        message = words.text(f"reply_{refused.reason}", number=ticket.complaint_number, **refused.details)
    except KeyError:  # a reason with no officer's reply of its own: the API's words for it
        message = words.text(f"error_{refused.reason}", **refused.details)
    status = 403 if refused.reason == "not_yours" else 422 if refused.reason in _REFUSED_INPUT else 409
    return ApiError(status, refused.reason, message)


def ticket_moved() -> ApiError:
    return ApiError(409, "stale")


def forget_cached_directory() -> None:
    """A directory edit: this container hears of it at once, others within the cache's TTL (a minute)."""
    directory = wiring.directory()
    if hasattr(directory, "clear"):
        directory.clear()
