"""WhatsApp and SMS intake: a citizen's conversation on the messaging webhook becomes a ticket, through the same
registration, queues and notifier as a call; STATUS, feedback and officers' commands keep working beside it."""
from __future__ import annotations

from chalicelib.i18n import catalog
from chalicelib.store.models import ClaimModel, ConversationModel, TicketModel, TimelineModel
from tests.flows.test_least_privilege import requests_by_function  # noqa: F401  (the fixture)
from tests.support.fixtures import CALLER, signed_post

WHATSAPP_SENDER = "whatsapp:+919977222500"  # examples/raipur.yaml whatsapp.sender
SMS_SENDER = "+919977222500"  # examples/raipur.yaml sms_sender
CITIZEN_WA = f"whatsapp:{CALLER}"
NEIGHBOUR = "+919812340000"
WATER_L1, ELECTRICITY_L1 = "+919000000301", "+919000000401"
PHOTO = {"NumMedia": "1", "MediaContentType0": "image/jpeg",
         "MediaUrl0": "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"}
HI, EN = catalog("hi"), catalog("en")


def _number(reply: str) -> str:
    return next(word for word in reply.replace("।", " ").split() if word.startswith("RPR"))


def hindi_whatsapp_complaint(hotline, sender: str = CITIZEN_WA) -> str:
    assert hotline.text(sender, "नमस्ते", to=WHATSAPP_SENDER).startswith(HI.text("chat_choose_category"))
    assert hotline.text(sender, "3", to=WHATSAPP_SENDER) == HI.text("chat_ask_description")
    assert hotline.text(sender, "हैंडपंप तीन दिन से खराब है", to=WHATSAPP_SENDER, **PHOTO) == HI.text("chat_ask_name")
    assert hotline.text(sender, "रामू साहू", to=WHATSAPP_SENDER) == HI.text("chat_ask_address")
    # The demo sends citizens WhatsApp first: asked once whether to keep writing here; 2, no (so SMS, as before).
    assert hotline.text(sender, "वार्ड 7, अभनपुर", to=WHATSAPP_SENDER) == HI.text("consent_chat_whatsapp")
    return hotline.text(sender, "2", to=WHATSAPP_SENDER)


def test_a_hindi_whatsapp_conversation_with_a_photo_registers_and_forwards_the_ticket(hotline):
    reply = hindi_whatsapp_complaint(hotline)
    number = _number(reply)
    assert reply == HI.text("chat_registered", number=number)
    ticket = TicketModel.get(number)
    assert (ticket.channel, ticket.language, ticket.category, ticket.department) == ("whatsapp", "hi", "water",
                                                                                     "water")
    assert (ticket.caller_phone, ticket.caller_name, ticket.address) == (CALLER, "रामू साहू", "वार्ड 7, अभनपुर")
    assert ticket.description == "हैंडपंप तीन दिन से खराब है"
    assert (ticket.media_url, ticket.media_type) == (PHOTO["MediaUrl0"], "image/jpeg")  # evidence, kept
    [entry] = [e for e in TimelineModel.query(number) if e.action != "message"]  # and the notices' entry
    assert (entry.action, entry.channel, entry.actor_id) == ("registered", "whatsapp", CALLER)
    assert entry.detail["media_type"] == "image/jpeg" and "media_url" not in entry.detail  # never shown
    [forward] = hotline.sms_bodies(WATER_L1)  # the notifier forwarded it, through the queue (pump)
    assert number in forward and "api.twilio.com" not in forward
    assert '"हैंडपंप तीन दिन से खराब है"' in forward  # no recording to hear: the officer reads what was written
    [confirmation] = hotline.sms_bodies(CALLER)
    assert confirmation.startswith("आपकी शिकायत") and number in confirmation
    assert ClaimModel.get(f"chat#{entry.detail['conversation_id']}").result == number


