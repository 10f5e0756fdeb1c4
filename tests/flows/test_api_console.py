"""The console's API at work, through chalice's test client: what operators, officers and the Collector
do with it, and what they get back."""
from __future__ import annotations

import base64
import copy
import csv
import io
from datetime import timedelta
from typing import Any

import pytest

from chalicelib.store.models import CallModel, TicketModel
from chalicelib.store.tickets import DynamoTicketStore
from tests.support.fixtures import CALLER
from tests.support.responses import ok, refused

WATER_L1 = "+919000000301"
ELECTRICITY_L1 = "+919000000401"
OTHER_CALLER = "+919811111111"


def register(api: Any, user: str = "operator.rpr", **fields: Any) -> dict[str, Any]:
    body = {"caller_phone": CALLER, "category": "water", "description": "गाँव खरोरा में हैंडपंप खराब है", **fields}
    response = api.post(user, "/api/tickets", body)
    assert response.status_code == 201, response.body
    return response.json


def numbers(page: dict[str, Any]) -> list[str]:
    return [item["complaint_number"] for item in page["items"]]


# -- JSON and Devanagari ----------------------------------------------------------------------------------

def test_devanagari_comes_back_as_written_not_escaped(api):
    ticket = register(api, caller_name="रामू साहू", address="वार्ड ७, खरोरा")
    for response in (api.get("operator.rpr", f"/api/tickets/{ticket['complaint_number']}"),
                     api.get("operator.rpr", "/api/districts/RPR"),
                     api.get("collector.rpr", "/api/dashboard")):
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "application/json; charset=utf-8"
        assert b"\\u" not in response.body, response.body[:200]  # no \u0930-style escapes
    body = api.get("operator.rpr", f"/api/tickets/{ticket['complaint_number']}").body
    assert "गाँव खरोरा में हैंडपंप खराब है".encode() in body and "रामू साहू".encode() in body
    assert "लोक स्वास्थ्य यांत्रिकी विभाग".encode() in api.get("collector.rpr", "/api/dashboard").body
    # Refusals speak the console's language (Hindi unless it asks for English), unescaped too.
    number = ticket["complaint_number"]
    ok(api.post("officer.water.l1", f"/api/tickets/{number}/acknowledge"))
    hindi = api.post("officer.water.l1", f"/api/tickets/{number}/acknowledge")
    message = refused(hindi, 409, "already_acknowledged")
    assert any("\u0900" <= ch <= "\u097f" for ch in message) and message.encode() in hindi.body
    english = api.post("officer.water.l1", f"/api/tickets/{number}/acknowledge", headers={"Accept-Language": "en"})
    assert refused(english, 409, "already_acknowledged") == f"{number} is acknowledged already."


# -- an operator registers a complaint for a caller -------------------------------------------------------

def test_an_operator_registers_a_complaint_without_a_call(api, hotline):
    ticket = register(api, caller_name="रामू", language="en", address="Ward 7, Kharora")
    assert (ticket["channel"], ticket["status"], ticket["level"], ticket["department"]) == (
        "console", "registered", "L1", "water")
    assert ticket["call_sid"] is None and ticket["has_recording"] is False and ticket["version"] == 1
    assert ticket["complaint_number"].startswith("RPR") and len(ticket["complaint_number"]) == 13
    assert ticket["allowed_actions"] == ["note", "reroute"]
    [entry] = ticket["timeline"]
    assert (entry["action"], entry["actor_type"], entry["actor_id"], entry["channel"]) == (
        "registered", "operator", "operator.rpr", "console")
    hotline.deliver()
    [forward] = hotline.sms_bodies(WATER_L1)
    assert ticket["complaint_number"] in forward
    [citizen] = hotline.sms_bodies(CALLER)
    assert ticket["complaint_number"] in citizen and citizen.isascii()  # English, as the caller asked


def test_a_call_gets_one_ticket_and_its_log_links_to_it(api, hotline):
    call = hotline.phone("hangup")  # the caller hung up on the IVR and rang the operator's desk instead
    assert CallModel.get(call.call_sid).outcome == "abandoned"
    first = register(api, call_sid=call.call_sid)
    assert first["call_sid"] == call.call_sid
    logged = CallModel.get(call.call_sid, consistent_read=True)
    assert (logged.complaint_number, logged.outcome, logged.from_phone) == (
        first["complaint_number"], "ticket", CALLER)
    assert logged.to_phone == "+919977222564"  # what the call logged stays

    again = api.post("operator.rpr", "/api/tickets", {"caller_phone": CALLER, "category": "health",
                                                      "description": "दोबारा", "call_sid": call.call_sid})
    assert first["complaint_number"] in refused(again, 409, "call_has_ticket")
    assert numbers(ok(api.get("operator.rpr", f"/api/tickets?view=caller&phone=%2B{CALLER[1:]}"))) == [
        first["complaint_number"]]

    by_phone = hotline.complaint("3")  # the IVR made a ticket from this call: the operator gets its number
    ivr_sid = TicketModel.get(by_phone).call_sid
    twice = api.post("operator.rpr", "/api/tickets", {"caller_phone": CALLER, "category": "water",
                                                      "description": "वही शिकायत", "call_sid": ivr_sid})
    assert by_phone in refused(twice, 409, "call_has_ticket")

    fresh_sid = "CA" + "5" * 32  # a call the operator took on the desk phone, never logged by the IVR
    second = register(api, call_sid=fresh_sid, caller_phone=OTHER_CALLER)
    assert CallModel.get(fresh_sid, consistent_read=True).complaint_number == second["complaint_number"]


