"""Finding tickets by what was said or written: keeping a ticket's words in the search index, and reading it.

A ticket's text is its description, its transcript's best text (the correction when there is one) and the
caller's name. Whoever
changes either (a transcription, a correction, a registration with a description) calls `index_ticket_text`
with `ticket_text` of the ticket before and after: only the terms that came or went are written, so a
correction of one word costs two writes, not the whole transcript again.

Index entries expire with the district's retention (DynamoDB TTL on `expires_at`), counted from the ticket's
creation, like the recording and the transcript they were taken from.
"""
from __future__ import annotations

from datetime import timedelta

from chalicelib.domain import hindi_search
from chalicelib.domain.clock import parse_iso
from chalicelib.domain.hindi_search import terms
from chalicelib.domain.ports import Directory, SearchIndex, TicketStore
from chalicelib.domain.ticket import Ticket
from chalicelib.domain.transcripts import Transcript

MAX_QUERY_TERMS = 8  # a search box's words beyond these narrow nothing a person would notice


def said_text(ticket: Ticket | None) -> str:
    """What the citizen said or wrote: the ticket's description and its transcript's best text."""
    if ticket is None:
        return ""
    transcript = Transcript.from_json(ticket.transcript)
    return "\n".join(part for part in (ticket.description, transcript.best_text if transcript else "") if part)


def ticket_text(ticket: Ticket | None) -> str:
    """What the index holds of a ticket: what was said (said_text), and the caller's name, so that an operator
    finds a caller's complaints by the name they give on the phone, with the same Query as by words."""
    if ticket is None:
        return ""
    return "\n".join(part for part in (said_text(ticket), ticket.caller_name or "") if part)


def expires_at(created_at: str, retention_days: int) -> int | None:
    """Epoch seconds the ticket's entries expire at; None when the district keeps them (no retention)."""
    if retention_days <= 0:
        return None
    return int((parse_iso(created_at) + timedelta(days=retention_days)).timestamp())


def index_ticket_text(index: SearchIndex, ticket: Ticket, old_text: str, new_text: str,
                      retention_days: int) -> None:
    """Index the terms `new_text` has and `old_text` had not; forget those it dropped. Again is harmless, so a
    retried message may call it twice; with `old_text` "" it (re)indexes the whole text."""
    old, new = terms(old_text), terms(new_text)
    if added := new - old:
        index.index(ticket.district, ticket.complaint_number, ticket.created_at, added,
                    expires_at(ticket.created_at, retention_days))
    if dropped := old - new:
        index.unindex(ticket.district, ticket.complaint_number, ticket.created_at, dropped)


def query_terms(query: str) -> list[str]:
    """The search box's terms (domain/hindi_search.query_terms), the longest first, at most MAX_QUERY_TERMS."""
    return hindi_search.query_terms(query)[:MAX_QUERY_TERMS]


def search_tickets(index: SearchIndex, store: TicketStore, district: str, query: str, limit: int,
                   cursor: str | None) -> tuple[list[Ticket], str | None, int]:
    """A page of the district's tickets having every word of `query`, newest first: the tickets, the cursor to
    the next page (None at the end) and the index entries read (the page and one more for a one-word search;
    the tickets themselves are one BatchGetItem on top). A query of stop words only finds nothing."""
    words = query_terms(query)
    if not words:
        return [], None, 0
    page = index.find(district, words, limit, cursor)
    found = store.get_many(page.numbers) if page.numbers else []
    return [t for t in found if t.district == district], page.cursor, page.items_read


def index_registered_text(index: SearchIndex, store: TicketStore, directory: Directory, number: str) -> str:
    """A new ticket's written words (an operator's or a chat's description) made findable; a recording's wait for
    its transcript. One read of the ticket, and nothing when it has no text."""
    ticket = store.get(number)
    if ticket is None or not ticket.description:
        return "no written text to index"
    district = directory.district(ticket.district)
    retention = district.transcription.retention_days if district else 0
    index_ticket_text(index, ticket, "", ticket_text(ticket), retention)
    return "description indexed"