def test_an_english_sms_conversation_registers_a_ticket(hotline):
    sms = lambda body: hotline.text(NEIGHBOUR, body, to=SMS_SENDER)  # noqa: E731
    assert sms("hi") == "\n".join(["नमस्ते! भाषा चुनें / Welcome! Choose a language", "1 हिंदी", "2 English"])
    assert sms("2").startswith(EN.text("chat_choose_category") + "\n1 health\n")
    assert sms("4") == EN.text("chat_ask_description")
    assert sms("No power in our lane for three days") == EN.text("chat_ask_name")
    assert sms("Asha Verma") == EN.text("chat_ask_address")
    assert sms("House 12, Ward 3, Tilda") == EN.text("consent_chat_sms")
    reply = sms("2")
    number = _number(reply)
    assert reply == EN.text("chat_registered", number=number)
    ticket = TicketModel.get(number)
    assert (ticket.channel, ticket.language, ticket.category, ticket.media_url) == ("sms", "en", "electricity", None)
    assert any(number in body for body in hotline.sms_bodies(ELECTRICITY_L1))
    assert hotline.sms_bodies(NEIGHBOUR)[-1].startswith(f"Your complaint {number} is registered")


def test_texts_to_a_hotline_line_start_the_conversation_too(hotline):
    assert hotline.text(CALLER, "शिकायत").startswith(HI.text("chat_choose_category"))  # To: the first demo line


def test_status_shows_only_the_citizens_own_complaint(hotline):
    number = _number(hindi_whatsapp_complaint(hotline))
    own = hotline.text(CITIZEN_WA, f"STATUS {number}", to=WHATSAPP_SENDER)
    assert own.startswith(f"शिकायत {number}: {HI.text('chat_status_registered')}। समाधान की अपेक्षित तिथि ")
    assert hotline.text(CALLER, f"status {number}", to=SMS_SENDER) == own  # same phone, by SMS
    assert hotline.text(NEIGHBOUR, f"STATUS {number}", to=SMS_SENDER) == HI.text("reply_not_found", number=number)
    assert hotline.text(WATER_L1, f"ACK {number}").startswith(f"{number}: ")
    assert HI.text("chat_status_acknowledged") in hotline.text(CITIZEN_WA, "STATUS", to=WHATSAPP_SENDER)


def test_a_retried_webhook_neither_advances_nor_registers_twice(hotline):
    first = hotline.text(CITIZEN_WA, "नमस्ते", to=WHATSAPP_SENDER, sid="SMfirst")
    step = hotline.text(CITIZEN_WA, "3", to=WHATSAPP_SENDER, sid="SMcategory")
    assert hotline.text(CITIZEN_WA, "3", to=WHATSAPP_SENDER, sid="SMcategory") == step
    assert first.startswith(HI.text("chat_choose_category"))
    # A late retry of the first message: told where things stand, nothing moves.
    assert hotline.text(CITIZEN_WA, "नमस्ते", to=WHATSAPP_SENDER, sid="SMfirst") == step
    key = f"RPR#{CALLER}#whatsapp"
    assert ConversationModel.get(key).state["step"] == "description"
    hotline.text(CITIZEN_WA, "पानी नहीं आ रहा", to=WHATSAPP_SENDER)
    hotline.text(CITIZEN_WA, "रामू", to=WHATSAPP_SENDER)
    hotline.text(CITIZEN_WA, "वार्ड 7", to=WHATSAPP_SENDER)
    done = hotline.text(CITIZEN_WA, "2", to=WHATSAPP_SENDER, sid="SMlast")  # the WhatsApp question's answer
    assert hotline.text(CITIZEN_WA, "2", to=WHATSAPP_SENDER, sid="SMlast") == done
    assert [t.complaint_number for t in TicketModel.by_caller.query(CALLER)] == [_number(done)]
    assert len(hotline.sms_bodies(WATER_L1)) == 1 and len(hotline.sms_bodies(CALLER)) == 1


