"""Asking for a sign-language video call, on fakes: the IVR's key 8 is offered only where someone signs, and the
chat's word and first-menu choice book through operations/video_booking.py (tests/flows drive the webhooks)."""
from __future__ import annotations

from datetime import UTC, datetime
from itertools import count
from xml.etree import ElementTree

import pytest
import yaml

from chalicelib.domain.chat_intake import IncomingText, answer_text, is_video_word
from chalicelib.domain.clock import FixedClock
from chalicelib.domain.district import District, parse_district
from chalicelib.i18n import available_languages, catalog
from chalicelib.operations.video_booking import request_video
from chalicelib.routing import ivr, status_menu
from tests.fakes.conversations import MemoryConversations
from tests.fakes.directory import MemoryDirectory
from tests.fakes.events import MemoryDispatcher
from tests.fakes.tickets import MemoryTicketStore
from tests.fakes.video_calls import MemoryVideoCalls
from tests.support.demo import DEMO

HI, EN = catalog("hi"), catalog("en")
CITIZEN = "+919812345678"
ON_DUTY = datetime(2026, 12, 7, 5, 30, tzinfo=UTC)  # Monday 11:00 IST


def district(**changes: object) -> District:
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    data.update(changes)
    return parse_district(data, available_languages())


RAIPUR = district()
NO_SIGNER = district(operators=[o for o in yaml.safe_load(DEMO.read_text(encoding="utf-8"))["operators"]
                                if "sign_language" not in o.get("skills", [])])
VIDEO_OFF = district(video_calls={"enabled": False})


def _said(twiml: str) -> list[str]:
    return [element.text or "" for element in ElementTree.fromstring(twiml).iter("Say")]


# -- the IVR ---------------------------------------------------------------------------------------------

def test_the_main_menu_offers_key_8_only_where_the_district_takes_video_calls_and_someone_signs():
    assert HI.text("video_menu_offer") in _said(ivr.language_step(RAIPUR, 1, "1"))
    assert EN.text("video_menu_offer") in _said(status_menu.menu_retry(RAIPUR, "en", 1, "9"))  # asked again too
    for without in (NO_SIGNER, VIDEO_OFF):
        assert HI.text("video_menu_offer") not in _said(ivr.language_step(without, 1, "1"))
        assert not ivr.offers_video(without)


def test_the_spoken_answers_end_the_call():
    booked = ElementTree.fromstring(status_menu.video_booked(RAIPUR, "hi", "2026-12-07T04:30:00Z"))
    assert [e.tag for e in booked] == ["Say", "Say", "Hangup"]
    assert booked[0].text == HI.text("video_sent_later", time="7 दिसंबर को 10:00 बजे")
    for code, most in (("video_off", 3), ("no_signer", 3), ("video_cap", 3), ("video_no_phone", 3)):
        said = _said(status_menu.video_refused(RAIPUR, "en", code, most))
        assert said == [EN.text(f"video_refused_{code}", most=most), EN.text("goodbye")]


# -- the chat --------------------------------------------------------------------------------------------

class Chat:
    def __init__(self, place: District = RAIPUR) -> None:
        self.district, self.calls = place, MemoryVideoCalls()
        self.store, self.conversations = MemoryTicketStore(), MemoryConversations()
        self.dispatcher, self.clock = MemoryDispatcher(), FixedClock(ON_DUTY)
        self._sids = count(1)

    def book(self, place: District, phone: str, language: str, source: str):
        return request_video(place, phone, language, source, calls=self.calls, dispatcher=self.dispatcher,
                             clock=self.clock, link_base="https://samvad.cg.gov.in").call

    def send(self, body: str, sid: str | None = None, channel: str = "whatsapp") -> str:
        message = IncomingText(phone=CITIZEN, channel=channel, body=body, message_sid=sid or f"SM{next(self._sids)}")
        return answer_text(message, self.district, MemoryDirectory(self.district), self.store, self.conversations,
                           self.dispatcher, self.clock, video=self.book)

    @property
    def booked(self) -> list[str]:
        return [e.data["video_call"] for e in self.dispatcher.sent if e.type == "video.booked"]


@pytest.mark.parametrize("word", ["वीडियो", "video", "VIDEO", " Video. ", "वीडियो कॉल"])
def test_the_word_in_any_case_is_a_request(word):
    assert is_video_word(word)
    chat = Chat()
    assert chat.send(word) == HI.text("video_chat_now")
    assert len(chat.booked) == 1 and chat.calls.get(chat.booked[0]).source == "whatsapp"


def test_words_that_merely_mention_video_are_a_conversation():
    assert not is_video_word("video call nahi chahiye, paani nahi aa raha")


def test_a_retried_message_books_nothing_twice():
    chat = Chat()
    assert chat.send("video", sid="SMx") == chat.send("video", sid="SMx")
    assert len(chat.booked) == 1


def test_a_district_that_takes_none_or_has_nobody_who_signs_says_so_and_shows_no_choice():
    for place, code in ((VIDEO_OFF, "video_off"), (NO_SIGNER, "no_signer")):
        chat = Chat(place)
        assert chat.send("वीडियो") == HI.text(f"video_refused_{code}")
        assert "वीडियो कॉल" not in chat.send("hello") and chat.booked == []


def test_the_first_menus_choice_books_but_the_same_number_later_is_a_category():
    chat = Chat()
    assert chat.send("hello").splitlines()[-1] == "3 सांकेतिक भाषा में वीडियो कॉल / Video call in sign language"
    assert chat.send("9").splitlines()[-1].startswith("3 ")  # a wrong key: the language menu again, with it
    assert chat.send("3") == HI.text("video_chat_now") and len(chat.booked) == 1
    later = Chat()
    later.send("hello")
    assert later.send("1").startswith(HI.text("chat_choose_category"))  # Hindi: the categories, no video line
    assert not later.send("8").startswith(HI.text("video_chat_now")) and later.booked == []


def test_sms_has_no_video_choice():
    chat = Chat()
    assert "वीडियो" not in chat.send("hello", channel="sms")
    assert chat.send("3", channel="sms") != HI.text("video_chat_now") and chat.booked == []
