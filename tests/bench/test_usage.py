"""tests/bench/usage.py records, per channel plan and run, what each carrier was asked for. Not in `make test`
(tests/bench is outside its paths: the runs take about 15 s); run it with
`.venv/bin/python -m pytest -q tests/bench/test_usage.py`."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.bench import run as bench_run  # its request counters, registered before any client
from tests.bench import usage


@dataclass
class Posted:
    method: str
    url: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    path: str = ""
    body: dict[str, Any] = field(default_factory=dict)


CITIZEN, OFFICER = "+919812345678", "+919000000301"


def test_each_message_is_told_apart_by_carrier_channel_party_and_segments():
    from chalicelib.domain.sms_segments import segments

    hindi = "आपकी शिकायत दर्ज हो गई है। शिकायत संख्या RPR2612030001, समाधान की तिथि 06-12-2026 तक।"
    twilio = [Posted("POST", "https://api.twilio.com/2010-04-01/Accounts/AC/Messages.json",
                     {"To": f"whatsapp:{OFFICER}", "From": "whatsapp:+919977222500", "ContentSid": "HX1"}),
              Posted("POST", "https://api.twilio.com/2010-04-01/Accounts/AC/Messages.json",
                     {"To": CITIZEN, "MessagingServiceSid": "MG1", "Body": hindi}),
              Posted("POST", "https://api.twilio.com/2010-04-01/Accounts/AC/Messages.json",
                     {"To": OFFICER, "From": "+919977222500", "Body": "DONE"}),
              Posted("GET", "https://api.twilio.com/2010-04-01/Accounts/AC/Messages.json"),
              Posted("POST", "https://api.twilio.com/2010-04-01/Accounts/AC/Calls.json", {"To": CITIZEN})]
    plivo = [Posted("POST", path="/v1/Account/MA/Message/", body={"dst": CITIZEN.lstrip("+"), "text": hindi}),
             Posted("POST", path="/v1/Account/MA/Call/", body={"to": OFFICER.lstrip("+")})]
    parties = usage._Parties(CITIZEN)
    sent = usage.carrier_messages(twilio, plivo, parties, international_sender="MG1")
    assert sent == [
        {"carrier": "twilio", "channel": "whatsapp", "to": "officer", "segments": 0, "template": True},
        {"carrier": "twilio", "channel": "international_sms", "to": "citizen", "segments": segments(hindi),
         "template": False},
        {"carrier": "twilio", "channel": "sms", "to": "officer", "segments": 1, "template": False},
        {"carrier": "plivo", "channel": "sms", "to": "citizen", "segments": segments(hindi), "template": False}]
    assert usage.carrier_calls(twilio, plivo, parties) == [{"carrier": "twilio", "to": "citizen"},
                                                           {"carrier": "plivo", "to": "officer"}]


def test_a_plan_file_changes_the_district_it_names():
    plans = {plan.id: plan for plan in usage.plans()}
    assert next(iter(plans)) == "india"  # the goal's plan first
    twilio = plans["twilio-only"]
    assert {hotline["carrier"] for hotline in twilio.data["hotlines"]} == {"twilio"}
    assert "channel_plan" not in twilio.data and twilio.every_hotline_carrier == "twilio"
    reachable, unreachable = twilio.for_variant("reachable"), twilio.for_variant("unreachable")
    officers = [o for d in reachable["departments"] for o in d["officers"].values()]
    assert officers and all(o["whatsapp"] for o in officers)
    assert not any("whatsapp" in o for d in unreachable["departments"] for o in d["officers"].values())
    assert plans["india"].line_carrier("+919977222564") == plans["india"].data["hotlines"][0].get("carrier", "twilio")


@pytest.fixture(scope="module")
def measured():
    import os

    before = dict(os.environ)
    bench_run._env()  # make bench's settings: its stage, carriers' credentials and base URL
    try:
        yield usage.measure(progress=lambda _text: None)
    finally:
        os.environ.clear()
        os.environ.update(before)


def test_every_plan_is_measured_twice_with_what_each_carrier_was_asked_for(measured):
    plans = {plan.id: plan for plan in usage.plans()}
    assert set(measured["plans"]) == set(plans)
    for plan_id, plan in measured["plans"].items():
        assert set(plan["runs"]) == set(usage.VARIANTS)
        line_carrier = plans[plan_id].line_carrier("+919977222564")
        for variant, run in plan["runs"].items():
            life = run["lifecycle"]
            assert life["ticket"]["status"] == "closed", (plan_id, variant)
            assert life["ticket"]["whatsapp_consent"] is False or variant == "reachable"
            assert life["complaint_calls"] == [{"carrier": line_carrier, "line": "+919977222564", "recorded": True}]
            assert {"carrier": line_carrier, "to": "citizen"} in life["calls"]  # the feedback call, from the line
            assert life["messages"], (plan_id, variant)
            for message in life["messages"]:
                assert message["channel"] in ("whatsapp", "sms", "international_sms")
                assert message["to"] in ("citizen", "officer")
                assert (message["segments"] == 0) == (message["channel"] == "whatsapp")
            assert life["invocations"]["api_handler"] > 0 and life["operations"]
            assert life["officer_action"] in ("whatsapp", "sms", "voice", "console")
            assert bool(life["officer_calls"]) == (life["officer_action"] == "voice")
            assert bool(life["inbound_messages"]) == (life["officer_action"] in ("whatsapp", "sms"))
        assert plan["numbers"] and sum(plan["numbers"].values()) >= len(
            [line for h in plans[plan_id].data["hotlines"] for line in h["lines"]])
    twilio_only = measured["plans"]["twilio-only"]["runs"]
    assert not any(m["carrier"] == "plivo" for run in twilio_only.values() for m in run["lifecycle"]["messages"])
    # Nobody on WhatsApp: no WhatsApp message at all.
    for plan in measured["plans"].values():
        assert not any(m["channel"] == "whatsapp" for m in plan["runs"]["unreachable"]["lifecycle"]["messages"])
    json.dumps(measured)  # what build/bench.json keeps