def test_another_districts_call_cannot_join_a_ticket(api, hotline):
    import yaml

    from chalicelib.domain.district import parse_district
    from chalicelib.i18n import available_languages
    from chalicelib.store.district_loader import load_district
    from tests.support.fixtures import DEMO

    other = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    other.update(code="BSP", name={"hi": "बिलासपुर", "en": "Bilaspur"})
    other["hotlines"] = [{**other["hotlines"][0], "lines": ["+917752000001"]}]
    load_district(parse_district(other, available_languages()))
    call = hotline.phone("hangup")  # a Raipur call
    taken = api.post("operator.bsp", "/api/tickets", {"caller_phone": CALLER, "category": "water",
                                                      "description": "हैंडपंप खराब", "call_sid": call.call_sid})
    refused(taken, 404, "no_call_in_district")
    logged = CallModel.get(call.call_sid, consistent_read=True)
    assert (logged.district, logged.complaint_number) == ("RPR", None)
    assert register(api, call_sid=call.call_sid)["call_sid"] == call.call_sid  # Raipur's operator still can


def test_the_callers_previous_tickets_pop_up_newest_first(api, hotline):
    older = hotline.complaint("3")  # by phone, through the IVR
    hotline.clock.advance(timedelta(minutes=5))
    newer = register(api, category="electricity")["complaint_number"]
    hotline.clock.advance(timedelta(minutes=5))
    register(api, caller_phone=OTHER_CALLER)
    page = ok(api.get("operator.rpr", f"/api/tickets?view=caller&phone=%2B{CALLER[1:]}"))
    assert numbers(page) == [newer, older] and page["next_cursor"] is None
    assert [i["channel"] for i in page["items"]] == ["console", "ivr"]
    nobody = ok(api.get("operator.rpr", "/api/tickets?view=caller&phone=%2B919800000000"))
    assert (nobody["items"], nobody["next_cursor"]) == ([], None) and nobody["now"]
    assert api.get("operator.rpr", "/api/tickets?view=caller").status_code == 400  # phone is needed
    refused(api.get("officer.water.l1", f"/api/tickets?view=caller&phone=%2B{CALLER[1:]}"), 403, "officers_see_inbox")


def test_search_by_complaint_number(api):
    number = register(api)["complaint_number"]
    assert numbers(ok(api.get("operator.rpr", f"/api/tickets?view=number&number={number}"))) == [number]
    assert numbers(ok(api.get("officer.water.l1", f"/api/tickets?view=number&number={number}"))) == [number]
    assert numbers(ok(api.get("officer.health.l1", f"/api/tickets?view=number&number={number}"))) == []
    assert numbers(ok(api.get("operator.rpr", "/api/tickets?view=number&number=RPR2001010001"))) == []
    assert api.get("operator.rpr", "/api/tickets?view=number&number=rpr-1").status_code == 400
    refused(api.get("officer.health.l1", f"/api/tickets/{number}"), 404, "no_ticket")


def test_notes_go_on_the_timeline(api):
    number = register(api)["complaint_number"]
    after = ok(api.post("operator.rpr", f"/api/tickets/{number}/notes", {"text": "नागरिक ने फिर फ़ोन किया"}))
    assert after["version"] == 2 and after["status"] == "registered"
    note = after["timeline"][-1]
    assert (note["action"], note["actor_id"], note["channel"], note["detail"]) == (
        "note", "operator.rpr", "console", {"text": "नागरिक ने फिर फ़ोन किया"})
    ok(api.post("officer.water.l1", f"/api/tickets/{number}/notes", {"text": "कल जाऊँगा"}))
    timeline = ok(api.get("collector.rpr", f"/api/tickets/{number}"))["timeline"]
    assert [(e["action"], e["actor_id"]) for e in timeline] == [
        ("registered", "operator.rpr"), ("note", "operator.rpr"), ("note", "officer.water.l1")]
    refused(api.post("operator.rpr", f"/api/tickets/{number}/notes", {"text": "   "}), 422, "remark_needed")
    assert api.post("operator.rpr", f"/api/tickets/{number}/notes", {"text": ""}).status_code == 400
    assert api.post("operator.rpr", f"/api/tickets/{number}/notes", {"text": "x", "extra": 1}).status_code == 400


