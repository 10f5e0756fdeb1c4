"""Transcripts through the console's API: the ticket's JSON carries what the machine heard and how sure it
was; operators, the department's officers and the Collector correct it (the machine's text kept, the
correction audited); search finds tickets by the words said, in any common spelling.

Each transcript is put on its ticket the way the pipeline leaves it (tests/support/transcripts.py), not
through the pipeline's code, which has its own tests.
"""
from __future__ import annotations

import copy
from typing import Any

import pytest

from chalicelib import wiring
from chalicelib.domain.clock import iso
from chalicelib.domain.lifecycle import Change
from chalicelib.domain.transcripts import FAILED, LOW_CONFIDENCE, UNAVAILABLE, Transcript
from chalicelib.store.tickets import DynamoTicketStore
from tests.support.fixtures import CALLER
from tests.support.responses import ok, refused
from tests.support.transcripts import SAID, transcribed

OTHER_CALLER = "+919811111111"


def register(api: Any, category: str = "water", description: str = "फ़ोन पर दर्ज", caller: str = CALLER,
             user: str = "operator.rpr") -> str:
    return ok(api.post(user, "/api/tickets", {"caller_phone": caller, "category": category,
                                              "description": description}), 201)["complaint_number"]


def search(api: Any, user: str, q: str, **params: Any) -> dict[str, Any]:
    from urllib.parse import urlencode

    return ok(api.get(user, f"/api/tickets/search?{urlencode({'q': q, **params})}"))


def found(page: dict[str, Any]) -> list[str]:
    return [item["complaint_number"] for item in page["items"]]


# -- the ticket's JSON --------------------------------------------------------------------------------------

def test_the_ticket_carries_its_transcript_and_says_how_sure_the_machine_was(api):
    number = register(api)
    before = ok(api.get("operator.rpr", f"/api/tickets/{number}"))
    assert before["transcript"] is None and before["category_hint"] is None  # no job has ended
    transcribed(number, status=LOW_CONFIDENCE, confidence=0.38)
    ticket = ok(api.get("officer.water.l1", f"/api/tickets/{number}"))
    assert ticket["transcript"] == {
        "status": "low_confidence", "text": SAID, "confidence": 0.38, "language": "hi-IN", "reason": None,
        "at": ticket["transcript"]["at"], "corrected_text": None, "corrected_by": None, "corrected_at": None,
            "deleted_at": None}
    entry = ticket["timeline"][-1]
    assert (entry["action"], entry["actor_id"], entry["detail"]["status"]) == ("transcribed", "transcriber",
                                                                               "low_confidence")
    response = api.get("operator.rpr", f"/api/tickets/{number}")
    assert SAID.encode() in response.body and b"\\u" not in response.body  # Devanagari as said, unescaped


def test_a_failed_or_unavailable_transcript_says_why_and_has_no_text(api):
    failed, unavailable = register(api), register(api, caller=OTHER_CALLER)
    transcribed(failed, text="", status=FAILED, confidence=None, reason="The media file is corrupt")
    transcribed(unavailable, text="", status=UNAVAILABLE, confidence=None, reason="recording_too_large")
    for number, status, reason in ((failed, "failed", "The media file is corrupt"),
                                   (unavailable, "unavailable", "recording_too_large")):
        transcript = ok(api.get("collector.rpr", f"/api/tickets/{number}"))["transcript"]
        assert (transcript["status"], transcript["text"], transcript["confidence"], transcript["reason"]) == (
            status, "", None, reason)


# -- correction ---------------------------------------------------------------------------------------------

