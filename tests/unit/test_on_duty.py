"""Who is on duty: day shifts, night shifts past midnight (counted on the day they start), off days."""
from __future__ import annotations

from datetime import datetime

import pytest

from chalicelib.domain.clock import IST
from chalicelib.domain.on_duty import on_duty
from chalicelib.domain.roster import Operator, Shift

DAY = Operator("sunita", "Sunita", "+919000000501", ("hi", "en"),
               (Shift(("mon", "tue", "wed", "thu", "fri", "sat"), "08:00", "20:00"),))
NIGHT = Operator("rakesh", "Rakesh", "+919000000502", ("hi",), (Shift(("mon", "tue", "wed"), "20:00", "08:00"),))
NO_PHONE = Operator("console.only", "Console", None, ("hi",), (Shift(("mon", "tue", "wed", "thu", "fri", "sat",
                                                                       "sun"), "00:00", "23:59"),))
ROSTER = (DAY, NIGHT, NO_PHONE)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """December 2026 in IST: the 7th is a Monday."""
    return datetime(2026, 12, day, hour, minute, tzinfo=IST)


def names(now: datetime) -> list[str]:
    return [o.username for o in on_duty(ROSTER, now)]


@pytest.mark.parametrize(("now", "expected"), [
    (at(7, 8, 0), ["sunita"]),  # Monday, the day shift starts
    (at(7, 19, 59), ["sunita"]),
    (at(7, 20, 0), ["rakesh"]),  # the day shift has ended, the night shift begun
    (at(7, 7, 59), []),  # Monday before 08:00: Sunday's night shift is not rostered
    (at(8, 2, 30), ["rakesh"]),  # Tuesday 02:30: Monday's night shift, past midnight
    (at(10, 7, 59), ["rakesh"]),  # Thursday 07:59: Wednesday's night shift still on
    (at(10, 20, 0), []),  # Thursday evening: not a night of the roster
    (at(11, 3, 0), []),  # Friday 03:00: Thursday night is not rostered
    (at(13, 12, 0), []),  # Sunday: the day shift's off day
    (at(12, 12, 0), ["sunita"]),  # Saturday
])
def test_on_duty_follows_the_shifts_in_ist(now, expected):
    assert names(now) == expected


def test_an_operator_without_a_phone_is_never_rung_and_utc_times_are_read_in_ist():
    utc_morning = datetime.fromisoformat("2026-12-08T03:00:00+00:00")  # Tuesday 08:30 IST
    assert [o.username for o in on_duty(ROSTER, utc_morning)] == ["sunita"]
    assert NO_PHONE not in on_duty(ROSTER, at(9, 12, 0))


def test_the_roster_order_is_the_ringing_order():
    both = (Operator("a", "A", "+919000000001", ("hi",), (Shift(("tue",), "09:00", "18:00"),)),
            Operator("b", "B", "+919000000002", ("hi",), (Shift(("tue",), "10:00", "12:00"),
                                                          Shift(("tue",), "14:00", "16:00"))))
    assert [o.username for o in on_duty(both, at(8, 11, 0))] == ["a", "b"]
    assert [o.username for o in on_duty(both, at(8, 13, 0))] == ["a"]
    assert [o.username for o in on_duty(both, at(8, 15, 0))] == ["a", "b"]
