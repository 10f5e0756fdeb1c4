"""A citizen asks for a sign-language video call — key 8 on the IVR (Twilio and Plivo lines), "वीडियो" or the first
menu's choice on WhatsApp, the district's web page — and the notifier sends the link to the phone that asked.

Each test drives the real interfaces: carrier-signed voice webhooks through the call emulator, the signed Twilio
messaging webhook, the page's form POST; the booking is read back from the calls table through the store, and the
link from the SMS the recording Twilio/Plivo clients took after the pump delivered the notify queue.
"""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from chalicelib import wiring
from chalicelib.domain.video_calls import BOOKED
from chalicelib.i18n import catalog
from chalicelib.store.models import CallModel, TicketModel
from tests.support.fixtures import CALLER, CARRIERS

HI, EN = catalog("hi"), catalog("en")
WHATSAPP_SENDER = "whatsapp:+919977222500"  # examples/raipur.yaml whatsapp.sender
CITIZEN_WA = f"whatsapp:{CALLER}"
WATER_L1 = "+919000000301"
WITHHELD = "+266696687"
OTHER = "+919812340000"
ON_DUTY = datetime(2026, 12, 7, 5, 30, tzinfo=UTC)  # Monday 11:00 IST: operator.rpr.sign signs 10:00–18:00
OFF_DUTY = datetime(2026, 12, 6, 5, 30, tzinfo=UTC)  # Sunday 11:00 IST: the next slot is Monday 10:00 IST
NEXT_SHIFT = "2026-12-07T04:30:00Z"
_LINK = re.compile(r"https?://\S+/video/(VC[0-9a-f]{32})")


def _at(clock, when: datetime) -> None:
    clock.advance(when - clock.now())


def _links_sent(hotline, phone: str = CALLER, channel: str = "sms") -> list[tuple[str, str]]:
    """(message, call id) of each video link the carriers took for `phone`: by SMS, or by WhatsApp (a template's
    values: the whole message in the person's language)."""
    if channel == "whatsapp":
        import json

        bodies = [" ".join(json.loads(r.data.get("ContentVariables") or "{}").values()) or r.data.get("Body", "")
                  for r in hotline.twilio.sms(to=f"whatsapp:{phone}")]
    else:
        bodies = hotline.sms_bodies(phone)
    return [(body, match.group(1)) for body in bodies if (match := _LINK.search(body))]


def _booking(call_id: str):
    call = wiring.video_calls().get(call_id)
    assert call is not None, call_id
    return call


# -- the IVR's key 8 -----------------------------------------------------------------------------------

@pytest.mark.parametrize("demo_carrier", CARRIERS, indirect=True)
def test_key_8_books_a_video_call_for_now_and_the_link_comes_by_sms(hotline, clock, demo_carrier):
    _at(clock, ON_DUTY)
    log = hotline.phone("1|8")
    assert HI.text("video_menu_offer") in " ".join(log.said)  # offered for a relative to press
    assert log.said[-2:] == [HI.text("video_sent_now"), HI.text("goodbye")]
    assert all(status == 200 for _, status in log.requests), log.requests
    prefix = f"/{demo_carrier}/voice"
    assert [path for path, _ in log.requests][:3] == [f"{prefix}/incoming", f"{prefix}/language/1",
                                                      f"{prefix}/menu/hi/1"]
    hotline.deliver()
    [(body, call_id)] = _links_sent(hotline)
    assert body.startswith("सांकेतिक भाषा वीडियो कॉल के लिए अभी यह लिंक खोलें:")
    call = _booking(call_id)
    assert (call.state, call.source, call.caller_phone, call.language, call.district) == (BOOKED, "ivr", CALLER,
                                                                                          "hi", "RPR")
    assert CallModel.get(call_id).kind == "video"  # the calls table holds it under its id
    if demo_carrier == "plivo":  # India's DLT route: the SMS carries the template registered for it
        [sent] = hotline.plivo.sms(to=CALLER)
        assert sent.body.get("dlt_template_id") == "DEMO1107RPR00000261", sent.body


