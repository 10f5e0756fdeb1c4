"""The approvers' queue and the dashboard's action figures, through the console's API against moto: what waits
for an L2's and the Collector's decision (the sparse by_approval index), and on-time said of the closed and of
the open tickets, from counters kept on write."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib.store.models import TicketModel
from tests.support.fixtures import CALLER
from tests.support.responses import ok, refused

CALLERS = ("+919811100001", "+919811100002", "+919811100003", "+919811100004")


def register(api: Any, caller: str = CALLER, category: str = "water") -> str:
    body = {"caller_phone": caller, "category": category, "description": "गाँव खरोरा में हैंडपंप खराब है"}
    response = api.post("operator.rpr", "/api/tickets", body)
    assert response.status_code == 201, response.body
    return response.json["complaint_number"]


def approvals(api: Any, user: str, query: str = "") -> dict[str, Any]:
    return ok(api.get(user, f"/api/tickets?view=approvals{query}"))


def numbers(page: dict[str, Any]) -> list[str]:
    return [item["complaint_number"] for item in page["items"]]


def dashboard(api: Any) -> dict[str, Any]:
    return ok(api.get("collector.rpr", "/api/dashboard"))


def test_a_request_for_more_time_waits_in_the_l2s_and_the_collectors_queue_until_decided(api, hotline):
    asked, other, health = register(api), register(api, CALLERS[0]), register(api, CALLERS[1], "health")
    assert numbers(approvals(api, "officer.water.l2")) == [] and dashboard(api)["waiting_decision"] == 0

    hotline.clock.advance(timedelta(minutes=1))
    ok(api.post("officer.water.l1", f"/api/tickets/{asked}/more-time", {"days": 3, "reason": "पाइप मँगाना है"}))
    ok(api.post("officer.health.l1", f"/api/tickets/{health}/more-time", {"days": 2, "reason": "डॉक्टर छुट्टी पर"}))

    # The index holds the waiting tickets only, under the approver's post; the other ticket carries no key.
    stored = TicketModel.get(asked, consistent_read=True)
    assert stored.approval_district == "RPR" and stored.approval_key.startswith("water#L2#")
    assert TicketModel.get(other, consistent_read=True).approval_key is None

    page = approvals(api, "officer.water.l2")
    assert numbers(page) == [asked]  # the health request is not water's L2's to decide
    pending = page["items"][0]["pending"]
    assert (pending["kind"], pending["days"], pending["reason"], pending["by"], pending["level"]) == (
        "extension", 3, "पाइप मँगाना है", "officer.water.l1", "L1")
    assert numbers(approvals(api, "officer.water.l1")) == []  # L1 asked; nothing waits for L1's decision
    assert sorted(numbers(approvals(api, "collector.rpr"))) == sorted([asked, health])  # the whole district
    assert "कलेक्टर" in refused(api.get("operator.rpr", "/api/tickets?view=approvals"), 403, "approvals_not_operators")
    assert dashboard(api)["waiting_decision"] == 2

    # A page at a time: one item per page, the cursor goes on to the other.
    first = approvals(api, "collector.rpr", "&limit=1")
    assert len(first["items"]) == 1 and first["next_cursor"]
    second = approvals(api, "collector.rpr", f"&limit=1&cursor={first['next_cursor']}")
    assert sorted(numbers(first) + numbers(second)) == sorted([asked, health])

    seen = ok(api.get("officer.water.l2", f"/api/tickets/{asked}"))
    assert "decide" in seen["allowed_actions"]
    due_before = seen["level_due_at"]
    decided = ok(api.post("officer.water.l2", f"/api/tickets/{asked}/decide", {"approve": True, "note": "ठीक"}))
    assert decided["pending"] is None and decided["level_due_at"] > due_before
    assert decided["timeline"][-1]["action"] == "extension_approved"

    assert numbers(approvals(api, "officer.water.l2")) == []
    assert numbers(approvals(api, "collector.rpr")) == [health]
    assert TicketModel.get(asked, consistent_read=True).approval_key is None  # out of the index once decided
    assert dashboard(api)["waiting_decision"] == 1


def test_a_transfer_takes_a_waiting_request_out_of_the_queue(api, hotline):
    number = register(api)
    ok(api.post("officer.water.l1", f"/api/tickets/{number}/more-time", {"days": 5, "reason": "ठेकेदार"}))
    assert numbers(approvals(api, "officer.water.l2")) == [number]
    moved = ok(api.post("officer.water.l1", f"/api/tickets/{number}/transfer",
                        {"department": "health", "reason": "स्वास्थ्य का मामला"}))
    assert moved["department"] == "health" and moved["pending"] is None
    assert numbers(approvals(api, "officer.water.l2")) == numbers(approvals(api, "collector.rpr")) == []
    # The officer who sent it may no longer open it: the console goes back to their list with a notice.
    assert api.get("officer.water.l1", f"/api/tickets/{number}").status_code == 404


def test_on_time_is_said_of_the_closed_and_of_the_open_side_by_side(api, hotline):
    on_time, late, left_open = (register(api, caller) for caller in CALLERS[:3])  # water: 72 h
    electricity = register(api, CALLERS[3], "electricity")  # 48 h

    hotline.advance(hours=5)
    ok(api.post("officer.water.l1", f"/api/tickets/{on_time}/resolve", {"remark": "हैंडपंप ठीक"}))
    assert "धन्यवाद" in hotline.text(CALLERS[0], "1")  # satisfied: closed, within the SLA
    figures = dashboard(api)
    assert figures["on_time"]["closed"] == {"closed": 1, "in_sla": 1, "percent": 100.0}
    assert figures["on_time"]["open"] == {"open": 3, "overdue": 0, "percent": 0.0}

    hotline.advance(hours=35)  # 40 h: electricity past 80% of 48 h
    assert dashboard(api)["open_at_risk"] == 1

    hotline.advance(hours=20)  # 60 h: electricity overdue; the two open water tickets past 80% of 72 h
    figures = dashboard(api)
    assert (figures["open_at_risk"], figures["open_overdue"]) == (2, 1)

    hotline.advance(hours=13)  # 73 h: the water tickets are overdue too (and with L2 now)
    ok(api.post("officer.water.l2", f"/api/tickets/{late}/resolve", {"remark": "देर से ठीक"}))
    assert "धन्यवाद" in hotline.text(CALLERS[1], "1")  # satisfied, but the work was done late

    figures = dashboard(api)
    # "100% on time" no more beside overdue work: half the closed were late, and all that is open is overdue.
    assert figures["on_time"]["closed"] == {"closed": 2, "in_sla": 1, "percent": 50.0}
    assert figures["on_time"]["open"] == {"open": 2, "overdue": 2, "percent": 100.0}
    assert figures["open_at_risk"] == 0 and figures["open_total"] == 2
    assert sorted(numbers(ok(api.get("collector.rpr", "/api/tickets?view=overdue")))) == sorted(
        [left_open, electricity])
