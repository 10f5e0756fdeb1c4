"""spoken_fields: the caller's name and village out of a transcript, None for what was not said, and the
complaint without the introduction — the phrasings the IVR's prompt ("your name, your village, then your
complaint") draws, in Hindi, English and romanised Hindi, and the sentences that only look like them."""
from __future__ import annotations

import pytest

from chalicelib.domain.transcript_fields import SpokenFields, spoken_fields


@pytest.mark.parametrize(("text", "name", "address", "complaint"), [
    ("मेरा नाम रामलाल है, गांव खरोरा से बोल रहा हूँ, हैंडपंप खराब है", "रामलाल", "गांव खरोरा", "हैंडपंप खराब है"),
    # No punctuation: Transcribe's hi-IN text often has none.
    ("मैं रामलाल बोल रहा हूं गांव खरोरा से हैंडपंप खराब है", "रामलाल", "गांव खरोरा", "हैंडपंप खराब है"),
    ("मेरा नाम रामलाल वर्मा है और मैं खरोरा गांव से हूँ। हैंडपंप दो हफ्ते से खराब है।",
     "रामलाल वर्मा", "खरोरा गांव", "हैंडपंप दो हफ्ते से खराब है।"),
    ("मेरा नाम है सुनीता, ग्राम पंचायत तिल्दा, मेरी शिकायत यह है कि राशन नहीं मिला",
     "सुनीता", "ग्राम पंचायत तिल्दा", "राशन नहीं मिला"),
    ("नमस्ते सर, मेरा नाम रामलाल है मेरा पता वार्ड नंबर 12 खरोरा है और नाली बंद है",
     "रामलाल", "वार्ड नंबर 12 खरोरा", "नाली बंद है"),
    ("मैं रामलाल, गाँव खरोरा से बोल रही हूँ, बिजली नहीं है", "रामलाल", "गाँव खरोरा", "बिजली नहीं है"),
    ("My name is Ramlal, from village Kharora, the handpump is broken.",
     "Ramlal", "village Kharora", "the handpump is broken."),
    ("I am Sunita Verma from Tilda. The road is broken.", "Sunita Verma", "Tilda", "The road is broken."),
    ("Hello, this is Ramesh speaking from Kharora village. There is no water.",
     "Ramesh", "Kharora village", "There is no water."),
    ("mera naam Ramlal hai, gaon Kharora se bol raha hoon, handpump kharab hai",
     "Ramlal", "gaon Kharora", "handpump kharab hai"),
])
def test_the_name_and_the_village_come_out_and_the_complaint_is_what_is_left(text, name, address, complaint):
    assert spoken_fields(text, "hi") == SpokenFields(name=name, address=address, complaint=complaint)


@pytest.mark.parametrize(("text", "address", "complaint"), [
    ("मैं खरोरा से बोल रहा हूँ, सड़क टूटी है", "खरोरा", "सड़क टूटी है"),
    ("मैं खरोरा का रहने वाला हूँ, पानी नहीं आ रहा", "खरोरा", "पानी नहीं आ रहा"),
    ("गांव खरोरा में हैंडपंप खराब है", "गांव खरोरा", "हैंडपंप खराब है"),
    ("I live in ward number 12, the road is broken", "ward number 12", "the road is broken"),
    # The prompt says "village or area": a town's caller names their area.
    ("शांति नगर इलाके से बोल रही हूँ, नाली जाम है", "शांति नगर इलाके", "नाली जाम है"),
])
def test_a_village_without_a_name_leaves_the_name_none(text, address, complaint):
    assert spoken_fields(text, "hi") == SpokenFields(name=None, address=address, complaint=complaint)


@pytest.mark.parametrize(("text", "language"), [
    ("हैंडपंप खराब है", "hi"),
    # "मैं … हूँ" and "I am …" introduce a state of mind as often as a name: not taken without "बोल" or a
    # capitalised name.
    ("मैं बहुत परेशान हूँ, बिजली नहीं है", "hi"),
    ("I am calling about the road near the school", "en"),
    ("i am very upset, there is no water", "en"),
    # A place after "से" that is not "बोल": "दो हफ्ते से" is a duration.
    ("हैंडपंप दो हफ्ते से खराब है", "hi"),
    ("the water from the handpump is dirty", "en"),
    # English names a place with a capital: "area" and "village" before lower-case words are not places.
    ("the area near the school has no water", "en"),
    ("the village road is broken", "en"),
])
def test_nothing_is_guessed_when_neither_was_said(text, language):
    assert spoken_fields(text, language) == SpokenFields(name=None, address=None, complaint=text)


def test_the_spellings_of_one_word_are_one_word():
    # Chandrabindu or anusvara, with or without nukta: the transcriber writes either.
    assert spoken_fields("मेरा नाम रामलाल है, गाँव खरोरा से बोल रहा हूं, सड़क टूटी है", "hi").address == "गाँव खरोरा"
    assert spoken_fields("मेरा नाम रामलाल है गाव खरोरा से बोल रहा हु सडक टूटी है", "hi") == SpokenFields(
        "रामलाल", "गाव खरोरा", "सडक टूटी है")


def test_a_long_run_of_words_is_not_a_name():
    # A name is at most three words; what follows "मेरा नाम" without a stop is a transcript gone wrong.
    fields = spoken_fields("मेरा नाम रामलाल प्रसाद वर्मा खरोरा वाले हैंडपंप", "hi")
    assert fields.name == "रामलाल प्रसाद वर्मा"
    assert fields.address is None


def test_only_an_introduction_leaves_an_empty_complaint():
    assert spoken_fields("मेरा नाम रामलाल है, गांव खरोरा", "hi") == SpokenFields("रामलाल", "गांव खरोरा", "")


@pytest.mark.parametrize("text", ["", "   ", "।", ", ."])
def test_an_empty_transcript_gives_nothing(text):
    assert spoken_fields(text, "hi") == SpokenFields(name=None, address=None, complaint=text.strip())


def test_the_language_code_may_be_transcribes():
    assert spoken_fields("मेरा नाम रामलाल है, हैंडपंप खराब है", "hi-IN").name == "रामलाल"
