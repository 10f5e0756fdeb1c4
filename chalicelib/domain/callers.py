"""Callers on the phone: their open complaints read back, the daily cap, the repeat-caller offer.

Pure decisions over tickets already read (one Query on the tickets' `by_caller` index, made by the
handler); the store enforces the cap again, atomically, when a ticket is written.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from chalicelib.domain.clock import IST, iso, ist_date, parse_iso
from chalicelib.domain.complaint_number import is_valid
from chalicelib.domain.district import District, is_reachable
from chalicelib.domain.ticket import Ticket

if TYPE_CHECKING:
    from chalicelib.domain.lifecycle import Change

MAX_READ_BACK = 3  # a caller hears at most this many open complaints
# The channels whose registrations ADD to the caller's day counter (domain/intake.py: the IVR and the chat
# intake); operators at the console and the outage reconciler are not capped.
CAPPED_CHANNELS = ("ivr", "whatsapp", "sms")


@dataclass(frozen=True)
class CallerDayLimit:
    """Written with the ticket: ADD 1 to `scope`/`period`, only while the count is below `limit`."""
    scope: str  # CALLER#<district>#<phone>
    period: str  # DAY#<IST day>
    limit: int


class OverDailyLimit(Exception):
    """The caller has registered the district's daily number of complaints already; nothing was written."""


def ist_day_start(at: datetime) -> datetime:
    local = at.astimezone(IST)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def day_limit(district: District, phone: str, now: datetime) -> CallerDayLimit | None:
    """The cap for this caller today; none for a withheld caller ID (many people share those)."""
    if not is_reachable(phone):
        return None
    return CallerDayLimit(scope=f"CALLER#{district.code}#{phone}", period=f"DAY#{ist_date(now)}",
                          limit=district.callers.complaints_per_day)


def lookup_since(district: District, now: datetime) -> str:
    """How far back the new-complaint lookup reads: today (the cap) and the repeat window."""
    window_start = now - timedelta(days=district.callers.repeat_window_days)
    return iso(min(window_start, ist_day_start(now)))


def open_complaints(tickets: Iterable[Ticket], district: District, limit: int = MAX_READ_BACK) -> list[Ticket]:
    """The caller's open tickets in this district, newest first (the index gives them newest first)."""
    found = [t for t in tickets if t.district == district.code and t.is_open]
    return sorted(found, key=lambda t: t.created_at, reverse=True)[:limit]


def registered_today(tickets: Iterable[Ticket], district: District, now: datetime) -> list[Ticket]:
    """The caller's capped tickets of this IST day in this district, newest first."""
    day = ist_date(now)
    found = [t for t in tickets if t.district == district.code and t.channel in CAPPED_CHANNELS
             and ist_date(parse_iso(t.created_at)) == day]
    return sorted(found, key=lambda t: t.created_at, reverse=True)


def over_cap(tickets: Iterable[Ticket], district: District, phone: str, now: datetime) -> bool:
    return is_reachable(phone) and len(registered_today(tickets, district, now)) >= \
        district.callers.complaints_per_day


def repeat_candidate(tickets: Iterable[Ticket], district: District, now: datetime) -> Ticket | None:
    """The caller's most recent open complaint from the repeat window, if any."""
    if district.callers.repeat_window_days <= 0:
        return None
    since = iso(now - timedelta(days=district.callers.repeat_window_days))
    recent = [t for t in open_complaints(tickets, district, limit=50) if t.created_at >= since]
    return recent[0] if recent else None


def keyed_number(district: District, digits: str | None) -> str | None:
    """The complaint number a caller keyed (the digits after the district code), or None if malformed."""
    digits = (digits or "").strip().rstrip("#")
    if not digits.isascii() or not digits.isdigit():
        return None
    number = f"{district.code}{digits}"
    return number if is_valid(number) else None


def date_words(iso_time: str, months: list[str]) -> dict[str, object]:
    """An ISO time's IST date as the catalog's `spoken_date` takes it (day, month name, year)."""
    local = parse_iso(iso_time).astimezone(IST)
    return {"day": local.day, "month": months[local.month - 1], "year": local.year}


def recorded_note(ticket: Ticket, district: District, now: datetime, caller: str, call_sid: str,
                  recording_sid: str, recording_url: str, duration: int) -> Change:
    """A repeat caller's recorded message as a note on their ticket: the operators' note, said by the citizen."""
    from chalicelib.domain.lifecycle import Actor, Lifecycle

    change = Lifecycle(district, now).note(ticket, Actor("citizen", caller, "ivr"),
                                           f"Recorded message from the caller ({duration} s)")
    entry = replace(change.timeline[0], detail={**change.timeline[0].detail, "call_sid": call_sid,
                                                "recording_sid": recording_sid, "recording_url": recording_url,
                                                "recording_duration": duration})
    return replace(change, timeline=(entry,))
