"""The state number's file, its district question and the district carried in every URL (no AWS)."""
from __future__ import annotations

from xml.etree import ElementTree

import pytest
import yaml

from chalicelib import settings
from chalicelib.domain.state_line import StateConfigError, parse_state_line
from chalicelib.i18n import available_languages, catalog
from chalicelib.routing import state_ivr
from chalicelib.telephony import call_script as twiml
from tests.support.demo import ROOT

STATE_FILE = ROOT / "examples" / "state-181.yaml"


def state(**changes):
    data = yaml.safe_load(STATE_FILE.read_text(encoding="utf-8"))
    data.update(changes)
    return parse_state_line(data, available_languages())


def test_the_example_state_file_is_valid():
    cg = state()
    assert (cg.code, cg.languages, cg.key_length) == ("CG181", ("hi", "en"), 2)
    assert [(d.key, d.code) for d in cg.districts] == [("01", "RPR"), ("02", "BSP")]
    assert cg.serves("BSP") and not cg.serves("DRG") and not cg.serves(None)


@pytest.mark.parametrize(("changes", "message"), [
    ({"state": "cg181"}, "like CG181"),
    ({"languages": ["hi", "xx"]}, "no prompt catalog for xx"),
    ({"name": {"hi": "हेल्पलाइन"}}, "missing the name in en"),
    ({"lines": ["07712181181"]}, "not an E.164 number"),
    ({"lines": ["+917712181181", "+917712181181"]}, "listed twice"),
    ({"districts": []}, "at least one"),
    ({"districts": [{"key": 1, "code": "RPR"}, {"key": "02", "code": "BSP"}]}, "same number of digits"),
    ({"districts": [{"key": "01", "code": "RPR"}, {"key": "01", "code": "BSP"}]}, "key is used twice"),
    ({"districts": [{"key": "01", "code": "RPR"}, {"key": "02", "code": "RPR"}]}, "listed twice"),
    ({"districts": [{"key": "0A", "code": "RPR"}]}, "1 to 3 digits"),
    ({"districts": [{"key": "01", "code": "raipur"}]}, "must be a district code"),
    ({"districts": [{"key": "01", "code": "RPR", "name": {"hi": "रायपुर"}}]}, r"districts\[0\].name: missing"),
    ({"spoken": 12}, "0 to 9"),
])
def test_mistakes_in_the_state_file_are_named(changes, message):
    with pytest.raises(StateConfigError, match=message):
        state(**changes)


def test_keys_match_by_value_so_a_short_press_still_finds_the_district():
    cg = state()
    assert [cg.district_for_key(k) for k in ("01", "1", "02", "2", "03", "", None, "001", "1#", "०१")] == [
        "RPR", "RPR", "BSP", "BSP", None, None, None, None, None, None]


def test_the_question_names_only_the_first_districts_with_a_name():
    cg = state(spoken=1, districts=[{"key": "01", "code": "RPR", "name": {"hi": "रायपुर", "en": "Raipur"}},
                                    {"key": "02", "code": "BSP", "name": {"hi": "बिलासपुर", "en": "Bilaspur"}},
                                    {"key": "03", "code": "DRG"}])
    assert [d.code for d in cg.menu()] == ["RPR"]
    assert [d.code for d in state(spoken=0).menu()] == []


def _verbs(doc: str) -> list[ElementTree.Element]:
    return list(ElementTree.fromstring(doc))


def test_the_district_question_gathers_as_many_digits_as_the_keys_have_in_each_language():
    welcome, gather, redirect = _verbs(state_ivr.district_question(state()))
    assert welcome.text == "मुख्यमंत्री जनशिकायत हेल्पलाइन में आपका स्वागत है।"
    assert gather.get("numDigits") == "2"
    assert gather.get("action") == redirect.text == f"{settings.public_base_url()}/twilio/voice/state/1"
    hindi, english = list(gather)
    assert (hindi.get("language"), english.get("language")) == ("hi-IN", "en-IN")
    assert english.text == ("Which district is your complaint about? Enter its 2-digit code. "
                            "For Raipur, press 0 1. For Bilaspur, press 0 2.")


def test_a_valid_code_hands_the_call_to_the_voice_webhook_with_the_district():
    [redirect] = _verbs(state_ivr.district_step(state(), 1, "02"))
    assert redirect.tag == "Redirect" and redirect.get("method") == "POST"
    assert redirect.text == f"{settings.public_base_url()}/twilio/voice/incoming?district=BSP"


def test_a_wrong_code_asks_again_and_the_last_try_says_goodbye_in_each_language():
    retry = _verbs(state_ivr.district_step(state(), 1, "77"))
    assert retry[0].text == catalog("hi").text("wrong_key")
    assert retry[1].get("action") == retry[2].text and retry[2].text.endswith("/twilio/voice/state/2")
    assert _verbs(state_ivr.district_step(state(), 2, None))[0].text == catalog("hi").text("no_input")
    last = _verbs(state_ivr.district_step(state(), 3, "77"))
    assert [v.tag for v in last] == ["Say", "Say", "Hangup"]
    assert last[1].text == f"{catalog('en').text('state_no_district')} {catalog('en').text('goodbye')}"


def test_urls_carry_the_chosen_district_until_the_request_ends():
    base = settings.public_base_url()
    token = twiml.carried_query.set(())
    try:
        assert twiml.url("/voice/language/1") == f"{base}/twilio/voice/language/1"
        twiml.carry("district", "RPR")
        twiml.carry("district", "BSP")  # chosen again: replaced, not repeated
        assert twiml.url("/voice/language/1") == f"{base}/twilio/voice/language/1?district=BSP"
        assert twiml.url("/x?y=1") == f"{base}/twilio/x?y=1&district=BSP"
    finally:
        twiml.carried_query.reset(token)
    assert twiml.url("/voice/language/1") == f"{base}/twilio/voice/language/1"
