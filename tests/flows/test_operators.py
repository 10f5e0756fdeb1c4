"""Operators on a roster: a call on an operators line rings who is on duty (all at once or in turn), with
the call recorded; nobody answers, or nobody is on duty: the IVR's recorded intake. The operator's
console finds the ringing call, registers the complaint with its CallSid, and the Dial's recording
joins that ticket — whichever of the two lands first.

The tests that read a carrier's own markup of the Dial (TwiML's record/recordingStatusCallback/<Number url>) or
fetch the recording from Twilio's sandbox stay Twilio's; the rest run once per carrier.
"""
from __future__ import annotations

import re
from datetime import timedelta
from xml.etree import ElementTree

import pytest

from chalicelib import settings, wiring
from chalicelib.domain.reconcile import OPERATORS_CALL
from chalicelib.i18n import catalog
from chalicelib.local.caller import CallEmulator, ScriptedAnswerer
from chalicelib.store.calls import DynamoCallTickets
from chalicelib.store.models import CallModel
from tests.support.fixtures import CALLER, CARRIERS, ChaliceTransport, signed_post
from tests.support.operators import (
    DAY_OPERATOR,
    EXTRA_OPERATOR,
    NIGHT_OPERATOR,
    OPERATORS_LINE,
    SUNDAY_NOON,
    TUESDAY_MORNING,
    TUESDAY_NIGHT,
    incoming,
    pin,
    with_roster,
)

BASE = settings.public_base_url()
per_carrier = pytest.mark.parametrize("demo_carrier", CARRIERS, indirect=True)


def _twiml(response) -> ElementTree.Element:
    return ElementTree.fromstring(response.body)


def _dial(root: ElementTree.Element) -> ElementTree.Element:
    dials = root.findall("Dial")
    assert len(dials) == 1, ElementTree.tostring(root)
    return dials[0]


def _numbers(dial: ElementTree.Element) -> list[str]:
    return [(n.text or "").strip() for n in dial.findall("Number")]


def _after(client, call_sid: str, path: str, status: str, caller: str = CALLER):
    assert path.startswith(BASE)
    response = signed_post(client, path[len(BASE):], {
        "CallSid": call_sid, "From": caller, "To": OPERATORS_LINE, "Direction": "inbound",
        "CallStatus": "in-progress", "DialCallStatus": status, "DialCallDuration": "0",
        "AccountSid": "AC" + "1" * 32})
    assert response.status_code == 200, response.body
    return _twiml(response)


def _complaint_number(said: list[str]) -> str:
    spoken = next(re.search(r"R P R, ([\d ]+), ([\d ]+)\.", s) for s in said if re.search(r"R P R, [\d ]+,", s))
    return "RPR" + (spoken.group(1) + spoken.group(2)).replace(" ", "")


def test_a_call_rings_every_operator_on_duty_at_once_recorded_from_the_answer(api, clock):  # TwiML's Dial
    pin(clock, TUESDAY_MORNING)
    with_roster("simultaneous", answer_seconds=25)
    call_sid, response = incoming(api.client)
    root = _twiml(response)
    assert root.find("Say").text == catalog("hi").text("operators_connecting")  # the recording notice
    dial = _dial(root)
    assert _numbers(dial) == [DAY_OPERATOR[1], EXTRA_OPERATOR[1]]  # the night operator is off duty
    assert dial.get("timeout") == "25"
    assert dial.get("record") == "record-from-answer-dual"
    assert dial.get("recordingStatusCallback") == BASE + "/twilio/voice/recording-status"
    assert dial.get("action") == BASE + "/twilio/voice/operators/after/2"  # nobody left to ring after these
    assert {n.get("url") for n in dial.findall("Number")} == {
        BASE + f"/twilio/voice/operators/answered/RPR/{call_sid}"}
    # The console sees it ringing, for the district's operators.
    ringing = api.get("operator.rpr", "/api/calls/ringing")
    assert ringing.status_code == 200, ringing.body
    assert [(c["call_sid"], c["state"], c["caller_phone"], c["operators"]) for c in ringing.json["items"]] == [
        (call_sid, "ringing", CALLER, [DAY_OPERATOR[0], EXTRA_OPERATOR[0]])]
    assert api.get("operator.bsp", "/api/calls/ringing").json["items"] == []  # another district's operators


@per_carrier
def test_at_night_the_night_shift_is_rung(api, clock, demo_carrier):
    pin(clock, TUESDAY_NIGHT)
    _sid, response = incoming(api.client, carrier=demo_carrier)
    assert _numbers(_dial(_twiml(response))) == [NIGHT_OPERATOR[1]]


