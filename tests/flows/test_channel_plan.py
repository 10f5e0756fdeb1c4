"""The India plan end to end: events on the notify queue, the real notifier, Twilio (WhatsApp, international
SMS) and Plivo (DLT SMS) through their recording clients, Twilio's signed status callback, the timeline in
DynamoDB (moto). The demo district on Plivo: WhatsApp first, DLT SMS on Plivo, international SMS last."""
from __future__ import annotations

import pytest

from chalicelib import settings, wiring
from chalicelib.domain.events import DomainEvent
from chalicelib.domain.registration import CallComplaint, build_call_registration
from chalicelib.domain.ticket import snapshot
from tests.support.fixtures import CALLER, LINE, signed_post

pytestmark = pytest.mark.parametrize("demo_carrier", ["plivo"], indirect=True)

WATER_L1 = "+919000000301"  # not on WhatsApp
HEALTH_L1 = "+919000000101"  # on WhatsApp
ACCOUNT = "AC" + "1" * 32
INTERNATIONAL = "+14155550100"


def _complaint(hotline, consent: bool, category: str = "water") -> str:
    """A complaint recorded on the demo line, its ticket.created event on the queues, delivered."""
    district = wiring.directory().district("RPR")
    assert district is not None
    complaint = CallComplaint(call_sid="CA" + "7" * 32, caller_phone=CALLER, line=LINE, language="hi",
                              category_id=category, recording_sid="RE" + "7" * 32, recording_url="https://x",
                              recording_duration=5)
    registration = build_call_registration(complaint, district, 1, wiring.clock())
    wiring.ticket_store().register(registration)
    ticket = registration.ticket
    number = ticket.complaint_number
    data = {**snapshot(ticket), "actor": {"type": "citizen", "id": CALLER}, "whatsapp_consent": consent}
    wiring.dispatcher().dispatch(DomainEvent("ticket.created", number, ticket.version, ticket.created_at, data))
    hotline.deliver()
    return number


def _messages(number: str) -> list[dict]:
    return [{"channel": e.channel, **e.detail} for e in wiring.console_queries().timeline(number)
            if e.action == "message"]


def _citizen(entry: dict) -> dict:
    return next(n for n in entry["notices"] if n["to"] == "citizen")


def _template(kind: str) -> str:
    district = wiring.directory().district("RPR")
    assert district is not None and district.whatsapp is not None
    return district.whatsapp.templates[kind]


def test_a_citizen_who_said_yes_hears_on_whatsapp_and_nothing_by_sms(hotline):
    number = _complaint(hotline, consent=True)
    [whatsapp] = hotline.twilio.sms(to=f"whatsapp:{CALLER}")
    assert whatsapp.data["ContentSid"] == _template("acknowledgement") and number in whatsapp.data["ContentVariables"]
    assert whatsapp.data["From"] == "whatsapp:+919977222500"
    assert hotline.plivo.sms(to=CALLER) == []
    [entry] = _messages(number)
    assert _citizen(entry) == {"to": "citizen", "kind": "acknowledgement", "channel": "whatsapp", "skipped": []}


def test_a_citizen_who_said_no_gets_the_dlt_sms_and_the_timeline_says_no_consent(hotline):
    number = _complaint(hotline, consent=False)
    assert hotline.twilio.sms(to=f"whatsapp:{CALLER}") == []
    [sms] = hotline.plivo.sms(to=CALLER)
    assert sms.body["src"] == "RPRCOL" and sms.body["dlt_template_id"] == "DEMO1107RPR00000201"
    assert number in sms.body["text"]
    [entry] = _messages(number)
    assert _citizen(entry)["channel"] == "sms"
    assert _citizen(entry)["skipped"] == [{"channel": "whatsapp", "reason": "no_consent"}]


def test_an_officer_without_whatsapp_gets_the_forward_by_dlt_sms(hotline):
    number = _complaint(hotline, consent=False)
    [forward] = hotline.plivo.sms(to=WATER_L1)
    assert forward.body["text"].startswith(f"शिकायत {number}")
    [entry] = _messages(number)
    assert entry["channel"] == "sms"  # the first notice's: the officer's forward
    assert entry["notices"][0] == {"to": "officer", "kind": "forward", "channel": "sms",
                                   "skipped": [{"channel": "whatsapp", "reason": "not_on_whatsapp"}]}


