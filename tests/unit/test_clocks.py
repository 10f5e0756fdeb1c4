"""A ticket's clocks by category and urgency (domain/clocks.py), through the registration and the lifecycle."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from chalicelib.district_file import read_district_file
from chalicelib.domain.clock import IST, FixedClock, parse_iso
from chalicelib.domain.clocks import NoClocksForUrgency
from chalicelib.domain.district import DistrictConfigError, parse_district
from chalicelib.domain.registration import ConsoleComplaint, build_console_registration
from chalicelib.i18n import available_languages
from tests.support.demo import DEMO

MONDAY_NOON = datetime(2026, 12, 7, 12, 0, tzinfo=IST)


@pytest.fixture(scope="module")
def district():
    return read_district_file(DEMO)


def _register(district, category: str, urgency: str | None = None, at: datetime = MONDAY_NOON):
    complaint = ConsoleComplaint(caller_phone="+919812345678", category_id=category, language="hi",
                                 description="भोजन नहीं है", operator="operator.rpr", urgency=urgency)
    return build_console_registration(complaint, district, 1, FixedClock(at))


def _hours(later: str, earlier: datetime) -> float:
    return (parse_iso(later) - earlier).total_seconds() / 3600


def test_a_food_emergency_runs_on_hours_and_its_level_never_past_the_ticket(district):
    registration = _register(district, "food", "emergency")
    ticket = registration.ticket
    assert (ticket.urgency, _hours(ticket.sla_due_at, MONDAY_NOON), _hours(ticket.level_due_at, MONDAY_NOON)) == (
        "emergency", 2.0, 1.0)
    assert registration.event.data["urgency"] == "emergency"
    assert registration.timeline.detail["urgency"] == "emergency"
    # The emergency gauge moves with the open ones, kept on write for the dashboard.
    gauges = next(c for c in registration.counters if c.period == "OPEN")
    assert gauges.figures == {"open_L1_food": 1, "emergency_open": 1}


def test_a_normal_ticket_keeps_the_days_and_its_level_is_clamped_to_its_sla(district):
    food = _register(district, "food").ticket  # 120 h; the district's L1 is 72 h
    assert (food.urgency, _hours(food.sla_due_at, MONDAY_NOON), _hours(food.level_due_at, MONDAY_NOON)) == (
        "normal", 120.0, 72.0)
    electricity = _register(district, "electricity").ticket  # 48 h: L1's 72 h would end after it
    assert _hours(electricity.level_due_at, MONDAY_NOON) == _hours(electricity.sla_due_at, MONDAY_NOON) == 48.0


def test_an_urgency_the_category_has_no_clocks_for_is_refused_by_name(district):
    with pytest.raises(NoClocksForUrgency) as refused:
        _register(district, "water", "emergency")
    assert (refused.value.category, refused.value.urgency, refused.value.offered) == ("water", "emergency",
                                                                                      ("normal",))


def test_escalation_gives_the_next_level_its_own_hours_within_the_ticket(district):
    from chalicelib.domain.lifecycle import Lifecycle

    ticket = _register(district, "health", "emergency").ticket  # 4 h; L1 2 h, L2 1 h, L3 1 h
    after_l1 = MONDAY_NOON + timedelta(hours=2, minutes=1)
    change = Lifecycle(district, after_l1).tick(ticket)
    assert change is not None and change.after.level == "L2"
    assert _hours(change.after.level_due_at, after_l1) == 1.0
    past_sla = MONDAY_NOON + timedelta(hours=4, minutes=1)
    change = Lifecycle(district, past_sla).tick(change.after)
    assert change is not None and change.after.level == "L3"
    # Once the ticket is overdue, the level still gets its own hour to act, rather than none.
    assert _hours(change.after.level_due_at, past_sla) == 1.0


def _with_food(**food) -> dict:
    from chalicelib.district_file import read_yaml

    data = read_yaml(DEMO)
    data["categories"][1] = {**data["categories"][1], **food}
    return data


@pytest.mark.parametrize(("food", "says"), [
    ({"urgency": "emergency", "urgencies": None}, "categories[1].urgency: emergency needs its clocks"),
    ({"urgency": "soon"}, "categories[1].urgency: 'soon' is not an urgency"),
    ({"urgencies": {"critical": {"sla_hours": 1}}}, "categories[1].urgencies: 'critical' is not an urgency"),
    ({"urgencies": {"emergency": {"level_hours": {"L1": 1}}}}, "categories[1].urgencies.emergency: the hours"),
    ({"urgencies": {"emergency": {"sla_hours": 2, "level_hours": {"L9": 1}}}}, "unknown level L9"),
    ({"level_hours": {"L1": -1}}, "categories[1].level_hours.L1: hours, a positive number"),
])
def test_a_wrong_clock_in_the_district_file_is_named_with_its_place(food, says):
    with pytest.raises(DistrictConfigError, match=says.replace("[", r"\[").replace("]", r"\]")):
        parse_district(_with_food(**food), available_languages())


def test_a_category_whose_own_urgency_is_emergency_registers_as_one():
    district = parse_district(_with_food(urgency="emergency"), available_languages())
    assert _register(district, "food").ticket.urgency == "emergency"
