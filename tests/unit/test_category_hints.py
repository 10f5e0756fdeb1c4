"""category_hint: the operator's suggestion when the words of a complaint point to another category than the
key the caller pressed — counted from the district file's keyword lists, and silent unless one wins clearly."""
from __future__ import annotations

from dataclasses import replace

import pytest

from chalicelib.domain.category_hints import category_hint
from chalicelib.domain.district import District
from tests.support.demo import demo_on

KEYWORDS = {
    "water": {"hi": ("पानी", "हैंडपंप", "नल", "पाइप लाइन"), "en": ("water", "handpump", "tap", "pipe")},
    "electricity": {"hi": ("बिजली", "ट्रांसफार्मर", "लाइट", "खंभा", "तार"),
                    "en": ("electricity", "power", "transformer", "bijli")},
    "food": {"hi": ("राशन", "राशन कार्ड", "चावल"), "en": ("ration",)},
    "health": {"hi": ("अस्पताल", "दवाई", "डॉक्टर"), "en": ("hospital", "doctor")},
}


@pytest.fixture(scope="module")
def district() -> District:
    demo = demo_on("twilio")
    categories = tuple(replace(c, keywords=KEYWORDS.get(c.id, {})) for c in demo.categories)
    return replace(demo, categories=categories)


def test_the_words_of_another_category_suggest_it(district):
    text = "मेरा नाम रामलाल है, गांव खरोरा में बिजली का खंभा गिर गया है और तार सड़क पर है"
    assert category_hint(district, "water", text, "hi") == "electricity"


def test_the_pressed_category_when_its_words_win_gives_no_hint(district):
    assert category_hint(district, "water", "हैंडपंप खराब है, पानी नहीं आ रहा", "hi") is None
    # More of its own words than the other's: still the key the caller pressed.
    assert category_hint(district, "water", "नल में पानी नहीं, मोटर की बिजली भी नहीं", "hi") is None


def test_a_tie_says_nothing(district):
    # One word each for food and health against none for the pressed "other": no clear winner.
    assert category_hint(district, "other", "राशन की दुकान के पास अस्पताल", "hi") is None
    # Pressed water, one word of water and one of electricity: not clearly another.
    assert category_hint(district, "water", "पानी की मोटर की बिजली", "hi") is None


def test_from_anything_else_a_clear_category_is_suggested(district):
    assert category_hint(district, "other", "राशन कार्ड नहीं बना, राशन नहीं मिला", "hi") == "food"


def test_words_match_by_their_start_and_their_spellings(district):
    # Inflected (हैंडपंपों), and the matra/chandrabindu a transcriber may write either way (पानि, बिजलि).
    assert category_hint(district, "health", "गांव के हैंडपंपों में पानि नहीं", "hi") == "water"
    assert category_hint(district, "water", "बिजलि नहीं है", "hi") == "electricity"


def test_a_keyword_of_several_words_counts_only_as_a_phrase(district):
    # "पाइप लाइन" is water's; "लाइन" alone is not a water word ("लाइट" is electricity's, "लाइन" neither).
    assert category_hint(district, "other", "गांव की पाइप लाइन टूटी है", "hi") == "water"
    assert category_hint(district, "other", "राशन की लाइन लंबी है", "hi") == "food"


def test_every_language_list_counts_whatever_the_calls_language(district):
    # An en-IN transcript of a Hindi speaker: "bijli" is in the English list, Devanagari words in the Hindi one.
    assert category_hint(district, "water", "my village has no bijli since two days", "en") == "electricity"
    assert category_hint(district, "water", "The TRANSFORMER burnt, no power", "en") == "electricity"


def test_no_words_no_hint(district):
    assert category_hint(district, "water", "", "hi") is None
    assert category_hint(district, "water", "सड़क टूटी है", "hi") is None


def test_a_district_without_keyword_lists_never_hints(district):
    bare = replace(district, categories=tuple(replace(c, keywords={}) for c in district.categories))
    assert category_hint(bare, "water", "बिजली का खंभा गिर गया, तार टूटा", "hi") is None