def test_a_reroute_sends_the_ticket_to_the_new_departments_l1(api, hotline):
    ticket = register(api)
    number = ticket["complaint_number"]
    hotline.deliver()
    assert len(hotline.sms_bodies(WATER_L1)) == 1
    after = ok(api.post("operator.rpr", f"/api/tickets/{number}/reroute",
                        {"category": "electricity", "reason": "मोटर की बिजली की समस्या"}))
    assert (after["category"], after["department"], after["level"], after["status"]) == (
        "electricity", "electricity", "L1", "registered")
    assert after["sla_due_at"] < ticket["sla_due_at"]  # electricity's 48 hours, still from the call
    assert after["timeline"][-1]["detail"] == {"from_category": "water", "to_category": "electricity",
                                               "reason": "मोटर की बिजली की समस्या"}
    hotline.deliver()
    [forward] = hotline.sms_bodies(ELECTRICITY_L1)  # the event went out: the new L1 has it
    assert number in forward
    assert len(hotline.sms_bodies(WATER_L1)) == 1
    refused(api.get("officer.water.l1", f"/api/tickets/{number}"), 404, "no_ticket")
    refused(api.post("operator.rpr", f"/api/tickets/{number}/reroute", {"category": "electricity", "reason": "x"}),
            409, "same_category")
    refused(api.post("operator.rpr", f"/api/tickets/{number}/reroute", {"category": "roads", "reason": "x"}),
            422, "unknown_category")
    refused(api.post("officer.water.l1", f"/api/tickets/{number}/reroute", {"category": "water", "reason": "x"}),
            403, "role_not_allowed")


# -- officers -----------------------------------------------------------------------------------------------

def test_the_officers_inbox_is_sorted_by_due_time(api, hotline):
    first = register(api)["complaint_number"]
    hotline.clock.advance(timedelta(hours=1))
    second = register(api, caller_phone=OTHER_CALLER)["complaint_number"]
    hotline.clock.advance(timedelta(hours=1))
    register(api, category="electricity")
    # The first one gets five more days: now the second is due first.
    ok(api.post("officer.water.l1", f"/api/tickets/{first}/more-time", {"days": 5, "reason": "पाइप आना है"}))
    ok(api.post("officer.water.l2", f"/api/tickets/{first}/decide", {"approve": True}))
    inbox = ok(api.get("officer.water.l1", "/api/tickets?view=inbox"))
    assert numbers(inbox) == [second, first]
    dues = [item["level_due_at"] for item in inbox["items"]]
    assert dues == sorted(dues)
    assert numbers(ok(api.get("officer.water.l2", "/api/tickets?view=inbox"))) == []
    department = ok(api.get("collector.rpr", "/api/tickets?view=department&department=water"))
    assert numbers(department) == [second, first]
    refused(api.get("collector.rpr", "/api/tickets?view=inbox"), 400, "officers_only")
    refused(api.get("officer.water.l1", "/api/tickets?view=department&department=health"), 403, "other_department")


def test_an_officer_acts_through_the_api(api, hotline):
    number = register(api)["complaint_number"]
    path = f"/api/tickets/{number}"
    assert ok(api.get("officer.water.l1", path))["allowed_actions"] == [
        "note", "acknowledge", "resolve", "transfer", "more_time"]
    acknowledged = ok(api.post("officer.water.l1", f"{path}/acknowledge"))
    assert (acknowledged["status"], acknowledged["version"]) == ("acknowledged", 2)
    assert "acknowledge" not in acknowledged["allowed_actions"]
    refused(api.post("officer.water.l1", f"{path}/acknowledge"), 409, "already_acknowledged")

    asked = ok(api.post("officer.water.l1", f"{path}/more-time", {"days": 3, "reason": "पाइप"}))
    assert asked["pending"]["kind"] == "extension" and asked["pending"]["days"] == 3
    assert "more_time" not in asked["allowed_actions"]
    refused(api.post("officer.water.l1", f"{path}/more-time", {"days": 2, "reason": "x"}), 409, "pending_exists")
    refused(api.post("officer.water.l1", f"{path}/decide", {"approve": True}), 409, "own_request")
    assert "decide" in ok(api.get("officer.water.l2", path))["allowed_actions"]
    rejected = ok(api.post("officer.water.l2", f"{path}/decide", {"approve": False, "note": "जल्दी करें"}))
    assert rejected["pending"] is None and rejected["timeline"][-1]["action"] == "extension_rejected"
    refused(api.post("officer.water.l2", f"{path}/decide", {"approve": True}), 409, "nothing_to_decide")
    refused(api.post("officer.water.l1", f"{path}/more-time", {"days": 3.5, "reason": "x"}), 400, "field_type")
    assert ok(api.post("officer.water.l1", f"{path}/more-time", {"days": 2.0, "reason": "x"}))["pending"]["days"] == 2
    ok(api.post("officer.water.l2", f"{path}/decide", {"approve": True}))

    moved = ok(api.post("officer.water.l1", f"{path}/transfer", {"department": "electricity", "reason": "बिजली"}))
    assert (moved["department"], moved["level"], moved["status"]) == ("electricity", "L1", "registered")
    refused(api.get("officer.water.l1", path), 404, "no_ticket")
    refused(api.post("officer.water.l1", f"{path}/resolve", {"remark": "x"}), 404, "no_ticket")

    other = register(api, caller_phone=OTHER_CALLER)["complaint_number"]
    refused(api.post("officer.water.l1", f"/api/tickets/{other}/transfer", {"department": "water", "reason": "x"}),
            409, "same_department")
    refused(api.post("officer.water.l1", f"/api/tickets/{other}/transfer", {"department": "roads", "reason": "x"}),
            422, "unknown_department")
    resolved = ok(api.post("officer.water.l1", f"/api/tickets/{other}/resolve", {"remark": "नया हैंडपंप लगाया"}))
    assert (resolved["status"], resolved["resolution_remark"]) == ("resolved", "नया हैंडपंप लगाया")
    assert resolved["allowed_actions"] == ["note"]
    refused(api.post("officer.water.l1", f"/api/tickets/{other}/resolve", {"remark": "x"}), 409, "not_open")
    hotline.deliver()
    assert any("नया हैंडपंप लगाया" in body for body in hotline.sms_bodies(OTHER_CALLER))  # the citizen is told
    assert any(number in body for body in hotline.sms_bodies(ELECTRICITY_L1))