def test_in_turn_rings_one_operator_then_the_next_then_the_ivr(api, clock):  # TwiML's Dial and Gather
    pin(clock, TUESDAY_MORNING)
    with_roster("in_turn", answer_seconds=15)
    call_sid, response = incoming(api.client)
    first = _dial(_twiml(response))
    assert _numbers(first) == [DAY_OPERATOR[1]] and first.get("timeout") == "15"
    assert first.get("action") == BASE + "/twilio/voice/operators/after/1"
    second_root = _after(api.client, call_sid, first.get("action"), "no-answer")
    second = _dial(second_root)
    assert second_root.find("Say") is None  # the notice was said once
    assert _numbers(second) == [EXTRA_OPERATOR[1]] and second.get("timeout") == "15"
    assert second.get("record") == "record-from-answer-dual"
    assert second.get("action") == BASE + "/twilio/voice/operators/after/2"
    fallback = _after(api.client, call_sid, second.get("action"), "busy")
    assert fallback.find("Dial") is None
    assert fallback.find("Say").text == catalog("hi").text("operators_busy")
    gather = fallback.find("Gather")
    assert gather is not None and gather.get("action") == BASE + "/twilio/voice/language/1"
    [call] = api.get("operator.rpr", "/api/calls/ringing").json["items"]
    assert call["state"] == "missed"


@per_carrier
def test_nobody_answers_and_the_caller_records_the_complaint_through_the_ivr(hotline, api, clock, phone):
    pin(clock, TUESDAY_MORNING)
    log = phone("-|1|1|3|say:नल से पानी नहीं आ रहा", line=OPERATORS_LINE)  # no operator; hi; new; water
    assert log.answered_by is None
    assert catalog("hi").text("operators_busy") in log.said
    number = _complaint_number(log.said)
    hotline.deliver()
    ticket = api.get("operator.rpr", f"/api/tickets/{number}").json
    assert (ticket["channel"], ticket["category"], ticket["call_sid"], ticket["has_recording"]) == (
        "ivr", "water", log.call_sid, True)
    [call] = api.get("operator.rpr", "/api/calls/ringing").json["items"]
    assert (call["call_sid"], call["state"], call["complaint_number"]) == (log.call_sid, "missed", number)


@per_carrier
def test_nobody_on_duty_goes_straight_to_the_ivr(hotline, api, clock, phone, demo_carrier):
    pin(clock, SUNDAY_NOON)
    _sid, response = incoming(api.client, carrier=demo_carrier)
    root = _twiml(response)
    assert root.find("Dial") is None
    gather = root.find({"twilio": "Gather", "plivo": "GetDigits"}[demo_carrier])
    assert gather.get("action") == BASE + f"/{demo_carrier}/voice/language/1"
    log = phone("1|1|3|say:हैंडपंप खराब है", line=OPERATORS_LINE)
    assert catalog("hi").text("operators_busy") not in log.said
    assert _complaint_number(log.said).startswith("RPR")
    assert api.get("operator.rpr", "/api/calls/ringing").json["items"] == []  # nothing rang


def _emulator(api, hotline) -> CallEmulator:
    """The call simulator on the demo carrier, with an answerer of the test's own (the `phone` fixture takes
    scripts only)."""
    if hotline.carrier == "plivo":
        return CallEmulator(ChaliceTransport(api.client), BASE, settings.plivo_auth_token(),
                            settings.plivo_auth_id(), hotline.recordings, out=lambda _line: None, carrier="plivo")
    return CallEmulator(ChaliceTransport(api.client), BASE, settings.twilio_auth_token(),
                        settings.twilio_account_sid(), hotline.recordings, out=lambda _line: None)


class OperatorAtTheConsole(ScriptedAnswerer):
    """The operator who picks up, with the console open: finds the call, registers the complaint."""

    def __init__(self, api, steps: list[str], register: bool = True) -> None:
        super().__init__(steps)
        self.api, self.register = api, register
        self.seen: dict = {}
        self.number: str | None = None

    def conversation(self, number: str) -> None:
        [ringing] = self.api.get("operator.rpr", "/api/calls/ringing").json["items"]
        self.seen["ringing"] = ringing
        popped = self.api.get("operator.rpr", f"/api/calls/{ringing['call_sid']}")
        assert popped.status_code == 200, popped.body
        self.seen["pop"] = popped.json
        if self.register:
            answer = self.api.post("operator.rpr", "/api/tickets", {
                "caller_phone": ringing["caller_phone"], "category": "electricity", "call_sid": ringing["call_sid"],
                "description": "ट्रांसफार्मर जला है, गाँव में तीन दिन से बिजली नहीं", "caller_name": "रामू"})
            assert answer.status_code == 201, answer.body
            self.number = answer.json["complaint_number"]