def test_a_registration_whose_reply_was_lost_keeps_its_number(hotline, aws):
    """The ticket was written but the conversation's save was not (the function died in between): Twilio's
    retry registers nothing new and answers with the first number."""
    for body in ("नमस्ते", "3", "पानी नहीं आ रहा", "रामू", "वार्ड 7"):
        hotline.text(CITIZEN_WA, body, to=WHATSAPP_SENDER)
    key = {"key": {"S": f"RPR#{CALLER}#whatsapp"}}
    before = aws["dynamodb"].get_item(TableName="samvad-test-conversations", Key=key)["Item"]
    done = hotline.text(CITIZEN_WA, "2", to=WHATSAPP_SENDER, sid="SMlast")  # registers, after the WhatsApp question
    aws["dynamodb"].put_item(TableName="samvad-test-conversations", Item=before)
    assert hotline.text(CITIZEN_WA, "2", to=WHATSAPP_SENDER, sid="SMlast") == done
    assert [t.complaint_number for t in TicketModel.by_caller.query(CALLER)] == [_number(done)]


def test_feedback_after_resolution_and_officers_commands_still_work(hotline):
    number = _number(hindi_whatsapp_complaint(hotline))
    assert hotline.text(WATER_L1, f"DONE {number} नया हैंडपंप लगा दिया") == \
        f"{number}: निराकरण दर्ज। नागरिक से फीडबैक लिया जाएगा।"
    assert hotline.text(WATER_L1, "नमस्ते", to=WHATSAPP_SENDER) == HI.text("reply_help")  # no conversation
    assert hotline.text(CITIZEN_WA, "1", to=WHATSAPP_SENDER) == HI.text("reply_closed_satisfied", number=number)
    ticket = TicketModel.get(number)
    assert (ticket.status, ticket.closure) == ("closed", "satisfied")
    assert [e.channel for e in TimelineModel.query(number) if e.action != "message"][-1] == "whatsapp"


def test_a_feedback_digit_inside_a_conversation_is_the_conversations(hotline):
    number = hotline.complaint("3")  # by the IVR
    hotline.text(WATER_L1, f"DONE {number} ठीक किया")
    assert hotline.text(CALLER, "नई शिकायत", to=SMS_SENDER).startswith(HI.text("chat_choose_category"))
    assert hotline.text(CALLER, "1", to=SMS_SENDER) == HI.text("chat_ask_description")  # category 1, not feedback
    assert TicketModel.get(number).status == "resolved"


def test_bad_input_gets_a_clear_reply(hotline):
    assert hotline.text(CITIZEN_WA, "नमस्ते", to=WHATSAPP_SENDER).startswith(HI.text("chat_choose_category"))
    assert hotline.text(CITIZEN_WA, "12", to=WHATSAPP_SENDER).startswith(HI.text("chat_bad_category", most=7))
    assert hotline.text(CITIZEN_WA, "3", to=WHATSAPP_SENDER) == HI.text("chat_ask_description")
    assert hotline.text(CITIZEN_WA, "", to=WHATSAPP_SENDER) == HI.text("chat_description_empty")
    assert hotline.text(CITIZEN_WA, "क" * 501, to=WHATSAPP_SENDER) == HI.text("chat_too_long", most=500, length=501)
    assert hotline.text(CITIZEN_WA, "RESTART", to=WHATSAPP_SENDER).startswith("नमस्ते! भाषा चुनें")
    assert list(TicketModel.by_caller.query(CALLER)) == []


def test_a_messaging_status_callback_is_not_a_message(hotline):
    form = {"MessageSid": "SMx", "MessageStatus": "delivered", "To": CALLER, "AccountSid": "AC" + "1" * 32}
    response = signed_post(hotline.client, "/twilio/messaging/incoming", form)  # no From/Body: nothing to do
    assert response.status_code == 200 and b"<Message>" not in response.body


def test_the_intake_needs_only_what_infra_needs_declares(hotline, requests_by_function):  # noqa: F811
    from infra import policies
    from infra.readiness import _needed

    hindi_whatsapp_complaint(hotline)
    hotline.text(CITIZEN_WA, "STATUS", to=WHATSAPP_SENDER)
    declared = set(_needed(policies.load_needs()["api_handler"], "test"))
    assert requests_by_function["api_handler"] and requests_by_function["api_handler"] <= declared, \
        requests_by_function["api_handler"] - declared