def test_an_operator_corrects_it_the_machine_text_stays_and_the_timeline_says_who(api, clock):
    number = register(api)
    transcribed(number, text="हैंडपंप दस दिन से खराब है पानी नहीं आता गांव करोरा")
    version = ok(api.get("operator.rpr", f"/api/tickets/{number}"))["version"]
    corrected = "हैंडपंप दस दिन से खराब है, पानी नहीं आता। गाँव खरोरा, वार्ड 7"
    after = ok(api.put("operator.rpr", f"/api/tickets/{number}/transcript", {"text": f"  {corrected}\n"}))
    transcript = after["transcript"]
    assert transcript["text"] == "हैंडपंप दस दिन से खराब है पानी नहीं आता गांव करोरा"  # the machine's, kept
    assert (transcript["corrected_text"], transcript["corrected_by"], transcript["corrected_at"]) == (
        corrected, "operator.rpr", iso(clock.now()))
    assert after["version"] == version + 1
    entry = after["timeline"][-1]
    assert (entry["action"], entry["actor_type"], entry["actor_id"], entry["channel"], entry["at"]) == (
        "transcript_corrected", "operator", "operator.rpr", "console", iso(clock.now()))
    assert entry["detail"] == {"before": "हैंडपंप दस दिन से खराब है पानी नहीं आता गांव करोरा", "after": corrected}

    # The officer corrects the operator's correction: the machine's text is still the machine's, the
    # timeline holds both corrections.
    again = ok(api.put("officer.water.l1", f"/api/tickets/{number}/transcript", {"text": "गाँव खरोरा वार्ड 7"}))
    assert again["transcript"]["text"].endswith("गांव करोरा") and again["transcript"]["corrected_by"] == \
        "officer.water.l1"
    assert [e["detail"]["before"] for e in again["timeline"] if e["action"] == "transcript_corrected"] == [
        "हैंडपंप दस दिन से खराब है पानी नहीं आता गांव करोरा", corrected]
    stored = Transcript.from_json(DynamoTicketStore().get(number).transcript)
    assert stored is not None and stored.best_text == "गाँव खरोरा वार्ड 7"

    # The same text again (a retried PUT) writes nothing.
    same = ok(api.put("officer.water.l1", f"/api/tickets/{number}/transcript", {"text": "गाँव खरोरा वार्ड 7"}))
    assert same["version"] == again["version"] and len(same["timeline"]) == len(again["timeline"])


def test_who_may_correct_the_department_the_collector_and_the_operators_of_its_district(api):
    number = register(api)
    transcribed(number)
    for user in ("operator.rpr", "officer.water.l1", "officer.water.l3", "collector.rpr"):
        ticket = ok(api.put(user, f"/api/tickets/{number}/transcript", {"text": f"{SAID} ({user})"}))
        assert ticket["transcript"]["corrected_by"] == user
    # Another department's officer and another district's people do not see the ticket at all.
    for user in ("officer.health.l1", "operator.bsp", "collector.bsp"):
        refused(api.put(user, f"/api/tickets/{number}/transcript", {"text": "बदला"}), 404, "no_ticket")
    assert Transcript.from_json(DynamoTicketStore().get(number).transcript).corrected_by == "collector.rpr"
    refused(api.put(None, f"/api/tickets/{number}/transcript", {"text": "बदला"}), 401, "sign_in_needed")


def test_bad_corrections_are_refused_and_change_nothing(api):
    number = register(api)
    written_down = register(api, caller=OTHER_CALLER)  # an operator's complaint: no recording, no transcript
    transcribed(number)
    version = ok(api.get("operator.rpr", f"/api/tickets/{number}"))["version"]
    message = refused(api.put("operator.rpr", f"/api/tickets/{number}/transcript", {"text": " \n\t "}), 422,
                      "empty_text")
    assert message
    refused(api.put("operator.rpr", f"/api/tickets/{number}/transcript", {"text": ""}), 400, "field_empty")
    too_long = refused(api.put("operator.rpr", f"/api/tickets/{number}/transcript", {"text": "क" * 2001}), 400,
                       "field_too_long")
    assert "2000" in too_long
    refused(api.put("operator.rpr", f"/api/tickets/{number}/transcript", {"words": "x"}), 400, "field_required")
    refused(api.put("operator.rpr", f"/api/tickets/{written_down}/transcript", {"text": "कुछ"}), 409,
            "no_transcript")
    ticket = ok(api.get("operator.rpr", f"/api/tickets/{number}"))
    assert ticket["version"] == version and ticket["transcript"]["corrected_text"] is None
    assert ok(api.put("operator.rpr", f"/api/tickets/{number}/transcript", {"text": "क" * 2000}))[
        "transcript"]["corrected_text"] == "क" * 2000  # the limit itself is allowed


