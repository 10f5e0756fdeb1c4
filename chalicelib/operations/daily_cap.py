"""A call refused at the write for the caller's daily cap: the call log says why it has no ticket, and the
caller hears the number of today's newest ticket."""
from __future__ import annotations

from datetime import datetime

from chalicelib.domain.callers import lookup_since, registered_today
from chalicelib.domain.district import District
from chalicelib.domain.ports import CallerHistory, CallLog


def refuse_over_cap(call_sid: str, caller: str, district: District, now: datetime, call_log: CallLog,
                    history: CallerHistory) -> str | None:
    """Mark the call over the cap (so the reconciler leaves its recording alone); the complaint number the
    caller registered last today in this district, if any (two calls may have raced past the menu's check)."""
    call_log.mark_over_cap(call_sid)
    today = registered_today(history.caller_tickets(caller, since=lookup_since(district, now)), district, now)
    return today[0].complaint_number if today else None
