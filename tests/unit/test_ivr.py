"""The IVR's TwiML, step by step (no AWS: state travels in the URL)."""
from __future__ import annotations

from xml.etree import ElementTree

import yaml

from chalicelib.domain.district import parse_district
from chalicelib.i18n import available_languages
from chalicelib.routing import ivr
from tests.support.demo import DEMO, LINE


def district(**changes):
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    data.update(changes)
    return parse_district(data, available_languages())


def verbs(twiml: str) -> list[ElementTree.Element]:
    return list(ElementTree.fromstring(twiml))


def test_the_collectors_recorded_message_plays_instead_of_the_tts_welcome():
    hotlines = [{"id": "collectorate", "lines": [LINE], "greeting_audio_url": "https://cdn.example/collector.mp3"}]
    first = verbs(ivr.greeting(district(hotlines=hotlines), LINE))[0]
    assert first.tag == "Play" and first.text == "https://cdn.example/collector.mp3"


def test_a_one_language_district_goes_straight_to_the_main_menu():
    doc = verbs(ivr.greeting(district(languages=["hi"]), LINE))
    gather = doc[1]
    assert gather.get("action").endswith("/twilio/voice/menu/hi/1")
    assert doc[2].tag == "Redirect" and doc[2].text == gather.get("action")


def test_each_language_option_is_spoken_in_its_own_language():
    gather = verbs(ivr.greeting(district(), LINE))[1]
    assert [(s.get("language"), s.get("voice")) for s in gather] == [("hi-IN", "Polly.Aditi"), ("en-IN", "Polly.Aditi")]


def test_the_record_step_beeps_stops_on_hash_and_reports_the_recording():
    doc = verbs(ivr.category_step(district(), LINE, "hi", 1, "3"))
    record = doc[1]
    assert record.tag == "Record"
    assert (record.get("finishOnKey"), record.get("playBeep"), record.get("maxLength")) == ("#", "true", "120")
    assert record.get("action").endswith("/twilio/voice/record/hi/water/1")
    assert record.get("recordingStatusCallback").endswith("/twilio/voice/recording-status")


def test_the_third_miss_says_goodbye_with_another_way_to_reach_the_office():
    doc = verbs(ivr.category_step(district(), LINE, "en", 3, None))
    assert "Raipur Collectorate in person" in doc[0].text
    assert doc[-1].tag == "Hangup"


def test_the_number_is_read_twice_digit_by_digit():
    doc = verbs(ivr.registered("en", "RPR2611230042"))
    assert doc[0].text.endswith("R P R, 2 6 1 1 2 3, 0 0 4 2.") and doc[2].text.startswith("Once more:")