def test_a_transcript_deleted_by_retention_says_when_and_cannot_be_corrected_back(api, clock):
    from chalicelib.operations.transcript_retention import forget_transcript

    number = register(api)
    transcribed(number)
    ok(api.put("operator.rpr", f"/api/tickets/{number}/transcript", {"text": "गाँव खरोरा, हैंडपंप ख़राब"}))
    assert forget_transcript(number, wiring.ticket_store(), wiring.search_index(), wiring.directory(), clock.now())

    ticket = ok(api.get("operator.rpr", f"/api/tickets/{number}"))
    transcript = ticket["transcript"]
    assert (transcript["text"], transcript["corrected_text"], transcript["deleted_at"]) == ("", None, iso(clock.now()))
    assert (transcript["status"], transcript["corrected_by"]) == ("done", "operator.rpr")
    quoting = [e["detail"] for e in ticket["timeline"] if e["action"] in ("transcribed", "transcript_corrected")]
    assert len(quoting) == 2 and all(set(d) & {"text", "before", "after"} == set() for d in quoting)
    assert ticket["timeline"][-1]["action"] == "transcript_deleted"
    message = refused(api.put("operator.rpr", f"/api/tickets/{number}/transcript", {"text": "फिर से"}), 409,
                      "transcript_deleted")
    assert "हटा दिया गया" in message  # the operator's language
    assert found(search(api, "operator.rpr", "handpump")) == []


def test_a_correction_that_meets_another_change_is_applied_to_the_new_version(api, monkeypatch):
    """Someone notes the ticket between the correction's read and its write: the correction reads the
    ticket again and applies on top; the note stays."""
    number = register(api)
    transcribed(number)
    version = ok(api.get("operator.rpr", f"/api/tickets/{number}"))["version"]
    original_save = DynamoTicketStore.save_change
    interleaved: list[str] = []

    def someone_else_writes_first(self: Any, change: Change) -> None:
        if not interleaved and change.timeline and change.timeline[0].action == "transcript_corrected":
            interleaved.append(number)
            ok(api.post("collector.rpr", f"/api/tickets/{number}/notes", {"text": "मैं देख रहा हूँ"}))
        original_save(self, change)

    monkeypatch.setattr(DynamoTicketStore, "save_change", someone_else_writes_first)
    after = ok(api.put("operator.rpr", f"/api/tickets/{number}/transcript", {"text": "सही शब्द"}))
    assert interleaved and after["version"] == version + 2
    assert [e["action"] for e in after["timeline"]][-2:] == ["note", "transcript_corrected"]
    assert after["transcript"]["corrected_text"] == "सही शब्द"


# -- search ---------------------------------------------------------------------------------------------------

def test_search_finds_the_words_said_in_any_common_spelling_and_follows_a_correction(api):
    water = register(api)
    transcribed(water, text="हैंडपंप दस दिन से खराब है, पानी नहीं आता। हिंदी स्कूल के पास")
    power = register(api, category="electricity", caller=OTHER_CALLER)
    transcribed(power, text="तीन दिन से बिजली नहीं है, ट्रांसफ़ार्मर जला")

    assert found(search(api, "operator.rpr", "पानी")) == [water]
    assert found(search(api, "operator.rpr", "paani")) == [water]  # Latin, as typed on a phone
    assert found(search(api, "operator.rpr", "pani")) == [water]
    assert found(search(api, "operator.rpr", "हिन्दी")) == [water]  # half nasal for the anusvara
    assert found(search(api, "operator.rpr", "ख़राब")) == [water]  # the nukta either way
    assert found(search(api, "operator.rpr", "bijli")) == [power]
    assert found(search(api, "operator.rpr", "दिन")) == [power, water]  # newest first
    assert found(search(api, "operator.rpr", "पानी बिजली")) == []  # every word must be there
    page = search(api, "collector.rpr", "हैंडपंप खराब")
    assert found(page) == [water] and "हैंडपंप दस दिन से खराब" in page["items"][0]["text"]
    assert page["items"][0]["status"] == "registered" and page["next_cursor"] is None

    # A correction: its new words find the ticket, the words it took out do not.
    ok(api.put("operator.rpr", f"/api/tickets/{water}/transcript", {"text": "नाली बंद है, सड़क पर पानी भरा"}))
    assert found(search(api, "operator.rpr", "nali")) == [water]
    assert found(search(api, "operator.rpr", "sadak")) == [water]
    assert found(search(api, "operator.rpr", "हैंडपंप")) == []