def _pending_for_l2(api: Any, number: str) -> None:
    ok(api.post("officer.water.l1", f"/api/tickets/{number}/more-time", {"days": 2, "reason": "x"}))


RACES = {
    "acknowledge": ("officer.water.l1", {}, None),
    "resolve": ("officer.water.l1", {"remark": "ठीक किया"}, None),
    "more-time": ("officer.water.l1", {"days": 2, "reason": "पाइप"}, None),
    "transfer": ("officer.water.l1", {"department": "health", "reason": "x"}, None),
    "decide": ("officer.water.l2", {"approve": True}, _pending_for_l2),
}


@pytest.mark.parametrize("action", sorted(RACES))
def test_two_changes_at_once_one_wins_the_other_gets_409(action, api, monkeypatch):
    """The API reads the ticket, someone else writes it, the API's write (conditional on the version it
    read) fails: 409, nothing of the loser's written; sent again, it applies to the new version."""
    user, body, prepare = RACES[action]
    number = register(api)["complaint_number"]
    if prepare:
        prepare(api, number)
    version = ok(api.get("collector.rpr", f"/api/tickets/{number}"))["version"]
    original_get = DynamoTicketStore.get
    interleaved = []

    def get_then_someone_else_writes(self: Any, complaint_number: str) -> Any:
        ticket = original_get(self, complaint_number)
        if not interleaved:
            interleaved.append(complaint_number)
            ok(api.post("collector.rpr", f"/api/tickets/{number}/notes", {"text": "मैं देख रहा हूँ"}))
        return ticket

    monkeypatch.setattr(DynamoTicketStore, "get", get_then_someone_else_writes)
    message = refused(api.post(user, f"/api/tickets/{number}/{action}", body), 409, "stale")
    assert "किसी और ने यह शिकायत बदली" in message  # in the console's language, Hindi by default
    monkeypatch.setattr(DynamoTicketStore, "get", original_get)
    now = ok(api.get("collector.rpr", f"/api/tickets/{number}"))
    assert now["version"] == version + 1 and now["timeline"][-1]["action"] == "note"  # only the winner's
    after = ok(api.post(user, f"/api/tickets/{number}/{action}", body))
    assert after["version"] == version + 2


# -- the recording -------------------------------------------------------------------------------------

def test_the_recording_comes_through_the_api_and_its_twilio_url_never_does(api, hotline, twilio_audio):
    answers: list[bytes] = []
    original_call = api.call

    def kept(*args: Any, **kwargs: Any) -> Any:
        response = original_call(*args, **kwargs)
        answers.append(response.body)
        return response

    api.call = kept
    number = hotline.complaint("3")
    url = TicketModel.get(number).recording_url
    assert url and url.startswith(twilio_audio.url)
    audio = ok(api.get("officer.water.l1", f"/api/tickets/{number}/recording"))
    assert base64.b64decode(audio["data"]).decode() == "पानी की समस्या, वार्ड सात"
    assert audio["content_type"].startswith("text/") and isinstance(audio["duration"], int)
    ticket = ok(api.get("officer.water.l1", f"/api/tickets/{number}"))
    assert ticket["has_recording"] is True
    for user in ("operator.rpr", "collector.rpr", "state.admin"):
        api.get(user, f"/api/tickets/{number}")
        api.get(user, f"/api/tickets?view=caller&phone=%2B{CALLER[1:]}&district=RPR")
    api.get("collector.rpr", "/api/tickets?view=recent")
    api.get("collector.rpr", "/api/tickets/export.csv?view=recent")
    api.post("officer.water.l1", f"/api/tickets/{number}/acknowledge")
    api.post("officer.water.l1", f"/api/tickets/{number}/notes", {"text": "सुना"})
    api.get("collector.rpr", f"/api/tickets/{number}/recording")
    assert len(answers) > 10
    for body in answers:
        assert url.encode() not in body and twilio_audio.url.encode() not in body
        assert b"api.twilio.com" not in body and b"recording_url" not in body

    refused(api.get("officer.health.l1", f"/api/tickets/{number}/recording"), 404, "no_ticket")
    written = register(api)["complaint_number"]
    assert "रिकॉर्डिंग नहीं है" in refused(api.get("operator.rpr", f"/api/tickets/{written}/recording"), 404,
                                         "no_recording")
    twilio_audio.stop()  # Twilio does not answer
    refused(api.get("officer.water.l1", f"/api/tickets/{number}/recording"), 502, "recording_unavailable")