@pytest.mark.parametrize("demo_carrier", CARRIERS, indirect=True)
def test_off_duty_key_8_books_the_next_shift_and_says_when_in_english(hotline, clock):
    _at(clock, OFF_DUTY)
    log = hotline.phone("2|8")
    assert log.said[-2] == EN.text("video_sent_later", time="10:00 on 7 December")
    hotline.deliver()
    [(body, call_id)] = _links_sent(hotline)
    assert body.startswith("Your sign-language video call is at 07-12 10:00. Open this link then: ")
    assert _booking(call_id).slot_at == NEXT_SHIFT


def test_key_8_from_a_withheld_number_is_told_no_link_can_be_sent(hotline, clock):
    _at(clock, ON_DUTY)
    log = hotline.phone("1|8", caller=WITHHELD)
    assert log.said[-2:] == [HI.text("video_refused_video_no_phone"), HI.text("goodbye")]
    hotline.deliver()
    assert not list(CallModel.scan(CallModel.kind == "video"))


def test_the_fourth_link_of_the_day_is_refused_in_words(hotline, clock):
    _at(clock, ON_DUTY)
    for _ in range(3):  # the same open booking's link, sent again each time
        assert hotline.phone("1|8").said[-2] == HI.text("video_sent_now")
    log = hotline.phone("1|8")
    assert log.said[-2] == HI.text("video_refused_video_cap", most=3)
    hotline.deliver()
    sent = _links_sent(hotline)
    assert len(sent) == 3 and len({call_id for _, call_id in sent}) == 1


# -- WhatsApp --------------------------------------------------------------------------------------------

def test_video_on_whatsapp_books_a_call_once_however_often_twilio_retries(hotline, clock):
    _at(clock, ON_DUTY)
    reply = hotline.text(CITIZEN_WA, "VIDEO", to=WHATSAPP_SENDER, sid="SM" + "1" * 32)
    assert reply == HI.text("video_chat_now")
    assert hotline.text(CITIZEN_WA, "VIDEO", to=WHATSAPP_SENDER, sid="SM" + "1" * 32) == reply  # Twilio's retry
    [(body, call_id)] = _links_sent(hotline, channel="whatsapp")  # asked on WhatsApp: the link goes back there
    assert HI.text("citizen_video_now", link="") in body and _booking(call_id).source == "whatsapp"
    assert _links_sent(hotline) == []  # and not by SMS too


def test_the_word_in_the_middle_of_a_complaint_books_the_call_and_ends_the_chat(hotline, clock):
    _at(clock, OFF_DUTY)
    assert hotline.text(CITIZEN_WA, "नमस्ते", to=WHATSAPP_SENDER).startswith(HI.text("chat_choose_category"))
    assert hotline.text(CITIZEN_WA, "3", to=WHATSAPP_SENDER) == HI.text("chat_ask_description")
    reply = hotline.text(CITIZEN_WA, "वीडियो", to=WHATSAPP_SENDER)
    assert reply == HI.text("video_chat_later", time="07-12-2026 को 10:00 बजे")
    [(_, call_id)] = _links_sent(hotline, channel="whatsapp")
    assert _booking(call_id).slot_at == NEXT_SHIFT
    # The chat ended: the next message starts over (a new first menu), nothing registered.
    assert hotline.text(CITIZEN_WA, "नमस्ते", to=WHATSAPP_SENDER).startswith(HI.text("chat_choose_category"))


def test_the_first_menu_offers_the_video_call_as_a_choice(hotline, clock):
    _at(clock, ON_DUTY)
    menu = hotline.text(f"whatsapp:{OTHER}", "hello", to=WHATSAPP_SENDER)
    assert menu.splitlines()[-1] == "3 सांकेतिक भाषा में वीडियो कॉल / Video call in sign language"
    assert hotline.text(f"whatsapp:{OTHER}", "3", to=WHATSAPP_SENDER) == HI.text("video_chat_now")
    [(_, call_id)] = _links_sent(hotline, OTHER, channel="whatsapp")
    assert (_booking(call_id).caller_phone, _booking(call_id).source) == (OTHER, "whatsapp")
    # In Hindi the first menu is the categories': the choice after the last of them (7 in the demo).
    menu = hotline.text(CITIZEN_WA, "नमस्ते", to=WHATSAPP_SENDER)
    assert menu.splitlines()[-1] == "8 सांकेतिक भाषा में वीडियो कॉल"
    assert hotline.text(CITIZEN_WA, "8", to=WHATSAPP_SENDER) == HI.text("video_chat_now")


