"""A person corrects a recording's transcript in the console: the machine's text stays beside the correction,
the timeline says who changed what and when, and search follows the new words.

The correction is a versioned change like every other on a ticket, so it never overwrites a transition that
landed meanwhile (nor is overwritten by one): a stale write reads the ticket again and corrects that.
"""
from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from chalicelib.domain.category_hints import category_hint
from chalicelib.domain.clock import iso
from chalicelib.domain.district import District
from chalicelib.domain.lifecycle import Actor, Change
from chalicelib.domain.ports import SearchIndex, StaleTicket, TicketStore
from chalicelib.domain.retry import retry_on_stale
from chalicelib.domain.ticket import Ticket, TimelineEntry
from chalicelib.domain.transcripts import Transcript
from chalicelib.operations.ticket_search import index_ticket_text, ticket_text

log = logging.getLogger(__name__)

MAX_TEXT = 2000  # the same bound as a console complaint's description
CORRECTED = "transcript_corrected"


class EmptyCorrection(ValueError):
    """Nothing but spaces: a correction must say what was said."""


class CorrectionTooLong(ValueError):
    """More than MAX_TEXT characters."""


class NoTranscript(Exception):
    """The ticket has no transcript to correct (written down by an operator, or its job has not ended yet)."""


class TranscriptDeleted(NoTranscript):
    """The district's retention ran out and the words were deleted: there is nothing left to correct."""


class TicketMoved(Exception):
    """The ticket kept changing under the correction; nothing was written."""


def correct_transcript(ticket: Ticket, text: str, actor: Actor, district: District, now: datetime,
                       tickets: TicketStore, index: SearchIndex) -> Ticket:
    """The ticket with its transcript corrected to `text` (the machine's text kept). The same text again
    writes nothing. Raises EmptyCorrection, CorrectionTooLong, NoTranscript (TranscriptDeleted) or TicketMoved."""
    wanted = text.strip()
    if not wanted:
        raise EmptyCorrection()
    if len(wanted) > MAX_TEXT:
        raise CorrectionTooLong(len(wanted))
    at = iso(now)
    read = [ticket]  # the handler's read serves the first try; a stale try reads afresh

    def attempt() -> tuple[Ticket, Ticket]:
        current = read.pop() if read else tickets.get(ticket.complaint_number)
        if current is None:
            raise NoTranscript(ticket.complaint_number)
        change = _correction(current, wanted, actor, district, at)
        if change is not None:
            tickets.save_change(change)
            return current, change.after
        return current, current

    try:
        before, after = retry_on_stale(attempt)
    except StaleTicket:
        raise TicketMoved(ticket.complaint_number) from None
    _follow_in_search(index, before, after, district)
    return after


def _correction(ticket: Ticket, text: str, actor: Actor, district: District, at: str) -> Change | None:
    transcript = Transcript.from_json(ticket.transcript)
    if transcript is None:
        raise NoTranscript(ticket.complaint_number)
    if transcript.deleted_at:
        raise TranscriptDeleted(ticket.complaint_number)
    if transcript.best_text == text:
        return None
    hint = category_hint(district, ticket.category, text, ticket.language)
    after = replace(ticket, version=ticket.version + 1, transcript=transcript.corrected(text, actor.id, at).to_json(),
                    category_hint=hint)
    entry = TimelineEntry(complaint_number=ticket.complaint_number, at=at, actor_type=actor.kind, actor_id=actor.id,
                          action=CORRECTED, channel=actor.channel,
                          detail={"before": transcript.best_text, "after": text})
    return Change(before=ticket, after=after, timeline=(entry,), events=())


def _follow_in_search(index: SearchIndex, before: Ticket, after: Ticket, district: District) -> None:
    """The index is derived from the ticket, which is written by now: a failure here is logged, not the
    person's, and the same correction sent again indexes its words again (doing that twice is harmless)."""
    old = ticket_text(before) if before is not after else ""
    try:
        index_ticket_text(index, after, old, ticket_text(after), district.transcription.retention_days)
    except Exception:
        log.exception("ticket %s: corrected, but its words were not indexed", after.complaint_number)