# -- the dashboard ----------------------------------------------------------------------------------------

def _dashboard(api: Any) -> dict[str, Any]:
    return ok(api.get("collector.rpr", "/api/dashboard"))


def _pending(figures: dict[str, Any], department: str) -> dict[str, int]:
    [row] = [p for p in figures["pending"] if p["department"] == department]
    return {k: row[k] for k in ("L1", "L2", "L3", "L4", "total")}


def _grade(figures: dict[str, Any], department: str) -> dict[str, Any]:
    [row] = [g for g in figures["grades"] if g["department"] == department]
    return row


def test_the_dashboard_follows_registration_resolution_and_closing(api, hotline):
    empty = _dashboard(api)
    assert empty["totals"]["today"] == {"registered": 0, "resolved": 0, "closed": 0, "reopened": 0, "escalated": 0}
    assert empty["open_total"] == 0 and empty["sla_compliance"] == {"resolved": 0, "in_sla": 0, "percent": None}
    assert empty["median_hours_to_resolve"] is None and len(empty["daily"]) == 30

    by_phone = hotline.complaint("3")
    written = register(api, caller_phone=OTHER_CALLER)["complaint_number"]
    register(api, category="electricity", caller_phone="+919822222222")
    figures = _dashboard(api)
    assert figures["totals"]["today"]["registered"] == figures["totals"]["month"]["registered"] == 3
    assert figures["daily"][-1] == {"date": figures["today"], "registered": 3, "resolved": 0, "closed": 0}
    assert _pending(figures, "water") == {"L1": 2, "L2": 0, "L3": 0, "L4": 0, "total": 2}
    assert _pending(figures, "electricity")["total"] == 1 and figures["open_total"] == 3
    [line] = [c for c in figures["calls_by_hour"] if c["line"] == "+919977222564"]
    assert sum(h["answered"] for h in line["hours"]) == 1 and sum(h["abandoned"] for h in line["hours"]) == 0

    hotline.advance(hours=5)
    ok(api.post("officer.water.l1", f"/api/tickets/{written}/resolve", {"remark": "हैंडपंप ठीक"}))
    ok(api.post("collector.rpr", f"/api/tickets/{by_phone}/escalate", {"reason": "देर"}))
    figures = _dashboard(api)
    assert figures["totals"]["today"]["resolved"] == 1 and figures["totals"]["today"]["escalated"] == 1
    assert figures["sla_compliance"] == {"resolved": 1, "in_sla": 1, "percent": 100.0}
    assert figures["median_hours_to_resolve"] == 6.0  # 5 hours: the (4, 8] bucket's middle
    assert _pending(figures, "water") == {"L1": 0, "L2": 1, "L3": 0, "L4": 0, "total": 1}
    assert _grade(figures, "water") == {**_grade(figures, "water"), "grade": "A", "resolved": 1,
                                        "in_sla_percent": 100.0, "open_overdue": 0}

    assert "धन्यवाद" in hotline.text(OTHER_CALLER, "1")  # the citizen is satisfied: closed
    figures = _dashboard(api)
    assert figures["totals"]["today"]["closed"] == 1
    assert figures["closures"] == {"closed": 1, "satisfied": 1, "no_response": 0, "special": 0,
                                   "satisfied_percent": 100.0}
    assert figures["open_total"] == 2 and figures["reopen_rate"]["percent"] == 0.0


