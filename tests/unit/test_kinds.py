"""Kinds in the domain (Lifecycle.resolve/decline, the officers' DONE/DECLINE/REFUSE, clocks), with in-memory ports:
a suggestion answered closes with no feedback call and never climbs; a demand and a request end with their outcome."""
from __future__ import annotations

import pytest

from chalicelib.district_file import read_yaml
from chalicelib.domain.clock import FixedClock
from chalicelib.domain.district import DistrictConfigError, parse_district
from chalicelib.domain.registration import (
    ConsoleComplaint,
    FormNotFilled,
    KindNotOffered,
    build_console_registration,
)
from chalicelib.i18n import available_languages
from tests.fakes.directory import MemoryDirectory
from tests.fakes.events import MemoryDispatcher
from tests.fakes.tickets import MemoryTicketStore
from tests.support.demo import ROOT
from tests.unit.test_lifecycle import CITIZEN, START, World

JANJGIR = parse_district({**read_yaml(ROOT / "examples" / "janjgir-champa.yaml"), "transcription": {"enabled": False}},
                         available_languages())
GURUGRAM = parse_district({**read_yaml(ROOT / "examples" / "gurugram.yaml"), "transcription": {"enabled": False}},
                          available_languages())
GENERAL_L1, MIGRANTS_L1 = "+919300000701", "+919400000701"


class KindWorld(World):
    """test_lifecycle's World (its text, advance), holding one ticket of a kind in another district."""

    def __init__(self, district, kind: str, category: str, form: dict[str, str] | None) -> None:
        self.clock, self.district = FixedClock(START), district
        complaint = ConsoleComplaint(caller_phone=CITIZEN, category_id=category, language="hi", operator="operator",
                                     description="" if form else "बस स्टैंड पर प्याऊ बने", kind=kind, form=form)
        ticket = build_console_registration(complaint, district, 2, self.clock).ticket
        self.number, self.store = ticket.complaint_number, MemoryTicketStore(ticket)
        self.dispatcher, self.directory = MemoryDispatcher(), MemoryDirectory(district)


def _world(district, kind: str, category: str = "other", form: dict[str, str] | None = None) -> World:
    return KindWorld(district, kind, category, form)


def test_a_suggestion_has_one_weeks_clock_at_l1_and_never_climbs():
    world = _world(JANJGIR, "suggestion")
    assert (world.ticket.kind, world.ticket.level_due_at) == ("suggestion", world.ticket.sla_due_at)
    events = world.advance(days=8)
    assert "ticket.escalated" not in events and world.ticket.level == "L1" and world.ticket.sla_breached


def test_done_answers_a_suggestion_and_closes_it_with_no_feedback_call():
    world = _world(JANJGIR, "suggestion")
    reply = world.text(GENERAL_L1, f"DONE {world.number} अगले माह प्याऊ लगेगा")
    assert reply.text == f"{world.number}: उत्तर दर्ज। नागरिक को सूचित किया गया।"
    ticket = world.ticket
    assert (ticket.status, ticket.closure, ticket.feedback_due_at, ticket.reopen_until) == ("closed", "answered",
                                                                                            None, None)
    assert world.dispatcher.sent[-1].type == "ticket.concluded"
    assert world.advance(days=3) == []  # no feedback call, no close for no answer


def test_decline_by_sms_needs_a_reason_and_tells_the_citizen_why():
    world = _world(JANJGIR, "demand")
    assert world.text(GENERAL_L1, f"DECLINE {world.number}").text == f"कारण लिखें: DECLINE {world.number} <कारण>"
    assert world.text(GENERAL_L1, f"DECLINE {world.number} बजट नहीं").text.startswith(f"{world.number}: अस्वीकृति दर्ज")
    assert (world.ticket.closure, world.dispatcher.sent[-1].data["outcome"]) == ("declined", "declined")


def test_a_complaint_is_not_declined_and_a_request_is_refused_by_refuse():
    complaint = _world(JANJGIR, "complaint")
    assert "DONE" in complaint.text(GENERAL_L1, f"DECLINE {complaint.number} नहीं").text  # not declinable: DONE
    assert complaint.ticket.is_open
    form = {"name": "रामप्रसाद", "address": "सेक्टर 14", "phone": "+919812377002", "destination_state": "बिहार"}
    request = _world(GURUGRAM, "request", "migrant_registration", form)
    assert request.ticket.form == form and request.ticket.description.startswith("नाम: रामप्रसाद")
    request.text(MIGRANTS_L1, f"REFUSE {request.number} पहले से पंजीकृत")
    assert (request.ticket.status, request.ticket.closure) == ("closed", "refused")


def test_a_kind_or_a_form_the_district_does_not_have_is_refused_by_name():
    with pytest.raises(KindNotOffered) as refused:
        _world(GURUGRAM, "suggestion", "food")
    assert refused.value.offered == ("complaint", "request")
    with pytest.raises(FormNotFilled) as unfilled:
        _world(GURUGRAM, "request", "migrant_registration", {"name": "राम", "phone": "12", "colour": "red"})
    assert unfilled.value.fields == ("address", "phone", "destination_state", "colour")


@pytest.mark.parametrize(("change", "says"), [
    ({"kinds": ["complaint", "request"]}, "kinds: request"),
    ({"kinds": ["complaint", "complaint"]}, "kinds: each once"),
    ({"requests": [{"id": "food", "department": "food", "sla_hours": 4, "fields": [{"id": "x"}]}]}, "is taken"),
    ({"requests": [{"id": "pass", "department": "nowhere", "sla_hours": 4, "fields": [{"id": "x"}]}]},
     "department 'nowhere'"),
])
def test_a_wrong_kinds_or_requests_section_is_named(change, says):
    with pytest.raises(DistrictConfigError, match=says):
        parse_district({**read_yaml(ROOT / "examples" / "gurugram.yaml"), **change}, available_languages())
