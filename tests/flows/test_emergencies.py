"""Emergencies in hours (issue 14, point 1): an operator marks a food complaint an emergency; the officer's forward
names a deadline an hour away, their phone rings with the complaint until they press 1 (else the level above is
rung), the reminder and the escalation come within the hour, and the Collector's dashboard counts it first. Through
the console API (signed tokens), the notifier's SMS, the carriers' calls and the sweeper on the clock."""
from __future__ import annotations

import pytest

from chalicelib.domain.clock import parse_iso
from chalicelib.domain.notices import officer_due
from chalicelib.store.models import TicketModel
from tests.support.fixtures import CALLER, CARRIERS, scan_all
from tests.support.responses import ok, refused

FOOD_L1, FOOD_L2 = "+919000000201", "+919000000202"  # examples/raipur.yaml: the food department's officers
HUNGRY = {"caller_phone": CALLER, "category": "food", "description": "घर में तीन दिन से खाना नहीं है, तीन बच्चे हैं",
          "address": "वार्ड 12, खरोरा"}


def _hours(later: str, earlier: str) -> float:
    return (parse_iso(later) - parse_iso(earlier)).total_seconds() / 3600


def test_a_food_emergency_is_forwarded_reminded_and_escalated_within_its_hours(api, hotline):
    ticket = ok(api.post("operator.rpr", "/api/tickets", {**HUNGRY, "urgency": "emergency"}), 201)
    number = ticket["complaint_number"]
    assert ticket["urgency"] == "emergency"
    assert (_hours(ticket["sla_due_at"], ticket["created_at"]),
            _hours(ticket["level_due_at"], ticket["created_at"])) == (2.0, 1.0)
    hotline.deliver()
    [forward] = hotline.sms_bodies(FOOD_L1)
    assert f"{officer_due(ticket['level_due_at'])} तक" in forward, forward  # an hour away, not three days

    hotline.advance(minutes=1)  # the sweeper's next minute: the officer's phone rings; they press 1
    ring = hotline.answer_call("1", to=FOOD_L1)
    assert ring.said[-1].startswith("धन्यवाद। शिकायत आपके नाम स्वीकार हो गई।"), ring.said
    assert TicketModel.get(number).status == "acknowledged"

    hotline.advance(minutes=30)  # half the level's hour: the reminder (reminders_at_percent: [50, 90])
    reminders = [sms for sms in hotline.sms_bodies(FOOD_L1) if sms.startswith("स्मरण")]
    assert len(reminders) == 1, hotline.sms_bodies(FOOD_L1)
    assert TicketModel.get(number).level == "L1"

    hotline.advance(minutes=30)  # the hour is up: on to L2, with its own hour inside the ticket's two
    moved = TicketModel.get(number)
    assert moved.level == "L2"
    assert _hours(moved.level_due_at, ticket["created_at"]) <= 2.0
    assert any(number in sms for sms in hotline.sms_bodies(FOOD_L2))

    dashboard = ok(api.get("collector.rpr", "/api/dashboard"))
    assert (dashboard["open_emergencies"], dashboard["open_urgent"]) == (1, 0)
    overdue_or_recent = ok(api.get("collector.rpr", "/api/tickets?view=recent"))
    assert [(t["complaint_number"], t["urgency"]) for t in overdue_or_recent["items"]] == [(number, "emergency")]


@pytest.mark.parametrize("demo_carrier", CARRIERS, indirect=True)
def test_the_officers_phone_rings_with_the_emergency_and_1_acknowledges_it(api, hotline):
    number = ok(api.post("operator.rpr", "/api/tickets", {**HUNGRY, "urgency": "emergency"}), 201)["complaint_number"]
    hotline.deliver()
    assert hotline.outbound.calls(to=FOOD_L1) == []  # the sweeper rings, within its minute
    hotline.advance(minutes=1)
    [placed] = hotline.outbound.calls(to=FOOD_L1)
    assert f"/voice/ring/{number}/L1/0" in placed.answer_url
    ring = hotline.answer_call("-|1", to=FOOD_L1)  # the first time they press nothing: asked again
    heard = " ".join(ring.said)
    assert "आपात शिकायत: खाद्य और राशन" in heard and "घर में तीन दिन से खाना नहीं है" in heard
    assert "पता: वार्ड 12, खरोरा" in heard and "हमें आपका जवाब नहीं मिला।" in heard
    assert all(status == 200 for _, status in ring.requests), ring.requests
    ticket = ok(api.get("collector.rpr", f"/api/tickets/{number}"))
    assert ticket["status"] == "acknowledged"
    [ack] = [e for e in ticket["timeline"] if e["action"] == "acknowledged"]
    assert (ack["actor_type"], ack["actor_id"], ack["channel"]) == ("officer", FOOD_L1, "ivr")
    hotline.advance(minutes=12)  # acknowledged: no second ring
    assert len(hotline.outbound.calls(to=FOOD_L1)) == 1