# Twilio's: the recording is heard from Twilio's sandbox (twilio_audio).
def test_an_answered_call_pops_in_the_console_and_its_recording_joins_the_operators_ticket(hotline, api, clock,
                                                                                            twilio_audio):
    pin(clock, TUESDAY_MORNING)
    earlier = hotline.complaint("3")  # the caller phoned the IVR line before
    operator = OperatorAtTheConsole(api, ["answer"])
    log = _emulator(api, hotline).call(CALLER, OPERATORS_LINE, operator)
    assert log.answered_by == DAY_OPERATOR[1]
    assert log.whispered == [catalog("hi").text("operator_whisper", digits="5 6 7 8")]
    assert log.said[-1] == catalog("hi").text("goodbye")  # the Dial's action thanks the caller
    # The console: the call answered by the day operator, the caller's earlier complaint on the pop.
    ringing = operator.seen["ringing"]
    assert (ringing["call_sid"], ringing["state"], ringing["answered_by"]) == (log.call_sid, "answered",
                                                                               DAY_OPERATOR[0])
    assert [t["complaint_number"] for t in operator.seen["pop"]["tickets"]] == [earlier]
    # The recording (posted after the call) is the operator's ticket's.
    ticket = wiring.ticket_store().get(operator.number)
    assert (ticket.call_sid, ticket.channel, ticket.recording_sid, ticket.recording_confirmed) == (
        log.call_sid, "console", log.recording_sid, True)
    heard = api.get("operator.rpr", f"/api/tickets/{operator.number}/recording")
    assert heard.status_code == 200 and heard.json["data"], heard.body
    [after] = api.get("operator.rpr", "/api/calls/ringing").json["items"]
    assert (after["state"], after["complaint_number"]) == ("ended", operator.number)
    # Twilio's status callback for the call: the log keeps "ticket", not "abandoned".
    signed_post(api.client, "/twilio/voice/status", {
        "CallSid": log.call_sid, "From": CALLER, "To": OPERATORS_LINE, "CallStatus": "completed",
        "CallDuration": "95", "Direction": "inbound"})
    assert CallModel.get(log.call_sid).outcome == "ticket"


@per_carrier
def test_a_ticket_registered_after_the_call_still_gets_its_recording(hotline, api, clock):
    pin(clock, TUESDAY_NIGHT)
    operator = OperatorAtTheConsole(api, ["answer"], register=False)
    log = _emulator(api, hotline).call(CALLER, OPERATORS_LINE, operator)
    assert log.answered_by == NIGHT_OPERATOR[1] and log.recording_sid
    # Until the operator registers it, the reconciler leaves the call's recording alone: it is the operator's.
    assert DynamoCallTickets().tickets_of([log.call_sid]) == {log.call_sid: OPERATORS_CALL}
    answer = api.post("operator.rpr", "/api/tickets", {
        "caller_phone": CALLER, "category": "food", "call_sid": log.call_sid,
        "description": "राशन दुकान बंद रहती है"})
    assert answer.status_code == 201, answer.body
    ticket = wiring.ticket_store().get(answer.json["complaint_number"])
    assert (ticket.recording_sid, ticket.recording_confirmed, ticket.call_sid) == (log.recording_sid, True,
                                                                                   log.call_sid)
    assert api.get("operator.rpr", f"/api/tickets/{ticket.complaint_number}").json["has_recording"] is True
    again = api.post("operator.rpr", "/api/tickets", {
        "caller_phone": CALLER, "category": "food", "call_sid": log.call_sid, "description": "दोबारा"})
    assert again.status_code == 409  # one ticket per call


@per_carrier
def test_the_call_api_keeps_to_the_district(api, clock, demo_carrier):
    pin(clock, TUESDAY_MORNING)
    call_sid, _response = incoming(api.client, carrier=demo_carrier)
    assert api.get("collector.rpr", f"/api/calls/{call_sid}").json["state"] == "ringing"
    assert api.get("operator.bsp", f"/api/calls/{call_sid}").status_code == 404
    assert api.get("officer.water.l1", f"/api/calls/{call_sid}").status_code == 403
    assert api.get("operator.rpr", "/api/calls/CA" + "0" * 32).status_code == 404
    assert api.get("state.admin", "/api/calls/ringing").status_code == 400  # names the district
    assert [c["call_sid"] for c in api.get("state.admin", "/api/calls/ringing?district=RPR").json["items"]] == [
        call_sid]
    clock.advance(timedelta(minutes=11))
    assert api.get("operator.rpr", "/api/calls/ringing").json["items"] == []  # older than the window
    assert len(api.get("operator.rpr", "/api/calls/ringing?minutes=15").json["items"]) == 1
