"""Status callbacks racing or repeating, feedback calls that come too late, and withheld callers.

Only the tests a Plivo district can live through run once per carrier: the rest need WhatsApp (Twilio's) or a
text back from an officer or citizen, and Plivo's Indian numbers take no SMS.
"""
from __future__ import annotations

import pytest

from chalicelib import settings
from chalicelib.store.models import TicketModel
from tests.support.fixtures import CALLER, CARRIERS, signed_post

per_carrier = pytest.mark.parametrize("demo_carrier", CARRIERS, indirect=True)

HEALTH_L1, WATER_L1 = "+919000000101", "+919000000301"
ACCOUNT = "AC" + "1" * 32


def test_a_bounced_whatsapp_reminder_comes_back_once_by_sms_as_the_reminder(hotline):  # Twilio's: WhatsApp
    number = hotline.complaint("1")  # health: its L1 officer is on WhatsApp
    hotline.advance(hours=36)
    reminder = hotline.twilio.sms(to=f"whatsapp:{HEALTH_L1}")[-1].data
    assert reminder["ContentSid"] == "HX00000000000000000000000000000002"  # the reminder's template
    callback = reminder["StatusCallback"]
    assert callback.startswith(settings.public_base_url())
    status = {"MessageSid": "SMreminder", "MessageStatus": "undelivered", "To": f"whatsapp:{HEALTH_L1}",
              "ErrorCode": "63016", "AccountSid": ACCOUNT}
    for _ in range(2):  # Twilio repeats a callback it thinks we missed
        response = signed_post(hotline.client, callback[len(settings.public_base_url()):], status)
        assert response.status_code == 200
        hotline.deliver()
    [fallback] = hotline.sms_bodies(HEALTH_L1)
    assert fallback.startswith(f"स्मरण: शिकायत {number} (स्वास्थ्य)")


@per_carrier
def test_a_failure_behind_a_message_status_is_answered_without_voice(hotline, webhooks, monkeypatch):
    from chalicelib import wiring

    number = hotline.complaint("3")
    [forward] = hotline.outbound.sms(to=WATER_L1)
    assert forward.status_callback == f"{settings.public_base_url()}/{hotline.carrier}/messaging/status/{number}"

    def broken():
        raise ConnectionError("DynamoDB unreachable")

    monkeypatch.setattr(wiring, "ticket_store", broken)
    status = {"MessageSid": webhooks.call_sid("f"), "MessageStatus": "delivered", "To": WATER_L1,
              "AccountSid": ACCOUNT}
    response = webhooks.post(f"/messaging/status/{number}", status)
    assert response.status_code == 200
    assert response.body.decode() == '<?xml version="1.0" encoding="UTF-8"?><Response />'


def test_a_transition_cannot_undo_the_recordings_confirmation(hotline):  # Twilio's: the officer ACKs by SMS
    from chalicelib import wiring
    from chalicelib.domain.lifecycle import Actor, Lifecycle
    from chalicelib.domain.ports import StaleTicket

    number = hotline.complaint("3")
    TicketModel(number).update(actions=[TicketModel.recording_confirmed.set(False)])  # callback not yet in
    store = wiring.ticket_store()
    read_before = store.get(number)
    officer = Actor("officer", WATER_L1, "sms", (("water", "L1"),))
    acknowledge = Lifecycle(wiring.directory().district("RPR"), hotline.clock.now()).acknowledge(read_before, officer)
    callback = {"AccountSid": ACCOUNT, "CallSid": read_before.call_sid, "RecordingSid": read_before.recording_sid,
                "RecordingStatus": "completed", "RecordingDuration": "7"}
    assert signed_post(hotline.client, "/twilio/voice/recording-status", callback).status_code == 200
    with pytest.raises(StaleTicket):  # the officer is told to send again, instead of erasing the confirmation
        store.save_change(acknowledge)
    ticket = TicketModel.get(number)
    assert ticket.recording_confirmed and ticket.recording_duration == 7
    assert hotline.text(WATER_L1, f"ACK {number}").startswith(f"{number}: प्राप्ति दर्ज।")
    assert TicketModel.get(number).recording_confirmed


def test_a_citizen_who_answered_by_sms_hears_only_goodbye_on_the_call(hotline):  # Twilio's: SMS intake
    number = hotline.complaint("3")
    hotline.text(WATER_L1, f"DONE {number} pump repaired")
    hotline.advance(minutes=1)
    assert len(hotline.twilio.calls(to=CALLER)) == 1
    assert hotline.text(CALLER, "1") == f"धन्यवाद। शिकायत {number} बंद की गई।"
    log = hotline.answer_feedback_call("2")  # picks up after the SMS; the key press must change nothing
    assert log.said == ["धन्यवाद। नमस्कार।"]
    assert TicketModel.get(number).closure == "satisfied"


def test_a_caller_with_a_withheld_number_registers_but_is_never_texted_or_called(hotline):  # Twilio's: DONE by SMS
    withheld = "+266696687"  # what Twilio puts in From for an anonymous caller
    number = hotline.complaint("3", caller=withheld)
    assert TicketModel.get(number).caller_phone == withheld
    assert hotline.sms_bodies(WATER_L1)  # the officer has it
    hotline.text(WATER_L1, f"DONE {number} pump repaired")
    hotline.advance(minutes=1)
    hotline.advance(hours=24, minutes=1)
    assert hotline.twilio.sms(to=withheld) == [] and hotline.twilio.calls() == []


@per_carrier
def test_a_message_status_on_the_timeline_names_the_carrier_that_posted_it(hotline, webhooks):
    from chalicelib import wiring

    number = hotline.complaint("3")
    status = {"MessageSid": webhooks.call_sid("d"), "MessageStatus": "delivered", "To": WATER_L1,
              "AccountSid": ACCOUNT}
    assert webhooks.post(f"/messaging/status/{number}", status).status_code == 200
    [entry] = [e for e in wiring.console_queries().timeline(number) if e.action == "message_delivered"]
    assert (entry.actor_type, entry.actor_id, entry.channel) == ("system", hotline.carrier, "sms")
