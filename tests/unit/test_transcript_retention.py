"""A transcript's words go when the district's retention runs out: from the ticket, from the timeline entries that
quoted them and from search; the deletion is on the timeline, and what is not the words stays. On the fakes,
from a transcription written by the real operation to the sweeper's minute (operations/transcript_retention.py).
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.hindi_search import terms
from chalicelib.domain.lifecycle import Actor
from chalicelib.domain.ports import RetentionDue
from chalicelib.domain.transcripts import Transcript
from chalicelib.operations.ticket_search import query_terms
from chalicelib.operations.transcript_correction import TranscriptDeleted, correct_transcript
from chalicelib.operations.transcript_retention import DELETED, forget_due_transcripts, retention_ends
from chalicelib.operations.transcription import request_transcription
from tests.unit.test_transcription import DISTRICT, Harness, created, district, ivr_ticket

OPERATOR = Actor("operator", "operator.rpr", "console")


def transcribed(retention_days: int = 365, sequence: int = 1) -> Harness:
    ticket = ivr_ticket(sequence=sequence)
    h = Harness(ticket, district=district(transcription={"enabled": True, "retention_days": retention_days}))
    request_transcription(created(ticket), h.queue, h.ports.directory)
    h.deliver()
    assert h.transcript() is not None and h.transcript().text
    return h


def sweep(h: Harness, at: datetime):
    return forget_due_transcripts(h.retention, h.tickets, h.index, h.ports.directory, at)


def test_the_transcription_remembers_when_the_words_go_counted_from_the_tickets_creation():
    h = transcribed(retention_days=30)
    ticket = h.ticket()
    assert retention_ends(ticket, 30) == "2027-01-07T05:59:00Z"  # made 2026-12-08 05:59
    assert h.retention.due("2099-01-01T00:00:00Z", 25) == [RetentionDue(ticket.complaint_number,
                                                                        "2027-01-07T05:59:00Z")]


def test_before_the_retention_runs_out_nothing_is_touched():
    h = transcribed(retention_days=30)
    before = h.ticket()
    done = sweep(h, datetime(2027, 1, 7, 5, 58, tzinfo=UTC))
    assert (done.deleted, done.failed) == (0, 0)
    assert h.ticket() == before and len(h.retention.entries) == 1


def test_when_it_runs_out_the_words_go_everywhere_and_the_deletion_is_audited():
    h = transcribed(retention_days=30)
    number = h.number
    correct_transcript(h.ticket(), "गांव खरोरा में हैंडपंप खराब", OPERATOR, DISTRICT,
                       datetime(2026, 12, 9, tzinfo=UTC), h.tickets, h.index)
    kept = h.ticket()
    at = datetime(2027, 1, 7, 6, 0, tzinfo=UTC)

    done = sweep(h, at)

    assert (done.deleted, done.failed) == (1, 0)
    after = h.ticket()
    transcript = Transcript.from_json(after.transcript)
    assert transcript is not None
    assert (transcript.text, transcript.corrected_text, transcript.best_text) == ("", None, "")
    assert transcript.deleted_at == "2027-01-07T06:00:00Z"
    # What is not the words stays: how it ended, how sure, who corrected it; the ticket's own fields.
    assert (transcript.status, transcript.confidence, transcript.corrected_by) == ("done", 0.9, "operator.rpr")
    assert (after.caller_name, after.address, after.status) == (kept.caller_name, kept.address, kept.status)
    assert after.version == kept.version + 1

    timeline = h.tickets.timelines[number]
    quoting = [e for e in timeline if e.action in ("transcribed", "transcript_corrected")]
    assert len(quoting) == 2
    assert all("text" not in e.detail and "before" not in e.detail and "after" not in e.detail for e in quoting)
    assert all(e.detail["text_deleted_at"] == "2027-01-07T06:00:00Z" for e in quoting)
    deletion = timeline[-1]
    assert (deletion.action, deletion.actor_type, deletion.actor_id) == (DELETED, "system", "retention")
    assert deletion.detail == {"recording_sid": "RE1", "retention_days": 30, "kept_since": kept.created_at}

    for word in ("हैंडपंप", "खरोरा", "पानी"):
        assert h.index.find("RPR", query_terms(word), 10).numbers == [], word
    # What was said is no longer found; the caller's name, kept on the ticket, still finds it.
    assert h.index.terms_of("RPR", number) == terms(kept.caller_name or "")
    assert h.retention.entries == set()  # handled: the next sweep has nothing


def test_a_deleted_transcript_cannot_be_corrected_back():
    h = transcribed(retention_days=30)
    sweep(h, datetime(2027, 2, 1, tzinfo=UTC))
    with pytest.raises(TranscriptDeleted):
        correct_transcript(h.ticket(), "फिर से लिखा", OPERATOR, DISTRICT, datetime(2027, 2, 2, tzinfo=UTC),
                           h.tickets, h.index)


def test_a_sweeper_down_for_weeks_catches_up_in_order_a_share_a_minute():
    harnesses = [transcribed(retention_days=1, sequence=n) for n in range(1, 4)]
    h = harnesses[0]
    for other in harnesses[1:]:  # one store holds the three tickets, each with its retention entry
        h.tickets.tickets.update(other.tickets.tickets)
        h.tickets.timelines.update(other.tickets.timelines)
        h.retention.entries |= other.retention.entries
    late = datetime(2027, 1, 1, tzinfo=UTC)
    assert forget_due_transcripts(h.retention, h.tickets, h.index, h.ports.directory, late, limit=2).deleted == 2
    assert len(h.retention.entries) == 1
    assert sweep(h, late + timedelta(minutes=1)).deleted == 1
    assert all(not Transcript.from_json(t.transcript).has_words for t in h.tickets.tickets.values())


def test_a_deletion_that_fails_halfway_keeps_its_entry_and_the_next_sweep_finishes_it(monkeypatch):
    h = transcribed(retention_days=1)
    calls = []
    real = h.tickets.forget_timeline_text

    def flaky(number, fields, at):
        calls.append(number)
        if len(calls) == 1:
            raise ConnectionError("DynamoDB did not answer")
        return real(number, fields, at)

    monkeypatch.setattr(h.tickets, "forget_timeline_text", flaky)
    at = datetime(2027, 1, 1, tzinfo=UTC)
    first = sweep(h, at)
    assert (first.deleted, first.failed) == (0, 1)
    assert not Transcript.from_json(h.ticket().transcript).has_words  # the ticket's words went; its timeline's not
    assert len(h.retention.entries) == 1
    again = sweep(h, at + timedelta(minutes=1))
    assert (again.deleted, again.failed) == (0, 0)  # nothing left on the ticket; the timeline's words go now
    assert h.retention.entries == set()
    assert all("text" not in e.detail for e in h.tickets.timelines[h.number] if e.action == "transcribed")


def test_an_entry_whose_ticket_heard_nothing_or_is_gone_is_let_go():
    h = transcribed(retention_days=1)
    h.tickets.tickets.clear()
    assert sweep(h, datetime(2027, 1, 1, tzinfo=UTC)).deleted == 0
    assert h.retention.entries == set()