def test_at_risk_and_overdue_lists_and_figures_follow_the_clock(api, hotline):
    water = register(api)["complaint_number"]  # 72 hours: at risk from 57.6 h
    electricity = register(api, category="electricity", caller_phone=OTHER_CALLER)["complaint_number"]  # 48 h
    assert numbers(ok(api.get("collector.rpr", "/api/tickets?view=at_risk"))) == []
    assert numbers(ok(api.get("collector.rpr", "/api/tickets?view=overdue"))) == []

    hotline.advance(hours=40)  # electricity past 80% of 48 h, water not yet
    at_risk = ok(api.get("collector.rpr", "/api/tickets?view=at_risk"))
    assert numbers(at_risk) == [electricity] and at_risk["items"][0]["at_risk"] is True
    assert numbers(ok(api.get("collector.rpr", "/api/tickets?view=overdue"))) == []

    hotline.advance(hours=20)  # electricity overdue (60 h > 48 h); water at risk (60 h > 57.6 h)
    assert numbers(ok(api.get("collector.rpr", "/api/tickets?view=at_risk"))) == [water]
    overdue = ok(api.get("collector.rpr", "/api/tickets?view=overdue"))
    assert numbers(overdue) == [electricity] and overdue["items"][0]["overdue"] is True
    figures = _dashboard(api)
    assert figures["open_overdue"] == 1
    assert _grade(figures, "electricity")["open_overdue"] == 1
    assert _grade(figures, "electricity")["grade"] == "C"  # nothing resolved, and all it holds is overdue: two down
    assert _grade(figures, "water")["grade"] == "A"

    hotline.advance(hours=13)  # both past their SLA
    assert numbers(ok(api.get("collector.rpr", "/api/tickets?view=at_risk"))) == []
    overdue_now = numbers(ok(api.get("collector.rpr", "/api/tickets?view=overdue")))
    assert sorted(overdue_now) == sorted([water, electricity])
    assert overdue_now[0] == electricity  # the one past its SLA longest first
    assert _dashboard(api)["open_overdue"] == 2
    refused(api.get("operator.rpr", "/api/tickets?view=overdue"), 403, "collectors_lists")

    ok(api.post("officer.water.l2", f"/api/tickets/{water}/resolve", {"remark": "देर से ठीक"}))
    figures = _dashboard(api)
    assert figures["sla_compliance"] == {"resolved": 1, "in_sla": 0, "percent": 0.0}
    assert _grade(figures, "water")["grade"] == "D" and figures["open_overdue"] == 1
    assert numbers(ok(api.get("collector.rpr", "/api/tickets?view=overdue"))) == [electricity]


# -- lists: CSV, pages, cursors ----------------------------------------------------------------------------

def test_the_csv_export_opens_in_excel_and_runs_no_formula(api, monkeypatch):
    names = ["=HYPERLINK(\"http://evil.example\",\"click\")", "-1+1+cmd|' /C calc'!A0", "@SUM(A1:A9)",
             "+91 पड़ोसी", "रामू साहू"]
    created = [register(api, caller_name=name, caller_phone=f"+9198000000{i:02d}")["complaint_number"]
               for i, name in enumerate(names)]
    response = api.get("collector.rpr", "/api/tickets/export.csv?view=recent")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="samvad-recent-')
    assert "X-Next-Cursor" not in response.headers
    assert response.body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(response.body.decode("utf-8-sig"))))
    assert rows[0] == ["complaint_number", "status", "level", "category", "department", "caller_phone",
                       "caller_name", "language", "channel", "created_at", "level_due_at", "sla_due_at", "overdue",
                       "at_risk", "flagged"]
    by_number = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert set(by_number) == set(created)
    cells = {name: by_number[number]["caller_name"] for name, number in zip(names, created, strict=True)}
    for name in ("=HYPERLINK(\"http://evil.example\",\"click\")", "-1+1+cmd|' /C calc'!A0", "@SUM(A1:A9)",
                 "+91 पड़ोसी"):
        assert cells[name] == "'" + name, cells[name]
    assert cells["रामू साहू"] == "रामू साहू"
    assert by_number[created[0]]["caller_phone"] == "+919800000000"  # a phone number stays a phone number
    assert by_number[created[0]]["overdue"] == "false"

    from chalicelib.handlers import api_lists

    monkeypatch.setattr(api_lists, "EXPORT_ROWS", 4)
    monkeypatch.setattr(api_lists, "EXPORT_PAGE", 2)
    first = api.get("collector.rpr", "/api/tickets/export.csv?view=recent")
    cursor = first.headers["X-Next-Cursor"]
    rest = api.get("collector.rpr", f"/api/tickets/export.csv?view=recent&cursor={cursor}")
    first_rows = list(csv.reader(io.StringIO(first.body.decode("utf-8-sig"))))[1:]
    rest_rows = list(csv.reader(io.StringIO(rest.body.decode("utf-8-sig"))))[1:]
    assert len(first_rows) == 4 and len(rest_rows) == len(created) - 4
    assert [r[0] for r in first_rows + rest_rows] == list(reversed(created))  # newest first, once each
    assert "X-Next-Cursor" not in rest.headers
    refused(api.get("officer.water.l1", "/api/tickets/export.csv?view=recent"), 403, "role_not_allowed")


