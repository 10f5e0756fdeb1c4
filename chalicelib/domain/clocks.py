"""A ticket's clocks: the hours to resolve it (its SLA) and each level's hours, by its category and urgency.

A category's normal clocks are its `sla_hours` and its own `level_hours` (else the district's); an `urgent` or
`emergency` ticket runs on the category's clocks for that urgency ("food delivered within 1 to 2 hours"), counted in
calendar hours, never office hours: a hungry family does not wait for Monday. A level's due time never falls after
the overall due time while that is still ahead, so the officer's forward never names a deadline past the ticket's
(an approved extension is the one exception: it moves the level's deadline on purpose, and tells the citizen).
Reminders and escalations follow from these times (domain/schedule.py), so they come on the hour scale by
themselves; the sweeper looks every minute.
"""
from __future__ import annotations

from datetime import datetime

from chalicelib.domain.district import COMPLAINT, NORMAL, SUGGESTION, Category, Clocks, District, OfficeHours
from chalicelib.domain.working_time import add_hours

DEFAULT_LEVEL_HOURS = 72.0  # a level the district gives no hours to: three days, as before clocks had urgency


class NoClocksForUrgency(Exception):
    """The category has no clocks for that urgency: the district file must give them before it is offered."""

    def __init__(self, category: str, urgency: str, offered: tuple[str, ...]) -> None:
        super().__init__(f"category {category} has no {urgency} clocks (it offers {', '.join(offered)})")
        self.category, self.urgency, self.offered = category, urgency, offered


def clocks_for(district: District, category: Category, urgency: str, kind: str = COMPLAINT) -> Clocks:
    """A suggestion has one clock, the district's `suggestion_hours` at L1 (it never climbs the ladder), and is
    never urgent."""
    if kind == SUGGESTION:
        if urgency != NORMAL:
            raise NoClocksForUrgency(category.id, urgency, (NORMAL,))
        hours = float(district.follow_up.suggestion_hours)
        return Clocks(hours, {"L1": hours})
    found = category.clocks.get(urgency)
    if found is None:
        raise NoClocksForUrgency(category.id, urgency, tuple(category.clocks))
    if urgency == NORMAL and not found.level_hours:
        return Clocks(found.sla_hours, {level: float(h) for level, h in district.level_hours.items()})
    return found


def counted_hours(district: District, urgency: str) -> OfficeHours | None:
    """Only a normal ticket's clocks may count office hours (the district's follow_up.office_hours_only)."""
    return district.counted_hours if urgency == NORMAL else None


def level_hours(district: District, category: Category, urgency: str, level: str, kind: str = COMPLAINT) -> float:
    clocks = clocks_for(district, category, urgency, kind)
    return clocks.level_hours.get(level, min(clocks.sla_hours, DEFAULT_LEVEL_HOURS))


def sla_due(district: District, category: Category, urgency: str, created: datetime,
            kind: str = COMPLAINT) -> datetime:
    return add_hours(created, clocks_for(district, category, urgency, kind).sla_hours,
                     counted_hours(district, urgency))


def sla_risk(district: District, category: Category, urgency: str, created: datetime,
             kind: str = COMPLAINT) -> datetime:
    """80 % of the SLA gone: from here on the ticket is on the Collector's at-risk list."""
    return add_hours(created, clocks_for(district, category, urgency, kind).sla_hours * 0.8,
                     counted_hours(district, urgency))


def level_due(district: District, category: Category, urgency: str, level: str, now: datetime,
              overall_due: datetime, kind: str = COMPLAINT) -> datetime:
    """The level's deadline from `now`: its hours, but never after the overall due time while that is ahead
    (once the ticket is overdue, each level still gets its own hours to act)."""
    due = add_hours(now, level_hours(district, category, urgency, level, kind), counted_hours(district, urgency))
    return min(due, overall_due) if overall_due > now else due