def test_a_whatsapp_template_refused_goes_by_sms(hotline):
    hotline.twilio.fail_next_to("Messages.json", 400)  # the first Twilio message: the citizen's WhatsApp
    number = _complaint(hotline, consent=True)
    assert hotline.twilio.sms(to=f"whatsapp:{CALLER}") == []
    [sms] = hotline.plivo.sms(to=CALLER)
    assert number in sms.body["text"]
    assert _citizen(_messages(number)[0])["skipped"] == [{"channel": "whatsapp", "reason": "template_refused"}]


def test_when_whatsapp_and_the_dlt_route_refuse_the_acknowledgement_goes_by_international_sms(hotline):
    hotline.twilio.fail_next_to("Messages.json", 400)
    hotline.plivo.fail_next_to(CALLER, 400)
    number = _complaint(hotline, consent=True)
    assert hotline.plivo.sms(to=CALLER) == []
    [international] = hotline.twilio.sms(to=CALLER)
    assert international.data["From"] == INTERNATIONAL and number in international.data["Body"]
    assert "dlt" not in " ".join(international.data).lower()
    assert _citizen(_messages(number)[0]) == {
        "to": "citizen", "kind": "acknowledgement", "channel": "international_sms",
        "skipped": [{"channel": "whatsapp", "reason": "template_refused"}, {"channel": "sms", "reason": "refused"}]}


def test_a_bounced_whatsapp_goes_on_by_sms_once_however_often_twilio_says_so(hotline):
    number = _complaint(hotline, consent=True)
    [whatsapp] = hotline.twilio.sms(to=f"whatsapp:{CALLER}")
    callback = whatsapp.data["StatusCallback"]
    assert callback.startswith(settings.public_base_url())
    status = {"MessageSid": "SMbounced", "MessageStatus": "undelivered", "To": f"whatsapp:{CALLER}",
              "ErrorCode": "63024", "AccountSid": ACCOUNT}
    for _ in range(2):  # Twilio repeats a callback it thinks we missed
        response = signed_post(hotline.client, callback[len(settings.public_base_url()):], status)
        assert response.status_code == 200
        hotline.deliver()
    [sms] = hotline.plivo.sms(to=CALLER)
    assert number in sms.body["text"] and sms.body["dlt_template_id"] == "DEMO1107RPR00000201"
    first, bounce = sorted(_messages(number), key=lambda entry: "bounced" in entry)  # in the same second
    assert "bounced" not in first and bounce["bounced"] is True and bounce["channel"] == "sms"
    assert bounce["notices"] == [{"to": "citizen", "kind": "acknowledgement", "channel": "sms",
                                  "skipped": [{"channel": "whatsapp", "reason": "bounced"}]}]
    statuses = [e for e in wiring.console_queries().timeline(number) if e.action == "message_undelivered"]
    assert len(statuses) == 1 and statuses[0].detail["notice"] == "citizen"


def test_an_officers_bounced_whatsapp_forward_goes_by_sms(hotline):
    number = _complaint(hotline, consent=False, category="health")
    [whatsapp] = hotline.twilio.sms(to=f"whatsapp:{HEALTH_L1}")
    assert whatsapp.data["ContentSid"] == _template("forward")
    status = {"MessageSid": "SMofficer", "MessageStatus": "failed", "To": f"whatsapp:{HEALTH_L1}",
              "ErrorCode": "63016", "AccountSid": ACCOUNT}
    response = signed_post(hotline.client, whatsapp.data["StatusCallback"][len(settings.public_base_url()):], status)
    assert response.status_code == 200
    hotline.deliver()
    [sms] = hotline.plivo.sms(to=HEALTH_L1)
    assert sms.body["text"].startswith(f"शिकायत {number}")
    [bounce] = [entry for entry in _messages(number) if entry.get("bounced")]
    assert bounce["notices"] == [{"to": "officer", "kind": "forward", "channel": "sms",
                                  "skipped": [{"channel": "whatsapp", "reason": "bounced"}]}]