def test_pages_follow_each_other_without_overlap_and_a_tampered_cursor_is_refused(api, hotline):
    created = []
    for minute in range(5):
        created.append(register(api, caller_phone=f"+91980000001{minute}")["complaint_number"])
        hotline.clock.advance(timedelta(minutes=1))
    seen: list[str] = []
    pages = 0
    cursor = None
    while True:
        path = "/api/tickets?view=recent&limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = ok(api.get("collector.rpr", path))
        assert len(page["items"]) <= 2
        seen += numbers(page)
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            break
        assert pages < 10
    assert seen == list(reversed(created)) and len(set(seen)) == 5 and pages >= 3

    first = ok(api.get("collector.rpr", "/api/tickets?view=recent&limit=2"))
    cursor = first["next_cursor"]
    payload, mac = cursor.split(".")
    flipped = payload[:-1] + ("A" if payload[-1] != "A" else "B")
    for bad in (f"{flipped}.{mac}", f"{payload}.{mac[:-1]}x", payload, "not-a-cursor", f"{payload}.{mac}.x"):
        message = refused(api.get("collector.rpr", f"/api/tickets?view=recent&limit=2&cursor={bad}"),
                          400, "bad_cursor")
        assert "सूची" in message
    # A good cursor of another list (or another district's) is refused too: it would read elsewhere.
    refused(api.get("collector.rpr", f"/api/tickets?view=overdue&cursor={cursor}"), 400, "bad_cursor")
    refused(api.get("state.admin", f"/api/tickets?view=recent&district=BSP&cursor={cursor}"), 400, "bad_cursor")
    assert numbers(ok(api.get("collector.rpr", f"/api/tickets?view=recent&limit=2&cursor={cursor}"))) == seen[2:4]


# -- directory admin ----------------------------------------------------------------------------------------

def test_the_collector_edits_the_directory_with_versions_and_an_audit_trail(api, hotline):
    opened = ok(api.get("collector.rpr", "/api/districts/RPR/config"))
    assert opened["code"] == "RPR" and opened["config"]["code"] == "RPR"
    version = opened["version"]
    changed = copy.deepcopy(opened["config"])
    [water] = [d for d in changed["departments"] if d["id"] == "water"]
    assert water["officers"]["L1"]["phone"] == WATER_L1
    water["officers"]["L1"]["phone"] = "+919000000399"
    saved = ok(api.put("collector.rpr", "/api/districts/RPR/config",
                       {"version": version, "config": changed, "summary": "नए उप अभियंता का नंबर"}))
    assert saved["version"] == version + 1 and saved["config"] == changed
    reread = ok(api.get("collector.rpr", "/api/districts/RPR/config"))
    assert reread["version"] == version + 1 and reread["config"] == changed
    audit = ok(api.get("collector.rpr", "/api/districts/RPR/audit"))
    entry = audit["items"][0]
    assert (entry["by"], entry["summary"], entry["version"]) == ("collector.rpr", "नए उप अभियंता का नंबर",
                                                                 version + 1)

    number = hotline.complaint("3")  # the next water complaint goes to the new number at once
    assert any(number in body for body in hotline.sms_bodies("+919000000399"))
    assert hotline.sms_bodies(WATER_L1) == []

    stale = api.put("collector.rpr", "/api/districts/RPR/config", {"version": version, "config": opened["config"]},
                    headers={"Accept-Language": "en"})
    assert f"version {version + 1}" in refused(stale, 409, "stale")
    broken = copy.deepcopy(changed)
    broken["categories"][0]["department"] = "transport"
    wrong = api.put("collector.rpr", "/api/districts/RPR/config", {"version": version + 1, "config": broken})
    refused(wrong, 422, "invalid_fields")  # each wrong field beside its input: tests/flows/test_directory_forms.py
    assert [(f["code"], f["path"]) for f in wrong.json["error"]["fields"]] == [
        ("department", ["categories", 0, "department"])]
    renamed = {**changed, "code": "BSP"}
    refused(api.put("collector.rpr", "/api/districts/RPR/config", {"version": version + 1, "config": renamed}),
            422, "district_code")
    assert ok(api.get("collector.rpr", "/api/districts/RPR/config"))["version"] == version + 1  # nothing saved
    assert len(ok(api.get("collector.rpr", "/api/districts/RPR/audit"))["items"]) == 1

    # Another save: the audit trail pages newest first and names what changed.
    back = ok(api.put("state.admin", "/api/districts/RPR/config",
                      {"version": version + 1, "config": opened["config"], "summary": "undo"}))
    assert back["version"] == version + 2
    first = ok(api.get("collector.rpr", "/api/districts/RPR/audit?limit=1"))
    assert [(e["by"], e["version"], e["section"]) for e in first["items"]] == [
        ("state.admin", version + 2, "departments")]
    second = ok(api.get("collector.rpr", f"/api/districts/RPR/audit?limit=1&cursor={first['next_cursor']}"))
    assert [e["version"] for e in second["items"]] == [version + 1]
    refused(api.get("collector.rpr", f"/api/tickets?view=recent&cursor={first['next_cursor']}"), 400, "bad_cursor")

    refused(api.get("collector.bsp", "/api/districts/RPR/config"), 403, "other_district")
    refused(api.put("collector.bsp", "/api/districts/RPR/config", {"version": version + 1, "config": changed}),
            403, "other_district")
    refused(api.get("collector.bsp", "/api/districts/RPR/audit"), 403, "other_district")
    refused(api.put("officer.water.l1", "/api/districts/RPR/config", {"version": version + 1, "config": changed}),
            403, "role_not_allowed")
    assert ok(api.get("state.admin", "/api/districts/RPR/config"))["version"] == version + 2


