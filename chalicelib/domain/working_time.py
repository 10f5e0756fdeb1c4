"""Deadlines that count only office hours when a district says so (skipping weekends and holidays)."""
from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.domain.clock import IST
from chalicelib.domain.district import OfficeHours


def add_hours(start: datetime, hours: float, office: OfficeHours | None) -> datetime:
    """`start` plus `hours` of counted time: calendar time, or office time when `office` is given."""
    if office is None:
        return start + timedelta(hours=hours)
    remaining = timedelta(hours=hours)
    at = start.astimezone(IST)
    for _ in range(3660):  # ten years of days: a bound, never reached by a real SLA
        day = at.replace(hour=0, minute=0, second=0, microsecond=0)
        opens, closes = day + timedelta(minutes=office.open_minute), day + timedelta(minutes=office.close_minute)
        if _is_working_day(day, office) and at < closes:
            begin = max(at, opens)
            if begin + remaining <= closes:
                return (begin + remaining).astimezone(start.tzinfo)
            remaining -= closes - begin
        at = day + timedelta(days=1)
    raise ValueError("no office hours within ten years: check office_hours and holidays")


def _is_working_day(at: datetime, office: OfficeHours) -> bool:
    return at.weekday() in office.days and at.strftime("%Y-%m-%d") not in office.holidays


def is_open(office: OfficeHours | None, now: datetime) -> bool:
    """Whether a hotline with these hours answers at `now` (None: round the clock)."""
    if office is None:
        return True
    at = now.astimezone(IST)
    minute = at.hour * 60 + at.minute
    return _is_working_day(at, office) and office.open_minute <= minute < office.close_minute


def next_opening(office: OfficeHours, now: datetime) -> datetime:
    """The next time the hotline opens after `now` (the next working morning), in `now`'s time zone."""
    at = now.astimezone(IST)
    for days in range(0, 3660):
        day = (at + timedelta(days=days)).replace(hour=0, minute=0, second=0, microsecond=0)
        opens = day + timedelta(minutes=office.open_minute)
        if opens > at and _is_working_day(day, office):
            return opens.astimezone(now.tzinfo)
    raise ValueError("no office hours within ten years: check the hours and holidays")
