"""Point 9 of issue 16: a ticket never shows its level's deadline after its final (SLA) due while that is
still ahead. Rerouting to a category of the same department with a shorter SLA moved the SLA in and left the
level's deadline where the old category had put it."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from chalicelib.district_file import read_district_file
from chalicelib.domain.clock import FixedClock, parse_iso
from chalicelib.domain.district import Clocks
from chalicelib.domain.lifecycle import Actor, Lifecycle
from chalicelib.domain.registration import CallComplaint, build_call_registration
from tests.support.demo import DEMO

START = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)
OPERATOR = Actor("operator", "operator.rpr", "console")


def _district():
    """Raipur with a second water category, a tanker that must come within 24 hours (levels of 72)."""
    district = read_district_file(DEMO)
    water = district.category("water")
    tanker = replace(water, id="tanker", names={"hi": "टैंकर", "en": "tanker"}, sla_hours=24,
                     clocks={"normal": Clocks(24, {"L1": 72, "L2": 72, "L3": 72, "L4": 72})})
    return replace(district, categories=(*district.categories, tanker))


def _ticket(district, category="water"):
    complaint = CallComplaint("CA1", "+919812345678", "+919977222564", "hi", category, "RE1", "https://r/RE1", 20)
    return build_call_registration(complaint, district, 1, FixedClock(START)).ticket


def test_rerouting_to_a_shorter_sla_in_the_same_department_brings_the_levels_deadline_in():
    district = _district()
    ticket = _ticket(district)
    assert ticket.level_due_at == "2026-11-26T05:00:00Z"  # water: L1 has 72 hours, the SLA 72
    now = START + timedelta(hours=2)
    after = Lifecycle(district, now).reroute(ticket, OPERATOR, "tanker", "टैंकर चाहिए").after
    assert (after.department, after.level) == ("water", "L1")  # same department: the level keeps its officer
    assert after.sla_due_at == "2026-11-24T05:00:00Z"  # 24 hours from the call
    assert after.level_due_at == after.sla_due_at  # was 2026-11-26, two days after the final due


def test_no_transition_leaves_a_levels_deadline_after_an_sla_still_ahead():
    """Registration, escalation, transfer, reroute both ways, reopen: while the SLA is ahead, level ≤ SLA."""
    district = _district()
    ticket = _ticket(district, "tanker")
    officer = Actor("officer", "+919000000301", "console", (("water", "L1"),))
    steps = [
        (0, lambda lc, t: lc.reroute(t, OPERATOR, "water", "x")),
        (1, lambda lc, t: lc.reroute(t, OPERATOR, "tanker", "x")),
        (2, lambda lc, t: lc.escalate_by_hand(t, Actor("collector", "collector.rpr", "console"), "x")),
        (3, lambda lc, t: lc.transfer(t, OPERATOR, "health", "x")),
        (4, lambda lc, t: lc.transfer(t, OPERATOR, "water", "x")),
        (5, lambda lc, t: lc.acknowledge(t, officer)),
        (6, lambda lc, t: lc.resolve(t, officer, "हो गया")),
        (7, lambda lc, t: lc.reopen(t, Actor("citizen", t.caller_phone, "sms"), "नहीं हुआ")),
    ]
    for hours, step in steps:
        now = START + timedelta(hours=hours)
        ticket = step(Lifecycle(district, now), ticket).after
        if ticket.is_open and parse_iso(ticket.sla_due_at) > now:
            assert ticket.level_due_at <= ticket.sla_due_at, (hours, ticket.level, ticket.level_due_at)
