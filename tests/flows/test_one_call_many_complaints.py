"""A caller with several complaints on one call, and a caller found by name: through the console's API against
moto, as the operator's console drives it."""
from __future__ import annotations

import pytest

from chalicelib import settings, wiring
from chalicelib.local.caller import CallEmulator, ScriptedAnswerer
from chalicelib.store.models import CallModel, TicketModel
from tests.support.fixtures import CALLER, ChaliceTransport
from tests.support.operators import OPERATORS_LINE, TUESDAY_NIGHT, pin
from tests.support.responses import ok, refused

BASE = settings.public_base_url()


def _answered_call(api, hotline) -> str:
    """A call the night operator answered and that has ended, its recording posted: the CallSid."""
    emulator = CallEmulator(ChaliceTransport(api.client), BASE, settings.twilio_auth_token(),
                            settings.twilio_account_sid(), hotline.recordings, out=lambda _line: None)
    log = emulator.call(CALLER, OPERATORS_LINE, ScriptedAnswerer(["answer"]))
    assert log.recording_sid, "the operators' Dial records the call"
    return log.call_sid


def _register(api, **fields) -> dict:
    body = {"caller_phone": CALLER, "category": "water", "caller_name": "सुनीता वर्मा", **fields}
    return ok(api.post("operator.rpr", "/api/tickets", body), 201)


def test_one_call_carries_several_complaints_each_linked_and_listed_on_the_call(hotline, api, clock):
    pin(clock, TUESDAY_NIGHT)
    call_sid = _answered_call(api, hotline)
    first = _register(api, call_sid=call_sid, description="मोहल्ले का हैंडपंप खराब है")
    # Without saying "another", the same CallSid is the call's one ticket: a retried registration takes no number.
    again = api.post("operator.rpr", "/api/tickets", {"caller_phone": CALLER, "category": "water",
                                                      "description": "मोहल्ले का हैंडपंप खराब है",
                                                      "call_sid": call_sid})
    assert first["complaint_number"] in refused(again, 409, "call_has_ticket")
    second = _register(api, call_sid=call_sid, more_on_call=True, category="electricity",
                       description="गली की बत्ती तीन दिन से बंद है")
    third = _register(api, call_sid=call_sid, more_on_call=True, category="health",
                      description="उप स्वास्थ्य केंद्र में दवा नहीं")
    numbers = [first["complaint_number"], second["complaint_number"], third["complaint_number"]]
    assert len(set(numbers)) == 3

    # Each ticket is linked to the call; the call's record keeps its first ticket and lists them all.
    assert [TicketModel.get(n).call_sid for n in numbers] == [call_sid] * 3
    logged = CallModel.get(call_sid, consistent_read=True)
    assert logged.complaint_number == first["complaint_number"]
    assert logged.complaint_numbers == set(numbers)
    assert (logged.outcome, logged.category) == ("ticket", "water")  # what the first ticket wrote stays
    # The recording is of the whole call: it joined the first ticket, the others reach it through the call.
    assert [ok(api.get("operator.rpr", f"/api/tickets/{n}"))["has_recording"] for n in numbers] == [
        True, False, False]
    # The console's incoming calls list them, oldest first.
    [ringing] = ok(api.get("operator.rpr", "/api/calls/ringing"))["items"]
    assert (ringing["complaint_number"], ringing["complaint_numbers"]) == (numbers[0], numbers)
    assert ok(api.get("operator.rpr", f"/api/calls/{call_sid}"))["complaint_numbers"] == numbers
    # Each is its own complaint: its own department, forwarded to its own officer.
    assert [TicketModel.get(n).department for n in numbers] == ["water", "electricity", "health"]


def test_another_complaint_from_an_ivr_call_keeps_the_ivr_ticket_first(hotline, api):
    by_phone = hotline.complaint("3")  # the caller recorded one through the IVR, then rang the desk
    call_sid = TicketModel.get(by_phone).call_sid
    more = _register(api, call_sid=call_sid, more_on_call=True, description="नाली भी जाम है")
    logged = CallModel.get(call_sid, consistent_read=True)
    assert (logged.complaint_number, logged.complaint_numbers) == (by_phone, {by_phone, more["complaint_number"]})
    assert TicketModel.get(more["complaint_number"]).recording_sid is None