def test_two_saves_at_once_one_wins_the_other_gets_409(api, monkeypatch):
    from chalicelib.store.district_configs import DynamoDistrictConfigs

    opened = ok(api.get("collector.rpr", "/api/districts/RPR/config"))
    original = DynamoDistrictConfigs.district_config
    raced = []

    def read_then_someone_else_saves(configs: DynamoDistrictConfigs, code: str) -> Any:
        found = original(configs, code)
        if not raced:
            raced.append(code)
            ok(api.put("state.admin", "/api/districts/RPR/config", {"version": found[1], "config": found[0],
                                                                    "summary": "राज्य से"}))
        return found

    monkeypatch.setattr(DynamoDistrictConfigs, "district_config", read_then_someone_else_saves)
    changed = copy.deepcopy(opened["config"])
    changed["fallback_contact"]["en"] = "Or write to the Collectorate."
    refused(api.put("collector.rpr", "/api/districts/RPR/config", {"version": opened["version"],
                                                                   "config": changed}), 409, "stale")
    monkeypatch.setattr(DynamoDistrictConfigs, "district_config", original)
    current = ok(api.get("collector.rpr", "/api/districts/RPR/config"))
    assert current["version"] == opened["version"] + 1 and current["config"] == opened["config"]
    assert [e["by"] for e in ok(api.get("collector.rpr", "/api/districts/RPR/audit"))["items"]] == ["state.admin"]


def test_a_line_is_one_districts_and_a_removed_line_is_nobodys(api, hotline):
    import yaml

    from chalicelib.domain.district import parse_district
    from chalicelib.i18n import available_languages
    from chalicelib.store.district_loader import load_district
    from chalicelib.store.models import DirectoryModel
    from tests.support.fixtures import DEMO

    other = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    other.update(code="BSP", name={"hi": "बिलासपुर", "en": "Bilaspur"})
    # Only the first hotline, on a line of its own: the demo's other hotlines' lines stay Raipur's.
    other["hotlines"] = [{**other["hotlines"][0], "lines": ["+917752000001"]}]
    load_district(parse_district(other, available_languages()))

    opened = ok(api.get("collector.rpr", "/api/districts/RPR/config"))
    grabbing = copy.deepcopy(opened["config"])
    grabbing["hotlines"][0]["lines"].append("+917752000001")
    refused(api.put("collector.rpr", "/api/districts/RPR/config", {"version": opened["version"],
                                                                   "config": grabbing}), 422, "line_taken")
    assert DirectoryModel.get("LINE#+917752000001", "LINE").district == "BSP"

    dropping = copy.deepcopy(opened["config"])
    dropping["hotlines"][0]["lines"].remove("+919977222594")
    saved = ok(api.put("collector.rpr", "/api/districts/RPR/config", {"version": opened["version"],
                                                                      "config": dropping}))
    assert saved["version"] == opened["version"] + 1
    with pytest.raises(DirectoryModel.DoesNotExist):
        DirectoryModel.get("LINE#+919977222594", "LINE")
    call = hotline.phone("1|1|3|say:पानी", line="+919977222594")  # nobody's number now: the polite message
    from chalicelib.i18n import catalog

    assert catalog("hi").text("unknown_number") in call.said and not any("R P R" in said for said in call.said)
    assert ok(api.get("collector.rpr", "/api/districts/RPR/audit"))["items"][0]["section"] == "hotlines"


def test_a_stale_save_that_drops_a_line_is_409_stale_not_line_taken(api, monkeypatch):
    from chalicelib.store.district_configs import DynamoDistrictConfigs

    opened = ok(api.get("collector.rpr", "/api/districts/RPR/config"))
    original = DynamoDistrictConfigs.district_config
    raced = []

    def read_then_someone_else_saves(configs: DynamoDistrictConfigs, code: str) -> Any:
        found = original(configs, code)
        if not raced:
            raced.append(code)
            ok(api.put("state.admin", "/api/districts/RPR/config", {"version": found[1], "config": found[0]}))
        return found

    monkeypatch.setattr(DynamoDistrictConfigs, "district_config", read_then_someone_else_saves)
    dropping = copy.deepcopy(opened["config"])
    dropping["hotlines"][0]["lines"].remove("+919977222594")
    refused(api.put("collector.rpr", "/api/districts/RPR/config", {"version": opened["version"],
                                                                   "config": dropping}), 409, "stale")


def test_a_new_whatsapp_sender_saved_in_the_console_takes_citizens_texts(api, hotline):
    from chalicelib.i18n import catalog
    from chalicelib.store.models import DirectoryModel

    opened = ok(api.get("collector.rpr", "/api/districts/RPR/config"))
    moved = copy.deepcopy(opened["config"])
    moved["whatsapp"]["sender"] = "whatsapp:+919977222599"
    ok(api.put("collector.rpr", "/api/districts/RPR/config", {"version": opened["version"], "config": moved}))
    assert DirectoryModel.get("SENDER#+919977222599", "SENDER").district == "RPR"
    reply = hotline.text(f"whatsapp:{CALLER}", "नमस्ते", to="whatsapp:+919977222599")
    assert reply.startswith(catalog("hi").text("chat_choose_category"))
