"""The approvers' queue: which post a pending request waits on (lifecycle.py `decide` says who may decide).

A request asked at L1 waits for the department's L2, and so on up; an L4's waits for the Collector, who is
not a post of any department."""
from __future__ import annotations

from chalicelib.domain.lifecycle import next_level
from chalicelib.domain.ticket import Ticket

COLLECTOR = "COLLECTOR"


def approver_level(ticket: Ticket) -> str | None:
    """The level whose decision the ticket's request waits for; None when nothing waits."""
    if not ticket.pending or not ticket.is_open:
        return None
    return next_level(str(ticket.pending.get("level") or ticket.level)) or COLLECTOR


def approval_key(ticket: Ticket) -> str | None:
    """department#approver level#asked at: a post's queue is a prefix of it, oldest request first."""
    level = approver_level(ticket)
    if level is None:
        return None
    return f"{post_prefix(ticket.department, level)}{ticket.pending.get('at', '') if ticket.pending else ''}"


def post_prefix(department: str, level: str) -> str:
    return f"{department}#{level}#"
