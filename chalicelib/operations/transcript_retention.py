"""A district keeps a transcript's words `transcription.retention_days` after its ticket was made, then they go:
from the ticket (the machine's text and any correction), from the timeline entries that quoted them, and
from search. The deletion is itself on the timeline (`transcript_deleted`: when, under which retention).

The ticket stays: its status, who corrected the transcript and how sure the machine was are the district's
record; the recording and the transcript's file in the bucket expire by the bucket's lifecycle rule for the
same number of days. A ticket's entry is remembered when its transcript is written (`remember`), and the
sweeper deletes what is due each minute (`forget_due_transcripts`), in order of expiry.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from chalicelib.domain.clock import iso, parse_iso
from chalicelib.domain.lifecycle import Change
from chalicelib.domain.ports import Directory, SearchIndex, TicketStore, TranscriptRetention
from chalicelib.domain.retry import retry_on_stale
from chalicelib.domain.ticket import Ticket, TimelineEntry
from chalicelib.domain.transcripts import Transcript
from chalicelib.operations.ticket_search import index_ticket_text, ticket_text

log = logging.getLogger(__name__)

DELETED = "transcript_deleted"
# The timeline entries that quote what was said, and the detail fields that hold the words.
QUOTING = {"transcribed": ("text",), "transcript_corrected": ("before", "after")}
PER_SWEEP = 25  # a sweep's share; a backlog (a sweeper down for days) goes 25 a minute


@dataclass(frozen=True)
class RetentionSweep:
    deleted: int = 0  # tickets whose words went now
    failed: int = 0  # left for the next sweep


def retention_ends(ticket: Ticket, retention_days: int) -> str:
    """When the ticket's transcript words go: `retention_days` after the ticket was made, as its search
    entries' TTL and the bucket's lifecycle rule count."""
    return iso(parse_iso(ticket.created_at) + timedelta(days=retention_days))


def remember(retention: TranscriptRetention, ticket: Ticket, retention_days: int) -> None:
    retention.keep_until(ticket.complaint_number, retention_ends(ticket, retention_days))


def forget_due_transcripts(retention: TranscriptRetention, tickets: TicketStore, index: SearchIndex,
                           directory: Directory, now: datetime, limit: int = PER_SWEEP) -> RetentionSweep:
    deleted = failed = 0
    for due in retention.due(iso(now), limit):
        try:
            if forget_transcript(due.complaint_number, tickets, index, directory, now):
                deleted += 1
        except Exception:
            failed += 1  # its entry stays: the next sweep tries again
            log.exception("ticket %s: its transcript's words could not be deleted yet", due.complaint_number)
            continue
        retention.done(due)
    return RetentionSweep(deleted=deleted, failed=failed)


def forget_transcript(number: str, tickets: TicketStore, index: SearchIndex, directory: Directory,
                      now: datetime) -> bool:
    """Delete the ticket's transcript words everywhere they are kept; False when there were none (again, or a
    transcript that heard nothing). Each part is harmless to do twice, so a failure halfway is retried whole."""
    at = iso(now)
    done: list[Change] = []

    def attempt() -> None:
        ticket = tickets.get(number)
        change = _deletion(ticket, directory, at) if ticket is not None else None
        if change is not None:
            tickets.save_change(change)
            done.append(change)

    retry_on_stale(attempt)
    tickets.forget_timeline_text(number, QUOTING, at)
    if done:
        before, after = done[0].before, done[0].after
        index_ticket_text(index, after, ticket_text(before), ticket_text(after), 0)
    return bool(done)


def _deletion(ticket: Ticket, directory: Directory, at: str) -> Change | None:
    transcript = Transcript.from_json(ticket.transcript)
    if transcript is None or not transcript.has_words:
        return None
    district = directory.district(ticket.district)
    days = district.transcription.retention_days if district else None
    after = replace(ticket, version=ticket.version + 1, transcript=transcript.forgotten(at).to_json())
    entry = TimelineEntry(complaint_number=ticket.complaint_number, at=at, actor_type="system",
                          actor_id="retention", action=DELETED, channel="system",
                          detail={"recording_sid": transcript.recording_sid, "retention_days": days,
                                  "kept_since": ticket.created_at})
    return Change(before=ticket, after=after, timeline=(entry,), events=())
