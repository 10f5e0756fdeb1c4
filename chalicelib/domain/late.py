"""What a citizen is told about an open complaint's date: the date it is expected by, or, once that has passed,
how late it is and with whom it is now ("late by 3 days, now with a senior officer"), never a passed date.

The expected date is the complaint's SLA, or the later date an approved extension told the citizen (notices.py,
`extension_approved`; `Ticket.promised_at`). An escalation's new level clock is the officers' deadline, not a date
anyone told the citizen: once the SLA has passed the complaint is late, whoever holds it.
Pure: the status by phone (routing/status_menu.py) and by SMS or WhatsApp (domain/chat_intake.py) use it.
"""
from __future__ import annotations

import math
from datetime import datetime

from chalicelib.domain.clock import iso, parse_iso
from chalicelib.domain.ticket import Ticket
from chalicelib.i18n import Catalog

DAY_SECONDS = 86400


def expected_at(ticket: Ticket) -> str:
    """The ISO time the citizen may expect the complaint solved by."""
    times = [parse_iso(t) for t in (ticket.sla_due_at, ticket.promised_at) if t]
    return iso(max(times)) if times else ""


def days_late(ticket: Ticket, now: datetime) -> int:
    """Whole days (rounded up) the open complaint is past its expected date; 0 while it is not."""
    expected = expected_at(ticket)
    if not ticket.is_open or not expected or now <= parse_iso(expected):
        return 0
    return max(1, math.ceil((now - parse_iso(expected)).total_seconds() / DAY_SECONDS))


def late_values(words: Catalog, ticket: Ticket, days: int) -> dict[str, str]:
    """The {late} and {level} of the catalog's status_late and chat_status_late."""
    late = words.text("late_days_one") if days == 1 else words.text("late_days", days=days)
    key = f"with_{ticket.level}"
    return {"late": late, "level": words.text(key if key in words.keys() else "with_L1")}