def test_another_districts_call_still_cannot_carry_a_complaint(hotline, api):
    call_sid = TicketModel.get(hotline.complaint("3")).call_sid
    taken = api.post("operator.bsp", "/api/tickets", {"caller_phone": CALLER, "category": "water",
                                                      "description": "नल", "call_sid": call_sid,
                                                      "more_on_call": True})
    assert taken.status_code in (403, 404), taken.body  # Bilaspur's operator never links Raipur's call


@pytest.fixture
def no_scans(monkeypatch):
    """Every list is a Query: a Scan of any table fails the test."""
    from pynamodb.models import Model

    def refuse(*_args, **_kwargs):
        raise AssertionError("a Scan: lists must Query a key or an index")

    monkeypatch.setattr(Model, "scan", classmethod(refuse))


def test_a_callers_complaints_are_found_by_name_with_a_query(hotline, api, no_scans):
    ours = [_register(api, description="हैंडपंप खराब है")["complaint_number"],
            _register(api, category="electricity", description="बिजली नहीं आ रही")["complaint_number"]]
    _register(api, caller_phone="+919811111111", caller_name="रमेश साहू", description="हैंडपंप खराब है")
    hotline.deliver()  # the registration's event indexes its words, the caller's name with them

    found = ok(api.get("operator.rpr", "/api/tickets/search?q=सुनीता वर्मा&limit=10"))
    assert sorted(item["complaint_number"] for item in found["items"]) == sorted(ours)
    assert all(item["caller_name"] == "सुनीता वर्मा" for item in found["items"])
    assert "सुनीता" not in found["items"][0]["text"]  # the excerpt is what was said, not the name again
    # One word of the name, in another spelling, as an operator types it on a phone keypad.
    assert {i["complaint_number"] for i in ok(api.get("operator.rpr", "/api/tickets/search?q=सुनिता"))["items"]} \
        == set(ours)
    # Another district's operator finds none of them.
    assert ok(api.get("operator.bsp", "/api/tickets/search?q=सुनीता"))["items"] == []
    # And the index read stays the page and one more.
    from chalicelib.operations.ticket_search import search_tickets

    tickets, _cursor, read = search_tickets(wiring.search_index(), wiring.ticket_store(), "RPR", "सुनीता", 1, None)
    assert len(tickets) == 1 and read <= 2


def test_the_same_form_posted_again_gives_back_its_ticket_not_a_second(hotline, api, clock):
    """A double tap, or a retry after an answer lost on a weak network: the form's submission id registers once,
    on a call's further complaint as on a complaint typed with no call; a new form is a new complaint."""
    pin(clock, TUESDAY_NIGHT)
    call_sid = _answered_call(api, hotline)
    first = _register(api, call_sid=call_sid, description="मोहल्ले का हैंडपंप खराब है", submission="form-0001-aaaa")
    another = {"call_sid": call_sid, "more_on_call": True, "category": "electricity",
               "description": "गली की बत्ती बंद है", "submission": "form-0002-bbbb"}
    second = _register(api, **another)
    assert _register(api, **another)["complaint_number"] == second["complaint_number"]
    typed = {"description": "नाली जाम है", "submission": "form-0003-cccc"}
    walk_in = _register(api, **typed)
    assert _register(api, **typed)["complaint_number"] == walk_in["complaint_number"]
    assert _register(api, description="नाली जाम है", submission="form-0004-dddd")["complaint_number"] != \
        walk_in["complaint_number"]
    assert CallModel.get(call_sid, consistent_read=True).complaint_numbers == {
        first["complaint_number"], second["complaint_number"]}
    mine = ok(api.get("operator.rpr", f"/api/tickets?view=caller&phone=%2B{CALLER[1:]}"))["items"]
    assert len(mine) == 4  # the call's two, the walk-in's one, the new form's one: no copies
    refused(api.post("operator.rpr", "/api/tickets", {"caller_phone": CALLER, "category": "water",
                                                      "description": "x", "submission": "bad id!"}), 400,
            "field_pattern")