def test_search_keeps_to_the_users_district_and_an_officers_department(api):
    water = register(api)
    transcribed(water, text="गाँव में पानी की टंकी टूटी")
    health = register(api, category="health", caller=OTHER_CALLER)
    transcribed(health, text="अस्पताल में पानी नहीं")
    assert set(found(search(api, "collector.rpr", "पानी"))) == {water, health}
    assert found(search(api, "officer.water.l1", "पानी")) == [water]
    assert found(search(api, "officer.health.l1", "पानी")) == [health]
    assert found(search(api, "operator.bsp", "पानी")) == []  # another district's index
    refused(api.get("operator.bsp", "/api/tickets/search?q=पानी&district=RPR"), 403, "other_district")
    assert set(found(search(api, "state.admin", "पानी", district="RPR"))) == {water, health}
    refused(api.get("state.admin", "/api/tickets/search?q=पानी"), 400, "district_needed")


def test_search_pages_follow_each_other_and_refuse_a_cursor_of_another_query(api, clock):
    from datetime import timedelta

    numbers = []
    for n in range(5):
        number = register(api, caller=f"+9198111111{n:02d}")
        transcribed(number, text=f"नल से पानी नहीं आता, घर {n}")
        numbers.append(number)
        clock.advance(timedelta(minutes=1))
    first = search(api, "operator.rpr", "नल", limit=2)
    second = search(api, "operator.rpr", "नल", limit=2, cursor=first["next_cursor"])
    third = search(api, "operator.rpr", "नल", limit=2, cursor=second["next_cursor"])
    assert found(first) + found(second) + found(third) == numbers[::-1] and third["next_cursor"] is None
    refused(api.get("operator.rpr", f"/api/tickets/search?q=पानी&limit=2&cursor={first['next_cursor']}"), 400,
            "bad_cursor")
    tampered = first["next_cursor"][:-2] + ("AA" if not first["next_cursor"].endswith("AA") else "BB")
    refused(api.get("operator.rpr", f"/api/tickets/search?q=नल&limit=2&cursor={tampered}"), 400, "bad_cursor")


def test_a_search_with_no_words_is_told_so(api):
    refused(api.get("operator.rpr", "/api/tickets/search?q=%20%20"), 422, "no_words")
    refused(api.get("operator.rpr", "/api/tickets/search"), 400, "query_required")
    assert found(search(api, "operator.rpr", "हैंडपंप")) == []  # words, but no ticket has them


# -- the category hint ------------------------------------------------------------------------------------------

@pytest.fixture
def keywords(aws):
    """The demo district with keyword lists per category, as a district file may give them."""
    from chalicelib.domain.district import parse_district
    from chalicelib.i18n import available_languages
    from chalicelib.store.district_loader import load_district
    from tests.support.fixtures import demo_on

    raw = copy.deepcopy(demo_on("twilio").raw)
    words = {"water": {"hi": ["हैंडपंप", "पानी", "नल"], "en": ["handpump", "water"]},
             "electricity": {"hi": ["बिजली", "ट्रांसफार्मर", "खंभा"], "en": ["electricity", "transformer"]}}
    for category in raw["categories"]:
        if category["id"] in words:
            category["keywords"] = words[category["id"]]
    load_district(parse_district(raw, available_languages()))
    wiring.directory().clear()  # the directory's cache: the district with its keywords from now on
    return words


def test_the_hint_is_shown_until_the_operator_reroutes_and_a_correction_reconsiders_it(api, keywords):
    number = register(api)  # the caller pressed water
    transcribed(number, text="बिजली का खंभा गिर गया, ट्रांसफार्मर से चिंगारी", hint="electricity")
    ticket = ok(api.get("operator.rpr", f"/api/tickets/{number}"))
    assert ticket["category_hint"] == "electricity" and "reroute" in ticket["allowed_actions"]

    # The correction says water after all: the hint goes.
    fixed = ok(api.put("operator.rpr", f"/api/tickets/{number}/transcript",
                       {"text": "हैंडपंप से पानी नहीं आता, नल सूखा है"}))
    assert fixed["category_hint"] is None
    # And back to the pole: the hint returns, and the existing reroute action takes it.
    pole = ok(api.put("operator.rpr", f"/api/tickets/{number}/transcript",
                      {"text": "बिजली का खंभा गिर गया है, ट्रांसफार्मर जल गया, बिजली नहीं"}))
    assert pole["category_hint"] == "electricity"
    moved = ok(api.post("operator.rpr", f"/api/tickets/{number}/reroute",
                        {"category": "electricity", "reason": "शिकायत के शब्दों के अनुसार"}))
    assert (moved["category"], moved["department"], moved["category_hint"]) == ("electricity", "electricity", None)
