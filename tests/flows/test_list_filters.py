"""Issue 16, points 1 and 2: every list filters and sorts from an index, its cursor keeps to its filters, rows
say what the complaint is, and operators and the Collector transfer or reroute many rows at once."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib.domain.clock import IST
from tests.support.fixtures import CALLER
from tests.support.responses import ok, refused

OTHER = "+919811111111"


def register(api: Any, **fields: Any) -> str:
    body = {"caller_phone": CALLER, "category": "water", "description": "हैंडपंप खराब है", **fields}
    response = api.post("operator.rpr", "/api/tickets", body)
    assert response.status_code == 201, response.body
    return response.json["complaint_number"]


def listed(api: Any, query: str, user: str = "collector.rpr") -> list[str]:
    return [item["complaint_number"] for item in ok(api.get(user, f"/api/tickets?{query}"))["items"]]


def every_page(api: Any, query: str, user: str = "collector.rpr") -> list[str]:
    found, cursor = [], None
    while True:
        page = ok(api.get(user, f"/api/tickets?{query}" + (f"&cursor={cursor}" if cursor else "")))
        found += [item["complaint_number"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            return found


def _district_of_tickets(api, clock):
    """Four complaints over three days: water, health (one an emergency), electricity."""
    numbers = {}
    numbers["water"] = register(api, address="वार्ड ७, खरोरा")
    clock.advance(timedelta(days=1))
    numbers["health_emergency"] = register(api, category="health", urgency="emergency",
                                           description="बच्चा बेहोश है, एम्बुलेंस नहीं आई")
    clock.advance(timedelta(minutes=5))
    numbers["health"] = register(api, category="health", caller_phone=OTHER, description="अस्पताल में डॉक्टर नहीं")
    clock.advance(timedelta(days=1))
    numbers["electricity"] = register(api, category="electricity", description="तीन दिन से बिजली नहीं")
    return numbers


def test_recent_filters_by_each_field_and_sorts_both_ways(api, clock):
    n = _district_of_tickets(api, clock)
    everything = listed(api, "view=recent&limit=25")
    assert everything == [n["electricity"], n["health"], n["health_emergency"], n["water"]]
    assert listed(api, "view=recent&sort=oldest") == everything[::-1]
    assert listed(api, "view=recent&department=health") == [n["health"], n["health_emergency"]]
    assert listed(api, "view=recent&category=water") == [n["water"]]
    assert listed(api, "view=recent&urgency=emergency") == [n["health_emergency"]]
    assert listed(api, "view=recent&urgency=normal&department=health") == [n["health"]]
    assert listed(api, "view=recent&kind=suggestion") == []  # Raipur takes complaints only
    assert listed(api, "view=recent&kind=complaint&department=health&sort=oldest") == [n["health_emergency"],
                                                                                       n["health"]]
    assert listed(api, "view=recent&status=registered&level=L1") == everything
    # The dashboard's link: open emergencies; a ticket acknowledged is still open.
    ok(api.post("officer.health.l1", f"/api/tickets/{n['health_emergency']}/acknowledge"))
    assert listed(api, "view=recent&status=open&urgency=emergency") == [n["health_emergency"]]
    assert listed(api, "view=recent&status=acknowledged") == [n["health_emergency"]]
    assert n["health_emergency"] not in listed(api, "view=recent&status=registered")
    # Days registered (IST): the middle day holds the two health complaints.
    middle = (clock.now() - timedelta(days=1)).astimezone(IST).date().isoformat()
    assert listed(api, f"view=recent&from={middle}&to={middle}") == [n["health"], n["health_emergency"]]
    assert listed(api, f"view=recent&to={middle}&urgency=normal") == [n["health"], n["water"]]
    # By the level's deadline: the emergency's hours are the nearest.
    assert listed(api, "view=recent&sort=due_nearest")[0] == n["health_emergency"]
    assert listed(api, "view=recent&sort=due_farthest")[-1] == n["health_emergency"]
    assert listed(api, "view=recent&sort=due_nearest&department=health&level=L1") == [n["health_emergency"],
                                                                                      n["health"]]


def test_queues_and_the_collectors_lists_filter_too(api, clock):
    n = _district_of_tickets(api, clock)
    health = "view=department&department=health"
    assert listed(api, health) == [n["health_emergency"], n["health"]]  # the nearest deadline first
    assert listed(api, f"{health}&sort=due_farthest") == [n["health"], n["health_emergency"]]
    assert listed(api, f"{health}&urgency=normal") == [n["health"]]
    assert listed(api, "view=inbox&urgency=emergency", "officer.health.l1") == [n["health_emergency"]]
    assert listed(api, "view=inbox&category=health&sort=due_farthest", "officer.health.l1") == [
        n["health"], n["health_emergency"]]
    assert listed(api, f"view=caller&phone=%2B{CALLER[1:]}&category=electricity", "operator.rpr") == [
        n["electricity"]]
    clock.advance(timedelta(days=5))  # past the SLA of every complaint
    overdue = listed(api, "view=overdue")
    assert {n["water"], n["health_emergency"], n["health"], n["electricity"]} <= set(overdue)
    assert listed(api, "view=overdue&department=health") == [n["health_emergency"], n["health"]]
    assert listed(api, "view=overdue&department=health&sort=due_farthest") == [n["health"], n["health_emergency"]]
    assert listed(api, "view=overdue&urgency=emergency") == [n["health_emergency"]]


def test_a_filtered_page_reads_no_more_than_its_size_and_its_cursor_keeps_to_its_filter(api, clock):
    made = [register(api, description=f"शिकायत {i}") for i in range(5)]
    made += [register(api, category="health", description=f"अस्पताल {i}") for i in range(3)]
    page = ok(api.get("collector.rpr", "/api/tickets?view=recent&department=water&limit=2"))
    assert len(page["items"]) == 2 and page["next_cursor"]
    assert every_page(api, "view=recent&department=water&limit=2") == made[:5][::-1]
    # A filter expression (kind=complaint has no index of its own): pages may be short, none lost.
    assert every_page(api, "view=recent&kind=complaint&category=health&limit=3") == made[5:][::-1]
    cursor = page["next_cursor"]
    for other in ("view=recent&department=health", "view=recent&department=water&sort=oldest",
                  "view=recent&department=water&urgency=normal", "view=recent"):
        refused(api.get("collector.rpr", f"/api/tickets?{other}&limit=2&cursor={cursor}"), 400, "bad_cursor")
    ok(api.get("collector.rpr", f"/api/tickets?view=recent&department=water&limit=2&cursor={cursor}"))


def test_a_filter_the_list_cannot_answer_is_a_400_in_the_users_words(api):
    register(api)
    english = {"Accept-Language": "en"}
    message = refused(api.get("collector.rpr", "/api/tickets?view=recent&department=roads", headers=english),
                      400, "filter_not_offered")
    assert "department=roads" in message and "water" in message
    refused(api.get("collector.rpr", "/api/tickets?view=recent&category=roads"), 400, "filter_not_offered")
    hindi = refused(api.get("collector.rpr", "/api/tickets?view=department&department=water&sort=newest"), 400,
                    "filter_not_offered")
    assert "sort=newest" in hindi and any("\u0900" <= ch <= "\u097f" for ch in hindi)
    refused(api.get("collector.rpr", "/api/tickets?view=overdue&status=closed"), 400, "filter_not_offered")
    refused(api.get("collector.rpr", "/api/tickets?view=recent&from=2026-12-05&to=2026-12-01"), 400,
            "filter_days_reversed")
    assert api.get("collector.rpr", "/api/tickets?view=recent&urgency=soon").status_code == 400
    assert api.get("collector.rpr", "/api/tickets?view=recent&sort=alphabetical").status_code == 400
    # Roles as before: an officer sees their inbox, never the district's recent list, filtered or not.
    assert api.get("officer.water.l1", "/api/tickets?view=recent&department=water").status_code == 403


def test_rows_say_what_where_and_since_when(api):
    long = "गाँव खरोरा के वार्ड सात में पिछले दस दिनों से हैंडपंप खराब है " * 6
    number = register(api, description=long, address="वार्ड ७, खरोरा")
    [row] = ok(api.get("operator.rpr", "/api/tickets?view=recent"))["items"]
    assert row["complaint_number"] == number and row["address"] == "वार्ड ७, खरोरा"
    assert len(row["excerpt"]) <= 140 and row["excerpt"].endswith("…")
    assert row["excerpt"].startswith("गाँव खरोरा के वार्ड सात")
    assert row["created_at"] and row["level_due_at"] <= row["sla_due_at"]
    # The caller's history (the operator's pop) says what the earlier complaints were about.
    [earlier] = ok(api.get("operator.rpr", f"/api/tickets?view=caller&phone=%2B{CALLER[1:]}"))["items"]
    assert earlier["excerpt"] == row["excerpt"]


def test_bulk_transfer_and_reroute_each_done_or_refused_on_its_own(api, clock):
    first, second, closed_one = (register(api, description=f"पानी {i}") for i in range(3))
    health = register(api, category="health", description="दवा नहीं")
    ok(api.post("officer.water.l1", f"/api/tickets/{closed_one}/resolve", {"remark": "ठीक किया"}))
    answer = ok(api.post("collector.rpr", "/api/tickets/bulk", {
        "action": "transfer", "numbers": [first, second, closed_one, "RPR0000000001"], "department": "electricity",
        "reason": "मोटर की बिजली"}, headers={"Accept-Language": "en"}))
    assert answer["done"] == [first, second]
    refusals = {r["number"]: r for r in answer["refused"]}
    assert set(refusals) == {closed_one, "RPR0000000001"}
    assert refusals[closed_one]["code"] == "not_open" and refusals[closed_one]["message"]
    assert refusals["RPR0000000001"]["code"] == "no_ticket"
    for number in (first, second):
        ticket = ok(api.get("collector.rpr", f"/api/tickets/{number}"))
        assert (ticket["department"], ticket["level"]) == ("electricity", "L1")
        assert [e["action"] for e in ticket["timeline"]][-1] == "transferred"
    resolved = ok(api.get("collector.rpr", f"/api/tickets/{closed_one}"))
    assert (resolved["department"], resolved["status"]) == ("water", "resolved")  # nothing written
    # Reroute (assign to a category): its department follows. An operator may; the same category is refused.
    answer = ok(api.post("operator.rpr", "/api/tickets/bulk", {
        "action": "reroute", "numbers": [first, health], "category": "health", "reason": "दवा की शिकायत"}))
    assert answer["done"] == [first]
    [same] = answer["refused"]
    assert same["number"] == health and same["code"] == "same_category"
    assert any("\u0900" <= ch <= "\u097f" for ch in same["message"])  # Hindi: the console's default
    assert ok(api.get("collector.rpr", f"/api/tickets/{first}"))["department"] == "health"
    # Officers do not bulk-act; more than 50 numbers, or no department, is refused whole.
    assert api.post("officer.water.l1", "/api/tickets/bulk", {
        "action": "transfer", "numbers": [second], "department": "water", "reason": "x"}).status_code == 403
    assert api.post("collector.rpr", "/api/tickets/bulk", {
        "action": "transfer", "numbers": [first] * 51, "department": "water", "reason": "x"}).status_code == 400
    refused(api.post("collector.rpr", "/api/tickets/bulk", {
        "action": "transfer", "numbers": [first], "reason": "x"}), 400, "bulk_needs")
