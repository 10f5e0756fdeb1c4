"""181's executives (issue 14, point 3): a state number sends a district's calls to that district's operators on
duty (Rajgarh's nodal call centre, examples/state-mp181.yaml) or to the state's pool of executives, who register
the complaint into the chosen district from the console: the ticket is the district's, the executive on its
timeline. Nobody on duty, or nobody picks up: the district's IVR. Through signed webhooks and the console API."""
from __future__ import annotations

from typing import Any
from xml.etree import ElementTree

import pytest

from chalicelib import settings
from chalicelib.district_file import read_yaml
from chalicelib.domain.state_line import StateConfigError, parse_state_line
from chalicelib.i18n import available_languages
from chalicelib.store.district_loader import load_district, load_state
from tests.support.demo import untranscribed
from tests.support.fixtures import CALLER, ROOT, signed_post
from tests.support.operators import TUESDAY_MORNING, TUESDAY_NIGHT, pin
from tests.support.responses import ok, refused

STATE_LINE = "+917552555181"
RAJGARH_OPERATORS = ["+919500000901", "+919500000902"]  # examples/rajgarh.yaml: both on Tuesday mornings
DAY_EXECUTIVE, NIGHT_EXECUTIVE = "+917552555901", "+917552555902"
BASE = settings.public_base_url()


def _state(route: str) -> None:
    """The state file with Rajgarh's route, loaded (and the directory's cache told)."""
    from chalicelib import wiring

    data = read_yaml(ROOT / "examples" / "state-mp181.yaml")
    data["carrier"] = "twilio"  # the signed webhooks here are Twilio's
    data["districts"][0]["route"] = route
    load_state(parse_state_line(data, available_languages()))
    wiring.directory().clear()


@pytest.fixture
def rajgarh(aws):
    load_district(untranscribed(ROOT / "examples" / "rajgarh.yaml"))


def _form(**extra: str) -> dict[str, str]:
    return {"CallSid": "CA" + "5" * 32, "From": CALLER, "To": STATE_LINE, "Direction": "inbound",
            "CallStatus": "ringing", "AccountSid": "AC" + "1" * 32, **extra}


def _chosen(client: Any) -> ElementTree.Element:
    """The caller keyed 01 (Rajgarh): the state step redirects to the voice webhook with ?district=RJG."""
    step = ElementTree.fromstring(signed_post(client, "/twilio/voice/state/1", _form(Digits="01")).body)
    assert step.find("Redirect").text == BASE + "/twilio/voice/incoming?district=RJG"
    response = signed_post(client, "/twilio/voice/incoming?district=RJG", _form())
    assert response.status_code == 200, response.body
    return ElementTree.fromstring(response.body)


def _dialled(root: ElementTree.Element) -> list[str]:
    [dial] = root.findall("Dial")
    return [(n.text or "").strip() for n in dial.findall("Number")]


def test_rajgarhs_calls_on_181_ring_its_own_call_centre(api, clock, rajgarh):
    _state("operators")
    pin(clock, TUESDAY_MORNING)
    root = _chosen(api.client)
    assert _dialled(root) == RAJGARH_OPERATORS
    ringing = ok(api.get("operator.rjg", "/api/calls/ringing"))["items"]
    assert [(c["district"], c["state"], c["caller_phone"]) for c in ringing] == [("RJG", "ringing", CALLER)]
    assert ok(api.get("executive.mp181", "/api/calls/ringing"))["items"] == []  # not the state pool's call


def test_the_states_executives_take_the_call_and_register_it_into_the_district(api, clock, hotline, rajgarh):
    _state("executives")
    pin(clock, TUESDAY_MORNING)
    root = _chosen(api.client)
    assert _dialled(root) == [DAY_EXECUTIVE]  # the night executive is off
    [number] = root.find("Dial").findall("Number")
    whisper = number.get("url")
    assert "state=MP181" in whisper and "district=RJG" in whisper
    assert signed_post(api.client, whisper[len(BASE):], _form(To=DAY_EXECUTIVE, CallStatus="in-progress")
                       ).status_code == 200  # the executive picks up: their name on the call
    [call] = ok(api.get("executive.mp181", "/api/calls/ringing"))["items"]
    assert (call["district"], call["state"], call["answered_by"]) == ("RJG", "answered", "executive.mp181")
    assert ok(api.get("operator.rjg", "/api/calls/ringing"))["items"] == []  # not the district's own operators

    refused(api.post("executive.mp181", "/api/tickets", {"caller_phone": CALLER, "category": "electricity",
                                                          "description": "ट्रांसफार्मर जला"}), 400, "district_needed")
    refused(api.post("executive.mp181", "/api/tickets", {"caller_phone": CALLER, "category": "water",
                                                          "description": "नल", "district": "RPR"}), 403,
            "district_not_of_state")
    ticket = ok(api.post("executive.mp181", "/api/tickets", {
        "caller_phone": CALLER, "category": "electricity", "description": "गांव का ट्रांसफार्मर पांच दिन से जला है",
        "district": "RJG", "call_sid": call["call_sid"]}), 201)
    assert (ticket["district"], ticket["department"], ticket["level"]) == ("RJG", "electricity", "L1")
    [registered] = [e for e in ticket["timeline"] if e["action"] == "registered"]
    assert (registered["actor_type"], registered["actor_id"]) == ("operator", "executive.mp181")
    hotline.deliver()
    assert any(ticket["complaint_number"] in sms for sms in hotline.sms_bodies("+919500000401"))  # RJG's L1
    # The executive sees the district's tickets of their state, as its operators do.
    assert ok(api.get("executive.mp181", f"/api/tickets/{ticket['complaint_number']}"))["district"] == "RJG"
    refused(api.get("executive.mp181", "/api/tickets?view=recent&district=RPR"), 403, "district_not_of_state")


def test_nobody_on_duty_or_nobody_picking_up_is_the_districts_ivr(api, clock, rajgarh):
    _state("operators")
    pin(clock, TUESDAY_NIGHT)  # Rajgarh's call centre closes at 21:00
    root = _chosen(api.client)
    assert root.findall("Dial") == [] and "राजगढ़ जिला प्रशासन" in ElementTree.tostring(root, encoding="unicode")
    _state("executives")
    # (23:00: the night executive is on)
    root = _chosen(api.client)
    assert _dialled(root) == [NIGHT_EXECUTIVE]
    action = root.find("Dial").get("action")
    after = signed_post(api.client, action[len(BASE):], _form(CallStatus="in-progress", DialCallStatus="no-answer"))
    said = ElementTree.tostring(ElementTree.fromstring(after.body), encoding="unicode")
    from chalicelib.i18n import catalog

    # Rajgarh's recorded intake (one language: straight to "a new complaint, or the status of one")
    assert catalog("hi").text("operators_busy") in said and catalog("hi").text("main_menu") in said, said


def test_a_route_to_executives_needs_executives_on_the_roster():
    data = read_yaml(ROOT / "examples" / "state-mp181.yaml")
    data.pop("executives")
    data["districts"][0]["route"] = "executives"
    with pytest.raises(StateConfigError, match="executives: a district's route is executives"):
        parse_state_line(data, available_languages())
    data["districts"][0]["route"] = "call_centre"
    with pytest.raises(StateConfigError, match="route: 'call_centre' is one of ivr, operators, executives"):
        parse_state_line(data, available_languages())
