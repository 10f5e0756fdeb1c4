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
        if at.weekday() in office.days and day.strftime("%Y-%m-%d") not in office.holidays and at < closes:
            begin = max(at, opens)
            if begin + remaining <= closes:
                return (begin + remaining).astimezone(start.tzinfo)
            remaining -= closes - begin
        at = day + timedelta(days=1)
    raise ValueError("no office hours within ten years: check office_hours and holidays")