def test_rings_nobody_answers_take_the_emergency_to_the_level_above_before_its_hour(api, hotline):
    number = ok(api.post("operator.rpr", "/api/tickets", {**HUNGRY, "urgency": "emergency"}), 201)["complaint_number"]
    hotline.deliver()
    for _ in range(3):  # emergency_rings: 3, emergency_ring_minutes: 10
        hotline.advance(minutes=1) if not hotline.outbound.calls(to=FOOD_L1) else hotline.advance(minutes=10)
        hotline.answer_call(None, to=FOOD_L1)
    assert len(hotline.outbound.calls(to=FOOD_L1)) == 3
    assert TicketModel.get(number).level == "L1"
    hotline.advance(minutes=10)  # 31 minutes in, the hour not up: L2 now, and L2's phone rings at once
    moved = TicketModel.get(number)
    assert (moved.level, moved.officer_rings) == ("L2", 1)
    [l2_ring] = hotline.outbound.calls(to=FOOD_L2)
    assert f"/voice/ring/{number}/L2/0" in l2_ring.answer_url
    actions = [e["action"] for e in ok(api.get("collector.rpr", f"/api/tickets/{number}"))["timeline"]]
    assert actions.count("officer_rung") == 4 and "officer_ring_no-answer" in actions
    [escalated] = [e for e in ok(api.get("collector.rpr", f"/api/tickets/{number}"))["timeline"]
                   if e["action"] == "escalated"]
    assert escalated["detail"]["reason"] == "rings_unanswered"
    # A late press of 1 on L1's old ring acknowledges nothing: the complaint is L2's now.
    late = hotline.answer_call("1", to=FOOD_L1)
    assert late.said[-1].startswith("यह शिकायत अब स्वीकार हो चुकी है या आपके पास नहीं है"), late.said
    assert TicketModel.get(number).status == "registered"


def test_a_normal_complaint_rings_nobody(api, hotline):
    ok(api.post("operator.rpr", "/api/tickets", HUNGRY), 201)
    hotline.advance(minutes=15)
    assert hotline.outbound.calls(to=FOOD_L1) == []


def test_a_normal_complaint_still_runs_on_days(api, hotline):
    ticket = ok(api.post("operator.rpr", "/api/tickets", HUNGRY), 201)
    assert ticket["urgency"] == "normal"
    assert (_hours(ticket["sla_due_at"], ticket["created_at"]),
            _hours(ticket["level_due_at"], ticket["created_at"])) == (120.0, 72.0)
    assert ok(api.get("collector.rpr", "/api/dashboard"))["open_emergencies"] == 0


def test_an_urgency_the_category_has_no_clocks_for_is_refused_in_the_users_language(api):
    answer = api.post("operator.rpr", "/api/tickets", {**HUNGRY, "category": "water", "urgency": "emergency"},
                      headers={"Accept-Language": "hi"})
    refused(answer, 422, "urgency_not_offered")
    assert answer.json["error"]["message"].startswith("इस ज़िले की फ़ाइल में श्रेणी water के लिए emergency की समय")
    assert ok(api.get("collector.rpr", "/api/dashboard"))["totals"]["today"]["registered"] == 0  # nothing written


def test_the_console_form_offers_the_categorys_urgencies(api):
    info = ok(api.get("operator.rpr", "/api/districts/RPR"))
    offered = {c["id"]: c["urgencies"] for c in info["categories"]}
    assert offered["food"] == ["emergency", "normal"] and offered["water"] == ["normal"]
    assert offered["health"] == ["emergency", "urgent", "normal"]


@pytest.mark.parametrize("demo_carrier", CARRIERS, indirect=True)
def test_a_caller_presses_9_for_an_emergency_and_picks_food(hotline, aws):
    log = hotline.phone("1|1|9|2|say:घर में खाना नहीं है, वार्ड बारह")
    # Offered first, before the categories; then the emergency's own short menu.
    menu = log.said.index("आपात स्थिति में, स्वास्थ्य, खाद्य और राशन के लिए, 9 दबाएँ।")
    assert log.said[menu + 1].startswith("अपनी शिकायत का विषय चुनें।")
    assert "आपात स्थिति किस बारे में है? स्वास्थ्य के लिए 1 दबाएँ। खाद्य और राशन के लिए 2 दबाएँ।" in log.said
    assert all(status == 200 for _, status in log.requests), log.requests
    [ticket] = [t for t in scan_all(aws["dynamodb"], "tickets") if t["caller_phone"]["S"] == CALLER]
    assert (ticket["category"]["S"], ticket["urgency"]["S"]) == ("food", "emergency")
    assert _hours(ticket["sla_due_at"]["S"], ticket["created_at"]["S"]) == 2.0


def test_the_categorys_own_key_stays_normal_and_a_forged_urgency_is_refused(hotline, aws, webhooks):
    hotline.phone("1|1|2|say:राशन कार्ड नहीं बना")  # 2 is food, as always: its normal clocks
    [ticket] = [t for t in scan_all(aws["dynamodb"], "tickets") if t["caller_phone"]["S"] == CALLER]
    assert ticket["urgency"]["S"] == "normal"
    # Water has no emergency clocks: a record URL claiming one is not ours.
    answer = webhooks.post("/voice/record/hi/water/1?urgency=emergency",
                           {"CallSid": "CA" + "7" * 32, "From": CALLER, "To": "+919977222564",
                            "RecordingSid": "RE" + "7" * 32, "RecordingUrl": "https://api.twilio.com/r",
                            "RecordingDuration": "9"})
    # The caller hears the technical-problem words (a carrier needs a 200 to play them); no ticket is written.
    assert answer.status_code == 200 and "तकनीकी" in answer.body.decode(), answer.body
    assert len([t for t in scan_all(aws["dynamodb"], "tickets") if t["caller_phone"]["S"] == CALLER]) == 1
