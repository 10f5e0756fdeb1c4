"""Who of the roster is on duty at a moment: the operators an operators-mode hotline rings.

Shifts are in IST. A shift whose end is before its start runs past midnight; its `days` name the day
it starts on, so at 02:00 on a Tuesday the Monday night shift is still on.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.domain.clock import IST
from chalicelib.domain.roster import WEEKDAYS, Operator, Shift


def _minute(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def shift_covers(shift: Shift, now: datetime) -> bool:
    local = now.astimezone(IST)
    minute = local.hour * 60 + local.minute
    today = WEEKDAYS[local.weekday()]
    start, end = _minute(shift.start), _minute(shift.end)
    if start < end:  # a day shift
        return today in shift.days and start <= minute < end
    if minute >= start:  # a night shift, before midnight: it started today
        return today in shift.days
    yesterday = WEEKDAYS[(local - timedelta(days=1)).weekday()]
    return minute < end and yesterday in shift.days  # after midnight: it started yesterday


def on_duty(operators: tuple[Operator, ...] | list[Operator], now: datetime) -> tuple[Operator, ...]:
    """The operators with a phone whose shift covers `now`, in roster order (the in-turn ringing order)."""
    return tuple(o for o in operators if o.phone and any(shift_covers(s, now) for s in o.shifts))
