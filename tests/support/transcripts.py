"""A transcript put on a ticket the way the transcriber leaves it — one versioned change with its `transcribed`
timeline entry, its words indexed — for the API's tests, which are not the pipeline's (those are
tests/unit/test_transcription.py and tests/flows/test_transcription_flow.py)."""
from __future__ import annotations

from dataclasses import replace

from chalicelib import wiring
from chalicelib.domain.clock import iso
from chalicelib.domain.lifecycle import Change
from chalicelib.domain.ticket import Ticket, TimelineEntry
from chalicelib.domain.transcripts import DONE, Transcript
from chalicelib.operations.ticket_search import index_ticket_text, ticket_text

SAID = "मेरा नाम सीता बाई है, गाँव खरोरा। हैंडपंप दस दिन से ख़राब है, पानी नहीं आता"


def transcribed(number: str, text: str = SAID, status: str = DONE, confidence: float | None = 0.91,
                reason: str | None = None, hint: str | None = None) -> Ticket:
    store = wiring.ticket_store()
    before = store.get(number)
    assert before is not None
    at = iso(wiring.clock().now())
    transcript = Transcript(recording_sid="RE" + "1" * 32, status=status, text=text, confidence=confidence,
                            language="hi-IN", seconds=21.5, reason=reason, at=at)
    after = replace(before, version=before.version + 1, transcript=transcript.to_json(), category_hint=hint)
    entry = TimelineEntry(complaint_number=number, at=at, actor_type="system", actor_id="transcriber",
                          action="transcribed", channel="system",
                          detail={"status": status, "confidence": confidence, "seconds": 21.5, "language": "hi-IN",
                                  "text": text})
    store.save_change(Change(before=before, after=after, timeline=(entry,), events=()))
    # The whole text from nothing: the description as its registration indexes it, the transcript as the
    # pipeline does.
    index_ticket_text(wiring.search_index(), after, "", ticket_text(after), 365)
    return after