def test_a_resolved_complaints_citizen_answers_video_instead_of_1_or_2(hotline, clock):
    _at(clock, ON_DUTY)
    number = hotline.complaint("3")
    hotline.text(WATER_L1, f"DONE {number} हैंडपंप ठीक कर दिया")
    assert TicketModel.get(number).status == "resolved"
    reply = hotline.text(CITIZEN_WA, "वीडियो", to=WHATSAPP_SENDER)
    assert reply == HI.text("video_chat_feedback", number=number) + " " + HI.text("video_chat_now")
    [(_, call_id)] = _links_sent(hotline, channel="whatsapp")
    assert _booking(call_id).source == "feedback"
    assert TicketModel.get(number).status == "resolved"  # the feedback is given on the call


# -- the district's web page -----------------------------------------------------------------------------

def test_the_page_is_hindi_first_with_an_english_switch_and_a_strict_policy(client, aws):
    page = client.http.get("/video/ask/RPR")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    text = page.body.decode()
    assert '<html lang="hi">' in text and HI.text("video_web_title") in text and 'name="phone"' in text
    assert 'href="?lang=en"' in text and "<script" not in text
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy and "frame-ancestors 'none'" in policy
    english = client.http.get("/video/ask/rpr?lang=en").body.decode()
    assert '<html lang="en">' in english and EN.text("video_web_intro") in english
    assert 'value="en" checked' in english


def test_the_form_books_a_call_and_says_where_the_link_went_never_the_link(hotline, client, clock):
    _at(clock, ON_DUTY)
    answer = client.http.post("/video/ask/RPR", headers={"Content-Type": "application/x-www-form-urlencoded"},
                              body="phone=98123+45678&language=hi")
    assert answer.status_code == 200
    text = answer.body.decode()
    assert HI.text("video_web_sent_now", phone="09812345678") in text and "/video/VC" not in text
    hotline.deliver()
    [(_, call_id)] = _links_sent(hotline)
    assert (_booking(call_id).source, _booking(call_id).caller_phone) == ("web", CALLER)


def test_a_wrong_phone_is_a_400_in_the_callers_language_and_an_unknown_district_a_404(hotline, client, clock):
    _at(clock, ON_DUTY)
    wrong = client.http.post("/video/ask/RPR?lang=en", headers={"Content-Type": "application/x-www-form-urlencoded"},
                             body="phone=12345&language=en")
    assert wrong.status_code == 400 and EN.text("video_web_bad_phone") in wrong.body.decode()
    assert 'value="12345"' in wrong.body.decode()  # what they typed, to correct
    missing = client.http.get("/video/ask/XYZ")
    assert missing.status_code == 404 and HI.text("video_web_no_district") in missing.body.decode()
    hotline.deliver()
    assert not list(CallModel.scan(CallModel.kind == "video"))


def test_the_page_refuses_in_words_once_the_phone_had_its_links_today(hotline, client, clock):
    _at(clock, OFF_DUTY)
    form = {"headers": {"Content-Type": "application/x-www-form-urlencoded"}, "body": "phone=9812345678&language=en"}
    for _ in range(3):
        later = client.http.post("/video/ask/RPR", **form)
        assert later.status_code == 200
        assert EN.text("video_web_sent_later", phone="09812345678", time="10:00 on 07-12-2026") in later.body.decode()
    refused = client.http.post("/video/ask/RPR", **form)
    assert refused.status_code == 409 and EN.text("video_refused_video_cap", most=3) in refused.body.decode()


def test_a_whatsapp_buttons_payload_is_the_answer_whatever_its_text(hotline, clock):
    """The resolution's template may carry quick-reply buttons ("1 हाँ", "2 नहीं", "वीडियो"): a citizen who cannot
    type answers with a tap, and Twilio posts the button's payload beside its text."""
    _at(clock, ON_DUTY)
    number = hotline.complaint("3")
    hotline.text(WATER_L1, f"DONE {number} हैंडपंप ठीक कर दिया")
    hotline.text(CITIZEN_WA, "हाँ, समस्या हल हुई 👍", to=WHATSAPP_SENDER, ButtonPayload="1",
                 ButtonText="हाँ, समस्या हल हुई 👍")
    assert TicketModel.get(number).status == "closed"
