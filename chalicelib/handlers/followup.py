"""The follow-up queue's consumer: calls to the citizen (the feedback call on a due attempt) and to an emergency's
officer (its ring, domain/officer_rings.py), and a recording's
transcription put on the transcribe queue (a registration with a recording to transcribe, a recording attached),
and a written complaint's words put in the search index.

Messages go through the notifier; clocks are kept on the ticket and driven by the sweeper.
"""
from __future__ import annotations

from typing import Any

from chalicelib import wiring
from chalicelib.domain.events import DomainEvent
from chalicelib.handlers.queue_batch import process_batch


def react(event: DomainEvent) -> str:
    if event.type == "ticket.created" and event.data.get("summary") not in (None, "", "-"):
        from chalicelib.operations.ticket_search import index_registered_text

        return index_registered_text(wiring.search_index(), wiring.ticket_store(), wiring.directory(),
                                     event.complaint_number)
    if event.type in ("ticket.created", "ticket.recording_attached"):
        from chalicelib.operations.transcription import request_transcription

        return request_transcription(event, wiring.transcription_queue(), wiring.directory())
    if event.type == "officer.ring_due":
        from chalicelib.domain.officer_rings import place_officer_ring

        return place_officer_ring(event, wiring.directory(), wiring.dialer(), wiring.claims(), wiring.ticket_store())
    if event.type != "feedback.call_due":
        return "no follow-up action for this event"
    from chalicelib.domain.feedback_calls import place_feedback_call
    from chalicelib.routing.feedback_ivr import path

    return place_feedback_call(event, wiring.directory(), wiring.dialer(), wiring.claims(), wiring.ticket_store(),
                               answer_path=path(event.complaint_number, 0),
                               status_path=f"/voice/feedback-status/{event.complaint_number}")


def handle(sqs_event: Any) -> dict[str, Any]:
    return process_batch(sqs_event, react)
